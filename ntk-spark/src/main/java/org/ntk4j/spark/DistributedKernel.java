package org.ntk4j.spark;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.JavaPairRDD;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.storage.StorageLevel;
import org.apache.spark.util.LongAccumulator;
import org.ntk4j.Inputs;
import org.ntk4j.Shape;
import org.ntk4j.io.Npy;
import org.ntk4j.kernel.Kernels;
import org.ntk4j.util.Units;
import scala.Tuple2;

/**
 * Σ and Θ of a kernel as an RDD of tiles on a Spark cluster.
 *
 * <p>The input batches are broadcast once to every executor; the tasks are tile indices of a {@link TileGrid} (the
 * upper triangle of blocks for a batch with itself), and each task computes its tile with ntk-core's
 * {@link org.ntk4j.kernel.KernelFunction} on the two slices of inputs (recomputing the slices' self-variances, a pass
 * over {@code 2·tile} inputs against {@code tile²} pairs). Every entry is computed by the same operations as in one
 * local {@code KernelFunction.compute(x)}, so {@link #collect} equals the local kernel bitwise (exact summation, the
 * default). Tiles are cached at the storage level of the {@link TileOptions}; a failed task is recomputed by Spark and
 * gives the same tile.
 *
 * <p>{@link #multiply} is the matrix-free product {@code (K + diagReg·I)·V} used by the solvers: one distributed pass
 * over the tiles (each off-diagonal tile contributes to both of its block rows), with the partial products summed in
 * tile order, so the result is deterministic and independent of the number of executors.
 */
public final class DistributedKernel implements AutoCloseable {
  /** Partial products up to this size are summed on the driver (one stage); larger ones by a shuffle. */
  static final long DIRECT_PRODUCT_BYTES = 64L << 20;
  private final SparkNtk spark;
  private final KernelSpec spec;
  private final TileGrid grid;
  private final Shape shape;
  private final boolean keepNngp;
  private final boolean keepNtk;
  private final StorageLevel storage;
  private final Broadcast<double[]> x1;
  private final Broadcast<double[]> x2;
  private final JavaRDD<Tile> tiles;
  private final LongAccumulator tileNanos;
  private final LongAccumulator tilesComputed;
  private long passes;
  private boolean materialized;

  private DistributedKernel(SparkNtk spark, KernelSpec spec, TileGrid grid, Shape shape, boolean keepNngp, boolean keepNtk,
                            StorageLevel storage, Broadcast<double[]> x1, Broadcast<double[]> x2, JavaRDD<Tile> tiles,
                            LongAccumulator tileNanos, LongAccumulator tilesComputed) {
    this.spark = spark;
    this.spec = spec;
    this.grid = grid;
    this.shape = shape;
    this.keepNngp = keepNngp;
    this.keepNtk = keepNtk;
    this.storage = storage;
    this.x1 = x1;
    this.x2 = x2;
    this.tiles = tiles;
    this.tileNanos = tileNanos;
    this.tilesComputed = tilesComputed;
  }

