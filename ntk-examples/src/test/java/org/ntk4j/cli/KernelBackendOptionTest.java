package org.ntk4j.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.ntk4j.Inputs;
import org.ntk4j.Shape;
import org.ntk4j.io.ArchitectureParser;
import org.ntk4j.io.Npy;
import org.ntk4j.kernel.Backends;
import org.ntk4j.kernel.KernelBackend;
import org.ntk4j.kernel.KernelFunction;
import org.ntk4j.kernel.Kernels;

/** {@code ntk kernel --backend cpu|gpu|auto}. */
class KernelBackendOptionTest {
  static final String ARCH = "Dense(W_std=1.5, b_std=0.1) -> Relu -> Dense(W_std=1.5)";
  @TempDir Path tmp;

  Path input() throws IOException {
    double[] v = new double[6 * 4];
    for (int i = 0; i < v.length; i++) v[i] = Math.sin(1.7 * i + 0.3);
    Path p = tmp.resolve("x.npy");
    Npy.write(p, new int[] {6, 4}, v);
    return p;
  }

  static String gpuMissing() {
    KernelBackend g = Backends.accelerator("gpu");
    return g == null ? "no GPU backend on the class path" : g.unavailable();
  }

  @Test
  void cpuAndAutoWriteTheCpuKernelBitwise() throws IOException {
    Path x = input();
    Kernels k = KernelFunction.of(ArchitectureParser.parse(ARCH)).backend(KernelBackend.Choice.CPU).build()
        .compute(new Inputs(6, Shape.flat(4), Npy.read(x).data()));
    for (String b : new String[] {"cpu", "CPU", "auto"}) {
      if (b.equals("auto")) assumeTrue(gpuMissing() != null, "skipped for auto: a CUDA device is present");
      Path out = tmp.resolve("out-" + b);
      Cli.Result r = Cli.run("kernel", "--arch", ARCH, "--x1", x.toString(), "--out", out.toString(), "--backend", b);
      assertEquals(0, r.code(), r.err());
      assertEquals("", r.err());
      assertArrayEquals(k.ntk(), Npy.read(out.resolve("ntk.npy")).data(), 0.0);
      assertArrayEquals(k.nngp(), Npy.read(out.resolve("nngp.npy")).data(), 0.0);
    }
  }

  @Test
  void gpuWithoutDeviceIsOneLineAndExitCode2() throws IOException {
    String why = gpuMissing();
    assumeTrue(why != null, "skipped: a CUDA device is present");
    Path out = tmp.resolve("out");
    Cli.run("kernel", "--arch", ARCH, "--x1", input().toString(), "--out", out.toString(), "--backend", "gpu")
        .refused("--backend gpu: no CUDA device: ", "use --backend cpu or auto");
    assertFalse(Files.exists(out.resolve("ntk.npy")), "no output on refusal");
  }

  @Test
  void gpuPrecisionIsParsedAndLeavesTheCpuAlone() throws IOException {
    Path x = input();
    Kernels k = KernelFunction.of(ArchitectureParser.parse(ARCH)).backend(KernelBackend.Choice.CPU).build()
        .compute(new Inputs(6, Shape.flat(4), Npy.read(x).data()));
    Path out = tmp.resolve("out-f32");
    Cli.Result r = Cli.run("kernel", "--arch", ARCH, "--x1", x.toString(), "--out", out.toString(), "--backend", "cpu",
        "--gpu-precision", "float32");
    assertEquals(0, r.code(), r.err());
    assertArrayEquals(k.ntk(), Npy.read(out.resolve("ntk.npy")).data(), 0.0);
    ComputeOptions c = new ComputeOptions();
    assertEquals(null, c.gpuBackend(), "float64: the registered backend");
    c.gpuPrecision = new ComputeOptions.GpuPrecision().convert("FLOAT32");
    org.ntk4j.gpu.CudaBackend g = (org.ntk4j.gpu.CudaBackend) c.gpuBackend();
    assertEquals(org.ntk4j.gpu.CudaBackend.Precision.FLOAT32, g.precision());
    Cli.run("kernel", "--arch", ARCH, "--x1", x.toString(), "--out", tmp.resolve("o").toString(), "--gpu-precision",
        "float16").refused("expected float64 or float32 but was 'float16'");
  }

  @Test
  void unknownBackendIsRefused() throws IOException {
    Cli.run("kernel", "--arch", ARCH, "--x1", input().toString(), "--out", tmp.resolve("o").toString(), "--backend", "tpu")
        .refused("expected cpu, gpu or auto but was 'tpu'");
  }
}
