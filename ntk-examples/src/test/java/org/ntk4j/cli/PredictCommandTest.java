package org.ntk4j.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.ntk4j.Inputs;
import org.ntk4j.Shape;
import org.ntk4j.io.ArchitectureParser;
import org.ntk4j.io.Npy;
import org.ntk4j.io.NpyArray;
import org.ntk4j.kernel.KernelFunction;
import org.ntk4j.kernel.Kernels;
import org.ntk4j.predict.Dynamics;
import org.ntk4j.predict.EnsemblePredictor;
import org.ntk4j.predict.Gaussian;
import org.ntk4j.predict.Regularization;
import org.ntk4j.predict.TestKernels;

class PredictCommandTest {
  static final String ARCH = "Dense(512, W_std=1.4142, b_std=0.05) -> Relu -> Dense(W_std=1.4142)";

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

  private static List<String> list(Path dir) throws IOException {
    if (!Files.exists(dir)) return List.of();
    try (Stream<Path> s = Files.list(dir)) {
      return s.map(p -> p.getFileName().toString()).sorted().collect(Collectors.toList());
    }
  }

  private static void close(double[] expected, double[] actual, double tol, String what) {
    assertEquals(expected.length, actual.length, what);
    for (int i = 0; i < expected.length; i++) {
      int ii = i;
      assertEquals(expected[i], actual[i], tol * Math.max(1, Math.abs(expected[i])), () -> what + " at " + ii);
    }
  }

  // ------------------------------------------------------------------------------------------------ success

  @Test
  void ntkFlowWithCovarianceMatchesTheLibrary() throws IOException {
    double[] xt = gaussian(6 * 3, 1), y = gaussian(6 * 2, 2), xs = gaussian(4 * 3, 3);
    Path out = tmp.resolve("pred");
    Cli.Result r = Cli.run("predict", "--arch", ARCH, "--x-train", npy("x.npy", new int[] {6, 3}, xt).toString(),
        "--y-train", npy("y.npy", new int[] {6, 2}, y).toString(), "--x-test", npy("t.npy", new int[] {4, 3}, xs).toString(),
        "--time", "0, 0.5,10,inf", "--lr", "0.7", "--cov", "--out", out.toString());
    assertEquals(0, r.code(), r.err());
    assertEquals("", r.err());
    assertEquals(1, r.out().lines().count(), r.out());
    assertTrue(r.out().startsWith("ntk predict: NTK gradient flow at 4 times on 4 test inputs from 6 training inputs x 2 outputs"), r.out());
    assertEquals(List.of("cov.npy", "mean.npy"), list(out));
    NpyArray mean = Npy.read(out.resolve("mean.npy")), cov = Npy.read(out.resolve("cov.npy"));
    assertArrayEquals(new int[] {4, 4, 2}, mean.shape());
    assertArrayEquals(new int[] {4, 4, 4}, cov.shape());

    // the library on the same kernels
    KernelFunction kf = KernelFunction.of(ArchitectureParser.parse(ARCH)).build();
    Inputs a = new Inputs(6, Shape.flat(3), xt), b = new Inputs(4, Shape.flat(3), xs);
    Kernels dd = kf.compute(a, a), td = kf.compute(b, a), tt = kf.compute(b, b);
    Gaussian[] g = EnsemblePredictor.fit(Dynamics.NTK, dd.nngp(), dd.ntk(), 6, y, 2, 0.7, Regularization.none(), null)
        .predictFlow(TestKernels.of(4, td.nngp(), td.ntk(), tt.nngp()), 0, 0.5, 10, Double.POSITIVE_INFINITY);
    for (int i = 0; i < 4; i++) {
      close(g[i].mean(), java.util.Arrays.copyOfRange(mean.data(), i * 8, (i + 1) * 8), 1e-12, "mean " + i);
      close(g[i].covariance(), java.util.Arrays.copyOfRange(cov.data(), i * 16, (i + 1) * 16), 1e-12, "cov " + i);
    }
    // t = 0: the prior, mean 0 and covariance Σ(x_test, x_test)
    for (int i = 0; i < 8; i++) assertEquals(0.0, mean.data()[i], 0.0);
    close(tt.nngp(), java.util.Arrays.copyOfRange(cov.data(), 0, 16), 1e-14, "prior covariance");
  }

