package org.ntk4j.experiments;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
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
import org.ntk4j.kernel.Kernels;
import org.ntk4j.layers.Layer;
import org.ntk4j.layers.Layers;
import org.ntk4j.layers.Parameterization;
import org.ntk4j.predict.MsePredictor;
import org.ntk4j.symmetry.AugmentedRegression;
import org.ntk4j.symmetry.Certificate;
import org.ntk4j.symmetry.Group;
import org.ntk4j.symmetry.Groups;
import org.ntk4j.symmetry.Orbits;
import org.ntk4j.symmetry.OutputAction;

/**
 * The {@code ntk demo} job: emergent equivariance in miniature, with no download. Synthetic square images (Gaussian
 * noise), two classes by a rotation-invariant rule (is the mean of the central quarter above the mean of the border?),
 * one-hot targets; a fully connected ReLU network on the flattened pixels.
 * <ol>
 *   <li>the NTK Θ of the training images (float64, the kernel of the infinite-width network);</li>
 *   <li>training on the C4-augmented training set (every image in its 4 rotations): the analytic infinite ensemble μ_t
 *       after the same number of gradient-descent steps ({@link MsePredictor#meanSteps}; the certificate, by
 *       {@link AugmentedRegression}, in gradient-flow time t = steps and at t = ∞) and small deep ensembles of
 *       finite networks of several widths, trained by gradient descent;</li>
 *   <li>the invariance certificate: orbit deviation max_g ‖f(gx) − f(x)‖ on the test images at several times, for μ_t
 *       (≈ 1e-16: exact; {@link Certificate} also at t = ∞), for the finite ensemble means and their single members;</li>
 *   <li>the same without augmentation: now μ_t is not invariant either.</li>
 * </ol>
 */
public final class DemoExperiment {
  private DemoExperiment() {}

  public static final String ARCH = "Flatten -> Dense(W_std=1.5, b_std=0.1) -> Relu -> Dense(W_std=1.5, b_std=0.1)";

  /**
   * @param side image side (H = W), ≥ 2
   * @param nTrain training images, nTest test images
   * @param widths hidden widths of the finite networks
   * @param members ensemble size
   * @param steps recorded gradient-descent steps (sorted, distinct)
   */
  public record Config(int side, int nTrain, int nTest, int[] widths, int members, long[] steps, double lr, long seed,
                       int threads) {
    public Config {
      if (side < 2) throw new IllegalArgumentException("image side must be >= 2, got " + side);
      if (nTrain < 1 || nTest < 1) throw new IllegalArgumentException("need at least one training and one test image");
      Objects.requireNonNull(widths, "widths");
      if (widths.length == 0) throw new IllegalArgumentException("need at least one width");
      for (int w : widths) if (w < 1) throw new IllegalArgumentException("widths must be >= 1, got " + w);
      if (members < 1) throw new IllegalArgumentException("an ensemble needs at least one member, got " + members);
      if (threads < 1) throw new IllegalArgumentException("threads must be >= 1, got " + threads);
      widths = widths.clone();
      steps = steps.clone();
      Training.fullBatch(lr, steps); // validates lr and steps
    }

    public static Config defaults() {
      return new Config(8, 16, 16, new int[] {64, 512}, 32, new long[] {0, 10, 100, 500}, 1.0, 0,
          Runtime.getRuntime().availableProcessors());
    }
  }

  /**
   * One training regime (C4-augmented or not), figures indexed {@code [record]} and {@code [width][record]}.
   * Orbit deviations on the test images, max over images x and rotations g of ‖f(gx) − f(x)‖₂, are absolute (the
   * one-hot targets have norm 1, so they are in units of the target) except {@code devNtkRelative} (divided by
   * max ‖μ(x)‖, {@link Orbits#deviation}). {@code devMembers}: mean over members of each network's own deviation.
   * OSP: mean over test images of the number of rotations (of 4) with the same predicted class as the image itself.
   * {@code rms*}: root mean square distance from μ_t on the test images. {@code devBySize[i]}: orbit deviation of the
   * mean of the first {@code ensembleSizes[i]} members (1, 2, 4, …, M), largest width, last step.
   */
  public record Regime(boolean augmented, int trainSize, double[] devNtk, double[] devNtkRelative, double[] ospNtk,
                       double[][] devEnsemble, double[][] devMembers, double[][] ospEnsemble, double[][] ospMembers,
                       double[][] rmsEnsembleToNtk, double[][] rmsMembersToNtk, int[] ensembleSizes,
                       double[] devBySize) {}

