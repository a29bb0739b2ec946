// ntk4j GPU kernels for convolutional networks with pooling (full spatial covariance: P × P values of Σ and Θ per
// pair, entry (q, q') at q·P + q', pairs of a batch one after another in device memory). The host (CudaBackend) runs
// the lowered program op by op over a batch of pairs: ntk_full_input fills the input kernel, each Conv / AvgPool is one
// ntk_full_op launch from one buffer into the other (one thread per output entry, the k×k tap sums in TwoSum as
// SpatialKernels' EXACT path), Dense and the ReLU / Erf dual maps run in place, ntk_full_record keeps the diagonal of
// self pairs before each nonlinearity (the tape the cross pairs replay), ntk_full_reduce is Flatten / GlobalAvgPool
// (one block per pair). ntk_full_conv is the Conv op staged in shared memory (CudaBackend's default where the input
// planes fit; ntk_full_op's per-entry form otherwise), with the following ReLU / Erf fused for cross pairs. float64 (_f64) and float32 (_f32) buffers. Small P packs many pairs into each block (the
// entry index of the grid-stride kernels runs over the whole batch; ntk_full_conv groups row pairs of several pairs). Compiled to ntk_full.ptx (committed, see README "GPU backend").
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
template <typename T>
__device__ void full_input(const T* xa, int ia0, const T* xb, int jb0, int pairs, int cols, int self, int P, int C,
                           T* outN, T* outT) {
  long long pp = (long long) P * P, total = pairs * pp;
  for (long long e = thread_index(); e < total; e += thread_count()) {
    long long k = e / pp;
    int r = (int) (e - k * pp), q = r / P, q2 = r % P, i, j;
    pair_of(k, ia0, jb0, cols, self, i, j);
    const T* x1 = xa + (long long) i * P * C;
    const T* x2 = (self ? xa : xb) + (long long) j * P * C;
    outN[e] = input_full_entry(x1, x2, q, q2, C);
    outT[e] = T(0);
  }
}

