package org.ntk4j.finite;

import java.util.Objects;
import org.ntk4j.symmetry.Group;
import org.ntk4j.symmetry.OutputAction;

/**
 * Data augmentation during training by a group G acting on inputs by ρ_X and on targets by ρ_Y.
 * <ul>
 *   <li>{@link Mode#NONE}: the training set as given;</li>
 *   <li>{@link Mode#FULL_ORBIT}: every element for every sample, i.e. training on the orbit {(ρ_X(g)x_i, ρ_Y(g)y_i)}
 *       (n·|G| samples), as in the theorem that equates augmentation with the group-averaged kernel;</li>
 *   <li>{@link Mode#RANDOM}: one uniformly drawn element per sample per step (what practitioners do); its expected gradient
 *       is the full-orbit gradient, so the expected dynamics are the full-orbit ones to first order in lr.</li>
 * </ul>
 */
public record Augmentation(Mode mode, Group group, OutputAction rho) {
  public enum Mode { NONE, FULL_ORBIT, RANDOM }

  public Augmentation {
    Objects.requireNonNull(mode, "mode");
    if (mode != Mode.NONE) {
      Objects.requireNonNull(group, "group");
      Objects.requireNonNull(rho, "output action");
    }
  }

  public static Augmentation none() { return new Augmentation(Mode.NONE, null, null); }

  public static Augmentation fullOrbit(Group g, OutputAction rho) { return new Augmentation(Mode.FULL_ORBIT, g, rho); }

  public static Augmentation random(Group g, OutputAction rho) { return new Augmentation(Mode.RANDOM, g, rho); }

  /** Number of training samples one epoch of this augmentation sees, for n given samples. */
  public int trainingSize(int n) { return mode == Mode.FULL_ORBIT ? n * group.order() : n; }

  @Override public String toString() {
    return switch (mode) {
      case NONE -> "none";
      case FULL_ORBIT -> "full orbit of " + group.name();
      case RANDOM -> "random element of " + group.name() + " per sample per step";
    };
  }
}
