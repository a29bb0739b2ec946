package org.ntk4j.layers;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.SplittableRandom;
import org.ntk4j.Shape;
import org.ntk4j.finite.FiniteLayer;
import org.ntk4j.kernel.KernelContext;
import org.ntk4j.kernel.KernelState;

/**
 * {@code ParallelSum(<architecture>, <architecture>, ...)}: the branches applied to the same input and their outputs
 * added, neural-tangents' {@code serial(FanOut(k), parallel(b1, ..., bk), FanInSum())}. {@link Residual} is the case
 * {@code ParallelSum(Identity, branch)}.
 *
 * <p>Kernel rule: Σ' = Σ_b Σ_b and Θ' = Σ_b Θ_b, the branches' kernels of the same input kernel. This is exact because
 * the branches are uncorrelated: every branch but at most one contains a Dense or Conv layer whose independent
 * zero-mean weights decorrelate it from the others (two branches without one, e.g. Identity and Relu, are correlated
 * and refused). All branches must produce the same output shape.
 */
public final class ParallelSum implements CompositeLayer {
  private final List<Layer> branches;

  public ParallelSum(List<Layer> branches) {
    if (branches.size() < 2) throw new ArchitectureException("ParallelSum needs at least two branches, got " + branches.size());
    for (Layer b : branches) Objects.requireNonNull(b, "branch");
    this.branches = List.copyOf(branches);
    int plain = 0;
    for (Layer b : this.branches) if (Layers.parametric(b).isEmpty()) plain++;
    if (plain > 1) {
      throw new ArchitectureException(this + ": " + plain + " branches have no Dense or Conv layer; such branches are"
          + " correlated with each other and the summed kernel would be wrong (at most one may, e.g. Identity)");
    }
  }

  public List<Layer> branches() { return branches; }

  @Override public Shape outputShape(Shape input, Parameterization p) {
    Shape out = null;
    for (Layer b : branches) {
      Shape o = b.outputShape(input, p);
      if (out == null) {
        out = o;
      } else if (!java.util.Arrays.equals(o.spatialDims(), out.spatialDims())
          || (o.hasWidth() && out.hasWidth() && o.channels() != out.channels())) {
        throw new ArchitectureException(this + ": the branches map shape " + input + " to different shapes " + out + " and " + o
            + "; summed branches must agree");
      } else if (!out.hasWidth() && o.hasWidth()) {
        out = o;
      }
    }
    return out;
  }

  @Override public boolean needsFullCovariance() {
    for (Layer b : branches) if (b.needsFullCovariance()) return true;
    return false;
  }

  /** The input, the running sum and the current branch's copy of the input: 2 + the branches' own. */
  @Override public int kernelStateCopies() { return 2 + Layers.maxKernelStateCopies(children()); }

  @Override public void applyKernel(KernelState s, KernelContext ctx) {
    KernelState sum = null;
    for (Layer branch : branches) {
      KernelState b = s.copy();
      Layers.apply(branch, b, ctx);
      if (sum == null) {
        sum = b;
        continue;
      }
      if (b.nngp.length != sum.nngp.length || b.isFull() != sum.isFull()) {
        throw new IllegalStateException(this + ": branch kernels of different layouts");
      }
      double[] n = sum.nngp, t = sum.ntk, bn = b.nngp, bt = b.ntk;
      for (int i = 0; i < n.length; i++) {
        n[i] += bn[i];
        t[i] += bt[i];
      }
      if (b.width() > 0) sum.setWidth(b.width());
    }
    s.reshape(sum.spatial(), sum.isFull(), sum.nngp, sum.ntk);
    s.setWidth(sum.width());
    ctx.sync(s);
  }

  @Override public FiniteLayer instantiate(Shape input, Parameterization p) {
    List<FiniteLayer> fs = new ArrayList<>();
    int[] offsets = new int[branches.size()];
    int count = 0;
    Shape out = null;
    for (int i = 0; i < branches.size(); i++) {
      FiniteLayer f = branches.get(i).instantiate(input, p);
      if (out != null && !out.equals(f.outputShape())) {
        throw new ArchitectureException(this + ": the branches map shape " + input + " to " + out + " and " + f.outputShape());
      }
      out = f.outputShape();
      fs.add(f);
      offsets[i] = count;
      count += f.parameterCount();
    }
    Shape output = out;
    int total = count;
    return new FiniteLayer() {
      @Override public Shape inputShape() { return input; }
      @Override public Shape outputShape() { return output; }
      @Override public int parameterCount() { return total; }

      @Override public void initialize(double[] params, int offset, SplittableRandom rng) {
        for (int i = 0; i < fs.size(); i++) fs.get(i).initialize(params, offset + offsets[i], rng);
      }

      @Override public Forward forward(double[] params, int offset, double[] x, int batch) {
        Forward[] saved = new Forward[fs.size()];
        double[] y = null;
        for (int i = 0; i < fs.size(); i++) {
          saved[i] = fs.get(i).forward(params, offset + offsets[i], x, batch);
          double[] o = saved[i].output();
          if (y == null) {
            y = o.clone();
          } else {
            for (int k = 0; k < y.length; k++) y[k] += o[k];
          }
        }
        return new Forward(x, y, saved);
      }

      @Override public double[] backward(double[] params, int offset, Forward fw, double[] dy, int batch, double[] grad) {
        Forward[] saved = (Forward[]) fw.saved();
        double[] dx = null;
        for (int i = 0; i < fs.size(); i++) {
          double[] d = fs.get(i).backward(params, offset + offsets[i], saved[i], dy, batch, grad);
          if (dx == null) {
            dx = d.clone();
          } else {
            for (int k = 0; k < dx.length; k++) dx[k] += d[k];
          }
        }
        return dx;
      }
    };
  }

  @Override public List<Layer> children() { return branches; }

  @Override public Layer withChildren(List<Layer> children) { return new ParallelSum(children); }

  @Override public boolean equals(Object o) { return o instanceof ParallelSum p && p.branches.equals(branches); }

  @Override public int hashCode() { return 31 * branches.hashCode() + 7; }

  @Override public String toString() {
    StringBuilder sb = new StringBuilder("ParallelSum(");
    for (int i = 0; i < branches.size(); i++) {
      if (i > 0) sb.append(", ");
      sb.append(branches.get(i));
    }
    return sb.append(')').toString();
  }
}
