package org.ntk4j.gpu;

import java.util.ArrayList;
import java.util.List;

/**
 * The launches of one batch of a full-covariance program (ntk_full.cu), in order: the input kernel into buffers 0/1,
 * then per op a reduce or a moving op from one buffer pair into the other, or (with a record first for the nonlinearities
 * of a self pass) an in-place op. Pure: device pointers are whatever objects the caller passes, so that the same
 * schedule is launched by {@link CudaBackend} and checked by the tests.
 */
final class FullSchedule {
  /** One kernel launch: its name, grid (blocks × threads, dynamic shared memory in bytes) and packed arguments. */
  record Launch(String kernel, int blocks, int threads, int sharedBytes, LaunchArgs args) {
    Launch {
      if (blocks < 1 || threads < 1 || threads > 1024 || sharedBytes < 0 || sharedBytes > Config.MAX_SHARED) {
        throw new IllegalArgumentException("bad launch of " + kernel + ": " + blocks + " x " + threads + ", "
            + sharedBytes + " B shared");
      }
    }
  }

  /**
   * How the launches are shaped. {@code maxThreads}: threads per block of the grid-stride kernels and the reductions;
   * {@code convThreads}: most threads per block of a staged convolution (≤ {@link #CONV_LAUNCH_BOUND}, and no more than
   * the device allows for ntk_full_conv's registers); {@code sharedBytes}: dynamic shared memory a
   * staged convolution may use (≤ 48 KiB, the limit without an opt-in); {@code maxBlocks}: grid cap (the kernels'
   * grid-stride loops cover the rest); {@code staged}: Conv through ntk_full_conv (shared-memory planes) where they fit;
   * {@code fuse}: the nonlinearity after a staged Conv applied in the same launch for cross pairs; {@code float32}: the
   * _f32 kernels on float buffers (else _f64 on double buffers). Tests shrink these to exercise wrapping grids, several
   * entries per thread and the fallbacks.
   */
  record Config(int maxThreads, int convThreads, int sharedBytes, int maxBlocks, boolean staged, boolean fuse,
                boolean float32) {
    static final int MAX_SHARED = 48 * 1024;
    /** What CudaBackend launches (it lowers convThreads where the device allows fewer). */
    static final Config DEFAULT = new Config(256, CONV_LAUNCH_BOUND, MAX_SHARED, 1 << 20, true, true);

    Config {
      if (maxThreads < 32 || maxThreads > 1024 || maxThreads % 32 != 0) {
        throw new IllegalArgumentException("maxThreads must be a multiple of 32 in [32, 1024], got " + maxThreads);
      }
      if (convThreads < 32 || convThreads > CONV_LAUNCH_BOUND || convThreads % 32 != 0) {
        throw new IllegalArgumentException("convThreads must be a multiple of 32 in [32, " + CONV_LAUNCH_BOUND + "], got "
            + convThreads);
      }
      if (sharedBytes < 0 || sharedBytes > MAX_SHARED) {
        throw new IllegalArgumentException("sharedBytes must be in [0, " + MAX_SHARED + "], got " + sharedBytes);
      }
      if (maxBlocks < 1) throw new IllegalArgumentException("maxBlocks must be >= 1, got " + maxBlocks);
    }

    /** float64. */
    Config(int maxThreads, int convThreads, int sharedBytes, int maxBlocks, boolean staged, boolean fuse) {
      this(maxThreads, convThreads, sharedBytes, maxBlocks, staged, fuse, false);
    }

    /** Bytes per element of the device buffers. */
    int elem() { return float32 ? 4 : 8; }

    /** The kernel of that base name for this precision ("ntk_full_conv" → "ntk_full_conv_f64"). */
    String kernel(String base) { return base + (float32 ? "_f32" : "_f64"); }

    /** This shape in float32 ({@code f32}) or float64. */
    Config withFloat32(boolean f32) {
      return new Config(maxThreads, convThreads, sharedBytes, maxBlocks, staged, fuse, f32);
    }

    /** Blocks for a grid-stride loop over {@code work} items at {@code perBlock} items per block. */
    int blocks(long work, long perBlock) {
      return (int) Math.max(1, Math.min((work + perBlock - 1) / perBlock, maxBlocks));
    }

    /** This shape with staged convolutions and fused nonlinearities both on, or both off. */
    Config withStaging(boolean on) {
      return new Config(maxThreads, convThreads, sharedBytes, maxBlocks, on, on, float32);
    }

    /** This shape with at most {@code threads} (rounded down to a warp) per staged-convolution block. */
    Config withConvThreads(int threads) {
      int t = Math.max(32, Math.min(convThreads, threads / 32 * 32));
      return new Config(maxThreads, t, sharedBytes, maxBlocks, staged, fuse, float32);
    }
  }

