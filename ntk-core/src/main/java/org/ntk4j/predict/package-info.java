/**
 * Closed-form training dynamics of infinitely wide networks on MSE, following neural-tangents' {@code predict} module.
 *
 * <ul>
 *   <li>{@link org.ntk4j.predict.KernelSpectrum}: the cached eigendecomposition of one training kernel (regularized as
 *       nt's {@code diag_reg}, see {@link org.ntk4j.predict.Regularization}), with null directions and PSD diagnostics;</li>
 *   <li>{@link org.ntk4j.predict.SpectralFunction}: the scalar factors r(λ) and (1 − r(λ))/λ of gradient flow at time t
 *       or of k gradient-descent steps, shared by every solver working in an eigenbasis;</li>
 *   <li>{@link org.ntk4j.predict.MsePredictor}: means ({@code gradient_descent_mse}) on test and training inputs at many
 *       times at once, and {@code max_learning_rate};</li>
 *   <li>{@link org.ntk4j.predict.EnsemblePredictor}: mean and covariance of the infinite ensemble
 *       ({@code gradient_descent_mse_ensemble}), NTK or NNGP dynamics, test–test and train–train;</li>
 *   <li>{@link org.ntk4j.predict.GpInference}: the t = ∞ posteriors ({@code gp_inference}) by Cholesky, with a
 *       pseudo-inverse fallback for singular kernels.</li>
 * </ul>
 * Conventions: targets Y are n × outputs row-major, kernels n × n / m × n row-major, N = n·outputs, the exponent is
 * −lr·t·K/N, and every kernel is K ⊗ I over the outputs.
 */
package org.ntk4j.predict;
