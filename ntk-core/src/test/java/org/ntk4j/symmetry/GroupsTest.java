package org.ntk4j.symmetry;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.ntk4j.Inputs;
import org.ntk4j.Shape;

class GroupsTest {
  static double[] act(Group g, int e, Shape s, double... x) {
    double[] out = new double[x.length];
    g.act(e, s, x, 0, out, 0);
    return out;
  }

  static final double[] IMAGE = {1, 2, 3, 4, 5, 6, 7, 8, 9};
  static final Shape SQ = Shape.fromDims(3, 3, 1);

  @Test
  void rotatesAndFlipsA3x3ImageLikeNumpy() {
    // expected arrays: numpy.rot90(m, k), numpy.fliplr(m), numpy.rot90(numpy.fliplr(m)) of m = arange(1, 10).reshape(3, 3)
    Group c4 = Groups.parse("C4", SQ);
    assertArrayEquals(IMAGE, act(c4, 0, SQ, IMAGE));
    assertArrayEquals(new double[] {3, 6, 9, 2, 5, 8, 1, 4, 7}, act(c4, 1, SQ, IMAGE));
    assertArrayEquals(new double[] {9, 8, 7, 6, 5, 4, 3, 2, 1}, act(c4, 2, SQ, IMAGE));
    assertArrayEquals(new double[] {7, 4, 1, 8, 5, 2, 9, 6, 3}, act(c4, 3, SQ, IMAGE));
    Group d4 = Groups.parse("D4", SQ);
    assertEquals(8, d4.order());
    assertArrayEquals(new double[] {3, 2, 1, 6, 5, 4, 9, 8, 7}, act(d4, 4, SQ, IMAGE));
    assertArrayEquals(new double[] {1, 4, 7, 2, 5, 8, 3, 6, 9}, act(d4, 5, SQ, IMAGE));
    // channels move with their pixel
    Shape two = Shape.fromDims(3, 3, 2);
    double[] x = new double[18];
    for (int p = 0; p < 9; p++) {
      x[2 * p] = IMAGE[p];
      x[2 * p + 1] = -10 * IMAGE[p];
    }
    double[] r = act(c4, 1, two, x);
    double[] want = {3, 6, 9, 2, 5, 8, 1, 4, 7};
    for (int p = 0; p < 9; p++) {
      assertEquals(want[p], r[2 * p]);
      assertEquals(-10 * want[p], r[2 * p + 1]);
    }
    // C2 on a non-square image: rotation by 180°
    Shape rect = Shape.fromDims(2, 3, 1);
    assertArrayEquals(new double[] {6, 5, 4, 3, 2, 1}, act(Groups.parse("C2", rect), 1, rect, 1, 2, 3, 4, 5, 6));
  }

  @Test
  void translationsRollThePeriodicLattice() {
    Shape l = Shape.fromDims(4, 1);
    Group t = Groups.parse("T", l);
    assertEquals(4, t.order());
    assertArrayEquals(new double[] {4, 1, 2, 3}, act(t, 1, l, 1, 2, 3, 4));
    Shape hw = Shape.fromDims(2, 3, 1);
    Group t2 = Groups.parse("T", hw);
    assertEquals(6, t2.order());
    // numpy.roll(arange(6).reshape(2, 3), (1, 2), axis=(0, 1)) = [[4, 5, 3], [1, 2, 0]]; element 1·3 + 2
    assertArrayEquals(new double[] {4, 5, 3, 1, 2, 0}, act(t2, 5, hw, 0, 1, 2, 3, 4, 5));
  }

