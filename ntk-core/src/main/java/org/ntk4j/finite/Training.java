package org.ntk4j.finite;

import java.util.Arrays;
import java.util.Objects;

/**
 * How every member of an ensemble is trained: gradient descent on L(θ) = ½·mean((f(x) − y)²) over the N = (batch size ×
 * outputs) values of the batch, θ ← θ − lr·∇L.
 *
 * <p>Relation to the closed form ({@link org.ntk4j.predict.MsePredictor}): linearising f around θ₀, one full-batch step
 * changes the training outputs by −lr·J Jᵀ (f − y)/N = −lr·Θ̂ (f − y)/N with the empirical NTK Θ̂ = J Jᵀ, so after s steps
 * f_s − y = (I − lr·Θ̂/N)^s (f₀ − y): exactly {@code MsePredictor.meanSteps(…, s)} in the infinite-width limit (Θ̂ → Θ ⊗ I,
 * E f₀ = 0), and ≈ e^{−lr·s·Θ/N}, i.e. {@code MsePredictor.meanFlow(…, t = s)} (gradient-flow time lr·s in units where
 * dθ/dτ = −∇L), when lr·λ_max/N ≪ 1. Mini-batch SGD draws {@code sgdBatch} samples without replacement each step and
 * normalises by its own N, so its expected gradient is the full-batch one.
 *
 * @param lr learning rate (finite, > 0)
 * @param recordSteps step counts (sorted, distinct, ≥ 0) at which predictions are recorded; the last is the number of
 *     steps trained
 * @param sgdBatch samples per step, or 0 for full-batch gradient descent
 * @param augmentation data augmentation during training
 */
public record Training(double lr, long[] recordSteps, int sgdBatch, Augmentation augmentation) {
  public Training {
    if (!(lr > 0) || Double.isInfinite(lr)) throw new IllegalArgumentException("learning rate must be finite and > 0, got " + lr);
    Objects.requireNonNull(recordSteps, "recordSteps");
    if (recordSteps.length == 0) throw new IllegalArgumentException("need at least one step count to record");
    for (int i = 0; i < recordSteps.length; i++) {
      if (recordSteps[i] < 0) throw new IllegalArgumentException("step counts must be >= 0, got " + recordSteps[i]);
      if (i > 0 && recordSteps[i] <= recordSteps[i - 1]) {
        throw new IllegalArgumentException("step counts must be increasing and distinct, got " + Arrays.toString(recordSteps));
      }
    }
    if (sgdBatch < 0) throw new IllegalArgumentException("SGD batch size must be >= 1 (or 0 for full batch), got " + sgdBatch);
    recordSteps = recordSteps.clone();
    Objects.requireNonNull(augmentation, "augmentation");
  }

  /** Full-batch gradient descent without augmentation. */
  public static Training fullBatch(double lr, long... recordSteps) {
    return new Training(lr, recordSteps, 0, Augmentation.none());
  }

  public Training withAugmentation(Augmentation a) { return new Training(lr, recordSteps, sgdBatch, a); }

  public Training withSgdBatch(int b) { return new Training(lr, recordSteps, b, augmentation); }

  public long totalSteps() { return recordSteps[recordSteps.length - 1]; }

  @Override public long[] recordSteps() { return recordSteps.clone(); }

  @Override public boolean equals(Object o) {
    return o instanceof Training t && Double.compare(t.lr, lr) == 0 && Arrays.equals(t.recordSteps, recordSteps)
        && t.sgdBatch == sgdBatch && t.augmentation.equals(augmentation);
  }

  @Override public int hashCode() { return Objects.hash(lr, Arrays.hashCode(recordSteps), sgdBatch, augmentation); }

  @Override public String toString() {
    return "Training[lr=" + lr + ", steps=" + Arrays.toString(recordSteps) + ", "
        + (sgdBatch == 0 ? "full batch" : "SGD batch " + sgdBatch) + ", augmentation " + augmentation + "]";
  }
}
