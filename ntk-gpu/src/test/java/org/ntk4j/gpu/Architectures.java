package org.ntk4j.gpu;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;
import org.ntk4j.Inputs;
import org.ntk4j.Shape;
import org.ntk4j.io.ArchitectureParser;
import org.ntk4j.layers.Layer;

/** The architectures of the kernel-engine tests (ntk-core's KernelFunctionTest and friends) used by the GPU tests. */
final class Architectures {
  private Architectures() {}

  /** Fully connected: these lower to the GPU. */
  static Map<String, Layer> fullyConnected() {
    Map<String, Layer> m = new LinkedHashMap<>();
    for (String a : new String[] {
        "Dense(W_std=1.5, b_std=0.1) -> Relu -> Dense(W_std=1.5, b_std=0.1) -> Relu -> Dense(W_std=1.5, b_std=0.1)",
        "Dense(512, W_std=1.4142, b_std=0.05) -> Relu -> Dense(W_std=1.4142)",
        "Dense(512, W_std=1.4142, b_std=0.05) -> Erf -> Dense(W_std=1.4142)",
        "Dense(W_std=2.0) -> Erf(a=0.7, b=1.3, c=0.2) -> Dense(W_std=1.1, b_std=0.3) -> Relu -> Identity -> Dense(W_std=0.9)",
        "Relu -> Dense(W_std=1.2) -> Relu -> Relu -> Dense(W_std=1.0, b_std=0.0)",
    }) {
      m.put(a, ArchitectureParser.parse(a));
    }
    return m;
  }

  /** Standard parameterisation needs the widths. */
  static Map<String, Layer> fullyConnectedStandard() {
    Map<String, Layer> m = new LinkedHashMap<>();
    for (String a : new String[] {
        "Dense(64, W_std=1.5, b_std=0.1) -> Relu -> Dense(32, W_std=1.5, b_std=0.1) -> Relu -> Dense(1, W_std=1.5)",
        "Dense(16, W_std=1.3) -> Erf -> Dense(1, W_std=1.1, b_std=0.2)",
    }) {
      m.put(a, ArchitectureParser.parse(a));
    }
    return m;
  }

  /** Convolutional networks with pooling (full spatial covariance): the GPU's ntk_full kernels. */
  static Map<String, Layer> pooling() {
    Map<String, Layer> m = new LinkedHashMap<>();
    for (String a : new String[] {
        "Conv(3, padding=CIRCULAR, W_std=1.5, b_std=0.1) -> Relu -> GlobalAvgPool -> Dense(W_std=1.5)",
        "Conv(3, padding=SAME, W_std=1.5, b_std=0.1) -> Relu -> AvgPool(2) -> Flatten -> Dense(W_std=1.5)",
        "Conv(3, padding=SAME, W_std=1.4) -> Relu -> Conv(3, padding=SAME, W_std=1.4, b_std=0.05) -> Relu"
            + " -> Conv(3, padding=SAME, W_std=1.4) -> Relu -> GlobalAvgPool -> Dense(W_std=1.2)",
        "Conv(2, stride=2, padding=VALID, W_std=1.3) -> Erf -> AvgPool(2, stride=1, padding=SAME) -> Conv(3,"
            + " padding=CIRCULAR, W_std=1.2) -> Relu -> AvgPool(3, stride=2, padding=CIRCULAR) -> GlobalAvgPool"
            + " -> Dense(W_std=1.1, b_std=0.1) -> Relu -> Dense(W_std=1.0)",
        "Conv(3x1, stride=1, padding=VALID, W_std=1.5) -> Relu -> AvgPool(2, stride=2, padding=VALID)"
            + " -> Conv(1x2, padding=SAME, W_std=1.3) -> Relu -> Flatten -> Dense(W_std=1.0)",
        "Conv(3, padding=SAME, W_std=1.3) -> Conv(3, padding=VALID, W_std=1.2, b_std=0.1) -> Relu -> GlobalAvgPool"
            + " -> Dense(W_std=1.0)",
    }) {
      m.put(a, ArchitectureParser.parse(a));
    }
    return m;
  }

