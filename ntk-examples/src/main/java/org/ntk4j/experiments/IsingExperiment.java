package org.ntk4j.experiments;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.LongConsumer;
import org.ntk4j.Inputs;
import org.ntk4j.Shape;
import org.ntk4j.finite.Augmentation;
import org.ntk4j.finite.Ensemble;
import org.ntk4j.finite.FiniteNetwork;
import org.ntk4j.finite.Trainer;
import org.ntk4j.finite.Training;
import org.ntk4j.kernel.KernelFunction;
import org.ntk4j.layers.ArchitectureException;
import org.ntk4j.layers.Layer;
import org.ntk4j.layers.Layers;
import org.ntk4j.layers.Parameterization;
import org.ntk4j.layers.Serial;
import org.ntk4j.linalg.DenseLinalg;
import org.ntk4j.predict.MsePredictor;
import org.ntk4j.symmetry.AugmentedRegression;
import org.ntk4j.symmetry.Group;
import org.ntk4j.symmetry.Groups;
import org.ntk4j.symmetry.Orbits;
import org.ntk4j.symmetry.OutputAction;

/**
 * The Ising experiment of "Emergent Equivariance in Deep Ensembles" (Gerken &amp; Kessel, ICML 2024): regress an
 * invariant quantity (energy per site or |magnetisation|) of 2-D Ising configurations sampled near T_c, with the
 * symmetry group of the periodic lattice (translations × D4 × Z2 spin flip, or a subgroup), and measure how far the
 * predictions on out-of-distribution configurations (other temperatures, random spins) are from invariance as training
 * proceeds.
 *
 * <ul>
 *   <li><b>NTK</b> (infinite ensemble of infinitely wide networks) trained on the whole orbit of the training set: the
 *       exact group-averaged fast path of {@link AugmentedRegression} (|G|·n² kernel pairs instead of an explicit
 *       |G|n-point training set, infeasible for |G| = 4096 at L = 16). Its orbit deviation sits at round-off (exactly 0
 *       when the kernel is bitwise invariant) at every training time. For contrast also the NTK without augmentation.</li>
 *   <li><b>Finite ensembles</b> of several widths trained by full-batch gradient descent with random augmentation
 *       (one uniformly drawn group element per sample per step; its expected gradient is the full-orbit gradient).
 *       With {@code antithetic} members come in pairs whose readout (last Dense layer) starts negated, so the pair's
 *       initial functions cancel exactly and the ensemble mean's distance from invariance measures the finite-width
 *       correction rather than the Monte-Carlo noise of the initial functions (which does not shrink with width); both
 *       members of a pair see the same augmentation stream.</li>
 * </ul>
 * The infinite-width predictions are those of the same discrete gradient descent, μ_s = Θ(x, X)Θ⁻¹(I − (I −
 * lr·Θ/n)^s)Y ({@code meanSteps}; with the group-averaged Θ_G on the orbit), so that step s of the finite networks and
 * of the NTK line up even where lr·λ_max/n is not small.
 * Orbit deviation ({@link Orbits#deviation}, relative: max over inputs and elements of |f(gx) − f(x)| / max |f(x)|)
 * is measured on {@code orbitElements} distinct non-identity elements drawn from the seed (all when 0 or ≥ |G| − 1).
 * Everything is reproducible from the seed and independent of the thread count.
 */
public final class IsingExperiment {
  private IsingExperiment() {}

  /** The invariant regression target. */
  public enum Target {
    ENERGY("energy per site"), MAGNETISATION("|magnetisation| per site");

    private final String text;

    Target(String text) { this.text = text; }

    public String text() { return text; }
  }

