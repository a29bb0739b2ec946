package org.ntk4j.finite;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.ntk4j.Inputs;
import org.ntk4j.Shape;
import org.ntk4j.layers.Dense;
import org.ntk4j.layers.Layer;
import org.ntk4j.layers.Parameterization;
import org.ntk4j.predict.MsePredictor;
import org.ntk4j.symmetry.Group;
import org.ntk4j.symmetry.OutputAction;

/**
 * A single Dense layer is linear in its parameters, so gradient descent on it is exactly the linearised dynamics with its
 * (constant) empirical NTK: f_s = f₀ + Θ̂(x, X) Θ̂⁻¹ (I − (I − lr·Θ̂/N)^s)(Y − f₀(X)), N = n·k. This pins the loss
 * normalisation, the learning-rate convention and the augmentation bookkeeping to round-off.
 */
class TrainingTest {
  static final int D = 3, K = 2;
  static final Layer LINEAR = Dense.of(K, 1.3, 0.4);

  static Inputs gaussian(int n, int d, long seed) {
    SplittableRandom r = new SplittableRandom(seed);
    double[] v = new double[n * d];
    for (int i = 0; i < v.length; i++) v[i] = r.nextGaussian();
    return new Inputs(n, Shape.flat(d), v);
  }

  static double[] targets(int n, int k, long seed) { return gaussian(n, k, seed).data(); }

  /** f₀ + linearised GD prediction with the hand-derived kernel Θ(x, x') = W_std²·x·x'/d + b_std² (NTK param.). */
  static double[] linearPrediction(FiniteNetwork net, double[] p0, Inputs xTrain, double[] y, Inputs xTest, double lr, long s) {
    int n = xTrain.n(), m = xTest.n();
    double[] f0Train = net.apply(p0, xTrain), f0Test = net.apply(p0, xTest);
    double[] resid = new double[y.length];
    for (int i = 0; i < y.length; i++) resid[i] = y[i] - f0Train[i];
    double[] ktt = new double[n * n], kst = new double[m * n];
    for (int a = 0; a < n; a++) for (int b = 0; b < n; b++) ktt[a * n + b] = hand(xTrain.row(a), xTrain.row(b));
    for (int a = 0; a < m; a++) for (int b = 0; b < n; b++) kst[a * n + b] = hand(xTest.row(a), xTrain.row(b));
    double[] mu = MsePredictor.fit(ktt, n, resid, K, lr, 0).meanSteps(kst, m, s);
    for (int i = 0; i < mu.length; i++) mu[i] += f0Test[i];
    return mu;
  }

  static double hand(double[] a, double[] b) {
    double d = 0;
    for (int i = 0; i < a.length; i++) d += a[i] * b[i];
    return 1.3 * 1.3 * d / a.length + 0.4 * 0.4;
  }

  @Test
  void empiricalNtkOfDenseIsTheHandKernel() {
    FiniteNetwork net = new FiniteNetwork(LINEAR, Shape.flat(D), Parameterization.NTK);
    Inputs x = gaussian(5, D, 1);
    double[] p = net.initialize(3);
    // a tiny budget forces one gradient row per block: block pairs, mirroring
    double[] ntk = net.empiricalNtk(p, x, 1);
    double[] ref = net.empiricalKernels(p, x, x).ntk();
    for (int a = 0; a < 5; a++) {
      for (int b = 0; b < 5; b++) {
        assertEquals(hand(x.row(a), x.row(b)), ntk[a * 5 + b], 1e-13);
        assertEquals(ref[a * 5 + b], ntk[a * 5 + b], 1e-13);
      }
    }
  }