  /** {@code failTile >= 0}: that tile's task throws on its first attempt (tests of Spark's retry). */
  static DistributedKernel create(SparkNtk spark, KernelSpec spec, Inputs a, Inputs b, TileOptions options, int failTile) {
    java.util.Objects.requireNonNull(spec, "spec");
    java.util.Objects.requireNonNull(a, "x1");
    java.util.Objects.requireNonNull(options, "options");
    boolean symmetric = b == null || b == a;
    if (!symmetric && !a.shape().equals(b.shape())) {
      throw new IllegalArgumentException("x1 and x2 have different input shapes: " + a.shape() + " vs " + b.shape());
    }
    Shape shape = a.shape();
    spec.kernelFunction().validate(shape); // ArchitectureException before anything is shipped
    long bytes = 8L * a.data().length + (symmetric ? 0 : 8L * b.data().length);
    if (bytes > options.broadcastLimit()) {
      throw new IllegalArgumentException(String.format(Locale.ROOT,
          "the inputs (%d%s of shape %s) need %s to broadcast to every executor, above the broadcast limit %s;"
              + " raise the limit if every executor has that much memory", a.n(), symmetric ? "" : " + " + b.n(), shape,
          Units.bytes(bytes), Units.bytes(options.broadcastLimit())));
    }
    int n1 = a.n();
    int n2 = symmetric ? n1 : b.n();
    int tile = options.tileFor(n1, n2, spark.parallelism());
    TileGrid grid = new TileGrid(n1, n2, tile, symmetric);
    boolean keepNngp = options.keep().contains(KernelKind.NNGP);
    boolean keepNtk = options.keep().contains(KernelKind.NTK);
    JavaSparkContext jsc = spark.context();
    Broadcast<double[]> bx1 = jsc.broadcast(a.data());
    Broadcast<double[]> bx2 = symmetric ? bx1 : jsc.broadcast(b.data());
    LongAccumulator nanos = jsc.sc().longAccumulator("ntk4j tile nanoseconds");
    LongAccumulator count = jsc.sc().longAccumulator("ntk4j tiles computed");
    int[] dims = shape.dims();
    int nTiles = grid.tiles();
    List<Integer> ids = IntStream.range(0, nTiles).boxed().collect(Collectors.toList());
    // partitions are the unit Spark schedules, caches, evicts and retries: about 4 per core, at most 512 MiB each
    int kinds = (keepNngp ? 1 : 0) + (keepNtk ? 1 : 0);
    long tileBytes = 8L * kinds * tile * tile;
    int perPartition = (int) Math.max(1, Math.min((nTiles + 4L * spark.parallelism() - 1) / (4L * spark.parallelism()),
        (512L << 20) / tileBytes));
    int partitions = (nTiles + perPartition - 1) / perPartition;
    JavaRDD<Tile> rdd = jsc.parallelize(ids, partitions).map(id -> {
      long t0 = System.nanoTime();
      Tile t = TileTask.compute(spec, dims, bx1.value(), bx2.value(), grid, id, keepNngp, keepNtk, failTile);
      nanos.add(System.nanoTime() - t0);
      count.add(1);
      return t;
    });
    rdd.setName("ntk4j tiles " + n1 + "x" + n2 + " (" + tile + ")");
    StorageLevel level = options.storage();
    if (!level.equals(StorageLevel.NONE())) rdd.persist(level);
    DistributedKernel k = new DistributedKernel(spark, spec, grid, shape, keepNngp, keepNtk, level, bx1, bx2, rdd, nanos, count);
    long cache = 8L * kinds * grid.storedEntries();
    spark.log(String.format(Locale.ROOT, "spark: kernel %d x %d of inputs %s: %d tiles of %d x %d (%s) in %d partitions, %s in tiles, storage %s",
        n1, n2, shape, nTiles, tile, tile, symmetric ? "upper triangle of " + grid.rowBlocks() + " x " + grid.rowBlocks() + " blocks"
            : grid.rowBlocks() + " x " + grid.colBlocks() + " blocks", partitions, Units.bytes(cache), level.description()));
    if (!level.equals(StorageLevel.NONE()) && !level.useDisk()) {
      long storageMem = spark.storageMemory();
      if (cache > storageMem) {
        spark.log("spark: the tiles need " + Units.bytes(cache) + " but executors have " + Units.bytes(storageMem)
            + " of storage memory: tiles that do not fit are recomputed on every pass (MEMORY_AND_DISK spills them instead)");
      }
    }
    return k;
  }

  public TileGrid grid() { return grid; }
  public int rows() { return grid.n1(); }
  public int cols() { return grid.n2(); }
  public boolean symmetric() { return grid.symmetric(); }
  public KernelSpec spec() { return spec; }
  public Shape inputShape() { return shape; }
  public boolean keeps(KernelKind kind) { return kind == KernelKind.NTK ? keepNtk : keepNngp; }
  /** The tiles themselves (for custom passes). */
  public JavaRDD<Tile> tiles() { return tiles; }
  /** Distributed passes over the tiles so far (each {@link #multiply} is one). */
  public long passes() { return passes; }
  /** Tiles computed so far, counting recomputations and retries. */
  public long tilesComputed() { return tilesComputed.value(); }
  /** Core-seconds spent computing tiles so far. */
  public double tileCoreSeconds() { return tileNanos.value() * 1e-9; }

