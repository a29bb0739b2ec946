package org.ntk4j.gpu;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class LaunchArgsTest {
  /** Parameter kinds of every extern "C" kernel in ntk_fc.cu, read from the source. */
  static Map<String, List<String>> cudaSignatures() throws Exception {
    return cudaSignatures("ntk_fc.cu");
  }

  static Map<String, List<String>> cudaSignatures(String file) throws Exception {
    String src = Files.readString(Tools.CUDA_DIR.resolve(file), StandardCharsets.UTF_8);
    Matcher m = Pattern.compile("extern \"C\" __global__ void\\s+(?:__launch_bounds__\\(\\d+\\)\\s*)?(\\w+)\\(([^)]*)\\)")
        .matcher(src);
    Map<String, List<String>> out = new LinkedHashMap<>();
    while (m.find()) {
      List<String> kinds = new ArrayList<>();
      for (String p : m.group(2).split(",")) {
        String t = p.trim();
        kinds.add(t.contains("*") ? "ptr" : t.startsWith("int ") ? "int" : "?" + t);
      }
      out.put(m.group(1), kinds);
    }
    return out;
  }

  @Test
  void hostPackingMatchesTheCudaDeclarations() throws Exception {
    Map<String, List<String>> sig = cudaSignatures();
    assertEquals(List.of("ntk_fc_self_f64", "ntk_fc_self_f32", "ntk_fc_tile_f64", "ntk_fc_tile_f32"), List.copyOf(sig.keySet()));
    assertEquals(LaunchArgs.FC_SELF, sig.get("ntk_fc_self_f64"));
    assertEquals(LaunchArgs.FC_SELF, sig.get("ntk_fc_self_f32"));
    assertEquals(LaunchArgs.FC_TILE, sig.get("ntk_fc_tile_f64"));
    assertEquals(LaunchArgs.FC_TILE, sig.get("ntk_fc_tile_f32"));
    Map<String, List<String>> conv = cudaSignatures("ntk_conv.cu");
    assertEquals(List.of("ntk_conv_self_f64", "ntk_conv_self_f32", "ntk_conv_tile_f64", "ntk_conv_tile_f32"),
        List.copyOf(conv.keySet()));
    for (String p : new String[] {"f64", "f32"}) {
      assertEquals(LaunchArgs.CONV_SELF, conv.get("ntk_conv_self_" + p));
      assertEquals(LaunchArgs.CONV_TILE, conv.get("ntk_conv_tile_" + p));
    }
    Map<String, List<String>> full = cudaSignatures("ntk_full.cu");
    List<String> names = new ArrayList<>();
    for (String p : new String[] {"f64", "f32"}) {
      for (String k : new String[] {"input", "op", "record", "reduce", "conv"}) names.add("ntk_full_" + k + "_" + p);
    }
    assertEquals(names, List.copyOf(full.keySet()));
    for (String p : new String[] {"f64", "f32"}) {
      assertEquals(LaunchArgs.FULL_INPUT, full.get("ntk_full_input_" + p));
      assertEquals(LaunchArgs.FULL_OP, full.get("ntk_full_op_" + p));
      assertEquals(LaunchArgs.FULL_RECORD, full.get("ntk_full_record_" + p));
      assertEquals(LaunchArgs.FULL_REDUCE, full.get("ntk_full_reduce_" + p));
      assertEquals(LaunchArgs.FULL_CONV, full.get("ntk_full_conv_" + p));
    }
    String src = Files.readString(Tools.CUDA_DIR.resolve("ntk_full.cu"), StandardCharsets.UTF_8);
    for (String p : new String[] {"f64", "f32"}) {
      assertTrue(src.contains("__launch_bounds__(" + FullSchedule.CONV_LAUNCH_BOUND + ")\nntk_full_conv_" + p + "("),
          "ntk_full_conv_" + p + "'s launch bound is FullSchedule.CONV_LAUNCH_BOUND");
    }
    assertTrue(src.contains("#define NTK_CONV_EPT " + FullSchedule.CONV_ENTRIES_PER_THREAD + "\n"),
        "NTK_CONV_EPT is FullSchedule.CONV_ENTRIES_PER_THREAD");
  }

  @Test
  void fullKernelsPackInDeclarationOrder() {
    Object p = "dev", q = "tape";
    List<Object> v = LaunchArgs.fullOp(p, 3, p, 40, 7, 9, 5, false, q, q, 11, 36, 9, p, p, p, p).values();
    assertEquals(17, v.size());
    assertEquals(List.of(3), v.subList(1, 2));
    assertEquals(List.of(40, 7, 9, 5, 0), v.subList(3, 8));
    assertEquals(List.of(11, 36, 9), v.subList(10, 13));
    assertEquals(1, LaunchArgs.fullInput(p, 0, p, 0, 4, 2, true, 16, 3, p, p).values().get(6));
    assertEquals(List.of(2, 10, 0, 25), LaunchArgs.fullRecord(p, 2, 10, 0, 25, p, q, 30).values().subList(1, 5));
    assertEquals(8, LaunchArgs.fullReduce(p, 4, 10, 6, p, p, p, p).values().size());
    List<Object> c = LaunchArgs.fullConv(p, 5, p, 12, 36, 25, 3, p, p, p, p, 6, 2, 4, 3, q, q, 40).values();
    assertEquals(18, c.size());
    assertEquals(List.of(12, 36, 25, 3), c.subList(3, 7));
    assertEquals(List.of(6, 2, 4, 3), c.subList(11, 15));
    assertEquals(40, c.get(17));
  }

  @Test
  void packsInOrderAndRefusesMistakes() {
    Object p = "dev";
    List<Object> v = LaunchArgs.fcTile(p, 10, 0, 4, p, 12, 8, 4, 3, p, 2, p, p, p, p, 4).values();
    assertEquals(16, v.size());
    assertEquals(List.of(10, 0, 4), v.subList(1, 4));
    assertEquals(List.of(12, 8, 4, 3), v.subList(5, 9));
    assertEquals(4, v.get(15));
    assertThrows(IllegalStateException.class, () -> new LaunchArgs(LaunchArgs.FC_SELF).i32(1));
    assertThrows(IllegalStateException.class, () -> new LaunchArgs(LaunchArgs.FC_SELF).ptr(p).values());
  }

  @Test
  void gridCoversTheTileInBlocksOf64() {
    assertArrayEquals(new int[] {1, 1}, LaunchArgs.tileGrid(1, 64));
    assertArrayEquals(new int[] {2, 3}, LaunchArgs.tileGrid(129, 65));
  }
}
