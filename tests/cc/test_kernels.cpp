// Kernel battery: every variant in src/kernels/variants.h against the scalar reference, at tile
// boundaries (sizes around 4/8/16/32-float tiles, odd sizes, 1), plus dispatch == chosen variant.
// Not here: gradient checks of layers (test_gradcheck) or timing (tests/bench/bench_kernels.cpp).
#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <limits>
#include <random>
#include <string>
#include <vector>

#include "kernels/kernels.h"
#include "kernels/variants.h"

namespace mk = moe::kernels;

namespace {

constexpr float kEps = std::numeric_limits<float>::epsilon();
constexpr float kNaN = std::numeric_limits<float>::quiet_NaN();
constexpr float kGuard = 12345.0f;  // sentinel written around outputs to catch out-of-bounds writes
constexpr int kPad = 17;

// Sizes straddling every SIMD tile we build (4-, 8-, 16-float vectors; 2-vector and 4-row tiles).
const std::vector<int> kCols = {1, 2, 3, 4, 5, 7, 8, 9, 15, 16, 17, 26, 31, 32, 33, 47, 48, 49, 64, 65};
const std::vector<int> kRows = {1, 2, 3, 4, 5, 7, 8, 9, 13, 32, 33};
const std::vector<int> kDepths = {0, 1, 2, 3, 5, 16, 17, 64};

std::vector<float> random_vec(std::mt19937& rng, std::size_t n, float lo = -1.0f, float hi = 1.0f) {
  std::uniform_real_distribution<float> u(lo, hi);
  std::vector<float> v(n);
  for (auto& x : v) x = u(rng);
  return v;
}

// The variants a test compares with the reference: every entry after it (the reference against
// itself proves nothing). A build without SIMD has none, and the comparison tests say so (skipped).
template <class Fn, std::size_t n>
std::vector<mk::Variant<Fn>> simd_variants(const mk::Variant<Fn> (&table)[n]) {
  std::vector<mk::Variant<Fn>> out;
  for (std::size_t i = 1; i < n; i++) out.push_back(table[i]);
  return out;
}

#define SKIP_WITHOUT_SIMD(table) \
  if (simd_variants(table).empty()) GTEST_SKIP() << "this build has only the reference kernels"

// A buffer of n floats with kPad guard floats on each side.
struct Guarded {
  std::vector<float> buf;
  explicit Guarded(std::size_t n, float fill = 0.0f) : buf(n + 2 * kPad, kGuard) {
    for (std::size_t i = 0; i < n; i++) buf[kPad + i] = fill;
  }
  float* data() { return buf.data() + kPad; }
  bool guards_intact(std::size_t n) const {
    for (int i = 0; i < kPad; i++)
      if (buf[i] != kGuard || buf[kPad + n + i] != kGuard) return false;
    return true;
  }
};

// op(A)(i,k) and op(B)(k,j) for the three GEMM layouts.
enum class Layout { NN, NT, TN };
float op_a(Layout l, const std::vector<float>& A, int M, int K, int i, int k) {
  return l == Layout::TN ? A[(std::size_t)k * M + i] : A[(std::size_t)i * K + k];
}
float op_b(Layout l, const std::vector<float>& B, int N, int K, int k, int j) {
  return l == Layout::NT ? B[(std::size_t)j * K + k] : B[(std::size_t)k * N + j];
}

void check_gemm_family(Layout layout, const mk::Variant<mk::GemmFn>* table, std::size_t count) {
  std::mt19937 rng(1234);
  ASSERT_GE(count, 1u);
  for (std::size_t v = 1; v < count; v++) {
    for (int M : kRows)
      for (int N : kCols)
        for (int K : kDepths)
          for (bool acc : {false, true}) {
            const auto A = random_vec(rng, (std::size_t)M * K);
            const auto B = random_vec(rng, (std::size_t)K * N);
            const auto C0 = random_vec(rng, (std::size_t)M * N);
            const std::size_t mn = (std::size_t)M * N;
            // accumulate=false must overwrite whatever C holds, NaN included.
            Guarded got(mn, kNaN), want(mn, kNaN);
            if (acc) {
              std::memcpy(got.data(), C0.data(), mn * sizeof(float));
              std::memcpy(want.data(), C0.data(), mn * sizeof(float));
            }
            table[v].fn(M, N, K, A.data(), B.data(), got.data(), acc);
            table[0].fn(M, N, K, A.data(), B.data(), want.data(), acc);
            ASSERT_TRUE(got.guards_intact(mn)) << table[v].name << " wrote outside C, M=" << M << " N=" << N
                                               << " K=" << K;
            for (int i = 0; i < M; i++)
              for (int j = 0; j < N; j++) {
                double mag = acc ? std::fabs(C0[(std::size_t)i * N + j]) : 0.0;
                for (int k = 0; k < K; k++) mag += std::fabs(op_a(layout, A, M, K, i, k) * op_b(layout, B, N, K, k, j));
                // both sums carry at most ~(K+1) eps relative error of the magnitude sum
                const double tol = 4.0 * (K + 2) * kEps * mag + 1e-30;
                const float g = got.data()[(std::size_t)i * N + j], w = want.data()[(std::size_t)i * N + j];
                ASSERT_TRUE(std::isfinite(g)) << table[v].name << " M=" << M << " N=" << N << " K=" << K;
                ASSERT_NEAR(g, w, tol) << table[v].name << " acc=" << acc << " M=" << M << " N=" << N << " K=" << K
                                       << " at (" << i << "," << j << ")";
              }
          }
  }
}

const mk::Act kActs[] = {mk::Act::Identity, mk::Act::Relu, mk::Act::Tanh, mk::Act::Gelu};
const char* act_name(mk::Act a) {
  switch (a) {
    case mk::Act::Identity: return "identity";
    case mk::Act::Relu: return "relu";
    case mk::Act::Tanh: return "tanh";
    case mk::Act::Gelu: return "gelu";
  }
  return "?";
}

// Moves values away from the ReLU kink at 0 (where the derivative is not defined).
void avoid_kink(std::vector<float>& z) {
  for (auto& x : z)
    if (std::fabs(x) < 1e-2f) x = x < 0 ? x - 0.05f : x + 0.05f;
}

::testing::AssertionResult close(const float* got, const float* want, std::size_t n, float rel, float abs_tol) {
  for (std::size_t i = 0; i < n; i++) {
    if (!std::isfinite(got[i]) && std::isfinite(want[i]))
      return ::testing::AssertionFailure() << "non-finite " << got[i] << " at " << i;
    if (std::fabs(got[i] - want[i]) > abs_tol + rel * std::fabs(want[i]))
      return ::testing::AssertionFailure() << "at " << i << ": got " << got[i] << " want " << want[i];
  }
  return ::testing::AssertionSuccess();
}

}  // namespace

