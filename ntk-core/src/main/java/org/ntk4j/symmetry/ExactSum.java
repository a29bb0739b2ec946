package org.ntk4j.symmetry;

/**
 * Correctly rounded sums of a few doubles (Shewchuk's partials, as in Python's {@code math.fsum}). The result is the
 * exact sum rounded once, so it does not depend on the order of the terms and changes sign exactly with them: sums
 * over a group orbit taken in another order (Σ_g Θ(hx, g x') versus Σ_g Θ(x, g x')) stay bitwise equal.
 */
public final class ExactSum {
  private double[] partials = new double[32];

  /** Correctly rounded sum of {@code v[off], v[off + stride], …} ({@code count} terms); the terms must be finite. */
  public double sum(double[] v, int off, int stride, int count) {
    int np = 0;
    for (int t = 0; t < count; t++) {
      double x = v[off + t * stride];
      int i = 0;
      for (int j = 0; j < np; j++) {
        double y = partials[j];
        if (Math.abs(x) < Math.abs(y)) {
          double tmp = x;
          x = y;
          y = tmp;
        }
        double hi = x + y;
        double lo = y - (hi - x);
        if (lo != 0.0) partials[i++] = lo;
        x = hi;
      }
      if (i >= partials.length) partials = java.util.Arrays.copyOf(partials, 2 * partials.length);
      partials[i++] = x;
      np = i;
    }
    return round(np);
  }

  private double round(int n) {
    if (n == 0) return 0.0;
    double hi = partials[--n];
    double lo = 0;
    while (n > 0) {
      double x = hi;
      double y = partials[--n];
      hi = x + y;
      double yr = hi - x;
      lo = y - yr;
      if (lo != 0.0) break;
    }
    if (n > 0 && ((lo < 0 && partials[n - 1] < 0) || (lo > 0 && partials[n - 1] > 0))) {
      double y = lo * 2;
      double x = hi + y;
      double yr = x - hi;
      if (y == yr) hi = x;
    }
    return hi;
  }
}
