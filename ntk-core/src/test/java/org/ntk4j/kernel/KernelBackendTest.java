package org.ntk4j.kernel;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.ntk4j.Inputs;
import org.ntk4j.Shape;

class KernelBackendTest {
  /** A stand-in accelerator: available or not, supporting or not, returning a marker result. */
  static final class FakeGpu implements KernelBackend {
    final String unavailable;
    final String unsupported;
    int calls;

    FakeGpu(String unavailable, String unsupported) {
      this.unavailable = unavailable;
      this.unsupported = unsupported;
    }

    @Override public String name() { return "gpu"; }
    @Override public String unavailable() { return unavailable; }
    @Override public String unsupported(KernelFunction kf, Shape shape) { return unsupported; }

    @Override public Kernels compute(KernelFunction kf, Inputs x1, Inputs x2, boolean symmetric, KernelFunction.Progress p) {
      calls++;
      return new Kernels(x1.n(), x2.n(), new double[x1.n() * x2.n()], new double[x1.n() * x2.n()]);
    }
  }

  static final Inputs X = KernelFunctionTest.random(9, 5, 3);

  @Test
  void cpuChoiceIsBitwiseTheDefaultPathWithoutAccelerator() {
    // ntk-core's tests have no ntk-gpu on the class path: AUTO is the CPU tiles
    assertTrue(Backends.accelerators().isEmpty());
    Kernels auto = KernelFunction.of(KernelFunctionTest.FC).build().compute(X);
    Kernels cpu = KernelFunction.of(KernelFunctionTest.FC).backend(KernelBackend.Choice.CPU).build().compute(X);
    assertArrayEquals(auto.nngp(), cpu.nngp());
    assertArrayEquals(auto.ntk(), cpu.ntk());
    Backends.Selection s = KernelFunction.of(KernelFunctionTest.FC).build().selectBackend(X.shape());
    assertSame(CpuBackend.INSTANCE, s.backend());
    assertTrue(s.note().contains("no GPU backend on the class path"), s.note());
  }

  @Test
  void autoUsesAnAvailableSupportingGpu() {
    FakeGpu gpu = new FakeGpu(null, null);
    Kernels k = KernelFunction.of(KernelFunctionTest.FC).gpuBackend(gpu).build().compute(X);
    assertEquals(1, gpu.calls);
    assertEquals(0.0, k.ntk(0, 0), 0.0); // the marker result, not the CPU value (which is > 0)
    assertNull(KernelFunction.of(KernelFunctionTest.FC).gpuBackend(gpu).build().selectBackend(X.shape()).note());
  }

  @Test
  void autoFallsBackWhenNoDeviceAndGpuChoiceFailsClearly() {
    FakeGpu gpu = new FakeGpu("no CUDA device: libcuda.so.1 not found", null);
    Kernels k = KernelFunction.of(KernelFunctionTest.FC).gpuBackend(gpu).build().compute(X);
    assertEquals(0, gpu.calls);
    assertTrue(k.ntk(0, 0) > 0);
    BackendUnavailableException e = assertThrows(BackendUnavailableException.class,
        () -> KernelFunction.of(KernelFunctionTest.FC).backend(KernelBackend.Choice.GPU).gpuBackend(gpu).build().compute(X));
    assertEquals("GPU backend requested: no CUDA device: libcuda.so.1 not found", e.getMessage());
  }

  @Test
  void unsupportedArchitectureFallsBackToCpuWithTheReason() {
    FakeGpu gpu = new FakeGpu(null, "Conv(3): not lowered");
    KernelFunction kf = KernelFunction.of(KernelFunctionTest.FC).backend(KernelBackend.Choice.GPU).gpuBackend(gpu).build();
    Backends.Selection s = kf.selectBackend(X.shape());
    assertSame(CpuBackend.INSTANCE, s.backend());
    assertEquals("GPU cannot compute this: Conv(3): not lowered", s.note());
    Kernels k = kf.compute(X);
    assertEquals(0, gpu.calls);
    Kernels cpu = KernelFunction.of(KernelFunctionTest.FC).backend(KernelBackend.Choice.CPU).build().compute(X);
    assertArrayEquals(cpu.ntk(), k.ntk());
  }

  @Test
  void choiceParsesAndRejects() {
    assertEquals(KernelBackend.Choice.GPU, KernelBackend.Choice.parse(" Gpu "));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> KernelBackend.Choice.parse("tpu"));
    assertEquals("backend must be cpu, gpu or auto, got 'tpu'", e.getMessage());
  }
}
