package org.ntk4j.gpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.ntk4j.Shape;
import org.ntk4j.layers.Parameterization;

/** The launch shapes of the full-covariance path (pure: no device, no compiler). */
class FullScheduleTest {
  static final FullSchedule.Config DEF = FullSchedule.Config.DEFAULT;

  @Test
  void stagingGroupsRowPairsToFillTheBlockWithinTheSharedMemory() {
    // 32 × 32 (the benchmark CNN, SAME): one 16 KiB plane pair, 1024 entries on 256 threads, 4 each
    assertEquals(new FullSchedule.Staging(1, 256, 16 * 32 * 32), FullSchedule.staging(32, 32, DEF));
    // 8 × 8: 16 row pairs per block (1024 entries, 16 KiB of planes)
    assertEquals(new FullSchedule.Staging(16, 256, 16 * 16 * 64), FullSchedule.staging(8, 8, DEF));
    // 6 × 6 → 4 × 4 (VALID): memory would allow 85 row pairs (48 KiB / 576 B), the threads 64
    assertEquals(new FullSchedule.Staging(64, 256, 64 * 576), FullSchedule.staging(6, 4, DEF));
    // 45 × 45: 2025 entries on 512 threads (the launch bound); 46 × 46 needs more: per-entry fallback
    assertEquals(new FullSchedule.Staging(1, 512, 16 * 45 * 45), FullSchedule.staging(45, 45, DEF));
    assertNull(FullSchedule.staging(46, 46, DEF));
    // a 56 × 56 plane pair (49 KiB) exceeds the shared memory even where the entries would fit
    assertNull(FullSchedule.staging(56, 40, DEF));
    // a device that allows only 256 threads for the kernel's registers: 32 × 32 still stages, 40 × 40 does not
    FullSchedule.Config narrow = DEF.withConvThreads(270);
    assertEquals(256, narrow.convThreads());
    assertEquals(new FullSchedule.Staging(1, 256, 16 * 32 * 32), FullSchedule.staging(32, 32, narrow));
    assertNull(FullSchedule.staging(40, 40, narrow));
    // small blocks: 3 × 3 outputs from 5 × 5 on 32 threads: the 2 KiB hold 5 plane pairs (45 entries)
    FullSchedule.Config tiny = new FullSchedule.Config(32, 32, 2048, 3, true, true);
    assertEquals(new FullSchedule.Staging(5, 32, 5 * 400), FullSchedule.staging(5, 3, tiny));
    // 12 × 12 = 144 entries > 4 × 32: fallback
    assertNull(FullSchedule.staging(10, 12, new FullSchedule.Config(32, 32, 48 * 1024, 3, true, true)));
  }

  @Test
  void everyStagingKeepsItsEntriesWithinTheThreadsAndItsPlanesWithinTheSharedMemory() {
    for (int convThreads : new int[] {32, 64, 256, 512}) {
      for (int shared : new int[] {1024, 4096, 48 * 1024}) {
        FullSchedule.Config c = new FullSchedule.Config(256, convThreads, shared, 1 << 20, true, true);
        for (int inW = 1; inW <= 64; inW++) {
          for (int outW = 1; outW <= inW + 2; outW++) {
            FullSchedule.Staging s = FullSchedule.staging(inW, outW, c);
            String what = convThreads + " threads, " + shared + " B, " + inW + " -> " + outW;
            boolean fits = 16L * inW * inW <= shared && outW * outW <= FullSchedule.CONV_ENTRIES_PER_THREAD * convThreads;
            assertEquals(fits, s != null, what);
            if (s == null) continue;
            assertTrue(s.group() >= 1 && s.threads() % 32 == 0 && s.threads() <= convThreads, what);
            assertTrue((long) s.group() * outW * outW <= (long) FullSchedule.CONV_ENTRIES_PER_THREAD * s.threads(), what);
            assertEquals(16L * s.group() * inW * inW, s.sharedBytes(), what);
            assertTrue(s.sharedBytes() <= shared, what);
          }
        }
      }
    }
  }

