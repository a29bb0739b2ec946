package org.ntk4j.layers;

import java.util.List;
import java.util.SplittableRandom;
import org.ntk4j.Shape;
import org.ntk4j.finite.FiniteLayer;
import org.ntk4j.kernel.KernelContext;
import org.ntk4j.kernel.KernelState;

/**
 * {@code Residual(<architecture>)}: x + branch(x) (fan out, the branch beside an identity, fan-in sum).
 *
 * <p>Kernel rule: Σ' = Σ + Σ_branch and Θ' = Θ + Θ_branch, as neural-tangents' FanInSum. This is exact because the branch
 * contains a Dense or Conv layer whose zero-mean weights make it uncorrelated with the skip path; a branch without one is
 * refused.
 */
public final class Residual implements CompositeLayer {
  private final Layer branch;

  public Residual(Layer branch) {
    this.branch = branch;
    if (Layers.parametric(branch).isEmpty()) {
      throw new ArchitectureException("Residual(" + branch + "): the branch needs a Dense or Conv layer; without one it is"
          + " correlated with the skip path and the summed kernel would be wrong");
    }
  }

  public Layer branch() { return branch; }

  @Override public Shape outputShape(Shape input, Parameterization p) {
    Shape out = branch.outputShape(input, p);
    if (!java.util.Arrays.equals(out.spatialDims(), input.spatialDims())
        || (out.hasWidth() && input.hasWidth() && out.channels() != input.channels())) {
      throw new ArchitectureException(this + ": the branch maps shape " + input + " to " + out
          + "; a residual branch must keep the shape (use SAME or CIRCULAR padding and the same width)");
    }
    return out.hasWidth() ? out : input;
  }

  /** The input beside the branch's copy of it: 1 + the branches' own. */
  @Override public int kernelStateCopies() { return 1 + Layers.maxKernelStateCopies(children()); }

  @Override public void applyKernel(KernelState s, KernelContext ctx) {
    KernelState b = s.copy();
    Layers.apply(branch, b, ctx);
    double[] n = s.nngp, t = s.ntk, bn = b.nngp, bt = b.ntk;
    for (int i = 0; i < n.length; i++) {
      n[i] += bn[i];
      t[i] += bt[i];
    }
    if (b.width() > 0) s.setWidth(b.width());
    ctx.sync(s);
  }

  @Override public FiniteLayer instantiate(Shape input, Parameterization p) {
    FiniteLayer f = branch.instantiate(input, p);
    if (!f.outputShape().equals(input)) {
      throw new ArchitectureException(this + ": the branch maps shape " + input + " to " + f.outputShape());
    }
    return new FiniteLayer() {
      @Override public Shape inputShape() { return input; }
      @Override public Shape outputShape() { return input; }
      @Override public int parameterCount() { return f.parameterCount(); }
      @Override public void initialize(double[] params, int offset, SplittableRandom rng) { f.initialize(params, offset, rng); }

      @Override public Forward forward(double[] params, int offset, double[] x, int batch) {
        Forward fb = f.forward(params, offset, x, batch);
        double[] y = fb.output().clone();
        for (int i = 0; i < y.length; i++) y[i] += x[i];
        return new Forward(x, y, fb);
      }

      @Override public double[] backward(double[] params, int offset, Forward fw, double[] dy, int batch, double[] grad) {
        double[] dx = f.backward(params, offset, (Forward) fw.saved(), dy, batch, grad);
        double[] out = dx.clone();
        for (int i = 0; i < out.length; i++) out[i] += dy[i];
        return out;
      }
    };
  }

  @Override public List<Layer> children() { return List.of(branch); }

  @Override public Layer withChildren(List<Layer> children) { return new Residual(children.get(0)); }

  @Override public boolean equals(Object o) { return o instanceof Residual r && r.branch.equals(branch); }

  @Override public int hashCode() { return 17 * branch.hashCode(); }

  @Override public String toString() { return "Residual(" + branch + ")"; }
}
