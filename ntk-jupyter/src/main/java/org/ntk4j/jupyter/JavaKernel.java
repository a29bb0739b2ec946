package org.ntk4j.jupyter;

import java.awt.image.RenderedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.CodeSource;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import javax.imageio.ImageIO;
import jdk.jshell.DeclarationSnippet;
import jdk.jshell.Diag;
import jdk.jshell.EvalException;
import jdk.jshell.JShell;
import jdk.jshell.JShellException;
import jdk.jshell.Snippet;
import jdk.jshell.SnippetEvent;
import jdk.jshell.SourceCodeAnalysis;
import jdk.jshell.SourceCodeAnalysis.Completeness;
import jdk.jshell.SourceCodeAnalysis.CompletionInfo;
import jdk.jshell.UnresolvedReferenceException;
import org.dflib.jjava.jupyter.kernel.BaseKernel;
import org.dflib.jjava.jupyter.kernel.JupyterIO;
import org.dflib.jjava.jupyter.kernel.LanguageInfo;
import org.dflib.jjava.jupyter.kernel.ReplacementOptions;
import org.dflib.jjava.jupyter.kernel.comm.CommManager;
import org.dflib.jjava.jupyter.kernel.display.DisplayData;
import org.dflib.jjava.jupyter.kernel.display.Renderer;
import org.dflib.jjava.jupyter.kernel.magic.MagicsRegistry;
import org.dflib.jjava.jupyter.kernel.util.StringStyler;

/**
 * A Jupyter kernel for Java on JShell, compatible with IJava for what notebooks use: cells keep state, the value of a
 * cell's last expression is shown (unless a semicolon ends it), {@code display(...)} shows images as {@code image/png}, {@code System.out} /
 * {@code System.err} become the cell's streams, and {@code %jars} / {@code %classpath} add jars (globs; relative paths
 * against the notebook's directory). A failing cell raises a {@link CellException} naming the cell line and the
 * exception, which Jupyter shows as the cell's error (and {@code nbconvert --execute} turns into a failure).
 *
 * <p>The protocol (ZeroMQ channels, messages, streams) is jjava-jupyter's {@link BaseKernel}; this class only evaluates.
 */
public class JavaKernel extends BaseKernel {
  static final String MAGICS = "%jars, %classpath";
  private static final String VERSION = "0.1.0";
  private static final List<String> STARTUP = List.of(
      // the jshell tool's default imports, which IJava notebooks rely on too
      "import java.io.*;", "import java.math.*;", "import java.net.*;", "import java.nio.file.*;", "import java.util.*;",
      "import java.util.concurrent.*;", "import java.util.function.*;", "import java.util.prefs.*;",
      "import java.util.regex.*;", "import java.util.stream.*;",
      "import static org.ntk4j.jupyter.Display.*;");

  /** Where a snippet came from: cell number (execution count), its first cell line (0-based). */
  private record Origin(int cell, int line) {}

  private final Path baseDir;
  private final NotebookExecutionControl control = new NotebookExecutionControl();
  private final JShell shell;
  private final SourceCodeAnalysis analysis;
  private final Map<String, Origin> origins = new HashMap<>();
  private final Map<Integer, String[]> cellLines = new HashMap<>();
  private final Set<Path> classpath = new LinkedHashSet<>();
  private volatile Consumer<DisplayData> displaySink;
  private int cells;

