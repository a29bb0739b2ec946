package org.ntk4j.gpu;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteOrder;
import java.nio.DoubleBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import jcuda.Pointer;
import jcuda.Sizeof;
import jcuda.driver.CUcontext;
import jcuda.driver.CUdevice;
import jcuda.driver.CUdeviceptr;
import jcuda.driver.CUfunction;
import jcuda.driver.CUmodule;
import jcuda.driver.CUstream;
import jcuda.driver.JCudaDriver;
import org.ntk4j.Inputs;
import org.ntk4j.Shape;
import org.ntk4j.kernel.KernelBackend;
import org.ntk4j.kernel.KernelFunction;
import org.ntk4j.kernel.Kernels;

/**
 * The CUDA backend: lowers the architecture ({@link GpuProgram}), uploads the inputs once, runs the self pass (per-input
 * variances, the tape) and then the fused tile kernel over the {@link TilePlan}, several tiles in flight on separate
 * streams; tiles come back to the host as they finish. JCuda driver API only (no runtime, cuBLAS or cuDNN libraries).
 *
 * <p>float64 by default; {@link Precision#FLOAT32} computes in single precision (results still returned as float64).
 * Registered as the {@code gpu} backend through {@code META-INF/services}; {@code -Dntk4j.gpu.precision=float32} sets the
 * registered instance's precision.
 */
public final class CudaBackend implements KernelBackend {
  /** Arithmetic on the device. */
  public enum Precision { FLOAT64, FLOAT32 }

  /** Tile side cap: 2048² pairs × Σ, Θ × 8 B = 64 MiB per stream. */
  static final int MAX_SIDE = 2048;
  static final int STREAMS = 3;
  /** Threads per pair (block) in the convolutional kernels. */
  static final int CONV_THREADS = 128;
  private static final String PTX = "ntk_fc.ptx";

  private final Precision precision;
  private final int maxSide;
  private String moduleFailure;
  private CUcontext context;
  /** The loaded modules (ntk_fc, ntk_conv, ntk_full); null until the first use. */
  private List<CUmodule> modules;
  /** Every kernel of the modules by name ({@code ntk_fc_tile_f64}, ...). */
  private final java.util.Map<String, CUfunction> kernels = new java.util.HashMap<>();
  private FullSchedule.Config fullConfig = FullSchedule.Config.DEFAULT;

  /** The registered instance (ServiceLoader): float64 unless {@code -Dntk4j.gpu.precision=float32}. */
  public CudaBackend() {
    this("float32".equalsIgnoreCase(System.getProperty("ntk4j.gpu.precision", "")) ? Precision.FLOAT32 : Precision.FLOAT64);
  }

  public CudaBackend(Precision precision) { this(precision, MAX_SIDE); }

  /** With a smaller tile cap (a multiple of {@link TilePlan#BLOCK}), e.g. to exercise many tiles and streams in tests. */
  public CudaBackend(Precision precision, int maxSide) {
    this.precision = java.util.Objects.requireNonNull(precision);
    if (maxSide < TilePlan.BLOCK || maxSide % TilePlan.BLOCK != 0) {
      throw new IllegalArgumentException("maxSide must be a positive multiple of " + TilePlan.BLOCK + ", got " + maxSide);
    }
    this.maxSide = maxSide;
  }

  public Precision precision() { return precision; }

  private int fullSideCap = 1024;
  /** Staged Conv and fused nonlinearities in the full-covariance path (off: the per-entry kernels only). */
  private boolean fullStaged = !"false".equalsIgnoreCase(System.getProperty("ntk4j.gpu.staged", ""));

  /**
   * Turns the shared-memory staging (and fusion) of the full-covariance convolutions on or off; off runs the per-entry
   * kernels, bitwise the same results (a diagnostic: {@code -Dntk4j.gpu.staged=false} sets it for the registered
   * instance).
   */
  public synchronized CudaBackend staged(boolean on) {
    fullStaged = on;
    return this;
  }

  /** Caps the side of the pair batches of full-covariance programs (tests: many batches and edge tiles). */
  synchronized CudaBackend fullBatchSide(int cap) {
    if (cap < 1) throw new IllegalArgumentException("batch side must be >= 1, got " + cap);
    fullSideCap = cap;
    return this;
  }

