package org.ntk4j.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;
import java.util.TreeSet;
import org.ntk4j.Shape;
import org.ntk4j.experiments.Ising;
import org.ntk4j.experiments.IsingExperiment;
import org.ntk4j.finite.FiniteNetwork;
import org.ntk4j.io.Json;
import org.ntk4j.kernel.KernelFunction;
import org.ntk4j.kernel.SpatialMode;
import org.ntk4j.layers.ArchitectureException;
import org.ntk4j.layers.Layer;
import org.ntk4j.layers.Layers;
import org.ntk4j.layers.Parameterization;
import org.ntk4j.plot.Plots;
import org.ntk4j.symmetry.Group;
import org.ntk4j.symmetry.Groups;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code ntk experiment ising}: invariance of NTK and finite deep ensembles on out-of-distribution Ising configurations. */
@Command(name = "ising", sortOptions = false,
    description = {
        "The Ising experiment of 'Emergent Equivariance in Deep Ensembles' (Gerken & Kessel, ICML 2024).",
        "",
        "Samples 2-D Ising configurations on an L x L periodic lattice (Wolff or Metropolis, seeded) at training",
        "temperatures around T_c = 2.269, regresses an invariant target (energy per site or |magnetisation|) and measures",
        "the relative orbit deviation max_{x,g} |f(g x) - f(x)| / max_x |f(x)| on out-of-distribution configurations",
        "(other temperatures and uniformly random spins) under GROUP (default TxD4xZ2: translations x D4 x spin flip,",
        "16*16*8*2 = 4096 elements at L = 16) after each number of gradient-descent steps, for",
        "  - the NTK trained on the whole orbit of the training set: the exact group-averaged kernel (no explicit",
        "    |G| n augmented training set, which is infeasible), and the NTK without augmentation for contrast;",
        "  - finite deep ensembles of each width trained with random augmentation (one random group element per",
        "    sample per step), by default in antithetic pairs (readouts of opposite sign at initialisation).",
        "Writes DIR/train.npy, DIR/ood.npy (n, L, L, 1) with DIR/train-meta.npy, DIR/ood-meta.npy (temperature, chain",
        "seed, updates, algorithm per configuration), DIR/orbit_deviation.csv, DIR/report.json and the plots",
        "DIR/orbit_deviation.png and DIR/ood_predictions.png. Reproducible from --seed whatever --threads.",
        ""},
    footer = {"", "The paper's size (hours on 2 cores):",
        "  ntk experiment ising --lattice 16 --widths 512,1024,2048 --members 32 \\",
        "    --steps 1,10,100,1000,10000 --out ising16",
        "A CNN with circular padding and global pooling is translation-invariant by construction, so augmenting by",
        "D4 x Z2 suffices; its analytic kernel (full spatial covariance) costs far more per pair than the FC one:",
        "  ntk experiment ising --group D4xZ2 --lattice 6 \\",
        "    --arch \"Conv(3x3, padding=CIRCULAR, W_std=1.4142, b_std=0.1) -> Relu -> GlobalAvgPool -> Dense(W_std=1.4142)\" \\",
        "    --per-temperature 4 --ood-per-temperature 2 --random-spins 2 --orbit-elements 4 \\",
        "    --widths 32,128 --members 8 --steps 1,10,100 --out ising-cnn"})
public final class IsingCommand extends NtkCommand {
  static final String DEFAULT_ARCH = "Flatten -> Dense(W_std=1.4142, b_std=0.1) -> Relu -> Dense(W_std=1.4142, b_std=0.1)"
      + " -> Relu -> Dense(W_std=1.4142)";

  @Option(names = "--lattice", defaultValue = "8", paramLabel = "L", description = "Lattice size L (default 8).")
  int lattice;

  @Option(names = "--train-temperatures", defaultValue = "2.0,2.2,2.4,2.6", split = ",", paramLabel = "T,...",
      description = "Temperatures of the training configurations (default 2.0,2.2,2.4,2.6 around T_c).")
  double[] trainTemperatures;

  @Option(names = "--per-temperature", defaultValue = "16", paramLabel = "N",
      description = "Training configurations per temperature (default 16).")
  int perTemperature;

  @Option(names = "--ood-temperatures", defaultValue = "1.2,4.0", split = ",", paramLabel = "T,...",
      description = "Temperatures of the out-of-distribution configurations (default 1.2,4.0).")
  double[] oodTemperatures;

