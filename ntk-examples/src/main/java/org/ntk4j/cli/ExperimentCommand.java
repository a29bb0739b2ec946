package org.ntk4j.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * {@code ntk experiment}: the experiments of "Emergent Equivariance in Deep Ensembles" (Gerken &amp; Kessel, ICML 2024),
 * each with defaults that finish in minutes on 2 cores, flags for the full-size run, a JSON result and PNG plots.
 */
@Command(name = "experiment", sortOptions = false, mixinStandardHelpOptions = true,
    description = {"The paper's experiments (toy, Ising, rotated Fashion-MNIST) with results and plots.", ""},
    subcommands = {ToyCommand.class, IsingCommand.class, FashionMnistCommand.class})
public final class ExperimentCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Override public Integer call() {
    spec.commandLine().getErr().println("ntk: error: name an experiment (" + String.join(", ",
        spec.subcommands().keySet()) + "); see 'ntk experiment --help'");
    return Errors.USAGE;
  }
}
