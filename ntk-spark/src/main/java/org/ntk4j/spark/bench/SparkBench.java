package org.ntk4j.spark.bench;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import org.ntk4j.Inputs;
import org.ntk4j.Shape;
import org.ntk4j.io.ArchitectureParser;
import org.ntk4j.kernel.KernelFunction;
import org.ntk4j.kernel.Kernels;
import org.ntk4j.layers.Layer;
import org.ntk4j.predict.MsePredictor;
import org.ntk4j.spark.DistributedKernel;
import org.ntk4j.spark.KernelKind;
import org.ntk4j.spark.KernelSpec;
import org.ntk4j.spark.SolveOptions;
import org.ntk4j.spark.Solver;
import org.ntk4j.spark.SparkNtk;
import org.ntk4j.spark.SparkPredictor;
import org.ntk4j.spark.TileOptions;
import org.ntk4j.util.Units;

/**
 * Benchmarks of ntk-spark, each against a reference measured in the same run:
 * <ol>
 *   <li>tile throughput on {@code local[1]} and {@code local[2]} (scaling efficiency), with the local multithreaded
 *       {@link KernelFunction} on the same inputs as reference;</li>
 *   <li>CG (t = ∞) and Lanczos (finite t) mean predictions against the eigendecomposition path (local kernel +
 *       {@link MsePredictor}) at training size {@code n}, with their relative difference;</li>
 *   <li>a worked estimate for a large n from the measured per-tile cost.</li>
 * </ol>
 * Run: {@code java @ntk-spark/target/ntk-spark.args org.ntk4j.spark.bench.SparkBench [key=value ...]} with keys
 * {@code tilesN} (4096), {@code tile} (512), {@code d} (784), {@code solveN} (8000), {@code testM} (200),
 * {@code master} (local[*]), {@code estimateN} (1000000), {@code estimateTile} (2048), {@code skipEigen} (false).
 */
public final class SparkBench {
  public static final String ARCH = "Dense(W_std=1.4142, b_std=0.05) -> Relu -> Dense(W_std=1.4142, b_std=0.05) -> Relu -> Dense(W_std=1.4142)";

  private SparkBench() {}

  public static void main(String[] args) {
    Map<String, String> conf = new LinkedHashMap<>();
    for (String a : args) {
      int eq = a.indexOf('=');
      if (eq < 1) throw new IllegalArgumentException("arguments are key=value, got '" + a + "'");
      conf.put(a.substring(0, eq), a.substring(eq + 1));
    }
    run(conf).forEach((k, v) -> System.out.println(k + " = " + v));
  }

  static int intOf(Map<String, String> c, String k, int def) { return c.containsKey(k) ? Integer.parseInt(c.get(k)) : def; }

