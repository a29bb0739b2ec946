package org.ntk4j.layers;

import java.util.Arrays;
import org.ntk4j.Shape;
import org.ntk4j.kernel.ConvGeometry;

/**
 * Window sizes as written in the text form: {@code 3} (the same size along every spatial axis, so {@code 3} on an image
 * is a 3 × 3 window) or {@code 3x3} / {@code 3x1} (one size per axis; the number of sizes must match the input's spatial
 * rank). Kept as written so that the text form round-trips.
 */
final class SpatialSpec {
  private SpatialSpec() {}

  /** Parses {@code 3} or {@code 3x2}; every size must be a positive integer. */
  static int[] parse(Args a, Args.Value v, String what) {
    if (v.isArchitecture()) throw a.fail(v, what + " must be a size like 3 or 3x3, got an architecture");
    String[] parts = v.text().toLowerCase(java.util.Locale.ROOT).split("x", -1);
    if (parts.length > 2) throw a.fail(v, what + " must be a size like 3 or 3x3 (at most 2 spatial axes), got " + v.text());
    int[] r = new int[parts.length];
    for (int i = 0; i < parts.length; i++) {
      try {
        r[i] = Integer.parseInt(parts[i].trim());
      } catch (NumberFormatException e) {
        throw a.fail(v, what + " must be a size like 3 or 3x3, got '" + v.text() + "'");
      }
      if (r[i] <= 0) throw a.fail(v, what + " must be positive, got " + v.text());
    }
    return r;
  }

  static void check(int[] spec, String layer, String what) {
    if (spec.length < 1 || spec.length > 2) {
      throw new ArchitectureException(layer + ": " + what + " needs 1 or 2 sizes, got " + Arrays.toString(spec));
    }
    for (int s : spec) {
      if (s <= 0) throw new ArchitectureException(layer + ": " + what + " sizes must be positive, got " + Arrays.toString(spec));
    }
  }

  static String format(int[] spec) {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < spec.length; i++) {
      if (i > 0) sb.append('x');
      sb.append(spec[i]);
    }
    return sb.toString();
  }

  static boolean allOnes(int[] spec) {
    for (int s : spec) if (s != 1) return false;
    return true;
  }

  /** The sizes per axis for an input of {@code rank} spatial axes; refuses a mismatched rank. */
  static int[] expand(int[] spec, int rank, String layer, String what) {
    if (spec.length == 1) {
      int[] r = new int[rank];
      Arrays.fill(r, spec[0]);
      return r;
    }
    if (spec.length != rank) {
      throw new ArchitectureException(layer + ": " + what + " " + format(spec) + " has " + spec.length
          + " axes but the input has " + rank + " spatial axes");
    }
    return spec.clone();
  }

  /** Output spatial sizes; refuses windows that do not fit a VALID input. */
  static int[] outputSpatial(Shape input, int[] f, int[] s, Padding padding, String layer, String what) {
    int[] in = input.spatialDims();
    int[] out = new int[in.length];
    for (int a = 0; a < in.length; a++) {
      out[a] = padding.outputSize(in[a], f[a], s[a]);
      if (out[a] <= 0) {
        throw new ArchitectureException(layer + ": " + what + " " + f[a] + " is larger than the input size " + in[a]
            + " along spatial axis " + a + " of input shape " + input + " with VALID padding (use SAME or CIRCULAR, or a"
            + " smaller " + what + ")");
      }
    }
    return out;
  }

  static ConvGeometry geometry(int[] in, int[] f, int[] s, Padding padding) {
    int[] out = new int[in.length];
    int[] pad = new int[in.length];
    for (int a = 0; a < in.length; a++) {
      out[a] = padding.outputSize(in[a], f[a], s[a]);
      pad[a] = padding.padLo(in[a], f[a], s[a]);
    }
    return ConvGeometry.of(in, out, f, s, pad, padding == Padding.CIRCULAR);
  }

  static String describe(Layer l) { return l.toString(); }
}
