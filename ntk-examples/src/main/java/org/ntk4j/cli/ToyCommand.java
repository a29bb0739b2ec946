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
import javax.imageio.ImageIO;
import org.ntk4j.experiments.ToyExperiment;
import org.ntk4j.io.Json;
import org.ntk4j.layers.ArchitectureException;
import org.ntk4j.layers.Layers;
import org.ntk4j.plot.Plots;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code ntk experiment toy}: a C_k-invariant function on the plane, finite ensembles against the NTK. */
@Command(name = "toy", sortOptions = false,
    description = {
        "The toy experiment: a C_k-invariant target y(r, phi) = r cos(k phi) on the plane.",
        "",
        "A few training points with their C_k orbits (full orbit augmentation) are learned by deep ensembles",
        "of finite networks and by the infinite-width NTK (discrete gradient descent, same lr and steps).",
        "For every recorded step and for two circles (r = 1 through training points, and --radius2 off the",
        "data) it plots the ground truth, one network, the ensemble mean and the NTK against the angle, and",
        "the orbit deviation max over x, g of |f(g x) - f(x)| against the step. The NTK is invariant to",
        "machine precision; a single network is not; the ensemble mean lies in between.",
        "Writes DIR/toy.json, DIR/toy_curves.csv, DIR/toy_step<S>_r<R>.png (per step and circle) and",
        "DIR/toy_orbit_deviation.png.",
        ""},
    footer = {"", "Example (the full-size run):",
        "  ntk experiment toy --k 4 --n-train 6 --widths 32,128,512,2048 --members 256 --steps 0,1,2,3,2000 --out toy"})
public final class ToyCommand extends NtkCommand {
  @Option(names = "--k", defaultValue = "4", paramLabel = "K",
      description = "Order of the rotation group C_k acting on the plane (default 4; 1, 2, 4 are exact signed"
          + " permutations, other k rounded rotation matrices).")
  int k;

  @Option(names = "--n-train", defaultValue = "6", paramLabel = "N",
      description = "Training points before augmentation (default 6); every second on the unit circle.")
  int nTrain;

  @Option(names = "--widths", defaultValue = "32,128,512", split = ",", paramLabel = "W,...",
      description = "Hidden widths of the finite networks (default 32,128,512).")
  int[] widths;

  @Option(names = "--members", defaultValue = "64", paramLabel = "M", description = "Ensemble size per width (default 64).")
  int members;

  @Option(names = "--steps", defaultValue = "0,1,2,3,2000", split = ",", paramLabel = "S,...",
      description = "Training steps at which predictions are recorded and plotted (default 0,1,2,3,2000).")
  long[] steps;

  @Option(names = "--lr", defaultValue = "0.5", paramLabel = "LR", description = "Learning rate (default 0.5).")
  double lr;

  @Option(names = "--seed", defaultValue = "0", paramLabel = "S",
      description = "Seed of the training points and the ensembles (default 0).")
  long seed;

  @Option(names = "--radius2", defaultValue = "1.5", paramLabel = "R",
      description = "Second evaluation circle, off the training data (default 1.5).")
  double radius2;

  @Option(names = "--angles", defaultValue = "360", paramLabel = "A", description = "Evaluation angles per circle (default 360).")
  int angles;

  @Option(names = "--arch", defaultValue = ToyExperiment.DEFAULT_ARCH, paramLabel = "ARCH",
      description = "Architecture, hidden widths unstated (default ${DEFAULT-VALUE}).")
  String arch;

  @Option(names = "--out", defaultValue = "ntk-toy", paramLabel = "DIR", description = "Output directory (default ./ntk-toy).")
  Path out;

  @Mixin ThreadsOption threads;

