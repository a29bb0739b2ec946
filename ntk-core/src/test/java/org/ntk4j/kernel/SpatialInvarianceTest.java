package org.ntk4j.kernel;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import java.util.function.IntBinaryOperator;
import org.junit.jupiter.api.Test;
import org.ntk4j.Inputs;
import org.ntk4j.Shape;
import org.ntk4j.io.ArchitectureParser;
import org.ntk4j.layers.Layer;

/**
 * Exact invariance: rotating, flipping or (with CIRCULAR padding) cyclically shifting every image permutes the terms of
 * every spatial reduction, so under {@link Summation#EXACT} Σ and Θ of the transformed batch equal those of the original
 * batch entry by entry, with zero tolerance.
 */
class SpatialInvarianceTest {
  static final int N = 5, S = 5, C = 2;

  static final String SAME_FLATTEN = "Conv(3, padding=SAME, W_std=1.5, b_std=0.1) -> Relu -> Conv(3, padding=SAME, W_std=1.5,"
      + " b_std=0.1) -> Relu -> Flatten -> Dense(W_std=1.5, b_std=0.1)";
  static final String SAME_GAP = "Conv(3x3, padding=SAME, W_std=1.5, b_std=0.1) -> Relu -> Conv(3, padding=SAME, W_std=1.5,"
      + " b_std=0.1) -> Relu -> GlobalAvgPool -> Dense(W_std=1.5, b_std=0.1)";
  static final String CIRC_FLATTEN = SAME_FLATTEN.replace("SAME", "CIRCULAR");
  static final String CIRC_GAP = SAME_GAP.replace("SAME", "CIRCULAR");

  static Inputs images(long seed) {
    SplittableRandom r = new SplittableRandom(seed);
    double[] x = new double[N * S * S * C];
    for (int i = 0; i < x.length; i++) x[i] = r.nextGaussian() * Math.exp(0.5 * r.nextGaussian());
    return new Inputs(N, Shape.fromDims(S, S, C), x);
  }

  /** The batch with every image moved: output pixel (y, x) takes input pixel src(y, x) = (sy, sx) packed as sy·S + sx. */
  static Inputs transform(Inputs in, IntBinaryOperator src) {
    double[] x = in.data(), y = new double[x.length];
    for (int n = 0; n < N; n++) {
      for (int a = 0; a < S; a++) {
        for (int b = 0; b < S; b++) {
          int s = src.applyAsInt(a, b);
          System.arraycopy(x, ((n * S + s / S) * S + s % S) * C, y, ((n * S + a) * S + b) * C, C);
        }
      }
    }
    return new Inputs(N, in.shape(), y);
  }

  static final IntBinaryOperator ROT90 = (a, b) -> b * S + (S - 1 - a);
  static final IntBinaryOperator ROT180 = (a, b) -> (S - 1 - a) * S + (S - 1 - b);
  static final IntBinaryOperator FLIP = (a, b) -> a * S + (S - 1 - b);
  static final IntBinaryOperator TRANSPOSE = (a, b) -> b * S + a;
  static final IntBinaryOperator SHIFT = (a, b) -> ((a + 1) % S) * S + (b + 3) % S;

  /** Counts entries that differ between the kernels of x and of each transformed batch; asserts none under EXACT. */
  static int differences(String arch, Summation sum, SpatialMode mode, Inputs x, IntBinaryOperator... ops) {
    Layer l = ArchitectureParser.parse(arch);
    KernelFunction kf = KernelFunction.of(l).summation(sum).spatialMode(mode).threads(2).build();
    Kernels ref = kf.compute(x);
    int diff = 0;
    for (IntBinaryOperator op : ops) {
      Kernels k = kf.compute(transform(x, op));
      if (sum == Summation.EXACT) {
        assertArrayEquals(ref.nngp(), k.nngp(), 0.0, arch + " nngp " + mode);
        assertArrayEquals(ref.ntk(), k.ntk(), 0.0, arch + " ntk " + mode);
      }
      for (int i = 0; i < ref.nngp().length; i++) {
        if (ref.nngp()[i] != k.nngp()[i]) diff++;
        if (ref.ntk()[i] != k.ntk()[i]) diff++;
        // FAST still agrees to rounding
        assertEquals(ref.ntk()[i], k.ntk()[i], 1e-13 * Math.abs(ref.ntk()[i]));
      }
    }
    return diff;
  }

  @Test
  void exactKernelsAreBitwiseInvariantUnderRotationsAndFlipsWithSamePadding() {
    Inputs x = images(11);
    differences(SAME_FLATTEN, Summation.EXACT, SpatialMode.AUTO, x, ROT90, ROT180, FLIP, TRANSPOSE);
    differences(SAME_FLATTEN, Summation.EXACT, SpatialMode.FULL, x, ROT90, FLIP);
    differences(SAME_GAP, Summation.EXACT, SpatialMode.AUTO, x, ROT90, ROT180, FLIP, TRANSPOSE);
  }

  @Test
  void exactKernelsAreBitwiseInvariantUnderCyclicShiftsWithCircularPadding() {
    Inputs x = images(12);
    differences(CIRC_FLATTEN, Summation.EXACT, SpatialMode.AUTO, x, SHIFT, ROT90, FLIP);
    differences(CIRC_GAP, Summation.EXACT, SpatialMode.AUTO, x, SHIFT, ROT90, FLIP);
  }

  @Test
  void fastSummationDiffersInTheLastBits() {
    // documents why EXACT is the default: plain sums in another order round differently
    Inputs x = images(11);
    int d = differences(SAME_GAP, Summation.FAST, SpatialMode.AUTO, x, ROT90, FLIP)
        + differences(CIRC_FLATTEN, Summation.FAST, SpatialMode.AUTO, images(12), SHIFT, ROT90);
    System.out.println("FAST: " + d + " kernel entries differ between transformed batches");
    assertTrue(d > 0, "FAST summation happened to be invariant for this data");
  }
}