  @Test
  void pointSymmetriesAndSignFlip() {
    Shape p2 = Shape.flat(4); // two points in ℝ²
    Group c4 = Groups.parse("C4", p2);
    assertArrayEquals(new double[] {-2, 1, -4, 3}, act(c4, 1, p2, 1, 2, 3, 4)); // (x, y) ↦ (−y, x)
    assertArrayEquals(new double[] {2, -1, 4, -3}, act(c4, 3, p2, 1, 2, 3, 4));
    Group d4 = Groups.parse("D4", p2);
    assertArrayEquals(new double[] {1, -2, 3, -4}, act(d4, 4, p2, 1, 2, 3, 4)); // reflection (x, y) ↦ (x, −y)
    assertArrayEquals(new double[] {2, 1, 4, 3}, act(d4, 5, p2, 1, 2, 3, 4)); // rotation after reflection: (y, x)
    Group z2 = Groups.parse("Z2", SQ);
    assertArrayEquals(new double[] {-1, -2, -3, -4, -5, -6, -7, -8, -9}, act(z2, 1, SQ, IMAGE));
    Group o = Groups.parse("O", Shape.flat(3));
    assertEquals(24, o.order());
    assertEquals(48, Groups.parse("Oh", Shape.flat(6)).order());
    Group p = Groups.parse("P(1,2,0)", Shape.flat(3));
    assertEquals(3, p.order());
    assertArrayEquals(new double[] {20, 30, 10}, act(p, 1, Shape.flat(3), 10, 20, 30)); // x[perm]
    assertEquals(6, Groups.parse("P(1,0,2;0,2,1)", Shape.flat(3)).order()); // generates S₃
    // positions of spatial inputs, channels alike
    Shape l = Shape.fromDims(3, 2);
    assertArrayEquals(new double[] {3, 4, 1, 2, 5, 6}, act(Groups.parse("P(1,0,2)", l), 1, l, 1, 2, 3, 4, 5, 6));
  }

  @ParameterizedTest(name = "{0} on {1}")
  @CsvSource(delimiter = ';', value = {"C4; 3,3,1", "D4; 4,4,2", "T; 3,3,1", "T; 5,2", "TxD4xZ2; 3,3,2", "C2; 2,3,1", "C4; 4",
      "D4; 2", "C2; 6", "O; 3", "Oh; 6", "'P(1,0,2;0,2,1)'; 3", "Z2; 5", "C1; 3", "D4xZ2; 3,3,1"})
  void groupAxiomsHoldElementByElement(String name, String dims) {
    Shape s = Shape.fromDims(java.util.Arrays.stream(dims.split(",")).mapToInt(Integer::parseInt).toArray());
    Group g = Groups.parse(name, s);
    assertTrue(g.isExact());
    assertTrue(g.isClosed());
    int[][] t = GroupTable.multiplication(g, s, 0);
    int n = g.order();
    int[] inv = GroupTable.inverses(t);
    Set<String> distinct = new HashSet<>();
    double[] probe = new double[s.size()];
    SplittableRandom r = new SplittableRandom(3);
    for (int i = 0; i < probe.length; i++) probe[i] = r.nextGaussian();
    for (int a = 0; a < n; a++) {
      assertEquals(a, t[0][a], "identity on the left");
      assertEquals(a, t[a][0], "identity on the right");
      assertEquals(0, t[inv[a]][a], "inverse on the left");
      distinct.add(java.util.Arrays.toString(act(g, a, s, probe)));
      for (int b = 0; b < n; b++) {
        // closure checked bitwise: ρ(a)(ρ(b)x) is exactly ρ(a∘b)x
        assertArrayEquals(act(g, t[a][b], s, probe), act(g, a, s, act(g, b, s, probe)));
        if (n <= 48) for (int c = 0; c < n; c++) assertEquals(t[t[a][b]][c], t[a][t[b][c]], "associativity");
      }
    }
    assertEquals(n, distinct.size(), "elements act differently");
  }

  @Test
  void productsHaveTheProductOrderAndNames() {
    Shape s = Shape.fromDims(3, 3, 2);
    Group g = Groups.parse("TxD4xZ2", s);
    assertEquals(9 * 8 * 2, g.order());
    assertEquals("TxD4xZ2", g.name());
    // element (t, d, z) = ((t·8) + d)·2 + z acts as T(t)∘D4(d)∘Z2(z)
    double[] x = new double[18];
    for (int i = 0; i < 18; i++) x[i] = i + 1;
    Group t = Groups.parse("T", s), d4 = Groups.parse("D4", s), z2 = Groups.parse("Z2", s);
    int e = (4 * 8 + 5) * 2 + 1;
    assertArrayEquals(act(t, 4, s, act(d4, 5, s, act(z2, 1, s, x))), act(g, e, s, x));
  }

