package org.ntk4j.predict;

import java.util.Locale;
import java.util.function.Consumer;
import org.ntk4j.linalg.DenseLinalg;

/**
 * The symmetric eigendecomposition K = V·diag(λ)·Vᵀ of a (regularized) training kernel, computed once and shared by
 * every time, every test set and every target of the predictors built on it.
 *
 * <p>Eigenvalues at or below round-off, λ ≤ n·ε·λ_max (negative ones included), are set to exactly 0 and their
 * eigenvectors are treated as null directions of the kernel: for a positive semi-definite kernel K(x, X)·v = 0 for a
 * null vector v and every x, so these directions carry no signal and are dropped, which makes the t = ∞ limit the
 * pseudo-inverse solution (duplicated inputs, symmetric configurations under augmentation) instead of NaN or noise
 * amplified by 1/ε. A negative eigenvalue beyond round-off (λ_min &lt; −1e-10·λ_max) means K is not positive
 * semi-definite: it is clipped as well and reported through {@link #warning()} and the listener given at construction.
 */
public final class KernelSpectrum {
  /** Relative size of a negative eigenvalue beyond which it is not round-off. */
  public static final double NEGATIVE_WARNING = 1e-10;
  /** Relative asymmetry |K_ij − K_ji| / max|K| beyond which a training kernel is refused. */
  public static final double ASYMMETRY_TOLERANCE = 1e-8;

  private final int n;
  private final double[] vectors;
  private final double[] values;
  private final double rawMin;
  private final double rawMax;
  private final double regularizer;
  private final int nullity;
  private final String warning;

  private KernelSpectrum(int n, double[] vectors, double[] values, double rawMin, double rawMax, double regularizer,
                         int nullity, String warning) {
    this.n = n;
    this.vectors = vectors;
    this.values = values;
    this.rawMin = rawMin;
    this.rawMax = rawMax;
    this.regularizer = regularizer;
    this.nullity = nullity;
    this.warning = warning;
  }

  /** The spectrum of an n×n row-major kernel (not modified) plus the regularizer; warnings go nowhere but {@link #warning()}. */
  public static KernelSpectrum of(double[] k, int n, Regularization reg) { return of(k, n, reg, null); }

  /**
   * @param what how to call the kernel in messages, e.g. "training NTK"
   * @param warnings receives a warning when K has a negative eigenvalue beyond round-off (may be null)
   */
  public static KernelSpectrum of(double[] k, int n, Regularization reg, String what, Consumer<String> warnings) {
    String name = what == null ? "training kernel" : what;
    if (n < 1) throw new IllegalArgumentException(name + ": need at least one training input, got n = " + n);
    if (k == null) throw new IllegalArgumentException(name + " is missing");
    if (k.length != (long) n * n) {
      throw new IllegalArgumentException(name + " has " + k.length + " values, expected n·n = " + n + "·" + n);
    }
    if (reg == null) reg = Regularization.none();
    double maxAbs = 0;
    for (int i = 0; i < k.length; i++) {
      double v = k[i];
      if (!Double.isFinite(v)) {
        throw new IllegalArgumentException(name + " has a non-finite value " + v + " at [" + (i / n) + ", " + (i % n) + "]");
      }
      maxAbs = Math.max(maxAbs, Math.abs(v));
    }
    double reg0 = reg.amount(k, n);
    double[] a = new double[n * n];
    final int bs = 64; // blocks, so that reading the lower triangle column by column stays in cache
    for (int ib = 0; ib < n; ib += bs) {
      int ie = Math.min(n, ib + bs);
      for (int jb = ib; jb < n; jb += bs) {
        int je = Math.min(n, jb + bs);
        for (int i = ib; i < ie; i++) {
          int ii = i * n;
          for (int j = Math.max(jb, i); j < je; j++) {
            double u = k[ii + j], l = k[j * n + i];
            if (u != l && Math.abs(u - l) > ASYMMETRY_TOLERANCE * maxAbs) {
              throw new IllegalArgumentException(String.format(Locale.ROOT,
                  "%s is not symmetric: [%d, %d] = %.17g but [%d, %d] = %.17g", name, i, j, u, j, i, l));
            }
            a[ii + j] = u == l ? u : 0.5 * (u + l); // upper triangle only: LAPACK reads nothing else
          }
        }
      }
    }
    for (int i = 0; i < n; i++) a[i * n + i] += reg0;
    double[] w = new double[n];
    DenseLinalg.get().symmetricEigen(n, a, w);
    double rawMin = w[0], rawMax = w[n - 1];
    double tol = n * Math.ulp(1.0) * Math.max(Math.abs(rawMin), Math.abs(rawMax));
    int nullity = 0;
    for (int i = 0; i < n; i++) {
      if (w[i] <= tol) {
        w[i] = 0.0;
        nullity++;
      }
    }
    String warning = null;
    if (rawMin < -NEGATIVE_WARNING * Math.max(rawMax, 0) || (rawMax <= 0 && rawMin < 0)) {
      warning = String.format(Locale.ROOT, "%s is not positive semi-definite: smallest eigenvalue %.6g against largest %.6g"
          + " (beyond round-off); negative eigenvalues were clipped to 0", name, rawMin, rawMax);
      if (warnings != null) warnings.accept(warning);
    }
    return new KernelSpectrum(n, a, w, rawMin, rawMax, reg0, nullity, warning);
  }

