package org.ntk4j.jupyter;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import javax.imageio.ImageIO;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import org.dflib.jjava.jupyter.kernel.display.DisplayData;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The kernel's evaluation and magics, without Jupyter (the protocol is jjava-jupyter's, exercised by the notebooks IT). */
class JavaKernelTest {
  @TempDir Path dir;
  JavaKernel kernel;
  final List<DisplayData> shown = new ArrayList<>();

  @BeforeEach
  void start() {
    kernel = new JavaKernel(dir);
    kernel.displayTo(shown::add);
    kernel.onStartup();
  }

  @AfterEach
  void stop() { kernel.onShutdown(false); }

  private static String text(DisplayData d) { return String.valueOf(data(d).get("text/plain")); }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> data(DisplayData d) {
    try {
      var f = DisplayData.class.getDeclaredField("data");
      f.setAccessible(true);
      return (Map<String, Object>) f.get(d);
    } catch (ReflectiveOperationException e) {
      throw new AssertionError(e);
    }
  }

  @Test
  void keepsStateBetweenCellsAndShowsTheLastExpression() {
    assertNull(kernel.eval("int a = 20;\nint b = 22;"));
    assertNull(kernel.eval("double[] xs = {1, 2, 3};\nstatic double sum(double[] v) { double s = 0; for (double x : v) s += x; return s; }"));
    assertEquals("42", text(kernel.eval("a + b")));
    assertEquals("6.0", text(kernel.eval("sum(xs)")));
    // several snippets in one cell, without a trailing semicolon on the last: only the last expression is the result
    assertEquals("hello 42", text(kernel.eval("String s = \"hello \";\ns + (a + b)")));
    assertNull(kernel.eval("List<Integer> l = new ArrayList<>(); l.add(1);")); // default imports; a semicolon hides the value
    assertEquals("true", text(kernel.eval("l.add(2)")));
    assertEquals("[1, 2]", text(kernel.eval("l")));
  }

  @Test
  void printsGoToSystemOut() {
    PrintStream old = System.out;
    ByteArrayOutputStream buf = new ByteArrayOutputStream();
    System.setOut(new PrintStream(buf, true, StandardCharsets.UTF_8));
    try {
      kernel.eval("for (int i = 0; i < 3; i++) System.out.println(\"row \" + i);");
    } finally {
      System.setOut(old);
    }
    assertEquals("row 0\nrow 1\nrow 2\n", buf.toString(StandardCharsets.UTF_8).replace("\r", ""));
  }

  @Test
  void runtimeErrorsNameTheCellLineAndTheException() {
    kernel.eval("int[] v = new int[2];");
    EvaluationException e = assertThrows(EvaluationException.class,
        () -> kernel.eval("int k = 1;\n// a comment line\nv[k] = 1;\nv[k + 1] = 2;\nint never = 3;"));
    assertEquals("java.lang.ArrayIndexOutOfBoundsException", e.exceptionClass());
    assertTrue(e.getMessage().startsWith("line 4: java.lang.ArrayIndexOutOfBoundsException: Index 2 out of bounds for length 2"), e.getMessage());
    assertTrue(String.join("\n", e.report()).contains("v[k + 1] = 2;"), String.join("\n", e.report()));
    // the statement after the failing one did not run
    assertThrows(CompilationException.class, () -> kernel.eval("never"));
  }

  @Test
  void exceptionsInMethodsFromEarlierCellsAreTracedToTheirCells() {
    kernel.eval("static void check(int n) {\n  if (n < 0)\n    throw new IllegalArgumentException(\"n must be >= 0, got \" + n);\n}");
    EvaluationException e = assertThrows(EvaluationException.class, () -> kernel.eval("check(1);\n\ncheck(-2);"));
    assertTrue(e.getMessage().startsWith("line 3: java.lang.IllegalArgumentException: n must be >= 0, got -2"), e.getMessage());
    String report = String.join("\n", e.report());
    assertTrue(report.contains("at cell [1] line 3: throw new IllegalArgumentException"), report);
    assertTrue(report.contains("at cell [2] line 3: check(-2);"), report);
    // thrown by library code: the message names the throwing frame as well
    EvaluationException lib = assertThrows(EvaluationException.class, () -> kernel.eval("int n = 1;\nList.of(1, 2).get(n + 5);"));
    assertTrue(lib.getMessage().startsWith("line 2: java.lang.IndexOutOfBoundsException: "), lib.getMessage());
    assertTrue(lib.getMessage().contains(" (thrown at java.base/java.util.ImmutableCollections"), lib.getMessage());
  }