  /** @param baseDir the notebook's directory: relative {@code %jars} paths are resolved against it */
  public JavaKernel(Path baseDir) {
    super("ntk4j Java kernel", VERSION,
        new LanguageInfo.Builder("Java").version(Runtime.version().toString()).mimetype("text/x-java-source")
            .fileExtension(".jshell").pygments("java").codemirror("java").build(),
        List.of(), null, new JupyterIO(StandardCharsets.UTF_8), new CommManager(), new Renderer(), null,
        new MagicsRegistry(), false, plainStyler());
    this.baseDir = baseDir.toAbsolutePath().normalize();
    this.shell = JShell.builder().executionEngine(new NotebookExecutionControl.Provider(control), Map.of()).build();
    this.analysis = shell.sourceCodeAnalysis();
    for (Class<?> c : new Class<?>[] {Display.class, DisplayData.class}) addToClasspath(codeSource(c));
    for (String s : STARTUP) {
      for (SnippetEvent e : shell.eval(s)) {
        if (e.status() != Snippet.Status.VALID) throw new IllegalStateException("kernel startup snippet failed: " + s);
      }
    }
  }

  /** The kernel the current notebook runs in (for {@link Display}). */
  public static JavaKernel current() {
    BaseKernel k = BaseKernel.notebookKernel();
    if (!(k instanceof JavaKernel jk)) throw new IllegalStateException("not running in the ntk4j Java kernel: " + k.getBanner());
    return jk;
  }

  /** The notebook's directory. */
  public Path baseDir() { return baseDir; }

  /** Jars and directories added by magics, in order. */
  public List<Path> classpath() { return List.copyOf(classpath); }

  /** Sends displayed data to {@code sink} instead of Jupyter (tests; {@code null} restores Jupyter). */
  public void displayTo(Consumer<DisplayData> sink) { this.displaySink = sink; }

  // ---------------------------------------------------------------- evaluation

  @Override
  public Object evalRaw(String cell) {
    int cellNo = ++cells;
    control.newCell();
    cellLines.put(cellNo, cell.split("\r?\n", -1));
    try {
      Object last = null;
      for (CellSource.Segment s : CellSource.split(cell)) last = s.magic() ? magic(s) : code(s, cellNo);
      return last;
    } finally {
      control.clearResults();
    }
  }

  @Override
  public DisplayData eval(String cell) {
    Object r = evalRaw(cell);
    return r == null ? null : render(r);
  }

  private Object code(CellSource.Segment seg, int cellNo) {
    String text = seg.text();
    int pos = 0;
    Object value = null;
    while (pos < text.length()) {
      String rest = text.substring(pos);
      if (rest.isBlank()) break;
      CompletionInfo info = analysis.analyzeCompletion(rest);
      if (info.completeness() == Completeness.EMPTY) break; // only comments left
      String src;
      int used;
      if (info.completeness().isComplete()) {
        src = info.source();
        used = rest.length() - info.remaining().length();
      } else { // incomplete or unknown: let the compiler say what is wrong
        src = rest;
        used = rest.length();
      }
      if (used <= 0) used = rest.length();
      Located at = new Located(text, seg.firstLine(), pos + offsetOf(rest.substring(0, used), src), src);
      // as in IPython, a trailing semicolon hides a value: "display(img);" shows the image, not its display id
      boolean shown = !rest.substring(0, used).strip().endsWith(";");
      value = snippet(src, cellNo, at, shown);
      pos += used;
    }
    return value;
  }

  /**
   * Where a snippet's source lies in its code segment: {@code start} is the offset of {@code src} in {@code text}
   * (JShell keeps leading whitespace in the source, and diagnostics count from it).
   */
  private record Located(String text, int firstLine, int start, String src) {
    /** 0-based cell line of a position in the snippet source. */
    int lineOf(long srcPos) { return firstLine + count(text, start + (int) Math.max(0, srcPos)); }

    /** 0-based column in its cell line of a position in the snippet source. */
    int columnOf(long srcPos) { return column(text, start + (int) Math.max(0, srcPos)); }

    /** Cell line of the snippet's first code (where JShell's stack-trace line 1 is). */
    int codeLine() {
      int k = 0;
      while (k < src.length() && Character.isWhitespace(src.charAt(k))) k++;
      return lineOf(k);
    }
  }

