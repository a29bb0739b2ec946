package org.ntk4j.finite;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.LongConsumer;
import org.ntk4j.Inputs;
import org.ntk4j.kernel.KernelFunction;
import org.ntk4j.kernel.Kernels;
import org.ntk4j.layers.ArchitectureException;
import org.ntk4j.layers.Layer;
import org.ntk4j.layers.Layers;
import org.ntk4j.layers.Parameterization;
import org.ntk4j.predict.MsePredictor;
import org.ntk4j.symmetry.Group;
import org.ntk4j.symmetry.Orbits;
import org.ntk4j.symmetry.OutputAction;

/**
 * Finite-width deep ensembles against the infinite-width prediction, for several widths and ensemble sizes.
 *
 * <p>For every width w an ensemble of M members of {@code Layers.withWidths(architecture, w, outputs)} is trained once
 * ({@link Ensemble}); ensemble sizes are prefixes of it (members 1..m). Figures at every recorded step s:
 * <ul>
 *   <li>RMS distance of the ensemble mean on the test inputs from the analytic mean μ_s of gradient flow
 *       ({@code MsePredictor.meanFlow(…, t = s)}, exponent −lr·s·Θ/N) and from the discrete-step mean
 *       ({@code MsePredictor.meanSteps(…, s)}), the analytic Θ taken on the training set the ensemble fits (the orbit
 *       under augmentation; for random augmentation the full orbit, whose dynamics are the expected ones);</li>
 *   <li>with a group: relative orbit deviation ({@link Orbits#deviation}) of the ensemble mean, of single members (mean
 *       over members) and of μ_s; OSP (mean over test inputs of the fraction of elements with the same argmax);</li>
 *   <li>the relative Frobenius error of the empirical NTK at initialisation on the first training inputs against Θ.</li>
 * </ul>
 * Rates: least-squares slopes of log distance against log width (at the full ensemble) and against log ensemble size
 * (at the largest width). Only the NTK parameterisation has a width-independent limit to compare with.
 */
public final class EnsembleComparison {
  private EnsembleComparison() {}

  /** What to compare. {@code group} may be null (then no orbit figures); {@code rho} null means invariant targets. */
  public record Spec(Layer architecture, Inputs xTrain, double[] yTrain, int outputs, Inputs xTest, int[] widths,
                     int members, Training training, Group group, OutputAction rho, long seed, int threads,
                     int ntkInputs, int ntkMembers) {
    public Spec {
      Objects.requireNonNull(architecture, "architecture");
      if (outputs < 1) throw new IllegalArgumentException("need at least one output, got " + outputs);
      if (widths.length == 0) throw new IllegalArgumentException("need at least one width");
      for (int w : widths) if (w < 1) throw new IllegalArgumentException("widths must be >= 1, got " + w);
      if (members < 1) throw new IllegalArgumentException("an ensemble needs at least one member, got " + members);
      if (ntkInputs < 0 || ntkMembers < 0) throw new IllegalArgumentException("ntkInputs and ntkMembers must be >= 0");
      if (!xTest.shape().equals(xTrain.shape())) {
        throw new IllegalArgumentException("test inputs have shape " + xTest.shape() + " but training inputs " + xTrain.shape());
      }
      if (yTrain.length != (long) xTrain.n() * outputs) {
        throw new IllegalArgumentException("training targets have " + yTrain.length + " values, expected n·outputs = "
            + xTrain.n() + "·" + outputs);
      }
      Augmentation a = training.augmentation();
      if (a.mode() != Augmentation.Mode.NONE) {
        if (group == null) group = a.group();
        else if (group != a.group()) throw new IllegalArgumentException("the measured group differs from the augmentation group");
        if (rho == null) rho = a.rho();
      }
      if (group != null && rho == null) rho = OutputAction.invariant();
    }
  }

  /**
   * Figures indexed {@code [width][record][…]}; distances {@code [width][record][size index]}.
   * Orbit arrays are null without a group.
   */
  public record Report(long[] steps, int[] widths, int[] ensembleSizes, int outputs,
                       double[][] analyticFlow, double[][] analyticSteps,
                       double[][][] ensembleMean, double[][][] ensembleVariance,
                       double[][][] distFlow, double[][][] distSteps,
                       double[][] orbitDevMean, double[][] orbitDevMember, double[] orbitDevAnalytic,
                       double[][] ospMean, double[][] ospMember,
                       double[] ntkError,
                       double[] widthSlopeFlow, double[] sizeSlopeFlow, double widthSlopeNtk) {}

  /** Ensemble sizes 1, 2, 4, … up to M, and M. */
  public static int[] ensembleSizes(int members) {
    List<Integer> s = new ArrayList<>();
    for (int m = 1; m < members; m *= 2) s.add(m);
    s.add(members);
    return s.stream().mapToInt(Integer::intValue).toArray();
  }

