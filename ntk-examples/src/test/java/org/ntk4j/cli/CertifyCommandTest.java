package org.ntk4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.SplittableRandom;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.ntk4j.io.Npy;

class CertifyCommandTest {
  static final String ARCH = "Dense(W_std=1.5, b_std=0.1) -> Relu -> Dense(W_std=1.5, b_std=0.1) -> Relu -> Dense(W_std=1.5)";

  @TempDir Path tmp;

  private Path npy(String name, int[] shape, double[] data) throws IOException {
    Path p = tmp.resolve(name);
    Npy.write(p, shape, data);
    return p;
  }

  private static double[] gaussian(int n, long seed, double scale) {
    SplittableRandom r = new SplittableRandom(seed);
    double[] v = new double[n];
    for (int i = 0; i < n; i++) v[i] = scale * r.nextGaussian();
    return v;
  }

  /** Points in ℝ² (the paper's toy setting): 8 training, 5 test, 3 far off-distribution. */
  private String[] files(String yName, int[] yShape, double[] y) throws IOException {
    return new String[] {"certify",
        "--x-train", npy("x.npy", new int[] {8, 2}, gaussian(16, 1, 1)).toString(),
        "--y-train", npy(yName, yShape, y).toString(),
        "--x-test", npy("xt.npy", new int[] {5, 2}, gaussian(10, 2, 1)).toString(),
        "--x-ood", npy("xo.npy", new int[] {3, 2}, gaussian(6, 3, 8)).toString()};
  }

  private static String[] join(String[] a, String... b) {
    String[] r = java.util.Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, r, a.length, b.length);
    return r;
  }

  private static double[] relatives(String json) {
    Matcher m = Pattern.compile("\"relative\": ([-0-9.eE]+)").matcher(json);
    java.util.List<Double> v = new java.util.ArrayList<>();
    while (m.find()) v.add(Double.parseDouble(m.group(1)));
    return v.stream().mapToDouble(Double::doubleValue).toArray();
  }

  @Test
  void certifiesOneHotClassifierUnderC4EndToEnd() throws IOException {
    double[] y = new double[8 * 3];
    for (int i = 0; i < 8; i++) y[i * 3 + (i % 3)] = 1;
    Path out = tmp.resolve("reports/report.json");
    Cli.Result r = Cli.run(join(files("y.npy", new int[] {8, 3}, y), "--arch", ARCH, "--group", "C4", "--time", "1,10,1000,inf",
        "--out", out.toString(), "--threads", "2"));
    assertEquals(0, r.code(), r.err());
    assertEquals("", r.err());
    String json = Files.readString(out);
    assertTrue(json.contains("\"group\": \"C4\""), json);
    assertTrue(json.contains("\"exact\": true"), json);
    assertTrue(json.contains("\"path\": \"fast\""), json);
    assertTrue(json.contains("\"one_hot\": true"), json);
    assertTrue(json.contains("\"t\": \"inf\""), json);
    assertTrue(json.contains("\"ood\": {\"n\": 3"), json);
    double[] rel = relatives(json);
    assertEquals(4 * 3, rel.length, "4 times × train, test, ood");
    for (double v : rel) assertTrue(v <= 1e-12, json);
    assertEquals(4 * 3, json.split("\"osp\": 1.0,", -1).length - 1, "every orbit keeps its argmax: " + json);
    assertTrue(r.out().contains("kernel invariance error"), r.out());
    assertTrue(r.out().contains("train rel"), r.out());
    assertTrue(r.out().lines().anyMatch(l -> l.startsWith("inf")), r.out());
    assertTrue(r.out().contains("ntk certify: C4 on 8 training inputs (32 augmented), fast path"), r.out());
  }

  @Test
  void equivariantVectorTargetsExplicitPathAndAPartialCounterexample() throws IOException {
    double[] y = gaussian(16, 9, 1);
    Path out = tmp.resolve("eq.json");
    Cli.Result r = Cli.run(join(files("y.npy", new int[] {8, 2}, y), "--arch", ARCH, "--group", "D4", "--equivariant", "--path", "explicit",
        "--time", "0.5,inf", "--out", out.toString()));
    assertEquals(0, r.code(), r.err());
    String json = Files.readString(out);
    assertTrue(json.contains("\"path\": \"explicit\""), json);
    assertTrue(json.contains("\"output_action\": \"as-inputs(D4)\""), json);
    assertFalse(json.contains("\"osp\""), "no OSP without one-hot targets");
    // explicit augmentation solves the 64 × 64 augmented system: its equivariance is limited by conditioning × round-off
    // (about 1e-12 at t = inf for 64 points in the plane), the fast path's is exact (see the first test)
    for (double v : relatives(json)) assertTrue(v <= 1e-10, json);

    // sampled rotations are no group: augmentation by them leaves the ensemble far from SO(2)-equivariant
    Path out2 = tmp.resolve("so2.json");
    Cli.Result s = Cli.run(join(files("y.npy", new int[] {8, 2}, y), "--arch", ARCH, "--group", "SO2(6,seed=2)", "--equivariant",
        "--out", out2.toString()));
    assertEquals(0, s.code(), s.err());
    String j2 = Files.readString(out2);
    assertTrue(j2.contains("\"exact\": false") && j2.contains("\"closed\": false"), j2);
    assertTrue(s.out().contains("NOT exact"), s.out());
    double max = 0;
    for (double v : relatives(j2)) max = Math.max(max, v);
    assertTrue(max > 1e-3, j2);
  }

  @Test
  void refusesBadInputsOnOneLine() throws IOException {
    double[] y = new double[8];
    String[] f = files("y.npy", new int[] {8}, y);
    String out = tmp.resolve("r.json").toString();
    Cli.run(join(f, "--arch", ARCH, "--group", "Q7", "--out", out)).refused("--group Q7: unknown group 'Q7'");
    Cli.run(join(f, "--arch", ARCH, "--group", "T", "--out", out)).refused("--group T:", "(L, C) or (H, W, C)");
    Cli.run(join(f, "--arch", ARCH, "--group", "C4", "--time", "1,-2", "--out", out)).refused("--time", "must be >= 0", "'-2'");
    Cli.run(join(f, "--arch", ARCH, "--group", "C4", "--time", "soon", "--out", out)).refused("--time: 'soon'");
    Cli.run(join(f, "--arch", ARCH, "--group", "C4", "--equivariant", "--out", out)).refused("--equivariant: C4 cannot act on targets of dimension 1");
    Cli.run(join(f, "--arch", ARCH, "--group", "SO2(4)", "--path", "fast", "--out", out)).refused("--path fast:", "not closed");
    Cli.run(join(f, "--arch", ARCH, "--group", "C4", "--out", tmp.toString())).refused("is a directory");
    Cli.run(join(f, "--arch", ARCH, "--group", "C4", "--lr", "0", "--out", out)).refused("--lr must be");
    Cli.run(join(f, "--arch", "Dense -> Nope", "--group", "C4", "--out", out)).refused("--arch");
    String[] wrongN = files("y5.npy", new int[] {5}, new double[5]);
    Cli.run(join(wrongN, "--arch", ARCH, "--group", "C4", "--out", out)).refused("--y-train", "expected (8,) or (8, k)");
    String[] g = files("y.npy", new int[] {8}, y);
    g[6] = npy("x3.npy", new int[] {5, 3}, new double[15]).toString();
    Cli.run(join(g, "--arch", ARCH, "--group", "C4", "--out", out)).refused("--x-test", "shape (3)", "shape (2)");
    assertFalse(Files.exists(tmp.resolve("r.json")), "nothing written on refusal");
  }
}
