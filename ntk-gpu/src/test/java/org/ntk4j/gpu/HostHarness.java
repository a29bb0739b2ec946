package org.ntk4j.gpu;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.ntk4j.Inputs;

/**
 * Builds {@code src/main/cuda/host_harness.cpp} (the GPU kernels' per-entry math, ntk_math.cuh, evaluated on the host in
 * the kernels' order) with g++ and runs it on a lowered program.
 */
final class HostHarness {
  private static Path binary;
  private static String unavailable;

  private HostHarness() {}

  /** Null when the harness is built, else why not (no compiler). */
  static synchronized String unavailable() {
    if (binary == null && unavailable == null) {
      Path cxx = Tools.cxx();
      if (cxx == null) {
        unavailable = "no C++ compiler (g++ or c++) on PATH: the host harness of ntk_math.cuh cannot be built";
      } else {
        try {
          Path out = Path.of("target", "host-harness");
          Files.createDirectories(out);
          Path bin = out.resolve("host_harness");
          Tools.run(List.of(cxx.toString(), "-O2", "-std=c++20", "-pthread", "-ffp-contract=off", "-Wall", "-Werror", "-o",
              bin.toAbsolutePath().toString(), "host_harness.cpp"), null, Tools.CUDA_DIR, 120);
          binary = bin;
        } catch (IOException | InterruptedException e) {
          throw new IllegalStateException("host harness does not compile: " + e.getMessage(), e);
        }
      }
    }
    return binary != null ? null : unavailable;
  }

  /** Σ and Θ (n1 × n2, row-major) as the kernels' math computes them; precision 64 or 32. */
  static double[][] run(GpuProgram prog, Inputs x1, Inputs x2, int precision) throws IOException, InterruptedException {
    return run(prog, x1, x2, precision, 1);
  }

  /**
   * As {@link #run(GpuProgram, Inputs, Inputs, int)}; diagonal spatial programs run each pair on {@code team} threads
   * (full programs: see {@link #runSchedule}).
   */
  static double[][] run(GpuProgram prog, Inputs x1, Inputs x2, int precision, int team)
      throws IOException, InterruptedException {
    if (unavailable() != null) throw new IllegalStateException(unavailable());
    int d = prog.inputDim();
    StringBuilder sb = new StringBuilder();
    if (prog.isSpatial()) {
      if (prog.isFull() && team > 1) throw new IllegalArgumentException("full programs run on teams through runSchedule");
      String mode = prog.isFull() ? "full " : team > 1 ? "conv-" + team + " " : "conv ";
      sb.append(mode).append(precision).append(' ');
      appendSpatial(sb, prog, x1, x2, prog.tapePerInput());
    } else {
      sb.append("fc ").append(precision).append(' ').append(x1.n()).append(' ').append(x2.n()).append(' ').append(d)
          .append(' ').append(prog.opCount()).append('\n');
      for (double v : prog.packed()) sb.append(Double.toHexString(v)).append(' ');
      sb.append('\n');
      appendInputs(sb, x1, x2);
    }
    return parseResults(Tools.run(List.of(binary.toAbsolutePath().toString()), sb.toString(), null, 120), x1, x2);
  }

  /**
   * Full programs: executes the launch list of {@link FullSchedule#forEach} (what CudaBackend launches, buffers named)
   * with ntk_full.cu's kernels compiled for the host; Σ, Θ n1 × n2 row-major, NaN where no tile wrote (the lower
   * triangle's off-diagonal tiles of a symmetric kernel).
   */
  static double[][] runSchedule(GpuProgram prog, Inputs x1, Inputs x2, boolean symmetric, int side)
      throws IOException, InterruptedException {
    return runSchedule(prog, x1, x2, symmetric, side, FullSchedule.Config.DEFAULT);
  }

  /** As above, with the launches shaped by {@code config}; also returns how many launches of each kernel ran. */
  static double[][] runSchedule(GpuProgram prog, Inputs x1, Inputs x2, boolean symmetric, int side,
                                FullSchedule.Config config) throws IOException, InterruptedException {
    return runSchedule(prog, x1, x2, symmetric, side, config, new java.util.TreeMap<>());
  }

