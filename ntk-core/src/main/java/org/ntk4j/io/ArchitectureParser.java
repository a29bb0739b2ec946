package org.ntk4j.io;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.ntk4j.layers.ArchitectureException;
import org.ntk4j.layers.Args;
import org.ntk4j.layers.Layer;
import org.ntk4j.layers.LayerFactory;
import org.ntk4j.layers.LayerRegistry;
import org.ntk4j.layers.Layers;

/**
 * The architecture text form, e.g.
 * <pre>
 *   Dense(512, W_std=1.4142, b_std=0.05) -> Erf -> Dense(W_std=1.4142)
 *   Dense(W_std=1) -> Residual(Dense(256, W_std=1.4) -> Relu -> Dense(256)) -> Relu -> Dense
 * </pre>
 * Grammar:
 * <pre>
 *   architecture := layer ( "->" layer )*
 *   layer        := NAME [ "(" [ arg ( "," arg )* ] ")" ]
 *   arg          := [ KEY "=" ] value
 *   value        := architecture | NUMBER | WORD
 * </pre>
 * Names and keys are case-insensitive; every layer is found through {@link LayerRegistry}, so layers registered there
 * need no change here. A value is a nested architecture when it contains a layer with arguments or an arrow, or when it
 * is a single positional word naming a registered layer ({@code Residual(Dense)}); otherwise it is kept as written
 * ({@code 1.5e-3}, {@code SAME}, {@code 3x3}) for the layer's factory to interpret.
 *
 * <p>Errors are {@link ArchitectureException}s that start with {@code at position N}, where N is the 1-based character
 * column in the text, and say what was expected and what was found (unknown layer names: {@code unknown layer 'X' at
 * position N (known: ...)}). The {@link Args} positions use the same columns: a layer's name, a positional value, or
 * the key of a {@code key=value} argument.
 */
public final class ArchitectureParser {
  private final String text;
  private final List<Token> tokens;
  private int k;

  private ArchitectureParser(String text) {
    this.text = text;
    this.tokens = lex(text);
  }

  /** Parses an architecture; a single layer is returned as itself, several as a {@link Layers#serial} chain. */
  public static Layer parse(String text) {
    if (text == null) throw new ArchitectureException("no architecture given");
    ArchitectureParser p = new ArchitectureParser(text);
    Layer l = p.architecture();
    Token t = p.peek();
    if (t.kind != Kind.END) throw p.expected("'->' or the end of the architecture", t);
    return l;
  }

  // ------------------------------------------------------------------------------------------------ grammar

  private Layer architecture() {
    List<Layer> layers = new ArrayList<>();
    layers.add(layer());
    while (peek().kind == Kind.ARROW) {
      k++;
      layers.add(layer());
    }
    return layers.size() == 1 ? layers.get(0) : Layers.serial(layers.toArray(new Layer[0]));
  }

  private Layer layer() {
    Token t = next();
    if (t.kind != Kind.ATOM || !isName(t.text)) {
      throw expected("a layer name", t);
    }
    LayerFactory f = LayerRegistry.get(t.text);
    if (f == null) throw unknownLayer(t);
    List<Args.Value> positional = new ArrayList<>();
    Map<String, Args.Value> named = new LinkedHashMap<>();
    if (peek().kind == Kind.OPEN) {
      k++;
      if (peek().kind == Kind.CLOSE) {
        k++;
      } else {
        while (true) {
          argument(t, positional, named);
          Token sep = next();
          if (sep.kind == Kind.CLOSE) break;
          if (sep.kind != Kind.COMMA) throw expected("')' or ','", sep);
        }
      }
    }
    Args args = new Args(t.text, t.pos, positional, named);
    Layer layer;
    try {
      layer = f.create(args);
      args.finish();
    } catch (ArchitectureException e) {
      throw located(e, t.pos);
    } catch (IllegalArgumentException e) {
      throw located(e, t.pos);
    }
    if (layer == null) throw new ArchitectureException("at position " + t.pos + ": layer '" + t.text + "' could not be built");
    return layer;
  }

  private void argument(Token layer, List<Args.Value> positional, Map<String, Args.Value> named) {
    Token first = peek();
    if (first.kind == Kind.ATOM && isName(first.text) && peek(1).kind == Kind.EQUALS) {
      k += 2;
      String key = first.text.toLowerCase(Locale.ROOT);
      if (named.containsKey(key)) {
        throw new ArchitectureException("at position " + first.pos + ": " + layer.text + ": argument '" + first.text + "' given twice");
      }
      Args.Value v = value(false);
      // a named argument is located at its key, so that errors about the value and about the key point to the same place
      named.put(key, new Args.Value(v.text(), first.pos, v.architecture()));
      return;
    }
    if (!named.isEmpty() && first.kind != Kind.CLOSE) {
      throw new ArchitectureException("at position " + first.pos + ": " + layer.text
          + ": positional argument '" + first.text + "' after key=value arguments");
    }
    positional.add(value(true));
  }

