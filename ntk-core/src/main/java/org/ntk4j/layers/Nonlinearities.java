package org.ntk4j.layers;

import java.util.Objects;
import java.util.function.DoubleUnaryOperator;

/** Java factories for every nonlinearity of the architecture language, and custom φ by quadrature. */
public final class Nonlinearities {
  private Nonlinearities() {}

  public static Nonlinearity relu() { return new Relu(); }
  public static Nonlinearity leakyRelu(double alpha) { return new LeakyRelu(alpha); }
  public static Nonlinearity abRelu(double a, double b) { return new ABRelu(a, b); }
  public static Nonlinearity abs() { return new Abs(); }
  public static Nonlinearity identity() { return new Identity(); }
  public static Nonlinearity erf() { return new Erf(); }
  public static Nonlinearity erf(double a, double b, double c) { return new Erf(a, b, c); }
  public static Nonlinearity sigmoidLike() { return new SigmoidLike(); }
  public static Nonlinearity gelu() { return new Gelu(); }
  public static Nonlinearity sin(double a, double b, double c) { return new Sin(a, b, c); }
  public static Nonlinearity cos(double a, double b, double c) { return new Cos(a, b, c); }
  public static Nonlinearity sign() { return new Sign(); }
  public static Nonlinearity rbf(double gamma) { return new Rbf(gamma); }
  public static Nonlinearity monomial(int degree) { return new Monomial(degree); }
  public static Nonlinearity rectifiedMonomial(int degree) { return new RectifiedMonomial(degree); }
  public static Nonlinearity polynomial(double... coefficients) { return new Polynomial(coefficients); }
  public static Nonlinearity sin() { return new Sin(); }
  public static Nonlinearity cos() { return new Cos(); }
  public static Nonlinearity rbf() { return new Rbf(); }
  public static Nonlinearity tanh() { return new Tanh(); }
  public static Nonlinearity softplus() { return new Softplus(); }
  public static Nonlinearity silu() { return new Silu(); }
  public static Nonlinearity elu() { return new Elu(); }
  public static Nonlinearity elu(double alpha) { return new Elu(alpha); }
  public static Nonlinearity tanh(int order) { return new Tanh(order); }
  public static Nonlinearity softplus(int order) { return new Softplus(order); }
  public static Nonlinearity silu(int order) { return new Silu(order); }
  public static Nonlinearity elu(double alpha, int order) { return new Elu(alpha, order); }

  /**
   * Any φ by quadrature (neural-tangents' {@code ElementwiseNumerical}). {@code phi} and {@code dphi} must be pure and
   * thread-safe; {@code dphi} is φ' (its value at a kink is the finite twin's convention and enters the kernel only
   * for zero-variance inputs). {@link NumericalNonlinearity.Scheme#POLAR} converges exponentially also for φ with a
   * kink or jump at 0 (not elsewhere); {@link NumericalNonlinearity.Scheme#HERMITE} is neural-tangents' rule.
   * The layer prints as {@code name} but has no text form that parses back; equality is identity.
   *
   * @param order nodes per dimension (default {@link NumericalNonlinearity#DEFAULT_ORDER}); cost order² per pair
   */
  public static Nonlinearity custom(String name, DoubleUnaryOperator phi, DoubleUnaryOperator dphi,
                                    NumericalNonlinearity.Scheme scheme, int order) {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(phi, "phi");
    Objects.requireNonNull(dphi, "dphi");
    return new Custom(name, phi, dphi, scheme, order);
  }

  /** A custom φ with the polar scheme at the default order. */
  public static Nonlinearity custom(String name, DoubleUnaryOperator phi, DoubleUnaryOperator dphi) {
    return custom(name, phi, dphi, NumericalNonlinearity.Scheme.POLAR, NumericalNonlinearity.DEFAULT_ORDER);
  }

  private static final class Custom extends NumericalNonlinearity {
    private final String name;
    private final DoubleUnaryOperator phi;
    private final DoubleUnaryOperator dphi;

    Custom(String name, DoubleUnaryOperator phi, DoubleUnaryOperator dphi, NumericalNonlinearity.Scheme scheme, int order) {
      super(order, scheme);
      this.name = name;
      this.phi = phi;
      this.dphi = dphi;
    }

    @Override public double phi(double x) { return phi.applyAsDouble(x); }
    @Override public double dphi(double x) { return dphi.applyAsDouble(x); }
    @Override public boolean equals(Object o) { return o == this; }
    @Override public int hashCode() { return System.identityHashCode(this); }
    @Override public String toString() { return name; }
  }
}
