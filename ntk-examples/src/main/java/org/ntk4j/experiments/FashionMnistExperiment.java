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
import org.ntk4j.kernel.KernelFunction;
import org.ntk4j.layers.Layer;
import org.ntk4j.layers.Layers;
import org.ntk4j.layers.Parameterization;
import org.ntk4j.predict.MsePredictor;
import org.ntk4j.symmetry.AugmentedRegression;
import org.ntk4j.symmetry.Group;
import org.ntk4j.symmetry.Groups;
import org.ntk4j.symmetry.Orbits;
import org.ntk4j.symmetry.OutputAction;

/**
 * The rotated Fashion-MNIST comparison of "Emergent Equivariance in Deep Ensembles" (Gerken &amp; Kessel, ICML 2024,
 * the table of orbit-same-predictions under C4, C8, C16): for every rotation group G, on a training subset augmented by
 * the whole orbit of G (invariant labels),
 * <ul>
 *   <li>the infinite ensemble: the mean of infinitely wide networks trained by the same gradient descent, i.e. NTK
 *       regression on the augmented set ({@link AugmentedRegression}) after the same number of steps (and converged);</li>
 *   <li>a finite deep ensemble of M networks trained with the same augmentation ("DeepEns+DA"), and its members on
 *       their own ("only DA", the mean over the M members of each single network's figures);</li>
 * </ul>
 * each measured by OSP, orbit-same-predictions: per input x, the number of the |G| rotated copies ρ(g)x (identity
 * included) whose argmax equals that of x, averaged over inputs (|G| for an invariant classifier), on
 * out-of-distribution inputs ({@link #blobImages}: smooth random blobs, which no class resembles) and on the test images; plus the
 * test accuracy and the relative orbit deviation max ‖f(gx) − f(x)‖ / max ‖f(x)‖.
 *
 * <p>Which NTK solve is valid. C4 acts on the pixels exactly (a permutation), and the architectures used here have a
 * C4-invariant NTK, so the group-averaged fast path is exact, and its predictions are invariant to round-off (bitwise
 * with order-independent summation). C8 and C16 rotate by bilinear interpolation: the maps are not a group action
 * (two 22.5° rotations are not one 45° rotation, corners are lost), so Σ_g Θ(x, g x') is no group average, the kernel
 * is not invariant under them, and the fast path's derivation does not hold. What the finite networks are trained on
 * is the explicitly augmented set, so the infinite-width limit of <em>that</em> training is explicit augmentation
 * ({@link AugmentedRegression.Path#AUTO} chooses it for groups that are not closed); its predictions are not exactly
 * invariant, and the result flags the action as inexact.
 */
public final class FashionMnistExperiment {
  /** The paper's reported OSP rows (Gerken &amp; Kessel 2024, rotated Fashion-MNIST), columns C4, C8, C16. */
  public static final String[] PAPER_GROUPS = {"C4", "C8", "C16"};
  public static final String[] PAPER_ROWS = {"DeepEns+DA", "only DA", "E2CNN", "canonicalisation"};
  public static final double[][] PAPER_OSP = {
      {3.85, 7.72, 15.24},
      {3.41, 6.73, 12.77},
      {4, 7.71, 15.08},
      {4, 7.45, 12.41}};

  private FashionMnistExperiment() {}

  /**
   * What to run.
   *
   * @param architecture hidden widths left free (set to {@code width}), readout width free or 10
   * @param groups rotation group names, e.g. C4, C8, C16
   * @param lr learning rate of full-batch gradient descent on ½·mean((f − y)²) over the augmented set
   * @param steps number of gradient-descent steps (finite networks and the NTK prediction)
   */
  public record Config(Layer architecture, String[] groups, int width, int members, double lr, long steps, long seed,
                       int threads) {
    public Config {
      Objects.requireNonNull(architecture, "architecture");
      if (groups.length == 0) throw new IllegalArgumentException("need at least one group");
      if (width < 1) throw new IllegalArgumentException("width must be >= 1, got " + width);
      if (members < 1) throw new IllegalArgumentException("members must be >= 1, got " + members);
      if (!(lr > 0) || Double.isInfinite(lr)) throw new IllegalArgumentException("learning rate must be finite and > 0, got " + lr);
      if (steps < 1) throw new IllegalArgumentException("steps must be >= 1, got " + steps);
      if (threads < 1) throw new IllegalArgumentException("threads must be >= 1, got " + threads);
      groups = groups.clone();
    }
  }

