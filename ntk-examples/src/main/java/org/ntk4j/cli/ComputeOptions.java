package org.ntk4j.cli;

import org.ntk4j.gpu.CudaBackend;
import org.ntk4j.kernel.Backends;
import org.ntk4j.kernel.KernelBackend;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.TypeConversionException;

/**
 * Options shared by every command that computes kernels: {@code --threads}, {@code --memory}, {@code --backend},
 * {@code --gpu-precision}.
 */
public final class ComputeOptions {
  @Option(names = "--backend", paramLabel = "cpu|gpu|auto", converter = BackendChoice.class,
      description = "Where the kernel is computed: cpu (the multithreaded tiles), gpu (CUDA; an error without a device),"
          + " auto (default: the GPU when a CUDA device is present and the architecture runs on it, else the CPU).")
  KernelBackend.Choice backend;

  @Option(names = "--gpu-precision", paramLabel = "float64|float32", converter = GpuPrecision.class,
      description = "Arithmetic of the GPU backend: float64 (default; equal to the CPU to 1e-12 relative) or float32"
          + " (about 1e-7 relative, half the device memory per pair). No effect on the CPU.")
  CudaBackend.Precision gpuPrecision;

  @Mixin ThreadsOption threads = new ThreadsOption();

  @Option(names = "--memory", paramLabel = "SIZE", converter = ByteSize.class,
      description = "Working memory for kernel tiles, e.g. 512m, 4g (default: half the Java heap, less the results). "
          + "The result matrices are extra.")
  Long memory;

  /** The thread count: the option, or all available processors. */
  public int threads() { return threads.threads(); }

  /** Whether {@code --threads} was given. */
  public boolean threadsGiven() { return threads.given(); }

  /** The backend choice as given (AUTO when not given), without checking for a device. */
  public KernelBackend.Choice backendChoice() { return backend != null ? backend : KernelBackend.Choice.AUTO; }

  /**
   * The backend choice; {@code --backend gpu} on a machine without a CUDA device is refused here, on one line
   * ({@code ntk: error: --backend gpu: no CUDA device: ...}, exit code 2).
   */
  public KernelBackend.Choice backend() {
    KernelBackend.Choice c = backendChoice();
    if (c == KernelBackend.Choice.GPU) {
      KernelBackend gpu = Backends.accelerator("gpu");
      String why = gpu == null ? "no GPU backend on the class path (module ntk-gpu)" : gpu.unavailable();
      if (why != null) throw new CliException("--backend gpu: " + why + "; use --backend cpu or auto");
    }
    return c;
  }

  /** The GPU backend for {@code --gpu-precision float32}, else null (the registered float64 one). */
  public KernelBackend gpuBackend() {
    return gpuPrecision == CudaBackend.Precision.FLOAT32 ? new CudaBackend(CudaBackend.Precision.FLOAT32) : null;
  }

  /** Parses float64 or float32. */
  public static final class GpuPrecision implements ITypeConverter<CudaBackend.Precision> {
    @Override public CudaBackend.Precision convert(String s) {
      return switch (s.trim().toLowerCase(java.util.Locale.ROOT)) {
        case "float64", "f64", "double" -> CudaBackend.Precision.FLOAT64;
        case "float32", "f32", "float" -> CudaBackend.Precision.FLOAT32;
        default -> throw new TypeConversionException("expected float64 or float32 but was '" + s + "'");
      };
    }
  }

  /** Parses cpu, gpu or auto. */
  public static final class BackendChoice implements ITypeConverter<KernelBackend.Choice> {
    @Override public KernelBackend.Choice convert(String s) {
      try {
        return KernelBackend.Choice.parse(s);
      } catch (IllegalArgumentException e) {
        throw new TypeConversionException("expected cpu, gpu or auto but was '" + s + "'");
      }
    }
  }

  /** The memory budget in bytes, or null when not given. */
  public Long memory() { return memory; }

  /** Parses a positive integer. */
  public static final class PositiveInt implements ITypeConverter<Integer> {
    @Override public Integer convert(String s) {
      try {
        int v = Integer.parseInt(s.trim());
        if (v >= 1) return v;
      } catch (NumberFormatException ignored) {
        // below
      }
      throw new TypeConversionException("expected a positive integer but was '" + s + "'");
    }
  }

  /** Parses a size in bytes: {@code 1048576}, {@code 512k}, {@code 512m}, {@code 4g}, {@code 1.5G}, {@code 2GiB}, {@code 1t}. */
  public static final class ByteSize implements ITypeConverter<Long> {
    private static final java.util.regex.Pattern P =
        java.util.regex.Pattern.compile("(?i)\\s*(\\d+(?:\\.\\d*)?|\\.\\d+)\\s*([kmgt]?)(?:i?b)?\\s*");

    @Override public Long convert(String s) { return parse(s); }

    public static long parse(String s) {
      java.util.regex.Matcher m = P.matcher(s);
      if (!m.matches()) {
        throw new TypeConversionException("expected a size like 512m, 4g or a number of bytes but was '" + s + "'");
      }
      double v = Double.parseDouble(m.group(1));
      String unit = m.group(2).toLowerCase(java.util.Locale.ROOT);
      int shift = switch (unit) {
        case "k" -> 10;
        case "m" -> 20;
        case "g" -> 30;
        case "t" -> 40;
        default -> 0;
      };
      double bytes = Math.floor(v * Math.pow(2, shift));
      if (!(bytes >= 1)) throw new TypeConversionException("must be at least 1 byte but was '" + s + "'");
      if (bytes > Long.MAX_VALUE / 2) throw new TypeConversionException("is too large: '" + s + "'");
      return (long) bytes;
    }
  }
}
