package org.ntk4j.kernel;

import org.ntk4j.Inputs;
import org.ntk4j.Shape;

/** The CPU tiles of {@link KernelFunction}: multithreaded, memory-budgeted, bitwise independent of threads and tiles. */
public final class CpuBackend implements KernelBackend {
  public static final CpuBackend INSTANCE = new CpuBackend();

  private CpuBackend() {}

  @Override public String name() { return "cpu"; }

  @Override public String unsupported(KernelFunction kf, Shape shape) { return null; }

  @Override public Kernels compute(KernelFunction kf, Inputs x1, Inputs x2, boolean symmetric,
                                   KernelFunction.Progress progress) {
    return kf.computeOnCpu(x1, x2, symmetric, progress);
  }

  @Override public String toString() { return "cpu"; }
}