  @Test
  void fullBatchGradientDescentOnALinearModelIsTheDiscreteStepPredictor() {
    FiniteNetwork net = new FiniteNetwork(LINEAR, Shape.flat(D), Parameterization.NTK);
    Inputs x = gaussian(6, D, 2), xt = gaussian(4, D, 3);
    double[] y = targets(6, K, 4);
    double lr = 0.7;
    Trainer tr = new Trainer(net, x, y, Training.fullBatch(lr, 0, 1, 7, 40));
    double[] p0 = net.initialize(11);
    double[][][] out = tr.train(p0.clone(), List.of(xt), new SplittableRandom(0), null);
    long[] steps = {0, 1, 7, 40};
    for (int r = 0; r < steps.length; r++) {
      double[] ref = linearPrediction(net, p0, x, y, xt, lr, steps[r]);
      for (int i = 0; i < ref.length; i++) assertEquals(ref[i], out[r][0][i], 1e-11, "step " + steps[r] + " entry " + i);
    }
    // the fit actually moved: after 40 steps the prediction is far from the initial one
    assertTrue(EnsembleComparison.rms(out[0][0], out[3][0]) > 0.1);
  }

  @Test
  void fullBatchLargerThanOneChunkIsStillTheDiscreteStepPredictor() {
    // regression: a full batch of more than Trainer.CHUNK samples is accumulated chunk by chunk (it once hit a null buffer)
    FiniteNetwork net = new FiniteNetwork(LINEAR, Shape.flat(D), Parameterization.NTK);
    int n = Trainer.CHUNK + 76;
    Inputs x = gaussian(n, D, 5), xt = gaussian(3, D, 6);
    double[] y = targets(n, K, 7);
    double lr = 0.7;
    double[] p0 = net.initialize(12);
    double[][][] out = new Trainer(net, x, y, Training.fullBatch(lr, 0, 3)).train(p0.clone(), List.of(xt), new SplittableRandom(0), null);
    double[] ref = linearPrediction(net, p0, x, y, xt, lr, 3);
    for (int i = 0; i < ref.length; i++) assertEquals(ref[i], out[1][0][i], 1e-11, "entry " + i);
    assertTrue(EnsembleComparison.rms(out[0][0], out[1][0]) > 1e-3, "three steps moved the prediction");
  }

  @Test
  void oneStepByHand() {
    // f = (W_std/√d)·x·W, one input, one output, d = 1: θ₁ = θ₀ − lr·(f − y)·x·W_std (N = 1)
    Layer l = Dense.of(1, 2.0, Double.NaN);
    FiniteNetwork net = new FiniteNetwork(l, Shape.flat(1), Parameterization.NTK);
    Inputs x = new Inputs(1, Shape.flat(1), new double[] {0.5});
    double[] p = {0.3};
    double f0 = 2.0 * 0.5 * 0.3, y = 1.0, lr = 0.25;
    double w1 = 0.3 - lr * (f0 - y) * 0.5 * 2.0;
    double[][][] out = new Trainer(net, x, new double[] {y}, Training.fullBatch(lr, 1)).train(p, List.of(x), new SplittableRandom(0), null);
    assertEquals(w1, p[0], 1e-15);
    assertEquals(2.0 * 0.5 * w1, out[0][0][0], 1e-15);
  }

  @Test
  void sgdWithTheWholeSetAsBatchIsFullBatchUpToSummationOrder() {
    FiniteNetwork net = new FiniteNetwork(LINEAR, Shape.flat(D), Parameterization.NTK);
    Inputs x = gaussian(6, D, 2), xt = gaussian(4, D, 3);
    double[] y = targets(6, K, 4);
    double[] p0 = net.initialize(11);
    Training gd = Training.fullBatch(0.5, 25);
    double[] a = new Trainer(net, x, y, gd).train(p0.clone(), List.of(xt), new SplittableRandom(1), null)[0][0];
    double[] b = new Trainer(net, x, y, gd.withSgdBatch(6)).train(p0.clone(), List.of(xt), new SplittableRandom(1), null)[0][0];
    double[] c = new Trainer(net, x, y, gd.withSgdBatch(2)).train(p0.clone(), List.of(xt), new SplittableRandom(1), null)[0][0];
    for (int i = 0; i < a.length; i++) assertEquals(a[i], b[i], 1e-12);
    // small batches follow another path but fit the same linear problem: both near the t = 25 solution
    assertTrue(EnsembleComparison.rms(a, c) > 1e-6, "mini-batches of 2 should not reproduce full-batch GD");
    assertTrue(EnsembleComparison.rms(a, c) < 0.5);
  }

