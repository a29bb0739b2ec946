package org.ntk4j.finite;

import java.util.SplittableRandom;
import org.ntk4j.Shape;
import org.ntk4j.layers.Layer;
import org.ntk4j.layers.Parameterization;

/**
 * Checks a layer's finite-width backward pass against central finite differences, for any layer: the vector-Jacobian
 * products with a random cotangent c, both dL/dθ and dL/dx for L = Σ c·f(x), on a random batch. Also checks that backward
 * adds into the gradient buffer instead of overwriting it. Reusable over every layer type:
 * {@code GradientCheck.check(layer, Shape.flat(5), Parameterization.NTK)}.
 */
public final class GradientCheck {
  private GradientCheck() {}

  /** Largest |analytic − numeric| / (1 + |numeric|) seen; throws AssertionError above {@code 1e-6}. */
  public static double check(Layer layer, Shape input, Parameterization p) {
    return check(layer, input, p, 3, 1e-6, 42);
  }

  public static double check(Layer layer, Shape input, Parameterization p, int batch, double tol, long seed) {
    FiniteLayer f = layer.instantiate(input, p);
    SplittableRandom rng = new SplittableRandom(seed);
    double[] params = new double[f.parameterCount()];
    f.initialize(params, 0, rng);
    int in = input.size(), out = f.outputShape().size();
    double[] x = new double[batch * in];
    for (int i = 0; i < x.length; i++) {
      double v;
      do v = rng.nextGaussian(); while (Math.abs(v) < 1e-3); // away from kinks at 0
      x[i] = v;
    }
    double[] c = new double[batch * out];
    for (int i = 0; i < c.length; i++) c[i] = rng.nextGaussian();
    FiniteLayer.Forward fw = f.forward(params, 0, x, batch);
    if (fw.output().length != batch * out) {
      throw new AssertionError(layer + ": forward gives " + fw.output().length + " values, expected " + batch * out);
    }
    double[] grad = new double[params.length];
    for (int i = 0; i < grad.length; i++) grad[i] = 1.0; // backward must add to this
    double[] dx = f.backward(params, 0, fw, c, batch, grad);
    for (int i = 0; i < grad.length; i++) grad[i] -= 1.0;
    double worst = 0;
    double h = 1e-6;
    int stride = Math.max(1, params.length / 300);
    for (int i = 0; i < params.length; i += stride) {
      double keep = params[i];
      params[i] = keep + h;
      double lp = dot(c, f.forward(params, 0, x, batch).output());
      params[i] = keep - h;
      double lm = dot(c, f.forward(params, 0, x, batch).output());
      params[i] = keep;
      double num = (lp - lm) / (2 * h);
      worst = Math.max(worst, compare(layer, "parameter " + i, grad[i], num, tol));
    }
    int xs = Math.max(1, x.length / 300);
    for (int i = 0; i < x.length; i += xs) {
      double keep = x[i];
      x[i] = keep + h;
      double lp = dot(c, f.forward(params, 0, x, batch).output());
      x[i] = keep - h;
      double lm = dot(c, f.forward(params, 0, x, batch).output());
      x[i] = keep;
      double num = (lp - lm) / (2 * h);
      worst = Math.max(worst, compare(layer, "input value " + i, dx[i], num, tol));
    }
    return worst;
  }

  private static double compare(Layer layer, String what, double analytic, double numeric, double tol) {
    double e = Math.abs(analytic - numeric) / (1 + Math.abs(numeric));
    if (!(e <= tol)) {
      throw new AssertionError(layer + ": d/d(" + what + ") backward gives " + analytic + ", central differences " + numeric);
    }
    return e;
  }

  private static double dot(double[] a, double[] b) {
    double s = 0;
    for (int i = 0; i < a.length; i++) s += a[i] * b[i];
    return s;
  }
}
