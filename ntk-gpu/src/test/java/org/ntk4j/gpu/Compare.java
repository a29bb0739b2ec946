package org.ntk4j.gpu;

import static org.junit.jupiter.api.Assertions.fail;

/** Elementwise relative comparison: |a − r| ≤ tol·|r| (and a == r exactly where r == 0). */
final class Compare {
  private Compare() {}

  /** The largest relative difference |a − r| / |r| (infinite where r == 0 but a != 0). */
  static double maxRelative(double[] a, double[] r) {
    double m = 0;
    for (int i = 0; i < r.length; i++) {
      double e = a[i] == r[i] ? 0.0 : r[i] == 0 ? Double.POSITIVE_INFINITY : Math.abs(a[i] - r[i]) / Math.abs(r[i]);
      if (!(e <= m)) m = e; // NaN propagates
    }
    return m;
  }

  /**
   * |a − r| ≤ tol·max|r| for every entry: float32 cannot give elementwise relative accuracy where an entry is a
   * cancellation (e.g. ReLU of an antipodal pair, Σ ≈ 0), so its bound is relative to the matrix's largest entry.
   */
  static void assertCloseNormwise(double[] a, double[] r, double tol, String what) {
    double max = 0;
    for (double v : r) max = Math.max(max, Math.abs(v));
    for (int i = 0; i < r.length; i++) {
      if (!(Math.abs(a[i] - r[i]) <= tol * max)) {
        fail(what + ": entry " + i + " is " + a[i] + ", CPU " + r[i] + " (tolerance " + tol + " of max " + max + ")");
      }
    }
  }

  static void assertClose(double[] a, double[] r, double tol, String what) {
    if (a.length != r.length) fail(what + ": " + a.length + " values vs " + r.length);
    for (int i = 0; i < r.length; i++) {
      boolean ok = a[i] == r[i] || (r[i] != 0 && Math.abs(a[i] - r[i]) <= tol * Math.abs(r[i]));
      if (!ok) fail(what + ": entry " + i + " is " + a[i] + ", CPU " + r[i] + " (relative tolerance " + tol + ")");
    }
  }
}
