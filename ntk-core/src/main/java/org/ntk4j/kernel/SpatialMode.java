package org.ntk4j.kernel;

/** How spatial positions are handled in the kernel recursion. */
public enum SpatialMode {
  /** Full covariance when a layer needs it (pooling), per-position variances otherwise. */
  AUTO,
  /** Only Σ(p, p): valid when nothing but Flatten and dense readouts follow the convolutions. */
  DIAGONAL,
  /** The full position-by-position covariance. */
  FULL
}
