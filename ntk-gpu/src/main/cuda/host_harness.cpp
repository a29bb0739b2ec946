// Host-side harness: evaluates the per-entry math of ntk_math.cuh on the CPU, in the order the CUDA kernels use
// (self pass, then every pair with Dot2 over features 0..d-1), so that a JUnit test can compare it with the Java CPU
// path (org.ntk4j.gpu.HostHarnessTest). Build: g++ -O2 -std=c++20 -pthread -ffp-contract=off -o host_harness host_harness.cpp
// Input on stdin, numbers as C99 hex floats. Fully connected: "fc precision n1 n2 d nops", nops·5 program values,
// n1·d values of x1, n2·d of x2. Spatial (diagonal mode): "conv PREC n1 n2 P C nops ngeom maxP per" ("conv-T" runs each
// pair on a team of T threads), the program, ngeom geometry ints, n1·P·C values of x1, n2·P·C of x2. Full spatial
// covariance (pooling): "full PREC n1 n2 P C nops ngeom maxP per" and the same data, run op by op over all entries of a pair
// in SpatialKernels' order (the per-entry functions of ntk_math.cuh); "schedule ..." (below) runs ntk_full.cu's kernels
// themselves, compiled for the host, on the launch list the Java side builds. Output on stdout: n1·n2 lines
// "nngp ntk" (row-major), hex floats.
#include <algorithm>
#include <barrier>
#include <cmath>
#include <string>
#include <cstdio>
#include <cstdlib>
#include <thread>
#include <vector>
#include "ntk_math.cuh"

// ntk_full.cu itself, compiled for the host. A launch with shared memory runs each block on `threads` real threads
// (std::thread) that share one shared-memory buffer and meet at a std::barrier for every __syncthreads
// (BlockTeam::sync), so the staged kernels' cooperative loads and barriers execute as on the device (a missing barrier or an overlapping slot shows up
// as a wrong or NaN result: the buffer is NaN-filled before each block).
#define __global__
#define __device__
#define __forceinline__ inline
#define __launch_bounds__(n)
struct HostDim3 { unsigned x, y, z; };
static thread_local HostDim3 blockIdx, threadIdx;
static HostDim3 gridDim, blockDim;
static thread_local std::barrier<>* host_barrier;
static thread_local double* host_shared;
struct BlockTeam {
  int tid() const { return (int) threadIdx.x; }
  int size() const { return (int) blockDim.x; }
  void sync() const { host_barrier->arrive_and_wait(); }
};
#define NTK_SHARED(name) double* name = host_shared
#include "ntk_full.cu"
#undef NTK_SHARED
#undef __launch_bounds__
#undef __global__
#undef __device__
#undef __forceinline__

// The schedule's kernels by element type: the extern "C" entry points themselves (f64 / f32 by overload).
static void entry_input(const double* a, int b, const double* c, int d, int e, int f, int g, int h, int i, double* j,
                        double* k) { ntk_full_input_f64(a, b, c, d, e, f, g, h, i, j, k); }
static void entry_input(const float* a, int b, const float* c, int d, int e, int f, int g, int h, int i, float* j,
                        float* k) { ntk_full_input_f32(a, b, c, d, e, f, g, h, i, j, k); }
static void entry_op(const double* prog, int o, const int* geom, int pairs, int ia0, int jb0, int cols, int self,
                     const double* ta, const double* tb, int per, int inP, int P, const double* inN, const double* inT,
                     double* outN, double* outT) {
  ntk_full_op_f64(prog, o, geom, pairs, ia0, jb0, cols, self, ta, tb, per, inP, P, inN, inT, outN, outT);
}
static void entry_op(const double* prog, int o, const int* geom, int pairs, int ia0, int jb0, int cols, int self,
                     const float* ta, const float* tb, int per, int inP, int P, const float* inN, const float* inT,
                     float* outN, float* outT) {
  ntk_full_op_f32(prog, o, geom, pairs, ia0, jb0, cols, self, ta, tb, per, inP, P, inN, inT, outN, outT);
}
static void entry_record(const double* prog, int o, int pairs, int ia0, int P, const double* n, double* tape, int per) {
  ntk_full_record_f64(prog, o, pairs, ia0, P, n, tape, per);
}
static void entry_record(const double* prog, int o, int pairs, int ia0, int P, const float* n, float* tape, int per) {
  ntk_full_record_f32(prog, o, pairs, ia0, P, n, tape, per);
}
static void entry_reduce(const double* prog, int o, int pairs, int P, const double* inN, const double* inT, double* outN,
                         double* outT) { ntk_full_reduce_f64(prog, o, pairs, P, inN, inT, outN, outT); }
