package org.ntk4j.kernel;

import java.util.Arrays;
import org.ntk4j.layers.Parameterization;

/**
 * NNGP Σ and NTK Θ for a set of input pairs, at one point of the layer recursion.
 *
 * <p>Two pair layouts: a <em>cross</em> tile holds every pair (r, c) of {@code rows × cols} inputs at index
 * {@code k = r * cols + c}; a <em>self</em> state holds the pairs (i, i) of {@code rows} inputs at index {@code k = i}.
 *
 * <p>Per pair the state holds either one value per spatial position ({@code full == false}: the entries Σ(p, p) only,
 * enough when only Flatten and dense readouts follow) or the full position-by-position block ({@code full == true}:
 * {@code P × P} values at {@code p * P + p'}, needed by pooling). Flat inputs have P = 1.
 *
 * <p>{@code var1}/{@code var2} hold the per-position self-variances Σ(x, x)(p, p) of the row and column inputs at the
 * current layer, {@code P} values per input starting at {@code var1Offset}/{@code var2Offset}. Layers read them; they are
 * maintained by {@link KernelContext#sync} (computed once per input in the self pass, replayed in cross tiles), never by the
 * layers themselves.
 */
public final class KernelState {
  private final int rows;
  private final int cols;
  private final boolean self;
  private int[] spatial;
  private int width;
  private boolean full;
  private final Parameterization parameterization;
  private final Summation summation;
  /** Σ per pair and position (pair-major). */
  public double[] nngp;
  /** Θ, same layout as {@link #nngp}. */
  public double[] ntk;
  /** Arrays replaced by the last {@link #reshape}, handed out again by {@link #scratch}. */
  private double[] spare1, spare2;
  public double[] var1;
  public int var1Offset;
  public double[] var2;
  public int var2Offset;

  private KernelState(int rows, int cols, boolean self, int[] spatial, int width, boolean full,
                      Parameterization parameterization, Summation summation) {
    this.rows = rows;
    this.cols = cols;
    this.self = self;
    this.spatial = spatial.clone();
    this.width = width;
    this.full = full;
    this.parameterization = parameterization;
    this.summation = java.util.Objects.requireNonNull(summation, "summation");
  }

  /** A cross tile of {@code rows × cols} pairs with zeroed kernels, {@link Summation#EXACT} spatial reductions. */
  public static KernelState cross(int rows, int cols, int[] spatial, int width, boolean full, Parameterization p) {
    return cross(rows, cols, spatial, width, full, p, Summation.EXACT);
  }

  /** A cross tile of {@code rows × cols} pairs with zeroed kernels; layers reduce over positions as {@code sum} says. */
  public static KernelState cross(int rows, int cols, int[] spatial, int width, boolean full, Parameterization p,
                                  Summation sum) {
    KernelState s = new KernelState(rows, cols, false, spatial, width, full, p, sum);
    s.allocate();
    return s;
  }

  /** The self pairs (i, i) of {@code n} inputs with zeroed kernels, {@link Summation#EXACT} spatial reductions. */
  public static KernelState self(int n, int[] spatial, int width, boolean full, Parameterization p) {
    return self(n, spatial, width, full, p, Summation.EXACT);
  }

  /** The self pairs (i, i) of {@code n} inputs with zeroed kernels; layers reduce over positions as {@code sum} says. */
  public static KernelState self(int n, int[] spatial, int width, boolean full, Parameterization p, Summation sum) {
    KernelState s = new KernelState(n, n, true, spatial, width, full, p, sum);
    s.allocate();
    s.var1 = new double[n * s.positions()];
    s.var2 = s.var1;
    return s;
  }

  private void allocate() {
    long len = (long) pairCount() * valuesPerPair();
    if (len > Integer.MAX_VALUE - 8) {
      throw new IllegalStateException("tile of " + pairCount() + " pairs × " + valuesPerPair() + " values exceeds one Java array");
    }
    nngp = new double[(int) len];
    ntk = new double[(int) len];
  }

