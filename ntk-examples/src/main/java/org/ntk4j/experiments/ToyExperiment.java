package org.ntk4j.experiments;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.SplittableRandom;
import java.util.function.LongConsumer;
import org.ntk4j.Inputs;
import org.ntk4j.Shape;
import org.ntk4j.finite.Augmentation;
import org.ntk4j.finite.Ensemble;
import org.ntk4j.finite.EnsembleComparison;
import org.ntk4j.finite.FiniteNetwork;
import org.ntk4j.finite.Training;
import org.ntk4j.io.ArchitectureParser;
import org.ntk4j.kernel.KernelFunction;
import org.ntk4j.layers.Layer;
import org.ntk4j.layers.Layers;
import org.ntk4j.layers.Parameterization;
import org.ntk4j.predict.MsePredictor;
import org.ntk4j.symmetry.Group;
import org.ntk4j.symmetry.Groups;
import org.ntk4j.symmetry.Orbits;
import org.ntk4j.symmetry.OutputAction;

/**
 * The toy experiment of "Emergent Equivariance in Deep Ensembles" (Gerken &amp; Kessel, ICML 2024): a C_k-invariant
 * function on the plane, y(r, φ) = r·cos(kφ), learned from a few training points together with their C_k orbits (full
 * orbit augmentation), by finite networks of several widths (deep ensembles) and by the infinite-width NTK.
 *
 * <p>Predictions are recorded on two circles — radius 1 (where half of the training points lie) and a second radius off
 * the training data — as functions of the angle, for a single network (member 0), the ensemble mean and the analytic
 * infinite ensemble μ_s of gradient descent after s steps ({@link MsePredictor#meanSteps}, the same discrete dynamics as
 * the finite networks, learning rate lr on ½·mean((f − y)²)). The claim checked: μ_s is C_k-invariant to machine
 * precision at every step; a single finite network is not; the ensemble mean is in between and approaches μ_s as the
 * width grows.
 *
 * <p>Orbit deviation ({@link Orbits#deviation}) over both circles: the absolute deviation max over the evaluation points x
 * and elements g of |f(gx) − f(x)| for every predictor (comparable across predictors: the target's amplitude is at most
 * max(1, radius2)), and for the NTK also the relative one, divided by max |μ(x)|.
 */
public final class ToyExperiment {
  private ToyExperiment() {}

  /** A one-hidden-layer ReLU network in the NTK parameterisation (the hidden width is set per run). */
  public static final String DEFAULT_ARCH = "Dense(W_std=1.5, b_std=0.1) -> Relu -> Dense(W_std=1.5, b_std=0.1)";

  /**
   * @param k order of the rotation group C_k (≥ 1)
   * @param nTrain training points before augmentation (≥ 1); every second lies on the unit circle, the others at radii
   *     uniform in [0.7, 1.3]
   * @param widths hidden widths of the finite networks
   * @param members ensemble size per width
   * @param steps recorded step counts (sorted, distinct, ≥ 0); training runs to the last
   * @param lr learning rate
   * @param seed seed of the training points and of the ensembles
   * @param radius2 the second evaluation radius (off the training data)
   * @param angles evaluation angles per circle, uniform in [0, 2π)
   * @param arch the architecture (hidden widths left unstated)
   */
  public record Config(int k, int nTrain, int[] widths, int members, long[] steps, double lr, long seed, double radius2,
                       int angles, String arch, int threads) {
    public Config {
      if (k < 1) throw new IllegalArgumentException("k (order of C_k) must be >= 1, got " + k);
      if (nTrain < 1) throw new IllegalArgumentException("need at least one training point, got " + nTrain);
      Objects.requireNonNull(widths, "widths");
      if (widths.length == 0) throw new IllegalArgumentException("need at least one width");
      for (int w : widths) if (w < 1) throw new IllegalArgumentException("widths must be >= 1, got " + w);
      if (members < 1) throw new IllegalArgumentException("an ensemble needs at least one member, got " + members);
      if (!(radius2 > 0) || Double.isInfinite(radius2)) throw new IllegalArgumentException("the second radius must be finite and > 0, got " + radius2);
      if (angles < 2) throw new IllegalArgumentException("need at least 2 evaluation angles, got " + angles);
      if (threads < 1) throw new IllegalArgumentException("threads must be >= 1, got " + threads);
      widths = widths.clone();
      steps = steps.clone();
      Training.fullBatch(lr, steps); // validates lr and steps
    }

    /** The defaults of {@code ntk experiment toy}. */
    public static Config defaults() {
      return new Config(4, 6, new int[] {32, 128, 512}, 64, new long[] {0, 1, 2, 3, 2000}, 0.5, 0, 1.5, 360,
          DEFAULT_ARCH, Runtime.getRuntime().availableProcessors());
    }
  }