  /** {@link #of(double[], int, Regularization, String, Consumer)} with the default name. */
  public static KernelSpectrum of(double[] k, int n, Regularization reg, Consumer<String> warnings) {
    return of(k, n, reg, null, warnings);
  }

  public int n() { return n; }

  /** Eigenvalues ascending, round-off and negative ones set to exactly 0 (a copy). */
  public double[] eigenvalues() { return values.clone(); }

  double value(int i) { return values[i]; }

  /** Eigenvectors as columns, n×n row-major (a copy): V[i·n + j] = component i of eigenvector j. */
  public double[] eigenvectors() { return vectors.clone(); }

  /** The eigenvectors without a copy, for this package's products. */
  double[] vectorsRef() { return vectors; }

  /** Smallest eigenvalue as computed, before clipping. */
  public double rawMinEigenvalue() { return rawMin; }

  /** Largest eigenvalue (of the regularized kernel). */
  public double maxEigenvalue() { return rawMax; }

  /** The absolute amount added to the diagonal. */
  public double regularizer() { return regularizer; }

  /** Number of eigenvalues treated as exact zeros (the dimension of the null space dropped). */
  public int nullity() { return nullity; }

  /** Whether eigenvalue i is treated as an exact zero. */
  public boolean isNull(int i) { return values[i] == 0; }

  /** A warning about the kernel (not positive semi-definite beyond round-off), or null. */
  public String warning() { return warning; }

  /** Vᵀ·B for B n×k row-major: n×k. */
  public double[] transposeTimes(double[] b, int k) {
    checkLength(b, (long) n * k, "matrix");
    if (k == 1) {
      double[] r = new double[n];
      DenseLinalg.get().gemm(1, n, n, 1.0, b, 0, vectors, 0, false, 0.0, r, 0); // bᵀ·V
      return r;
    }
    double[] bt = transpose(b, n, k);
    double[] rt = new double[k * n];
    DenseLinalg.get().gemm(k, n, n, 1.0, bt, 0, vectors, 0, false, 0.0, rt, 0); // Bᵀ·V = (VᵀB)ᵀ
    return transpose(rt, k, n);
  }

  /** V·C for C n×k row-major: n×k. */
  public double[] times(double[] c, int k) {
    checkLength(c, (long) n * k, "matrix");
    double[] r = new double[n * k];
    DenseLinalg.get().gemm(n, k, n, 1.0, vectors, 0, c, 0, false, 0.0, r, 0);
    return r;
  }

  /** A·V for A m×n row-major: m×n (the test-train kernel in the eigenbasis). */
  public double[] leftTimes(double[] a, int m) {
    checkLength(a, (long) m * n, "test-train kernel");
    double[] r = new double[m * n];
    DenseLinalg.get().gemm(m, n, n, 1.0, a, 0, vectors, 0, false, 0.0, r, 0);
    return r;
  }

  /** Vᵀ·S·V for a symmetric n×n S: n×n, symmetric. */
  public double[] similarity(double[] s) {
    checkLength(s, (long) n * n, "matrix");
    double[] sv = new double[n * n];
    DenseLinalg.get().gemm(n, n, n, 1.0, s, 0, vectors, 0, false, 0.0, sv, 0); // S·V
    DenseLinalg.transposeSquare(n, sv); // (S·V)ᵀ = Vᵀ·S
    double[] r = new double[n * n];
    DenseLinalg.get().gemm(n, n, n, 1.0, sv, 0, vectors, 0, false, 0.0, r, 0);
    symmetrize(r, n);
    return r;
  }

  static void symmetrize(double[] c, int m) {
    for (int i = 0; i < m; i++) {
      for (int j = i + 1; j < m; j++) {
        double v = 0.5 * (c[i * m + j] + c[j * m + i]);
        c[i * m + j] = v;
        c[j * m + i] = v;
      }
    }
  }

  static double[] transpose(double[] a, int rows, int cols) {
    double[] t = new double[rows * cols];
    for (int i = 0; i < rows; i++) for (int j = 0; j < cols; j++) t[j * rows + i] = a[i * cols + j];
    return t;
  }

  private static void checkLength(double[] a, long expected, String what) {
    if (a == null) throw new IllegalArgumentException(what + " is missing");
    if (a.length != expected) throw new IllegalArgumentException(what + " has " + a.length + " values, expected " + expected);
  }
}
