package org.ntk4j.cli;

import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.ntk4j.io.Npy;

/**
 * The output files of one command, written all-or-nothing: each file is first written to a hidden temporary file in
 * the output directory, and only {@link #commit()} moves them to their names (an atomic rename each, after every file
 * is complete). A run that fails or is interrupted (Ctrl-C: a shutdown hook) before the commit leaves no output file
 * and no temporary file behind, and removes the output directory again when it created it. If one rename of the commit
 * fails, the files already renamed are deleted, so the directory never holds a mix of new and old outputs. Use with try-with-resources:
 * <pre>
 *   try (OutputFiles out = OutputFiles.in("--out", dir)) {   // checks the directory can be written, creates nothing
 *     ... compute ...
 *     out.writeNpy("nngp.npy", shape, nngp);
 *     out.writeNpy("ntk.npy", shape, ntk);
 *     out.commit();
 *   }
 * </pre>
 */
public final class OutputFiles implements AutoCloseable {
  private static final Set<Path> PENDING = ConcurrentHashMap.newKeySet();
  private static final Set<Path> PENDING_DIRS = ConcurrentHashMap.newKeySet();
  private static final java.security.SecureRandom RANDOM = new java.security.SecureRandom();
  private static volatile boolean hookInstalled;

  private final String option;
  private final Path dir;
  private final Map<String, Path> staged = new LinkedHashMap<>();
  private final List<Path> createdDirs = new ArrayList<>();
  private boolean committed;

  private OutputFiles(String option, Path dir) {
    this.option = option;
    this.dir = dir.toAbsolutePath().normalize();
  }

  /**
   * Output files in {@code dir}: checks now that {@code dir} is a writable directory or can be created (so a long
   * computation does not fail at the end), without creating anything yet.
   */
  public static OutputFiles in(String option, Path dir) {
    OutputFiles o = new OutputFiles(option, dir);
    o.checkWritable();
    return o;
  }

  public Path dir() { return dir; }

  /** Where {@code name} will be after the commit. */
  public Path target(String name) { return dir.resolve(name); }

  private void checkWritable() {
    Path p = dir;
    while (p != null && !Files.exists(p)) p = p.getParent();
    if (p == null) throw new CliException(option + " " + dir + ": no existing parent directory");
    if (!Files.isDirectory(p)) {
      throw new CliException(option + " " + dir + ": " + (p.equals(dir) ? "exists and is not a directory" : p + " is not a directory"));
    }
    if (!Files.isWritable(p)) throw new CliException(option + " " + dir + ": directory " + p + " is not writable");
  }

  /** Writes a float64 .npy file to be committed under {@code name}. */
  public void writeNpy(String name, int[] shape, double[] data) throws IOException {
    Npy.write(stage(name), shape, data);
  }

  /** A temporary file (already created) that {@link #commit()} will move to {@code name}; write it completely. */
  public Path stage(String name) throws IOException {
    if (committed) throw new IllegalStateException("already committed");
    if (staged.containsKey(name)) throw new IllegalStateException(name + " staged twice");
    if (name.contains("/") || name.contains(java.io.File.separator)) throw new IllegalArgumentException("plain file name expected: " + name);
    ensureDir();
    installHook();
    Path tmp = null;
    while (tmp == null) {
      // not Files.createTempFile: that makes the file owner-only (0600); this one gets the usual umask permissions
      Path candidate = dir.resolve("." + name + "." + Long.toHexString(RANDOM.nextLong() & Long.MAX_VALUE) + ".tmp");
      try {
        tmp = Files.createFile(candidate);
      } catch (java.nio.file.FileAlreadyExistsException taken) {
        // try another name
      }
    }
    PENDING.add(tmp);
    staged.put(name, tmp);
    return tmp;
  }

  private void ensureDir() throws IOException {
    if (Files.isDirectory(dir)) return;
    List<Path> missing = new ArrayList<>();
    for (Path p = dir; p != null && !Files.exists(p); p = p.getParent()) missing.add(0, p);
    for (Path p : missing) {
      installHook();
      Files.createDirectory(p);
      createdDirs.add(0, p); // deepest first, for removal
      PENDING_DIRS.add(p);
    }
  }

  /**
   * Moves every staged file to its name. If a move fails, the files already moved are removed as well, so that the
   * directory never holds a mix of new and missing outputs.
   */
  public void commit() throws IOException {
    if (committed) throw new IllegalStateException("already committed");
    List<Path> done = new ArrayList<>();
    try {
      for (Map.Entry<String, Path> e : staged.entrySet()) {
        Path target = dir.resolve(e.getKey());
        try {
          try {
            Files.move(e.getValue(), target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
          } catch (AtomicMoveNotSupportedException ex) {
            Files.move(e.getValue(), target, StandardCopyOption.REPLACE_EXISTING);
          }
        } catch (FileSystemException ex) {
          String why = ex.getReason() != null ? ex.getReason() : ex.getClass().getSimpleName();
          throw new FileSystemException(target.toString(), null, "cannot replace it with the new output: " + why);
        }
        PENDING.remove(e.getValue());
        done.add(target);
      }
      committed = true;
      PENDING_DIRS.removeAll(createdDirs);
    } catch (IOException | RuntimeException ex) {
      for (Path p : done) Files.deleteIfExists(p);
      throw ex;
    }
  }

  /** Without a commit: deletes the temporary files and the directories this object created. */
  @Override public void close() {
    if (committed) return;
    for (Path tmp : staged.values()) {
      try {
        Files.deleteIfExists(tmp);
      } catch (IOException ignored) {
        // best effort
      }
      PENDING.remove(tmp);
    }
    staged.clear();
    for (Path d : createdDirs) {
      try {
        Files.deleteIfExists(d); // only succeeds when empty
      } catch (IOException ignored) {
        // not empty or gone: leave it
      }
      PENDING_DIRS.remove(d);
    }
    createdDirs.clear();
  }

  private static void installHook() {
    if (hookInstalled) return;
    synchronized (OutputFiles.class) {
      if (hookInstalled) return;
      Runtime.getRuntime().addShutdownHook(new Thread(() -> {
        for (Path p : PENDING) {
          try {
            Files.deleteIfExists(p);
          } catch (IOException ignored) {
            // best effort on exit
          }
        }
        List<Path> dirs = new ArrayList<>(PENDING_DIRS);
        dirs.sort((a, b) -> b.getNameCount() - a.getNameCount()); // deepest first
        for (Path d : dirs) {
          try {
            Files.deleteIfExists(d);
          } catch (IOException ignored) {
            // not empty: leave it
          }
        }
      }, "ntk-output-cleanup"));
      hookInstalled = true;
    }
  }
}
