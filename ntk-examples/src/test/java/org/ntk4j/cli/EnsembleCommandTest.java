package org.ntk4j.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.ntk4j.Inputs;
import org.ntk4j.Shape;
import org.ntk4j.finite.Augmentation;
import org.ntk4j.finite.EnsembleComparison;
import org.ntk4j.finite.Training;
import org.ntk4j.io.ArchitectureParser;
import org.ntk4j.io.Npy;
import org.ntk4j.io.NpyArray;
import org.ntk4j.kernel.KernelFunction;
import org.ntk4j.layers.Layer;
import org.ntk4j.predict.MsePredictor;
import org.ntk4j.symmetry.Groups;
import org.ntk4j.symmetry.OutputAction;

class EnsembleCommandTest {
  static final String ARCH = "Dense(W_std=1.5, b_std=0.1) -> Relu -> Dense(W_std=1.5, b_std=0.1)";

  @TempDir Path tmp;

  private static double[] gaussian(int n, long seed) {
    SplittableRandom r = new SplittableRandom(seed);
    double[] v = new double[n];
    for (int i = 0; i < v.length; i++) v[i] = r.nextGaussian();
    return v;
  }

  private Path npy(String name, int[] shape, double[] data) throws IOException {
    Path p = tmp.resolve(name);
    Npy.write(p, shape, data);
    return p;
  }

  private final double[] x = gaussian(5 * 3, 1), xt = gaussian(4 * 3, 2), y = gaussian(5 * 2, 3);

  private List<String> args(Path out, String... extra) throws IOException {
    List<String> a = new ArrayList<>(List.of("ensemble", "--arch", ARCH,
        "--x-train", npy("x.npy", new int[] {5, 3}, x).toString(),
        "--y-train", npy("y.npy", new int[] {5, 2}, y).toString(),
        "--x-test", npy("t.npy", new int[] {4, 3}, xt).toString(),
        "--widths", "16,64", "--members", "6", "--lr", "0.5", "--steps", "5,0,20", "--seed", "3", "--out", out.toString()));
    a.addAll(List.of(extra));
    return a;
  }

  @Test
  void endToEndWithAugmentationMatchesTheLibraryBitwise() throws IOException {
    Path out = tmp.resolve("ens");
    Cli.Result r = Cli.run(args(out, "--augment", "Z2", "--threads", "2").toArray(new String[0]));
    assertEquals(0, r.code(), r.err());
    assertEquals("", r.err());
    assertTrue(r.out().startsWith("ntk ensemble: 6 members x 2 widths, 20 steps"), r.out());
    try (var s = Files.list(out)) {
      assertEquals(List.of("analytic_mean.npy", "analytic_steps_mean.npy", "ensemble_mean.npy", "ensemble_var.npy", "report.json"),
          s.map(p -> p.getFileName().toString()).sorted().toList());
    }
    NpyArray mean = Npy.read(out.resolve("ensemble_mean.npy"));
    NpyArray ana = Npy.read(out.resolve("analytic_mean.npy"));
    assertArrayEquals(new int[] {2, 3, 4, 2}, mean.shape());
    assertArrayEquals(new int[] {3, 4, 2}, ana.shape());

    // the same computation through the library, steps sorted: 0, 5, 20
    Layer arch = ArchitectureParser.parse(ARCH);
    Inputs xi = new Inputs(5, Shape.flat(3), x), ti = new Inputs(4, Shape.flat(3), xt);
    Training t = new Training(0.5, new long[] {0, 5, 20}, 0,
        Augmentation.fullOrbit(Groups.parse("Z2", Shape.flat(3)), OutputAction.invariant()));
    EnsembleComparison.Report lib = EnsembleComparison.run(new EnsembleComparison.Spec(arch, xi, y, 2, ti,
        new int[] {16, 64}, 6, t, null, null, 3, 1, 16, 4), null);
    for (int w = 0; w < 2; w++) for (int s = 0; s < 3; s++) for (int i = 0; i < 8; i++) {
      assertEquals(lib.ensembleMean()[w][s][i], mean.data()[(w * 3 + s) * 8 + i], 0.0);
    }
    // analytic mean, independently: Θ on the orbit {x, −x} with targets (y, y), t = 20 steps of lr 0.5
    Inputs orbit = Inputs.concat(xi, new Inputs(5, Shape.flat(3), neg(x)));
    double[] yy = new double[20];
    System.arraycopy(y, 0, yy, 0, 10);
    System.arraycopy(y, 0, yy, 10, 10);
    KernelFunction kf = KernelFunction.of(arch).build();
    double[] mu = MsePredictor.fit(kf.compute(orbit).ntk(), 10, yy, 2, 0.5, 0).meanFlow(kf.compute(ti, orbit).ntk(), 4, 20);
    for (int i = 0; i < 8; i++) assertEquals(mu[i], ana.data()[2 * 8 + i], 1e-12);
    for (int i = 0; i < 8; i++) assertEquals(0.0, ana.data()[i], 0.0); // t = 0: the prior mean

    String json = Files.readString(out.resolve("report.json"));
    for (String key : new String[] {"\"rms_to_flow\"", "\"rms_to_steps\"", "\"orbit_deviation_mean\"", "\"osp_member\"",
        "\"empirical_ntk_relative_error\"", "\"width_slope_per_step\"", "\"ensemble_size_slope_per_step\"",
        "\"mode\": \"full_orbit\"", "\"group\": \"Z2\"", "\"steps\": [0, 5, 20]", "\"ensemble_sizes\": [1, 2, 4, 6]"}) {
      assertTrue(json.contains(key), () -> "report.json lacks " + key + ":\n" + json);
    }
    assertTrue(json.contains("\"orbit_deviation_mean\": " + lib.orbitDevMean()[1][2]), json);

    // bitwise the same on one thread
    Path out1 = tmp.resolve("ens1");
    assertEquals(0, Cli.run(args(out1, "--augment", "Z2", "--threads", "1").toArray(new String[0])).code());
    assertArrayEquals(Files.readAllBytes(out.resolve("ensemble_mean.npy")), Files.readAllBytes(out1.resolve("ensemble_mean.npy")));
    assertArrayEquals(Files.readAllBytes(out.resolve("report.json")), Files.readAllBytes(out1.resolve("report.json")));
  }

