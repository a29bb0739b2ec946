package org.ntk4j.cli;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.TreeSet;
import org.ntk4j.Inputs;
import org.ntk4j.Shape;
import org.ntk4j.finite.Augmentation;
import org.ntk4j.finite.EnsembleComparison;
import org.ntk4j.finite.FiniteNetwork;
import org.ntk4j.finite.Training;
import org.ntk4j.io.Json;
import org.ntk4j.io.NpyArray;
import org.ntk4j.kernel.KernelFunction;
import org.ntk4j.layers.ArchitectureException;
import org.ntk4j.layers.Layer;
import org.ntk4j.layers.Layers;
import org.ntk4j.layers.Parameterization;
import org.ntk4j.layers.Parametric;
import org.ntk4j.symmetry.Group;
import org.ntk4j.symmetry.OutputAction;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code ntk ensemble}: finite-width deep ensembles, trained with or without augmentation, against μ_t. */
@Command(name = "ensemble", sortOptions = false,
    description = {
        "Finite-width deep ensembles against the infinite-width prediction.",
        "",
        "For every width, trains --members networks of the architecture (hidden widths set to the width, the readout",
        "to the number of outputs) from independent seeds by gradient descent on 1/2 mean((f - y)^2), full batch or",
        "mini-batch SGD, optionally with data augmentation by a group, and records the predictions on the test inputs",
        "after each number of --steps. Compares the ensemble mean with the analytic NTK mean mu_t (gradient flow,",
        "exponent -lr t Theta / N with N = y.size and t = steps; and the discrete-step mean), in the NTK parameterization.",
        "Writes DIR/ensemble_mean.npy (widths, steps, n_test, outputs), DIR/ensemble_var.npy (same),",
        "DIR/analytic_mean.npy (steps, n_test, outputs; gradient flow), DIR/analytic_steps_mean.npy (discrete steps)",
        "and DIR/report.json (distances per width and ensemble size, orbit deviation and OSP, empirical NTK error,",
        "fitted log-log rates). Results are bitwise reproducible from --seed whatever --threads.",
        ""},
    footer = {"", "Example:",
        "  ntk ensemble --arch \"Dense(W_std=1.4142, b_std=0.05) -> Relu -> Dense(W_std=1.4142)\" \\",
        "    --x-train X.npy --y-train Y.npy --x-test T.npy --widths 128,512,2048 --members 32 --lr 0.5 \\",
        "    --steps 1,10,100,1000 --augment Z2 --out ens"})
public final class EnsembleCommand extends NtkCommand {
  @Mixin ArchitectureOptions model;

  @Option(names = "--x-train", required = true, paramLabel = "FILE", description = "Training inputs (.npy).")
  Path xTrain;

  @Option(names = "--y-train", required = true, paramLabel = "FILE",
      description = "Training targets (.npy), shape (n,) or (n, outputs).")
  Path yTrain;

  @Option(names = "--x-test", required = true, paramLabel = "FILE", description = "Test inputs (.npy, same input shape).")
  Path xTest;

  @Option(names = "--widths", required = true, split = ",", paramLabel = "W,...",
      description = "Hidden widths of the finite networks, e.g. 128,512,2048.")
  int[] widths;

  @Option(names = "--members", defaultValue = "32", paramLabel = "M", description = "Ensemble size per width (default 32).")
  int members;

  @Option(names = "--lr", required = true, paramLabel = "LR", description = "Learning rate.")
  double lr;

  @Option(names = "--steps", required = true, split = ",", paramLabel = "S,...",
      description = "Numbers of steps at which predictions are recorded, e.g. 0,1,10,1000 (training runs to the largest).")
  long[] steps;

  static final class AugmentOptions {
    @Option(names = "--augment", paramLabel = "GROUP",
        description = "Augment with the full orbit: every element of GROUP for every sample (n |G| samples).")
    String full;

    @Option(names = "--augment-random", paramLabel = "GROUP",
        description = "Augment with one random element of GROUP per sample per step.")
    String random;
  }

  @ArgGroup(exclusive = true, multiplicity = "0..1") AugmentOptions augment;

  @Option(names = "--group", paramLabel = "GROUP",
      description = "Measure orbit deviation and OSP under GROUP without augmenting (default: the augmentation group).")
  String group;

