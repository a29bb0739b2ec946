package org.ntk4j.bench;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.ntk4j.Inputs;
import org.ntk4j.Shape;
import org.ntk4j.kernel.KernelFunction;
import org.ntk4j.kernel.Kernels;
import org.ntk4j.kernel.Summation;
import org.ntk4j.layers.Dense;
import org.ntk4j.layers.Layer;
import org.ntk4j.layers.Layers;
import org.ntk4j.layers.Relu;
import org.ntk4j.linalg.DenseLinalg;

/**
 * Fully connected ReLU kernel, 3 hidden layers, n inputs of dimension 784, against a straightforward vectorised numpy
 * implementation (Gram by BLAS, arc-cosine recursion over whole arrays) run on the same data in the same process tree.
 */
public final class FcKernelBench {
  private FcKernelBench() {}

  public static void main(String[] args) throws Exception {
    int n = args.length > 0 ? Integer.parseInt(args[0]) : 8000;
    int repeats = args.length > 1 ? Integer.parseInt(args[1]) : 3;
    run(n, 784, 3, repeats);
  }

  /** Prints medians and ratios; returns the ratio numpy / ntk4j (exact summation), or NaN without a reference. */
  public static double run(int n, int d, int depth, int repeats) throws Exception {
    double wStd = Math.sqrt(2), bStd = 0.1;
    SplittableRandom rng = new SplittableRandom(42);
    double[] x = new double[n * d];
    for (int i = 0; i < x.length; i++) x[i] = rng.nextGaussian();
    Inputs in = new Inputs(n, Shape.flat(d), x);
    List<Layer> ls = new ArrayList<>();
    for (int l = 0; l < depth; l++) {
      ls.add(Dense.of(wStd, bStd));
      ls.add(new Relu());
    }
    ls.add(Dense.of(wStd, bStd));
    Layer arch = Layers.serial(ls.toArray(new Layer[0]));
    int threads = Runtime.getRuntime().availableProcessors();
    System.out.printf("FC kernel benchmark: n=%d d=%d depth=%d, %s, BLAS: %s%n", n, d, depth, BenchSupport.machine(),
        DenseLinalg.get().name());

    // Gram alone at BLAS speed: one dgemm of X·Xᵀ with all threads
    double[] gram = new double[n * n];
    double[] tGram = BenchSupport.time(repeats, true,
        () -> DenseLinalg.get().gemm(n, n, d, 1.0 / d, x, 0, x, 0, true, 0.0, gram, 0));

    KernelFunction exact = KernelFunction.of(arch).threads(threads).summation(Summation.EXACT).build();
    KernelFunction fast = KernelFunction.of(arch).threads(threads).summation(Summation.FAST).build();
    Kernels[] keep = new Kernels[1];
    double[] tExact = BenchSupport.time(repeats, true, () -> keep[0] = exact.compute(in));
    double[] tFast = BenchSupport.time(repeats, true, () -> keep[0] = fast.compute(in));

    double ref = Double.NaN;
    Path xf = BenchSupport.writeNpy(x, n, d);
    Path script = BenchSupport.resource("fc_numpy.py");
    List<String> out = BenchSupport.python(List.of(script.toString(), xf.toString(), Integer.toString(depth),
        Double.toString(wStd), Double.toString(bStd), Integer.toString(repeats + 1)), 3600);
    if (out != null && out.size() >= 2) {
      double[] tr = new double[out.size() - 1];
      for (int i = 1; i < out.size(); i++) tr[i - 1] = Double.parseDouble(out.get(i).trim()); // first run is warm-up
      ref = BenchSupport.median(tr);
    }
    double me = BenchSupport.median(tExact), mf = BenchSupport.median(tFast), mg = BenchSupport.median(tGram);
    double flopsGram = 2.0 * n * (double) n * d;
    System.out.printf("  dgemm Gram X·Xᵀ (full n×n)    %8.3f s  (%.1f GFLOP/s)%n", mg, flopsGram / mg * 1e-9);
    System.out.printf("  ntk4j, exact summation         %8.3f s  (median of %d)%n", me, repeats);
    System.out.printf("  ntk4j, fast summation          %8.3f s%n", mf);
    if (!Double.isNaN(ref)) {
      System.out.printf("  numpy reference                %8.3f s%n", ref);
      System.out.printf("  speed-up vs numpy: exact %.2fx, fast %.2fx (target >= 1, aim 2)%n", ref / me, ref / mf);
    }
    return ref / me;
  }
}
