package org.ntk4j.bench;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Timing and reference-process helpers shared by the benchmarks. */
public final class BenchSupport {
  private BenchSupport() {}

  /** Median of the values. */
  public static double median(double[] v) {
    double[] s = v.clone();
    Arrays.sort(s);
    int n = s.length;
    return n % 2 == 1 ? s[n / 2] : 0.5 * (s[n / 2 - 1] + s[n / 2]);
  }

  /** Seconds of each of {@code repeats} runs of the task (after one untimed warm-up when {@code warmup}). */
  public static double[] time(int repeats, boolean warmup, Runnable task) {
    if (warmup) task.run();
    double[] t = new double[repeats];
    for (int i = 0; i < repeats; i++) {
      long t0 = System.nanoTime();
      task.run();
      t[i] = (System.nanoTime() - t0) * 1e-9;
    }
    return t;
  }

  /** Copies a resource of this package's bench folder to a temporary file. */
  public static Path resource(String name) throws IOException {
    Path p = Files.createTempFile("ntk4j-bench-", "-" + name);
    p.toFile().deleteOnExit();
    try (InputStream in = BenchSupport.class.getResourceAsStream("/bench/" + name)) {
      if (in == null) throw new IOException("missing resource /bench/" + name);
      Files.copy(in, p, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    }
    return p;
  }

  /** Writes a float64 array as a minimal C-order .npy file (for the Python references). */
  public static Path writeNpy(double[] data, int... shape) throws IOException {
    Path p = Files.createTempFile("ntk4j-bench-", ".npy");
    p.toFile().deleteOnExit();
    StringBuilder dims = new StringBuilder();
    for (int s : shape) dims.append(s).append(", ");
    String header = "{'descr': '<f8', 'fortran_order': False, 'shape': (" + dims.toString().trim() + "), }";
    int total = 10 + header.length() + 1;
    int pad = (64 - total % 64) % 64;
    header = header + " ".repeat(pad) + "\n";
    ByteBuffer b = ByteBuffer.allocate(10 + header.length() + 8 * data.length).order(ByteOrder.LITTLE_ENDIAN);
    b.put((byte) 0x93).put("NUMPY".getBytes(java.nio.charset.StandardCharsets.US_ASCII)).put((byte) 1).put((byte) 0);
    b.putShort((short) header.length());
    b.put(header.getBytes(java.nio.charset.StandardCharsets.US_ASCII));
    for (double d : data) b.putDouble(d);
    Files.write(p, b.array());
    return p;
  }

  /** Runs python3 with the arguments; returns its stdout lines, or null (with a message on stderr) if unavailable. */
  public static List<String> python(List<String> args, long timeoutSeconds) {
    List<String> cmd = new ArrayList<>();
    cmd.add("python3");
    cmd.addAll(args);
    try {
      Process p = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.INHERIT).start();
      List<String> lines = new ArrayList<>();
      try (var r = new java.io.BufferedReader(new java.io.InputStreamReader(p.getInputStream(), java.nio.charset.StandardCharsets.UTF_8))) {
        String l;
        while ((l = r.readLine()) != null) lines.add(l);
      }
      if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        System.err.println("reference: python3 timed out");
        return null;
      }
      if (p.exitValue() != 0) {
        System.err.println("reference: python3 exited with " + p.exitValue() + " (is numpy installed?)");
        return null;
      }
      return lines;
    } catch (IOException e) {
      System.err.println("reference: python3 not available (" + e.getMessage() + ")");
      return null;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return null;
    }
  }

  public static String machine() {
    String cpu = "unknown CPU";
    try {
      for (String l : Files.readAllLines(Path.of("/proc/cpuinfo"))) {
        if (l.startsWith("model name")) {
          cpu = l.substring(l.indexOf(':') + 1).trim();
          break;
        }
      }
    } catch (IOException | RuntimeException e) {
      // keep default
    }
    return cpu + ", " + Runtime.getRuntime().availableProcessors() + " cores, Java " + System.getProperty("java.version");
  }
}
