package org.ntk4j.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.ntk4j.Inputs;
import org.ntk4j.Shape;
import org.ntk4j.io.ArchitectureParser;
import org.ntk4j.kernel.KernelFunction;
import org.ntk4j.kernel.Kernels;
import org.ntk4j.layers.Layer;
import org.ntk4j.predict.MsePredictor;

/** The distributed matrix-free predictions against MsePredictor's eigendecomposition, on inputs small enough for both. */
class SparkPredictorTest {
  static final String ARCH = "Dense(512, W_std=1.4142, b_std=0.05) -> Relu -> Dense(W_std=1.4142, b_std=0.1)";
  static final int N = 40, M = 9, OUT = 2;
  static final double LR = 0.7, REG = 1e-3;
  static SparkNtk spark;
  static Layer net;
  static Inputs train, test;
  static double[] y;
  static Kernels kTrain, kTest;
  static DistributedKernel dTrain, dTest;

  @BeforeAll static void setUp() {
    spark = TestSpark.session();
    net = ArchitectureParser.parse(ARCH);
    train = TestSpark.gaussian(N, Shape.flat(5), 21);
    test = TestSpark.gaussian(M, Shape.flat(5), 22);
    y = TestSpark.gaussian(N, Shape.flat(OUT), 23).data();
    KernelFunction kf = KernelFunction.of(net).threads(2).build();
    kTrain = kf.compute(train);
    kTest = kf.compute(test, train);
    dTrain = spark.kernel(KernelSpec.of(net), train, TileOptions.defaults().withTile(12).keeping(KernelKind.NTK));
    dTest = spark.crossKernel(KernelSpec.of(net), test, train, TileOptions.once(KernelKind.NTK).withTile(12));
  }

  @AfterAll static void tearDown() {
    dTrain.close();
    dTest.close();
  }

  static double relError(double[] want, double[] got) {
    assertEquals(want.length, got.length);
    double d = 0, s = 0;
    for (int i = 0; i < want.length; i++) {
      d = Math.max(d, Math.abs(want[i] - got[i]));
      s = Math.max(s, Math.abs(want[i]));
    }
    return d / s;
  }

  @Test void cgAndLanczosAtInfiniteTimeMatchTheEigendecomposition() {
    MsePredictor ref = MsePredictor.fit(kTrain.ntk(), N, y, OUT, LR, REG);
    double[] want = ref.meanFlow(kTest.ntk(), M, Double.POSITIVE_INFINITY);
    SparkPredictor p = SparkPredictor.fit(dTrain, KernelKind.NTK, y, OUT, LR, REG);
    for (Solver s : Solver.values()) {
      SparkPredictor.Prediction got = p.meanFlow(dTest, Double.POSITIVE_INFINITY, SolveOptions.of(s, 1e-12));
      double err = relError(want, got.mean());
      assertTrue(got.report().converged(), got.report()::toString);
      assertTrue(err <= 1e-8, () -> s + ": relative error " + err + "; " + got.report());
      assertTrue(got.report().iterations() > 1 && got.report().passes() >= got.report().iterations(), got.report()::toString);
    }
  }

  @Test void oneCallPredictionMatches() {
    MsePredictor ref = MsePredictor.fit(kTrain.ntk(), N, y, OUT, LR, REG);
    SparkPredictor.Prediction got = SparkPredictor.predict(spark, KernelSpec.of(net), train, y, OUT, test, LR, REG,
        Double.POSITIVE_INFINITY, SolveOptions.of(Solver.CG, 1e-12));
    assertEquals(M, got.rows());
    assertTrue(relError(ref.meanFlow(kTest.ntk(), M, Double.POSITIVE_INFINITY), got.mean()) <= 1e-8, got::toString);
  }

