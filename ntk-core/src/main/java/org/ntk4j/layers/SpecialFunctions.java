package org.ntk4j.layers;

/** erf, erfc and the standard normal CDF in double precision (no dependency offers them; {@link Math} has none). */
final class SpecialFunctions {
  private SpecialFunctions() {}

  static final double TWO_OVER_SQRT_PI = 2.0 / Math.sqrt(Math.PI);
  static final double INV_SQRT_2PI = 1.0 / Math.sqrt(2.0 * Math.PI);
  static final double SQRT_HALF = Math.sqrt(0.5);

  /**
   * erf(x). For |x| < 2: the all-positive series erf(x) = (2/√π) e^{−x²} Σ 2ⁿ x^{2n+1} / (2n+1)!! (no cancellation);
   * otherwise 1 − erfc(|x|) from the continued fraction.
   */
  static double erf(double x) {
    if (Double.isNaN(x)) return x;
    double ax = Math.abs(x);
    if (ax < 2.0) {
      double x2 = ax * ax;
      double term = ax, sum = ax;
      for (int n = 0; n < 200; n++) {
        term *= 2.0 * x2 / (2 * n + 3);
        sum += term;
        if (term < 1e-17 * sum) break;
      }
      double r = TWO_OVER_SQRT_PI * Math.exp(-x2) * sum;
      return x < 0 ? -r : r;
    }
    double r = 1.0 - erfcLarge(ax);
    return x < 0 ? -r : r;
  }

  /** erfc(x) with full relative accuracy for large positive x. */
  static double erfc(double x) {
    if (Double.isNaN(x)) return x;
    if (x >= 2.0) return erfcLarge(x);
    if (x <= -2.0) return 2.0 - erfcLarge(-x);
    return 1.0 - erf(x);
  }

  /**
   * erfc(x) for x ≥ 2 by the continued fraction erfc(x) = e^{−x²}/√π · 1/(x + (1/2)/(x + 1/(x + (3/2)/(x + ...))))
   * evaluated with the modified Lentz method.
   */
  private static double erfcLarge(double x) {
    if (x > 27.3) return 0.0; // below the smallest subnormal
    final double tiny = 1e-300;
    double f = x, c = x, d = 0.0;
    for (int k = 1; k < 500; k++) {
      double ak = 0.5 * k;
      d = x + ak * d;
      if (d == 0) d = tiny;
      c = x + ak / c;
      if (c == 0) c = tiny;
      d = 1.0 / d;
      double delta = c * d;
      f *= delta;
      if (Math.abs(delta - 1.0) < 1e-16) break;
    }
    return Math.exp(-x * x) / (Math.sqrt(Math.PI) * f);
  }

  /** Φ(x), the standard normal CDF, with relative accuracy in both tails. */
  static double normalCdf(double x) {
    return 0.5 * erfc(-x * SQRT_HALF);
  }

  /** The standard normal density. */
  static double normalPdf(double x) {
    return INV_SQRT_2PI * Math.exp(-0.5 * x * x);
  }
}
