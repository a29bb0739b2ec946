package org.ntk4j.symmetry;

import java.util.Locale;
import org.ntk4j.Shape;

/**
 * Groups by their text names. Placeholder on the ensemble branch with the contract's signature: only {@code Z2}
 * (x ↦ −x on inputs of any shape) is known here; the symmetry package supplies the full parser.
 */
public final class Groups {
  private Groups() {}

  /** The group named {@code name} acting on inputs of {@code inputShape}; IllegalArgumentException when unknown or unfit. */
  public static Group parse(String name, Shape inputShape) {
    String n = name == null ? "" : name.trim();
    if (n.toUpperCase(Locale.ROOT).equals("Z2")) {
      Group g = signFlip();
      g.checkShape(inputShape);
      return g;
    }
    throw new IllegalArgumentException("unknown group '" + name + "' (known here: Z2)");
  }

  private static Group signFlip() {
    return new Group() {
      @Override public String name() { return "Z2"; }
      @Override public int order() { return 2; }
      @Override public void checkShape(Shape shape) {
        if (shape.size() < 1) throw new IllegalArgumentException("Z2 needs inputs with at least one value, got shape " + shape);
      }
      @Override public void act(int g, Shape shape, double[] src, int srcOff, double[] dst, int dstOff) {
        int s = shape.size();
        if (g == 0) System.arraycopy(src, srcOff, dst, dstOff, s);
        else for (int i = 0; i < s; i++) dst[dstOff + i] = -src[srcOff + i];
      }
      @Override public String toString() { return "Z2"; }
    };
  }
}
