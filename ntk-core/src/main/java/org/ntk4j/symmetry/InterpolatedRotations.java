package org.ntk4j.symmetry;

import org.ntk4j.Shape;

/**
 * Approximate rotations of square {@code (H, W, C)} images by 2πj/k (k a multiple of 4, e.g. {@code C8}, {@code C16})
 * about the image centre: bilinear interpolation, zero outside the image. Multiples of 90° are the exact pixel
 * rotations of {@code C4} ({@code numpy.rot90}); the others lose information at the corners and do not compose, so
 * the set is neither an exact action ({@link #isExact()} false) nor closed ({@link #isClosed()} false).
 */
final class InterpolatedRotations implements Group {
  private final int k;
  private final int size;
  private final SquareSymmetries c4 = SquareSymmetries.c4();
  /** Per element and output pixel: four source pixels (−1: outside) and their weights. */
  private final int[][] src;
  private final double[][] weight;

  InterpolatedRotations(int k, Shape shape) {
    if (k % 4 != 0 || k < 4) throw new IllegalArgumentException("C" + k + " on images: k must be a multiple of 4");
    this.k = k;
    checkSquare(shape);
    this.size = shape.spatial(0);
    int p = size * size;
    src = new int[k][];
    weight = new double[k][];
    double c = (size - 1) / 2.0;
    for (int g = 0; g < k; g++) {
      if ((4 * g) % k == 0) continue;
      double a = 2 * Math.PI * g / k, cs = Math.cos(a), sn = Math.sin(a);
      int[] s = new int[4 * p];
      double[] w = new double[4 * p];
      for (int i = 0; i < size; i++) {
        for (int j = 0; j < size; j++) {
          double u = i - c, v = j - c;
          // inverse rotation, numpy.rot90 orientation: 90° reads (v, −u)
          double su = u * cs + v * sn + c, sv = -u * sn + v * cs + c;
          int i0 = (int) Math.floor(su), j0 = (int) Math.floor(sv);
          double fu = su - i0, fv = sv - j0;
          int o = 4 * (i * size + j);
          int[] ii = {i0, i0, i0 + 1, i0 + 1};
          int[] jj = {j0, j0 + 1, j0, j0 + 1};
          double[] ww = {(1 - fu) * (1 - fv), (1 - fu) * fv, fu * (1 - fv), fu * fv};
          for (int q = 0; q < 4; q++) {
            boolean in = ii[q] >= 0 && ii[q] < size && jj[q] >= 0 && jj[q] < size;
            s[o + q] = in ? ii[q] * size + jj[q] : -1;
            w[o + q] = in ? ww[q] : 0;
          }
        }
      }
      src[g] = s;
      weight[g] = w;
    }
  }

  private void checkSquare(Shape shape) {
    if (shape.spatialRank() != 2 || shape.spatial(0) != shape.spatial(1)) {
      throw new IllegalArgumentException("C" + k + " (interpolated rotation) needs square images of shape (H, H, C), not inputs of shape " + shape);
    }
  }

  @Override public String name() { return "C" + k; }
  @Override public int order() { return k; }
  @Override public boolean isExact() { return false; }
  @Override public boolean isClosed() { return false; }

  @Override public void checkShape(Shape shape) {
    checkSquare(shape);
    if (shape.spatial(0) != size) {
      throw new IllegalArgumentException(name() + " was built for " + size + "×" + size + " images, not inputs of shape " + shape);
    }
  }

  @Override public void act(int g, Shape shape, double[] x, int xOff, double[] dst, int dstOff) {
    if ((4 * g) % k == 0) {
      c4.act(4 * g / k, shape, x, xOff, dst, dstOff);
      return;
    }
    int ch = shape.channels();
    int[] s = src[g];
    double[] w = weight[g];
    int p = size * size;
    for (int o = 0; o < p; o++) {
      for (int c = 0; c < ch; c++) {
        double v = 0;
        for (int q = 0; q < 4; q++) {
          int from = s[4 * o + q];
          if (from >= 0) v += w[4 * o + q] * x[xOff + from * ch + c];
        }
        dst[dstOff + o * ch + c] = v;
      }
    }
  }

  @Override public String toString() { return name(); }
}
