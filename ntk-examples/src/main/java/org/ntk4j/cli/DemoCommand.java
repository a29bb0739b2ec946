package org.ntk4j.cli;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.TreeSet;
import org.ntk4j.experiments.DemoExperiment;
import org.ntk4j.io.Json;
import org.ntk4j.plot.Plots;
import org.ntk4j.symmetry.Certificate;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code ntk demo}: the first thing to run; emergent equivariance in miniature, no download, about a minute. */
@Command(name = "demo", sortOptions = false,
    description = {
        "The main job: emergent equivariance of deep ensembles in miniature (a minute, no download).",
        "",
        "Computes an NTK; trains on a C4-augmented training set (synthetic 8x8 images, each in its 4",
        "rotations) both the infinite-width ensemble (closed form) and small deep ensembles of finite",
        "networks; prints the invariance certificate (how far each prediction is from rotation",
        "invariant, at several training times) and the same without augmentation for comparison.",
        "Writes DIR/demo.json, DIR/certificate.json and the plots DIR/demo_orbit_deviation.png,",
        "DIR/demo_ensemble_size.png, DIR/demo_distance_to_ntk.png.",
        ""})
public final class DemoCommand extends NtkCommand {
  @Option(names = "--out", defaultValue = "ntk-demo", paramLabel = "DIR", description = "Output directory (default ./ntk-demo).")
  Path out;

  @Option(names = "--widths", defaultValue = "64,512", split = ",", paramLabel = "W,...",
      description = "Hidden widths of the finite networks (default 64,512).")
  int[] widths;

  @Option(names = "--members", defaultValue = "32", paramLabel = "M", description = "Networks per ensemble (default 32).")
  int members;

  @Option(names = "--steps", defaultValue = "0,10,100,500", split = ",", paramLabel = "S,...",
      description = "Gradient-descent steps at which the certificate is taken (default 0,10,100,500).")
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

