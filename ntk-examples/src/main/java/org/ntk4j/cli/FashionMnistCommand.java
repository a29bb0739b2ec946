package org.ntk4j.cli;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.ntk4j.Shape;
import org.ntk4j.experiments.FashionMnist;
import org.ntk4j.experiments.FashionMnistExperiment.Figures;
import org.ntk4j.experiments.FashionMnistExperiment.GroupResult;
import org.ntk4j.experiments.FashionMnistExperiment;
import org.ntk4j.finite.FiniteNetwork;
import org.ntk4j.io.Json;
import org.ntk4j.kernel.KernelFunction;
import org.ntk4j.layers.ArchitectureException;
import org.ntk4j.layers.Layer;
import org.ntk4j.layers.Layers;
import org.ntk4j.layers.Parameterization;
import org.ntk4j.layers.Parametric;
import org.ntk4j.plot.Plots;
import org.ntk4j.symmetry.Groups;
import org.ntk4j.util.Units;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code ntk experiment fashion-mnist}: OSP of the NTK, a deep ensemble and single networks under C4, C8, C16. */
@Command(name = "fashion-mnist", sortOptions = false,
    description = {
        "Rotated Fashion-MNIST: orbit-same-predictions (OSP) of the infinite ensemble (NTK), a finite deep",
        "ensemble and single networks, all trained with rotation augmentation, beside the numbers reported by",
        "Gerken & Kessel (ICML 2024).",
        "",
        "For every group (C4: exact pixel rotations; C8, C16: rotations by bilinear interpolation, flagged as",
        "inexact), the first --n-train training images (average-pooled by --downsample) are augmented by the",
        "whole orbit and fitted by full-batch gradient descent on 1/2 mean((f - y)^2) with centred one-hot",
        "targets: --members networks of --arch at --width, and analytically the infinite ensemble (NTK",
        "regression on the augmented set after the same --steps, and converged). The NTK uses the exact",
        "group-averaged kernel for C4 and explicit augmentation for the interpolated groups, which are no group",
        "action, so that no group average exists. OSP: per input, how many of its |G| rotated copies get the",
        "argmax of the input itself (|G|: invariant), averaged over --n-ood out-of-distribution images (smooth",
        "random blobs) and over the first --n-test test images; accuracy on the unrotated test images.",
        "Writes DIR/report.json, DIR/table.csv, DIR/table.txt, DIR/osp.png, DIR/osp_vs_ensemble_size.png and",
        "DIR/accuracy.png. Defaults take a few minutes on 2 cores. Cost grows as (|G| n-train)^2 memory and",
        "(|G| n-train)^3 time for the interpolated groups' explicit NTK solve.",
        ""},
    footer = {"", "Example:", "  ntk experiment fashion-mnist --out fmnist",
        "  ntk experiment fashion-mnist --groups C4 --n-train 1000 --width 1024 --members 32 --out fmnist-c4"})
public final class FashionMnistCommand extends NtkCommand {
  /**
   * A 3-layer ReLU network on the flattened image. The readout's small W_std keeps the random initial function (which
   * an ensemble of M members averages away only as 1/√M, and which training never removes off the data) small beside
   * the learned one; Θ is then dominated by the last hidden layer's features.
   */
  public static final String DEFAULT_ARCH = "Flatten -> Dense(W_std=1.4142, b_std=0.05) -> Relu -> Dense(W_std=1.4142, b_std=0.05)"
      + " -> Relu -> Dense(W_std=0.1)";

  @Option(names = "--data", paramLabel = "DIR",
      description = "Directory with the four original .gz IDX files (default " + FashionMnist.DEFAULT_DIR + ", Debian's "
          + FashionMnist.PACKAGE + ").")
  Path data;

  @Option(names = "--n-train", defaultValue = "200", paramLabel = "N", description = "Training images, the first N (default 200).")
  int nTrain;

  @Option(names = "--n-test", defaultValue = "200", paramLabel = "N", description = "Test images, the first N (default 200).")
  int nTest;

  @Option(names = "--n-ood", defaultValue = "100", paramLabel = "N",
      description = "Out-of-distribution images: smooth random blobs inside the inscribed disc (default 100).")
  int nOod;

  @Option(names = "--downsample", defaultValue = "2", paramLabel = "F",
      description = "Average-pool the 28x28 images by F (a divisor of 28; default 2: 14x14; 1: full size).")
  int downsample;

