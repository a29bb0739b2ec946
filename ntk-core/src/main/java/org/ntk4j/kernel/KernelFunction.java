package org.ntk4j.kernel;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.ntk4j.Inputs;
import org.ntk4j.Shape;
import org.ntk4j.layers.ArchitectureException;
import org.ntk4j.layers.Layer;
import org.ntk4j.layers.Layers;
import org.ntk4j.layers.Parameterization;
import org.ntk4j.linalg.DenseLinalg;
import org.ntk4j.util.Units;

/**
 * Computes Σ and Θ of an architecture over all pairs of two batches.
 *
 * <p>Work is split into tiles of pairs sized under a memory budget and run on a fixed number of threads; per-input
 * self-variances are computed once (a self pass) and replayed in every tile; only the upper triangle is computed when
 * both batches are the same object. Every pair's value is computed by the same operations whatever the tile it falls
 * in, so results are bitwise identical for every thread count and tile size.
 */
public final class KernelFunction {
  private final Layer architecture;
  private final Parameterization parameterization;
  private final SpatialMode spatialMode;
  private final Summation summation;
  private final int threads;
  private final long memoryBudget;
  private final int maxTile;
  private final KernelBackend.Choice backendChoice;
  private final KernelBackend gpuBackend;

  private KernelFunction(Builder b) {
    this.architecture = b.architecture;
    this.parameterization = b.parameterization;
    this.spatialMode = b.spatialMode;
    this.summation = b.summation;
    this.threads = b.threads;
    this.memoryBudget = b.memoryBudget;
    this.maxTile = b.maxTile;
    this.backendChoice = b.backendChoice;
    this.gpuBackend = b.gpuBackend;
  }

  public static Builder of(Layer architecture) { return new Builder(architecture); }

  public Layer architecture() { return architecture; }
  public Parameterization parameterization() { return parameterization; }
  public SpatialMode spatialMode() { return spatialMode; }
  public Summation summation() { return summation; }
  public int threads() { return threads; }
  public long memoryBudget() { return memoryBudget; }
  public KernelBackend.Choice backendChoice() { return backendChoice; }

  /** Builder with neural-tangents' defaults. */
  public static final class Builder {
    private final Layer architecture;
    private Parameterization parameterization = Parameterization.NTK;
    private SpatialMode spatialMode = SpatialMode.AUTO;
    private Summation summation = Summation.EXACT;
    private int threads = Runtime.getRuntime().availableProcessors();
    private long memoryBudget = Runtime.getRuntime().maxMemory() / 2;
    private int maxTile = 0;
    private KernelBackend.Choice backendChoice = KernelBackend.Choice.AUTO;
    private KernelBackend gpuBackend = null;

    Builder(Layer architecture) { this.architecture = java.util.Objects.requireNonNull(architecture, "architecture"); }

    public Builder parameterization(Parameterization p) { this.parameterization = p; return this; }
    public Builder spatialMode(SpatialMode m) { this.spatialMode = m; return this; }
    public Builder summation(Summation s) { this.summation = s; return this; }

    public Builder threads(int t) {
      if (t < 1) throw new IllegalArgumentException("threads must be >= 1, got " + t);
      this.threads = t;
      return this;
    }

    /** Working memory for tiles and recorded self-variances, in bytes (the result matrices are extra). */
    public Builder memoryBudget(long bytes) {
      if (bytes < 1) throw new IllegalArgumentException("memory budget must be positive, got " + bytes);
      this.memoryBudget = bytes;
      return this;
    }

    /** Largest tile side in inputs (0: chosen from the budget). */
    public Builder maxTile(int t) {
      if (t < 0) throw new IllegalArgumentException("maxTile must be >= 0, got " + t);
      this.maxTile = t;
      return this;
    }

    /**
     * Which backend computes the pair grid (default {@link KernelBackend.Choice#AUTO}: the GPU when a CUDA device is
     * present and the architecture lowers to it, else the CPU). CPU results are bitwise those of the CPU tiles.
     */
    public Builder backend(KernelBackend.Choice c) {
      this.backendChoice = java.util.Objects.requireNonNull(c, "backend");
      return this;
    }

    /**
     * A specific accelerator backend instance for {@code GPU}/{@code AUTO} (e.g. the CUDA backend in float32) instead of
     * the registered one.
     */
    public Builder gpuBackend(KernelBackend b) {
      this.gpuBackend = java.util.Objects.requireNonNull(b, "gpuBackend");
      return this;
    }

    public KernelFunction build() { return new KernelFunction(this); }
  }

