package org.ntk4j.spark;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.function.Consumer;
import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaSparkContext;
import org.ntk4j.Inputs;
import scala.Tuple2;

/**
 * An ntk4j session on Apache Spark: the entry point of the distributed kernel and solvers.
 *
 * <pre>{@code
 * try (SparkNtk spark = SparkNtk.start("local[*]", System.err::println)) {
 *   KernelSpec spec = KernelSpec.of(ArchitectureParser.parse("Dense(W_std=1.5) -> Relu -> Dense(W_std=1.5)"));
 *   DistributedKernel train = spark.kernel(spec, xTrain, TileOptions.defaults().keeping(KernelKind.NTK));
 *   SparkPredictor p = SparkPredictor.fit(train, KernelKind.NTK, yTrain, outputs, lr, diagReg);
 *   try (DistributedKernel testTrain = spark.crossKernel(spec, xTest, xTrain, TileOptions.once(KernelKind.NTK))) {
 *     SparkPredictor.Prediction mu = p.meanFlow(testTrain, t, SolveOptions.of(Solver.CG, 1e-10));
 *   }
 * }
 * }</pre>
 *
 * <p>The JVM needs Spark's {@code --add-opens} options ({@link #JVM_OPTIONS}); {@link #checkRuntime} says which are
 * missing. Spark logs only warnings and errors unless a log4j2 configuration is given.
 */
public final class SparkNtk implements AutoCloseable {
  /** The embedded default: all local cores, no cluster. */
  public static final String DEFAULT_MASTER = "local[*]";

  /** JVM options Spark 4 needs on Java 17 (as Spark's own launcher passes them). */
  public static final List<String> JVM_OPTIONS = List.of(
      "--add-opens=java.base/java.lang=ALL-UNNAMED",
      "--add-opens=java.base/java.lang.invoke=ALL-UNNAMED",
      "--add-opens=java.base/java.lang.reflect=ALL-UNNAMED",
      "--add-opens=java.base/java.io=ALL-UNNAMED",
      "--add-opens=java.base/java.net=ALL-UNNAMED",
      "--add-opens=java.base/java.nio=ALL-UNNAMED",
      "--add-opens=java.base/java.util=ALL-UNNAMED",
      "--add-opens=java.base/java.util.concurrent=ALL-UNNAMED",
      "--add-opens=java.base/java.util.concurrent.atomic=ALL-UNNAMED",
      "--add-opens=java.base/jdk.internal.ref=ALL-UNNAMED",
      "--add-opens=java.base/sun.nio.ch=ALL-UNNAMED",
      "--add-opens=java.base/sun.nio.cs=ALL-UNNAMED",
      "--add-opens=java.base/sun.security.action=ALL-UNNAMED",
      "--add-opens=java.base/sun.util.calendar=ALL-UNNAMED",
      "-Djdk.reflect.useDirectMethodHandle=false",
      "-Dio.netty.tryReflectionSetAccessible=true");

  private final JavaSparkContext jsc;
  private final boolean owned;
  private final Consumer<String> log;
  private final String master;
  /** Native BLAS threads when the session started (local masters run tasks in this JVM, which set it to 1). */
  private final int blasThreads = org.ntk4j.linalg.DenseLinalg.get().threads();

  private SparkNtk(JavaSparkContext jsc, boolean owned, Consumer<String> log) {
    this.jsc = jsc;
    this.owned = owned;
    this.log = log == null ? s -> { } : log;
    this.master = jsc.master();
  }

  /** Starts Spark on a master URL ({@code local[*]}, {@code local[2]}, {@code spark://host:7077}, {@code yarn}, ...). */
  public static SparkNtk start(String master) { return start(master, null); }

