package org.ntk4j.jupyter;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * Resolves the arguments of {@code %jars} / {@code %classpath}: paths or globs ({@code *}, {@code ?}, {@code [..]},
 * {@code {a,b}}, {@code **}), relative ones against the notebook's directory (the kernel's working directory, as in
 * IJava). Every argument must match something; the matches of one glob are returned sorted.
 */
final class ClasspathEntries {
  private ClasspathEntries() {}

  static List<Path> resolve(String magic, List<String> patterns, Path baseDir, boolean jarsOnly) {
    if (patterns.isEmpty()) throw new IllegalArgumentException("%" + magic + " needs at least one path or glob");
    List<Path> out = new ArrayList<>();
    for (String p : patterns) {
      Path abs = baseDir.resolve(p).normalize().toAbsolutePath();
      if (!hasGlob(p)) {
        if (!Files.exists(abs)) {
          throw new IllegalArgumentException("%" + magic + ": " + p + " does not exist (resolved against " + baseDir + " to " + abs + ")");
        }
        if (jarsOnly && !Files.isRegularFile(abs)) throw new IllegalArgumentException("%" + magic + ": " + abs + " is not a file");
        out.add(abs);
        continue;
      }
      Path root = globRoot(abs);
      PathMatcher m = FileSystems.getDefault().getPathMatcher("glob:" + abs.toString().replace("\\", "\\\\"));
      List<Path> found = new ArrayList<>();
      if (Files.isDirectory(root)) {
        try (Stream<Path> s = Files.walk(root)) {
          s.filter(m::matches).filter(x -> !jarsOnly || Files.isRegularFile(x)).sorted().forEach(found::add);
        } catch (IOException e) {
          throw new UncheckedIOException("%" + magic + ": cannot list " + root, e);
        }
      }
      if (found.isEmpty()) {
        throw new IllegalArgumentException("%" + magic + ": no file matches " + p + " (resolved against " + baseDir + " to " + abs + ")");
      }
      out.addAll(found);
    }
    return out;
  }

  private static boolean hasGlob(String s) {
    for (char c : s.toCharArray()) if (c == '*' || c == '?' || c == '[' || c == '{') return true;
    return false;
  }

  /** The longest leading directory of an absolute glob without glob characters. */
  private static Path globRoot(Path absGlob) {
    Path root = absGlob.getRoot();
    for (Path part : absGlob) {
      if (hasGlob(part.toString())) break;
      root = root.resolve(part);
    }
    return root;
  }
}
