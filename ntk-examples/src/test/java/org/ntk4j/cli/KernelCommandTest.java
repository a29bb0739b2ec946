package org.ntk4j.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
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
import org.ntk4j.kernel.SpatialMode;
import org.ntk4j.kernel.Summation;
import org.ntk4j.layers.Parameterization;

class KernelCommandTest {
  static final String ARCH = "Dense(512, W_std=1.4142, b_std=0.05) -> Relu -> Dense(W_std=1.4142)";
  static final String RES = "Dense(W_std=1) -> Residual(Dense(256, W_std=1.4) -> Relu -> Dense(256)) -> Relu -> Dense";

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

  private Path bytes(String name, byte[] b) throws IOException {
    Path p = tmp.resolve(name);
    Files.write(p, b);
    return p;
  }

  /** A .npy with any descr/order written by hand (independently of Npy). */
  private static byte[] handMade(String descr, boolean fortran, int[] shape, double[] values) {
    String dict = "{'descr': '" + descr + "', 'fortran_order': " + (fortran ? "True" : "False") + ", 'shape': "
        + Npy.shapeText(shape) + ", }";
    int total = (10 + dict.length() + 1 + 63) / 64 * 64;
    String h = dict + " ".repeat(total - 10 - dict.length() - 1) + "\n";
    boolean f4 = descr.endsWith("f4");
    boolean int8 = descr.endsWith("i8");
    ByteBuffer b = ByteBuffer.allocate(total + values.length * (f4 ? 4 : 8)).order(ByteOrder.LITTLE_ENDIAN);
    b.put(new byte[] {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0}).putShort((short) h.length());
    b.put(h.getBytes(StandardCharsets.ISO_8859_1));
    b.order(descr.startsWith(">") ? ByteOrder.BIG_ENDIAN : ByteOrder.LITTLE_ENDIAN);
    for (double v : values) {
      if (f4) b.putFloat((float) v);
      else if (int8) b.putLong((long) v);
      else b.putDouble(v);
    }
    return b.array();
  }

  private static List<String> list(Path dir) throws IOException {
    if (!Files.exists(dir)) return List.of();
    try (Stream<Path> s = Files.list(dir)) {
      return s.map(p -> p.getFileName().toString()).sorted().collect(Collectors.toList());
    }
  }

  private static void assertBitwise(double[] expected, double[] actual) {
    assertEquals(expected.length, actual.length);
    for (int i = 0; i < expected.length; i++) {
      assertEquals(Double.doubleToRawLongBits(expected[i]), Double.doubleToRawLongBits(actual[i]), "index " + i);
    }
  }

  private static void assertOutputs(Path out, Kernels k) throws IOException {
    assertEquals(List.of("nngp.npy", "ntk.npy"), list(out));
    NpyArray nngp = Npy.read(out.resolve("nngp.npy"));
    NpyArray ntk = Npy.read(out.resolve("ntk.npy"));
    assertArrayEquals(new int[] {k.n1(), k.n2()}, nngp.shape());
    assertArrayEquals(new int[] {k.n1(), k.n2()}, ntk.shape());
    assertBitwise(k.nngp(), nngp.data());
    assertBitwise(k.ntk(), ntk.data());
  }

  // ------------------------------------------------------------------------------------------------ success

  @Test
  void writesExactlyWhatKernelFunctionComputes() throws IOException {
    double[] v = gaussian(7 * 5, 1);
    v[5] = v[6] = v[7] = v[8] = v[9] = 0; // a zero input
    Path x1 = npy("x1.npy", new int[] {7, 5}, v);
    Path out = tmp.resolve("out");
    Cli.Result r = Cli.run("kernel", "--arch", ARCH, "--x1", x1.toString(), "--out", out.toString());
    assertEquals(0, r.code(), r.err());
    assertEquals("", r.err());
    assertEquals(1, r.out().lines().count(), r.out());
    assertTrue(r.out().startsWith("ntk kernel: NNGP and NTK of 7 x 7 inputs of shape (5)"), r.out());
    Kernels k = KernelFunction.of(ArchitectureParser.parse(ARCH)).build().compute(new Inputs(7, Shape.flat(5), v));
    assertOutputs(out, k);
    for (double t : Npy.read(out.resolve("ntk.npy")).data()) assertTrue(Double.isFinite(t));
  }