  /** Everything that defines a run. */
  public record Config(int l, double[] trainTemperatures, int perTemperature, double[] oodTemperatures,
                       int oodPerTemperature, int randomSpins, Target target, String group, Layer architecture,
                       int[] widths, int members, boolean antithetic, double lr, long[] steps, int orbitElements,
                       Ising.Algorithm algorithm, int thermalisation, int interval, long seed, int threads) {
    public Config {
      if (l < 2) throw new IllegalArgumentException("lattice size L must be >= 2, got " + l);
      Objects.requireNonNull(target, "target");
      Objects.requireNonNull(group, "group");
      Objects.requireNonNull(architecture, "architecture");
      Objects.requireNonNull(algorithm, "algorithm");
      checkTemperatures("training", trainTemperatures, false);
      checkTemperatures("out-of-distribution", oodTemperatures, true);
      if (perTemperature < 1) throw new IllegalArgumentException("need >= 1 training configuration per temperature, got " + perTemperature);
      if (oodPerTemperature < 0 || randomSpins < 0) throw new IllegalArgumentException("numbers of out-of-distribution configurations must be >= 0");
      if (oodTemperatures.length * oodPerTemperature + randomSpins < 1) {
        throw new IllegalArgumentException("need at least one out-of-distribution configuration (temperatures or random spins)");
      }
      if (widths.length == 0) throw new IllegalArgumentException("need at least one width");
      for (int w : widths) if (w < 1) throw new IllegalArgumentException("widths must be >= 1, got " + w);
      if (members < 1) throw new IllegalArgumentException("an ensemble needs at least one member, got " + members);
      if (antithetic && members % 2 != 0) {
        throw new IllegalArgumentException("antithetic pairs need an even number of members, got " + members);
      }
      if (!(lr > 0) || Double.isInfinite(lr)) throw new IllegalArgumentException("learning rate must be finite and > 0, got " + lr);
      Objects.requireNonNull(steps, "steps");
      if (steps.length == 0) throw new IllegalArgumentException("need at least one step count");
      for (int i = 0; i < steps.length; i++) {
        if (steps[i] < 0 || (i > 0 && steps[i] <= steps[i - 1])) {
          throw new IllegalArgumentException("step counts must be >= 0, increasing and distinct, got " + Arrays.toString(steps));
        }
      }
      if (orbitElements < 0) throw new IllegalArgumentException("orbit elements must be >= 0 (0: all), got " + orbitElements);
      if (thermalisation < 0 || interval < 1) throw new IllegalArgumentException("need thermalisation >= 0 and interval >= 1");
      if (threads < 1) throw new IllegalArgumentException("threads must be >= 1, got " + threads);
      trainTemperatures = trainTemperatures.clone();
      oodTemperatures = oodTemperatures.clone();
      widths = widths.clone();
      steps = steps.clone();
    }

    private static void checkTemperatures(String what, double[] t, boolean emptyOk) {
      Objects.requireNonNull(t, what + " temperatures");
      if (t.length == 0 && !emptyOk) throw new IllegalArgumentException("need at least one " + what + " temperature");
      for (double v : t) {
        if (!(v > 0) || Double.isInfinite(v)) throw new IllegalArgumentException(what + " temperatures must be finite and > 0, got " + v);
      }
    }

    public int trainSize() { return trainTemperatures.length * perTemperature; }

    public int oodSize() { return oodTemperatures.length * oodPerTemperature + randomSpins; }
  }

  /**
   * What came out. Arrays over recorded steps {@code [r]}, over widths {@code [w][r]}. Deviations are relative.
   *
   * @param ntkDeviation NTK trained on the whole orbit (group-averaged kernel)
   * @param ntkPlainDeviation NTK trained without augmentation
   * @param ensembleDeviation ensemble mean of the finite networks
   * @param memberDeviation mean over members of each member's own deviation
   * @param rmsToNtk RMS distance of the ensemble mean from the augmented NTK mean on the OOD inputs
   */
  public record Result(Config config, Ising.Sample train, double[] yTrain, Ising.Sample ood, double[] yOod,
                       String groupName, int groupOrder, int[] elements, boolean fastPath, String pathReason,
                       double kernelInvarianceError, double stability, long[] steps,
                       double[] ntkDeviation, double[] ntkPlainDeviation, double[][] ntkOod,
                       double[][] ensembleDeviation, double[][] memberDeviation, double[][] rmsToNtk,
                       double[][][] ensembleOod, double ntkSeconds, double[] widthSeconds) {}

