package org.ntk4j.layers;

/** How weights are scaled; neural-tangents' two conventions. */
public enum Parameterization {
  /** y = (W_std / sqrt(fan_in)) W x + b_std b with W, b ~ N(0, 1): the width-independent NTK. */
  NTK,
  /** y = W x + b with W ~ N(0, W_std² / fan_in), b ~ N(0, b_std²): the NTK depends on the finite widths. */
  STANDARD;

  public static Parameterization parse(String s) {
    switch (s.trim().toLowerCase(java.util.Locale.ROOT)) {
      case "ntk": return NTK;
      case "standard": return STANDARD;
      default: throw new IllegalArgumentException("unknown parameterization '" + s + "': expected ntk or standard");
    }
  }
}
