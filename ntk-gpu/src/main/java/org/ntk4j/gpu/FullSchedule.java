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
  /** One kernel launch: its name, the items its grid-stride loop covers, and its packed arguments. */
  record Launch(String kernel, long work, LaunchArgs args) {}

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
                      Object dx1, Object dx2, Object t1, Object t2, int per, Object[] buf,
                      java.util.function.Consumer<Step> step) {
    int batch = side * side;
    for (int s = 0; s < (symmetric ? 1 : 2); s++) {
      Object x = s == 0 ? dx1 : dx2, tape = s == 0 ? t1 : t2;
      int n = s == 0 ? n1 : n2;
      for (int i0 = 0; i0 < n; i0 += batch) {
        step.accept(new Step(of(prog, dProg, dGeom, x, i0, x, 0, Math.min(batch, n - i0), 1, true, tape, tape, per, buf),
            null));
      }
    }
    for (TilePlan.Tile t : TilePlan.of(n1, n2, symmetric, side, 1).tiles()) {
      step.accept(new Step(of(prog, dProg, dGeom, dx1, t.i0(), dx2, t.j0(), t.rows() * t.cols(), t.cols(), false, t1,
          t2, per, buf), t));
    }
  }

  /**
   * The schedule of {@code pairs} pairs ({@code self}: (ia0 + k, ia0 + k); otherwise (ia0 + k / cols, jb0 + k % cols))
   * with {@code buf} = Σ₀, Θ₀, Σ₁, Θ₁ (each at least pairs · maxP² doubles).
   */
  static Batch of(GpuProgram prog, Object dProg, Object dGeom, Object xa, int ia0, Object xb, int jb0, int pairs,
                  int cols, boolean self, Object tapeA, Object tapeB, int per, Object[] buf) {
    if (!prog.isFull()) throw new IllegalArgumentException("not a full-covariance program");
    if (buf.length != 4) throw new IllegalArgumentException("four buffers (Σ, Θ twice), got " + buf.length);
    List<Launch> out = new ArrayList<>();
    int p = prog.positions();
    int cur = 0;
    out.add(new Launch("ntk_full_input_f64", (long) pairs * p * p,
        LaunchArgs.fullInput(xa, ia0, xb, jb0, pairs, cols, self, p, prog.channels(), buf[0], buf[1])));
    double[] ops = prog.packed();
    int[] after = prog.positionsAfter();
    for (int o = 0; o < prog.opCount(); o++) {
      int code = (int) ops[o * GpuProgram.STRIDE];
      int q = after[o];
      Object inN = buf[2 * cur], inT = buf[2 * cur + 1], outN = buf[2 - 2 * cur], outT = buf[3 - 2 * cur];
      if (code == GpuProgram.FLATTEN || code == GpuProgram.GAP) {
        out.add(new Launch("ntk_full_reduce_f64", pairs, LaunchArgs.fullReduce(dProg, o, pairs, p, inN, inT, outN, outT)));
        cur = 1 - cur;
      } else if (code == GpuProgram.CONV_NTK || code == GpuProgram.CONV_STD || code == GpuProgram.CONV_STD_BIAS
          || code == GpuProgram.AVGPOOL) {
        out.add(new Launch("ntk_full_op_f64", (long) pairs * q * q, LaunchArgs.fullOp(dProg, o, dGeom, pairs, ia0, jb0,
            cols, self, tapeA, tapeB, per, p, q, inN, inT, outN, outT)));
        cur = 1 - cur;
      } else {
        if (self && (code == GpuProgram.RELU || code == GpuProgram.ERF)) {
          out.add(new Launch("ntk_full_record_f64", (long) pairs * p,
              LaunchArgs.fullRecord(dProg, o, pairs, ia0, p, inN, tapeA, per)));
        }
        out.add(new Launch("ntk_full_op_f64", (long) pairs * p * p, LaunchArgs.fullOp(dProg, o, dGeom, pairs, ia0, jb0,
            cols, self, tapeA, tapeB, per, p, p, inN, inT, inN, inT)));
      }
      p = q;
    }
    return new Batch(out, cur);
  }
}
