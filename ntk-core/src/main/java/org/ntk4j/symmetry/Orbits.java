package org.ntk4j.symmetry;

import java.util.function.Function;
import org.ntk4j.Inputs;

/**
 * Orbit statistics of a model f on a set of inputs: how far f is from equivariance, f(ρ_X(g)x) = ρ_Y(g) f(x).
 * Shared by the analytic certificates and the finite-ensemble reports so that both measure the same thing.
 */
public final class Orbits {
  private Orbits() {}

  /**
   * Orbit deviation: {@code absolute} = max over inputs x and elements g of ‖f(ρ_X(g)x) − ρ_Y(g)f(x)‖₂;
   * {@code relative} = absolute / max_x ‖f(x)‖₂ (0 when both are 0, e.g. the prior mean at t = 0);
   * {@code meanAbsolute} = mean over x of max_g ‖…‖₂.
   */
  public record Deviation(double absolute, double relative, double meanAbsolute) {}

  /**
   * @param model maps a batch to its outputs, row-major n × k
   * @param outputs k
   */
  public static Deviation deviation(Function<Inputs, double[]> model, Inputs x, Group group, OutputAction rho, int outputs) {
    double[][] fg = orbitOutputs(model, x, group, outputs);
    return deviation(fg, x.n(), group.order(), rho, outputs);
  }

  /**
   * The same from precomputed outputs: {@code fg[g]} = f(ρ_X(g)x) for every input, row-major n × k; {@code fg[0]} = f(x).
   */
  public static Deviation deviation(double[][] fg, int n, int order, OutputAction rho, int k) {
    double max = 0, scale = 0, sum = 0;
    double[] r = new double[k];
    for (int i = 0; i < n; i++) {
      rho.act(0, k, fg[0], i * k, r, 0);
      double norm = 0;
      for (int o = 0; o < k; o++) norm += fg[0][i * k + o] * fg[0][i * k + o];
      scale = Math.max(scale, Math.sqrt(norm));
      double worst = 0;
      for (int g = 1; g < order; g++) {
        rho.act(g, k, fg[0], i * k, r, 0);
        double d = 0;
        for (int o = 0; o < k; o++) {
          double e = fg[g][i * k + o] - r[o];
          d += e * e;
        }
        worst = Math.max(worst, Math.sqrt(d));
      }
      max = Math.max(max, worst);
      sum += worst;
    }
    double rel = max == 0 ? 0 : max / scale;
    return new Deviation(max, rel, sum / n);
  }

  /** f(ρ_X(g)x) for every element g: {@code [g][i * k + o]}. */
  public static double[][] orbitOutputs(Function<Inputs, double[]> model, Inputs x, Group group, int outputs) {
    double[][] fg = new double[group.order()][];
    for (int g = 0; g < group.order(); g++) {
      double[] y = model.apply(g == 0 ? x : group.act(g, x));
      if (y.length != (long) x.n() * outputs) {
        throw new IllegalArgumentException("model returned " + y.length + " values for " + x.n() + " inputs × " + outputs + " outputs");
      }
      fg[g] = y;
    }
    return fg;
  }

  /**
   * Orbit-same-predictions for classifiers with invariant labels: per input, the number of elements g (1 … |G|, the
   * identity included) whose argmax of f(ρ_X(g)x) equals the argmax of f(x). Returns one count per input.
   */
  public static int[] sameArgmax(double[][] fg, int n, int order, int k) {
    int[] count = new int[n];
    for (int i = 0; i < n; i++) {
      int ref = argmax(fg[0], i * k, k);
      for (int g = 0; g < order; g++) if (argmax(fg[g], i * k, k) == ref) count[i]++;
    }
    return count;
  }

  static int argmax(double[] a, int off, int k) {
    int best = 0;
    for (int o = 1; o < k; o++) if (a[off + o] > a[off + best]) best = o;
    return best;
  }
}
