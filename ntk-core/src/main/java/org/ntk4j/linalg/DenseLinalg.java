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
   * i.e. a[i*n + j] = component i of eigenvector j), eigenvalues ascending into w.
   */
  void symmetricEigen(int n, double[] a, double[] w);

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