  @Test
  void approximateAndSampledGroupsSaySo() {
    Shape img = Shape.fromDims(5, 5, 1);
    Group c8 = Groups.parse("C8", img);
    assertFalse(c8.isExact());
    assertFalse(c8.isClosed());
    assertEquals(8, c8.order());
    double[] x = new double[25];
    SplittableRandom r = new SplittableRandom(1);
    for (int i = 0; i < 25; i++) x[i] = r.nextGaussian();
    assertArrayEquals(act(Groups.parse("C4", img), 1, img, x), act(c8, 2, img, x), "90° is the exact pixel rotation");
    double[] centre = new double[25];
    centre[12] = 1;
    double[] rc = act(c8, 1, img, centre);
    assertEquals(1.0, rc[12], 1e-15, "45° keeps the centre pixel");
    double[] ring = new double[25];
    ring[13] = 1; // right of the centre: rotated by 45° it falls between pixels, spread by bilinear weights
    double total = 0;
    for (double v : act(c8, 1, img, ring)) total += v;
    assertEquals(1.0, total, 1e-12);
    assertThrows(IllegalArgumentException.class, () -> GroupTable.multiplication(c8, img, 1e-9), "interpolated rotations do not compose");
    assertEquals(16, Groups.parse("C16", img).order());

    Group c6 = Groups.parse("C6", Shape.flat(2));
    assertFalse(c6.isExact());
    assertTrue(c6.isClosed());
    int[][] t6 = GroupTable.multiplication(c6, Shape.flat(2), 1e-14);
    assertEquals(3, t6[1][2]); // 60° after 120°
    double[] v = act(c6, 1, Shape.flat(2), 1, 0);
    assertEquals(0.5, v[0], 2e-16);
    assertEquals(Math.sqrt(3) / 2, v[1], 1e-16);

    Group so3 = Groups.parse("SO3(5,seed=7)", Shape.flat(6));
    assertFalse(so3.isClosed());
    assertEquals(5, so3.order());
    double[] p = {0.3, -1.2, 2.0, 1, 1, 1};
    for (int g = 0; g < 5; g++) {
      double[] q = act(so3, g, Shape.flat(6), p);
      assertEquals(0.3 * 0.3 + 1.44 + 4, q[0] * q[0] + q[1] * q[1] + q[2] * q[2], 1e-13, "rotations keep lengths");
      assertEquals(3, q[3] * q[3] + q[4] * q[4] + q[5] * q[5], 1e-13);
    }
    assertArrayEquals(p, act(so3, 0, Shape.flat(6), p), "element 0 is the identity");
    assertEquals(4, Groups.parse("SO2(4)", Shape.flat(2)).order());
  }