  /** The target of every configuration of a sample. */
  public static double[] targets(Ising.Sample s, Target t) {
    Ising m = new Ising(s.l(), Ising.Algorithm.WOLFF);
    double[] y = new double[s.n()];
    for (int i = 0; i < y.length; i++) y[i] = t == Target.ENERGY ? m.energyPerSite(s.configs(), i) : m.absMagnetisation(s.configs(), i);
    return y;
  }

  /** Seeds (in [0, 2^53)) of the chains: training temperatures first, then OOD temperatures, then random spins. */
  static long[] chainSeeds(long seed, int count) {
    SplittableRandom r = new SplittableRandom(seed ^ 0x15179L);
    long[] s = new long[count];
    for (int i = 0; i < count; i++) s[i] = r.nextLong() >>> 11;
    return s;
  }

  /** Training and OOD configurations of the config, reproducible from its seed: {@code [train, ood]}. */
  public static Ising.Sample[] data(Config c) {
    Ising model = new Ising(c.l(), c.algorithm());
    int nt = c.trainTemperatures().length, no = c.oodTemperatures().length;
    long[] seeds = chainSeeds(c.seed(), nt + no + 1);
    Ising.Sample train = null;
    for (int i = 0; i < nt; i++) {
      Ising.Sample s = model.chain(c.trainTemperatures()[i], c.perTemperature(), c.thermalisation(), c.interval(), seeds[i]);
      train = train == null ? s : train.concat(s);
    }
    Ising.Sample ood = model.randomSpins(0, seeds[nt + no]);
    for (int i = 0; i < no && c.oodPerTemperature() > 0; i++) {
      ood = ood.concat(model.chain(c.oodTemperatures()[i], c.oodPerTemperature(), c.thermalisation(), c.interval(), seeds[nt + i]));
    }
    if (c.randomSpins() > 0) ood = ood.concat(model.randomSpins(c.randomSpins(), seeds[nt + no]));
    return new Ising.Sample[] {train, ood};
  }

  /** Distinct non-identity elements on which the orbit deviation is measured, sorted. */
  static int[] elements(int order, int count, long seed) {
    if (count == 0 || count >= order - 1) {
      int[] all = new int[order - 1];
      for (int g = 1; g < order; g++) all[g - 1] = g;
      return all;
    }
    int[] pool = new int[order - 1];
    for (int g = 1; g < order; g++) pool[g - 1] = g;
    SplittableRandom r = new SplittableRandom(seed ^ 0x6e0b17L);
    for (int i = 0; i < count; i++) { // partial Fisher–Yates
      int j = i + r.nextInt(pool.length - i);
      int t = pool[i];
      pool[i] = pool[j];
      pool[j] = t;
    }
    int[] e = Arrays.copyOf(pool, count);
    Arrays.sort(e);
    return e;
  }

  /** Total number of finite-network training steps (progress bar). */
  public static long totalSteps(Config c) { return c.steps()[c.steps().length - 1] * c.members() * c.widths().length; }

  /**
   * Runs the experiment.
   *
   * @param kf analytic kernel function of the config's architecture, NTK parameterisation (spatial mode, summation,
   *     threads as the caller chooses)
   * @param onStep called with 1 after every training step of every member (from worker threads), may be null
   */
  public static Result run(Config c, KernelFunction kf, LongConsumer onStep) {
    Ising.Sample[] data = data(c);
    return run(c, data[0], data[1], kf, onStep);
  }

