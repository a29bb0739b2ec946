package org.ntk4j.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import org.ntk4j.util.Units;

/**
 * How every {@code ntk} command reports a failure: one line on stderr, no stack trace (unless {@code --debug}).
 * <ul>
 *   <li>exit 2, {@code ntk: error: ...}: refused input — {@link CliException}, {@link IllegalArgumentException}
 *       (which includes {@code ArchitectureException}), picocli's {@code ParameterException}, I/O problems with the
 *       files the user named;</li>
 *   <li>exit 1, {@code ntk: error: out of memory ...}: the Java heap is too small;</li>
 *   <li>exit 1, {@code ntk: internal error: ...}: anything else (a bug); {@code --debug} adds the stack trace.</li>
 * </ul>
 */
public final class Errors {
  /** Exit code of a refused input or option. */
  public static final int USAGE = 2;
  /** Exit code of an internal error. */
  public static final int INTERNAL = 1;

  private Errors() {}

  /** Prints the one-line report of {@code t} and returns the exit code. */
  public static int report(Throwable t, PrintWriter err, boolean debug) {
    Throwable c = unwrap(t);
    int code;
    String line;
    if (c instanceof CliException || c instanceof IllegalArgumentException || c instanceof picocli.CommandLine.ParameterException) {
      code = USAGE;
      line = "ntk: error: " + message(c);
    } else if (c instanceof IOException io) {
      code = USAGE;
      line = "ntk: error: " + ioMessage(io);
    } else if (c instanceof OutOfMemoryError) {
      code = INTERNAL;
      line = "ntk: error: out of memory (Java heap max " + Units.bytes(Runtime.getRuntime().maxMemory())
          + "): lower --memory or the problem size, or give Java more heap, e.g. java -Xmx16g -jar ntk.jar ...";
    } else {
      code = INTERNAL;
      line = "ntk: internal error: " + c.getClass().getName() + (c.getMessage() == null ? "" : ": " + message(c))
          + (debug ? "" : " (rerun with --debug for the stack trace)");
    }
    err.println(line);
    if (debug) t.printStackTrace(err);
    err.flush();
    return code;
  }

  static Throwable unwrap(Throwable t) {
    Throwable c = t;
    while ((c instanceof ExecutionException || c instanceof CompletionException || c instanceof UncheckedIOException
        || (c instanceof RuntimeException && c.getClass() == RuntimeException.class)) && c.getCause() != null) {
      c = c.getCause();
    }
    return c;
  }

  /** The message on one line. */
  static String message(Throwable t) {
    String m = t.getMessage();
    if (m == null || m.isBlank()) m = t.getClass().getSimpleName();
    return oneLine(m);
  }

  static String oneLine(String m) { return m.strip().replaceAll("\\s*\\R\\s*", " "); }

  static String ioMessage(IOException e) {
    if (e instanceof NoSuchFileException f) return "no such file or directory: " + f.getFile();
    if (e instanceof AccessDeniedException f) return "permission denied: " + f.getFile();
    if (e instanceof NotDirectoryException f) return "not a directory: " + f.getFile();
    if (e instanceof FileAlreadyExistsException f) return "already exists: " + f.getFile();
    if (e instanceof DirectoryNotEmptyException f) return "directory not empty: " + f.getFile();
    if (e instanceof FileSystemException f) {
      String r = f.getReason() == null ? "" : ": " + f.getReason();
      return "cannot access " + f.getFile() + r;
    }
    return "I/O error: " + message(e);
  }
}
