package org.ntk4j.symmetry;

/**
 * The representation ρ_Y of a group on output vectors of dimension k: the identity for invariant targets, e.g. a rotation
 * matrix for equivariant vector-valued targets.
 */
public interface OutputAction {
  /** Writes ρ_Y(g)·y for one output vector of dimension k. */
  void act(int g, int k, double[] src, int srcOff, double[] dst, int dstOff);

  /** Whether ρ_Y is the trivial representation (invariant targets). */
  default boolean isTrivial() { return false; }

  /** The trivial representation: invariant targets. */
  static OutputAction invariant() {
    return new OutputAction() {
      @Override public void act(int g, int k, double[] src, int srcOff, double[] dst, int dstOff) {
        System.arraycopy(src, srcOff, dst, dstOff, k);
      }

      @Override public boolean isTrivial() { return true; }

      @Override public String toString() { return "invariant"; }
    };
  }
}
