package org.ntk4j.spark;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.ntk4j.Inputs;
import org.ntk4j.Shape;
import org.ntk4j.io.ArchitectureParser;
import org.ntk4j.io.Npy;
import org.ntk4j.io.NpyArray;
import org.ntk4j.kernel.KernelFunction;
import org.ntk4j.kernel.Kernels;
import org.ntk4j.layers.ArchitectureException;
import org.ntk4j.layers.Layer;

class DistributedKernelTest {
  static final String FC = "Dense(512, W_std=1.4142, b_std=0.05) -> Relu -> Dense(W_std=1.4142, b_std=0.1) -> Relu -> Dense(W_std=1.2)";
  static final String RES = "Dense(W_std=1) -> Residual(Dense(256, W_std=1.4) -> Relu -> Dense(256)) -> Relu -> Dense(b_std=0.2)";
  static SparkNtk spark;

  @TempDir Path tmp;

  @BeforeAll static void start() { spark = TestSpark.session(); }

  private static Kernels local(String arch, Inputs a, Inputs b) {
    KernelFunction kf = KernelFunction.of(ArchitectureParser.parse(arch)).threads(2).build();
    return b == null ? kf.compute(a) : kf.compute(a, b);
  }

  private static KernelSpec spec(String arch) { return KernelSpec.of(ArchitectureParser.parse(arch)); }

  @Test void symmetricKernelEqualsLocalBitwiseWithUnevenTiles() {
    Inputs x = TestSpark.gaussian(37, Shape.flat(6), 1);
    Kernels want = local(FC, x, null);
    for (int tile : new int[] {8, 37, 50}) {
      try (DistributedKernel k = spark.kernel(spec(FC), x, TileOptions.defaults().withTile(tile))) {
        int blocks = (37 + tile - 1) / tile;
        assertEquals(blocks * (blocks + 1) / 2, k.grid().tiles(), "upper triangle of blocks only");
        Kernels got = k.collect();
        assertArrayEquals(want.nngp(), got.nngp(), "NNGP bitwise, tile " + tile);
        assertArrayEquals(want.ntk(), got.ntk(), "NTK bitwise, tile " + tile);
      }
    }
  }

  @Test void crossKernelEqualsLocalBitwise() {
    Inputs a = TestSpark.gaussian(13, Shape.flat(5), 2);
    Inputs b = TestSpark.gaussian(21, Shape.flat(5), 3);
    Kernels want = local(FC, a, b);
    try (DistributedKernel k = spark.crossKernel(spec(FC), a, b, TileOptions.defaults().withTile(5))) {
      assertEquals(3 * 5, k.grid().tiles());
      Kernels got = k.collect();
      assertArrayEquals(want.nngp(), got.nngp());
      assertArrayEquals(want.ntk(), got.ntk());
    }
  }

  @Test void residualNetworkEqualsLocalBitwise() {
    Inputs x = TestSpark.gaussian(19, Shape.flat(7), 4);
    Kernels want = local(RES, x, null);
    try (DistributedKernel k = spark.kernel(spec(RES), x, TileOptions.defaults().withTile(4))) {
      Kernels got = k.collect();
      assertArrayEquals(want.nngp(), got.nngp());
      assertArrayEquals(want.ntk(), got.ntk());
    }
  }

  @Test void failedTaskIsRetriedAndTheKernelIsStillExact() {
    Inputs x = TestSpark.gaussian(30, Shape.flat(4), 5);
    Kernels want = local(FC, x, null);
    int before = DistributedKernel.TileTask.INJECTED.get();
    try (DistributedKernel k = DistributedKernel.create(spark, spec(FC), x, null, TileOptions.defaults().withTile(7), 3)) {
      Kernels got = k.collect();
      assertEquals(before + 1, DistributedKernel.TileTask.INJECTED.get(), "the first attempt of tile 3 failed once");
      assertArrayEquals(want.nngp(), got.nngp());
      assertArrayEquals(want.ntk(), got.ntk());
      assertEquals(k.grid().tiles(), k.tilesComputed(), "every tile computed once successfully (the failed attempt does not count)");
    }
  }

