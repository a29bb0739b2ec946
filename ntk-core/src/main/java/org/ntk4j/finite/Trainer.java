package org.ntk4j.finite;

import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.LongConsumer;
import org.ntk4j.Inputs;
import org.ntk4j.Shape;
import org.ntk4j.symmetry.Group;
import org.ntk4j.symmetry.OutputAction;

/**
 * Trains one finite network by (mini-batch) gradient descent with optional augmentation (see {@link Training}) and records
 * its predictions on evaluation inputs at the chosen steps. Forward and backward passes run over the whole batch at once
 * (in chunks of at most {@link #CHUNK} samples, accumulated in a fixed order), so every dense product is one BLAS call.
 * Deterministic: the same parameters, data, configuration and random stream give bitwise the same result.
 */
public final class Trainer {
  /** Largest number of samples in one forward/backward pass (bounds the activation memory). */
  public static final int CHUNK = 1024;

  private final FiniteNetwork net;
  private final Training cfg;
  private final Shape shape;
  private final int size;
  private final int k;
  /** Training samples after full-orbit expansion (when asked), row-major. */
  private final double[] x;
  private final double[] y;
  private final int n;
  private final int nGiven;

  /**
   * @param xTrain training inputs of the network's input shape
   * @param yTrain targets, row-major n × outputs
   */
  public Trainer(FiniteNetwork net, Inputs xTrain, double[] yTrain, Training cfg) {
    this.net = net;
    this.cfg = cfg;
    this.shape = net.inputShape();
    if (!xTrain.shape().equals(shape)) {
      throw new IllegalArgumentException("training inputs have shape " + xTrain.shape() + ", the network expects " + shape);
    }
    this.k = net.outputs();
    this.size = shape.size();
    this.nGiven = xTrain.n();
    if (yTrain.length != (long) nGiven * k) {
      throw new IllegalArgumentException("training targets have " + yTrain.length + " values, expected n·outputs = "
          + nGiven + "·" + k);
    }
    for (int i = 0; i < yTrain.length; i++) {
      if (!Double.isFinite(yTrain[i])) {
        throw new IllegalArgumentException("training target " + (i / k) + " has a non-finite value " + yTrain[i]
            + " at output " + (i % k));
      }
    }
    Augmentation aug = cfg.augmentation();
    if (aug.mode() != Augmentation.Mode.NONE) aug.group().checkShape(shape);
    if (aug.mode() == Augmentation.Mode.FULL_ORBIT) {
      Inputs[] xs = orbit(aug.group(), xTrain);
      int order = xs.length;
      n = nGiven * order;
      x = new double[n * size];
      y = new double[n * k];
      for (int g = 0; g < order; g++) {
        System.arraycopy(xs[g].data(), 0, x, g * nGiven * size, nGiven * size);
        for (int i = 0; i < nGiven; i++) aug.rho().act(g, k, yTrain, i * k, y, (g * nGiven + i) * k);
      }
    } else {
      n = nGiven;
      x = xTrain.data();
      y = yTrain;
    }
    if (cfg.sgdBatch() > n) {
      throw new IllegalArgumentException("SGD batch size " + cfg.sgdBatch() + " exceeds the " + n + " training samples");
    }
  }

  /** The training set actually fitted: n·|G| samples for the full orbit, else the n given ones. */
  public Inputs trainingInputs() { return new Inputs(n, shape, x.clone()); }

  /** Targets of {@link #trainingInputs()}, row-major. */
  public double[] trainingTargets() { return y.clone(); }

  static Inputs[] orbit(Group g, Inputs xs) {
    Inputs[] out = new Inputs[g.order()];
    for (int e = 0; e < out.length; e++) out[e] = e == 0 ? xs : g.act(e, xs);
    return out;
  }

