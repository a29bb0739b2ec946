package org.ntk4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ToyCommandTest {
  @TempDir Path tmp;

  @Test void tinyToyRunWritesCurvesPlotsAndJson() throws IOException {
    Path out = tmp.resolve("toy");
    Cli.Result r = Cli.run("experiment", "toy", "--k", "4", "--n-train", "4", "--widths", "8,64", "--members", "8",
        "--steps", "0,1,2,3,100", "--angles", "36", "--radius2", "1.5", "--lr", "0.5", "--seed", "2", "--threads", "2",
        "--out", out.toString());
    assertEquals(0, r.code(), r.err());
    assertEquals("", r.err());
    assertTrue(r.out().contains("invariant under C4"), r.out());
    assertTrue(r.out().contains("NTK: largest deviation relative to max |prediction| over all steps"), r.out());
    for (long s : new long[] {0, 1, 2, 3, 100}) {
      for (String rad : new String[] {"1", "1.5"}) {
        BufferedImage img = ImageIO.read(out.resolve("toy_step" + s + "_r" + rad + ".png").toFile());
        assertTrue(img != null && img.getWidth() == 800, "plot of step " + s + " at r = " + rad);
      }
    }
    assertTrue(ImageIO.read(out.resolve("toy_orbit_deviation.png").toFile()) != null);
    List<String> csv = Files.readAllLines(out.resolve("toy_curves.csv"));
    assertEquals("step,radius,angle_rad,truth,ntk,ensemble_mean_w8,single_w8,ensemble_mean_w64,single_w64", csv.get(0));
    assertEquals(1 + 5 * 2 * 36, csv.size());
    // the ground truth column is r cos(4 phi); the NTK column at step 0 is the prior mean 0
    for (String line : csv.subList(1, 73)) {
      String[] f = line.split(",");
      double rad = Double.parseDouble(f[1]), phi = Double.parseDouble(f[2]);
      assertEquals(rad * Math.cos(4 * phi), Double.parseDouble(f[3]), 1e-15);
      assertEquals(0.0, Double.parseDouble(f[4]));
    }
    // the NTK curve is C4-symmetric: angle index a and a + 9 (90 degrees) agree, on both circles, at every step
    for (int row = 1; row < csv.size(); row++) {
      int a = (row - 1) % 36;
      if (a >= 27) continue;
      double f0 = Double.parseDouble(csv.get(row).split(",")[4]), f1 = Double.parseDouble(csv.get(row + 9).split(",")[4]);
      assertEquals(f0, f1, 1e-12 * Math.max(1, Math.abs(f0)), "NTK at rows " + row + " and " + (row + 9));
    }
    String json = Files.readString(out.resolve("toy.json"));
    assertTrue(json.contains("\"orbit_deviation_ntk_relative\"") && json.contains("\"group\": \"C4\""), json);
  }

  @Test void badArgumentsAreRefusedOnOneLine() throws IOException {
    Path o = tmp.resolve("a");
    Cli.run("experiment", "toy", "--k", "0", "--out", o.toString()).refused("--k must be >= 1");
    Cli.run("experiment", "toy", "--widths", "8,0", "--out", o.toString()).refused("--widths: every width must be >= 1");
    Cli.run("experiment", "toy", "--steps", "0,-1", "--out", o.toString()).refused("--steps");
    Cli.run("experiment", "toy", "--lr", "100", "--widths", "4", "--members", "1", "--steps", "1", "--out", o.toString())
        .refused("--lr: learning rate 100.0 is too large");
    Cli.run("experiment", "toy", "--arch", "Dense(W_std=1.5) -> Bogus", "--out", o.toString()).refused("--arch");
    Cli.run("experiment", "toy", "--arch", "Dense(W_std=1.5) -> Relu -> Dense(3, W_std=1.5)", "--out", o.toString())
        .refused("--arch: the readout has 3 outputs");
    assertFalse(Files.exists(o), "a refused run leaves no output directory");
  }
}
