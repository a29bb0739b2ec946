package org.ntk4j.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.ntk4j.Inputs;
import org.ntk4j.Shape;
import org.ntk4j.kernel.ConvGeometry;
import org.ntk4j.kernel.KernelFunction;
import org.ntk4j.kernel.Kernels;
import org.ntk4j.kernel.SpatialMode;
import org.ntk4j.kernel.Summation;
import org.ntk4j.layers.Conv;
import org.ntk4j.layers.Dense;
import org.ntk4j.layers.GlobalAvgPool;
import org.ntk4j.layers.Layer;
import org.ntk4j.layers.Layers;
import org.ntk4j.layers.Padding;
import org.ntk4j.layers.Relu;
import org.ntk4j.linalg.DenseLinalg;

/**
 * CNN kernel with global average pooling (full spatial covariance): {@code size × size × channels} inputs, {@code depth}
 * layers Conv(3x3, SAME) → Relu, GlobalAvgPool, Dense. Reports the floating-point rate of the covariance recursion as a
 * fraction of this machine's dgemm rate (DenseLinalg, the same number of threads) measured in the same run.
 *
 * <p>Flops counted per pair of inputs and per kernel (Σ and Θ each): a conv stencil does one add per tap that reads
 * inputs on both sides (Π over axes of Σ_t (valid outputs at tap t)², zero-padded taps not counted) plus one division
 * per output entry and two flops of the affine map (W²·A + b², W²·A + Σ'); the input kernel 2·C per entry; the ReLU dual
 * map 12 flops per entry counting √ and atan2 as one flop each (far fewer than they cost); global pooling one add per
 * entry. Under EXACT the same useful flops are counted although each add costs a TwoSum (6 flops). Pairs counted: the
 * n² pairs of a cross kernel plus the 2n self pairs of the two self passes, all of which run the full recursion.
 */
public final class CnnKernelBench {
  private CnnKernelBench() {}

  public static void main(String[] args) {
    int n = args.length > 0 ? Integer.parseInt(args[0]) : 64;
    int repeats = args.length > 1 ? Integer.parseInt(args[1]) : 3;
    int threads = args.length > 2 ? Integer.parseInt(args[2]) : Runtime.getRuntime().availableProcessors();
    run(n, 16, 3, 4, threads, repeats);
  }

  /** Prints the timings; returns {exact fraction of dgemm, fast fraction of dgemm}. */
  public static double[] run(int n, int size, int channels, int depth, int threads, int repeats) {
    SplittableRandom rng = new SplittableRandom(42);
    Shape shape = Shape.fromDims(size, size, channels);
    double[] xa = new double[n * shape.size()], xb = new double[n * shape.size()];
    for (int i = 0; i < xa.length; i++) {
      xa[i] = rng.nextGaussian();
      xb[i] = rng.nextGaussian();
    }
    Inputs a = new Inputs(n, shape, xa), b = new Inputs(n, shape, xb);
    List<Layer> ls = new ArrayList<>();
    for (int l = 0; l < depth; l++) {
      ls.add(Conv.of(3, Padding.SAME, Math.sqrt(2), 0.1));
      ls.add(new Relu());
    }
    ls.add(new GlobalAvgPool());
    ls.add(Dense.of(1.0));
    Layer arch = Layers.serial(ls.toArray(new Layer[0]));
    System.out.printf("CNN kernel benchmark: n=%d x %d inputs %dx%dx%d, %d x (Conv 3x3 SAME -> Relu) -> GlobalAvgPool"
        + " -> Dense, full covariance, %d threads, %s, BLAS: %s%n", n, n, size,
        size, channels, depth, threads, BenchSupport.machine(), DenseLinalg.get().name());

    // flops per pair
    int p = size * size;
    double pp = (double) p * p;
    ConvGeometry g = ConvGeometry.of(new int[] {size, size}, new int[] {size, size}, new int[] {3, 3}, new int[] {1, 1},
        new int[] {1, 1}, false);
    double stencilAdds = fullStencilAdds(g);
    double perConv = 2 * (stencilAdds + pp) + 4 * pp;
    double perRelu = 12 * pp;
    double perPair = 2.0 * channels * pp + depth * (perConv + perRelu) + 2 * pp + 4;
    double pairs = (double) n * n + 2.0 * n;
    double flops = perPair * pairs;

    // dgemm reference with the same thread count
    int m = 1024;
    double[] ga = new double[m * m], gb = new double[m * m], gc = new double[m * m];
    for (int i = 0; i < ga.length; i++) {
      ga[i] = rng.nextGaussian();
      gb[i] = rng.nextGaussian();
    }
    int blas = DenseLinalg.get().threads();
    DenseLinalg.get().setThreads(threads);
    double[] tg;
    double gemmCpu;
    try {
      DenseLinalg.get().gemm(m, m, m, 1.0, ga, 0, gb, 0, false, 0.0, gc, 0);
      long c0 = processCpuNanos();
      tg = BenchSupport.time(Math.max(3, repeats), false, () -> DenseLinalg.get().gemm(m, m, m, 1.0, ga, 0, gb, 0, false, 0.0, gc, 0));
      gemmCpu = (processCpuNanos() - c0) * 1e-9 / tg.length;
    } finally {
      DenseLinalg.get().setThreads(blas);
    }
    double gemmRate = 2.0 * m * m * m / BenchSupport.median(tg);
    double gemmCpuRate = 2.0 * m * m * m / gemmCpu;

    double[] result = new double[2];
    Summation[] sums = {Summation.EXACT, Summation.FAST};
    Kernels[] keep = new Kernels[1];
    System.out.printf("  dgemm %dx%dx%d                     %8.3f s  %7.2f GFLOP/s  (%.2f GFLOP per CPU-second)%n", m, m, m,
        BenchSupport.median(tg), gemmRate * 1e-9, gemmCpuRate * 1e-9);
    for (int s = 0; s < 2; s++) {
      KernelFunction kf = KernelFunction.of(arch).summation(sums[s]).spatialMode(SpatialMode.AUTO).threads(threads).build();
      keep[0] = kf.compute(a, b); // warm-up
      long c0 = processCpuNanos();
      double[] t = BenchSupport.time(repeats, false, () -> keep[0] = kf.compute(a, b));
      double cpu = (processCpuNanos() - c0) * 1e-9 / repeats;
      double med = BenchSupport.median(t);
      double rate = flops / med;
      result[s] = rate / gemmRate;
      System.out.printf("  kernel, %-5s summation            %8.3f s  %7.2f GFLOP/s = %5.1f %% of dgemm  (%.2f ms per pair);"
              + " per CPU-second: %5.1f %% of dgemm's%n",
          sums[s], med, rate * 1e-9, 100 * result[s], med / pairs * 1e3, 100 * (flops / cpu) / gemmCpuRate);
    }
    breakdown(size, channels, summationsFor(result));
    System.out.printf("  flops per pair: %.3g (conv stencils %.3g, ReLU dual maps %.3g, input kernel %.3g); %.0f pairs"
            + " (n² cross + 2n self); target >= 30 %% of dgemm%n", perPair, depth * perConv, depth * perRelu,
        2.0 * channels * pp, pairs);
    System.out.println("  (flop count: one per stencil tap add, division and affine op; ReLU 12 per entry with sqrt and atan2"
        + " counted as 1 each; EXACT counted with the same useful flops as FAST; the fraction is wall-time based, the"
        + " per-CPU-second one divides by the process CPU time of the same runs)");
    return result;
  }

