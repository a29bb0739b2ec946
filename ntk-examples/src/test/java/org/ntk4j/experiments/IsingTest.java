package org.ntk4j.experiments;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class IsingTest {
  @Test
  void sameSeedSameConfigurations() {
    Ising m = new Ising(8, Ising.Algorithm.WOLFF);
    double[] a = m.sample(2.3, 5, 50, 3, 7L);
    assertArrayEquals(a, m.sample(2.3, 5, 50, 3, 7L));
    assertFalse(java.util.Arrays.equals(a, m.sample(2.3, 5, 50, 3, 8L)));
    for (double v : a) assertTrue(v == 1 || v == -1);
  }

  @Test
  void energyAndMagnetisationByHand() {
    Ising m = new Ising(2, Ising.Algorithm.METROPOLIS);
    // all up: 2·L² bonds of −1 each → energy per site −2; checkerboard → +2
    double[] c = {1, 1, 1, 1, 1, -1, -1, 1};
    assertEquals(-2.0, m.energyPerSite(c, 0), 0.0);
    assertEquals(2.0, m.energyPerSite(c, 1), 0.0);
    assertEquals(1.0, m.absMagnetisation(c, 0), 0.0);
    assertEquals(0.0, m.absMagnetisation(c, 1), 0.0);
  }

  /** Onsager: spontaneous magnetisation (1 − sinh(2/T)^−4)^{1/8}; 0.98656 at T = 1.5. */
  @Test
  void bothSamplersReproduceKnownPhysics() {
    for (Ising.Algorithm alg : Ising.Algorithm.values()) {
      Ising m = new Ising(16, alg);
      int n = 200;
      double[] cold = m.sample(1.5, n, 200, 2, 1L);
      double mag = 0;
      for (int c = 0; c < n; c++) mag += m.absMagnetisation(cold, c);
      mag /= n;
      double onsager = Math.pow(1 - Math.pow(Math.sinh(2 / 1.5), -4), 0.125);
      assertEquals(onsager, mag, 0.01, alg + " |m| at T = 1.5");
      double[] hot = m.sample(5.0, n, 50, alg == Ising.Algorithm.WOLFF ? 20 : 2, 2L);
      double e = 0, mh = 0;
      for (int c = 0; c < n; c++) {
        e += m.energyPerSite(hot, c);
        mh += m.absMagnetisation(hot, c);
      }
      // high-temperature series: u ≈ −2 tanh(1/T) (1 + O(tanh⁴)) = −0.395 at T = 5
      assertEquals(-0.41, e / n, 0.06, alg + " energy at T = 5");
      assertTrue(mh / n < 0.15, alg + " |m| at T = 5: " + mh / n);
    }
  }

  @Test
  void refusesBadArguments() {
    assertThrows(IllegalArgumentException.class, () -> new Ising(1, Ising.Algorithm.WOLFF));
    Ising m = new Ising(4, Ising.Algorithm.WOLFF);
    assertThrows(IllegalArgumentException.class, () -> m.sample(-1, 1, 0, 1, 0));
    assertThrows(IllegalArgumentException.class, () -> m.sample(2, 0, 0, 1, 0));
    assertEquals(2.269185314213022, Ising.CRITICAL_TEMPERATURE, 1e-15);
  }
}
