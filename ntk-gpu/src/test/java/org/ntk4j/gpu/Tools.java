package org.ntk4j.gpu;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Finds the host tools the tests use (g++, nvcc) and runs them. */
final class Tools {
  private Tools() {}

  static final Path CUDA_DIR = Path.of("src/main/cuda");

  /** The first executable of these names on PATH or in the given extra directories, or null. */
  static Path find(String name, String... extraDirs) {
    List<String> dirs = new ArrayList<>();
    String path = System.getenv("PATH");
    if (path != null) for (String p : path.split(File.pathSeparator)) dirs.add(p);
    for (String e : extraDirs) dirs.add(e);
    for (String d : dirs) {
      if (d.isEmpty()) continue;
      Path p = Path.of(d, name);
      if (Files.isExecutable(p)) return p;
    }
    return null;
  }

  static Path nvcc() { return find("nvcc", "/usr/local/bin", "/usr/local/cuda/bin"); }

  static Path cxx() {
    Path p = find("g++");
    return p != null ? p : find("c++");
  }

  /** Runs a command (stdin from a string, may be null); returns stdout; throws with stderr on failure. */
  static String run(List<String> cmd, String stdin, Path dir, int timeoutSeconds) throws IOException, InterruptedException {
    return run(cmd, stdin, dir, timeoutSeconds, false);
  }

  /** As above; {@code withStderr}: returns stdout followed by stderr (tools that report there, e.g. ptxas -v). */
  static String run(List<String> cmd, String stdin, Path dir, int timeoutSeconds, boolean withStderr)
      throws IOException, InterruptedException {
    ProcessBuilder pb = new ProcessBuilder(cmd).directory(dir == null ? null : dir.toFile());
    Path err = Files.createTempFile("ntk4j-tool", ".err");
    Path out = Files.createTempFile("ntk4j-tool", ".out");
    pb.redirectError(err.toFile()).redirectOutput(out.toFile());
    Process p = pb.start();
    if (stdin != null) p.getOutputStream().write(stdin.getBytes(StandardCharsets.US_ASCII));
    p.getOutputStream().close();
    if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new IOException(cmd.get(0) + " timed out after " + timeoutSeconds + " s");
    }
    String o = Files.readString(out, StandardCharsets.US_ASCII);
    String e = Files.readString(err, StandardCharsets.US_ASCII);
    Files.deleteIfExists(out);
    Files.deleteIfExists(err);
    if (p.exitValue() != 0) throw new IOException(String.join(" ", cmd) + " failed (" + p.exitValue() + "): " + e);
    return withStderr ? o + e : o;
  }
}
