package org.ntk4j.layers;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.ntk4j.Inputs;
import org.ntk4j.Shape;
import org.ntk4j.finite.FiniteNetwork;
import org.ntk4j.finite.MonteCarlo;
import org.ntk4j.io.ArchitectureParser;
import org.ntk4j.kernel.KernelFunction;
import org.ntk4j.kernel.Kernels;

/**
 * Analytic kernels against finite-width ensembles of the same architecture, as neural-tangents' tests do. The NTK is
 * estimated with {@link MonteCarlo#estimate} (one readout output); the NNGP, whose estimate from a single output per
 * network would need many samples, from the outputs of a wide readout (the empirical Gram of the readout outputs
 * averaged over outputs and samples). Tolerance: {@code rtol · max |analytic|} per entry.
 */
class SpatialMonteCarloTest {
  static Inputs images(int n, int[] spatial, int c, long seed) {
    SplittableRandom r = new SplittableRandom(seed);
    Shape s = Shape.of(spatial, c);
    double[] x = new double[n * s.size()];
    for (int i = 0; i < x.length; i++) x[i] = r.nextGaussian();
    return new Inputs(n, s, x);
  }

  static void compare(String arch, Parameterization p, Inputs x, int width, int samples, double rtol) {
    Layer net = ArchitectureParser.parse(arch);
    // the standard parameterisation's kernel depends on the stated widths (NTK: the same kernel either way)
    Kernels analytic = KernelFunction.of(Layers.withWidths(net, width, 1)).parameterization(p).build().compute(x);
    double scale = 0;
    for (double v : analytic.ntk()) scale = Math.max(scale, Math.abs(v));
    double scaleN = 0;
    for (double v : analytic.nngp()) scaleN = Math.max(scaleN, Math.abs(v));

    Kernels mc = MonteCarlo.estimate(Layers.withWidths(net, width, 1), p, x, x, samples, 42, 2);
    for (int i = 0; i < analytic.ntk().length; i++) {
      assertEquals(analytic.ntk()[i], mc.ntk()[i], rtol * scale, arch + " ntk entry " + i);
    }

    int outputs = width;
    FiniteNetwork wide = new FiniteNetwork(Layers.withWidths(net, width, outputs), x.shape(), p);
    int n = x.n();
    double[] nngp = new double[n * n];
    SplittableRandom seeds = new SplittableRandom(7);
    int nngpSamples = Math.max(10, samples / 4);
    for (int s = 0; s < nngpSamples; s++) {
      double[] f = wide.apply(wide.initialize(seeds.nextLong()), x);
      for (int a = 0; a < n; a++) {
        for (int b = 0; b < n; b++) {
          double d = 0;
          for (int o = 0; o < outputs; o++) d += f[a * outputs + o] * f[b * outputs + o];
          nngp[a * n + b] += d / outputs / nngpSamples;
        }
      }
    }
    for (int i = 0; i < nngp.length; i++) {
      assertEquals(analytic.nngp()[i], nngp[i], rtol * scaleN, arch + " nngp entry " + i);
    }
  }

  @Test
  void convReluConvFlatten() {
    compare("Conv(3, padding=SAME, W_std=1.5, b_std=0.2) -> Relu -> Conv(3, padding=SAME, W_std=1.4) -> Relu -> Flatten"
        + " -> Dense(W_std=1.2, b_std=0.1)", Parameterization.NTK, images(3, new int[] {4, 4}, 1, 1), 128, 150, 0.05);
  }

  @Test
  void circularConvAvgPoolGlobalAvgPool() {
    compare("Conv(3, padding=CIRCULAR, W_std=1.5, b_std=0.1) -> Relu -> AvgPool(2, padding=SAME) -> Conv(2, stride=2,"
            + " W_std=1.3) -> Relu -> GlobalAvgPool -> Dense(W_std=1.5)", Parameterization.NTK,
        images(3, new int[] {5, 5}, 2, 2), 128, 150, 0.05);
  }

  @Test
  void oneDimensionalLayerNormStandardParameterization() {
    compare("Conv(3, stride=2, padding=SAME, W_std=1.5, b_std=0.3) -> LayerNorm -> Relu -> AvgPool(2, stride=2)"
            + " -> Flatten -> Dense(W_std=1.1, b_std=0.2)", Parameterization.STANDARD,
        images(3, new int[] {8}, 2, 3), 128, 150, 0.05);
  }

  @Test
  @Tag("heavy")
  void heavyWideEnsembles() {
    compare("Conv(3, padding=SAME, W_std=1.5, b_std=0.2) -> Relu -> Conv(3, padding=SAME, W_std=1.4) -> Relu -> Flatten"
        + " -> Dense(W_std=1.2, b_std=0.1)", Parameterization.NTK, images(4, new int[] {5, 5}, 2, 1), 512, 200, 0.03);
    compare("Conv(3, padding=CIRCULAR, W_std=1.5, b_std=0.1) -> LayerNorm -> Relu -> AvgPool(2, padding=SAME)"
            + " -> Conv(3, stride=2, W_std=1.3) -> Relu -> GlobalAvgPool -> Dense(W_std=1.5)", Parameterization.STANDARD,
        images(4, new int[] {5, 5}, 2, 2), 512, 200, 0.03);
  }
}
