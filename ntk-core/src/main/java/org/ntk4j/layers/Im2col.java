package org.ntk4j.layers;

import org.ntk4j.kernel.ConvGeometry;

/**
 * Patch matrices of the finite convolution and pooling twins: row {@code b·Q + q} holds the input values under the
 * window of output position q of sample b, ordered (tap row, tap column, channel); padded taps are zeros.
 */
final class Im2col {
  private Im2col() {}

  static double[] patches(double[] x, int batch, ConvGeometry g, int c) {
    int q = g.outPositions(), f = g.filterSize(), k = f * c, inP = g.inPositions();
    double[] cols = new double[batch * q * k];
    for (int b = 0; b < batch; b++) {
      for (int yo = 0; yo < g.outH(); yo++) {
        for (int xo = 0; xo < g.outW(); xo++) {
          int row = (b * q + yo * g.outW() + xo) * k;
          for (int ty = 0; ty < g.filterH(); ty++) {
            int iy = g.tapY(yo, ty);
            if (iy < 0) continue;
            for (int tx = 0; tx < g.filterW(); tx++) {
              int ix = g.tapX(xo, tx);
              if (ix < 0) continue;
              System.arraycopy(x, (b * inP + iy * g.inW() + ix) * c, cols, row + (ty * g.filterW() + tx) * c, c);
            }
          }
        }
      }
    }
    return cols;
  }

  /** The adjoint of {@link #patches}: adds every patch entry back onto the input position it was read from. */
  static double[] scatter(double[] cols, int batch, ConvGeometry g, int c) {
    int q = g.outPositions(), f = g.filterSize(), k = f * c, inP = g.inPositions();
    double[] dx = new double[batch * inP * c];
    for (int b = 0; b < batch; b++) {
      for (int yo = 0; yo < g.outH(); yo++) {
        for (int xo = 0; xo < g.outW(); xo++) {
          int row = (b * q + yo * g.outW() + xo) * k;
          for (int ty = 0; ty < g.filterH(); ty++) {
            int iy = g.tapY(yo, ty);
            if (iy < 0) continue;
            for (int tx = 0; tx < g.filterW(); tx++) {
              int ix = g.tapX(xo, tx);
              if (ix < 0) continue;
              int src = row + (ty * g.filterW() + tx) * c, dst = (b * inP + iy * g.inW() + ix) * c;
              for (int j = 0; j < c; j++) dx[dst + j] += cols[src + j];
            }
          }
        }
      }
    }
    return dx;
  }
}
