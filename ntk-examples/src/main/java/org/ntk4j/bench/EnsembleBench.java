package org.ntk4j.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.ntk4j.Inputs;
import org.ntk4j.Shape;
import org.ntk4j.finite.Ensemble;
import org.ntk4j.finite.FiniteNetwork;
import org.ntk4j.finite.Training;
import org.ntk4j.layers.Dense;
import org.ntk4j.layers.Layer;
import org.ntk4j.layers.Layers;
import org.ntk4j.layers.Parameterization;
import org.ntk4j.layers.Relu;
import org.ntk4j.linalg.DenseLinalg;

/**
 * Training throughput of a finite-width MLP ensemble (default: width 1024, 3 hidden ReLU layers, 784-dimensional inputs,
 * 10 outputs, full batch of 256 samples, one member per thread), as the achieved FLOP rate over the dgemm rate measured in
 * the same run (single-threaded 1024³ dgemm on every worker thread at once, the same configuration the ensemble uses).
 * FLOPs counted: forward 2·B·Σ fan_in·fan_out, backward the weight gradient and the input gradient of every layer but the
 * first (the useful work; the first layer's input gradient, which the layer interface always returns, is not counted).
 */
public final class EnsembleBench {
  private EnsembleBench() {}

  public static void main(String[] args) throws Exception {
    int width = args.length > 0 ? Integer.parseInt(args[0]) : 1024;
    int steps = args.length > 1 ? Integer.parseInt(args[1]) : 5;
    int threads = args.length > 2 ? Integer.parseInt(args[2]) : Runtime.getRuntime().availableProcessors();
    int batch = args.length > 3 ? Integer.parseInt(args[3]) : 256;
    run(width, 3, 784, batch, threads, steps, threads);
  }

  /** Prints the rates; returns achieved / dgemm rate. */
  public static double run(int width, int hidden, int d, int batch, int members, int steps, int threads) throws Exception {
    int k = 10;
    List<Layer> ls = new ArrayList<>();
    for (int l = 0; l < hidden; l++) {
      ls.add(Dense.of(width, Math.sqrt(2), 0.1));
      ls.add(new Relu());
    }
    ls.add(Dense.of(k, 1.0, 0.1));
    Layer arch = Layers.serial(ls.toArray(new Layer[0]));
    SplittableRandom rng = new SplittableRandom(1);
    double[] xs = new double[batch * d];
    for (int i = 0; i < xs.length; i++) xs[i] = rng.nextGaussian();
    double[] y = new double[batch * k];
    for (int i = 0; i < y.length; i++) y[i] = rng.nextGaussian();
    Inputs x = new Inputs(batch, Shape.flat(d), xs);
    Inputs xt = x.slice(0, Math.min(16, batch));
    FiniteNetwork net = new FiniteNetwork(arch, x.shape(), Parameterization.NTK);
    System.out.printf("Ensemble training benchmark: %d members, MLP %d x %d hidden, d=%d, k=%d, batch %d, %d steps, %d threads,"
        + " %s, BLAS: %s%n", members, hidden, width, d, k, batch, steps, threads, BenchSupport.machine(), DenseLinalg.get().name());

    double fwd = 0, bwd = 0;
    int fan = d;
    for (int l = 0; l <= hidden; l++) {
      int o = l == hidden ? k : width;
      double mm = 2.0 * batch * fan * o;
      fwd += mm;
      bwd += mm + (l > 0 ? mm : 0);
      fan = o;
    }
    double flops = (fwd + bwd) * steps * members;

    Training t = Training.fullBatch(0.1, 0, steps);
    Ensemble.train(net, x, y, Training.fullBatch(0.1, 0, 1), List.of(xt), Math.min(members, threads), 2, threads, null); // warm-up
    long t0 = System.nanoTime();
    Ensemble.train(net, x, y, t, List.of(xt), members, 3, threads, null);
    double secs = (System.nanoTime() - t0) * 1e-9;
    double achieved = flops / secs;

    double ref = dgemmRate(threads, 1024);
    double ratio = achieved / ref;
    System.out.printf("training: %.3f s, %.2f GFLOP/s; dgemm 1024^3 single-threaded on %d threads at once: %.2f GFLOP/s;"
        + " ratio %.1f %%%n", secs, achieved * 1e-9, threads, ref * 1e-9, 100 * ratio);
    return ratio;
  }

  /** Aggregate rate of one single-threaded n³ dgemm per thread, all threads at once (median of 3 after a warm-up). */
  static double dgemmRate(int threads, int n) throws Exception {
    DenseLinalg la = DenseLinalg.get();
    int keep = la.threads();
    la.setThreads(1);
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      double[][] a = new double[threads][], b = new double[threads][], c = new double[threads][];
      SplittableRandom r = new SplittableRandom(2);
      for (int i = 0; i < threads; i++) {
        a[i] = new double[n * n];
        b[i] = new double[n * n];
        c[i] = new double[n * n];
        for (int j = 0; j < n * n; j++) {
          a[i][j] = r.nextGaussian();
          b[i][j] = r.nextGaussian();
        }
      }
      double[] times = BenchSupport.time(3, true, () -> {
        List<Future<?>> fs = new ArrayList<>();
        for (int i = 0; i < threads; i++) {
          int q = i;
          fs.add(pool.submit(() -> la.dgemm(false, false, n, n, n, 1.0, a[q], 0, b[q], 0, 0.0, c[q], 0)));
        }
        try {
          for (Future<?> f : fs) f.get();
        } catch (Exception e) {
          throw new IllegalStateException(e);
        }
      });
      return threads * 2.0 * n * n * n / BenchSupport.median(times);
    } finally {
      pool.shutdownNow();
      la.setThreads(keep);
    }
  }
}
