package org.ntk4j.experiments;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import org.ntk4j.Inputs;
import org.ntk4j.Shape;
import org.ntk4j.io.Idx;
import org.ntk4j.io.NpyArray;

/**
 * Fashion-MNIST from its original gzipped IDX files, as installed by Debian's package {@code dataset-fashion-mnist}
 * under {@value #DEFAULT_DIR} (or any directory holding the four files). Images are scaled to [0, 1], optionally
 * average-pooled by an integer factor (28 → 14 with factor 2), and returned as (n, H, W, 1) inputs with one-hot targets
 * centred as neural-tangents' examples do (1 − 1/10 for the class, −1/10 elsewhere).
 */
public final class FashionMnist {
  public static final String DEFAULT_DIR = "/usr/share/datasets/fashion-mnist";
  public static final String PACKAGE = "dataset-fashion-mnist";
  public static final int CLASSES = 10;
  public static final String[] CLASS_NAMES = {
      "T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"};

  /** Images (n, H, W, 1) and integer labels. */
  public record Split(Inputs images, int[] labels) {
    /** Centred one-hot targets, n × 10. */
    public double[] oneHot() {
      double[] y = new double[labels.length * CLASSES];
      for (int i = 0; i < labels.length; i++) {
        for (int c = 0; c < CLASSES; c++) y[i * CLASSES + c] = (c == labels[i] ? 1.0 : 0.0) - 1.0 / CLASSES;
      }
      return y;
    }
  }

  private FashionMnist() {}

  /** The directory to read: the given one, or the default; a clear error naming the package when the files are missing. */
  public static Path locate(Path dir) {
    Path d = dir != null ? dir : Path.of(DEFAULT_DIR);
    for (String f : new String[] {"train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte.gz",
        "t10k-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz"}) {
      if (!Files.isRegularFile(d.resolve(f))) {
        throw new IllegalArgumentException("Fashion-MNIST not found: " + d.resolve(f) + " is missing"
            + (dir == null ? "; install Debian's package " + PACKAGE + " (apt-get install " + PACKAGE + ") or pass --data DIR"
                : "; --data must name a directory with the four original .gz IDX files"));
      }
    }
    return d;
  }

  /**
   * The first {@code n} images of the training ({@code train == true}) or test split, pooled by {@code factor}
   * (1: 28×28).
   */
  public static Split load(Path dir, boolean train, int n, int factor) throws IOException {
    if (n < 1) throw new IllegalArgumentException("need at least one image, got " + n);
    if (factor < 1 || 28 % factor != 0) throw new IllegalArgumentException("downsampling factor must divide 28, got " + factor);
    Path d = locate(dir);
    String prefix = train ? "train" : "t10k";
    NpyArray img;
    NpyArray lab;
    try {
      img = Idx.read(d.resolve(prefix + "-images-idx3-ubyte.gz"), n);
      lab = Idx.read(d.resolve(prefix + "-labels-idx1-ubyte.gz"), n);
    } catch (NoSuchFileException e) {
      throw new IllegalArgumentException("Fashion-MNIST file missing: " + e.getFile());
    }
    if (img.rank() != 3 || img.shape()[1] != 28 || img.shape()[2] != 28) {
      throw new IllegalArgumentException(prefix + " images have shape " + img.shapeText() + ", expected (n, 28, 28)");
    }
    int count = img.shape()[0];
    if (count < n) throw new IllegalArgumentException("asked for " + n + " " + prefix + " images, the file has " + count);
    int side = 28 / factor;
    double[] out = new double[count * side * side];
    double scale = 1.0 / (255.0 * factor * factor);
    for (int i = 0; i < count; i++) {
      for (int r = 0; r < side; r++) {
        for (int c = 0; c < side; c++) {
          double s = 0;
          for (int a = 0; a < factor; a++) for (int b = 0; b < factor; b++) s += img.data()[i * 784 + (r * factor + a) * 28 + c * factor + b];
          out[(i * side + r) * side + c] = s * scale;
        }
      }
    }
    int[] labels = new int[count];
    for (int i = 0; i < count; i++) {
      double v = lab.data()[i];
      if (v < 0 || v >= CLASSES || v != Math.rint(v)) throw new IllegalArgumentException("label " + v + " at index " + i + " is not a class 0..9");
      labels[i] = (int) v;
    }
    return new Split(new Inputs(count, Shape.fromDims(side, side, 1), out), labels);
  }
}