  @Override protected int run() throws Exception {
    if (k < 1) throw new CliException("--k must be >= 1, got " + k);
    if (nTrain < 1) throw new CliException("--n-train must be >= 1, got " + nTrain);
    for (int w : widths) if (w < 1) throw new CliException("--widths: every width must be >= 1, got " + w);
    if (members < 1) throw new CliException("--members must be >= 1, got " + members);
    if (!(lr > 0) || Double.isInfinite(lr)) throw new CliException("--lr must be finite and > 0, got " + lr);
    if (!(radius2 > 0) || Double.isInfinite(radius2)) throw new CliException("--radius2 must be finite and > 0, got " + radius2);
    if (angles < 2) throw new CliException("--angles must be >= 2, got " + angles);
    TreeSet<Long> set = new TreeSet<>();
    for (long s : steps) {
      if (s < 0) throw new CliException("--steps: step counts must be >= 0, got " + s);
      set.add(s);
    }
    long[] recorded = set.stream().mapToLong(Long::longValue).toArray();
    org.ntk4j.layers.Layer a = parseArchitecture("--arch", arch);
    try {
      int outputs = new org.ntk4j.finite.FiniteNetwork(Layers.withWidths(a, widths[0], 1), org.ntk4j.Shape.flat(2),
          org.ntk4j.layers.Parameterization.NTK).outputs();
      if (outputs != 1) {
        throw new CliException("--arch: the readout has " + outputs + " outputs but the toy target is a scalar; leave the"
            + " readout width unstated");
      }
    } catch (ArchitectureException e) {
      throw new CliException("--arch does not fit points in the plane with one output: " + e.getMessage(), e);
    }
    int th = threads.threads();
    ToyExperiment.Config c = new ToyExperiment.Config(k, nTrain, widths, members, recorded, lr, seed, radius2, angles, arch, th);
    try (OutputFiles files = OutputFiles.in("--out", out)) {
      ToyExperiment.Result r;
      try (ProgressReporter progress = ProgressReporter.open("toy", "steps")) {
        progress.start(ToyExperiment.totalSteps(c));
        try {
          r = ToyExperiment.run(c, progress::advance);
        } catch (IllegalArgumentException e) {
          if (e.getMessage() != null && e.getMessage().startsWith("learning rate")) throw new CliException("--lr: " + e.getMessage(), e);
          throw e;
        }
      }
      List<String> pngs = writeFiles(r, files);
      files.commit();
      printSummary(r, files.dir(), pngs);
    }
    return 0;
  }

  private List<String> writeFiles(ToyExperiment.Result r, OutputFiles files) throws IOException {
    Files.writeString(files.stage("toy.json"), json(r), StandardCharsets.UTF_8);
    Files.writeString(files.stage("toy_curves.csv"), csv(r), StandardCharsets.UTF_8);
    List<String> names = new ArrayList<>();
    long[] st = r.steps();
    for (int i = 0; i < st.length; i++) {
      for (int ci = 0; ci < 2; ci++) {
        String name = "toy_step" + st[i] + "_r" + fmt(r.radii()[ci]) + ".png";
        png(files, name, curves(r, i, ci));
        names.add(name);
      }
    }
    png(files, "toy_orbit_deviation.png", deviationPlot(r));
    names.add("toy_orbit_deviation.png");
    return names;
  }

  static void png(OutputFiles files, String name, Plots.Plot p) throws IOException {
    ImageIO.write(Plots.toImage(p), "png", files.stage(name).toFile());
  }

  /** The curves at record index i on circle ci against the angle; on the unit circle with the training orbits. */
  static Plots.Plot curves(ToyExperiment.Result r, int i, int ci) {
    ToyExperiment.Config c = r.config();
    int last = c.widths().length - 1;
    String where = ci == 0 ? "r = 1 (through training points)" : "r = " + fmt(r.radii()[1]) + " (off the training data)";
    Plots.Plot p = new Plots.Plot(String.format(Locale.ROOT, "Toy C%d after %d training steps: predictions on the circle %s",
        c.k(), r.steps()[i], where), "angle phi (degrees)", "prediction f(r cos phi, r sin phi)");
    double[] deg = new double[r.angles().length];
    for (int a = 0; a < deg.length; a++) deg[a] = Math.toDegrees(r.angles()[a]);
    p.dashed("ground truth y = r cos(" + c.k() + " phi)", deg, r.truth()[ci]);
    p.line("NTK = infinite ensemble (exactly C" + c.k() + "-invariant)", deg, r.ntk()[i][ci]);
    p.line("ensemble mean of " + c.members() + " networks, width " + c.widths()[last], deg, r.ensembleMean()[last][i][ci]);
    p.line("one network, width " + c.widths()[0], deg, r.single()[0][i][ci]);
    if (ci == 0) {
      List<Double> xs = new ArrayList<>(), ys = new ArrayList<>();
      for (int j = 0; j < r.trainAngles().length; j++) {
        if (r.trainRadii()[j] != 1.0) continue;
        for (int g = 0; g < c.k(); g++) {
          xs.add(Math.toDegrees((r.trainAngles()[j] + 2 * Math.PI * g / c.k()) % (2 * Math.PI)));
          ys.add(r.trainTargets()[j]);
        }
      }
      if (!xs.isEmpty()) {
        p.markers("training points on r = 1 and their C" + c.k() + " images", xs.stream().mapToDouble(Double::doubleValue).toArray(),
            ys.stream().mapToDouble(Double::doubleValue).toArray());
      }
    }
    return p;
  }

