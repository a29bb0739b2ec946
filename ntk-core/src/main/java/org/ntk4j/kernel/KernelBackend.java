package org.ntk4j.kernel;

import org.ntk4j.Inputs;
import org.ntk4j.Shape;

/**
 * Where the pair grid of a {@link KernelFunction} is evaluated: the CPU tiles ({@link CpuBackend}, the reference) or an
 * accelerator (the CUDA backend of module {@code ntk-gpu}, found through {@link java.util.ServiceLoader}).
 *
 * <p>A backend receives inputs that {@link KernelFunction#validate} has accepted. It must give the same Σ and Θ as the
 * CPU backend (the GPU: to 1e-12 relative in float64); where it cannot compute an architecture it says why in
 * {@link #unsupported}, and the kernel function falls back to the CPU.
 */
public interface KernelBackend {
  /** Which backend a {@link KernelFunction} uses. */
  enum Choice {
    /** The GPU when one is present and lowers the architecture, otherwise the CPU. */
    AUTO,
    /** The CPU tiles (bitwise the results of earlier versions). */
    CPU,
    /** The GPU; an error when no CUDA device is present, the CPU with a note for an architecture it cannot lower. */
    GPU;

    /** Parses {@code cpu}, {@code gpu} or {@code auto} (any case). */
    public static Choice parse(String s) {
      for (Choice c : values()) if (c.name().equalsIgnoreCase(s.trim())) return c;
      throw new IllegalArgumentException("backend must be cpu, gpu or auto, got '" + s + "'");
    }
  }

  /** Short name: {@code cpu}, {@code gpu}. */
  String name();

  /** Null when this backend can run on this machine, else why not (e.g. "no CUDA device: ..."); never throws. */
  default String unavailable() { return null; }

  /** Null when this backend computes {@code kf}'s kernel for inputs of this shape, else the reason it cannot. */
  String unsupported(KernelFunction kf, Shape shape);

  /**
   * Σ and Θ between x1 and x2 (validated by {@code kf}); {@code symmetric} means x2 is x1 and only the upper triangle
   * needs computing. {@code progress} may be null.
   */
  Kernels compute(KernelFunction kf, Inputs x1, Inputs x2, boolean symmetric, KernelFunction.Progress progress);
}
