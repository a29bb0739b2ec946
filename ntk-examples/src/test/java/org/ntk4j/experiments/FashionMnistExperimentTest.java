package org.ntk4j.experiments;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.ntk4j.Inputs;
import org.ntk4j.Shape;
import org.ntk4j.experiments.FashionMnistExperiment.GroupResult;
import org.ntk4j.io.ArchitectureParser;
import org.ntk4j.kernel.KernelFunction;
import org.ntk4j.layers.Layer;
import org.ntk4j.layers.Parameterization;
import org.ntk4j.symmetry.AugmentedRegression;
import org.ntk4j.symmetry.Groups;
import org.ntk4j.symmetry.OutputAction;

/** The experiment at a tiny size on the real (installed) Fashion-MNIST: 12 training images of 7×7. */
class FashionMnistExperimentTest {
  static final String ARCH = "Flatten -> Dense(W_std=1.4142, b_std=0.05) -> Relu -> Dense(W_std=1.4142, b_std=0.05)"
      + " -> Relu -> Dense(W_std=0.1)";
  static FashionMnistExperiment.Data data;
  static KernelFunction kf;
  static FashionMnistExperiment.Config config;
  static List<GroupResult> results;

  @BeforeAll
  static void run() throws IOException {
    FashionMnist.Split train = FashionMnist.load(null, true, 12, 4);
    FashionMnist.Split test = FashionMnist.load(null, false, 10, 4);
    Shape shape = train.images().shape();
    data = new FashionMnistExperiment.Data(train.images(), train.labels(), test.images(), test.labels(),
        FashionMnistExperiment.blobImages(6, shape, 5));
    Layer arch = ArchitectureParser.parse(ARCH);
    kf = KernelFunction.of(arch).parameterization(Parameterization.NTK).threads(2).build();
    double lr = FashionMnistExperiment.learningRate(kf, train.images(), 0.5);
    config = new FashionMnistExperiment.Config(arch, new String[] {"C4", "C8"}, 32, 3, lr, 20, 1, 2);
    results = FashionMnistExperiment.run(config, data, kf, null);
  }

  @Test
  void ntkUnderC4IsExactlyInvariantOnEveryInput() {
    GroupResult c4 = results.get(0);
    assertEquals("C4", c4.group());
    assertTrue(c4.exactAction());
    assertTrue(c4.ntkPath().startsWith("fast"), c4.ntkPath());
    // OSP = |G| on every out-of-distribution input, not just on average
    assertArrayEquals(new int[] {4, 4, 4, 4, 4, 4}, c4.ntkOspPerInput());
    assertEquals(4.0, c4.ntk().ospOod(), 0.0);
    assertEquals(4.0, c4.ntk().ospTest(), 0.0);
    assertEquals(4.0, c4.ntkConverged().ospOod(), 0.0);
    assertTrue(c4.ntk().orbitDeviation() <= 1e-12, "NTK orbit deviation " + c4.ntk().orbitDeviation());
    assertTrue(c4.ntkConverged().orbitDeviation() <= 1e-12, "converged " + c4.ntkConverged().orbitDeviation());
    // finite networks are not invariant: members deviate by far more than round-off
    assertTrue(c4.single().orbitDeviation() > 1e-3, "single network " + c4.single().orbitDeviation());
    assertTrue(c4.ensemble().orbitDeviation() > 1e-3, "ensemble " + c4.ensemble().orbitDeviation());
  }

  @Test
  void ntkAccuracyIsThatOfExplicitAugmentationAfterTheSameSteps() {
    // independent route: train on the explicitly augmented set (|G|·n inputs) and predict after the same steps
    for (GroupResult r : results) {
      AugmentedRegression ex = AugmentedRegression.fit(kf, data.xTrain(), new FashionMnist.Split(data.xTrain(), data.yTrain()).oneHot(),
          FashionMnist.CLASSES, Groups.parse(r.group(), data.xTrain().shape()), OutputAction.invariant(),
          new AugmentedRegression.Options().lr(config.lr()).path(AugmentedRegression.Path.EXPLICIT));
      assertEquals(FashionMnistExperiment.accuracy(ex.meanSteps(data.xTest(), config.steps()), data.yTest()), r.ntk().accuracy(), 0.0, r.group());
      assertEquals(FashionMnistExperiment.accuracy(ex.meanFlow(data.xTest(), Double.POSITIVE_INFINITY), data.yTest()),
          r.ntkConverged().accuracy(), 0.0, r.group());
    }
  }

  @Test
  void interpolatedRotationsAreFlaggedAndUseExplicitAugmentation() {
    GroupResult c8 = results.get(1);
    assertEquals("C8", c8.group());
    assertEquals(8, c8.order());
    assertFalse(c8.exactAction());
    assertTrue(c8.ntkPath().startsWith("explicit") && c8.ntkPath().contains("not a closed group"), c8.ntkPath());
    // no exact group action, so even the infinite ensemble is not exactly invariant
    assertTrue(c8.ntk().orbitDeviation() > 1e-6, "C8 NTK orbit deviation " + c8.ntk().orbitDeviation());
  }

  @Test
  void ensembleFiguresAreConsistent() {
    for (GroupResult r : results) {
      assertArrayEquals(new int[] {1, 2, 3}, r.ensembleSizes());
      assertEquals(r.ensemble().ospOod(), r.ospOodBySize()[2], 0.0);
      for (double v : new double[] {r.ensemble().ospOod(), r.single().ospOod(), r.ensemble().ospTest(), r.single().ospTest()}) {
        assertTrue(v >= 1 && v <= r.order(), r.group() + ": OSP " + v);
      }
      for (int c : r.ntkOspPerInput()) assertTrue(c >= 1 && c <= r.order());
    }
    assertEquals(3L * 2 * 20, FashionMnistExperiment.totalSteps(config));
  }

  @Test
  void ospAndAccuracyByHand() {
    // 2 inputs, 10 classes, 3 elements: input 0 keeps class 2 under g = 1 only; input 1 keeps class 7 under both
    double[][] fg = new double[3][20];
    fg[0][2] = 1;
    fg[0][10 + 7] = 1;
    fg[1][2] = 1;
    fg[1][10 + 7] = 1;
    fg[2][5] = 1;
    fg[2][10 + 7] = 1;
    assertEquals((2 + 3) / 2.0, FashionMnistExperiment.osp(fg, 2, 3), 0.0);
    assertEquals(0.5, FashionMnistExperiment.accuracy(fg[0], new int[] {2, 3}), 0.0);
  }

  @Test
  void blobImagesAreSmoothOutOfDistributionImages() {
    Shape s = Shape.fromDims(14, 14, 1);
    Inputs a = FashionMnistExperiment.blobImages(20, s, 3), b = FashionMnistExperiment.blobImages(20, s, 3);
    assertArrayEquals(a.data(), b.data());
    double max = 0;
    for (int i = 0; i < 20; i++) {
      for (int p = 0; p < 196; p++) {
        double v = a.get(i, p);
        assertTrue(v >= 0 && v <= 1);
        max = Math.max(max, v);
      }
      for (int corner : new int[] {0, 13, 13 * 14, 195}) assertTrue(a.get(i, corner) < 0.08, "corner " + a.get(i, corner));
    }
    assertTrue(max > 0.3);
    assertThrows(IllegalArgumentException.class, () -> FashionMnistExperiment.blobImages(0, s, 1));
    assertThrows(IllegalArgumentException.class, () -> FashionMnistExperiment.learningRate(kf, data.xTrain(), 1.5));
  }
}
