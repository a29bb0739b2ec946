package org.ntk4j.spark;

import java.util.EnumSet;
import java.util.Objects;
import java.util.Set;
import org.apache.spark.storage.StorageLevel;
import org.ntk4j.util.Units;

/**
 * How a distributed kernel is laid out and kept.
 *
 * @param tile tile side in inputs (0: chosen from n and the cluster's parallelism, between 128 and 2048)
 * @param keep which kernels each tile keeps (the solvers need only the one they use; keeping one halves the cache)
 * @param storage Spark storage level of the tiles. {@code MEMORY_ONLY} (default) caches tiles in executor memory when
 *     they fit and recomputes those that do not on every pass; {@code MEMORY_AND_DISK} spills them to local disk
 *     instead; {@code NONE} recomputes every pass (right for a kernel used once, e.g. test × train)
 * @param broadcastLimit largest input batch (bytes) broadcast to the executors; larger inputs are refused
 */
public record TileOptions(int tile, Set<KernelKind> keep, StorageLevel storage, long broadcastLimit) {
  public static final long DEFAULT_BROADCAST_LIMIT = 2L << 30;

  public TileOptions {
    if (tile < 0) throw new IllegalArgumentException("tile size must be >= 0 (0: automatic), got " + tile);
    if (tile > 8192) throw new IllegalArgumentException("tile size " + tile + " is above 8192 (a tile of both kernels would need "
        + Units.bytes(16L * tile * tile) + ")");
    Objects.requireNonNull(keep, "keep");
    if (keep.isEmpty()) throw new IllegalArgumentException("a tile must keep at least one kernel (NNGP or NTK)");
    keep = Set.copyOf(EnumSet.copyOf(keep));
    Objects.requireNonNull(storage, "storage");
    if (broadcastLimit < 1) throw new IllegalArgumentException("broadcast limit must be positive, got " + broadcastLimit);
  }

  /** Automatic tile size, both kernels, cached in executor memory. */
  public static TileOptions defaults() {
    return new TileOptions(0, EnumSet.allOf(KernelKind.class), StorageLevel.MEMORY_ONLY(), DEFAULT_BROADCAST_LIMIT);
  }

  /** One kernel, not cached: for a kernel used in one pass (e.g. test × train for a prediction). */
  public static TileOptions once(KernelKind kind) {
    return new TileOptions(0, EnumSet.of(kind), StorageLevel.NONE(), DEFAULT_BROADCAST_LIMIT);
  }

  public TileOptions withTile(int t) { return new TileOptions(t, keep, storage, broadcastLimit); }
  public TileOptions keeping(KernelKind first, KernelKind... rest) { return new TileOptions(tile, EnumSet.of(first, rest), storage, broadcastLimit); }
  public TileOptions withStorage(StorageLevel s) { return new TileOptions(tile, keep, s, broadcastLimit); }
  public TileOptions withBroadcastLimit(long bytes) { return new TileOptions(tile, keep, storage, bytes); }

  /** The tile side for an {@code n1 × n2} kernel on {@code parallelism} cores. */
  int tileFor(int n1, int n2, int parallelism) {
    if (tile > 0) return tile;
    int n = Math.max(n1, n2);
    // about 8 tiles per core in the upper triangle, for balance; tiles large enough that per-task overhead is small
    int blocks = (int) Math.ceil(Math.sqrt(16.0 * Math.max(1, parallelism)));
    int t = (n + blocks - 1) / blocks;
    return Math.max(Math.min(n, 128), Math.min(2048, t));
  }
}