  /** The data: training and test images with labels, and the out-of-distribution images. */
  public record Data(Inputs xTrain, int[] yTrain, Inputs xTest, int[] yTest, Inputs ood) {
    public Data {
      if (!xTest.shape().equals(xTrain.shape()) || !ood.shape().equals(xTrain.shape())) {
        throw new IllegalArgumentException("training, test and out-of-distribution images need one shape, got "
            + xTrain.shape() + ", " + xTest.shape() + ", " + ood.shape());
      }
      if (yTrain.length != xTrain.n() || yTest.length != xTest.n()) {
        throw new IllegalArgumentException("labels: " + yTrain.length + " for " + xTrain.n() + " training images, "
            + yTest.length + " for " + xTest.n() + " test images");
      }
    }
  }

  /** Figures of one model on one group: OSP on OOD and test inputs, test accuracy, relative orbit deviation (OOD). */
  public record Figures(double ospOod, double ospTest, double accuracy, double orbitDeviation) {}

  /**
   * Results for one group.
   *
   * @param ntkOspPerInput NTK (at the trained steps) OSP count of every OOD input
   * @param ensembleSizes ensemble sizes (prefixes of the members) of {@code ospOodBySize}
   */
  public record GroupResult(String group, int order, boolean exactAction, String ntkPath, Figures ntk,
                            Figures ntkConverged, Figures ensemble, Figures single, int[] ntkOspPerInput,
                            int[] ensembleSizes, double[] ospOodBySize, double ntkSeconds, double ensembleSeconds) {}

  /** Total number of training steps over all groups and members (for progress). */
  public static long totalSteps(Config c) { return (long) c.groups().length * c.members() * c.steps(); }

  /**
   * Out-of-distribution images: each the sum of three Gaussian blobs with random centres inside the inscribed disc
   * (radius 0.3·side about the centre), widths 0.06–0.15·side and amplitudes 0.4–1, clipped to [0, 1]. Smooth and
   * below 0.08 in the corners, so that interpolated rotations change them little and lose little at the corners, yet
   * unlike any Fashion-MNIST class. Reproducible from the seed.
   */
  public static Inputs blobImages(int n, Shape shape, long seed) {
    if (n < 1) throw new IllegalArgumentException("need at least one out-of-distribution image, got " + n);
    if (shape.spatialRank() != 2 || shape.channels() != 1) throw new IllegalArgumentException("blob images are (H, W, 1), not " + shape);
    int h = shape.spatial(0), w = shape.spatial(1);
    SplittableRandom r = new SplittableRandom(seed);
    double[] d = new double[n * h * w];
    double side = Math.min(h, w), ci = (h - 1) / 2.0, cj = (w - 1) / 2.0;
    for (int i = 0; i < n; i++) {
      for (int b = 0; b < 3; b++) {
        double rad = 0.3 * side * Math.sqrt(r.nextDouble()), ang = 2 * Math.PI * r.nextDouble();
        double mi = ci + rad * Math.cos(ang), mj = cj + rad * Math.sin(ang);
        double sigma = side * (0.06 + 0.09 * r.nextDouble()), amp = 0.4 + 0.6 * r.nextDouble();
        for (int p = 0; p < h; p++) {
          for (int q = 0; q < w; q++) {
            double dp = p - mi, dq = q - mj;
            d[(i * h + p) * w + q] += amp * Math.exp(-(dp * dp + dq * dq) / (2 * sigma * sigma));
          }
        }
      }
      for (int p = 0; p < h * w; p++) d[i * h * w + p] = Math.min(1.0, d[i * h * w + p]);
    }
    return new Inputs(n, shape, d);
  }

  /**
   * A learning rate that is stable for full-batch gradient descent on the training set augmented by any group under
   * which Θ is invariant: {@code fraction} of neural-tangents' max_learning_rate 2·N/λ_max(Θ(X, X)) of the
   * un-augmented set. The augmented kernel is the Gram matrix of the features of all ρ(g)x_i, so
   * λ_max(K_aug) ≤ Σ_g λ_max(Θ(gX, gX)) = |G|·λ_max(Θ(X, X)), and N_aug = |G|·N: the augmented bound is never smaller.
   */
  public static double learningRate(KernelFunction kf, Inputs x, double fraction) {
    if (!(fraction > 0 && fraction < 1)) throw new IllegalArgumentException("fraction of the largest stable learning rate must be in (0, 1), got " + fraction);
    return fraction * MsePredictor.maxLearningRate(kf.compute(x).ntk(), x.n(), (long) x.n() * FashionMnist.CLASSES);
  }

