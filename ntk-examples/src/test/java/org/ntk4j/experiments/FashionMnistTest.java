package org.ntk4j.experiments;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Reads the real files installed by Debian's dataset-fashion-mnist (.ci/run installs it). */
class FashionMnistTest {
  @TempDir Path tmp;

  @Test
  void readsTheInstalledDataset() throws IOException {
    FashionMnist.Split s = FashionMnist.load(null, true, 20, 1);
    assertEquals(20, s.images().n());
    assertEquals("(28, 28, 1)", s.images().shape().toString());
    // the well-known first labels of the training set: 9 (ankle boot), 0, 0, 3, 0, 2, 7, 2, 5, 5
    assertEquals("[9, 0, 0, 3, 0, 2, 7, 2, 5, 5]", java.util.Arrays.toString(java.util.Arrays.copyOf(s.labels(), 10)));
    double min = 1, max = 0;
    for (double v : s.images().data()) {
      min = Math.min(min, v);
      max = Math.max(max, v);
    }
    assertEquals(0.0, min, 0.0);
    assertEquals(1.0, max, 0.0);
    FashionMnist.Split p = FashionMnist.load(null, false, 5, 2);
    assertEquals("(14, 14, 1)", p.images().shape().toString());
    // pooled pixel = mean of the 2×2 block of the full-size image
    FashionMnist.Split f = FashionMnist.load(null, false, 5, 1);
    double block = (f.images().get(3, 28 * 10 + 6) + f.images().get(3, 28 * 10 + 7) + f.images().get(3, 28 * 11 + 6)
        + f.images().get(3, 28 * 11 + 7)) / 4;
    assertEquals(block, p.images().get(3, 14 * 5 + 3), 1e-15);
    double[] y = s.oneHot();
    assertEquals(0.9, y[9], 1e-15);
    assertEquals(-0.1, y[0], 1e-15);
  }

  @Test
  void missingDataNamesThePackageOrTheDirectory() throws IOException {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> FashionMnist.load(tmp, true, 5, 1));
    assertTrue(e.getMessage().contains("--data") && e.getMessage().contains(tmp.toString()), e.getMessage());
    Files.createFile(tmp.resolve("x"));
    assertThrows(IllegalArgumentException.class, () -> FashionMnist.load(null, true, 5, 3));
    assertThrows(IllegalArgumentException.class, () -> FashionMnist.load(null, true, 0, 1));
  }
}
