package org.ntk4j.cli;

import org.ntk4j.kernel.KernelFunction;
import org.ntk4j.kernel.SpatialMode;
import org.ntk4j.kernel.Summation;
import org.ntk4j.layers.Layer;
import org.ntk4j.layers.Parameterization;
import picocli.CommandLine.Option;

/** The architecture and how its kernel is computed: shared by every command that builds a kernel function. */
public final class ArchitectureOptions {
  @Option(names = "--arch", required = true, paramLabel = "ARCHITECTURE",
      description = {"The network in the architecture text form, e.g. \"Dense(512, b_std=0.05) -> Relu -> Dense\".",
          "Parse errors name the 1-based character position."})
  String arch;

  @Option(names = "--parameterization", paramLabel = "ntk|standard", defaultValue = "ntk",
      description = "Weight scaling: ntk (default) or standard (needs the widths in the architecture).")
  Parameterization parameterization;

  @Option(names = "--spatial", paramLabel = "auto|diagonal|full", defaultValue = "auto",
      description = "Spatial covariance: auto (default; full only where pooling needs it), diagonal or full.")
  SpatialMode spatial;

  @Option(names = "--summation", paramLabel = "exact|fast", defaultValue = "exact",
      description = "Input Gram of flat inputs: exact (default; order-independent) or fast (one plain BLAS product).")
  Summation summation;

  private Layer parsed;

  /** The parsed architecture (a {@link CliException} naming the position when it does not parse). */
  public Layer architecture() {
    if (parsed == null) parsed = NtkCommand.parseArchitecture("--arch", arch);
    return parsed;
  }

  public Parameterization parameterization() { return parameterization; }

  /** A kernel function of the architecture with these options and the compute options; memory may be overridden. */
  public KernelFunction kernelFunction(ComputeOptions compute, Long memoryBudget) {
    KernelFunction.Builder b = KernelFunction.of(architecture())
        .parameterization(parameterization)
        .spatialMode(spatial)
        .summation(summation)
        .threads(compute.threads())
        .backend(compute.backend());
    if (compute.gpuBackend() != null) b.gpuBackend(compute.gpuBackend());
    if (memoryBudget != null) b.memoryBudget(memoryBudget);
    return b.build();
  }
}
