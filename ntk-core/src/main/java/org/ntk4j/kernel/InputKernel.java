package org.ntk4j.kernel;

import org.ntk4j.Inputs;
import org.ntk4j.Shape;
import org.ntk4j.linalg.DenseLinalg;

/**
 * The input layer's kernel: Σ₀(x, x')(p, p') = x[p]·x'[p'] / C per pair of spatial positions (x·x'/d for flat inputs),
 * Θ₀ = 0, as in neural-tangents.
 */
public final class InputKernel {
  private InputKernel() {}

  /** Inputs prepared once for many tiles: exact slices for flat inputs, the raw values otherwise. */
  public static final class Prepared {
    final Inputs inputs;
    final Summation summation;
    /** For flat inputs under EXACT: three slice matrices of n × d. */
    final double[][] slices;

    Prepared(Inputs inputs, Summation summation) {
      this.inputs = inputs;
      this.summation = summation;
      if (inputs.shape().isFlat() && summation == Summation.EXACT) {
        slices = split(inputs.data(), inputs.n(), inputs.shape().channels());
      } else {
        slices = null;
      }
    }

    public int n() { return inputs.n(); }

    /** Bytes held beyond the inputs. */
    public long bytes() { return slices == null ? 0 : 3L * 8 * inputs.data().length; }
  }

  public static Prepared prepare(Inputs x, Summation summation) { return new Prepared(x, summation); }

  /** Bits per slice so that a dot product of d slice entries is exact in double precision. */
  static int sliceBits(int d) {
    int logd = 32 - Integer.numberOfLeadingZeros(Math.max(1, d - 1)); // ceil(log2 d)
    return Math.max(1, (53 - logd) / 2);
  }

  /** Splits each row into three slices s1 + s2 + s3 (≈ x up to 2^(−3β) of the row's largest magnitude). */
  static double[][] split(double[] x, int n, int d) {
    int beta = sliceBits(d);
    double[][] s = new double[3][x.length];
    for (int i = 0; i < n; i++) {
      int off = i * d;
      double max = 0;
      for (int j = 0; j < d; j++) max = Math.max(max, Math.abs(x[off + j]));
      if (max == 0) continue;
      int e = Math.getExponent(max) + 1; // max < 2^e
      for (int j = 0; j < d; j++) {
        double r = x[off + j];
        for (int t = 0; t < 3; t++) {
          double u = Math.scalb(1.0, e - beta * (t + 1));
          if (u == 0 || r == 0) break;
          double q = Math.rint(r / u) * u;
          s[t][off + j] = q;
          r -= q;
        }
      }
    }
    return s;
  }

  /** Fills a cross tile: rows {@code aOff ..} of a against rows {@code bOff ..} of b. */
  public static void fillCross(KernelState s, Prepared a, int aOff, Prepared b, int bOff) {
    Shape shape = a.inputs.shape();
    int rows = s.rows();
    int cols = s.cols();
    if (shape.isFlat()) {
      int d = shape.channels();
      double[] out = s.nngp;
      if (a.slices != null) {
        DenseLinalg la = DenseLinalg.get();
        double[][] pr = new double[6][];
        int[][] pairs = {{0, 0}, {0, 1}, {1, 0}, {0, 2}, {2, 0}, {1, 1}};
        for (int t = 0; t < 6; t++) {
          pr[t] = new double[rows * cols];
          la.gemm(rows, cols, d, 1.0, a.slices[pairs[t][0]], aOff * d, b.slices[pairs[t][1]], bOff * d, true, 0.0, pr[t], 0);
        }
        for (int k = 0; k < rows * cols; k++) out[k] = combine(pr[0][k], pr[1][k], pr[2][k], pr[3][k], pr[4][k], pr[5][k]) / d;
      } else {
        DenseLinalg.get().gemm(rows, cols, d, 1.0, a.inputs.data(), aOff * d, b.inputs.data(), bOff * d, true, 0.0, out, 0);
        for (int k = 0; k < rows * cols; k++) out[k] /= d;
      }
      return;
    }
    int pp = shape.positions();
    int c = shape.channels();
    double[] xa = a.inputs.data();
    double[] xb = b.inputs.data();
    int size = shape.size();
    for (int r = 0; r < rows; r++) {
      for (int q = 0; q < cols; q++) {
        fillPair(s, r * cols + q, xa, (aOff + r) * size, xb, (bOff + q) * size, pp, c);
      }
    }
  }

  /** Fills a self state with the pairs (i, i) of rows {@code off ..} of a. */
  public static void fillSelf(KernelState s, Prepared a, int off) {
    Shape shape = a.inputs.shape();
    int n = s.rows();
    if (shape.isFlat()) {
      int d = shape.channels();
      double[] x = a.inputs.data();
      for (int i = 0; i < n; i++) {
        int o = (off + i) * d;
        if (a.slices != null) {
          double[][] sl = a.slices;
          double p00 = dot(sl[0], o, sl[0], o, d), p01 = dot(sl[0], o, sl[1], o, d);
          double p02 = dot(sl[0], o, sl[2], o, d), p11 = dot(sl[1], o, sl[1], o, d);
          s.nngp[i] = combine(p00, p01, p01, p02, p02, p11) / d;
        } else {
          s.nngp[i] = dot(x, o, x, o, d) / d;
        }
      }
      return;
    }
    int pp = shape.positions();
    int c = shape.channels();
    double[] x = a.inputs.data();
    int size = shape.size();
    for (int i = 0; i < n; i++) fillPair(s, i, x, (off + i) * size, x, (off + i) * size, pp, c);
  }

  /** Fixed-order combination of the six exact slice products; symmetric in (p01, p10) and (p02, p20). */
  static double combine(double p00, double p01, double p10, double p02, double p20, double p11) {
    return (p00 + (p01 + p10)) + ((p02 + p20) + p11);
  }

  private static void fillPair(KernelState s, int k, double[] xa, int oa, double[] xb, int ob, int pp, int c) {
    double[] out = s.nngp;
    if (s.isFull()) {
      int base = k * pp * pp;
      for (int p = 0; p < pp; p++) {
        for (int q = 0; q < pp; q++) out[base + p * pp + q] = dot(xa, oa + p * c, xb, ob + q * c, c) / c;
      }
    } else {
      int base = k * pp;
      for (int p = 0; p < pp; p++) out[base + p] = dot(xa, oa + p * c, xb, ob + p * c, c) / c;
    }
  }

  static double dot(double[] a, int ao, double[] b, int bo, int n) {
    double s = 0;
    for (int i = 0; i < n; i++) s += a[ao + i] * b[bo + i];
    return s;
  }
}
