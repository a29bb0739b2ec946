package org.ntk4j.experiments;

import java.util.SplittableRandom;

/**
 * Configurations of the 2-D Ising model on an L×L periodic lattice (H = −J Σ_⟨ij⟩ s_i s_j, J = 1, k_B = 1), sampled with
 * the Wolff cluster algorithm (or single-spin Metropolis) from a seed: the same seed gives the same configurations.
 * Critical temperature T_c = 2/ln(1 + √2) ≈ 2.269.
 *
 * <p>Configurations are returned as ±1 values in row-major (L, L) order, ready to be used as (n, L, L, 1) inputs.
 */
public final class Ising {
  /** T_c = 2 / ln(1 + √2). */
  public static final double CRITICAL_TEMPERATURE = 2.0 / Math.log(1.0 + Math.sqrt(2.0));

  /** How spins are updated. */
  public enum Algorithm { WOLFF, METROPOLIS }

  private final int l;
  private final Algorithm algorithm;

  public Ising(int l, Algorithm algorithm) {
    if (l < 2) throw new IllegalArgumentException("lattice size L must be >= 2, got " + l);
    this.l = l;
    this.algorithm = algorithm;
  }

  public int size() { return l; }

  /**
   * {@code count} configurations at temperature T: a hot start, {@code thermalisation} updates, then one configuration
   * every {@code interval} updates (an update is one Wolff cluster flip, or one Metropolis sweep of L² spins). Row-major
   * {@code count × L × L} values ±1.
   */
  public double[] sample(double temperature, int count, int thermalisation, int interval, long seed) {
    if (!(temperature > 0) || Double.isInfinite(temperature)) {
      throw new IllegalArgumentException("temperature must be finite and > 0, got " + temperature);
    }
    if (count < 1 || thermalisation < 0 || interval < 1) {
      throw new IllegalArgumentException("need count >= 1, thermalisation >= 0, interval >= 1; got " + count + ", "
          + thermalisation + ", " + interval);
    }
    SplittableRandom rng = new SplittableRandom(seed);
    int n = l * l;
    int[] s = new int[n];
    for (int i = 0; i < n; i++) s[i] = rng.nextBoolean() ? 1 : -1;
    double beta = 1.0 / temperature;
    Updater u = algorithm == Algorithm.WOLFF ? new Wolff(beta) : new Metropolis(beta);
    for (int t = 0; t < thermalisation; t++) u.update(s, rng);
    double[] out = new double[count * n];
    for (int c = 0; c < count; c++) {
      for (int t = 0; t < interval; t++) u.update(s, rng);
      for (int i = 0; i < n; i++) out[c * n + i] = s[i];
    }
    return out;
  }

  /** Energy per site −(1/L²) Σ_⟨ij⟩ s_i s_j (each bond of the periodic lattice once) of configuration {@code c}. */
  public double energyPerSite(double[] configs, int c) {
    int n = l * l;
    int o = c * n;
    double e = 0;
    for (int r = 0; r < l; r++) {
      for (int q = 0; q < l; q++) {
        double s = configs[o + r * l + q];
        e -= s * (configs[o + r * l + (q + 1) % l] + configs[o + ((r + 1) % l) * l + q]);
      }
    }
    return e / n;
  }

  /** |magnetisation| per site |Σ s_i| / L² of configuration {@code c}. */
  public double absMagnetisation(double[] configs, int c) {
    int n = l * l;
    double m = 0;
    for (int i = 0; i < n; i++) m += configs[c * n + i];
    return Math.abs(m) / n;
  }

  private interface Updater {
    void update(int[] s, SplittableRandom rng);
  }

  private int neighbour(int site, int dir) {
    int r = site / l, q = site % l;
    switch (dir) {
      case 0: return r * l + (q + 1) % l;
      case 1: return r * l + (q + l - 1) % l;
      case 2: return ((r + 1) % l) * l + q;
      default: return ((r + l - 1) % l) * l + q;
    }
  }

  /** One cluster of aligned spins grown with bond probability 1 − e^{−2β}, then flipped. */
  private final class Wolff implements Updater {
    private final double pAdd;
    private final int[] stack = new int[l * l];

    Wolff(double beta) { this.pAdd = -Math.expm1(-2 * beta); }

    @Override public void update(int[] s, SplittableRandom rng) {
      int seed = rng.nextInt(l * l);
      int spin = s[seed];
      // a site joins the cluster by being flipped at once, so "s[nb] == spin" also means "not yet in the cluster"
      s[seed] = -spin;
      int top = 0;
      stack[top++] = seed;
      while (top > 0) {
        int site = stack[--top];
        for (int d = 0; d < 4; d++) {
          int nb = neighbour(site, d);
          if (s[nb] == spin && rng.nextDouble() < pAdd) {
            s[nb] = -spin;
            stack[top++] = nb;
          }
        }
      }
    }
  }

  /** One sweep of single-spin Metropolis updates in lattice order. */
  private final class Metropolis implements Updater {
    private final double[] accept = new double[5];

    Metropolis(double beta) {
      for (int k = 0; k < 5; k++) accept[k] = Math.exp(-2 * beta * (2 * k - 4)); // ΔE = 2·s·Σnb, Σnb·s ∈ {−4,−2,0,2,4}
    }

    @Override public void update(int[] s, SplittableRandom rng) {
      for (int site = 0; site < s.length; site++) {
        int sum = 0;
        for (int d = 0; d < 4; d++) sum += s[neighbour(site, d)];
        int k = (s[site] * sum + 4) / 2;
        if (k <= 2 || rng.nextDouble() < accept[k]) s[site] = -s[site];
      }
    }
  }
}
