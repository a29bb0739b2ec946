package org.ntk4j.predict;

import java.util.function.Consumer;
import org.ntk4j.linalg.DenseLinalg;

/**
 * Closed-form mean prediction of an infinitely wide network trained on ½·mean((f − y)²) from f = 0, neural-tangents'
 * {@code gradient_descent_mse}: gradient flow gives μ_t(x) = K(x, X) K⁻¹ (I − e^{−lr·t·K/N}) Y with N = y.size =
 * n·outputs, and k discrete steps of gradient descent give μ_k(x) = K(x, X) K⁻¹ (I − (I − lr·K/N)^k) Y. K is the
 * training kernel: Θ for the NTK dynamics, Σ for NNGP (Bayesian, last layer only) dynamics. Multiple outputs share the
 * kernel (K ⊗ I). The symmetric eigendecomposition of K is computed once ({@link KernelSpectrum}) and reused for every
 * time, every test set and, through {@link #of}, for other targets.
 *
 * <p>Numerics: the spectral factors are {@link SpectralFunction}s ({@code expm1}/{@code log1p} forms with their limits);
 * eigenvalues at or below round-off are exact zeros whose directions are dropped, so a singular K (duplicated inputs)
 * gives the gradient-flow limit, the pseudo-inverse solution at t = ∞, never NaN.
 */
public final class MsePredictor {
  private final KernelSpectrum spectrum;
  private final int n;
  private final int outputs;
  private final double lr;
  /** Vᵀ·Y, n × outputs. */
  private final double[] vty;

  private MsePredictor(KernelSpectrum spectrum, int outputs, double lr, double[] vty) {
    this.spectrum = spectrum;
    this.n = spectrum.n();
    this.outputs = outputs;
    this.lr = lr;
    this.vty = vty;
  }

  /**
   * @param kTrain n × n symmetric training kernel, row-major (not modified)
   * @param yTrain n × outputs targets, row-major
   * @param lr learning rate (> 0)
   * @param diagReg added to the diagonal of the training kernel (≥ 0, absolute)
   */
  public static MsePredictor fit(double[] kTrain, int n, double[] yTrain, int outputs, double lr, double diagReg) {
    return fit(kTrain, n, yTrain, outputs, lr, Regularization.absolute(diagReg), null);
  }

  /** With neural-tangents' regularizer choices; warnings (a kernel not positive semi-definite) go to the listener. */
  public static MsePredictor fit(double[] kTrain, int n, double[] yTrain, int outputs, double lr, Regularization reg,
                                 Consumer<String> warnings) {
    checkLr(lr);
    checkTargets(yTrain, n, outputs);
    return of(KernelSpectrum.of(kTrain, n, reg, warnings), yTrain, outputs, lr);
  }

  /** A predictor on an existing decomposition (e.g. the same kernel with other targets). */
  public static MsePredictor of(KernelSpectrum spectrum, double[] yTrain, int outputs, double lr) {
    checkLr(lr);
    checkTargets(yTrain, spectrum.n(), outputs);
    return new MsePredictor(spectrum, outputs, lr, spectrum.transposeTimes(yTrain, outputs));
  }

  static void checkLr(double lr) {
    if (!(lr > 0) || Double.isInfinite(lr)) throw new IllegalArgumentException("learning rate must be finite and > 0, got " + lr);
  }

  static void checkTargets(double[] y, int n, int outputs) {
    if (n < 1) throw new IllegalArgumentException("need at least one training input, got n = " + n);
    if (outputs < 1) throw new IllegalArgumentException("need at least one output, got " + outputs);
    if (y == null) throw new IllegalArgumentException("training targets are missing");
    if (y.length != (long) n * outputs) {
      throw new IllegalArgumentException("targets have " + y.length + " values, expected n·outputs = " + n + "·" + outputs);
    }
    for (int i = 0; i < y.length; i++) {
      if (!Double.isFinite(y[i])) {
        throw new IllegalArgumentException("training target " + (i / outputs) + " has a non-finite value " + y[i]
            + (outputs > 1 ? " at output " + (i % outputs) : ""));
      }
    }
  }

  public int trainSize() { return n; }
  public int outputs() { return outputs; }
  public double learningRate() { return lr; }
  public KernelSpectrum spectrum() { return spectrum; }
  /** Eigenvalues of the training kernel, ascending, with round-off values set to 0 (a copy). */
  public double[] eigenvalues() { return spectrum.eigenvalues(); }

  /** The spectral function of gradient flow for time t ∈ [0, ∞] with this learning rate and N. */
  public SpectralFunction flow(double t) { return SpectralFunction.flow(lr, t, (long) n * outputs); }

  /** The spectral function of k gradient-descent steps with this learning rate and N. */
  public SpectralFunction steps(long k) {
    if (k < 0) throw new IllegalArgumentException("number of steps must be >= 0, got " + k);
    return SpectralFunction.steps(lr, k, (long) n * outputs);
  }

  /** Mean after gradient-flow time t ∈ [0, ∞] on test inputs: {@code kTestTrain} is m × n, the result m × outputs. */
  public double[] meanFlow(double[] kTestTrain, int m, double t) { return mean(kTestTrain, m, flow(t))[0]; }

  /** Means at several times at once: one m × outputs array per time. */
  public double[][] meanFlow(double[] kTestTrain, int m, double... times) { return mean(kTestTrain, m, flows(times)); }

  /** Mean after {@code steps} discrete gradient-descent steps at the learning rate (the linearised dynamics). */
  public double[] meanSteps(double[] kTestTrain, int m, long steps) { return mean(kTestTrain, m, steps(steps))[0]; }

  /** Means after several step counts at once: one m × outputs array per count. */
  public double[][] meanSteps(double[] kTestTrain, int m, long... steps) { return mean(kTestTrain, m, stepsOf(steps)); }

