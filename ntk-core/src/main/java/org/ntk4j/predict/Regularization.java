package org.ntk4j.predict;

/**
 * The diagonal regularizer added to a training kernel before it is decomposed, as neural-tangents' {@code diag_reg}:
 * {@link #relative} (nt's default, {@code diag_reg_absolute_scale=False}) adds {@code value · trace(K)/n}, {@link #absolute}
 * adds {@code value}.
 */
public record Regularization(double value, boolean absolute) {
  public Regularization {
    if (!(value >= 0) || Double.isInfinite(value)) throw new IllegalArgumentException("diag_reg must be finite and >= 0, got " + value);
  }

  public static Regularization none() { return new Regularization(0, true); }

  /** value · mean of the diagonal of K (neural-tangents' default). */
  public static Regularization relative(double value) { return new Regularization(value, false); }

  public static Regularization absolute(double value) { return new Regularization(value, true); }

  /** The amount added to each diagonal entry of the n×n row-major kernel k. */
  public double amount(double[] k, int n) {
    if (value == 0) return 0;
    if (absolute) return value;
    double trace = 0;
    for (int i = 0; i < n; i++) trace += k[i * n + i];
    return value * trace / n;
  }
}