  @Test
  void theBenchmarkCnnRunsStagedAndFusedOnCrossPairs() throws Exception {
    StringBuilder sb = new StringBuilder();
    for (int l = 0; l < 21; l++) sb.append("Conv(3x3, padding=SAME, W_std=1.4142, b_std=0.05) -> Relu -> ");
    GpuProgram prog = GpuProgram.lower(org.ntk4j.io.ArchitectureParser.parse(sb + "GlobalAvgPool -> Dense(W_std=1.4142)"),
        Shape.fromDims(32, 32, 3), Parameterization.NTK, true);
    Object[] buf = {"b0", "b1", "b2", "b3"};
    List<String> cross = new ArrayList<>(), self = new ArrayList<>();
    for (FullSchedule.Launch l : FullSchedule.of(prog, "p", "g", "x", 0, "x", 4, 16, 4, false, "t", "t", 21 * 1024, buf,
        DEF).launches()) {
      cross.add(l.kernel());
      if (l.kernel().equals("ntk_full_conv_f64")) {
        assertEquals(256, l.threads());
        assertEquals(16 * 1024, l.sharedBytes());
        assertEquals(16 * 32 * 32, l.blocks()); // one row pair (y, y') of one pair per block
        assertTrue((Integer) l.args().values().get(11) >= 0, "the ReLU is fused");
      }
      if (l.kernel().equals("ntk_full_reduce_f64")) assertEquals(16, l.blocks());
    }
    for (FullSchedule.Launch l : FullSchedule.of(prog, "p", "g", "x", 0, "x", 0, 8, 1, true, "t", "t", 21 * 1024, buf,
        DEF).launches()) {
      self.add(l.kernel());
      if (l.kernel().equals("ntk_full_conv_f64")) assertEquals(-1, l.args().values().get(11), "self pairs: no fusion");
    }
    // cross pairs: input, 21 fused Conv+ReLU, GAP, Dense; self pairs: input, 21 × (Conv, record, ReLU), GAP, Dense
    assertEquals(1 + 21 + 1 + 1, cross.size(), cross.toString());
    assertEquals(21, cross.stream().filter("ntk_full_conv_f64"::equals).count());
    assertEquals(1 + 21 * 3 + 1 + 1, self.size(), self.toString());
  }

  @Test
  void badShapesAreRefused() {
    assertThrows(IllegalArgumentException.class, () -> new FullSchedule.Config(48, 32, 1024, 1, true, true));
    assertThrows(IllegalArgumentException.class, () -> new FullSchedule.Config(2048, 32, 1024, 1, true, true));
    assertThrows(IllegalArgumentException.class, () -> new FullSchedule.Config(256, 1024, 1024, 1, true, true));
    assertThrows(IllegalArgumentException.class, () -> new FullSchedule.Config(256, 32, 64 * 1024, 1, true, true));
    assertThrows(IllegalArgumentException.class, () -> new FullSchedule.Config(256, 32, 1024, 0, true, true));
    assertThrows(IllegalArgumentException.class, () -> new FullSchedule.Launch("k", 1, 2048, 0, null));
    assertThrows(IllegalArgumentException.class, () -> new FullSchedule.Launch("k", 0, 32, 0, null));
    assertEquals(3, new FullSchedule.Config(32, 32, 1024, 3, true, true).blocks(1000, 1));
    assertEquals(32, DEF.withConvThreads(40).convThreads());
    FullSchedule.Config off = DEF.withStaging(false);
    assertTrue(!off.staged() && !off.fuse() && off.maxThreads() == DEF.maxThreads());
    assertEquals(DEF, off.withStaging(true));
    assertEquals(1, DEF.blocks(0, 256));
    assertEquals(2, DEF.blocks(257, 256));
  }
}
