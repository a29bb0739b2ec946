package org.ntk4j.kernel;

import java.util.Arrays;

/**
 * The spatial reductions of the kernel recursion, as tight loops over {@code double[]}: Conv's tap sums, average
 * pooling windows, Flatten's mean over the diagonal and global average pooling, in both layouts of {@link KernelState}.
 *
 * <h2>Exact summation</h2>
 * With {@code exact == true} every reduction accumulates its terms in double-double (error-free TwoSum for the high
 * part, the rounding errors summed in a low part) and rounds once at the end. A sum of k terms then equals RN(S + δ),
 * the exact sum S plus |δ| ≤ k²·2⁻¹⁰⁶·Σ|terms| rounded once. The result is therefore the same whatever the order of the
 * terms (a rotated, flipped or cyclically shifted image adds the same numbers in another order) unless S lies within δ
 * of a rounding boundary of the double grid: a chance of about k²·2⁻⁵⁴·(Σ|terms| / |S|) per entry, about 10⁻¹⁴ for the
 * nine taps of a 3 × 3 filter on positive covariances. This is not a proof of invariance for every input, but no case
 * has been observed (the tests compare whole kernels with zero tolerance). Padded taps are skipped or added as exact
 * zeros, which changes no sum. With {@code exact == false} the terms are added plainly (separable passes where
 * possible), so permuted inputs can differ in the last bits.
 */
public final class SpatialKernels {
  private SpatialKernels() {}

  /**
   * Full covariance of a convolution with all-ones weights, divided by the filter size: per pair,
   * {@code out[q, q'] = Σ_t in[x(q, t), x(q', t)] / |filter|} over the taps t that read inputs on both sides
   * (neural-tangents' _conv_kernel_full_spatial_shared).
   */
  public static void convFull(double[] in, double[] out, int pairs, ConvGeometry g, boolean exact) {
    if (exact || g.fH == 1 || g.fW == 1 || sameStride1(g)) {
      stencil(in, out, pairs, g, true, g.filterSize(), exact);
    } else {
      separable(in, out, pairs, g, true, g.filterSize());
    }
  }

  /** SAME padding with stride 1: output positions = input positions, no wrap. */
  private static boolean sameStride1(ConvGeometry g) {
    return !g.wrap && g.sH == 1 && g.sW == 1 && g.inH == g.outH && g.inW == g.outW;
  }

  /**
   * FAST only: the 2-D stencil as a pass over rows then a pass over columns (fH + fW adds per entry instead of fH·fW for
   * convolutions, fH² + fW² instead of (fH·fW)² for pooling); the intermediate is one pair's worth of values per pair.
   */
  private static void separable(double[] in, double[] out, int pairs, ConvGeometry g, boolean tied, double div) {
    ConvGeometry rows = g.rowsOnly(), cols = g.columnsOnly();
    int inPair = g.inPositions() * g.inPositions();
    int midPair = rows.outPositions() * rows.outPositions();
    int outPair = g.outPositions() * g.outPositions();
    double[] mid = new double[midPair];
    double[] hi = new double[Math.max(rows.outPositions(), cols.outPositions())];
    double[] none = new double[0];
    for (int k = 0; k < pairs; k++) {
      stencilPair(in, k * inPair, mid, 0, rows, tied, 1.0, false, hi, none);
      stencilPair(mid, 0, out, k * outPair, cols, tied, div, false, hi, none);
    }
  }

