package org.ntk4j.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.TreeSet;
import org.ntk4j.experiments.DemoExperiment;
import org.ntk4j.finite.EnsembleComparison;
import org.ntk4j.plot.Plots;
import org.ntk4j.symmetry.Certificate;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code ntk demo}: the first thing to run; emergent equivariance in miniature, no download, about a minute. */
@Command(name = "demo", sortOptions = false,
    description = {
        "The main job, in about a minute with no download: computes an NTK, trains on a C4-augmented training set",
        "(synthetic 8x8 images, each in its 4 rotations) both the infinite-width ensemble (closed form) and small deep",
        "ensembles of finite networks, and prints the invariance certificate: how far each prediction is from being",
        "rotation invariant, at several training times, and the same without augmentation for comparison.",
        "Writes DIR/demo.json, DIR/certificate.json, DIR/demo_orbit_deviation.png, DIR/demo_distance_to_ntk.png.",
        ""})
public final class DemoCommand extends NtkCommand {
  @Option(names = "--out", defaultValue = "ntk-demo", paramLabel = "DIR", description = "Output directory (default ./ntk-demo).")
  Path out;

  @Option(names = "--widths", defaultValue = "64,512", split = ",", paramLabel = "W,...",
      description = "Hidden widths of the finite networks (default 64,512).")
  int[] widths;

  @Option(names = "--members", defaultValue = "8", paramLabel = "M", description = "Networks per ensemble (default 8).")
  int members;

  @Option(names = "--steps", defaultValue = "0,10,100,1000", split = ",", paramLabel = "S,...",
      description = "Gradient-descent steps at which the certificate is taken (default 0,10,100,1000).")
  long[] steps;

  @Option(names = "--n-train", defaultValue = "16", paramLabel = "N", description = "Training images (default 16).")
  int nTrain;

  @Option(names = "--n-test", defaultValue = "16", paramLabel = "N", description = "Test images (default 16).")
  int nTest;

  @Option(names = "--side", defaultValue = "8", paramLabel = "S", description = "Image side in pixels (default 8).")
  int side;

  @Option(names = "--lr", defaultValue = "1.0", paramLabel = "LR", description = "Learning rate (default 1).")
  double lr;

  @Option(names = "--seed", defaultValue = "0", paramLabel = "S", description = "Seed of the data and the networks (default 0).")
  long seed;

  @Option(names = "--threads", paramLabel = "N", converter = ComputeOptions.PositiveInt.class,
      description = "Worker threads (default: all available cores). Results do not depend on it.")
  Integer threads;

  @Override protected int run() throws Exception {
    if (side < 2) throw new CliException("--side must be >= 2, got " + side);
    if (nTrain < 1) throw new CliException("--n-train must be >= 1, got " + nTrain);
    if (nTest < 1) throw new CliException("--n-test must be >= 1, got " + nTest);
    for (int w : widths) if (w < 1) throw new CliException("--widths: every width must be >= 1, got " + w);
    if (members < 1) throw new CliException("--members must be >= 1, got " + members);
    if (!(lr > 0) || Double.isInfinite(lr)) throw new CliException("--lr must be finite and > 0, got " + lr);
    TreeSet<Long> set = new TreeSet<>();
    for (long s : steps) {
      if (s < 0) throw new CliException("--steps: step counts must be >= 0, got " + s);
      set.add(s);
    }
    long[] recorded = set.stream().mapToLong(Long::longValue).toArray();
    int th = threads != null ? threads : Runtime.getRuntime().availableProcessors();
    DemoExperiment.Config c = new DemoExperiment.Config(side, nTrain, nTest, widths, members, recorded, lr, seed, th);
    try (OutputFiles files = OutputFiles.in("--out", out)) {
      DemoExperiment.Result r;
      try (ProgressReporter progress = ProgressReporter.open("demo", "steps")) {
        progress.start(DemoExperiment.totalSteps(c));
        try {
          r = DemoExperiment.run(c, progress::advance);
        } catch (IllegalArgumentException e) {
          String m = e.getMessage() == null ? "" : e.getMessage();
          if (m.startsWith("learning rate")) throw new CliException("--lr: " + m, e);
          throw e;
        }
      }
      Files.writeString(files.stage("demo.json"), json(r), StandardCharsets.UTF_8);
      Files.writeString(files.stage("certificate.json"), r.certificate().toJson(), StandardCharsets.UTF_8);
      ToyCommand.png(files, "demo_orbit_deviation.png", deviationPlot(r));
      ToyCommand.png(files, "demo_distance_to_ntk.png", distancePlot(r));
      files.commit();
      for (String line : report(r, files.dir())) out().println(line);
      int last = recorded.length - 1, lw = widths.length - 1;
      summary(String.format(Locale.ROOT, "in %.1f s: C4-augmented, step %d, orbit deviation NTK %.1e, ensemble (width %d)"
              + " %.1e, single network %.1e; without augmentation NTK %.1e -> %s", r.seconds(), recorded[last],
          r.augmented().orbitDevAnalytic()[last], widths[lw], r.augmented().orbitDevMean()[lw][last],
          r.augmented().orbitDevMember()[lw][last], r.plain().orbitDevAnalytic()[last], files.dir()));
    }
    return 0;
  }