// Op o of the program on every entry of the batch. Moving ops (Conv, AvgPool) read in (inP² per pair) and write out
// (P² per pair); in-place ops (Dense, Relu, Erf) update out (P² per pair). Nonlinearities read the self-variances of
// both sides from the tapes (tape row i·per + slot offset; self pairs read tapeA twice).
template <typename T>
__device__ void full_op(const double* prog, int o, const int* geom, int pairs, int ia0, int jb0, int cols, int self,
                        const T* tapeA, const T* tapeB, int per, int inP, int P, const T* inN, const T* inT, T* outN,
                        T* outT) {
  const double* op = prog + o * NTK_OP_STRIDE;
  int code = (int) op[0];
  bool moves = full_op_moves(code);
  bool nonlin = code == NTK_OP_RELU || code == NTK_OP_ERF;
  int off = nonlin ? (int) op[4] : 0;
  long long pp = (long long) P * P, ipp = (long long) inP * inP, total = pairs * pp;
  for (long long e = thread_index(); e < total; e += thread_count()) {
    long long k = e / pp;
    int r = (int) (e - k * pp), q = r / P, q2 = r % P;
    const T *v1 = nullptr, *v2 = nullptr;
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
template <typename T>
__device__ void full_record(const double* prog, int o, int pairs, int ia0, int P, const T* n, T* tape, int per) {
  int off = (int) prog[o * NTK_OP_STRIDE + 4];
  long long total = (long long) pairs * P, pp = (long long) P * P;
  for (long long e = thread_index(); e < total; e += thread_count()) {
    long long k = e / P;
    int p = (int) (e - k * P);
    tape[(ia0 + k) * per + off + p] = n[k * pp + (long long) p * P + p];
  }
}

// Flatten / GlobalAvgPool, one block per pair (grid-stride over the batch): every thread sums its strided share of the
// pair's P² entries (Flatten: the P diagonal entries) in double-double, the partial sums are combined in shared memory
// by a fixed tree (4·blockDim doubles), thread 0 writes the means. Deterministic for a given block size; within an ulp
// of SpatialKernels' single-chain EXACT sums (the same double-double accuracy, another order).
template <typename T>
__device__ void full_reduce_block(const double* prog, int o, int pairs, int P, const T* inN, const T* inT, T* outN,
                                  T* outT) {
  NTK_SHARED(shd);
  T* sh = reinterpret_cast<T*>(shd);
  BlockTeam team;
  int tid = team.tid(), nt = team.size();
  bool gap = (int) prog[o * NTK_OP_STRIDE] == NTK_OP_GAP;
  long long pp = (long long) P * P, m = gap ? pp : P;
  for (long long k = blockIdx.x; k < pairs; k += gridDim.x) {
    const T* n = inN + k * pp;
    const T* t = inT + k * pp;
    T hn = 0, ln = 0, ht = 0, lt = 0;
    for (long long e = tid; e < m; e += nt) {
      long long at = gap ? e : e * P + e;
      two_sum_add(hn, ln, n[at]);
      two_sum_add(ht, lt, t[at]);
    }
    sh[tid] = hn;
    sh[nt + tid] = ln;
    sh[2 * nt + tid] = ht;
    sh[3 * nt + tid] = lt;
    team.sync();
    for (int s = 1; s < nt; s *= 2) {
      if (tid % (2 * s) == 0 && tid + s < nt) {
        dd_add(sh[tid], sh[nt + tid], sh[tid + s], sh[nt + tid + s]);
        dd_add(sh[2 * nt + tid], sh[3 * nt + tid], sh[2 * nt + tid + s], sh[3 * nt + tid + s]);
      }
      team.sync();
    }
    if (tid == 0) {
      outN[k] = (sh[0] + sh[nt]) / (T) m;
      outT[k] = (sh[2 * nt] + sh[3 * nt]) / (T) m;
    }
    team.sync();
  }
}

// Tied convolution (Conv, full covariance) staged in shared memory. Output entry (q, q') = ((y, x), (y', x')) sums
// in[(iy, ix), (iy', ix')] over the taps (dy, dx) with iy = mapY(y, dy), iy' = mapY(y', dy), ix = mapX(x, dx), ...: for
// a fixed row pair (y, y') and tap row dy every entry reads the one input plane in[iy, ·, iy', ·] (inW × inW values of Σ
// and of Θ), so a block takes `group` row pairs ("tasks": pair k, y, y', in that order over the batch, grid-stride),
// loads their planes for dy = 0, 1, … into shared memory (2·group·inW² doubles) and each thread adds the dx taps of its
// entries (≤ NTK_CONV_EPT per thread, kept in registers across dy; at most 512 threads per block,
// FullSchedule.CONV_LAUNCH_BOUND). The terms of each entry are added in conv_full_entry's order, (dy, dx) with padded
// taps skipped, so the result is bitwise the per-entry kernel's.
// fuse ≥ 0 (cross pairs only): op `fuse`, the nonlinearity after this convolution, is applied before the store with
// the two sides' tape variances, saving a pass over the batch (Σ, Θ after it are bitwise those of the separate op).
#define NTK_CONV_EPT 4

// Task t of a staged convolution: pair k of the batch, output rows y (first side) and y2 (second side).
__device__ __forceinline__ void row_pair(long long t, int outH, long long& k, int& y, int& y2) {
  k = t / ((long long) outH * outH);
  int yy = (int) (t - k * outH * outH);
  y = yy / outH;
  y2 = yy % outH;
}

template <typename T>
__device__ void full_conv(const double* prog, int o, const int* geom, int pairs, int inP, int P, int group,
                          const T* inN, const T* inT, T* outN, T* outT, int fuse, int ia0, int jb0, int cols,
                          const T* tapeA, const T* tapeB, int per) {
  NTK_SHARED(shd);
  T* sh = reinterpret_cast<T*>(shd);
  BlockTeam team;
  int tid = team.tid(), nt = team.size();
  const double* op = prog + o * NTK_OP_STRIDE;
  const int* g = geom + (int) op[3];
  int inW = g[1], outH = g[2], outW = g[3], fH = g[4], fW = g[5];
  const int* mapY = g + 6;
  const int* mapX = mapY + outH * fH;
  const double* fop = fuse >= 0 ? prog + fuse * NTK_OP_STRIDE : nullptr;
  int plane = inW * inW, entries = outW * outW;
  long long ipp = (long long) inP * inP, pp = (long long) P * P;
  long long tasks = (long long) pairs * outH * outH;
  T div = T(fH * fW);
  for (long long base = (long long) blockIdx.x * group; base < tasks; base += (long long) gridDim.x * group) {
    T hn[NTK_CONV_EPT], ln[NTK_CONV_EPT], ht[NTK_CONV_EPT], lt[NTK_CONV_EPT];
NTK_UNROLL
    for (int m = 0; m < NTK_CONV_EPT; m++) hn[m] = ln[m] = ht[m] = lt[m] = T(0);
    for (int dy = 0; dy < fH; dy++) {
      for (int idx = tid; idx < group * plane; idx += nt) {
        int s = idx / plane, r = idx - s * plane;
        long long task = base + s;
        if (task >= tasks) continue;
        long long k;
        int y, y2;
        row_pair(task, outH, k, y, y2);
        int iy = mapY[y * fH + dy], iy2 = mapY[y2 * fH + dy];
        if (iy < 0 || iy2 < 0) continue;
        int ix = r / inW, ix2 = r - ix * inW;
        long long src = k * ipp + (long long) (iy * inW + ix) * inP + iy2 * inW + ix2;
        sh[2 * s * plane + r] = inN[src];
        sh[(2 * s + 1) * plane + r] = inT[src];
      }
      team.sync();
NTK_UNROLL
      for (int m = 0; m < NTK_CONV_EPT; m++) {
        int e = tid + m * nt;
        if (e >= group * entries) continue;
        int s = e / entries, r = e - s * entries;
        long long task = base + s;
        if (task >= tasks) continue;
        long long k;
        int y, y2;
        row_pair(task, outH, k, y, y2);
        if (mapY[y * fH + dy] < 0 || mapY[y2 * fH + dy] < 0) continue;
        int xo = r / outW, xo2 = r - xo * outW;
        const T* pn = sh + 2 * s * plane;
        const T* pt = pn + plane;
        for (int dx = 0; dx < fW; dx++) {
          int ix = mapX[xo * fW + dx], ix2 = mapX[xo2 * fW + dx];
          if (ix < 0 || ix2 < 0) continue;
          two_sum_add(hn[m], ln[m], pn[ix * inW + ix2]);
          two_sum_add(ht[m], lt[m], pt[ix * inW + ix2]);
        }
      }
      team.sync();
    }
NTK_UNROLL
    for (int m = 0; m < NTK_CONV_EPT; m++) {
      int e = tid + m * nt;
      if (e >= group * entries) continue;
      int s = e / entries, r = e - s * entries;
      long long task = base + s;
      if (task >= tasks) continue;
      long long k;
      int y, y2;
      row_pair(task, outH, k, y, y2);
      int xo = r / outW, xo2 = r - xo * outW;
      int q = y * outW + xo, q2 = y2 * outW + xo2;
      T n, t;
      conv_affine<T>(op, (hn[m] + ln[m]) / div, (ht[m] + lt[m]) / div, n, t);
      if (fop != nullptr) {
        int i, j;
        pair_of(k, ia0, jb0, cols, 0, i, j);
        int off = (int) fop[4];
        T q11 = tapeA[(long long) i * per + off + q], q22 = tapeB[(long long) j * per + off + q2];
        if ((int) fop[0] == NTK_OP_RELU) relu_dual<T>(q11, q22, n, t);
        else erf_dual<T>(T(fop[1]), T(fop[2]), T(fop[3]), q11, q22, n, t);
      }
      outN[k * pp + (long long) q * P + q2] = n;
      outT[k * pp + (long long) q * P + q2] = t;
    }
  }
}

// Entry points: float64 and float32 buffers (the program and geometry are the same tables for both).
extern "C" __global__ void ntk_full_input_f64(const double* xa, int ia0, const double* xb, int jb0, int pairs, int cols,
                                              int self, int P, int C, double* outN, double* outT) {
  full_input<double>(xa, ia0, xb, jb0, pairs, cols, self, P, C, outN, outT);
}

extern "C" __global__ void ntk_full_op_f64(const double* prog, int o, const int* geom, int pairs, int ia0, int jb0,
                                           int cols, int self, const double* tapeA, const double* tapeB, int per, int inP,
                                           int P, const double* inN, const double* inT, double* outN, double* outT) {
  full_op<double>(prog, o, geom, pairs, ia0, jb0, cols, self, tapeA, tapeB, per, inP, P, inN, inT, outN, outT);
}

extern "C" __global__ void ntk_full_record_f64(const double* prog, int o, int pairs, int ia0, int P, const double* n,
                                               double* tape, int per) {
  full_record<double>(prog, o, pairs, ia0, P, n, tape, per);
}

extern "C" __global__ void ntk_full_reduce_f64(const double* prog, int o, int pairs, int P, const double* inN,
                                               const double* inT, double* outN, double* outT) {
  full_reduce_block<double>(prog, o, pairs, P, inN, inT, outN, outT);
}

extern "C" __global__ void __launch_bounds__(512)
ntk_full_conv_f64(const double* prog, int o, const int* geom, int pairs, int inP, int P, int group, const double* inN,
                  const double* inT, double* outN, double* outT, int fuse, int ia0, int jb0, int cols, const double* tapeA,
                  const double* tapeB, int per) {
  full_conv<double>(prog, o, geom, pairs, inP, P, group, inN, inT, outN, outT, fuse, ia0, jb0, cols, tapeA, tapeB, per);
}

extern "C" __global__ void ntk_full_input_f32(const float* xa, int ia0, const float* xb, int jb0, int pairs, int cols,
                                              int self, int P, int C, float* outN, float* outT) {
  full_input<float>(xa, ia0, xb, jb0, pairs, cols, self, P, C, outN, outT);
}

extern "C" __global__ void ntk_full_op_f32(const double* prog, int o, const int* geom, int pairs, int ia0, int jb0,
                                           int cols, int self, const float* tapeA, const float* tapeB, int per, int inP,
                                           int P, const float* inN, const float* inT, float* outN, float* outT) {
  full_op<float>(prog, o, geom, pairs, ia0, jb0, cols, self, tapeA, tapeB, per, inP, P, inN, inT, outN, outT);
}

extern "C" __global__ void ntk_full_record_f32(const double* prog, int o, int pairs, int ia0, int P, const float* n,
                                               float* tape, int per) {
  full_record<float>(prog, o, pairs, ia0, P, n, tape, per);
}

extern "C" __global__ void ntk_full_reduce_f32(const double* prog, int o, int pairs, int P, const float* inN,
                                               const float* inT, float* outN, float* outT) {
  full_reduce_block<float>(prog, o, pairs, P, inN, inT, outN, outT);
}

extern "C" __global__ void __launch_bounds__(512)
ntk_full_conv_f32(const double* prog, int o, const int* geom, int pairs, int inP, int P, int group, const float* inN,
                  const float* inT, float* outN, float* outT, int fuse, int ia0, int jb0, int cols, const float* tapeA,
                  const float* tapeB, int per) {
  full_conv<float>(prog, o, geom, pairs, inP, P, group, inN, inT, outN, outT, fuse, ia0, jb0, cols, tapeA, tapeB, per);
}
