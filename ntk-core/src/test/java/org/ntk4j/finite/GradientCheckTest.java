package org.ntk4j.finite;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.ntk4j.Shape;
import org.ntk4j.kernel.KernelContext;
import org.ntk4j.kernel.KernelState;
import org.ntk4j.layers.Dense;
import org.ntk4j.layers.Layer;
import org.ntk4j.layers.Layers;
import org.ntk4j.layers.Parameterization;
import org.ntk4j.layers.Relu;

class GradientCheckTest {
  static final Parameterization[] BOTH = {Parameterization.NTK, Parameterization.STANDARD};

  @Test
  void denseWithAndWithoutBiasInBothParameterizations() {
    for (Parameterization p : BOTH) {
      assertTrue(GradientCheck.check(Dense.of(4, 1.3, Double.NaN), Shape.flat(5), p) < 1e-6);
      assertTrue(GradientCheck.check(Dense.of(4, 1.3, 0.4), Shape.flat(5), p) < 1e-6);
    }
  }

  @Test
  void reluResidualSerial() {
    for (Parameterization p : BOTH) {
      assertTrue(GradientCheck.check(new Relu(), Shape.flat(6), p) < 1e-6);
      assertTrue(GradientCheck.check(Layers.residual(Dense.of(5, 1.2, 0.1), new Relu(), Dense.of(5, 0.9, 0.2)),
          Shape.flat(5), p) < 1e-6);
      Layer deep = Layers.serial(Dense.of(7, 1.4, 0.1), new Relu(),
          Layers.residual(Dense.of(7, 1.1, Double.NaN), new Relu(), Dense.of(7, 1.0, 0.3)), new Relu(),
          Dense.of(3, 1.0, 0.05));
      assertTrue(GradientCheck.check(deep, Shape.flat(4), p) < 1e-6);
    }
  }

  /** The checker itself must fail on a wrong backward pass (here: the gradient scaled by 1.01, and a dropped dx). */
  @Test
  void checkerCatchesWrongGradients() {
    Layer good = Dense.of(3, 1.0, 0.5);
    assertThrows(AssertionError.class, () -> GradientCheck.check(new Broken(good, 1.01, 1.0), Shape.flat(4), Parameterization.NTK));
    assertThrows(AssertionError.class, () -> GradientCheck.check(new Broken(good, 1.0, 0.0), Shape.flat(4), Parameterization.NTK));
    assertTrue(GradientCheck.check(new Broken(good, 1.0, 1.0), Shape.flat(4), Parameterization.NTK) < 1e-6);
  }

  /** A layer whose backward scales dθ and dx. */
  private record Broken(Layer inner, double gScale, double xScale) implements Layer {
    @Override public Shape outputShape(Shape input, Parameterization p) { return inner.outputShape(input, p); }

    @Override public void applyKernel(KernelState state, KernelContext ctx) { inner.applyKernel(state, ctx); }

    @Override public FiniteLayer instantiate(Shape input, Parameterization p) {
      FiniteLayer f = inner.instantiate(input, p);
      return new FiniteLayer() {
        @Override public Shape inputShape() { return f.inputShape(); }
        @Override public Shape outputShape() { return f.outputShape(); }
        @Override public int parameterCount() { return f.parameterCount(); }
        @Override public void initialize(double[] params, int offset, SplittableRandom rng) { f.initialize(params, offset, rng); }
        @Override public Forward forward(double[] params, int offset, double[] x, int batch) { return f.forward(params, offset, x, batch); }

        @Override public double[] backward(double[] params, int offset, Forward fw, double[] dy, int batch, double[] grad) {
          double[] g = new double[grad.length];
          double[] dx = f.backward(params, offset, fw, dy, batch, g);
          for (int i = 0; i < g.length; i++) grad[i] += gScale * g[i];
          for (int i = 0; i < dx.length; i++) dx[i] *= xScale;
          return dx;
        }
      };
    }
  }
}