  static List<String> report(DemoExperiment.Result r, Path dir) {
    DemoExperiment.Config c = r.config();
    EnsembleComparison.Report a = r.augmented(), p = r.plain();
    int[] w = c.widths();
    int lw = w.length - 1;
    long[] st = a.steps();
    List<String> o = new ArrayList<>();
    o.add("ntk demo: emergent equivariance of deep ensembles (Gerken & Kessel, ICML 2024) in miniature.");
    o.add(String.format(Locale.ROOT, "Data: %d training and %d test images of %dx%d Gaussian-noise pixels, 2 classes by a"
        + " rotation-invariant rule (centre brighter than border), one-hot targets.", c.nTrain(), c.nTest(), c.side(), c.side()));
    o.add("Network: " + DemoExperiment.ARCH + ", NTK parameterization, float64.");
    o.add("");
    double mean = 0;
    for (double v : r.ntkDiagonal()) mean += v / r.ntkDiagonal().length;
    o.add(String.format(Locale.ROOT, "1. NTK: Theta of the %d training images in %.3f s (mean diagonal %.4f).", c.nTrain(),
        r.ntkSeconds(), mean));
    o.add(String.format(Locale.ROOT, "2. Trained on the C4-augmented set: every image in its 4 rotations, %d samples, loss"
        + " 1/2 mean((f - y)^2), lr %s, up to %d steps.", r.trainSize(), ToyCommand.fmt(c.lr()), st[st.length - 1]));
    o.add("   NTK = the infinite ensemble: mean prediction of infinitely many infinitely wide networks, in closed form"
        + " (gradient flow, t = step).");
    o.add(String.format(Locale.ROOT, "   Finite: %d networks per width %s, gradient descent from independent random"
        + " initialisations.", c.members(), Arrays.toString(w)));
    o.add("3. Invariance certificate on the test images: orbit deviation max_g ||f(g x) - f(x)|| / max ||f(x)||");
    o.add("   over the 4 rotations g (0 = exactly invariant; ~1e-16 = exact up to rounding; ~1 = not invariant at all).");
    StringBuilder h = new StringBuilder(String.format(Locale.ROOT, "   %-6s %11s", "step", "NTK"));
    for (int x : w) h.append(String.format(Locale.ROOT, " %11s %11s", "ens w=" + x, "1 net w=" + x));
    h.append(String.format(Locale.ROOT, " | %-22s", "no augmentation: NTK")).append(String.format(Locale.ROOT, "%11s", "ens w=" + w[lw]));
    o.add(h.toString());
    for (int i = 0; i < st.length; i++) {
      StringBuilder b = new StringBuilder(String.format(Locale.ROOT, "   %-6d %11.2e", st[i], a.orbitDevAnalytic()[i]));
      for (int x = 0; x < w.length; x++) {
        b.append(String.format(Locale.ROOT, " %11.2e %11.2e", a.orbitDevMean()[x][i], a.orbitDevMember()[x][i]));
      }
      b.append(String.format(Locale.ROOT, " | %22.2e%11.2e", p.orbitDevAnalytic()[i], p.orbitDevMean()[lw][i]));
      o.add(b.toString());
    }
    Certificate cert = r.certificate();
    Certificate.AtTime inf = cert.times().get(cert.times().size() - 1);
    Certificate.Split test = inf.split("test");
    o.add(String.format(Locale.ROOT, "   %-6s %11.2e   (converged NTK predictor, trained to t = infinity)", "inf",
        test.deviation().relative()));
    o.add(String.format(Locale.ROOT, "   Kernel check: Theta(gx, gx') = Theta(x, x') to %.1e relative (NNGP %.1e).",
        cert.kernelInvariance().ntkError(), cert.kernelInvariance().nngpError()));
    int last = st.length - 1;
    o.add(String.format(Locale.ROOT, "   Same predicted class for how many of the 4 rotations (OSP, 4 = invariant), test"
        + " images, step %d: NTK %.2f, ensemble w=%d %.2f, single network %.2f; without augmentation: ensemble %.2f.",
        st[last], 4 * cert.times().get(last).split("test").osp(), w[lw], 4 * a.ospMean()[lw][last],
        4 * a.ospMember()[lw][last], 4 * p.ospMean()[lw][last]));
    o.add("Reading: augmentation makes the infinite ensemble exactly invariant at every training time, not only when");
    o.add("converged; a single finite network is not invariant; the ensemble mean is in between and approaches the NTK as");
    o.add("members and width grow (emergent equivariance). Without augmentation even the NTK is not invariant.");
    o.add("Files in " + dir + ": demo.json (all numbers), certificate.json, demo_orbit_deviation.png, demo_distance_to_ntk.png.");
    o.add("Next: 'ntk experiment toy' (C_k on the plane), 'ntk certify' / 'ntk ensemble' on your own data (.npy).");
    return o;
  }

