package org.ntk4j.symmetry;

import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.SplittableRandom;
import org.ntk4j.Shape;

/**
 * The multiplication table of a group, found from its action on a random probe input: {@code table[a][b]} is the
 * element c with ρ(c) = ρ(a)∘ρ(b) (b first). Exact actions are matched bitwise, others within a relative tolerance.
 * Used to check the group axioms of any {@link Group} implementation.
 */
public final class GroupTable {
  private GroupTable() {}

  /** @throws IllegalArgumentException when some product ρ(a)∘ρ(b) is no element (not closed) or element 0 is not the identity */
  public static int[][] multiplication(Group group, Shape shape, double tolerance) {
    group.checkShape(shape);
    int n = group.order(), s = shape.size();
    SplittableRandom r = new SplittableRandom(12345);
    double[] probe = new double[s];
    for (int i = 0; i < s; i++) probe[i] = r.nextGaussian();
    double[][] img = new double[n][s];
    Map<String, Integer> exact = new HashMap<>();
    for (int g = 0; g < n; g++) {
      group.act(g, shape, probe, 0, img[g], 0);
      if (group.isExact()) exact.putIfAbsent(key(img[g]), g);
    }
    if (!Arrays.equals(img[0], probe) && maxDiff(img[0], probe) > tolerance) {
      throw new IllegalArgumentException(group.name() + ": element 0 is not the identity");
    }
    int[][] table = new int[n][n];
    double[] q = new double[s];
    for (int a = 0; a < n; a++) {
      for (int b = 0; b < n; b++) {
        group.act(a, shape, img[b], 0, q, 0);
        Integer c = group.isExact() ? exact.get(key(q)) : null;
        if (c == null) {
          int best = -1;
          double bd = Double.POSITIVE_INFINITY;
          for (int g = 0; g < n; g++) {
            double d = maxDiff(q, img[g]);
            if (d < bd) {
              bd = d;
              best = g;
            }
          }
          if (bd > tolerance) {
            throw new IllegalArgumentException(group.name() + " is not closed on inputs of shape " + shape + ": element " + a
                + " after element " + b + " is no element (nearest " + best + ", max difference " + bd + ")");
          }
          c = best;
        }
        table[a][b] = c;
      }
    }
    return table;
  }

  /** inverse[g]: the element h with g∘h = identity. */
  public static int[] inverses(int[][] table) {
    int n = table.length;
    int[] inv = new int[n];
    for (int g = 0; g < n; g++) {
      inv[g] = -1;
      for (int h = 0; h < n; h++) if (table[g][h] == 0) inv[g] = h;
      if (inv[g] < 0) throw new IllegalArgumentException("element " + g + " has no inverse");
    }
    return inv;
  }

  /**
   * The inverse of every element of an exact group whose elements act as signed permutations of the input values
   * (translations, rotations by 90°, flips, sign flips, permutations and their products), in O(|G|·size) without the
   * multiplication table: ρ(g)·probe reveals the signed permutation, whose inverse applied to the probe is looked up
   * among the elements' images. Returns null when some element is no signed permutation or its inverse is not found
   * (e.g. rotation matrices with rounded entries): callers then do without inverses.
   */
  public static int[] signedPermutationInverses(Group group, Shape shape) {
    if (!group.isExact()) return null;
    group.checkShape(shape);
    int n = group.order(), s = shape.size();
    double[] probe = new double[s];
    Map<Double, Integer> index = new HashMap<>();
    for (int i = 0; i < s; i++) {
      probe[i] = i + 1.5; // distinct magnitudes, exactly representable
      index.put(probe[i], i);
    }
    Map<String, Integer> byImage = new HashMap<>();
    double[][] img = new double[n][s];
    for (int g = 0; g < n; g++) {
      group.act(g, shape, probe, 0, img[g], 0);
      byImage.putIfAbsent(key(img[g]), g);
    }
    int[] inv = new int[n];
    double[] r = new double[s];
    for (int g = 0; g < n; g++) {
      // img[g][j] = σ_j·probe[π(j)]  ⇒  (ρ(g)⁻¹ probe)[π(j)] = σ_j·probe[j]
      java.util.Arrays.fill(r, Double.NaN);
      for (int j = 0; j < s; j++) {
        double v = img[g][j];
        Integer from = index.get(Math.abs(v));
        if (from == null || !Double.isNaN(r[from])) return null;
        r[from] = Math.signum(v) * probe[j];
      }
      Integer h = byImage.get(key(r));
      if (h == null) return null;
      inv[g] = h;
    }
    return inv;
  }

  private static double maxDiff(double[] a, double[] b) {
    double m = 0, scale = 0;
    for (int i = 0; i < a.length; i++) {
      m = Math.max(m, Math.abs(a[i] - b[i]));
      scale = Math.max(scale, Math.abs(b[i]));
    }
    return scale == 0 ? m : m / scale;
  }

  private static String key(double[] v) {
    long[] bits = new long[v.length];
    for (int i = 0; i < v.length; i++) bits[i] = Double.doubleToLongBits(v[i] + 0.0);
    return Arrays.toString(bits);
  }
}