  @Option(names = "--groups", defaultValue = "C4,C8,C16", split = ",", paramLabel = "G,...",
      description = "Rotation groups C_k, k a multiple of 4 (default C4,C8,C16).")
  String[] groups;

  @Option(names = "--arch", defaultValue = DEFAULT_ARCH, paramLabel = "ARCHITECTURE",
      description = "Network with hidden widths left free (set by --width) and a free readout (10 classes); default: "
          + DEFAULT_ARCH + " (a small readout W_std keeps the initial-function noise small). CNNs (Conv with SAME padding, GlobalAvgPool) work too, at a much higher kernel cost.")
  String arch;

  @Option(names = "--width", defaultValue = "256", paramLabel = "W", description = "Hidden width of the finite networks (default 256).")
  int width;

  @Option(names = "--members", defaultValue = "8", paramLabel = "M", description = "Deep-ensemble size (default 8).")
  int members;

  @Option(names = "--lr", paramLabel = "LR",
      description = "Learning rate of full-batch gradient descent, NTK parameterization (default: half the largest stable"
          + " rate 2N/lambda_max of the NTK on the un-augmented training set, which is stable for every augmentation).")
  Double lr;

  @Option(names = "--steps", defaultValue = "100", paramLabel = "S", description = "Gradient-descent steps (default 100).")
  long steps;

  @Option(names = "--seed", defaultValue = "0", paramLabel = "S", description = "Seed of initialisations and out-of-distribution images (default 0).")
  long seed;

  @Mixin ThreadsOption threads;

  @Option(names = "--out", required = true, paramLabel = "DIR", description = "Output directory (created if missing).")
  Path out;

  @Override protected int run() throws Exception {
    long t0 = System.nanoTime();
    if (nTrain < 1 || nTrain > 60000) throw new CliException("--n-train must be in 1..60000, got " + nTrain);
    if (nTest < 1 || nTest > 10000) throw new CliException("--n-test must be in 1..10000, got " + nTest);
    if (nOod < 1) throw new CliException("--n-ood must be >= 1, got " + nOod);
    if (downsample < 1 || 28 % downsample != 0) {
      throw new CliException("--downsample must divide 28 (1, 2, 4, 7, 14, 28), got " + downsample);
    }
    if (width < 1) throw new CliException("--width must be >= 1, got " + width);
    if (members < 1) throw new CliException("--members must be >= 1, got " + members);
    if (lr != null && (!(lr > 0) || Double.isInfinite(lr))) throw new CliException("--lr must be finite and > 0, got " + lr);
    if (steps < 1) throw new CliException("--steps must be >= 1, got " + steps);
    int side = 28 / downsample;
    Shape shape = Shape.fromDims(side, side, 1);
    Set<String> seen = new HashSet<>();
    String[] names = new String[groups.length];
    for (int i = 0; i < groups.length; i++) {
      String gName = groups[i].trim();
      if (!gName.matches("[cC]\\d+")) {
        throw new CliException("--groups " + gName + ": this experiment rotates images; name rotation groups C_k with k a"
            + " multiple of 4 (C4, C8, C16)");
      }
      try {
        names[i] = Groups.parse(gName, shape).name();
      } catch (IllegalArgumentException e) {
        throw new CliException("--groups " + gName + ": " + e.getMessage(), e);
      }
      if (names[i].equals("C2")) throw new CliException("--groups C2: OSP under C2 is not part of the comparison; use C4, C8, C16, ...");
      if (!seen.add(names[i])) throw new CliException("--groups lists " + names[i] + " twice");
    }
    Layer a = checkArchitecture(parseArchitecture("--arch", arch), shape);
    for (String g : names) {
      if (g.equals("C4")) continue;
      long m = Long.parseLong(g.substring(1)) * nTrain;
      long bytes = 3L * m * m * Double.BYTES; // kernel, eigenvectors, workspace of the explicit solve
      if (m > 46000 || bytes > Runtime.getRuntime().maxMemory()) {
        throw new CliException(String.format(Locale.ROOT, "--groups %s with --n-train %d: the explicit NTK solve on %d"
            + " augmented images needs about %s of memory (Java heap max %s); lower --n-train or leave %s out",
            g, nTrain, m, Units.bytes(bytes), Units.bytes(Runtime.getRuntime().maxMemory()), g));
      }
    }

    FashionMnist.Split train = FashionMnist.load(data, true, nTrain, downsample);
    FashionMnist.Split test = FashionMnist.load(data, false, nTest, downsample);
    FashionMnistExperiment.Data d = new FashionMnistExperiment.Data(train.images(), train.labels(), test.images(),
        test.labels(), FashionMnistExperiment.blobImages(nOod, shape, seed));
    KernelFunction kf = KernelFunction.of(a).parameterization(Parameterization.NTK).threads(threads.threads()).build();
    double rate = lr != null ? lr : FashionMnistExperiment.learningRate(kf, train.images(), 0.5);
    FashionMnistExperiment.Config c = new FashionMnistExperiment.Config(a, names, width, members, rate, steps, seed, threads.threads());
    List<GroupResult> rs;
    try (OutputFiles files = OutputFiles.in("--out", out)) {
      try (ProgressReporter progress = ProgressReporter.open("fashion-mnist", "steps")) {
        progress.start(FashionMnistExperiment.totalSteps(c));
        rs = FashionMnistExperiment.run(c, d, kf, progress::advance);
      }
      String table = table(rs, c);
      Files.writeString(files.stage("table.txt"), table, StandardCharsets.UTF_8);
      Files.writeString(files.stage("table.csv"), csv(rs, c), StandardCharsets.UTF_8);
      Files.writeString(files.stage("report.json"), json(rs, c, a, d, side, lr == null), StandardCharsets.UTF_8);
      plots(rs, c, files);
      files.commit();
      out().print(table);
      double secs = (System.nanoTime() - t0) * 1e-9;
      summary(String.format(Locale.ROOT, "%d training images %dx%d, %s, %d members of width %d, %d steps at lr %.4g, in %.1f s on %d threads -> %s",
          nTrain, side, side, String.join("/", names), members, width, steps, rate, secs, threads.threads(), files.dir()));
    }
    return 0;
  }

