package org.ntk4j.gpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.ntk4j.Inputs;
import org.ntk4j.kernel.KernelBackend;
import org.ntk4j.kernel.KernelFunction;
import org.ntk4j.kernel.Kernels;
import org.ntk4j.layers.Layer;
import org.ntk4j.layers.Parameterization;

/**
 * The per-entry math of the CUDA kernels (ntk_math.cuh, compiled for the host by g++) against the Java CPU path, on the
 * fully connected architectures of the kernel-engine tests: ≤ 1e-12 relative per entry in float64, ≤ 1e-5 of
 * the largest entry in float32. Runs
 * wherever a C++ compiler exists (skipped with the reason otherwise).
 */
class HostHarnessTest {
  @BeforeEach
  void compiler() {
    String why = HostHarness.unavailable();
    assumeTrue(why == null, () -> "skipped: " + why);
  }

  static Kernels cpu(Layer arch, Parameterization p, Inputs x1, Inputs x2) {
    KernelFunction kf = KernelFunction.of(arch).parameterization(p).backend(KernelBackend.Choice.CPU).threads(1).build();
    return x1 == x2 ? kf.compute(x1) : kf.compute(x1, x2);
  }

  void check(Map<String, Layer> archs, Parameterization p, int precision, double tol) throws Exception {
    Inputs x = Architectures.flatInputs(12, 37, 5);
    Inputs y = Architectures.flatInputs(7, 37, 6);
    for (Map.Entry<String, Layer> e : archs.entrySet()) {
      GpuProgram prog = GpuProgram.lower(e.getValue(), x.shape(), p);
      for (Inputs[] pair : new Inputs[][] {{x, x}, {x, y}}) {
        Kernels ref = cpu(e.getValue(), p, pair[0], pair[1]);
        double[][] h = HostHarness.run(prog, pair[0], pair[1], precision);
        String what = e.getKey() + " (" + p + ", float" + precision + (pair[0] == pair[1] ? ", x with x)" : ", x with y)");
        System.out.printf("host harness %s: max relative difference NNGP %.3g, NTK %.3g%n", what,
            Compare.maxRelative(h[0], ref.nngp()), Compare.maxRelative(h[1], ref.ntk()));
        if (precision == 64) {
          Compare.assertClose(h[0], ref.nngp(), tol, what + " NNGP");
          Compare.assertClose(h[1], ref.ntk(), tol, what + " NTK");
        } else {
          Compare.assertCloseNormwise(h[0], ref.nngp(), tol, what + " NNGP");
          Compare.assertCloseNormwise(h[1], ref.ntk(), tol, what + " NTK");
        }
      }
    }
  }

  @Test
  void float64MatchesCpuToOneInATrillion() throws Exception {
    check(Architectures.fullyConnected(), Parameterization.NTK, 64, 1e-12);
    check(Architectures.fullyConnectedStandard(), Parameterization.STANDARD, 64, 1e-12);
  }

  @Test
  void convolutionalFlattenFloat64MatchesCpu() throws Exception {
    Inputs x = Architectures.images(7, 5, 6, 3, 8);
    Inputs y = Architectures.images(4, 5, 6, 3, 9);
    for (Parameterization p : Parameterization.values()) {
      Map<String, Layer> archs = p == Parameterization.NTK ? Architectures.convolutionalFlatten()
          : Architectures.convolutionalFlattenStandard();
      for (Map.Entry<String, Layer> e : archs.entrySet()) {
        GpuProgram prog = GpuProgram.lower(e.getValue(), x.shape(), p, false);
        assertTrue(prog.isSpatial());
        for (Inputs[] pair : new Inputs[][] {{x, x}, {x, y}}) {
          Kernels ref = cpu(e.getValue(), p, pair[0], pair[1]);
          double[][] h = HostHarness.run(prog, pair[0], pair[1], 64);
          String what = e.getKey() + " (" + p + (pair[0] == pair[1] ? ", x with x)" : ", x with y)");
          System.out.printf("host harness %s: max relative difference NNGP %.3g, NTK %.3g%n", what,
              Compare.maxRelative(h[0], ref.nngp()), Compare.maxRelative(h[1], ref.ntk()));
          Compare.assertClose(h[0], ref.nngp(), 1e-12, what + " NNGP");
          Compare.assertClose(h[1], ref.ntk(), 1e-12, what + " NTK");
        }
      }
    }
  }

