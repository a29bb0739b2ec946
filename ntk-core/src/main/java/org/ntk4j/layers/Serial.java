package org.ntk4j.layers;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.SplittableRandom;
import org.ntk4j.Shape;
import org.ntk4j.finite.FiniteLayer;
import org.ntk4j.kernel.KernelContext;
import org.ntk4j.kernel.KernelState;

/** Layers applied in order ({@code A -> B -> C} in the text form). */
public final class Serial implements CompositeLayer {
  private final List<Layer> layers;

  public Serial(List<Layer> layers) {
    if (layers.isEmpty()) throw new ArchitectureException("an architecture needs at least one layer");
    List<Layer> flat = new ArrayList<>();
    for (Layer l : layers) {
      Objects.requireNonNull(l, "layer");
      if (l instanceof Serial s) flat.addAll(s.layers);
      else flat.add(l);
    }
    this.layers = List.copyOf(flat);
  }

  public List<Layer> layers() { return layers; }

  @Override public Shape outputShape(Shape input, Parameterization p) {
    Shape s = input;
    for (Layer l : layers) s = l.outputShape(s, p);
    return s;
  }

  @Override public void applyKernel(KernelState state, KernelContext ctx) {
    for (Layer l : layers) Layers.apply(l, state, ctx);
  }

  @Override public FiniteLayer instantiate(Shape input, Parameterization p) {
    List<FiniteLayer> fs = new ArrayList<>();
    Shape s = input;
    for (Layer l : layers) {
      FiniteLayer f = l.instantiate(s, p);
      fs.add(f);
      s = f.outputShape();
    }
    return new FiniteSerial(input, fs);
  }

  @Override public List<Layer> children() { return layers; }

  @Override public Layer withChildren(List<Layer> children) { return new Serial(children); }

  @Override public boolean equals(Object o) { return o instanceof Serial s && s.layers.equals(layers); }

  @Override public int hashCode() { return layers.hashCode(); }

  @Override public String toString() {
    StringBuilder sb = new StringBuilder();
    for (Layer l : layers) {
      if (sb.length() > 0) sb.append(" -> ");
      sb.append(l);
    }
    return sb.toString();
  }

  /** Finite twin: children with consecutive parameter blocks. */
  static final class FiniteSerial implements FiniteLayer {
    private final Shape input;
    private final List<FiniteLayer> layers;
    private final int[] offsets;
    private final int count;

    FiniteSerial(Shape input, List<FiniteLayer> layers) {
      this.input = input;
      this.layers = List.copyOf(layers);
      this.offsets = new int[layers.size()];
      int o = 0;
      for (int i = 0; i < layers.size(); i++) {
        offsets[i] = o;
        o += layers.get(i).parameterCount();
      }
      this.count = o;
    }

    @Override public Shape inputShape() { return input; }
    @Override public Shape outputShape() { return layers.get(layers.size() - 1).outputShape(); }
    @Override public int parameterCount() { return count; }

    @Override public void initialize(double[] params, int offset, SplittableRandom rng) {
      for (int i = 0; i < layers.size(); i++) layers.get(i).initialize(params, offset + offsets[i], rng);
    }

    @Override public Forward forward(double[] params, int offset, double[] x, int batch) {
      Forward[] saved = new Forward[layers.size()];
      double[] h = x;
      for (int i = 0; i < layers.size(); i++) {
        saved[i] = layers.get(i).forward(params, offset + offsets[i], h, batch);
        h = saved[i].output();
      }
      return new Forward(x, h, saved);
    }

    @Override public double[] backward(double[] params, int offset, Forward forward, double[] dy, int batch, double[] grad) {
      Forward[] saved = (Forward[]) forward.saved();
      double[] g = dy;
      for (int i = layers.size() - 1; i >= 0; i--) {
        g = layers.get(i).backward(params, offset + offsets[i], saved[i], g, batch, grad);
      }
      return g;
    }
  }
}