  public int rows() { return rows; }
  public int cols() { return cols; }
  public boolean isSelf() { return self; }
  public int pairCount() { return self ? rows : rows * cols; }
  /** Row input of pair k (index into the var1 block). */
  public int row(int k) { return self ? k : k / cols; }
  /** Column input of pair k (index into the var2 block). */
  public int col(int k) { return self ? k : k % cols; }
  public boolean isFull() { return full; }
  public int[] spatial() { return spatial.clone(); }
  public int spatialRank() { return spatial.length; }
  public int spatial(int axis) { return spatial[axis]; }
  public int positions() {
    int p = 1;
    for (int s : spatial) p *= s;
    return p;
  }
  /** Values per pair: P×P in full mode, P otherwise. */
  public int valuesPerPair() { int p = positions(); return full ? p * p : p; }
  /** The finite channel count of the current layer if the architecture states it, else 0 (infinite). */
  public int width() { return width; }
  public void setWidth(int width) { this.width = width; }
  public Parameterization parameterization() { return parameterization; }
  /**
   * How spatial layers reduce over positions (Conv's taps, pooling windows, Flatten's mean): {@link Summation#EXACT}
   * makes those sums independent of the order of their terms (see {@link SpatialKernels}), {@link Summation#FAST} adds
   * plainly.
   */
  public Summation summation() { return summation; }
  public boolean exactSums() { return summation == Summation.EXACT; }

  /** Self-variance of row input r at position p. */
  public double var1(int r, int p) { return var1[var1Offset + r * positions() + p]; }
  /** Self-variance of column input c at position p. */
  public double var2(int c, int p) { return var2[var2Offset + c * positions() + p]; }

  /**
   * Replaces the kernels with new arrays for a new spatial shape (and mode). The var arrays become stale until the next
   * {@link KernelContext#sync}.
   */
  public void reshape(int[] newSpatial, boolean newFull, double[] newNngp, double[] newNtk) {
    this.spatial = newSpatial.clone();
    this.full = newFull;
    int expect = pairCount() * valuesPerPair();
    if (newNngp.length != expect || newNtk.length != expect) {
      throw new IllegalStateException("reshape: expected " + expect + " values, got " + newNngp.length + "/" + newNtk.length);
    }
    double[] oldNngp = nngp, oldNtk = ntk;
    this.nngp = newNngp;
    this.ntk = newNtk;
    spare1 = oldNngp != newNngp && oldNngp != newNtk ? oldNngp : null;
    spare2 = oldNtk != newNngp && oldNtk != newNtk ? oldNtk : null;
    if (self) {
      var1 = new double[rows * positions()];
      var2 = var1;
    }
  }

  /**
   * An array of exactly {@code len} doubles for a layer's new kernels, reusing one that an earlier {@link #reshape}
   * replaced when the length fits (a tile's arrays are large: reusing them avoids allocating and zeroing per layer).
   * Its contents are arbitrary: the caller must overwrite every entry.
   */
  public double[] scratch(int len) {
    if (spare1 != null && spare1.length == len) {
      double[] a = spare1;
      spare1 = null;
      return a;
    }
    if (spare2 != null && spare2.length == len) {
      double[] a = spare2;
      spare2 = null;
      return a;
    }
    return new double[len];
  }

  /** A deep copy of the kernels (var references are shared: they are read-only to layers). */
  public KernelState copy() {
    KernelState s = new KernelState(rows, cols, self, spatial, width, full, parameterization, summation);
    s.nngp = nngp.clone();
    s.ntk = ntk.clone();
    if (self) {
      s.var1 = var1.clone();
      s.var2 = s.var1;
    } else {
      s.var1 = var1;
      s.var2 = var2;
      s.var1Offset = var1Offset;
      s.var2Offset = var2Offset;
    }
    return s;
  }

  /** Index of the diagonal entry Σ(p, p) of pair k. */
  public int diagonalIndex(int k, int p) {
    int pp = positions();
    return full ? k * pp * pp + p * pp + p : k * pp + p;
  }

  @Override public String toString() {
    return (self ? "self " + rows : "tile " + rows + "x" + cols) + " spatial=" + Arrays.toString(spatial)
        + (full ? " full" : " diagonal");
  }
}
