package org.ntk4j.finite;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.LongConsumer;
import org.ntk4j.Inputs;
import org.ntk4j.linalg.DenseLinalg;

/**
 * A deep ensemble: M finite networks with independent initialisations, each trained by {@link Trainer}, with their
 * predictions on evaluation batches recorded at chosen steps (no retraining to look at another step).
 *
 * <p>Reproducibility: member i's seed is the i-th draw of {@code SplittableRandom(seed)}; from it come the member's
 * initialisation and its training stream (mini-batches, random group elements). Members run in parallel on
 * {@code threads} workers with single-threaded BLAS inside, and every reduction over members runs in member order, so the
 * result is bitwise the same for every thread count.
 */
public final class Ensemble {
  private Ensemble() {}

  /** The seed of member {@code index} derived from the master seed (independent of the ensemble size). */
  public static long[] memberSeeds(long seed, int members) {
    SplittableRandom master = new SplittableRandom(seed);
    long[] s = new long[members];
    for (int i = 0; i < members; i++) s[i] = master.nextLong();
    return s;
  }

  /**
   * Trains {@code members} networks.
   *
   * @param eval evaluation batches (e.g. test inputs and their images under every group element)
   * @param onStep called with 1 after every step of every member (from worker threads), may be null
   */
  public static Result train(FiniteNetwork net, Inputs xTrain, double[] yTrain, Training cfg, List<Inputs> eval,
                             int members, long seed, int threads, LongConsumer onStep) {
    if (members < 1) throw new IllegalArgumentException("an ensemble needs at least one member, got " + members);
    if (threads < 1) throw new IllegalArgumentException("threads must be >= 1, got " + threads);
    if (eval.isEmpty()) throw new IllegalArgumentException("need at least one evaluation batch");
    Trainer trainer = new Trainer(net, xTrain, yTrain, cfg);
    long[] seeds = memberSeeds(seed, members);
    double[][][][] pred = new double[members][][][];
    DenseLinalg la = DenseLinalg.get();
    int blasThreads = la.threads();
    la.setThreads(1);
    ExecutorService pool = Executors.newFixedThreadPool(Math.min(threads, members));
    try {
      List<Future<double[][][]>> fs = new ArrayList<>();
      for (int i = 0; i < members; i++) {
        long s = seeds[i];
        int index = i;
        fs.add(pool.submit(() -> {
          SplittableRandom r = new SplittableRandom(s);
          double[] params = net.initialize(r.nextLong());
          try {
            return trainer.train(params, eval, new SplittableRandom(r.nextLong()), onStep);
          } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("ensemble member " + index + ": " + e.getMessage(), e);
          }
        }));
      }
      for (int i = 0; i < members; i++) pred[i] = fs.get(i).get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while training the ensemble", e);
    } catch (ExecutionException e) {
      if (e.getCause() instanceof RuntimeException re) throw re;
      if (e.getCause() instanceof Error err) throw err;
      throw new IllegalStateException(e.getCause());
    } finally {
      pool.shutdownNow();
      la.setThreads(blasThreads);
    }
    int[] sizes = new int[eval.size()];
    for (int e = 0; e < sizes.length; e++) sizes[e] = eval.get(e).n();
    return new Result(cfg.recordSteps(), sizes, net.outputs(), pred);
  }

  /**
   * Recorded predictions {@code predictions[member][record][eval set][i * outputs + o]}.
   */
  public record Result(long[] steps, int[] evalSizes, int outputs, double[][][][] predictions) {
    public int members() { return predictions.length; }

    /** Member {@code m}'s outputs at record index {@code r} on evaluation batch {@code e} (not a copy). */
    public double[] member(int m, int r, int e) { return predictions[m][r][e]; }

    /** Mean over the first {@code m} members, summed in member order. */
    public double[] mean(int r, int e, int m) {
      check(m);
      double[] s = new double[predictions[0][r][e].length];
      for (int i = 0; i < m; i++) {
        double[] p = predictions[i][r][e];
        for (int j = 0; j < s.length; j++) s[j] += p[j];
      }
      for (int j = 0; j < s.length; j++) s[j] /= m;
      return s;
    }

    /** Unbiased variance over the first {@code m} members (0 for one member), two-pass, member order. */
    public double[] variance(int r, int e, int m) {
      double[] mu = mean(r, e, m);
      double[] v = new double[mu.length];
      if (m < 2) return v;
      for (int i = 0; i < m; i++) {
        double[] p = predictions[i][r][e];
        for (int j = 0; j < v.length; j++) {
          double d = p[j] - mu[j];
          v[j] += d * d;
        }
      }
      for (int j = 0; j < v.length; j++) v[j] /= (m - 1);
      return v;
    }

    private void check(int m) {
      if (m < 1 || m > predictions.length) {
        throw new IllegalArgumentException("ensemble size " + m + " out of range 1.." + predictions.length);
      }
    }
  }
}