  @Test
  void compileErrorsNameTheCellLine() {
    CompilationException e = assertThrows(CompilationException.class,
        () -> kernel.eval("int x = 1;\nint y = 2;\nint z = x + undefinedThing;"));
    assertTrue(e.getMessage().startsWith("line 3: cannot find symbol"), e.getMessage());
    String report = String.join("\n", e.report());
    assertTrue(report.contains("int z = x + undefinedThing;"), report);
    assertTrue(report.contains("symbol:   variable undefinedThing") || report.contains("symbol: variable undefinedThing"), report);
    // a statement spanning lines: the error is on its second line
    CompilationException f = assertThrows(CompilationException.class, () -> kernel.eval("\n\nint w = x +\n    \"text\".foo();"));
    assertTrue(f.getMessage().startsWith("line 4: cannot find symbol"), f.getMessage());
    // unbalanced braces
    CompilationException g = assertThrows(CompilationException.class, () -> kernel.eval("if (x > 0) {\n  x++;\n"));
    assertTrue(g.getMessage().startsWith("line "), g.getMessage());
  }

  @Test
  void displaysImagesAsPng() throws IOException {
    kernel.eval("import java.awt.image.BufferedImage;\nBufferedImage img = new BufferedImage(7, 5, BufferedImage.TYPE_INT_RGB);\nimg.setRGB(3, 2, 0xff0000);");
    Object id = kernel.evalRaw("display(img)");
    assertEquals(1, shown.size());
    Map<String, Object> d = data(shown.get(0));
    assertEquals("image 7x5", d.get("text/plain"));
    BufferedImage back = ImageIO.read(new ByteArrayInputStream(Base64.getDecoder().decode((String) d.get("image/png"))));
    assertEquals(7, back.getWidth());
    assertEquals(5, back.getHeight());
    assertEquals(0xff0000, back.getRGB(3, 2) & 0xffffff);
    assertEquals(0, back.getRGB(0, 0) & 0xffffff);
    assertEquals(shown.get(0).getDisplayId(), id);
    // an image as the value of the last expression is shown as an image too
    DisplayData r = kernel.eval("img");
    assertTrue(data(r).containsKey("image/png"));
    // other objects: text
    kernel.eval("display(\"plain text\");");
    assertEquals("plain text", data(shown.get(1)).get("text/plain"));
  }

  @Test
  void jarsMagicLoadsJarsRelativeToTheNotebookDirectory() throws IOException {
    Path lib = Files.createDirectories(dir.resolve("lib"));
    jar(lib.resolve("greeter-1.jar"), "demo.Greeter", "package demo; public class Greeter { public static String hi(String n) { return \"hi \" + n; } }");
    jar(lib.resolve("other-1.jar"), "demo.Other", "package demo; public class Other { public static int two() { return 2; } }");
    assertNull(kernel.eval("%jars lib/greeter-1.jar\nimport demo.Greeter;"));
    assertEquals("hi you", text(kernel.eval("Greeter.hi(\"you\")")));
    assertEquals(List.of(lib.resolve("greeter-1.jar")), kernel.classpath().subList(kernel.classpath().size() - 1, kernel.classpath().size()));
    // glob, magic in the middle of a cell, code before and after it
    assertEquals("3", text(kernel.eval("int one = 1;\n%jars ./lib/*.jar\none + demo.Other.two()")));
    assertTrue(kernel.classpath().contains(lib.resolve("other-1.jar")));
  }

