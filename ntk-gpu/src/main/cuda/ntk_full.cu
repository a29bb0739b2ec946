// ntk4j GPU kernels for convolutional networks with pooling (full spatial covariance: P × P values of Σ and Θ per
// pair, entry (q, q') at q·P + q', pairs of a batch one after another in device memory). The host (CudaBackend) runs
// the lowered program op by op over a batch of pairs: ntk_full_input fills the input kernel, each Conv / AvgPool is one
// ntk_full_op launch from one buffer into the other (one thread per output entry, the k×k tap sums in TwoSum as
// SpatialKernels' EXACT path), Dense and the ReLU / Erf dual maps run in place, ntk_full_record keeps the diagonal of
// self pairs before each nonlinearity (the tape the cross pairs replay), ntk_full_reduce is Flatten / GlobalAvgPool
// (one thread per pair, the CPU's summation order). float64 only. Small P packs many pairs into each block, as the
// entry index runs over the whole batch. Compiled to ntk_full.ptx (committed, see README "GPU backend").
#include "ntk_math.cuh"

// Pair k of a batch: self pairs (ia0 + k, ia0 + k), else (ia0 + k / cols, jb0 + k % cols).
__device__ __forceinline__ void pair_of(long long k, int ia0, int jb0, int cols, int self, int& i, int& j) {
  if (self) {
    i = ia0 + (int) k;
    j = i;
  } else {
    i = ia0 + (int) (k / cols);
    j = jb0 + (int) (k % cols);
  }
}

__device__ __forceinline__ long long thread_index() { return (long long) blockIdx.x * blockDim.x + threadIdx.x; }
__device__ __forceinline__ long long thread_count() { return (long long) gridDim.x * blockDim.x; }

// Σ₀(q, q') = x[q]·x'[q']/C and Θ₀ = 0 for every entry of every pair of the batch.
extern "C" __global__ void ntk_full_input_f64(const double* xa, int ia0, const double* xb, int jb0, int pairs, int cols,
                                              int self, int P, int C, double* outN, double* outT) {
  long long pp = (long long) P * P, total = pairs * pp;
  for (long long e = thread_index(); e < total; e += thread_count()) {
    long long k = e / pp;
    int r = (int) (e - k * pp), q = r / P, q2 = r % P, i, j;
    pair_of(k, ia0, jb0, cols, self, i, j);
    const double* x1 = xa + (long long) i * P * C;
    const double* x2 = (self ? xa : xb) + (long long) j * P * C;
    outN[e] = input_full_entry(x1, x2, q, q2, C);
    outT[e] = 0.0;
  }
}

// Op o of the program on every entry of the batch. Moving ops (Conv, AvgPool) read in (inP² per pair) and write out
// (P² per pair); in-place ops (Dense, Relu, Erf) update out (P² per pair). Nonlinearities read the self-variances of
// both sides from the tapes (tape row i·per + slot offset; self pairs read tapeA twice).
extern "C" __global__ void ntk_full_op_f64(const double* prog, int o, const int* geom, int pairs, int ia0, int jb0,
                                           int cols, int self, const double* tapeA, const double* tapeB, int per,
                                           int inP, int P, const double* inN, const double* inT, double* outN,
                                           double* outT) {
  const double* op = prog + o * NTK_OP_STRIDE;
  int code = (int) op[0];
  bool moves = full_op_moves(code);
  bool nonlin = code == NTK_OP_RELU || code == NTK_OP_ERF;
  int off = nonlin ? (int) op[4] : 0;
  long long pp = (long long) P * P, ipp = (long long) inP * inP, total = pairs * pp;
  for (long long e = thread_index(); e < total; e += thread_count()) {
    long long k = e / pp;
    int r = (int) (e - k * pp), q = r / P, q2 = r % P;
    const double *v1 = nullptr, *v2 = nullptr;
    if (nonlin) {
      int i, j;
      pair_of(k, ia0, jb0, cols, self, i, j);
      v1 = tapeA + (long long) i * per + off;
      v2 = (self ? tapeA : tapeB) + (long long) j * per + off;
    }
    full_entry(op, geom, moves ? inN + k * ipp : nullptr, moves ? inT + k * ipp : nullptr, outN + k * pp,
               outT + k * pp, P, q, q2, v1, v2);
  }
}

// Self pairs: before nonlinearity o, tape[(ia0 + k)·per + offset + p] = Σ(p, p) of pair k.
extern "C" __global__ void ntk_full_record_f64(const double* prog, int o, int pairs, int ia0, int P, const double* n,
                                               double* tape, int per) {
  int off = (int) prog[o * NTK_OP_STRIDE + 4];
  long long total = (long long) pairs * P, pp = (long long) P * P;
  for (long long e = thread_index(); e < total; e += thread_count()) {
    long long k = e / P;
    int p = (int) (e - k * P);
    tape[(ia0 + k) * per + off + p] = n[k * pp + (long long) p * P + p];
  }
}

// Flatten / GlobalAvgPool: pair k's P² entries of in to out[k] (one thread per pair, SpatialKernels' order).
extern "C" __global__ void ntk_full_reduce_f64(const double* prog, int o, int pairs, int P, const double* inN,
                                               const double* inT, double* outN, double* outT) {
  const double* op = prog + o * NTK_OP_STRIDE;
  long long pp = (long long) P * P;
  for (long long k = thread_index(); k < pairs; k += thread_count()) {
    full_reduce(op, inN + k * pp, inT + k * pp, P, outN[k], outT[k]);
  }
}