  private static Summation[] summationsFor(double[] unused) { return new Summation[] {Summation.EXACT, Summation.FAST}; }

  /**
   * Where the time of one layer goes, single-threaded on a self state of a few pairs (thread CPU time): one Conv layer
   * (Σ and Θ stencils and the affine maps) and one ReLU layer (dual maps) at the benchmark's shape.
   */
  static void breakdown(int size, int channels, Summation[] sums) {
    int pairs = 4, p = size * size;
    java.lang.management.ThreadMXBean mx = java.lang.management.ManagementFactory.getThreadMXBean();
    SplittableRandom r = new SplittableRandom(3);
    for (Summation sum : sums) {
      org.ntk4j.kernel.KernelState st = org.ntk4j.kernel.KernelState.self(pairs, new int[] {size, size}, channels, true,
          org.ntk4j.layers.Parameterization.NTK, sum);
      for (int i = 0; i < st.nngp.length; i++) {
        st.nngp[i] = 0.5 + 0.1 * r.nextDouble();
        st.ntk[i] = 1.0;
      }
      for (int k = 0; k < pairs; k++) for (int q = 0; q < p; q++) st.nngp[st.diagonalIndex(k, q)] = 1.0;
      double[] n0 = st.nngp.clone(), t0 = st.ntk.clone();
      org.ntk4j.kernel.KernelContext ctx = org.ntk4j.kernel.KernelContext.standalone(pairs);
      ctx.sync(st);
      Layer conv = Conv.of(3, Padding.SAME, Math.sqrt(2), 0.1);
      Layer relu = new Relu();
      double[] ms = new double[2];
      for (int rep = 0; rep < 2; rep++) { // first round warms up
        for (int l = 0; l < 2; l++) {
          long c0 = mx.getCurrentThreadCpuTime();
          for (int it = 0; it < 10; it++) {
            System.arraycopy(n0, 0, st.nngp, 0, n0.length);
            System.arraycopy(t0, 0, st.ntk, 0, t0.length);
            (l == 0 ? conv : relu).applyKernel(st, ctx);
          }
          ms[l] = (mx.getCurrentThreadCpuTime() - c0) * 1e-6 / 10 / pairs;
        }
      }
      System.out.printf("  one thread, per pair and layer (%s): Conv 3x3 (Σ and Θ) %.3f ms, ReLU dual map %.3f ms%n", sum,
          ms[0], ms[1]);
    }
  }

  /**
   * CPU time of the whole process (all threads), so that the rates can also be compared per CPU-second, which a machine
   * shared with other jobs distorts less than wall time.
   */
  static long processCpuNanos() {
    java.lang.management.OperatingSystemMXBean os = java.lang.management.ManagementFactory.getOperatingSystemMXBean();
    if (os instanceof com.sun.management.OperatingSystemMXBean sun) return sun.getProcessCpuTime();
    return System.nanoTime();
  }

  /** Adds of the tied full-covariance stencil: Π over axes of Σ_t (number of output positions whose tap t is valid)². */
  static double fullStencilAdds(ConvGeometry g) {
    double y = 0, x = 0;
    for (int t = 0; t < g.filterH(); t++) {
      int c = 0;
      for (int o = 0; o < g.outH(); o++) if (g.tapY(o, t) >= 0) c++;
      y += (double) c * c;
    }
    for (int t = 0; t < g.filterW(); t++) {
      int c = 0;
      for (int o = 0; o < g.outW(); o++) if (g.tapX(o, t) >= 0) c++;
      x += (double) c * c;
    }
    return y * x;
  }
}