  /**
   * Trains {@code params} in place.
   *
   * @param eval evaluation batches (each of the network's input shape)
   * @param rng draws mini-batches and random group elements
   * @param onStep called with 1 after every step (progress), may be null
   * @return predictions {@code [record][eval set][i * outputs + o]} at {@link Training#recordSteps()}
   */
  public double[][][] train(double[] params, List<Inputs> eval, SplittableRandom rng, LongConsumer onStep) {
    for (Inputs e : eval) {
      if (!e.shape().equals(shape)) throw new IllegalArgumentException("evaluation inputs have shape " + e.shape() + ", the network expects " + shape);
    }
    long[] rec = cfg.recordSteps();
    double[][][] out = new double[rec.length][][];
    double[] grad = new double[params.length];
    int batch = cfg.sgdBatch() == 0 ? n : cfg.sgdBatch();
    boolean full = batch == n && cfg.sgdBatch() == 0;
    boolean random = cfg.augmentation().mode() == Augmentation.Mode.RANDOM;
    int[] perm = new int[n];
    for (int i = 0; i < n; i++) perm[i] = i;
    // the whole set is used in place only when it fits one chunk; larger full batches are copied chunk by chunk
    double[] xb = full && !random && n <= CHUNK ? null : new double[Math.min(batch, CHUNK) * size];
    double[] yb = new double[Math.min(batch, CHUNK) * k];
    double lr = cfg.lr();
    int r = 0;
    for (long step = 0; ; step++) {
      if (r < rec.length && rec[r] == step) out[r++] = evaluate(params, eval);
      if (r == rec.length) break;
      if (!full) { // partial Fisher–Yates: the first `batch` entries are a uniform sample without replacement
        for (int i = 0; i < batch; i++) {
          int j = i + rng.nextInt(n - i);
          int t = perm[i];
          perm[i] = perm[j];
          perm[j] = t;
        }
      }
      double invN = 1.0 / ((double) batch * k);
      for (int c0 = 0; c0 < batch; c0 += CHUNK) {
        int cn = Math.min(CHUNK, batch - c0);
        double[] xc;
        double[] yc;
        int yOff;
        if (full && !random && cn == n) {
          xc = x;
          yc = y;
          yOff = 0;
        } else {
          for (int i = 0; i < cn; i++) {
            int s = full ? c0 + i : perm[c0 + i];
            if (random) {
              Augmentation a = cfg.augmentation();
              int g = rng.nextInt(a.group().order());
              a.group().act(g, shape, x, s * size, xb, i * size);
              a.rho().act(g, k, y, s * k, yb, i * k);
            } else {
              System.arraycopy(x, s * size, xb, i * size, size);
              System.arraycopy(y, s * k, yb, i * k, k);
            }
          }
          xc = xb;
          yc = yb;
          yOff = 0;
        }
        FiniteLayer.Forward f = net.root().forward(params, 0, xc, cn);
        double[] fo = f.output();
        double[] dy = new double[cn * k];
        double check = 0;
        for (int i = 0; i < cn * k; i++) {
          double e = fo[i] - yc[yOff + i];
          check += e * e;
          dy[i] = e * invN;
        }
        if (!Double.isFinite(check)) {
          throw new IllegalArgumentException("training diverged at step " + step + " (the outputs overflowed to "
              + "non-finite values); lower the learning rate " + lr + " (full-batch gradient descent is stable only for"
              + " lr < 2N/λ_max(Θ), N = batch·outputs)");
        }
        net.root().backward(params, 0, f, dy, cn, grad);
      }
      for (int i = 0; i < params.length; i++) { // update and clear for the next step in one pass
        params[i] -= lr * grad[i];
        grad[i] = 0.0;
      }
      if (onStep != null) onStep.accept(1);
    }
    return out;
  }

  /** Outputs of the network on every evaluation batch, row-major n × outputs each. */
  public double[][] evaluate(double[] params, List<Inputs> eval) {
    double[][] o = new double[eval.size()][];
    for (int e = 0; e < o.length; e++) o[e] = apply(net, params, eval.get(e));
    return o;
  }

  /** f(x) in chunks of {@link #CHUNK} inputs. */
  static double[] apply(FiniteNetwork net, double[] params, Inputs in) {
    int k = net.outputs();
    int s = in.shape().size();
    int m = in.n();
    if (m <= CHUNK) return net.root().forward(params, 0, in.data(), m).output();
    double[] out = new double[m * k];
    for (int c0 = 0; c0 < m; c0 += CHUNK) {
      int cn = Math.min(CHUNK, m - c0);
      double[] xc = Arrays.copyOfRange(in.data(), c0 * s, (c0 + cn) * s);
      System.arraycopy(net.root().forward(params, 0, xc, cn).output(), 0, out, c0 * k, cn * k);
    }
    return out;
  }
}
