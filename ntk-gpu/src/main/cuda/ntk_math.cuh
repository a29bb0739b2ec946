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

#endif
