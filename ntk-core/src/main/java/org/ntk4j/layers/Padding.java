package org.ntk4j.layers;

import java.util.Locale;

/**
 * Padding of convolutions and pooling windows, as in neural-tangents (and XLA's {@code padtype_to_pads}).
 * <ul>
 *   <li>{@code VALID}: no padding, output size ⌊(n − f)/s⌋ + 1; the window must fit in the input.</li>
 *   <li>{@code SAME}: zeros around the input, output size ⌈n/s⌉; total padding max((out − 1)·s + f − n, 0), of which
 *       ⌊total/2⌋ before the first position and the rest after it.</li>
 *   <li>{@code CIRCULAR}: the same sizes as SAME, with the padding taken periodically from the other side (the input is
 *       a torus).</li>
 * </ul>
 */
public enum Padding {
  VALID, SAME, CIRCULAR;

  /** Output size along one axis; -1 when a VALID window does not fit. */
  public int outputSize(int n, int f, int s) {
    if (this == VALID) return n < f ? -1 : (n - f) / s + 1;
    return (n + s - 1) / s;
  }

  /** Padded positions before the first input position along one axis. */
  public int padLo(int n, int f, int s) {
    if (this == VALID) return 0;
    int out = outputSize(n, f, s);
    int total = Math.max((out - 1) * s + f - n, 0);
    return total / 2;
  }

  public static Padding parse(String s, String where) {
    try {
      return valueOf(s.trim().toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new ArchitectureException(where + ": unknown padding '" + s + "': expected VALID, SAME or CIRCULAR");
    }
  }
}