TEST(KernelGemm, NnMatchesReferenceAtTileBoundaries) {
  SKIP_WITHOUT_SIMD(mk::kGemmNn);
  check_gemm_family(Layout::NN, mk::kGemmNn, std::size(mk::kGemmNn)); }
TEST(KernelGemm, NtMatchesReferenceAtTileBoundaries) {
  SKIP_WITHOUT_SIMD(mk::kGemmNt);
  check_gemm_family(Layout::NT, mk::kGemmNt, std::size(mk::kGemmNt)); }
TEST(KernelGemm, TnMatchesReferenceAtTileBoundaries) {
  SKIP_WITHOUT_SIMD(mk::kGemmTn);
  check_gemm_family(Layout::TN, mk::kGemmTn, std::size(mk::kGemmTn)); }

TEST(KernelGemm, ReferenceComputesTheProductByHand) {
  // A(2,3) = [1 2 3; 4 5 6], B(3,2) = [1 0; 0 1; 1 1]  ->  A·B = [4 5; 10 11]
  const float A[] = {1, 2, 3, 4, 5, 6}, B[] = {1, 0, 0, 1, 1, 1};
  const float At[] = {1, 4, 2, 5, 3, 6}, Bt[] = {1, 0, 1, 0, 1, 1};
  const float want[] = {4, 5, 10, 11};
  for (const auto& v : mk::kGemmNn) {
    float C[4] = {1, 1, 1, 1};
    v.fn(2, 2, 3, A, B, C, false);
    for (int i = 0; i < 4; i++) EXPECT_EQ(C[i], want[i]) << v.name;
    v.fn(2, 2, 3, A, B, C, true);
    for (int i = 0; i < 4; i++) EXPECT_EQ(C[i], 2 * want[i]) << v.name;
  }
  for (const auto& v : mk::kGemmNt) {
    float C[4];
    v.fn(2, 2, 3, A, Bt, C, false);
    for (int i = 0; i < 4; i++) EXPECT_EQ(C[i], want[i]) << v.name;
  }
  for (const auto& v : mk::kGemmTn) {
    float C[4];
    v.fn(2, 2, 3, At, B, C, false);
    for (int i = 0; i < 4; i++) EXPECT_EQ(C[i], want[i]) << v.name;
  }
}