  private Object snippet(String src, int cellNo, Located at, boolean shown) {
    int line = at.codeLine();
    Object value = null;
    List<SnippetEvent> events = shell.eval(src);
    if (control.stopRequested()) {
      String msg = "line " + (line + 1) + ": interrupted (the cell was stopped here; the rest of it did not run)";
      throw new EvaluationException(msg, "interrupted", List.of(msg, "  " + sourceLine(cellNo, line)));
    }
    for (SnippetEvent e : events) {
      if (e.causeSnippet() != null) continue; // knock-on updates of other snippets
      Snippet sn = e.snippet();
      origins.put(sn.id(), new Origin(cellNo, line));
      if (e.status() == Snippet.Status.REJECTED) throw compilationError(sn, cellNo, at);
      if (e.exception() != null) throw evaluationError(e.exception(), cellNo, line);
      if (e.status() == Snippet.Status.RECOVERABLE_NOT_DEFINED && sn instanceof DeclarationSnippet d) {
        String missing = shell.unresolvedDependencies(d).collect(Collectors.joining(", "));
        String msg = "line " + (line + 1) + ": " + d.name() + " refers to undefined " + missing;
        throw new CompilationException(msg, List.of(msg, "  " + sourceLine(cellNo, line)));
      }
      boolean isValue = sn.kind() == Snippet.Kind.EXPRESSION
          || (sn.kind() == Snippet.Kind.VAR && sn.subKind() == Snippet.SubKind.TEMP_VAR_EXPRESSION_SUBKIND);
      value = isValue && shown ? control.take(e.value()) : null;
    }
    return value;
  }

  private CompilationException compilationError(Snippet sn, int cellNo, Located at) {
    List<Diag> diags = shell.diagnostics(sn).filter(Diag::isError).collect(Collectors.toList());
    List<String> report = new ArrayList<>();
    String first = null;
    for (Diag d : diags) {
      int l = at.lineOf(d.getStartPosition());
      String[] msg = d.getMessage(Locale.ROOT).split("\r?\n");
      String head = "line " + (l + 1) + ": " + msg[0];
      if (first == null) first = head;
      report.add("compilation error at " + cellName(cellNo) + " " + head);
      for (int i = 1; i < msg.length; i++) report.add("    " + msg[i].strip());
      report.add("  " + sourceLine(cellNo, l));
      report.add("  " + " ".repeat(Math.max(0, at.columnOf(d.getStartPosition()))) + "^");
    }
    if (first == null) {
      first = "line " + (at.codeLine() + 1) + ": does not compile";
      report.add(first);
    }
    return new CompilationException(first, report);
  }

  private EvaluationException evaluationError(JShellException ex, int cellNo, int line) {
    String cls = exceptionClass(ex);
    StackTraceElement[] st = ex.getStackTrace();
    int failing = line;
    String currentCellFrame = null;
    for (StackTraceElement f : st) { // innermost frame of this cell: the line that failed
      Origin o = origin(f);
      if (o != null && o.cell() == cellNo) {
        failing = o.line() + Math.max(1, f.getLineNumber()) - 1;
        currentCellFrame = f.getFileName();
        break;
      }
    }
    String message = ex instanceof UnresolvedReferenceException u
        ? "uses " + u.getSnippet().source().strip() + " which cannot run: "
            + shell.unresolvedDependencies(u.getSnippet()).collect(Collectors.joining(", ")) + " undefined"
        : ex.getMessage();
    String head = cls + (message == null ? "" : ": " + message);
    // thrown inside a library: name the throwing frame too (nbconvert's failure message shows only ename/evalue)
    String where = st.length > 0 && origin(st[0]) == null ? " (thrown at " + st[0] + ")" : "";
    List<String> report = new ArrayList<>();
    report.add(head + "  (at " + cellName(cellNo) + " line " + (failing + 1) + ")");
    report.add("  " + sourceLine(cellNo, failing));
    addStack(report, ex);
    for (Throwable c = ex.getCause(); c != null; c = c.getCause()) {
      report.add("Caused by: " + exceptionClass(c) + (c.getMessage() == null ? "" : ": " + c.getMessage()));
      addStack(report, c);
    }
    if (currentCellFrame == null && st.length == 0) report.add("    at " + cellName(cellNo) + " line " + (line + 1));
    return new EvaluationException("line " + (failing + 1) + ": " + head + where, cls, report);
  }