  static double[][] runSchedule(GpuProgram prog, Inputs x1, Inputs x2, boolean symmetric, int side,
                                FullSchedule.Config config, java.util.Map<String, Integer> launches)
      throws IOException, InterruptedException {
    if (unavailable() != null) throw new IllegalStateException(unavailable());
    StringBuilder lines = new StringBuilder();
    int[] count = {0};
    int per = Math.max(1, prog.tapePerInput());
    Object[] buf = {"b0", "b1", "b2", "b3"};
    FullSchedule.forEach(prog, x1.n(), x2.n(), symmetric, side, "prog", "geom", "x1", symmetric ? "x1" : "x2", "t1",
        symmetric ? "t1" : "t2", per, buf, config, step -> {
          for (FullSchedule.Launch l : step.batch().launches()) {
            java.util.List<Object> v = l.args().values();
            launches.merge(l.kernel(), 1, Integer::sum);
            lines.append(l.kernel()).append(' ').append(l.blocks()).append(' ').append(l.threads()).append(' ')
                .append(l.sharedBytes()).append(' ').append(v.size());
            for (Object o : v) lines.append(' ').append(o);
            lines.append('\n');
            count[0]++;
          }
          TilePlan.Tile t = step.tile();
          if (t != null) {
            int r = step.batch().result();
            lines.append("out b").append(2 * r).append(" b").append(2 * r + 1).append(' ').append(t.i0()).append(' ')
                .append(t.rows()).append(' ').append(t.j0()).append(' ').append(t.cols()).append('\n');
            count[0]++;
          }
        });
    StringBuilder sb = new StringBuilder("schedule ");
    sb.append(config.float32() ? 32 : 64).append(' ').append(side * side).append(' ').append(count[0]).append(' ');
    appendSpatial(sb, prog, x1, x2, per);
    sb.append(lines);
    return parseResults(Tools.run(List.of(binary.toAbsolutePath().toString()), sb.toString(), null, 120), x1, x2);
  }

  /** The spatial input of the harness: "n1 n2 P C nops ngeom maxP per", the program, the geometry, x1, x2. */
  private static void appendSpatial(StringBuilder sb, GpuProgram prog, Inputs x1, Inputs x2, int per) {
    sb.append(x1.n()).append(' ').append(x2.n()).append(' ').append(prog.positions()).append(' ').append(prog.channels())
        .append(' ').append(prog.opCount()).append(' ').append(prog.geometry().length).append(' ')
        .append(prog.maxPositions()).append(' ').append(per).append('\n');
    for (double v : prog.packed()) sb.append(Double.toHexString(v)).append(' ');
    sb.append('\n');
    for (int v : prog.geometry()) sb.append(v).append(' ');
    sb.append('\n');
    appendInputs(sb, x1, x2);
  }

  private static void appendInputs(StringBuilder sb, Inputs x1, Inputs x2) {
    for (Inputs x : new Inputs[] {x1, x2}) {
      for (double v : x.data()) sb.append(Double.toHexString(v)).append(' ');
      sb.append('\n');
    }
  }

  /** The harness's n1·n2 lines "nngp ntk" as Σ, Θ (row-major). */
  private static double[][] parseResults(String out, Inputs x1, Inputs x2) {
    String[] tok = out.trim().split("\\s+");
    int cells = x1.n() * x2.n();
    if (tok.length != 2 * cells) {
      throw new IllegalStateException("host harness wrote " + tok.length + " numbers, expected " + 2 * cells);
    }
    double[][] r = new double[2][cells];
    for (int k = 0; k < cells; k++) {
      r[0][k] = parse(tok[2 * k]);
      r[1][k] = parse(tok[2 * k + 1]);
    }
    return r;
  }

  /** A hex float from printf %a; "nan" / "-nan" (cells no tile wrote) as NaN. */
  private static double parse(String t) { return t.contains("nan") ? Double.NaN : Double.parseDouble(t); }
}