  /**
   * @param ntkSeconds time for Θ of the training images
   * @param certificate the certificate of the augmented infinite ensemble at the recorded steps and t = ∞
   */
  public record Result(Config config, String group, double ntkSeconds, double[] ntkDiagonal, Regime augmented,
                       Regime plain, Certificate certificate, double seconds) {
    public long[] steps() { return config.steps(); }
  }

  /** Total training steps of both runs (for a progress bar). */
  public static long totalSteps(Config c) {
    return 2L * c.steps()[c.steps().length - 1] * c.members() * c.widths().length;
  }

  /** Synthetic images (n, side, side, 1) of independent standard normal pixels. */
  public static Inputs images(int n, int side, SplittableRandom rng) {
    double[] d = new double[n * side * side];
    for (int i = 0; i < d.length; i++) d[i] = rng.nextGaussian();
    return new Inputs(n, Shape.of(new int[] {side, side}, 1), d);
  }

  /**
   * One-hot targets (n, 2): class 1 when the mean of the central square (rows and columns side/4 .. side − side/4 − 1)
   * exceeds the mean of the other pixels; invariant under rotations by 90°.
   */
  public static double[] labels(Inputs x) {
    int side = x.shape().spatial(0), lo = side / 4, hi = side - side / 4;
    double[] y = new double[2 * x.n()];
    for (int i = 0; i < x.n(); i++) {
      double in = 0, out = 0;
      int nin = 0, nout = 0;
      for (int r = 0; r < side; r++) {
        for (int c = 0; c < side; c++) {
          double v = x.get(i, r * side + c);
          if (r >= lo && r < hi && c >= lo && c < hi) {
            in += v;
            nin++;
          } else {
            out += v;
            nout++;
          }
        }
      }
      int cls = nout == 0 || in / nin > out / nout ? 1 : 0;
      y[2 * i + cls] = 1;
    }
    return y;
  }

  public static Result run(Config c, LongConsumer onStep) {
    long t0 = System.nanoTime();
    Layer arch = ArchitectureParser.parse(ARCH);
    SplittableRandom rng = new SplittableRandom(c.seed());
    Inputs x = images(c.nTrain(), c.side(), rng);
    Inputs xt = images(c.nTest(), c.side(), rng);
    double[] y = labels(x);
    Group g = Groups.parse("C4", x.shape());
    OutputAction inv = OutputAction.invariant();
    KernelFunction kf = KernelFunction.of(arch).parameterization(Parameterization.NTK).threads(c.threads()).build();

    long tk = System.nanoTime();
    Kernels k = kf.compute(x);
    double ntkSeconds = (System.nanoTime() - tk) * 1e-9;
    double[] diag = new double[x.n()];
    for (int i = 0; i < x.n(); i++) diag[i] = k.ntk()[i * x.n() + i];

    List<Inputs> eval = new ArrayList<>();
    eval.add(xt);
    for (int e = 1; e < g.order(); e++) eval.add(g.act(e, xt));
    Regime aug = regime(c, arch, kf, x, y, eval, g, true, onStep);
    Regime plain = regime(c, arch, kf, x, y, eval, g, false, onStep);

    AugmentedRegression reg = AugmentedRegression.fit(kf, x, y, 2, g, inv, new AugmentedRegression.Options().lr(c.lr()));
    Map<String, Inputs> splits = new LinkedHashMap<>();
    splits.put("train", x);
    splits.put("test", xt);
    long[] st = c.steps();
    double[] times = new double[st.length + 1];
    for (int i = 0; i < st.length; i++) times[i] = st[i];
    times[st.length] = Double.POSITIVE_INFINITY;
    Certificate cert = Certificate.compute(reg, splits, times, true);
    return new Result(c, g.name(), ntkSeconds, diag, aug, plain, cert, (System.nanoTime() - t0) * 1e-9);
  }

