package org.ntk4j.jupyter;

import java.nio.file.Files;
import java.nio.file.Path;
import org.dflib.jjava.jupyter.channels.JupyterConnection;
import org.dflib.jjava.jupyter.kernel.KernelConnectionProperties;

/**
 * Kernel entry point, as launched by Jupyter from kernel.json:
 * {@code java -cp ntk-kernel.jar org.ntk4j.jupyter.Main {connection_file}}. Relative {@code %jars} paths resolve against
 * the working directory, which Jupyter sets to the notebook's directory.
 */
public final class Main {
  private Main() {}

  public static void main(String[] args) throws Exception {
    if (args.length != 1) {
      System.err.println("usage: java -cp ntk-kernel.jar org.ntk4j.jupyter.Main <connection file>  (Jupyter starts this from kernel.json)");
      System.exit(2);
    }
    Path file = Path.of(args[0]);
    if (!Files.isRegularFile(file)) {
      System.err.println("connection file " + file.toAbsolutePath() + " does not exist");
      System.exit(2);
    }
    if (System.getProperty("org.slf4j.simpleLogger.defaultLogLevel") == null) {
      System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", "warn");
    }
    System.setProperty("java.awt.headless", System.getProperty("java.awt.headless", "true"));
    KernelConnectionProperties props = KernelConnectionProperties.parse(Files.readString(file));
    JupyterConnection connection = new JupyterConnection(props);
    JavaKernel kernel = new JavaKernel(Path.of("").toAbsolutePath());
    kernel.onStartup();
    kernel.becomeHandlerForConnection(connection);
    connection.connect();
    connection.waitUntilClose();
    System.exit(0); // threads user code left running must not keep the kernel alive
  }
}