  @Override public String name() { return "gpu"; }

  /**
   * Null when a device is present and our PTX loads on it; otherwise why not (no device, or a driver too old for the
   * PTX ISA: ntk_fc.ptx is PTX 9.0 from nvcc 13, which needs a CUDA 13 driver). Checked once.
   */
  @Override public synchronized String unavailable() {
    String why = CudaRuntime.status().reason();
    if (why != null) return why;
    if (moduleFailure == null && modules == null) {
      try {
        ensureModule();
      } catch (RuntimeException | LinkageError e) {
        moduleFailure = "CUDA device " + CudaRuntime.status().deviceName() + " cannot load our PTX (PTX ISA 9.0 from"
            + " nvcc 13 needs a driver for CUDA 13 or newer): " + CudaRuntime.oneLine(e);
      }
    }
    return moduleFailure;
  }

  @Override public String unsupported(KernelFunction kf, Shape shape) {
    try {
      GpuProgram.lower(kf.architecture(), shape, kf.parameterization(), kf.usesFullCovariance(shape));
      return null;
    } catch (GpuProgram.Unsupported e) {
      return e.getMessage();
    }
  }

  /**
   * Receives finished tiles on the calling thread: Σ and Θ of the tile, row-major rows × cols values from index 0. The
   * buffers are the backend's (pinned) staging memory, valid only during the call: copy what you keep.
   */
  public interface TileSink {
    void accept(TilePlan.Tile tile, DoubleBuffer nngp, DoubleBuffer ntk);
  }

  @Override public Kernels compute(KernelFunction kf, Inputs x1, Inputs x2, boolean symmetric,
                                   KernelFunction.Progress progress) {
    int n1 = x1.n(), n2 = x2.n();
    long cells = (long) n1 * n2;
    if (cells > Integer.MAX_VALUE - 8) {
      throw new IllegalArgumentException("a " + n1 + " x " + n2 + " kernel does not fit in one Java array; stream it with"
          + " CudaBackend.stream or compute it in blocks");
    }
    double[] nngp = new double[(int) cells];
    double[] ntk = new double[(int) cells];
    stream(kf, x1, x2, symmetric, progress, (t, a, b) -> {
      for (int r = 0; r < t.rows(); r++) {
        int gi = t.i0() + r;
        for (int c = 0; c < t.cols(); c++) {
          int gj = t.j0() + c;
          if (symmetric && gj < gi) continue;
          int k = r * t.cols() + c;
          double vn = a.get(k), vt = b.get(k);
          nngp[gi * n2 + gj] = vn;
          ntk[gi * n2 + gj] = vt;
          if (symmetric) {
            nngp[gj * n2 + gi] = vn;
            ntk[gj * n2 + gi] = vt;
          }
        }
      }
    });
    return new Kernels(n1, n2, nngp, ntk);
  }