  /** Orbit deviation against the step (log y; the steps shifted by one for a log x axis). */
  static Plots.Plot deviationPlot(ToyExperiment.Result r) {
    ToyExperiment.Config c = r.config();
    Plots.Plot p = new Plots.Plot("Toy C" + c.k() + ": how far from invariant? max over both circles and g of |f(gx) - f(x)|",
        "training step + 1 (log)", "orbit deviation (log)").logX().logY().size(1000, 640);
    long[] st = r.steps();
    double[] x = new double[st.length];
    for (int i = 0; i < st.length; i++) x[i] = st[i] + 1;
    double floor = 1e-17;
    double[] ntk = r.devNtk().clone();
    for (int i = 0; i < ntk.length; i++) ntk[i] = Math.max(ntk[i], floor);
    p.add("NTK (infinite ensemble; values below 1e-17, incl. exact 0, drawn at 1e-17)", x, ntk, Plots.Style.LINE_MARKERS);
    for (int w = 0; w < c.widths().length; w++) {
      p.add("ensemble mean of " + c.members() + ", width " + c.widths()[w], x, r.devEnsemble()[w], Plots.Style.LINE_MARKERS);
      p.add("single net (mean over members), width " + c.widths()[w], x, r.devMembers()[w], Plots.Style.DASHED);
    }
    return p;
  }

  private void printSummary(ToyExperiment.Result r, Path dir, List<String> pngs) {
    ToyExperiment.Config c = r.config();
    List<String> o = new ArrayList<>();
    o.add(String.format(Locale.ROOT, "Toy experiment: target y = r cos(%d phi), invariant under %s (rotations by 360/%d"
        + " degrees%s).", c.k(), r.group(), c.k(), r.exactGroup() ? ", exact" : ", rounded rotation matrices"));
    o.add(String.format(Locale.ROOT, "Trained on %d points plus their orbits (%d samples), lr %s, %d steps; %d members per"
        + " width; NTK = infinite ensemble, same discrete steps.", c.nTrain(), c.nTrain() * c.k(), fmt(c.lr()),
        r.steps()[r.steps().length - 1], c.members()));
    o.add("Orbit deviation max over x, g of |f(gx) - f(x)| on the circles r = 1 and r = " + fmt(r.radii()[1])
        + " (0 = exactly invariant; the target reaches " + fmt(Math.max(1, r.radii()[1])) + "):");
    StringBuilder h = new StringBuilder(String.format(Locale.ROOT, "  %-8s %12s", "step", "NTK"));
    for (int w : c.widths()) h.append(String.format(Locale.ROOT, " %14s %14s", "ens w=" + w, "single w=" + w));
    o.add(h.toString());
    for (int i = 0; i < r.steps().length; i++) {
      StringBuilder b = new StringBuilder(String.format(Locale.ROOT, "  %-8d %12.3e", r.steps()[i], r.devNtk()[i]));
      for (int w = 0; w < c.widths().length; w++) {
        b.append(String.format(Locale.ROOT, " %14.3e %14.3e", r.devEnsemble()[w][i], r.devMembers()[w][i]));
      }
      o.add(b.toString());
    }
    double worst = 0;
    for (double v : r.devNtkRelative()) worst = Math.max(worst, v);
    o.add(String.format(Locale.ROOT, "NTK: largest deviation relative to max |prediction| over all steps %.2e (machine"
        + " precision: exactly invariant up to rounding). 'single' = mean over members of each network's own deviation;"
        + " 'ens' = deviation of the ensemble mean.", worst));
    o.add("Files in " + dir + ": toy.json, toy_curves.csv, " + String.join(", ", pngs));
    for (String l : o) out().println(l);
    int last = r.steps().length - 1, lw = c.widths().length - 1;
    summary(String.format(Locale.ROOT, "C%d, %d widths x %d members, in %.1f s: step %d orbit deviation NTK %.2e, ensemble"
            + " (width %d) %.2e, single net %.2e -> %s", c.k(), c.widths().length, c.members(), r.seconds(),
        r.steps()[last], r.devNtk()[last], c.widths()[lw], r.devEnsemble()[lw][last], r.devMembers()[lw][last], dir));
  }