  /** Computes (and caches) every tile now; returns the wall seconds. Later passes read the cache. */
  public double materialize() {
    long t0 = System.nanoTime();
    long before = tileNanos.value();
    long n = tiles.count();
    double secs = (System.nanoTime() - t0) * 1e-9;
    double core = (tileNanos.value() - before) * 1e-9;
    materialized = true;
    spark.log(String.format(Locale.ROOT, "spark: stage kernel tiles: %d tiles in %.2f s (%.3f core-s per tile)", n, secs,
        n == 0 ? 0 : core / n));
    return secs;
  }

  /** Bytes {@link #collect} needs on the driver: the two (or one) dense result matrices plus the tiles as they arrive. */
  public long collectBytes() {
    int kinds = (keepNngp ? 1 : 0) + (keepNtk ? 1 : 0);
    return 8L * kinds * ((long) grid.n1() * grid.n2() + grid.storedEntries());
  }

  /**
   * The whole kernel on the driver (a kernel not kept is all zeros); refused with the memory it needs when it does not
   * fit in the driver's free heap or in one Java array.
   */
  public Kernels collect() {
    long cells = (long) grid.n1() * grid.n2();
    if (cells > Integer.MAX_VALUE - 8) {
      throw new IllegalArgumentException("a " + grid.n1() + " x " + grid.n2() + " kernel does not fit in one Java array ("
          + Units.bytes(8 * cells) + " per kernel); write it as tiles instead (writeTiles)");
    }
    long need = collectBytes();
    long free = SparkNtk.freeHeap();
    if (need > free) {
      throw new IllegalArgumentException(String.format(Locale.ROOT,
          "collecting the %d x %d kernel to the driver needs %s but the driver heap has %s free (max %s);"
              + " give the driver more heap or write the kernel as tiles", grid.n1(), grid.n2(), Units.bytes(need),
          Units.bytes(free), Units.bytes(Runtime.getRuntime().maxMemory())));
    }
    long t0 = System.nanoTime();
    int n1 = grid.n1(), n2 = grid.n2();
    double[] nngp = new double[(int) cells];
    double[] ntk = new double[(int) cells];
    List<Tile> all = tiles.collect();
    for (Tile t : all) {
      if (t.nngp != null) place(t, t.nngp, nngp, n2);
      if (t.ntk != null) place(t, t.ntk, ntk, n2);
    }
    spark.log(String.format(Locale.ROOT, "spark: stage collect: %d tiles to the driver in %.2f s", all.size(),
        (System.nanoTime() - t0) * 1e-9));
    materialized = true;
    return new Kernels(n1, n2, nngp, ntk);
  }

  private void place(Tile t, double[] v, double[] out, int n2) {
    for (int r = 0; r < t.rows; r++) System.arraycopy(v, r * t.cols, out, (t.r0 + r) * n2 + t.c0, t.cols);
    if (grid.symmetric() && t.rowBlock != t.colBlock) {
      for (int r = 0; r < t.rows; r++) {
        for (int c = 0; c < t.cols; c++) out[(t.c0 + c) * n2 + t.r0 + r] = v[r * t.cols + c];
      }
    }
  }