  private Layer checkArchitecture(Layer a, Shape shape) {
    List<Parametric> ps = Layers.parametric(a);
    if (ps.isEmpty()) throw new CliException("--arch has no Dense or Conv layer to train");
    Parametric readout = ps.get(ps.size() - 1);
    if (readout.width() > 0 && readout.width() != FashionMnist.CLASSES) {
      throw new CliException("--arch: the readout " + readout + " has width " + readout.width() + " but there are "
          + FashionMnist.CLASSES + " classes; leave the readout width unstated");
    }
    try {
      new FiniteNetwork(Layers.withWidths(a, width, FashionMnist.CLASSES), shape, Parameterization.NTK);
    } catch (ArchitectureException e) {
      throw new CliException("--arch does not fit images of shape " + shape + ": " + e.getMessage(), e);
    }
    return a;
  }

  /** The paper's OSP value for a group, or NaN when the paper has no column for it. */
  private static double paper(int row, String group) {
    int col = Arrays.asList(FashionMnistExperiment.PAPER_GROUPS).indexOf(group);
    return col < 0 ? Double.NaN : FashionMnistExperiment.PAPER_OSP[row][col];
  }

  static String table(List<GroupResult> rs, FashionMnistExperiment.Config c) {
    StringBuilder b = new StringBuilder();
    b.append("OSP on out-of-distribution inputs (mean number of the |G| rotated copies predicted as the unrotated input;"
        + " |G| = invariant)\n");
    String fmt = "%-46s";
    b.append(String.format(Locale.ROOT, fmt, ""));
    for (GroupResult r : rs) b.append(String.format(Locale.ROOT, "%9s", r.group()));
    b.append('\n');
    for (int i = 0; i < FashionMnistExperiment.PAPER_ROWS.length; i++) {
      b.append(String.format(Locale.ROOT, fmt, "paper (Gerken & Kessel 2024): " + FashionMnistExperiment.PAPER_ROWS[i]));
      for (GroupResult r : rs) b.append(cell(paper(i, r.group()), 2));
      b.append('\n');
    }
    row(b, fmt, String.format(Locale.ROOT, "ours: DeepEns+DA (%d x width %d)", c.members(), c.width()), rs, r -> r.ensemble().ospOod(), 2);
    row(b, fmt, "ours: only DA (single network, mean of " + c.members() + ")", rs, r -> r.single().ospOod(), 2);
    row(b, fmt, "ours: NTK, infinite ensemble + DA (" + c.steps() + " steps)", rs, r -> r.ntk().ospOod(), 2);
    row(b, fmt, "ours: NTK, infinite ensemble + DA (converged)", rs, r -> r.ntkConverged().ospOod(), 2);
    b.append(String.format(Locale.ROOT, fmt, "rotation"));
    for (GroupResult r : rs) b.append(String.format(Locale.ROOT, "%9s", r.exactAction() ? "exact" : "interp*"));
    b.append('\n');
    b.append("\nOSP on test images / test accuracy (ours)\n");
    b.append(String.format(Locale.ROOT, fmt, ""));
    for (GroupResult r : rs) b.append(String.format(Locale.ROOT, "%17s", r.group() + " OSP / acc"));
    b.append('\n');
    testRow(b, fmt, "DeepEns+DA", rs, GroupResult::ensemble);
    testRow(b, fmt, "only DA (single network, mean)", rs, GroupResult::single);
    testRow(b, fmt, "NTK (" + c.steps() + " steps)", rs, GroupResult::ntk);
    testRow(b, fmt, "NTK (converged)", rs, GroupResult::ntkConverged);
    b.append("\nRelative orbit deviation on OOD inputs, max |f(gx) - f(x)| / max |f(x)|\n");
    row(b, fmt, "DeepEns+DA", rs, r -> r.ensemble().orbitDeviation(), -1);
    row(b, fmt, "only DA (single network, mean)", rs, r -> r.single().orbitDeviation(), -1);
    row(b, fmt, "NTK (" + c.steps() + " steps)", rs, r -> r.ntk().orbitDeviation(), -1);
    boolean inexact = false;
    for (GroupResult r : rs) inexact |= !r.exactAction();
    if (inexact) {
      b.append("\n* interpolated rotations are not an exact group action: no model, the NTK included, is exactly invariant"
          + " under them; the NTK row uses explicit augmentation there.\n");
    }
    return b.toString();
  }