  @Test void lanczosAtFiniteTimesMatchesTheEigendecomposition() {
    MsePredictor ref = MsePredictor.fit(kTrain.ntk(), N, y, OUT, LR, REG);
    SparkPredictor p = SparkPredictor.fit(dTrain, KernelKind.NTK, y, OUT, LR, REG);
    for (double t : new double[] {3.0, 400.0, 1e5}) {
      double[] want = ref.meanFlow(kTest.ntk(), M, t);
      SparkPredictor.Prediction got = p.meanFlow(dTest, t, SolveOptions.of(Solver.LANCZOS, 1e-12));
      double err = relError(want, got.mean());
      assertTrue(err <= 1e-8, () -> "t = " + t + ": relative error " + err + "; " + got.report());
    }
    // the training-set predictions too (K without diag_reg times the coefficients)
    double[] wantTrain = ref.meanFlow(kTrain.ntk(), N, 400.0);
    assertTrue(relError(wantTrain, p.meanFlowTrain(400.0, SolveOptions.of(Solver.LANCZOS, 1e-12)).mean()) <= 1e-8);
    SparkPredictor.Prediction zero = p.meanFlow(dTest, 0, SolveOptions.of(Solver.LANCZOS, 1e-12));
    for (double v : zero.mean()) assertEquals(0.0, v, 0.0, "untrained mean");
  }

  @Test void singularKernelOfDuplicatedInputsGivesThePseudoInverseLimit() {
    // the first 8 inputs twice, with different targets: Θ is singular and Y is not in its range
    double[] data = new double[(N + 8) * 5];
    System.arraycopy(train.data(), 0, data, 0, N * 5);
    System.arraycopy(train.data(), 0, data, N * 5, 8 * 5);
    Inputs dup = new Inputs(N + 8, Shape.flat(5), data);
    double[] yd = TestSpark.gaussian(N + 8, Shape.flat(1), 24).data();
    KernelFunction kf = KernelFunction.of(net).threads(2).build();
    Kernels kd = kf.compute(dup);
    Kernels kdt = kf.compute(test, dup);
    MsePredictor ref = MsePredictor.fit(kd.ntk(), N + 8, yd, 1, LR, 0);
    try (DistributedKernel d = spark.kernel(KernelSpec.of(net), dup, TileOptions.defaults().withTile(16).keeping(KernelKind.NTK));
         DistributedKernel dt = spark.crossKernel(KernelSpec.of(net), test, dup, TileOptions.once(KernelKind.NTK))) {
      SparkPredictor p = SparkPredictor.fit(d, KernelKind.NTK, yd, 1, LR, 0);
      SparkPredictor.Coefficients inf = p.coefficients(Double.POSITIVE_INFINITY, SolveOptions.of(Solver.LANCZOS, 1e-12));
      double err = relError(ref.meanFlow(kdt.ntk(), M, Double.POSITIVE_INFINITY), inf.apply(dt));
      assertTrue(err <= 1e-8, () -> "t = inf: relative error " + err + "; " + inf.report());
      SparkPredictor.Coefficients fin = p.coefficients(50, SolveOptions.of(Solver.LANCZOS, 1e-12));
      assertTrue(relError(ref.meanFlow(kdt.ntk(), M, 50), fin.apply(kdt.ntk(), M)) <= 1e-8, fin.report()::toString);
    }
  }

  @Test void refusals() {
    assertThrows(IllegalArgumentException.class, () -> SparkPredictor.fit(dTest, KernelKind.NTK, y, OUT, LR, REG), "cross kernel");
    assertThrows(IllegalArgumentException.class, () -> SparkPredictor.fit(dTrain, KernelKind.NNGP, y, OUT, LR, REG), "NNGP not kept");
    assertThrows(IllegalArgumentException.class, () -> SparkPredictor.fit(dTrain, KernelKind.NTK, new double[N], OUT, LR, REG));
    assertThrows(IllegalArgumentException.class, () -> SparkPredictor.fit(dTrain, KernelKind.NTK, y, OUT, 0, REG));
    assertThrows(IllegalArgumentException.class, () -> SparkPredictor.fit(dTrain, KernelKind.NTK, y, OUT, LR, -1));
    SparkPredictor p = SparkPredictor.fit(dTrain, KernelKind.NTK, y, OUT, LR, REG);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> p.coefficients(5, SolveOptions.of(Solver.CG, 1e-8)));
    assertTrue(e.getMessage().contains("LANCZOS"), e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> p.coefficients(-1, SolveOptions.of(Solver.LANCZOS, 1e-8)));
    assertThrows(IllegalArgumentException.class, () -> p.coefficients(Double.NaN, SolveOptions.of(Solver.LANCZOS, 1e-8)));
  }
}
