package org.ntk4j.plot;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PlotsTest {
  @TempDir Path tmp;

  @Test
  void rendersAPngWithDrawnSeries() throws IOException {
    double[] x = {1, 10, 100, 1000};
    Plots.Plot p = new Plots.Plot("orbit deviation", "t", "deviation").logX().logY().size(640, 480)
        .line("NTK", x, new double[] {1e-16, 2e-16, 1e-16, 3e-16})
        .markers("width 512", x, new double[] {1e-2, 5e-3, 0, Double.NaN}); // two points cannot be shown on a log axis
    Path png = Plots.save(p, tmp.resolve("sub/plot.png"));
    BufferedImage img = ImageIO.read(png.toFile());
    assertEquals(640, img.getWidth());
    assertEquals(480, img.getHeight());
    // not a blank image: count non-white pixels
    int ink = 0;
    for (int i = 0; i < img.getWidth(); i += 2) for (int j = 0; j < img.getHeight(); j += 2) if ((img.getRGB(i, j) & 0xffffff) != 0xffffff) ink++;
    assertTrue(ink > 1000, "ink " + ink);
  }

  @Test
  void refusesEmptyPlotsAndMismatchedSeries() {
    assertThrows(IllegalArgumentException.class, () -> Plots.toImage(new Plots.Plot("a", "x", "y")));
    assertThrows(IllegalArgumentException.class, () -> new Plots.Plot("a", "x", "y").line("s", new double[2], new double[3]));
  }
}