  @Test
  void oneDimensionalTargetsStepsNngpAndTrainingInputsAsTestInputs() throws IOException {
    double[] xt = gaussian(5 * 2, 4), y = {1, -1, 0.5, 2, 0};
    Path x = npy("x.npy", new int[] {5, 2}, xt);
    Path out = tmp.resolve("o");
    Cli.Result r = Cli.run("predict", "--arch", "Dense(W_std=1.5, b_std=0.1) -> Relu -> Dense(W_std=1.5)", "--x-train",
        x.toString(), "--y-train", npy("y.npy", new int[] {5}, y).toString(), "--x-test", x.toString(), "--steps", "1,2,3,2000",
        "--kernel", "nngp", "--lr", "1", "--out", out.toString());
    assertEquals(0, r.code(), r.err());
    assertEquals(List.of("mean.npy"), list(out));
    NpyArray mean = Npy.read(out.resolve("mean.npy"));
    assertArrayEquals(new int[] {4, 5, 1}, mean.shape());
    // one step from f = 0 by hand: f₁ = lr/N · Σ · y with N = 5
    Inputs a = new Inputs(5, Shape.flat(2), xt);
    Kernels k = KernelFunction.of(ArchitectureParser.parse("Dense(W_std=1.5, b_std=0.1) -> Relu -> Dense(W_std=1.5)")).build().compute(a, a);
    for (int i = 0; i < 5; i++) {
      double s = 0;
      for (int j = 0; j < 5; j++) s += k.nngp(i, j) * y[j];
      assertEquals(s / 5, mean.data()[i], 1e-12, "one step at input " + i);
    }
  }

  @Test
  void duplicatedTrainingInputsGiveFinitePredictionsAtEveryTime() throws IOException {
    double[] u = gaussian(3 * 4, 5);
    double[] xt = new double[5 * 4];
    System.arraycopy(u, 0, xt, 0, 12);
    System.arraycopy(u, 0, xt, 12, 8); // inputs 3, 4 repeat inputs 0, 1
    Path out = tmp.resolve("dup");
    Cli.Result r = Cli.run("predict", "--arch", ARCH, "--x-train", npy("x.npy", new int[] {5, 4}, xt).toString(),
        "--y-train", npy("y.npy", new int[] {5}, new double[] {1, 2, 3, 1, 2}).toString(),
        "--x-test", npy("t.npy", new int[] {2, 4}, gaussian(8, 6)).toString(), "--time", "0.1,1,inf", "--cov",
        "--diag-reg", "0", "--out", out.toString());
    assertEquals(0, r.code(), r.err());
    for (String f : new String[] {"mean.npy", "cov.npy"}) {
      for (double v : Npy.read(out.resolve(f)).data()) assertTrue(Double.isFinite(v), f);
    }
  }

  @Test
  void regularizationRelativeOrAbsolute() throws IOException {
    double[] xt = gaussian(4 * 2, 7);
    Path x = npy("x.npy", new int[] {4, 2}, xt), y = npy("y.npy", new int[] {4}, new double[] {1, 0, 0, 1});
    String arch = "Dense(W_std=1.2, b_std=0.3) -> Relu -> Dense";
    Inputs a = new Inputs(4, Shape.flat(2), xt);
    Kernels k = KernelFunction.of(ArchitectureParser.parse(arch)).build().compute(a, a);
    double meanTrace = 0;
    for (int i = 0; i < 4; i++) meanTrace += k.ntk(i, i) / 4;
    assertEquals(0, Cli.run("predict", "--arch", arch, "--x-train", x.toString(), "--y-train", y.toString(), "--x-test", x.toString(),
        "--time", "inf", "--diag-reg", "0.1", "--out", tmp.resolve("rel").toString()).code());
    assertEquals(0, Cli.run("predict", "--arch", arch, "--x-train", x.toString(), "--y-train", y.toString(), "--x-test", x.toString(),
        "--time", "inf", "--diag-reg", Double.toString(0.1 * meanTrace), "--diag-reg-absolute", "--out", tmp.resolve("abs").toString()).code());
    double[] rel = Npy.read(tmp.resolve("rel/mean.npy")).data(), abs = Npy.read(tmp.resolve("abs/mean.npy")).data();
    close(rel, abs, 1e-12, "relative = absolute · mean trace");
    // regularized: no longer interpolates the targets
    assertTrue(Math.abs(rel[0] - 1) > 1e-3, "regularized fit differs from the target: " + rel[0]);
  }

  // ------------------------------------------------------------------------------------------------ refusals

