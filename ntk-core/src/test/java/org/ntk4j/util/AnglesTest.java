package org.ntk4j.util;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class AnglesTest {
  private static double ulps(double a, double ref) { return Math.abs(a - ref) / Math.ulp(ref); }

  @Test
  void withinOneUlpOfStrictMathOverWideRanges() {
    SplittableRandom r = new SplittableRandom(7);
    double worst = 0;
    for (int i = 0; i < 2_000_000; i++) {
      double s = Math.abs(r.nextGaussian()) * Math.pow(10, r.nextInt(-12, 12));
      double c = r.nextGaussian() * Math.pow(10, r.nextInt(-12, 12));
      double ref = StrictMath.atan2(s, c);
      worst = Math.max(worst, ulps(Angles.angle(s, c), ref));
    }
    assertTrue(worst <= 1.0, "worst error " + worst + " ulp");
  }

  @Test
  void breakPointsAndSpecialValues() {
    double[] xs = {0, 1e-300, 0.4375, Math.nextDown(0.4375), 0.5, 0.6875, 1, 1.1875, 1.5, 2.4375, 3, 1e10, 1e300,
        Double.POSITIVE_INFINITY};
    for (double x : xs) assertTrue(ulps(Angles.atanNonNegative(x), StrictMath.atan(x)) <= 1.0, "atan(" + x + ")");
    assertEquals(0.0, Angles.angle(0, 0));
    assertEquals(0.0, Angles.angle(0, 5));
    assertEquals(Math.PI, Angles.angle(0, -5));
    assertEquals(Math.PI / 2, Angles.angle(3, 0));
    assertEquals(Math.PI / 4, Angles.angle(1, 1), Math.ulp(Math.PI / 4));
  }
}
