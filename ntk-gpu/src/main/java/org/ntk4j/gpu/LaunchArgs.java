package org.ntk4j.gpu;

import java.util.ArrayList;
import java.util.List;

/**
 * The parameter lists of the kernels in {@code ntk_fc.cu}, as the host packs them for {@code cuLaunchKernel}: one entry
 * per parameter, a device pointer ({@code ptr}) or a 32-bit {@code int}. {@code LaunchArgsTest} checks these lists
 * against the {@code extern "C"} declarations of the .cu source, so host and device cannot drift apart.
 */
public final class LaunchArgs {
  /** {@code ntk_fc_self_*(x, n, d, prog, nops, tape)}. */
  public static final List<String> FC_SELF = List.of("ptr", "int", "int", "ptr", "int", "ptr");
  /** {@code ntk_fc_tile_*(xa, na, ia0, rows, xb, nb, jb0, cols, d, prog, nops, tapeA, tapeB, outNngp, outNtk, ld)}. */
  public static final List<String> FC_TILE = List.of("ptr", "int", "int", "int", "ptr", "int", "int", "int", "int",
      "ptr", "int", "ptr", "ptr", "ptr", "ptr", "int");

  /** {@code ntk_conv_self_f64(x, n, P, C, prog, nops, geom, maxP, tape, per)}. */
  public static final List<String> CONV_SELF = List.of("ptr", "int", "int", "int", "ptr", "int", "ptr", "int", "ptr", "int");
  /**
   * {@code ntk_conv_tile_f64(xa, ia0, xb, jb0, rows, cols, P, C, prog, nops, geom, maxP, tapeA, tapeB, per, outNngp,
   * outNtk, ld)}.
   */
  public static final List<String> CONV_TILE = List.of("ptr", "int", "ptr", "int", "int", "int", "int", "int", "ptr",
      "int", "ptr", "int", "ptr", "ptr", "int", "ptr", "ptr", "int");

  /** {@code ntk_full_input_f64(xa, ia0, xb, jb0, pairs, cols, self, P, C, outN, outT)}. */
  public static final List<String> FULL_INPUT = List.of("ptr", "int", "ptr", "int", "int", "int", "int", "int", "int",
      "ptr", "ptr");
  /**
   * {@code ntk_full_op_f64(prog, o, geom, pairs, ia0, jb0, cols, self, tapeA, tapeB, per, inP, P, inN, inT, outN,
   * outT)}.
   */
  public static final List<String> FULL_OP = List.of("ptr", "int", "ptr", "int", "int", "int", "int", "int", "ptr",
      "ptr", "int", "int", "int", "ptr", "ptr", "ptr", "ptr");
  /** {@code ntk_full_record_f64(prog, o, pairs, ia0, P, n, tape, per)}. */
  public static final List<String> FULL_RECORD = List.of("ptr", "int", "int", "int", "int", "ptr", "ptr", "int");
  /** {@code ntk_full_reduce_f64(prog, o, pairs, P, inN, inT, outN, outT)}. */
  public static final List<String> FULL_REDUCE = List.of("ptr", "int", "int", "int", "ptr", "ptr", "ptr", "ptr");
  /**
   * {@code ntk_full_conv_f64(prog, o, geom, pairs, inP, P, group, inN, inT, outN, outT, fuse, ia0, jb0, cols, tapeA,
   * tapeB, per)}.
   */
  public static final List<String> FULL_CONV = List.of("ptr", "int", "ptr", "int", "int", "int", "int", "ptr", "ptr",
      "ptr", "ptr", "int", "int", "int", "int", "ptr", "ptr", "int");

  private final List<String> signature;
  private final List<Object> values = new ArrayList<>();

  public LaunchArgs(List<String> signature) { this.signature = signature; }

  /** Appends a device pointer (any object the launcher understands as one). */
  public LaunchArgs ptr(Object devicePointer) { return add("ptr", devicePointer); }

  public LaunchArgs i32(int v) { return add("int", v); }

  private LaunchArgs add(String type, Object v) {
    int k = values.size();
    if (k >= signature.size()) throw new IllegalStateException("kernel takes " + signature.size() + " parameters; got more");
    if (!signature.get(k).equals(type)) {
      throw new IllegalStateException("kernel parameter " + k + " is " + signature.get(k) + ", packed as " + type);
    }
    values.add(java.util.Objects.requireNonNull(v));
    return this;
  }

  /** The packed values, checked complete. */
  public List<Object> values() {
    if (values.size() != signature.size()) {
      throw new IllegalStateException("kernel takes " + signature.size() + " parameters; packed " + values.size());
    }
    return List.copyOf(values);
  }

