package org.ntk4j.predict;

/**
 * The kernels between m test inputs and the n training inputs that a prediction needs, row-major: Σ(x, X) and Θ(x, X)
 * (m × n; one may be null when the dynamics do not use it) and Σ(x, x) (m × m; null when no covariance is wanted).
 */
public record TestKernels(int m, double[] nngpTestTrain, double[] ntkTestTrain, double[] nngpTestTest) {
  public TestKernels {
    if (m < 1) throw new IllegalArgumentException("need at least one test input, got m = " + m);
  }

  /** Just the test-test NNGP for covariances and the test-train kernels of both kinds. */
  public static TestKernels of(int m, double[] nngpTestTrain, double[] ntkTestTrain, double[] nngpTestTest) {
    return new TestKernels(m, nngpTestTrain, ntkTestTrain, nngpTestTest);
  }

  double[] require(double[] a, long size, String what) {
    if (a == null) throw new IllegalArgumentException(what + " is needed but missing");
    if (a.length != size) throw new IllegalArgumentException(what + " has " + a.length + " values, expected " + size);
    for (int i = 0; i < a.length; i++) {
      if (!Double.isFinite(a[i])) throw new IllegalArgumentException(what + " has a non-finite value " + a[i] + " at flat index " + i);
    }
    return a;
  }
}