  @Option(names = "--ood-per-temperature", defaultValue = "8", paramLabel = "N",
      description = "Out-of-distribution configurations per temperature (default 8).")
  int oodPerTemperature;

  @Option(names = "--random-spins", defaultValue = "8", paramLabel = "N",
      description = "Out-of-distribution configurations of uniformly random spins (default 8).")
  int randomSpins;

  @Option(names = "--train-data", paramLabel = "FILE",
      description = "Use these training configurations (.npy written by this command, with its -meta.npy) instead of sampling.")
  Path trainData;

  @Option(names = "--ood-data", paramLabel = "FILE",
      description = "Use these out-of-distribution configurations (.npy with -meta.npy) instead of sampling.")
  Path oodData;

  @Option(names = "--target", defaultValue = "energy", paramLabel = "energy|magnetisation",
      description = "Regression target: energy per site (default) or |magnetisation| per site.")
  String target;

  @Option(names = "--group", defaultValue = "TxD4xZ2", paramLabel = "GROUP",
      description = "Symmetry group of augmentation and measurement (default TxD4xZ2; subgroups e.g. D4xZ2, T, Z2).")
  String group;

  @Option(names = "--arch", defaultValue = DEFAULT_ARCH, paramLabel = "ARCHITECTURE",
      description = {"The network (hidden widths unstated; they are set by --widths), default:", DEFAULT_ARCH})
  String arch;

  @Option(names = "--spatial", paramLabel = "auto|diagonal|full", defaultValue = "auto",
      description = "Spatial covariance of the analytic CNN kernel (default auto).")
  SpatialMode spatial;

  @Option(names = "--widths", defaultValue = "64,128,256", split = ",", paramLabel = "W,...",
      description = "Hidden widths of the finite ensembles (default 64,128,256; the paper: 512,1024,2048).")
  int[] widths;

  @Option(names = "--members", defaultValue = "16", paramLabel = "M", description = "Ensemble size per width (default 16).")
  int members;

  @Option(names = "--antithetic", defaultValue = "true", negatable = true, fallbackValue = "true",
      description = "Members in pairs with opposite initial readouts (default on; --no-antithetic: independent members).")
  boolean antithetic;

  @Option(names = "--lr", defaultValue = "0.5", paramLabel = "LR", description = "Learning rate (default 0.5).")
  double lr;

  @Option(names = "--steps", defaultValue = "1,3,10,30,100,300,1000", split = ",", paramLabel = "S,...",
      description = "Gradient-descent steps at which the orbit deviation is measured (default 1,3,10,30,100,300,1000).")
  long[] steps;

  @Option(names = "--orbit-elements", defaultValue = "32", paramLabel = "K",
      description = "Non-identity group elements, drawn from the seed, on which orbit deviation is measured (default 32;"
          + " 0: all).")
  int orbitElements;

  @Option(names = "--algorithm", defaultValue = "wolff", paramLabel = "wolff|metropolis",
      description = "Ising sampler (default wolff).")
  String algorithm;

  @Option(names = "--thermalisation", defaultValue = "200", paramLabel = "U",
      description = "Updates before the first configuration of each chain (default 200).")
  int thermalisation;

  @Option(names = "--interval", defaultValue = "10", paramLabel = "U",
      description = "Updates between recorded configurations (default 10; a Wolff update flips one cluster).")
  int interval;

  @Option(names = "--seed", defaultValue = "0", paramLabel = "S", description = "Master seed (default 0).")
  long seed;

  @Mixin ThreadsOption threads;

  @Option(names = "--out", required = true, paramLabel = "DIR", description = "Output directory (created if missing).")
  Path out;

