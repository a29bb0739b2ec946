package org.ntk4j.io;

import java.util.Arrays;

/**
 * An n-dimensional float64 array in C (row-major) order, as read from or written to a {@code .npy} file.
 * The arrays are not copied: {@code data} is the backing storage.
 */
public record NpyArray(int[] shape, double[] data) {
  public NpyArray {
    long n = 1;
    for (int d : shape) {
      if (d < 0) throw new IllegalArgumentException("negative dimension in shape " + Npy.shapeText(shape));
      n *= d;
    }
    if (n != data.length) {
      throw new IllegalArgumentException("shape " + Npy.shapeText(shape) + " holds " + n + " values but data has " + data.length);
    }
  }

  public int rank() { return shape.length; }

  /** Number of values (the product of the shape). */
  public int size() { return data.length; }

  /** The shape in numpy's notation, e.g. {@code (3, 4)} or {@code (5,)}. */
  public String shapeText() { return Npy.shapeText(shape); }

  @Override public boolean equals(Object o) {
    return o instanceof NpyArray a && Arrays.equals(a.shape, shape) && Arrays.equals(a.data, data);
  }

  @Override public int hashCode() { return 31 * Arrays.hashCode(shape) + Arrays.hashCode(data); }

  @Override public String toString() { return "NpyArray" + shapeText(); }
}