  /** __launch_bounds__ of ntk_full_conv_f64 in ntk_full.cu: the most threads a staged-convolution block may have. */
  static final int CONV_LAUNCH_BOUND = 512;

  /** Output entries one thread of ntk_full_conv accumulates at most (NTK_CONV_EPT in ntk_full.cu). */
  static final int CONV_ENTRIES_PER_THREAD = 4;

  /**
   * The shape of a staged convolution: {@code group} row pairs per block on {@code threads} threads with
   * {@code sharedBytes} of planes; null when one plane pair (2·inW² elements) does not fit the shared memory or one
   * row pair's outW² entries need more than {@link #CONV_ENTRIES_PER_THREAD} per thread of a full block.
   */
  record Staging(int group, int threads, int sharedBytes) {}

  static Staging staging(int inW, int outW, Config c) {
    long plane = 2L * c.elem() * inW * inW;
    int entries = outW * outW;
    if (plane > c.sharedBytes() || entries > CONV_ENTRIES_PER_THREAD * c.convThreads()) return null;
    // enough row pairs for about CONV_ENTRIES_PER_THREAD entries per thread of a 256-thread block (or one row pair
    // on more threads when it has more entries than that)
    int fill = CONV_ENTRIES_PER_THREAD * Math.min(256, c.convThreads());
    int group = (int) Math.max(1, Math.min(c.sharedBytes() / plane, fill / entries));
    int perThread = (group * entries + CONV_ENTRIES_PER_THREAD - 1) / CONV_ENTRIES_PER_THREAD;
    int threads = Math.min(c.convThreads(), Math.max(32, (perThread + 31) / 32 * 32));
    return new Staging(group, threads, (int) (group * plane));
  }

  /** The launches and the buffer pair (0 or 1: buffers 2r, 2r + 1) that holds the final flat Σ, Θ (pair k at k). */
  record Batch(List<Launch> launches, int result) {}

  /** A batch and, for cross pairs, the tile its result fills (null for a self pass batch, which only fills the tapes). */
  record Step(Batch batch, TilePlan.Tile tile) {}

  private FullSchedule() {}

  /**
   * The whole computation in order, one step at a time: self passes over x1 (and x2 unless {@code symmetric}, where
   * dx2 and t2 are dx1 and t1) in batches of side² inputs, then the tiles of {@link TilePlan#of} with this side.
   */
  static void forEach(GpuProgram prog, int n1, int n2, boolean symmetric, int side, Object dProg, Object dGeom,
                      Object dx1, Object dx2, Object t1, Object t2, int per, Object[] buf, Config config,
                      java.util.function.Consumer<Step> step) {
    int batch = side * side;
    for (int s = 0; s < (symmetric ? 1 : 2); s++) {
      Object x = s == 0 ? dx1 : dx2, tape = s == 0 ? t1 : t2;
      int n = s == 0 ? n1 : n2;
      for (int i0 = 0; i0 < n; i0 += batch) {
        step.accept(new Step(of(prog, dProg, dGeom, x, i0, x, 0, Math.min(batch, n - i0), 1, true, tape, tape, per, buf,
            config), null));
      }
    }
    for (TilePlan.Tile t : TilePlan.of(n1, n2, symmetric, side, 1).tiles()) {
      step.accept(new Step(of(prog, dProg, dGeom, dx1, t.i0(), dx2, t.j0(), t.rows() * t.cols(), t.cols(), false, t1,
          t2, per, buf, config), t));
    }
  }

