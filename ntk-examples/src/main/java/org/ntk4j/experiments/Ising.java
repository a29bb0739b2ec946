package org.ntk4j.experiments;

import java.io.IOException;
import java.nio.file.Path;
import java.util.SplittableRandom;
import org.ntk4j.Inputs;
import org.ntk4j.Shape;
import org.ntk4j.io.Npy;
import org.ntk4j.io.NpyArray;

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

  /** Largest chain seed that survives the float64 metadata file exactly (2^53). */
  public static final long MAX_SEED = 1L << 53;

  /**
   * Configurations with where they came from: {@code configs} row-major (n, L, L) of ±1; per configuration the
   * temperature (NaN for uniformly random spins), the chain seed, the number of updates of the chain before it was
   * recorded ({@code thermalisation + (position + 1)·interval}) and the algorithm (null for random spins).
   */
  public record Sample(int l, double[] configs, double[] temperatures, long[] seeds, long[] updates, Algorithm[] algorithms) {
    public Sample {
      int n = temperatures.length;
      if (configs.length != (long) n * l * l || seeds.length != n || updates.length != n || algorithms.length != n) {
        throw new IllegalArgumentException("sample of " + n + " configurations of " + l + "x" + l + ": inconsistent array lengths");
      }
    }

    public int n() { return temperatures.length; }

    /** As (n, L, L, 1) network inputs. */
    public Inputs inputs() { return new Inputs(n(), Shape.of(new int[] {l, l}, 1), configs.clone()); }

    /** Concatenation of this sample and {@code o} (same L). */
    public Sample concat(Sample o) {
      if (o.l != l) throw new IllegalArgumentException("cannot concatenate samples of L = " + l + " and L = " + o.l);
      return new Sample(l, cat(configs, o.configs), cat(temperatures, o.temperatures), cat(seeds, o.seeds),
          cat(updates, o.updates), cat(algorithms, o.algorithms));
    }
  }

  /**
   * A {@link Sample} of {@code count} configurations of one chain (see {@link #sample}); {@code seed} must lie in
   * [0, 2^53) so that the metadata file stores it exactly.
   */
  public Sample chain(double temperature, int count, int thermalisation, int interval, long seed) {
    if (seed < 0 || seed >= MAX_SEED) throw new IllegalArgumentException("chain seed must be in [0, 2^53), got " + seed);
    double[] c = sample(temperature, count, thermalisation, interval, seed);
    double[] t = new double[count];
    long[] s = new long[count], u = new long[count];
    Algorithm[] a = new Algorithm[count];
    for (int i = 0; i < count; i++) {
      t[i] = temperature;
      s[i] = seed;
      u[i] = thermalisation + (long) (i + 1) * interval;
      a[i] = algorithm;
    }
    return new Sample(l, c, t, s, u, a);
  }

  /** {@code count} configurations of independent uniformly random spins (infinite temperature) from {@code seed}. */
  public Sample randomSpins(int count, long seed) {
    if (count < 0) throw new IllegalArgumentException("count must be >= 0, got " + count);
    if (seed < 0 || seed >= MAX_SEED) throw new IllegalArgumentException("seed must be in [0, 2^53), got " + seed);
    SplittableRandom rng = new SplittableRandom(seed);
    double[] c = new double[count * l * l];
    for (int i = 0; i < c.length; i++) c[i] = rng.nextBoolean() ? 1 : -1;
    double[] t = new double[count];
    long[] s = new long[count], u = new long[count];
    for (int i = 0; i < count; i++) {
      t[i] = Double.NaN;
      s[i] = seed;
      u[i] = i; // position in the stream
    }
    return new Sample(l, c, t, s, u, new Algorithm[count]);
  }

  /**
   * Writes {@code base.npy} (n, L, L, 1) float64 ±1 and {@code base-meta.npy} (n, 4) float64: temperature (−1 for
   * random spins; NaN in memory), chain seed, updates before recording, algorithm (0 Wolff, 1 Metropolis, −1 random spins).
   * Returns the two paths.
   */
  public static Path[] save(Path base, Sample s) throws IOException {
    String b = base.toString().endsWith(".npy") ? base.toString().substring(0, base.toString().length() - 4) : base.toString();
    Path data = Path.of(b + ".npy"), meta = Path.of(b + "-meta.npy");
    saveTo(data, meta, s);
    return new Path[] {data, meta};
  }

  /** {@link #save} to two given files (configurations, metadata). */
  public static void saveTo(Path data, Path meta, Sample s) throws IOException {
    Npy.write(data, new int[] {s.n(), s.l(), s.l(), 1}, s.configs());
    double[] m = new double[s.n() * 4];
    for (int i = 0; i < s.n(); i++) {
      m[i * 4] = Double.isNaN(s.temperatures()[i]) ? -1 : s.temperatures()[i]; // .npy readers refuse NaN
      m[i * 4 + 1] = s.seeds()[i];
      m[i * 4 + 2] = s.updates()[i];
      m[i * 4 + 3] = s.algorithms()[i] == null ? -1 : s.algorithms()[i].ordinal();
    }
    Npy.write(meta, new int[] {s.n(), 4}, m);
  }

  /** Reads what {@link #save} wrote ({@code base} with or without {@code .npy}); checks shapes and ±1 values. */
  public static Sample load(Path base) throws IOException {
    String b = base.toString().endsWith(".npy") ? base.toString().substring(0, base.toString().length() - 4) : base.toString();
    NpyArray d = Npy.read(Path.of(b + ".npy"));
    int[] ds = d.shape();
    if (ds.length != 4 || ds[1] != ds[2] || ds[3] != 1) {
      throw new IllegalArgumentException(b + ".npy: expected Ising configurations of shape (n, L, L, 1), got " + d.shapeText());
    }
    NpyArray m = Npy.read(Path.of(b + "-meta.npy"));
    int n = ds[0], l = ds[1];
    if (m.rank() != 2 || m.shape()[0] != n || m.shape()[1] != 4) {
      throw new IllegalArgumentException(b + "-meta.npy: expected shape (" + n + ", 4), got " + m.shapeText());
    }
    double[] c = d.data();
    for (int i = 0; i < c.length; i++) {
      if (c[i] != 1 && c[i] != -1) {
        throw new IllegalArgumentException(b + ".npy: configuration " + (i / (l * l)) + " has spin " + c[i] + " (not ±1) at site " + (i % (l * l)));
      }
    }
    double[] md = m.data();
    double[] t = new double[n];
    long[] s = new long[n], u = new long[n];
    Algorithm[] a = new Algorithm[n];
    for (int i = 0; i < n; i++) {
      t[i] = md[i * 4] == -1 ? Double.NaN : md[i * 4];
      s[i] = (long) md[i * 4 + 1];
      u[i] = (long) md[i * 4 + 2];
      int alg = (int) md[i * 4 + 3];
      if (alg < -1 || alg >= Algorithm.values().length) throw new IllegalArgumentException(b + "-meta.npy: row " + i + " has algorithm code " + md[i * 4 + 3]);
      a[i] = alg < 0 ? null : Algorithm.values()[alg];
    }
    return new Sample(l, c.clone(), t, s, u, a);
  }

  private static double[] cat(double[] a, double[] b) {
    double[] o = java.util.Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, o, a.length, b.length);
    return o;
  }

  private static long[] cat(long[] a, long[] b) {
    long[] o = java.util.Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, o, a.length, b.length);
    return o;
  }

  private static Algorithm[] cat(Algorithm[] a, Algorithm[] b) {
    Algorithm[] o = java.util.Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, o, a.length, b.length);
    return o;
  }
}
