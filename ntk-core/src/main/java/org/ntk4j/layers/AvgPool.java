package org.ntk4j.layers;

import java.util.Arrays;
import java.util.Objects;
import java.util.SplittableRandom;
import org.ntk4j.Shape;
import org.ntk4j.finite.FiniteLayer;
import org.ntk4j.kernel.ConvGeometry;
import org.ntk4j.kernel.KernelContext;
import org.ntk4j.kernel.KernelState;
import org.ntk4j.kernel.SpatialKernels;

/**
 * Average pooling {@code AvgPool(window, stride=1, padding=VALID)} over the spatial axes, channel by channel, as
 * neural-tangents' {@code stax.AvgPool} with its defaults (stride 1, VALID, {@code normalize_edges=False}: a window is
 * always divided by its full size, so at SAME edges the padded zeros count). {@code window} and {@code stride} are
 * written {@code 2} (every axis) or {@code 2x2}.
 *
 * <p>Kernel rule (full covariances only): Σ'[q, q'] = Σ_t Σ_t' Σ[s·q + t − pad, s·q' + t' − pad] / |window|², Θ' likewise.
 * Finite twin: the window mean, y[q] = Σ_t x[s·q + t − pad] / |window|.
 */
public final class AvgPool implements Layer {
  private final int[] window;
  private final int[] stride;
  private final Padding padding;

  public AvgPool(int[] window, int[] stride, Padding padding) {
    SpatialSpec.check(window, "AvgPool", "window");
    SpatialSpec.check(stride, "AvgPool", "stride");
    this.window = window.clone();
    this.stride = stride.clone();
    this.padding = Objects.requireNonNull(padding, "padding");
  }

  public static AvgPool of(int window) { return new AvgPool(new int[] {window}, new int[] {1}, Padding.VALID); }

  public int[] window() { return window.clone(); }
  public int[] stride() { return stride.clone(); }
  public Padding padding() { return padding; }

  @Override public Shape outputShape(Shape input, Parameterization p) {
    if (input.isFlat()) {
      throw new ArchitectureException(this + ": AvgPool needs spatial inputs (L, C) or (H, W, C) but gets the flat shape "
          + input);
    }
    if (input.spatialRank() > 2) {
      throw new ArchitectureException(this + ": AvgPool supports 1 or 2 spatial axes, input shape " + input);
    }
    int rank = input.spatialRank();
    int[] w = SpatialSpec.expand(window, rank, toString(), "window");
    int[] s = SpatialSpec.expand(stride, rank, toString(), "stride");
    return Shape.of(SpatialSpec.outputSpatial(input, w, s, padding, toString(), "window"), input.channels());
  }

  @Override public boolean needsFullCovariance() { return true; }

  private ConvGeometry geometry(int[] in) {
    int rank = in.length;
    return SpatialSpec.geometry(in, SpatialSpec.expand(window, rank, toString(), "window"),
        SpatialSpec.expand(stride, rank, toString(), "stride"), padding);
  }

  @Override public void applyKernel(KernelState s, KernelContext ctx) {
    if (!s.isFull()) {
      throw new ArchitectureException(this + ": pooling needs the full spatial covariance; use spatial mode FULL or AUTO");
    }
    int[] in = s.spatial();
    ConvGeometry g = geometry(in);
    int pairs = s.pairCount();
    int outP = g.outPositions();
    double[] an = s.scratch(pairs * outP * outP);
    double[] at = s.scratch(an.length);
    SpatialKernels.poolFull(s.nngp, an, pairs, g, s.exactSums());
    SpatialKernels.poolFull(s.ntk, at, pairs, g, s.exactSums());
    s.reshape(in.length == 1 ? new int[] {g.outW()} : new int[] {g.outH(), g.outW()}, true, an, at);
  }

  @Override public FiniteLayer instantiate(Shape input, Parameterization p) {
    Shape out = outputShape(input, p);
    ConvGeometry g = geometry(input.spatialDims());
    int c = input.channels();
    double inv = 1.0 / g.filterSize();
    return new FiniteLayer() {
      @Override public Shape inputShape() { return input; }
      @Override public Shape outputShape() { return out; }
      @Override public int parameterCount() { return 0; }
      @Override public void initialize(double[] params, int offset, SplittableRandom rng) {}

      @Override public Forward forward(double[] params, int offset, double[] x, int batch) {
        double[] cols = Im2col.patches(x, batch, g, c);
        int rows = batch * g.outPositions(), f = g.filterSize();
        double[] y = new double[rows * c];
        for (int r = 0; r < rows; r++) {
          for (int t = 0; t < f; t++) {
            int src = (r * f + t) * c;
            for (int j = 0; j < c; j++) y[r * c + j] += cols[src + j];
          }
          for (int j = 0; j < c; j++) y[r * c + j] *= inv;
        }
        return new Forward(x, y, null);
      }

      @Override public double[] backward(double[] params, int offset, Forward fw, double[] dy, int batch, double[] grad) {
        int rows = batch * g.outPositions(), f = g.filterSize();
        double[] dcols = new double[rows * f * c];
        for (int r = 0; r < rows; r++) {
          for (int t = 0; t < f; t++) {
            int dst = (r * f + t) * c;
            for (int j = 0; j < c; j++) dcols[dst + j] = dy[r * c + j] * inv;
          }
        }
        return Im2col.scatter(dcols, batch, g, c);
      }
    };
  }

  @Override public boolean equals(Object o) {
    return o instanceof AvgPool a && Arrays.equals(a.window, window) && Arrays.equals(a.stride, stride)
        && a.padding == padding;
  }

  @Override public int hashCode() { return Objects.hash(Arrays.hashCode(window), Arrays.hashCode(stride), padding); }

  @Override public String toString() {
    StringBuilder sb = new StringBuilder("AvgPool(").append(SpatialSpec.format(window));
    if (!SpatialSpec.allOnes(stride)) sb.append(", stride=").append(SpatialSpec.format(stride));
    if (padding != Padding.VALID) sb.append(", padding=").append(padding);
    return sb.append(')').toString();
  }
}
