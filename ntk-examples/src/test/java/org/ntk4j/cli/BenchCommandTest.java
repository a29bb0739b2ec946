package org.ntk4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** {@code ntk bench}: the subcommands exist, refuse bad sizes, and a tiny run prints its ratio line. */
class BenchCommandTest {
  @Test
  void listsTheBenchmarksAndRefusesBadSizes() {
    Cli.Result r = Cli.run("bench");
    assertEquals(2, r.code());
    for (String b : new String[] {"fc", "cnn", "eigh", "augment", "ensemble"}) assertTrue(r.err().contains(b), r.err());
    Cli.Result h = Cli.run("bench", "--help");
    assertEquals(0, h.code(), h.err());
    assertTrue(h.out().contains("augment") && h.out().contains("eigh"), h.out());
    assertEquals(0, Cli.run("experiment", "--help").code());
    Cli.run("bench", "cnn", "--n", "0").refused("must be positive");
    Cli.run("bench", "augment", "--repeats", "0").refused("must be positive");
  }

  @Test
  void tinyRunsPrintTheirRatios() {
    PrintStream old = System.out;
    ByteArrayOutputStream buf = new ByteArrayOutputStream();
    System.setOut(new PrintStream(buf, true, StandardCharsets.UTF_8));
    try {
      assertEquals(0, Cli.run("bench", "augment", "--n", "6", "--d", "4", "--repeats", "1").code());
      assertEquals(0, Cli.run("bench", "cnn", "--n", "2", "--repeats", "1", "--threads", "1").code());
    } finally {
      System.setOut(old);
    }
    String out = buf.toString(StandardCharsets.UTF_8);
    assertTrue(out.contains("speedup:") && out.contains("target >= |G|^2 = 64"), out);
    assertTrue(out.toLowerCase(java.util.Locale.ROOT).contains("dgemm"), out);
  }
}
