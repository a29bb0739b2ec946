package org.ntk4j.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;
import org.ntk4j.Inputs;
import org.ntk4j.Shape;
import org.ntk4j.io.ArchitectureParser;
import org.ntk4j.layers.Layer;
import org.ntk4j.layers.Parameterization;

/**
 * CNN kernels against an independent numpy implementation of neural-tangents' definitions (full covariances as
 * (n, n, H, W, H, W) arrays, padding by {@code np.pad} with zeros or {@code wrap}, XLA's SAME split, windows summed by
 * explicit loops, arccos form of the ReLU kernel). The reference values were computed once with python3 + numpy
 * (script: src/test/resources/org/ntk4j/kernel/spatial_ref.py, float64; never run by the tests) and are hard-coded here.
 */
class SpatialReferenceTest {
  /** x[k] = sin(1.3k + seed) + 0.5 cos(0.37k² + seed), row-major (n, H, W, C): the same formula as the script. */
  static Inputs formula(int n, int h, int w, int c, int seed) {
    double[] x = new double[n * h * w * c];
    for (int k = 0; k < x.length; k++) x[k] = Math.sin(1.3 * k + seed) + 0.5 * Math.cos(0.37 * k * k + seed);
    return new Inputs(n, h == 1 ? Shape.fromDims(w, c) : Shape.fromDims(h, w, c), x);
  }

  static void check(String arch, Parameterization p, Inputs x, double[] nngp, double[] ntk) {
    Layer l = ArchitectureParser.parse(arch);
    for (Summation sum : Summation.values()) {
      for (SpatialMode mode : new SpatialMode[] {SpatialMode.AUTO, SpatialMode.FULL}) {
        Kernels k = KernelFunction.of(l).parameterization(p).summation(sum).spatialMode(mode).build().compute(x);
        for (int i = 0; i < nngp.length; i++) {
          assertEquals(nngp[i], k.nngp()[i], 1e-12 * Math.abs(nngp[i]), arch + " nngp " + i + " " + sum + " " + mode);
          assertEquals(ntk[i], k.ntk()[i], 1e-12 * Math.abs(ntk[i]), arch + " ntk " + i + " " + sum + " " + mode);
        }
      }
    }
  }

  @Test
  void sameStridedConvAvgPoolSameAndGlobalAvgPool() {
    check("Conv(3, padding=SAME, W_std=1.5, b_std=0.1) -> Relu -> Conv(3x3, stride=2, padding=SAME, W_std=1.5) -> Relu"
            + " -> AvgPool(2, padding=SAME) -> GlobalAvgPool -> Dense(W_std=1.2, b_std=0.2)",
        Parameterization.NTK, formula(3, 5, 5, 2, 1),
        new double[] {0.19976821985560564, 0.16297445528725174, 0.149908604838201, 0.16297445528725174,
            0.21642250570026755, 0.16327531564593628, 0.149908604838201, 0.16327531564593625, 0.18727937477388457},
        new double[] {0.3556738061308897, 0.1968617671728456, 0.17524991134546863, 0.1968617671728456,
            0.3802201368698617, 0.20242463367144767, 0.17524991134546863, 0.20242463367144764, 0.3237891754189974});
  }

  @Test
  void circularRectangularFilterThenValidAndFlatten() {
    check("Conv(2x3, padding=CIRCULAR, W_std=1.3, b_std=0.2) -> Relu -> Conv(3, W_std=1.4, b_std=0.1) -> Relu -> Flatten"
            + " -> Dense(W_std=1.1)",
        Parameterization.NTK, formula(3, 4, 5, 1, 2),
        new double[] {0.7561093408566674, 0.4837848663754044, 0.3912515344666083, 0.4837848663754044,
            0.49441598282682053, 0.3820501427106833, 0.3912515344666083, 0.3820501427106833, 0.721419886641271},
        new double[] {2.2622780225700017, 1.0964275861443284, 0.5975079211853915, 1.0964275861443284,
            1.4771979484804616, 0.7122176794137849, 0.5975079211853915, 0.7122176794137849, 2.158209659923813});
  }

  @Test
  void oneDimensionalStridedConvLayerNormAndStridedPool() {
    check("Conv(3, stride=2, padding=SAME, W_std=1.5, b_std=0.3) -> LayerNorm -> Relu -> AvgPool(2, stride=2) -> Flatten"
            + " -> Dense(W_std=1, b_std=0.1)",
        Parameterization.NTK, formula(3, 1, 7, 3, 3),
        new double[] {0.3766542694103959, 0.12940648336007365, 0.1627861288496565, 0.12940648336007365,
            0.3879611486071345, 0.13696211091722102, 0.16278612884965646, 0.13696211091722102, 0.38945649511962155},
        new double[] {0.6668052937396451, 0.11000202979605958, 0.1736260142600057, 0.11000202979605958,
            0.692358253223701, 0.12230687152090047, 0.17362601426000568, 0.12230687152090047, 0.6982319054270567});
  }

  @Test
  void standardParameterizationUsesFanInChannelsTimesFilter() {
    check("Conv(4, 3, padding=SAME, W_std=1.5, b_std=0.1) -> Relu -> Flatten -> Dense(W_std=1.2, b_std=0.3)",
        Parameterization.STANDARD, formula(3, 4, 4, 2, 4),
        new double[] {0.7414860127271005, 0.14845841337783292, 0.30991222198199, 0.14845841337783292,
            0.8015965647049358, 0.16123153627548364, 0.30991222198199, 0.16123153627548364, 0.8412405395317382},
        new double[] {35.82922200079905, 2.8694084735622085, 11.12354528561992, 2.8694084735622085,
            38.98168650452553, 3.4132902255098516, 11.12354528561992, 3.4132902255098516, 41.060792739886715});
  }

  @Test
  void rowStridedSameAndColumnStridedCircularWithCircularPooling() {
    check("Conv(3, stride=2x1, padding=SAME, W_std=1.4, b_std=0.2) -> Relu -> Conv(1x3, stride=1x2, padding=CIRCULAR,"
            + " W_std=1.3) -> Relu -> AvgPool(2x1, padding=CIRCULAR) -> GlobalAvgPool -> Dense(W_std=1.1, b_std=0.1)",
        Parameterization.NTK, formula(3, 5, 4, 2, 5),
        new double[] {0.25381723563638475, 0.23421280005632744, 0.23287491581899455, 0.23421280005632739,
            0.2574021934328876, 0.24459929274060896, 0.23287491581899455, 0.24459929274060893, 0.29084276436826445},
        new double[] {0.4798734783563914, 0.36748765470117906, 0.3402163436958282, 0.36748765470117895,
            0.47363972256701536, 0.3660784043443112, 0.3402163436958282, 0.36607840434431116, 0.5395477238713853});
  }
}
