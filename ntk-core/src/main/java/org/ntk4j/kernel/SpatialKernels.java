package org.ntk4j.kernel;

import java.util.Arrays;

/**
 * The spatial reductions of the kernel recursion, as tight loops over {@code double[]}: Conv's tap sums, average
 * pooling windows, Flatten's mean over the diagonal and global average pooling, in both layouts of {@link KernelState}.
 *
 * <h2>Exact summation</h2>
 * With {@code exact == true} every reduction accumulates its terms in double-double (error-free TwoSum for the high
 * part, the rounding errors summed in a low part) and rounds once at the end. A sum of k terms then equals
 * RN(S + δ), the exact sum S rounded once, up to |δ| ≤ k²·2⁻¹⁰⁶·Σ|terms|. The result is therefore the same whatever the
 * order of the terms (a rotated, flipped or cyclically shifted image adds the same numbers in another order) unless S
 * lies within δ of a rounding boundary of the double grid — for well-conditioned sums a chance of about k²·2⁻⁵³ per
 * entry (≈ 10⁻¹⁴ for a 3 × 3 filter), never observed in the tests. With {@code exact == false} the terms are added
 * plainly in a fixed order (about 6× fewer flops in the inner loop).
 */
public final class SpatialKernels {
  private SpatialKernels() {}

  /**
   * Full covariance of a convolution with all-ones weights, divided by the filter size: per pair,
   * {@code out[q, q'] = Σ_t in[x(q, t), x(q', t)] / |filter|} over the taps t that read inputs on both sides
   * (neural-tangents' _conv_kernel_full_spatial_shared).
   */
  public static void convFull(double[] in, double[] out, int pairs, ConvGeometry g, boolean exact) {
    stencil(in, out, pairs, g, true, g.filterSize(), exact);
  }

  /**
   * Full covariance of average pooling (window normalised by its full size, zeros included at SAME edges, as
   * neural-tangents' default {@code normalize_edges=False}): {@code out[q, q'] = Σ_t Σ_t' in[x(q, t), x(q', t')] / |w|²}.
   */
  public static void poolFull(double[] in, double[] out, int pairs, ConvGeometry g, boolean exact) {
    double w = g.filterSize();
    stencil(in, out, pairs, g, false, w * w, exact);
  }

  /** Diagonal layout of {@link #convFull}: {@code out[q] = Σ_t in[x(q, t)] / |filter|}. */
  public static void convDiagonal(double[] in, double[] out, int pairs, ConvGeometry g, boolean exact) {
    int inP = g.inPositions(), outP = g.outPositions();
    int fH = g.fH, fW = g.fW, W = g.inW;
    double div = g.filterSize();
    for (int k = 0; k < pairs; k++) {
      int ib = k * inP, ob = k * outP;
      for (int yo = 0; yo < g.outH; yo++) {
        for (int xo = 0; xo < g.outW; xo++) {
          double hi = 0, lo = 0;
          for (int dy = 0; dy < fH; dy++) {
            int iy = g.mapY[yo * fH + dy];
            if (iy < 0) continue;
            for (int dx = 0; dx < fW; dx++) {
              int ix = g.mapX[xo * fW + dx];
              if (ix < 0) continue;
              double b = in[ib + iy * W + ix];
              if (exact) {
                double s = hi + b, bb = s - hi;
                lo += (hi - (s - bb)) + (b - bb);
                hi = s;
              } else {
                hi += b;
              }
            }
          }
          out[ob + yo * g.outW + xo] = (hi + lo) / div;
        }
      }
    }
  }

  /** Per pair, the mean of the P diagonal entries of a full P × P block (Flatten on full covariances). */
  public static void meanDiagonal(double[] in, double[] out, int pairs, int p, boolean exact) {
    int pp = p * p;
    for (int k = 0; k < pairs; k++) {
      int b = k * pp;
      double hi = 0, lo = 0;
      for (int q = 0; q < p; q++) {
        double v = in[b + q * p + q];
        if (exact) {
          double s = hi + v, bb = s - hi;
          lo += (hi - (s - bb)) + (v - bb);
          hi = s;
        } else {
          hi += v;
        }
      }
      out[k] = (hi + lo) / p;
    }
  }

