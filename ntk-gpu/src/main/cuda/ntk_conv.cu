// ntk4j GPU kernels for convolutional networks in diagonal mode (Conv, nonlinearities, Flatten, Dense readout):
// one thread block per pair holds the pair's per-position Σ and Θ in shared memory (two buffers, 4·maxP doubles);
// the k×k tap sums of each Conv read the neighbours there (TwoSum, as SpatialKernels' EXACT path), nonlinearities
// apply in place, Flatten reduces. float64 (_f64) and float32 (_f32, results returned as float64). Compiled to
// ntk_conv.ptx (committed, see README "GPU backend").
#include "ntk_math.cuh"

// Self pass: block i runs input i against itself and records its per-position variances.
template <typename T>
__device__ void conv_self(const T* x, int n, int P, int C, const double* prog, int nops, const int* geom, int maxP,
                          T* tape, int per) {
  NTK_SHARED(shd);
  T* sh = reinterpret_cast<T*>(shd);
  int i = blockIdx.x;
  if (i >= n) return;
  BlockTeam team;
  const T* xi = x + (long long) i * P * C;
  for (int p = team.tid(); p < P; p += team.size()) {
    sh[p] = input_position(xi, xi, p, C);
    sh[maxP + p] = T(0);
  }
  team.sync();
  SelfVarP<T> var{tape, per, i};
  T res[2];
  run_spatial<T>(prog, nops, geom, sh, sh + maxP, sh + 2 * maxP, sh + 3 * maxP, P, team, var, res);
}

// One tile: block (c, r) is the pair (ia0 + r, jb0 + c); results (float64) at out[r·ld + c].
template <typename T>
__device__ void conv_tile(const T* xa, int ia0, const T* xb, int jb0, int rows, int cols, int P, int C,
                          const double* prog, int nops, const int* geom, int maxP, const T* tapeA, const T* tapeB,
                          int per, double* outNngp, double* outNtk, int ld) {
  NTK_SHARED(shd);
  T* sh = reinterpret_cast<T*>(shd);
  int r = blockIdx.y, c = blockIdx.x;
  if (r >= rows || c >= cols) return;
  BlockTeam team;
  int i = ia0 + r, j = jb0 + c;
  const T* xi = xa + (long long) i * P * C;
  const T* xj = xb + (long long) j * P * C;
  for (int p = team.tid(); p < P; p += team.size()) {
    sh[p] = input_position(xi, xj, p, C);
    sh[maxP + p] = T(0);
  }
  team.sync();
  PairVarP<T> var{tapeA, tapeB, per, i, j};
  T res[2];
  run_spatial<T>(prog, nops, geom, sh, sh + maxP, sh + 2 * maxP, sh + 3 * maxP, P, team, var, res);
  if (team.tid() == 0) {
    outNngp[(long long) r * ld + c] = (double) res[0];
    outNtk[(long long) r * ld + c] = (double) res[1];
  }
}

extern "C" __global__ void ntk_conv_self_f64(const double* x, int n, int P, int C, const double* prog, int nops,
                                             const int* geom, int maxP, double* tape, int per) {
  conv_self<double>(x, n, P, C, prog, nops, geom, maxP, tape, per);
}

extern "C" __global__ void ntk_conv_self_f32(const float* x, int n, int P, int C, const double* prog, int nops,
                                             const int* geom, int maxP, float* tape, int per) {
  conv_self<float>(x, n, P, C, prog, nops, geom, maxP, tape, per);
}

extern "C" __global__ void ntk_conv_tile_f64(const double* xa, int ia0, const double* xb, int jb0, int rows, int cols,
                                             int P, int C, const double* prog, int nops, const int* geom, int maxP,
                                             const double* tapeA, const double* tapeB, int per,
                                             double* outNngp, double* outNtk, int ld) {
  conv_tile<double>(xa, ia0, xb, jb0, rows, cols, P, C, prog, nops, geom, maxP, tapeA, tapeB, per, outNngp, outNtk, ld);
}

extern "C" __global__ void ntk_conv_tile_f32(const float* xa, int ia0, const float* xb, int jb0, int rows, int cols,
                                             int P, int C, const double* prog, int nops, const int* geom, int maxP,
                                             const float* tapeA, const float* tapeB, int per,
                                             double* outNngp, double* outNtk, int ld) {
  conv_tile<float>(xa, ia0, xb, jb0, rows, cols, P, C, prog, nops, geom, maxP, tapeA, tapeB, per, outNngp, outNtk, ld);
}
