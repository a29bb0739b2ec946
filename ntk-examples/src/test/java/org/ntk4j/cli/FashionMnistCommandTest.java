package org.ntk4j.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code ntk experiment fashion-mnist} end to end at a tiny size on the installed dataset, and its refusals. */
class FashionMnistCommandTest {
  @TempDir Path tmp;

  private static String[] tiny(Path out, String... extra) {
    List<String> a = new ArrayList<>(List.of("experiment", "fashion-mnist", "--n-train", "10", "--n-test", "8", "--n-ood", "5",
        "--downsample", "4", "--width", "16", "--members", "2", "--steps", "5", "--threads", "2", "--out", out.toString()));
    for (int i = 0; i + 1 < extra.length; i += 2) { // an extra option replaces the tiny default
      int at = a.indexOf(extra[i]);
      if (at >= 0) a.subList(at, at + 2).clear();
      a.add(extra[i]);
      a.add(extra[i + 1]);
    }
    return a.toArray(new String[0]);
  }

  @Test
  void tinyRunWritesTheComparisonTableJsonAndPlots() throws IOException {
    Path out = tmp.resolve("fm");
    Cli.Result r = Cli.run(tiny(out, "--groups", "C4,C8"));
    assertEquals(0, r.code(), r.err());
    assertEquals("", r.err());
    try (Stream<Path> s = Files.list(out)) {
      assertEquals(List.of("accuracy.png", "osp.png", "osp_vs_ensemble_size.png", "report.json", "table.csv", "table.txt"),
          s.map(p -> p.getFileName().toString()).sorted().toList());
    }
    for (String png : new String[] {"accuracy.png", "osp.png", "osp_vs_ensemble_size.png"}) {
      byte[] b = Files.readAllBytes(out.resolve(png));
      assertArrayEquals(new byte[] {(byte) 0x89, 'P', 'N', 'G'}, Arrays.copyOf(b, 4), png);
    }
    String table = Files.readString(out.resolve("table.txt"));
    assertTrue(r.out().startsWith(table), "stdout starts with the table");
    assertTrue(r.out().contains("ntk experiment fashion-mnist: 10 training images 7x7, C4/C8, 2 members of width 16, 5 steps"), r.out());
    // the paper's rows, labelled as such, with its numbers for the columns shown
    assertEquals(List.of("3.85", "7.72"), cells(table, "paper (Gerken & Kessel 2024): DeepEns+DA"));
    assertEquals(List.of("3.41", "6.73"), cells(table, "paper (Gerken & Kessel 2024): only DA"));
    assertEquals(List.of("4.00", "7.71"), cells(table, "paper (Gerken & Kessel 2024): E2CNN"));
    assertEquals(List.of("4.00", "7.45"), cells(table, "paper (Gerken & Kessel 2024): canonicalisation"));
    // our rows; the NTK is exactly invariant under C4
    assertEquals("4.00", cells(table, "ours: NTK, infinite ensemble + DA (5 steps)").get(0));
    assertEquals("4.00", cells(table, "ours: NTK, infinite ensemble + DA (converged)").get(0));
    assertEquals(2, cells(table, "ours: DeepEns+DA (2 x width 16)").size());
    assertEquals(2, cells(table, "ours: only DA (single network, mean of 2)").size());
    assertEquals(List.of("exact", "interp*"), cells(table, "rotation"));
    assertTrue(table.contains("* interpolated rotations are not an exact group action"), table);

    String json = Files.readString(out.resolve("report.json"));
    assertEquals(2, count(json, "\"group\": "));
    assertTrue(json.contains("\"group\": \"C4\", \"order\": 4, \"exact_action\": true, \"inexact_action_note\": null"), json);
    assertTrue(json.contains("\"group\": \"C8\", \"order\": 8, \"exact_action\": false, \"inexact_action_note\": \"rotation by"), json);
    assertTrue(json.contains("\"ntk_path\": \"fast: group-averaged kernel"), json);
    assertTrue(json.contains("\"ntk_path\": \"explicit: C8 is not a closed group"), json);
    assertTrue(json.contains("\"ntk_osp_ood_per_input\": [4, 4, 4, 4, 4]"), json);
    assertTrue(json.contains("\"DeepEns+DA\": [3.85, 7.72, 15.24]"), json);
    assertTrue(json.contains("\"learning_rate_rule\": \"0.5 * 2N"), json);
    for (String k : new String[] {"\"ntk\": {\"osp_ood\": 4.0", "\"ntk_converged\"", "\"deep_ensemble\"", "\"single_network\"",
        "\"osp_ood_by_ensemble_size\"", "\"n_train\": 10, \"n_test\": 8, \"n_ood\": 5"}) {
      assertTrue(json.contains(k), () -> "report.json lacks " + k + ":\n" + json);
    }
    // NTK orbit deviation under C4: exactly 0 here (bitwise-invariant kernel), within 1e-12 in any case
    Matcher m = Pattern.compile("\"ntk\": \\{[^}]*\"orbit_deviation_ood_relative\": ([0-9.eE-]+)").matcher(json);
    assertTrue(m.find(), json);
    assertTrue(Double.parseDouble(m.group(1)) <= 1e-12, m.group(1));
    String csv = Files.readString(out.resolve("table.csv"));
    assertTrue(csv.startsWith("source,model,group,order,exact_action,osp_ood,"), csv);
    assertTrue(csv.contains("\npaper,DeepEns+DA,C8,8,false,7.72,,,\n"), csv);
    assertTrue(csv.contains("\nours,NTK,C4,4,true,4.0,4.0,"), csv);
    assertEquals(2 * (4 + 4) + 1, csv.lines().count());
  }

