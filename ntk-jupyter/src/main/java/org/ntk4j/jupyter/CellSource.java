package org.ntk4j.jupyter;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A cell split, in order, into line magics ({@code %name args} alone on a line, as in IJava) and runs of Java code,
 * each with the 0-based cell line it starts on, so that errors can name cell lines.
 */
final class CellSource {
  private static final Pattern LINE_MAGIC = Pattern.compile("^\\s*%(?!%)(\\w+)(.*)$");
  private static final Pattern CELL_MAGIC = Pattern.compile("^\\s*%%(\\w+).*$");

  /** One part of a cell. For a magic, {@code text} is the whole line and {@code name}/{@code args} are parsed. */
  record Segment(boolean magic, String text, int firstLine, String name, List<String> args) {}

  private CellSource() {}

  static List<Segment> split(String cell) {
    String[] lines = cell.split("\r?\n", -1);
    List<Segment> out = new ArrayList<>();
    StringBuilder code = new StringBuilder();
    int codeStart = 0;
    for (int i = 0; i < lines.length; i++) {
      Matcher cm = CELL_MAGIC.matcher(lines[i]);
      if (cm.matches()) {
        throw new IllegalArgumentException("line " + (i + 1) + ": cell magic %%" + cm.group(1)
            + " is not supported by this kernel (line magics: " + JavaKernel.MAGICS + ")");
      }
      Matcher m = LINE_MAGIC.matcher(lines[i]);
      if (m.matches()) {
        if (code.length() > 0) out.add(new Segment(false, code.toString(), codeStart, null, List.of()));
        code.setLength(0);
        out.add(new Segment(true, lines[i], i, m.group(1), arguments(m.group(2), i)));
        codeStart = i + 1;
      } else {
        if (code.length() > 0) code.append('\n');
        else codeStart = i;
        code.append(lines[i]);
      }
    }
    if (code.length() > 0 && !code.toString().isBlank()) out.add(new Segment(false, code.toString(), codeStart, null, List.of()));
    return out;
  }

  /** Whitespace-separated arguments; double quotes group, backslash escapes. */
  static List<String> arguments(String s, int line) {
    List<String> args = new ArrayList<>();
    StringBuilder cur = new StringBuilder();
    boolean quoted = false, any = false;
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == '\\' && i + 1 < s.length()) {
        cur.append(s.charAt(++i));
        any = true;
      } else if (c == '"') {
        quoted = !quoted;
        any = true;
      } else if (Character.isWhitespace(c) && !quoted) {
        if (any) args.add(cur.toString());
        cur.setLength(0);
        any = false;
      } else {
        cur.append(c);
        any = true;
      }
    }
    if (quoted) throw new IllegalArgumentException("line " + (line + 1) + ": unclosed quote in magic arguments: " + s.trim());
    if (any) args.add(cur.toString());
    return args;
  }
}