  static String fmt(double v) {
    if (v == Math.rint(v) && Math.abs(v) < 1e15) return Long.toString((long) v);
    return Double.toString(v);
  }

  static String csv(ToyExperiment.Result r) {
    ToyExperiment.Config c = r.config();
    StringBuilder b = new StringBuilder("step,radius,angle_rad,truth,ntk");
    for (int w : c.widths()) b.append(",ensemble_mean_w").append(w).append(",single_w").append(w);
    b.append('\n');
    for (int i = 0; i < r.steps().length; i++) {
      for (int ci = 0; ci < 2; ci++) {
        for (int a = 0; a < r.angles().length; a++) {
          b.append(r.steps()[i]).append(',').append(r.radii()[ci]).append(',').append(r.angles()[a]).append(',')
              .append(r.truth()[ci][a]).append(',').append(r.ntk()[i][ci][a]);
          for (int w = 0; w < c.widths().length; w++) {
            b.append(',').append(r.ensembleMean()[w][i][ci][a]).append(',').append(r.single()[w][i][ci][a]);
          }
          b.append('\n');
        }
      }
    }
    return b.toString();
  }

  static String json(ToyExperiment.Result r) {
    ToyExperiment.Config c = r.config();
    StringBuilder b = new StringBuilder("{\n");
    b.append("  \"experiment\": \"toy\",\n");
    b.append("  \"target\": \"y = r cos(k phi)\",\n");
    b.append("  \"group\": ").append(Json.string(r.group())).append(", \"k\": ").append(c.k())
        .append(", \"exact_group_action\": ").append(r.exactGroup()).append(",\n");
    b.append("  \"architecture\": ").append(Json.string(c.arch())).append(",\n");
    b.append("  \"parameterization\": \"ntk\",\n");
    b.append("  \"learning_rate\": ").append(Json.number(c.lr())).append(", \"max_learning_rate\": ").append(Json.number(r.maxLearningRate())).append(",\n");
    b.append("  \"loss\": \"0.5 * mean((f - y)^2), full batch on the n k augmented samples\",\n");
    b.append("  \"ntk_dynamics\": \"discrete gradient descent, MsePredictor.meanSteps\",\n");
    b.append("  \"seed\": ").append(c.seed()).append(", \"members\": ").append(c.members()).append(",\n");
    b.append("  \"widths\": ").append(Arrays.toString(c.widths())).append(",\n");
    b.append("  \"steps\": ").append(Arrays.toString(r.steps())).append(",\n");
    b.append("  \"radii\": ").append(Json.array(r.radii())).append(", \"angles_per_circle\": ").append(c.angles()).append(",\n");
    b.append("  \"train\": {\"angle_rad\": ").append(Json.array(r.trainAngles())).append(", \"radius\": ").append(Json.array(r.trainRadii()))
        .append(", \"y\": ").append(Json.array(r.trainTargets())).append("},\n");
    b.append("  \"orbit_deviation_note\": \"max over both circles and g of |f(gx) - f(x)| (absolute); relative: divided by"
        + " max |f(x)|\",\n");
    b.append("  \"orbit_deviation_ntk\": ").append(Json.array(r.devNtk())).append(",\n");
    b.append("  \"orbit_deviation_ntk_relative\": ").append(Json.array(r.devNtkRelative())).append(",\n");
    b.append("  \"per_width\": [\n");
    for (int w = 0; w < c.widths().length; w++) {
      b.append("    {\"width\": ").append(c.widths()[w]);
      b.append(", \"orbit_deviation_ensemble_mean\": ").append(Json.array(r.devEnsemble()[w]));
      b.append(", \"orbit_deviation_member0\": ").append(Json.array(r.devSingle()[w]));
      b.append(", \"orbit_deviation_members_mean\": ").append(Json.array(r.devMembers()[w]));
      b.append(", \"rms_ensemble_mean_to_ntk\": ").append(Json.array(r.rmsEnsembleToNtk()[w]));
      b.append(", \"rms_member0_to_ntk\": ").append(Json.array(r.rmsSingleToNtk()[w]));
      b.append('}').append(w + 1 < c.widths().length ? ",\n" : "\n");
    }
    b.append("  ],\n");
    b.append("  \"seconds\": ").append(Json.number(r.seconds())).append("\n}\n");
    return b.toString();
  }
}
