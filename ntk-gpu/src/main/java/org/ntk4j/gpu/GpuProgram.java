package org.ntk4j.gpu;

import java.util.ArrayList;
import java.util.List;
import org.ntk4j.Shape;
import org.ntk4j.kernel.ConvGeometry;
import org.ntk4j.layers.AvgPool;
import org.ntk4j.layers.Conv;
import org.ntk4j.layers.GlobalAvgPool;
import org.ntk4j.layers.Dense;
import org.ntk4j.layers.Flatten;
import org.ntk4j.layers.Erf;
import org.ntk4j.layers.Identity;
import org.ntk4j.layers.Layer;
import org.ntk4j.layers.Parameterization;
import org.ntk4j.layers.Relu;
import org.ntk4j.layers.Serial;

/**
 * An architecture lowered to the GPU's op program: {@value #STRIDE} doubles per op (code, p0..p3), the layout that
 * {@code ntk_math.cuh}'s {@code run_program} reads. What lowers: flat inputs through a chain of {@code Dense},
 * {@code Relu}, {@code Erf(a, b, c)} and {@code Identity} (one fused kernel per tile); spatial inputs through Conv,
 * Flatten and the same (diagonal mode), and with AvgPool / GlobalAvgPool in full mode (P × P values per pair). Everything else is computed by
 * the CPU backend, with the reason from {@link #unsupportedReason}.
 */
public final class GpuProgram {
  public static final int STRIDE = 5;
  public static final int DENSE_NTK = 1;
  public static final int DENSE_STD = 2;
  public static final int RELU = 3;
  public static final int ERF = 4;
  public static final int CONV_NTK = 5;
  public static final int CONV_STD = 6;
  public static final int CONV_STD_BIAS = 7;
  public static final int FLATTEN = 8;
  /** Full programs only: average pooling (p2 = geometry offset). */
  public static final int AVGPOOL = 9;
  /** Full programs only: global average pooling (mean of all P² entries). */
  public static final int GAP = 10;
  /**
   * Full programs keep P × P values of Σ and Θ per pair in device memory (ntk_full.cu); beyond this many positions per
   * step (64 × 64) one pair's four buffers would need over 512 MiB.
   */
  public static final int MAX_FULL_POSITIONS = 4096;
  /** Per-pair shared memory of the spatial kernels is 4 × (largest position count) doubles; at most 48 KiB. */
  public static final int MAX_SPATIAL_POSITIONS = 48 * 1024 / (4 * 8);

  private final double[] ops;
  private final int count;
  private final int slots;
  private final int inputDim;
  private final boolean spatial;
  private final int positions;
  private final int channels;
  private final int maxPositions;
  private final int tapePerInput;
  private final int[] geometry;
  private final boolean full;
  private int[] positionsAfter = new int[0];

  private GpuProgram(double[] ops, int count, int slots, int inputDim, boolean spatial, int positions, int channels,
                     int maxPositions, int tapePerInput, int[] geometry) {
    this(ops, count, slots, inputDim, spatial, positions, channels, maxPositions, tapePerInput, geometry, false);
  }

  private GpuProgram(double[] ops, int count, int slots, int inputDim, boolean spatial, int positions, int channels,
                     int maxPositions, int tapePerInput, int[] geometry, boolean full) {
    this.full = full;
    this.ops = ops;
    this.count = count;
    this.slots = slots;
    this.inputDim = inputDim;
    this.spatial = spatial;
    this.positions = positions;
    this.channels = channels;
    this.maxPositions = maxPositions;
    this.tapePerInput = tapePerInput;
    this.geometry = geometry;
  }

  /** Whether this is a spatial (convolutional, diagonal-mode) program: the {@code ntk_conv} kernels. */
  public boolean isSpatial() { return spatial; }
  /**
   * Whether this spatial program keeps the full P × P covariance per pair (pooling: AvgPool, GlobalAvgPool), computed
   * by the {@code ntk_full} kernels; otherwise the diagonal mode of the {@code ntk_conv} kernels.
   */
  public boolean isFull() { return full; }
  /** Input positions P (1 for flat inputs). */
  public int positions() { return positions; }
  /** Input channels C (d for flat inputs). */
  public int channels() { return channels; }
  /** The largest position count of any step (sizes the per-pair shared memory). */
  public int maxPositions() { return maxPositions; }
  /** Tape values per input: the sum over nonlinearities of their position counts. */
  public int tapePerInput() { return tapePerInput; }
  /** Spatial programs: the position count after each op (the first op reads {@link #positions()}). */
  public int[] positionsAfter() { return positionsAfter.clone(); }
  /** The int table of convolution geometries (see ntk_math.cuh). */
  public int[] geometry() { return geometry.clone(); }

  /** The packed program, {@link #STRIDE} doubles per op. */
  public double[] packed() { return ops.clone(); }
  public int opCount() { return count; }
  /** Tape slots: self-variances recorded per input (one per nonlinearity). */
  public int tapeSlots() { return slots; }
  /** Features per input (d). */
  public int inputDim() { return inputDim; }