  /** Convolutional networks with a Flatten readout (diagonal mode): these lower to the GPU's spatial kernels. */
  static Map<String, Layer> convolutionalFlatten() {
    Map<String, Layer> m = new LinkedHashMap<>();
    for (String a : new String[] {
        "Conv(3, padding=SAME, W_std=1.5, b_std=0.1) -> Relu -> Flatten -> Dense(W_std=1.5)",
        "Conv(3, padding=CIRCULAR, W_std=1.5, b_std=0.1) -> Relu -> Conv(3x3, padding=SAME, W_std=1.4) -> Erf"
            + " -> Flatten -> Dense(W_std=1.2, b_std=0.2) -> Relu -> Dense(W_std=1.0)",
        "Conv(2, stride=2, padding=VALID, W_std=1.3) -> Relu -> Conv(3, stride=1, padding=SAME, W_std=1.3, b_std=0.05)"
            + " -> Relu -> Flatten -> Dense(W_std=1.1)",
    }) {
      m.put(a, ArchitectureParser.parse(a));
    }
    return m;
  }

  /** Pooling networks with stated channel counts, for the standard parameterisation. */
  static Map<String, Layer> poolingStandard() {
    Map<String, Layer> m = new LinkedHashMap<>();
    for (String a : new String[] {
        "Conv(6, 3, padding=SAME, W_std=1.5, b_std=0.1) -> Relu -> AvgPool(2, stride=2, padding=SAME)"
            + " -> Conv(4, 3, padding=CIRCULAR, W_std=1.2) -> Relu -> GlobalAvgPool -> Dense(1, W_std=1.5, b_std=0.2)",
    }) {
      m.put(a, ArchitectureParser.parse(a));
    }
    return m;
  }

  /** With stated channel counts, for the standard parameterisation. */
  static Map<String, Layer> convolutionalFlattenStandard() {
    Map<String, Layer> m = new LinkedHashMap<>();
    for (String a : new String[] {
        "Conv(8, 3, padding=SAME, W_std=1.5, b_std=0.1) -> Relu -> Conv(4, 3, padding=CIRCULAR, W_std=1.2) -> Relu"
            + " -> Flatten -> Dense(1, W_std=1.5)",
    }) {
      m.put(a, ArchitectureParser.parse(a));
    }
    return m;
  }

  /**
   * Flat inputs with the awkward cases: heavy-tailed magnitudes, a zero input (zero variance), a duplicate (exactly
   * correlated pair off the diagonal), an antipodal pair (correlation −1).
   */
  static Inputs flatInputs(int n, int d, long seed) {
    SplittableRandom r = new SplittableRandom(seed);
    double[] x = new double[n * d];
    for (int i = 0; i < x.length; i++) x[i] = r.nextGaussian() * Math.exp(0.5 * r.nextGaussian());
    for (int j = 0; j < d; j++) {
      x[0 * d + j] = 0.0;            // zero input
      x[2 * d + j] = x[1 * d + j];   // duplicate of input 1
      x[3 * d + j] = -x[1 * d + j];  // antipodal to input 1
    }
    return new Inputs(n, Shape.flat(d), x);
  }

  static Inputs images(int n, long seed) { return images(n, 4, 4, 2, seed); }

  /** Random images with a zero image (0), a duplicate (2 of 1) and a negated one (3 of 1) when n ≥ 4. */
  static Inputs images(int n, int h, int w, int c, long seed) {
    SplittableRandom r = new SplittableRandom(seed);
    int size = h * w * c;
    double[] x = new double[n * size];
    for (int i = 0; i < x.length; i++) x[i] = r.nextGaussian();
    if (n >= 4) {
      for (int j = 0; j < size; j++) {
        x[j] = 0;
        x[2 * size + j] = x[size + j];
        x[3 * size + j] = -x[size + j];
      }
    }
    return new Inputs(n, Shape.of(new int[] {h, w}, c), x);
  }
}
