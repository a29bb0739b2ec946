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
import org.ntk4j.linalg.DenseLinalg;

/**
 * Convolution with shared weights {@code Conv([channels,] filter, stride=1, padding=VALID, W_std=1, b_std)} on
 * channels-last 1-D {@code (L, C)} or 2-D {@code (H, W, C)} inputs, as neural-tangents' {@code stax.Conv} (whose
 * defaults these are: VALID padding, stride 1, no bias unless b_std is given).
 *
 * <p>{@code filter} and {@code stride} are written {@code 3} — the same size along every spatial axis, so on an image
 * {@code 3} means a 3 × 3 filter — or per axis, {@code 3x3}, {@code 5x3} (rows × columns). Padding: see {@link Padding}.
 *
 * <p>Kernel rule (fan-in = C·|filter|): with A(K)[q, q'] = Σ_t K[s·q + t − pad, s·q' + t − pad] / |filter| (padded taps
 * contribute zero; CIRCULAR wraps), NTK parameterisation Σ' = W_std²·A(Σ) + b_std², Θ' = W_std²·A(Θ) + Σ'; standard
 * parameterisation Θ' = fan-in·A(Σ) + W_std²·A(Θ) (+1 with a bias), Σ' as before. On per-position variances (diagonal
 * mode) A sums the diagonal only. Finite twin: im2col and one gemm, y = W_std/√fan-in · patches·W + b_std·b (NTK) or
 * patches·W + b with W ~ N(0, W_std²/fan-in), b ~ N(0, b_std²) (standard).
 */
public final class Conv implements Parametric {
  private final int width;
  private final int[] filter;
  private final int[] stride;
  private final Padding padding;
  private final double wStd;
  private final double bStd; // NaN: no bias

  public Conv(int width, int[] filter, int[] stride, Padding padding, double wStd, double bStd) {
    if (width < 0) throw new ArchitectureException("Conv: channels must be positive, got " + width);
    SpatialSpec.check(filter, "Conv", "filter");
    SpatialSpec.check(stride, "Conv", "stride");
    if (!(wStd >= 0) || Double.isInfinite(wStd)) throw new ArchitectureException("Conv: W_std must be finite and >= 0, got " + wStd);
    if (!Double.isNaN(bStd) && (bStd < 0 || Double.isInfinite(bStd))) {
      throw new ArchitectureException("Conv: b_std must be finite and >= 0, got " + bStd);
    }
    this.width = width;
    this.filter = filter.clone();
    this.stride = stride.clone();
    this.padding = Objects.requireNonNull(padding, "padding");
    this.wStd = wStd;
    this.bStd = bStd;
  }

  /** Square (or 1-D) filter of the given size, stride 1, unstated width, no bias. */
  public static Conv of(int filter, Padding padding, double wStd) {
    return new Conv(0, new int[] {filter}, new int[] {1}, padding, wStd, Double.NaN);
  }

  public static Conv of(int filter, Padding padding, double wStd, double bStd) {
    return new Conv(0, new int[] {filter}, new int[] {1}, padding, wStd, bStd);
  }

  @Override public int width() { return width; }
  public int[] filter() { return filter.clone(); }
  public int[] stride() { return stride.clone(); }
  public Padding padding() { return padding; }
  public double wStd() { return wStd; }
  public double bStd() { return bStd; }
  public boolean hasBias() { return !Double.isNaN(bStd); }

  @Override public Conv withWidth(int w) { return new Conv(w, filter, stride, padding, wStd, bStd); }

  @Override public Shape outputShape(Shape input, Parameterization p) {
    if (input.isFlat()) {
      throw new ArchitectureException(this + ": Conv needs spatial inputs (L, C) or (H, W, C) but gets the flat shape "
          + input);
    }
    if (input.spatialRank() > 2) {
      throw new ArchitectureException(this + ": Conv supports 1 or 2 spatial axes, input shape " + input + " has "
          + input.spatialRank());
    }
    int rank = input.spatialRank();
    int[] f = SpatialSpec.expand(filter, rank, toString(), "filter");
    int[] s = SpatialSpec.expand(stride, rank, toString(), "stride");
    int[] out = SpatialSpec.outputSpatial(input, f, s, padding, toString(), "filter");
    if (p == Parameterization.STANDARD && !input.hasWidth()) {
      throw new ArchitectureException(this + ": the standard parameterization needs the channel count of the layer before"
          + " it; state the widths in the architecture, e.g. Conv(64, 3x3)");
    }
    return Shape.of(out, width);
  }

  private ConvGeometry geometry(int[] in) {
    int rank = in.length;
    return SpatialSpec.geometry(in, SpatialSpec.expand(filter, rank, toString(), "filter"),
        SpatialSpec.expand(stride, rank, toString(), "stride"), padding);
  }