  @Mixin ThreadsOption threads;

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
    int th = threads.threads();
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
      ToyCommand.png(files, "demo_ensemble_size.png", sizePlot(r));
      files.commit();
      for (String line : report(r, files.dir())) out().println(line);
      int last = recorded.length - 1, lw = widths.length - 1;
      summary(String.format(Locale.ROOT, "in %.1f s: C4-augmented, step %d, orbit deviation NTK %.1e, ensemble (width %d)"
              + " %.1e, single network %.1e; without augmentation NTK %.1e -> %s", r.seconds(), recorded[last],
          r.augmented().devNtk()[last], widths[lw], r.augmented().devEnsemble()[lw][last],
          r.augmented().devMembers()[lw][last], r.plain().devNtk()[last], files.dir()));
    }
    return 0;
  }

  static List<String> report(DemoExperiment.Result r, Path dir) {
    DemoExperiment.Config c = r.config();
    DemoExperiment.Regime a = r.augmented(), p = r.plain();
    int[] w = c.widths();
    int lw = w.length - 1;
    long[] st = r.steps();
    int last = st.length - 1;
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
    o.add(String.format(Locale.ROOT, "2. Trained on the C4-augmented set (every image in its 4 rotations: %d samples), loss"
        + " 1/2 mean((f - y)^2), lr %s, up to %d steps:", a.trainSize(), ToyCommand.fmt(c.lr()), st[last]));
    o.add("   NTK = the infinite ensemble (infinitely many infinitely wide networks), its mean in closed form after the same"
        + " gradient-descent steps;");
    o.add(String.format(Locale.ROOT, "   finite = %d networks per width %s, gradient descent from independent random"
        + " initialisations.", c.members(), Arrays.toString(w)));
    o.add("3. Invariance certificate on the test images: orbit deviation max over images x and rotations g of"
        + " ||f(g x) - f(x)||");
    o.add("   (0 = exactly rotation invariant; the targets have norm 1). 'ens' = the ensemble's mean prediction, '1 net' ="
        + " a single network (mean over members).");
    StringBuilder h = new StringBuilder(String.format(Locale.ROOT, "   %-6s %10s", "step", "NTK"));
    for (int x : w) h.append(String.format(Locale.ROOT, " %11s %11s", "ens w=" + x, "1 net w=" + x));
    h.append(" | not augmented:").append(String.format(Locale.ROOT, " %10s %11s %11s", "NTK", "ens w=" + w[lw], "1 net w=" + w[lw]));
    o.add(h.toString());
    for (int i = 0; i < st.length; i++) {
      StringBuilder b = new StringBuilder(String.format(Locale.ROOT, "   %-6d %10.1e", st[i], a.devNtk()[i]));
      for (int x = 0; x < w.length; x++) {
        b.append(String.format(Locale.ROOT, " %11.3f %11.3f", a.devEnsemble()[x][i], a.devMembers()[x][i]));
      }
      b.append(String.format(Locale.ROOT, " | %14s %10.3f %11.3f %11.3f", "", p.devNtk()[i], p.devEnsemble()[lw][i],
          p.devMembers()[lw][i]));
      o.add(b.toString());
    }
    StringBuilder bs = new StringBuilder(String.format(Locale.ROOT, "   Emergence: ensemble of M networks (width %d, C4-augmented,"
        + " step %d), orbit deviation of the mean:", w[lw], st[last]));
    for (int i = 0; i < a.ensembleSizes().length; i++) {
      bs.append(String.format(Locale.ROOT, " M=%d %.2f", a.ensembleSizes()[i], a.devBySize()[i]));
    }
    o.add(bs.append(" (random initialisations average out, ~1/sqrt(M); the NTK is the limit M, width -> infinity).").toString());
    Certificate cert = r.certificate();
    Certificate.Split inf = cert.times().get(cert.times().size() - 1).split("test");
    double worst = 0;
    for (double v : a.devNtkRelative()) worst = Math.max(worst, v);
    o.add(String.format(Locale.ROOT, "   NTK relative to its own size (max_x ||mu(x)||): at most %.1e over these steps,"
        + " %.1e at t = infinity: invariant to machine precision.", worst, inf.deviation().relative()));
    o.add(String.format(Locale.ROOT, "   Kernel check: Theta(gx, gx') = Theta(x, x') to %.1e relative (NNGP %.1e).",
        cert.kernelInvariance().ntkError(), cert.kernelInvariance().nngpError()));
    o.add(String.format(Locale.ROOT, "   OSP at step %d (of the 4 rotations of a test image, how many get its class; 4 ="
        + " invariant): NTK %.2f, ensemble w=%d %.2f, single network %.2f; not augmented: NTK %.2f.", st[last],
        a.ospNtk()[last], w[lw], a.ospEnsemble()[lw][last], a.ospMembers()[lw][last], p.ospNtk()[last]));
    o.add("Reading: with augmentation the infinite ensemble is exactly invariant at every training time, not only when");
    o.add("converged; no single finite network is; the ensemble mean is in between and approaches the NTK as members (and");
    o.add("width) grow: emergent equivariance. Without augmentation even the NTK is not invariant.");
    o.add("Files in " + dir + ": demo.json (all numbers), certificate.json, demo_orbit_deviation.png, demo_ensemble_size.png,"
        + " demo_distance_to_ntk.png.");
    o.add("Next: 'ntk experiment toy' (C_k on the plane), 'ntk certify' / 'ntk ensemble' on your own data (.npy).");
    return o;
  }

  private static double[] stepAxis(long[] st) {
    double[] x = new double[st.length];
    for (int i = 0; i < st.length; i++) x[i] = st[i] + 1;
    return x;
  }

  private static double[] floor(double[] v) {
    double[] f = v.clone();
    for (int i = 0; i < f.length; i++) f[i] = Math.max(f[i], 1e-17);
    return f;
  }

  static Plots.Plot deviationPlot(DemoExperiment.Result r) {
    DemoExperiment.Regime a = r.augmented(), p = r.plain();
    int[] w = r.config().widths();
    int lw = w.length - 1;
    double[] x = stepAxis(r.steps());
    Plots.Plot plot = new Plots.Plot("Demo: distance from rotation invariance on the test images (0 = invariant)",
        "training step + 1 (log)", "orbit deviation max_g ||f(gx) - f(x)|| (log)").logX().logY().size(1000, 680);
    plot.add("C4-augmented: NTK = infinite ensemble (values below 1e-17, incl. exact 0, drawn at 1e-17)", x,
        floor(a.devNtk()), Plots.Style.LINE_MARKERS);
    for (int i = 0; i < w.length; i++) {
      plot.add("C4-augmented: ensemble mean of " + r.config().members() + ", width " + w[i], x, a.devEnsemble()[i],
          Plots.Style.LINE_MARKERS);
      plot.add("C4-augmented: single network (mean over members), width " + w[i], x, a.devMembers()[i], Plots.Style.DASHED);
    }
    plot.add("not augmented: NTK (exactly 0 at step 0, the prior mean, drawn at 1e-17)", x, floor(p.devNtk()),
        Plots.Style.LINE_MARKERS);
    plot.add("not augmented: ensemble mean, width " + w[lw], x, p.devEnsemble()[lw], Plots.Style.DASHED);
    return plot;
  }

  static Plots.Plot sizePlot(DemoExperiment.Result r) {
    DemoExperiment.Regime a = r.augmented();
    int[] w = r.config().widths();
    long[] st = r.steps();
    int[] sizes = a.ensembleSizes();
    double[] m = new double[sizes.length], ref = new double[sizes.length], ntk = new double[sizes.length];
    for (int i = 0; i < sizes.length; i++) {
      m[i] = sizes[i];
      ref[i] = a.devBySize()[0] / Math.sqrt(sizes[i]);
      ntk[i] = Math.max(a.devNtk()[st.length - 1], 1e-17);
    }
    Plots.Plot plot = new Plots.Plot(String.format(Locale.ROOT, "Demo: emergent invariance of the ensemble mean (width %d,"
        + " C4-augmented, step %d)", w[w.length - 1], st[st.length - 1]), "ensemble size M (log)",
        "orbit deviation of the ensemble mean (log)").logX().logY().size(1000, 640);
    plot.add("ensemble mean of the first M networks", m, a.devBySize(), Plots.Style.LINE_MARKERS);
    plot.dashed("1/sqrt(M) from M = 1 (initialisation noise averaging out)", m, ref);
    plot.add("NTK = infinite ensemble (values below 1e-17 drawn at 1e-17)", m, ntk, Plots.Style.LINE);
    return plot;
  }

  static Plots.Plot distancePlot(DemoExperiment.Result r) {
    DemoExperiment.Regime a = r.augmented();
    int[] w = r.config().widths();
    double[] x = stepAxis(r.steps());
    Plots.Plot plot = new Plots.Plot("Demo (C4-augmented): finite networks against the infinite-width prediction mu_t",
        "training step + 1 (log)", "rms(f - mu_t) on the test images").logX().size(1000, 640);
    for (int i = 0; i < w.length; i++) {
      plot.add("ensemble mean of " + r.config().members() + ", width " + w[i], x, a.rmsEnsembleToNtk()[i], Plots.Style.LINE_MARKERS);
      plot.add("single network (mean over members), width " + w[i], x, a.rmsMembersToNtk()[i], Plots.Style.DASHED);
    }
    return plot;
  }

  static String json(DemoExperiment.Result r) {
    DemoExperiment.Config c = r.config();
    StringBuilder b = new StringBuilder("{\n");
    b.append("  \"job\": \"demo\",\n");
    b.append("  \"architecture\": ").append(Json.string(DemoExperiment.ARCH)).append(",\n");
    b.append("  \"parameterization\": \"ntk\", \"group\": ").append(Json.string(r.group())).append(",\n");
    b.append("  \"image_side\": ").append(c.side()).append(", \"n_train\": ").append(c.nTrain()).append(", \"n_test\": ")
        .append(c.nTest()).append(",\n");
    b.append("  \"learning_rate\": ").append(Json.number(c.lr())).append(", \"seed\": ").append(c.seed())
        .append(", \"members\": ").append(c.members()).append(",\n");
    b.append("  \"widths\": ").append(Arrays.toString(c.widths())).append(", \"steps\": ").append(Arrays.toString(r.steps()))
        .append(",\n");
    b.append("  \"time_convention\": \"NTK figures: mean after the same number of gradient-descent steps on 1/2 mean((f - y)^2),"
        + " (I - lr Theta / N)^steps (MsePredictor.meanSteps); certificate.json: gradient flow, exponent -lr t Theta / N with"
        + " t = steps, and t = infinity\",\n");
    b.append("  \"ntk_seconds\": ").append(Json.number(r.ntkSeconds())).append(",\n");
    b.append("  \"orbit_deviation_note\": \"max over test images x and rotations g of ||f(gx) - f(x)||_2 (absolute;"
        + " one-hot targets have norm 1); relative: divided by max ||f(x)||; members: mean over members of each one's"
        + " own; osp: mean over test images of the rotations (of 4) with the same argmax\",\n");
    b.append("  \"augmented\": ").append(regime(r.augmented(), c)).append(",\n");
    b.append("  \"not_augmented\": ").append(regime(r.plain(), c)).append(",\n");
    b.append("  \"seconds\": ").append(Json.number(r.seconds())).append("\n}\n");
    return b.toString();
  }

  private static String regime(DemoExperiment.Regime g, DemoExperiment.Config c) {
    StringBuilder b = new StringBuilder("{\"train_size\": ").append(g.trainSize());
    b.append(",\n    \"ntk\": {\"orbit_deviation\": ").append(Json.array(g.devNtk()))
        .append(", \"orbit_deviation_relative\": ").append(Json.array(g.devNtkRelative()))
        .append(", \"osp\": ").append(Json.array(g.ospNtk())).append("},\n    \"per_width\": [");
    for (int w = 0; w < c.widths().length; w++) {
      b.append(w > 0 ? ",\n      " : "\n      ").append("{\"width\": ").append(c.widths()[w]);
      b.append(", \"orbit_deviation_ensemble\": ").append(Json.array(g.devEnsemble()[w]));
      b.append(", \"orbit_deviation_members\": ").append(Json.array(g.devMembers()[w]));
      b.append(", \"osp_ensemble\": ").append(Json.array(g.ospEnsemble()[w]));
      b.append(", \"osp_members\": ").append(Json.array(g.ospMembers()[w]));
      b.append(", \"rms_ensemble_to_ntk\": ").append(Json.array(g.rmsEnsembleToNtk()[w]));
      b.append(", \"rms_members_to_ntk\": ").append(Json.array(g.rmsMembersToNtk()[w])).append('}');
    }
    b.append("],\n    \"ensemble_sizes\": ").append(Arrays.toString(g.ensembleSizes()));
    b.append(", \"orbit_deviation_by_ensemble_size_last_step_largest_width\": ").append(Json.array(g.devBySize()));
    return b.append("}").toString();
  }
}
