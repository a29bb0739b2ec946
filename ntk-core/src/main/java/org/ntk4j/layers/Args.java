package org.ntk4j.layers;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The arguments of one layer in the architecture text form: positional values first, then {@code key=value} pairs.
 * Keys are case-insensitive. Factories read what they accept; {@link #finish()} refuses anything left over, naming it.
 * Values are kept as written (a number, a word like {@code SAME}, {@code 3x3}, or a nested architecture).
 */
public final class Args {
  /** One value as written, with its character position in the source text. */
  public record Value(String text, int position, Layer architecture) {
    public boolean isArchitecture() { return architecture != null; }
  }

  private final String layer;
  private final int position;
  private final List<Value> positional;
  private final Map<String, Value> named;
  private final Set<String> usedKeys = new HashSet<>();
  private int usedPositional = 0;

  public Args(String layer, int position, List<Value> positional, Map<String, Value> named) {
    this.layer = layer;
    this.position = position;
    this.positional = List.copyOf(positional);
    Map<String, Value> m = new LinkedHashMap<>();
    named.forEach((k, v) -> m.put(k.toLowerCase(Locale.ROOT), v));
    this.named = m;
  }

  /** No arguments. */
  public static Args none(String layer) { return new Args(layer, 0, List.of(), Map.of()); }

  public String layer() { return layer; }
  public int position() { return position; }
  public int positionalCount() { return positional.size(); }

  private ArchitectureException error(Value v, String what) {
    int pos = v == null ? position : v.position();
    return new ArchitectureException("at position " + pos + ": " + layer + ": " + what);
  }

  /** The next unread positional value, or null. */
  public Value nextPositional() {
    if (usedPositional < positional.size()) return positional.get(usedPositional++);
    return null;
  }

  /** The positional value at the read cursor without consuming it, or null. */
  public Value peekPositional() { return usedPositional < positional.size() ? positional.get(usedPositional) : null; }

  /** The named value, or null. */
  public Value named(String key) {
    String k = key.toLowerCase(Locale.ROOT);
    usedKeys.add(k);
    return named.get(k);
  }

  public boolean has(String key) { return named.containsKey(key.toLowerCase(Locale.ROOT)); }

  /** A number given by key, or by the next positional slot when {@code positional} is true, else the default. */
  public double number(String key, boolean positional, double dflt) {
    Value v = named(key);
    if (v == null && positional) v = nextPositional();
    if (v == null) return dflt;
    return parseNumber(v, key);
  }

  /** A required number (key or next positional). */
  public double requiredNumber(String key) {
    Value v = named(key);
    if (v == null) v = nextPositional();
    if (v == null) throw error(null, "missing required argument " + key);
    return parseNumber(v, key);
  }

  public double parseNumber(Value v, String key) {
    if (v.isArchitecture()) throw error(v, key + " must be a number, got an architecture");
    try {
      double d = Double.parseDouble(v.text());
      if (!Double.isFinite(d)) throw error(v, key + " must be finite, got " + v.text());
      return d;
    } catch (NumberFormatException e) {
      throw error(v, key + " must be a number, got '" + v.text() + "'");
    }
  }

  public int parseInt(Value v, String key) {
    double d = parseNumber(v, key);
    if (d != Math.rint(d) || Math.abs(d) > Integer.MAX_VALUE) throw error(v, key + " must be an integer, got " + v.text());
    return (int) d;
  }

  /** A word (e.g. padding) by key, or the default. */
  public String word(String key, String dflt) {
    Value v = named(key);
    if (v == null) return dflt;
    if (v.isArchitecture()) throw error(v, key + " must be a word, got an architecture");
    return v.text();
  }

  /** All remaining positional values as numbers (Polynomial coefficients). */
  public double[] remainingNumbers(String what) {
    List<Double> out = new ArrayList<>();
    Value v;
    while ((v = nextPositional()) != null) out.add(parseNumber(v, what));
    double[] r = new double[out.size()];
    for (int i = 0; i < r.length; i++) r[i] = out.get(i);
    return r;
  }

  /** Throws naming the first positional value or key that no factory read. */
  public void finish() {
    if (usedPositional < positional.size()) {
      Value v = positional.get(usedPositional);
      throw error(v, "unexpected argument '" + v.text() + "'");
    }
    for (Map.Entry<String, Value> e : named.entrySet()) {
      if (!usedKeys.contains(e.getKey())) throw error(e.getValue(), "unknown argument '" + e.getKey() + "'");
    }
  }

  /** An error attributed to a value of these arguments. */
  public ArchitectureException fail(Value v, String message) { return error(v, message); }
}
