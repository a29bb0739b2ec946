package org.ntk4j.gpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The committed PTX assembled for the GPUs we target (sm_80: A100, sm_90: H100/H200) by ptxas, through nvcc, where it
 * exists: what the driver's JIT will do at cuModuleLoadData, checked without a device. Every kernel the host launches
 * assembles without spilling registers, and the block sizes the host launches fit its registers (64 K 32-bit registers
 * per block) and the shared memory without an opt-in (48 KiB, static plus the largest dynamic size the host asks for).
 */
class PtxAssemblyTest {
  record Usage(int registers, int spillBytes, int staticShared) {}

  /** Threads per block the host launches each kernel with (the largest), and the most dynamic shared memory. */
  static final Map<String, int[]> LAUNCHES = new LinkedHashMap<>();

  static {
    for (String p : new String[] {"f64", "f32"}) {
      LAUNCHES.put("ntk_fc_tile_" + p, new int[] {256, 0});
      LAUNCHES.put("ntk_fc_self_" + p, new int[] {128, 0});
      int convShared = 4 * 8 * GpuProgram.MAX_SPATIAL_POSITIONS;
      LAUNCHES.put("ntk_conv_self_" + p, new int[] {CudaBackend.CONV_THREADS, convShared});
      LAUNCHES.put("ntk_conv_tile_" + p, new int[] {CudaBackend.CONV_THREADS, convShared});
      int t = FullSchedule.Config.DEFAULT.maxThreads();
      LAUNCHES.put("ntk_full_input_" + p, new int[] {t, 0});
      LAUNCHES.put("ntk_full_op_" + p, new int[] {t, 0});
      LAUNCHES.put("ntk_full_record_" + p, new int[] {t, 0});
      LAUNCHES.put("ntk_full_reduce_" + p, new int[] {t, 4 * 8 * t});
      LAUNCHES.put("ntk_full_conv_" + p, new int[] {FullSchedule.CONV_LAUNCH_BOUND, FullSchedule.Config.MAX_SHARED});
    }
  }

  static Map<String, Usage> assemble(Path nvcc, String module, String arch) throws Exception {
    Path out = Path.of("target", "ptx-check");
    Files.createDirectories(out);
    String log = Tools.run(List.of(nvcc.toString(), "-cubin", "-arch=" + arch, "-Xptxas", "-v", "-o",
        out.resolve(module + "." + arch + ".cubin").toAbsolutePath().toString(), module + ".ptx"), null, Tools.CUDA_DIR,
        300, true);
    Map<String, Usage> m = new LinkedHashMap<>();
    // one block of ptxas' report per kernel, from its "Compiling entry function" line to the next
    String[] blocks = log.split("Compiling entry function '");
    for (int k = 1; k < blocks.length; k++) {
      String block = blocks[k];
      String name = block.substring(0, block.indexOf('\''));
      if (!block.contains("for '" + arch + "'")) continue;
      Matcher spill = Pattern.compile("(\\d+) bytes spill stores, (\\d+) bytes spill loads").matcher(block);
      Matcher regs = Pattern.compile("Used (\\d+) registers").matcher(block);
      Matcher smem = Pattern.compile("(\\d+) bytes smem").matcher(block);
      assertTrue(spill.find() && regs.find(), "ptxas -v output for " + name + " on " + arch + ":\n" + block);
      m.put(name, new Usage(Integer.parseInt(regs.group(1)),
          Integer.parseInt(spill.group(1)) + Integer.parseInt(spill.group(2)), smem.find() ? Integer.parseInt(smem.group(1)) : 0));
    }
    return m;
  }

  @Test
  void everyLaunchedKernelAssemblesWithoutSpillsAndFitsItsBlocks() throws Exception {
    Path nvcc = Tools.nvcc();
    assumeTrue(nvcc != null, "skipped: no nvcc (ptxas) on PATH, /usr/local/bin or /usr/local/cuda/bin");
    for (String arch : new String[] {"sm_80", "sm_90"}) {
      Map<String, Usage> all = new LinkedHashMap<>();
      for (String module : PtxSyncTest.MODULES) all.putAll(assemble(nvcc, module, arch));
      assertEquals(new java.util.TreeSet<>(LAUNCHES.keySet()), new java.util.TreeSet<>(all.keySet()),
          arch + ": the kernels in the PTX are those the host launches");
      for (Map.Entry<String, int[]> e : LAUNCHES.entrySet()) {
        Usage u = all.get(e.getKey());
        String what = e.getKey() + " on " + arch + ": " + u;
        System.out.printf("ptxas %s: %d registers, %d B static shared, %d threads per block launched%n", e.getKey() + " "
            + arch, u.registers(), u.staticShared(), e.getValue()[0]);
        assertEquals(0, u.spillBytes(), what + " spills registers");
        assertTrue((long) u.registers() * e.getValue()[0] <= 65536, what + ": " + e.getValue()[0]
            + " threads need more than the 64 K registers of a block");
        assertTrue(u.staticShared() + e.getValue()[1] <= 48 * 1024, what + ": shared memory over 48 KiB");
      }
    }
  }
}