  /**
   * The schedule of {@code pairs} pairs ({@code self}: (ia0 + k, ia0 + k); otherwise (ia0 + k / cols, jb0 + k % cols))
   * with {@code buf} = Σ₀, Θ₀, Σ₁, Θ₁ (each at least pairs · maxP² elements), launches shaped by {@code c}.
   */
  static Batch of(GpuProgram prog, Object dProg, Object dGeom, Object xa, int ia0, Object xb, int jb0, int pairs,
                  int cols, boolean self, Object tapeA, Object tapeB, int per, Object[] buf, Config c) {
    if (!prog.isFull()) throw new IllegalArgumentException("not a full-covariance program");
    if (buf.length != 4) throw new IllegalArgumentException("four buffers (Σ, Θ twice), got " + buf.length);
    List<Launch> out = new ArrayList<>();
    int p = prog.positions();
    int cur = 0;
    int t = c.maxThreads();
    out.add(new Launch(c.kernel("ntk_full_input"), c.blocks((long) pairs * p * p, t), t, 0,
        LaunchArgs.fullInput(xa, ia0, xb, jb0, pairs, cols, self, p, prog.channels(), buf[0], buf[1])));
    double[] ops = prog.packed();
    int[] after = prog.positionsAfter();
    int[] geom = prog.geometry();
    for (int o = 0; o < prog.opCount(); o++) {
      int code = (int) ops[o * GpuProgram.STRIDE];
      int q = after[o];
      Object inN = buf[2 * cur], inT = buf[2 * cur + 1], outN = buf[2 - 2 * cur], outT = buf[3 - 2 * cur];
      boolean conv = code == GpuProgram.CONV_NTK || code == GpuProgram.CONV_STD || code == GpuProgram.CONV_STD_BIAS;
      int g = conv ? (int) ops[o * GpuProgram.STRIDE + 3] : 0;
      Staging st = conv && c.staged() ? staging(geom[g + 1], geom[g + 3], c) : null;
      if (code == GpuProgram.FLATTEN || code == GpuProgram.GAP) {
        out.add(new Launch(c.kernel("ntk_full_reduce"), c.blocks(pairs, 1), t, 4 * c.elem() * t,
            LaunchArgs.fullReduce(dProg, o, pairs, p, inN, inT, outN, outT)));
        cur = 1 - cur;
      } else if (st != null) {
        int next = o + 1 < prog.opCount() ? (int) ops[(o + 1) * GpuProgram.STRIDE] : -1;
        int fuse = c.fuse() && !self && (next == GpuProgram.RELU || next == GpuProgram.ERF) ? o + 1 : -1;
        long tasks = (long) pairs * geom[g + 2] * geom[g + 2];
        out.add(new Launch(c.kernel("ntk_full_conv"), c.blocks(tasks, st.group()), st.threads(), st.sharedBytes(),
            LaunchArgs.fullConv(dProg, o, dGeom, pairs, p, q, st.group(), inN, inT, outN, outT, fuse, ia0, jb0, cols,
                tapeA, tapeB, per)));
        cur = 1 - cur;
        if (fuse >= 0) o++;
      } else if (conv || code == GpuProgram.AVGPOOL) {
        out.add(new Launch(c.kernel("ntk_full_op"), c.blocks((long) pairs * q * q, t), t, 0, LaunchArgs.fullOp(dProg, o, dGeom,
            pairs, ia0, jb0, cols, self, tapeA, tapeB, per, p, q, inN, inT, outN, outT)));
        cur = 1 - cur;
      } else {
        if (self && (code == GpuProgram.RELU || code == GpuProgram.ERF)) {
          out.add(new Launch(c.kernel("ntk_full_record"), c.blocks((long) pairs * p, t), t, 0,
              LaunchArgs.fullRecord(dProg, o, pairs, ia0, p, inN, tapeA, per)));
        }
        out.add(new Launch(c.kernel("ntk_full_op"), c.blocks((long) pairs * p * p, t), t, 0, LaunchArgs.fullOp(dProg, o, dGeom,
            pairs, ia0, jb0, cols, self, tapeA, tapeB, per, p, p, inN, inT, inN, inT)));
      }
      p = q;
    }
    return new Batch(out, cur);
  }
}