TEST(KernelBiasAct, ForwardMatchesReference) {
  SKIP_WITHOUT_SIMD(mk::kBiasAct);
  std::mt19937 rng(7);
  for (const auto& v : simd_variants(mk::kBiasAct))
    for (mk::Act act : kActs)
      for (int M : {1, 3, 5})
        for (int N : kCols)
          for (bool with_b : {false, true})
            for (bool with_pre : {false, true}) {
              const std::size_t mn = (std::size_t)M * N;
              auto y = random_vec(rng, mn, -4.0f, 4.0f);
              const auto b = random_vec(rng, N);
              std::vector<float> z(mn);
              for (std::size_t i = 0; i < mn; i++) z[i] = y[i] + (with_b ? b[i % N] : 0.0f);
              avoid_kink(z);
              for (std::size_t i = 0; i < mn; i++) y[i] = z[i] - (with_b ? b[i % N] : 0.0f);
              Guarded got(mn), got_pre(mn, kNaN);
              std::memcpy(got.data(), y.data(), mn * sizeof(float));
              auto want = y;
              std::vector<float> want_pre(mn, kNaN);
              v.fn(M, N, got.data(), with_b ? b.data() : nullptr, act, with_pre ? got_pre.data() : nullptr);
              mk::f32_bias_act_ref(M, N, want.data(), with_b ? b.data() : nullptr, act,
                                   with_pre ? want_pre.data() : nullptr);
              SCOPED_TRACE(std::string(v.name) + " " + act_name(act) + " M=" + std::to_string(M) +
                           " N=" + std::to_string(N));
              ASSERT_TRUE(got.guards_intact(mn));
              ASSERT_TRUE(got_pre.guards_intact(mn));
              ASSERT_TRUE(close(got.data(), want.data(), mn, 1e-5f, 1e-6f));
              if (with_pre) {
                ASSERT_TRUE(close(got_pre.data(), want_pre.data(), mn, 0.0f, 0.0f));
              }
            }
}

TEST(KernelBiasAct, BackwardMatchesReference) {
  SKIP_WITHOUT_SIMD(mk::kActBackward);
  std::mt19937 rng(8);
  for (const auto& v : simd_variants(mk::kActBackward))
    for (mk::Act act : kActs)
      for (int M : {1, 2, 5})
        for (int N : kCols)
          for (bool in_place : {false, true}) {
            const std::size_t mn = (std::size_t)M * N;
            auto pre = random_vec(rng, mn, -4.0f, 4.0f);
            avoid_kink(pre);
            const auto dy = random_vec(rng, mn);
            std::vector<float> want(mn);
            mk::f32_act_backward_ref(M, N, dy.data(), pre.data(), act, want.data());
            Guarded got(mn, kNaN);
            if (in_place) {
              std::memcpy(got.data(), dy.data(), mn * sizeof(float));
              v.fn(M, N, got.data(), pre.data(), act, got.data());
            } else {
              v.fn(M, N, dy.data(), pre.data(), act, got.data());
            }
            SCOPED_TRACE(std::string(v.name) + " " + act_name(act) + " M=" + std::to_string(M) +
                         " N=" + std::to_string(N));
            ASSERT_TRUE(got.guards_intact(mn));
            ASSERT_TRUE(close(got.data(), want.data(), mn, 1e-5f, 1e-6f));
          }
}