  @Option(names = "--sgd-batch", paramLabel = "B", description = "Mini-batch SGD with B samples per step (default: full batch).")
  Integer sgdBatch;

  @Option(names = "--seed", defaultValue = "0", paramLabel = "S", description = "Master seed (default 0).")
  long seed;

  @Option(names = "--ntk-inputs", defaultValue = "16", paramLabel = "N",
      description = "Training inputs on which the empirical NTK at initialisation is compared with Theta (default 16; 0: skip).")
  int ntkInputs;

  @Option(names = "--out", required = true, paramLabel = "DIR", description = "Output directory (created if missing).")
  Path out;

  @Option(names = "--threads", paramLabel = "N", converter = ComputeOptions.PositiveInt.class,
      description = "Worker threads, one ensemble member each at a time (default: all available cores). Results do not"
          + " depend on it.")
  Integer threads;

  private int threads() { return threads != null ? threads : Runtime.getRuntime().availableProcessors(); }

  @Override protected int run() throws Exception {
    long t0 = System.nanoTime();
    Layer arch = model.architecture();
    if (model.parameterization() != Parameterization.NTK) {
      throw new CliException("--parameterization standard: ntk ensemble compares with the width-independent limit of the"
          + " NTK parameterization; use --parameterization ntk");
    }
    for (int w : widths) if (w < 1) throw new CliException("--widths: every width must be >= 1, got " + w);
    if (members < 1) throw new CliException("--members must be >= 1, got " + members);
    if (!(lr > 0) || Double.isInfinite(lr)) throw new CliException("--lr must be finite and > 0, got " + lr);
    if (sgdBatch != null && sgdBatch < 1) throw new CliException("--sgd-batch must be >= 1, got " + sgdBatch);
    if (ntkInputs < 0) throw new CliException("--ntk-inputs must be >= 0, got " + ntkInputs);
    TreeSet<Long> stepSet = new TreeSet<>();
    for (long s : steps) {
      if (s < 0) throw new CliException("--steps: step counts must be >= 0, got " + s);
      stepSet.add(s);
    }
    long[] recorded = stepSet.stream().mapToLong(Long::longValue).toArray();
    try (OutputFiles files = OutputFiles.in("--out", out)) {
      Inputs x = readInputs("--x-train", xTrain);
      Inputs xt = readInputs("--x-test", xTest);
      if (!xt.shape().equals(x.shape())) {
        throw new CliException("--x-test " + xTest + " holds inputs of shape " + xt.shape() + " but --x-train " + xTrain
            + " holds inputs of shape " + x.shape() + "; both need the same input shape");
      }
      NpyArray ya = readArray("--y-train", yTrain);
      int k;
      if (ya.rank() == 1) k = 1;
      else if (ya.rank() == 2) k = ya.shape()[1];
      else throw new CliException("--y-train " + yTrain + ": expected shape (n,) or (n, outputs), got " + ya.shapeText());
      if (ya.shape()[0] != x.n()) {
        throw new CliException("--y-train " + yTrain + " holds " + ya.shape()[0] + " targets but --x-train " + xTrain
            + " holds " + x.n() + " inputs");
      }
      if (k < 1) throw new CliException("--y-train " + yTrain + ": needs at least one output, got shape " + ya.shapeText());
      double[] y = ya.data();
      for (int i = 0; i < y.length; i++) {
        if (!Double.isFinite(y[i])) {
          throw new CliException("--y-train " + yTrain + ": target " + (i / k) + " has a non-finite value " + y[i] + " at output " + (i % k));
        }
      }
      Shape shape = x.shape();
      checkArchitecture(arch, shape, k);
      Augmentation aug = Augmentation.none();
      Group measured = null;
      OutputAction inv = OutputAction.invariant();
      if (augment != null && augment.full != null) aug = Augmentation.fullOrbit(parseGroup("--augment", augment.full, shape), inv);
      if (augment != null && augment.random != null) aug = Augmentation.random(parseGroup("--augment-random", augment.random, shape), inv);
      if (group != null) {
        Group g = parseGroup("--group", group, shape);
        if (aug.mode() != Augmentation.Mode.NONE && !g.name().equals(aug.group().name())) {
          throw new CliException("--group " + group + " differs from the augmentation group " + aug.group().name());
        }
        if (aug.mode() == Augmentation.Mode.NONE) measured = g;
      }
      int pool = aug.trainingSize(x.n());
      if (sgdBatch != null && sgdBatch > pool) {
        throw new CliException("--sgd-batch " + sgdBatch + " exceeds the " + pool + " training samples"
            + (aug.mode() == Augmentation.Mode.FULL_ORBIT ? " of the orbit" : ""));
      }
      Training training = new Training(lr, recorded, sgdBatch == null ? 0 : sgdBatch, aug);
      EnsembleComparison.Spec spec = new EnsembleComparison.Spec(arch, x, y, k, xt, widths, members, training, measured,
          measured == null ? null : inv, seed, threads(), ntkInputs, Math.min(members, 4));
      EnsembleComparison.Report r;
      try (ProgressReporter progress = ProgressReporter.open("ensemble", "steps")) {
        progress.start(EnsembleComparison.totalSteps(spec));
        KernelFunction kf = KernelFunction.of(arch).parameterization(Parameterization.NTK).spatialMode(model.spatial)
            .summation(model.summation).threads(threads()).build();
        r = EnsembleComparison.run(spec, kf, progress::advance);
      }
      int nw = widths.length, ns = recorded.length, m = xt.n();
      files.writeNpy("ensemble_mean.npy", new int[] {nw, ns, m, k}, flatten(r.ensembleMean()));
      files.writeNpy("ensemble_var.npy", new int[] {nw, ns, m, k}, flatten(r.ensembleVariance()));
      files.writeNpy("analytic_mean.npy", new int[] {ns, m, k}, flatten(new double[][][] {r.analyticFlow()}));
      files.writeNpy("analytic_steps_mean.npy", new int[] {ns, m, k}, flatten(new double[][][] {r.analyticSteps()}));
      Path json = files.stage("report.json");
      Files.writeString(json, json(r, spec, arch), StandardCharsets.UTF_8);
      files.commit();
      double secs = (System.nanoTime() - t0) * 1e-9;
      int lw = nw - 1, last = ns - 1, lm = r.ensembleSizes().length - 1;
      summary(String.format(Locale.ROOT, "%d members x %d widths, %d steps, augmentation %s, in %.2f s on %d threads;"
              + " width %d, %d steps: rms(ensemble mean - mu_t) = %.4g -> %s", members, nw, training.totalSteps(), aug,
          secs, threads(), widths[lw], recorded[last], r.distFlow()[lw][last][lm], files.dir()));
    }
    return 0;
  }

