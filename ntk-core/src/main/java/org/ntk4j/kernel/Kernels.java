package org.ntk4j.kernel;

/** NNGP Σ and NTK Θ between two batches, row-major {@code n1 × n2}, float64. */
public record Kernels(int n1, int n2, double[] nngp, double[] ntk) {
  public double nngp(int i, int j) { return nngp[i * n2 + j]; }

  public double ntk(int i, int j) { return ntk[i * n2 + j]; }

  /** Σ or Θ as rows. */
  public double[][] nngpRows() { return rows(nngp); }

  public double[][] ntkRows() { return rows(ntk); }

  private double[][] rows(double[] a) {
    double[][] r = new double[n1][n2];
    for (int i = 0; i < n1; i++) System.arraycopy(a, i * n2, r[i], 0, n2);
    return r;
  }
}
