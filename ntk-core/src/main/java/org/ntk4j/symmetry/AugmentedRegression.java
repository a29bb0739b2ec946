package org.ntk4j.symmetry;

import java.util.Locale;
import org.ntk4j.Inputs;
import org.ntk4j.kernel.KernelFunction;
import org.ntk4j.predict.MsePredictor;

/**
 * Infinite-width NTK regression on a training set augmented by a whole group orbit: the mean μ_t of the infinite
 * ensemble trained by gradient flow (or gradient descent) on ½·mean((f − y)²) over all (ρ_X(g)x_i, ρ_Y(g)y_i). Two
 * ways to the same numbers:
 *
 * <p><b>Explicit</b>: build the |G|n augmented inputs and their |G|n × |G|n kernel and solve ({@link MsePredictor}).
 *
 * <p><b>Fast path</b> (exact, not an approximation): when Θ is G-invariant, Θ(gx, gx') = Θ(x, x'), and the group is
 * closed, the augmented kernel maps the |G|n-vectors of the form v_(g,i) = ρ_Y(g)u_i into themselves:
 * (K_aug v)_(g,i) = Σ_{h,j} Θ(x_i, g⁻¹h x_j) ρ_Y(h) u_j = ρ_Y(g) Σ_j [Σ_h Θ(x_i, h x_j) ρ_Y(h)] u_j. The targets
 * Y_aug lie in this subspace, so every spectral function of K_aug applied to Y_aug stays in it, and with
 * N_aug = |G|·n·k the mean becomes μ_t(x) = Θ_G(x, X) Θ_G⁻¹ (I − e^{−lr·t·Θ_G/(n·k)}) Y with the matrix-valued kernel
 * Θ_G(x, x') = (1/|G|) Σ_g Θ(x, ρ_X(g)x') ρ_Y(g) (nk × nk; for invariant targets Θ_G ⊗ I_k with the scalar average):
 * the factor |G| from K_aug cancels against N_aug, so t is not rescaled in the mean-loss convention; a ridge r on
 * K_aug becomes r/|G| on Θ_G. Discrete steps map the same way (lr·K_aug/N_aug = lr·Θ_G/(nk) on the subspace).
 * Cost: |G|n² kernel pairs and an n×n (nk×nk) eigendecomposition instead of (|G|n)²/2 pairs and a |G|n one.
 *
 * <p>The sums over g are correctly rounded ({@link ExactSum}), so Θ_G(ρ_X(h)x, x') is bitwise ρ_Y(h)Θ_G(x, x') when
 * the kernel is bitwise invariant (exact actions with order-independent summation): the fast path's predictions are
 * equivariant to round-off of the final products only. {@link Path#AUTO} takes the fast path when the group is closed
 * and the sampled kernel invariance error ({@link KernelInvariance}) is at most the tolerance, else explicit
 * augmentation; {@link #usedFastPath()} and {@link #path()} say which was used and why.
 */
public final class AugmentedRegression {
  /** Which solve to use. */
  public enum Path { AUTO, FAST, EXPLICIT }

  /** Settings; defaults: lr 1, no ridge, AUTO, tolerance 1e-12, 16 inputs and 64 elements checked. */
  public static final class Options {
    double lr = 1.0;
    double diagReg = 0.0;
    Path path = Path.AUTO;
    double tolerance = 1e-12;
    int checkInputs = 16;
    int checkElements = 64;
    long seed = 0;
    int[] elements;

    public Options lr(double v) { lr = v; return this; }
    /** Ridge added to the diagonal of the augmented training kernel (absolute). */
    public Options diagReg(double v) { diagReg = v; return this; }
    public Options path(Path p) { path = java.util.Objects.requireNonNull(p, "path"); return this; }
    /** Largest relative kernel invariance error for which AUTO takes the fast path. */
    public Options tolerance(double v) {
      if (!(v >= 0)) throw new IllegalArgumentException("tolerance must be >= 0, got " + v);
      tolerance = v;
      return this;
    }
    public Options check(int inputs, int elements) { checkInputs = inputs; checkElements = elements; return this; }
    public Options seed(long s) { seed = s; return this; }
    /** Partial augmentation by these elements only (explicit path; for experiments and negative controls). */
    public Options elements(int... e) { elements = e.clone(); return this; }
  }

