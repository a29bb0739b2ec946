package org.ntk4j.layers;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.ntk4j.Shape;
import org.ntk4j.finite.FiniteLayer;
import org.ntk4j.io.ArchitectureParser;

/** Finite twins: forward values by hand, and backward (vector-Jacobian products) against central finite differences. */
class SpatialFiniteTest {
  static double[] gaussian(int n, SplittableRandom r) {
    double[] x = new double[n];
    for (int i = 0; i < n; i++) x[i] = r.nextGaussian();
    return x;
  }

  /** L = Σ y·r; checks dL/dθ and dL/dx from backward against central differences. */
  static void checkGradients(String text, Shape in, Parameterization p, int batch) {
    Layer l = ArchitectureParser.parse(text);
    FiniteLayer f = l.instantiate(in, p);
    SplittableRandom rng = new SplittableRandom(text.hashCode());
    double[] params = new double[f.parameterCount()];
    f.initialize(params, 0, rng);
    double[] x = gaussian(batch * in.size(), rng);
    double[] r = gaussian(batch * f.outputShape().size(), rng);
    FiniteLayer.Forward fw = f.forward(params, 0, x, batch);
    assertEquals(r.length, fw.output().length, text);
    double[] grad = new double[params.length];
    double[] dx = f.backward(params, 0, fw, r, batch, grad);
    double h = 1e-6;
    for (int i = 0; i < params.length; i++) {
      double keep = params[i];
      params[i] = keep + h;
      double up = dot(f.forward(params, 0, x, batch).output(), r);
      params[i] = keep - h;
      double down = dot(f.forward(params, 0, x, batch).output(), r);
      params[i] = keep;
      assertEquals((up - down) / (2 * h), grad[i], 1e-6 * (1 + Math.abs(grad[i])), text + " param " + i);
    }
    for (int i = 0; i < x.length; i++) {
      double keep = x[i];
      x[i] = keep + h;
      double up = dot(f.forward(params, 0, x, batch).output(), r);
      x[i] = keep - h;
      double down = dot(f.forward(params, 0, x, batch).output(), r);
      x[i] = keep;
      assertEquals((up - down) / (2 * h), dx[i], 1e-6 * (1 + Math.abs(dx[i])), text + " input " + i);
    }
  }

  static double dot(double[] a, double[] b) {
    double s = 0;
    for (int i = 0; i < a.length; i++) s += a[i] * b[i];
    return s;
  }

  @Test
  void convGradients() {
    for (Parameterization p : Parameterization.values()) {
      checkGradients("Conv(3, 3, padding=SAME, W_std=1.5, b_std=0.3)", Shape.fromDims(4, 5, 2), p, 2);
      checkGradients("Conv(2, 2x3, stride=2, padding=CIRCULAR, W_std=1.2)", Shape.fromDims(5, 4, 2), p, 2);
      checkGradients("Conv(4, 3, stride=2, b_std=0.5)", Shape.fromDims(7, 3), p, 3);
    }
  }

  @Test
  void parameterFreeGradients() {
    checkGradients("AvgPool(2, stride=2, padding=SAME)", Shape.fromDims(5, 5, 2), Parameterization.NTK, 2);
    checkGradients("AvgPool(3, padding=CIRCULAR)", Shape.fromDims(4, 3), Parameterization.NTK, 2);
    checkGradients("AvgPool(2x1)", Shape.fromDims(3, 4, 2), Parameterization.NTK, 2);
    checkGradients("GlobalAvgPool", Shape.fromDims(3, 4, 2), Parameterization.NTK, 2);
    checkGradients("Flatten", Shape.fromDims(3, 4, 2), Parameterization.NTK, 2);
    checkGradients("LayerNorm", Shape.fromDims(3, 2, 5), Parameterization.NTK, 2);
    checkGradients("LayerNorm(eps=0.1)", Shape.flat(6), Parameterization.NTK, 3);
  }

  @Test
  void forwardByHand() {
    // Conv(1, 3, padding=SAME) on a 1-D input of length 3 with one channel, NTK parameterisation:
    // y_q = W_std/√3 · Σ_t w_t x_{q+t−1} (zeros outside) + b_std·b
    Layer conv = ArchitectureParser.parse("Conv(1, 3, padding=SAME, W_std=2, b_std=0.5)");
    FiniteLayer f = conv.instantiate(Shape.fromDims(3, 1), Parameterization.NTK);
    double[] params = {1, 2, 3, 10}; // w₀, w₁, w₂, b
    double[] y = f.forward(params, 0, new double[] {1, -1, 2}, 1).output();
    double s = 2 / Math.sqrt(3);
    assertArrayEquals(new double[] {s * (2 * 1 + 3 * -1) + 5, s * (1 * 1 + 2 * -1 + 3 * 2) + 5, s * (1 * -1 + 2 * 2) + 5},
        y, 1e-14);
    // CIRCULAR wraps: y_0 reads x_2, x_0, x_1
    FiniteLayer c = ArchitectureParser.parse("Conv(1, 3, padding=CIRCULAR)").instantiate(Shape.fromDims(3, 1),
        Parameterization.NTK);
    double[] yc = c.forward(new double[] {1, 2, 3}, 0, new double[] {1, -1, 2}, 1).output();
    assertEquals((1 * 2 + 2 * 1 + 3 * -1) / Math.sqrt(3), yc[0], 1e-14);
    // AvgPool SAME divides by the full window, zeros included (normalize_edges=False)
    FiniteLayer pool = ArchitectureParser.parse("AvgPool(2, padding=SAME)").instantiate(Shape.fromDims(3, 1),
        Parameterization.NTK);
    assertArrayEquals(new double[] {0, 0.5, 1}, pool.forward(new double[0], 0, new double[] {1, -1, 2}, 1).output(), 1e-15);
    // standard parameterisation draws W with variance W_std²/fan-in and applies it unscaled
    FiniteLayer std = ArchitectureParser.parse("Conv(64, 3x3, W_std=2, b_std=0.5)").instantiate(Shape.fromDims(3, 3, 16),
        Parameterization.STANDARD);
    double[] pw = new double[std.parameterCount()];
    std.initialize(pw, 0, new SplittableRandom(1));
    double v = 0;
    int nw = 9 * 16 * 64;
    for (int i = 0; i < nw; i++) v += pw[i] * pw[i];
    assertEquals(4.0 / (9 * 16), v / nw, 0.05 * 4.0 / (9 * 16));
  }
}