  @Test void productsMatchDenseLoopsAndAreDeterministic() {
    Inputs x = TestSpark.gaussian(29, Shape.flat(3), 6);
    Kernels dense = local(FC, x, null);
    int n = 29, k = 3;
    double[] v = TestSpark.gaussian(n, Shape.flat(k), 7).data();
    double reg = 0.25;
    try (DistributedKernel dk = spark.kernel(spec(FC), x, TileOptions.defaults().withTile(6))) {
      for (KernelKind kind : KernelKind.values()) {
        double[] kv = dk.multiply(kind, v, k, reg);
        double[] a = kind == KernelKind.NTK ? dense.ntk() : dense.nngp();
        double scale = 0;
        double[] want = new double[n * k];
        for (int i = 0; i < n; i++) {
          for (int o = 0; o < k; o++) {
            double s = reg * v[i * k + o];
            for (int j = 0; j < n; j++) s += a[i * n + j] * v[j * k + o];
            want[i * k + o] = s;
            scale = Math.max(scale, Math.abs(s));
          }
        }
        for (int i = 0; i < want.length; i++) assertEquals(want[i], kv[i], 1e-13 * scale, kind + " entry " + i);
        assertArrayEquals(kv, dk.multiply(kind, v, k, reg), "a second pass gives bitwise the same product");
      }
      double[] d = dk.diagonal(KernelKind.NTK);
      for (int i = 0; i < n; i++) assertEquals(dense.ntk(i, i), d[i], 0.0, "diagonal " + i);
    }
  }

  @Test void uncachedTilesAreRecomputedEveryPassWithTheSameResult() {
    Inputs x = TestSpark.gaussian(20, Shape.flat(3), 13);
    double[] v = TestSpark.gaussian(20, Shape.flat(1), 14).data();
    try (DistributedKernel cached = spark.kernel(spec(FC), x, TileOptions.defaults().withTile(7));
         DistributedKernel none = spark.kernel(spec(FC), x, TileOptions.defaults().withTile(7)
             .withStorage(org.apache.spark.storage.StorageLevel.NONE()))) {
      double[] a = cached.multiply(KernelKind.NTK, v, 1, 0);
      double[] b = none.multiply(KernelKind.NTK, v, 1, 0);
      cached.multiply(KernelKind.NTK, v, 1, 0);
      assertArrayEquals(a, none.multiply(KernelKind.NTK, v, 1, 0));
      assertArrayEquals(a, b);
      assertEquals(6, cached.tilesComputed(), "cached: each of the 6 tiles computed once for two passes");
      assertEquals(12, none.tilesComputed(), "storage NONE: recomputed on each of the two passes");
    }
  }

  @Test void tilesWrittenAsNpyMatchTheLocalKernel() throws Exception {
    Inputs x = TestSpark.gaussian(11, Shape.flat(3), 8);
    Kernels want = local(FC, x, null);
    try (DistributedKernel k = spark.kernel(spec(FC), x, TileOptions.defaults().withTile(4).keeping(KernelKind.NTK))) {
      List<Path> files = k.writeTiles(tmp.resolve("tiles"));
      assertEquals(6, files.size(), "3 x 3 blocks, upper triangle, NTK only");
      List<String> index = Files.readAllLines(tmp.resolve("tiles/tiles.tsv"));
      assertEquals(2 + 6, index.size());
      assertEquals("0\t2\t0\t4\t8\t3", index.get(4));
      NpyArray t = Npy.read(tmp.resolve("tiles/ntk_0_2.npy"));
      assertArrayEquals(new int[] {4, 3}, t.shape());
      for (int r = 0; r < 4; r++) for (int c = 0; c < 3; c++) assertEquals(want.ntk(r, 8 + c), t.data()[r * 3 + c], 0.0);
      assertTrue(Files.notExists(tmp.resolve("tiles/nngp_0_0.npy")), "NNGP not kept, not written");
      assertThrows(IllegalArgumentException.class, () -> k.multiply(KernelKind.NNGP, new double[11], 1, 0));
    }
  }

  @Test void refusals() {
    Layer dense = ArchitectureParser.parse(FC);
    Inputs images = TestSpark.gaussian(3, Shape.of(new int[] {4, 4}, 1), 9);
    assertThrows(ArchitectureException.class, () -> spark.kernel(KernelSpec.of(dense), images, TileOptions.defaults()));
    Inputs x = TestSpark.gaussian(100, Shape.flat(10), 10);
    IllegalArgumentException big = assertThrows(IllegalArgumentException.class,
        () -> spark.kernel(KernelSpec.of(dense), x, TileOptions.defaults().withBroadcastLimit(4000)));
    assertTrue(big.getMessage().contains("7.8 KiB to broadcast"), big.getMessage());
    // 40000 x 40000: both kernels plus their tiles need 8·2·(1.6e9 + 1.6e9) bytes = 47.7 GiB on the driver
    Inputs a = TestSpark.gaussian(40000, Shape.flat(1), 11);
    Inputs b = TestSpark.gaussian(40000, Shape.flat(1), 12);
    try (DistributedKernel k = spark.crossKernel(KernelSpec.of(dense), a, b, TileOptions.defaults().withTile(4000))) {
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class, k::collect);
      assertTrue(e.getMessage().contains("needs 47.7 GiB"), e.getMessage());
    }
    assertThrows(IllegalArgumentException.class, () -> TileOptions.defaults().withTile(10000));
  }
}
