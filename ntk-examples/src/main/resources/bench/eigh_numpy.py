"""Reference for `ntk bench eigh`: numpy.linalg.eigh (LAPACK dsyevd through numpy's OpenBLAS) on the same matrix.

Usage: python3 eigh_numpy.py K.npy repeats  -> prints the numpy/BLAS configuration line, then one line per repeat: seconds
"""
import sys
import time

import numpy as np


def main():
    k = np.load(sys.argv[1])
    repeats = int(sys.argv[2])
    try:
        cfg = np.show_config(mode="dicts")["Build Dependencies"]["lapack"]
        print("numpy %s, %s %s" % (np.__version__, cfg.get("name", "?"), cfg.get("version", "")))
    except Exception:  # older numpy: no dict mode
        print("numpy %s" % np.__version__)
    for _ in range(repeats):
        t0 = time.perf_counter()
        w, v = np.linalg.eigh(k)
        print("%.6f" % (time.perf_counter() - t0), flush=True)
    del w, v


if __name__ == "__main__":
    main()
