package org.ntk4j.finite;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.ntk4j.Inputs;
import org.ntk4j.kernel.Kernels;
import org.ntk4j.layers.Layer;
import org.ntk4j.layers.Parameterization;
import org.ntk4j.linalg.DenseLinalg;

/**
 * Monte Carlo estimate of the NNGP and NTK: the empirical kernels of finite networks averaged over independently seeded
 * initialisations. Seeds are derived from one master seed per sample index, so the estimate does not depend on the thread
 * count.
 */
public final class MonteCarlo {
  private MonteCarlo() {}

  /**
   * @param architecture every width stated (see {@link org.ntk4j.layers.Layers#withWidths})
   * @param samples number of independent networks
   */
  public static Kernels estimate(Layer architecture, Parameterization parameterization, Inputs x1, Inputs x2,
                                 int samples, long seed, int threads) {
    if (samples < 1) throw new IllegalArgumentException("samples must be >= 1, got " + samples);
    FiniteNetwork net = new FiniteNetwork(architecture, x1.shape(), parameterization);
    long[] seeds = new long[samples];
    SplittableRandom master = new SplittableRandom(seed);
    for (int i = 0; i < samples; i++) seeds[i] = master.nextLong();
    // samples run in parallel: native BLAS stays single-threaded inside them (as in KernelFunction), else the sample
    // threads and BLAS's own threads oversubscribe the cores
    DenseLinalg la = DenseLinalg.get();
    int blasThreads = la.threads();
    if (threads > 1) la.setThreads(1);
    ExecutorService pool = Executors.newFixedThreadPool(Math.max(1, threads));
    try {
      List<Future<Kernels>> fs = new ArrayList<>();
      for (int i = 0; i < samples; i++) {
        long s = seeds[i];
        fs.add(pool.submit(() -> net.empiricalKernels(net.initialize(s), x1, x2)));
      }
      int n1 = x1.n(), n2 = x2.n();
      double[] nngp = new double[n1 * n2];
      double[] ntk = new double[n1 * n2];
      for (Future<Kernels> f : fs) { // summed in sample order: independent of scheduling
        Kernels k = f.get();
        for (int t = 0; t < nngp.length; t++) {
          nngp[t] += k.nngp()[t];
          ntk[t] += k.ntk()[t];
        }
      }
      for (int t = 0; t < nngp.length; t++) {
        nngp[t] /= samples;
        ntk[t] /= samples;
      }
      return new Kernels(n1, n2, nngp, ntk);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    } catch (ExecutionException e) {
      if (e.getCause() instanceof RuntimeException re) throw re;
      throw new IllegalStateException(e.getCause());
    } finally {
      pool.shutdownNow();
      la.setThreads(blasThreads);
    }
  }
}
