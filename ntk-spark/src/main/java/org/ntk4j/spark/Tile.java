package org.ntk4j.spark;

import java.io.Serializable;

/**
 * One computed tile: Σ and Θ of row inputs {@code r0 .. r0+rows} against column inputs {@code c0 .. c0+cols},
 * row-major {@code rows × cols}. A kernel the tile was not asked to keep is null.
 */
public final class Tile implements Serializable {
  private static final long serialVersionUID = 1L;
  public final int id;
  public final int rowBlock;
  public final int colBlock;
  public final int r0;
  public final int rows;
  public final int c0;
  public final int cols;
  /** Σ, or null when not kept. */
  public final double[] nngp;
  /** Θ, or null when not kept. */
  public final double[] ntk;

  public Tile(int id, int rowBlock, int colBlock, int r0, int rows, int c0, int cols, double[] nngp, double[] ntk) {
    this.id = id;
    this.rowBlock = rowBlock;
    this.colBlock = colBlock;
    this.r0 = r0;
    this.rows = rows;
    this.c0 = c0;
    this.cols = cols;
    this.nngp = nngp;
    this.ntk = ntk;
  }

  /** The values of one kernel (throws when it was not kept). */
  public double[] values(KernelKind kind) {
    double[] v = kind == KernelKind.NTK ? ntk : nngp;
    if (v == null) throw new IllegalStateException("tile " + id + " does not keep the " + kind + " kernel");
    return v;
  }

  @Override public String toString() { return "tile " + id + " [" + r0 + "+" + rows + ", " + c0 + "+" + cols + "]"; }
}