static void entry_reduce(const double* prog, int o, int pairs, int P, const float* inN, const float* inT, float* outN,
                         float* outT) { ntk_full_reduce_f32(prog, o, pairs, P, inN, inT, outN, outT); }
static void entry_conv(const double* prog, int o, const int* geom, int pairs, int inP, int P, int group,
                       const double* inN, const double* inT, double* outN, double* outT, int fuse, int ia0, int jb0,
                       int cols, const double* ta, const double* tb, int per) {
  ntk_full_conv_f64(prog, o, geom, pairs, inP, P, group, inN, inT, outN, outT, fuse, ia0, jb0, cols, ta, tb, per);
}
static void entry_conv(const double* prog, int o, const int* geom, int pairs, int inP, int P, int group,
                       const float* inN, const float* inT, float* outN, float* outT, int fuse, int ia0, int jb0,
                       int cols, const float* ta, const float* tb, int per) {
  ntk_full_conv_f32(prog, o, geom, pairs, inP, P, group, inN, inT, outN, outT, fuse, ia0, jb0, cols, ta, tb, per);
}

template <typename F> static void launch(int blocks, int threads, size_t sharedBytes, F kernel) {
  gridDim = {(unsigned) blocks, 1, 1};
  blockDim = {(unsigned) threads, 1, 1};
  if (sharedBytes == 0) {
    // no shared memory, hence no barriers (the grid-stride kernels): every (block, thread) in turn is exact
    for (int b = 0; b < blocks; b++) {
      blockIdx = {(unsigned) b, 0, 0};
      for (int t = 0; t < threads; t++) {
        threadIdx = {(unsigned) t, 0, 0};
        kernel();
      }
    }
    return;
  }
  std::vector<double> sh(sharedBytes / sizeof(double) + 1);
  std::barrier<> bar(threads);
  auto body = [&](int t) {
    threadIdx = {(unsigned) t, 0, 0};
    host_barrier = &bar;
    host_shared = sh.data();
    for (int b = 0; b < blocks; b++) {
      blockIdx = {(unsigned) b, 0, 0};
      if (t == 0) std::fill(sh.begin(), sh.end(), std::nan(""));
      bar.arrive_and_wait();
      kernel();
      bar.arrive_and_wait();
    }
  };
  std::vector<std::thread> ts;
  for (int t = 1; t < threads; t++) ts.emplace_back(body, t);
  body(0);
  for (auto& th : ts) th.join();
}

// A team of real threads with a barrier: runs run_spatial as a CUDA block would (the kernels' cooperative loops and
// __syncthreads), so races in the shared per-pair state show up here. "conv" input with team size T > 1.
struct ThreadTeam {
  int id, n;
  std::barrier<>* bar;
  int tid() const { return id; }
  int size() const { return n; }
  void sync() const { bar->arrive_and_wait(); }
};

