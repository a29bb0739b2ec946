package org.ntk4j.gpu;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import org.ntk4j.Inputs;
import org.ntk4j.Shape;
import org.ntk4j.io.ArchitectureParser;
import org.ntk4j.kernel.Backends;
import org.ntk4j.kernel.KernelBackend;
import org.ntk4j.kernel.KernelFunction;
import org.ntk4j.kernel.Kernels;
import org.ntk4j.layers.Layer;

/**
 * The GPU targets, runnable on any backend:
 * <ul>
 *   <li>FC: {@code Dense -> Relu} × 3 → Dense on n × d inputs (target n = 50,000, d = 3072: the full symmetric Θ in under
 *       10 s on one H100). On the GPU the tiles are streamed and checksummed, not stored (n² does not fit a Java array).
 *       Rate: Dot2 counts 11 flops per feature per pair (mul, fma = 2, 8 adds); fraction of {@code --peak-tflops}
 *       (default 34, the FP64 vector peak of an H100/H200 SXM).</li>
 *   <li>CNN: {@code Conv(3x3, SAME) -> Relu} × depth → GlobalAvgPool → Dense on size × size × 3 inputs (target: depth 21,
 *       32 × 32, ≤ 0.5 ms per NTK entry on one H100): the full-covariance path on the GPU (ntk_full), else the CPU, with
 *       the backend named; {@code --cnn-readout flatten} measures the same network with a Flatten readout (diagonal
 *       mode). {@code --cnn-check K} recomputes the K × K leading block on the CPU in the same run and adds a line with
 *       the largest relative difference and the CPU / measured time-per-entry ratio.</li>
 * </ul>
 * {@code java org.ntk4j.gpu.GpuBench [--backend cpu|gpu|auto] [--fc-n N] [--fc-d D] [--cnn-n N] [--cnn-size S]
 * [--cnn-depth L] [--cnn-readout gap|flatten] [--cnn-check K] [--peak-tflops T] [--out FILE]}; one line per measurement, also written to FILE.
 */
public final class GpuBench {
  private GpuBench() {}

  /** Options with the targets' defaults. */
  public static final class Options {
    public KernelBackend.Choice backend = KernelBackend.Choice.AUTO;
    public int fcN = 50_000, fcD = 3072, cnnN = 4, cnnSize = 32, cnnDepth = 21, cnnCheck = 0;
    public double peakTflops = 34;
    public boolean cnnFlatten = false;
    public Path out;

    public static Options parse(String[] args) {
      Options o = new Options();
      for (int i = 0; i < args.length; i++) {
        String a = args[i];
        if (i + 1 >= args.length) throw new IllegalArgumentException(a + " needs a value");
        String v = args[++i];
        switch (a) {
          case "--backend" -> o.backend = KernelBackend.Choice.parse(v);
          case "--fc-n" -> o.fcN = Integer.parseInt(v);
          case "--fc-d" -> o.fcD = Integer.parseInt(v);
          case "--cnn-n" -> o.cnnN = Integer.parseInt(v);
          case "--cnn-size" -> o.cnnSize = Integer.parseInt(v);
          case "--cnn-depth" -> o.cnnDepth = Integer.parseInt(v);
          case "--cnn-check" -> o.cnnCheck = Integer.parseInt(v);
          case "--peak-tflops" -> o.peakTflops = Double.parseDouble(v);
          case "--cnn-readout" -> {
            if (!v.equals("gap") && !v.equals("flatten")) throw new IllegalArgumentException("--cnn-readout gap|flatten, got " + v);
            o.cnnFlatten = v.equals("flatten");
          }
          case "--out" -> o.out = Path.of(v);
          default -> throw new IllegalArgumentException("unknown option " + a);
        }
      }
      return o;
    }
  }

  public static void main(String[] args) throws IOException {
    for (String line : run(Options.parse(args))) System.out.println(line);
  }

  /** Runs both benchmarks (a size of 0 skips one); returns the report lines. */
  public static List<String> run(Options o) throws IOException {
    List<String> lines = new ArrayList<>();
    lines.add("device: " + CudaRuntime.status());
    if (o.fcN > 0) lines.add(fc(o));
    if (o.cnnN > 0) lines.addAll(cnn(o));
    if (o.out != null) Files.write(o.out, lines, StandardCharsets.UTF_8);
    return lines;
  }

  static Layer fcArchitecture() {
    return ArchitectureParser.parse("Dense(W_std=1.4142, b_std=0.05) -> Relu -> Dense(W_std=1.4142, b_std=0.05) -> Relu"
        + " -> Dense(W_std=1.4142, b_std=0.05) -> Relu -> Dense(W_std=1.4142)");
  }

  static Layer cnnArchitecture(int depth, boolean flatten) {
    StringBuilder sb = new StringBuilder();
    for (int l = 0; l < depth; l++) sb.append("Conv(3x3, padding=SAME, W_std=1.4142, b_std=0.05) -> Relu -> ");
    return ArchitectureParser.parse(sb.append(flatten ? "Flatten" : "GlobalAvgPool").append(" -> Dense(W_std=1.4142)").toString());
  }

  /**
   * Flops counted per covariance entry and Conv → Relu layer: 9 taps × 2 adds (Σ and Θ), 4 for the affine part, 16 for
   * the ReLU dual map (√, arc tangent and the products, one each). For the 21-layer 32 × 32 network with pooling that
   * is 0.84 GFLOP per NTK entry, 25 µs at 34 TFLOPS: the arithmetic lower bound. Compensated (TwoSum) sums
   * execute about 6× the adds counted here; they are not counted.
   */
  static final int CNN_FLOPS_PER_ENTRY = 9 * 2 + 4 + 16;

