package org.ntk4j.gpu;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

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
    Matcher m = Pattern.compile("extern \"C\" __global__ void (?:__launch_bounds__\\(\\d+\\)\\s*)?(\\w+)\\(([^)]*)\\)")
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
    assertEquals(List.of("ntk_conv_self_f64", "ntk_conv_tile_f64"), List.copyOf(conv.keySet()));
    assertEquals(LaunchArgs.CONV_SELF, conv.get("ntk_conv_self_f64"));
    assertEquals(LaunchArgs.CONV_TILE, conv.get("ntk_conv_tile_f64"));
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
