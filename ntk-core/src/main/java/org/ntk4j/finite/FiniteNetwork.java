package org.ntk4j.finite;

import java.util.SplittableRandom;
import org.ntk4j.Inputs;
import org.ntk4j.Shape;
import org.ntk4j.kernel.Kernels;
import org.ntk4j.layers.ArchitectureException;
import org.ntk4j.layers.Layer;
import org.ntk4j.layers.Parameterization;

/**
 * A finite-width network built from the same architecture description as the analytic kernel. Parameters are one
 * flat {@code double[]}; {@link #initialize} draws them reproducibly from a seed.
 */
public final class FiniteNetwork {
  private final Layer architecture;
  private final FiniteLayer root;
  private final Parameterization parameterization;

  /** {@code architecture} must state every width (see {@link org.ntk4j.layers.Layers#withWidths}). */
  public FiniteNetwork(Layer architecture, Shape input, Parameterization parameterization) {
    this.architecture = architecture;
    this.parameterization = parameterization;
    this.root = architecture.instantiate(input, parameterization);
    if (!root.outputShape().isFlat()) {
      throw new ArchitectureException("the network ends with spatial shape " + root.outputShape()
          + "; add Flatten or GlobalAvgPool and a Dense readout");
    }
  }

  public Layer architecture() { return architecture; }
  public Parameterization parameterization() { return parameterization; }
  public FiniteLayer root() { return root; }
  public int parameterCount() { return root.parameterCount(); }
  public int outputs() { return root.outputShape().channels(); }
  public Shape inputShape() { return root.inputShape(); }

  /** Fresh parameters drawn from {@code seed}. */
  public double[] initialize(long seed) {
    double[] p = new double[parameterCount()];
    root.initialize(p, 0, new SplittableRandom(seed));
    return p;
  }

  private void check(Inputs x) {
    if (!x.shape().equals(root.inputShape())) {
      throw new IllegalArgumentException("inputs have shape " + x.shape() + ", the network expects " + root.inputShape());
    }
  }

  /** Outputs, row-major {@code n × outputs}. */
  public double[] apply(double[] params, Inputs x) {
    check(x);
    return root.forward(params, 0, x.data(), x.n()).output();
  }

  /** Forward pass keeping what the backward pass needs. */
  public FiniteLayer.Forward forward(double[] params, Inputs x) {
    check(x);
    return root.forward(params, 0, x.data(), x.n());
  }

  /** Adds dL/dθ for upstream gradient {@code dy} (n × outputs) into {@code grad}; returns dL/dx. */
  public double[] backward(double[] params, FiniteLayer.Forward forward, double[] dy, int batch, double[] grad) {
    return root.backward(params, 0, forward, dy, batch, grad);
  }

  /**
   * Jacobian of every output of every input with respect to all parameters: row {@code i * outputs + o} holds
   * ∂f_o(x_i)/∂θ.
   */
  public double[][] jacobian(double[] params, Inputs x) {
    check(x);
    int k = outputs();
    double[][] j = new double[x.n() * k][];
    for (int i = 0; i < x.n(); i++) {
      Inputs xi = x.slice(i, i + 1);
      FiniteLayer.Forward f = root.forward(params, 0, xi.data(), 1);
      for (int o = 0; o < k; o++) {
        double[] dy = new double[k];
        dy[o] = 1.0;
        double[] g = new double[params.length];
        root.backward(params, 0, f, dy, 1, g);
        j[i * k + o] = g;
      }
    }
    return j;
  }

  /**
   * Empirical NNGP f(x)·f(x')/k and empirical NTK J(x)·J(x')ᵀ/k, both averaged over the k outputs (the analytic kernels
   * are Σ⊗I and Θ⊗I).
   */
  public Kernels empiricalKernels(double[] params, Inputs x1, Inputs x2) {
    int k = outputs();
    double[] f1 = apply(params, x1);
    double[] f2 = x2 == x1 ? f1 : apply(params, x2);
    double[][] j1 = jacobian(params, x1);
    double[][] j2 = x2 == x1 ? j1 : jacobian(params, x2);
    int n1 = x1.n(), n2 = x2.n();
    double[] nngp = new double[n1 * n2];
    double[] ntk = new double[n1 * n2];
    for (int a = 0; a < n1; a++) {
      for (int b = 0; b < n2; b++) {
        double sf = 0, sj = 0;
        for (int o = 0; o < k; o++) {
          sf += f1[a * k + o] * f2[b * k + o];
          double[] ja = j1[a * k + o], jb = j2[b * k + o];
          double d = 0;
          for (int t = 0; t < ja.length; t++) d += ja[t] * jb[t];
          sj += d;
        }
        nngp[a * n2 + b] = sf / k;
        ntk[a * n2 + b] = sj / k;
      }
    }
    return new Kernels(n1, n2, nngp, ntk);
  }

  /**
   * The empirical NTK averaged over the k outputs, (1/k)·Σ_o ∂f_o(x_a)/∂θ · ∂f_o(x_b)/∂θ, n × n row-major, without holding
   * the whole Jacobian: per output, gradient rows of at most {@code memoryBudget} bytes at a time (recomputed per block
   * pair), their Gram blocks through BLAS, upper triangle mirrored. Deterministic (fixed block order).
   */
  public double[] empiricalNtk(double[] params, Inputs x, long memoryBudget) {
    check(x);
    int n = x.n(), k = outputs(), p = parameterCount();
    int c = (int) Math.max(1, Math.min(n, memoryBudget / 2 / (8L * Math.max(1, p))));
    double[] ntk = new double[n * n];
    double[] ga = new double[c * p], gb = new double[c * p], blk = new double[c * c];
    org.ntk4j.linalg.DenseLinalg la = org.ntk4j.linalg.DenseLinalg.get();
    for (int o = 0; o < k; o++) {
      for (int a0 = 0; a0 < n; a0 += c) {
        int ca = Math.min(c, n - a0);
        gradientRows(params, x, o, a0, ca, ga);
        for (int b0 = a0; b0 < n; b0 += c) {
          int cb = Math.min(c, n - b0);
          double[] g2 = ga;
          if (b0 != a0) {
            gradientRows(params, x, o, b0, cb, gb);
            g2 = gb;
          }
          la.dgemm(false, true, ca, cb, p, 1.0, ga, 0, g2, 0, 0.0, blk, 0);
          for (int i = 0; i < ca; i++) for (int j = 0; j < cb; j++) ntk[(a0 + i) * n + b0 + j] += blk[i * cb + j];
        }
      }
    }
    for (int a = 0; a < n; a++) {
      for (int b = a; b < n; b++) {
        double v = ntk[a * n + b] / k;
        ntk[a * n + b] = v;
        ntk[b * n + a] = v;
      }
    }
    return ntk;
  }

  private void gradientRows(double[] params, Inputs x, int o, int from, int count, double[] rows) {
    int k = outputs(), p = parameterCount(), s = x.shape().size();
    java.util.Arrays.fill(rows, 0, count * p, 0.0);
    double[] g = new double[p];
    for (int i = 0; i < count; i++) {
      double[] xi = java.util.Arrays.copyOfRange(x.data(), (from + i) * s, (from + i + 1) * s);
      FiniteLayer.Forward f = root.forward(params, 0, xi, 1);
      double[] dy = new double[k];
      dy[o] = 1.0;
      java.util.Arrays.fill(g, 0.0);
      root.backward(params, 0, f, dy, 1, g);
      System.arraycopy(g, 0, rows, i * p, p);
    }
  }
}
