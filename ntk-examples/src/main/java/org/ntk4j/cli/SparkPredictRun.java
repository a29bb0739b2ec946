package org.ntk4j.cli;

import java.io.PrintWriter;
import java.util.List;
import java.util.Locale;
import org.ntk4j.Inputs;
import org.ntk4j.spark.DistributedKernel;
import org.ntk4j.spark.KernelKind;
import org.ntk4j.spark.KernelSpec;
import org.ntk4j.spark.SolveOptions;
import org.ntk4j.spark.Solver;
import org.ntk4j.spark.SparkNtk;
import org.ntk4j.spark.SparkPredictor;
import org.ntk4j.spark.TileOptions;

/** The {@code --spark} path of {@code ntk predict}; loaded only when {@link SparkSupport#require} found Spark. */
final class SparkPredictRun {
  private SparkPredictRun() {}

  /**
   * Gradient-flow means at every time: the training kernel's tiles are computed and cached once on the executors,
   * one matrix-free solve per time, the test × train tiles once. Returns {@code [time][m·outputs]}; one report line per
   * solve goes to {@code err}.
   */
  static double[][] meanFlow(String master, ArchitectureOptions model, Inputs xTrain, double[] y, int outputs, Inputs xTest,
                             boolean nngp, double lr, double diagRegAbsolute, double[] times, String solver, double tol,
                             PrintWriter err, List<String> reports) {
    Solver s;
    try {
      s = Solver.valueOf(solver.trim().toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new CliException("--solver: expected cg or lanczos but was '" + solver + "'");
    }
    if (s == Solver.CG) {
      for (double t : times) {
        if (!Double.isInfinite(t)) {
          throw new CliException("--solver cg solves the t = inf limit only (a linear system); use --solver lanczos for finite"
              + " times such as " + t);
        }
      }
    }
    KernelKind kind = nngp ? KernelKind.NNGP : KernelKind.NTK;
    KernelSpec spec = KernelSpec.of(model.architecture(), model.parameterization(), model.spatial, model.summation);
    SolveOptions options = SolveOptions.of(s, tol);
    try (SparkNtk spark = SparkKernelRun.start("--spark", master, err, "ntk predict: ");
         DistributedKernel train = spark.kernel(spec, xTrain, TileOptions.defaults().keeping(kind));
         DistributedKernel testTrain = spark.crossKernel(spec, xTest, xTrain, TileOptions.defaults().keeping(kind))) {
      SparkPredictor p = SparkPredictor.fit(train, kind, y, outputs, lr, diagRegAbsolute);
      double[][] out = new double[times.length][];
      for (int i = 0; i < times.length; i++) {
        SparkPredictor.Coefficients c = p.coefficients(times[i], options);
        if (!c.report().converged()) {
          throw new CliException(String.format(Locale.ROOT, "--solver %s did not reach --tol %g at t = %s: %s",
              solver, tol, times[i], c.report()));
        }
        reports.add("t = " + times[i] + ": " + c.report());
        out[i] = c.apply(testTrain);
      }
      return out;
    }
  }
}