  /**
   * Full covariance of average pooling (window normalised by its full size, zeros included at SAME edges, as
   * neural-tangents' default {@code normalize_edges=False}): {@code out[q, q'] = Σ_t Σ_t' in[x(q, t), x(q', t')] / |w|²}.
   */
  public static void poolFull(double[] in, double[] out, int pairs, ConvGeometry g, boolean exact) {
    double w = g.filterSize();
    if (exact || g.fH == 1 || g.fW == 1) {
      stencil(in, out, pairs, g, false, w * w, exact);
    } else {
      separable(in, out, pairs, g, false, w * w);
    }
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
    int inPair = g.inPositions() * g.inPositions(), outPair = g.outPositions() * g.outPositions();
    double[] hi = new double[g.outPositions()];
    double[] lo = new double[exact ? g.outPositions() : 0];
    if (tied && sameStride1(g)) {
      SameTaps taps = new SameTaps(g);
      double[] tmp = new double[taps.p];
      for (int k = 0; k < pairs; k++) convSamePair(in, k * inPair, out, k * outPair, taps, exact, hi, lo, tmp);
      return;
    }
    if (tied && g.fW == 3 && g.sW == 1) {
      int[] interior = g.interiorX();
      double[] zeros = new double[g.inW];
      for (int k = 0; k < pairs; k++) conv3Pair(in, k * inPair, out, k * outPair, g, interior, exact, hi, lo, zeros);
      return;
    }
    for (int k = 0; k < pairs; k++) stencilPair(in, k * inPair, out, k * outPair, g, tied, div, exact, hi, lo);
  }

  /**
   * The tied stencil for SAME padding with stride 1 (output positions = input positions). A tap (dy, dx) moves both
   * positions by the same offset, which in the flattened P × P layout of a pair is one constant shift: row p of the
   * output adds row p + s of the input shifted by s, where s = dy'·W + dx'. Each output row is accumulated over the taps
   * valid at p with one contiguous loop of length ≈ P per tap over a copy of the shifted row in which the positions p'
   * whose tap column leaves the image are set to zero (adding an exact zero changes no sum, exact or not).
   */
  /** Shifts and out-of-image columns of the taps of a SAME stride-1 stencil, prepared once per layer. */
  private static final class SameTaps {
    final int h, w, p, nt;
    final int[] shift, dyOf, dxOf;
    /** Per tap, the positions p' whose tap column x' + dx falls outside the image (zeroed after the row copy). */
    final int[][] zeroAt;