  @Test
  void poolingFullCovarianceFloat64MatchesCpu() throws Exception {
    // CNN + AvgPool / GlobalAvgPool (SAME, CIRCULAR, VALID, strides, Erf, 1-D filters along each axis): the full P × P
    // recursion of ntk_full's per-entry math against KernelFunction's CPU path (EXACT sums)
    Inputs x = Architectures.images(6, 6, 5, 3, 11);
    Inputs y = Architectures.images(4, 6, 5, 3, 12);
    int bitwise = 0, cells = 0;
    for (Parameterization p : Parameterization.values()) {
      Map<String, Layer> archs = p == Parameterization.NTK ? Architectures.pooling() : Architectures.poolingStandard();
      for (Map.Entry<String, Layer> e : archs.entrySet()) {
        KernelFunction kf = KernelFunction.of(e.getValue()).parameterization(p).build();
        GpuProgram prog = GpuProgram.lower(e.getValue(), x.shape(), p, kf.usesFullCovariance(x.shape()));
        assertTrue(prog.isSpatial() && prog.isFull(), e.getKey());
        for (Inputs[] pair : new Inputs[][] {{x, x}, {x, y}}) {
          Kernels ref = cpu(e.getValue(), p, pair[0], pair[1]);
          double[][] h = HostHarness.run(prog, pair[0], pair[1], 64);
          String what = e.getKey() + " (" + p + (pair[0] == pair[1] ? ", x with x)" : ", x with y)");
          System.out.printf("host harness full %s: max relative difference NNGP %.3g, NTK %.3g%n", what,
              Compare.maxRelative(h[0], ref.nngp()), Compare.maxRelative(h[1], ref.ntk()));
          Compare.assertClose(h[0], ref.nngp(), 1e-12, what + " NNGP");
          Compare.assertClose(h[1], ref.ntk(), 1e-12, what + " NTK");
          double[] rn = ref.nngp(), rt = ref.ntk();
          for (int k = 0; k < rn.length; k++) {
            // Θ(x, x) is computed on the upper triangle and mirrored by the CPU; the harness computes (j, i) itself,
            // whose GlobalAvgPool sums the transposed block in another order (≤ 1 ulp, checked above)
            if (pair[0] == pair[1] && k / x.n() > k % x.n()) continue;
            cells += 2;
            if (h[0][k] == rn[k]) bitwise++;
            if (h[1][k] == rt[k]) bitwise++;
          }
        }
      }
    }
    System.out.printf("host harness full: %d of %d values bitwise equal to the CPU%n", bitwise, cells);
  }

