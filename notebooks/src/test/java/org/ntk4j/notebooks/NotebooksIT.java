package org.ntk4j.notebooks;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * Executes every {@code notebooks/*.ipynb} with a real Jupyter ({@code jupyter nbconvert --to notebook --execute}) and
 * the ntk4j Java kernel (registered by {@code install-kernel.sh} into {@code target/jupyter}, so the user's Jupyter setup
 * is neither used nor touched), writing the executed copies to {@code target/executed}. A cell error fails the run;
 * then the key outputs of each notebook are checked ({@link #CHECKS}). Runs at {@code integration-test}, after
 * {@code ntk-examples/target/ntk.jar} and {@code ntk-jupyter/target/ntk-kernel.jar} have been packaged.
 */
class NotebooksIT {
  private static final Path DIR = Path.of(property("notebooks.dir"));
  private static final Path OUT = Path.of(property("notebooks.out"));
  private static final Path JUPYTER = Path.of(property("notebooks.jupyter"));
  private static final Path KERNEL_JAR = Path.of(property("notebooks.kernelJar"));
  private static final Path NTK_JAR = Path.of(property("notebooks.ntkJar"));
  private static final long TIMEOUT_S = Long.parseLong(property("notebooks.timeout"));
  /** Same options as refresh.sh: no timing metadata, so that committed outputs only change when results do. */
  static final List<String> NBCONVERT = List.of("jupyter", "nbconvert", "--to", "notebook", "--execute",
      "--ExecutePreprocessor.kernel_name=java", "--ExecutePreprocessor.record_timing=False");

  /**
   * Key outputs every notebook must show, by file name. A notebook added without an entry here fails: say what its
   * numbers must satisfy (and use {@link Executed#number} to read them from its printed output).
   */
  private static final Map<String, Consumer<Executed>> CHECKS = Map.of(
      "01-kernels.ipynb", NotebooksIT::checkKernels,
      "02-emergent-equivariance.ipynb", NotebooksIT::checkEmergentEquivariance,
      "03-ising.ipynb", NotebooksIT::checkIsing,
      "04-fashion-mnist.ipynb", NotebooksIT::checkFashionMnist);

  private static String property(String name) {
    String v = System.getProperty(name);
    if (v == null) throw new IllegalStateException("system property " + name + " not set (run through maven-failsafe: mvn -B verify)");
    return v;
  }

  @BeforeAll
  static void installKernel() throws Exception {
    assertTrue(Files.isRegularFile(NTK_JAR), NTK_JAR + " missing: the notebooks need the packaged jar (mvn -B verify builds it)");
    assertTrue(Files.isRegularFile(KERNEL_JAR), KERNEL_JAR + " missing (mvn -B verify builds it)");
    Run v = run(List.of("jupyter", "nbconvert", "--version"), DIR, 60);
    assertEquals(0, v.exit, "jupyter nbconvert does not run:\n" + v.log);
    Run install = run(List.of("bash", DIR.resolve("install-kernel.sh").toString(), "--prefix", JUPYTER.resolve("prefix").toString(),
        "--jar", KERNEL_JAR.toString()), DIR, 120);
    assertEquals(0, install.exit, "install-kernel.sh failed:\n" + install.log);
    Files.createDirectories(OUT);
  }

  @TestFactory
  Stream<DynamicTest> everyNotebookRunsWithoutErrorsAndShowsItsKeyOutputs() throws IOException {
    String only = System.getProperty("notebooks.only", "").trim();
    List<String> names;
    try (Stream<Path> s = Files.list(DIR)) {
      names = s.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".ipynb"))
          .filter(n -> only.isEmpty() || Arrays.asList(only.split(",")).contains(n)).sorted().collect(Collectors.toList());
    }
    assertFalse(names.isEmpty(), "no notebook in " + DIR + (only.isEmpty() ? "" : " matching -Dnotebooks=" + only));
    return names.stream().map(name -> DynamicTest.dynamicTest(name, () -> {
      Path source = DIR.resolve(name);
      byte[] before = Files.readAllBytes(source);
      Set<String> listingBefore = listing(DIR);
      Executed e = execute(source, OUT);
      assertArrayEquals(before, Files.readAllBytes(source), name + " was modified in the source tree");
      assertEquals(listingBefore, listing(DIR), "executing " + name + " left files in " + DIR);
      e.everyCodeCellRan();
      Consumer<Executed> check = CHECKS.get(name);
      assertNotNull(check, "no key-output check for " + name + ": add one to NotebooksIT.CHECKS");
      check.accept(e);
    }));
  }

  /** 01: analytic kernels printed, NTK error of finite networks ∝ width^-1/2, NNGP Monte Carlo error ∝ samples^-1/2. */
  private static void checkKernels(Executed e) {
    // hand derivation for |x| = 1 in 3 dimensions: q0 = 1/3; q1 = 2.25 q0 + 0.01 = 0.76; ReLU: q/2; q2 = 2.25·0.38 + 0.01
    // = 0.865; Σ = 2.25 · 0.4325 = 0.973125 (the first printed diagonal entry)
    assertTrue(e.stdout().contains("NNGP kernel Sigma (infinite width)\n    0.973125"), e.stdout());
    double slope = e.number("log-log slope of the NTK error: (" + Executed.NUMBER + ")");
    assertTrue(slope > -0.7 && slope < -0.3, "NTK error slope " + slope);
    double largest = e.number("NTK relative error at width 512: (" + Executed.NUMBER + ")");
    double smallest = e.number("width   16: relative error of one network, NTK (" + Executed.NUMBER + ")");
    assertTrue(largest < 0.2 && largest < smallest / 3, "NTK error " + smallest + " at width 16, " + largest + " at 512");
    double nngpSlope = e.number("log-log slope of the NNGP error: (" + Executed.NUMBER + ")");
    assertTrue(nngpSlope > -0.7 && nngpSlope < -0.3, "NNGP error slope " + nngpSlope);
    assertTrue(e.number("128 networks: relative error NNGP (" + Executed.NUMBER + ")") < 0.3, e.stdout());
    List<BufferedImage> images = e.images();
    assertEquals(2, images.size(), "inline plots");
    for (BufferedImage img : images) {
      assertEquals(760, img.getWidth());
      assertEquals(520, img.getHeight());
    }
  }

  /**
   * 02: the C4-augmented NTK is invariant to round-off at every time (certificate), without augmentation it is not; the
   * group-averaged and explicit solves agree; deep ensembles are much closer to invariance and to the NTK than one network.
   */
  private static void checkEmergentEquivariance(Executed e) {
    String n = Executed.NUMBER;
    assertTrue(e.number("largest difference of mu_t (" + n + ")") < 1e-12, "fast vs explicit path");
    assertTrue(e.number("largest relative orbit deviation of the augmented NTK: (" + n + ")") <= 1e-12, e.stdout());
    assertTrue(e.number("largest relative orbit deviation without augmentation: (" + n + ")") > 0.1, e.stdout());
    assertTrue(e.number("NTK \\(infinite ensemble\\): (" + n + ")") <= 1e-12, e.stdout());
    double[] rms = new double[2];
    int i = 0;
    for (int width : new int[] {32, 512}) {
      double[] v = numbers(e, String.format(java.util.Locale.ROOT, "width %3d: ensemble of 32 (%s), single networks (%s) \\(mean over members\\);"
          + " rms to NTK: ensemble (%s), one network (%s)", width, n, n, n, n), 4);
      assertTrue(v[0] < 0.5 * v[1] && v[0] > 1e-6, "width " + width + ": ensemble " + v[0] + " vs single networks " + v[1]);
      assertTrue(v[2] < v[3], "width " + width + ": ensemble closer to the NTK than one network");
      rms[i++] = v[2];
    }
    assertTrue(rms[1] < rms[0], "the wider ensemble is closer to the NTK: " + Arrays.toString(rms));
    List<BufferedImage> images = e.images();
    assertEquals(3, images.size(), "inline plots");
    for (BufferedImage img : images) assertEquals(760, img.getWidth());
  }

  /** 03: TxD4xZ2 leaves the energy unchanged; augmented NTK invariant to round-off out of distribution; width helps. */
  private static void checkIsing(Executed e) {
    String n = Executed.NUMBER;
    assertTrue(e.stdout().contains("group TxD4xZ2, |G| = 576, exact true, closed true"), e.stdout());
    assertEquals(0.0, e.number("largest change of the energy under the 576 elements: (" + n + ")"), 0.0);
    assertTrue(e.number("largest NTK orbit deviation \\(augmented, all steps\\): (" + n + ")") <= 1e-12, e.stdout());
    assertTrue(e.number("smallest NTK orbit deviation without augmentation: (" + n + ")") > 1e-2, e.stdout());
    assertTrue(e.number("NTK, orbit-augmented: (" + n + ")") <= 1e-12, e.stdout());
    assertTrue(e.number("NTK, no augmentation: (" + n + ")") > 1e-2, e.stdout());
    String row = "width %3d: ensemble of 8 (" + n + "), single network (" + n + ") \\(mean over members\\), rms to NTK (" + n + ")";
    double[] narrow = numbers(e, String.format(java.util.Locale.ROOT, row, 32), 3);
    double[] wide = numbers(e, String.format(java.util.Locale.ROOT, row, 256), 3);
    assertTrue(wide[0] < 0.6 * narrow[0], "ensemble deviation: width 256 " + wide[0] + ", width 32 " + narrow[0]);
    assertTrue(wide[1] > 4 * wide[0], "single network " + wide[1] + " vs ensemble " + wide[0]);
    assertTrue(wide[2] < narrow[2], "rms to NTK: width 256 " + wide[2] + ", width 32 " + narrow[2]);
    List<BufferedImage> images = e.images();
    assertEquals(3, images.size(), "configurations and two plots");
    assertEquals(5 * (6 * 12 + 8), images.get(0).getWidth());
    assertEquals(760, images.get(1).getWidth());
    assertEquals(760, images.get(2).getWidth());
  }

  /**
   * 04: the paper's OSP rows beside ours; NTK under the exact C4 invariant on every input (OSP 4, deviation at
   * round-off), not under the interpolated C8/C16; the deep ensemble more invariant than its members.
   */
  private static void checkFashionMnist(Executed e) {
    String n = Executed.NUMBER, three = "\\s+(" + n + ")\\s+(" + n + ")\\s+(" + n + ")";
    assertTrue(e.number("C4 NTK after 100 steps, largest \\|f\\(gx\\) - f\\(x\\)\\| / max \\|f\\(x\\)\\| over OOD logits: (" + n + ")") <= 1e-12, e.stdout());
    // quoted from Gerken & Kessel (2024), their table of OSP on rotated Fashion-MNIST
    assertArrayEquals(new double[] {3.85, 7.72, 15.24}, numbers(e, "paper: DeepEns\\+DA" + three, 3), 0.0);
    assertArrayEquals(new double[] {3.41, 6.73, 12.77}, numbers(e, "paper: only DA" + three, 3), 0.0);
    double[] ntk = numbers(e, "ours: NTK, infinite ensemble \\+ DA \\(100 steps\\)" + three, 3);
    double[] ens = numbers(e, "ours: DeepEns\\+DA \\(8 x width 128\\)" + three, 3);
    double[] single = numbers(e, "ours: only DA \\(single network, mean of 8\\)" + three, 3);
    assertEquals(4.0, ntk[0], 0.0);
    double[] order = {4, 8, 16};
    for (int g = 0; g < 3; g++) {
      for (double v : new double[] {ntk[g], ens[g], single[g]}) assertTrue(v >= 1 && v <= order[g], "OSP " + v + " for |G| = " + order[g]);
      assertTrue(ens[g] > single[g], "|G| = " + order[g] + ": DeepEns+DA " + ens[g] + " vs only DA " + single[g]);
    }
    String exp = "[-+]?\\d\\.\\d+e[-+]\\d+"; // the deviation row, in %e (the accuracy row has the same label)
    double[] ntkDev = numbers(e, "NTK \\(100 steps\\)\\s+(" + exp + ")\\s+(" + exp + ")\\s+(" + exp + ")", 3);
    assertTrue(ntkDev[0] <= 1e-12 && ntkDev[1] > 1e-6 && ntkDev[2] > 1e-6, "NTK orbit deviations " + Arrays.toString(ntkDev));
    assertEquals(2, e.images().size(), "rotations and the OSP plot");
  }

  /** The groups of the first (and only) match of {@code regex} in the notebook's stdout. */
  private static double[] numbers(Executed e, String regex, int count) {
    Matcher m = Pattern.compile(regex).matcher(e.stdout());
    assertTrue(m.find(), "no output matches " + regex + " in:\n" + e.stdout());
    double[] v = new double[count];
    for (int i = 0; i < count; i++) v[i] = Double.parseDouble(m.group(i + 1));
    assertFalse(m.find(), "more than one output matches " + regex);
    return v;
  }

  @Test
  void kernelStreamsStateResultsAndImagesReachTheNotebook() throws Exception {
    Path nb = writeNotebook("selftest", "streams.ipynb",
        "int a = 6;",
        "System.out.println(\"out \" + a);\nSystem.err.println(\"err \" + a);",
        "a * 7",
        "import java.awt.image.BufferedImage;\nBufferedImage img = new BufferedImage(4, 3, BufferedImage.TYPE_INT_RGB);\nimg.setRGB(1, 2, 0x00ff00);\ndisplay(img);");
    Executed e = execute(nb, nb.getParent().resolve("executed"));
    e.everyCodeCellRan();
    assertEquals("out 6\n", e.text(1, "stdout"));
    assertEquals("err 6\n", e.text(1, "stderr"));
    assertEquals("42", e.result(2));
    List<BufferedImage> images = e.images();
    assertEquals(1, images.size());
    assertEquals(4, images.get(0).getWidth());
    assertEquals(0x00ff00, images.get(0).getRGB(1, 2) & 0xffffff);
  }

  @Test
  void aFailingCellFailsTheRunNamingTheLineAndTheException() throws Exception {
    Path nb = writeNotebook("selftest", "failing.ipynb", "int[] v = new int[2];", "int k = 1;\nv[k] = 1;\nv[k + 1] = 2;", "int after = 1;");
    Run r = nbconvert(nb, nb.getParent().resolve("executed"));
    assertNotEquals(0, r.exit, r.log);
    assertTrue(r.log.contains("line 3: java.lang.ArrayIndexOutOfBoundsException: Index 2 out of bounds for length 2"), r.log);
    assertTrue(r.log.contains("v[k + 1] = 2;"), r.log);
  }

  // ------------------------------------------------------------------ running Jupyter

  record Run(int exit, String log) {}

  private static Run run(List<String> cmd, Path cwd, long timeoutS) throws IOException, InterruptedException {
    Path log = Files.createTempFile("nbrun", ".log");
    ProcessBuilder pb = new ProcessBuilder(cmd).directory(cwd.toFile()).redirectErrorStream(true).redirectOutput(log.toFile());
    Map<String, String> env = pb.environment();
    env.put("JUPYTER_PATH", JUPYTER.resolve("prefix/share/jupyter").toString());
    env.put("JUPYTER_DATA_DIR", JUPYTER.resolve("data").toString());
    env.put("JUPYTER_CONFIG_DIR", JUPYTER.resolve("config").toString());
    env.put("JUPYTER_RUNTIME_DIR", JUPYTER.resolve("runtime").toString());
    Process p;
    try {
      p = pb.start();
    } catch (IOException e) {
      fail(cmd.get(0) + " cannot be started (" + e.getMessage() + "): the notebook tests need Jupyter; on Debian: "
          + "apt-get install jupyter-nbconvert python3-nbclient jupyter-client (.ci/run does this)");
      throw e;
    }
    if (!p.waitFor(timeoutS, TimeUnit.SECONDS)) {
      p.descendants().forEach(ProcessHandle::destroyForcibly);
      p.destroyForcibly();
      fail(String.join(" ", cmd) + " did not finish within " + timeoutS + " s:\n" + Files.readString(log));
    }
    String out = Files.readString(log);
    Files.delete(log);
    return new Run(p.exitValue(), out);
  }

  private static Run nbconvert(Path notebook, Path outDir) throws IOException, InterruptedException {
    Files.createDirectories(outDir);
    List<String> cmd = new ArrayList<>(NBCONVERT);
    cmd.add("--ExecutePreprocessor.timeout=" + TIMEOUT_S);
    cmd.add("--output-dir");
    cmd.add(outDir.toString());
    cmd.add(notebook.toString());
    return run(cmd, notebook.getParent(), TIMEOUT_S + 120);
  }

  private static Executed execute(Path notebook, Path outDir) throws IOException, InterruptedException {
    long t0 = System.nanoTime();
    Run r = nbconvert(notebook, outDir);
    assertEquals(0, r.exit, "executing " + notebook.getFileName() + " failed:\n" + r.log);
    Path executed = outDir.resolve(notebook.getFileName());
    System.out.printf("%s executed in %.1f s -> %s%n", notebook.getFileName(), (System.nanoTime() - t0) / 1e9, executed);
    return new Executed(notebook.getFileName().toString(), JsonParser.parseString(Files.readString(executed)).getAsJsonObject());
  }

  private static Set<String> listing(Path dir) throws IOException {
    try (Stream<Path> s = Files.list(dir)) {
      return s.map(p -> p.getFileName().toString()).filter(n -> !n.equals("target")).collect(Collectors.toCollection(TreeSet::new));
    }
  }

  /** A notebook (nbformat 4, Java kernelspec) under target/{dir}/ with one code cell per source. */
  private static Path writeNotebook(String dir, String name, String... cells) throws IOException {
    JsonArray cs = new JsonArray();
    for (String src : cells) {
      JsonObject c = new JsonObject();
      c.addProperty("cell_type", "code");
      c.add("execution_count", null);
      c.add("metadata", new JsonObject());
      c.add("outputs", new JsonArray());
      c.addProperty("source", src);
      cs.add(c);
    }
    JsonObject ks = new JsonObject();
    ks.addProperty("display_name", "Java");
    ks.addProperty("language", "java");
    ks.addProperty("name", "java");
    JsonObject meta = new JsonObject();
    meta.add("kernelspec", ks);
    JsonObject nb = new JsonObject();
    nb.add("cells", cs);
    nb.add("metadata", meta);
    nb.addProperty("nbformat", 4);
    nb.addProperty("nbformat_minor", 5);
    Path p = OUT.getParent().resolve(dir).resolve(name);
    Files.createDirectories(p.getParent());
    Files.writeString(p, nb.toString());
    return p;
  }

  // ------------------------------------------------------------------ reading an executed notebook

  /** An executed notebook's outputs. */
  static final class Executed {
    static final String NUMBER = "[-+]?\\d+(?:\\.\\d+)?(?:[eE][-+]?\\d+)?";
    private final String name;
    private final List<JsonObject> code = new ArrayList<>();

    Executed(String name, JsonObject nb) {
      this.name = name;
      for (JsonElement c : nb.getAsJsonArray("cells")) {
        if (c.getAsJsonObject().get("cell_type").getAsString().equals("code")) code.add(c.getAsJsonObject());
      }
    }

    void everyCodeCellRan() {
      for (int i = 0; i < code.size(); i++) {
        JsonElement n = code.get(i).get("execution_count");
        assertTrue(n != null && !n.isJsonNull(), name + ": code cell " + i + " did not run");
        for (JsonElement o : code.get(i).getAsJsonArray("outputs")) {
          assertNotEquals("error", o.getAsJsonObject().get("output_type").getAsString(), name + ": code cell " + i + " failed: " + o);
        }
      }
    }

    private static String joined(JsonElement text) {
      if (text.isJsonArray()) {
        StringBuilder sb = new StringBuilder();
        for (JsonElement t : text.getAsJsonArray()) sb.append(t.getAsString());
        return sb.toString();
      }
      return text.getAsString();
    }

    /** Everything a code cell wrote to a stream ("stdout" or "stderr"). */
    String text(int cell, String stream) {
      StringBuilder sb = new StringBuilder();
      for (JsonElement o : code.get(cell).getAsJsonArray("outputs")) {
        JsonObject out = o.getAsJsonObject();
        if (out.get("output_type").getAsString().equals("stream") && out.get("name").getAsString().equals(stream)) sb.append(joined(out.get("text")));
      }
      return sb.toString();
    }

    /** All stdout of the notebook. */
    String stdout() {
      StringBuilder sb = new StringBuilder();
      for (int i = 0; i < code.size(); i++) sb.append(text(i, "stdout"));
      return sb.toString();
    }

    /** The text/plain value a code cell evaluated to. */
    String result(int cell) {
      for (JsonElement o : code.get(cell).getAsJsonArray("outputs")) {
        JsonObject out = o.getAsJsonObject();
        if (out.get("output_type").getAsString().equals("execute_result")) return joined(out.getAsJsonObject("data").get("text/plain"));
      }
      throw new AssertionError(name + ": code cell " + cell + " has no result");
    }

    /** The number captured by the first group of {@code regex} in the notebook's stdout (must occur exactly once). */
    double number(String regex) {
      Matcher m = Pattern.compile(regex).matcher(stdout());
      assertTrue(m.find(), name + ": no output matches " + regex + " in:\n" + stdout());
      double v = Double.parseDouble(m.group(1));
      assertFalse(m.find(), name + ": more than one output matches " + regex);
      return v;
    }

    /** Every image/png shown, in order. */
    List<BufferedImage> images() {
      List<BufferedImage> out = new ArrayList<>();
      for (JsonObject c : code) {
        for (JsonElement o : c.getAsJsonArray("outputs")) {
          JsonObject data = o.getAsJsonObject().getAsJsonObject("data");
          if (data == null || !data.has("image/png")) continue;
          byte[] png = java.util.Base64.getMimeDecoder().decode(joined(data.get("image/png")).getBytes(StandardCharsets.US_ASCII));
          try {
            BufferedImage img = ImageIO.read(new ByteArrayInputStream(png));
            assertNotNull(img, name + ": an image/png output is not a PNG");
            out.add(img);
          } catch (IOException e) {
            throw new AssertionError(name + ": unreadable image/png output", e);
          }
        }
      }
      return out;
    }
  }

}
