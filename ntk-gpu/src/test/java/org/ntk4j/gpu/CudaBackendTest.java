package org.ntk4j.gpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.ntk4j.Inputs;
import org.ntk4j.kernel.Backends;
import org.ntk4j.kernel.CpuBackend;
import org.ntk4j.kernel.KernelBackend;
import org.ntk4j.kernel.KernelFunction;
import org.ntk4j.kernel.Kernels;
import org.ntk4j.layers.Layer;
import org.ntk4j.layers.Parameterization;

/**
 * On a CUDA device: every architecture of the kernel-engine tests gives the CPU path's Σ and Θ, ≤ 1e-12 relative per
 * entry in float64 and ≤ 1e-5 of the largest entry in float32 (fully connected, convolutional with Flatten, and with
 * pooling). Skipped with the reason on machines without a device (run by ntk-gpu/device-check.sh on one).
 */
class CudaBackendTest {
  @BeforeEach
  void device() {
    CudaRuntime.Status s = CudaRuntime.status();
    assumeTrue(s.available(), () -> "skipped: " + s.reason());
  }

  static KernelFunction kf(Layer arch, Parameterization p, KernelBackend.Choice c, KernelBackend gpu) {
    KernelFunction.Builder b = KernelFunction.of(arch).parameterization(p).backend(c);
    if (gpu != null) b.gpuBackend(gpu);
    return b.build();
  }

  void check(Map<String, Layer> archs, Parameterization p, CudaBackend gpu, double tol) {
    // 150 inputs with tiles of 64: 6 tiles above the diagonal over 3 streams, partial edge tiles
    Inputs x = Architectures.flatInputs(150, 300, 11);
    Inputs y = Architectures.flatInputs(70, 300, 12);
    for (Map.Entry<String, Layer> e : archs.entrySet()) {
      KernelFunction cpu = kf(e.getValue(), p, KernelBackend.Choice.CPU, null);
      KernelFunction g = kf(e.getValue(), p, KernelBackend.Choice.GPU, gpu);
      assertSame(gpu, g.selectBackend(x.shape()).backend(), e.getKey());
      for (boolean sym : new boolean[] {true, false}) {
        Kernels ref = sym ? cpu.compute(x) : cpu.compute(x, y);
        Kernels k = sym ? g.compute(x) : g.compute(x, y);
        String what = e.getKey() + " " + p + " " + gpu + (sym ? " x with x" : " x with y");
        if (gpu.precision() == CudaBackend.Precision.FLOAT64) {
          Compare.assertClose(k.nngp(), ref.nngp(), tol, what + " NNGP");
          Compare.assertClose(k.ntk(), ref.ntk(), tol, what + " NTK");
          System.out.printf("%s: max relative difference NNGP %.3g, NTK %.3g%n", what,
              Compare.maxRelative(k.nngp(), ref.nngp()), Compare.maxRelative(k.ntk(), ref.ntk()));
        } else {
          Compare.assertCloseNormwise(k.nngp(), ref.nngp(), tol, what + " NNGP");
          Compare.assertCloseNormwise(k.ntk(), ref.ntk(), tol, what + " NTK");
        }
        if (sym) {
          for (int i = 0; i < x.n(); i++) {
            for (int j = 0; j < x.n(); j++) assertEquals(k.ntk(i, j), k.ntk(j, i), 0.0, what + " symmetric");
          }
          assertEquals(k.ntk(1, 1), k.ntk(1, 2), 0.0, what + ": a duplicate input is exactly correlated");
        }
      }
    }
  }

  @Test
  void float64EqualsCpu() {
    CudaBackend gpu = new CudaBackend(CudaBackend.Precision.FLOAT64, 64);
    check(Architectures.fullyConnected(), Parameterization.NTK, gpu, 1e-12);
    check(Architectures.fullyConnectedStandard(), Parameterization.STANDARD, gpu, 1e-12);
  }