TEST(KernelBiasAct, ActivationsHaveKnownValues) {
  // relu(-1)=0, relu(2)=2, tanh(0)=0, gelu(0)=0, gelu(1)=Phi(1)=0.8413447
  for (const auto& v : mk::kBiasAct) {
    float y[] = {-1.0f, 2.0f};
    v.fn(1, 2, y, nullptr, mk::Act::Relu, nullptr);
    EXPECT_EQ(y[0], 0.0f) << v.name;
    EXPECT_EQ(y[1], 2.0f) << v.name;
    float g[] = {0.0f, 1.0f};
    v.fn(1, 2, g, nullptr, mk::Act::Gelu, nullptr);
    EXPECT_NEAR(g[0], 0.0f, 1e-7f) << v.name;
    EXPECT_NEAR(g[1], 0.8413447f, 1e-6f) << v.name;
  }
}

TEST(KernelBiasBackward, MatchesReference) {
  SKIP_WITHOUT_SIMD(mk::kBiasBackward);
  std::mt19937 rng(9);
  for (const auto& v : simd_variants(mk::kBiasBackward))
    for (int M : kRows)
      for (int N : kCols) {
        const auto dz = random_vec(rng, (std::size_t)M * N);
        const auto db0 = random_vec(rng, N);
        Guarded got(N);
        std::memcpy(got.data(), db0.data(), N * sizeof(float));
        auto want = db0;
        v.fn(M, N, dz.data(), got.data());
        mk::f32_bias_backward_ref(M, N, dz.data(), want.data());
        SCOPED_TRACE(std::string(v.name) + " M=" + std::to_string(M) + " N=" + std::to_string(N));
        ASSERT_TRUE(got.guards_intact(N));
        ASSERT_TRUE(close(got.data(), want.data(), N, 0.0f, 4.0f * (M + 2) * kEps * (M + 1)));
      }
}

TEST(KernelSoftmax, MatchesReferenceIncludingLargeLogits) {
  SKIP_WITHOUT_SIMD(mk::kSoftmax);
  std::mt19937 rng(10);
  for (std::size_t vi = 1; vi < std::size(mk::kSoftmax); vi++)
    for (int M : {1, 3, 7})
      for (int N : kCols)
        for (bool in_place : {false, true}) {
          const std::size_t mn = (std::size_t)M * N;
          auto x = random_vec(rng, mn, -6.0f, 6.0f);
          // row 0 gets extreme logits: softmax must stay finite and log_softmax must not be -inf.
          x[0] = 80.0f;
          if (N > 1) x[N - 1] = -80.0f;
          if (M > 1) x[N] = -80.0f;
          std::vector<float> want(mn), want_log(mn);
          mk::f32_softmax_ref(M, N, x.data(), want.data());
          mk::f32_log_softmax_ref(M, N, x.data(), want_log.data());
          Guarded got(mn, kNaN), got_log(mn, kNaN);
          if (in_place) {
            std::memcpy(got.data(), x.data(), mn * sizeof(float));
            std::memcpy(got_log.data(), x.data(), mn * sizeof(float));
            mk::kSoftmax[vi].fn(M, N, got.data(), got.data());
            mk::kLogSoftmax[vi].fn(M, N, got_log.data(), got_log.data());
          } else {
            mk::kSoftmax[vi].fn(M, N, x.data(), got.data());
            mk::kLogSoftmax[vi].fn(M, N, x.data(), got_log.data());
          }
          SCOPED_TRACE(std::string(mk::kSoftmax[vi].name) + " M=" + std::to_string(M) + " N=" + std::to_string(N));
          ASSERT_TRUE(got.guards_intact(mn));
          ASSERT_TRUE(got_log.guards_intact(mn));
          for (std::size_t i = 0; i < mn; i++) {
            ASSERT_TRUE(std::isfinite(got.data()[i])) << i;
            ASSERT_TRUE(std::isfinite(got_log.data()[i])) << i;
          }
          for (int i = 0; i < M; i++) {
            double s = 0;
            for (int j = 0; j < N; j++) s += got.data()[(std::size_t)i * N + j];
            ASSERT_NEAR(s, 1.0, 1e-5) << "row " << i;
          }
          ASSERT_TRUE(close(got.data(), want.data(), mn, 1e-5f, 1e-7f));
          // log_softmax values reach -160 here: relative tolerance plus a few ulps of the row max
          ASSERT_TRUE(close(got_log.data(), want_log.data(), mn, 1e-6f, 1e-5f));
        }
}

