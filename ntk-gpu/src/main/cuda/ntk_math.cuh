// Per-entry math of the ntk4j GPU kernels, shared by the .cu files (device) and host_harness.cpp (host, g++).
// Every function here follows the CPU path of ntk-core operation by operation (org.ntk4j.layers.Dense, Relu, Erf;
// org.ntk4j.kernel.InputKernel). Compile with contraction off (nvcc -fmad=false, g++ -ffp-contract=off): the only
// fused multiply-adds are the explicit fma() calls below, so host and device evaluate the same IEEE operations.
#ifndef NTK4J_MATH_CUH
#define NTK4J_MATH_CUH

#ifdef __CUDACC__
#define NTK_HD __host__ __device__ __forceinline__
#else
#include <cmath>
#define NTK_HD inline
using std::atan2; using std::fma; using std::sqrt;
#endif

// Program opcodes; each op is NTK_OP_STRIDE doubles: code, p0, p1, p2, p3 (org.ntk4j.gpu.GpuProgram writes them).
#define NTK_OP_STRIDE 5
#define NTK_OP_DENSE_NTK 1   // p0 = W_std², p1 = b_std² (0 without bias)
#define NTK_OP_DENSE_STD 2   // p0 = W_std², p1 = b_std², p2 = fan-in, p3 = 1 with a bias else 0
#define NTK_OP_RELU 3        // reads the self-variances of the current tape slot
#define NTK_OP_ERF 4         // p0 = a, p1 = b, p2 = c; reads the self-variances
// Spatial programs (diagonal mode: one value per position): nonlinearities carry p3 = this slot's offset in an
// input's tape row (the sum of the earlier slots' position counts).
#define NTK_OP_CONV_NTK 5       // p0 = W², p1 = b², p2 = geometry offset in the int table
#define NTK_OP_CONV_STD 6       // p0 = W², p1 = b², p2 = geometry offset, p3 = fan-in (channels · filter size)
#define NTK_OP_CONV_STD_BIAS 7  // as CONV_STD, with the bias term of Θ
#define NTK_OP_FLATTEN 8        // mean over positions (full programs: mean of the diagonal Σ(p, p))
// Full spatial programs only (P × P values per pair, entry (q, q') at q·P + q'):
#define NTK_OP_AVGPOOL 9        // p2 = geometry offset (window as filter), normalised by the full window size
#define NTK_OP_GAP 10           // GlobalAvgPool: mean of all P² entries
// Geometry at offset g of the int table: inH, inW, outH, outW, fH, fW, mapY[outH·fH], mapX[outW·fW]
// (org.ntk4j.kernel.ConvGeometry's tap maps: input index per output position and tap, −1 for a zero-padded tap).

// Compensated dot product (Ogita–Rump–Oishi Dot2): the result is as accurate as if summed in twice the working
// precision, then rounded, so it does not depend on the order of the features beyond the final rounding.
template <typename T> struct Dot2 {
  T s, c;
};

template <typename T> NTK_HD void dot2_init(Dot2<T>& a) { a.s = T(0); a.c = T(0); }

template <typename T> NTK_HD void dot2_add(Dot2<T>& a, T x, T y) {
  T p = x * y;
  T e = fma(x, y, -p);      // exact: x·y = p + e
  T t = a.s + p;
  T z = t - a.s;
  a.c += ((a.s - (t - z)) + (p - z)) + e;  // TwoSum error of a.s + p, plus the product error
  a.s = t;
}

template <typename T> NTK_HD T dot2_result(const Dot2<T>& a) { return a.s + a.c; }

// Input kernel of flat inputs: x·x'/d.
template <typename T> NTK_HD T input_gram(const Dot2<T>& a, int d) { return dot2_result(a) / T(d); }

// Dense, NTK parameterisation: Σ' = W²Σ + b², Θ' = Σ' + W²Θ (Dense.applyKernel).
template <typename T> NTK_HD void dense_ntk(T w2, T b2, T& nngp, T& ntk) {
  T g = w2 * nngp + b2;
  nngp = g;
  ntk = g + w2 * ntk;
}