  /** Starts Spark; {@code log} (may be null) receives one line per stage. */
  public static SparkNtk start(String master, Consumer<String> log) {
    Objects.requireNonNull(master, "master");
    if (master.isBlank()) throw new IllegalArgumentException("Spark master URL is empty; use e.g. local[*] or spark://host:7077");
    checkRuntime();
    quietLogging();
    SparkConf conf = new SparkConf().setAppName("ntk4j").setMaster(master.strip())
        .set("spark.ui.enabled", "false")
        .set("spark.ui.showConsoleProgress", "false")
        // collect() checks the driver heap itself and refuses with the size it needs; Spark's 1 GiB default cap
        // would fail any kernel above ~11,000 inputs
        .set("spark.driver.maxResultSize", "0");
    if (master.strip().startsWith("local")) {
      conf.set("spark.driver.host", "127.0.0.1").set("spark.driver.bindAddress", "127.0.0.1");
    }
    JavaSparkContext jsc;
    try {
      jsc = new JavaSparkContext(conf);
    } catch (Exception e) { // SparkException (checked in Java's eyes, undeclared by Scala) or a RuntimeException
      String m = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
      throw new IllegalArgumentException("cannot start Spark with master '" + master + "': " + m.strip().split("\\R")[0], e);
    }
    SparkNtk s = new SparkNtk(jsc, true, log);
    s.log(String.format(Locale.ROOT, "spark: started %s (%d cores, Spark %s)", jsc.master(), jsc.defaultParallelism(), jsc.version()));
    return s;
  }

  /** A session on an existing context (not stopped by {@link #close}). */
  public static SparkNtk attach(JavaSparkContext jsc, Consumer<String> log) {
    return new SparkNtk(Objects.requireNonNull(jsc, "jsc"), false, log);
  }

  /**
   * Checks that the JVM opens the packages Spark reflects into; throws IllegalStateException naming the missing
   * options and how to pass them.
   */
  public static void checkRuntime() {
    Module me = SparkNtk.class.getModule();
    List<String> missing = new ArrayList<>();
    for (String o : JVM_OPTIONS) {
      if (!o.startsWith("--add-opens=")) continue;
      String spec = o.substring("--add-opens=".length(), o.lastIndexOf('='));
      String module = spec.substring(0, spec.indexOf('/'));
      String pkg = spec.substring(spec.indexOf('/') + 1);
      Module m = ModuleLayer.boot().findModule(module).orElse(null);
      if (m != null && !m.isOpen(pkg, me)) missing.add(o);
    }
    if (!missing.isEmpty()) {
      throw new IllegalStateException("Spark on Java " + Runtime.version().feature() + " needs JVM options this JVM lacks ("
          + missing.size() + " missing, e.g. " + missing.get(0) + "): start java with " + String.join(" ", JVM_OPTIONS)
          + ", or run through spark-submit");
    }
  }

  /** Spark's console logging down to warnings, unless the user configured log4j2. */
  static void quietLogging() {
    if (System.getProperty("log4j2.configurationFile") == null && System.getProperty("log4j.configurationFile") == null
        && SparkNtk.class.getClassLoader().getResource("log4j2.properties") == null
        && SparkNtk.class.getClassLoader().getResource("log4j2-test.properties") == null
        && SparkNtk.class.getClassLoader().getResource("log4j2.xml") == null) {
      System.setProperty("log4j2.configurationFile", "org/ntk4j/spark/log4j2-ntk.properties");
    }
  }

  public JavaSparkContext context() { return jsc; }
  public String master() { return master; }
  /** Cores Spark schedules tasks on. */
  public int parallelism() { return jsc.defaultParallelism(); }

  void log(String line) { log.accept(line); }

  /** Σ and Θ of a batch with itself, over the upper triangle of tiles; cached as {@code options.storage()} says. */
  public DistributedKernel kernel(KernelSpec spec, Inputs x, TileOptions options) {
    return DistributedKernel.create(this, spec, x, null, options, -1);
  }

  /** Σ and Θ between two batches ({@code x1.n() × x2.n()}, every tile), e.g. test × train. */
  public DistributedKernel crossKernel(KernelSpec spec, Inputs x1, Inputs x2, TileOptions options) {
    return DistributedKernel.create(this, spec, x1, Objects.requireNonNull(x2, "x2"), options, -1);
  }

  /** Storage memory of all executors together (bytes), as Spark reports it. */
  public long storageMemory() {
    long total = 0;
    Map<String, Tuple2<Object, Object>> m = scala.jdk.javaapi.CollectionConverters.asJava(jsc.sc().getExecutorMemoryStatus());
    for (Tuple2<Object, Object> t : m.values()) total += ((Number) t._1()).longValue();
    return total;
  }

  /** Free driver heap (bytes) after the used part. */
  static long freeHeap() {
    Runtime rt = Runtime.getRuntime();
    return rt.maxMemory() - (rt.totalMemory() - rt.freeMemory());
  }

  @Override public void close() {
    if (owned) jsc.stop();
    if (master.startsWith("local")) org.ntk4j.linalg.DenseLinalg.get().setThreads(blasThreads);
  }
}
