package org.ntk4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class DemoCommandTest {
  @TempDir Path tmp;

  @Test void demoIsTheFirstCommand() {
    CommandLine cl = Main.commandLine(new java.io.PrintWriter(new java.io.StringWriter()), new java.io.PrintWriter(new java.io.StringWriter()));
    assertEquals("demo", cl.getSubcommands().keySet().iterator().next());
  }

  @Test void tinyDemoExplainsItselfAndWritesItsFiles() throws IOException {
    Path out = tmp.resolve("demo");
    Cli.Result r = Cli.run("demo", "--out", out.toString(), "--side", "6", "--n-train", "6", "--n-test", "6",
        "--widths", "16,64", "--members", "8", "--steps", "0,10,50", "--threads", "2");
    assertEquals(0, r.code(), r.err());
    assertEquals("", r.err());
    String o = r.out();
    for (String s : new String[] {"1. NTK: Theta of the 6 training images", "C4-augmented set (every image in its 4 rotations: 24 samples)",
        "Invariance certificate", "Emergence: ensemble of M networks", "OSP at step 50", "Files in " + out.toAbsolutePath()}) {
      assertTrue(o.contains(s), () -> "stdout lacks '" + s + "':\n" + o);
    }
    // the certificate row of the last step: NTK at machine precision, finite numbers of order one
    Matcher m = Pattern.compile("(?m)^\\s+50\\s+(\\S+)\\s+(\\S+)\\s+(\\S+)").matcher(o);
    assertTrue(m.find(), o);
    assertTrue(Double.parseDouble(m.group(1)) < 1e-12, "NTK deviation " + m.group(1));
    assertTrue(Double.parseDouble(m.group(2)) < Double.parseDouble(m.group(3)), "ensemble below its members");
    assertTrue(o.strip().lines().reduce((a, b) -> b).orElse("").startsWith("ntk demo: in "), "summary line last");
    for (String f : new String[] {"demo.json", "certificate.json"}) assertTrue(Files.size(out.resolve(f)) > 100, f);
    String json = Files.readString(out.resolve("demo.json"));
    assertTrue(json.contains("\"not_augmented\"") && json.contains("\"orbit_deviation_relative\""), json);
    for (String png : new String[] {"demo_orbit_deviation.png", "demo_ensemble_size.png", "demo_distance_to_ntk.png"}) {
      BufferedImage img = ImageIO.read(out.resolve(png).toFile());
      assertTrue(img != null && img.getWidth() == 1000, png);
    }
    try (var s = Files.list(out)) {
      assertFalse(s.anyMatch(p -> p.getFileName().toString().endsWith(".tmp")), "no temporary files left");
    }
  }

  @Test void badArgumentsAreRefusedOnOneLine() throws IOException {
    Cli.run("demo", "--members", "0", "--out", tmp.resolve("a").toString()).refused("--members must be >= 1");
    Cli.run("demo", "--side", "1", "--out", tmp.resolve("a").toString()).refused("--side must be >= 2");
    Cli.run("demo", "--lr", "500", "--side", "4", "--n-train", "4", "--widths", "4", "--members", "1", "--steps", "1",
        "--out", tmp.resolve("a").toString()).refused("--lr: learning rate 500.0 is too large");
    Path file = Files.writeString(tmp.resolve("f"), "x");
    Cli.run("demo", "--out", file.toString()).refused("--out", "not a directory");
    assertFalse(Files.exists(tmp.resolve("a")), "a refused run leaves no output directory");
  }
}