  /**
   * Per pair, the mean of each block of {@code m} consecutive values (Flatten on per-position variances with m = P,
   * global average pooling of full covariances with m = P²).
   */
  public static void mean(double[] in, double[] out, int pairs, int m, boolean exact) {
    for (int k = 0; k < pairs; k++) {
      int b = k * m;
      if (exact) {
        // four interleaved double-double accumulators (independent chains), combined exactly by TwoSum at the end
        double h0 = 0, l0 = 0, h1 = 0, l1 = 0, h2 = 0, l2 = 0, h3 = 0, l3 = 0;
        int i = 0;
        for (; i + 3 < m; i += 4) {
          double v0 = in[b + i], v1 = in[b + i + 1], v2 = in[b + i + 2], v3 = in[b + i + 3];
          double s0 = h0 + v0, t0 = s0 - h0; l0 += (h0 - (s0 - t0)) + (v0 - t0); h0 = s0;
          double s1 = h1 + v1, t1 = s1 - h1; l1 += (h1 - (s1 - t1)) + (v1 - t1); h1 = s1;
          double s2 = h2 + v2, t2 = s2 - h2; l2 += (h2 - (s2 - t2)) + (v2 - t2); h2 = s2;
          double s3 = h3 + v3, t3 = s3 - h3; l3 += (h3 - (s3 - t3)) + (v3 - t3); h3 = s3;
        }
        for (; i < m; i++) {
          double v = in[b + i];
          double s = h0 + v, t = s - h0;
          l0 += (h0 - (s - t)) + (v - t);
          h0 = s;
        }
        double hi = h0, lo = l0 + l1 + l2 + l3;
        double[] hs = {h1, h2, h3};
        for (double v : hs) {
          double s = hi + v, t = s - hi;
          lo += (hi - (s - t)) + (v - t);
          hi = s;
        }
        out[k] = (hi + lo) / m;
      } else {
        double s = 0;
        for (int i = 0; i < m; i++) s += in[b + i];
        out[k] = s / m;
      }
    }
  }

  /**
   * The full-covariance stencil. Layout per pair: {@code ((y·W + x)·H + y')·W + x'}. With {@code tied} the two sides
   * use the same tap (convolution with shared weights), otherwise every pair of taps (pooling).
   */
  private static void stencil(double[] in, double[] out, int pairs, ConvGeometry g, boolean tied, double div,
                              boolean exact) {
    final int H = g.inH, W = g.inW, Ho = g.outH, Wo = g.outW, fH = g.fH, fW = g.fW, sW = g.sW;
    final int inPair = H * W * H * W, outPair = Ho * Wo * Ho * Wo;
    final int[] mapY = g.mapY, mapX = g.mapX;
    final int[][] runs = g.runsX();
    final double[] hi = new double[Wo];
    final double[] lo = new double[Wo];
    for (int k = 0; k < pairs; k++) {
      final int ib = k * inPair, ob = k * outPair;
      for (int yo = 0; yo < Ho; yo++) {
        for (int xo = 0; xo < Wo; xo++) {
          for (int yo2 = 0; yo2 < Ho; yo2++) {
            Arrays.fill(hi, 0.0);
            if (exact) Arrays.fill(lo, 0.0);
            for (int dy = 0; dy < fH; dy++) {
              int iy1 = mapY[yo * fH + dy];
              if (iy1 < 0) continue;
              int dy2From = tied ? dy : 0, dy2To = tied ? dy + 1 : fH;
              for (int dy2 = dy2From; dy2 < dy2To; dy2++) {
                int iy2 = mapY[yo2 * fH + dy2];
                if (iy2 < 0) continue;
                for (int dx = 0; dx < fW; dx++) {
                  int ix1 = mapX[xo * fW + dx];
                  if (ix1 < 0) continue;
                  int base = ib + ((iy1 * W + ix1) * H + iy2) * W;
                  int dx2From = tied ? dx : 0, dx2To = tied ? dx + 1 : fW;
                  for (int dx2 = dx2From; dx2 < dx2To; dx2++) {
                    int[] r = runs[dx2];
                    for (int u = 0; u < r.length; u += 3) {
                      int o = r[u], i = base + r[u + 1], len = r[u + 2];
                      if (exact) {
                        if (sW == 1) addExact(hi, lo, o, in, i, len);
                        else addExactStrided(hi, lo, o, in, i, len, sW);
                      } else {
                        if (sW == 1) {
                          for (int j = 0; j < len; j++) hi[o + j] += in[i + j];
                        } else {
                          for (int j = 0; j < len; j++) hi[o + j] += in[i + j * sW];
                        }
                      }
                    }
                  }
                }
              }
            }
            int w = ob + ((yo * Wo + xo) * Ho + yo2) * Wo;
            if (exact) {
              for (int j = 0; j < Wo; j++) out[w + j] = (hi[j] + lo[j]) / div;
            } else {
              for (int j = 0; j < Wo; j++) out[w + j] = hi[j] / div;
            }
          }
        }
      }
    }
  }

  private static void addExact(double[] hi, double[] lo, int o, double[] in, int i, int len) {
    for (int j = 0; j < len; j++) {
      double a = hi[o + j], b = in[i + j];
      double s = a + b, bb = s - a;
      lo[o + j] += (a - (s - bb)) + (b - bb);
      hi[o + j] = s;
    }
  }

  private static void addExactStrided(double[] hi, double[] lo, int o, double[] in, int i, int len, int step) {
    for (int j = 0; j < len; j++) {
      double a = hi[o + j], b = in[i + j * step];
      double s = a + b, bb = s - a;
      lo[o + j] += (a - (s - bb)) + (b - bb);
      hi[o + j] = s;
    }
  }
}