  @Test
  void convolutionalFlattenFloat64EqualsCpu() {
    CudaBackend gpu = new CudaBackend(CudaBackend.Precision.FLOAT64, 64);
    Inputs x = Architectures.images(90, 8, 8, 3, 21);
    Inputs y = Architectures.images(20, 8, 8, 3, 22);
    for (Parameterization p : Parameterization.values()) {
      Map<String, Layer> archs = p == Parameterization.NTK ? Architectures.convolutionalFlatten()
          : Architectures.convolutionalFlattenStandard();
      for (Map.Entry<String, Layer> e : archs.entrySet()) {
        KernelFunction cpu = kf(e.getValue(), p, KernelBackend.Choice.CPU, null);
        KernelFunction g = kf(e.getValue(), p, KernelBackend.Choice.GPU, gpu);
        assertSame(gpu, g.selectBackend(x.shape()).backend(), e.getKey());
        for (boolean sym : new boolean[] {true, false}) {
          Kernels ref = sym ? cpu.compute(x) : cpu.compute(x, y);
          Kernels k = sym ? g.compute(x) : g.compute(x, y);
          String what = e.getKey() + " " + p + (sym ? " x with x" : " x with y");
          Compare.assertClose(k.nngp(), ref.nngp(), 1e-12, what + " NNGP");
          Compare.assertClose(k.ntk(), ref.ntk(), 1e-12, what + " NTK");
          System.out.printf("%s: max relative difference NNGP %.3g, NTK %.3g%n", what,
              Compare.maxRelative(k.nngp(), ref.nngp()), Compare.maxRelative(k.ntk(), ref.ntk()));
        }
      }
    }
  }

  @Test
  void float64WithLargeTilesEqualsCpu() {
    check(Architectures.fullyConnected(), Parameterization.NTK, new CudaBackend(CudaBackend.Precision.FLOAT64), 1e-12);
  }

  @Test
  void float32EqualsCpuToTenPpm() {
    check(Architectures.fullyConnected(), Parameterization.NTK, new CudaBackend(CudaBackend.Precision.FLOAT32, 64), 1e-5);
  }

  @Test
  void poolingFullCovarianceFloat64EqualsCpu() {
    // batches of 7 × 7 pairs: several tiles, partial edge tiles, self passes in batches of 49 inputs
    CudaBackend gpu = new CudaBackend(CudaBackend.Precision.FLOAT64, 64).fullBatchSide(7);
    Inputs x = Architectures.images(30, 6, 5, 3, 31);
    Inputs y = Architectures.images(9, 6, 5, 3, 32);
    for (Parameterization p : Parameterization.values()) {
      Map<String, Layer> archs = p == Parameterization.NTK ? Architectures.pooling() : Architectures.poolingStandard();
      for (Map.Entry<String, Layer> e : archs.entrySet()) {
        KernelFunction cpu = kf(e.getValue(), p, KernelBackend.Choice.CPU, null);
        KernelFunction g = kf(e.getValue(), p, KernelBackend.Choice.GPU, gpu);
        assertSame(gpu, g.selectBackend(x.shape()).backend(), e.getKey());
        for (boolean sym : new boolean[] {true, false}) {
          Kernels ref = sym ? cpu.compute(x) : cpu.compute(x, y);
          Kernels k = sym ? g.compute(x) : g.compute(x, y);
          String what = "full " + e.getKey() + " " + p + (sym ? " x with x" : " x with y");
          int same = 0;
          for (int c = 0; c < ref.ntk().length; c++) {
            if (ref.ntk()[c] == k.ntk()[c]) same++;
            if (ref.nngp()[c] == k.nngp()[c]) same++;
          }
          System.out.printf("%s: max relative difference NNGP %.3g, NTK %.3g; %d of %d values bitwise equal%n", what,
              Compare.maxRelative(k.nngp(), ref.nngp()), Compare.maxRelative(k.ntk(), ref.ntk()), same,
              2 * ref.ntk().length);
          Compare.assertClose(k.nngp(), ref.nngp(), 1e-12, what + " NNGP");
          Compare.assertClose(k.ntk(), ref.ntk(), 1e-12, what + " NTK");
        }
      }
    }
  }

  @Test
  void convolutionalFloat32EqualsCpuToTenPpm() {
    // the _f32 kernels of ntk_conv (Flatten readout) and ntk_full (pooling), ≤ 1e-5 of the largest entry
    CudaBackend gpu = new CudaBackend(CudaBackend.Precision.FLOAT32, 64).fullBatchSide(7);
    Inputs x = Architectures.images(30, 6, 5, 3, 33);
    Map<String, Layer> archs = new java.util.LinkedHashMap<>(Architectures.convolutionalFlatten());
    archs.putAll(Architectures.pooling());
    for (Map.Entry<String, Layer> e : archs.entrySet()) {
      KernelFunction g = kf(e.getValue(), Parameterization.NTK, KernelBackend.Choice.GPU, gpu);
      assertSame(gpu, g.selectBackend(x.shape()).backend(), e.getKey());
      Kernels ref = kf(e.getValue(), Parameterization.NTK, KernelBackend.Choice.CPU, null).compute(x);
      Kernels k = g.compute(x);
      String what = "float32 " + e.getKey();
      System.out.printf("%s: max relative difference NNGP %.3g, NTK %.3g%n", what,
          Compare.maxRelative(k.nngp(), ref.nngp()), Compare.maxRelative(k.ntk(), ref.ntk()));
      Compare.assertCloseNormwise(k.nngp(), ref.nngp(), 1e-5, what + " NNGP");
      Compare.assertCloseNormwise(k.ntk(), ref.ntk(), 1e-5, what + " NTK");
    }
  }

