// ntk4j GPU kernels for fully connected networks (flat inputs): the input Gram block and the whole layer recursion
// fused per tile, in registers; no per-layer n×n intermediates. Compiled to ntk_fc.ptx (committed, see README
// "GPU backend"): nvcc -ptx -arch=compute_80 -fmad=false -o ntk_fc.ptx ntk_fc.cu
#include "ntk_math.cuh"

// Block: 16×16 threads, each a 4×4 micro-tile of pairs → 64×64 pairs per block; features staged in shared memory
// KT at a time. Rows of a micro-tile are r = ty + 16·a, columns c = tx + 16·b (conflict-free shared reads).
#define FC_BM 64
#define FC_KT 16

// Self pass: one thread per input; Dot2 over the features in order 0..d-1 (the same sequence as every tile's
// diagonal pair, so a pair (i, i) reproduces the self-variances bitwise).
template <typename T>
__device__ void fc_self(const T* x, int n, int d, const double* prog, int nops, T* tape) {
  int i = blockIdx.x * blockDim.x + threadIdx.x;
  if (i >= n) return;
  const T* xi = x + (long long) i * d;
  Dot2<T> acc;
  dot2_init(acc);
  for (int k = 0; k < d; k++) dot2_add(acc, xi[k], xi[k]);
  T nngp = input_gram(acc, d);
  T ntk = T(0);
  SelfVar<T> var{tape, n, i};
  run_program<T>(prog, nops, nngp, ntk, var);
}

// One tile: rows ia0 .. ia0+rows-1 of xa against rows jb0 .. jb0+cols-1 of xb; results (float64) at out[r·ld + c].
template <typename T>
__device__ void fc_tile(const T* xa, int na, int ia0, int rows, const T* xb, int nb, int jb0, int cols, int d,
                        const double* prog, int nops, const T* tapeA, const T* tapeB,
                        double* outNngp, double* outNtk, int ld) {
  __shared__ T As[FC_KT][FC_BM + 1];
  __shared__ T Bs[FC_KT][FC_BM + 1];
  int tx = threadIdx.x, ty = threadIdx.y;
  int tid = ty * 16 + tx;
  int r0 = blockIdx.y * FC_BM, c0 = blockIdx.x * FC_BM;
  Dot2<T> acc[4][4];
#pragma unroll
  for (int a = 0; a < 4; a++)
#pragma unroll
    for (int b = 0; b < 4; b++) dot2_init(acc[a][b]);
  for (int k0 = 0; k0 < d; k0 += FC_KT) {
    // 64 rows × 16 features per side, 4 per thread; zeros outside (a zero term leaves Dot2's state unchanged)
#pragma unroll
    for (int l = 0; l < 4; l++) {
      int e = tid + 256 * l;
      int rr = e / FC_KT, kk = e % FC_KT;
      int gr = r0 + rr, gc = c0 + rr, gk = k0 + kk;
      As[kk][rr] = (gr < rows && gk < d) ? xa[(long long) (ia0 + gr) * d + gk] : T(0);
      Bs[kk][rr] = (gc < cols && gk < d) ? xb[(long long) (jb0 + gc) * d + gk] : T(0);
    }
    __syncthreads();
#pragma unroll
    for (int kk = 0; kk < FC_KT; kk++) {
      T av[4], bv[4];
#pragma unroll
      for (int a = 0; a < 4; a++) av[a] = As[kk][ty + 16 * a];
#pragma unroll
      for (int b = 0; b < 4; b++) bv[b] = Bs[kk][tx + 16 * b];
#pragma unroll
      for (int a = 0; a < 4; a++)
#pragma unroll
        for (int b = 0; b < 4; b++) dot2_add(acc[a][b], av[a], bv[b]);
    }
    __syncthreads();
  }
#pragma unroll
  for (int a = 0; a < 4; a++) {
#pragma unroll
    for (int b = 0; b < 4; b++) {
      int r = r0 + ty + 16 * a, c = c0 + tx + 16 * b;
      if (r >= rows || c >= cols) continue;
      T nngp = input_gram(acc[a][b], d);
      T ntk = T(0);
      PairVar<T> var{tapeA, tapeB, na, nb, ia0 + r, jb0 + c};
      run_program<T>(prog, nops, nngp, ntk, var);
      outNngp[(long long) r * ld + c] = (double) nngp;
      outNtk[(long long) r * ld + c] = (double) ntk;
    }
  }
}

extern "C" __global__ void ntk_fc_self_f64(const double* x, int n, int d, const double* prog, int nops, double* tape) {
  fc_self<double>(x, n, d, prog, nops, tape);
}

extern "C" __global__ void ntk_fc_self_f32(const float* x, int n, int d, const double* prog, int nops, float* tape) {
  fc_self<float>(x, n, d, prog, nops, tape);
}

extern "C" __global__ void __launch_bounds__(256) ntk_fc_tile_f64(
    const double* xa, int na, int ia0, int rows, const double* xb, int nb, int jb0, int cols, int d,
    const double* prog, int nops, const double* tapeA, const double* tapeB, double* outNngp, double* outNtk, int ld) {
  fc_tile<double>(xa, na, ia0, rows, xb, nb, jb0, cols, d, prog, nops, tapeA, tapeB, outNngp, outNtk, ld);
}

extern "C" __global__ void __launch_bounds__(256) ntk_fc_tile_f32(
    const float* xa, int na, int ia0, int rows, const float* xb, int nb, int jb0, int cols, int d,
    const double* prog, int nops, const float* tapeA, const float* tapeB, double* outNngp, double* outNtk, int ld) {
  fc_tile<float>(xa, na, ia0, rows, xb, nb, jb0, cols, d, prog, nops, tapeA, tapeB, outNngp, outNtk, ld);
}
