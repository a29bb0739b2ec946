package org.ntk4j.gpu;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import org.junit.jupiter.api.Test;
import org.ntk4j.Inputs;
import org.ntk4j.kernel.BackendUnavailableException;
import org.ntk4j.kernel.Backends;
import org.ntk4j.kernel.CpuBackend;
import org.ntk4j.kernel.KernelBackend;
import org.ntk4j.kernel.KernelFunction;
import org.ntk4j.kernel.Kernels;
import org.ntk4j.layers.Layer;

/** Detection never breaks a machine without a GPU: the CUDA backend is registered, reports why it cannot run, AUTO uses the CPU. */
class DetectionTest {
  @Test
  void cudaBackendIsRegisteredWithoutTouchingNativeCode() {
    KernelBackend gpu = Backends.accelerator("gpu");
    assertTrue(gpu instanceof CudaBackend, "registered through META-INF/services: " + Backends.accelerators());
    assertEquals(CudaBackend.Precision.FLOAT64, ((CudaBackend) gpu).precision());
  }

  @Test
  void withoutDeviceAutoIsTheCpuAndGpuIsAClearError() {
    CudaRuntime.Status s = CudaRuntime.status();
    assumeFalse(s.available(), () -> "skipped: a CUDA device is present (" + s + "); CudaBackendTest covers it");
    assertTrue(s.reason().startsWith("no CUDA device: ") || s.reason().startsWith("no usable CUDA device: "), s.reason());
    assertTrue(!s.reason().contains("\n"), "one line: " + s.reason());
    assertSame(s, CudaRuntime.status(), "probed once");
    Layer arch = Architectures.fullyConnected().values().iterator().next();
    Inputs x = Architectures.flatInputs(6, 5, 1);
    Backends.Selection sel = KernelFunction.of(arch).build().selectBackend(x.shape());
    assertSame(CpuBackend.INSTANCE, sel.backend());
    assertEquals(s.reason(), sel.note());
    Kernels auto = KernelFunction.of(arch).build().compute(x);
    Kernels cpu = KernelFunction.of(arch).backend(KernelBackend.Choice.CPU).build().compute(x);
    assertArrayEquals(cpu.ntk(), auto.ntk(), 0.0);
    BackendUnavailableException e = assertThrows(BackendUnavailableException.class,
        () -> KernelFunction.of(arch).backend(KernelBackend.Choice.GPU).build().compute(x));
    assertEquals("GPU backend requested: " + s.reason(), e.getMessage());
  }

  @Test
  void jcudaLoadFailureBecomesOneLine() {
    // the message JCuda 12.0.0's LibUtils gives on this kind of machine without a driver (nested traces elided)
    UnsatisfiedLinkError e = new UnsatisfiedLinkError("Error while loading native library \"JCudaDriver-12.0.0-linux-x86_64\"\n"
        + "Operating system name: Linux\n---(start of nested stack traces)---\n"
        + "java.lang.UnsatisfiedLinkError: no JCudaDriver-12.0.0-linux-x86_64 in java.library.path: /usr/lib\n"
        + "java.lang.UnsatisfiedLinkError: /tmp/libJCudaDriver-12.0.0-linux-x86_64.so: libcuda.so.1: cannot open shared"
        + " object file: No such file or directory\n---(end of nested stack traces)---");
    assertEquals("the CUDA driver library libcuda.so.1 is not installed (UnsatisfiedLinkError)", CudaRuntime.oneLine(e));
    assertEquals("IllegalStateException: CUDA_ERROR_NO_DEVICE", CudaRuntime.oneLine(new IllegalStateException("CUDA_ERROR_NO_DEVICE\nmore")));
  }
}
