package org.ntk4j.finite;

import java.util.SplittableRandom;
import org.ntk4j.Shape;

/**
 * The finite-width twin of a {@link org.ntk4j.layers.Layer}: parameters live in one flat {@code double[]} owned by the
 * network, this layer's block starting at {@code offset}. Activations are batches stored row-major, channels-last
 * ({@code batch × shape.size()} doubles).
 */
public interface FiniteLayer {
  Shape inputShape();

  Shape outputShape();

  int parameterCount();

  /** Draws this layer's parameters (standard normal in the NTK parameterisation, scaled normal in the standard one). */
  void initialize(double[] params, int offset, SplittableRandom rng);

  /** Forward pass over a batch. The returned record keeps what {@link #backward} needs. */
  Forward forward(double[] params, int offset, double[] x, int batch);

  /**
   * Vector-Jacobian product: given dL/dy for the batch, adds dL/dθ into {@code grad[offset ..]} (when grad is not null)
   * and returns dL/dx.
   */
  double[] backward(double[] params, int offset, Forward forward, double[] dy, int batch, double[] grad);

  /** Output of a forward pass and what the backward pass needs of it. */
  record Forward(double[] input, double[] output, Object saved) {}
}