  /**
   * Computes the tiles of Σ and Θ between x1 and x2 ({@code symmetric}: x2 is x1, tiles on or above the diagonal only)
   * and hands each to {@code sink} as it finishes; memory use on the host is one tile per stream.
   */
  public synchronized void stream(KernelFunction kf, Inputs x1, Inputs x2, boolean symmetric,
                                  KernelFunction.Progress progress, TileSink sink) {
    String why = unavailable();
    if (why != null) throw new org.ntk4j.kernel.BackendUnavailableException(why);
    String no = unsupported(kf, x1.shape());
    if (no != null) throw new IllegalArgumentException("the GPU backend cannot compute this architecture: " + no);
    GpuProgram prog;
    try {
      prog = GpuProgram.lower(kf.architecture(), x1.shape(), kf.parameterization(), kf.usesFullCovariance(x1.shape()));
    } catch (GpuProgram.Unsupported e) {
      throw new IllegalStateException(e.getMessage());
    }
    ensureModule();
    JCudaDriver.cuCtxSetCurrent(context);
    if (prog.isFull()) {
      streamFull(prog, x1, x2, symmetric, progress, sink);
      return;
    }
    boolean f32 = precision == Precision.FLOAT32;
    String suffix = f32 ? "_f32" : "_f64";
    boolean conv = prog.isSpatial();
    int elem = f32 ? Sizeof.FLOAT : Sizeof.DOUBLE;
    int d = prog.inputDim();
    int n1 = x1.n(), n2 = x2.n();
    long[] free = {0}, total = {0};
    JCudaDriver.cuMemGetInfo(free, total);
    long inputBytes = (long) elem * d * (n1 + (symmetric ? 0 : n2));
    if (inputBytes > free[0] * 3 / 4) {
      throw new IllegalArgumentException(String.format(Locale.ROOT, "the inputs (%d x %d features) need %d MiB on the GPU,"
          + " more than 3/4 of its free %d MiB; compute the kernel in row blocks", n1 + (symmetric ? 0 : n2), d,
          inputBytes >> 20, free[0] >> 20));
    }
    int side = TilePlan.side(Math.max(free[0] / 4 - inputBytes, 1L << 20), STREAMS, n1, n2, maxSide);
    TilePlan plan = TilePlan.of(n1, n2, symmetric, side, STREAMS);
    if (progress != null) progress.start(plan.pairs());
    List<CUdeviceptr> allocated = new ArrayList<>();
    List<Pointer> pinned = new ArrayList<>();
    CUstream[] streams = new CUstream[STREAMS];
    try {
      CUdeviceptr dProg = upload(prog.packed(), allocated);
      CUdeviceptr dx1 = uploadInputs(x1, f32, allocated);
      CUdeviceptr dx2 = symmetric ? dx1 : uploadInputs(x2, f32, allocated);
      int per = Math.max(1, prog.tapePerInput());
      CUdeviceptr t1 = alloc((long) elem * per * n1, allocated);
      CUdeviceptr t2 = symmetric ? t1 : alloc((long) elem * per * n2, allocated);
      CUdeviceptr dGeom = null;
      int shared = 4 * 8 * prog.maxPositions();
      if (conv) {
        int[] g = prog.geometry();
        dGeom = alloc(4L * Math.max(1, g.length), allocated);
        if (g.length > 0) JCudaDriver.cuMemcpyHtoD(dGeom, Pointer.to(g), 4L * g.length);
        convSelf(kernel("ntk_conv_self" + suffix), dx1, n1, prog, dProg, dGeom, t1, per, shared);
        if (!symmetric) convSelf(kernel("ntk_conv_self" + suffix), dx2, n2, prog, dProg, dGeom, t2, per, shared);
      } else {
        selfPass(kernel("ntk_fc_self" + suffix), dx1, n1, d, dProg, prog.opCount(), t1);
        if (!symmetric) selfPass(kernel("ntk_fc_self" + suffix), dx2, n2, d, dProg, prog.opCount(), t2);
      }
      JCudaDriver.cuCtxSynchronize();
      long tileBytes = 8L * side * side;
      CUdeviceptr[] outA = new CUdeviceptr[STREAMS], outB = new CUdeviceptr[STREAMS];
      Pointer[] hostA = new Pointer[STREAMS], hostB = new Pointer[STREAMS];
      for (int s = 0; s < STREAMS; s++) {
        streams[s] = new CUstream();
        JCudaDriver.cuStreamCreate(streams[s], 0);
        outA[s] = alloc(tileBytes, allocated);
        outB[s] = alloc(tileBytes, allocated);
        hostA[s] = pinnedAlloc(tileBytes, pinned);
        hostB[s] = pinnedAlloc(tileBytes, pinned);
      }
      TilePlan.Tile[] inFlight = new TilePlan.Tile[STREAMS];
      CUfunction tileF = kernel((conv ? "ntk_conv_tile" : "ntk_fc_tile") + suffix);
      for (TilePlan.Tile t : plan.tiles()) {
        int s = t.stream();
        if (inFlight[s] != null) drain(streams[s], inFlight[s], hostA[s], hostB[s], sink, progress);
        if (conv) {
          LaunchArgs args = LaunchArgs.convTile(dx1, t.i0(), dx2, t.j0(), t.rows(), t.cols(), prog.positions(),
              prog.channels(), dProg, prog.opCount(), dGeom, prog.maxPositions(), t1, t2, per, outA[s], outB[s], t.cols());
          JCudaDriver.cuLaunchKernel(tileF, t.cols(), t.rows(), 1, CONV_THREADS, 1, 1, shared, streams[s],
              params(args), null);
        } else {
          LaunchArgs args = LaunchArgs.fcTile(dx1, n1, t.i0(), t.rows(), dx2, n2, t.j0(), t.cols(), d, dProg,
              prog.opCount(), t1, t2, outA[s], outB[s], t.cols());
          int[] grid = LaunchArgs.tileGrid(t.rows(), t.cols());
          JCudaDriver.cuLaunchKernel(tileF, grid[0], grid[1], 1, 16, 16, 1, 0, streams[s], params(args), null);
        }
        long bytes = 8L * t.rows() * t.cols();
        JCudaDriver.cuMemcpyDtoHAsync(hostA[s], outA[s], bytes, streams[s]);
        JCudaDriver.cuMemcpyDtoHAsync(hostB[s], outB[s], bytes, streams[s]);
        inFlight[s] = t;
      }
      for (int s = 0; s < STREAMS; s++) {
        if (inFlight[s] != null) drain(streams[s], inFlight[s], hostA[s], hostB[s], sink, progress);
      }
    } finally {
      for (CUstream st : streams) if (st != null) JCudaDriver.cuStreamDestroy(st);
      for (CUdeviceptr p : allocated) JCudaDriver.cuMemFree(p);
      for (Pointer p : pinned) JCudaDriver.cuMemFreeHost(p);
    }
  }