  @Test
  void magicsRefuseBadInputSayingWhatAndWhere() {
    IllegalArgumentException missing = assertThrows(IllegalArgumentException.class, () -> kernel.eval("int q = 1;\n%jars ../nowhere/ntk.jar"));
    assertTrue(missing.getMessage().startsWith("line 2: %jars: ../nowhere/ntk.jar does not exist (resolved against " + dir.toAbsolutePath()), missing.getMessage());
    IllegalArgumentException noMatch = assertThrows(IllegalArgumentException.class, () -> kernel.eval("%jars lib/*.jar"));
    assertTrue(noMatch.getMessage().contains("no file matches lib/*.jar"), noMatch.getMessage());
    IllegalArgumentException none = assertThrows(IllegalArgumentException.class, () -> kernel.eval("%jars"));
    assertTrue(none.getMessage().contains("%jars needs at least one path"), none.getMessage());
    IllegalArgumentException unknown = assertThrows(IllegalArgumentException.class, () -> kernel.eval("%maven org.x:y:1"));
    assertTrue(unknown.getMessage().contains("unknown line magic %maven"), unknown.getMessage());
    IllegalArgumentException cell = assertThrows(IllegalArgumentException.class, () -> kernel.eval("%%html\n<b>x</b>"));
    assertTrue(cell.getMessage().contains("cell magic %%html is not supported"), cell.getMessage());
  }

  @Test
  void anInterruptStopsARunningCellAndTheKernelGoesOn() throws Exception {
    System.clearProperty("ntk.test.spinning");
    Throwable[] thrown = new Throwable[1];
    Thread cell = new Thread(() -> {
      try {
        kernel.eval("int before = 1;\n{\n  System.setProperty(\"ntk.test.spinning\", \"yes\");\n  while (true) { if (Thread.interrupted()) throw new IllegalStateException(\"interrupted\"); }\n}\nint after = 2;");
      } catch (Throwable t) {
        thrown[0] = t;
      }
    });
    cell.start();
    while (System.getProperty("ntk.test.spinning") == null) Thread.sleep(20); // (JShell must not evaluate concurrently)
    kernel.interrupt();
    cell.join(10_000);
    assertFalse(cell.isAlive(), "cell still running after the interrupt");
    assertTrue(thrown[0] instanceof EvaluationException, String.valueOf(thrown[0]));
    assertTrue(thrown[0].getMessage().startsWith("line 2: interrupted"), thrown[0].getMessage());
    assertThrows(CompilationException.class, () -> kernel.eval("after")); // the rest of the cell did not run
    assertEquals("2", text(kernel.eval("1 + 1")));
  }

  @Test
  void completenessAndCompletion() {
    assertEquals(JavaKernel.IS_COMPLETE_YES, kernel.isComplete("int a = 1;"));
    assertEquals("", kernel.isComplete("for (int i = 0; i < 3; i++) {"));
    kernel.eval("String greeting = \"x\";");
    assertTrue(kernel.complete("greet", 5).getReplacements().contains("greeting"));
  }

  @Test
  void argumentsSplitLikeIJava() {
    assertEquals(List.of("a b", "c", "d\"e"), CellSource.arguments(" \"a b\"  c d\\\"e ", 0));
    List<CellSource.Segment> segs = CellSource.split("int a;\n  %jars x.jar y.jar\nint b;\nint c;");
    assertEquals(3, segs.size());
    assertEquals(0, segs.get(0).firstLine());
    assertEquals(List.of("x.jar", "y.jar"), segs.get(1).args());
    assertEquals(2, segs.get(2).firstLine());
    assertArrayEquals(new String[] {"int b;", "int c;"}, segs.get(2).text().split("\n"));
  }

  /** Compiles one class into a jar (in memory compiler output written to a temp dir). */
  private void jar(Path jar, String className, String source) throws IOException {
    Path src = Files.createTempDirectory(dir, "src");
    Path file = src.resolve(className.replace('.', '/') + ".java");
    Files.createDirectories(file.getParent());
    Files.writeString(file, source);
    JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
    OutputStream sink = OutputStream.nullOutputStream();
    assertEquals(0, javac.run(null, sink, sink, "-d", src.toString(), file.toString()));
    Path cls = src.resolve(className.replace('.', '/') + ".class");
    try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar))) {
      out.putNextEntry(new JarEntry(className.replace('.', '/') + ".class"));
      out.write(Files.readAllBytes(cls));
      out.closeEntry();
    }
  }

}
