package org.ntk4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.ntk4j.experiments.Ising;
import org.ntk4j.io.Npy;

class IsingCommandTest {
  static final String TRAIN = Path.of("..", "test-data", "ising-L4-train.npy").toString();
  static final String OOD = Path.of("..", "test-data", "ising-L4-ood.npy").toString();

  @TempDir Path tmp;

  private String[] args(Path out, String... extra) {
    List<String> a = new ArrayList<>(List.of("experiment", "ising", "--train-data", TRAIN, "--ood-data", OOD,
        "--widths", "32,256", "--members", "8", "--steps", "300,0,10,100", "--orbit-elements", "32", "--seed", "3",
        "--threads", "2", "--out", out.toString()));
    for (int i = 0; i + 1 < extra.length; i += 2) { // an extra option replaces the default one
      int at = a.indexOf(extra[i]);
      if (at >= 0) {
        a.remove(at + 1);
        a.remove(at);
      }
      a.add(extra[i]);
      a.add(extra[i + 1]);
    }
    return a.toArray(new String[0]);
  }

  /** On the fixed L = 4 configurations: the figure's claim read back from the CSV the command wrote. */
  @Test
  void endToEndOnFixedConfigurations() throws IOException {
    Path out = tmp.resolve("ising");
    Cli.Result r = Cli.run(args(out));
    assertEquals(0, r.code(), r.err());
    assertEquals("", r.err());
    assertTrue(r.out().contains("group TxD4xZ2 (|G| = 256, orbit deviation on 32 elements)"), r.out());
    assertTrue(r.out().contains("NTK, orbit-augmented (exact)   0 (exactly)"), r.out());
    assertTrue(r.out().contains("antithetic pairs"), r.out());
    assertTrue(r.out().lines().reduce((a, b) -> b).orElseThrow().startsWith("ntk experiment ising: NTK orbit deviation"), r.out());
    try (var s = Files.list(out)) {
      assertEquals(List.of("ood-meta.npy", "ood.npy", "ood_predictions.png", "orbit_deviation.csv", "orbit_deviation.png",
          "report.json", "train-meta.npy", "train.npy"), s.map(p -> p.getFileName().toString()).sorted().toList());
    }
    List<String> csv = Files.readAllLines(out.resolve("orbit_deviation.csv"));
    assertEquals("step,ntk_augmented,ntk_no_augmentation,ensemble_w32,ensemble_w256,member_w32,member_w256,"
        + "rms_to_ntk_w32,rms_to_ntk_w256", csv.get(0));
    assertEquals(5, csv.size());
    for (int i = 1; i < csv.size(); i++) {
      String[] f = csv.get(i).split(",");
      assertTrue(Double.parseDouble(f[1]) <= 1e-12, "NTK orbit deviation " + csv.get(i));
    }
    String[] last = csv.get(4).split(",");
    assertEquals("300", last[0]);
    assertTrue(Double.parseDouble(last[2]) > 1e-2, "NTK without augmentation is not invariant: " + csv.get(4));
    assertTrue(Double.parseDouble(last[4]) < 0.6 * Double.parseDouble(last[3]), "wider ensemble closer to invariance: " + csv.get(4));
    assertTrue(Double.parseDouble(last[6]) > 4 * Double.parseDouble(last[4]), "single members far from invariance: " + csv.get(4));
    String json = Files.readString(out.resolve("report.json"));
    assertTrue(json.contains("\"group_order\": 256"), json);
    assertTrue(json.contains("\"path\": \"fast: group-averaged kernel"), json);
    assertTrue(json.contains("random: one uniformly drawn element of TxD4xZ2 per sample per step"), json);
    assertTrue(json.contains("\"antithetic_pairs\": true"), json);
    assertTrue(json.contains("loaded from " + TRAIN), json);
    assertTrue(json.contains("\"train_temperatures\": [2.3, 2.8]"), json);
    assertTrue(json.contains("\"ood_temperatures\": [1.5, 4.0], \"random_spins\": 2"), json);
    // the configurations used are written back unchanged
    assertEquals(java.util.Arrays.toString(Ising.load(Path.of(TRAIN)).configs()),
        java.util.Arrays.toString(Ising.load(out.resolve("train.npy")).configs()));
    for (String png : new String[] {"orbit_deviation.png", "ood_predictions.png"}) {
      BufferedImage img = ImageIO.read(out.resolve(png).toFile());
      assertNotNull(img, png);
      assertEquals(900, img.getWidth());
    }
  }

  /** Sampling from the seed (no data files): the saved configurations match the sampler's, shape and ±1 values. */
  @Test
  void samplesWhenNoDataGiven() throws IOException {
    Path out = tmp.resolve("s");
    Cli.Result r = Cli.run("experiment", "ising", "--lattice", "4", "--train-temperatures", "2.3", "--per-temperature", "4",
        "--ood-temperatures", "4.0", "--ood-per-temperature", "2", "--random-spins", "1", "--group", "D4xZ2",
        "--widths", "8", "--members", "2", "--steps", "0,5", "--target", "magnetisation", "--threads", "1",
        "--out", out.toString());
    assertEquals(0, r.code(), r.err());
    assertTrue(r.out().contains("target |magnetisation| per site, group D4xZ2 (|G| = 16, orbit deviation on 15 elements)"), r.out());
    assertEquals("[3, 4, 4, 1]", java.util.Arrays.toString(Npy.read(out.resolve("ood.npy")).shape()));
    Ising.Sample ood = Ising.load(out.resolve("ood.npy"));
    assertTrue(Double.isNaN(ood.temperatures()[2]));
    assertEquals(4.0, ood.temperatures()[0], 0.0);
  }

  @Test
  void refusals() throws IOException {
    Path out = tmp.resolve("x");
    Cli.run(args(out, "--members", "7")).refused("--members 7", "even");
    Cli.run(args(out, "--group", "C8")).refused("--group C8");
    Cli.run(args(out, "--group", "Q7")).refused("--group Q7");
    Cli.run(args(out, "--target", "heat")).refused("--target heat");
    Cli.run(args(out, "--lattice", "6")).refused("--lattice 6", "L = 4");
    Cli.run(args(out, "--lr", "5")).refused("learning rate 5.0 is too large");
    Cli.run(args(out, "--arch", "Flatten -> Dense(W_std=1) -> Relu")).refused("Dense readout");
    Cli.run(args(out, "--arch", "Dense(W_std=1)")).refused("--arch does not fit Ising inputs of shape (4, 4, 1)");
    Cli.run("experiment", "ising", "--train-data", tmp.resolve("none.npy").toString(), "--out", out.toString())
        .refused("--train-data", "no such file");
    assertFalse(Files.exists(out), "no output directory after refusals");
  }

  @Test
  void listedInTheExperimentGroup() {
    Cli.Result r = Cli.run("experiment");
    assertEquals(2, r.code());
    assertTrue(r.err().contains("ising"), r.err());
    Cli.Result h = Cli.run("experiment", "ising", "--help");
    assertEquals(0, h.code());
    assertTrue(h.out().contains("--orbit-elements"), h.out());
  }
}