  @Test
  void crossKernelWithOptionsMatchesTheLibrary() throws IOException {
    double[] a = gaussian(6 * 4, 2);
    double[] b = gaussian(3 * 4, 3);
    Path x1 = npy("a.npy", new int[] {6, 4}, a);
    Path x2 = npy("b.npy", new int[] {3, 4}, b);
    Path out = tmp.resolve("deep/er/out"); // created with its parents
    String arch = "Dense(64, W_std=1.5, b_std=0.1) -> Relu -> Residual(Dense(64, W_std=1.2) -> Relu -> Dense(64)) -> Dense(W_std=2)";
    Cli.Result r = Cli.run("kernel", "--arch", arch, "--x1", x1.toString(), "--x2", x2.toString(), "--out", out.toString(),
        "--threads", "2", "--memory", "64m", "--parameterization", "standard", "--spatial", "FULL", "--summation", "fast");
    assertEquals(0, r.code(), r.err());
    Kernels k = KernelFunction.of(ArchitectureParser.parse(arch)).parameterization(Parameterization.STANDARD)
        .spatialMode(SpatialMode.FULL).summation(Summation.FAST).threads(1).build()
        .compute(new Inputs(6, Shape.flat(4), a), new Inputs(3, Shape.flat(4), b));
    assertOutputs(out, k);
  }

  @Test
  void float32InputsAndResidualArchitectures() throws IOException {
    double[] v = gaussian(4 * 3, 4);
    for (int i = 0; i < v.length; i++) v[i] = (float) v[i];
    Path x1 = bytes("f4.npy", handMade(">f4", false, new int[] {4, 3}, v));
    Path out = tmp.resolve("o");
    Cli.Result r = Cli.run("kernel", "--arch", RES, "--x1", x1.toString(), "--x2", x1.toString(), "--out", out.toString(),
        "--threads", "1");
    assertEquals(0, r.code(), r.err());
    Inputs x = new Inputs(4, Shape.flat(3), v);
    assertOutputs(out, KernelFunction.of(ArchitectureParser.parse(RES)).build().compute(x, x));
  }

  @Test
  void handDerivedValuesFromTheSharedTestData() throws IOException {
    // test-data/vectors-3x2.npy: (1,0), (0.6,0.8), (-0.5,0.5); values derived by hand in issue 2
    Path out = tmp.resolve("hand");
    Cli.Result r = Cli.run("kernel", "--arch",
        "Dense(W_std=1.41421356237, b_std=0.70710678118) -> Relu -> Dense(W_std=1.41421356237, b_std=0.70710678118)",
        "--x1", Path.of("..", "test-data", "vectors-3x2.npy").toString(), "--out", out.toString());
    assertEquals(0, r.code(), r.err());
    NpyArray ntk = Npy.read(out.resolve("ntk.npy"));
    NpyArray nngp = Npy.read(out.resolve("nngp.npy"));
    assertArrayEquals(new int[] {3, 3}, ntk.shape());
    assertEquals(2.501094, ntk.data()[0 * 3 + 1], 5e-7);
    assertEquals(0.889848, nngp.data()[0 * 3 + 2], 5e-7);
    for (int i = 0; i < 3; i++) {
      for (int j = 0; j < 3; j++) assertEquals(ntk.data()[i * 3 + j], ntk.data()[j * 3 + i], 0.0, "symmetric");
    }
  }

  @Test
  void manyTilesUnderASmallBudgetGiveTheSameBits() throws IOException {
    double[] v = gaussian(40 * 6, 9);
    Path x1 = npy("x.npy", new int[] {40, 6}, v);
    Path small = tmp.resolve("small");
    Cli.Result r = Cli.run("kernel", "--arch", RES, "--x1", x1.toString(), "--out", small.toString(), "--memory", "64k");
    assertEquals(0, r.code(), r.err());
    assertOutputs(small, KernelFunction.of(ArchitectureParser.parse(RES)).build().compute(new Inputs(40, Shape.flat(6), v)));
  }