  private final KernelFunction kf;
  private final Group group;
  private final OutputAction rho;
  private final int n;
  private final int outputs;
  private final boolean fast;
  private final boolean matrixValued;
  private final String reason;
  private final KernelInvariance.Result invariance;
  private final MsePredictor predictor;
  /** Fast path: the training inputs; explicit: the augmented inputs. */
  private final Inputs basis;
  private final double[][][] rhoMatrices;
  private final double assemblySeconds;
  private final double solveSeconds;
  private final int trainPoints;

  private AugmentedRegression(KernelFunction kf, Group group, OutputAction rho, int n, int outputs, boolean fast, boolean matrixValued,
                              String reason, KernelInvariance.Result invariance, MsePredictor predictor, Inputs basis,
                              double[][][] rhoMatrices, double assemblySeconds, double solveSeconds, int trainPoints) {
    this.kf = kf;
    this.group = group;
    this.rho = rho;
    this.n = n;
    this.outputs = outputs;
    this.fast = fast;
    this.matrixValued = matrixValued;
    this.reason = reason;
    this.invariance = invariance;
    this.predictor = predictor;
    this.basis = basis;
    this.rhoMatrices = rhoMatrices;
    this.assemblySeconds = assemblySeconds;
    this.solveSeconds = solveSeconds;
    this.trainPoints = trainPoints;
  }

  /**
   * Fits on the training set augmented by the whole orbit of {@code group} (or {@link Options#elements} only).
   *
   * @param yTrain n × outputs targets of the un-augmented inputs, row-major; augmented targets are ρ_Y(g)y
   */
  public static AugmentedRegression fit(KernelFunction kf, Inputs xTrain, double[] yTrain, int outputs, Group group, OutputAction rho,
                                        Options options) {
    Options o = options == null ? new Options() : options;
    java.util.Objects.requireNonNull(kf, "kernel function");
    java.util.Objects.requireNonNull(group, "group");
    java.util.Objects.requireNonNull(rho, "output action");
    group.checkShape(xTrain.shape());
    int n = xTrain.n();
    if (outputs < 1) throw new IllegalArgumentException("need at least one output, got " + outputs);
    if (yTrain.length != (long) n * outputs) {
      throw new IllegalArgumentException("targets have " + yTrain.length + " values, expected n·outputs = " + n + "·" + outputs);
    }
    if (!rho.isTrivial()) OutputActions.check(rho, group, outputs);
    if (!(o.lr > 0) || Double.isInfinite(o.lr)) throw new IllegalArgumentException("learning rate must be finite and > 0, got " + o.lr);
    if (!(o.diagReg >= 0) || Double.isInfinite(o.diagReg)) throw new IllegalArgumentException("diag_reg must be finite and >= 0, got " + o.diagReg);
    kf.validate(xTrain.shape());

    KernelInvariance.Result inv = null;
    boolean fast;
    String reason;
    if (o.elements != null) {
      if (o.path == Path.FAST) throw new IllegalArgumentException("the fast path needs the whole orbit; partial augmentation by elements is explicit");
      fast = false;
      reason = "explicit: partial augmentation by " + o.elements.length + " of " + group.order() + " elements";
    } else if (o.path == Path.EXPLICIT) {
      fast = false;
      reason = "explicit: requested";
    } else {
      if (!group.isClosed()) {
        if (o.path == Path.FAST) throw new IllegalArgumentException("the fast path needs a closed group; " + group.name() + " is not closed");
        fast = false;
        reason = "explicit: " + group.name() + " is not a closed group (no group average)";
      } else {
        inv = KernelInvariance.check(kf, xTrain, group, o.checkInputs, o.checkElements, o.seed);
        boolean ok = inv.error() <= o.tolerance;
        if (!ok && o.path == Path.FAST) {
          throw new IllegalArgumentException(String.format(Locale.ROOT,
              "the fast path needs a %s-invariant kernel: relative invariance error %.3g > tolerance %.3g", group.name(), inv.error(), o.tolerance));
        }
        fast = ok;
        reason = String.format(Locale.ROOT, ok ? "fast: group-averaged kernel (kernel invariance error %.3g <= %.3g)"
            : "explicit: kernel invariance error %.3g > tolerance %.3g", inv.error(), o.tolerance);
      }
    }

    if (fast) {
      int order = group.order();
      boolean mv = !rho.isTrivial();
      double[][][] rm = mv ? OutputActions.matrices(rho, order, outputs) : null;
      long t0 = System.nanoTime();
      double[] blocks = trainBlocks(kf, xTrain, group);
      double[] k = average(blocks, n, n, order, rm, outputs);
      long t1 = System.nanoTime();
      int dim = mv ? n * outputs : n;
      MsePredictor p = MsePredictor.fit(k, dim, yTrain, mv ? 1 : outputs, o.lr, o.diagReg / order);
      long t2 = System.nanoTime();
      return new AugmentedRegression(kf, group, rho, n, outputs, true, mv, reason, inv, p, xTrain, rm,
          (t1 - t0) * 1e-9, (t2 - t1) * 1e-9, order * n);
    }
    long t0 = System.nanoTime();
    Augmentation.Augmented aug = o.elements != null
        ? Augmentation.byElements(xTrain, yTrain, outputs, group, rho, o.elements)
        : Augmentation.orbit(xTrain, yTrain, outputs, group, rho);
    double[] k = kf.compute(aug.x()).ntk();
    long t1 = System.nanoTime();
    MsePredictor p = MsePredictor.fit(k, aug.n(), aug.y(), outputs, o.lr, o.diagReg);
    long t2 = System.nanoTime();
    return new AugmentedRegression(kf, group, rho, n, outputs, false, false, reason, inv, p, aug.x(), null,
        (t1 - t0) * 1e-9, (t2 - t1) * 1e-9, aug.n());
  }