  private void addStack(List<String> report, Throwable t) {
    StackTraceElement[] st = t.getStackTrace();
    int last = st.length - 1; // frames below the outermost snippet frame are the kernel's own
    while (last >= 0 && origin(st[last]) == null) last--;
    if (last < 0) last = st.length - 1;
    for (int i = 0; i <= last; i++) {
      Origin o = origin(st[i]);
      if (o == null) {
        report.add("    at " + st[i]);
      } else {
        int l = o.line() + Math.max(1, st[i].getLineNumber()) - 1;
        report.add("    at " + cellName(o.cell()) + " line " + (l + 1) + ": " + sourceLine(o.cell(), l).strip());
      }
    }
  }

  private static String exceptionClass(Throwable t) {
    return t instanceof EvalException e ? e.getExceptionClassName()
        : t instanceof UnresolvedReferenceException ? "UnresolvedReferenceException" : t.getClass().getName();
  }

  /** The snippet a JShell stack frame belongs to (JShell reports them with file {@code #<snippet id>}), or null. */
  private Origin origin(StackTraceElement f) {
    String file = f.getFileName();
    if (file == null || !file.matches("#\\d+")) return null;
    if (!f.getClassName().isEmpty() && !f.getClassName().startsWith("REPL.")) return null;
    return origins.get(file.substring(1));
  }

  private String cellName(int cellNo) { return "cell [" + cellNo + "]"; }

  private String sourceLine(int cellNo, int line) {
    String[] ls = cellLines.get(cellNo);
    return ls == null || line < 0 || line >= ls.length ? "" : ls[line];
  }

  private static int offsetOf(String consumed, String src) {
    String probe = src.endsWith(";") ? src.substring(0, src.length() - 1) : src;
    int i = probe.isEmpty() ? -1 : consumed.indexOf(probe);
    if (i >= 0) return i;
    String stripped = probe.strip(); // JShell changed the source: align its first code with the consumed text's
    int lead = 0;
    while (lead < src.length() && Character.isWhitespace(src.charAt(lead))) lead++;
    int k = 0;
    while (k < consumed.length() && Character.isWhitespace(consumed.charAt(k))) k++;
    return stripped.isEmpty() ? 0 : Math.max(0, k - lead);
  }

  private static int count(String s, int upTo) {
    int n = 0;
    for (int i = 0; i < Math.min(upTo, s.length()); i++) if (s.charAt(i) == '\n') n++;
    return n;
  }

  private static int column(String s, int pos) {
    int p = Math.min(pos, s.length());
    int nl = s.lastIndexOf('\n', p - 1);
    return p - (nl + 1);
  }

  // ---------------------------------------------------------------- magics

  private Object magic(CellSource.Segment s) {
    try {
      switch (s.name()) {
        case "jars": ClasspathEntries.resolve("jars", s.args(), baseDir, true).forEach(this::addToClasspath); return null;
        case "classpath": ClasspathEntries.resolve("classpath", s.args(), baseDir, false).forEach(this::addToClasspath); return null;
        default: throw new IllegalArgumentException("unknown line magic %" + s.name() + " (this kernel knows " + MAGICS + ")");
      }
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("line " + (s.firstLine() + 1) + ": " + e.getMessage(), e);
    }
  }

  private void addToClasspath(Path p) {
    if (classpath.add(p)) shell.addToClasspath(p.toString());
  }