  /** Checks that the architecture applies to inputs of this shape and ends flat; returns the output shape. */
  public Shape validate(Shape input) {
    Shape out = architecture.outputShape(input, parameterization);
    if (!out.isFlat()) {
      throw new ArchitectureException("the architecture ends with spatial shape " + out
          + "; add Flatten or GlobalAvgPool and a Dense readout");
    }
    if (spatialMode == SpatialMode.DIAGONAL && architecture.needsFullCovariance() && !input.isFlat()) {
      throw new ArchitectureException("diagonal spatial mode cannot compute " + firstNeedingFull(architecture)
          + ": pooling needs the full spatial covariance; use spatial mode FULL or AUTO");
    }
    org.ntk4j.layers.LayerNorm.checkPlacement(architecture);
    return out;
  }

  private static Layer firstNeedingFull(Layer l) {
    for (Layer c : l.children()) {
      if (c.needsFullCovariance()) return firstNeedingFull(c);
    }
    return l;
  }

  /** Whether the recursion keeps full position-by-position covariances for this input shape. */
  public boolean usesFullCovariance(Shape input) {
    if (input.isFlat()) return false;
    switch (spatialMode) {
      case FULL: return true;
      case DIAGONAL: return false;
      default: return architecture.needsFullCovariance();
    }
  }

  /** Σ and Θ of the batch with itself (symmetric, upper triangle computed). */
  public Kernels compute(Inputs x) { return compute(x, x, null); }

  public Kernels compute(Inputs x1, Inputs x2) { return compute(x1, x2, null); }

  /**
   * Σ and Θ between x1 and x2; when {@code x2 == x1} (the same object) only the upper triangle is computed.
   * {@code progress} (may be null) receives the number of pairs finished, cumulatively, as tiles complete.
   */
  public Kernels compute(Inputs x1, Inputs x2, Progress progress) {
    boolean symmetric = x2 == null || x2 == x1;
    if (x2 == null) x2 = x1;
    if (!x1.shape().equals(x2.shape())) {
      throw new IllegalArgumentException("x1 and x2 have different input shapes: " + x1.shape() + " vs " + x2.shape());
    }
    validate(x1.shape());
    return selectBackend(x1.shape()).backend().compute(this, x1, x2, symmetric, progress);
  }

  /**
   * Σ and Θ between two batches of the same size whose kernel is symmetric by construction, K(x1_i, x2_j) =
   * K(x1_j, x2_i) — e.g. x2 = ρ(g)x1 for an involution g (g∘g = e) of a G-invariant kernel: only the tiles on and
   * above the diagonal are computed, the others mirrored, half the work. The caller guarantees the symmetry; where it
   * holds bitwise (invariant kernels under exact summation), the result equals {@code compute(x1, x2)} bitwise. Runs on
   * the CPU backend; another selected backend computes the whole block.
   */
  public Kernels computeMirrored(Inputs x1, Inputs x2, Progress progress) {
    if (x1.n() != x2.n()) {
      throw new IllegalArgumentException("a mirrored kernel needs two batches of the same size, got " + x1.n() + " and " + x2.n());
    }
    if (!x1.shape().equals(x2.shape())) {
      throw new IllegalArgumentException("x1 and x2 have different input shapes: " + x1.shape() + " vs " + x2.shape());
    }
    validate(x1.shape());
    KernelBackend b = selectBackend(x1.shape()).backend();
    return b == CpuBackend.INSTANCE ? computeOnCpu(x1, x2, true, progress) : b.compute(this, x1, x2, x1 == x2, progress);
  }

  /**
   * The backend that {@link #compute} uses for inputs of this shape, with the reason when it is not the preferred one
   * (AUTO without a usable GPU, or GPU for an architecture it cannot lower). Throws {@link BackendUnavailableException}
   * when GPU is requested and no CUDA device is present.
   */
  public Backends.Selection selectBackend(Shape shape) {
    if (backendChoice == KernelBackend.Choice.CPU) return new Backends.Selection(CpuBackend.INSTANCE, null);
    KernelBackend gpu = gpuBackend != null ? gpuBackend : Backends.accelerator("gpu");
    String why = gpu == null ? "no GPU backend on the class path (module ntk-gpu)" : gpu.unavailable();
    if (why != null) {
      if (backendChoice == KernelBackend.Choice.GPU) throw new BackendUnavailableException("GPU backend requested: " + why);
      return new Backends.Selection(CpuBackend.INSTANCE, why);
    }
    String unsupported = gpu.unsupported(this, shape);
    if (unsupported != null) return new Backends.Selection(CpuBackend.INSTANCE, "GPU cannot compute this: " + unsupported);
    return new Backends.Selection(gpu, null);
  }