template <typename E, typename Var>
static void run_team(int T, const double* prog, int nops, const int* geom, E* buf, int maxP, int P, Var var, E* res) {
  if (T <= 1) {
    HostTeam team;
    run_spatial<E>(prog, nops, geom, buf, buf + maxP, buf + 2 * maxP, buf + 3 * maxP, P, team, var, res);
    return;
  }
  std::barrier<> bar(T);
  std::vector<std::thread> ts;
  for (int t = 0; t < T; t++) {
    ts.emplace_back([=, &bar]() mutable {
      ThreadTeam team{t, T, &bar};
      run_spatial<E>(prog, nops, geom, buf, buf + maxP, buf + 2 * maxP, buf + 3 * maxP, P, team, var, res);
    });
  }
  for (auto& th : ts) th.join();
}

static double next(FILE* f) {
  char buf[128];
  if (fscanf(f, "%127s", buf) != 1) { fprintf(stderr, "host_harness: input ends early\n"); exit(2); }
  return strtod(buf, nullptr);
}

template <typename T>
static void run(int n1, int n2, int d, const std::vector<double>& prog, int nops,
                const std::vector<double>& x1d, const std::vector<double>& x2d) {
  std::vector<T> x1(x1d.begin(), x1d.end()), x2(x2d.begin(), x2d.end());
  int slots = 0;
  for (int o = 0; o < nops; o++) {
    int c = (int) prog[o * NTK_OP_STRIDE];
    if (c != NTK_OP_DENSE_NTK && c != NTK_OP_DENSE_STD) slots++;
  }
  std::vector<T> t1((size_t) (slots + 1) * n1), t2((size_t) (slots + 1) * n2);
  for (int side = 0; side < 2; side++) {
    std::vector<T>& x = side == 0 ? x1 : x2;
    std::vector<T>& t = side == 0 ? t1 : t2;
    int n = side == 0 ? n1 : n2;
    for (int i = 0; i < n; i++) {
      Dot2<T> acc;
      dot2_init(acc);
      for (int k = 0; k < d; k++) dot2_add(acc, x[(size_t) i * d + k], x[(size_t) i * d + k]);
      T nngp = input_gram(acc, d), ntk = T(0);
      SelfVar<T> var{t.data(), n, i};
      run_program<T>(prog.data(), nops, nngp, ntk, var);
    }
  }
  for (int i = 0; i < n1; i++) {
    for (int j = 0; j < n2; j++) {
      Dot2<T> acc;
      dot2_init(acc);
      for (int k = 0; k < d; k++) dot2_add(acc, x1[(size_t) i * d + k], x2[(size_t) j * d + k]);
      T nngp = input_gram(acc, d), ntk = T(0);
      PairVar<T> var{t1.data(), t2.data(), n1, n2, i, j};
      run_program<T>(prog.data(), nops, nngp, ntk, var);
      printf("%a %a\n", (double) nngp, (double) ntk);
    }
  }
}

// Reads "n1 n2 P C nops ngeom maxP per", the program, the geometry and both inputs (as E).
template <typename E> struct SpatialInput {
  int n1, n2, P, C, nops, ngeom, maxP, per;
  std::vector<double> prog;
  std::vector<int> geom;
  std::vector<E> x1, x2;
  SpatialInput() {
    n1 = (int) next(stdin); n2 = (int) next(stdin); P = (int) next(stdin); C = (int) next(stdin);
    nops = (int) next(stdin); ngeom = (int) next(stdin); maxP = (int) next(stdin); per = (int) next(stdin);
    prog.resize(nops * NTK_OP_STRIDE);
    geom.resize(ngeom + 1);
    x1.resize((size_t) n1 * P * C);
    x2.resize((size_t) n2 * P * C);
    for (double& v : prog) v = next(stdin);
    for (int k = 0; k < ngeom; k++) geom[k] = (int) next(stdin);
    for (E& v : x1) v = (E) next(stdin);
    for (E& v : x2) v = (E) next(stdin);
  }
};

