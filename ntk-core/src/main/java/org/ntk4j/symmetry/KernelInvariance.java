package org.ntk4j.symmetry;

import org.ntk4j.Inputs;
import org.ntk4j.kernel.KernelFunction;
import org.ntk4j.kernel.Kernels;

/**
 * Invariance of the kernels under a group: max over sampled pairs (x, x') and elements g of |Θ(gx, gx') − Θ(x, x')|,
 * relative to the kernel scale max_x Θ(x, x) (likewise for Σ). The pairs are drawn from a sample of the inputs and their
 * images under one further element, so that pairs (x, hx') within an orbit are covered too.
 */
public final class KernelInvariance {
  private KernelInvariance() {}

  /** Relative errors of Θ and Σ, their scales, and how many inputs and elements were checked. */
  public record Result(double ntkError, double nngpError, double ntkScale, int inputs, int elements) {
    /** The larger of the two relative errors. */
    public double error() { return Math.max(ntkError, nngpError); }
  }

  /**
   * @param maxInputs inputs taken from x (evenly spaced), doubled by their images under one element
   * @param maxElements elements checked (all when |G| is at most this, else a seeded sample, always with the last)
   */
  public static Result check(KernelFunction kf, Inputs x, Group group, int maxInputs, int maxElements, long seed) {
    if (maxInputs < 1 || maxElements < 1) throw new IllegalArgumentException("need at least one input and one element to check");
    group.checkShape(x.shape());
    int n = x.n(), take = Math.min(n, maxInputs), s = x.shape().size();
    java.util.SplittableRandom r = new java.util.SplittableRandom(seed);
    double[] d = new double[2 * take * s];
    int h = group.order() > 1 ? 1 + r.nextInt(group.order() - 1) : 0;
    for (int t = 0; t < take; t++) {
      int i = (int) ((long) t * n / take);
      System.arraycopy(x.data(), i * s, d, t * s, s);
      group.act(h, x.shape(), x.data(), i * s, d, (take + t) * s);
    }
    Inputs sample = new Inputs(2 * take, x.shape(), d);
    int[] elements;
    if (group.order() - 1 <= maxElements) {
      elements = new int[group.order() - 1];
      for (int g = 1; g < group.order(); g++) elements[g - 1] = g;
    } else {
      elements = r.ints(1, group.order()).distinct().limit(maxElements - 1).toArray();
      elements = java.util.Arrays.copyOf(elements, maxElements);
      elements[maxElements - 1] = group.order() - 1;
    }
    Kernels k0 = kf.compute(sample);
    int m = sample.n();
    double scaleT = 0, scaleS = 0;
    for (int i = 0; i < m; i++) {
      scaleT = Math.max(scaleT, Math.abs(k0.ntk(i, i)));
      scaleS = Math.max(scaleS, Math.abs(k0.nngp(i, i)));
    }
    double errT = 0, errS = 0;
    for (int g : elements) {
      Kernels kg = kf.compute(group.act(g, sample));
      for (int q = 0; q < m * m; q++) {
        errT = Math.max(errT, Math.abs(kg.ntk()[q] - k0.ntk()[q]));
        errS = Math.max(errS, Math.abs(kg.nngp()[q] - k0.nngp()[q]));
      }
    }
    return new Result(scaleT == 0 ? errT : errT / scaleT, scaleS == 0 ? errS : errS / scaleS, scaleT, m, elements.length);
  }
}
