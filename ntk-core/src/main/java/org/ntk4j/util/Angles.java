package org.ntk4j.util;

/**
 * A pure-Java arc tangent for the hot loops of the arc-cosine kernels. {@link Math#atan2} on JDK 17 crosses into native
 * fdlibm for every call (about 24 ns here); this is the same fdlibm algorithm (argument reduction to |x| < 7/16 around
 * the break points 1/2, 1, 3/2 and ∞, then an odd polynomial of degree 21 split into two interleaved Horner chains)
 * written in Java so the JIT inlines it (a few ns). Accuracy: within 1 ulp of the correctly rounded result, checked
 * against {@link StrictMath#atan2} in the tests.
 */
public final class Angles {
  private Angles() {}

  private static final double[] ATAN_HI = {
      4.63647609000806093515e-01, 7.85398163397448278999e-01, 9.82793723247329054082e-01, 1.57079632679489655800e+00};
  private static final double[] ATAN_LO = {
      2.26987774529616870924e-17, 3.06161699786838301793e-17, 1.39033110312309984516e-17, 6.12323399573676603587e-17};
  private static final double AT0 = 3.33333333333329318027e-01;
  private static final double AT1 = -1.99999999998764832476e-01;
  private static final double AT2 = 1.42857142725034663711e-01;
  private static final double AT3 = -1.11111104054623557880e-01;
  private static final double AT4 = 9.09088713343650656196e-02;
  private static final double AT5 = -7.69187620504482999495e-02;
  private static final double AT6 = 6.66107313738753120669e-02;
  private static final double AT7 = -5.83357013379057348645e-02;
  private static final double AT8 = 4.97687799461593236017e-02;
  private static final double AT9 = -3.65315727442169155270e-02;
  private static final double AT10 = 1.62858201153657823623e-02;
  private static final double PI = Math.PI;
  private static final double PI_LO = 1.2246467991473531772e-16;

  /** atan(x) for finite x ≥ 0 (x may be +∞). */
  public static double atanNonNegative(double x) {
    int id;
    if (x < 0.4375) {
      id = -1;
    } else if (x < 0.6875) {
      id = 0;
      x = (2.0 * x - 1.0) / (2.0 + x);
    } else if (x < 1.1875) {
      id = 1;
      x = (x - 1.0) / (x + 1.0);
    } else if (x < 2.4375) {
      id = 2;
      x = (x - 1.5) / (1.0 + 1.5 * x);
    } else {
      id = 3;
      x = -1.0 / x;
    }
    double z = x * x;
    double w = z * z;
    double s1 = z * (AT0 + w * (AT2 + w * (AT4 + w * (AT6 + w * (AT8 + w * AT10)))));
    double s2 = w * (AT1 + w * (AT3 + w * (AT5 + w * (AT7 + w * AT9))));
    if (id < 0) return x - x * (s1 + s2);
    return ATAN_HI[id] - ((x * (s1 + s2) - ATAN_LO[id]) - x);
  }

  /**
   * The angle θ ∈ [0, π] between two vectors from {@code sin ≥ 0} and {@code cos} (any common positive scale), i.e.
   * atan2(sin, cos) for sin ≥ 0. atan2(0, 0) = 0 (an input paired with itself, or a zero input).
   */
  public static double angle(double sin, double cos) {
    if (cos > 0) return atanNonNegative(sin / cos);
    if (cos == 0) return sin > 0 ? PI / 2 : 0.0;
    return PI - (atanNonNegative(sin / -cos) - PI_LO);
  }
}