  @Test
  void replacesEarlierOutputsAndLeavesOtherFilesAlone() throws IOException {
    Path x1 = npy("x.npy", new int[] {3, 2}, gaussian(6, 5));
    Path out = Files.createDirectory(tmp.resolve("out"));
    Files.writeString(out.resolve("nngp.npy"), "old");
    Files.writeString(out.resolve("notes.txt"), "mine");
    Cli.Result r = Cli.run("kernel", "--arch", "Dense -> Relu -> Dense", "--x1", x1.toString(), "--out", out.toString());
    assertEquals(0, r.code(), r.err());
    assertEquals(List.of("nngp.npy", "notes.txt", "ntk.npy"), list(out));
    assertEquals(3, Npy.read(out.resolve("nngp.npy")).shape()[0]);
    assertEquals("mine", Files.readString(out.resolve("notes.txt")));
  }

  @Test
  void resultsDoNotDependOnTheThreadCount() throws IOException {
    Path x1 = npy("x.npy", new int[] {9, 4}, gaussian(36, 6));
    Cli.run("kernel", "--arch", ARCH, "--x1", x1.toString(), "--out", tmp.resolve("t1").toString(), "--threads", "1");
    Cli.run("kernel", "--arch", ARCH, "--x1", x1.toString(), "--out", tmp.resolve("t2").toString(), "--threads", "2");
    for (String f : new String[] {"nngp.npy", "ntk.npy"}) {
      assertArrayEquals(Files.readAllBytes(tmp.resolve("t1").resolve(f)), Files.readAllBytes(tmp.resolve("t2").resolve(f)));
    }
  }

  // ------------------------------------------------------------------------------------------------ refusals

  /** Runs {@code ntk kernel} expecting a refusal; checks that no output was written and the directory not created. */
  private Cli.Result refused(String[] args, String... parts) throws IOException {
    Path out = tmp.resolve("never");
    String[] full = Stream.concat(Stream.of("kernel"), Stream.concat(Stream.of(args), Stream.of("--out", out.toString())))
        .toArray(String[]::new);
    Cli.Result r = Cli.run(full).refused(parts);
    assertFalse(Files.exists(out), "output directory created on a refusal");
    return r;
  }

  private String[] args(String arch, Path x1, String... more) {
    return Stream.concat(Stream.of("--arch", arch, "--x1", x1.toString()), Stream.of(more)).toArray(String[]::new);
  }

  @Test
  void refusesBadFiles() throws IOException {
    int[] s = {3, 2};
    double[] v = {1, 2, 3, 4, 5, 6};
    Path good = npy("good.npy", s, v);
    refused(args(ARCH, bytes("magic.npy", "PK\u0003\u0004 zip".getBytes(StandardCharsets.ISO_8859_1))),
        "--x1", "magic.npy: not a .npy file: wrong magic");
    refused(args(ARCH, bytes("fortran.npy", handMade("<f8", true, s, v))), "--x1", "fortran.npy: is stored in Fortran");
    refused(args(ARCH, bytes("int.npy", handMade("<i8", false, s, v))), "--x1", "int.npy: has dtype '<i8' (64-bit signed integer)");
    double[] nan = v.clone();
    nan[3] = Double.NaN;
    refused(args(ARCH, bytes("nan.npy", handMade("<f8", false, s, nan))), "--x1", "nan.npy: has a non-finite value: NaN at index (1, 1)");
    double[] inf = v.clone();
    inf[4] = Double.POSITIVE_INFINITY;
    refused(args(ARCH, good, "--x2", bytes("inf.npy", handMade("<f4", false, s, inf)).toString()),
        "--x2", "inf.npy: has a non-finite value: +Inf at index (2, 0)");
    byte[] full = handMade("<f8", false, s, v);
    refused(args(ARCH, bytes("cut.npy", java.util.Arrays.copyOf(full, full.length - 1))), "--x1", "cut.npy: truncated data");
    refused(args(ARCH, tmp.resolve("missing.npy")), "--x1", "missing.npy: no such file");
    refused(args(ARCH, tmp), "--x1", "is a directory");
    refused(args(ARCH, npy("rank1.npy", new int[] {6}, v)), "--x1", "rank1.npy: has shape (6,)");
    refused(args(ARCH, npy("empty.npy", new int[] {0, 2}, new double[0])), "--x1", "empty.npy: is empty");
  }