// Dense, standard parameterisation: Θ' = fan·Σ + W²Θ + one, Σ' = W²Σ + b².
template <typename T> NTK_HD void dense_std(T w2, T b2, T fan, T one, T& nngp, T& ntk) {
  T g = nngp;
  ntk = fan * g + w2 * ntk + one;
  nngp = w2 * g + b2;
}

// ReLU (Relu.pair): θ = atan2(√(q11q22 − q12²), q12), π/2 when q12 == 0, 0 for an exactly correlated self pair.
template <typename T> NTK_HD void relu_dual(T q11, T q22, T& nngp, T& ntk) {
  const T PI = T(3.14159265358979323846);
  const T INV_2PI = T(1.0 / (2 * 3.14159265358979323846));
  T q12 = nngp;
  T d = q11 * q22 - q12 * q12;
  T sn = d > T(0) ? sqrt(d) : T(0);
  T theta = q12 == T(0) ? T(0.5) * PI : atan2(sn, q12);
  T dot = (PI - theta) * INV_2PI;
  nngp = sn * INV_2PI + dot * q12;
  ntk *= dot;
}

// Erf(a, b, c) (Erf.kernel): Σ' = a²(2/π)atan2(2b²q12, √D) + c², Θ' = Θ·a²b²(4/π)/√D.
template <typename T> NTK_HD void erf_dual(T a, T b, T c, T q11, T q22, T& nngp, T& ntk) {
  const T PI = T(3.14159265358979323846);
  T q12 = nngp;
  T b2 = b * b;
  T p = (T(1) + T(2) * b2 * q11) * (T(1) + T(2) * b2 * q22);
  T t = T(2) * b2 * q12;
  T dd = p - t * t;
  T root = sqrt(dd > T(0) ? dd : T(0));
  nngp = a * a * (T(2) / PI) * atan2(t, root) + c * c;
  ntk *= a * a * b2 * (T(4) / PI) / root;
}

// Runs the lowered layer program on one pair. Var supplies the self-variances at tape slot s:
// var(s, nngp, q11, q22). For a self pair it records nngp and returns it as both variances.
template <typename T, typename Var>
NTK_HD void run_program(const double* prog, int nops, T& nngp, T& ntk, Var& var) {
  int slot = 0;
  for (int o = 0; o < nops; o++) {
    const double* op = prog + o * NTK_OP_STRIDE;
    int code = (int) op[0];
    if (code == NTK_OP_DENSE_NTK) {
      dense_ntk<T>(T(op[1]), T(op[2]), nngp, ntk);
    } else if (code == NTK_OP_DENSE_STD) {
      dense_std<T>(T(op[1]), T(op[2]), T(op[3]), T(op[4]), nngp, ntk);
    } else {
      T q11, q22;
      var(slot, nngp, q11, q22);
      slot++;
      if (code == NTK_OP_RELU) relu_dual<T>(q11, q22, nngp, ntk);
      else if (code == NTK_OP_ERF) erf_dual<T>(T(op[1]), T(op[2]), T(op[3]), q11, q22, nngp, ntk);
    }
  }
}

// Self pair (i, i): records the variance before each nonlinearity into tape[slot * n + i].
template <typename T> struct SelfVar {
  T* tape;
  int n, i;
  NTK_HD void operator()(int slot, T nngp, T& q11, T& q22) {
    tape[(long long) slot * n + i] = nngp;
    q11 = nngp;
    q22 = nngp;
  }
};

// Cross pair (i, j): variances replayed from the two sides' tapes.
template <typename T> struct PairVar {
  const T* tapeA;
  const T* tapeB;
  int na, nb, i, j;
  NTK_HD void operator()(int slot, T, T& q11, T& q22) {
    q11 = tapeA[(long long) slot * na + i];
    q22 = tapeB[(long long) slot * nb + j];
  }
};