  private Cli.Result refused(String[] args, String... parts) {
    Path out = tmp.resolve("never");
    String[] full = Stream.concat(Stream.of("predict"), Stream.concat(Stream.of(args), Stream.of("--out", out.toString())))
        .toArray(String[]::new);
    Cli.Result r = Cli.run(full).refused(parts);
    assertFalse(Files.exists(out), "output directory created on a refusal");
    return r;
  }

  private String[] args(Path x, Path y, Path t, String... more) {
    return Stream.concat(Stream.of("--arch", ARCH, "--x-train", x.toString(), "--y-train", y.toString(), "--x-test", t.toString()),
        Stream.of(more)).toArray(String[]::new);
  }

  @Test
  void refusesBadInputs() throws IOException {
    Path x = npy("x.npy", new int[] {3, 2}, gaussian(6, 1));
    Path y = npy("y.npy", new int[] {3}, new double[] {1, 2, 3});
    Path t = npy("t.npy", new int[] {2, 2}, gaussian(4, 2));
    refused(args(tmp.resolve("missing.npy"), y, t, "--time", "1"), "--x-train", "missing.npy: no such file");
    refused(args(x, tmp.resolve("nope.npy"), t, "--time", "1"), "--y-train", "nope.npy: no such file");
    Path nan = tmp.resolve("nan.npy");
    Files.write(nan, Npy.toBytes(new int[] {3}, new double[] {1, Double.NaN, 3}));
    refused(args(x, nan, t, "--time", "1"), "--y-train", "nan.npy: has a non-finite value: NaN at index (1,)");
    refused(args(x, npy("y4.npy", new int[] {4}, new double[] {1, 2, 3, 4}), t, "--time", "1"),
        "--y-train", "has 4 targets but --x-train", "has 3 inputs");
    refused(args(x, npy("y3.npy", new int[] {3, 1, 1}, new double[] {1, 2, 3}), t, "--time", "1"), "--y-train", "(3, 1, 1)", "expected (n,) or (n, outputs)");
    refused(args(x, y, npy("t3.npy", new int[] {2, 3}, gaussian(6, 3)), "--time", "1"),
        "--x-train", "shape (2)", "--x-test", "shape (3)", "same input shape");
    refused(args(x, y, npy("t1.npy", new int[] {4}, gaussian(4, 3)), "--time", "1"), "--x-test", "has shape (4,)");
    refused(new String[] {"--arch", "Dense(512 -> Relu", "--x-train", x.toString(), "--y-train", y.toString(), "--x-test",
        t.toString(), "--time", "1"}, "--arch: at position 11");
    refused(new String[] {"--arch", "Dense -> Relu -> Dense", "--x-train", npy("img.npy", new int[] {3, 2, 2, 1}, gaussian(12, 4)).toString(),
        "--y-train", y.toString(), "--x-test", npy("timg.npy", new int[] {1, 2, 2, 1}, gaussian(4, 5)).toString(), "--time", "1"},
        "--arch does not fit inputs of shape (2, 2, 1)");
  }

  @Test
  void refusesBadSchedulesAndRates() throws IOException {
    Path x = npy("x.npy", new int[] {3, 2}, gaussian(6, 1));
    Path y = npy("y.npy", new int[] {3}, new double[] {1, 2, 3});
    Path t = npy("t.npy", new int[] {2, 2}, gaussian(4, 2));
    refused(args(x, y, t, "--time", "1,-0.5"), "--time", "must be >= 0", "'-0.5'");
    refused(args(x, y, t, "--time", "nan"), "--time", "'nan'");
    refused(args(x, y, t, "--time", "soon"), "--time", "'soon' is not a number");
    refused(args(x, y, t, "--time", "1,,2"), "--time", "empty value");
    refused(args(x, y, t, "--steps", "1,-2"), "--steps", "must be >= 0", "'-2'");
    refused(args(x, y, t, "--steps", "1.5"), "--steps", "'1.5' is not a whole number");
    refused(args(x, y, t, "--time", "1", "--steps", "2"), "--time and --steps exclude each other");
    refused(args(x, y, t), "give the gradient-flow times with --time", "--steps");
    refused(args(x, y, t, "--time", "1", "--lr", "0"), "--lr must be finite and > 0 but was '0'");
    refused(args(x, y, t, "--time", "1", "--lr", "-1"), "--lr must be finite and > 0 but was '-1'");
    refused(args(x, y, t, "--time", "1", "--lr", "fast"), "--lr: 'fast' is not a number");
    refused(args(x, y, t, "--time", "1", "--lr", "Infinity"), "--lr must be finite");
    refused(args(x, y, t, "--time", "1", "--diag-reg", "-0.1"), "--diag-reg must be finite and >= 0");
    refused(args(x, y, t, "--time", "1", "--kernel", "rbf"), "--kernel", "'rbf'");
  }