  @Test
  void launchShapesOfTheFullKernelsGiveTheSameKernel() throws Exception {
    // ntk_full.cu compiled for the host, each block on real threads with barriers and a NaN-poisoned shared buffer,
    // on the launch list of FullSchedule under several shapes: the default (staged Conv, fused ReLU/Erf, 256 threads),
    // staging off, fusion off, a tiny one (32 threads, 2 KiB of planes → several row pairs of several pairs per block
    // and 4 entries per thread, grids of 3 blocks whose grid-stride loops wrap) and one whose planes do not fit (the
    // per-entry fallback). Staging and fusion change no bit; the reduction's block size changes the order of its
    // double-double sum only (≤ 1e-15); all agree with the CPU to 1e-12.
    Inputs x = Architectures.images(7, 6, 5, 3, 13);
    Inputs y = Architectures.images(4, 6, 5, 3, 14);
    FullSchedule.Config def = FullSchedule.Config.DEFAULT;
    FullSchedule.Config unstaged = new FullSchedule.Config(256, def.convThreads(), def.sharedBytes(), def.maxBlocks(),
        false, false);
    FullSchedule.Config unfused = new FullSchedule.Config(256, def.convThreads(), def.sharedBytes(), def.maxBlocks(),
        true, false);
    FullSchedule.Config tiny = new FullSchedule.Config(32, 32, 2048, 3, true, true);
    FullSchedule.Config tinyUnstaged = new FullSchedule.Config(32, 32, 2048, 3, false, false);
    FullSchedule.Config noRoom = new FullSchedule.Config(32, 32, 0, 3, true, true);
    for (Map.Entry<String, Layer> e : Architectures.pooling().entrySet()) {
      GpuProgram prog = GpuProgram.lower(e.getValue(), x.shape(), Parameterization.NTK);
      Map<String, Integer> nDef = new java.util.TreeMap<>(), nUnstaged = new java.util.TreeMap<>(),
          nUnfused = new java.util.TreeMap<>(), nRoom = new java.util.TreeMap<>();
      double[][] d = HostHarness.runSchedule(prog, x, y, false, 3, def, nDef);
      double[][] u = HostHarness.runSchedule(prog, x, y, false, 3, unstaged, nUnstaged);
      double[][] f = HostHarness.runSchedule(prog, x, y, false, 3, unfused, nUnfused);
      double[][] t = HostHarness.runSchedule(prog, x, y, false, 2, tiny);
      double[][] tu = HostHarness.runSchedule(prog, x, y, false, 2, tinyUnstaged);
      double[][] r = HostHarness.runSchedule(prog, x, y, false, 2, noRoom, nRoom);
      String k = e.getKey();
      assertTrue(nDef.getOrDefault("ntk_full_conv_f64", 0) > 0, k + ": staged Conv launched " + nDef);
      assertEquals(null, nUnstaged.get("ntk_full_conv_f64"), k + ": staging off " + nUnstaged);
      assertEquals(null, nRoom.get("ntk_full_conv_f64"), k + ": planes do not fit " + nRoom);
      assertTrue(nDef.get("ntk_full_op_f64") < nUnfused.get("ntk_full_op_f64"), k + ": fusion saves launches " + nDef
          + " vs " + nUnfused);
      for (int c = 0; c < 2; c++) {
        org.junit.jupiter.api.Assertions.assertArrayEquals(u[c], d[c], 0.0, k + ": staged = per-entry");
        org.junit.jupiter.api.Assertions.assertArrayEquals(f[c], d[c], 0.0, k + ": fused = separate");
        org.junit.jupiter.api.Assertions.assertArrayEquals(tu[c], t[c], 0.0, k + ": tiny staged = tiny per-entry");
        org.junit.jupiter.api.Assertions.assertArrayEquals(tu[c], r[c], 0.0, k + ": fallback = per-entry");
        Compare.assertClose(t[c], d[c], 1e-15, k + ": 32 vs 256 threads");
      }
      Kernels ref = cpu(e.getValue(), Parameterization.NTK, x, y);
      Compare.assertClose(d[0], ref.nngp(), 1e-12, k + " NNGP");
      Compare.assertClose(d[1], ref.ntk(), 1e-12, k + " NTK");
      Compare.assertClose(t[0], ref.nngp(), 1e-12, k + " NNGP (tiny)");
      Compare.assertClose(t[1], ref.ntk(), 1e-12, k + " NTK (tiny)");
    }
  }