  /**
   * Writes every tile from the executors as {@code dir/nngp_<bi>_<bj>.npy} and {@code dir/ntk_<bi>_<bj>.npy}
   * (float64, rows × cols; {@code dir} must be reachable from every executor, e.g. a shared file system), and the
   * driver writes {@code dir/tiles.tsv}: one line per tile with bi, bj, first row, rows, first column, columns.
   * For a symmetric kernel only tiles with bi ≤ bj are written: tile (bj, bi) is the transpose of tile (bi, bj).
   */
  public List<Path> writeTiles(Path dir) throws IOException {
    Files.createDirectories(dir);
    String d = dir.toAbsolutePath().toString();
    long t0 = System.nanoTime();
    tiles.foreach(t -> TileTask.write(t, d));
    List<String> lines = new ArrayList<>();
    lines.add(String.format(Locale.ROOT, "# n1=%d n2=%d tile=%d symmetric=%b", grid.n1(), grid.n2(), grid.tile(), grid.symmetric()));
    lines.add("bi\tbj\tr0\trows\tc0\tcols");
    List<Path> files = new ArrayList<>();
    for (int id = 0; id < grid.tiles(); id++) {
      int[] b = grid.blocks(id);
      lines.add(b[0] + "\t" + b[1] + "\t" + grid.rowStart(b[0]) + "\t" + grid.rowLength(b[0]) + "\t" + grid.colStart(b[1])
          + "\t" + grid.colLength(b[1]));
      if (keepNngp) files.add(dir.resolve(TileTask.fileName("nngp", b[0], b[1])));
      if (keepNtk) files.add(dir.resolve(TileTask.fileName("ntk", b[0], b[1])));
    }
    Files.write(dir.resolve("tiles.tsv"), lines);
    spark.log(String.format(Locale.ROOT, "spark: stage write tiles: %d files to %s in %.2f s", files.size(), d,
        (System.nanoTime() - t0) * 1e-9));
    materialized = true;
    return files;
  }

  /** The diagonal of K (length n, symmetric kernels only), from the diagonal tiles: one pass. */
  public double[] diagonal(KernelKind kind) {
    requireSymmetric("diagonal");
    requireKept(kind);
    List<Tuple2<Integer, double[]>> parts = tiles.filter(t -> t.rowBlock == t.colBlock).map(t -> {
      double[] v = t.values(kind);
      double[] d = new double[t.rows];
      for (int r = 0; r < t.rows; r++) d[r] = v[r * t.cols + r];
      return new Tuple2<>(t.r0, d);
    }).collect();
    double[] out = new double[grid.n1()];
    for (Tuple2<Integer, double[]> p : parts) System.arraycopy(p._2(), 0, out, p._1(), p._2().length);
    passes++;
    return out;
  }

  /**
   * {@code (K + diagReg·I)·V} for V of {@code cols() × k} (row-major); the result is {@code rows() × k}. diagReg must be
   * 0 for a cross kernel. One distributed pass; deterministic (partial products are summed in tile order).
   */
  public double[] multiply(KernelKind kind, double[] v, int k, double diagReg) {
    requireKept(kind);
    if (k < 1) throw new IllegalArgumentException("need at least one vector, got k = " + k);
    if (v.length != (long) grid.n2() * k) {
      throw new IllegalArgumentException("vectors have " + v.length + " values, expected cols·k = " + grid.n2() + "·" + k);
    }
    if (!(diagReg >= 0) || Double.isInfinite(diagReg)) throw new IllegalArgumentException("diag_reg must be finite and >= 0, got " + diagReg);
    if (diagReg != 0 && !grid.symmetric()) throw new IllegalArgumentException("diag_reg applies to a kernel of a batch with itself only");
    long t0 = System.nanoTime();
    JavaSparkContext jsc = spark.context();
    Broadcast<double[]> bv = jsc.broadcast(v);
    boolean sym = grid.symmetric();
    JavaPairRDD<Integer, Tuple2<Integer, double[]>> parts = tiles.flatMapToPair(t -> TileTask.products(t, kind, bv.value(), k, sym));
    Map<Integer, double[]> sums;
    long partialBytes = 8L * k * ((long) grid.tiles() * grid.tile() * (sym ? 2 : 1));
    if (partialBytes <= DIRECT_PRODUCT_BYTES) {
      // small: one stage, the driver sums the partial products (no shuffle)
      sums = new java.util.HashMap<>();
      Map<Integer, List<Tuple2<Integer, double[]>>> byBlock = new java.util.HashMap<>();
      for (Tuple2<Integer, Tuple2<Integer, double[]>> p : parts.collect()) {
        byBlock.computeIfAbsent(p._1(), b -> new ArrayList<>()).add(p._2());
      }
      for (Map.Entry<Integer, List<Tuple2<Integer, double[]>>> e : byBlock.entrySet()) sums.put(e.getKey(), TileTask.sumInOrder(e.getValue()));
    } else {
      // large: partial products are summed per block row on the executors, then only n × k values reach the driver
      int outParts = Math.max(1, Math.min(grid.rowBlocks(), 2 * spark.parallelism()));
      sums = parts.groupByKey(outParts).mapValues(TileTask::sumInOrder).collectAsMap();
    }
    bv.destroy();
    int n1 = grid.n1();
    double[] out = new double[n1 * k];
    for (Map.Entry<Integer, double[]> e : sums.entrySet()) {
      int b = e.getKey();
      System.arraycopy(e.getValue(), 0, out, grid.rowStart(b) * k, e.getValue().length);
    }
    if (diagReg != 0) for (int i = 0; i < out.length; i++) out[i] += diagReg * v[i];
    passes++;
    if (!materialized) {
      materialized = true;
      spark.log(String.format(Locale.ROOT, "spark: stage kernel tiles and first product: %d tiles in %.2f s", grid.tiles(),
          (System.nanoTime() - t0) * 1e-9));
    }
    return out;
  }

