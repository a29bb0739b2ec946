package org.ntk4j.experiments;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.ntk4j.experiments.FashionMnistExperiment.GroupResult;
import org.ntk4j.io.ArchitectureParser;
import org.ntk4j.kernel.KernelFunction;
import org.ntk4j.layers.Layer;
import org.ntk4j.layers.Parameterization;

/**
 * Emergent equivariance at a moderate size (C4, 100 training images of 14×14, 100 OOD blob images, 16 members; about a minute): the deep
 * ensemble is more invariant than its members, and wider ensembles come closer to the exactly invariant NTK.
 */
@Tag("heavy")
class FashionMnistExperimentHeavyTest {
  @Test
  void widerDeepEnsemblesApproachTheInvariantNtk() throws IOException {
    FashionMnist.Split train = FashionMnist.load(null, true, 100, 2);
    FashionMnist.Split test = FashionMnist.load(null, false, 50, 2);
    FashionMnistExperiment.Data d = new FashionMnistExperiment.Data(train.images(), train.labels(), test.images(), test.labels(),
        FashionMnistExperiment.blobImages(100, train.images().shape(), 0));
    Layer arch = ArchitectureParser.parse(FashionMnistExperimentTest.ARCH);
    KernelFunction kf = KernelFunction.of(arch).parameterization(Parameterization.NTK).threads(2).build();
    double lr = FashionMnistExperiment.learningRate(kf, train.images(), 0.5);
    GroupResult[] r = new GroupResult[2];
    int[] widths = {32, 256};
    for (int w = 0; w < 2; w++) {
      r[w] = FashionMnistExperiment.run(new FashionMnistExperiment.Config(arch, new String[] {"C4"}, widths[w], 16, lr, 100, 0, 2),
          d, kf, null).get(0);
      assertEquals(4.0, r[w].ntk().ospOod(), 0.0);
      // the ensemble is more invariant than its members on average
      assertTrue(r[w].ensemble().ospOod() > r[w].single().ospOod(), "width " + widths[w] + ": " + r[w]);
      assertTrue(r[w].ensemble().orbitDeviation() < 0.6 * r[w].single().orbitDeviation(), "width " + widths[w] + ": " + r[w]);
    }
    // and wider ensembles are closer to the NTK's exact invariance
    assertTrue(r[1].ensemble().ospOod() > r[0].ensemble().ospOod(), r[0] + " vs " + r[1]);
    assertTrue(r[1].ensemble().orbitDeviation() < 0.5 * r[0].ensemble().orbitDeviation(), r[0] + " vs " + r[1]);
    assertTrue(r[1].ensemble().ospOod() > 3.5, r[1].toString());
  }
}