  /**
   * Runs the experiment on given configurations (e.g. loaded with {@link Ising#load}); the config's temperatures,
   * counts and sampler settings are then not used.
   */
  public static Result run(Config c, Ising.Sample train, Ising.Sample ood, KernelFunction kf, LongConsumer onStep) {
    if (train.l() != c.l() || ood.l() != c.l()) {
      throw new IllegalArgumentException("configurations of L = " + train.l() + " (training) and " + ood.l()
          + " (out-of-distribution) given for a run with L = " + c.l());
    }
    if (train.n() < 1 || ood.n() < 1) throw new IllegalArgumentException("need at least one training and one out-of-distribution configuration");
    if (!kf.architecture().equals(c.architecture()) || kf.parameterization() != Parameterization.NTK) {
      throw new IllegalArgumentException("the kernel function must be of the config's architecture in the NTK parameterization");
    }
    Shape shape = Shape.of(new int[] {c.l(), c.l()}, 1);
    Group group = Groups.parse(c.group(), shape);
    OutputAction inv = OutputAction.invariant();
    double[] y = targets(train, c.target()), yOod = targets(ood, c.target());
    Inputs x = train.inputs(), xo = ood.inputs();
    int n = x.n(), m = xo.n();
    kf.validate(shape);
    if (c.antithetic()) readoutParameters(Layers.withWidths(c.architecture(), c.widths()[0], 1), shape);
    int[] el = elements(group.order(), c.orbitElements(), c.seed());
    List<Inputs> eval = new ArrayList<>();
    eval.add(xo);
    for (int g : el) eval.add(group.act(g, xo));
    int ne = eval.size();
    long[] steps = c.steps();
    int nr = steps.length;

    // infinite width: NTK on the whole orbit (exact group average) and without augmentation
    long t0 = System.nanoTime();
    double[] thetaTrain = kf.compute(x).ntk();
    MsePredictor plain = MsePredictor.fit(thetaTrain, n, y, 1, c.lr(), 0.0);
    double[] ev = plain.eigenvalues();
    double stability = c.lr() * ev[ev.length - 1] / n;
    if (stability >= 2) {
      throw new IllegalArgumentException(String.format(Locale.ROOT, "learning rate %s is too large: lr·λ_max(Θ)/n = %.4g"
          + " >= 2 on the training set, so gradient descent diverges even at infinite width; use lr < %.4g",
          c.lr(), stability, 2 * c.lr() / stability));
    }
    AugmentedRegression aug = AugmentedRegression.fit(kf, x, y, 1, group, inv,
        new AugmentedRegression.Options().lr(c.lr()).seed(c.seed()));
    double[][] ntkDev = new double[1][nr], plainDev = new double[1][nr];
    double[][] ntkOod = new double[nr][];
    AugmentedRegression.Prepared[] prep = new AugmentedRegression.Prepared[ne];
    double[][] kPlain = new double[ne][];
    for (int e = 0; e < ne; e++) {
      prep[e] = aug.prepare(eval.get(e));
      kPlain[e] = kf.compute(eval.get(e), x).ntk();
    }
    for (int r = 0; r < nr; r++) {
      double[][] fa = new double[ne][], fp = new double[ne][];
      for (int e = 0; e < ne; e++) {
        fa[e] = prep[e].meanSteps(steps[r]);
        fp[e] = plain.meanSteps(kPlain[e], m, steps[r]);
      }
      ntkOod[r] = fa[0];
      ntkDev[0][r] = Orbits.deviation(fa, m, ne, inv, 1).relative();
      plainDev[0][r] = Orbits.deviation(fp, m, ne, inv, 1).relative();
    }
    double ntkSeconds = (System.nanoTime() - t0) * 1e-9;

    // finite widths, random augmentation
    int nw = c.widths().length;
    double[][] ensDev = new double[nw][nr], memDev = new double[nw][nr], rms = new double[nw][nr];
    double[][][] ensOod = new double[nw][nr][];
    double[] widthSeconds = new double[nw];
    Training training = new Training(c.lr(), steps, 0, Augmentation.random(group, inv));
    for (int wi = 0; wi < nw; wi++) {
      long w0 = System.nanoTime();
      Layer arch = Layers.withWidths(c.architecture(), c.widths()[wi], 1);
      FiniteNetwork net = new FiniteNetwork(arch, shape, Parameterization.NTK);
      if (net.outputs() != 1) throw new ArchitectureException("the readout of " + arch + " has " + net.outputs() + " outputs; the target is a scalar");
      double[][][][] pred; // [member][record][eval][i]
      try {
        pred = trainMembers(net, arch, shape, x, y, training, eval, c, onStep);
      } catch (IllegalArgumentException ex) {
        throw new IllegalArgumentException("width " + c.widths()[wi] + ", " + ex.getMessage(), ex);
      }
      int mm = c.members();
      for (int r = 0; r < nr; r++) {
        double[][] mean = new double[ne][m];
        for (int i = 0; i < mm; i++) {
          for (int e = 0; e < ne; e++) for (int j = 0; j < m; j++) mean[e][j] += pred[i][r][e][j];
        }
        for (int e = 0; e < ne; e++) for (int j = 0; j < m; j++) mean[e][j] /= mm;
        ensOod[wi][r] = mean[0];
        ensDev[wi][r] = Orbits.deviation(mean, m, ne, inv, 1).relative();
        double s = 0;
        for (int i = 0; i < mm; i++) s += Orbits.deviation(pred[i][r], m, ne, inv, 1).relative();
        memDev[wi][r] = s / mm;
        double d = 0;
        for (int j = 0; j < m; j++) d += (mean[0][j] - ntkOod[r][j]) * (mean[0][j] - ntkOod[r][j]);
        rms[wi][r] = Math.sqrt(d / m);
      }
      widthSeconds[wi] = (System.nanoTime() - w0) * 1e-9;
    }
    double invErr = aug.invariance() == null ? Double.NaN : aug.invariance().error();
    return new Result(c, train, y, ood, yOod, group.name(), group.order(), el, aug.usedFastPath(), aug.path(), invErr,
        stability, steps, ntkDev[0], plainDev[0], ntkOod, ensDev, memDev, rms, ensOod, ntkSeconds, widthSeconds);
  }

