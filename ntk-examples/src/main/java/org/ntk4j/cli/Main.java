package org.ntk4j.cli;

import java.io.InputStream;
import java.io.PrintWriter;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.IVersionProvider;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;
import picocli.CommandLine.UnmatchedArgumentException;

/**
 * Entry point of the {@code ntk} command line. Commands extend {@link NtkCommand} and are listed in {@code subcommands}
 * below; every command then reports refused input as one line {@code ntk: error: ...} with exit code 2.
 */
@Command(name = "ntk", mixinStandardHelpOptions = true, versionProvider = Main.Version.class, usageHelpWidth = 110,
    description = "Analytic infinite-width kernels (NNGP and NTK) of neural networks, following neural-tangents"
        + " conventions, in float64.",
    subcommands = {
        DemoCommand.class,
        KernelCommand.class,
        PredictCommand.class,
        CertifyCommand.class,
        EnsembleCommand.class,
        ExperimentCommand.class,
        BenchCommand.class,
        CommandLine.HelpCommand.class},
    footer = {"", "Run 'ntk help COMMAND' or 'ntk COMMAND --help' for a command's options."})
public final class Main implements Callable<Integer> {
  @Spec CommandSpec spec;

  public Main() {}

  @Override public Integer call() {
    List<String> names = spec.subcommands().keySet().stream().filter(n -> !n.equals("help")).toList();
    spec.commandLine().getErr().println("ntk: error: no command given (commands: " + String.join(", ", names)
        + "); see 'ntk --help'");
    return Errors.USAGE;
  }

  public static void main(String[] args) {
    PrintWriter out = new PrintWriter(System.out, true);
    PrintWriter err = new PrintWriter(System.err, true);
    int code = execute(out, err, args);
    out.flush();
    err.flush();
    System.exit(code);
  }

  /** Runs the command line in-process with the given streams and returns the exit code. */
  public static int execute(PrintWriter out, PrintWriter err, String... args) {
    return commandLine(out, err).execute(args);
  }

  /** The configured command line (error handling, case-insensitive enum values) writing to the given streams. */
  public static CommandLine commandLine(PrintWriter out, PrintWriter err) {
    return configure(new CommandLine(new Main()), out, err);
  }

  /** Applies the streams and the error handling to a command line and all its subcommands (call after adding any). */
  public static CommandLine configure(CommandLine cl, PrintWriter out, PrintWriter err) {
    cl.setOut(out);
    cl.setErr(err);
    cl.setCaseInsensitiveEnumValuesAllowed(true);
    cl.setParameterExceptionHandler(Main::parameterError);
    cl.setExecutionExceptionHandler((ex, c, parse) -> Errors.report(ex, c.getErr(), false));
    return cl;
  }

  /** A bad command line: one line naming the problem and where to find help, exit 2. */
  static int parameterError(ParameterException ex, String[] args) {
    CommandLine c = ex.getCommandLine();
    StringBuilder line = new StringBuilder("ntk: error: ").append(Errors.message(ex));
    if (ex instanceof UnmatchedArgumentException u && !u.getSuggestions().isEmpty()) {
      line.append(" (did you mean ").append(String.join(" or ", u.getSuggestions())).append("?)");
    }
    line.append("; see '").append(c.getCommandSpec().qualifiedName()).append(" --help'");
    c.getErr().println(line);
    c.getErr().flush();
    return Errors.USAGE;
  }

  /** The version from the jar's Maven descriptor, and the Java runtime. */
  static final class Version implements IVersionProvider {
    @Override public String[] getVersion() {
      String v = "development build";
      try (InputStream in = Main.class.getResourceAsStream("/META-INF/maven/org.ntk4j/ntk-examples/pom.properties")) {
        if (in != null) {
          Properties p = new Properties();
          p.load(in);
          v = p.getProperty("version", v);
        }
      } catch (java.io.IOException ignored) {
        // keep the default
      }
      return new String[] {"ntk " + v, "Java " + System.getProperty("java.version") + " (" + System.getProperty("java.vm.name") + ")"};
    }
  }
}
