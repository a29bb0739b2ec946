package org.ntk4j.predict;

import java.io.Serializable;

/**
 * The training dynamics along one eigenvector of the training kernel K, as a function of its eigenvalue λ: the error
 * f − y decays by the <em>residual</em> r(λ) and the kernel regression coefficient is K⁻¹(I − R) with the spectral
 * factor {@link #inverse} (1 − r(λ))/λ. Gradient flow for time t at learning rate lr on ½·mean((f − y)²) has
 * r(λ) = e^{−aλ} with a = lr·t/N (N = y.size); k steps of gradient descent have r(λ) = (1 − cλ)^k with c = lr/N.
 *
 * <p>Every prediction of {@link MsePredictor}, {@link EnsemblePredictor} and any other solver (e.g. a distributed one
 * working in the same eigenbasis) is a product of eigenvectors and these scalar functions, so they are evaluated here,
 * once, in float64 with care: {@code expm1}/{@code log1p} forms and the exact limit at λ = 0.
 */
public interface SpectralFunction extends Serializable {
  /** r(λ): the factor by which the training error along an eigenvector of eigenvalue λ has decayed (1 at λ = 0). */
  double residual(double lambda);

  /** (1 − r(λ))/λ, with its limit −r'(0) at λ = 0; at t = ∞ it is 1/λ (and 0 at λ = 0, the pseudo-inverse convention). */
  double inverse(double lambda);

  /** The function whose residual is r(λ)²: twice the time, or twice the steps (the NNGP ensemble covariance). */
  SpectralFunction squared();

  /** Gradient flow with a = lr·t/N ∈ [0, ∞]; a = ∞ is the converged limit. */
  static SpectralFunction flow(double a) { return new Flow(a); }

  /** Gradient flow for time t ∈ [0, ∞] at learning rate lr with N = y.size training outputs. */
  static SpectralFunction flow(double lr, double t, long outputsTotal) {
    checkLr(lr);
    if (!(t >= 0)) throw new IllegalArgumentException("training time must be >= 0 (or infinity), got " + t);
    if (outputsTotal < 1) throw new IllegalArgumentException("N = y.size must be >= 1, got " + outputsTotal);
    return new Flow(Double.isInfinite(t) ? Double.POSITIVE_INFINITY : lr * t / outputsTotal);
  }

  /** k steps of gradient descent with c = lr/N. */
  static SpectralFunction steps(double c, long k) { return new Steps(c, k); }

  /** k steps of gradient descent at learning rate lr with N = y.size training outputs. */
  static SpectralFunction steps(double lr, long k, long outputsTotal) {
    checkLr(lr);
    if (outputsTotal < 1) throw new IllegalArgumentException("N = y.size must be >= 1, got " + outputsTotal);
    return new Steps(lr / outputsTotal, k);
  }

  private static void checkLr(double lr) {
    if (!(lr > 0) || Double.isInfinite(lr)) throw new IllegalArgumentException("learning rate must be finite and > 0, got " + lr);
  }

  /** r(λ) = e^{−aλ}. */
  record Flow(double a) implements SpectralFunction {
    private static final long serialVersionUID = 1L;

    public Flow {
      if (!(a >= 0)) throw new IllegalArgumentException("gradient-flow exponent lr·t/N must be >= 0 (or infinity), got " + a);
    }

    public boolean converged() { return Double.isInfinite(a); }

    @Override public double residual(double lambda) {
      if (lambda == 0) return 1.0;
      if (Double.isInfinite(a)) return lambda > 0 ? 0.0 : Double.POSITIVE_INFINITY;
      return Math.exp(-a * lambda);
    }

    @Override public double inverse(double lambda) {
      if (lambda == 0) return Double.isInfinite(a) ? 0.0 : a;
      if (Double.isInfinite(a)) return lambda > 0 ? 1.0 / lambda : Double.NEGATIVE_INFINITY;
      return -Math.expm1(-a * lambda) / lambda;
    }

    @Override public SpectralFunction squared() { return new Flow(2 * a); }
  }

  /** r(λ) = (1 − cλ)^k. */
  record Steps(double c, long k) implements SpectralFunction {
    private static final long serialVersionUID = 1L;

    public Steps {
      if (!(c > 0) || Double.isInfinite(c)) throw new IllegalArgumentException("step factor lr/N must be finite and > 0, got " + c);
      if (k < 0) throw new IllegalArgumentException("number of steps must be >= 0, got " + k);
    }

    @Override public double residual(double lambda) {
      double x = c * lambda;
      return x < 1 ? Math.exp(k * Math.log1p(-x)) : Math.pow(1 - x, k);
    }

    @Override public double inverse(double lambda) {
      if (lambda == 0) return k * c;
      double x = c * lambda;
      // (1 − (1 − x)^k)/λ = −expm1(k·log1p(−x))/λ, accurate for small x
      return (x < 1 ? -Math.expm1(k * Math.log1p(-x)) : 1 - Math.pow(1 - x, k)) / lambda;
    }

    @Override public SpectralFunction squared() {
      if (k > Long.MAX_VALUE / 2) throw new IllegalArgumentException("too many steps to double: " + k);
      return new Steps(c, 2 * k);
    }
  }
}
