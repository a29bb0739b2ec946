package org.ntk4j.kernel;

import java.util.ArrayList;
import java.util.List;

/**
 * Keeps the per-input self-variances of every step of the recursion, so that they are computed once per input
 * (in the self pass) and replayed for every tile of pairs.
 *
 * <p>Composite layers call {@link #sync} after each child. In a self pass it reads the diagonal of the state's own NNGP
 * into the variances and records them; in a cross tile it points the state's variances at the recorded values of the
 * tile's row and column inputs. The steps of both passes are the same because the same layers run in the same order.
 */
public final class KernelContext {
  /** Recorded self-variances: per step, one array of n × P values for all inputs of a side. */
  public static final class Tape {
    private final List<double[]> steps = new ArrayList<>();
    private final List<Integer> positions = new ArrayList<>();
    private final int n;

    public Tape(int n) { this.n = n; }

    public synchronized int size() { return steps.size(); }
    public int inputs() { return n; }
    public synchronized double[] step(int s) { return steps.get(s); }
    public synchronized int positions(int s) { return positions.get(s); }

    /** Bytes held by the tape. */
    public long bytes() {
      long b = 0;
      for (double[] a : steps) b += 8L * a.length;
      return b;
    }

    synchronized void record(int step, int offset, double[] var, int count, int p) {
      while (steps.size() <= step) {
        steps.add(null);
        positions.add(0);
      }
      if (steps.get(step) == null) {
        steps.set(step, new double[n * p]);
        positions.set(step, p);
      } else if (positions.get(step) != p) {
        throw new IllegalStateException("tape step " + step + " changed positions " + positions.get(step) + " -> " + p);
      }
      System.arraycopy(var, 0, steps.get(step), offset * p, count * p);
    }
  }

  private final Tape rowsTape;
  private final Tape colsTape;
  private final int rowOffset;
  private final int colOffset;
  private final boolean recording;
  private int step;

  private KernelContext(Tape rowsTape, Tape colsTape, int rowOffset, int colOffset, boolean recording) {
    this.rowsTape = rowsTape;
    this.colsTape = colsTape;
    this.rowOffset = rowOffset;
    this.colOffset = colOffset;
    this.recording = recording;
  }

  /** A self pass over inputs {@code offset ..} of the tape's side; records each step. */
  public static KernelContext recording(Tape tape, int offset) {
    return new KernelContext(tape, tape, offset, offset, true);
  }

  /** A cross tile whose rows start at {@code rowOffset} of {@code rowsTape} and columns at {@code colOffset} of {@code colsTape}. */
  public static KernelContext replaying(Tape rowsTape, int rowOffset, Tape colsTape, int colOffset) {
    return new KernelContext(rowsTape, colsTape, rowOffset, colOffset, false);
  }

  /** A context without tape, for a self state used on its own (e.g. computing only the diagonal of a kernel). */
  public static KernelContext standalone(int n) {
    return recording(new Tape(n), 0);
  }

  public int step() { return step; }

  /** Called after the input kernel and after every layer: brings the state's self-variances up to date. */
  public void sync(KernelState s) {
    int p = s.positions();
    if (recording) {
      if (!s.isSelf()) throw new IllegalStateException("recording context needs a self state");
      double[] var = s.var1;
      if (var == null || var.length != s.rows() * p) {
        var = new double[s.rows() * p];
        s.var1 = var;
        s.var2 = var;
      }
      for (int k = 0; k < s.rows(); k++) {
        for (int q = 0; q < p; q++) var[k * p + q] = s.nngp[s.diagonalIndex(k, q)];
      }
      s.var1Offset = 0;
      s.var2Offset = 0;
      rowsTape.record(step, rowOffset, var, s.rows(), p);
    } else {
      if (step >= rowsTape.size() || step >= colsTape.size()) {
        throw new IllegalStateException("cross tile ran more steps than the self pass recorded (" + step + ")");
      }
      if (rowsTape.positions(step) != p || colsTape.positions(step) != p) {
        throw new IllegalStateException("step " + step + ": tile has " + p + " positions, tape " + rowsTape.positions(step));
      }
      s.var1 = rowsTape.step(step);
      s.var1Offset = rowOffset * p;
      s.var2 = colsTape.step(step);
      s.var2Offset = colOffset * p;
    }
    step++;
  }
}
