package org.ntk4j.spark;

/** Which of the two infinite-width kernels: the NNGP Σ or the NTK Θ. */
public enum KernelKind { NNGP, NTK }
