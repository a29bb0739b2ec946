package org.ntk4j.layers;

import java.util.SplittableRandom;
import org.ntk4j.Shape;
import org.ntk4j.finite.FiniteLayer;
import org.ntk4j.kernel.KernelContext;
import org.ntk4j.kernel.KernelState;
import org.ntk4j.kernel.SpatialKernels;

/**
 * {@code GlobalAvgPool}: the mean over all spatial positions, channel by channel, giving a flat vector of C channels
 * (neural-tangents' {@code stax.GlobalAvgPool}). Kernel rule (full covariances only): Σ' = mean over all P × P entries
 * of Σ, Θ' likewise. Finite twin: y = Σ_p x[p] / P.
 */
public final class GlobalAvgPool implements Layer {
  @Override public Shape outputShape(Shape input, Parameterization p) {
    if (input.isFlat()) {
      throw new ArchitectureException("GlobalAvgPool: needs spatial inputs (L, C) or (H, W, C) but gets the flat shape "
          + input + "; there is nothing to pool");
    }
    return Shape.flat(input.channels());
  }

  @Override public boolean needsFullCovariance() { return true; }

  @Override public void applyKernel(KernelState s, KernelContext ctx) {
    if (!s.isFull()) {
      throw new ArchitectureException("GlobalAvgPool: pooling needs the full spatial covariance; use spatial mode FULL or AUTO");
    }
    int pairs = s.pairCount();
    int pp = s.positions();
    double[] an = new double[pairs];
    double[] at = new double[pairs];
    SpatialKernels.mean(s.nngp, an, pairs, pp * pp, s.exactSums());
    SpatialKernels.mean(s.ntk, at, pairs, pp * pp, s.exactSums());
    s.reshape(new int[0], false, an, at);
  }

  @Override public FiniteLayer instantiate(Shape input, Parameterization p) {
    Shape out = outputShape(input, p);
    int pp = input.positions(), c = input.channels();
    return new FiniteLayer() {
      @Override public Shape inputShape() { return input; }
      @Override public Shape outputShape() { return out; }
      @Override public int parameterCount() { return 0; }
      @Override public void initialize(double[] params, int offset, SplittableRandom rng) {}

      @Override public Forward forward(double[] params, int offset, double[] x, int batch) {
        double[] y = new double[batch * c];
        for (int b = 0; b < batch; b++) {
          for (int q = 0; q < pp; q++) {
            int src = (b * pp + q) * c;
            for (int j = 0; j < c; j++) y[b * c + j] += x[src + j];
          }
          for (int j = 0; j < c; j++) y[b * c + j] /= pp;
        }
        return new Forward(x, y, null);
      }

      @Override public double[] backward(double[] params, int offset, Forward f, double[] dy, int batch, double[] grad) {
        double[] dx = new double[batch * pp * c];
        for (int b = 0; b < batch; b++) {
          for (int q = 0; q < pp; q++) {
            int dst = (b * pp + q) * c;
            for (int j = 0; j < c; j++) dx[dst + j] = dy[b * c + j] / pp;
          }
        }
        return dx;
      }
    };
  }

  @Override public boolean equals(Object o) { return o instanceof GlobalAvgPool; }

  @Override public int hashCode() { return GlobalAvgPool.class.hashCode(); }

  @Override public String toString() { return "GlobalAvgPool"; }
}