  private void checkArchitecture(Layer arch, Shape shape, int k) {
    List<Parametric> ps = Layers.parametric(arch);
    if (ps.isEmpty()) throw new CliException("--arch has no Dense or Conv layer to train");
    Parametric readout = ps.get(ps.size() - 1);
    if (readout.width() > 0 && readout.width() != k) {
      throw new CliException("--arch: the readout " + readout + " has width " + readout.width() + " but --y-train has "
          + k + " output" + (k == 1 ? "" : "s") + "; leave the readout width unstated");
    }
    boolean free = false;
    for (int i = 0; i < ps.size() - 1; i++) free |= ps.get(i).width() == 0;
    if (!free && widths.length > 1) {
      throw new CliException("--widths: --arch states every hidden width, so the widths " + Arrays.toString(widths)
          + " would all give the same network; leave hidden widths unstated, e.g. Dense(W_std=1.4)");
    }
    try {
      new FiniteNetwork(Layers.withWidths(arch, widths[0], k), shape, Parameterization.NTK);
    } catch (ArchitectureException e) {
      throw new CliException("--arch does not fit inputs of shape " + shape + ": " + e.getMessage(), e);
    }
  }

  private static double[] flatten(double[][][] a) {
    int total = 0;
    for (double[][] b : a) for (double[] c : b) total += c.length;
    double[] out = new double[total];
    int o = 0;
    for (double[][] b : a) {
      for (double[] c : b) {
        System.arraycopy(c, 0, out, o, c.length);
        o += c.length;
      }
    }
    return out;
  }