  private static Regime regime(Config c, Layer arch, KernelFunction kf, Inputs x, double[] y, List<Inputs> eval, Group g,
                               boolean augmented, LongConsumer onStep) {
    OutputAction inv = OutputAction.invariant();
    int order = eval.size(), m = eval.get(0).n(), k = 2;
    Inputs xa = augmented ? org.ntk4j.symmetry.Augmentation.orbitInputs(x, g) : x;
    double[] ya = new double[xa.n() * k];
    for (int e = 0; e < xa.n() / x.n(); e++) System.arraycopy(y, 0, ya, e * y.length, y.length);
    double[] theta = kf.compute(xa).ntk();
    double maxLr = MsePredictor.maxLearningRate(theta, xa.n(), (long) xa.n() * k);
    if (c.lr() >= maxLr) {
      throw new IllegalArgumentException(String.format(Locale.ROOT, "learning rate %s is too large: gradient descent on"
          + " these %d training samples diverges even at infinite width for lr >= %.4g", c.lr(), xa.n(), maxLr));
    }
    MsePredictor pred = MsePredictor.fit(theta, xa.n(), ya, k, c.lr(), 0.0);
    double[][] kte = new double[order][];
    for (int e = 0; e < order; e++) kte[e] = kf.compute(eval.get(e), xa).ntk();
    long[] steps = c.steps();
    int nr = steps.length, nw = c.widths().length;
    double[][] mu = new double[nr][];
    double[] devNtk = new double[nr], devRel = new double[nr], ospNtk = new double[nr];
    for (int r = 0; r < nr; r++) {
      double[][] fg = new double[order][];
      for (int e = 0; e < order; e++) fg[e] = pred.meanSteps(kte[e], m, steps[r]);
      mu[r] = fg[0];
      Orbits.Deviation d = Orbits.deviation(fg, m, order, inv, k);
      devNtk[r] = d.absolute();
      devRel[r] = d.relative();
      ospNtk[r] = osp(fg, m, order, k);
    }
    Training training = new Training(c.lr(), steps, 0, augmented ? Augmentation.fullOrbit(g, inv) : Augmentation.none());
    double[][] devE = new double[nw][nr], devM = new double[nw][nr], ospE = new double[nw][nr], ospM = new double[nw][nr];
    double[][] rmsE = new double[nw][nr], rmsM = new double[nw][nr];
    int[] sizes = EnsembleComparison.ensembleSizes(c.members());
    double[] bySize = new double[sizes.length];
    for (int wi = 0; wi < nw; wi++) {
      FiniteNetwork net = new FiniteNetwork(Layers.withWidths(arch, c.widths()[wi], k), x.shape(), Parameterization.NTK);
      Ensemble.Result res = Ensemble.train(net, x, y, training, eval, c.members(), c.seed(), c.threads(), onStep);
      for (int r = 0; r < nr; r++) {
        double[][] fm = new double[order][];
        for (int e = 0; e < order; e++) fm[e] = res.mean(r, e, c.members());
        devE[wi][r] = Orbits.deviation(fm, m, order, inv, k).absolute();
        ospE[wi][r] = osp(fm, m, order, k);
        rmsE[wi][r] = EnsembleComparison.rms(fm[0], mu[r]);
        double dv = 0, os = 0, rm = 0;
        for (int i = 0; i < c.members(); i++) {
          double[][] fi = res.predictions()[i][r];
          dv += Orbits.deviation(fi, m, order, inv, k).absolute();
          os += osp(fi, m, order, k);
          rm += EnsembleComparison.rms(fi[0], mu[r]);
        }
        devM[wi][r] = dv / c.members();
        ospM[wi][r] = os / c.members();
        rmsM[wi][r] = rm / c.members();
      }
      if (wi == nw - 1) {
        for (int si = 0; si < sizes.length; si++) {
          double[][] fm = new double[order][];
          for (int e = 0; e < order; e++) fm[e] = res.mean(nr - 1, e, sizes[si]);
          bySize[si] = Orbits.deviation(fm, m, order, inv, k).absolute();
        }
      }
    }
    return new Regime(augmented, xa.n(), devNtk, devRel, ospNtk, devE, devM, ospE, ospM, rmsE, rmsM, sizes, bySize);
  }

  /** Mean over inputs of the number of elements (of |G|) whose prediction has the same argmax as the input's own. */
  static double osp(double[][] fg, int n, int order, int k) {
    return order * EnsembleComparison.osp(fg, n, order, k);
  }
}
