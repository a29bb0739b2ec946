package org.ntk4j.predict;

/**
 * Mean and covariance of the outputs on m inputs: {@code mean} m × outputs row-major; {@code covariance} m × m row-major
 * (the same for every output, the kernels being K ⊗ I), or null when it was not asked for.
 */
public record Gaussian(int m, int outputs, double[] mean, double[] covariance) {
  public double mean(int i, int o) { return mean[i * outputs + o]; }

  public double covariance(int i, int j) { return covariance[i * m + j]; }
}