  /** Runs every benchmark; returns the measured numbers by name (also printed as they come). */
  public static Map<String, String> run(Map<String, String> conf) {
    Map<String, String> out = new LinkedHashMap<>();
    int tilesN = intOf(conf, "tilesN", 4096);
    int tile = intOf(conf, "tile", 512);
    int d = intOf(conf, "d", 784);
    int solveN = intOf(conf, "solveN", 8000);
    int testM = intOf(conf, "testM", 200);
    String master = conf.getOrDefault("master", "local[*]");
    int estimateN = intOf(conf, "estimateN", 1_000_000);
    int estimateTile = intOf(conf, "estimateTile", 2048);
    boolean skipEigen = Boolean.parseBoolean(conf.getOrDefault("skipEigen", "false"));
    Layer net = ArchitectureParser.parse(ARCH);
    KernelSpec spec = KernelSpec.of(net);
    Inputs x = gaussian(tilesN, d, 1);

    // 1. tile throughput, local[1] vs local[2]
    KernelFunction.of(net).build().compute(x); // warm-up (JIT, native BLAS)
    long t0 = System.nanoTime();
    KernelFunction.of(net).build().compute(x);
    double localSecs = (System.nanoTime() - t0) * 1e-9;
    put(out, "tiles.inputs", tilesN + " x " + d + ", tile " + tile + ", arch " + ARCH);
    put(out, "tiles.local_kernelfunction_s", fmt(localSecs) + " (" + Runtime.getRuntime().availableProcessors() + " threads)");
    double[] rate = new double[3];
    double[] wall = new double[3];
    double coreSecsPerTile = 0;
    for (int cores = 1; cores <= 2; cores++) {
      try (SparkNtk s = SparkNtk.start("local[" + cores + "]")) {
        // a first kernel warms up the JIT and Spark's scheduler; the second one is measured
        try (DistributedKernel warm = s.kernel(spec, x, TileOptions.defaults().withTile(tile).withStorage(org.apache.spark.storage.StorageLevel.NONE()))) {
          warm.materialize();
        }
        DistributedKernel k = s.kernel(spec, x, TileOptions.defaults().withTile(tile));
        double secs = k.materialize();
        int tiles = k.grid().tiles();
        rate[cores] = tiles / secs;
        wall[cores] = secs;
        coreSecsPerTile = k.tileCoreSeconds() / k.tilesComputed();
        put(out, "tiles.local" + cores + "_s", fmt(secs) + " for " + tiles + " tiles (" + fmt(rate[cores]) + " tiles/s, "
            + fmt(coreSecsPerTile) + " core-s per tile)");
        k.close();
      }
    }
    put(out, "tiles.scaling_efficiency_1_to_2", fmt(rate[2] / (2 * rate[1])));
    put(out, "tiles.local_kernelfunction_over_spark_local2", fmt(localSecs / wall[2]) + " (time ratio; 1 = Spark costs nothing)");

    // 3. the worked estimate (before the long part, so it is printed even if that is cut short)
    double perTileBig = coreSecsPerTile * Math.pow(estimateTile / (double) tile, 2);
    long nb = (estimateN + estimateTile - 1L) / estimateTile;
    long tilesBig = nb * (nb + 1) / 2;
    double bytesUpper = 8.0 * ((double) estimateN * estimateN / 2 + (double) estimateN * estimateTile / 2);
    put(out, "estimate.n", estimateN + " (d = " + d + ", tile " + estimateTile + ")");
    put(out, "estimate.tiles", tilesBig + " (upper triangle of " + nb + " x " + nb + " blocks), " + fmt(perTileBig) + " core-s each");
    put(out, "estimate.ntk_upper_triangle_bytes", Units.bytes((long) bytesUpper) + " (one kernel; both: x2)");
    put(out, "estimate.core_hours_assembly", fmt(tilesBig * perTileBig / 3600));

    // 2. solves at n = solveN
    Inputs train = gaussian(solveN, d, 2);
    Inputs test = gaussian(testM, d, 3);
    double[] y = gaussian(solveN, 1, 4).data();
    double lr = 1.0, reg = 1e-4, tFinite = 1000.0;
    double[] wantInf = null, wantFin = null;
    if (!skipEigen) {
      t0 = System.nanoTime();
      KernelFunction kf = KernelFunction.of(net).build();
      Kernels kt = kf.compute(train);
      Kernels ks = kf.compute(test, train);
      double kernelSecs = (System.nanoTime() - t0) * 1e-9;
      t0 = System.nanoTime();
      MsePredictor p = MsePredictor.fit(kt.ntk(), solveN, y, 1, lr, reg);
      wantInf = p.meanFlow(ks.ntk(), testM, Double.POSITIVE_INFINITY);
      wantFin = p.meanFlow(ks.ntk(), testM, tFinite);
      put(out, "solve.eigen_path_s", fmt(kernelSecs) + " kernel + " + fmt((System.nanoTime() - t0) * 1e-9) + " eigendecomposition and both means");
    }
    try (SparkNtk s = SparkNtk.start(master);
         DistributedKernel k = s.kernel(spec, train, TileOptions.defaults().keeping(KernelKind.NTK));
         DistributedKernel kt = s.crossKernel(spec, test, train, TileOptions.once(KernelKind.NTK))) {
      put(out, "solve.master", s.master() + " (" + s.parallelism() + " cores), n = " + solveN + ", tile " + k.grid().tile());
      put(out, "solve.spark_tiles_s", fmt(k.materialize()));
      SparkPredictor p = SparkPredictor.fit(k, KernelKind.NTK, y, 1, lr, reg);
      for (Solver sv : Solver.values()) {
        double t = sv == Solver.CG ? Double.POSITIVE_INFINITY : tFinite;
        t0 = System.nanoTime();
        SparkPredictor.Coefficients c = p.coefficients(t, SolveOptions.of(sv, 1e-10));
        double[] mean = c.apply(kt);
        double secs = (System.nanoTime() - t0) * 1e-9;
        double[] want = sv == Solver.CG ? wantInf : wantFin;
        String diff = want == null ? "" : ", max relative difference to eigendecomposition " + String.format(Locale.ROOT, "%.2e", relDiff(want, mean));
        put(out, "solve." + sv.name().toLowerCase(Locale.ROOT) + "_s", fmt(secs) + " (t = " + t + "; " + c.report() + diff + ")");
        put(out, "solve." + sv.name().toLowerCase(Locale.ROOT) + "_s_per_pass", fmt(secs / Math.max(1, c.report().passes())));
      }
    }
    return out;
  }

  private static void put(Map<String, String> out, String k, String v) {
    out.put(k, v);
    System.err.println("bench: " + k + " = " + v);
  }

  static double relDiff(double[] want, double[] got) {
    double d = 0, s = 0;
    for (int i = 0; i < want.length; i++) {
      d = Math.max(d, Math.abs(want[i] - got[i]));
      s = Math.max(s, Math.abs(want[i]));
    }
    return d / s;
  }

  static String fmt(double v) { return String.format(Locale.ROOT, "%.4g", v); }

  static Inputs gaussian(int n, int d, long seed) {
    SplittableRandom r = new SplittableRandom(seed);
    double[] v = new double[n * d];
    for (int i = 0; i < v.length; i++) v[i] = r.nextGaussian();
    return new Inputs(n, Shape.flat(d), v);
  }
}
