// Kernel benchmark: GFLOP/s of every GEMM variant in variants.h next to Eigen's product on the same
// shapes (transposes included), and elementwise throughput; median of repetitions. Prints, never
// asserts: the machine is shared and noisy. Also builds with em++ (plain C++ + Eigen, no threads).
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <random>
#include <string>
#include <vector>
#if defined(__EMSCRIPTEN__)
#include <emscripten.h>
#else
#include <time.h>
#endif

#include <Eigen/Core>

#include "hardware/gemm_shapes.h"
#include "kernels/kernels.h"
#include "kernels/variants.h"

namespace mk = moe::kernels;

#if defined(__EMSCRIPTEN__)
// CPU seconds of the Node process (wall seconds where `process` does not exist).
EM_JS(double, moe_bench_cpu_seconds, (), {
  if (typeof process !== "undefined" && process.cpuUsage) {
    const u = process.cpuUsage();
    return (u.user + u.system) * 1e-6;
  }
  return performance.now() * 1e-3;
});
#endif

namespace {

using Clock = std::chrono::steady_clock;

// Samples are timed by CPU time, so other processes on the shared machine do not inflate them
// (cache interference still does): this thread's natively; under Node the process's (the engine's
// compiler threads are idle after warm-up); wall time in a browser, which has no CPU clock.
#if defined(__EMSCRIPTEN__)
const char* kClockName = "Node process CPU time";
double now_seconds() { return moe_bench_cpu_seconds(); }
#else
const char* kClockName = "thread CPU time";
double now_seconds() {
  timespec ts;
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return ts.tv_sec + 1e-9 * ts.tv_nsec;
}
#endif

using RowMat = Eigen::Matrix<float, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;

bool g_json = false;           // --json: one JSON line per GEMM case, no elementwise table
int g_samples = 15;            // timed samples per case (median reported)
double g_sample_seconds = 2e-3;  // target duration of one sample

volatile float g_sink = 0.0f;  // keeps results observable

// Median seconds per call of fn: calibrates a repetition count so each sample lasts ~g_sample_seconds.
template <class F>
double median_seconds(F&& fn) {
  fn();
  int reps = 1;
  for (;;) {
    const double t0 = now_seconds();
    for (int r = 0; r < reps; r++) fn();
    const double dt = now_seconds() - t0;
    if (dt >= g_sample_seconds || reps >= (1 << 24)) break;
    reps = dt <= 0 ? reps * 16 : std::max(reps * 2, (int)(reps * g_sample_seconds / dt * 1.2));
  }
  std::vector<double> s;
  for (int k = 0; k < g_samples; k++) {
    const double t0 = now_seconds();
    for (int r = 0; r < reps; r++) fn();
    s.push_back((now_seconds() - t0) / reps);
  }
  std::sort(s.begin(), s.end());
  return s[s.size() / 2];
}

std::vector<float> random_vec(std::mt19937& rng, std::size_t n, float lo = -1.0f, float hi = 1.0f) {
  std::uniform_real_distribution<float> u(lo, hi);
  std::vector<float> v(n);
  for (auto& x : v) x = u(rng);
  return v;
}

// C(M,N) = op(A) op(B) with Eigen, mapped on the same row-major buffers as our kernels.
void eigen_gemm(char layout, int M, int N, int K, const float* A, const float* B, float* C) {
  Eigen::Map<RowMat> c(C, M, N);
  if (layout == 'n') {  // nn: A(M,K) B(K,N)
    c.noalias() = Eigen::Map<const RowMat>(A, M, K) * Eigen::Map<const RowMat>(B, K, N);
  } else if (layout == 't') {  // nt: A(M,K) B(N,K)^T
    c.noalias() = Eigen::Map<const RowMat>(A, M, K) * Eigen::Map<const RowMat>(B, N, K).transpose();
  } else {  // tn: A(K,M)^T B(K,N)
    c.noalias() = Eigen::Map<const RowMat>(A, K, M).transpose() * Eigen::Map<const RowMat>(B, K, N);
  }
}

void bench_gemm() {
  struct Family {
    const char* name;
    char layout;
    const mk::Variant<mk::GemmFn>* table;
    std::size_t count;
  };
  const Family families[] = {{"nn", 'n', mk::kGemmNn, std::size(mk::kGemmNn)},
                             {"nt", 't', mk::kGemmNt, std::size(mk::kGemmNt)},
                             {"tn", 'x', mk::kGemmTn, std::size(mk::kGemmTn)}};
  if (!g_json) {
    std::printf("GEMM GFLOP/s (median of %d samples; eigen = Eigen 3.4 as this project builds it, "
                "EIGEN_DONT_VECTORIZE, compiler autovectorisation only)\n",
                g_samples);
    std::printf("%-4s %-30s %5s %5s %5s %9s %9s %9s %10s %10s\n", "op", "shape", "M", "N", "K", "ref", "simd", "eigen",
                "simd/ref", "simd/eigen");
  }
  std::mt19937 rng(42);
  for (const auto& s : moe_bench::kGemmShapes) {
    const auto A = random_vec(rng, (std::size_t)s.M * s.K), B = random_vec(rng, (std::size_t)s.K * s.N);
    std::vector<float> C((std::size_t)s.M * s.N);
    const double flops = 2.0 * s.M * s.N * s.K;
    for (const auto& f : families) {
      double gf[2] = {0, 0};  // ref, simd
      for (std::size_t v = 0; v < f.count; v++) {
        const double t = median_seconds([&] { f.table[v].fn(s.M, s.N, s.K, A.data(), B.data(), C.data(), false); });
        gf[std::string(f.table[v].name) == "simd" ? 1 : 0] = flops / t * 1e-9;
        g_sink = g_sink + C[0];
      }
      const double te = median_seconds([&] { eigen_gemm(f.layout, s.M, s.N, s.K, A.data(), B.data(), C.data()); });
      const double ge = flops / te * 1e-9;
      g_sink = g_sink + C[0];
      if (g_json)
        std::printf("{\"op\":\"%s\",\"shape\":\"%s\",\"w2\":%s,\"M\":%d,\"N\":%d,\"K\":%d,\"ref\":%.4f,\"simd\":%.4f,"
                    "\"eigen\":%.4f}\n",
                    f.name, s.what, s.w2 ? "true" : "false", s.M, s.N, s.K, gf[0], gf[1], ge);
      else if (gf[1] > 0)
        std::printf("%-4s %-30s %5d %5d %5d %9.2f %9.2f %9.2f %9.2fx %9.2fx\n", f.name, s.what, s.M, s.N, s.K, gf[0],
                    gf[1], ge, gf[1] / gf[0], gf[1] / ge);
      else
        std::printf("%-4s %-30s %5d %5d %5d %9.2f %9s %9.2f %10s %10s\n", f.name, s.what, s.M, s.N, s.K, gf[0], "-", ge,
                    "-", "-");
    }
  }
}

// Prints one elementwise row: Gelem/s of every variant in a table, and simd/ref.
template <class Fn, std::size_t n, class Call>
void elementwise_row(const char* what, const mk::Variant<Fn> (&table)[n], double elems, Call&& call) {
  double rate[2] = {0, 0};
  for (std::size_t v = 0; v < n; v++) {
    const double t = median_seconds([&] { call(table[v].fn); });
    rate[std::string(table[v].name) == "simd" ? 1 : 0] = elems / t * 1e-9;
  }
  if (rate[1] > 0)
    std::printf("%-34s %10.3f %10.3f %9.2fx\n", what, rate[0], rate[1], rate[1] / rate[0]);
  else
    std::printf("%-34s %10.3f %10s %10s\n", what, rate[0], "-", "-");
}

void bench_elementwise() {
  std::printf("\nElementwise Gelem/s (median of %d samples)\n", g_samples);
  std::printf("%-34s %10s %10s %10s\n", "kernel", "ref", "simd", "simd/ref");
  std::mt19937 rng(7);
  const mk::Act acts[] = {mk::Act::Relu, mk::Act::Tanh, mk::Act::Gelu};
  const char* act_names[] = {"relu", "tanh", "gelu"};
  for (const auto shape : {std::pair{32, 64}, std::pair{256, 256}}) {
    const int M = shape.first, N = shape.second;  // plain ints: lambdas cannot capture bindings in C++17
    const std::size_t mn = (std::size_t)M * N;
    const auto x = random_vec(rng, mn, -3.0f, 3.0f), b = random_vec(rng, N), dy = random_vec(rng, mn);
    std::vector<float> y(mn), pre(mn), dz(mn), db(N);
    for (int a = 0; a < 3; a++) {
      const std::string dims = " " + std::to_string(M) + "x" + std::to_string(N);
      elementwise_row(("bias_act " + std::string(act_names[a]) + dims).c_str(), mk::kBiasAct, (double)mn, [&](auto fn) {
        std::memcpy(y.data(), x.data(), mn * sizeof(float));
        fn(M, N, y.data(), b.data(), acts[a], pre.data());
      });
      elementwise_row(("act_backward " + std::string(act_names[a]) + dims).c_str(), mk::kActBackward, (double)mn,
                      [&](auto fn) { fn(M, N, dy.data(), x.data(), acts[a], dz.data()); });
    }
    elementwise_row(("bias_backward " + std::to_string(M) + "x" + std::to_string(N)).c_str(), mk::kBiasBackward,
                    (double)mn, [&](auto fn) { fn(M, N, dy.data(), db.data()); });
  }
  for (const auto shape : {std::pair{32, 5}, std::pair{32, 8}, std::pair{256, 256}}) {
    const int M = shape.first, N = shape.second;
    const std::size_t mn = (std::size_t)M * N;
    const auto x = random_vec(rng, mn, -5.0f, 5.0f);
    std::vector<float> y(mn);
    const std::string dims = " " + std::to_string(M) + "x" + std::to_string(N);
    elementwise_row(("softmax" + dims).c_str(), mk::kSoftmax, (double)mn,
                    [&](auto fn) { fn(M, N, x.data(), y.data()); });
    elementwise_row(("log_softmax" + dims).c_str(), mk::kLogSoftmax, (double)mn,
                    [&](auto fn) { fn(M, N, x.data(), y.data()); });
  }
  for (std::size_t n : {std::size_t{5000}, std::size_t{1} << 20}) {
    auto p = random_vec(rng, n);
    const auto g = random_vec(rng, n);
    std::vector<float> m(n, 0.0f), v(n, 0.0f);
    elementwise_row(("adam n=" + std::to_string(n)).c_str(), mk::kAdam, (double)n, [&](auto fn) {
      fn(n, p.data(), g.data(), m.data(), v.data(), 1e-3f, 0.9f, 0.999f, 1e-7f, 0.0f);
    });
  }
}

// Runs every kernel for a while before timing: wasm engines start in a baseline tier and optimise
// hot functions later, which would otherwise penalise whichever case is measured first.
void warm_up() {
  std::mt19937 rng(1);
  const int n = 64;
  const auto A = random_vec(rng, n * n), B = random_vec(rng, n * n);
  std::vector<float> C(n * n), m(n * n), v(n * n);
  const auto t0 = Clock::now();
  while (std::chrono::duration<double>(Clock::now() - t0).count() < 1.0) {
    for (const auto* table : {mk::kGemmNn, mk::kGemmNt, mk::kGemmTn})
      for (std::size_t i = 0; i < std::size(mk::kGemmNn); i++) table[i].fn(n, n, n, A.data(), B.data(), C.data(), false);
    for (const auto& var : mk::kBiasAct)
      for (mk::Act act : {mk::Act::Relu, mk::Act::Tanh, mk::Act::Gelu}) var.fn(n, n, C.data(), B.data(), act, m.data());
    for (const auto& var : mk::kSoftmax) var.fn(n, n, A.data(), C.data());
  }
  g_sink = g_sink + C[0];
}

}  // namespace

int main(int argc, char** argv) {
  for (int i = 1; i < argc; i++) {
    if (std::strcmp(argv[i], "--quick") == 0) {
      g_samples = 5;
      g_sample_seconds = 5e-4;
    } else if (std::strcmp(argv[i], "--json") == 0) {
      g_json = true;
    } else {
      std::fprintf(stderr, "usage: %s [--quick] [--json]\n", argv[0]);
      return 2;
    }
  }
  if (!g_json)
    std::printf("moe-wasm kernel benchmark (build: %s, SIMD variants %s, timed by %s)\n\n",
#if defined(__wasm_simd128__)
              "wasm simd128",
#elif defined(__wasm__)
              "wasm",
#elif defined(__AVX512F__)
              "native avx512",
#elif defined(__AVX2__)
              "native avx2",
#else
              "native",
#endif
              MOE_SIMD ? "on" : "off", kClockName);
  warm_up();
  bench_gemm();
  if (!g_json) bench_elementwise();
  return g_sink == 12345.678f ? 1 : 0;
}
