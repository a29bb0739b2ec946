package org.ntk4j.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import org.ntk4j.Inputs;
import org.ntk4j.Shape;
import org.ntk4j.kernel.KernelFunction;
import org.ntk4j.kernel.Kernels;
import org.ntk4j.layers.ArchitectureException;
import org.ntk4j.util.Units;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code ntk kernel}: the NNGP Σ and NTK Θ between two batches, written as float64 .npy files. */
@Command(name = "kernel", sortOptions = false,
    description = {
        "NNGP and NTK kernels of an architecture between two batches of inputs.",
        "",
        "Computes the infinite-width NNGP kernel (Sigma) and neural tangent kernel (Theta) between the inputs x1",
        "and x2 (x1 with itself when --x2 is not given) and writes DIR/nngp.npy and DIR/ntk.npy, float64 arrays",
        "of shape (n1, n2). Inputs: .npy float32/float64 in C order, shape (n, d), (n, L, C) or (n, H, W, C).",
        "With --spark the tiles are computed on Apache Spark (embedded local[*] or a cluster).",
        ""},
    footer = {"", "Example:",
        "  ntk kernel --x1 x.npy --out kernels \\",
        "    --arch \"Dense(512, W_std=1.4142, b_std=0.05) -> Relu -> Dense(W_std=1.4142)\""})
public final class KernelCommand extends NtkCommand {
  @Mixin ArchitectureOptions model;

  @Option(names = "--x1", required = true, paramLabel = "FILE", description = "First batch of inputs (.npy).")
  Path x1;

  @Option(names = "--x2", paramLabel = "FILE", description = "Second batch (.npy, same input shape); default: x1.")
  Path x2;

  @Option(names = "--out", required = true, paramLabel = "DIR", description = "Output directory (created if missing).")
  Path out;

  @Mixin ComputeOptions compute;

  @Option(names = "--spark", paramLabel = "MASTER", arity = "0..1", fallbackValue = "local[*]",
      description = "Compute the tiles on Apache Spark: a master URL such as local[2], local[*] (the default when the"
          + " option has no value: all local cores, no cluster), spark://host:7077 or yarn. Needs Spark and ntk-spark on"
          + " the class path (not bundled in ntk.jar). Results are bitwise those of the local computation.")
  String spark;

  @Option(names = "--spark-tile", paramLabel = "N", converter = ComputeOptions.PositiveInt.class,
      description = "With --spark: tile side in inputs (default: from n and the cores, 128 to 2048).")
  Integer sparkTile;

  @Option(names = "--spark-tiles",
      description = "With --spark: the executors write the tiles as DIR/tiles/ntk_<bi>_<bj>.npy and nngp_<bi>_<bj>.npy"
          + " (plus DIR/tiles/tiles.tsv) instead of collecting the whole kernels to this machine; DIR must be on a file"
          + " system every executor sees. Only tiles with bi <= bj are written for a batch with itself.")
  boolean sparkTiles;

  @Override protected int run() throws Exception {
    long t0 = System.nanoTime();
    model.architecture(); // parse errors first, before reading any file
    if (spark == null && (sparkTile != null || sparkTiles)) {
      throw new CliException((sparkTile != null ? "--spark-tile" : "--spark-tiles") + " applies only with --spark");
    }
    if (spark != null) {
      if (compute.threadsGiven()) {
        throw new CliException("--threads does not apply with --spark: the master URL sets the cores (e.g. --spark local[4])");
      }
      if (compute.memory() != null) {
        throw new CliException("--memory does not apply with --spark: Spark's driver and executor memory settings do");
      }
      if (spark.isBlank()) throw new CliException("--spark: empty master URL; use e.g. local[*], local[2] or spark://host:7077");
      SparkSupport.require("--spark", SparkSupport.CLASSES);
    }
    try (OutputFiles files = OutputFiles.in("--out", out)) {
      Inputs a = readInputs("--x1", x1);
      Inputs b = a;
      if (x2 != null && !sameFile(x1, x2)) {
        b = readInputs("--x2", x2);
        if (!a.shape().equals(b.shape())) {
          throw new CliException("--x1 " + x1 + " holds inputs of shape " + a.shape() + " but --x2 " + x2
              + " holds inputs of shape " + b.shape() + "; both batches need the same input shape");
        }
      }
      Shape shape = a.shape();
      KernelFunction kf = model.kernelFunction(compute, null);
      try {
        kf.validate(shape);
      } catch (ArchitectureException e) {
        throw new CliException("--arch does not fit inputs of shape " + shape + ": " + e.getMessage(), e);
      }
      if (spark != null) return runSpark(files, a, b, shape, t0);
      long budget = memoryBudget(a.n(), b.n());
      kf = model.kernelFunction(compute, budget);
      String backendNote = kf.selectBackend(shape).note();
      if (backendNote != null && compute.backendChoice() == org.ntk4j.kernel.KernelBackend.Choice.GPU) {
        err().println("ntk: note: " + backendNote + "; computing on the CPU");
      }

      Kernels k;
      try (ProgressReporter progress = ProgressReporter.open("kernel", "pairs")) {
        k = a == b ? kf.compute(a, a, progress) : kf.compute(a, b, progress);
      }
      int[] dims = {k.n1(), k.n2()};
      files.writeNpy("nngp.npy", dims, k.nngp());
      files.writeNpy("ntk.npy", dims, k.ntk());
      files.commit();
      double secs = (System.nanoTime() - t0) * 1e-9;
      summary(String.format(Locale.ROOT, "NNGP and NTK of %d x %d inputs of shape %s, %s parameterization, in %.2f s"
              + " on %d threads -> %s, %s", k.n1(), k.n2(), shape, model.parameterization().name().toLowerCase(Locale.ROOT),
          secs, compute.threads(), files.target("nngp.npy"), files.target("ntk.npy")));
    }
    return 0;
  }

