package org.ntk4j.layers;

import java.util.Objects;
import java.util.SplittableRandom;
import org.ntk4j.Shape;
import org.ntk4j.finite.FiniteLayer;
import org.ntk4j.kernel.KernelContext;
import org.ntk4j.kernel.KernelState;
import org.ntk4j.linalg.DenseLinalg;

/**
 * Fully connected layer {@code Dense([width], W_std=1, b_std)} on flat inputs; no bias unless {@code b_std} is given.
 *
 * <p>Kernel rule (NTK parameterisation): Σ' = W_std²·Σ + b_std², Θ' = Σ' + W_std²·Θ. Standard parameterisation:
 * Θ' = fan_in·Σ + W_std²·Θ (+1 with a bias), Σ' as before.
 */
public final class Dense implements Parametric {
  private final int width;
  private final double wStd;
  private final double bStd; // NaN: no bias

  public Dense(int width, double wStd, double bStd) {
    if (width < 0) throw new ArchitectureException("Dense: width must be positive, got " + width);
    if (!(wStd >= 0) || Double.isInfinite(wStd)) throw new ArchitectureException("Dense: W_std must be finite and >= 0, got " + wStd);
    if (!Double.isNaN(bStd) && (bStd < 0 || Double.isInfinite(bStd))) {
      throw new ArchitectureException("Dense: b_std must be finite and >= 0, got " + bStd);
    }
    this.width = width;
    this.wStd = wStd;
    this.bStd = bStd;
  }

  /** Readout of unstated width, no bias. */
  public static Dense of(double wStd) { return new Dense(0, wStd, Double.NaN); }

  public static Dense of(double wStd, double bStd) { return new Dense(0, wStd, bStd); }

  public static Dense of(int width, double wStd, double bStd) { return new Dense(width, wStd, bStd); }

  @Override public int width() { return width; }
  public double wStd() { return wStd; }
  /** NaN when the layer has no bias. */
  public double bStd() { return bStd; }
  public boolean hasBias() { return !Double.isNaN(bStd); }

  @Override public Dense withWidth(int w) { return new Dense(w, wStd, bStd); }

  @Override public Shape outputShape(Shape input, Parameterization p) {
    if (!input.isFlat()) {
      throw new ArchitectureException(this + ": Dense needs flat inputs but gets shape " + input
          + " (add Flatten or GlobalAvgPool before it)");
    }
    if (p == Parameterization.STANDARD && !input.hasWidth()) {
      throw new ArchitectureException(this + ": the standard parameterization needs the width of the layer before it;"
          + " state the widths in the architecture, e.g. Dense(512, ...)");
    }
    return Shape.flat(width);
  }

  @Override public void applyKernel(KernelState s, KernelContext ctx) {
    double w2 = wStd * wStd;
    double b2 = hasBias() ? bStd * bStd : 0.0;
    double[] nngp = s.nngp;
    double[] ntk = s.ntk;
    int len = nngp.length;
    if (s.parameterization() == Parameterization.NTK) {
      for (int i = 0; i < len; i++) {
        double g = w2 * nngp[i] + b2;
        nngp[i] = g;
        ntk[i] = g + w2 * ntk[i];
      }
    } else {
      double fan = s.width();
      double one = hasBias() ? 1.0 : 0.0;
      for (int i = 0; i < len; i++) {
        double g = nngp[i];
        ntk[i] = fan * g + w2 * ntk[i] + one;
        nngp[i] = w2 * g + b2;
      }
    }
    s.setWidth(width);
  }

  @Override public FiniteLayer instantiate(Shape input, Parameterization p) {
    outputShape(input, p);
    if (width <= 0) throw new ArchitectureException(this + ": a finite network needs the width of every layer");
    return new Finite(input.channels(), width, p);
  }

  @Override public boolean equals(Object o) {
    return o instanceof Dense d && d.width == width && Double.compare(d.wStd, wStd) == 0 && Double.compare(d.bStd, bStd) == 0;
  }

  @Override public int hashCode() { return Objects.hash(width, wStd, bStd); }

  @Override public String toString() {
    StringBuilder sb = new StringBuilder("Dense(");
    if (width > 0) sb.append(width).append(", ");
    sb.append("W_std=").append(wStd);
    if (hasBias()) sb.append(", b_std=").append(bStd);
    return sb.append(')').toString();
  }

  /** y = x·W·scale + b·bScale, W stored fanIn × width row-major, then b. */
  private final class Finite implements FiniteLayer {
    private final int fanIn;
    private final int out;
    private final Parameterization p;

    Finite(int fanIn, int out, Parameterization p) {
      this.fanIn = fanIn;
      this.out = out;
      this.p = p;
    }

    private double wScale() { return p == Parameterization.NTK ? wStd / Math.sqrt(fanIn) : 1.0; }

    private double bScale() { return p == Parameterization.NTK ? bStd : 1.0; }

    @Override public Shape inputShape() { return Shape.flat(fanIn); }
    @Override public Shape outputShape() { return Shape.flat(out); }
    @Override public int parameterCount() { return fanIn * out + (hasBias() ? out : 0); }

    @Override public void initialize(double[] params, int offset, SplittableRandom rng) {
      double ws = p == Parameterization.NTK ? 1.0 : wStd / Math.sqrt(fanIn);
      double bs = p == Parameterization.NTK ? 1.0 : bStd;
      int nw = fanIn * out;
      for (int i = 0; i < nw; i++) params[offset + i] = ws * rng.nextGaussian();
      if (hasBias()) for (int i = 0; i < out; i++) params[offset + nw + i] = bs * rng.nextGaussian();
    }

    @Override public Forward forward(double[] params, int offset, double[] x, int batch) {
      double[] y = new double[batch * out];
      // y = ws · x · W: W is the (fanIn × out) block of the parameter vector, used in place
      DenseLinalg.get().dgemm(false, false, batch, out, fanIn, wScale(), x, 0, params, offset, 0.0, y, 0);
      if (hasBias()) {
        double bs = bScale();
        int bo = offset + fanIn * out;
        for (int i = 0; i < batch; i++) {
          int r = i * out;
          for (int j = 0; j < out; j++) y[r + j] += bs * params[bo + j];
        }
      }
      return new Forward(x, y, null);
    }

    @Override public double[] backward(double[] params, int offset, Forward f, double[] dy, int batch, double[] grad) {
      double ws = wScale();
      double[] x = f.input();
      DenseLinalg la = DenseLinalg.get();
      if (grad != null) {
        // dW[i][j] += ws · Σ_b x[b][i] dy[b][j] = ws · (xᵀ · dy), accumulated into the gradient block in place
        la.dgemm(true, false, fanIn, out, batch, ws, x, 0, dy, 0, 1.0, grad, offset);
        if (hasBias()) {
          double bs = bScale();
          int bo = offset + fanIn * out;
          for (int b = 0; b < batch; b++) {
            int r = b * out;
            for (int j = 0; j < out; j++) grad[bo + j] += bs * dy[r + j];
          }
        }
      }
      double[] dx = new double[batch * fanIn];
      // dx = ws · dy · Wᵀ
      la.dgemm(false, true, batch, fanIn, out, ws, dy, 0, params, offset, 0.0, dx, 0);
      return dx;
    }
  }

  static double[] transpose(double[] a, int rows, int cols) {
    double[] t = new double[rows * cols];
    for (int i = 0; i < rows; i++) for (int j = 0; j < cols; j++) t[j * rows + i] = a[i * cols + j];
    return t;
  }
}
