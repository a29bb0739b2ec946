package org.ntk4j.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.ntk4j.Inputs;
import org.ntk4j.Shape;
import org.ntk4j.io.ArchitectureParser;
import org.ntk4j.io.Npy;
import org.ntk4j.io.NpyArray;
import org.ntk4j.layers.ArchitectureException;
import org.ntk4j.layers.Layer;
import org.ntk4j.symmetry.Group;
import org.ntk4j.symmetry.Groups;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * Base of every {@code ntk} command: implement {@link #run()} and get the common behaviour for free.
 * <ul>
 *   <li>Every failure is reported on one line by {@link Errors}: refused input exits 2 with {@code ntk: error: ...},
 *       internal errors exit 1 ({@code --debug} prints the stack trace);</li>
 *   <li>{@link #readArray}/{@link #readInputs} read {@code .npy} files with errors naming the option and file;</li>
 *   <li>{@link #parseArchitecture} parses {@code --arch} with errors naming the position;</li>
 *   <li>{@link OutputFiles} writes outputs atomically; {@link ProgressReporter} shows a bar only on a terminal;</li>
 *   <li>{@link #summary} prints the one-line summary on stdout.</li>
 * </ul>
 * Shared options live in mixins: {@link ComputeOptions} (threads, memory), {@link ArchitectureOptions}.
 */
@Command(mixinStandardHelpOptions = true, versionProvider = Main.Version.class, usageHelpWidth = 110)
public abstract class NtkCommand implements Callable<Integer> {
  @Spec protected CommandSpec spec;

  @Option(names = "--debug", order = 1000, description = "On an internal error, print the stack trace.")
  protected boolean debug;

  /** The command's work; returns the exit code (0 on success). Throw {@link CliException} to refuse an input. */
  protected abstract int run() throws Exception;

  @Override public final Integer call() {
    try {
      return run();
    } catch (Throwable t) {
      if (t instanceof InterruptedException) Thread.currentThread().interrupt();
      return Errors.report(t, err(), debug);
    } finally {
      out().flush();
      err().flush();
    }
  }

  protected PrintWriter out() { return spec.commandLine().getOut(); }

  protected PrintWriter err() { return spec.commandLine().getErr(); }

  /** Prints the one-line summary of a successful run on stdout. */
  protected void summary(String line) {
    out().println(spec.qualifiedName() + ": " + line);
    out().flush();
  }

  /** Reads a float32/float64 array given by an option; every problem becomes a {@link CliException} naming both. */
  protected static NpyArray readArray(String option, Path path) {
    try {
      if (Files.isDirectory(path)) throw new CliException(option + " " + path + ": is a directory, expected a .npy file");
      return Npy.read(path);
    } catch (NoSuchFileException e) {
      throw new CliException(option + " " + path + ": no such file");
    } catch (IllegalArgumentException e) {
      throw new CliException(option + " " + e.getMessage(), e);
    } catch (IOException e) {
      throw new CliException(option + " " + path + ": cannot read: " + Errors.ioMessage(e), e);
    }
  }

  /** Reads a batch of inputs (n, d), (n, L, C) or (n, H, W, C) given by an option. */
  protected static Inputs readInputs(String option, Path path) {
    NpyArray a = readArray(option, path);
    try {
      return Npy.toInputs(a, path.toString());
    } catch (IllegalArgumentException e) {
      throw new CliException(option + " " + e.getMessage(), e);
    }
  }

  /** Parses an architecture given by an option. */
  protected static Layer parseArchitecture(String option, String text) {
    try {
      return ArchitectureParser.parse(text);
    } catch (ArchitectureException e) {
      throw new CliException(option + ": " + e.getMessage(), e);
    }
  }

  /** Gradient-flow times, comma-separated, each >= 0 or {@code inf} (the converged limit). */
  protected static double[] parseTimes(String text) {
    String[] parts = splitList("--time", text);
    double[] t = new double[parts.length];
    for (int i = 0; i < parts.length; i++) {
      String s = parts[i].toLowerCase(Locale.ROOT);
      double v;
      if (s.equals("inf") || s.equals("infinity") || s.equals("+inf") || s.equals("\u221e")) {
        v = Double.POSITIVE_INFINITY;
      } else {
        try {
          v = Double.parseDouble(s);
        } catch (NumberFormatException e) {
          throw new CliException("--time: '" + parts[i] + "' is not a number (times are comma-separated, e.g. 0.5,1,10,inf)");
        }
      }
      if (!(v >= 0)) throw new CliException("--time: training times must be >= 0 (or inf) but got '" + parts[i] + "'");
      t[i] = v;
    }
    return t;
  }

  /** Numbers of gradient-descent steps, comma-separated, each >= 0. */
  protected static long[] parseSteps(String text) {
    String[] parts = splitList("--steps", text);
    long[] k = new long[parts.length];
    for (int i = 0; i < parts.length; i++) {
      try {
        k[i] = Long.parseLong(parts[i]);
      } catch (NumberFormatException e) {
        throw new CliException("--steps: '" + parts[i] + "' is not a whole number of steps (comma-separated, e.g. 1,2,3,2000)");
      }
      if (k[i] < 0) throw new CliException("--steps: numbers of steps must be >= 0 but got '" + parts[i] + "'");
    }
    return k;
  }

  private static String[] splitList(String option, String text) {
    String[] parts = text.split(",", -1);
    for (int i = 0; i < parts.length; i++) {
      parts[i] = parts[i].strip();
      if (parts[i].isEmpty()) throw new CliException(option + ": empty value in '" + text + "'");
    }
    return parts;
  }

  /** A symmetry group by name for inputs of this shape (see {@link Groups#parse}); refusals name the option. */
  protected static Group parseGroup(String option, String name, Shape shape) {
    try {
      return Groups.parse(name, shape);
    } catch (IllegalArgumentException e) {
      throw new CliException(option + " " + name + ": " + e.getMessage(), e);
    }
  }
}