    SameTaps(ConvGeometry g) {
      h = g.inH;
      w = g.inW;
      p = h * w;
      nt = g.fH * g.fW;
      shift = new int[nt];
      dyOf = new int[nt];
      dxOf = new int[nt];
      zeroAt = new int[nt][];
      for (int ty = 0; ty < g.fH; ty++) {
        for (int tx = 0; tx < g.fW; tx++) {
          int t = ty * g.fW + tx;
          int dy = ty - g.padY(), dx = tx - g.padX(); // the tap reads position (y + dy, x + dx)
          dyOf[t] = dy;
          dxOf[t] = dx;
          shift[t] = dy * w + dx;
          int[] z = new int[p];
          int nz = 0;
          for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
              if (x + dx < 0 || x + dx >= w) z[nz++] = y * w + x;
            }
          }
          zeroAt[t] = java.util.Arrays.copyOf(z, nz);
        }
      }
    }
  }

  private static void convSamePair(double[] in, int ib, double[] out, int ob, SameTaps taps, boolean exact,
                                   double[] hi, double[] lo, double[] tmp) {
    final int H = taps.h, W = taps.w, p = taps.p, nt = taps.nt;
    final int[] shift = taps.shift, dyOf = taps.dyOf, dxOf = taps.dxOf;
    final int[][] zeroAt = taps.zeroAt;
    final double div = nt;
    for (int y = 0; y < H; y++) {
      for (int x = 0; x < W; x++) {
        int row = y * W + x;
        Arrays.fill(hi, 0, p, 0.0);
        if (exact) Arrays.fill(lo, 0, p, 0.0);
        for (int t = 0; t < nt; t++) {
          int y1 = y + dyOf[t], x1 = x + dxOf[t];
          if (y1 < 0 || y1 >= H || x1 < 0 || x1 >= W) continue;
          int sh = shift[t];
          int from = Math.max(0, -sh), to = Math.min(p, p - sh);
          // the shifted row is copied first so that every array in the loop is indexed by j alone (vectorised by C2)
          System.arraycopy(in, ib + (row + sh) * p + sh + from, tmp, from, to - from);
          // positions whose tap row is outside the image are outside [from, to); those whose tap column is outside
          // the image read a neighbouring row and are set to zero
          for (int z : zeroAt[t]) if (z >= from && z < to) tmp[z] = 0.0;
          if (exact) {
            for (int j = from; j < to; j++) {
              double a = hi[j], b = tmp[j];
              double u = a + b, bb = u - a;
              lo[j] += (a - (u - bb)) + (b - bb);
              hi[j] = u;
            }
          } else {
            for (int j = from; j < to; j++) hi[j] += tmp[j];
          }
        }
        int w = ob + row * p;
        if (exact) {
          for (int j = 0; j < p; j++) out[w + j] = (hi[j] + lo[j]) / div;
        } else {
          for (int j = 0; j < p; j++) out[w + j] = hi[j] / div;
        }
      }
    }
  }

  /**
   * The tied stencil for filters 3 wide with stride 1 along x (the common 3 × 3 and 1-D size-3 convolutions): the three
   * taps along x are added in one pass over each output row (interior columns vectorised, the edge columns from the tap
   * map), a tap whose first-side column is padded reads a row of zeros (adding exact zeros changes no sum).
   */
  private static void conv3Pair(double[] in, int ib, double[] out, int ob, ConvGeometry g, int[] interior,
                                boolean exact, double[] hi, double[] lo, double[] zeros) {
    final int H = g.inH, W = g.inW, Ho = g.outH, Wo = g.outW, fH = g.fH;
    final int block = Ho * Wo;
    final int[] mapY = g.mapY, mapX = g.mapX;
    final int jlo = interior[0], jhi = interior[1], off = interior[2];
    final double div = 3.0 * fH;
    final int[] base = new int[3];
    for (int yo = 0; yo < Ho; yo++) {
      for (int xo = 0; xo < Wo; xo++) {
        Arrays.fill(hi, 0, block, 0.0);
        if (exact) Arrays.fill(lo, 0, block, 0.0);
        for (int dy = 0; dy < fH; dy++) {
          int iy1 = mapY[yo * fH + dy];
          if (iy1 < 0) continue;
          boolean any = false;
          for (int dx = 0; dx < 3; dx++) {
            int ix1 = mapX[xo * 3 + dx];
            base[dx] = ix1 < 0 ? -1 : ib + (iy1 * W + ix1) * H * W;
            any |= ix1 >= 0;
          }
          if (!any) continue;
          for (int yo2 = 0; yo2 < Ho; yo2++) {
            int iy2 = mapY[yo2 * fH + dy];
            if (iy2 < 0) continue;
            int r = iy2 * W, o = yo2 * Wo;
            double[] a0 = base[0] < 0 ? zeros : in, a1 = base[1] < 0 ? zeros : in, a2 = base[2] < 0 ? zeros : in;
            // row start of each tap so that column j reads input column j + dx + off (interior: always in [0, W))
            int i0 = (base[0] < 0 ? 0 : base[0] + r) + off;
            int i1 = (base[1] < 0 ? 0 : base[1] + r) + off + 1;
            int i2 = (base[2] < 0 ? 0 : base[2] + r) + off + 2;
            if (exact) {
              for (int j = jlo; j < jhi; j++) {
                double h = hi[o + j], l = lo[o + j];
                double b = a0[i0 + j];
                double t = h + b, bb = t - h;
                l += (h - (t - bb)) + (b - bb);
                h = t;
                b = a1[i1 + j];
                t = h + b;
                bb = t - h;
                l += (h - (t - bb)) + (b - bb);
                h = t;
                b = a2[i2 + j];
                t = h + b;
                bb = t - h;
                l += (h - (t - bb)) + (b - bb);
                hi[o + j] = t;
                lo[o + j] = l;
              }
            } else {
              for (int j = jlo; j < jhi; j++) hi[o + j] += a0[i0 + j] + a1[i1 + j] + a2[i2 + j];
            }
            for (int j = 0; j < Wo; j++) {
              if (j == jlo && jhi > jlo) j = jhi;
              if (j >= Wo) break;
              for (int dx = 0; dx < 3; dx++) {
                int ix2 = mapX[j * 3 + dx];
                if (ix2 < 0 || base[dx] < 0) continue;
                double b = in[base[dx] + r + ix2];
                if (exact) {
                  double h = hi[o + j], t = h + b, bb = t - h;
                  lo[o + j] += (h - (t - bb)) + (b - bb);
                  hi[o + j] = t;
                } else {
                  hi[o + j] += b;
                }
              }
            }
          }
        }
        int w = ob + (yo * Wo + xo) * block;
        if (exact) {
          for (int j = 0; j < block; j++) out[w + j] = (hi[j] + lo[j]) / div;
        } else {
          for (int j = 0; j < block; j++) out[w + j] = hi[j] / div;
        }
      }
    }
  }

  /**
   * One pair: for each output position (yo, xo) of the first side, accumulates the whole Ho × Wo block of the second side
   * tap by tap (contiguous runs along x'), then writes it divided by {@code div}.
   */
  private static void stencilPair(double[] in, int ib, double[] out, int ob, ConvGeometry g, boolean tied, double div,
                                  boolean exact, double[] hi, double[] lo) {
    final int H = g.inH, W = g.inW, Ho = g.outH, Wo = g.outW, fH = g.fH, fW = g.fW, sW = g.sW;
    final int block = Ho * Wo;
    final int[] mapY = g.mapY, mapX = g.mapX;
    final int[][] runs = g.runsX();
    if (hi.length < block) hi = new double[block];
    if (exact && lo.length < block) lo = new double[block];
    for (int yo = 0; yo < Ho; yo++) {
      for (int xo = 0; xo < Wo; xo++) {
        Arrays.fill(hi, 0, block, 0.0);
        if (exact) Arrays.fill(lo, 0, block, 0.0);
        for (int dy = 0; dy < fH; dy++) {
          int iy1 = mapY[yo * fH + dy];
          if (iy1 < 0) continue;
          for (int dx = 0; dx < fW; dx++) {
            int ix1 = mapX[xo * fW + dx];
            if (ix1 < 0) continue;
            int base = ib + (iy1 * W + ix1) * H * W;
            int dy2From = tied ? dy : 0, dy2To = tied ? dy + 1 : fH;
            int dx2From = tied ? dx : 0, dx2To = tied ? dx + 1 : fW;
            for (int dy2 = dy2From; dy2 < dy2To; dy2++) {
              for (int yo2 = 0; yo2 < Ho; yo2++) {
                int iy2 = mapY[yo2 * fH + dy2];
                if (iy2 < 0) continue;
                int rowIn = base + iy2 * W, rowOut = yo2 * Wo;
                for (int dx2 = dx2From; dx2 < dx2To; dx2++) {
                  int[] r = runs[dx2];
                  for (int u = 0; u < r.length; u += 3) {
                    int o = rowOut + r[u], i = rowIn + r[u + 1], len = r[u + 2];
                    if (exact) {
                      if (sW == 1) addExact(hi, lo, o, in, i, len);
                      else addExactStrided(hi, lo, o, in, i, len, sW);
                    } else if (sW == 1) {
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
        int w = ob + (yo * Wo + xo) * block;
        if (exact) {
          for (int j = 0; j < block; j++) out[w + j] = (hi[j] + lo[j]) / div;
        } else {
          for (int j = 0; j < block; j++) out[w + j] = hi[j] / div;
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
