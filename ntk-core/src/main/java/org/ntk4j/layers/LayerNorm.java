package org.ntk4j.layers;

import java.util.List;
import java.util.SplittableRandom;
import org.ntk4j.Shape;
import org.ntk4j.finite.FiniteLayer;
import org.ntk4j.kernel.KernelContext;
import org.ntk4j.kernel.KernelState;

/**
 * {@code LayerNorm(eps=1e-12)}: normalisation over the channels at each position, without learned scale or shift
 * (neural-tangents' {@code stax.LayerNorm(axis=-1)} defaults). Finite twin: y = (x − mean_c x) / √(var_c x + eps).
 *
 * <p>Kernel rule: Σ'(p, p') = Σ(p, p') / √((eps + Σ(x, x)(p, p))·(eps + Σ(x', x')(p', p'))), Θ' divided by the same. This
 * is the infinite-width limit only when the pre-activations are Gaussian with zero mean over channels, i.e. right after a
 * Dense or Conv layer (possibly followed by pooling); as in neural-tangents, other placements (on the raw inputs, after a
 * nonlinearity, after Flatten) are refused by {@link #checkPlacement} before any computation.
 */
public final class LayerNorm implements Layer {
  static final double DEFAULT_EPS = 1e-12;
  private final double eps;

  public LayerNorm() { this(DEFAULT_EPS); }

  public LayerNorm(double eps) {
    if (!(eps >= 0) || Double.isInfinite(eps)) throw new ArchitectureException("LayerNorm: eps must be finite and >= 0, got " + eps);
    this.eps = eps;
  }

  public double eps() { return eps; }

  @Override public Shape outputShape(Shape input, Parameterization p) { return input; }

  @Override public void applyKernel(KernelState s, KernelContext ctx) {
    int n = s.pairCount();
    int pp = s.positions();
    double[] nngp = s.nngp, ntk = s.ntk, v1 = s.var1, v2 = s.var2;
    boolean full = s.isFull();
    double[] r2 = new double[pp];
    for (int k = 0; k < n; k++) {
      int o1 = s.var1Offset + s.row(k) * pp;
      int o2 = s.var2Offset + s.col(k) * pp;
      for (int q = 0; q < pp; q++) r2[q] = eps + v2[o2 + q];
      if (full) {
        int base = k * pp * pp;
        for (int p = 0; p < pp; p++) {
          double a = eps + v1[o1 + p];
          int rb = base + p * pp;
          for (int q = 0; q < pp; q++) {
            double d = Math.sqrt(a * r2[q]);
            nngp[rb + q] /= d;
            ntk[rb + q] /= d;
          }
        }
      } else {
        int base = k * pp;
        for (int p = 0; p < pp; p++) {
          double d = Math.sqrt((eps + v1[o1 + p]) * r2[p]);
          nngp[base + p] /= d;
          ntk[base + p] /= d;
        }
      }
    }
  }

  /**
   * Refuses LayerNorm where its kernel rule is not the infinite-width limit: it must follow a Dense or Conv layer
   * (pooling and other LayerNorms in between are fine; so is a Residual whose skip and branch are both Gaussian).
   */
  public static void checkPlacement(Layer root) {
    gaussianAfter(root, false);
  }

  /** Whether the output of {@code l} is a zero-mean Gaussian process given whether its input is one. */
  private static boolean gaussianAfter(Layer l, boolean in) {
    if (l instanceof Serial s) {
      boolean g = in;
      for (Layer c : s.layers()) g = gaussianAfter(c, g);
      return g;
    }
    if (l instanceof LayerNorm) {
      if (!in) {
        throw new ArchitectureException(l + ": LayerNorm's kernel is only defined on Gaussian pre-activations; place it"
            + " right after a Dense or Conv layer (not on the inputs, after a nonlinearity or after Flatten)");
      }
      return true;
    }
    if (l instanceof Parametric) return true;
    if (l instanceof AvgPool || l instanceof GlobalAvgPool) return in;
    if (l instanceof Residual r) return gaussianAfter(r.branch(), in) && in;
    List<Layer> cs = l.children();
    for (Layer c : cs) gaussianAfter(c, false);
    return false;
  }

  @Override public FiniteLayer instantiate(Shape input, Parameterization p) {
    int c = input.channels();
    if (c <= 0) throw new ArchitectureException(this + ": a finite network needs the channel count");
    int pp = input.positions();
    return new FiniteLayer() {
      @Override public Shape inputShape() { return input; }
      @Override public Shape outputShape() { return input; }
      @Override public int parameterCount() { return 0; }
      @Override public void initialize(double[] params, int offset, SplittableRandom rng) {}

      @Override public Forward forward(double[] params, int offset, double[] x, int batch) {
        double[] y = new double[x.length];
        double[] rs = new double[batch * pp];
        for (int r = 0; r < batch * pp; r++) {
          int o = r * c;
          double mean = 0;
          for (int j = 0; j < c; j++) mean += x[o + j];
          mean /= c;
          double var = 0;
          for (int j = 0; j < c; j++) {
            double d = x[o + j] - mean;
            var += d * d;
          }
          var /= c;
          double inv = 1.0 / Math.sqrt(var + eps);
          rs[r] = inv;
          for (int j = 0; j < c; j++) y[o + j] = (x[o + j] - mean) * inv;
        }
        return new Forward(x, y, rs);
      }

      @Override public double[] backward(double[] params, int offset, Forward f, double[] dy, int batch, double[] grad) {
        double[] y = f.output();
        double[] rs = (double[]) f.saved();
        double[] dx = new double[dy.length];
        for (int r = 0; r < batch * pp; r++) {
          int o = r * c;
          double md = 0, mdy = 0;
          for (int j = 0; j < c; j++) {
            md += dy[o + j];
            mdy += dy[o + j] * y[o + j];
          }
          md /= c;
          mdy /= c;
          for (int j = 0; j < c; j++) dx[o + j] = rs[r] * (dy[o + j] - md - y[o + j] * mdy);
        }
        return dx;
      }
    };
  }

  @Override public boolean equals(Object o) { return o instanceof LayerNorm l && Double.compare(l.eps, eps) == 0; }

  @Override public int hashCode() { return Double.hashCode(eps); }

  @Override public String toString() { return eps == DEFAULT_EPS ? "LayerNorm" : "LayerNorm(eps=" + eps + ")"; }
}