  @Override protected int run() throws Exception {
    long t0 = System.nanoTime();
    Layer architecture = parseArchitecture("--arch", arch);
    IsingExperiment.Target tgt = switch (target.toLowerCase(Locale.ROOT)) {
      case "energy" -> IsingExperiment.Target.ENERGY;
      case "magnetisation", "magnetization" -> IsingExperiment.Target.MAGNETISATION;
      default -> throw new CliException("--target " + target + ": expected energy or magnetisation");
    };
    Ising.Algorithm alg = switch (algorithm.toLowerCase(Locale.ROOT)) {
      case "wolff" -> Ising.Algorithm.WOLFF;
      case "metropolis" -> Ising.Algorithm.METROPOLIS;
      default -> throw new CliException("--algorithm " + algorithm + ": expected wolff or metropolis");
    };
    Ising.Sample train = trainData == null ? null : load("--train-data", trainData);
    Ising.Sample ood = oodData == null ? null : load("--ood-data", oodData);
    int l = lattice;
    if (train != null) l = train.l();
    else if (ood != null) l = ood.l();
    if ((trainData != null || oodData != null) && spec.commandLine().getParseResult().hasMatchedOption("--lattice") && l != lattice) {
      throw new CliException("--lattice " + lattice + " differs from the L = " + l + " of the given configurations");
    }
    if (train != null && ood != null && train.l() != ood.l()) {
      throw new CliException("--train-data " + trainData + " holds L = " + train.l() + " but --ood-data " + oodData
          + " holds L = " + ood.l());
    }
    if (l < 2) throw new CliException("--lattice must be >= 2, got " + l);
    for (int w : widths) if (w < 1) throw new CliException("--widths: every width must be >= 1, got " + w);
    if (members < 1) throw new CliException("--members must be >= 1, got " + members);
    if (antithetic && members % 2 != 0) {
      throw new CliException("--members " + members + ": antithetic pairs need an even number (or --no-antithetic)");
    }
    if (!(lr > 0) || Double.isInfinite(lr)) throw new CliException("--lr must be finite and > 0, got " + lr);
    if (orbitElements < 0) throw new CliException("--orbit-elements must be >= 0 (0: all), got " + orbitElements);
    if (perTemperature < 1) throw new CliException("--per-temperature must be >= 1, got " + perTemperature);
    if (oodPerTemperature < 0) throw new CliException("--ood-per-temperature must be >= 0, got " + oodPerTemperature);
    if (randomSpins < 0) throw new CliException("--random-spins must be >= 0, got " + randomSpins);
    if (thermalisation < 0) throw new CliException("--thermalisation must be >= 0, got " + thermalisation);
    if (interval < 1) throw new CliException("--interval must be >= 1, got " + interval);
    checkTemperatures("--train-temperatures", trainTemperatures);
    checkTemperatures("--ood-temperatures", oodTemperatures);
    if (ood == null && oodTemperatures.length * oodPerTemperature + randomSpins < 1) {
      throw new CliException("no out-of-distribution configurations: give --ood-per-temperature or --random-spins > 0");
    }
    TreeSet<Long> stepSet = new TreeSet<>();
    for (long s : steps) {
      if (s < 0) throw new CliException("--steps: step counts must be >= 0, got " + s);
      stepSet.add(s);
    }
    long[] recorded = stepSet.stream().mapToLong(Long::longValue).toArray();
    Shape shape = Shape.of(new int[] {l, l}, 1);
    Group g;
    try {
      g = Groups.parse(group, shape);
    } catch (IllegalArgumentException e) {
      throw new CliException("--group " + group + ": " + e.getMessage(), e);
    }
    if (!g.isClosed() || !g.isExact()) throw new CliException("--group " + group + ": needs an exact, closed group (a lattice symmetry)");
    checkArchitecture(architecture, shape);

    IsingExperiment.Config c = new IsingExperiment.Config(l, trainTemperatures, perTemperature, oodTemperatures,
        oodPerTemperature, randomSpins, tgt, group, architecture, widths, members, antithetic, lr, recorded, orbitElements,
        alg, thermalisation, interval, seed, threads.threads());
    Ising.Sample[] sampled = (train == null || ood == null) ? IsingExperiment.data(c) : null;
    if (train == null) train = sampled[0];
    if (ood == null) ood = sampled[1];
    try (OutputFiles files = OutputFiles.in("--out", out)) {
      IsingExperiment.Result r;
      try (ProgressReporter progress = ProgressReporter.open("ising", "steps")) {
        progress.start(IsingExperiment.totalSteps(c));
        KernelFunction kf = KernelFunction.of(architecture).parameterization(Parameterization.NTK).spatialMode(spatial)
            .threads(threads.threads()).build();
        r = IsingExperiment.run(c, train, ood, kf, progress::advance);
      }
      Ising.saveTo(files.stage("train.npy"), files.stage("train-meta.npy"), r.train());
      Ising.saveTo(files.stage("ood.npy"), files.stage("ood-meta.npy"), r.ood());
      Files.writeString(files.stage("orbit_deviation.csv"), csv(r), StandardCharsets.UTF_8);
      Files.writeString(files.stage("report.json"), json(r, trainData, oodData), StandardCharsets.UTF_8);
      png(deviationPlot(r), files.stage("orbit_deviation.png"));
      png(predictionPlot(r), files.stage("ood_predictions.png"));
      files.commit();
      double secs = (System.nanoTime() - t0) * 1e-9;
      int last = r.steps().length - 1, lw = widths.length - 1;
      out().println(String.format(Locale.ROOT, "Ising %dx%d, %d training configurations (T = %s), %d out-of-distribution"
              + " (%s), target %s, group %s (|G| = %d, orbit deviation on %d elements)", l, l, r.train().n(),
          temps(r.train()), r.ood().n(), temps(r.ood()), tgt.text(), r.groupName(), r.groupOrder(), r.elements().length));
      out().println("NTK on the whole orbit: " + r.pathReason());
      out().println(String.format(Locale.ROOT, "relative orbit deviation on out-of-distribution data after %d steps:",
          r.steps()[last]));
      out().println("  NTK, orbit-augmented (exact)   " + fmt(r.ntkDeviation()[last]));
      out().println(String.format(Locale.ROOT, "  NTK, no augmentation           %.3g", r.ntkPlainDeviation()[last]));
      for (int w = 0; w < widths.length; w++) {
        out().println(String.format(Locale.ROOT, "  width %-6d ensemble of %-3d   %.3g   (single member %.3g; rms to NTK %.3g)",
            widths[w], members, r.ensembleDeviation()[w][last], r.memberDeviation()[w][last], r.rmsToNtk()[w][last]));
      }
      out().println("finite networks: random augmentation (one random element of " + r.groupName()
          + " per sample per step)" + (antithetic ? ", antithetic pairs" : ", independent members"));
      summary(String.format(Locale.ROOT, "NTK orbit deviation %s, width %d ensemble %.3g, in %.1f s -> %s",
          fmt(r.ntkDeviation()[last]), widths[lw], r.ensembleDeviation()[lw][last], secs, files.dir()));
    }
    return 0;
  }