  @Test
  void theBackendsLaunchListRunsTheFullKernelsToTheCpuResult() throws Exception {
    // FullSchedule (the list CudaBackend launches, LaunchArgs packing included) executed by the host-compiled ntk_full.cu:
    // batches of 2 × 2 pairs, self passes in batches of 4, both x with x (upper tiles, tapes shared) and x with y;
    // against the per-pair evaluation in SpatialKernels' order (1e-15: the block-parallel reductions sum in another
    // order) and the CPU (1e-12)
    Inputs x = Architectures.images(5, 6, 5, 3, 15);
    Inputs y = Architectures.images(3, 6, 5, 3, 16);
    for (Parameterization p : Parameterization.values()) {
      Map<String, Layer> archs = p == Parameterization.NTK ? Architectures.pooling() : Architectures.poolingStandard();
      for (Map.Entry<String, Layer> e : archs.entrySet()) {
        GpuProgram prog = GpuProgram.lower(e.getValue(), x.shape(), p);
        for (boolean sym : new boolean[] {true, false}) {
          Inputs b = sym ? x : y;
          double[][] h = HostHarness.runSchedule(prog, x, b, sym, 2);
          double[][] perPair = HostHarness.run(prog, x, b, 64);
          Kernels ref = cpu(e.getValue(), p, x, b);
          for (int i = 0; i < x.n(); i++) {
            for (int j = sym ? i : 0; j < b.n(); j++) {
              int k = i * b.n() + j;
              String what = e.getKey() + " " + p + (sym ? " x with x" : " x with y") + " (" + i + ", " + j + ")";
              assertEquals(perPair[0][k], h[0][k], 1e-15 * Math.abs(perPair[0][k]), what);
              assertEquals(perPair[1][k], h[1][k], 1e-15 * Math.abs(perPair[1][k]), what);
              assertEquals(ref.nngp()[k], h[0][k], 1e-12 * Math.abs(ref.nngp()[k]), what);
              assertEquals(ref.ntk()[k], h[1][k], 1e-12 * Math.abs(ref.ntk()[k]), what);
            }
          }
        }
      }
    }
  }

  @Test
  void convolutionalTeamOfThreadsGivesBitwiseTheSingleThreadResult() throws Exception {
    // the CUDA kernels run a pair on a block of threads sharing its state; 7 threads with barriers emulate that
    Inputs x = Architectures.images(4, 5, 6, 3, 10);
    for (Map.Entry<String, Layer> e : Architectures.convolutionalFlatten().entrySet()) {
      GpuProgram prog = GpuProgram.lower(e.getValue(), x.shape(), Parameterization.NTK, false);
      double[][] one = HostHarness.run(prog, x, x, 64, 1);
      double[][] team = HostHarness.run(prog, x, x, 64, 7);
      org.junit.jupiter.api.Assertions.assertArrayEquals(one[0], team[0], 0.0, e.getKey());
      org.junit.jupiter.api.Assertions.assertArrayEquals(one[1], team[1], 0.0, e.getKey());
    }
  }

  @Test
  void float32MatchesCpuToTenPpm() throws Exception {
    check(Architectures.fullyConnected(), Parameterization.NTK, 32, 1e-5);
  }

