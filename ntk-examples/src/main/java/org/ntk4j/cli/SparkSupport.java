package org.ntk4j.cli;

/**
 * Whether the optional Spark path can run. {@code ntk.jar} does not bundle Apache Spark (about 200 MB of jars with
 * its dependencies): {@code --spark} works when Spark and the ntk-spark module are on the class path, e.g.
 * <pre>
 *   java @ntk-spark/target/ntk-spark.args org.ntk4j.cli.Main kernel ... --spark local[*]
 *   spark-submit --class org.ntk4j.cli.Main --jars ntk-spark/target/ntk-spark.jar ntk-examples/target/ntk.jar kernel ... --spark yarn
 * </pre>
 * This class names no Spark type, so it loads without Spark; the code that uses Spark lives in classes loaded only
 * after {@link #require} succeeds.
 */
final class SparkSupport {
  static final String[] CLASSES = {"org.apache.spark.api.java.JavaSparkContext", "org.ntk4j.spark.SparkNtk"};
  static final String HOW = "run java @ntk-spark/target/ntk-spark.args org.ntk4j.cli.Main ... after 'mvn package'"
      + " (it puts ntk-spark and Spark's jars on the class path with the JVM options Spark needs), or on a cluster"
      + " spark-submit --class org.ntk4j.cli.Main --jars ntk-spark/target/ntk-spark.jar ntk-examples/target/ntk.jar ...";

  private SparkSupport() {}

  /** Throws a {@link CliException} saying what is missing and how to run with Spark. */
  static void require(String option, String... classes) {
    for (String c : classes) {
      try {
        Class.forName(c, false, SparkSupport.class.getClassLoader());
      } catch (ClassNotFoundException | LinkageError e) {
        throw new CliException(option + " needs Apache Spark and ntk4j's ntk-spark module on the class path, which ntk.jar"
            + " does not bundle (" + c + " not found): " + HOW);
      }
    }
  }
}