  // ------------------------------------------------------------------------------------------------ --augment

  /** Points in the plane, an invariant target |x|², C4 rotating the plane by 90°. */
  @Test
  void augmentTrainsOnTheOrbitExactlyAndThePredictionIsInvariant() throws IOException {
    double[] xt = gaussian(5 * 2, 11), xs = gaussian(4 * 2, 12);
    double[] y = new double[5];
    for (int i = 0; i < 5; i++) y[i] = xt[2 * i] * xt[2 * i] + xt[2 * i + 1] * xt[2 * i + 1];
    double[] rotated = new double[xs.length]; // (a, b) -> (-b, a)
    for (int i = 0; i < 4; i++) {
      rotated[2 * i] = -xs[2 * i + 1];
      rotated[2 * i + 1] = xs[2 * i];
    }
    Path x = npy("x.npy", new int[] {5, 2}, xt), yp = npy("y.npy", new int[] {5}, y);
    Path t = npy("t.npy", new int[] {4, 2}, xs), tr = npy("tr.npy", new int[] {4, 2}, rotated);
    String[] common = {"--time", "1,10,inf", "--lr", "0.5", "--augment", "C4"};
    Cli.Result r = Cli.run(Stream.concat(Stream.of("predict"), Stream.concat(Stream.of(args(x, yp, t, common)),
        Stream.of("--out", tmp.resolve("a").toString()))).toArray(String[]::new));
    assertEquals(0, r.code(), r.err());
    assertTrue(r.out().contains("trained on the C4 orbit (fast"), r.out());
    Cli.Result rr = Cli.run(Stream.concat(Stream.of("predict"), Stream.concat(Stream.of(args(x, yp, tr, common)),
        Stream.of("--out", tmp.resolve("b").toString()))).toArray(String[]::new));
    assertEquals(0, rr.code(), rr.err());
    double[] mean = Npy.read(tmp.resolve("a/mean.npy")).data(), meanRot = Npy.read(tmp.resolve("b/mean.npy")).data();
    assertArrayEquals(mean, meanRot, "the fast path's prediction is exactly C4-invariant, off the training data too");

    // the explicitly augmented set (what --cov uses) gives the same means; reference computed here from the library
    Cli.Result c = Cli.run(Stream.concat(Stream.of("predict"), Stream.concat(Stream.of(args(x, yp, t, common)),
        Stream.of("--cov", "--out", tmp.resolve("c").toString()))).toArray(String[]::new));
    assertEquals(0, c.code(), c.err());
    assertTrue(c.out().contains("explicit C4 orbit of 20 inputs"), c.out());
    close(mean, Npy.read(tmp.resolve("c/mean.npy")).data(), 1e-10, "fast vs explicit orbit");
    double[] xa = new double[20 * 2], ya = new double[20];
    for (int g = 0; g < 4; g++) {
      for (int i = 0; i < 5; i++) {
        double a = xt[2 * i], b = xt[2 * i + 1];
        for (int k = 0; k < g; k++) {
          double na = -b;
          b = a;
          a = na;
        }
        xa[2 * (g * 5 + i)] = a;
        xa[2 * (g * 5 + i) + 1] = b;
        ya[g * 5 + i] = y[i];
      }
    }
    Inputs train = new Inputs(20, Shape.flat(2), xa), test = new Inputs(4, Shape.flat(2), xs);
    KernelFunction kf = KernelFunction.of(ArchitectureParser.parse(ARCH)).build();
    Kernels tt = kf.compute(train), st = kf.compute(test, train), ss = kf.compute(test);
    Gaussian[] ref = EnsemblePredictor.fit(Dynamics.NTK, tt.nngp(), tt.ntk(), 20, ya, 1, 0.5, Regularization.none(), null)
        .predictFlow(TestKernels.of(4, st.nngp(), st.ntk(), ss.nngp()), 1, 10, Double.POSITIVE_INFINITY);
    double[] refMean = new double[12];
    for (int k = 0; k < 3; k++) System.arraycopy(ref[k].mean(), 0, refMean, 4 * k, 4);
    close(refMean, mean, 1e-10, "fast path vs hand-augmented training set");
  }