  /** Total number of training steps over all widths and members (for a progress bar). */
  public static long totalSteps(Spec spec) {
    return spec.training().totalSteps() * spec.members() * spec.widths().length;
  }

  /** With the analytic kernels of the architecture computed with neural-tangents' defaults. */
  public static Report run(Spec spec, LongConsumer onStep) {
    return run(spec, KernelFunction.of(spec.architecture()).parameterization(Parameterization.NTK)
        .threads(spec.threads()).build(), onStep);
  }

  /**
   * @param kf the analytic kernel function (the spec's architecture, NTK parameterisation; spatial mode, summation,
   *     threads and memory as the caller chooses)
   */
  public static Report run(Spec spec, KernelFunction kf, LongConsumer onStep) {
    if (!kf.architecture().equals(spec.architecture()) || kf.parameterization() != Parameterization.NTK) {
      throw new IllegalArgumentException("the kernel function must be of the spec's architecture in the NTK parameterization");
    }
    Training cfg = spec.training();
    int k = spec.outputs();
    Group group = spec.group();
    OutputAction rho = spec.rho();
    Inputs xa = spec.xTrain();
    double[] ya = spec.yTrain();
    Augmentation aug = cfg.augmentation();
    if (aug.mode() != Augmentation.Mode.NONE) {
      aug.group().checkShape(xa.shape());
      Inputs[] orbit = Trainer.orbit(aug.group(), xa);
      int n = xa.n();
      Inputs all = orbit[0];
      for (int g = 1; g < orbit.length; g++) all = Inputs.concat(all, orbit[g]);
      double[] yy = new double[orbit.length * n * k];
      for (int g = 0; g < orbit.length; g++) for (int i = 0; i < n; i++) aug.rho().act(g, k, ya, i * k, yy, (g * n + i) * k);
      xa = all;
      ya = yy;
    }
    Kernels ktt = kf.compute(xa);
    MsePredictor pred = MsePredictor.fit(ktt.ntk(), xa.n(), ya, k, cfg.lr(), 0.0);
    double[] ev = pred.eigenvalues();
    double stab = cfg.lr() * ev[ev.length - 1] / ((double) xa.n() * k);
    if (cfg.sgdBatch() == 0 && aug.mode() != Augmentation.Mode.RANDOM && stab >= 2) {
      throw new IllegalArgumentException(String.format(java.util.Locale.ROOT, "learning rate %s is too large: "
          + "lr·λ_max(Θ)/N = %.4g >= 2, so gradient descent diverges even at infinite width; use lr < %.4g",
          cfg.lr(), stab, 2 * cfg.lr() / stab));
    }
    List<Inputs> eval = new ArrayList<>();
    eval.add(spec.xTest());
    if (group != null) {
      group.checkShape(spec.xTest().shape());
      for (int g = 1; g < group.order(); g++) eval.add(group.act(g, spec.xTest()));
    }
    int order = eval.size();
    int m = spec.xTest().n();
    long[] steps = cfg.recordSteps();
    int nr = steps.length;
    double[][] flow = new double[nr][];
    double[][] disc = new double[nr][];
    double[] devAnalytic = group == null ? null : new double[nr];
    double[][] kte = new double[order][];
    for (int e = 0; e < order; e++) kte[e] = kf.compute(eval.get(e), xa).ntk();
    for (int r = 0; r < nr; r++) {
      flow[r] = pred.meanFlow(kte[0], m, steps[r]);
      disc[r] = pred.meanSteps(kte[0], m, steps[r]);
      if (group != null) {
        double[][] fg = new double[order][];
        fg[0] = flow[r];
        for (int e = 1; e < order; e++) fg[e] = pred.meanFlow(kte[e], m, steps[r]);
        devAnalytic[r] = Orbits.deviation(fg, m, order, rho, k).relative();
      }
    }
    int nNtk = Math.min(spec.ntkInputs(), spec.xTrain().n());
    Inputs xNtk = nNtk > 0 ? spec.xTrain().slice(0, nNtk) : null;
    double[] thetaNtk = nNtk > 0 ? kf.compute(xNtk).ntk() : null;

    int[] sizes = ensembleSizes(spec.members());
    int nw = spec.widths().length;
    double[][][] mean = new double[nw][nr][];
    double[][][] var = new double[nw][nr][];
    double[][][] dF = new double[nw][nr][sizes.length];
    double[][][] dS = new double[nw][nr][sizes.length];
    double[][] devMean = group == null ? null : new double[nw][nr];
    double[][] devMember = group == null ? null : new double[nw][nr];
    double[][] ospMean = group == null ? null : new double[nw][nr];
    double[][] ospMember = group == null ? null : new double[nw][nr];
    double[] ntkErr = new double[nw];
    for (int wi = 0; wi < nw; wi++) {
      Layer arch = Layers.withWidths(spec.architecture(), spec.widths()[wi], k);
      FiniteNetwork net = new FiniteNetwork(arch, spec.xTrain().shape(), Parameterization.NTK);
      if (net.outputs() != k) {
        throw new ArchitectureException("the readout of " + arch + " has " + net.outputs() + " outputs but the targets have " + k);
      }
      Ensemble.Result res;
      try {
        res = Ensemble.train(net, spec.xTrain(), spec.yTrain(), cfg, eval, spec.members(), spec.seed(), spec.threads(), onStep);
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("width " + spec.widths()[wi] + ", " + e.getMessage(), e);
      }
      for (int r = 0; r < nr; r++) {
        mean[wi][r] = res.mean(r, 0, spec.members());
        var[wi][r] = res.variance(r, 0, spec.members());
        for (int si = 0; si < sizes.length; si++) {
          double[] mu = res.mean(r, 0, sizes[si]);
          dF[wi][r][si] = rms(mu, flow[r]);
          dS[wi][r][si] = rms(mu, disc[r]);
        }
        if (group != null) {
          double[][] fg = new double[order][];
          for (int e = 0; e < order; e++) fg[e] = res.mean(r, e, spec.members());
          devMean[wi][r] = Orbits.deviation(fg, m, order, rho, k).relative();
          ospMean[wi][r] = osp(fg, m, order, k);
          double dm = 0, om = 0;
          for (int i = 0; i < spec.members(); i++) {
            double[][] fi = res.predictions()[i][r];
            dm += Orbits.deviation(fi, m, order, rho, k).relative();
            om += osp(fi, m, order, k);
          }
          devMember[wi][r] = dm / spec.members();
          ospMember[wi][r] = om / spec.members();
        }
      }
      if (nNtk > 0 && spec.ntkMembers() > 0) {
        long[] seeds = Ensemble.memberSeeds(spec.seed(), Math.min(spec.ntkMembers(), spec.members()));
        double e = 0;
        for (long s : seeds) {
          double[] params = net.initialize(new java.util.SplittableRandom(s).nextLong()); // member s's initialisation
          e += relFrobenius(net.empiricalNtk(params, xNtk, 256L << 20), thetaNtk);
        }
        ntkErr[wi] = e / seeds.length;
      } else {
        ntkErr[wi] = Double.NaN;
      }
    }
    double[] logW = new double[nw];
    for (int wi = 0; wi < nw; wi++) logW[wi] = spec.widths()[wi];
    double[] wSlope = new double[nr], sSlope = new double[nr];
    double[] sz = new double[sizes.length];
    for (int si = 0; si < sizes.length; si++) sz[si] = sizes[si];
    for (int r = 0; r < nr; r++) {
      double[] yw = new double[nw];
      for (int wi = 0; wi < nw; wi++) yw[wi] = dF[wi][r][sizes.length - 1];
      wSlope[r] = logLogSlope(logW, yw);
      sSlope[r] = logLogSlope(sz, dF[nw - 1][r]);
    }
    return new Report(steps, spec.widths().clone(), sizes, k, flow, disc, mean, var, dF, dS, devMean, devMember,
        devAnalytic, ospMean, ospMember, ntkErr, wSlope, sSlope, logLogSlope(logW, ntkErr));
  }

