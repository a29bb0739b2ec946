package org.ntk4j.layers;

import java.util.SplittableRandom;
import org.ntk4j.Shape;
import org.ntk4j.finite.FiniteLayer;
import org.ntk4j.kernel.KernelContext;
import org.ntk4j.kernel.KernelState;
import org.ntk4j.kernel.SpatialKernels;

/**
 * {@code Flatten}: all positions and channels as one flat vector of P·C features (neural-tangents' {@code stax.Flatten}).
 * Kernel rule: Σ' = mean over positions of Σ(p, p) (the trace over P of a full covariance, or the mean of the
 * per-position variances), Θ' likewise — a following Dense layer sees fan-in P·C. Finite twin: a reshape.
 */
public final class Flatten implements Layer {
  @Override public Shape outputShape(Shape input, Parameterization p) {
    if (input.isFlat()) {
      throw new ArchitectureException("Flatten: needs spatial inputs (L, C) or (H, W, C) but gets the flat shape " + input
          + "; it is already flat");
    }
    return Shape.flat(input.hasWidth() ? input.size() : 0);
  }

  @Override public void applyKernel(KernelState s, KernelContext ctx) {
    if (s.spatialRank() == 0) throw new ArchitectureException("Flatten: the kernel state is already flat");
    int pairs = s.pairCount();
    int pp = s.positions();
    double[] an = new double[pairs];
    double[] at = new double[pairs];
    if (s.isFull()) {
      SpatialKernels.meanDiagonal(s.nngp, an, pairs, pp, s.exactSums());
      SpatialKernels.meanDiagonal(s.ntk, at, pairs, pp, s.exactSums());
    } else {
      SpatialKernels.mean(s.nngp, an, pairs, pp, s.exactSums());
      SpatialKernels.mean(s.ntk, at, pairs, pp, s.exactSums());
    }
    int w = s.width();
    s.reshape(new int[0], false, an, at);
    s.setWidth(w > 0 ? w * pp : 0);
  }

  @Override public FiniteLayer instantiate(Shape input, Parameterization p) {
    Shape out = outputShape(input, p);
    return new FiniteLayer() {
      @Override public Shape inputShape() { return input; }
      @Override public Shape outputShape() { return out; }
      @Override public int parameterCount() { return 0; }
      @Override public void initialize(double[] params, int offset, SplittableRandom rng) {}
      // channels-last batches are already stored as the flattened rows
      @Override public Forward forward(double[] params, int offset, double[] x, int batch) { return new Forward(x, x, null); }
      @Override public double[] backward(double[] params, int offset, Forward f, double[] dy, int batch, double[] grad) {
        return dy;
      }
    };
  }

  @Override public boolean equals(Object o) { return o instanceof Flatten; }

  @Override public int hashCode() { return Flatten.class.hashCode(); }

  @Override public String toString() { return "Flatten"; }
}
