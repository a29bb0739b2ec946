package org.ntk4j.layers;

import java.util.ArrayList;
import java.util.List;
import org.ntk4j.kernel.KernelContext;
import org.ntk4j.kernel.KernelState;

/** Combinators and tree utilities, in the spirit of neural-tangents' {@code stax.serial}. */
public final class Layers {
  private Layers() {}

  /** The largest {@link Layer#kernelStateCopies} among these layers (0 for none). */
  public static int maxKernelStateCopies(java.util.List<Layer> layers) {
    int m = 0;
    for (Layer l : layers) m = Math.max(m, l.kernelStateCopies());
    return m;
  }

  /**
   * Layers applied one after the other; a single layer is returned as itself (its text form has no chain, so this
   * keeps {@code parse(layer.toString())} equal to the layer).
   */
  public static Layer serial(Layer... layers) { return layers.length == 1 ? layers[0] : new Serial(List.of(layers)); }

  /**
   * The branches applied to the same input and summed: neural-tangents' {@code serial(FanOut(k), parallel(branches...),
   * FanInSum())} in one value (see {@link ParallelSum}).
   */
  public static Layer parallelSum(Layer... branches) { return new ParallelSum(List.of(branches)); }

  /** {@code x + branch(x)}: fan out, the branch beside an identity, fan-in sum. */
  public static Layer residual(Layer... branch) { return new Residual(serial(branch)); }

  /** Runs one layer on a state and brings the self-variances up to date. */
  public static void apply(Layer layer, KernelState state, KernelContext ctx) {
    layer.applyKernel(state, ctx);
    if (!(layer instanceof CompositeLayer)) ctx.sync(state);
  }

  /** All parametric layers in evaluation order. */
  public static List<Parametric> parametric(Layer root) {
    List<Parametric> out = new ArrayList<>();
    collect(root, out);
    return out;
  }

  private static void collect(Layer l, List<Parametric> out) {
    if (l instanceof Parametric p) out.add(p);
    for (Layer c : l.children()) collect(c, out);
  }

  /**
   * The architecture with every parametric layer that states no width given one: the last parametric layer in evaluation
   * order (the readout) gets {@code outputs}, the others {@code hidden}. Stated widths are kept.
   */
  public static Layer withWidths(Layer root, int hidden, int outputs) {
    List<Parametric> all = parametric(root);
    Parametric last = all.isEmpty() ? null : all.get(all.size() - 1);
    return rewrite(root, hidden, outputs, last);
  }

  private static Layer rewrite(Layer l, int hidden, int outputs, Parametric last) {
    if (l instanceof Parametric p) {
      if (p.width() > 0) return p;
      return p.withWidth(p == last ? outputs : hidden);
    }
    List<Layer> cs = l.children();
    if (cs.isEmpty()) return l;
    List<Layer> nc = new ArrayList<>();
    for (Layer c : cs) nc.add(rewrite(c, hidden, outputs, last));
    return l.withChildren(nc);
  }
}