  private static void row(StringBuilder b, String fmt, String label, List<GroupResult> rs,
                          java.util.function.ToDoubleFunction<GroupResult> f, int digits) {
    b.append(String.format(Locale.ROOT, fmt, label));
    for (GroupResult r : rs) b.append(cell(f.applyAsDouble(r), digits));
    b.append('\n');
  }

  private static void testRow(StringBuilder b, String fmt, String label, List<GroupResult> rs,
                              java.util.function.Function<GroupResult, Figures> f) {
    b.append(String.format(Locale.ROOT, fmt, label));
    for (GroupResult r : rs) {
      Figures x = f.apply(r);
      b.append(String.format(Locale.ROOT, "%17s", String.format(Locale.ROOT, "%.2f / %.3f", x.ospTest(), x.accuracy())));
    }
    b.append('\n');
  }

  private static String cell(double v, int digits) {
    if (Double.isNaN(v)) return String.format(Locale.ROOT, "%9s", "-");
    return digits < 0 ? String.format(Locale.ROOT, "%9.2e", v) : String.format(Locale.ROOT, "%9." + digits + "f", v);
  }

  static String csv(List<GroupResult> rs, FashionMnistExperiment.Config c) {
    StringBuilder b = new StringBuilder("source,model,group,order,exact_action,osp_ood,osp_test,test_accuracy,orbit_deviation_ood\n");
    for (GroupResult r : rs) {
      for (int i = 0; i < FashionMnistExperiment.PAPER_ROWS.length; i++) {
        double p = paper(i, r.group());
        if (!Double.isNaN(p)) {
          b.append("paper,").append(FashionMnistExperiment.PAPER_ROWS[i]).append(',').append(r.group()).append(',')
              .append(r.order()).append(',').append(r.exactAction()).append(',').append(p).append(",,,\n");
        }
      }
      csvRow(b, "DeepEns+DA", r, r.ensemble());
      csvRow(b, "only DA", r, r.single());
      csvRow(b, "NTK", r, r.ntk());
      csvRow(b, "NTK converged", r, r.ntkConverged());
    }
    return b.toString();
  }

  private static void csvRow(StringBuilder b, String model, GroupResult r, Figures f) {
    b.append("ours,").append(model).append(',').append(r.group()).append(',').append(r.order()).append(',')
        .append(r.exactAction()).append(',').append(f.ospOod()).append(',').append(f.ospTest()).append(',')
        .append(f.accuracy()).append(',').append(f.orbitDeviation()).append('\n');
  }