  private static String fmt(double v) { return v == 0 ? "0 (exactly)" : String.format(Locale.ROOT, "%.3g", v); }

  private static void png(Plots.Plot p, Path staged) throws IOException {
    if (!javax.imageio.ImageIO.write(Plots.toImage(p), "png", staged.toFile())) throw new IOException("no PNG writer");
  }

  private static Ising.Sample load(String option, Path p) {
    try {
      return Ising.load(p);
    } catch (NoSuchFileException e) {
      throw new CliException(option + " " + p + ": no such file " + e.getFile());
    } catch (IllegalArgumentException e) {
      throw new CliException(option + " " + e.getMessage(), e);
    } catch (IOException e) {
      throw new CliException(option + " " + p + ": cannot read: " + Errors.ioMessage(e), e);
    }
  }

  private static void checkTemperatures(String option, double[] t) {
    for (double v : t) if (!(v > 0) || Double.isInfinite(v)) throw new CliException(option + ": temperatures must be finite and > 0, got " + v);
  }

  private void checkArchitecture(Layer a, Shape shape) {
    var ps = Layers.parametric(a);
    if (ps.isEmpty()) throw new CliException("--arch has no Dense or Conv layer to train");
    var readout = ps.get(ps.size() - 1);
    if (readout.width() > 0 && readout.width() != 1) {
      throw new CliException("--arch: the readout " + readout + " has width " + readout.width() + " but the target is a scalar");
    }
    try {
      new FiniteNetwork(Layers.withWidths(a, widths[0], 1), shape, Parameterization.NTK);
    } catch (ArchitectureException e) {
      throw new CliException("--arch does not fit Ising inputs of shape " + shape + ": " + e.getMessage(), e);
    }
  }

  private static String temps(Ising.Sample s) {
    TreeSet<String> t = new TreeSet<>();
    for (double v : s.temperatures()) t.add(Double.isNaN(v) ? "random spins" : String.format(Locale.ROOT, "%.3g", v));
    return String.join(", ", t);
  }

  /** Smallest value drawn on the log axis; exact zeros are drawn there (and the legend says so). */
  static final double FLOOR = 1e-17;