  private Args.Value value(boolean positional) {
    Token t = peek();
    if (t.kind != Kind.ATOM) throw expected("a value (a number, a word or an architecture)", t);
    Token after = peek(1);
    boolean nested = isName(t.text) && (after.kind == Kind.OPEN || after.kind == Kind.ARROW
        || (positional && LayerRegistry.get(t.text) != null));
    if (nested) {
      int start = t.pos;
      int from = k;
      Layer l = architecture();
      String written = source(from, k);
      return new Args.Value(written, start, l);
    }
    k++;
    return new Args.Value(t.text, t.pos, null);
  }

  /** The source text spanned by tokens [from, to). */
  private String source(int from, int to) {
    Token a = tokens.get(from);
    Token b = tokens.get(to - 1);
    return text.substring(a.pos - 1, b.pos - 1 + b.text.length());
  }

  // ------------------------------------------------------------------------------------------------ errors

  private ArchitectureException expected(String what, Token found) {
    return new ArchitectureException("at position " + found.pos + ": expected " + what + " but found " + found.describe());
  }

  private ArchitectureException unknownLayer(Token t) {
    String lower = t.text.toLowerCase(Locale.ROOT);
    String best = null;
    int bestD = Integer.MAX_VALUE;
    for (String n : LayerRegistry.names()) {
      int d = editDistance(lower, n);
      if (d < bestD) {
        bestD = d;
        best = n;
      }
    }
    String hint = best != null && bestD <= Math.max(1, lower.length() / 3) ? "; did you mean '" + best + "'?" : "";
    return new ArchitectureException("unknown layer '" + t.text + "' at position " + t.pos + " (known: "
        + String.join(", ", LayerRegistry.names()) + ")" + hint);
  }

  private static ArchitectureException located(IllegalArgumentException e, int pos) {
    String m = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    if (m.startsWith("at position ")) return e instanceof ArchitectureException a ? a : new ArchitectureException(m);
    ArchitectureException out = new ArchitectureException("at position " + pos + ": " + m);
    out.initCause(e);
    return out;
  }

  static int editDistance(String a, String b) {
    int[] prev = new int[b.length() + 1];
    int[] cur = new int[b.length() + 1];
    for (int j = 0; j <= b.length(); j++) prev[j] = j;
    for (int i = 1; i <= a.length(); i++) {
      cur[0] = i;
      for (int j = 1; j <= b.length(); j++) {
        int c = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
        cur[j] = Math.min(Math.min(cur[j - 1] + 1, prev[j] + 1), prev[j - 1] + c);
      }
      int[] t = prev;
      prev = cur;
      cur = t;
    }
    return prev[b.length()];
  }

  // ------------------------------------------------------------------------------------------------ tokens

  private enum Kind { ATOM, OPEN, CLOSE, COMMA, EQUALS, ARROW, END }

  /** A token with its 1-based character position. */
  private record Token(Kind kind, String text, int pos) {
    String describe() {
      return kind == Kind.END ? "the end of the architecture" : "'" + text + "'";
    }
  }

  private Token peek() { return tokens.get(k); }

  private Token peek(int ahead) { return tokens.get(Math.min(k + ahead, tokens.size() - 1)); }

  private Token next() {
    Token t = tokens.get(k);
    if (t.kind != Kind.END) k++;
    return t;
  }

  private static boolean isName(String s) {
    if (s.isEmpty() || !(Character.isLetter(s.charAt(0)) || s.charAt(0) == '_')) return false;
    for (int i = 1; i < s.length(); i++) {
      char c = s.charAt(i);
      if (!(Character.isLetterOrDigit(c) || c == '_')) return false;
    }
    return true;
  }

  private static boolean atomChar(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '.' || c == '+' || c == '-';
  }

  private static List<Token> lex(String s) {
    List<Token> out = new ArrayList<>();
    int i = 0;
    int n = s.length();
    while (i < n) {
      char c = s.charAt(i);
      if (Character.isWhitespace(c)) {
        i++;
        continue;
      }
      int pos = i + 1;
      if (c == '-' && i + 1 < n && s.charAt(i + 1) == '>') {
        out.add(new Token(Kind.ARROW, "->", pos));
        i += 2;
      } else if (c == '(') {
        out.add(new Token(Kind.OPEN, "(", pos));
        i++;
      } else if (c == ')') {
        out.add(new Token(Kind.CLOSE, ")", pos));
        i++;
      } else if (c == ',') {
        out.add(new Token(Kind.COMMA, ",", pos));
        i++;
      } else if (c == '=') {
        out.add(new Token(Kind.EQUALS, "=", pos));
        i++;
      } else if (atomChar(c)) {
        int j = i;
        while (j < n && atomChar(s.charAt(j)) && !(s.charAt(j) == '-' && j + 1 < n && s.charAt(j + 1) == '>')) j++;
        out.add(new Token(Kind.ATOM, s.substring(i, j), pos));
        i = j;
      } else {
        throw new ArchitectureException("at position " + pos + ": unexpected character '" + c + "'"
            + (c == '>' ? " (an arrow is written '->')" : ""));
      }
    }
    out.add(new Token(Kind.END, "", n + 1));
    return out;
  }
}
