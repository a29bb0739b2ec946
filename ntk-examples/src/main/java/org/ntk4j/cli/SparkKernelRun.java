package org.ntk4j.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import org.ntk4j.Inputs;
import org.ntk4j.kernel.Kernels;
import org.ntk4j.spark.DistributedKernel;
import org.ntk4j.spark.KernelSpec;
import org.ntk4j.spark.SparkNtk;
import org.ntk4j.spark.TileOptions;

/** The {@code --spark} path of {@code ntk kernel}; loaded only when {@link SparkSupport#require} found Spark. */
final class SparkKernelRun {
  private SparkKernelRun() {}

  /** Starts Spark on {@code master}; every stage reports one line on {@code err} prefixed with {@code prefix}. */
  static SparkNtk start(String option, String master, PrintWriter err, String prefix) {
    try {
      SparkNtk.checkRuntime();
    } catch (IllegalStateException e) {
      throw new CliException(option + ": this JVM lacks the --add-opens options Spark needs on Java 17 (such as "
          + SparkNtk.JVM_OPTIONS.get(0) + "): " + SparkSupport.HOW, e);
    }
    return SparkNtk.start(master, line -> {
      err.println(prefix + line);
      err.flush();
    });
  }

  /** Σ and Θ of a with b (b == a: the upper triangle of tiles), collected to the driver. */
  static Kernels collect(SparkNtk spark, ArchitectureOptions model, Inputs a, Inputs b, int tile) {
    KernelSpec spec = KernelSpec.of(model.architecture(), model.parameterization(), model.spatial, model.summation);
    TileOptions options = TileOptions.defaults().withTile(tile);
    try (DistributedKernel k = a == b ? spark.kernel(spec, a, options) : spark.crossKernel(spec, a, b, options)) {
      return k.collect();
    }
  }

  /** Writes the tiles from the executors into {@code dir} instead of collecting them; returns the files. */
  static List<Path> writeTiles(SparkNtk spark, ArchitectureOptions model, Inputs a, Inputs b, int tile, Path dir) throws java.io.IOException {
    KernelSpec spec = KernelSpec.of(model.architecture(), model.parameterization(), model.spatial, model.summation);
    TileOptions options = TileOptions.defaults().withTile(tile).withStorage(org.apache.spark.storage.StorageLevel.NONE());
    try (DistributedKernel k = a == b ? spark.kernel(spec, a, options) : spark.crossKernel(spec, a, b, options)) {
      return k.writeTiles(dir);
    }
  }
}