template <typename E> static void conv(int T) {
  SpatialInput<E> in;
  int n1 = in.n1, n2 = in.n2, P = in.P, C = in.C, nops = in.nops, maxP = in.maxP, per = in.per;
  std::vector<E> t1((size_t) n1 * per + 1), t2((size_t) n2 * per + 1), buf(4 * (size_t) maxP);
  E res[2];
  for (int side = 0; side < 2; side++) {
    const std::vector<E>& x = side == 0 ? in.x1 : in.x2;
    std::vector<E>& t = side == 0 ? t1 : t2;
    int n = side == 0 ? n1 : n2;
    for (int i = 0; i < n; i++) {
      const E* xi = x.data() + (size_t) i * P * C;
      for (int p = 0; p < P; p++) { buf[p] = input_position(xi, xi, p, C); buf[maxP + p] = 0; }
      SelfVarP<E> var{t.data(), per, i};
      run_team(T, in.prog.data(), nops, in.geom.data(), buf.data(), maxP, P, var, res);
    }
  }
  for (int i = 0; i < n1; i++) {
    for (int j = 0; j < n2; j++) {
      const E* xi = in.x1.data() + (size_t) i * P * C;
      const E* xj = in.x2.data() + (size_t) j * P * C;
      for (int p = 0; p < P; p++) { buf[p] = input_position(xi, xj, p, C); buf[maxP + p] = 0; }
      PairVarP<E> var{t1.data(), t2.data(), per, i, j};
      run_team(T, in.prog.data(), nops, in.geom.data(), buf.data(), maxP, P, var, res);
      printf("%a %a\n", (double) res[0], (double) res[1]);
    }
  }
}

// schedule mode: executes a launch list that the Java side built (org.ntk4j.gpu.FullSchedule, as CudaBackend launches
// it), with the buffers named: "schedule PREC batch nlines n1 n2 P C nops ngeom maxP per", program, geometry, x1, x2,
// then nlines lines "kernel blocks threads sharedBytes nargs arg..." (pointer arguments by name: prog geom x1 x2 t1 t2
// b0 b1 b2 b3) or "out N T i0 rows j0 cols" (pair k of buffers N, T to the result at (i0 + k / cols, j0 + k % cols)).
// PREC 64 runs the _f64 kernels on double buffers, 32 the _f32 kernels on float buffers.
template <typename E> static void schedule(const char* suffix) {
  int batch = (int) next(stdin), lines = (int) next(stdin);
  SpatialInput<E> in;
  int n1 = in.n1, n2 = in.n2, maxP = in.maxP, per = in.per;
  std::vector<E> t1((size_t) n1 * per + 1), t2((size_t) n2 * per + 1);
  std::vector<E> buf[4];
  for (auto& b : buf) b.assign((size_t) maxP * maxP * batch, (E) std::nan(""));
  std::vector<double> outN((size_t) n1 * n2, std::nan("")), outT((size_t) n1 * n2, std::nan(""));
  auto ptr = [&](const char* name) -> E* {
    std::string s(name);
    if (s == "x1") return in.x1.data();
    if (s == "x2") return in.x2.data();
    if (s == "t1") return t1.data();
    if (s == "t2") return t2.data();
    if (s.size() == 2 && s[0] == 'b' && s[1] >= '0' && s[1] <= '3') return buf[s[1] - '0'].data();
    fprintf(stderr, "host_harness: unknown buffer %s\n", name);
    exit(2);
  };
  char name[64], a[32][64];
  for (int l = 0; l < lines; l++) {
    if (scanf("%63s", name) != 1) { fprintf(stderr, "host_harness: schedule ends early\n"); exit(2); }
    std::string k(name);
    int B = 0, T = 0;
    size_t S = 0;
    if (k != "out") {
      B = (int) next(stdin);
      T = (int) next(stdin);
      S = (size_t) next(stdin);
    }
    int na = k == "out" ? 6 : (int) next(stdin);
    if (na > 32) { fprintf(stderr, "host_harness: %d arguments\n", na); exit(2); }
    for (int i = 0; i < na; i++) {
      if (scanf("%63s", a[i]) != 1) { fprintf(stderr, "host_harness: schedule ends early\n"); exit(2); }
    }
    auto I = [&](int i) { return atoi(a[i]); };
    auto D = [&](int i) { return ptr(a[i]); };
    auto Prog = [&](int i) {
      if (std::string(a[i]) != "prog") { fprintf(stderr, "host_harness: argument %d is %s, not prog\n", i, a[i]); exit(2); }
      return in.prog.data();
    };
    const int* g = in.geom.data();
    if (k != "out" && k.size() > 4 && k.substr(k.size() - 4) != std::string("_") + suffix) {
      fprintf(stderr, "host_harness: %s in a float%s schedule\n", name, suffix + 1);
      exit(2);
    }
    std::string base = k == "out" ? k : k.substr(0, k.size() - 4);
    if (base == "out") {
      E *n = D(0), *t = D(1);
      int i0 = I(2), rows = I(3), j0 = I(4), cols = I(5);
      for (int q = 0; q < rows * cols; q++) {
        outN[(size_t) (i0 + q / cols) * n2 + j0 + q % cols] = (double) n[q];
        outT[(size_t) (i0 + q / cols) * n2 + j0 + q % cols] = (double) t[q];
      }
    } else if (base == "ntk_full_input" && na == 11) {
      launch(B, T, S, [&] { entry_input(D(0), I(1), D(2), I(3), I(4), I(5), I(6), I(7), I(8), D(9), D(10)); });
    } else if (base == "ntk_full_op" && na == 17) {
      launch(B, T, S, [&] {
        entry_op(Prog(0), I(1), g, I(3), I(4), I(5), I(6), I(7), D(8), D(9), I(10), I(11), I(12), D(13), D(14), D(15),
                 D(16));
      });
    } else if (base == "ntk_full_record" && na == 8) {
      launch(B, T, S, [&] { entry_record(Prog(0), I(1), I(2), I(3), I(4), D(5), D(6), I(7)); });
    } else if (base == "ntk_full_reduce" && na == 8) {
      launch(B, T, S, [&] { entry_reduce(Prog(0), I(1), I(2), I(3), D(4), D(5), D(6), D(7)); });
    } else if (base == "ntk_full_conv" && na == 18) {
      launch(B, T, S, [&] {
        entry_conv(Prog(0), I(1), g, I(3), I(4), I(5), I(6), D(7), D(8), D(9), D(10), I(11), I(12), I(13), I(14), D(15),
                   D(16), I(17));
      });
    } else {
      fprintf(stderr, "host_harness: unknown launch %s with %d arguments\n", name, na);
      exit(2);
    }
  }
  for (size_t k = 0; k < outN.size(); k++) printf("%a %a\n", outN[k], outT[k]);
}