// ---------------------------------------------------------------------------------------------- spatial programs

// Threads that share one pair's state: a CUDA block on the device, a single thread on the host.
struct HostTeam {
  int tid() const { return 0; }
  int size() const { return 1; }
  void sync() const {}
};
#ifdef __CUDACC__
struct BlockTeam {
  __device__ int tid() const { return threadIdx.x; }
  __device__ int size() const { return blockDim.x; }
  __device__ void sync() const { __syncthreads(); }
};
// The block's dynamic shared memory as doubles (the host harness defines its own: one buffer per emulated block).
#define NTK_SHARED(name) extern __shared__ double name[]
#define NTK_UNROLL _Pragma("unroll")
#else
#define NTK_UNROLL
#endif

// TwoSum accumulation of the spatial sums (SpatialKernels' EXACT path): hi + lo carries the exact running sum.
template <typename T> NTK_HD void two_sum_add(T& hi, T& lo, T b) {
  T s = hi + b, bb = s - hi;
  lo += (hi - (s - bb)) + (b - bb);
  hi = s;
}

// Double-double addition (hi, lo) += (bh, bl): the partial sums of a block-parallel reduction combined without losing
// the low parts (TwoSum of the high parts, then the low parts, renormalised).
template <typename T> NTK_HD void dd_add(T& hi, T& lo, T bh, T bl) {
  T s = hi + bh, bb = s - hi;
  T e = (hi - (s - bb)) + (bh - bb);
  e += lo + bl;
  hi = s + e;
  lo = e - (hi - s);
}

// Input kernel per position (InputKernel.fillPair, diagonal mode): x[p]·x'[p]/C, summed over channels in order.
template <typename T> NTK_HD T input_position(const T* xa, const T* xb, int p, int c) {
  T s = 0;
  for (int k = 0; k < c; k++) s += xa[p * c + k] * xb[p * c + k];
  return s / c;
}

// Self pair: records variances at tape[i·per + offset + p].
template <typename T> struct SelfVarP {
  T* tape;
  int per, i;
  NTK_HD void operator()(int off, int p, T v, T& q11, T& q22) {
    tape[(long long) i * per + off + p] = v;
    q11 = v;
    q22 = v;
  }
};

template <typename T> struct PairVarP {
  const T* tapeA;
  const T* tapeB;
  int per, i, j;
  NTK_HD void operator()(int off, int p, T, T& q11, T& q22) {
    q11 = tapeA[(long long) i * per + off + p];
    q22 = tapeB[(long long) j * per + off + p];
  }
};