  /** The CPU tiles (what {@link CpuBackend} runs); inputs already validated. */
  Kernels computeOnCpu(Inputs x1, Inputs x2, boolean symmetric, Progress progress) {
    Shape shape = x1.shape();
    boolean full = usesFullCovariance(shape);
    boolean same = x1 == x2; // symmetric with x2 != x1: a mirrored kernel (see computeMirrored)
    Plan plan = plan(shape, full, x1.n(), x2.n(), same);
    int blasThreads = DenseLinalg.get().threads();
    DenseLinalg.get().setThreads(1);
    ExecutorService pool = Executors.newFixedThreadPool(threads, r -> {
      Thread t = new Thread(r, "ntk4j-kernel");
      t.setDaemon(true);
      return t;
    });
    try {
      InputKernel.Prepared p1 = InputKernel.prepare(x1, summation);
      InputKernel.Prepared p2 = same ? p1 : InputKernel.prepare(x2, summation);
      KernelContext.Tape t1 = selfPass(pool, p1, shape, full, plan.selfChunk);
      KernelContext.Tape t2 = same ? t1 : selfPass(pool, p2, shape, full, plan.selfChunk);
      return crossPass(pool, p1, t1, p2, t2, shape, full, symmetric, plan, progress);
    } finally {
      pool.shutdownNow();
      DenseLinalg.get().setThreads(blasThreads);
    }
  }

  /** Σ(x, x) and Θ(x, x) for each input alone (the kernel's diagonal), without computing any cross pair. */
  public double[][] diagonal(Inputs x) {
    Shape shape = x.shape();
    validate(shape);
    boolean full = usesFullCovariance(shape);
    InputKernel.Prepared p = InputKernel.prepare(x, summation);
    KernelState s = KernelState.self(x.n(), shape.spatialDims(), shape.channels(), full, parameterization, summation);
    InputKernel.fillSelf(s, p, 0);
    KernelContext ctx = KernelContext.standalone(x.n());
    ctx.sync(s);
    Layers.apply(architecture, s, ctx);
    return new double[][] {s.nngp.clone(), s.ntk.clone()};
  }

  /** Receives progress in pairs; called from worker threads. */
  public interface Progress {
    void start(long totalPairs);
    void advance(long pairs);
  }

  /** Tile sizes chosen for the budget. */
  record Plan(int tile, int selfChunk, long bytesPerPair, int steps) {}

  /** Bytes of per-pair state a spatial tile aims to stay within (cache-sized; larger tiles only stream memory). */
  static final long TILE_WORKING_SET = 64L << 20;

  Plan plan(Shape shape, boolean full, int n1, int n2, boolean symmetric) {
    int pp = shape.positions();
    long valuesPerPair = full ? (long) pp * pp : pp;
    // nngp + ntk of the state and of every copy a Residual / ParallelSum keeps alive, plus up to two temporaries
    // while a layer reshapes
    long bytesPerPair = (2L * (1 + architecture.kernelStateCopies()) + 2) * 8 * valuesPerPair;
    int steps = countSteps(architecture) + 1;
    long tapeBytes = (long) steps * 8L * pp * (n1 + (symmetric ? 0 : n2));
    long sliceBytes = shape.isFlat() && summation == Summation.EXACT ? 3L * 8 * shape.size() * (n1 + (symmetric ? 0 : n2)) : 0;
    long perThread = (memoryBudget - tapeBytes - sliceBytes) / threads;
    if (perThread < bytesPerPair) {
      throw new IllegalArgumentException(String.format(
          "memory budget %s too small: recorded self-variances need %s and one pair needs %s per thread (%d threads);"
              + " raise the budget (--memory) or lower the thread count",
          Units.bytes(memoryBudget), Units.bytes(tapeBytes + sliceBytes), Units.bytes(bytesPerPair), threads));
    }
    // flat inputs: the Gram tile also holds six slice products
    long perPairFlat = shape.isFlat() ? bytesPerPair + 6L * 8 : bytesPerPair;
    int tile = (int) Math.min(Integer.MAX_VALUE, (long) Math.floor(Math.sqrt((double) perThread / perPairFlat)));
    int cap = maxTile > 0 ? maxTile : (shape.isFlat() ? 256 : 16);
    // full covariances: a tile's state within about TILE_WORKING_SET (at 32 × 32, 32 MiB per pair: one pair per tile;
    // 17 % faster than 4 × 4 pairs for the 21-layer CNN with pooling, measured)
    if (maxTile == 0 && !shape.isFlat()) {
      cap = (int) Math.max(1, Math.min(cap, Math.floor(Math.sqrt((double) TILE_WORKING_SET / bytesPerPair))));
    }
    tile = Math.max(1, Math.min(tile, cap));
    int selfChunk = (int) Math.max(1, Math.min(Math.max(n1, n2), perThread / perPairFlat));
    selfChunk = Math.min(selfChunk, Math.max(1, maxTile > 0 ? maxTile * maxTile : 4096));
    // few inputs: smaller tiles and self chunks, so that every thread has work (pairs do not depend on their tile)
    while (tile > 1 && tileCount(n1, n2, symmetric, tile) < 2L * threads) tile = (tile + 1) / 2;
    selfChunk = Math.max(1, Math.min(selfChunk, (Math.max(n1, n2) + 2 * threads - 1) / (2 * threads)));
    return new Plan(tile, selfChunk, bytesPerPair, steps);
  }