  private static Path codeSource(Class<?> c) {
    CodeSource cs = c.getProtectionDomain().getCodeSource();
    if (cs == null) throw new IllegalStateException("cannot locate the classes of " + c.getName());
    try {
      return Path.of(cs.getLocation().toURI());
    } catch (URISyntaxException e) {
      throw new IllegalStateException("cannot locate the classes of " + c.getName() + ": " + cs.getLocation(), e);
    }
  }

  // ---------------------------------------------------------------- display

  /** Display data for {@code o}: images as {@code image/png} (like IJava), everything else through the renderer. */
  public DisplayData render(Object o) {
    if (o instanceof DisplayData d) return d;
    if (o instanceof RenderedImage img) return image(img);
    return getRenderer().render(o);
  }

  /** Display data for {@code o} in the given MIME types. */
  public DisplayData render(Object o, String... mimeTypes) {
    if (o instanceof RenderedImage img && mimeTypes.length == 1 && mimeTypes[0].equals("image/png")) return image(img);
    return getRenderer().renderAs(o, mimeTypes);
  }

  private static DisplayData image(RenderedImage img) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try {
      if (!ImageIO.write(img, "png", out)) throw new IllegalArgumentException("no PNG writer for " + img.getClass().getName());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot encode the image as PNG", e);
    }
    DisplayData d = new DisplayData("image " + img.getWidth() + "x" + img.getHeight());
    d.putData("image/png", Base64.getEncoder().encodeToString(out.toByteArray()));
    return d;
  }

  /** Shows {@code d} below the running cell; returns its display id. */
  String publish(DisplayData d) {
    String id = d.getDisplayId();
    if (id == null) {
      id = UUID.randomUUID().toString();
      d.setDisplayId(id);
    }
    Consumer<DisplayData> sink = displaySink;
    if (sink != null) sink.accept(d);
    else display(d);
    return id;
  }

  // ---------------------------------------------------------------- protocol extras

  @Override
  public List<String> formatError(Throwable e) {
    if (e instanceof CellException ce) return ce.report();
    return super.formatError(e);
  }

  @Override
  public void interrupt() { shell.stop(); }

  @Override
  public void onShutdown(boolean restarting) {
    super.onShutdown(restarting);
    shell.close();
  }

  @Override
  public String isComplete(String code) {
    if (code.lines().anyMatch(l -> l.stripLeading().startsWith("%"))) return IS_COMPLETE_YES;
    String rest = code;
    while (true) {
      CompletionInfo info = analysis.analyzeCompletion(rest);
      switch (info.completeness()) {
        case EMPTY: return IS_COMPLETE_YES;
        case COMPLETE: case COMPLETE_WITH_SEMI:
          if (info.remaining().isBlank()) return IS_COMPLETE_YES;
          rest = info.remaining();
          break;
        case DEFINITELY_INCOMPLETE: case CONSIDERED_INCOMPLETE: return "";
        default: return IS_COMPLETE_BAD;
      }
    }
  }

  @Override
  public ReplacementOptions complete(String code, int at) {
    int[] anchor = new int[1];
    List<String> options = analysis.completionSuggestions(code, at, anchor).stream()
        .map(SourceCodeAnalysis.Suggestion::continuation).distinct().collect(Collectors.toList());
    return new ReplacementOptions(options, anchor[0], at);
  }

  @Override
  public DisplayData inspect(String code, int at, boolean extraDetail) {
    List<SourceCodeAnalysis.Documentation> docs = analysis.documentation(code, at, true);
    if (docs.isEmpty()) return null;
    StringBuilder sb = new StringBuilder();
    for (SourceCodeAnalysis.Documentation d : docs) {
      sb.append(d.signature()).append('\n');
      if (extraDetail && d.javadoc() != null) sb.append(d.javadoc()).append('\n');
    }
    return new DisplayData(sb.toString());
  }

  private static StringStyler plainStyler() { return new StringStyler.Builder().build(); }
}
