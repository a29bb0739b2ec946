package org.ntk4j.spark;

import java.util.Locale;
import java.util.Objects;

/**
 * Closed-form mean prediction of an infinitely wide network trained on ½·mean((f − y)²), the distributed twin of
 * {@link org.ntk4j.predict.MsePredictor}: μ_t(x) = K(x, X)·f(K + diag_reg·I)·Y with f(λ) = (1 − e^{−aλ})/λ,
 * a = lr·t/N, N = y.size (f = 1/λ at t = ∞), computed matrix-free: every product with K is a distributed pass over
 * the cached tiles of the training kernel, never a dense n × n matrix on one machine.
 *
 * <pre>{@code
 * SparkPredictor p = SparkPredictor.fit(train, KernelKind.NTK, y, outputs, lr, diagReg);
 * SparkPredictor.Coefficients c = p.coefficients(t, SolveOptions.of(Solver.CG, 1e-10));   // one solve
 * double[] mu = c.apply(testTrain);           // m × outputs, for any number of test kernels
 * System.err.println(c.report());             // iterations, residuals, passes
 * }</pre>
 */
public final class SparkPredictor {
  private final DistributedKernel train;
  private final KernelKind kind;
  private final double[] y;
  private final int outputs;
  private final double lr;
  private final double diagReg;

  private SparkPredictor(DistributedKernel train, KernelKind kind, double[] y, int outputs, double lr, double diagReg) {
    this.train = train;
    this.kind = kind;
    this.y = y;
    this.outputs = outputs;
    this.lr = lr;
    this.diagReg = diagReg;
  }

  /**
   * @param train the distributed kernel of the training inputs with themselves (kept for {@code kind})
   * @param kind NTK for the gradient-descent dynamics (NNGP gives the same formula on Σ)
   * @param yTrain n × outputs targets, row-major
   * @param lr learning rate (> 0)
   * @param diagReg added to the diagonal of the training kernel (≥ 0, absolute, as in MsePredictor)
   */
  public static SparkPredictor fit(DistributedKernel train, KernelKind kind, double[] yTrain, int outputs, double lr, double diagReg) {
    Objects.requireNonNull(train, "train");
    Objects.requireNonNull(kind, "kind");
    if (!train.symmetric()) {
      throw new IllegalArgumentException("the training kernel must be of the training inputs with themselves, got a "
          + train.rows() + " x " + train.cols() + " kernel between two batches");
    }
    if (!train.keeps(kind)) throw new IllegalArgumentException("the training kernel does not keep " + kind + " tiles");
    int n = train.rows();
    if (outputs < 1) throw new IllegalArgumentException("need at least one output, got " + outputs);
    if (yTrain.length != (long) n * outputs) {
      throw new IllegalArgumentException("targets have " + yTrain.length + " values, expected n·outputs = " + n + "·" + outputs);
    }
    for (int i = 0; i < yTrain.length; i++) {
      if (!Double.isFinite(yTrain[i])) {
        throw new IllegalArgumentException("training targets have a non-finite value " + yTrain[i] + " at flat index " + i);
      }
    }
    if (!(lr > 0) || Double.isInfinite(lr)) throw new IllegalArgumentException("learning rate must be finite and > 0, got " + lr);
    if (!(diagReg >= 0) || Double.isInfinite(diagReg)) throw new IllegalArgumentException("diag_reg must be finite and >= 0, got " + diagReg);
    return new SparkPredictor(train, kind, yTrain.clone(), outputs, lr, diagReg);
  }

  /**
   * The whole distributed prediction in one call (what {@code ntk predict --spark} needs): the training kernel
   * (NTK tiles, cached), one solve, and the test × train pass; the kernels are released afterwards.
   *
   * @param yTrain n × outputs targets; lr, diagReg, t as in {@link #fit} and {@link #coefficients}
   * @return the m × outputs mean on {@code test} and the solve report
   */
  public static Prediction predict(SparkNtk spark, KernelSpec spec, org.ntk4j.Inputs train, double[] yTrain, int outputs,
                                   org.ntk4j.Inputs test, double lr, double diagReg, double t, SolveOptions options) {
    try (DistributedKernel k = spark.kernel(spec, train, TileOptions.defaults().keeping(KernelKind.NTK));
         DistributedKernel kt = spark.crossKernel(spec, test, train, TileOptions.once(KernelKind.NTK))) {
      return fit(k, KernelKind.NTK, yTrain, outputs, lr, diagReg).meanFlow(kt, t, options);
    }
  }

  public int trainSize() { return train.rows(); }
  public int outputs() { return outputs; }

  /** f(K + diag_reg·I)·Y for training time t ∈ [0, ∞]: one Krylov solve, every iteration a distributed pass. */
  public Coefficients coefficients(double t, SolveOptions options) {
    Objects.requireNonNull(options, "options");
    if (!(t >= 0)) throw new IllegalArgumentException("training time must be >= 0 (or infinity), got " + t);
    int n = train.rows();
    boolean infinite = Double.isInfinite(t);
    double a = infinite ? 0 : lr * t / (n * (double) outputs);
    KrylovSolvers.Result r;
    if (t == 0) {
      r = new KrylovSolvers.Result(new double[n * outputs], outputs, new SolveReport(options.solver(), 0, 0,
          new double[outputs], true, new double[0], 0, "t = 0: the untrained mean is 0"));
    } else {
      r = KrylovSolvers.flow(train.operator(kind, diagReg), y, outputs, a, infinite, options);
    }
    return new Coefficients(r.x(), n, outputs, kind, t, r.report());
  }

  /** Mean on test inputs given their distributed kernel against the training inputs (m × n). */
  public Prediction meanFlow(DistributedKernel testTrain, double t, SolveOptions options) {
    Coefficients c = coefficients(t, options);
    return new Prediction(c.apply(testTrain), testTrain.rows(), outputs, c.report());
  }

  /** Mean on the training inputs themselves (K without diag_reg times the coefficients). */
  public Prediction meanFlowTrain(double t, SolveOptions options) {
    Coefficients c = coefficients(t, options);
    return new Prediction(train.multiply(kind, c.values(), outputs, 0), train.rows(), outputs, c.report());
  }

  /** The solved coefficients c = f(K + diag_reg·I)·Y (n × outputs), reusable for any test set. */
  public record Coefficients(double[] values, int n, int outputs, KernelKind kind, double t, SolveReport report) {
    /** μ = K(test, train)·c, a distributed pass over the test × train tiles; m × outputs. */
    public double[] apply(DistributedKernel testTrain) {
      if (testTrain.cols() != n) {
        throw new IllegalArgumentException("the test kernel has " + testTrain.cols() + " training columns, the coefficients " + n);
      }
      return testTrain.multiply(kind, values, outputs, 0);
    }

    /** μ = K(test, train)·c for a test kernel held locally (m × n row-major). */
    public double[] apply(double[] kTestTrain, int m) {
      if (kTestTrain.length != (long) m * n) {
        throw new IllegalArgumentException("test-train kernel has " + kTestTrain.length + " values, expected m·n = " + m + "·" + n);
      }
      double[] out = new double[m * outputs];
      org.ntk4j.linalg.DenseLinalg.get().gemm(m, outputs, n, 1.0, kTestTrain, 0, values, 0, false, 0.0, out, 0);
      return out;
    }
  }

  /** A mean prediction (rows × outputs, row-major) and the report of its solve. */
  public record Prediction(double[] mean, int rows, int outputs, SolveReport report) {
    @Override public String toString() {
      return String.format(Locale.ROOT, "prediction %d x %d; %s", rows, outputs, report);
    }
  }
}
