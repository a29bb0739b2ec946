package org.ntk4j.cli;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.ntk4j.Inputs;
import org.ntk4j.Shape;
import org.ntk4j.io.NpyArray;
import org.ntk4j.kernel.KernelFunction;
import org.ntk4j.kernel.Kernels;
import org.ntk4j.layers.ArchitectureException;
import org.ntk4j.predict.Dynamics;
import org.ntk4j.predict.EnsemblePredictor;
import org.ntk4j.predict.Gaussian;
import org.ntk4j.predict.Regularization;
import org.ntk4j.predict.TestKernels;
import org.ntk4j.symmetry.Augmentation;
import org.ntk4j.symmetry.AugmentedRegression;
import org.ntk4j.symmetry.Group;
import org.ntk4j.symmetry.OutputAction;
import org.ntk4j.symmetry.OutputActions;
import org.ntk4j.util.Units;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code ntk predict}: closed-form training dynamics of the infinite-width network (neural-tangents'
 * {@code gradient_descent_mse_ensemble}) on test inputs, written as float64 .npy files.
 *
 * <p>Structure, for extensions (e.g. augmentation): {@link #readProblem} reads and checks the files, {@link #kernels}
 * computes every kernel the prediction needs in one place, {@link #predict} runs the predictor on them.
 */
@Command(name = "predict", sortOptions = false,
    description = {
        "Mean (and covariance) of an infinite ensemble of infinitely wide networks trained on MSE.",
        "",
        "Trains on (x-train, y-train) from the random initialisation with gradient flow for the given times, or with",
        "gradient descent for the given numbers of steps, at learning rate --lr on 1/2 mean((f - y)^2), with the",
        "conventions of neural-tangents (exponent -lr t K / N, N = y-train.size). Writes DIR/mean.npy of shape",
        "(times, n_test, outputs) and with --cov DIR/cov.npy of shape (times, n_test, n_test), float64. Targets of",
        "shape (n,) count as one output. A singular training kernel (duplicated inputs) gives the pseudo-inverse",
        "limit, never NaN.",
        ""},
    footer = {"", "Example:",
        "  ntk predict --arch \"Dense(512, W_std=1.4142, b_std=0.05) -> Relu -> Dense(W_std=1.4142)\" \\",
        "    --x-train x.npy --y-train y.npy --x-test t.npy --time 0.5,1,10,inf --cov --out pred"})
public class PredictCommand extends NtkCommand {
  @Mixin ArchitectureOptions model;

  @Option(names = "--x-train", required = true, paramLabel = "FILE", description = "Training inputs (.npy), shape (n, ...).")
  Path xTrain;

  @Option(names = "--y-train", required = true, paramLabel = "FILE", description = "Training targets (.npy), shape (n,) or (n, outputs).")
  Path yTrain;

  @Option(names = "--x-test", required = true, paramLabel = "FILE", description = "Test inputs (.npy), same input shape as --x-train.")
  Path xTest;

  @Option(names = "--time", paramLabel = "T,T,...",
      description = "Gradient-flow times, comma-separated, >= 0; 'inf' is the converged limit, e.g. 0.5,1,10,inf.")
  String times;

  @Option(names = "--steps", paramLabel = "K,K,...",
      description = "Or: numbers of gradient-descent steps, comma-separated, >= 0, e.g. 1,2,3,2000.")
  String steps;

  @Option(names = "--lr", paramLabel = "LR", defaultValue = "1", description = "Learning rate (> 0; default 1).")
  String lr;

  @Option(names = "--kernel", paramLabel = "ntk|nngp", defaultValue = "ntk",
      description = "Training dynamics: ntk (default; all layers trained) or nngp (Bayesian: the readout only).")
  Dynamics dynamics;

  @Option(names = "--diag-reg", paramLabel = "R", defaultValue = "0",
      description = "Diagonal regularizer, relative to the mean of the training kernel's diagonal (nt's default); default 0.")
  String diagReg;

  @Option(names = "--diag-reg-absolute", description = "Take --diag-reg in absolute units.")
  boolean diagRegAbsolute;

  @Option(names = "--cov", description = "Also write the test-test covariance, DIR/cov.npy.")
  boolean cov;

  @Option(names = "--augment", paramLabel = "G",
      description = "Train on the full orbit of the training set under the group G (e.g. C4, D4, TxD4xZ2, Z2; see"
          + " 'ntk certify --help'). The mean uses the exact group-averaged kernel when the kernel is G-invariant (checked),"
          + " else the explicitly augmented set; with --cov or --kernel nngp the augmented set is used.")
  String augment;

  @Option(names = "--equivariant", description = "With --augment: targets transform like the inputs instead of being invariant.")
  boolean equivariant;

  @Option(names = "--spark", paramLabel = "MASTER", arity = "0..1", fallbackValue = "local[*]",
      description = "Solve matrix-free on Apache Spark (gradient-flow means, --time only): the kernel tiles are computed and"
          + " cached on the executors, every solver iteration is a distributed pass. MASTER as for 'ntk kernel --spark'.")
  String spark;

  @Option(names = "--solver", paramLabel = "cg|lanczos",
      description = "With --spark: conjugate gradient (t = inf only) or Lanczos (any t; default).")
  String solver;

  @Option(names = "--tol", paramLabel = "TOL", description = "With --spark: relative residual to reach (default 1e-10).")
  String tol;

  @Option(names = "--out", required = true, paramLabel = "DIR", description = "Output directory (created if missing).")
  Path out;

  @Mixin ComputeOptions compute;

  /** The checked inputs of one prediction. */
  protected record Problem(Inputs xTrain, double[] y, int outputs, Inputs xTest) {}

  /** Every kernel a prediction needs: train-train, test-train and (for covariances) test-test. */
  protected record KernelSet(Kernels trainTrain, Kernels testTrain, Kernels testTest) {}

  @Override protected int run() throws Exception {
    long t0 = System.nanoTime();
    model.architecture(); // parse errors first, before reading any file
    double rate = positive("--lr", lr);
    double reg = nonNegative("--diag-reg", diagReg);
    if ((this.times == null) == (this.steps == null)) {
      throw new CliException(this.times == null
          ? "give the gradient-flow times with --time T,T,... or the numbers of gradient-descent steps with --steps K,K,..."
          : "--time and --steps exclude each other: give one of them");
    }
    double[] times = this.times != null ? parseTimes(this.times) : null;
    long[] steps = this.steps != null ? parseSteps(this.steps) : null;
    if (spark == null && (solver != null || tol != null)) throw new CliException("--solver and --tol apply only with --spark");
    String solverName = solver == null ? "lanczos" : solver;
    double tolerance = tol == null ? 1e-10 : positive("--tol", tol);
    if (spark != null) {
      if (steps != null) throw new CliException("--steps is not available with --spark: the Krylov solvers compute gradient flow; use --time");
      if (cov) throw new CliException("--cov is not available with --spark: the distributed solvers compute means");
      if (augment != null) throw new CliException("--augment is not available with --spark yet; augment the training set first");
      if (compute.threadsGiven() || compute.memory() != null) {
        throw new CliException("--threads and --memory do not apply with --spark: the master URL and Spark's settings do");
      }
      SparkSupport.require("--spark", SparkSupport.CLASSES);
    }
    if (equivariant && augment == null) throw new CliException("--equivariant applies only with --augment");
    try (OutputFiles files = OutputFiles.in("--out", out)) {
      Problem p = readProblem();
      List<String> warnings = new ArrayList<>();
      Regularization regularization = diagRegAbsolute ? Regularization.absolute(reg) : Regularization.relative(reg);
      Gaussian[] g = null;
      String how = "";
      if (augment != null) {
        Group group = parseGroup("--augment", augment, p.xTrain().shape());
        OutputAction rho = outputAction(group, p.outputs());
        if (!cov && dynamics == Dynamics.NTK) {
          g = augmentedMeans(p, group, rho, rate, absoluteDiagReg(p, reg), times, steps);
          how = ", trained on the " + group.name() + " orbit (" + lastPath + ")";
        } else {
          Augmentation.Augmented a = Augmentation.orbit(p.xTrain(), p.y(), p.outputs(), group, rho);
          how = ", trained on the explicit " + group.name() + " orbit of " + a.n() + " inputs";
          p = new Problem(a.x(), a.y(), p.outputs(), p.xTest());
        }
      }
      if (g == null && spark != null) {
        List<String> reports = new ArrayList<>();
        double[][] means = SparkPredictRun.meanFlow(spark, model, p.xTrain(), p.y(), p.outputs(), p.xTest(),
            dynamics == Dynamics.NNGP, rate, absoluteDiagReg(p, reg), times, solverName, tolerance, err(), reports);
        for (String r : reports) err().println("ntk predict: " + r);
        g = new Gaussian[means.length];
        for (int i = 0; i < means.length; i++) g[i] = new Gaussian(p.xTest().n(), p.outputs(), means[i], null);
        how = String.format(Locale.ROOT, ", solved on Spark %s (%s, tol %g)", spark, solverName, tolerance);
      }
      if (g == null) g = predict(p, kernels(p), rate, regularization, times, steps, warnings);
      for (String w : warnings) err().println("ntk: warning: " + w);
      int m = p.xTest().n(), o = p.outputs();
      double[] mean = new double[g.length * m * o];
      for (int i = 0; i < g.length; i++) System.arraycopy(g[i].mean(), 0, mean, i * m * o, m * o);
      files.writeNpy("mean.npy", new int[] {g.length, m, o}, mean);
      if (cov) {
        double[] c = new double[g.length * m * m];
        for (int i = 0; i < g.length; i++) System.arraycopy(g[i].covariance(), 0, c, i * m * m, m * m);
        files.writeNpy("cov.npy", new int[] {g.length, m, m}, c);
      }
      files.commit();
      double secs = (System.nanoTime() - t0) * 1e-9;
      String when = times != null ? "gradient flow at " + g.length + " time" + (g.length == 1 ? "" : "s")
          : "gradient descent at " + g.length + " step count" + (g.length == 1 ? "" : "s");
      summary(String.format(Locale.ROOT, "%s %s on %d test inputs from %d training inputs x %d output%s, lr %s%s, in %.2f s -> %s%s",
          dynamics.name(), when, m, p.xTrain().n(), o, o == 1 ? "" : "s", lr.trim(), how, secs, files.target("mean.npy"),
          cov ? ", " + files.target("cov.npy") : ""));
    }
    return 0;
  }

  /** Reads the three files and checks that they fit together. */
  protected Problem readProblem() {
    Inputs x = readInputs("--x-train", xTrain);
    NpyArray y = readArray("--y-train", yTrain);
    int[] ys = y.shape();
    if (ys.length == 0 || ys.length > 2) {
      throw new CliException("--y-train " + yTrain + ": has shape " + y.shapeText() + ", expected (n,) or (n, outputs)");
    }
    if (ys[0] != x.n()) {
      throw new CliException("--y-train " + yTrain + " has " + ys[0] + " targets but --x-train " + xTrain + " has " + x.n()
          + " inputs; they need one target row per training input");
    }
    int outputs = ys.length == 1 ? 1 : ys[1];
    if (outputs == 0) throw new CliException("--y-train " + yTrain + ": has no outputs, shape " + y.shapeText());
    Inputs t = readInputs("--x-test", xTest);
    if (!x.shape().equals(t.shape())) {
      throw new CliException("--x-train " + xTrain + " holds inputs of shape " + x.shape() + " but --x-test " + xTest
          + " holds inputs of shape " + t.shape() + "; both need the same input shape");
    }
    return new Problem(x, y.data(), outputs, t);
  }

  /** The kernel function, validated against the input shape, with a memory budget for these problem sizes. */
  protected KernelFunction kernelFunction(Shape shape, int nTrain, int nTest) {
    KernelFunction kf = model.kernelFunction(compute, null);
    try {
      kf.validate(shape);
    } catch (ArchitectureException e) {
      throw new CliException("--arch does not fit inputs of shape " + shape + ": " + e.getMessage(), e);
    }
    return model.kernelFunction(compute, memoryBudget(nTrain, nTest));
  }

  /** Every kernel in one place: Σ and Θ on train-train and test-train, Σ on test-test when covariances are asked for. */
  protected KernelSet kernels(Problem p) {
    KernelFunction kf = kernelFunction(p.xTrain().shape(), p.xTrain().n(), p.xTest().n());
    Kernels trainTrain, testTrain, testTest = null;
    try (ProgressReporter progress = ProgressReporter.open("kernels", "pairs")) {
      trainTrain = kf.compute(p.xTrain(), p.xTrain(), progress);
    }
    try (ProgressReporter progress = ProgressReporter.open("kernels", "pairs")) {
      testTrain = kf.compute(p.xTest(), p.xTrain(), progress);
    }
    if (cov) {
      try (ProgressReporter progress = ProgressReporter.open("kernels", "pairs")) {
        testTest = kf.compute(p.xTest(), p.xTest(), progress);
      }
    }
    return new KernelSet(trainTrain, testTrain, testTest);
  }

  /** The predictor on the kernels: one Gaussian per time or step count. */
  protected Gaussian[] predict(Problem p, KernelSet k, double rate, Regularization reg, double[] times, long[] steps,
                               List<String> warnings) {
    int n = p.xTrain().n(), m = p.xTest().n();
    EnsemblePredictor ep = EnsemblePredictor.fit(dynamics, k.trainTrain().nngp(), k.trainTrain().ntk(), n, p.y(), p.outputs(),
        rate, reg, warnings::add);
    TestKernels test = TestKernels.of(m, k.testTrain().nngp(), k.testTrain().ntk(), k.testTest() == null ? null : k.testTest().nngp());
    return times != null ? ep.predictFlow(test, times) : ep.predictSteps(test, steps);
  }

  /** Which path the last {@link #augmentedMeans} took, for the summary line. */
  private String lastPath = "";

  private OutputAction outputAction(Group g, int k) {
    if (!equivariant) return OutputAction.invariant();
    OutputAction rho = OutputActions.sameAsInputs(g);
    try {
      OutputActions.check(rho, g, k);
    } catch (IllegalArgumentException e) {
      throw new CliException("--equivariant: " + g.name() + " cannot act on targets of dimension " + k + ": " + e.getMessage(), e);
    }
    return rho;
  }

  /** --diag-reg in absolute units: relative values scale the mean of the training kernel's diagonal (as nt does). */
  private double absoluteDiagReg(Problem p, double reg) {
    if (diagRegAbsolute || reg == 0) return reg;
    KernelFunction kf = kernelFunction(p.xTrain().shape(), p.xTrain().n(), 1);
    double[] d = kf.diagonal(p.xTrain())[dynamics == Dynamics.NNGP ? 0 : 1];
    double mean = 0;
    for (double v : d) mean += v;
    return reg * mean / d.length;
  }

  /** Means after training on the whole orbit: the exact group-averaged kernel when valid, else explicit augmentation. */
  private Gaussian[] augmentedMeans(Problem p, Group group, OutputAction rho, double rate, double diagRegAbs, double[] times,
                                    long[] steps) {
    KernelFunction kf = kernelFunction(p.xTrain().shape(), p.xTrain().n() * group.order(), p.xTest().n());
    AugmentedRegression reg = AugmentedRegression.fit(kf, p.xTrain(), p.y(), p.outputs(), group, rho,
        new AugmentedRegression.Options().lr(rate).diagReg(diagRegAbs));
    lastPath = reg.path();
    AugmentedRegression.Prepared prep = reg.prepare(p.xTest());
    int count = times != null ? times.length : steps.length;
    Gaussian[] g = new Gaussian[count];
    for (int i = 0; i < count; i++) {
      g[i] = new Gaussian(p.xTest().n(), p.outputs(), times != null ? prep.meanFlow(times[i]) : prep.meanSteps(steps[i]), null);
    }
    return g;
  }

  private static double positive(String option, String text) {
    double v = number(option, text);
    if (!(v > 0) || Double.isInfinite(v)) throw new CliException(option + " must be finite and > 0 but was '" + text.strip() + "'");
    return v;
  }

  private static double nonNegative(String option, String text) {
    double v = number(option, text);
    if (!(v >= 0) || Double.isInfinite(v)) throw new CliException(option + " must be finite and >= 0 but was '" + text.strip() + "'");
    return v;
  }

  private static double number(String option, String text) {
    try {
      return Double.parseDouble(text.strip());
    } catch (NumberFormatException e) {
      throw new CliException(option + ": '" + text.strip() + "' is not a number");
    }
  }

  /**
   * The working-memory budget for the kernel tiles: --memory, or half the free heap beside the results (train-train,
   * test-train and test-test Σ and Θ, the eigenvectors and the covariance work arrays); refused early when those
   * cannot fit.
   */
  private long memoryBudget(int n, int m) {
    Runtime rt = Runtime.getRuntime();
    long results = 8L * (2L * n * n + 2L * m * n + (cov ? 2L * m * m : 0) // kernels
        + 2L * n * n                                                   // regularized copy → eigenvectors, Vᵀ·Σ·V
        + (cov ? 4L * m * n : 0));                                    // test-train kernels in the eigenbasis
    long free = rt.maxMemory() - (rt.totalMemory() - rt.freeMemory());
    Long asked = compute.memory();
    if (results > free) {
      throw new CliException(String.format(Locale.ROOT,
          "the kernels and the eigendecomposition of %d training and %d test inputs need about %s but the Java heap has"
              + " only %s free (max %s); give Java more heap, e.g. java -Xmx%dg -jar ntk.jar ...",
          n, m, Units.bytes(results), Units.bytes(free), Units.bytes(rt.maxMemory()), (long) Math.ceil(results * 1.5 / (1L << 30)) + 1));
    }
    if (asked != null) {
      if (asked > free - results) {
        throw new CliException(String.format(Locale.ROOT, "--memory %s does not fit in the Java heap beside the kernels (%s): %s free (max %s)",
            Units.bytes(asked), Units.bytes(results), Units.bytes(free), Units.bytes(rt.maxMemory())));
      }
      return asked;
    }
    return Math.max(1, Math.min(rt.maxMemory() / 2, (free - results) / 2));
  }
}