  /** Root mean square of a − b. */
  public static double rms(double[] a, double[] b) {
    double s = 0;
    for (int i = 0; i < a.length; i++) {
      double d = a[i] - b[i];
      s += d * d;
    }
    return Math.sqrt(s / a.length);
  }

  static double relFrobenius(double[] a, double[] ref) {
    double d = 0, r = 0;
    for (int i = 0; i < a.length; i++) {
      d += (a[i] - ref[i]) * (a[i] - ref[i]);
      r += ref[i] * ref[i];
    }
    return Math.sqrt(d / r);
  }

  /** Orbit-same-predictions: mean over inputs of the fraction of group elements with the same argmax as the identity. */
  public static double osp(double[][] fg, int n, int order, int k) {
    int[] c = Orbits.sameArgmax(fg, n, order, k);
    double s = 0;
    for (int v : c) s += v / (double) order;
    return s / n;
  }

  /** Least-squares slope of log y against log x over the points with x, y > 0 and finite; NaN with fewer than two. */
  public static double logLogSlope(double[] x, double[] y) {
    double sx = 0, sy = 0, sxx = 0, sxy = 0;
    int c = 0;
    for (int i = 0; i < x.length; i++) {
      if (!(x[i] > 0) || !(y[i] > 0) || Double.isInfinite(y[i])) continue;
      double lx = Math.log(x[i]), ly = Math.log(y[i]);
      sx += lx;
      sy += ly;
      sxx += lx * lx;
      sxy += lx * ly;
      c++;
    }
    if (c < 2) return Double.NaN;
    double den = c * sxx - sx * sx;
    return den == 0 ? Double.NaN : (c * sxy - sx * sy) / den;
  }
}