  private static double[] stepAxis(long[] st) {
    double[] x = new double[st.length];
    for (int i = 0; i < st.length; i++) x[i] = st[i] + 1;
    return x;
  }

  static Plots.Plot deviationPlot(DemoExperiment.Result r) {
    EnsembleComparison.Report a = r.augmented(), p = r.plain();
    int[] w = r.config().widths();
    int lw = w.length - 1;
    double[] x = stepAxis(a.steps());
    Plots.Plot plot = new Plots.Plot("Demo: orbit deviation under C4 rotations on the test images (0 = invariant)",
        "training step + 1 (log)", "max_g ||f(gx) - f(x)|| / max ||f(x)|| (log)").logX().logY().size(1000, 640);
    double[] ntk = a.orbitDevAnalytic().clone();
    for (int i = 0; i < ntk.length; i++) ntk[i] = Math.max(ntk[i], 1e-17);
    plot.add("augmented, NTK = infinite ensemble (values below 1e-17, incl. exact 0, drawn at 1e-17)", x, ntk, Plots.Style.LINE_MARKERS);
    for (int i = 0; i < w.length; i++) {
      plot.add("augmented, ensemble mean of " + r.config().members() + ", width " + w[i], x, a.orbitDevMean()[i], Plots.Style.LINE_MARKERS);
      plot.add("augmented, single network (mean over members), width " + w[i], x, a.orbitDevMember()[i], Plots.Style.DASHED);
    }
    double[] pn = p.orbitDevAnalytic().clone();
    for (int i = 0; i < pn.length; i++) pn[i] = Math.max(pn[i], 1e-17);
    plot.add("NOT augmented, NTK (0 at step 0: the prior mean is 0, drawn at 1e-17)", x, pn, Plots.Style.LINE_MARKERS);
    plot.add("NOT augmented, ensemble mean, width " + w[lw], x, p.orbitDevMean()[lw], Plots.Style.DASHED);
    return plot;
  }

  static Plots.Plot distancePlot(DemoExperiment.Result r) {
    EnsembleComparison.Report a = r.augmented();
    int[] w = r.config().widths();
    double[] x = stepAxis(a.steps());
    int full = a.ensembleSizes().length - 1;
    Plots.Plot plot = new Plots.Plot("Demo (C4-augmented): finite networks against the infinite-width prediction",
        "training step + 1 (log)", "rms(f - mu_t) on the test images (log)").logX().logY().size(1000, 640);
    for (int i = 0; i < w.length; i++) {
      double[] single = new double[x.length], ens = new double[x.length];
      for (int s = 0; s < x.length; s++) {
        single[s] = a.distFlow()[i][s][0];
        ens[s] = a.distFlow()[i][s][full];
      }
      plot.add("ensemble mean of " + a.ensembleSizes()[full] + ", width " + w[i], x, ens, Plots.Style.LINE_MARKERS);
      plot.add("single network, width " + w[i], x, single, Plots.Style.DASHED);
    }
    return plot;
  }

  static String json(DemoExperiment.Result r) {
    DemoExperiment.Config c = r.config();
    StringBuilder b = new StringBuilder("{\n");
    b.append("  \"job\": \"demo\",\n");
    b.append("  \"architecture\": ").append(ToyCommand.Json.str(r.architecture().toString())).append(",\n");
    b.append("  \"group\": ").append(ToyCommand.Json.str(r.group())).append(",\n");
    b.append("  \"image_side\": ").append(c.side()).append(", \"n_train\": ").append(c.nTrain()).append(", \"n_test\": ")
        .append(c.nTest()).append(", \"augmented_train_size\": ").append(r.trainSize()).append(",\n");
    b.append("  \"learning_rate\": ").append(ToyCommand.num(c.lr())).append(", \"seed\": ").append(c.seed())
        .append(", \"members\": ").append(c.members()).append(",\n");
    b.append("  \"ntk_seconds\": ").append(ToyCommand.num(r.ntkSeconds())).append(",\n");
    b.append("  \"orbit_deviation_note\": \"relative: max over test images and g of ||f(gx) - f(x)|| / max ||f(x)||\",\n");
    b.append("  \"augmented\": ").append(EnsembleCommand.json(r.augmented(), r.augmentedSpec(), r.architecture()).strip().replace("\n", "\n  ")).append(",\n");
    b.append("  \"not_augmented\": ").append(EnsembleCommand.json(r.plain(), r.plainSpec(), r.architecture()).strip().replace("\n", "\n  ")).append(",\n");
    b.append("  \"seconds\": ").append(ToyCommand.num(r.seconds())).append("\n}\n");
    return b.toString();
  }
}