  @Test
  void fullOrbitAugmentationTrainsOnTheOrbit() {
    // C4 on ℝ² with equivariant 2-d targets: training on the orbit is the linear predictor on the 4n orbit samples
    FiniteNetwork net = new FiniteNetwork(Dense.of(K, 1.3, 0.4), Shape.flat(2), Parameterization.NTK);
    Group g = TestGroups.rotation90();
    OutputAction rho = TestGroups.rotation90Outputs();
    Inputs x = gaussian(3, 2, 5), xt = gaussian(4, 2, 6);
    double[] y = targets(3, K, 7);
    double lr = 0.6;
    Training cfg = Training.fullBatch(lr, 9).withAugmentation(Augmentation.fullOrbit(g, rho));
    Trainer tr = new Trainer(net, x, y, cfg);
    Inputs xo = tr.trainingInputs();
    double[] yo = tr.trainingTargets();
    assertEquals(12, xo.n());
    // sample 1 rotated once: (a, b) -> (-b, a), target likewise
    assertEquals(-x.get(1, 1), xo.get(3 + 1, 0), 0.0);
    assertEquals(x.get(1, 0), xo.get(3 + 1, 1), 0.0);
    assertEquals(-y[1 * K + 1], yo[(3 + 1) * K], 0.0);
    double[] p0 = net.initialize(8);
    double[] out = tr.train(p0.clone(), List.of(xt), new SplittableRandom(0), null)[0][0];
    double[] ref = linearPrediction(net, p0, xo, yo, xt, lr, 9);
    for (int i = 0; i < ref.length; i++) assertEquals(ref[i], out[i], 1e-11);
    double[] plain = linearPrediction(net, p0, x, y, xt, lr, 9);
    assertTrue(EnsembleComparison.rms(plain, out) > 0.05, "augmentation changed nothing");
  }

  @Test
  void refusesBadConfigurations() {
    FiniteNetwork net = new FiniteNetwork(LINEAR, Shape.flat(D), Parameterization.NTK);
    Inputs x = gaussian(4, D, 2);
    double[] y = targets(4, K, 4);
    assertThrows(IllegalArgumentException.class, () -> Training.fullBatch(0, 1));
    assertThrows(IllegalArgumentException.class, () -> Training.fullBatch(Double.NaN, 1));
    assertThrows(IllegalArgumentException.class, () -> Training.fullBatch(0.1, 3, 3));
    assertThrows(IllegalArgumentException.class, () -> Training.fullBatch(0.1, -1));
    assertThrows(IllegalArgumentException.class, () -> Training.fullBatch(0.1, 1).withSgdBatch(-2));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> new Trainer(net, x, y, Training.fullBatch(0.1, 1).withSgdBatch(5)));
    assertTrue(e.getMessage().contains("exceeds"), e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> new Trainer(net, x, new double[7], Training.fullBatch(0.1, 1)));
    double[] bad = y.clone();
    bad[3] = Double.NaN;
    e = assertThrows(IllegalArgumentException.class, () -> new Trainer(net, x, bad, Training.fullBatch(0.1, 1)));
    assertTrue(e.getMessage().contains("training target 1"), e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> new Trainer(net, gaussian(4, D + 1, 1), y, Training.fullBatch(0.1, 1)));
    assertThrows(IllegalArgumentException.class, () -> new Trainer(net, x, y,
        Training.fullBatch(0.1, 1).withAugmentation(Augmentation.fullOrbit(TestGroups.rotation90(), OutputAction.invariant()))));
    assertThrows(IllegalArgumentException.class, () -> Ensemble.train(net, x, y, Training.fullBatch(0.1, 1), List.of(x), 0, 1, 1, null));
  }
}