  @Test
  void refusesMismatchedInputShapes() throws IOException {
    Path a = npy("a.npy", new int[] {3, 2}, gaussian(6, 1));
    Path b = npy("b.npy", new int[] {2, 3}, gaussian(6, 2));
    refused(args(ARCH, a, "--x2", b.toString()), "--x1", "shape (2)", "--x2", "shape (3)", "same input shape");
    Path img = npy("img.npy", new int[] {2, 2, 3}, gaussian(12, 3));
    refused(args(ARCH, a, "--x2", img.toString()), "shape (2)", "shape (2, 3)");
  }

  @Test
  void refusesArchitecturesThatDoNotParseOrDoNotFit() throws IOException {
    Path flat = npy("flat.npy", new int[] {3, 2}, gaussian(6, 1));
    refused(args("Dense(512 -> Relu", flat), "--arch: at position 11: expected ')' or ',' but found '->'");
    refused(args("Dense -> Reluu", flat), "--arch: unknown layer 'Reluu' at position 10", "did you mean 'relu'?");
    refused(args("Dense(W_std=-1)", flat), "--arch: at position 1:", "W_std must be finite and >= 0");
    Path img = npy("img.npy", new int[] {2, 4, 4, 1}, gaussian(32, 2));
    refused(args("Dense -> Relu -> Dense", img), "--arch does not fit inputs of shape (4, 4, 1)", "Dense needs flat inputs");
    refused(args("Dense -> Relu -> Dense", flat, "--parameterization", "standard"),
        "--arch does not fit inputs of shape (2)", "standard parameterization needs the width");
  }

  @Test
  void refusesBadOptionValues() throws IOException {
    Path x = npy("x.npy", new int[] {3, 2}, gaussian(6, 1));
    refused(args(ARCH, x, "--threads", "0"), "--threads", "expected a positive integer but was '0'");
    refused(args(ARCH, x, "--threads", "many"), "--threads", "'many'");
    refused(args(ARCH, x, "--memory", "4x"), "--memory", "expected a size like 512m, 4g");
    refused(args(ARCH, x, "--memory", "0"), "--memory", "must be at least 1 byte");
    refused(args(ARCH, x, "--parameterization", "mup"), "--parameterization", "'mup'");
    refused(args(ARCH, x, "--spatial", "sideways"), "--spatial", "'sideways'");
    refused(args(ARCH, x, "--summation", "kahan"), "--summation", "'kahan'");
    refused(args(ARCH, x, "--thraeds", "2"), "Unknown option", "'--thraeds'", "did you mean --threads?", "see 'ntk kernel --help'");
    refused(new String[] {"--x1", x.toString()}, "Missing required option", "--arch");
    refused(args(ARCH, x, "--threads"), "--threads");
  }

  @Test
  void refusesMemoryBudgetsThatAreTooSmallOrTooLarge() throws IOException {
    Path x = npy("x.npy", new int[] {3, 2}, gaussian(6, 1));
    refused(args(ARCH, x, "--memory", "1"), "memory budget 1 B too small");
    refused(args(ARCH, x, "--memory", "100t"), "--memory 100.0 TiB does not fit in the Java heap", "-Xmx");
  }

  @Test
  void refusesAnOutputPathThatIsAFile() throws IOException {
    Path x = npy("x.npy", new int[] {3, 2}, gaussian(6, 1));
    Path file = Files.writeString(tmp.resolve("file"), "x");
    Cli.run("kernel", "--arch", ARCH, "--x1", x.toString(), "--out", file.toString()).refused(
        "--out", "exists and is not a directory");
    assertEquals("x", Files.readString(file));
    Cli.run("kernel", "--arch", ARCH, "--x1", x.toString(), "--out", file.resolve("sub").toString()).refused(
        "--out", "is not a directory");
  }

  // ------------------------------------------------------------------------------------------------ top level

