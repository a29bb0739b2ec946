package org.ntk4j.gpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The committed {@code ntk_fc.ptx} is the one generated output in the repository: where nvcc of the same release exists,
 * this test regenerates it from {@code ntk_fc.cu} with {@link #NVCC_FLAGS} and fails on any difference, so a stale PTX
 * fails the build. Regenerate with {@code ntk-gpu/src/main/cuda/regenerate-ptx.sh}.
 */
class PtxSyncTest {
  /** Must match regenerate-ptx.sh. */
  static final List<String> NVCC_FLAGS = List.of("-ptx", "-arch=compute_80", "-fmad=false");
  static final Pattern RELEASE = Pattern.compile("Cuda compilation tools, release ([0-9.]+), (V[0-9.]+)");

  static final List<String> MODULES = List.of("ntk_fc", "ntk_conv", "ntk_full");

  static String committed() throws Exception { return committed("ntk_fc"); }

  static String committed(String module) throws Exception {
    return Files.readString(Tools.CUDA_DIR.resolve(module + ".ptx"), StandardCharsets.US_ASCII);
  }

  @Test
  void committedPtxHasEveryKernelTheHostLaunches() throws Exception {
    String ptx = committed();
    for (String k : new String[] {"ntk_fc_self_f64", "ntk_fc_self_f32", "ntk_fc_tile_f64", "ntk_fc_tile_f32"}) {
      assertTrue(ptx.contains(".visible .entry " + k + "("), "PTX lacks kernel " + k);
    }
    for (String k : new String[] {"ntk_conv_self_f64", "ntk_conv_tile_f64", "ntk_conv_self_f32", "ntk_conv_tile_f32"}) {
      assertTrue(committed("ntk_conv").contains(".visible .entry " + k + "("), "PTX lacks kernel " + k);
    }
    for (String p : new String[] {"_f64", "_f32"}) {
      for (String k : new String[] {"ntk_full_input", "ntk_full_op", "ntk_full_record", "ntk_full_reduce", "ntk_full_conv"}) {
        assertTrue(committed("ntk_full").contains(".visible .entry " + k + p + "("), "PTX lacks kernel " + k + p);
      }
    }
    assertEquals(committed("ntk_full"), new String(java.util.Arrays.copyOf(CudaBackend.ptx("ntk_full.ptx"),
        CudaBackend.ptx("ntk_full.ptx").length - 1), StandardCharsets.US_ASCII));
    assertEquals(committed("ntk_conv"), new String(java.util.Arrays.copyOf(CudaBackend.ptx("ntk_conv.ptx"),
        CudaBackend.ptx("ntk_conv.ptx").length - 1), StandardCharsets.US_ASCII));
    assertTrue(ptx.contains(".target sm_80"), "PTX targets compute_80 (runs on A100, H100, H200 through the driver's JIT)");
    // the class-path copy is the committed file
    assertEquals(ptx, new String(java.util.Arrays.copyOf(CudaBackend.ptx(), CudaBackend.ptx().length - 1),
        StandardCharsets.US_ASCII));
  }

  @Test
  void committedPtxIsWhatNvccGeneratesFromTheSource() throws Exception {
    Path nvcc = Tools.nvcc();
    assumeTrue(nvcc != null, "skipped: no nvcc on PATH, /usr/local/bin or /usr/local/cuda/bin (the PTX is not regenerated)");
    String version = Tools.run(List.of(nvcc.toString(), "--version"), null, null, 60);
    Matcher local = RELEASE.matcher(version);
    Matcher ours = RELEASE.matcher(committed());
    assertTrue(ours.find(), "committed PTX lacks nvcc's release line");
    assumeTrue(local.find() && local.group(2).equals(ours.group(2)),
        () -> "skipped: nvcc here is " + (local.find(0) ? local.group(2) : "?") + ", the committed PTX is from "
            + ours.group(2) + " (other releases emit other PTX)");
    Path out = Path.of("target", "ptx-check");
    Files.createDirectories(out);
    for (String m : MODULES) {
      Path gen = out.resolve(m + ".ptx").toAbsolutePath();
      List<String> cmd = new ArrayList<>();
      cmd.add(nvcc.toString());
      cmd.addAll(NVCC_FLAGS);
      cmd.addAll(List.of("-o", gen.toString(), m + ".cu"));
      Tools.run(cmd, null, Tools.CUDA_DIR, 300);
      String fresh = Files.readString(gen, StandardCharsets.US_ASCII);
      assertTrue(fresh.equals(committed(m)), "ntk-gpu/src/main/cuda/" + m + ".ptx is stale: regenerate it with"
          + " ntk-gpu/src/main/cuda/regenerate-ptx.sh and commit it with the .cu change");
    }
  }

  @Test
  void regenerateScriptUsesTheSameFlags() throws Exception {
    String sh = Files.readString(Tools.CUDA_DIR.resolve("regenerate-ptx.sh"), StandardCharsets.US_ASCII);
    assertTrue(sh.contains(String.join(" ", NVCC_FLAGS)), "regenerate-ptx.sh flags differ from " + NVCC_FLAGS);
  }
}