  /** Tiles of side {@code tile} over an n1 × n2 grid (the upper triangle's when symmetric). */
  static long tileCount(int n1, int n2, boolean symmetric, int tile) {
    long r = (n1 + tile - 1) / tile, c = (n2 + tile - 1) / tile;
    return symmetric ? r * (r + 1) / 2 : r * c;
  }

  private static int countSteps(Layer l) {
    if (l.children().isEmpty()) return 1;
    int s = 1;
    for (Layer c : l.children()) s += countSteps(c);
    return s;
  }
  private KernelContext.Tape selfPass(ExecutorService pool, InputKernel.Prepared p, Shape shape, boolean full, int chunk) {
    int n = p.n();
    KernelContext.Tape tape = new KernelContext.Tape(n);
    List<Future<?>> fs = new ArrayList<>();
    for (int start = 0; start < n; start += chunk) {
      int s0 = start;
      int len = Math.min(chunk, n - start);
      fs.add(pool.submit(() -> {
        KernelState s = KernelState.self(len, shape.spatialDims(), shape.channels(), full, parameterization, summation);
        InputKernel.fillSelf(s, p, s0);
        KernelContext ctx = KernelContext.recording(tape, s0);
        ctx.sync(s);
        Layers.apply(architecture, s, ctx);
        return null;
      }));
    }
    await(fs);
    return tape;
  }

  private Kernels crossPass(ExecutorService pool, InputKernel.Prepared p1, KernelContext.Tape t1,
                            InputKernel.Prepared p2, KernelContext.Tape t2, Shape shape, boolean full,
                            boolean symmetric, Plan plan, Progress progress) {
    int n1 = p1.n();
    int n2 = p2.n();
    long cells = (long) n1 * n2;
    if (cells > Integer.MAX_VALUE - 8) {
      throw new IllegalArgumentException("a " + n1 + " x " + n2 + " kernel does not fit in one Java array; compute it in blocks");
    }
    double[] nngp = new double[(int) cells];
    double[] ntk = new double[(int) cells];
    int tile = plan.tile();
    List<int[]> tiles = new ArrayList<>();
    long total = 0;
    for (int i = 0; i < n1; i += tile) {
      for (int j = symmetric ? i : 0; j < n2; j += tile) {
        tiles.add(new int[] {i, Math.min(tile, n1 - i), j, Math.min(tile, n2 - j)});
        total += (long) Math.min(tile, n1 - i) * Math.min(tile, n2 - j);
      }
    }
    if (progress != null) progress.start(total);
    List<Future<?>> fs = new ArrayList<>();
    for (int[] t : tiles) {
      fs.add(pool.submit(() -> {
        int i0 = t[0], rows = t[1], j0 = t[2], cols = t[3];
        KernelState s = KernelState.cross(rows, cols, shape.spatialDims(), shape.channels(), full, parameterization, summation);
        InputKernel.fillCross(s, p1, i0, p2, j0);
        KernelContext ctx = KernelContext.replaying(t1, i0, t2, j0);
        ctx.sync(s);
        Layers.apply(architecture, s, ctx);
        for (int r = 0; r < rows; r++) {
          for (int c = 0; c < cols; c++) {
            int gi = i0 + r, gj = j0 + c;
            if (symmetric && gj < gi) continue;
            int k = r * cols + c;
            nngp[gi * n2 + gj] = s.nngp[k];
            ntk[gi * n2 + gj] = s.ntk[k];
            if (symmetric) {
              nngp[gj * n2 + gi] = s.nngp[k];
              ntk[gj * n2 + gi] = s.ntk[k];
            }
          }
        }
        if (progress != null) progress.advance((long) rows * cols);
        return null;
      }));
    }
    await(fs);
    return new Kernels(n1, n2, nngp, ntk);
  }

  private static void await(List<Future<?>> fs) {
    try {
      for (Future<?> f : fs) f.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    } catch (ExecutionException e) {
      Throwable c = e.getCause();
      if (c instanceof RuntimeException re) throw re;
      if (c instanceof Error er) throw er;
      throw new IllegalStateException(c);
    }
  }
}
