// Hardware reference: Eigen 3.4's own vectorised sgemm (WITHOUT EIGEN_DONT_VECTORIZE, unlike
// moe_core) on the shapes of gemm_shapes.h, for building at -O3 -msse4.1 (the closest native analogue
// of wasm SIMD128) and -O3 -march=native. Its own binary, never linked with moe_core (no ODR clash).
// Prints one JSON line per (op, shape): GFLOP/s, median of samples timed by thread CPU time.
#include <time.h>

#include <algorithm>
#include <cstdio>
#include <random>
#include <vector>

#include <Eigen/Core>

#include "gemm_shapes.h"

namespace {

using RowMat = Eigen::Matrix<float, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;
volatile float g_sink = 0.0f;

double cpu_seconds() {
  timespec ts;
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return ts.tv_sec + 1e-9 * ts.tv_nsec;
}

// Median seconds per call over 15 samples of ~2 ms each (repetition count calibrated first).
template <class F>
double median_seconds(F&& fn) {
  fn();
  int reps = 1;
  for (;;) {
    const double t0 = cpu_seconds();
    for (int r = 0; r < reps; r++) fn();
    const double dt = cpu_seconds() - t0;
    if (dt >= 2e-3 || reps >= (1 << 24)) break;
    reps = dt <= 0 ? reps * 16 : std::max(reps * 2, int(reps * 2e-3 / dt * 1.2));
  }
  std::vector<double> s;
  for (int k = 0; k < 15; k++) {
    const double t0 = cpu_seconds();
    for (int r = 0; r < reps; r++) fn();
    s.push_back((cpu_seconds() - t0) / reps);
  }
  std::sort(s.begin(), s.end());
  return s[s.size() / 2];
}

}  // namespace

int main() {
  std::mt19937 rng(42);
  std::uniform_real_distribution<float> u(-1.0f, 1.0f);
  for (const auto& s : moe_bench::kGemmShapes) {
    std::vector<float> A(std::size_t(s.M) * s.K), B(std::size_t(s.K) * s.N), C(std::size_t(s.M) * s.N);
    for (auto& x : A) x = u(rng);
    for (auto& x : B) x = u(rng);
    Eigen::Map<RowMat> c(C.data(), s.M, s.N);
    const double flops = 2.0 * s.M * s.N * s.K;
    // nn: C = A(M,K) B(K,N); nt: C = A(M,K) B(N,K)^T; tn: C = A(K,M)^T B(K,N), as in bench_kernels.cpp.
    const char* ops[] = {"nn", "nt", "tn"};
    for (int op = 0; op < 3; op++) {
      const double t = median_seconds([&] {
        if (op == 0)
          c.noalias() = Eigen::Map<const RowMat>(A.data(), s.M, s.K) * Eigen::Map<const RowMat>(B.data(), s.K, s.N);
        else if (op == 1)
          c.noalias() =
              Eigen::Map<const RowMat>(A.data(), s.M, s.K) * Eigen::Map<const RowMat>(B.data(), s.N, s.K).transpose();
        else
          c.noalias() =
              Eigen::Map<const RowMat>(A.data(), s.K, s.M).transpose() * Eigen::Map<const RowMat>(B.data(), s.K, s.N);
      });
      g_sink = g_sink + C[0];
      std::printf("{\"op\":\"%s\",\"shape\":\"%s\",\"w2\":%s,\"M\":%d,\"N\":%d,\"K\":%d,\"eigen\":%.4f,\"simdInstructionSets\":\"%s\"}\n",
                  ops[op], s.what, s.w2 ? "true" : "false", s.M, s.N, s.K, flops / t * 1e-9,
                  Eigen::SimdInstructionSetsInUse());
    }
  }
  return g_sink == 12345.678f ? 1 : 0;
}
