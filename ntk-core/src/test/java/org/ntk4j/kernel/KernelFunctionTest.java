package org.ntk4j.kernel;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigDecimal;
import java.math.MathContext;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.ntk4j.Inputs;
import org.ntk4j.Shape;
import org.ntk4j.layers.ArchitectureException;
import org.ntk4j.layers.Dense;
import org.ntk4j.layers.Layer;
import org.ntk4j.layers.Layers;
import org.ntk4j.layers.Relu;

class KernelFunctionTest {
  static final Layer FC = Layers.serial(Dense.of(1.5, 0.1), new Relu(), Dense.of(1.5, 0.1), new Relu(), Dense.of(1.5, 0.1));

  static Inputs random(int n, int d, long seed) {
    SplittableRandom r = new SplittableRandom(seed);
    double[] x = new double[n * d];
    for (int i = 0; i < x.length; i++) x[i] = r.nextGaussian() * Math.exp(r.nextGaussian());
    return new Inputs(n, Shape.flat(d), x);
  }

  @Test
  void bitwiseIdenticalForAnyThreadCountAndTileSize() {
    Inputs x = random(37, 11, 1);
    Kernels ref = KernelFunction.of(FC).threads(1).maxTile(256).build().compute(x);
    for (int threads : new int[] {1, 2, 3}) {
      for (int tile : new int[] {1, 5, 16, 64}) {
        Kernels k = KernelFunction.of(FC).threads(threads).maxTile(tile).build().compute(x);
        assertArrayEquals(ref.nngp(), k.nngp(), "nngp threads=" + threads + " tile=" + tile);
        assertArrayEquals(ref.ntk(), k.ntk(), "ntk threads=" + threads + " tile=" + tile);
      }
    }
  }

  @Test
  void fewInputsAreSplitSoThatEveryThreadHasWork() {
    // a pooling CNN on 6 inputs: a pair costs much, so 6 inputs must not be one tile on one thread
    Layer cnn = org.ntk4j.io.ArchitectureParser.parse("Conv(3, padding=SAME, W_std=1.4) -> Relu -> GlobalAvgPool");
    Shape img = Shape.fromDims(5, 5, 2);
    for (int threads : new int[] {1, 2, 4, 8}) {
      KernelFunction kf = KernelFunction.of(cnn).threads(threads).build();
      KernelFunction.Plan p = kf.plan(img, true, 6, 6, true);
      long tiles = KernelFunction.tileCount(6, 6, true, p.tile());
      assertTrue(tiles >= Math.min(2L * threads, 21), threads + " threads: " + tiles + " tiles of " + p.tile());
      assertTrue((6 + p.selfChunk() - 1) / p.selfChunk() >= Math.min(threads, 6), threads + " threads: self chunk "
          + p.selfChunk());
    }
    // full covariances of 32 × 32 images (32 MiB a pair): one pair per tile; 8 × 8 (128 KiB): the cap of 16
    KernelFunction one = KernelFunction.of(cnn).threads(1).build();
    assertEquals(1, one.plan(Shape.fromDims(32, 32, 3), true, 100, 100, true).tile());
    assertEquals(16, one.plan(Shape.fromDims(8, 8, 3), true, 100, 100, true).tile());
    // large batches keep the memory-sized tiles
    KernelFunction kf = KernelFunction.of(FC).threads(4).build();
    assertEquals(256, kf.plan(Shape.flat(10), false, 5000, 5000, true).tile());
    assertEquals(4096, kf.plan(Shape.flat(10), false, 50_000, 50_000, true).selfChunk());
    // and the values do not depend on the split
    SplittableRandom r = new SplittableRandom(9);
    double[] v = new double[6 * img.size()];
    for (int i = 0; i < v.length; i++) v[i] = r.nextGaussian();
    Inputs x = new Inputs(6, img, v);
    Kernels single = KernelFunction.of(cnn).threads(1).build().compute(x);
    Kernels four = KernelFunction.of(cnn).threads(4).build().compute(x);
    assertArrayEquals(single.nngp(), four.nngp());
    assertArrayEquals(single.ntk(), four.ntk());
  }