  @Override public void applyKernel(KernelState s, KernelContext ctx) {
    int[] in = s.spatial();
    if (in.length == 0) throw new ArchitectureException(this + ": Conv needs spatial inputs, the kernel state is flat");
    ConvGeometry g = geometry(in);
    int pairs = s.pairCount();
    int outP = g.outPositions();
    int len = pairs * (s.isFull() ? outP * outP : outP);
    double[] an = s.scratch(len);
    double[] at = s.scratch(len);
    boolean exact = s.exactSums();
    if (s.isFull()) {
      SpatialKernels.convFull(s.nngp, an, pairs, g, exact);
      SpatialKernels.convFull(s.ntk, at, pairs, g, exact);
    } else {
      SpatialKernels.convDiagonal(s.nngp, an, pairs, g, exact);
      SpatialKernels.convDiagonal(s.ntk, at, pairs, g, exact);
    }
    double w2 = wStd * wStd;
    double b2 = hasBias() ? bStd * bStd : 0.0;
    if (s.parameterization() == Parameterization.NTK) {
      for (int i = 0; i < len; i++) {
        double gv = w2 * an[i] + b2;
        an[i] = gv;
        at[i] = w2 * at[i] + gv;
      }
    } else {
      double fan = (double) s.width() * g.filterSize();
      double one = hasBias() ? 1.0 : 0.0;
      for (int i = 0; i < len; i++) {
        double gv = an[i];
        at[i] = fan * gv + w2 * at[i] + one;
        an[i] = w2 * gv + b2;
      }
    }
    int[] outSpatial = in.length == 1 ? new int[] {g.outW()} : new int[] {g.outH(), g.outW()};
    s.reshape(outSpatial, s.isFull(), an, at);
    s.setWidth(width);
  }

  @Override public FiniteLayer instantiate(Shape input, Parameterization p) {
    Shape out = outputShape(input, p);
    if (width <= 0) throw new ArchitectureException(this + ": a finite network needs the channels of every layer");
    if (!input.hasWidth()) throw new ArchitectureException(this + ": a finite network needs the input channels");
    return new Finite(input, out, geometry(input.spatialDims()), p);
  }

  @Override public boolean equals(Object o) {
    return o instanceof Conv c && c.width == width && Arrays.equals(c.filter, filter) && Arrays.equals(c.stride, stride)
        && c.padding == padding && Double.compare(c.wStd, wStd) == 0 && Double.compare(c.bStd, bStd) == 0;
  }

  @Override public int hashCode() {
    return Objects.hash(width, Arrays.hashCode(filter), Arrays.hashCode(stride), padding, wStd, bStd);
  }

  @Override public String toString() {
    StringBuilder sb = new StringBuilder("Conv(");
    if (width > 0) sb.append(width).append(", ");
    sb.append(SpatialSpec.format(filter));
    if (!SpatialSpec.allOnes(stride)) sb.append(", stride=").append(SpatialSpec.format(stride));
    if (padding != Padding.VALID) sb.append(", padding=").append(padding);
    if (wStd != 1.0) sb.append(", W_std=").append(wStd);
    if (hasBias()) sb.append(", b_std=").append(bStd);
    return sb.append(')').toString();
  }

  /** Weights stored (tap row, tap column, input channel) × output channel, row-major, then the bias. */
  private final class Finite implements FiniteLayer {
    private final Shape in;
    private final Shape out;
    private final ConvGeometry g;
    private final Parameterization p;
    private final int cin, cout, k, q;

    Finite(Shape in, Shape out, ConvGeometry g, Parameterization p) {
      this.in = in;
      this.out = out;
      this.g = g;
      this.p = p;
      this.cin = in.channels();
      this.cout = width;
      this.k = g.filterSize() * cin;
      this.q = g.outPositions();
    }

    private double wScale() { return p == Parameterization.NTK ? wStd / Math.sqrt(k) : 1.0; }

    private double bScale() { return p == Parameterization.NTK ? bStd : 1.0; }

    @Override public Shape inputShape() { return in; }
    @Override public Shape outputShape() { return out; }
    @Override public int parameterCount() { return k * cout + (hasBias() ? cout : 0); }

    @Override public void initialize(double[] params, int offset, SplittableRandom rng) {
      double ws = p == Parameterization.NTK ? 1.0 : wStd / Math.sqrt(k);
      double bs = p == Parameterization.NTK ? 1.0 : bStd;
      int nw = k * cout;
      for (int i = 0; i < nw; i++) params[offset + i] = ws * rng.nextGaussian();
      if (hasBias()) for (int i = 0; i < cout; i++) params[offset + nw + i] = bs * rng.nextGaussian();
    }

    @Override public Forward forward(double[] params, int offset, double[] x, int batch) {
      double[] cols = Im2col.patches(x, batch, g, cin);
      int rows = batch * q;
      double[] y = new double[rows * cout];
      DenseLinalg.get().gemm(rows, cout, k, wScale(), cols, 0, params, offset, false, 0.0, y, 0);
      if (hasBias()) {
        double bs = bScale();
        int bo = offset + k * cout;
        for (int r = 0; r < rows; r++) for (int j = 0; j < cout; j++) y[r * cout + j] += bs * params[bo + j];
      }
      return new Forward(x, y, cols);
    }

    @Override public double[] backward(double[] params, int offset, Forward f, double[] dy, int batch, double[] grad) {
      double ws = wScale();
      double[] cols = (double[]) f.saved();
      int rows = batch * q;
      if (grad != null) {
        double[] colsT = Dense.transpose(cols, rows, k);
        DenseLinalg.get().gemm(k, cout, rows, ws, colsT, 0, dy, 0, false, 1.0, grad, offset);
        if (hasBias()) {
          double bs = bScale();
          int bo = offset + k * cout;
          for (int r = 0; r < rows; r++) for (int j = 0; j < cout; j++) grad[bo + j] += bs * dy[r * cout + j];
        }
      }
      double[] dcols = new double[rows * k];
      DenseLinalg.get().gemm(rows, k, cout, ws, dy, 0, params, offset, true, 0.0, dcols, 0);
      return Im2col.scatter(dcols, batch, g, cin);
    }
  }
}
