package org.ntk4j.layers;

/** Number formatting of the architecture text form: integers without a fraction, others as {@link Double#toString}. */
final class Num {
  private Num() {}

  static String fmt(double d) {
    if (d == Math.rint(d) && Math.abs(d) < 1e15) {
      if (d == 0 && 1 / d < 0) return "-0.0";
      return Long.toString((long) d);
    }
    return Double.toString(d);
  }

  /** A finite parameter, or an {@link ArchitectureException} naming the layer and the parameter. */
  static double finite(String layer, String name, double v) {
    if (!Double.isFinite(v)) throw new ArchitectureException(layer + ": " + name + " must be finite, got " + v);
    return v + 0.0; // −0 → +0, so that equal layers print and compare equal
  }
}