  @Test
  void augmentRefusals() throws IOException {
    Path x = npy("x.npy", new int[] {3, 2}, gaussian(6, 1));
    Path y = npy("y.npy", new int[] {3}, new double[] {1, 2, 3});
    Path t = npy("t.npy", new int[] {2, 2}, gaussian(4, 2));
    refused(args(x, y, t, "--time", "1", "--augment", "Q7"), "--augment Q7", "unknown group");
    refused(args(x, y, t, "--time", "1", "--equivariant"), "--equivariant applies only with --augment");
    refused(args(x, y, t, "--time", "1", "--augment", "C4", "--equivariant"), "--equivariant", "dimension 1");
  }

  // ------------------------------------------------------------------------------------------------ --spark

  @Test
  void sparkSolversMatchTheEigendecomposition() throws IOException {
    double[] xt = gaussian(12 * 3, 21), y = gaussian(12 * 2, 22), xs = gaussian(5 * 3, 23);
    Path x = npy("x.npy", new int[] {12, 3}, xt), yp = npy("y.npy", new int[] {12, 2}, y), t = npy("t.npy", new int[] {5, 3}, xs);
    Cli.Result local = Cli.run(Stream.concat(Stream.of("predict"), Stream.concat(Stream.of(args(x, yp, t, "--time", "2,inf",
        "--diag-reg", "1e-3")), Stream.of("--out", tmp.resolve("local").toString()))).toArray(String[]::new));
    assertEquals(0, local.code(), local.err());
    Cli.Result spark = Cli.run(Stream.concat(Stream.of("predict"), Stream.concat(Stream.of(args(x, yp, t, "--time", "2,inf",
        "--diag-reg", "1e-3", "--spark", "local[2]", "--solver", "lanczos", "--tol", "1e-12")),
        Stream.of("--out", tmp.resolve("spark").toString()))).toArray(String[]::new));
    assertEquals(0, spark.code(), spark.err());
    assertTrue(spark.out().contains("solved on Spark local[2] (lanczos"), spark.out());
    assertTrue(spark.err().contains("ntk predict: t = 2.0: "), spark.err());
    double[] a = Npy.read(tmp.resolve("local/mean.npy")).data(), b = Npy.read(tmp.resolve("spark/mean.npy")).data();
    close(a, b, 1e-8, "Lanczos on Spark vs eigendecomposition");
    Cli.Result cg = Cli.run(Stream.concat(Stream.of("predict"), Stream.concat(Stream.of(args(x, yp, t, "--time", "inf",
        "--diag-reg", "1e-3", "--spark", "local[2]", "--solver", "cg")), Stream.of("--out", tmp.resolve("cg").toString())))
        .toArray(String[]::new));
    assertEquals(0, cg.code(), cg.err());
    close(java.util.Arrays.copyOfRange(a, 10, 20), Npy.read(tmp.resolve("cg/mean.npy")).data(), 1e-8, "CG on Spark vs eigendecomposition");
  }

  @Test
  void sparkRefusals() throws IOException {
    Path x = npy("x.npy", new int[] {3, 2}, gaussian(6, 1));
    Path y = npy("y.npy", new int[] {3}, new double[] {1, 2, 3});
    Path t = npy("t.npy", new int[] {2, 2}, gaussian(4, 2));
    refused(args(x, y, t, "--time", "1", "--spark", "local[2]", "--solver", "cg"), "--solver cg solves the t = inf limit only");
    refused(args(x, y, t, "--steps", "1", "--spark", "local[2]"), "--steps is not available with --spark");
    refused(args(x, y, t, "--time", "1", "--spark", "local[2]", "--cov"), "--cov is not available with --spark");
    refused(args(x, y, t, "--time", "1", "--solver", "cg"), "--solver and --tol apply only with --spark");
    refused(args(x, y, t, "--time", "1", "--spark", "local[2]", "--solver", "gmres"), "--solver: expected cg or lanczos");
  }

  @Test
  void helpListsTheOptions() {
    Cli.Result h = Cli.run("predict", "--help");
    assertEquals(0, h.code());
    for (String o : new String[] {"--arch", "--x-train", "--y-train", "--x-test", "--time", "--steps", "--lr", "--kernel",
        "--diag-reg", "--cov", "--out", "--threads"}) {
      assertTrue(h.out().contains(o), o);
    }
    assertTrue(Cli.run("--help").out().contains("predict"));
  }
}