  @Test
  void helpVersionAndNoCommand() {
    Cli.Result help = Cli.run("--help");
    assertEquals(0, help.code());
    assertTrue(help.out().contains("kernel"), help.out());
    Cli.Result kHelp = Cli.run("kernel", "--help");
    assertEquals(0, kHelp.code());
    for (String o : new String[] {"--arch", "--x1", "--x2", "--out", "--threads", "--memory", "--parameterization", "--spatial",
        "--summation", "--debug"}) {
      assertTrue(kHelp.out().contains(o), o);
    }
    assertEquals(0, Cli.run("help", "kernel").code());
    Cli.Result v = Cli.run("--version");
    assertEquals(0, v.code());
    assertTrue(v.out().startsWith("ntk "), v.out());
    Cli.run().refused("no command given (commands: demo, kernel, predict, certify", "experiment", "bench");
    Cli.run("kernal").refused("kernal", "did you mean kernel");
  }
  // ------------------------------------------------------------------------------------------------ --spark

  @Test
  void sparkGivesBitwiseTheLocalKernelWithOneLinePerStage() throws IOException {
    double[] v = gaussian(13 * 4, 30);
    double[] w = gaussian(6 * 4, 31);
    Path x1 = npy("s1.npy", new int[] {13, 4}, v);
    Path x2 = npy("s2.npy", new int[] {6, 4}, w);
    Path out = tmp.resolve("spark");
    Cli.Result r = Cli.run("kernel", "--arch", RES, "--x1", x1.toString(), "--out", out.toString(),
        "--spark", "local[2]", "--spark-tile", "5");
    assertEquals(0, r.code(), r.err());
    assertTrue(r.out().startsWith("ntk kernel: NNGP and NTK of 13 x 13 inputs of shape (4)") && r.out().contains("on Spark local[2]"), r.out());
    List<String> stages = r.err().lines().collect(Collectors.toList());
    assertTrue(stages.size() >= 3 && stages.stream().allMatch(l -> l.startsWith("ntk kernel: spark: ")), r.err());
    assertTrue(r.err().contains("6 tiles of 5 x 5 (upper triangle of 3 x 3 blocks)"), r.err());
    Inputs a = new Inputs(13, Shape.flat(4), v);
    KernelFunction kf = KernelFunction.of(ArchitectureParser.parse(RES)).build();
    assertOutputs(out, kf.compute(a));

    // the cross kernel, and the tiles written by the executors instead of collected
    Path out2 = tmp.resolve("spark2");
    Cli.Result c = Cli.run("kernel", "--arch", RES, "--x1", x1.toString(), "--x2", x2.toString(), "--out", out2.toString(),
        "--spark", "local[2]", "--spark-tile", "4", "--spark-tiles");
    assertEquals(0, c.code(), c.err());
    assertTrue(c.out().contains("as 16 tile files"), c.out());
    Kernels k = kf.compute(a, new Inputs(6, Shape.flat(4), w));
    NpyArray t = Npy.read(out2.resolve("tiles/ntk_3_1.npy")); // rows 12..12, columns 4..5
    assertArrayEquals(new int[] {1, 2}, t.shape());
    assertBitwise(new double[] {k.ntk(12, 4), k.ntk(12, 5)}, t.data());
  }

  @Test
  void sparkRefusals() throws IOException {
    Path x1 = npy("r.npy", new int[] {5, 3}, gaussian(15, 32));
    String o = tmp.resolve("r").toString();
    Cli.run("kernel", "--arch", ARCH, "--x1", x1.toString(), "--out", o, "--spark", "nonsense://x")
        .refused("cannot start Spark with master 'nonsense://x'");
    Cli.run("kernel", "--arch", ARCH, "--x1", x1.toString(), "--out", o, "--spark", "local[2]", "--threads", "2")
        .refused("--threads does not apply with --spark");
    Cli.run("kernel", "--arch", ARCH, "--x1", x1.toString(), "--out", o, "--spark-tile", "8").refused("only with --spark");
    Cli.run("kernel", "--arch", ARCH, "--x1", x1.toString(), "--out", o, "--spark", "local[2]", "--spark-tile", "0")
        .refused("--spark-tile", "positive integer");
    assertFalse(Files.exists(tmp.resolve("r")), "no output directory left behind");
    CliException e = org.junit.jupiter.api.Assertions.assertThrows(CliException.class,
        () -> SparkSupport.require("--spark", "org.apache.spark.NoSuchClass"));
    assertTrue(e.getMessage().contains("does not bundle") && e.getMessage().contains("ntk-spark.args")
        && e.getMessage().contains("spark-submit"), e.getMessage());
  }
}
