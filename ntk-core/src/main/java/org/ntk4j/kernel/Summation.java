package org.ntk4j.kernel;

/**
 * How the sums of the kernel recursion are formed: the input Gram matrix x·x'/d of flat inputs, and the spatial
 * reductions of the spatial layers (Conv's tap sums, pooling windows, Flatten's mean over positions, global average
 * pooling), see {@link SpatialKernels}. The per-position input kernel x[p]·x'[p']/C of images sums over channels, whose
 * order no spatial symmetry changes, and is the same under both settings.
 */
public enum Summation {
  /**
   * Order-independent. Flat inputs: each vector is split into three slices of at most β bits relative to its largest
   * entry so that every slice product sums exactly in double precision, then six exact BLAS products are combined in a
   * fixed order; the result does not depend on the order of the features (a permuted input gives bitwise the same Gram
   * entries), on tile sizes or on thread counts; it is accurate to about 2⁻⁶⁰ of ‖x‖‖x'‖ and costs about 3× a plain
   * Gram. Spatial reductions: double-double accumulation (TwoSum) rounded once, so a rotated, flipped or cyclically
   * shifted image gives bitwise the same kernels except when an exact sum lies within k²·2⁻¹⁰⁶·Σ|terms| of a rounding
   * boundary (about k²·2⁻⁵³ per entry for k terms; see {@link SpatialKernels}). About 1.2–2× the plain spatial sums.
   */
  EXACT,
  /** Plain sums (one BLAS product for flat Gram matrices, separable stencils): fastest, last-bit differences between
   * permuted inputs. */
  FAST
}