// Runs a spatial program on one pair whose per-position state (P values of Σ in an, of Θ in at) the team holds in
// an/at, with bn/bt as the second buffer; returns the final flat Σ, Θ in res[0], res[1] (read after the last sync).
template <typename T, typename Team, typename Var>
NTK_HD void run_spatial(const double* prog, int nops, const int* geom, T* an, T* at, T* bn, T* bt, int P,
                        const Team& team, Var& var, T* res) {
  for (int o = 0; o < nops; o++) {
    const double* op = prog + o * NTK_OP_STRIDE;
    int code = (int) op[0];
    if (code == NTK_OP_DENSE_NTK || code == NTK_OP_DENSE_STD) {
      for (int p = team.tid(); p < P; p += team.size()) {
        if (code == NTK_OP_DENSE_NTK) dense_ntk<T>(T(op[1]), T(op[2]), an[p], at[p]);
        else dense_std<T>(T(op[1]), T(op[2]), T(op[3]), T(op[4]), an[p], at[p]);
      }
    } else if (code == NTK_OP_RELU || code == NTK_OP_ERF) {
      int off = (int) op[4];
      for (int p = team.tid(); p < P; p += team.size()) {
        T q11, q22;
        var(off, p, an[p], q11, q22);
        if (code == NTK_OP_RELU) relu_dual<T>(q11, q22, an[p], at[p]);
        else erf_dual<T>(T(op[1]), T(op[2]), T(op[3]), q11, q22, an[p], at[p]);
      }
    } else if (code == NTK_OP_CONV_NTK || code == NTK_OP_CONV_STD || code == NTK_OP_CONV_STD_BIAS) {
      const int* g = geom + (int) op[3];
      int inW = g[1], outH = g[2], outW = g[3], fH = g[4], fW = g[5];
      const int* mapY = g + 6;
      const int* mapX = mapY + outH * fH;
      T div = T(fH * fW);
      T w2 = T(op[1]), b2 = T(op[2]);
      int outP = outH * outW;
      for (int q = team.tid(); q < outP; q += team.size()) {
        int yo = q / outW, xo = q % outW;
        T hn = 0, ln = 0, ht = 0, lt = 0;
        for (int dy = 0; dy < fH; dy++) {
          int iy = mapY[yo * fH + dy];
          if (iy < 0) continue;
          for (int dx = 0; dx < fW; dx++) {
            int ix = mapX[xo * fW + dx];
            if (ix < 0) continue;
            two_sum_add(hn, ln, an[iy * inW + ix]);
            two_sum_add(ht, lt, at[iy * inW + ix]);
          }
        }
        T vn = (hn + ln) / div, vt = (ht + lt) / div;
        if (code == NTK_OP_CONV_NTK) {
          T gv = w2 * vn + b2;
          bn[q] = gv;
          bt[q] = w2 * vt + gv;
        } else {
          T one = code == NTK_OP_CONV_STD_BIAS ? T(1) : T(0);
          bt[q] = T(op[4]) * vn + w2 * vt + one;
          bn[q] = w2 * vn + b2;
        }
      }
      team.sync();
      T* t;
      t = an; an = bn; bn = t;
      t = at; at = bt; bt = t;
      P = outP;
    } else if (code == NTK_OP_FLATTEN) {
      if (team.tid() == 0) {
        T hn = 0, ln = 0, ht = 0, lt = 0;
        for (int p = 0; p < P; p++) {
          two_sum_add(hn, ln, an[p]);
          two_sum_add(ht, lt, at[p]);
        }
        bn[0] = (hn + ln) / T(P);
        bt[0] = (ht + lt) / T(P);
      }
      team.sync();
      T* t;
      t = an; an = bn; bn = t;
      t = at; at = bt; bt = t;
      P = 1;
    }
    team.sync();
  }
  if (team.tid() == 0) {
    res[0] = an[0];
    res[1] = at[0];
  }
}

// ------------------------------------------------------------------------------------- full spatial programs
// One pair's state is P × P values of Σ and of Θ, entry (q, q') at q·P + q'. Each function below gives ONE output
// entry, so that a CUDA thread (or the host harness loop) computes it independently of every other entry; the order
// of the terms of each sum is the one SpatialKernels' EXACT path uses for that entry, so host, device and Java agree
// bitwise in practice (TwoSum double-double, rounded once).

// Input kernel, full mode (InputKernel.fillPair): x[q]·x'[q']/C, plain sum over channels in order.
template <typename T> NTK_HD T input_full_entry(const T* xa, const T* xb, int q, int q2, int c) {
  T s = 0;
  for (int k = 0; k < c; k++) s += xa[q * c + k] * xb[q2 * c + k];
  return s / c;
}

