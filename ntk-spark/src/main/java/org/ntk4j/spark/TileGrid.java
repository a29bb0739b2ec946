package org.ntk4j.spark;

import java.io.Serializable;

/**
 * The grid of tiles of an {@code n1 × n2} kernel: square blocks of {@code tile} inputs per side (the last block of
 * each side may be shorter). A symmetric grid ({@code X} with itself) holds only the upper triangle of blocks
 * {@code bi ≤ bj}, numbered row by row; a cross grid holds every block pair, numbered row-major.
 */
public record TileGrid(int n1, int n2, int tile, boolean symmetric) implements Serializable {
  private static final long serialVersionUID = 1L;

  public TileGrid {
    if (n1 < 1 || n2 < 1) throw new IllegalArgumentException("kernel needs at least one input per side, got " + n1 + " x " + n2);
    if (tile < 1) throw new IllegalArgumentException("tile size must be >= 1, got " + tile);
    if (symmetric && n1 != n2) throw new IllegalArgumentException("a symmetric grid is square, got " + n1 + " x " + n2);
  }

  public int rowBlocks() { return (n1 + tile - 1) / tile; }
  public int colBlocks() { return (n2 + tile - 1) / tile; }

  /** Number of tiles computed. */
  public int tiles() {
    long b1 = rowBlocks(), b2 = colBlocks();
    long t = symmetric ? b1 * (b1 + 1) / 2 : b1 * b2;
    if (t > Integer.MAX_VALUE - 8) throw new IllegalArgumentException(t + " tiles are too many; use a larger tile size");
    return (int) t;
  }

  /** Block indices {bi, bj} of tile {@code id}. */
  public int[] blocks(int id) {
    if (id < 0 || id >= tiles()) throw new IndexOutOfBoundsException("tile " + id + " of " + tiles());
    if (!symmetric) return new int[] {id / colBlocks(), id % colBlocks()};
    int b = rowBlocks();
    int bi = 0;
    int rest = id;
    while (rest >= b - bi) {
      rest -= b - bi;
      bi++;
    }
    return new int[] {bi, bi + rest};
  }

  /** First input of row block {@code b}. */
  public int rowStart(int b) { return b * tile; }
  public int rowLength(int b) { return Math.min(tile, n1 - b * tile); }
  public int colStart(int b) { return b * tile; }
  public int colLength(int b) { return Math.min(tile, n2 - b * tile); }

  /** Entries stored by the grid (the upper triangle of blocks when symmetric), per kernel. */
  public long storedEntries() {
    if (!symmetric) return (long) n1 * n2;
    long s = 0;
    for (int bi = 0; bi < rowBlocks(); bi++) {
      long r = rowLength(bi);
      s += r * r; // diagonal block, stored whole
      s += r * (n2 - (long) colStart(bi) - rowLength(bi));
    }
    return s;
  }
}