  @Test
  void stagedConvolutionIsBitwiseThePerEntryKernelOnTheDevice() {
    // the shared-memory staging and the fused ReLU/Erf change no bit on the device either (as on the host harness)
    Inputs x = Architectures.images(12, 6, 5, 3, 35);
    for (CudaBackend.Precision prec : CudaBackend.Precision.values()) {
      for (Map.Entry<String, Layer> e : Architectures.pooling().entrySet()) {
        Kernels staged = kf(e.getValue(), Parameterization.NTK, KernelBackend.Choice.GPU,
            new CudaBackend(prec, 64).fullBatchSide(5).staged(true)).compute(x);
        Kernels perEntry = kf(e.getValue(), Parameterization.NTK, KernelBackend.Choice.GPU,
            new CudaBackend(prec, 64).fullBatchSide(5).staged(false)).compute(x);
        org.junit.jupiter.api.Assertions.assertArrayEquals(perEntry.nngp(), staged.nngp(), 0.0, prec + " " + e.getKey());
        org.junit.jupiter.api.Assertions.assertArrayEquals(perEntry.ntk(), staged.ntk(), 0.0, prec + " " + e.getKey());
      }
    }
  }

  @Test
  void benchmarkSizedPoolingNetworkEqualsCpu() {
    // 32 × 32 (16 × 16) inputs: the staged convolution with one row pair per block on 256 threads, the fused ReLU and
    // the 256-thread reductions of the benchmark CNN, on a 3-layer version of it
    Layer arch = org.ntk4j.io.ArchitectureParser.parse("Conv(3x3, padding=SAME, W_std=1.4142, b_std=0.05) -> Relu"
        + " -> Conv(3x3, padding=SAME, W_std=1.4142, b_std=0.05) -> Relu -> Conv(3x3, padding=CIRCULAR, W_std=1.4142)"
        + " -> Relu -> GlobalAvgPool -> Dense(W_std=1.4142)");
    for (int size : new int[] {16, 32}) {
      Inputs x = Architectures.images(5, size, size, 3, 40 + size);
      Kernels ref = kf(arch, Parameterization.NTK, KernelBackend.Choice.CPU, null).compute(x);
      Kernels k = kf(arch, Parameterization.NTK, KernelBackend.Choice.GPU, new CudaBackend(CudaBackend.Precision.FLOAT64))
          .compute(x);
      String what = "benchmark-like CNN " + size + "x" + size;
      System.out.printf("%s: max relative difference NNGP %.3g, NTK %.3g%n", what,
          Compare.maxRelative(k.nngp(), ref.nngp()), Compare.maxRelative(k.ntk(), ref.ntk()));
      Compare.assertClose(k.nngp(), ref.nngp(), 1e-12, what + " NNGP");
      Compare.assertClose(k.ntk(), ref.ntk(), 1e-12, what + " NTK");
    }
  }

  @Test
  void autoUsesTheDeviceForFcAndPooling() {
    Inputs x = Architectures.flatInputs(20, 8, 3);
    Layer fc = Architectures.fullyConnected().values().iterator().next();
    assertTrue(kf(fc, Parameterization.NTK, KernelBackend.Choice.AUTO, null).selectBackend(x.shape()).backend()
        instanceof CudaBackend);
    Inputs img = Architectures.images(5, 6, 5, 3, 4);
    for (Map.Entry<String, Layer> e : Architectures.pooling().entrySet()) {
      KernelFunction g = kf(e.getValue(), Parameterization.NTK, KernelBackend.Choice.GPU, null);
      Backends.Selection s = g.selectBackend(img.shape());
      assertTrue(s.backend() instanceof CudaBackend, e.getKey() + ": " + s.note());
      Kernels k = g.compute(img);
      Kernels ref = kf(e.getValue(), Parameterization.NTK, KernelBackend.Choice.CPU, null).compute(img);
      Compare.assertClose(k.ntk(), ref.ntk(), 1e-12, e.getKey());
    }
  }
}
