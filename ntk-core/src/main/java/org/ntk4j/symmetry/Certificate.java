package org.ntk4j.symmetry;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.ntk4j.Inputs;
import org.ntk4j.io.Json;

/**
 * An invariance certificate of an augmented infinite ensemble: at each requested time, the orbit deviation
 * max_g ‖μ_t(ρ_X(g)x) − ρ_Y(g)μ_t(x)‖ (absolute and relative to max ‖μ_t(x)‖, {@link Orbits#deviation}) on the
 * training, test and off-distribution inputs; the kernel invariance error over sampled pairs of all of them; and for
 * one-hot targets the orbit-same-prediction rate ({@link Orbits#sameArgmax}). The deviation is measured against the
 * full group, also when the training set was augmented only partially.
 */
public record Certificate(String group, int order, boolean exact, boolean closed, String outputAction, String path, boolean fastPath,
                          KernelInvariance.Result kernelInvariance, boolean oneHot, List<AtTime> times) {

  /** Orbit statistics of one set of inputs. {@code osp}: mean over inputs of (elements with the same argmax)/|G|; NaN unless one-hot. */
  public record Split(String name, int n, Orbits.Deviation deviation, double osp, double ospAll) {}

  /** All splits at one time. */
  public record AtTime(double t, List<Split> splits) {
    /** The largest relative deviation over the splits. */
    public double maxRelative() {
      double m = 0;
      for (Split s : splits) m = Math.max(m, s.deviation().relative());
      return m;
    }

    public Split split(String name) {
      for (Split s : splits) if (s.name().equals(name)) return s;
      throw new IllegalArgumentException("no split " + name);
    }
  }

  /**
   * @param splits named input sets (e.g. train, test, ood), in order; null values are skipped
   * @param oneHot whether to report OSP (targets one-hot)
   */
  public static Certificate compute(AugmentedRegression reg, Map<String, Inputs> splits, double[] times, boolean oneHot) {
    Group g = reg.group();
    OutputAction rho = reg.outputAction();
    int k = reg.outputs();
    int order = g.order();
    for (double t : times) if (!(t >= 0)) throw new IllegalArgumentException("training time must be >= 0 (or infinity), got " + t);
    Map<String, AugmentedRegression.Prepared> prepared = new LinkedHashMap<>();
    Inputs all = null;
    for (Map.Entry<String, Inputs> e : splits.entrySet()) {
      if (e.getValue() == null) continue;
      prepared.put(e.getKey(), reg.prepare(Augmentation.orbitInputs(e.getValue(), g)));
      all = all == null ? e.getValue() : Inputs.concat(all, e.getValue());
    }
    if (all == null) throw new IllegalArgumentException("no inputs to certify");
    KernelInvariance.Result inv = KernelInvariance.check(reg.kernelFunction(), all, g, 24, 64, 1);
    List<AtTime> out = new ArrayList<>();
    for (double t : times) {
      List<Split> ss = new ArrayList<>();
      for (Map.Entry<String, AugmentedRegression.Prepared> e : prepared.entrySet()) {
        int m = e.getValue().size() / order;
        double[] f = e.getValue().meanFlow(t);
        double[][] fg = new double[order][];
        for (int h = 0; h < order; h++) fg[h] = java.util.Arrays.copyOfRange(f, h * m * k, (h + 1) * m * k);
        Orbits.Deviation d = Orbits.deviation(fg, m, order, rho, k);
        double osp = Double.NaN, ospAll = Double.NaN;
        if (oneHot) {
          int[] c = Orbits.sameArgmax(fg, m, order, k);
          double sum = 0;
          int full = 0;
          for (int v : c) {
            sum += v / (double) order;
            if (v == order) full++;
          }
          osp = sum / m;
          ospAll = full / (double) m;
        }
        ss.add(new Split(e.getKey(), m, d, osp, ospAll));
      }
      out.add(new AtTime(t, ss));
    }
    return new Certificate(g.name(), order, g.isExact(), g.isClosed(), rho.toString(), reg.path(), reg.usedFastPath(), inv, oneHot, out);
  }

  /** Whether every row of y (n × k) is one-hot: one entry 1, the others 0. */
  public static boolean isOneHot(double[] y, int k) {
    if (k < 2) return false;
    for (int i = 0; i < y.length / k; i++) {
      int ones = 0;
      for (int o = 0; o < k; o++) {
        double v = y[i * k + o];
        if (v == 1) ones++;
        else if (v != 0) return false;
      }
      if (ones != 1) return false;
    }
    return true;
  }

  /** The largest relative deviation over all times and splits. */
  public double maxRelative() {
    double m = 0;
    for (AtTime a : times) m = Math.max(m, a.maxRelative());
    return m;
  }

  /** The certificate as a JSON object. */
  public String toJson() {
    StringBuilder b = new StringBuilder();
    b.append("{\n");
    b.append("  \"group\": ").append(Json.string(group)).append(",\n");
    b.append("  \"order\": ").append(order).append(",\n");
    b.append("  \"exact\": ").append(exact).append(",\n");
    b.append("  \"closed\": ").append(closed).append(",\n");
    b.append("  \"output_action\": ").append(Json.string(outputAction)).append(",\n");
    b.append("  \"path\": ").append(Json.string(fastPath ? "fast" : "explicit")).append(",\n");
    b.append("  \"path_reason\": ").append(Json.string(path)).append(",\n");
    b.append("  \"kernel_invariance\": {\"ntk_relative\": ").append(num(kernelInvariance.ntkError()))
        .append(", \"nngp_relative\": ").append(num(kernelInvariance.nngpError()))
        .append(", \"ntk_scale\": ").append(num(kernelInvariance.ntkScale()))
        .append(", \"inputs\": ").append(kernelInvariance.inputs())
        .append(", \"elements\": ").append(kernelInvariance.elements()).append("},\n");
    b.append("  \"one_hot\": ").append(oneHot).append(",\n");
    b.append("  \"times\": [");
    for (int i = 0; i < times.size(); i++) {
      AtTime a = times.get(i);
      b.append(i == 0 ? "\n" : ",\n").append("    {\"t\": ").append(Double.isInfinite(a.t()) ? "\"inf\"" : num(a.t()));
      for (Split s : a.splits()) {
        b.append(", ").append(Json.string(s.name())).append(": {\"n\": ").append(s.n())
            .append(", \"absolute\": ").append(num(s.deviation().absolute()))
            .append(", \"relative\": ").append(num(s.deviation().relative()))
            .append(", \"mean_absolute\": ").append(num(s.deviation().meanAbsolute()));
        if (oneHot) b.append(", \"osp\": ").append(num(s.osp())).append(", \"osp_all\": ").append(num(s.ospAll()));
        b.append("}");
      }
      b.append("}");
    }
    b.append("\n  ]\n}\n");
    return b.toString();
  }

  /** A short table: one row per time, relative deviation per split. */
  public String table() {
    StringBuilder b = new StringBuilder();
    b.append(String.format(Locale.ROOT, "group %s (|G| = %d, %s%s), outputs %s, %s%n", group, order, exact ? "exact" : "NOT exact: approximate action",
        closed ? "" : ", not closed", outputAction, path));
    b.append(String.format(Locale.ROOT, "kernel invariance error (relative): NTK %.3g, NNGP %.3g%n", kernelInvariance.ntkError(), kernelInvariance.nngpError()));
    b.append(String.format(Locale.ROOT, "%-10s", "t"));
    List<Split> first = times.isEmpty() ? List.of() : times.get(0).splits();
    for (Split s : first) b.append(String.format(Locale.ROOT, " %14s", s.name() + " rel"));
    if (oneHot) for (Split s : first) b.append(String.format(Locale.ROOT, " %10s", s.name() + " OSP"));
    b.append('\n');
    for (AtTime a : times) {
      b.append(String.format(Locale.ROOT, "%-10s", Double.isInfinite(a.t()) ? "inf" : String.format(Locale.ROOT, "%g", a.t())));
      for (Split s : a.splits()) b.append(String.format(Locale.ROOT, " %14.3e", s.deviation().relative()));
      if (oneHot) for (Split s : a.splits()) b.append(String.format(Locale.ROOT, " %10.4f", s.osp()));
      b.append('\n');
    }
    return b.toString();
  }

  private static String num(double v) {
    if (Double.isNaN(v)) return "null";
    if (Double.isInfinite(v)) return v > 0 ? "\"inf\"" : "\"-inf\"";
    return Double.toString(v);
  }
}
