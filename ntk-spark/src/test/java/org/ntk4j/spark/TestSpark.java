package org.ntk4j.spark;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaSparkContext;
import org.ntk4j.Inputs;
import org.ntk4j.Shape;

/**
 * One embedded Spark for all test classes of the module: {@code local[2,3]} (two cores, a task may fail up to three
 * times, so a deliberately failed first attempt is retried), quiet logging, stopped when the JVM exits.
 */
final class TestSpark {
  private static JavaSparkContext jsc;
  static final List<String> LOG = new ArrayList<>();

  private TestSpark() {}

  static synchronized SparkNtk session() {
    if (jsc == null) {
      SparkNtk.checkRuntime();
      SparkConf conf = new SparkConf().setMaster("local[2,3]").setAppName("ntk4j-test")
          .set("spark.ui.enabled", "false").set("spark.ui.showConsoleProgress", "false")
          .set("spark.driver.host", "127.0.0.1").set("spark.driver.bindAddress", "127.0.0.1");
      jsc = new JavaSparkContext(conf);
      jsc.setLogLevel("ERROR");
      Runtime.getRuntime().addShutdownHook(new Thread(() -> jsc.stop()));
    }
    return SparkNtk.attach(jsc, line -> {
      synchronized (LOG) {
        LOG.add(line);
      }
    });
  }

  static Inputs gaussian(int n, Shape shape, long seed) {
    SplittableRandom r = new SplittableRandom(seed);
    double[] v = new double[n * shape.size()];
    for (int i = 0; i < v.length; i++) v[i] = r.nextGaussian();
    return new Inputs(n, shape, v);
  }
}
