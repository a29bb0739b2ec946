package org.ntk4j.predict;

/** Which kernel drives training: the NTK Θ (all layers trained) or the NNGP Σ (Bayesian: only the readout trained). */
public enum Dynamics {
  NTK, NNGP
}