  /** The --spark path: the same outputs (bitwise), computed as tiles on a Spark master; one line per stage on stderr. */
  private int runSpark(OutputFiles files, Inputs a, Inputs b, Shape shape, long t0) throws Exception {
    int tile = sparkTile == null ? 0 : sparkTile;
    String prefix = "ntk " + spec.name() + ": ";
    if (sparkTiles) {
      java.nio.file.Path dir = files.dir().resolve("tiles");
      int count;
      try (org.ntk4j.spark.SparkNtk s = SparkKernelRun.start("--spark", spark, err(), prefix)) {
        count = SparkKernelRun.writeTiles(s, model, a, b, tile, dir).size();
      }
      summary(String.format(Locale.ROOT, "NNGP and NTK of %d x %d inputs of shape %s as %d tile files on Spark %s in %.2f s -> %s",
          a.n(), b.n(), shape, count, spark, (System.nanoTime() - t0) * 1e-9, dir));
      return 0;
    }
    Kernels k;
    try (org.ntk4j.spark.SparkNtk s = SparkKernelRun.start("--spark", spark, err(), prefix)) {
      k = SparkKernelRun.collect(s, model, a, b, tile);
    }
    int[] dims = {k.n1(), k.n2()};
    files.writeNpy("nngp.npy", dims, k.nngp());
    files.writeNpy("ntk.npy", dims, k.ntk());
    files.commit();
    summary(String.format(Locale.ROOT, "NNGP and NTK of %d x %d inputs of shape %s, %s parameterization, in %.2f s"
            + " on Spark %s -> %s, %s", k.n1(), k.n2(), shape, model.parameterization().name().toLowerCase(Locale.ROOT),
        (System.nanoTime() - t0) * 1e-9, spark, files.target("nngp.npy"), files.target("ntk.npy")));
    return 0;
  }

  /**
   * The working-memory budget: --memory, or by default half the heap; refused when it cannot fit in the heap beside
   * the two n1 x n2 result matrices (an early, clear error instead of an OutOfMemoryError after a long run).
   */
  private long memoryBudget(int n1, int n2) {
    Runtime rt = Runtime.getRuntime();
    long results = 2L * 8L * n1 * n2;
    long free = rt.maxMemory() - (rt.totalMemory() - rt.freeMemory());
    Long asked = compute.memory();
    String hint = "; give Java more heap, e.g. java -Xmx" + suggestHeap(results + (asked == null ? 0 : asked)) + " -jar ntk.jar ...";
    if (results > free) {
      throw new CliException(String.format(Locale.ROOT,
          "the two %d x %d result matrices need %s but the Java heap has only %s free (max %s)%s",
          n1, n2, Units.bytes(results), Units.bytes(free), Units.bytes(rt.maxMemory()), hint));
    }
    if (asked != null) {
      if (asked > free - results) {
        throw new CliException(String.format(Locale.ROOT,
            "--memory %s does not fit in the Java heap beside the %d x %d results (%s): %s free (max %s)%s",
            Units.bytes(asked), n1, n2, Units.bytes(results), Units.bytes(free), Units.bytes(rt.maxMemory()), hint));
      }
      return asked;
    }
    return Math.max(1, Math.min(rt.maxMemory() / 2, free - results));
  }

  private static String suggestHeap(long bytes) {
    long g = (long) Math.ceil(bytes * 1.5 / (1L << 30)) + 1;
    return g + "g";
  }

  private static boolean sameFile(Path p, Path q) {
    try {
      return Files.exists(p) && Files.exists(q) && Files.isSameFile(p, q);
    } catch (java.io.IOException e) {
      return false;
    }
  }
}
