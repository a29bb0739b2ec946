package org.ntk4j;

import java.util.Arrays;

/**
 * A batch of n inputs of one {@link Shape}, stored row-major and channels-last in one {@code double[]}.
 * Validated at construction: no NaN or infinite values.
 */
public final class Inputs {
  private final int n;
  private final Shape shape;
  private final double[] data;

  public Inputs(int n, Shape shape, double[] data) {
    if (n <= 0) throw new IllegalArgumentException("need at least one input, got n = " + n);
    if (data.length != (long) n * shape.size()) {
      throw new IllegalArgumentException("data has " + data.length + " values, expected n * size = " + n + " * " + shape.size());
    }
    for (int i = 0; i < data.length; i++) {
      if (!Double.isFinite(data[i])) {
        int s = shape.size();
        throw new IllegalArgumentException("input " + (i / s) + " has a non-finite value " + data[i] + " at flat index " + (i % s));
      }
    }
    this.n = n;
    this.shape = shape;
    this.data = data;
  }

  /** Flat vectors, one per row. */
  public static Inputs of(double[][] rows) {
    if (rows.length == 0) throw new IllegalArgumentException("need at least one input");
    int d = rows[0].length;
    double[] data = new double[rows.length * d];
    for (int i = 0; i < rows.length; i++) {
      if (rows[i].length != d) throw new IllegalArgumentException("row " + i + " has length " + rows[i].length + ", expected " + d);
      System.arraycopy(rows[i], 0, data, i * d, d);
    }
    return new Inputs(rows.length, Shape.flat(d), data);
  }

  public int n() { return n; }
  public Shape shape() { return shape; }
  /** The backing array (not copied): do not modify. */
  public double[] data() { return data; }
  public double get(int i, int flatIndex) { return data[i * shape.size() + flatIndex]; }
  public double[] row(int i) { int s = shape.size(); return Arrays.copyOfRange(data, i * s, (i + 1) * s); }

  /** Inputs {@code from} (inclusive) to {@code to} (exclusive) as a new batch sharing no storage. */
  public Inputs slice(int from, int to) {
    int s = shape.size();
    return new Inputs(to - from, shape, Arrays.copyOfRange(data, from * s, to * s));
  }

  /** Concatenation along the batch axis. */
  public static Inputs concat(Inputs a, Inputs b) {
    if (!a.shape.equals(b.shape)) throw new IllegalArgumentException("shapes differ: " + a.shape + " vs " + b.shape);
    double[] d = Arrays.copyOf(a.data, a.data.length + b.data.length);
    System.arraycopy(b.data, 0, d, a.data.length, b.data.length);
    return new Inputs(a.n + b.n, a.shape, d);
  }
}