  /** Counted flops per NTK entry: (size²)² entries per layer with pooling (full covariance), size² with Flatten. */
  static double cnnFlopsPerEntry(int depth, int size, boolean flatten) {
    double p = (double) size * size;
    return (double) depth * (flatten ? p : p * p) * CNN_FLOPS_PER_ENTRY;
  }

  /** The arithmetic the backend runs: float32 for a float32 CudaBackend, else float64. */
  static String precision(KernelBackend b) {
    return b instanceof CudaBackend g && g.precision() == CudaBackend.Precision.FLOAT32 ? "float32" : "float64";
  }

  static Inputs random(int n, Shape shape, long seed) {
    SplittableRandom r = new SplittableRandom(seed);
    double[] x = new double[n * shape.size()];
    for (int i = 0; i < x.length; i++) x[i] = r.nextGaussian();
    return new Inputs(n, shape, x);
  }

  static String fc(Options o) {
    Inputs x = random(o.fcN, Shape.flat(o.fcD), 1);
    KernelFunction kf = KernelFunction.of(fcArchitecture()).backend(o.backend).build();
    Backends.Selection sel = kf.selectBackend(x.shape());
    long pairs = (long) o.fcN * (o.fcN + 1) / 2;
    double[] check = {0};
    long t0 = System.nanoTime();
    if (sel.backend() instanceof CudaBackend gpu) {
      gpu.stream(kf, x, x, true, null, (t, a, b) -> {
        for (int k = 0; k < b.limit(); k += 97) check[0] += b.get(k);
      });
    } else {
      Kernels k = kf.compute(x);
      for (int i = 0; i < k.ntk().length; i += 97) check[0] += k.ntk()[i];
    }
    double s = (System.nanoTime() - t0) * 1e-9;
    double flops = 11.0 * o.fcD * pairs;
    return String.format(Locale.ROOT, "fc n=%d d=%d 3xRelu on %s%s: %.3f s (%.1f Mpairs/s, Dot2 %.1f GFLOP/s = %.1f%%"
            + " of %.0f TFLOPS float64 peak) checksum %.6e", o.fcN, o.fcD, sel.backend(),
        sel.note() == null ? "" : " [" + sel.note() + "]", s, pairs / s * 1e-6, flops / s * 1e-9,
        100 * flops / s / (o.peakTflops * 1e12), o.peakTflops, check[0]);
  }

  static List<String> cnn(Options o) {
    Inputs x = random(o.cnnN, Shape.fromDims(o.cnnSize, o.cnnSize, 3), 2);
    KernelFunction kf = KernelFunction.of(cnnArchitecture(o.cnnDepth, o.cnnFlatten)).backend(o.backend).build();
    Backends.Selection sel = kf.selectBackend(x.shape());
    long t0 = System.nanoTime();
    Kernels k = kf.compute(x);
    double s = (System.nanoTime() - t0) * 1e-9;
    long entries = (long) o.cnnN * (o.cnnN + 1) / 2;
    double flops = cnnFlopsPerEntry(o.cnnDepth, o.cnnSize, o.cnnFlatten) * entries;
    List<String> out = new ArrayList<>();
    out.add(String.format(Locale.ROOT, "cnn depth=%d %dx%dx3 %s n=%d on %s%s: %.3f s, %.3f ms per NTK entry"
            + " (%d entries of the upper triangle; %.1f GFLOP/s = %.2f%% of %.0f TFLOPS %s peak, counting %d flops"
            + " per entry and layer) ntk(0,0)=%.6e", o.cnnDepth, o.cnnSize, o.cnnSize,
        o.cnnFlatten ? "Flatten" : "GlobalAvgPool", o.cnnN,
        sel.backend(), sel.note() == null ? "" : " [" + sel.note() + "]", s, 1e3 * s / entries, entries,
        flops / s * 1e-9, 100 * flops / s / (o.peakTflops * 1e12), o.peakTflops, precision(sel.backend()),
        CNN_FLOPS_PER_ENTRY, k.ntk(0, 0)));
    if (o.cnnCheck > 0) {
      int m = Math.min(o.cnnCheck, o.cnnN);
      double[] sub = java.util.Arrays.copyOf(x.data(), m * x.shape().size());
      Inputs xm = new Inputs(m, x.shape(), sub);
      KernelFunction cpu = KernelFunction.of(kf.architecture()).backend(KernelBackend.Choice.CPU).build();
      long c0 = System.nanoTime();
      Kernels ref = cpu.compute(xm);
      double cs = (System.nanoTime() - c0) * 1e-9;
      double dn = 0, dt = 0;
      for (int i = 0; i < m; i++) {
        for (int j = 0; j < m; j++) {
          dn = Math.max(dn, Math.abs(k.nngp(i, j) - ref.nngp(i, j)) / Math.abs(ref.nngp(i, j)));
          dt = Math.max(dt, Math.abs(k.ntk(i, j) - ref.ntk(i, j)) / Math.abs(ref.ntk(i, j)));
        }
      }
      long me = (long) m * (m + 1) / 2;
      out.add(String.format(Locale.ROOT, "cnn check: cpu on the first %d inputs %.3f s, %.3f ms per NTK entry (%.1fx the"
          + " time per entry above); max relative difference NNGP %.3g, NTK %.3g", m, cs, 1e3 * cs / me,
          (cs / me) / (s / entries), dn, dt));
    }
    return out;
  }
}