  static String json(List<GroupResult> rs, FashionMnistExperiment.Config c, Layer a, FashionMnistExperiment.Data d, int side,
                     boolean autoLr) {
    StringBuilder b = new StringBuilder("{\n");
    b.append("  \"experiment\": \"rotated Fashion-MNIST, orbit-same-predictions (Gerken & Kessel, ICML 2024)\",\n");
    b.append("  \"architecture\": ").append(Json.string(a.toString())).append(",\n");
    b.append("  \"parameterization\": \"ntk\",\n");
    b.append("  \"image_size\": ").append(side).append(",\n");
    b.append("  \"n_train\": ").append(d.xTrain().n()).append(", \"n_test\": ").append(d.xTest().n())
        .append(", \"n_ood\": ").append(d.ood().n()).append(",\n");
    b.append("  \"ood_inputs\": \"three Gaussian blobs per image inside the inscribed disc, clipped to [0, 1], seeded\",\n");
    b.append("  \"width\": ").append(c.width()).append(", \"members\": ").append(c.members()).append(",\n");
    b.append("  \"learning_rate_rule\": ").append(Json.string(autoLr ? "0.5 * 2N / lambda_max(NTK of the un-augmented training set)"
        : "given")).append(",\n");
    b.append("  \"learning_rate\": ").append(Json.number(c.lr())).append(", \"steps\": ").append(c.steps())
        .append(", \"seed\": ").append(c.seed()).append(",\n");
    b.append("  \"training\": \"full-batch gradient descent on 0.5 * mean((f - y)^2), centred one-hot targets, training set"
        + " augmented by the whole orbit\",\n");
    b.append("  \"osp_definition\": \"per input, number of the |G| rotated copies (identity included) with the argmax of"
        + " the unrotated input, averaged over inputs\",\n");
    b.append("  \"only_da\": \"mean over the ensemble members of each single network's figures\",\n");
    b.append("  \"paper\": {\"note\": \"OSP as reported by Gerken & Kessel (ICML 2024) with their own networks, data"
        + " size and out-of-distribution set; quoted, not recomputed\",\n    \"groups\": [\"C4\", \"C8\", \"C16\"], \"osp_ood\": {");
    for (int i = 0; i < FashionMnistExperiment.PAPER_ROWS.length; i++) {
      b.append(i > 0 ? ", " : "").append(Json.string(FashionMnistExperiment.PAPER_ROWS[i])).append(": ")
          .append(Arrays.toString(FashionMnistExperiment.PAPER_OSP[i]));
    }
    b.append("}},\n");
    b.append("  \"groups\": [\n");
    for (int g = 0; g < rs.size(); g++) {
      GroupResult r = rs.get(g);
      b.append("    {\"group\": ").append(Json.string(r.group())).append(", \"order\": ").append(r.order())
          .append(", \"exact_action\": ").append(r.exactAction())
          .append(", \"inexact_action_note\": ").append(r.exactAction() ? "null"
              : Json.string("rotation by bilinear interpolation: not an exact group action; no model is exactly invariant"))
          .append(",\n     \"ntk_path\": ").append(Json.string(r.ntkPath())).append(",\n");
      b.append("     \"ntk\": ").append(fig(r.ntk())).append(",\n");
      b.append("     \"ntk_converged\": ").append(fig(r.ntkConverged())).append(",\n");
      b.append("     \"deep_ensemble\": ").append(fig(r.ensemble())).append(",\n");
      b.append("     \"single_network\": ").append(fig(r.single())).append(",\n");
      b.append("     \"ntk_osp_ood_per_input\": ").append(Arrays.toString(r.ntkOspPerInput())).append(",\n");
      b.append("     \"ensemble_sizes\": ").append(Arrays.toString(r.ensembleSizes()))
          .append(", \"osp_ood_by_ensemble_size\": ").append(Json.array(r.ospOodBySize())).append(",\n");
      b.append("     \"seconds\": {\"ntk\": ").append(Json.number(r.ntkSeconds())).append(", \"ensemble\": ")
          .append(Json.number(r.ensembleSeconds())).append("}}").append(g + 1 < rs.size() ? ",\n" : "\n");
    }
    b.append("  ]\n}\n");
    return b.toString();
  }

  private static String fig(Figures f) {
    return "{\"osp_ood\": " + Json.number(f.ospOod()) + ", \"osp_test\": " + Json.number(f.ospTest()) + ", \"test_accuracy\": "
        + Json.number(f.accuracy()) + ", \"orbit_deviation_ood_relative\": " + Json.number(f.orbitDeviation()) + "}";
  }

