package org.ntk4j;

import java.util.Arrays;

/**
 * Shape of one input (batch axis excluded), channels-last: {@code (d)}, {@code (L, C)} or {@code (H, W, C)}.
 * A flat vector of dimension d has no spatial dimensions and {@code channels == d}. Inside an architecture,
 * {@code channels == 0} stands for a layer whose finite width is not stated (infinite width in the kernel).
 */
public final class Shape {
  private final int[] spatial;
  private final int channels;

  private Shape(int[] spatial, int channels) {
    for (int s : spatial) {
      if (s <= 0) throw new IllegalArgumentException("spatial size must be positive: " + Arrays.toString(spatial));
    }
    if (channels < 0) throw new IllegalArgumentException("channel count must be non-negative: " + channels);
    this.spatial = spatial.clone();
    this.channels = channels;
  }

  public static Shape flat(int d) { return new Shape(new int[0], d); }

  public static Shape of(int[] spatial, int channels) { return new Shape(spatial, channels); }

  /** Per-input shape from an array shape without the batch axis, e.g. {@code [H, W, C]}. */
  public static Shape fromDims(int... dims) {
    if (dims.length == 0) throw new IllegalArgumentException("an input needs at least one dimension");
    return new Shape(Arrays.copyOf(dims, dims.length - 1), dims[dims.length - 1]);
  }

  public boolean isFlat() { return spatial.length == 0; }
  public int spatialRank() { return spatial.length; }
  public int spatial(int axis) { return spatial[axis]; }
  public int[] spatialDims() { return spatial.clone(); }
  public int channels() { return channels; }
  /** Whether the finite width is known. */
  public boolean hasWidth() { return channels > 0; }
  /** Number of spatial positions P (1 for flat inputs). */
  public int positions() {
    int p = 1;
    for (int s : spatial) p *= s;
    return p;
  }
  /** Number of doubles per input. */
  public int size() { return positions() * channels; }

  public Shape withChannels(int c) { return new Shape(spatial, c); }
  public Shape withSpatial(int[] s) { return new Shape(s, channels); }

  /** The dimensions including channels, e.g. {@code [H, W, C]}. */
  public int[] dims() {
    int[] d = Arrays.copyOf(spatial, spatial.length + 1);
    d[spatial.length] = channels;
    return d;
  }

  @Override public boolean equals(Object o) {
    return o instanceof Shape s && s.channels == channels && Arrays.equals(s.spatial, spatial);
  }
  @Override public int hashCode() { return 31 * Arrays.hashCode(spatial) + channels; }
  /** {@code (H, W, C)}; a channel count that the architecture does not state prints as {@code ·} (e.g. {@code (6, 6, ·)}). */
  @Override public String toString() {
    StringBuilder b = new StringBuilder("(");
    for (int s : spatial) b.append(s).append(", ");
    return b.append(channels > 0 ? Integer.toString(channels) : "·").append(')').toString();
  }
}