  /** Thrown by {@link #lower} with the reason an architecture stays on the CPU. */
  public static final class Unsupported extends Exception {
    private static final long serialVersionUID = 1L;

    Unsupported(String reason) { super(reason, null, false, false); }
  }

  /** Null when {@link #lower} succeeds for these inputs, else why the architecture stays on the CPU. */
  public static String unsupportedReason(Layer architecture, Shape input, Parameterization p) {
    try {
      lower(architecture, input, p);
      return null;
    } catch (Unsupported e) {
      return e.getMessage();
    }
  }

  /** Lowers a (validated) architecture for inputs of this shape, in the spatial mode the architecture needs. */
  public static GpuProgram lower(Layer architecture, Shape input, Parameterization p) throws Unsupported {
    // the spatial mode AUTO of KernelFunction: full covariances when a layer needs them (pooling)
    return lower(architecture, input, p, !input.isFlat() && architecture.needsFullCovariance());
  }

  /**
   * Lowers a (validated) architecture; {@code fullCovariance} says whether the recursion keeps full spatial covariances
   * ({@link org.ntk4j.kernel.KernelFunction#usesFullCovariance}): then the program is a full one ({@link #isFull}), which
   * also lowers AvgPool and GlobalAvgPool.
   */
  public static GpuProgram lower(Layer architecture, Shape input, Parameterization p, boolean fullCovariance)
      throws Unsupported {
    List<Layer> chain = new ArrayList<>();
    flatten(architecture, chain);
    if (!input.isFlat()) return lowerSpatial(chain, input, p, fullCovariance);
    List<double[]> out = new ArrayList<>();
    int width = input.channels();
    int slots = 0;
    for (Layer l : chain) {
      if (l instanceof Dense d) {
        double w2 = d.wStd() * d.wStd();
        double b2 = d.hasBias() ? d.bStd() * d.bStd() : 0.0;
        if (p == Parameterization.NTK) out.add(new double[] {DENSE_NTK, w2, b2, 0, 0});
        else out.add(new double[] {DENSE_STD, w2, b2, width, d.hasBias() ? 1 : 0});
        width = d.width();
      } else if (l instanceof Relu) {
        out.add(new double[] {RELU, 0, 0, 0, 0});
        slots++;
      } else if (l instanceof Erf e) {
        out.add(new double[] {ERF, e.a(), e.b(), e.c(), 0});
        slots++;
      } else if (l instanceof Identity) {
        // Σ and Θ pass unchanged
      } else {
        throw new Unsupported(l + ": no GPU kernel rule (the GPU lowers Dense, Relu, Erf and Identity chains)");
      }
    }
    double[] ops = new double[out.size() * STRIDE];
    for (int i = 0; i < out.size(); i++) System.arraycopy(out.get(i), 0, ops, i * STRIDE, STRIDE);
    return new GpuProgram(ops, out.size(), slots, input.channels(), false, 1, input.channels(), 1, slots, new int[0]);
  }

