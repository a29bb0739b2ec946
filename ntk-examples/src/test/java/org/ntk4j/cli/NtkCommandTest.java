package org.ntk4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.ntk4j.util.Units;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine;

/** The shared behaviour every command inherits from {@link NtkCommand}: error mapping and atomic outputs. */
class NtkCommandTest {
  @TempDir Path tmp;

  /** A command that writes one staged file and then fails in the chosen way. */
  @Command(name = "probe")
  static final class Probe extends NtkCommand {
    @Option(names = "--fail") String fail = "none";
    @Option(names = "--out") Path out;

    @Override protected int run() throws Exception {
      try (OutputFiles files = OutputFiles.in("--out", out)) {
        files.writeNpy("a.npy", new int[] {2}, new double[] {1, 2});
        switch (fail) {
          case "internal": throw new IllegalStateException("boom\nsecond line");
          case "npe": throw new NullPointerException();
          case "oom": throw new OutOfMemoryError("Java heap space");
          case "refuse": throw new CliException("--fail: refused on purpose");
          case "argument": throw new IllegalArgumentException("bad argument");
          case "io": throw new java.nio.file.NoSuchFileException("/some/where.npy");
          default: break;
        }
        files.writeNpy("b.npy", new int[] {1}, new double[] {3});
        files.commit();
      }
      summary("done");
      return 0;
    }
  }

  private Cli.Result probe(String... args) {
    return Cli.run(cl -> cl.addSubcommand("probe", new Probe()), Stream.concat(Stream.of("probe"), Stream.of(args)).toArray(String[]::new));
  }

  private static List<String> list(Path dir) throws IOException {
    if (!Files.exists(dir)) return List.of();
    try (Stream<Path> s = Files.list(dir)) {
      return s.map(p -> p.getFileName().toString()).sorted().collect(Collectors.toList());
    }
  }

  @Test
  void successCommitsEveryFile() throws IOException {
    Path out = tmp.resolve("ok");
    Cli.Result r = probe("--out", out.toString());
    assertEquals(0, r.code(), r.err());
    assertEquals("ntk probe: done" + System.lineSeparator(), r.out());
    assertEquals(List.of("a.npy", "b.npy"), list(out));
    // the usual permissions (umask), not the owner-only ones of temporary files
    if (out.getFileSystem().supportedFileAttributeViews().contains("posix")) {
      assertEquals(Files.getPosixFilePermissions(Files.createFile(out.resolve("plain"))),
          Files.getPosixFilePermissions(out.resolve("a.npy")));
    }
  }

  @Test
  void refusalsExitTwoAndLeaveNothing() throws IOException {
    for (String how : new String[] {"refuse", "argument", "io"}) {
      Path out = tmp.resolve(how);
      probe("--out", out.toString(), "--fail", how).refused();
      assertFalse(Files.exists(out), how + ": the directory this run created is removed");
    }
    Path existing = Files.createDirectory(tmp.resolve("existing"));
    probe("--out", existing.toString(), "--fail", "refuse").refused("--fail: refused on purpose");
    assertEquals(List.of(), list(existing), "no temporary or partial file left");
    probe("--out", existing.toString(), "--fail", "io").refused("no such file or directory: /some/where.npy");
  }

  @Test
  void internalErrorsExitOneWithOneLineAndTheStackTraceOnlyWithDebug() throws IOException {
    Path out = tmp.resolve("x");
    Cli.Result r = probe("--out", out.toString(), "--fail", "internal");
    assertEquals(1, r.code());
    assertEquals("", r.out());
    r.assertOneLine("ntk: internal error: java.lang.IllegalStateException: boom second line (rerun with --debug");
    assertFalse(Files.exists(out));

    Cli.Result npe = probe("--out", out.toString(), "--fail", "npe");
    assertEquals(1, npe.code());
    npe.assertOneLine("ntk: internal error: java.lang.NullPointerException");

    Cli.Result d = probe("--out", out.toString(), "--fail", "internal", "--debug");
    assertEquals(1, d.code());
    assertTrue(d.err().startsWith("ntk: internal error: java.lang.IllegalStateException: boom second line"), d.err());
    assertTrue(d.err().contains("\tat org.ntk4j.cli.NtkCommandTest$Probe.run"), d.err());

    Cli.Result oom = probe("--out", out.toString(), "--fail", "oom");
    assertEquals(1, oom.code());
    oom.assertOneLine("ntk: error: out of memory");
    assertTrue(oom.err().contains("-Xmx"));
    assertFalse(Files.exists(out));
  }

  @Test
  void aFailedCommitRemovesWhatItMoved() throws IOException {
    Path out = Files.createDirectory(tmp.resolve("c"));
    Files.createDirectories(out.resolve("b.npy").resolve("blocker")); // a non-empty directory where b.npy goes
    Cli.Result r = probe("--out", out.toString());
    r.refused("b.npy: cannot replace it with the new output");
    assertEquals(List.of("b.npy"), list(out), "a.npy rolled back, no temporary files");
  }

  @Test
  void outputFilesCheckTheDirectoryBeforeAnyWork() throws IOException {
    Path file = Files.writeString(tmp.resolve("f"), "");
    assertTrue(assertThrows(CliException.class, () -> OutputFiles.in("--out", file)).getMessage().contains("not a directory"));
    Path fresh = tmp.resolve("a/b/c");
    try (OutputFiles o = OutputFiles.in("--out", fresh)) {
      assertFalse(Files.exists(tmp.resolve("a")), "nothing created before the first file");
      o.writeNpy("x.npy", new int[] {1}, new double[] {1});
      assertTrue(Files.isDirectory(fresh));
    }
    assertFalse(Files.exists(tmp.resolve("a")), "closing without commit removes the directories it created");
  }

  @Test
  void memorySizes() {
    assertEquals(512L << 20, ComputeOptions.ByteSize.parse("512m"));
    assertEquals(4L << 30, ComputeOptions.ByteSize.parse("4g"));
    assertEquals(4L << 30, ComputeOptions.ByteSize.parse("4GiB"));
    assertEquals(3L << 29, ComputeOptions.ByteSize.parse("1.5G"));
    assertEquals(1L << 40, ComputeOptions.ByteSize.parse("1t"));
    assertEquals(1000, ComputeOptions.ByteSize.parse("1000"));
    assertEquals(2048, ComputeOptions.ByteSize.parse("2kb"));
    for (String bad : new String[] {"", "g", "-1g", "4x", "1e9", "0", "0.1"}) {
      assertThrows(CommandLine.TypeConversionException.class, () -> ComputeOptions.ByteSize.parse(bad), bad);
    }
  }

  @Test
  void oneLineMessages() {
    assertEquals("a b c", Errors.oneLine("a\nb\r\n  c\n"));
    assertEquals("1.5 GiB", Units.bytes(3L << 29));
    java.io.StringWriter w = new java.io.StringWriter();
    assertEquals(2, Errors.report(new CliException("two\nlines"), new java.io.PrintWriter(w), false));
    assertEquals("ntk: error: two lines" + System.lineSeparator(), w.toString());
    assertEquals(2, Errors.report(new java.util.concurrent.ExecutionException(new IllegalArgumentException("wrapped")),
        new java.io.PrintWriter(new java.io.StringWriter()), false));
  }
}
