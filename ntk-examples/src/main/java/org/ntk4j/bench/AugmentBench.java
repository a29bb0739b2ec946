package org.ntk4j.bench;

import java.util.Locale;
import java.util.SplittableRandom;
import org.ntk4j.Inputs;
import org.ntk4j.Shape;
import org.ntk4j.io.ArchitectureParser;
import org.ntk4j.kernel.KernelFunction;
import org.ntk4j.linalg.DenseLinalg;
import org.ntk4j.symmetry.AugmentedRegression;
import org.ntk4j.symmetry.Group;
import org.ntk4j.symmetry.Groups;
import org.ntk4j.symmetry.OutputAction;

/**
 * Full augmentation by a group: the exact group-averaged fast path against explicit augmentation, on the same data in
 * the same run. Default: D4 (|G| = 8) on N = 500 flat inputs of 16 points in ℝ² (d = 32), a 3-layer ReLU network,
 * invariant targets, one fit each (kernel assembly and solve timed separately) and the predictions on 100 test inputs
 * compared. Target: fast ≥ |G|² = 64× faster in total.
 */
public final class AugmentBench {
  private AugmentBench() {}

  public static final String ARCH = "Dense(W_std=1.4142, b_std=0.1) -> Relu -> Dense(W_std=1.4142, b_std=0.1) -> Relu -> Dense(W_std=1.4142)";

  /** Results of one comparison. */
  public record Result(int n, int order, double fastAssembly, double fastSolve, double explicitAssembly, double explicitSolve,
                       double maxRelativeDifference) {
    public double fastTotal() { return fastAssembly + fastSolve; }
    public double explicitTotal() { return explicitAssembly + explicitSolve; }
    public double speedup() { return explicitTotal() / fastTotal(); }
  }

  public static void main(String[] args) {
    int n = args.length > 0 ? Integer.parseInt(args[0]) : 500;
    String group = args.length > 1 ? args[1] : "D4";
    int d = args.length > 2 ? Integer.parseInt(args[2]) : 32;
    run(n, d, group, Runtime.getRuntime().availableProcessors());
  }

  /** Prints and returns the timings; {@code threads} for the kernel tiles. */
  public static Result run(int n, int d, String groupName, int threads) {
    Shape shape = Shape.flat(d);
    Group g = Groups.parse(groupName, shape);
    SplittableRandom r = new SplittableRandom(7);
    double[] x = new double[n * d];
    for (int i = 0; i < x.length; i++) x[i] = r.nextGaussian();
    double[] xt = new double[100 * d];
    for (int i = 0; i < xt.length; i++) xt[i] = r.nextGaussian();
    double[] y = new double[n];
    for (int i = 0; i < n; i++) y[i] = r.nextGaussian();
    Inputs train = new Inputs(n, shape, x);
    Inputs test = new Inputs(100, shape, xt);
    KernelFunction kf = KernelFunction.of(ArchitectureParser.parse(ARCH)).threads(threads).build();
    System.out.printf(Locale.ROOT, "augmentation benchmark: %s (|G| = %d) on N = %d inputs of dimension %d, %s, BLAS: %s%n",
        g.name(), g.order(), n, d, BenchSupport.machine(), DenseLinalg.get().name());

    // warm-up: native library loading and JIT on a small problem, untimed
    Inputs small = train.slice(0, Math.min(n, 24));
    double[] ySmall = java.util.Arrays.copyOf(y, small.n());
    for (AugmentedRegression.Path p : new AugmentedRegression.Path[] {AugmentedRegression.Path.FAST, AugmentedRegression.Path.EXPLICIT}) {
      AugmentedRegression.fit(kf, small, ySmall, 1, g, OutputAction.invariant(), new AugmentedRegression.Options().path(p)).meanFlow(test, 1);
    }
    AugmentedRegression fast = AugmentedRegression.fit(kf, train, y, 1, g, OutputAction.invariant(),
        new AugmentedRegression.Options().path(AugmentedRegression.Path.FAST));
    AugmentedRegression slow = AugmentedRegression.fit(kf, train, y, 1, g, OutputAction.invariant(),
        new AugmentedRegression.Options().path(AugmentedRegression.Path.EXPLICIT));
    double worst = 0, scale = 0;
    for (double t : new double[] {1, 100, Double.POSITIVE_INFINITY}) {
      double[] a = fast.meanFlow(test, t), b = slow.meanFlow(test, t);
      double m = 0, s = 0;
      for (int i = 0; i < a.length; i++) {
        m = Math.max(m, Math.abs(a[i] - b[i]));
        s = Math.max(s, Math.abs(b[i]));
      }
      worst = Math.max(worst, m / s);
    }
    Result res = new Result(n, g.order(), fast.assemblySeconds(), fast.solveSeconds(), slow.assemblySeconds(), slow.solveSeconds(), worst);
    System.out.printf(Locale.ROOT, "  fast (group-averaged %d x %d kernel):  assembly %8.3f s  solve %8.3f s  total %8.3f s%n",
        n, n, res.fastAssembly(), res.fastSolve(), res.fastTotal());
    System.out.printf(Locale.ROOT, "  explicit (%d x %d augmented kernel): assembly %8.3f s  solve %8.3f s  total %8.3f s%n",
        g.order() * n, g.order() * n, res.explicitAssembly(), res.explicitSolve(), res.explicitTotal());
    System.out.printf(Locale.ROOT, "  speedup: assembly %.1fx, solve %.1fx, total %.1fx (target >= |G|^2 = %d); max relative difference of"
            + " the predictions (t = 1, 100, inf) %.2e%n", res.explicitAssembly() / res.fastAssembly(), res.explicitSolve() / res.fastSolve(),
        res.speedup(), g.order() * g.order(), worst);
    return res;
  }
}