  /**
   * Full-covariance programs (pooling): the pairs of a tile are one batch whose P × P blocks of Σ and Θ live in two
   * buffer pairs in device memory; the host launches the program op by op (ntk_full.cu, shaped by
   * {@link FullSchedule.Config#DEFAULT}: Conv staged in shared memory with the next ReLU / Erf fused for cross pairs,
   * block-parallel reductions). The self pass runs the same program on batches of self pairs and records the diagonal
   * before each nonlinearity (the tapes). One stream: a batch computes for much longer than its result (side² values of
   * Σ and Θ) takes to copy back, so there is no transfer worth overlapping.
   */
  private void streamFull(GpuProgram prog, Inputs x1, Inputs x2, boolean symmetric, KernelFunction.Progress progress,
                          TileSink sink) {
    int n1 = x1.n(), n2 = x2.n();
    int per = Math.max(1, prog.tapePerInput());
    long[] free = {0}, total = {0};
    JCudaDriver.cuMemGetInfo(free, total);
    FullSchedule.Config config = fullConfig.withStaging(fullStaged);
    int elem = config.elem();
    long fixed = (long) elem * ((long) x1.data().length + (symmetric ? 0 : x2.data().length) + (long) per * (n1 + n2));
    long perPair = 4L * elem * prog.maxPositions() * prog.maxPositions();
    long budget = free[0] * 3 / 4 - fixed;
    if (budget < perPair) {
      throw new IllegalArgumentException(String.format(Locale.ROOT, "one pair's full covariance (%d positions: %d MiB"
          + " for Σ and Θ in two buffers) and the inputs do not fit in 3/4 of the GPU's free %d MiB",
          prog.maxPositions(), perPair >> 20, free[0] >> 20));
    }
    int side = Math.min(fullSide(budget / perPair, n1, n2), fullSideCap);
    if (progress != null) progress.start(TilePlan.of(n1, n2, symmetric, side, 1).pairs());
    List<CUdeviceptr> allocated = new ArrayList<>();
    try {
      CUdeviceptr dProg = upload(prog.packed(), allocated);
      int[] g = prog.geometry();
      CUdeviceptr dGeom = alloc(4L * Math.max(1, g.length), allocated);
      if (g.length > 0) JCudaDriver.cuMemcpyHtoD(dGeom, Pointer.to(g), 4L * g.length);
      CUdeviceptr dx1 = uploadInputs(x1, config.float32(), allocated);
      CUdeviceptr dx2 = symmetric ? dx1 : uploadInputs(x2, config.float32(), allocated);
      CUdeviceptr t1 = alloc((long) elem * per * n1, allocated);
      CUdeviceptr t2 = symmetric ? t1 : alloc((long) elem * per * n2, allocated);
      int batch = side * side;
      long block = (long) prog.maxPositions() * prog.maxPositions() * batch * elem;
      CUdeviceptr[] buf = {alloc(block, allocated), alloc(block, allocated), alloc(block, allocated),
          alloc(block, allocated)};
      FullSchedule.forEach(prog, n1, n2, symmetric, side, dProg, dGeom, dx1, dx2, t1, t2, per, buf, config, step -> {
        CUdeviceptr[] res = runFull(step.batch(), buf);
        TilePlan.Tile t = step.tile();
        if (t == null) return;
        int pairs = t.rows() * t.cols();
        sink.accept(t, DoubleBuffer.wrap(download(res[0], pairs, config.float32())),
            DoubleBuffer.wrap(download(res[1], pairs, config.float32())));
        if (progress != null) progress.advance(t.pairs());
      });
    } finally {
      for (CUdeviceptr p : allocated) JCudaDriver.cuMemFree(p);
    }
  }

