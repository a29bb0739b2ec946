package org.ntk4j.cli;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import org.ntk4j.Inputs;
import org.ntk4j.Shape;
import org.ntk4j.io.NpyArray;
import org.ntk4j.kernel.KernelFunction;
import org.ntk4j.layers.ArchitectureException;
import org.ntk4j.symmetry.AugmentedRegression;
import org.ntk4j.symmetry.Certificate;
import org.ntk4j.symmetry.Group;
import org.ntk4j.symmetry.OutputAction;
import org.ntk4j.symmetry.OutputActions;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code ntk certify}: the invariance certificate of the infinite ensemble trained on the fully augmented set. */
@Command(name = "certify", sortOptions = false,
    description = {
        "Invariance certificate of an infinitely wide ensemble trained on a group-augmented training set.",
        "",
        "Trains (in closed form, NTK gradient flow on the mean squared error) on the training set augmented by the",
        "whole orbit of --group, and reports at each --time the orbit deviation max_g |mu(g x) - rho(g) mu(x)|,",
        "absolute and relative to max |mu(x)|, on the training, test and off-distribution inputs; the kernel",
        "invariance error; the orbit-same-prediction rate when the targets are one-hot; which solve was used (the",
        "exact group-averaged fast path or explicit augmentation); and whether the group action is exact.",
        "Writes the certificate as JSON to --out and prints a short table.",
        ""},
    footer = {"", "Example:",
        "  ntk certify --arch \"Dense(W_std=1.5, b_std=0.1) -> Relu -> Dense(W_std=1.5)\" \\",
        "    --x-train x.npy --y-train y.npy --x-test xt.npy --x-ood xo.npy --group C4 --time 1,10,inf --out report.json"})
public final class CertifyCommand extends NtkCommand {
  @Mixin ArchitectureOptions model;

  @Option(names = "--x-train", required = true, paramLabel = "FILE", description = "Training inputs (.npy), shape (n, ...).")
  Path xTrain;

  @Option(names = "--y-train", required = true, paramLabel = "FILE", description = "Training targets (.npy), shape (n,) or (n, k).")
  Path yTrain;

  @Option(names = "--x-test", required = true, paramLabel = "FILE", description = "Test inputs (.npy), same input shape.")
  Path xTest;

  @Option(names = "--x-ood", paramLabel = "FILE", description = "Off-distribution inputs (.npy), same input shape.")
  Path xOod;

  @Option(names = "--group", required = true, paramLabel = "G",
      description = "Symmetry group, e.g. C4, D4, Z2, T, TxD4xZ2, C8 (interpolated), P(1,0,2), O, SO3(16).")
  String group;

  @Option(names = "--equivariant", description = "Targets transform like the inputs (rho_Y = the group's action on k-vectors) instead of being invariant.")
  boolean equivariant;

  @Option(names = "--time", paramLabel = "T,T,...", defaultValue = "1,10,inf",
      description = "Training times, comma-separated; inf for the converged limit (default: ${DEFAULT-VALUE}).")
  String times;

  @Option(names = "--lr", paramLabel = "LR", defaultValue = "1", description = "Learning rate (default: ${DEFAULT-VALUE}).")
  double lr;

  @Option(names = "--diag-reg", paramLabel = "R", defaultValue = "0",
      description = "Ridge added to the diagonal of the augmented training kernel (default: ${DEFAULT-VALUE}).")
  double diagReg;

  @Option(names = "--path", paramLabel = "auto|fast|explicit", defaultValue = "auto",
      description = "Solve: auto (default: the exact group-averaged fast path when the kernel is invariant, else explicit"
          + " augmentation), fast or explicit.")
  AugmentedRegression.Path path;

  @Option(names = "--out", required = true, paramLabel = "FILE", description = "The certificate as JSON.")
  Path out;

  @Mixin ComputeOptions compute;

  @Override protected int run() throws Exception {
    long t0 = System.nanoTime();
    model.architecture();
    double[] ts = parseTimes(times);
    if (!(lr > 0) || Double.isInfinite(lr)) throw new CliException("--lr must be a finite number > 0, got " + lr);
    if (!(diagReg >= 0) || Double.isInfinite(diagReg)) throw new CliException("--diag-reg must be a finite number >= 0, got " + diagReg);
    Path target = out.toAbsolutePath().normalize();
    if (Files.isDirectory(target)) throw new CliException("--out " + out + ": is a directory, expected a file name like report.json");
    Path parent = target.getParent();
    String fileName = target.getFileName().toString();
    try (OutputFiles files = OutputFiles.in("--out", parent)) {
      Inputs x = readInputs("--x-train", xTrain);
      Shape shape = x.shape();
      NpyArray y = readArray("--y-train", yTrain);
      if ((y.rank() != 1 && y.rank() != 2) || y.shape()[0] != x.n()) {
        throw new CliException("--y-train " + yTrain + " has shape " + y.shapeText() + "; expected (" + x.n() + ",) or (" + x.n()
            + ", k) for the " + x.n() + " training inputs");
      }
      int k = y.rank() == 1 ? 1 : y.shape()[1];
      if (k < 1) throw new CliException("--y-train " + yTrain + " has no target columns");
      Inputs test = sameShape("--x-test", xTest, shape);
      Inputs ood = xOod == null ? null : sameShape("--x-ood", xOod, shape);
      Group g = parseGroup("--group", group, shape);
      OutputAction rho = OutputAction.invariant();
      if (equivariant) {
        rho = OutputActions.sameAsInputs(g);
        try {
          OutputActions.check(rho, g, k);
        } catch (IllegalArgumentException e) {
          throw new CliException("--equivariant: " + g.name() + " cannot act on targets of dimension " + k + ": " + e.getMessage(), e);
        }
      }
      KernelFunction kf = model.kernelFunction(compute, compute.memory());
      try {
        kf.validate(shape);
      } catch (ArchitectureException e) {
        throw new CliException("--arch does not fit inputs of shape " + shape + ": " + e.getMessage(), e);
      }
      AugmentedRegression reg;
      try {
        reg = AugmentedRegression.fit(kf, x, y.data(), k, g, rho, new AugmentedRegression.Options().lr(lr).diagReg(diagReg).path(path));
      } catch (IllegalArgumentException e) {
        throw new CliException("--path " + path.name().toLowerCase(Locale.ROOT) + ": " + e.getMessage(), e);
      }
      Map<String, Inputs> splits = new LinkedHashMap<>();
      splits.put("train", x);
      splits.put("test", test);
      if (ood != null) splits.put("ood", ood);
      Certificate c = Certificate.compute(reg, splits, ts, Certificate.isOneHot(y.data(), k));
      Files.writeString(files.stage(fileName), c.toJson(), StandardCharsets.UTF_8);
      files.commit();
      out().print(c.table());
      double secs = (System.nanoTime() - t0) * 1e-9;
      summary(String.format(Locale.ROOT, "%s on %d training inputs (%d augmented), %s path, max relative orbit deviation %.3g%s, in %.2f s -> %s",
          g.name(), x.n(), reg.augmentedSize(), reg.usedFastPath() ? "fast" : "explicit", c.maxRelative(),
          g.isExact() ? "" : " (approximate group action)", secs, files.target(fileName)));
    }
    return 0;
  }

  private static Inputs sameShape(String option, Path p, Shape shape) {
    Inputs a = readInputs(option, p);
    if (!a.shape().equals(shape)) {
      throw new CliException(option + " " + p + " holds inputs of shape " + a.shape() + " but the training inputs have shape " + shape);
    }
    return a;
  }
}