  /** The symmetric operator {@code K + diagReg·I} for the solvers (symmetric kernels only). */
  public KrylovSolvers.Operator operator(KernelKind kind, double diagReg) {
    requireSymmetric("the solvers");
    requireKept(kind);
    return new KrylovSolvers.Operator() {
      @Override public int size() { return grid.n1(); }
      @Override public double[] apply(double[] v, int k) { return multiply(kind, v, k, diagReg); }
      @Override public double[] diagonal() {
        double[] d = DistributedKernel.this.diagonal(kind);
        for (int i = 0; i < d.length; i++) d[i] += diagReg;
        return d;
      }
    };
  }

  private void requireSymmetric(String what) {
    if (!grid.symmetric()) throw new IllegalArgumentException(what + " need the kernel of a batch with itself, this one is "
        + grid.n1() + " x " + grid.n2() + " between two batches");
  }

  private void requireKept(KernelKind kind) {
    if (!keeps(kind)) throw new IllegalArgumentException("this distributed kernel keeps only " + (keepNtk ? "NTK" : "NNGP")
        + " tiles; ask for " + kind + " in TileOptions.keep");
  }

  /** Drops the cached tiles and the broadcast inputs. */
  @Override public void close() {
    if (!spark.context().sc().isStopped()) tiles.unpersist(true);
    x1.destroy();
    if (x2 != x1) x2.destroy();
  }

  /** The work of one task, static so that closures capture nothing but their arguments. */
  static final class TileTask {
    /** Failures injected so far in this JVM (tests, local mode). */
    static final java.util.concurrent.atomic.AtomicInteger INJECTED = new java.util.concurrent.atomic.AtomicInteger();

    private TileTask() {}

    static Tile compute(KernelSpec spec, int[] dims, double[] x1, double[] x2, TileGrid g, int id, boolean keepNngp,
                        boolean keepNtk, int failTile) {
      if (id == failTile) {
        TaskContext tc = TaskContext.get();
        if (tc != null && tc.attemptNumber() == 0) {
          INJECTED.incrementAndGet();
          throw new IllegalStateException("injected failure of tile " + id + " (first attempt)");
        }
      }
      // Spark runs one task per core: native BLAS single-threaded in executors (KernelFunction.compute saves and
      // restores the setting around each call; with concurrent tasks a restored multi-threaded value would
      // oversubscribe the cores)
      org.ntk4j.linalg.DenseLinalg.get().setThreads(1);
      int[] b = g.blocks(id);
      Shape shape = Shape.fromDims(dims);
      int r0 = g.rowStart(b[0]), rows = g.rowLength(b[0]);
      int c0 = g.colStart(b[1]), cols = g.colLength(b[1]);
      Inputs a = slice(x1, shape, r0, rows);
      // the diagonal block with itself (the same object): KernelFunction's symmetric path, as in the local kernel
      Inputs c = g.symmetric() && b[0] == b[1] ? a : slice(x2, shape, c0, cols);
      Kernels k = spec.kernelFunction().compute(a, c);
      return new Tile(id, b[0], b[1], r0, rows, c0, cols, keepNngp ? k.nngp() : null, keepNtk ? k.ntk() : null);
    }

