package org.ntk4j.gpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class TilePlanTest {
  @Test
  void symmetricPlanCoversTheUpperTriangleOnceAndMirrorsToTheWholeGrid() {
    for (int n : new int[] {1, 63, 64, 65, 200}) {
      for (int side : new int[] {64, 128}) {
        TilePlan p = TilePlan.of(n, n, true, side, 3);
        int[] count = new int[n * n];
        for (TilePlan.Tile t : p.tiles()) {
          assertTrue(t.j0() >= t.i0(), "tile below the diagonal " + t);
          for (int r = 0; r < t.rows(); r++) {
            for (int c = 0; c < t.cols(); c++) {
              int i = t.i0() + r, j = t.j0() + c;
              if (j >= i) count[i * n + j]++;
            }
          }
        }
        for (int i = 0; i < n; i++) {
          for (int j = i; j < n; j++) assertEquals(1, count[i * n + j], "pair " + i + "," + j + " n=" + n + " side=" + side);
        }
        int b = (n + side - 1) / side;
        assertEquals(b * (b + 1) / 2, p.tiles().size(), "tiles on or above the diagonal");
      }
    }
  }

  @Test
  void generalPlanCoversEveryPairOnceAndDealsTilesRoundRobin() {
    TilePlan p = TilePlan.of(130, 70, false, 64, 3);
    int[] count = new int[130 * 70];
    for (TilePlan.Tile t : p.tiles()) {
      for (int r = 0; r < t.rows(); r++) for (int c = 0; c < t.cols(); c++) count[(t.i0() + r) * 70 + t.j0() + c]++;
    }
    for (int v : count) assertEquals(1, v);
    assertEquals(130L * 70, p.pairs());
    for (int k = 0; k < p.tiles().size(); k++) assertEquals(k % 3, p.tiles().get(k).stream());
  }

  @Test
  void sideFitsTheBudgetInWholeBlocks() {
    // 3 streams × 2 arrays × 8 B per pair: 1 GiB → √(2^30 / 48) = 4729 → capped at 2048
    assertEquals(2048, TilePlan.side(1L << 30, 3, 100_000, 100_000, 2048));
    // 48 MiB → √(2^20) = 1024
    assertEquals(1024, TilePlan.side(48L << 20, 3, 100_000, 100_000, 4096));
    // a small grid needs no more than its size rounded up to a block
    assertEquals(128, TilePlan.side(1L << 30, 3, 100, 70, 2048));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> TilePlan.side(1000, 3, 100, 100, 2048));
    assertTrue(e.getMessage().contains("cannot hold one 64 x 64 tile"), e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> TilePlan.of(3, 4, true, 64, 1));
  }
}
