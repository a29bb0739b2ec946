package org.ntk4j.cli;

import java.util.concurrent.Callable;
import org.ntk4j.bench.AugmentBench;
import org.ntk4j.bench.BenchSupport;
import org.ntk4j.bench.CnnKernelBench;
import org.ntk4j.bench.EighBench;
import org.ntk4j.bench.EnsembleBench;
import org.ntk4j.bench.FcKernelBench;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code ntk bench}: the project's benchmarks, each printing medians of several runs and a ratio against a reference
 * measured in the same run (numpy through python3, or this machine's dgemm rate). Results are recorded in BENCHMARKS.md.
 */
@Command(name = "bench", sortOptions = false, mixinStandardHelpOptions = true,
    description = {"Benchmarks with a reference measured in the same run (see BENCHMARKS.md).", ""},
    subcommands = {BenchCommand.Fc.class, BenchCommand.Cnn.class, BenchCommand.Eigh.class, BenchCommand.Augment.class,
        BenchCommand.Ensemble.class})
public final class BenchCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Override public Integer call() {
    spec.commandLine().getErr().println("ntk: error: name a benchmark (" + String.join(", ",
        spec.subcommands().keySet()) + "); see 'ntk bench --help'");
    return Errors.USAGE;
  }

  /** Fully connected ReLU kernel vs vectorised numpy. */
  @Command(name = "fc", description = "Fully connected ReLU NNGP/NTK, 3 hidden layers, d = 784, vs numpy (python3).")
  static final class Fc extends NtkCommand {
    @Option(names = "--n", defaultValue = "8000", description = "Number of inputs (default: ${DEFAULT-VALUE}).")
    int n;

    @Option(names = "--repeats", defaultValue = "3", description = "Timed runs; the median is reported (default: ${DEFAULT-VALUE}).")
    int repeats;

    @Override protected int run() throws Exception {
      if (n < 1 || repeats < 1) throw new CliException("--n and --repeats must be positive");
      FcKernelBench.run(n, 784, 3, repeats);
      return 0;
    }
  }

  /** Positive integer options of the benchmarks. */
  static void positive(int... values) {
    for (int v : values) if (v < 1) throw new CliException("sizes, repeats and thread counts must be positive, got " + v);
  }

  /** CNN kernel recursion with full spatial covariance vs this machine's dgemm rate. */
  @Command(name = "cnn", description = "CNN NNGP/NTK with GlobalAvgPool (full covariance), 16x16x3 inputs, 4 Conv 3x3 + Relu:"
      + " flop rate of the covariance updates as a fraction of the dgemm rate measured in the same run.")
  static final class Cnn extends NtkCommand {
    @Option(names = "--n", defaultValue = "64", description = "Number of inputs (default: ${DEFAULT-VALUE}).")
    int n;

    @Option(names = "--repeats", defaultValue = "3", description = "Timed runs; medians are reported (default: ${DEFAULT-VALUE}).")
    int repeats;

    @Option(names = "--threads", defaultValue = "0", description = "Threads (default: all cores).")
    int threads;

    @Override protected int run() {
      int t = threads == 0 ? Runtime.getRuntime().availableProcessors() : threads;
      positive(n, repeats, t);
      CnnKernelBench.main(new String[] {Integer.toString(n), Integer.toString(repeats), Integer.toString(t)});
      return 0;
    }
  }

  /** Symmetric eigendecomposition path of the predictor vs numpy.linalg.eigh. */
  @Command(name = "eigh", description = "The predictor's eigendecomposition path vs numpy.linalg.eigh (python3), same matrix, same run.")
  static final class Eigh extends NtkCommand {
    @Option(names = "--n", defaultValue = "4000", description = "Matrix size (default: ${DEFAULT-VALUE}).")
    int n;

    @Option(names = "--repeats", defaultValue = "3", description = "Timed runs; medians are reported (default: ${DEFAULT-VALUE}).")
    int repeats;

    @Override protected int run() throws Exception {
      positive(n, repeats);
      EighBench.run(n, repeats);
      return 0;
    }
  }

  /** The exact group-averaged fast path vs explicit augmentation. */
  @Command(name = "augment", description = "Training on a fully augmented set: exact group-averaged fast path vs the explicitly"
      + " augmented solve (target: |G|^2 times faster).")
  static final class Augment extends NtkCommand {
    @Option(names = "--n", defaultValue = "500", description = "Training inputs before augmentation (default: ${DEFAULT-VALUE}).")
    int n;

    @Option(names = "--group", defaultValue = "D4", description = "Group acting on flat inputs (default: ${DEFAULT-VALUE}, |G| = 8).")
    String group;

    @Option(names = "--d", defaultValue = "32", description = "Input dimension (default: ${DEFAULT-VALUE}).")
    int d;

    @Option(names = "--repeats", defaultValue = "3", description = "Runs; the median speed-ups are reported (default: ${DEFAULT-VALUE}).")
    int repeats;

    @Override protected int run() {
      positive(n, d, repeats);
      double[] solve = new double[repeats], total = new double[repeats];
      for (int r = 0; r < repeats; r++) {
        AugmentBench.Result res = AugmentBench.run(n, d, group, Runtime.getRuntime().availableProcessors());
        solve[r] = res.explicitSolve() / res.fastSolve();
        total[r] = res.speedup();
      }
      out().printf(java.util.Locale.ROOT, "median over %d runs: solve %.1fx, total (assembly + solve) %.1fx%n", repeats,
          BenchSupport.median(solve), BenchSupport.median(total));
      return 0;
    }
  }

  /** Finite-width ensemble training throughput vs dgemm. */
  @Command(name = "ensemble", description = "Training throughput of a width-1024, 3-layer MLP ensemble on 784-dimensional inputs"
      + " as a fraction of the dgemm rate measured in the same run.")
  static final class Ensemble extends NtkCommand {
    @Option(names = "--width", defaultValue = "1024", description = "Hidden width (default: ${DEFAULT-VALUE}).")
    int width;

    @Option(names = "--steps", defaultValue = "5", description = "Training steps per member (default: ${DEFAULT-VALUE}).")
    int steps;

    @Option(names = "--batch", defaultValue = "256", description = "Training inputs (full batch; default: ${DEFAULT-VALUE}).")
    int batch;

    @Option(names = "--threads", defaultValue = "0", description = "Threads = members trained in parallel (default: all cores).")
    int threads;

    @Override protected int run() throws Exception {
      int t = threads == 0 ? Runtime.getRuntime().availableProcessors() : threads;
      positive(width, steps, batch, t);
      EnsembleBench.run(width, 3, 784, batch, t, steps, t);
      return 0;
    }
  }
}