    static Inputs slice(double[] x, Shape shape, int start, int len) {
      int s = shape.size();
      return new Inputs(len, shape, Arrays.copyOfRange(x, start * s, (start + len) * s));
    }

    /** Partial products of one tile: K_t·V(cols) to its row block and, off the diagonal of a symmetric grid, K_tᵀ·V(rows) to its column block. */
    static Iterator<Tuple2<Integer, Tuple2<Integer, double[]>>> products(Tile t, KernelKind kind, double[] v, int k, boolean sym) {
      double[] a = t.values(kind);
      int rows = t.rows, cols = t.cols;
      boolean both = sym && t.rowBlock != t.colBlock;
      double[] toRows = new double[rows * k];
      double[] toCols = both ? new double[cols * k] : null;
      int vc = t.c0 * k, vr = t.r0 * k;
      for (int r = 0; r < rows; r++) {
        int ar = r * cols;
        int or = r * k;
        if (k == 1) {
          double s = 0;
          double vi = both ? v[vr + r] : 0;
          for (int c = 0; c < cols; c++) {
            double x = a[ar + c];
            s += x * v[vc + c];
            if (both) toCols[c] += x * vi;
          }
          toRows[r] = s;
        } else {
          for (int c = 0; c < cols; c++) {
            double x = a[ar + c];
            int oc = vc + c * k;
            for (int o = 0; o < k; o++) toRows[or + o] += x * v[oc + o];
            if (both) {
              int tc = c * k, sr = vr + r * k;
              for (int o = 0; o < k; o++) toCols[tc + o] += x * v[sr + o];
            }
          }
        }
      }
      List<Tuple2<Integer, Tuple2<Integer, double[]>>> out = new ArrayList<>(2);
      out.add(new Tuple2<>(t.rowBlock, new Tuple2<>(2 * t.id, toRows)));
      if (both) out.add(new Tuple2<>(t.colBlock, new Tuple2<>(2 * t.id + 1, toCols)));
      return out.iterator();
    }

    /** Sums the partial products of one block row in the order of their keys (independent of arrival order). */
    static double[] sumInOrder(Iterable<Tuple2<Integer, double[]>> parts) {
      List<Tuple2<Integer, double[]>> list = new ArrayList<>();
      for (Tuple2<Integer, double[]> p : parts) list.add(p);
      list.sort((x, y) -> Integer.compare(x._1(), y._1()));
      double[] s = list.get(0)._2().clone();
      for (int i = 1; i < list.size(); i++) {
        double[] p = list.get(i)._2();
        for (int j = 0; j < s.length; j++) s[j] += p[j];
      }
      return s;
    }

    static String fileName(String kind, int bi, int bj) { return kind + "_" + bi + "_" + bj + ".npy"; }

    static void write(Tile t, String dir) {
      try {
        if (t.nngp != null) writeAtomically(Paths.get(dir, fileName("nngp", t.rowBlock, t.colBlock)), t.rows, t.cols, t.nngp);
        if (t.ntk != null) writeAtomically(Paths.get(dir, fileName("ntk", t.rowBlock, t.colBlock)), t.rows, t.cols, t.ntk);
      } catch (IOException e) {
        throw new UncheckedIOException("cannot write tile " + t.id + " to " + dir + ": " + e.getMessage(), e);
      }
    }

    private static void writeAtomically(Path p, int rows, int cols, double[] v) throws IOException {
      Path tmp = p.resolveSibling(p.getFileName() + ".tmp-" + java.util.UUID.randomUUID());
      try {
        Npy.write(tmp, new int[] {rows, cols}, v);
        Files.move(tmp, p, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
      } finally {
        Files.deleteIfExists(tmp);
      }
    }
  }
}