// Tied (convolution) stencil (SpatialKernels.convFull): Σ_t in[x(q, t), x(q', t)] / |filter| over the taps t in
// order (dy, dx) that read inputs on both sides. in has inH·inW positions per side.
template <typename T>
NTK_HD void conv_full_entry(const T* inN, const T* inT, const int* g, int q, int q2, T& vn, T& vt) {
  int inW = g[1], inP = g[0] * g[1], outH = g[2], outW = g[3], fH = g[4], fW = g[5];
  const int* mapY = g + 6;
  const int* mapX = mapY + outH * fH;
  int yo = q / outW, xo = q % outW, yo2 = q2 / outW, xo2 = q2 % outW;
  T hn = 0, ln = 0, ht = 0, lt = 0;
  for (int dy = 0; dy < fH; dy++) {
    int iy = mapY[yo * fH + dy], iy2 = mapY[yo2 * fH + dy];
    if (iy < 0 || iy2 < 0) continue;
    for (int dx = 0; dx < fW; dx++) {
      int ix = mapX[xo * fW + dx], ix2 = mapX[xo2 * fW + dx];
      if (ix < 0 || ix2 < 0) continue;
      long long e = (long long) (iy * inW + ix) * inP + iy2 * inW + ix2;
      two_sum_add(hn, ln, inN[e]);
      two_sum_add(ht, lt, inT[e]);
    }
  }
  T div = T(fH * fW);
  vn = (hn + ln) / div;
  vt = (ht + lt) / div;
}

// Untied (pooling) stencil (SpatialKernels.poolFull): Σ_t Σ_t' in[x(q, t), x(q', t')] / |w|², terms in order
// (dy, dx, dy', dx'), padded taps skipped (zeros counted in the normalisation, normalize_edges=False).
template <typename T>
NTK_HD void pool_full_entry(const T* inN, const T* inT, const int* g, int q, int q2, T& vn, T& vt) {
  int inW = g[1], inP = g[0] * g[1], outH = g[2], outW = g[3], fH = g[4], fW = g[5];
  const int* mapY = g + 6;
  const int* mapX = mapY + outH * fH;
  int yo = q / outW, xo = q % outW, yo2 = q2 / outW, xo2 = q2 % outW;
  T hn = 0, ln = 0, ht = 0, lt = 0;
  for (int dy = 0; dy < fH; dy++) {
    int iy = mapY[yo * fH + dy];
    if (iy < 0) continue;
    for (int dx = 0; dx < fW; dx++) {
      int ix = mapX[xo * fW + dx];
      if (ix < 0) continue;
      long long row = (long long) (iy * inW + ix) * inP;
      for (int dy2 = 0; dy2 < fH; dy2++) {
        int iy2 = mapY[yo2 * fH + dy2];
        if (iy2 < 0) continue;
        for (int dx2 = 0; dx2 < fW; dx2++) {
          int ix2 = mapX[xo2 * fW + dx2];
          if (ix2 < 0) continue;
          two_sum_add(hn, ln, inN[row + iy2 * inW + ix2]);
          two_sum_add(ht, lt, inT[row + iy2 * inW + ix2]);
        }
      }
    }
  }
  T w = T(fH * fW);
  vn = (hn + ln) / (w * w);
  vt = (ht + lt) / (w * w);
}

// The affine part of a convolution after its tap sum (Conv.applyKernel), per entry.
template <typename T> NTK_HD void conv_affine(const double* op, T vn, T vt, T& n, T& t) {
  int code = (int) op[0];
  T w2 = T(op[1]), b2 = T(op[2]);
  if (code == NTK_OP_CONV_NTK) {
    T gv = w2 * vn + b2;
    n = gv;
    t = w2 * vt + gv;
  } else {
    T one = code == NTK_OP_CONV_STD_BIAS ? T(1) : T(0);
    t = T(op[4]) * vn + w2 * vt + one;
    n = w2 * vn + b2;
  }
}

// Mean of m values (SpatialKernels.mean, EXACT): four interleaved double-double chains, combined in the same order.
template <typename T> NTK_HD T mean_exact(const T* in, long long m) {
  T h0 = 0, l0 = 0, h1 = 0, l1 = 0, h2 = 0, l2 = 0, h3 = 0, l3 = 0;
  long long i = 0;
  for (; i + 3 < m; i += 4) {
    two_sum_add(h0, l0, in[i]);
    two_sum_add(h1, l1, in[i + 1]);
    two_sum_add(h2, l2, in[i + 2]);
    two_sum_add(h3, l3, in[i + 3]);
  }
  for (; i < m; i++) two_sum_add(h0, l0, in[i]);
  T hi = h0, lo = l0 + l1 + l2 + l3;
  two_sum_add(hi, lo, h1);
  two_sum_add(hi, lo, h2);
  two_sum_add(hi, lo, h3);
  return (hi + lo) / T(m);
}

