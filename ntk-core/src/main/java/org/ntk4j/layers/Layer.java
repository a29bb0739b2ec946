package org.ntk4j.layers;

import java.util.List;
import org.ntk4j.Shape;
import org.ntk4j.finite.FiniteLayer;
import org.ntk4j.kernel.KernelContext;
import org.ntk4j.kernel.KernelState;

/**
 * One layer of a network, described once with both of its meanings side by side:
 * <ol>
 *   <li>its kernel rule: how it transforms the infinite-width NNGP Σ and NTK Θ ({@link #applyKernel});</li>
 *   <li>its finite-width twin: initialisation, forward and backward pass ({@link #instantiate}).</li>
 * </ol>
 * Layers are immutable values; {@link #toString()} gives the architecture text form that parses back to an equal layer.
 */
public interface Layer {

  /**
   * The shape this layer produces from {@code input}; throws {@link ArchitectureException} naming the layer and the reason
   * when it cannot apply (Dense on an image, a filter larger than a VALID input, ...). Called before any computation.
   */
  Shape outputShape(Shape input, Parameterization parameterization);

  /**
   * Applies the kernel rule to the state in place. Primitive layers only transform {@code nngp}/{@code ntk}
   * (and the shape); the caller brings the self-variances up to date afterwards with {@link KernelContext#sync}.
   * Composite layers run their children through {@link Layers#apply}.
   */
  void applyKernel(KernelState state, KernelContext ctx);

  /** The finite-width twin for inputs of the given shape; every width must be stated (see {@link Layers#withWidths}). */
  FiniteLayer instantiate(Shape input, Parameterization parameterization);

  /** Whether the kernel rule needs the full position-by-position covariance (pooling does; Conv and Flatten do not). */
  default boolean needsFullCovariance() {
    for (Layer c : children()) if (c.needsFullCovariance()) return true;
    return false;
  }

  /**
   * The most copies of the kernel state {@link #applyKernel} keeps alive at once beside the state it was given (the
   * memory plan of KernelFunction counts them); layers that work in place keep none beyond their children's.
   */
  default int kernelStateCopies() { return Layers.maxKernelStateCopies(children()); }

  /** Direct sub-layers of a composite layer. */
  default List<Layer> children() { return List.of(); }

  /** The same layer with other sub-layers (composites only). */
  default Layer withChildren(List<Layer> children) {
    if (!children.isEmpty()) throw new UnsupportedOperationException(this + " has no sub-layers");
    return this;
  }
}