  /**
   * Results; curves are indexed {@code [record][circle][angle]} (circle 0: radius 1, circle 1: radius2), per width
   * {@code [width][record][circle][angle]}; orbit deviations {@code [record]} and {@code [width][record]}, absolute except
   * {@code devNtkRelative}; {@code devSingle} is member 0's, {@code devMembers} the mean over members of each one's own.
   */
  public record Result(Config config, String group, boolean exactGroup, double[] radii, double[] angles,
                       double[][] truth, double[] trainAngles, double[] trainRadii, double[] trainTargets,
                       double[][][] ntk, double[][][][] single, double[][][][] ensembleMean,
                       double[] devNtkRelative, double[] devNtk, double[][] devSingle, double[][] devMembers, double[][] devEnsemble,
                       double[][] rmsEnsembleToNtk, double[][] rmsSingleToNtk, double maxLearningRate, double seconds) {
    public long[] steps() { return config.steps(); }
  }

  /** The target function r·cos(kφ), invariant under rotations by 2π/k. */
  public static double target(int k, double r, double phi) { return r * Math.cos(k * phi); }

  /** Total training steps (for a progress bar). */
  public static long totalSteps(Config c) {
    return c.steps()[c.steps().length - 1] * c.members() * c.widths().length;
  }

  public static Result run(Config c, LongConsumer onStep) {
    long t0 = System.nanoTime();
    Layer arch = ArchitectureParser.parse(c.arch());
    Shape shape = Shape.flat(2);
    Group group = Groups.parse("C" + c.k(), shape);
    OutputAction inv = OutputAction.invariant();

    // training points and their invariant targets
    SplittableRandom rng = new SplittableRandom(c.seed());
    int n = c.nTrain();
    double[] tPhi = new double[n], tR = new double[n], tY = new double[n], tx = new double[2 * n];
    for (int i = 0; i < n; i++) {
      tPhi[i] = rng.nextDouble(0, 2 * Math.PI);
      tR[i] = i % 2 == 0 ? 1.0 : rng.nextDouble(0.7, 1.3);
      tx[2 * i] = tR[i] * Math.cos(tPhi[i]);
      tx[2 * i + 1] = tR[i] * Math.sin(tPhi[i]);
      tY[i] = target(c.k(), tR[i], tPhi[i]);
    }
    Inputs xTrain = new Inputs(n, shape, tx);

    // evaluation points: two circles, and their images under every element of C_k
    int m = c.angles();
    double[] radii = {1.0, c.radius2()};
    double[] phis = new double[m];
    double[][] truth = new double[2][m];
    double[] ex = new double[2 * 2 * m];
    for (int ci = 0; ci < 2; ci++) {
      for (int a = 0; a < m; a++) {
        double phi = 2 * Math.PI * a / m;
        phis[a] = phi;
        truth[ci][a] = target(c.k(), radii[ci], phi);
        int p = ci * m + a;
        ex[2 * p] = radii[ci] * Math.cos(phi);
        ex[2 * p + 1] = radii[ci] * Math.sin(phi);
      }
    }
    Inputs xEval = new Inputs(2 * m, shape, ex);
    List<Inputs> eval = new ArrayList<>();
    eval.add(xEval);
    for (int g = 1; g < group.order(); g++) eval.add(group.act(g, xEval));
    int order = eval.size();

    // the infinite ensemble: NTK on the augmented training set, discrete gradient descent
    Inputs xAug = org.ntk4j.symmetry.Augmentation.orbitInputs(xTrain, group);
    double[] yAug = new double[xAug.n()];
    for (int g = 0; g < order; g++) System.arraycopy(tY, 0, yAug, g * n, n);
    KernelFunction kf = KernelFunction.of(arch).parameterization(Parameterization.NTK).threads(c.threads()).build();
    double[] thetaTrain = kf.compute(xAug).ntk();
    double maxLr = MsePredictor.maxLearningRate(thetaTrain, xAug.n(), xAug.n());
    if (c.lr() >= maxLr) {
      throw new IllegalArgumentException(String.format(java.util.Locale.ROOT, "learning rate %s is too large: gradient"
          + " descent on these %d augmented training points diverges even at infinite width for lr >= %.4g", c.lr(),
          xAug.n(), maxLr));
    }
    MsePredictor pred = MsePredictor.fit(thetaTrain, xAug.n(), yAug, 1, c.lr(), 0.0);
    double[][] kte = new double[order][];
    for (int e = 0; e < order; e++) kte[e] = kf.compute(eval.get(e), xAug).ntk();
    long[] steps = c.steps();
    int nr = steps.length;
    double[][][] ntk = new double[nr][][];
    double[] devNtk = new double[nr], devNtkRel = new double[nr];
    for (int r = 0; r < nr; r++) {
      double[][] fg = new double[order][];
      for (int e = 0; e < order; e++) fg[e] = pred.meanSteps(kte[e], 2 * m, steps[r]);
      ntk[r] = circles(fg[0], m);
      Orbits.Deviation d = Orbits.deviation(fg, 2 * m, order, inv, 1);
      devNtk[r] = d.absolute();
      devNtkRel[r] = d.relative();
    }

    // finite ensembles, trained on the full orbit
    Training training = new Training(c.lr(), steps, 0, Augmentation.fullOrbit(group, inv));
    int nw = c.widths().length;
    double[][][][] single = new double[nw][nr][][];
    double[][][][] mean = new double[nw][nr][][];
    double[][] devSingle = new double[nw][nr], devMembers = new double[nw][nr], devEns = new double[nw][nr];
    double[][] rmsEns = new double[nw][nr], rmsSingle = new double[nw][nr];
    for (int wi = 0; wi < nw; wi++) {
      FiniteNetwork net = new FiniteNetwork(Layers.withWidths(arch, c.widths()[wi], 1), shape, Parameterization.NTK);
      if (net.outputs() != 1) {
        throw new IllegalArgumentException("the architecture's readout has " + net.outputs() + " outputs but the toy"
            + " target is a scalar; leave the readout width unstated");
      }
      Ensemble.Result res = Ensemble.train(net, xTrain, tY, training, eval, c.members(), c.seed(), c.threads(), onStep);
      for (int r = 0; r < nr; r++) {
        double[][] fm = new double[order][];
        for (int e = 0; e < order; e++) fm[e] = res.mean(r, e, c.members());
        mean[wi][r] = circles(fm[0], m);
        single[wi][r] = circles(res.member(0, r, 0), m);
        devEns[wi][r] = Orbits.deviation(fm, 2 * m, order, inv, 1).absolute();
        devSingle[wi][r] = Orbits.deviation(res.predictions()[0][r], 2 * m, order, inv, 1).absolute();
        double s = 0;
        for (int i = 0; i < c.members(); i++) s += Orbits.deviation(res.predictions()[i][r], 2 * m, order, inv, 1).absolute();
        devMembers[wi][r] = s / c.members();
        double[] mu = pred.meanSteps(kte[0], 2 * m, steps[r]);
        rmsEns[wi][r] = EnsembleComparison.rms(fm[0], mu);
        rmsSingle[wi][r] = EnsembleComparison.rms(res.member(0, r, 0), mu);
      }
    }
    return new Result(c, group.name(), group.isExact(), radii, phis, truth, tPhi, tR, tY, ntk, single, mean, devNtkRel, devNtk,
        devSingle, devMembers, devEns, rmsEns, rmsSingle, maxLr, (System.nanoTime() - t0) * 1e-9);
  }

  private static double[][] circles(double[] f, int m) {
    return new double[][] {Arrays.copyOfRange(f, 0, m), Arrays.copyOfRange(f, m, 2 * m)};
  }
}
