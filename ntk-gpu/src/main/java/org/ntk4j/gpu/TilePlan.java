package org.ntk4j.gpu;

import java.util.ArrayList;
import java.util.List;

/**
 * The pair grid cut into tiles for the GPU: square tiles of side {@link #side} (a multiple of the kernel's 64-pair block),
 * only tiles on or above the diagonal for a symmetric kernel, dealt round-robin to {@link #streams} CUDA streams so that
 * one tile's download overlaps the next tiles' kernels. Device memory holds the inputs, the self-variance tapes and one
 * output tile per stream, so n is limited by host memory (the result), not by the GPU.
 */
public final class TilePlan {
  /** Pairs per thread block side in {@code ntk_fc.cu} (16 threads × 4 pairs). */
  public static final int BLOCK = 64;

  /** One tile: rows {@code i0 .. i0+rows-1}, columns {@code j0 .. j0+cols-1}, run on stream {@code stream}. */
  public record Tile(int i0, int rows, int j0, int cols, int stream) {
    public long pairs() { return (long) rows * cols; }
  }

  private final int side;
  private final int streams;
  private final List<Tile> tiles;

  private TilePlan(int side, int streams, List<Tile> tiles) {
    this.side = side;
    this.streams = streams;
    this.tiles = List.copyOf(tiles);
  }

  public int side() { return side; }
  public int streams() { return streams; }
  public List<Tile> tiles() { return tiles; }

  /** Pairs the plan computes (the upper triangle's tiles for a symmetric kernel, including the diagonal tiles whole). */
  public long pairs() {
    long p = 0;
    for (Tile t : tiles) p += t.pairs();
    return p;
  }

  /**
   * Tiles of side {@code side} over an {@code n1 × n2} grid ({@code symmetric}: n1 == n2 and only tiles with
   * {@code j0 >= i0}), round-robin over {@code streams} streams.
   */
  public static TilePlan of(int n1, int n2, boolean symmetric, int side, int streams) {
    if (n1 < 1 || n2 < 1) throw new IllegalArgumentException("empty pair grid " + n1 + " x " + n2);
    if (symmetric && n1 != n2) throw new IllegalArgumentException("a symmetric grid is square, got " + n1 + " x " + n2);
    if (side < 1) throw new IllegalArgumentException("tile side must be >= 1, got " + side);
    if (streams < 1) throw new IllegalArgumentException("streams must be >= 1, got " + streams);
    List<Tile> ts = new ArrayList<>();
    for (int i = 0; i < n1; i += side) {
      for (int j = symmetric ? i : 0; j < n2; j += side) {
        ts.add(new Tile(i, Math.min(side, n1 - i), j, Math.min(side, n2 - j), ts.size() % streams));
      }
    }
    return new TilePlan(side, streams, ts);
  }

  /**
   * The tile side for a device budget: each of {@code streams} streams holds one tile's Σ and Θ in float64 on the device
   * and in pinned host memory; the side is the largest multiple of {@link #BLOCK} that fits {@code deviceBytes}, at most
   * {@code cap}, and no larger than the grid needs.
   */
  public static int side(long deviceBytes, int streams, int n1, int n2, int cap) {
    if (deviceBytes <= 0) throw new IllegalArgumentException("device budget must be positive, got " + deviceBytes);
    long perPair = 2L * 8 * streams;
    long s = (long) Math.floor(Math.sqrt((double) deviceBytes / perPair));
    s = Math.min(s, cap);
    long need = roundUp(Math.max(n1, n2));
    s = Math.min(s, need);
    s = s / BLOCK * BLOCK;
    if (s < BLOCK) {
      throw new IllegalArgumentException("device budget " + deviceBytes + " B cannot hold one " + BLOCK + " x " + BLOCK
          + " tile per stream (" + streams + " streams)");
    }
    return (int) s;
  }

  private static long roundUp(int n) { return ((long) n + BLOCK - 1) / BLOCK * BLOCK; }
}