  /** Means on the training inputs after gradient-flow times (m = n, the training kernel itself is not needed). */
  public double[][] trainMeanFlow(double... times) { return trainMean(flows(times)); }

  /** Means on the training inputs after step counts. */
  public double[][] trainMeanSteps(long... steps) { return trainMean(stepsOf(steps)); }

  SpectralFunction[] flows(double[] times) {
    if (times == null || times.length == 0) throw new IllegalArgumentException("no training times given");
    SpectralFunction[] f = new SpectralFunction[times.length];
    for (int i = 0; i < times.length; i++) f[i] = flow(times[i]);
    return f;
  }

  SpectralFunction[] stepsOf(long[] steps) {
    if (steps == null || steps.length == 0) throw new IllegalArgumentException("no step counts given");
    SpectralFunction[] f = new SpectralFunction[steps.length];
    for (int i = 0; i < steps.length; i++) f[i] = steps(steps[i]);
    return f;
  }

  /**
   * Means K(x, X)·V·diag(f.inverse(λ))·VᵀY on test inputs for each spectral function (null directions dropped): one
   * m × outputs array per function. All times share two matrix products.
   */
  public double[][] mean(double[] kTestTrain, int m, SpectralFunction... fs) {
    if (m < 1) throw new IllegalArgumentException("need at least one test input, got m = " + m);
    if (kTestTrain == null || kTestTrain.length != (long) m * n) {
      throw new IllegalArgumentException("test-train kernel has " + (kTestTrain == null ? 0 : kTestTrain.length)
          + " values, expected m·n = " + m + "·" + n);
    }
    for (int i = 0; i < kTestTrain.length; i++) {
      if (!Double.isFinite(kTestTrain[i])) {
        throw new IllegalArgumentException("test-train kernel has a non-finite value " + kTestTrain[i] + " at [" + (i / n)
            + ", " + (i % n) + "]");
      }
    }
    int w = fs.length * outputs;
    double[] s = scaled(fs, false);
    double[] coef = new double[n * w];
    DenseLinalg.get().gemm(n, w, n, 1.0, spectrum.vectorsRef(), 0, s, 0, false, 0.0, coef, 0);
    double[] out = new double[m * w];
    DenseLinalg.get().gemm(m, w, n, 1.0, kTestTrain, 0, coef, 0, false, 0.0, out, 0);
    return split(out, m, fs.length);
  }

  /** Means V·diag(1 − r(λ))·VᵀY on the training inputs, one n × outputs array per function. */
  public double[][] trainMean(SpectralFunction... fs) {
    int w = fs.length * outputs;
    double[] s = scaled(fs, true);
    double[] out = new double[n * w];
    DenseLinalg.get().gemm(n, w, n, 1.0, spectrum.vectorsRef(), 0, s, 0, false, 0.0, out, 0);
    return split(out, n, fs.length);
  }

  /** diag(factor)·VᵀY for every function, side by side: n × (T·outputs). */
  private double[] scaled(SpectralFunction[] fs, boolean train) {
    if (fs.length == 0) throw new IllegalArgumentException("no training times given");
    int w = fs.length * outputs;
    double[] s = new double[n * w];
    for (int ti = 0; ti < fs.length; ti++) {
      SpectralFunction f = fs[ti];
      for (int i = 0; i < n; i++) {
        double l = spectrum.value(i);
        double g = l == 0 ? 0.0 : f.inverse(l);
        if (train) g *= l; // 1 − r(λ) = λ·(1 − r(λ))/λ, accurate for small aλ
        for (int o = 0; o < outputs; o++) s[i * w + ti * outputs + o] = g * vty[i * outputs + o];
      }
    }
    return s;
  }

  private double[][] split(double[] out, int rows, int times) {
    int w = times * outputs;
    double[][] r = new double[times][rows * outputs];
    for (int ti = 0; ti < times; ti++) {
      for (int i = 0; i < rows; i++) System.arraycopy(out, i * w + ti * outputs, r[ti], i * outputs, outputs);
    }
    return r;
  }

  /**
   * neural-tangents' {@code max_learning_rate}: the largest learning rate for which full-batch gradient descent on
   * ½·mean((f − y)²) converges, 2·(1 + momentum)·N/(λ_max(Θ) + eps), N = y.size; eps = 1e-12 as nt.
   */
  public static double maxLearningRate(double[] ntkTrain, int n, long ySize, double momentum) {
    if (n < 1) throw new IllegalArgumentException("need at least one training input, got n = " + n);
    if (ntkTrain == null || ntkTrain.length != (long) n * n) {
      throw new IllegalArgumentException("training NTK has " + (ntkTrain == null ? 0 : ntkTrain.length) + " values, expected n·n = " + n + "·" + n);
    }
    if (ySize < 1) throw new IllegalArgumentException("y.size must be >= 1, got " + ySize);
    if (!(momentum >= 0) || Double.isInfinite(momentum)) throw new IllegalArgumentException("momentum must be finite and >= 0, got " + momentum);
    for (int i = 0; i < ntkTrain.length; i++) {
      if (!Double.isFinite(ntkTrain[i])) throw new IllegalArgumentException("training NTK has a non-finite value at [" + (i / n) + ", " + (i % n) + "]");
    }
    double[] a = ntkTrain.clone();
    double[] w = new double[n];
    DenseLinalg.get().symmetricEigenvalues(n, a, w);
    return 2 * (1 + momentum) * ySize / (w[n - 1] + 1e-12);
  }

  /** {@link #maxLearningRate(double[], int, long, double)} without momentum. */
  public static double maxLearningRate(double[] ntkTrain, int n, long ySize) { return maxLearningRate(ntkTrain, n, ySize, 0); }
}