TEST(KernelAdam, SeveralStepsMatchReference) {
  SKIP_WITHOUT_SIMD(mk::kAdam);
  std::mt19937 rng(11);
  for (const auto& v : simd_variants(mk::kAdam))
    for (std::size_t n : {1u, 3u, 4u, 7u, 8u, 15u, 16u, 17u, 33u, 100u, 1000u})
      for (float decay : {0.0f, 1e-4f}) {
        auto p = random_vec(rng, n);
        auto p_want = p;
        std::vector<float> m(n, 0.0f), vv(n, 0.0f), m_want(n, 0.0f), v_want(n, 0.0f);
        Guarded pg(n);
        std::memcpy(pg.data(), p.data(), n * sizeof(float));
        const float lr = 1e-2f, b1 = 0.9f, b2 = 0.999f, eps = 1e-7f;
        for (int t = 1; t <= 5; t++) {
          const auto g = random_vec(rng, n);
          const float alpha = lr * std::sqrt(1.0f - std::pow(b2, (float)t)) / (1.0f - std::pow(b1, (float)t));
          v.fn(n, pg.data(), g.data(), m.data(), vv.data(), alpha, b1, b2, eps, lr * decay);
          mk::f32_adam_ref(n, p_want.data(), g.data(), m_want.data(), v_want.data(), alpha, b1, b2, eps, lr * decay);
          SCOPED_TRACE(std::string(v.name) + " n=" + std::to_string(n) + " step " + std::to_string(t));
          ASSERT_TRUE(pg.guards_intact(n));
          ASSERT_TRUE(close(m.data(), m_want.data(), n, 1e-6f, 1e-7f));
          ASSERT_TRUE(close(vv.data(), v_want.data(), n, 1e-6f, 1e-9f));
          ASSERT_TRUE(close(pg.data(), p_want.data(), n, 1e-5f, 1e-6f));
        }
        // the parameters moved: five steps of lr 1e-2 shift each by up to ~5e-2
        double moved = 0;
        for (std::size_t i = 0; i < n; i++) moved += std::fabs(pg.data()[i] - p[i]);
        EXPECT_GT(moved, 1e-3 * n) << v.name;
      }
}