  static String json(EnsembleComparison.Report r, EnsembleComparison.Spec s, Layer arch) {
    StringBuilder b = new StringBuilder("{\n");
    Training t = s.training();
    b.append("  \"architecture\": ").append(Json.string(arch.toString())).append(",\n");
    b.append("  \"parameterization\": \"ntk\",\n");
    b.append("  \"learning_rate\": ").append(Json.number(t.lr())).append(",\n");
    b.append("  \"loss\": \"0.5 * mean((f - y)^2) over N = batch * outputs values\",\n");
    b.append("  \"time_convention\": \"mu_t = Theta(x, X) Theta^-1 (I - exp(-lr t Theta / N)) Y with t = steps"
        + " (MsePredictor.meanFlow); discrete: (I - lr Theta / N)^steps (MsePredictor.meanSteps)\",\n");
    b.append("  \"training\": ").append(Json.string(t.sgdBatch() == 0 ? "full batch" : "sgd")).append(",\n");
    b.append("  \"sgd_batch\": ").append(t.sgdBatch() == 0 ? "null" : Integer.toString(t.sgdBatch())).append(",\n");
    Augmentation a = t.augmentation();
    b.append("  \"augmentation\": {\"mode\": ").append(Json.string(a.mode().name().toLowerCase(Locale.ROOT)))
        .append(", \"group\": ").append(a.group() == null ? "null" : Json.string(a.group().name())).append("},\n");
    b.append("  \"orbit_group\": ").append(s.group() == null ? "null" : Json.string(s.group().name())).append(",\n");
    b.append("  \"seed\": ").append(s.seed()).append(",\n");
    b.append("  \"members\": ").append(s.members()).append(",\n");
    b.append("  \"n_train\": ").append(s.xTrain().n()).append(", \"n_test\": ").append(s.xTest().n())
        .append(", \"outputs\": ").append(s.outputs()).append(",\n");
    b.append("  \"steps\": ").append(Arrays.toString(r.steps())).append(",\n");
    b.append("  \"widths\": ").append(Arrays.toString(r.widths())).append(",\n");
    b.append("  \"ensemble_sizes\": ").append(Arrays.toString(r.ensembleSizes())).append(",\n");
    b.append("  \"analytic_orbit_deviation\": ").append(Json.array(r.orbitDevAnalytic())).append(",\n");
    b.append("  \"results\": [\n");
    for (int w = 0; w < r.widths().length; w++) {
      b.append("    {\"width\": ").append(r.widths()[w]);
      b.append(", \"empirical_ntk_relative_error\": ").append(Json.number(r.ntkError()[w]));
      b.append(", \"per_step\": [\n");
      for (int i = 0; i < r.steps().length; i++) {
        b.append("      {\"step\": ").append(r.steps()[i]);
        b.append(", \"rms_to_flow\": ").append(Json.array(r.distFlow()[w][i]));
        b.append(", \"rms_to_steps\": ").append(Json.array(r.distSteps()[w][i]));
        if (r.orbitDevMean() != null) {
          b.append(", \"orbit_deviation_mean\": ").append(Json.number(r.orbitDevMean()[w][i]));
          b.append(", \"orbit_deviation_member\": ").append(Json.number(r.orbitDevMember()[w][i]));
          b.append(", \"osp_mean\": ").append(Json.number(r.ospMean()[w][i]));
          b.append(", \"osp_member\": ").append(Json.number(r.ospMember()[w][i]));
        }
        b.append('}').append(i + 1 < r.steps().length ? ",\n" : "\n");
      }
      b.append("    ]}").append(w + 1 < r.widths().length ? ",\n" : "\n");
    }
    b.append("  ],\n");
    b.append("  \"rates\": {\"note\": \"least-squares slopes of log rms_to_flow: against log width at the full ensemble,"
        + " against log ensemble size at the largest width; empirical NTK error against log width\",\n");
    b.append("    \"width_slope_per_step\": ").append(Json.array(r.widthSlopeFlow())).append(",\n");
    b.append("    \"ensemble_size_slope_per_step\": ").append(Json.array(r.sizeSlopeFlow())).append(",\n");
    b.append("    \"empirical_ntk_width_slope\": ").append(Json.number(r.widthSlopeNtk())).append("}\n");
    b.append("}\n");
    return b.toString();
  }
}