  /** The tile kernel's arguments for one tile (device pointers as given). */
  public static LaunchArgs fcTile(Object xa, int na, int ia0, int rows, Object xb, int nb, int jb0, int cols, int d,
                                  Object prog, int nops, Object tapeA, Object tapeB, Object outNngp, Object outNtk, int ld) {
    return new LaunchArgs(FC_TILE).ptr(xa).i32(na).i32(ia0).i32(rows).ptr(xb).i32(nb).i32(jb0).i32(cols).i32(d)
        .ptr(prog).i32(nops).ptr(tapeA).ptr(tapeB).ptr(outNngp).ptr(outNtk).i32(ld);
  }

  public static LaunchArgs fcSelf(Object x, int n, int d, Object prog, int nops, Object tape) {
    return new LaunchArgs(FC_SELF).ptr(x).i32(n).i32(d).ptr(prog).i32(nops).ptr(tape);
  }

  public static LaunchArgs convSelf(Object x, int n, int positions, int channels, Object prog, int nops, Object geom,
                                    int maxP, Object tape, int per) {
    return new LaunchArgs(CONV_SELF).ptr(x).i32(n).i32(positions).i32(channels).ptr(prog).i32(nops).ptr(geom).i32(maxP)
        .ptr(tape).i32(per);
  }

  public static LaunchArgs convTile(Object xa, int ia0, Object xb, int jb0, int rows, int cols, int positions,
                                    int channels, Object prog, int nops, Object geom, int maxP, Object tapeA,
                                    Object tapeB, int per, Object outNngp, Object outNtk, int ld) {
    return new LaunchArgs(CONV_TILE).ptr(xa).i32(ia0).ptr(xb).i32(jb0).i32(rows).i32(cols).i32(positions).i32(channels)
        .ptr(prog).i32(nops).ptr(geom).i32(maxP).ptr(tapeA).ptr(tapeB).i32(per).ptr(outNngp).ptr(outNtk).i32(ld);
  }

  public static LaunchArgs fullInput(Object xa, int ia0, Object xb, int jb0, int pairs, int cols, boolean self,
                                     int positions, int channels, Object outN, Object outT) {
    return new LaunchArgs(FULL_INPUT).ptr(xa).i32(ia0).ptr(xb).i32(jb0).i32(pairs).i32(cols).i32(self ? 1 : 0)
        .i32(positions).i32(channels).ptr(outN).ptr(outT);
  }

  public static LaunchArgs fullOp(Object prog, int o, Object geom, int pairs, int ia0, int jb0, int cols, boolean self,
                                  Object tapeA, Object tapeB, int per, int inP, int positions, Object inN, Object inT,
                                  Object outN, Object outT) {
    return new LaunchArgs(FULL_OP).ptr(prog).i32(o).ptr(geom).i32(pairs).i32(ia0).i32(jb0).i32(cols).i32(self ? 1 : 0)
        .ptr(tapeA).ptr(tapeB).i32(per).i32(inP).i32(positions).ptr(inN).ptr(inT).ptr(outN).ptr(outT);
  }

  public static LaunchArgs fullRecord(Object prog, int o, int pairs, int ia0, int positions, Object nngp, Object tape,
                                      int per) {
    return new LaunchArgs(FULL_RECORD).ptr(prog).i32(o).i32(pairs).i32(ia0).i32(positions).ptr(nngp).ptr(tape).i32(per);
  }

  public static LaunchArgs fullReduce(Object prog, int o, int pairs, int positions, Object inN, Object inT, Object outN,
                                      Object outT) {
    return new LaunchArgs(FULL_REDUCE).ptr(prog).i32(o).i32(pairs).i32(positions).ptr(inN).ptr(inT).ptr(outN)
        .ptr(outT);
  }

  public static LaunchArgs fullConv(Object prog, int o, Object geom, int pairs, int inP, int positions, int group,
                                    Object inN, Object inT, Object outN, Object outT, int fuse, int ia0, int jb0,
                                    int cols, Object tapeA, Object tapeB, int per) {
    return new LaunchArgs(FULL_CONV).ptr(prog).i32(o).ptr(geom).i32(pairs).i32(inP).i32(positions).i32(group).ptr(inN)
        .ptr(inT).ptr(outN).ptr(outT).i32(fuse).i32(ia0).i32(jb0).i32(cols).ptr(tapeA).ptr(tapeB).i32(per);
  }

  /** Grid of blocks for a tile of rows × cols pairs: x over columns, y over rows, {@link TilePlan#BLOCK} pairs each. */
  public static int[] tileGrid(int rows, int cols) {
    return new int[] {(cols + TilePlan.BLOCK - 1) / TilePlan.BLOCK, (rows + TilePlan.BLOCK - 1) / TilePlan.BLOCK};
  }
}