  /** The first n values of a device buffer of doubles (or floats, widened). */
  private static double[] download(CUdeviceptr p, int n, boolean f32) {
    double[] out = new double[n];
    if (!f32) {
      JCudaDriver.cuMemcpyDtoH(Pointer.to(out), p, 8L * n);
      return out;
    }
    float[] f = new float[n];
    JCudaDriver.cuMemcpyDtoH(Pointer.to(f), p, 4L * n);
    for (int i = 0; i < n; i++) out[i] = f[i];
    return out;
  }

  /** Tile side for full programs: side² pairs per batch within the budget, no larger than the grid needs. */
  static int fullSide(long pairsFit, int n1, int n2) {
    int s = (int) Math.max(1, Math.min(Math.floor(Math.sqrt((double) pairsFit)), 1024));
    return Math.min(s, Math.max(n1, n2));
  }

  /** Launches one batch (in order, default stream) and returns the buffers holding its flat Σ and Θ. */
  private CUdeviceptr[] runFull(FullSchedule.Batch b, CUdeviceptr[] buf) {
    for (FullSchedule.Launch l : b.launches()) {
      JCudaDriver.cuLaunchKernel(kernel(l.kernel()), l.blocks(), 1, 1, l.threads(), 1, 1, l.sharedBytes(), null,
          params(l.args()), null);
    }
    JCudaDriver.cuCtxSynchronize();
    return new CUdeviceptr[] {buf[2 * b.result()], buf[2 * b.result() + 1]};
  }

  private CUfunction kernel(String name) {
    CUfunction f = kernels.get(name);
    if (f == null) throw new IllegalStateException("no kernel " + name);
    return f;
  }

  private static void drain(CUstream stream, TilePlan.Tile t, Pointer hostA, Pointer hostB, TileSink sink,
                            KernelFunction.Progress progress) {
    JCudaDriver.cuStreamSynchronize(stream);
    int len = t.rows() * t.cols();
    sink.accept(t, view(hostA, len), view(hostB, len));
    if (progress != null) progress.advance(t.pairs());
  }

  private static DoubleBuffer view(Pointer p, int len) {
    return p.getByteBuffer(0, 8L * len).order(ByteOrder.nativeOrder()).asDoubleBuffer();
  }

  private void selfPass(CUfunction f, CUdeviceptr x, int n, int d, CUdeviceptr prog, int nops, CUdeviceptr tape) {
    LaunchArgs args = LaunchArgs.fcSelf(x, n, d, prog, nops, tape);
    JCudaDriver.cuLaunchKernel(f, (n + 127) / 128, 1, 1, 128, 1, 1, 0, null, params(args), null);
  }

  private void convSelf(CUfunction f, CUdeviceptr x, int n, GpuProgram prog, CUdeviceptr dProg, CUdeviceptr dGeom,
                        CUdeviceptr tape, int per, int shared) {
    LaunchArgs args = LaunchArgs.convSelf(x, n, prog.positions(), prog.channels(), dProg, prog.opCount(), dGeom,
        prog.maxPositions(), tape, per);
    JCudaDriver.cuLaunchKernel(f, n, 1, 1, CONV_THREADS, 1, 1, shared, null, params(args), null);
  }

  private static Pointer params(LaunchArgs args) {
    List<Object> vs = args.values();
    Pointer[] ps = new Pointer[vs.size()];
    for (int i = 0; i < ps.length; i++) {
      Object v = vs.get(i);
      ps[i] = v instanceof CUdeviceptr p ? Pointer.to(p) : Pointer.to(new int[] {(Integer) v});
    }
    return Pointer.to(ps);
  }

