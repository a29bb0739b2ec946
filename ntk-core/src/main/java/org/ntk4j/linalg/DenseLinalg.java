package org.ntk4j.linalg;

/**
 * The few dense kernels ntk4j needs, row-major. The only place that calls BLAS/LAPACK:
 * {@link #get()} returns OpenBLAS (shipped in a Maven jar) and falls back to pure Java when the native library
 * cannot load on this platform.
 */
public interface DenseLinalg {

  /** C(m×n) = alpha · A(m×k) · op(B) + beta · C, where op(B) = Bᵀ (B is n×k) if transB, else B (k×n). Row-major, dense. */
  void gemm(int m, int n, int k, double alpha, double[] a, int aOff, double[] b, int bOff, boolean transB,
            double beta, double[] c, int cOff);

  /** LAPACK driver of a symmetric eigendecomposition with eigenvectors. */
  enum EigenMethod {
    /** dsyevd (divide and conquer), what {@code numpy.linalg.eigh} calls. */
    DIVIDE_AND_CONQUER,
    /** dsyevr (multiple relatively robust representations). */
    MRRR
  }

  /** The driver {@link #symmetricEigen} and {@link #symmetricEigenRows(int, double[], double[])} use. */
  EigenMethod DEFAULT_EIGEN_METHOD = EigenMethod.DIVIDE_AND_CONQUER;

  /**
   * C(m×n) = alpha · op(A) · op(B) + beta · C, row-major, every operand at its offset; op(A) is m×k (A stored k×m when
   * {@code transA}), op(B) is k×n (B stored n×k when {@code transB}). Unlike {@link #gemm}, implementations must not copy
   * whole arrays: operands that are blocks of a large parameter vector are used where they are (or staged block by block).
   * Results do not depend on the offsets.
   */
  default void dgemm(boolean transA, boolean transB, int m, int n, int k, double alpha, double[] a, int aOff,
                     double[] b, int bOff, double beta, double[] c, int cOff) {
    if (m == 0 || n == 0) return;
    double[] at = a;
    int ao = aOff;
    if (transA) {
      at = new double[m * k];
      for (int l = 0; l < k; l++) for (int i = 0; i < m; i++) at[i * k + l] = a[aOff + l * m + i];
      ao = 0;
    }
    gemm(m, n, k, alpha, at, ao, b, bOff, transB, beta, c, cOff);
  }

  /**
   * Symmetric eigendecomposition of the n×n row-major matrix a (overwritten by eigenvectors stored as columns,
   * i.e. a[i*n + j] = component i of eigenvector j), eigenvalues ascending into w. Only the upper triangle of a is read.
   */
  default void symmetricEigen(int n, double[] a, double[] w) {
    symmetricEigenRows(n, a, w);
    transposeSquare(n, a);
  }

  /**
   * Symmetric eigendecomposition without the final transpose: a is overwritten by the eigenvectors stored as
   * <em>rows</em> (a[j*n + i] = component i of eigenvector j, i.e. the row-major Vᵀ), eigenvalues ascending into w.
   * Only the upper triangle of a is read.
   */
  default void symmetricEigenRows(int n, double[] a, double[] w) { symmetricEigenRows(n, a, w, DEFAULT_EIGEN_METHOD); }

  /** {@link #symmetricEigenRows(int, double[], double[])} with a chosen LAPACK driver. */
  void symmetricEigenRows(int n, double[] a, double[] w, EigenMethod method);

  /** Eigenvalues only, ascending into w; a (n×n, upper triangle read) is destroyed. */
  void symmetricEigenvalues(int n, double[] a, double[] w);

  /**
   * Cholesky factorisation A = UᵀU of a symmetric positive definite n×n row-major matrix (upper triangle read), in place:
   * a is overwritten by the factor (for {@link #choleskySolve}). Returns false, a unspecified, when A is not
   * numerically positive definite (a non-positive pivot).
   */
  boolean choleskyFactor(int n, double[] a);

  /** Solves A·X = B with the factor from {@link #choleskyFactor}: b (n×nrhs row-major) is overwritten by X. */
  void choleskySolve(int n, double[] factor, double[] b, int nrhs);

  /** Transposes a square row-major n×n matrix in place (blocked). */
  static void transposeSquare(int n, double[] a) {
    final int bs = 64;
    for (int ib = 0; ib < n; ib += bs) {
      int ie = Math.min(n, ib + bs);
      for (int jb = ib; jb < n; jb += bs) {
        int je = Math.min(n, jb + bs);
        for (int i = ib; i < ie; i++) {
          for (int j = Math.max(jb, i + 1); j < je; j++) {
            double t = a[i * n + j];
            a[i * n + j] = a[j * n + i];
            a[j * n + i] = t;
          }
        }
      }
    }
  }

  /** Checks that a holds n×n values (and w, when given, n). */
  static void checkSquare(int n, double[] a, double[] w) {
    if (n < 0) throw new IllegalArgumentException("matrix order must be >= 0, got " + n);
    if (a.length != (long) n * n) throw new IllegalArgumentException("matrix has " + a.length + " values, expected " + n + "·" + n);
    if (w != null && w.length != n) throw new IllegalArgumentException("eigenvalue array has length " + w.length + ", expected " + n);
  }

  /** Number of threads the library may use inside one call; 1 inside our own parallel tiles. */
  void setThreads(int threads);

  int threads();

  /** Human-readable name, e.g. "OpenBLAS 0.3.31 (native)". */
  String name();

  static DenseLinalg get() { return Holder.INSTANCE; }

  /** The pure-Java implementation, for reference and for platforms without the native library. */
  static DenseLinalg pureJava() { return Holder.JAVA; }

  final class Holder {
    private Holder() {}
    static final DenseLinalg JAVA = new PureJavaLinalg();
    static final DenseLinalg INSTANCE = load();

    private static DenseLinalg load() {
      if (Boolean.getBoolean("ntk4j.pureJava")) return JAVA;
      try {
        return new OpenBlasLinalg();
      } catch (Throwable t) { // UnsatisfiedLinkError, NoClassDefFoundError on unsupported platforms
        System.err.println("ntk4j: native OpenBLAS unavailable (" + t + "); using pure Java linear algebra");
        return JAVA;
      }
    }
  }
}