  /** Runs every group of the configuration; {@code kf} is the analytic kernel of the architecture (NTK parameterisation). */
  public static List<GroupResult> run(Config c, Data d, KernelFunction kf, LongConsumer onStep) {
    Shape shape = d.xTrain().shape();
    int k = FashionMnist.CLASSES;
    double[] y = new FashionMnist.Split(d.xTrain(), d.yTrain()).oneHot();
    FiniteNetwork net = new FiniteNetwork(Layers.withWidths(c.architecture(), c.width(), k), shape, Parameterization.NTK);
    OutputAction inv = OutputAction.invariant();
    List<GroupResult> out = new ArrayList<>();
    for (String name : c.groups()) {
      Group g = Groups.parse(name, shape);
      int order = g.order();
      Inputs oodOrbit = org.ntk4j.symmetry.Augmentation.orbitInputs(d.ood(), g);
      Inputs testOrbit = org.ntk4j.symmetry.Augmentation.orbitInputs(d.xTest(), g);

      long t0 = System.nanoTime();
      AugmentedRegression ar = AugmentedRegression.fit(kf, d.xTrain(), y, k, g, inv,
          new AugmentedRegression.Options().lr(c.lr()).seed(c.seed()));
      AugmentedRegression.Prepared po = ar.prepare(oodOrbit);
      AugmentedRegression.Prepared pt = ar.prepare(testOrbit);
      double[] oodSteps = po.meanSteps(c.steps()), testSteps = pt.meanSteps(c.steps());
      double[] oodInf = po.meanFlow(Double.POSITIVE_INFINITY), testInf = pt.meanFlow(Double.POSITIVE_INFINITY);
      double ntkSeconds = (System.nanoTime() - t0) * 1e-9;
      int nOod = d.ood().n(), nTest = d.xTest().n();
      Figures ntk = figures(oodSteps, testSteps, nOod, nTest, order, d.yTest());
      Figures ntkInf = figures(oodInf, testInf, nOod, nTest, order, d.yTest());
      int[] perInput = Orbits.sameArgmax(split(oodSteps, nOod * k, order), nOod, order, k);

      long t1 = System.nanoTime();
      Training training = new Training(c.lr(), new long[] {c.steps()}, 0, Augmentation.fullOrbit(g, inv));
      Ensemble.Result r = Ensemble.train(net, d.xTrain(), y, training, List.of(oodOrbit, testOrbit), c.members(),
          c.seed(), c.threads(), onStep);
      double ensembleSeconds = (System.nanoTime() - t1) * 1e-9;
      int m = c.members();
      Figures ens = figures(r.mean(0, 0, m), r.mean(0, 1, m), nOod, nTest, order, d.yTest());
      double[] sum = new double[4];
      for (int i = 0; i < m; i++) {
        Figures f = figures(r.member(i, 0, 0), r.member(i, 0, 1), nOod, nTest, order, d.yTest());
        sum[0] += f.ospOod();
        sum[1] += f.ospTest();
        sum[2] += f.accuracy();
        sum[3] += f.orbitDeviation();
      }
      Figures single = new Figures(sum[0] / m, sum[1] / m, sum[2] / m, sum[3] / m);
      int[] sizes = EnsembleComparison.ensembleSizes(m);
      double[] bySize = new double[sizes.length];
      for (int s = 0; s < sizes.length; s++) {
        bySize[s] = osp(split(r.mean(0, 0, sizes[s]), nOod * k, order), nOod, order);
      }
      out.add(new GroupResult(g.name(), order, g.isExact(), ar.path(), ntk, ntkInf, ens, single, perInput, sizes, bySize,
          ntkSeconds, ensembleSeconds));
    }
    return out;
  }

  private static Figures figures(double[] oodOrbit, double[] testOrbit, int nOod, int nTest, int order, int[] labels) {
    int k = FashionMnist.CLASSES;
    double[][] fo = split(oodOrbit, nOod * k, order);
    double[][] ft = split(testOrbit, nTest * k, order);
    double dev = Orbits.deviation(fo, nOod, order, OutputAction.invariant(), k).relative();
    return new Figures(osp(fo, nOod, order), osp(ft, nTest, order), accuracy(ft[0], labels), dev);
  }

  /** Mean over inputs of the number of elements with the same argmax as the identity (1 … |G|). */
  static double osp(double[][] fg, int n, int order) {
    int[] c = Orbits.sameArgmax(fg, n, order, FashionMnist.CLASSES);
    long s = 0;
    for (int v : c) s += v;
    return (double) s / n;
  }

  /** Fraction of rows whose argmax is the label. */
  public static double accuracy(double[] f, int[] labels) {
    int k = FashionMnist.CLASSES, right = 0;
    for (int i = 0; i < labels.length; i++) {
      int best = 0;
      for (int o = 1; o < k; o++) if (f[i * k + o] > f[i * k + best]) best = o;
      if (best == labels[i]) right++;
    }
    return (double) right / labels.length;
  }

  /** Element-major orbit outputs (|G|·n × k) as {@code [g][i * k + o]}. */
  static double[][] split(double[] a, int block, int order) {
    if (a.length != (long) block * order) throw new IllegalArgumentException("orbit outputs: " + a.length + " values, expected " + order + "·" + block);
    double[][] out = new double[order][];
    for (int g = 0; g < order; g++) out[g] = Arrays.copyOfRange(a, g * block, (g + 1) * block);
    return out;
  }
}
