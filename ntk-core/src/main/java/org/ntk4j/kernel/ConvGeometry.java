package org.ntk4j.kernel;

import java.util.Arrays;

/**
 * Where the taps of a convolution or pooling window land, per spatial axis, for the kernel stencils in
 * {@link SpatialKernels}. One- and two-dimensional inputs are both handled as two axes (a 1-D input of length L is a
 * 1 × L image with a filter of height 1). Output position {@code o} and tap {@code t} read input position
 * {@code stride·o + t − padLo}: outside {@code [0, n)} it is a zero (SAME padding) or wraps around (CIRCULAR).
 */
public final class ConvGeometry {
  final int inH, inW, outH, outW, fH, fW, sH, sW;
  /** See {@link #runsX()}. */
  private final int[][] runs;
  /** Input index per (output position, tap), or −1 for a zero-padded tap: {@code mapY[o * fH + t]}. */
  final int[] mapY, mapX;
  /** Whether padded taps wrap around (CIRCULAR). */
  final boolean wrap;
  private final int padY, padX;

  private ConvGeometry(int[] in, int[] out, int[] filter, int[] stride, int[] padLo, boolean wrap) {
    int r = in.length;
    if (r < 1 || r > 2 || out.length != r || filter.length != r || stride.length != r || padLo.length != r) {
      throw new IllegalArgumentException("geometry for 1 or 2 spatial axes, got in=" + Arrays.toString(in)
          + " out=" + Arrays.toString(out) + " filter=" + Arrays.toString(filter));
    }
    inH = r == 2 ? in[0] : 1;
    inW = in[r - 1];
    outH = r == 2 ? out[0] : 1;
    outW = out[r - 1];
    fH = r == 2 ? filter[0] : 1;
    fW = filter[r - 1];
    sH = r == 2 ? stride[0] : 1;
    sW = stride[r - 1];
    this.wrap = wrap;
    padY = r == 2 ? padLo[0] : 0;
    padX = padLo[r - 1];
    mapY = map(inH, outH, fH, sH, r == 2 ? padLo[0] : 0, wrap);
    mapX = map(inW, outW, fW, sW, padLo[r - 1], wrap);
    runs = computeRuns();
  }

  private ConvGeometry(ConvGeometry g, boolean rows) {
    inH = rows ? g.inH : g.outH;
    inW = g.inW;
    outH = g.outH;
    outW = rows ? g.inW : g.outW;
    fH = rows ? g.fH : 1;
    fW = rows ? 1 : g.fW;
    sH = rows ? g.sH : 1;
    sW = rows ? 1 : g.sW;
    wrap = g.wrap;
    padY = rows ? g.padY : 0;
    padX = rows ? 0 : g.padX;
    mapY = rows ? g.mapY : identity(g.outH);
    mapX = rows ? identity(g.inW) : g.mapX;
    runs = computeRuns();
  }

  private static int[] identity(int n) {
    int[] m = new int[n];
    for (int i = 0; i < n; i++) m[i] = i;
    return m;
  }

  /** The first pass of a separable stencil: the taps along rows only, columns kept ({@code H × W → Ho × W}). */
  ConvGeometry rowsOnly() { return new ConvGeometry(this, true); }

  /** The second pass: the taps along columns only ({@code Ho × W → Ho × Wo}). */
  ConvGeometry columnsOnly() { return new ConvGeometry(this, false); }

  /**
   * @param in input spatial sizes; {@code out} output sizes; {@code padLo} zeros (or wrapped entries) before the first
   *     input position along each axis; {@code wrap} true for CIRCULAR padding
   */
  public static ConvGeometry of(int[] in, int[] out, int[] filter, int[] stride, int[] padLo, boolean wrap) {
    return new ConvGeometry(in, out, filter, stride, padLo, wrap);
  }

  private static int[] map(int n, int outN, int f, int s, int pad, boolean wrap) {
    int[] m = new int[outN * f];
    for (int o = 0; o < outN; o++) {
      for (int t = 0; t < f; t++) {
        int i = s * o + t - pad;
        if (wrap) i = Math.floorMod(i, n);
        else if (i < 0 || i >= n) i = -1;
        m[o * f + t] = i;
      }
    }
    return m;
  }

  int padY() { return padY; }
  int padX() { return padX; }
  public int inH() { return inH; }
  public int inW() { return inW; }
  public int outH() { return outH; }
  public int outW() { return outW; }
  public int filterH() { return fH; }
  public int filterW() { return fW; }
  /** Input row read by output row {@code o} at tap {@code t}, or −1 (a padded zero). */
  public int tapY(int o, int t) { return mapY[o * fH + t]; }
  /** Input column read by output column {@code o} at tap {@code t}, or −1 (a padded zero). */
  public int tapX(int o, int t) { return mapX[o * fW + t]; }

  public int inPositions() { return inH * inW; }
  public int outPositions() { return outH * outW; }
  public int filterSize() { return fH * fW; }

  /** Number of taps that read an input position (not a padded zero), summed over all output positions. */
  public long validTaps() {
    long ny = 0, nx = 0;
    for (int v : mapY) if (v >= 0) ny++;
    for (int v : mapX) if (v >= 0) nx++;
    return ny * nx;
  }

  /**
   * For each tap dx along the last axis: runs of output positions whose input positions advance by the stride, as
   * triples (first output, first input, length), so that the innermost stencil loop runs over contiguous memory.
   */
  int[][] runsX() { return runs; }

  /**
   * For stride-1 filters along x: the range [lo, hi) of output columns whose taps all read input column
   * {@code o + t − pad} (no padding, no wrap), as {lo, hi, −pad}; null when the stride is not 1.
   */
  int[] interiorX() {
    if (sW != 1) return null;
    int lo = outW, hi = 0;
    int off = 0;
    boolean first = true;
    for (int o = 0; o < outW; o++) {
      boolean ok = true;
      for (int t = 0; t < fW && ok; t++) {
        int i = mapX[o * fW + t];
        if (first && i >= 0) {
          off = i - o - t;
          first = false;
        }
        ok = i >= 0 && i == o + t + off;
      }
      if (ok) {
        lo = Math.min(lo, o);
        hi = Math.max(hi, o + 1);
      }
    }
    if (hi <= lo) return new int[] {0, 0, 0};
    // the interior must be contiguous with one offset; recheck
    for (int o = lo; o < hi; o++) {
      for (int t = 0; t < fW; t++) if (mapX[o * fW + t] != o + t + off) return new int[] {0, 0, 0};
    }
    return new int[] {lo, hi, off};
  }

  private int[][] computeRuns() {
    int[][] runs = new int[fW][];
    for (int t = 0; t < fW; t++) {
      int[] buf = new int[3 * outW];
      int n = 0;
      int o = 0;
      while (o < outW) {
        int i = mapX[o * fW + t];
        if (i < 0) { o++; continue; }
        int len = 1;
        while (o + len < outW && mapX[(o + len) * fW + t] == i + len * sW) len++;
        buf[n++] = o;
        buf[n++] = i;
        buf[n++] = len;
        o += len;
      }
      runs[t] = Arrays.copyOf(buf, n);
    }
    return runs;
  }
}
