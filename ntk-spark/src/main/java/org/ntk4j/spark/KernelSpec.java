package org.ntk4j.spark;

import java.io.Serializable;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import org.ntk4j.io.ArchitectureParser;
import org.ntk4j.kernel.KernelFunction;
import org.ntk4j.kernel.SpatialMode;
import org.ntk4j.kernel.Summation;
import org.ntk4j.layers.ArchitectureException;
import org.ntk4j.layers.Layer;
import org.ntk4j.layers.Parameterization;

/**
 * What an executor needs to rebuild the kernel function: the architecture in its text form (layers are values whose
 * text parses back to an equal layer) and the kernel options. Executors compute every tile single-threaded (Spark
 * runs one task per core); the kernel function is built once per executor JVM and reused.
 */
public record KernelSpec(String architecture, Parameterization parameterization, SpatialMode spatialMode,
                         Summation summation) implements Serializable {
  private static final long serialVersionUID = 1L;
  private static final ConcurrentHashMap<KernelSpec, KernelFunction> BUILT = new ConcurrentHashMap<>();

  public KernelSpec {
    Objects.requireNonNull(architecture, "architecture");
    Objects.requireNonNull(parameterization, "parameterization");
    Objects.requireNonNull(spatialMode, "spatialMode");
    Objects.requireNonNull(summation, "summation");
  }

  /** neural-tangents' defaults: NTK parameterisation, automatic spatial mode, exact input Gram. */
  public static KernelSpec of(Layer architecture) {
    return of(architecture, Parameterization.NTK, SpatialMode.AUTO, Summation.EXACT);
  }

  /**
   * The spec of an architecture; refused (IllegalArgumentException) when its text form does not parse back to an equal
   * layer, since executors rebuild it from that text.
   */
  public static KernelSpec of(Layer architecture, Parameterization p, SpatialMode mode, Summation summation) {
    String text = Objects.requireNonNull(architecture, "architecture").toString();
    Layer back;
    try {
      back = ArchitectureParser.parse(text);
    } catch (ArchitectureException e) {
      throw new IllegalArgumentException("the architecture cannot be shipped to Spark executors: its text form '" + text
          + "' does not parse back (" + e.getMessage() + ")", e);
    }
    if (!back.equals(architecture)) {
      throw new IllegalArgumentException("the architecture cannot be shipped to Spark executors: its text form '" + text
          + "' parses back to a different layer (" + back + "); use layers of the architecture text format");
    }
    return new KernelSpec(text, p, mode, summation);
  }

  /** The kernel function this spec describes, single-threaded; built once per JVM. */
  public KernelFunction kernelFunction() {
    return BUILT.computeIfAbsent(this, s -> KernelFunction.of(ArchitectureParser.parse(s.architecture))
        .parameterization(s.parameterization).spatialMode(s.spatialMode).summation(s.summation).threads(1).build());
  }
}