  private static GpuProgram lowerSpatial(List<Layer> chain, Shape input, Parameterization p, boolean full)
      throws Unsupported {
    List<double[]> out = new ArrayList<>();
    List<Integer> after = new ArrayList<>();
    List<Integer> geom = new ArrayList<>();
    int[] spatial = input.spatialDims();
    int width = input.channels();
    int positions = input.positions();
    int maxP = positions;
    int tape = 0;
    int slots = 0;
    for (Layer l : chain) {
      if (l instanceof Conv c) {
        if (spatial.length == 0) throw new Unsupported(c + ": after Flatten");
        ConvGeometry g = geometryOf(c, spatial);
        int offset = addGeometry(geom, g);
        double w2 = c.wStd() * c.wStd();
        double b2 = c.hasBias() ? c.bStd() * c.bStd() : 0.0;
        if (p == Parameterization.NTK) {
          out.add(new double[] {CONV_NTK, w2, b2, offset, 0});
        } else {
          out.add(new double[] {c.hasBias() ? CONV_STD_BIAS : CONV_STD, w2, b2, offset, (double) width * g.filterSize()});
        }
        spatial = spatial.length == 1 ? new int[] {g.outW()} : new int[] {g.outH(), g.outW()};
        positions = g.outPositions();
        maxP = Math.max(maxP, positions);
        width = c.width();
      } else if (l instanceof AvgPool a) {
        if (!full) throw new Unsupported(a + ": pooling needs the full spatial covariance");
        if (spatial.length == 0) throw new Unsupported(a + ": after Flatten");
        ConvGeometry g = geometryOf(a.window(), a.stride(), a.padding(), spatial);
        out.add(new double[] {AVGPOOL, 0, 0, addGeometry(geom, g), 0});
        spatial = spatial.length == 1 ? new int[] {g.outW()} : new int[] {g.outH(), g.outW()};
        positions = g.outPositions();
        maxP = Math.max(maxP, positions);
      } else if (l instanceof GlobalAvgPool) {
        if (!full) throw new Unsupported("GlobalAvgPool: pooling needs the full spatial covariance");
        if (spatial.length == 0) throw new Unsupported("GlobalAvgPool: after Flatten");
        out.add(new double[] {GAP, 0, 0, 0, 0});
        spatial = new int[0];
        positions = 1;
      } else if (l instanceof Flatten) {
        out.add(new double[] {FLATTEN, 0, 0, 0, 0});
        width = width > 0 ? width * positions : 0;
        spatial = new int[0];
        positions = 1;
      } else if (l instanceof Dense d) {
        double w2 = d.wStd() * d.wStd();
        double b2 = d.hasBias() ? d.bStd() * d.bStd() : 0.0;
        if (p == Parameterization.NTK) out.add(new double[] {DENSE_NTK, w2, b2, 0, 0});
        else out.add(new double[] {DENSE_STD, w2, b2, width, d.hasBias() ? 1 : 0});
        width = d.width();
      } else if (l instanceof Relu) {
        out.add(new double[] {RELU, 0, 0, 0, tape});
        tape += positions;
        slots++;
      } else if (l instanceof Erf e) {
        out.add(new double[] {ERF, e.a(), e.b(), e.c(), tape});
        tape += positions;
        slots++;
      } else if (l instanceof Identity) {
        // unchanged
      } else {
        throw new Unsupported(l + ": no GPU kernel rule (the GPU lowers Conv, AvgPool, GlobalAvgPool, Flatten, Dense,"
            + " Relu, Erf and Identity chains)");
      }
      while (after.size() < out.size()) after.add(positions);
    }
    if (full && maxP > MAX_FULL_POSITIONS) {
      throw new Unsupported("inputs of shape " + input + ": " + maxP + " positions per step exceed the full-covariance"
          + " GPU kernel's " + MAX_FULL_POSITIONS + " (P × P values per pair in device memory)");
    }
    if (!full && maxP > MAX_SPATIAL_POSITIONS) {
      throw new Unsupported("inputs of shape " + input + ": " + maxP + " positions per step exceed the GPU kernel's "
          + MAX_SPATIAL_POSITIONS + " (48 KiB of shared memory per pair)");
    }
    double[] ops = new double[out.size() * STRIDE];
    for (int i = 0; i < out.size(); i++) System.arraycopy(out.get(i), 0, ops, i * STRIDE, STRIDE);
    int[] g = new int[geom.size()];
    for (int i = 0; i < g.length; i++) g[i] = geom.get(i);
    GpuProgram prog = new GpuProgram(ops, out.size(), slots, input.size(), true, input.positions(), input.channels(),
        maxP, tape, g, full);
    prog.positionsAfter = after.stream().mapToInt(Integer::intValue).toArray();
    return prog;
  }

  /** Appends a geometry to the int table (layout in ntk_math.cuh) and returns its offset. */
  private static int addGeometry(List<Integer> geom, ConvGeometry g) {
    int offset = geom.size();
    geom.add(g.inH());
    geom.add(g.inW());
    geom.add(g.outH());
    geom.add(g.outW());
    geom.add(g.filterH());
    geom.add(g.filterW());
    for (int o = 0; o < g.outH(); o++) for (int t = 0; t < g.filterH(); t++) geom.add(g.tapY(o, t));
    for (int o = 0; o < g.outW(); o++) for (int t = 0; t < g.filterW(); t++) geom.add(g.tapX(o, t));
    return offset;
  }

  /** The geometry Conv's kernel rule uses (SpatialSpec.geometry: per axis output size and low padding of the Padding). */
  static ConvGeometry geometryOf(Conv c, int[] in) {
    return geometryOf(c.filter(), c.stride(), c.padding(), in);
  }

  /** The same for a window (AvgPool: SpatialSpec.geometry of window, stride, padding). */
  static ConvGeometry geometryOf(int[] filter, int[] stride, org.ntk4j.layers.Padding padding, int[] in) {
    int r = in.length;
    int[] f = expand(filter, r), st = expand(stride, r);
    int[] out = new int[r], pad = new int[r];
    for (int a = 0; a < r; a++) {
      out[a] = padding.outputSize(in[a], f[a], st[a]);
      pad[a] = padding.padLo(in[a], f[a], st[a]);
    }
    return ConvGeometry.of(in, out, f, st, pad, padding == org.ntk4j.layers.Padding.CIRCULAR);
  }

  private static int[] expand(int[] spec, int rank) {
    if (spec.length == rank) return spec;
    int[] r = new int[rank];
    java.util.Arrays.fill(r, spec[0]);
    return r;
  }

  private static void flatten(Layer l, List<Layer> out) {
    if (l instanceof Serial s) {
      for (Layer c : s.layers()) flatten(c, out);
    } else {
      out.add(l);
    }
  }
}