  @Test
  void sgdRandomAugmentationAndOneDimensionalTargets() throws IOException {
    Path out = tmp.resolve("sgd");
    List<String> a = args(out, "--augment-random", "z2", "--sgd-batch", "3", "--ntk-inputs", "0");
    a.set(a.indexOf("--lr") + 1, "0.2");
    a.set(a.indexOf("--y-train") + 1, npy("y1.npy", new int[] {5}, gaussian(5, 9)).toString());
    Cli.Result r = Cli.run(a.toArray(new String[0]));
    assertEquals(0, r.code(), r.err());
    assertArrayEquals(new int[] {2, 3, 4, 1}, Npy.read(out.resolve("ensemble_mean.npy")).shape());
    String json = Files.readString(out.resolve("report.json"));
    assertTrue(json.contains("\"sgd_batch\": 3") && json.contains("\"mode\": \"random\""), json);
    assertTrue(json.contains("\"empirical_ntk_relative_error\": null"), json);
  }

  @Test
  void refusals() throws IOException {
    Path out = tmp.resolve("never");
    refuse(out, List.of("--widths", "16,0"), "--widths", ">= 1");
    refuse(out, List.of("--steps", "-1"), "--steps");
    refuse(out, List.of("--members", "0"), "--members");
    refuse(out, List.of("--lr", "-0.5"), "--lr");
    refuse(out, List.of("--augment", "Q7"), "--augment Q7");
    refuse(out, List.of("--augment", "Z2", "--augment-random", "Z2"), "mutually exclusive");
    refuse(out, List.of("--sgd-batch", "6"), "--sgd-batch 6 exceeds the 5 training samples");
    refuse(out, List.of("--parameterization", "standard"), "NTK parameterization");
    refuse(out, List.of("--arch", "Dense(64) -> Relu -> Dense(3)"), "readout", "2 outputs");
    refuse(out, List.of("--arch", "Dense(64) -> Relu -> Dense"), "states every hidden width");
    refuse(out, List.of("--arch", "Relu"), "no Dense");
    refuse(out, List.of("--x-test", npy("t4.npy", new int[] {4, 4}, gaussian(16, 5)).toString()), "--x-test", "shape (4)");
    refuse(out, List.of("--y-train", npy("y4.npy", new int[] {4, 2}, gaussian(8, 5)).toString()), "4 targets", "5 inputs");
    double[] bad = y.clone();
    bad[3] = Double.NaN;
    refuse(out, List.of("--y-train", npy("ynan.npy", new int[] {5, 2}, bad).toString()), "--y-train", "non-finite");
    refuse(out, List.of("--lr", "40"), "learning rate 40.0 is too large", "diverges");
    refuse(out, List.of("--lr", "40", "--sgd-batch", "2", "--steps", "400"), "training diverged", "lower the learning rate");
    refuse(out, List.of("--x-train", tmp.resolve("missing.npy").toString()), "--x-train", "no such file");
  }

  private void refuse(Path out, List<String> replace, String... parts) throws IOException {
    List<String> a = args(out);
    for (int i = 0; i < replace.size(); i += 2) {
      String opt = replace.get(i);
      int at = a.indexOf(opt);
      if (at >= 0) a.set(at + 1, replace.get(i + 1));
      else {
        a.add(opt);
        a.add(replace.get(i + 1));
      }
    }
    Cli.run(a.toArray(new String[0])).refused(parts);
    assertFalse(Files.exists(out), "no output directory after a refusal");
  }

  private static double[] neg(double[] v) {
    double[] o = new double[v.length];
    for (int i = 0; i < v.length; i++) o[i] = -v[i];
    return o;
  }
}
