package org.ntk4j.experiments;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.SplittableRandom;
import java.util.function.LongConsumer;
import org.ntk4j.Inputs;
import org.ntk4j.Shape;
import org.ntk4j.finite.Augmentation;
import org.ntk4j.finite.EnsembleComparison;
import org.ntk4j.finite.Training;
import org.ntk4j.io.ArchitectureParser;
import org.ntk4j.kernel.KernelFunction;
import org.ntk4j.kernel.Kernels;
import org.ntk4j.layers.Layer;
import org.ntk4j.layers.Parameterization;
import org.ntk4j.symmetry.AugmentedRegression;
import org.ntk4j.symmetry.Certificate;
import org.ntk4j.symmetry.Group;
import org.ntk4j.symmetry.Groups;
import org.ntk4j.symmetry.OutputAction;

/**
 * The {@code ntk demo} job: emergent equivariance in miniature, with no download. Synthetic square images (Gaussian
 * noise), two classes by a rotation-invariant rule (is the mean of the central quarter above the mean of the border?),
 * one-hot targets; a fully connected ReLU network on the flattened pixels.
 * <ol>
 *   <li>the NTK Θ of the training images (float64, the kernel of the infinite-width network);</li>
 *   <li>training on the C4-augmented training set (every image in its 4 rotations): the analytic infinite ensemble μ_t
 *       (gradient flow, {@link AugmentedRegression}) and small deep ensembles of finite networks of several widths, trained
 *       by gradient descent ({@link EnsembleComparison});</li>
 *   <li>the invariance certificate: orbit deviation max_g ‖f(gx) − f(x)‖ / max ‖f(x)‖ on the test images at several
 *       times, for μ_t (≈ 1e-16: exact), for the finite ensemble means and their single members;</li>
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
      return new Config(8, 16, 16, new int[] {64, 512}, 8, new long[] {0, 10, 100, 1000}, 1.0, 0,
          Runtime.getRuntime().availableProcessors());
    }
  }

  /**
   * @param ntkSeconds time for Θ of the training images
   * @param augmented finite ensembles and μ_t trained on the C4 orbit
   * @param plain the same without augmentation (orbit figures under C4 measured all the same)
   * @param certificate the certificate of the augmented infinite ensemble at the recorded steps and t = ∞
   */
  public record Result(Config config, Layer architecture, String group, int trainSize, double ntkSeconds,
                       double[] ntkDiagonal, EnsembleComparison.Spec augmentedSpec, EnsembleComparison.Report augmented,
                       EnsembleComparison.Spec plainSpec, EnsembleComparison.Report plain, Certificate certificate,
                       double seconds) {}

  /** Total training steps of both runs (for a progress bar). */
  public static long totalSteps(Config c) {
    return 2L * c.steps()[c.steps().length - 1] * c.members() * c.widths().length;
  }

  /** Synthetic images (n, side, side, 1) and their one-hot targets (n, 2), reproducible from the seed. */
  public static Inputs images(int n, int side, SplittableRandom rng) {
    double[] d = new double[n * side * side];
    for (int i = 0; i < d.length; i++) d[i] = rng.nextGaussian();
    return new Inputs(n, Shape.of(new int[] {side, side}, 1), d);
  }

  /** Class 1 when the mean of the central pixels (a square of side ⌈side/2⌉) exceeds the mean of the others; one-hot. */
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

    Training aug = new Training(c.lr(), c.steps(), 0, Augmentation.fullOrbit(g, inv));
    Training none = new Training(c.lr(), c.steps(), 0, Augmentation.none());
    int ntkMembers = Math.min(c.members(), 2);
    EnsembleComparison.Spec sa = new EnsembleComparison.Spec(arch, x, y, 2, xt, c.widths(), c.members(), aug, null, null,
        c.seed(), c.threads(), Math.min(8, x.n()), ntkMembers);
    EnsembleComparison.Spec sp = new EnsembleComparison.Spec(arch, x, y, 2, xt, c.widths(), c.members(), none, g, inv,
        c.seed(), c.threads(), 0, 0);
    EnsembleComparison.Report ra = EnsembleComparison.run(sa, kf, onStep);
    EnsembleComparison.Report rp = EnsembleComparison.run(sp, kf, onStep);

    AugmentedRegression reg = AugmentedRegression.fit(kf, x, y, 2, g, inv, new AugmentedRegression.Options().lr(c.lr()));
    Map<String, Inputs> splits = new LinkedHashMap<>();
    splits.put("train", x);
    splits.put("test", xt);
    long[] st = c.steps();
    double[] times = new double[st.length + 1];
    for (int i = 0; i < st.length; i++) times[i] = st[i];
    times[st.length] = Double.POSITIVE_INFINITY;
    Certificate cert = Certificate.compute(reg, splits, times, true);
    return new Result(c, arch, g.name(), x.n() * g.order(), ntkSeconds, diag, sa, ra, sp, rp, cert,
        (System.nanoTime() - t0) * 1e-9);
  }
}