// Mean of the diagonal of a P × P block (SpatialKernels.meanDiagonal, EXACT; Flatten on full covariances).
template <typename T> NTK_HD T mean_diagonal_exact(const T* in, int p) {
  T hi = 0, lo = 0;
  for (int q = 0; q < p; q++) two_sum_add(hi, lo, in[(long long) q * p + q]);
  return (hi + lo) / T(p);
}

// Positions after op (full programs): the geometry's output for Conv and AvgPool, 1 after Flatten and GAP.
NTK_HD int full_positions_after(const double* op, const int* geom, int p) {
  int code = (int) op[0];
  if (code == NTK_OP_CONV_NTK || code == NTK_OP_CONV_STD || code == NTK_OP_CONV_STD_BIAS || code == NTK_OP_AVGPOOL) {
    const int* g = geom + (int) op[3];
    return g[2] * g[3];
  }
  if (code == NTK_OP_FLATTEN || code == NTK_OP_GAP) return 1;
  return p;
}

// Whether op reads a whole P × P block and writes a new one (a second buffer), rather than working entry by entry
// in place.
NTK_HD bool full_op_moves(int code) {
  return code == NTK_OP_CONV_NTK || code == NTK_OP_CONV_STD || code == NTK_OP_CONV_STD_BIAS || code == NTK_OP_AVGPOOL;
}

// Entry (q, q') of op on one pair. Moving ops read in (inP² values) and write out (outP²); in-place ops (Dense,
// nonlinearities) read and write out at entry q·P + q' (in is unused). v1 and v2 are the self-variances of the two
// sides at this nonlinearity's slot (v1[q], v2[q']; Nonlinearity.applyKernel, full mode).
template <typename T>
NTK_HD void full_entry(const double* op, const int* geom, const T* inN, const T* inT, T* outN, T* outT, int p, int q,
                       int q2, const T* v1, const T* v2) {
  int code = (int) op[0];
  long long e = (long long) q * p + q2;
  if (code == NTK_OP_CONV_NTK || code == NTK_OP_CONV_STD || code == NTK_OP_CONV_STD_BIAS) {
    T vn, vt;
    conv_full_entry(inN, inT, geom + (int) op[3], q, q2, vn, vt);
    conv_affine(op, vn, vt, outN[e], outT[e]);
  } else if (code == NTK_OP_AVGPOOL) {
    pool_full_entry(inN, inT, geom + (int) op[3], q, q2, outN[e], outT[e]);
  } else if (code == NTK_OP_DENSE_NTK) {
    dense_ntk<T>(T(op[1]), T(op[2]), outN[e], outT[e]);
  } else if (code == NTK_OP_DENSE_STD) {
    dense_std<T>(T(op[1]), T(op[2]), T(op[3]), T(op[4]), outN[e], outT[e]);
  } else if (code == NTK_OP_RELU) {
    relu_dual<T>(v1[q], v2[q2], outN[e], outT[e]);
  } else if (code == NTK_OP_ERF) {
    erf_dual<T>(T(op[1]), T(op[2]), T(op[3]), v1[q], v2[q2], outN[e], outT[e]);
  }
}

// Flatten and GAP of one pair: in (P² values) to one value each of Σ and Θ.
template <typename T> NTK_HD void full_reduce(const double* op, const T* inN, const T* inT, int p, T& n, T& t) {
  if ((int) op[0] == NTK_OP_GAP) {
    n = mean_exact(inN, (long long) p * p);
    t = mean_exact(inT, (long long) p * p);
  } else {
    n = mean_diagonal_exact(inN, p);
    t = mean_diagonal_exact(inT, p);
  }
}

#endif
