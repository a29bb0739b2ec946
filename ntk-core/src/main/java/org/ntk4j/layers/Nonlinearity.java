package org.ntk4j.layers;

import java.util.SplittableRandom;
import org.ntk4j.Shape;
import org.ntk4j.finite.FiniteLayer;
import org.ntk4j.kernel.KernelContext;
import org.ntk4j.kernel.KernelState;
import org.ntk4j.util.Angles;

/**
 * An elementwise nonlinearity φ. Kernel rule, per pair of positions with variances q11, q22 and covariance q12 of the
 * pre-activations (u, v): Σ' = E[φ(u)φ(v)] and Θ' = Θ · E[φ'(u)φ'(v)]. Finite twin: y = φ(x), dx = dy · φ'(x).
 *
 * <p>Subclasses give the closed form (or quadrature) in {@link #pair}. An input paired with itself arrives with
 * q12 == q11 == q22 bitwise and must be treated as exactly correlated.
 */
public abstract class Nonlinearity implements Layer {

  /**
   * Writes E[φ(u)φ(v)] into {@code nngp[i]} and multiplies {@code ntk[i]} by E[φ'(u)φ'(v)], where (u, v) is centred
   * Gaussian with Var u = q11, Var v = q22, Cov = q12 (the current value of {@code nngp[i]}).
   */
  protected abstract void pair(double q11, double q22, double q12, double[] nngp, double[] ntk, int i);

  /** φ(x). */
  public abstract double phi(double x);

  /** φ'(x) (a.e.; the value at kinks follows the kernel's convention). */
  public abstract double dphi(double x);

  @Override public Shape outputShape(Shape input, Parameterization p) { return input; }

  @Override public void applyKernel(KernelState s, KernelContext ctx) {
    int n = s.pairCount();
    int pp = s.positions();
    double[] nngp = s.nngp;
    double[] ntk = s.ntk;
    double[] v1 = s.var1;
    double[] v2 = s.var2;
    if (s.isFull()) {
      for (int k = 0; k < n; k++) {
        int o1 = s.var1Offset + s.row(k) * pp;
        int o2 = s.var2Offset + s.col(k) * pp;
        int base = k * pp * pp;
        for (int p = 0; p < pp; p++) pairRow(v1[o1 + p], v2, o2, nngp, ntk, base + p * pp, pp);
      }
    } else if (pp == 1 && !s.isSelf()) {
      // flat cross tile: pair k = r·cols + c, so each row r is one contiguous run over the column inputs (no division
      // k / cols per pair)
      int rows = s.rows(), cols = s.cols();
      for (int r = 0; r < rows; r++) pairRow(v1[s.var1Offset + r], v2, s.var2Offset, nngp, ntk, r * cols, cols);
    } else {
      for (int k = 0; k < n; k++) {
        int o1 = s.var1Offset + s.row(k) * pp;
        int o2 = s.var2Offset + s.col(k) * pp;
        int base = k * pp;
        for (int p = 0; p < pp; p++) pair(v1[o1 + p], v2[o2 + p], nngp[base + p], nngp, ntk, base + p);
      }
    }
  }

  /**
   * {@link #pair} for the {@code len} consecutive entries {@code i = base + j} with a fixed q11 and q22 =
   * {@code v2[o2 + j]} (a row of a full P × P block, or a row of a flat cross tile). A subclass may override it with the
   * same arithmetic inlined (no call per entry); the values must equal those of {@link #pair} bitwise.
   */
  protected void pairRow(double q11, double[] v2, int o2, double[] nngp, double[] ntk, int base, int len) {
    for (int j = 0; j < len; j++) pair(q11, v2[o2 + j], nngp[base + j], nngp, ntk, base + j);
  }

  @Override public FiniteLayer instantiate(Shape input, Parameterization p) {
    return new FiniteLayer() {
      @Override public Shape inputShape() { return input; }
      @Override public Shape outputShape() { return input; }
      @Override public int parameterCount() { return 0; }
      @Override public void initialize(double[] params, int offset, SplittableRandom rng) {}

      @Override public Forward forward(double[] params, int offset, double[] x, int batch) {
        double[] y = new double[x.length];
        for (int i = 0; i < x.length; i++) y[i] = phi(x[i]);
        return new Forward(x, y, null);
      }

      @Override public double[] backward(double[] params, int offset, Forward f, double[] dy, int batch, double[] grad) {
        double[] x = f.input();
        double[] dx = new double[x.length];
        for (int i = 0; i < x.length; i++) dx[i] = dy[i] * dphi(x[i]);
        return dx;
      }
    };
  }

  static final double HALF_PI = 0.5 * Math.PI;

  /**
   * Angle θ ∈ [0, π] between u and v for the arc-cosine kernels, robust at exact correlation:
   * atan2(√(q11 q22 − q12²), q12) with the square-root argument clamped at 0 (an input paired with itself gives θ = 0
   * exactly). When q12 == 0 the angle is π/2, also for a zero-variance side (neural-tangents' {@code fill_zero = π/2}):
   * this is the value that keeps the kernels consistent with the symmetric derivative φ'(0) = (φ'(0−) + φ'(0+))/2.
   */
  protected static double angle(double q11, double q22, double q12) {
    double d = q11 * q22 - q12 * q12;
    return angleOf(d > 0 ? Math.sqrt(d) : 0.0, q12);
  }

  /** θ from {@code sin = √(q11 q22 − q12²) ≥ 0} and {@code cos = q12}; π/2 when cos == 0. */
  static double angleOf(double sin, double cos) {
    return cos == 0 ? HALF_PI : Angles.angle(sin, cos);
  }

  @Override public int hashCode() { return toString().hashCode(); }
}