  @ParameterizedTest(name = "{0} on {1}")
  @CsvSource(delimiter = ';', value = {
      "Q7; 4; unknown group 'Q7'",
      "C4; 3,4,1; square images",
      "D4; 2,3,1; square images",
      "T; 4; T (cyclic translations)",
      "C4; 3; dimension must be even",
      "O; 4; ℝ³",
      "C6; 4,4,1; available are C2, C4, D4",
      "C4; 5,2; 1-D lattices",
      "P(1,0); 3; has 2 entries",
      "P(1,1,0); 3; repeats index 1",
      "P(1,a,0); 3; 'a' is not an index",
      "P(0,1,5); 3; outside 0..2",
      "C4x; 2; empty factor",
      "SO2(x); 2; SO2(n)",
      "'  '; 2; empty group name",
      "C8; 3,4,1; square images"})
  void parseRefusesWithAClearMessage(String name, String dims, String message) {
    Shape s = Shape.fromDims(java.util.Arrays.stream(dims.split(",")).mapToInt(Integer::parseInt).toArray());
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Groups.parse(name, s));
    assertTrue(e.getMessage().contains(message), e.getMessage());
  }

  @Test
  void namesAreCaseInsensitiveLikeLayerNames() {
    Shape img = Shape.fromDims(4, 4, 1);
    Inputs x = new Inputs(1, img, new double[] {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16});
    for (String[] pair : new String[][] {{"c4", "C4"}, {"d4", "D4"}, {"txd4xz2", "TxD4xZ2"}, {"TXD4XZ2", "TxD4xZ2"}, {"z2", "Z2"}}) {
      Group a = Groups.parse(pair[0], img), b = Groups.parse(pair[1], img);
      assertEquals(b.order(), a.order(), pair[0]);
      for (int g = 0; g < a.order(); g++) assertArrayEquals(b.act(g, x).data(), a.act(g, x).data(), pair[0] + " element " + g);
    }
    assertEquals(48, Groups.parse("oh", Shape.flat(3)).order());
  }

  @Test
  void groupsBuiltForOneShapeRefuseAnother() {
    Group t = Groups.parse("T", Shape.fromDims(4, 1));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> t.act(1, new Inputs(1, Shape.fromDims(5, 1), new double[5])));
    assertTrue(e.getMessage().contains("lattices of size [4]"), e.getMessage());
    Group c4 = Groups.parse("C4", Shape.flat(2));
    assertThrows(IllegalArgumentException.class, () -> c4.act(4, Inputs.of(new double[][] {{1, 2}})));
  }

  @Test
  void augmentationBuildsTheWholeOrbitWithTransformedLabels() {
    Shape s = Shape.flat(2);
    Group c4 = Groups.parse("C4", s);
    Inputs x = Inputs.of(new double[][] {{1, 2}, {3, 0}, {0, 0}});
    double[] y = {1, 0, 0, 1, 5, 5};
    Augmentation.Augmented inv = Augmentation.orbit(x, y, 2, c4, OutputAction.invariant());
    assertEquals(12, inv.n());
    for (int r = 0; r < 12; r++) {
      assertEquals(r / 3, inv.element()[r]);
      assertEquals(r % 3, inv.source()[r]);
      assertEquals(y[2 * (r % 3)], inv.y()[2 * r]);
      assertEquals(y[2 * (r % 3) + 1], inv.y()[2 * r + 1]);
    }
    assertArrayEquals(new double[] {-2, 1}, inv.x().row(3), 0.0); // element 1 on input 0
    assertArrayEquals(new double[] {0, -3}, inv.x().row(10), 0.0); // element 3 on input 1: (x, y) ↦ (y, −x)
    Augmentation.Augmented eq = Augmentation.orbit(x, y, 2, c4, OutputActions.sameAsInputs(c4));
    assertArrayEquals(new double[] {0, 1, -1, 0, -5, 5}, java.util.Arrays.copyOfRange(eq.y(), 6, 12), 0.0); // element 1: labels rotated by 90°
    Augmentation.Augmented part = Augmentation.byElements(x, y, 2, c4, OutputAction.invariant(), new int[] {0, 2});
    assertEquals(6, part.n());
    assertArrayEquals(new double[] {-1, -2}, part.x().row(3), 0.0);
    assertThrows(IllegalArgumentException.class, () -> Augmentation.orbit(x, new double[5], 2, c4, OutputAction.invariant()));
  }

  @Test
  void exactSumIsCorrectlyRoundedAndOrderIndependent() {
    ExactSum s = new ExactSum();
    double[] tenths = new double[10];
    java.util.Arrays.fill(tenths, 0.1);
    assertEquals(1.0, s.sum(tenths, 0, 1, 10)); // math.fsum([0.1] * 10) == 1.0; naive summation gives 0.9999999999999999
    assertEquals(1.0, s.sum(new double[] {1e100, 1.0, -1e100}, 0, 1, 3));
    SplittableRandom r = new SplittableRandom(9);
    double[] v = new double[40];
    for (int i = 0; i < v.length; i++) v[i] = r.nextGaussian() * Math.pow(10, r.nextInt(-8, 8));
    double ref = s.sum(v, 0, 1, v.length);
    double[] neg = new double[v.length];
    for (int trial = 0; trial < 50; trial++) {
      for (int i = v.length - 1; i > 0; i--) {
        int j = r.nextInt(i + 1);
        double t = v[i];
        v[i] = v[j];
        v[j] = t;
      }
      assertEquals(ref, s.sum(v, 0, 1, v.length));
      for (int i = 0; i < v.length; i++) neg[i] = -v[i];
      assertEquals(-ref, s.sum(neg, 0, 1, v.length));
    }
    assertEquals(6.0, s.sum(new double[] {1, 9, 2, 9, 3}, 0, 2, 3), "strided");
  }
}
