// ntk4j GPU kernels for convolutional networks in diagonal mode (Conv, nonlinearities, Flatten, Dense readout):
// one thread block per pair holds the pair's per-position Σ and Θ in shared memory (two buffers, 4·maxP doubles);
// the k×k tap sums of each Conv read the neighbours there (TwoSum, as SpatialKernels' EXACT path), nonlinearities
// apply in place, Flatten reduces. float64 only. Compiled to ntk_conv.ptx (committed, see README "GPU backend").
#include "ntk_math.cuh"

// Self pass: block i runs input i against itself and records its per-position variances.
extern "C" __global__ void ntk_conv_self_f64(const double* x, int n, int P, int C, const double* prog, int nops,
                                             const int* geom, int maxP, double* tape, int per) {
  extern __shared__ double sh[];
  int i = blockIdx.x;
  if (i >= n) return;
  BlockTeam team;
  const double* xi = x + (long long) i * P * C;
  for (int p = team.tid(); p < P; p += team.size()) {
    sh[p] = input_position(xi, xi, p, C);
    sh[maxP + p] = 0.0;
  }
  team.sync();
  SelfVarP var{tape, per, i};
  double res[2];
  run_spatial(prog, nops, geom, sh, sh + maxP, sh + 2 * maxP, sh + 3 * maxP, P, team, var, res);
}

// One tile: block (c, r) is the pair (ia0 + r, jb0 + c); results at out[r·ld + c].
extern "C" __global__ void ntk_conv_tile_f64(const double* xa, int ia0, const double* xb, int jb0, int rows, int cols,
                                             int P, int C, const double* prog, int nops, const int* geom, int maxP,
                                             const double* tapeA, const double* tapeB, int per,
                                             double* outNngp, double* outNtk, int ld) {
  extern __shared__ double sh[];
  int r = blockIdx.y, c = blockIdx.x;
  if (r >= rows || c >= cols) return;
  BlockTeam team;
  int i = ia0 + r, j = jb0 + c;
  const double* xi = xa + (long long) i * P * C;
  const double* xj = xb + (long long) j * P * C;
  for (int p = team.tid(); p < P; p += team.size()) {
    sh[p] = input_position(xi, xj, p, C);
    sh[maxP + p] = 0.0;
  }
  team.sync();
  PairVarP var{tapeA, tapeB, per, i, j};
  double res[2];
  run_spatial(prog, nops, geom, sh, sh + maxP, sh + 2 * maxP, sh + 3 * maxP, P, team, var, res);
  if (team.tid() == 0) {
    outNngp[(long long) r * ld + c] = res[0];
    outNtk[(long long) r * ld + c] = res[1];
  }
}