  /**
   * The training blocks {@code [i, g·n + j] = Θ(x_i, g x_j)} of an invariant kernel, using its symmetries: block g⁻¹ is
   * the transpose of block g (Θ(x_i, g⁻¹x_j) = Θ(g x_i, x_j) = Θ(x_j, g x_i)), so of each pair {g, g⁻¹} one block is
   * computed, and the blocks of involutions (g = g⁻¹, the identity among them) are symmetric and computed as upper
   * triangles: about half the kernel pairs of the whole orbit. Where the kernel is bitwise invariant (exact actions,
   * exact summation) the entries are bitwise those of the direct computation; groups that are not signed permutations
   * get the direct computation.
   */
  static double[] trainBlocks(KernelFunction kf, Inputs x, Group group) {
    int n = x.n(), order = group.order();
    int[] inv = GroupTable.signedPermutationInverses(group, x.shape());
    if (inv == null) return kf.compute(x, Augmentation.orbitInputs(x, group)).ntk();
    double[] blocks = new double[n * order * n];
    int row = order * n;
    for (int g = 0; g < order; g++) {
      int h = inv[g];
      if (h < g && inv[h] == g) continue; // the transpose of block h, filled with it
      double[] b;
      if (g == 0) b = kf.compute(x).ntk();
      else if (h == g) b = kf.computeMirrored(x, group.act(g, x), null).ntk();
      else b = kf.compute(x, group.act(g, x)).ntk();
      for (int i = 0; i < n; i++) System.arraycopy(b, i * n, blocks, i * row + g * n, n);
      if (h != g && inv[h] == g) {
        for (int i = 0; i < n; i++) for (int j = 0; j < n; j++) blocks[i * row + h * n + j] = b[j * n + i];
      }
    }
    return blocks;
  }

