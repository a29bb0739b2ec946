"""Reference for `ntk bench fc`: a straightforward vectorised numpy NNGP/NTK of Dense->Relu x depth -> Dense.

Gram matrix by BLAS, then the arc-cosine recursion over whole n x n arrays (what a careful numpy user writes).
Usage: python3 fc_numpy.py X.npy depth W_std b_std repeats  -> prints one line per repeat: seconds
"""
import sys
import time

import numpy as np


def kernel(x, depth, w_std, b_std):
    d = x.shape[1]
    w2, b2 = w_std ** 2, b_std ** 2
    nngp = x @ x.T / d
    ntk = np.zeros_like(nngp)
    for _ in range(depth):
        nngp = w2 * nngp + b2          # Dense
        ntk = nngp + w2 * ntk
        var = np.diag(nngp).copy()    # Relu
        prod = np.sqrt(np.outer(var, var))
        cos = np.clip(nngp / prod, -1.0, 1.0)
        theta = np.arccos(cos)
        sin = np.sqrt(1.0 - cos * cos)
        nngp = prod / (2 * np.pi) * (sin + (np.pi - theta) * cos)
        ntk = ntk * (np.pi - theta) / (2 * np.pi)
    nngp = w2 * nngp + b2              # readout Dense
    ntk = nngp + w2 * ntk
    return nngp, ntk


def main():
    x = np.load(sys.argv[1]).astype(np.float64)
    depth, w_std, b_std, repeats = int(sys.argv[2]), float(sys.argv[3]), float(sys.argv[4]), int(sys.argv[5])
    out = sys.argv[6] if len(sys.argv) > 6 else None
    for _ in range(repeats):
        t0 = time.perf_counter()
        nngp, ntk = kernel(x, depth, w_std, b_std)
        print("%.6f" % (time.perf_counter() - t0), flush=True)
    if out:
        np.save(out, ntk)


if __name__ == "__main__":
    main()
