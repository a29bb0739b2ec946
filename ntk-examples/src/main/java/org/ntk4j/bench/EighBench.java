package org.ntk4j.bench;

import java.nio.file.Path;
import java.util.List;
import java.util.SplittableRandom;
import org.ntk4j.linalg.DenseLinalg;
import org.ntk4j.predict.KernelSpectrum;
import org.ntk4j.predict.Regularization;

/**
 * The predictor's eigendecomposition path ({@link KernelSpectrum#of}: copy, symmetry check, LAPACK, layout) against
 * {@code numpy.linalg.eigh} on the same n×n positive semi-definite kernel in the same run; also the bare LAPACK
 * drivers (dsyevd, dsyevr) through {@link DenseLinalg}. Target: path / numpy ≤ 1.25.
 */
public final class EighBench {
  private EighBench() {}

  public static void main(String[] args) throws Exception {
    int n = args.length > 0 ? Integer.parseInt(args[0]) : 4000;
    int repeats = args.length > 1 ? Integer.parseInt(args[1]) : 3;
    run(n, repeats);
  }

  /** Prints medians and the ratio; returns ntk4j path / numpy (NaN without a reference). */
  public static double run(int n, int repeats) throws Exception {
    // a kernel-like matrix: Gram of n random features in dimension n/2 plus a ridge, PSD with a spread spectrum
    int d = Math.max(1, n / 2);
    SplittableRandom rng = new SplittableRandom(7);
    double[] x = new double[n * d];
    for (int i = 0; i < x.length; i++) x[i] = rng.nextGaussian();
    double[] k = new double[n * n];
    DenseLinalg la = DenseLinalg.get();
    la.gemm(n, n, d, 1.0 / d, x, 0, x, 0, true, 0.0, k, 0);
    for (int i = 0; i < n; i++) {
      for (int j = i + 1; j < n; j++) k[j * n + i] = k[i * n + j]; // exactly symmetric
      k[i * n + i] += 1e-3;
    }
    System.out.printf("eigh benchmark: n=%d, %s, BLAS: %s (%d threads)%n", n, BenchSupport.machine(), la.name(), la.threads());

    KernelSpectrum[] keep = new KernelSpectrum[1];
    double[] tPath = BenchSupport.time(repeats, true, () -> keep[0] = KernelSpectrum.of(k, n, Regularization.none()));
    double[] tDc = BenchSupport.time(repeats, false, () -> la.symmetricEigenRows(n, k.clone(), new double[n], DenseLinalg.EigenMethod.DIVIDE_AND_CONQUER));
    double[] tMrrr = BenchSupport.time(repeats, false, () -> la.symmetricEigenRows(n, k.clone(), new double[n], DenseLinalg.EigenMethod.MRRR));

    double ref = Double.NaN;
    Path kf = BenchSupport.writeNpy(k, n, n);
    Path script = BenchSupport.resource("eigh_numpy.py");
    List<String> out = BenchSupport.python(List.of(script.toString(), kf.toString(), Integer.toString(repeats + 1)), 3600);
    String numpyInfo = "";
    if (out != null && out.size() >= 3) {
      numpyInfo = out.get(0);
      double[] tr = new double[out.size() - 2];
      for (int i = 2; i < out.size(); i++) tr[i - 2] = Double.parseDouble(out.get(i).trim()); // line 1 is warm-up
      ref = BenchSupport.median(tr);
    }
    double mp = BenchSupport.median(tPath), md = BenchSupport.median(tDc), mm = BenchSupport.median(tMrrr);
    System.out.printf("  ntk4j KernelSpectrum.of (dsyevd)  %8.3f s  (median of %d; %d null directions)%n", mp, repeats, keep[0].nullity());
    System.out.printf("  LAPACK dsyevd alone               %8.3f s%n", md);
    System.out.printf("  LAPACK dsyevr alone               %8.3f s%n", mm);
    if (!Double.isNaN(ref)) {
      System.out.printf("  numpy.linalg.eigh                 %8.3f s  (%s)%n", ref, numpyInfo);
      System.out.printf("  ratio ntk4j path / numpy: %.2f (target <= 1.25)%n", mp / ref);
    }
    return mp / ref;
  }
}
