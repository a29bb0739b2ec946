package org.ntk4j.util;

import java.util.Locale;

/** Human-readable quantities for messages and reports. */
public final class Units {
  private Units() {}

  /** Bytes as B, KiB, MiB, GiB, TiB or PiB with one decimal, e.g. {@code 1.5 GiB}. */
  public static String bytes(long bytes) {
    if (bytes < 1024) return bytes + " B";
    double v = bytes;
    String[] u = {"KiB", "MiB", "GiB", "TiB", "PiB"};
    int i = -1;
    do {
      v /= 1024;
      i++;
    } while (v >= 1024 && i < u.length - 1);
    return String.format(Locale.ROOT, "%.1f %s", v, u[i]);
  }
}
