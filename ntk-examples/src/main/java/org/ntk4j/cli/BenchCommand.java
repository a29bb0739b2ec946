package org.ntk4j.cli;

import java.util.concurrent.Callable;
import org.ntk4j.bench.FcKernelBench;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code ntk bench}: the project's benchmarks, each printing medians of several runs and a ratio against a reference
 * measured in the same run (numpy through python3, or this machine's dgemm rate). Results are recorded in BENCHMARKS.md.
 */
@Command(name = "bench", sortOptions = false,
    description = {"Benchmarks with a reference measured in the same run (see BENCHMARKS.md).", ""},
    subcommands = {BenchCommand.Fc.class})
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
}