  private static CUdeviceptr alloc(long bytes, List<CUdeviceptr> allocated) {
    CUdeviceptr p = new CUdeviceptr();
    JCudaDriver.cuMemAlloc(p, Math.max(bytes, 8));
    allocated.add(p);
    return p;
  }

  private static Pointer pinnedAlloc(long bytes, List<Pointer> pinned) {
    Pointer p = new Pointer();
    JCudaDriver.cuMemAllocHost(p, bytes);
    pinned.add(p);
    return p;
  }

  private static CUdeviceptr upload(double[] a, List<CUdeviceptr> allocated) {
    CUdeviceptr p = alloc(8L * a.length, allocated);
    JCudaDriver.cuMemcpyHtoD(p, Pointer.to(a), 8L * a.length);
    return p;
  }

  private static CUdeviceptr uploadInputs(Inputs x, boolean f32, List<CUdeviceptr> allocated) {
    double[] data = x.data();
    if (!f32) return upload(data, allocated);
    float[] f = new float[data.length];
    for (int i = 0; i < data.length; i++) f[i] = (float) data[i];
    CUdeviceptr p = alloc(4L * f.length, allocated);
    JCudaDriver.cuMemcpyHtoD(p, Pointer.to(f), 4L * f.length);
    return p;
  }

  private void ensureModule() {
    if (modules != null) return;
    CUdevice dev = new CUdevice();
    JCudaDriver.cuDeviceGet(dev, 0);
    context = new CUcontext();
    JCudaDriver.cuDevicePrimaryCtxRetain(context, dev);
    JCudaDriver.cuCtxSetCurrent(context);
    List<CUmodule> loaded = new ArrayList<>();
    String[][] modulesAndKernels = {
        {"ntk_fc.ptx", "ntk_fc_self", "ntk_fc_tile"},
        {"ntk_conv.ptx", "ntk_conv_self", "ntk_conv_tile"},
        {"ntk_full.ptx", "ntk_full_input", "ntk_full_op", "ntk_full_record", "ntk_full_reduce", "ntk_full_conv"}};
    for (String[] mk : modulesAndKernels) {
      CUmodule m = new CUmodule();
      JCudaDriver.cuModuleLoadData(m, ptx(mk[0]));
      loaded.add(m);
      for (int k = 1; k < mk.length; k++) {
        for (String suffix : new String[] {"_f64", "_f32"}) kernels.put(mk[k] + suffix, function(m, mk[k] + suffix));
      }
    }
    // the staged convolution's blocks: no more threads than its registers allow on this device (both precisions)
    int convThreads = Integer.MAX_VALUE;
    for (String suffix : new String[] {"_f64", "_f32"}) {
      int[] maxThreads = {0};
      JCudaDriver.cuFuncGetAttribute(maxThreads, jcuda.driver.CUfunction_attribute.CU_FUNC_ATTRIBUTE_MAX_THREADS_PER_BLOCK,
          kernel("ntk_full_conv" + suffix));
      convThreads = Math.min(convThreads, maxThreads[0]);
    }
    fullConfig = FullSchedule.Config.DEFAULT.withConvThreads(convThreads).withFloat32(precision == Precision.FLOAT32);
    modules = loaded;
  }

  private static CUfunction function(CUmodule m, String name) {
    CUfunction f = new CUfunction();
    JCudaDriver.cuModuleGetFunction(f, m, name);
    return f;
  }

  /** The committed PTX from the class path, NUL-terminated as cuModuleLoadData expects. */
  static byte[] ptx() { return ptx(PTX); }

  static byte[] ptx(String name) {
    try (InputStream in = CudaBackend.class.getResourceAsStream(name)) {
      if (in == null) throw new IllegalStateException("PTX resource org/ntk4j/gpu/" + name + " missing from the class path");
      byte[] b = in.readAllBytes();
      byte[] z = java.util.Arrays.copyOf(b, b.length + 1);
      return z;
    } catch (IOException e) {
      throw new IllegalStateException("cannot read PTX resource " + name, e);
    }
  }

  @Override public String toString() { return "gpu (" + precision.name().toLowerCase(Locale.ROOT) + ")"; }
}
