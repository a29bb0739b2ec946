package org.ntk4j.kernel;

/** How the input Gram matrix x·x'/d of flat inputs is summed. */
public enum Summation {
  /**
   * Order-independent: each vector is split into three slices of at most β bits relative to its largest entry so that
   * every slice product sums exactly in double precision, then six exact BLAS products are combined in a fixed order.
   * The result does not depend on the order of the features (a permuted input gives bitwise the same Gram entries),
   * on tile sizes or on thread counts; it is accurate to about 2⁻⁶⁰ of ‖x‖‖x'‖. Costs about 3× a plain Gram.
   */
  EXACT,
  /** One plain BLAS product: fastest, last-bit differences between permuted inputs. */
  FAST
}