  /**
   * Number of parameters of the readout, the last layer of the top-level {@link Serial}, which must be a Dense layer
   * (its output is linear in its own parameters, so negating them negates the network's output).
   */
  static int readoutParameters(Layer arch, Shape input) {
    if (!(arch instanceof Serial s) || !(s.layers().get(s.layers().size() - 1) instanceof org.ntk4j.layers.Dense)) {
      throw new ArchitectureException("antithetic pairs need an architecture that ends with a Dense readout, got " + arch);
    }
    List<Layer> ls = s.layers();
    Layer body = Layers.serial(ls.subList(0, ls.size() - 1).toArray(new Layer[0]));
    Shape h = body.outputShape(input, Parameterization.NTK);
    return ls.get(ls.size() - 1).instantiate(h, Parameterization.NTK).parameterCount();
  }

  private static double[][][][] trainMembers(FiniteNetwork net, Layer arch, Shape shape, Inputs x, double[] y,
                                             Training training, List<Inputs> eval, Config c, LongConsumer onStep) {
    Trainer trainer = new Trainer(net, x, y, training);
    int mm = c.members();
    int readout = c.antithetic() ? readoutParameters(arch, shape) : 0;
    int independent = c.antithetic() ? mm / 2 : mm;
    long[] seeds = Ensemble.memberSeeds(c.seed(), independent);
    double[][][][] pred = new double[mm][][][];
    DenseLinalg la = DenseLinalg.get();
    int blasThreads = la.threads();
    la.setThreads(1);
    ExecutorService pool = Executors.newFixedThreadPool(Math.min(c.threads(), mm));
    try {
      List<Future<double[][][]>> fs = new ArrayList<>();
      for (int i = 0; i < mm; i++) {
        long s = seeds[c.antithetic() ? i / 2 : i];
        boolean twin = c.antithetic() && i % 2 == 1;
        fs.add(pool.submit(() -> {
          SplittableRandom r = new SplittableRandom(s);
          double[] params = net.initialize(r.nextLong());
          if (twin) {
            double[] f0 = net.apply(params, eval.get(0));
            for (int p = params.length - readout; p < params.length; p++) params[p] = -params[p];
            double[] g0 = net.apply(params, eval.get(0));
            for (int j = 0; j < f0.length; j++) {
              if (g0[j] != -f0[j]) {
                throw new IllegalStateException("antithetic twin: negating the readout did not negate the output");
              }
            }
          }
          return trainer.train(params, eval, new SplittableRandom(r.nextLong()), onStep);
        }));
      }
      for (int i = 0; i < mm; i++) pred[i] = fs.get(i).get();
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
    return pred;
  }
}