// One pair in full mode, op by op as ntk_full.cu launches them: every entry of a moving op from the previous buffer
// into the other, in-place ops entry by entry, Flatten/GAP per pair in SpatialKernels' order. self: record the
// diagonal at each nonlinearity into tape row ta (= tb) first. Returns Σ, Θ in res.
template <typename E>
static void full_pair(const std::vector<double>& prog, int nops, const int* geom, const E* xa, const E* xb, int P, int C,
                      E* ta, const E* tb, bool self, std::vector<E>* buf, E* res) {
  int cur = 0;
  for (int q = 0; q < P; q++) {
    for (int q2 = 0; q2 < P; q2++) {
      buf[0][(size_t) q * P + q2] = input_full_entry(xa, xb, q, q2, C);
      buf[1][(size_t) q * P + q2] = E(0);
    }
  }
  for (int o = 0; o < nops; o++) {
    const double* op = prog.data() + o * NTK_OP_STRIDE;
    int code = (int) op[0];
    int outP = full_positions_after(op, geom, P);
    E *inN = buf[2 * cur].data(), *inT = buf[2 * cur + 1].data();
    if (code == NTK_OP_FLATTEN || code == NTK_OP_GAP) {
      E n, t;
      full_reduce(op, inN, inT, P, n, t);
      inN[0] = n;
      inT[0] = t;
    } else if (full_op_moves(code)) {
      E *outN = buf[2 * (1 - cur)].data(), *outT = buf[2 * (1 - cur) + 1].data();
      for (int q = 0; q < outP; q++)
        for (int q2 = 0; q2 < outP; q2++)
          full_entry<E>(op, geom, inN, inT, outN, outT, outP, q, q2, nullptr, nullptr);
      cur = 1 - cur;
    } else {
      const E *v1 = nullptr, *v2 = nullptr;
      if (code == NTK_OP_RELU || code == NTK_OP_ERF) {
        int off = (int) op[4];
        if (self) for (int p = 0; p < P; p++) ta[off + p] = inN[(size_t) p * P + p];
        v1 = ta + off;
        v2 = self ? ta + off : tb + off;
      }
      for (int q = 0; q < P; q++)
        for (int q2 = 0; q2 < P; q2++) full_entry<E>(op, geom, nullptr, nullptr, inN, inT, P, q, q2, v1, v2);
    }
    P = outP;
  }
  res[0] = buf[2 * cur][0];
  res[1] = buf[2 * cur + 1][0];
}

