package org.ntk4j.io;

import java.util.Locale;

/** The few JSON literals the reports write by hand: quoted strings, numbers, arrays of numbers. */
public final class Json {
  private Json() {}

  /** A JSON string literal: quotes and backslashes escaped, control characters as four-digit unicode escapes. */
  public static String string(String s) {
    StringBuilder b = new StringBuilder("\"");
    for (char c : s.toCharArray()) {
      if (c == '"' || c == '\\') b.append('\\').append(c);
      else if (c < 0x20) b.append(String.format(Locale.ROOT, "\\u%04x", (int) c));
      else b.append(c);
    }
    return b.append('"').toString();
  }

  /** A finite number as Java prints it (round-trips exactly); NaN and ±∞ as {@code null}. */
  public static String number(double v) { return Double.isFinite(v) ? Double.toString(v) : "null"; }

  /** An array of {@link #number}s; {@code null} for a null array. */
  public static String array(double[] v) {
    if (v == null) return "null";
    StringBuilder b = new StringBuilder("[");
    for (int i = 0; i < v.length; i++) b.append(i > 0 ? ", " : "").append(number(v[i]));
    return b.append(']').toString();
  }
}