  /** The cells of the table row starting with {@code label}. */
  private static List<String> cells(String table, String label) {
    for (String line : table.lines().toList()) {
      if (line.startsWith(label + " ") && line.length() > label.length()) {
        return Arrays.asList(line.substring(label.length()).trim().split("\\s+"));
      }
    }
    throw new AssertionError("no row " + label + " in\n" + table);
  }

  private static int count(String s, String sub) {
    int c = 0;
    for (int i = s.indexOf(sub); i >= 0; i = s.indexOf(sub, i + 1)) c++;
    return c;
  }

  @Test
  void refusals() {
    Path out = tmp.resolve("never");
    Cli.run(tiny(out, "--groups", "Z2")).refused("--groups Z2", "rotation groups");
    Cli.run(tiny(out, "--groups", "C4,c4")).refused("--groups lists C4 twice");
    Cli.run(tiny(out, "--groups", "C6")).refused("--groups C6", "multiple of 4");
    Cli.run(tiny(out, "--groups", "C2")).refused("C2");
    Cli.run(tiny(out, "--downsample", "3")).refused("--downsample must divide 28");
    Cli.run(tiny(out, "--members", "0")).refused("--members must be >= 1");
    Cli.run(tiny(out, "--width", "0")).refused("--width must be >= 1");
    Cli.run(tiny(out, "--n-train", "0")).refused("--n-train must be in 1..60000");
    Cli.run(tiny(out, "--n-test", "10001")).refused("--n-test must be in 1..10000");
    Cli.run(tiny(out, "--n-ood", "0")).refused("--n-ood must be >= 1");
    Cli.run(tiny(out, "--steps", "0")).refused("--steps must be >= 1");
    Cli.run(tiny(out, "--lr", "-1")).refused("--lr must be finite and > 0");
    Cli.run(tiny(out, "--lr", "NaN")).refused("--lr must be finite and > 0");
    Cli.run(tiny(out, "--arch", "Flatten -> Dense(W_std=1) -> Relu -> Dense(3)")).refused("--arch", "width 3", "10 classes");
    Cli.run(tiny(out, "--arch", "Relu")).refused("--arch has no Dense or Conv layer");
    Cli.run(tiny(out, "--arch", "Dense(")).refused("--arch");
    Cli.run(tiny(out, "--data", tmp.resolve("nodata").toString())).refused("Fashion-MNIST not found", "--data");
    Cli.run("experiment", "fashion-mnist").refused("--out");
    assertFalse(Files.exists(out), "a refused run creates no output directory");
  }
}
