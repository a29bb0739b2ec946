package org.ntk4j.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;
import org.ntk4j.Inputs;
import org.ntk4j.layers.Dense;
import org.ntk4j.layers.Layer;
import org.ntk4j.layers.Layers;
import org.ntk4j.layers.Relu;

class HandDerivedTest {
  @Test
  void denseReluDenseMatchesHandDerivedValues() {
    Inputs x = Inputs.of(new double[][] {{1, 0}, {0.6, 0.8}, {-0.5, 0.5}});
    Layer arch = Layers.serial(Dense.of(1.41421356237, 0.70710678118), new Relu(), Dense.of(1.41421356237, 0.70710678118));
    Kernels k = KernelFunction.of(arch).build().compute(x);
    assertEquals(2.501094, k.ntk(0, 1), 5e-7);
    assertEquals(0.889848, k.nngp(0, 2), 5e-7);
    // by hand, independently: layer 1 Σ = W²·x·x'/2 + b²
    double w2 = 1.41421356237 * 1.41421356237, b2 = 0.70710678118 * 0.70710678118;
    double s11 = w2 * 0.5 + b2, s22 = w2 * 0.5 + b2, s12 = w2 * 0.6 / 2 + b2;
    double th = Math.acos(s12 / Math.sqrt(s11 * s22));
    double relu = Math.sqrt(s11 * s22) / (2 * Math.PI) * (Math.sin(th) + (Math.PI - th) * Math.cos(th));
    double dot = (Math.PI - th) / (2 * Math.PI);
    double nngp = w2 * relu + b2;
    double ntk = nngp + w2 * (s12 * dot); // Θ₁ = Σ₁, after ReLU Θ₁·Σ̇
    assertEquals(nngp, k.nngp(0, 1), 1e-12);
    assertEquals(ntk, k.ntk(0, 1), 1e-12);
  }
}