template <typename E> static void full() {
  SpatialInput<E> in;
  int n1 = in.n1, n2 = in.n2, P = in.P, C = in.C, nops = in.nops, maxP = in.maxP, per = in.per;
  const int* geom = in.geom.data();
  std::vector<E> t1((size_t) n1 * per + 1), t2((size_t) n2 * per + 1);
  std::vector<E> buf[4];
  for (auto& b : buf) b.assign((size_t) maxP * maxP, E(0));
  E res[2];
  for (int i = 0; i < n1; i++) {
    const E* xi = in.x1.data() + (size_t) i * P * C;
    full_pair(in.prog, nops, geom, xi, xi, P, C, t1.data() + (size_t) i * per, (const E*) nullptr, true, buf, res);
  }
  for (int j = 0; j < n2; j++) {
    const E* xj = in.x2.data() + (size_t) j * P * C;
    full_pair(in.prog, nops, geom, xj, xj, P, C, t2.data() + (size_t) j * per, (const E*) nullptr, true, buf, res);
  }
  for (int i = 0; i < n1; i++) {
    for (int j = 0; j < n2; j++) {
      full_pair(in.prog, nops, geom, in.x1.data() + (size_t) i * P * C, in.x2.data() + (size_t) j * P * C, P, C,
                t1.data() + (size_t) i * per, (const E*) t2.data() + (size_t) j * per, false, buf, res);
      printf("%a %a\n", (double) res[0], (double) res[1]);
    }
  }
}

int main() {
  char mode[16];
  if (scanf("%15s", mode) != 1) { fprintf(stderr, "host_harness: empty input\n"); return 2; }
  if (mode[0] != 'f' || mode[1] != 'c') {
    // spatial modes: "schedule PREC ...", "full PREC ...", "conv[-T] PREC ..."
    bool f32 = (int) next(stdin) == 32;
    if (mode[0] == 's') { if (f32) schedule<float>("f32"); else schedule<double>("f64"); return 0; }
    if (mode[0] == 'f') { if (f32) full<float>(); else full<double>(); return 0; }
    int T = mode[4] == '-' ? atoi(mode + 5) : 1;
    if (f32) conv<float>(T); else conv<double>(T);
    return 0;
  }
  int prec = (int) next(stdin), n1 = (int) next(stdin), n2 = (int) next(stdin), d = (int) next(stdin);
  int nops = (int) next(stdin);
  std::vector<double> prog(nops * NTK_OP_STRIDE), x1((size_t) n1 * d), x2((size_t) n2 * d);
  for (double& v : prog) v = next(stdin);
  for (double& v : x1) v = next(stdin);
  for (double& v : x2) v = next(stdin);
  if (prec == 32) run<float>(n1, n2, d, prog, nops, x1, x2);
  else run<double>(n1, n2, d, prog, nops, x1, x2);
  return 0;
}