  private void plots(List<GroupResult> rs, FashionMnistExperiment.Config c, OutputFiles files) throws java.io.IOException {
    int n = rs.size();
    double[] order = new double[n];
    for (int i = 0; i < n; i++) order[i] = rs.get(i).order();
    Plots.Plot osp = new Plots.Plot("Rotated Fashion-MNIST: OSP / |G| on out-of-distribution inputs (1 = invariant)",
        "group order |G| (C4, C8, C16: rotations by multiples of 360/|G| degrees)", "OSP / |G|");
    osp.add("ours: NTK, infinite ensemble + DA (" + c.steps() + " steps)", order, frac(rs, r -> r.ntk().ospOod()),
        Plots.Style.LINE_MARKERS);
    osp.add("ours: DeepEns+DA (" + c.members() + " x width " + c.width() + ")", order, frac(rs, r -> r.ensemble().ospOod()),
        Plots.Style.LINE_MARKERS);
    paperSeries(osp, rs, order, 0);
    osp.add("ours: only DA (single network, mean of " + c.members() + ")", order, frac(rs, r -> r.single().ospOod()),
        Plots.Style.LINE_MARKERS);
    for (int i = 1; i < FashionMnistExperiment.PAPER_ROWS.length; i++) paperSeries(osp, rs, order, i);
    save(osp, files, "osp.png");

    Plots.Plot gap = new Plots.Plot("How far the deep ensemble's OSP is from the infinite ensemble's (NTK), OOD inputs",
        "ensemble size M (the first M members averaged)", "(OSP of NTK - OSP of ensemble) / |G|");
    for (GroupResult r : rs) {
      double[] x = new double[r.ensembleSizes().length];
      double[] y = new double[x.length];
      for (int s = 0; s < x.length; s++) {
        x[s] = r.ensembleSizes()[s];
        y[s] = (r.ntk().ospOod() - r.ospOodBySize()[s]) / r.order();
      }
      gap.add(r.group() + (r.exactAction() ? "" : " (interpolated)"), x, y, Plots.Style.LINE_MARKERS);
    }
    gap.dashed("0: the ensemble is as invariant as the NTK", new double[] {1, c.members()},
        new double[] {0, 0});
    save(gap, files, "osp_vs_ensemble_size.png");

    Plots.Plot acc = new Plots.Plot("Test accuracy on unrotated Fashion-MNIST test images, trained with rotation augmentation",
        "group order |G|", "test accuracy");
    acc.add("NTK, infinite ensemble + DA (" + c.steps() + " steps)", order, values(rs, r -> r.ntk().accuracy()),
        Plots.Style.LINE_MARKERS);
    acc.add("NTK, infinite ensemble + DA (converged)", order, values(rs, r -> r.ntkConverged().accuracy()),
        Plots.Style.LINE_MARKERS);
    acc.add("DeepEns+DA (" + c.members() + " x width " + c.width() + ")", order, values(rs, r -> r.ensemble().accuracy()),
        Plots.Style.LINE_MARKERS);
    acc.add("only DA (single network, mean)", order, values(rs, r -> r.single().accuracy()), Plots.Style.LINE_MARKERS);
    save(acc, files, "accuracy.png");
  }

  private static void paperSeries(Plots.Plot p, List<GroupResult> rs, double[] order, int row) {
    double[] y = frac(rs, r -> paper(row, r.group()));
    boolean any = false;
    for (double v : y) any |= !Double.isNaN(v);
    if (any) p.add("paper: " + FashionMnistExperiment.PAPER_ROWS[row], order, y, Plots.Style.DASHED);
  }

  private static double[] values(List<GroupResult> rs, java.util.function.ToDoubleFunction<GroupResult> f) {
    double[] y = new double[rs.size()];
    for (int i = 0; i < y.length; i++) y[i] = f.applyAsDouble(rs.get(i));
    return y;
  }

  private static double[] frac(List<GroupResult> rs, java.util.function.ToDoubleFunction<GroupResult> f) {
    double[] y = new double[rs.size()];
    for (int i = 0; i < y.length; i++) y[i] = f.applyAsDouble(rs.get(i)) / rs.get(i).order();
    return y;
  }

  private static void save(Plots.Plot p, OutputFiles files, String name) throws java.io.IOException {
    Path staged = files.stage(name);
    Path written = Plots.save(p, staged);
    if (!written.equals(staged)) Files.move(written, staged, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
  }
}
