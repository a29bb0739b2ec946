package org.ntk4j.symmetry;

import java.util.SplittableRandom;
import org.ntk4j.Shape;

/**
 * Rotations (and reflections) of points in ℝ² or ℝ³ by float64 matrices, acting on flat inputs of dimension d·m as m
 * points. Not exact: the matrices are rounded, so the action is a group action only up to round-off ({@link #isExact()}
 * is false). {@code C_k}/{@code D_k} in the plane for k other than 1, 2, 4 are closed up to round-off; sampled elements
 * of SO(2)/SO(3) are not closed ({@link #isClosed()} false): augmentation by them is partial by construction.
 */
final class MatrixGroup implements Group {
  private final String name;
  private final int dim;
  private final double[][] matrices; // row-major d × d each
  private final boolean closed;

  private MatrixGroup(String name, int dim, double[][] matrices, boolean closed) {
    this.name = name;
    this.dim = dim;
    this.matrices = matrices;
    this.closed = closed;
  }

  /** Rotations by 2πj/k (j < k), then for D_k those after the reflection (x, y) ↦ (x, −y). */
  static MatrixGroup planar(int k, boolean reflections) {
    double[][] m = new double[reflections ? 2 * k : k][];
    for (int f = 0; f < (reflections ? 2 : 1); f++) {
      for (int j = 0; j < k; j++) {
        double a = 2 * Math.PI * j / k;
        double c = j == 0 ? 1 : Math.cos(a), s = j == 0 ? 0 : Math.sin(a);
        double fy = f == 1 ? -1 : 1;
        m[f * k + j] = new double[] {c, -s * fy, s, c * fy};
      }
    }
    return new MatrixGroup((reflections ? "D" : "C") + k, 2, m, true);
  }

  /** The identity and {@code count − 1} rotations drawn uniformly (Haar) from SO(2) or SO(3) with the seed. */
  static MatrixGroup sampled(int dim, int count, long seed) {
    if (count < 1) throw new IllegalArgumentException("SO(" + dim + "): need at least one element, got " + count);
    SplittableRandom r = new SplittableRandom(seed);
    double[][] m = new double[count][];
    m[0] = dim == 2 ? new double[] {1, 0, 0, 1} : new double[] {1, 0, 0, 0, 1, 0, 0, 0, 1};
    for (int g = 1; g < count; g++) {
      if (dim == 2) {
        double a = 2 * Math.PI * r.nextDouble();
        m[g] = new double[] {Math.cos(a), -Math.sin(a), Math.sin(a), Math.cos(a)};
      } else {
        // uniform unit quaternion
        double q0 = r.nextGaussian(), q1 = r.nextGaussian(), q2 = r.nextGaussian(), q3 = r.nextGaussian();
        double nn = Math.sqrt(q0 * q0 + q1 * q1 + q2 * q2 + q3 * q3);
        double w = q0 / nn, x = q1 / nn, y = q2 / nn, z = q3 / nn;
        m[g] = new double[] {
            1 - 2 * (y * y + z * z), 2 * (x * y - z * w), 2 * (x * z + y * w),
            2 * (x * y + z * w), 1 - 2 * (x * x + z * z), 2 * (y * z - x * w),
            2 * (x * z - y * w), 2 * (y * z + x * w), 1 - 2 * (x * x + y * y)};
      }
    }
    return new MatrixGroup("SO" + dim + "(" + count + ",seed=" + seed + ")", dim, m, false);
  }

  @Override public String name() { return name; }
  @Override public int order() { return matrices.length; }
  @Override public boolean isExact() { return false; }
  @Override public boolean isClosed() { return closed; }

  /** The d × d matrix of element g, row-major (a copy). */
  double[] matrix(int g) { return matrices[g].clone(); }

  @Override public void checkShape(Shape shape) {
    if (!shape.isFlat() || shape.channels() % dim != 0) {
      throw new IllegalArgumentException(name + " rotates points in ℝ" + (dim == 2 ? "²" : "³") + ": flat inputs of dimension " + dim
          + " or " + dim + "·m, not inputs of shape " + shape);
    }
  }

  @Override public void act(int g, Shape shape, double[] src, int srcOff, double[] dst, int dstOff) {
    double[] r = matrices[g];
    int m = shape.channels() / dim;
    for (int p = 0; p < m; p++) {
      int o = p * dim;
      for (int i = 0; i < dim; i++) {
        double v = 0;
        for (int j = 0; j < dim; j++) v += r[i * dim + j] * src[srcOff + o + j];
        dst[dstOff + o + i] = v;
      }
    }
  }

  @Override public String toString() { return name; }
}