  static Plots.Plot deviationPlot(IsingExperiment.Result r) {
    IsingExperiment.Config c = r.config();
    double[] x = new double[r.steps().length];
    for (int i = 0; i < x.length; i++) x[i] = r.steps()[i];
    Plots.Plot p = new Plots.Plot(String.format(Locale.ROOT, "Ising %dx%d: invariance under %s on out-of-distribution data",
        c.l(), c.l(), r.groupName()), "training step (gradient descent, lr " + c.lr() + ")",
        "relative orbit deviation max|f(gx) - f(x)| / max|f(x)|").logX().logY().size(900, 640);
    boolean zero = false;
    double[] ntk = r.ntkDeviation().clone();
    for (int i = 0; i < ntk.length; i++) if (ntk[i] < FLOOR) { ntk[i] = FLOOR; zero = true; }
    p.add("NTK, orbit-augmented (exact group average)" + (zero ? "; exact 0 drawn at 1e-17" : ""), x, ntk,
        Plots.Style.LINE_MARKERS);
    p.dashed("NTK, no augmentation", x, r.ntkPlainDeviation());
    for (int w = 0; w < c.widths().length; w++) {
      p.add("ensemble of " + c.members() + ", width " + c.widths()[w] + ", random augmentation", x,
          r.ensembleDeviation()[w], Plots.Style.LINE_MARKERS);
    }
    int lw = c.widths().length - 1;
    p.markers("single network (mean over members), width " + c.widths()[lw], x, r.memberDeviation()[lw]);
    return p;
  }

  static Plots.Plot predictionPlot(IsingExperiment.Result r) {
    IsingExperiment.Config c = r.config();
    int last = r.steps().length - 1, lw = c.widths().length - 1;
    Plots.Plot p = new Plots.Plot(String.format(Locale.ROOT, "Ising %dx%d: %s on out-of-distribution data after %d steps",
        c.l(), c.l(), c.target().text(), r.steps()[last]), "true " + c.target().text(), "predicted " + c.target().text())
        .size(900, 640);
    double lo = Double.POSITIVE_INFINITY, hi = Double.NEGATIVE_INFINITY;
    for (double v : r.yOod()) { lo = Math.min(lo, v); hi = Math.max(hi, v); }
    for (double v : r.yTrain()) { lo = Math.min(lo, v); hi = Math.max(hi, v); }
    p.dashed("y = x", new double[] {lo, hi}, new double[] {lo, hi});
    p.markers("NTK, orbit-augmented", r.yOod(), r.ntkOod()[last]);
    p.markers("ensemble of " + c.members() + ", width " + c.widths()[lw], r.yOod(), r.ensembleOod()[lw][last]);
    return p;
  }

  static String csv(IsingExperiment.Result r) {
    StringBuilder b = new StringBuilder("step,ntk_augmented,ntk_no_augmentation");
    int[] w = r.config().widths();
    for (int v : w) b.append(",ensemble_w").append(v);
    for (int v : w) b.append(",member_w").append(v);
    for (int v : w) b.append(",rms_to_ntk_w").append(v);
    b.append('\n');
    for (int i = 0; i < r.steps().length; i++) {
      b.append(r.steps()[i]).append(',').append(r.ntkDeviation()[i]).append(',').append(r.ntkPlainDeviation()[i]);
      for (int j = 0; j < w.length; j++) b.append(',').append(r.ensembleDeviation()[j][i]);
      for (int j = 0; j < w.length; j++) b.append(',').append(r.memberDeviation()[j][i]);
      for (int j = 0; j < w.length; j++) b.append(',').append(r.rmsToNtk()[j][i]);
      b.append('\n');
    }
    return b.toString();
  }