  @Test
  void memoryPlanCountsTheStateCopiesOfBranches() {
    // per value of a pair: Σ, Θ and two temporaries (4 doubles); each Residual keeps one more Σ, Θ alive, a
    // ParallelSum two (its input's and the running sum's) beside the branch
    Shape img = Shape.fromDims(4, 4, 2);
    long values = 16L * 16;
    String[][] cases = {
        {"Conv(3, padding=SAME) -> Relu -> GlobalAvgPool", "4"},
        {"Conv(3, padding=SAME) -> Residual(Conv(3, padding=SAME) -> Relu) -> GlobalAvgPool", "6"},
        {"Conv(3, padding=SAME) -> Residual(Relu -> Residual(Conv(3, padding=SAME))) -> GlobalAvgPool", "8"},
        {"ParallelSum(Conv(3, padding=SAME), Conv(3, padding=SAME) -> Relu) -> GlobalAvgPool", "8"},
    };
    for (String[] c : cases) {
      KernelFunction kf = KernelFunction.of(org.ntk4j.io.ArchitectureParser.parse(c[0])).threads(1).build();
      assertEquals(Long.parseLong(c[1]) * 8 * values, kf.plan(img, true, 10, 10, true).bytesPerPair(), c[0]);
    }
    // a budget that holds one pair of the plain network is refused for the residual one, naming the need
    Layer plain = org.ntk4j.io.ArchitectureParser.parse(cases[0][0]);
    Layer residual = org.ntk4j.io.ArchitectureParser.parse(cases[1][0]);
    Inputs x = new Inputs(2, img, new double[2 * img.size()]);
    long budget = 4 * 8 * values + 2048; // the tapes of 2 inputs take about 1.3 KiB of the rest
    KernelFunction.of(plain).threads(1).memoryBudget(budget).build().compute(x);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> KernelFunction.of(residual).threads(1).memoryBudget(budget).build().compute(x));
    assertTrue(e.getMessage().contains("one pair needs 12.0 KiB"), e.getMessage());
  }

  @Test
  void symmetricPathEqualsGeneralPathAndIsExactlySymmetric() {
    Inputs x = random(20, 7, 2);
    Inputs copy = x.slice(0, x.n());
    KernelFunction kf = KernelFunction.of(FC).maxTile(6).build();
    Kernels sym = kf.compute(x);
    Kernels gen = kf.compute(x, copy);
    assertArrayEquals(sym.nngp(), gen.nngp());
    assertArrayEquals(sym.ntk(), gen.ntk());
    for (int i = 0; i < 20; i++) {
      for (int j = 0; j < 20; j++) assertEquals(sym.ntk(i, j), sym.ntk(j, i), 0.0);
    }
    double[][] diag = kf.diagonal(x);
    for (int i = 0; i < 20; i++) {
      assertEquals(diag[0][i], sym.nngp(i, i), 0.0);
      assertEquals(diag[1][i], sym.ntk(i, i), 0.0);
    }
  }

  @Test
  void crossKernelMatchesBlocksOfTheJointKernel() {
    Inputs a = random(9, 5, 3), b = random(4, 5, 4);
    KernelFunction kf = KernelFunction.of(FC).maxTile(3).build();
    Kernels ab = kf.compute(a, b);
    Kernels all = kf.compute(Inputs.concat(a, b));
    for (int i = 0; i < 9; i++) {
      for (int j = 0; j < 4; j++) {
        assertEquals(all.ntk(i, 9 + j), ab.ntk(i, j), 0.0);
        assertEquals(all.nngp(i, 9 + j), ab.nngp(i, j), 0.0);
      }
    }
  }

  @Test
  void exactGramIsIndependentOfFeatureOrderAndAccurate() {
    int d = 300;
    Inputs x = random(6, d, 5);
    int[] perm = new int[d];
    for (int i = 0; i < d; i++) perm[i] = i;
    SplittableRandom r = new SplittableRandom(9);
    for (int i = d - 1; i > 0; i--) {
      int j = r.nextInt(i + 1);
      int t = perm[i];
      perm[i] = perm[j];
      perm[j] = t;
    }
    double[] px = new double[x.data().length];
    for (int i = 0; i < 6; i++) for (int f = 0; f < d; f++) px[i * d + f] = x.data()[i * d + perm[f]];
    Inputs xp = new Inputs(6, x.shape(), px);
    KernelFunction exact = KernelFunction.of(FC).build();
    assertArrayEquals(exact.compute(x).ntk(), exact.compute(xp).ntk());
    assertArrayEquals(exact.compute(x).nngp(), exact.compute(xp).nngp());

    // the input kernel alone against a 60-digit reference
    Layer identity = Layers.serial(Dense.of(1.0));
    Kernels g = KernelFunction.of(identity).build().compute(x);
    for (int i = 0; i < 6; i++) {
      for (int j = 0; j < 6; j++) {
        BigDecimal s = BigDecimal.ZERO;
        for (int f = 0; f < d; f++) s = s.add(new BigDecimal(x.get(i, f)).multiply(new BigDecimal(x.get(j, f))));
        double ref = s.divide(new BigDecimal(d), new MathContext(60)).doubleValue();
        assertEquals(ref, g.nngp(i, j), 2 * Math.ulp(ref) + 1e-300, "Gram " + i + "," + j);
      }
    }
  }

  @Test
  void zeroConstantAndDuplicatedInputsAreFinite() {
    double[][] rows = {{0, 0, 0}, {1, 1, 1}, {1, 1, 1}, {-2, 0.5, 3}, {0, 0, 0}};
    Kernels k = KernelFunction.of(FC).build().compute(Inputs.of(rows));
    for (double v : k.ntk()) assertTrue(Double.isFinite(v));
    for (double v : k.nngp()) assertTrue(Double.isFinite(v));
    // duplicated inputs give identical rows
    for (int j = 0; j < 5; j++) {
      assertEquals(k.ntk(1, j), k.ntk(2, j), 0.0);
      assertEquals(k.ntk(0, j), k.ntk(4, j), 0.0);
    }
    // zero input with zero-mean first layer: Σ₁(0, x) = b², so every entry is the bias-only recursion
    Kernels z = KernelFunction.of(Layers.serial(Dense.of(1.5), new Relu(), Dense.of(1.5))).build()
        .compute(Inputs.of(new double[][] {{0, 0}}));
    assertEquals(0.0, z.nngp(0, 0), 0.0);
    assertEquals(0.0, z.ntk(0, 0), 0.0);
  }

  @Test
  void refusesTooSmallBudgetAndBadShapes() {
    Inputs x = random(10, 4, 6);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> KernelFunction.of(FC).memoryBudget(100).build().compute(x));
    assertTrue(e.getMessage().contains("memory budget"), e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> KernelFunction.of(FC).build().compute(x, random(3, 5, 1)));
    Inputs image = new Inputs(2, Shape.fromDims(3, 3, 1), new double[18]);
    ArchitectureException a = assertThrows(ArchitectureException.class, () -> KernelFunction.of(FC).build().compute(image));
    assertTrue(a.getMessage().contains("Dense") && a.getMessage().contains("Flatten"), a.getMessage());
    // an unstated width prints as "·", never as a channel count of 0
    ArchitectureException b = assertThrows(ArchitectureException.class,
        () -> KernelFunction.of(org.ntk4j.io.ArchitectureParser.parse("Conv(3) -> Relu -> Dense")).build().compute(image));
    assertTrue(b.getMessage().contains("(1, 1, ·)"), b.getMessage());
    assertThrows(IllegalArgumentException.class, () -> new Inputs(1, Shape.flat(2), new double[] {1, Double.NaN}));
  }

  @Test
  void smallBudgetGivesSameResultAsLargeBudget() {
    Inputs x = random(30, 6, 8);
    Kernels big = KernelFunction.of(FC).build().compute(x);
    Kernels small = KernelFunction.of(FC).memoryBudget(64 * 1024).threads(2).build().compute(x);
    assertArrayEquals(big.ntk(), small.ntk());
  }
}