  /**
   * Group average of kernel blocks {@code blocks[i, g·n + j] = Θ(x_i, g x'_j)} (rows × order·cols): the scalar
   * (1/|G|) Σ_g, or with ρ_Y matrices the (rows·k) × (cols·k) matrix (1/|G|) Σ_g Θ(x_i, g x'_j) ρ_Y(g)_{ab}.
   */
  static double[] average(double[] blocks, int rows, int cols, int order, double[][][] rm, int k) {
    ExactSum sum = new ExactSum();
    int stride = cols; // consecutive elements of one (i, j) are cols apart within row i
    int rowLen = order * cols;
    if (rm == null) {
      double[] out = new double[rows * cols];
      for (int i = 0; i < rows; i++) {
        for (int j = 0; j < cols; j++) out[i * cols + j] = sum.sum(blocks, i * rowLen + j, stride, order) / order;
      }
      return out;
    }
    double[] out = new double[rows * k * cols * k];
    double[] terms = new double[order];
    int width = cols * k;
    for (int i = 0; i < rows; i++) {
      for (int j = 0; j < cols; j++) {
        for (int a = 0; a < k; a++) {
          for (int b = 0; b < k; b++) {
            for (int g = 0; g < order; g++) terms[g] = blocks[i * rowLen + g * cols + j] * rm[g][a][b];
            out[(i * k + a) * width + j * k + b] = sum.sum(terms, 0, 1, order) / order;
          }
        }
      }
    }
    return out;
  }

  /** Test-time kernels against the training basis, prepared once and reused for every time. */
  public final class Prepared {
    private final int m;
    private final double[] kTest;

    private Prepared(int m, double[] kTest) {
      this.m = m;
      this.kTest = kTest;
    }

    public int size() { return m; }

    /** μ_t, m × outputs row-major, for gradient-flow time t ∈ [0, ∞]. */
    public double[] meanFlow(double t) { return predictor.meanFlow(kTest, matrixValued ? m * outputs : m, t); }

    /** μ after {@code steps} discrete gradient-descent steps, m × outputs. */
    public double[] meanSteps(long steps) { return predictor.meanSteps(kTest, matrixValued ? m * outputs : m, steps); }
  }

  /** Computes the kernel between {@code x} and the training basis once. */
  public Prepared prepare(Inputs x) {
    if (!x.shape().equals(basis.shape())) {
      throw new IllegalArgumentException("test inputs have shape " + x.shape() + " but the training inputs have shape " + basis.shape());
    }
    if (!fast) return new Prepared(x.n(), kf.compute(x, basis).ntk());
    Inputs orbit = Augmentation.orbitInputs(basis, group);
    double[] blocks = kf.compute(x, orbit).ntk();
    return new Prepared(x.n(), average(blocks, x.n(), n, group.order(), rhoMatrices, outputs));
  }

  /** Mean prediction after gradient-flow time t ∈ [0, ∞] (∞: the converged, pseudo-inverse limit), m × outputs. */
  public double[] meanFlow(Inputs x, double t) { return prepare(x).meanFlow(t); }

  /** Mean prediction after {@code steps} steps of gradient descent at the learning rate, m × outputs. */
  public double[] meanSteps(Inputs x, long steps) { return prepare(x).meanSteps(steps); }

  public boolean usedFastPath() { return fast; }
  /** Which solve was used and why, one line. */
  public String path() { return reason; }
  /** The kernel invariance check on the training inputs (null when none was needed). */
  public KernelInvariance.Result invariance() { return invariance; }
  public Group group() { return group; }
  public OutputAction outputAction() { return rho; }
  public int outputs() { return outputs; }
  public int trainSize() { return n; }
  /** Number of augmented training points |G|·n (or elements·n for partial augmentation). */
  public int augmentedSize() { return trainPoints; }
  public KernelFunction kernelFunction() { return kf; }
  /** Seconds spent building the training kernel (augmented or group-averaged). */
  public double assemblySeconds() { return assemblySeconds; }
  /** Seconds spent in the eigendecomposition-based solve. */
  public double solveSeconds() { return solveSeconds; }
}
