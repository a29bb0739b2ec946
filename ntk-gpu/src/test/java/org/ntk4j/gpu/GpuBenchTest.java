package org.ntk4j.gpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.ntk4j.kernel.KernelBackend;

/** The benchmark runs on the CPU with small sizes (a smoke test; the device script runs the real sizes). */
class GpuBenchTest {
  @TempDir Path tmp;

  @Test
  void smokeOnCpu() throws Exception {
    GpuBench.Options o = GpuBench.Options.parse(new String[] {"--backend", "cpu", "--fc-n", "40", "--fc-d", "16",
        "--cnn-n", "3", "--cnn-size", "4", "--cnn-depth", "2", "--cnn-check", "2", "--out", tmp.resolve("bench.txt").toString()});
    List<String> lines = GpuBench.run(o);
    assertEquals(4, lines.size(), lines.toString());
    assertTrue(lines.get(1).startsWith("fc n=40 d=16 3xRelu on cpu: "), lines.get(1));
    assertTrue(lines.get(2).startsWith("cnn depth=2 4x4x3 GlobalAvgPool n=3 on cpu: "), lines.get(2));
    // the same-run CPU check of the leading 2 × 2 block: the CPU against itself differs by nothing
    assertTrue(lines.get(3).startsWith("cnn check: cpu on the first 2 inputs "), lines.get(3));
    assertTrue(lines.get(3).endsWith("max relative difference NNGP 0.00, NTK 0.00"), lines.get(3));
    assertEquals(lines, Files.readAllLines(tmp.resolve("bench.txt")));
    assertTrue(lines.get(2).contains("% of 34 TFLOPS float64 peak, counting 38 flops per entry and layer"), lines.get(2));
    assertEquals(KernelBackend.Choice.AUTO, GpuBench.Options.parse(new String[0]).backend);
  }

  @Test
  void flopCountIsTheIssuesLowerBound() {
    // 21 layers, 32 × 32 with pooling: 21 · 1024² · 38 = 0.837 GFLOP per entry, 24.6 µs at 34 TFLOPS (issue: ~25 µs)
    double f = GpuBench.cnnFlopsPerEntry(21, 32, false);
    assertEquals(21.0 * 1024 * 1024 * 38, f, 0.0);
    assertEquals(24.6e-6, f / 34e12, 0.1e-6);
    assertEquals(21.0 * 1024 * 38, GpuBench.cnnFlopsPerEntry(21, 32, true), 0.0);
  }
}
