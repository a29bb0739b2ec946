package org.ntk4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.function.Consumer;
import picocli.CommandLine;

/** Runs the command line in-process and captures what it prints. */
final class Cli {
  record Result(int code, String out, String err) {
    /** Asserts a refusal: exit 2, nothing on stdout, exactly one line on stderr starting with "ntk: error: ". */
    Result refused(String... parts) {
      assertEquals(2, code, () -> "exit code; stderr: " + err);
      assertEquals("", out, "stdout");
      assertOneLine("ntk: error: ");
      for (String p : parts) assertTrue(err.contains(p), () -> "stderr '" + err.strip() + "' lacks '" + p + "'");
      return this;
    }

    void assertOneLine(String prefix) {
      assertTrue(err.startsWith(prefix), () -> "stderr: " + err);
      assertTrue(err.endsWith(System.lineSeparator()), () -> "stderr ends with a newline: " + err);
      assertEquals(1, err.lines().count(), () -> "one line on stderr: " + err);
      assertTrue(!err.contains("\tat "), "no stack trace");
    }
  }

  private Cli() {}

  static Result run(String... args) { return run(c -> { }, args); }

  /** Runs with extra configuration of the command line (e.g. a test subcommand). */
  static Result run(Consumer<CommandLine> configure, String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine cl = Main.commandLine(new PrintWriter(out, true), new PrintWriter(err, true));
    configure.accept(cl);
    Main.configure(cl, new PrintWriter(out, true), new PrintWriter(err, true));
    int code = cl.execute(args);
    return new Result(code, out.toString(), err.toString());
  }
}