TEST(KernelDispatch, EntryPointsUseTheChosenVariant) {
  const std::string expect = MOE_SIMD ? "simd" : "ref";
  EXPECT_EQ(mk::chosen_variant(mk::kGemmNn).name, expect);
  EXPECT_EQ(mk::chosen_variant(mk::kGemmNt).name, expect);
  EXPECT_EQ(mk::chosen_variant(mk::kGemmTn).name, expect);
  EXPECT_EQ(mk::chosen_variant(mk::kBiasAct).name, expect);
  EXPECT_EQ(mk::chosen_variant(mk::kActBackward).name, expect);
  EXPECT_EQ(mk::chosen_variant(mk::kBiasBackward).name, expect);
  EXPECT_EQ(mk::chosen_variant(mk::kSoftmax).name, expect);
  EXPECT_EQ(mk::chosen_variant(mk::kLogSoftmax).name, expect);
  EXPECT_EQ(mk::chosen_variant(mk::kAdam).name, expect);

  // The entry points give bit-identical results to the chosen variant.
  std::mt19937 rng(12);
  const int M = 13, N = 26, K = 17;
  const auto A = random_vec(rng, (std::size_t)M * K), B = random_vec(rng, (std::size_t)K * N);
  const auto Bt = random_vec(rng, (std::size_t)N * K), At = random_vec(rng, (std::size_t)K * M);
  auto same = [](const std::vector<float>& a, const std::vector<float>& b) {
    return a.size() == b.size() && std::memcmp(a.data(), b.data(), a.size() * sizeof(float)) == 0;
  };
  std::vector<float> c1((std::size_t)M * N), c2((std::size_t)M * N);
  mk::f32_gemm_nn(M, N, K, A.data(), B.data(), c1.data(), false);
  mk::chosen_variant(mk::kGemmNn).fn(M, N, K, A.data(), B.data(), c2.data(), false);
  EXPECT_TRUE(same(c1, c2));
  mk::f32_gemm_nt(M, N, K, A.data(), Bt.data(), c1.data(), false);
  mk::chosen_variant(mk::kGemmNt).fn(M, N, K, A.data(), Bt.data(), c2.data(), false);
  EXPECT_TRUE(same(c1, c2));
  mk::f32_gemm_tn(M, N, K, At.data(), B.data(), c1.data(), false);
  mk::chosen_variant(mk::kGemmTn).fn(M, N, K, At.data(), B.data(), c2.data(), false);
  EXPECT_TRUE(same(c1, c2));

  const auto x = random_vec(rng, (std::size_t)M * N, -3.0f, 3.0f), b = random_vec(rng, N);
  for (mk::Act act : kActs) {
    auto y1 = x, y2 = x;
    std::vector<float> p1(x.size()), p2(x.size());
    mk::f32_bias_act(M, N, y1.data(), b.data(), act, p1.data());
    mk::chosen_variant(mk::kBiasAct).fn(M, N, y2.data(), b.data(), act, p2.data());
    EXPECT_TRUE(same(y1, y2) && same(p1, p2)) << act_name(act);
    mk::f32_act_backward(M, N, x.data(), p1.data(), act, y1.data());
    mk::chosen_variant(mk::kActBackward).fn(M, N, x.data(), p2.data(), act, y2.data());
    EXPECT_TRUE(same(y1, y2)) << act_name(act);
  }
  std::vector<float> d1(N, 0.5f), d2(N, 0.5f);
  mk::f32_bias_backward(M, N, x.data(), d1.data());
  mk::chosen_variant(mk::kBiasBackward).fn(M, N, x.data(), d2.data());
  EXPECT_TRUE(same(d1, d2));
  mk::f32_softmax(M, N, x.data(), c1.data());
  mk::chosen_variant(mk::kSoftmax).fn(M, N, x.data(), c2.data());
  EXPECT_TRUE(same(c1, c2));
  mk::f32_log_softmax(M, N, x.data(), c1.data());
  mk::chosen_variant(mk::kLogSoftmax).fn(M, N, x.data(), c2.data());
  EXPECT_TRUE(same(c1, c2));
  auto p1 = x, p2 = x;
  const auto g = random_vec(rng, x.size());
  std::vector<float> m1(x.size(), 0.1f), m2 = m1, v1(x.size(), 0.2f), v2 = v1;
  mk::f32_adam(x.size(), p1.data(), g.data(), m1.data(), v1.data(), 1e-3f, 0.9f, 0.999f, 1e-7f, 0.0f);
  mk::chosen_variant(mk::kAdam).fn(x.size(), p2.data(), g.data(), m2.data(), v2.data(), 1e-3f, 0.9f, 0.999f, 1e-7f, 0.0f);
  EXPECT_TRUE(same(p1, p2) && same(m1, m2) && same(v1, v2));
}