  @Test
  void convolutionalFloat32MatchesCpuToTenPpm() throws Exception {
    // the spatial math in float (ntk_conv's _f32 per pair on 5 threads; ntk_full's _f32 kernels on the launch list,
    // staged and per-entry bitwise alike): ≤ 1e-5 of the largest entry, as the float32 FC path
    Inputs x = Architectures.images(6, 6, 5, 3, 17);
    Inputs y = Architectures.images(3, 6, 5, 3, 18);
    for (Map.Entry<String, Layer> e : Architectures.convolutionalFlatten().entrySet()) {
      GpuProgram prog = GpuProgram.lower(e.getValue(), x.shape(), Parameterization.NTK, false);
      Kernels ref = cpu(e.getValue(), Parameterization.NTK, x, y);
      double[][] h = HostHarness.run(prog, x, y, 32, 5);
      String what = "float32 " + e.getKey();
      System.out.printf("host harness %s: max relative difference NNGP %.3g, NTK %.3g%n", what,
          Compare.maxRelative(h[0], ref.nngp()), Compare.maxRelative(h[1], ref.ntk()));
      Compare.assertCloseNormwise(h[0], ref.nngp(), 1e-5, what + " NNGP");
      Compare.assertCloseNormwise(h[1], ref.ntk(), 1e-5, what + " NTK");
      assertTrue(Compare.maxRelative(h[1], ref.ntk()) > 1e-12, what + ": float32 is not float64");
    }
    FullSchedule.Config f32 = FullSchedule.Config.DEFAULT.withFloat32(true);
    FullSchedule.Config f32PerEntry = new FullSchedule.Config(256, 512, 0, 1 << 20, false, false, true);
    for (Map.Entry<String, Layer> e : Architectures.pooling().entrySet()) {
      GpuProgram prog = GpuProgram.lower(e.getValue(), x.shape(), Parameterization.NTK);
      Kernels ref = cpu(e.getValue(), Parameterization.NTK, x, y);
      Map<String, Integer> n = new java.util.TreeMap<>();
      double[][] h = HostHarness.runSchedule(prog, x, y, false, 2, f32, n);
      double[][] u = HostHarness.runSchedule(prog, x, y, false, 2, f32PerEntry);
      double[][] perPair = HostHarness.run(prog, x, y, 32);
      String what = "float32 full " + e.getKey();
      assertTrue(n.containsKey("ntk_full_conv_f32") && !n.containsKey("ntk_full_conv_f64"), what + " " + n);
      System.out.printf("host harness %s: max relative difference NNGP %.3g, NTK %.3g%n", what,
          Compare.maxRelative(h[0], ref.nngp()), Compare.maxRelative(h[1], ref.ntk()));
      for (int c = 0; c < 2; c++) {
        org.junit.jupiter.api.Assertions.assertArrayEquals(u[c], h[c], 0.0, what + ": staged = per-entry");
        Compare.assertCloseNormwise(h[c], c == 0 ? ref.nngp() : ref.ntk(), 1e-5, what);
        Compare.assertCloseNormwise(perPair[c], c == 0 ? ref.nngp() : ref.ntk(), 1e-5, what + " (per pair)");
      }
    }
  }

  @Test
  void selfPairsAreExactlyCorrelatedAndSymmetric() throws Exception {
    // ReLU after one Dense: a self pair has θ = 0, so Σ' = Σ/2 exactly, and the duplicate pair (1, 2) equals (1, 1)
    Layer arch = org.ntk4j.io.ArchitectureParser.parse("Dense(W_std=1.5) -> Relu");
    Inputs x = Architectures.flatInputs(6, 9, 7);
    double[][] h = HostHarness.run(GpuProgram.lower(arch, x.shape(), Parameterization.NTK), x, x, 64);
    for (int i = 0; i < 6; i++) {
      double q = 0;
      for (int k = 0; k < 9; k++) q += x.get(i, k) * x.get(i, k);
      double sigma = 2.25 * q / 9; // W_std² x·x / d
      assertEquals(sigma / 2, h[0][i * 6 + i], 1e-15 * sigma, "self pair " + i);
      for (int j = 0; j < 6; j++) assertEquals(h[0][i * 6 + j], h[0][j * 6 + i], 0.0, "symmetry " + i + "," + j);
    }
    assertEquals(h[0][1 * 6 + 1], h[0][1 * 6 + 2], 0.0, "duplicate input is exactly correlated");
    assertEquals(h[1][1 * 6 + 1], h[1][1 * 6 + 2], 0.0);
    // antipodal pair: θ = π, Σ' = 0 and Σ̇ = 0
    assertEquals(0.0, h[0][1 * 6 + 3], 0.0);
    assertEquals(0.0, h[1][1 * 6 + 3], 0.0);
    // zero input: zero variance, q12 = 0 → θ = π/2: Σ' = 0, Θ' = Θ·1/4 = Σ·1/4 = 0
    assertEquals(0.0, h[0][0], 0.0);
    assertTrue(Double.isFinite(h[1][0]));
  }
}