  static String json(IsingExperiment.Result r, Path trainData, Path oodData) {
    IsingExperiment.Config c = r.config();
    StringBuilder b = new StringBuilder("{\n");
    b.append("  \"experiment\": \"ising\",\n");
    b.append("  \"lattice\": ").append(c.l()).append(",\n");
    b.append("  \"data\": {\"train\": ").append(trainData == null ? "\"sampled\"" : Json.string("loaded from " + trainData))
        .append(", \"ood\": ").append(oodData == null ? "\"sampled\"" : Json.string("loaded from " + oodData))
        .append(", \"algorithm\": ").append(Json.string(c.algorithm().name().toLowerCase(Locale.ROOT)))
        .append(", \"thermalisation\": ").append(c.thermalisation()).append(", \"interval\": ").append(c.interval())
        .append(",\n    \"train_temperatures\": ").append(distinct(r.train()))
        .append(",\n    \"ood_temperatures\": ").append(distinct(r.ood()))
        .append(", \"random_spins\": ").append(randomCount(r.ood()))
        .append(",\n    \"n_train\": ").append(r.train().n()).append(", \"n_ood\": ").append(r.ood().n()).append("},\n");
    b.append("  \"target\": ").append(Json.string(c.target().text())).append(",\n");
    b.append("  \"group\": ").append(Json.string(r.groupName())).append(", \"group_order\": ").append(r.groupOrder()).append(",\n");
    b.append("  \"orbit_deviation\": {\"definition\": \"max over OOD inputs x and measured elements g of |f(gx) - f(x)|,"
        + " divided by max_x |f(x)|\", \"measured_elements\": ").append(r.elements().length == r.groupOrder() - 1
        ? "\"all\"" : Arrays.toString(r.elements())).append("},\n");
    b.append("  \"architecture\": ").append(Json.string(c.architecture().toString())).append(",\n");
    b.append("  \"parameterization\": \"ntk\",\n");
    b.append("  \"learning_rate\": ").append(c.lr()).append(", \"lr_lambda_max_over_n\": ").append(Json.number(r.stability())).append(",\n");
    b.append("  \"loss\": \"0.5 * mean((f - y)^2), full-batch gradient descent\",\n");
    b.append("  \"ntk\": {\"augmentation\": \"whole orbit, as the exact group-averaged kernel Theta_G(x, x') = mean_g"
        + " Theta(x, g x') (AugmentedRegression), no explicit augmented training set\", \"path\": ")
        .append(Json.string(r.pathReason())).append(", \"kernel_invariance_error\": ").append(Json.number(r.kernelInvarianceError()))
        .append(",\n    \"prediction\": \"discrete gradient descent mean Theta(x,X) Theta^-1 (I - (I - lr Theta/n)^s) Y\"},\n");
    b.append("  \"finite\": {\"augmentation\": ").append(Json.string("random: one uniformly drawn element of " + r.groupName()
        + " per sample per step")).append(", \"members\": ").append(c.members())
        .append(", \"antithetic_pairs\": ").append(c.antithetic())
        .append(", \"note\": ").append(Json.string(c.antithetic() ? "members 2i and 2i+1 share initialisation and augmentation"
            + " stream, with the readout layer's parameters negated in 2i+1, so their initial functions cancel exactly in"
            + " the ensemble mean" : "independent members")).append("},\n");
    b.append("  \"seed\": ").append(c.seed()).append(",\n");
    b.append("  \"steps\": ").append(Arrays.toString(r.steps())).append(",\n");
    b.append("  \"ntk_orbit_deviation\": ").append(Json.array(r.ntkDeviation())).append(",\n");
    b.append("  \"ntk_no_augmentation_orbit_deviation\": ").append(Json.array(r.ntkPlainDeviation())).append(",\n");
    b.append("  \"widths\": [\n");
    for (int w = 0; w < c.widths().length; w++) {
      b.append("    {\"width\": ").append(c.widths()[w])
          .append(", \"ensemble_orbit_deviation\": ").append(Json.array(r.ensembleDeviation()[w]))
          .append(",\n     \"member_orbit_deviation\": ").append(Json.array(r.memberDeviation()[w]))
          .append(",\n     \"rms_ensemble_to_ntk\": ").append(Json.array(r.rmsToNtk()[w]))
          .append(", \"seconds\": ").append(Json.number(r.widthSeconds()[w])).append('}')
          .append(w + 1 < c.widths().length ? ",\n" : "\n");
    }
    b.append("  ],\n");
    b.append("  \"ntk_seconds\": ").append(Json.number(r.ntkSeconds())).append("\n");
    b.append("}\n");
    return b.toString();
  }

  /** The distinct temperatures of a sample (random spins left out), as a JSON array. */
  private static String distinct(Ising.Sample s) {
    return Arrays.toString(Arrays.stream(s.temperatures()).filter(t -> !Double.isNaN(t)).distinct().sorted().toArray());
  }

  private static long randomCount(Ising.Sample s) { return Arrays.stream(s.temperatures()).filter(Double::isNaN).count(); }
}
