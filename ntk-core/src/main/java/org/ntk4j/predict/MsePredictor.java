package org.ntk4j.predict;

import org.ntk4j.linalg.DenseLinalg;

/**
 * Closed-form mean prediction of an infinitely wide network trained on ½·mean((f − y)²), neural-tangents convention:
 * gradient flow gives μ_t(x) = K(x, X) K⁻¹ (I − e^{−lr·t·K/N}) Y with N = y.size = n·outputs, and k discrete steps of
 * gradient descent give μ_k(x) = K(x, X) K⁻¹ (I − (I − lr·K/N)^k) Y. K is the training kernel (Θ for the NTK
 * dynamics). The symmetric eigendecomposition of K is computed once, at {@link #fit}, and reused for every time and every
 * test set.
 *
 * <p>Numerics: the spectral factors (1 − e^{−aλ})/λ use {@code expm1} with their limit a as λ → 0; eigenvalues at or below
 * round-off (n·ε·λ_max) are treated as exact zeros, whose directions carry no signal (K(x, X)·v = 0 for a null vector v of
 * a Gram kernel), so a singular K (duplicated inputs) gives the gradient-flow limit, the pseudo-inverse solution at
 * t = ∞, never NaN.
 */
public final class MsePredictor {
  private final int n;
  private final int outputs;
  private final double lr;
  /** Eigenvectors as columns, n × n row-major. */
  private final double[] vectors;
  /** Eigenvalues ascending, round-off and negative ones set to 0. */
  private final double[] values;
  /** Vᵀ·Y, n × outputs. */
  private final double[] vty;

  private MsePredictor(int n, int outputs, double lr, double[] vectors, double[] values, double[] vty) {
    this.n = n;
    this.outputs = outputs;
    this.lr = lr;
    this.vectors = vectors;
    this.values = values;
    this.vty = vty;
  }

  /**
   * @param kTrain n × n symmetric training kernel, row-major (not modified)
   * @param yTrain n × outputs targets, row-major
   * @param lr learning rate (> 0)
   * @param diagReg added to the diagonal of the training kernel (≥ 0, absolute)
   */
  public static MsePredictor fit(double[] kTrain, int n, double[] yTrain, int outputs, double lr, double diagReg) {
    if (n < 1) throw new IllegalArgumentException("need at least one training input, got n = " + n);
    if (outputs < 1) throw new IllegalArgumentException("need at least one output, got " + outputs);
    if (kTrain.length != (long) n * n) {
      throw new IllegalArgumentException("training kernel has " + kTrain.length + " values, expected n·n = " + n + "·" + n);
    }
    if (yTrain.length != (long) n * outputs) {
      throw new IllegalArgumentException("targets have " + yTrain.length + " values, expected n·outputs = " + n + "·" + outputs);
    }
    if (!(lr > 0) || Double.isInfinite(lr)) throw new IllegalArgumentException("learning rate must be finite and > 0, got " + lr);
    if (!(diagReg >= 0) || Double.isInfinite(diagReg)) throw new IllegalArgumentException("diag_reg must be finite and >= 0, got " + diagReg);
    checkFinite(kTrain, "training kernel");
    checkFinite(yTrain, "training targets");
    double[] a = new double[n * n];
    for (int i = 0; i < n; i++) {
      for (int j = 0; j < n; j++) a[i * n + j] = 0.5 * (kTrain[i * n + j] + kTrain[j * n + i]);
      a[i * n + i] += diagReg;
    }
    double[] w = new double[n];
    DenseLinalg.get().symmetricEigen(n, a, w);
    double max = Math.max(Math.abs(w[0]), Math.abs(w[n - 1]));
    double tol = n * Math.ulp(1.0) * max;
    for (int i = 0; i < n; i++) if (w[i] <= tol) w[i] = 0.0;
    double[] vt = transpose(a, n, n);
    double[] vty = new double[n * outputs];
    DenseLinalg.get().gemm(n, outputs, n, 1.0, vt, 0, yTrain, 0, false, 0.0, vty, 0);
    return new MsePredictor(n, outputs, lr, a, w, vty);
  }

  public int trainSize() { return n; }
  public int outputs() { return outputs; }
  /** Eigenvalues of the training kernel, ascending, with round-off values set to 0 (a copy). */
  public double[] eigenvalues() { return values.clone(); }

  /** Mean after gradient-flow time t ∈ [0, ∞] on test inputs: {@code kTestTrain} is m × n, the result m × outputs. */
  public double[] meanFlow(double[] kTestTrain, int m, double t) {
    if (!(t >= 0)) throw new IllegalArgumentException("training time must be >= 0 (or infinity), got " + t);
    double a = lr * t / (n * (double) outputs);
    double[] f = new double[n];
    for (int i = 0; i < n; i++) {
      double l = values[i];
      if (l == 0) f[i] = 0;
      else if (Double.isInfinite(t)) f[i] = 1.0 / l;
      else f[i] = -Math.expm1(-a * l) / l;
    }
    return apply(kTestTrain, m, f);
  }

  /** Mean after {@code steps} discrete gradient-descent steps at the learning rate (the linearised dynamics). */
  public double[] meanSteps(double[] kTestTrain, int m, long steps) {
    if (steps < 0) throw new IllegalArgumentException("number of steps must be >= 0, got " + steps);
    double c = lr / (n * (double) outputs);
    double[] f = new double[n];
    for (int i = 0; i < n; i++) {
      double l = values[i];
      if (l == 0) {
        f[i] = 0;
      } else {
        // (1 − (1 − cλ)^k)/λ = −expm1(k·log1p(−cλ))/λ, accurate for small cλ
        double x = -c * l;
        f[i] = x > -1 ? -Math.expm1(steps * Math.log1p(x)) / l : (1 - Math.pow(1 + x, steps)) / l;
      }
    }
    return apply(kTestTrain, m, f);
  }

  private double[] apply(double[] kTestTrain, int m, double[] f) {
    if (kTestTrain.length != (long) m * n) {
      throw new IllegalArgumentException("test-train kernel has " + kTestTrain.length + " values, expected m·n = " + m + "·" + n);
    }
    double[] s = new double[n * outputs];
    for (int i = 0; i < n; i++) for (int o = 0; o < outputs; o++) s[i * outputs + o] = f[i] * vty[i * outputs + o];
    double[] coef = new double[n * outputs];
    DenseLinalg.get().gemm(n, outputs, n, 1.0, vectors, 0, s, 0, false, 0.0, coef, 0);
    double[] out = new double[m * outputs];
    DenseLinalg.get().gemm(m, outputs, n, 1.0, kTestTrain, 0, coef, 0, false, 0.0, out, 0);
    return out;
  }

  static double[] transpose(double[] a, int rows, int cols) {
    double[] t = new double[rows * cols];
    for (int i = 0; i < rows; i++) for (int j = 0; j < cols; j++) t[j * rows + i] = a[i * cols + j];
    return t;
  }

  private static void checkFinite(double[] a, String what) {
    for (int i = 0; i < a.length; i++) {
      if (!Double.isFinite(a[i])) throw new IllegalArgumentException(what + " has a non-finite value " + a[i] + " at flat index " + i);
    }
  }
}
