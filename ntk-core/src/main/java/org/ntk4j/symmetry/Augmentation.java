package org.ntk4j.symmetry;

import org.ntk4j.Inputs;

/**
 * Augmentation of a training set by group orbits: input x_i with target y_i becomes the |G| inputs ρ_X(g)x_i with
 * targets ρ_Y(g)y_i (invariant targets: y_i itself). Element-major order: augmented index {@code e·n + i} holds element
 * {@code elements[e]} applied to input i.
 */
public final class Augmentation {
  private Augmentation() {}

  /** An augmented set; {@code element[r]} and {@code source[r]} say which element and which original input row r is. */
  public record Augmented(Inputs x, double[] y, int outputs, int[] element, int[] source) {
    public int n() { return x.n(); }
  }

  /** The whole orbit (every element of the group). */
  public static Augmented orbit(Inputs x, double[] y, int outputs, Group group, OutputAction rho) {
    int[] all = new int[group.order()];
    for (int g = 0; g < all.length; g++) all[g] = g;
    return byElements(x, y, outputs, group, rho, all);
  }

  /** Partial augmentation by the given elements only (e.g. a subgroup); {@code elements} should contain 0 to keep x. */
  public static Augmented byElements(Inputs x, double[] y, int outputs, Group group, OutputAction rho, int[] elements) {
    int n = x.n();
    if (outputs < 1) throw new IllegalArgumentException("need at least one output, got " + outputs);
    if (y.length != (long) n * outputs) {
      throw new IllegalArgumentException("targets have " + y.length + " values, expected n·outputs = " + n + "·" + outputs);
    }
    if (elements.length == 0) throw new IllegalArgumentException("augmentation by no element");
    group.checkShape(x.shape());
    for (int g : elements) {
      if (g < 0 || g >= group.order()) throw new IllegalArgumentException(group.name() + ": element " + g + " out of range 0.." + (group.order() - 1));
    }
    int s = x.shape().size();
    int m = elements.length * n;
    if ((long) elements.length * n * Math.max(s, outputs) > Integer.MAX_VALUE - 8) {
      throw new IllegalArgumentException("the augmented set of " + elements.length + " × " + n + " inputs does not fit in one array");
    }
    double[] xd = new double[m * s];
    double[] yd = new double[m * outputs];
    int[] el = new int[m];
    int[] src = new int[m];
    for (int e = 0; e < elements.length; e++) {
      int g = elements[e];
      for (int i = 0; i < n; i++) {
        int r = e * n + i;
        group.act(g, x.shape(), x.data(), i * s, xd, r * s);
        rho.act(g, outputs, y, i * outputs, yd, r * outputs);
        el[r] = g;
        src[r] = i;
      }
    }
    return new Augmented(new Inputs(m, x.shape(), xd), yd, outputs, el, src);
  }

  /** ρ_X(g)x for every element, element-major, as one batch of |G|·n inputs. */
  public static Inputs orbitInputs(Inputs x, Group group) {
    group.checkShape(x.shape());
    int n = x.n(), s = x.shape().size(), o = group.order();
    if ((long) o * n * s > Integer.MAX_VALUE - 8) {
      throw new IllegalArgumentException("the orbit of " + n + " inputs under " + o + " elements does not fit in one array");
    }
    double[] d = new double[o * n * s];
    for (int g = 0; g < o; g++) for (int i = 0; i < n; i++) group.act(g, x.shape(), x.data(), i * s, d, (g * n + i) * s);
    return new Inputs(o * n, x.shape(), d);
  }
}
