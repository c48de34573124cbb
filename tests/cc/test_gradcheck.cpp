// Gradient checks of each layer's backward in isolation (dense with every activation, MLP with an
// extra hidden gradient, softmax and noisy top-k gates, both mixtures, load-balance and z-loss),
// and proof that the checker catches a wrong gradient. Whole-model checks are in test_model.cpp.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <vector>

#include "core/dense.h"
#include "core/gate.h"
#include "core/layout.h"
#include "core/mixture.h"
#include "core/mlp.h"
#include "core/rng.h"
#include "gradcheck.h"
#include "kernels/kernels.h"

namespace moe {
namespace {

using test::GradCheckOptions;
using test::GradTarget;
using test::gradcheck;
using kernels::Act;

constexpr double kTol = 1e-2;  // a wrong sign gives ~2, a dropped term usually > 0.1

std::vector<float> randn(std::size_t n, Rng* rng, float scale = 1.0f) {
  std::vector<float> v(n);
  for (float& x : v) x = scale * rng->normal();
  return v;
}

double dot(const float* a, const float* b, std::size_t n) {
  double s = 0;
  for (std::size_t i = 0; i < n; i++) s += (double)a[i] * b[i];
  return s;
}

// Dense layer loss = sum(y ⊙ R); returns NaN when a ReLU pre-activation changed sign (a kink).
struct DenseCase {
  int B = 4, IN = 5, OUT = 3;
  Act act;
  std::vector<float> x, w, b, R, y, pre, base_pre;
  explicit DenseCase(Act a) : act(a) {
    Rng rng(11);
    x = randn(B * IN, &rng);
    w = randn(IN * OUT, &rng, 0.6f);
    b = randn(OUT, &rng, 0.3f);
    R = randn(B * OUT, &rng);
    y.resize(B * OUT);
    pre.resize(B * OUT);
    forward();
    base_pre = pre;
  }
  void forward() { dense_forward(y.data(), pre.data(), x.data(), w.data(), b.data(), B, IN, OUT, act); }
  double loss() {
    forward();
    if (act == Act::Relu)
      for (std::size_t i = 0; i < pre.size(); i++)
        if ((pre[i] > 0) != (base_pre[i] > 0)) return NAN;
    return dot(y.data(), R.data(), y.size());
  }
};

class GradDense : public ::testing::TestWithParam<Act> {};

TEST_P(GradDense, WeightsBiasAndInput) {
  DenseCase c(GetParam());
  std::vector<float> dx(c.B * c.IN), dw(c.IN * c.OUT, 0.0f), db(c.OUT, 0.0f), dy = c.R;
  c.forward();
  dense_backward(dx.data(), dw.data(), db.data(), dy.data(), c.pre.data(), c.x.data(), c.w.data(), c.B, c.IN, c.OUT,
                 c.act);
  auto r = gradcheck([&] { return c.loss(); },
                     {{"w", c.w.data(), dw.data(), dw.size()}, {"b", c.b.data(), db.data(), db.size()},
                      {"x", c.x.data(), dx.data(), dx.size()}});
  EXPECT_LT(r.worst, kTol) << r.summary();
  std::printf("%s\n", r.summary().c_str());
  EXPECT_GT(r.checked, 30) << r.summary();
}

INSTANTIATE_TEST_SUITE_P(GradActs, GradDense, ::testing::Values(Act::Identity, Act::Relu, Act::Tanh, Act::Gelu));

// Activation backward alone: loss = sum(act(z) ⊙ R) over z with values near every region.
TEST(GradActivation, ReluTanhGelu) {
  for (Act act : {Act::Relu, Act::Tanh, Act::Gelu}) {
    Rng rng(12);
    const int M = 3, N = 7;
    std::vector<float> z = randn(M * N, &rng, 2.0f), R = randn(M * N, &rng), y(M * N), dz(M * N);
    auto loss = [&] {
      y = z;
      kernels::f32_bias_act(M, N, y.data(), nullptr, act, nullptr);
      return dot(y.data(), R.data(), y.size());
    };
    kernels::f32_act_backward(M, N, R.data(), z.data(), act, dz.data());
    test::GradCheckOptions o;
    o.kink_tolerance = 0.02;  // ReLU at 0
    auto r = gradcheck(loss, {{"z", z.data(), dz.data(), dz.size()}}, o);
    EXPECT_LT(r.worst, kTol) << r.summary();
    EXPECT_GE(r.checked, M * N - 2) << r.summary();
  }
}

TEST(GradCheck, CatchesWrongGradients) {
  DenseCase c(Act::Tanh);
  std::vector<float> dx(c.B * c.IN), dw(c.IN * c.OUT, 0.0f), db(c.OUT, 0.0f), dy = c.R;
  dense_backward(dx.data(), dw.data(), db.data(), dy.data(), c.pre.data(), c.x.data(), c.w.data(), c.B, c.IN, c.OUT,
                 c.act);
  auto check = [&] {
    return gradcheck([&] { return c.loss(); }, {{"w", c.w.data(), dw.data(), dw.size()},
                                                {"b", c.b.data(), db.data(), db.size()}});
  };
  ASSERT_LT(check().worst, kTol);
  db[1] = -db[1];  // a wrong sign on one element
  auto flipped = check();
  EXPECT_GT(flipped.worst, 1.0) << flipped.summary();
  EXPECT_EQ(flipped.worst_name, "b[1]");
  db[1] = -db[1];
  for (float& g : dw) g *= 0.9f;  // a missing 10% term everywhere
  EXPECT_GT(check().worst, 5 * kTol);
  for (float& g : dw) g /= 0.9f;
  // The activation derivative dropped (identity backward on a tanh layer) is caught too.
  std::fill(dw.begin(), dw.end(), 0.0f);
  std::fill(db.begin(), db.end(), 0.0f);
  dy = c.R;
  dense_backward(dx.data(), dw.data(), db.data(), dy.data(), nullptr, c.x.data(), c.w.data(), c.B, c.IN, c.OUT,
                 Act::Identity);
  EXPECT_GT(check().worst, 5 * kTol);
}

TEST(GradMlp, TwoHiddenLayersWithExtraHiddenGradient) {
  ModelConfig cfg;
  cfg.input_dim = 4;
  cfg.output_dim = 3;
  cfg.experts = 1;
  cfg.expert_hidden = {6, 5};
  ParamLayout L = build_layout(cfg);
  const MlpLayout& m = L.experts[0];
  const int B = 5;
  Rng rng(3);
  std::vector<float> params = randn(L.total, &rng, 0.5f), grads(L.total, 0.0f);
  std::vector<float> x = randn(B * 4, &rng), R = randn(B * 3, &rng), R2 = randn(B * 5, &rng);
  for (Act act : {Act::Tanh, Act::Gelu}) {
    MlpCache cache;
    cache.allocate(m, B + 2, act);
    const long row0 = 2;  // work on a row range inside the pooled buffers
    auto loss = [&] {
      mlp_forward(m, params.data(), x.data(), B, act, &cache, row0);
      return dot(cache.out(m, row0), R.data(), R.size()) + dot(cache.last_hidden(m, row0), R2.data(), R2.size());
    };
    loss();
    std::fill(grads.begin(), grads.end(), 0.0f);
    std::vector<float> dout = R, s0(B * 6), s1(B * 6), dx(B * 4);
    mlp_backward(m, params.data(), grads.data(), x.data(), B, act, cache, row0, dout.data(), R2.data(), s0.data(),
                 s1.data(), dx.data());
    std::vector<GradTarget> targets{{"x", x.data(), dx.data(), dx.size()}};
    for (const TensorView& t : L.tensors)
      targets.push_back({t.name, params.data() + t.offset, grads.data() + t.offset, (std::size_t)t.rows * t.cols});
    auto r = gradcheck(loss, targets);
    EXPECT_LT(r.worst, kTol) << r.summary();
  std::printf("%s\n", r.summary().c_str());
  }
}

TEST(GradGate, SoftmaxSlots) {
  const int B = 4, E = 3;
  Rng rng(5);
  std::vector<float> logits = randn(B * E, &rng), R = randn(B * E, &rng);
  std::vector<int32_t> idx(B * E);
  std::vector<float> kept(B * E), w(B * E), logw(B * E);
  auto loss = [&] {
    softmax_slots(logits.data(), B, E, idx.data(), kept.data());
    slot_weights(kept.data(), B, E, w.data(), logw.data());
    return dot(w.data(), R.data(), w.size()) + 0.5 * dot(logw.data(), R.data(), w.size());
  };
  loss();
  // d/dkept of sum R⊙w + 0.5 sum R⊙logw: softmax backward of R, plus log_softmax backward of R/2.
  std::vector<float> dkept(B * E), dlogits(B * E, 0.0f);
  slot_weights_backward(dkept.data(), w.data(), R.data(), B, E);
  for (int i = 0; i < B; i++) {
    double s = 0;
    for (int k = 0; k < E; k++) s += 0.5 * R[i * E + k];
    for (int k = 0; k < E; k++) dkept[i * E + k] += 0.5f * R[i * E + k] - (float)(w[i * E + k] * s);
  }
  slots_scatter_add(dlogits.data(), dkept.data(), idx.data(), B, E, E);
  auto r = gradcheck(loss, {{"logits", logits.data(), dlogits.data(), dlogits.size()}});
  EXPECT_LT(r.worst, kTol) << r.summary();
  std::printf("%s\n", r.summary().c_str());
}

TEST(GradGate, NoisyTopKWithFixedNoiseDraw) {
  const int B = 6, E = 4, K = 2;
  Rng rng(9);
  std::vector<float> clean = randn(B * E, &rng), raw = randn(B * E, &rng), R = randn(B * E, &rng);
  std::vector<float> eps(B * E), noisy(B * E), kept(B * K), w(B * K), logw(B * K);
  std::vector<int32_t> idx(B * K), base_idx;
  auto forward = [&] {
    Rng noise(1234);  // the same draw for every loss evaluation
    for (float& e : eps) e = noise.normal();
    noise_forward(noisy.data(), clean.data(), raw.data(), eps.data(), B, E);
    topk_slots(noisy.data(), B, E, K, idx.data(), kept.data());
    slot_weights(kept.data(), B, K, w.data(), logw.data());
  };
  auto loss = [&]() -> double {
    forward();
    if (idx != base_idx) return NAN;  // the step changed the routing: not differentiable there
    double s = 0;
    for (int i = 0; i < B; i++)
      for (int k = 0; k < K; k++) s += (double)w[i * K + k] * R[i * E + idx[i * K + k]];
    return s;
  };
  forward();
  base_idx = idx;
  std::vector<float> dw(B * K), dkept(B * K), dnoisy(B * E, 0.0f), dclean(B * E, 0.0f), draw(B * E);
  for (int i = 0; i < B; i++)
    for (int k = 0; k < K; k++) dw[i * K + k] = R[i * E + idx[i * K + k]];
  slot_weights_backward(dkept.data(), w.data(), dw.data(), B, K);
  slots_scatter_add(dnoisy.data(), dkept.data(), idx.data(), B, E, K);
  noise_backward(dclean.data(), draw.data(), dnoisy.data(), raw.data(), eps.data(), B, E);
  auto r = gradcheck(loss, {{"clean", clean.data(), dclean.data(), dclean.size()},
                            {"raw", raw.data(), draw.data(), draw.size()}});
  EXPECT_LT(r.worst, kTol) << r.summary();
  std::printf("%s\n", r.summary().c_str());
  EXPECT_GT(r.checked, 40) << r.summary();
  // Logits of experts left out get exactly zero gradient.
  for (int i = 0; i < B; i++)
    for (int e = 0; e < E; e++)
      if (base_idx[i * K] != e && base_idx[i * K + 1] != e) EXPECT_EQ(dclean[i * E + e], 0.0f);
}

// Slots for B rows and K slots whose pooled rows are a fixed permutation (as gathering makes them).
struct SlotCase {
  int B = 5, K = 3, C = 3;
  std::vector<int32_t> pos;
  std::vector<float> kept, w, logw, expert;  // expert: (B*K, C) logits or values
  Slots slots() {
    Slots s;
    s.B = B;
    s.K = K;
    s.pos = pos.data();
    s.w = w.data();
    s.logw = logw.data();
    return s;
  }
  SlotCase() {
    Rng rng(21);
    for (int i = 0; i < B * K; i++) pos.push_back((i * 7 + 3) % (B * K));
    kept = randn(B * K, &rng);
    expert = randn(B * K * C, &rng, 2.0f);
    w.resize(B * K);
    logw.resize(B * K);
  }
};

TEST(GradMixture, ClassificationLikelihood) {
  SlotCase c;
  std::vector<int32_t> y{0, 2, 1, 1, 0};
  std::vector<float> lp(c.expert.size()), pe(c.expert.size());
  auto loss = [&] {
    slot_weights(c.kept.data(), c.B, c.K, c.w.data(), c.logw.data());
    kernels::f32_log_softmax(c.B * c.K, c.C, c.expert.data(), lp.data());
    kernels::f32_softmax(c.B * c.K, c.C, c.expert.data(), pe.data());
    return mixture_class_forward(c.slots(), lp.data(), pe.data(), y.data(), c.C, nullptr).loss / c.B;
  };
  loss();
  std::vector<float> dlogits(c.expert.size(), NAN), dkept(c.B * c.K);
  mixture_class_backward(c.slots(), lp.data(), pe.data(), y.data(), c.C, 1.0f / c.B, dlogits.data(), dkept.data());
  auto r = gradcheck(loss, {{"expert_logits", c.expert.data(), dlogits.data(), dlogits.size()},
                            {"kept", c.kept.data(), dkept.data(), dkept.size()}});
  EXPECT_LT(r.worst, kTol) << r.summary();
  std::printf("%s\n", r.summary().c_str());
  EXPECT_EQ(r.checked, (int)(dlogits.size() + dkept.size()));  // every pooled row was written
}

TEST(GradMixture, RegressionMean) {
  SlotCase c;
  Rng rng(4);
  std::vector<float> t = randn(c.B * c.C, &rng), pred(c.B * c.C);
  auto loss = [&] {
    slot_weights(c.kept.data(), c.B, c.K, c.w.data(), c.logw.data());
    return mixture_reg_forward(c.slots(), c.expert.data(), t.data(), c.C, pred.data()).loss / c.B;
  };
  loss();
  std::vector<float> dout(c.expert.size(), NAN), dw(c.B * c.K), dkept(c.B * c.K);
  mixture_reg_backward(c.slots(), c.expert.data(), t.data(), pred.data(), c.C, 1.0f / c.B, dout.data(), dw.data(),
                       dkept.data());
  auto r = gradcheck(loss, {{"expert_values", c.expert.data(), dout.data(), dout.size()},
                            {"kept", c.kept.data(), dkept.data(), dkept.size()}});
  EXPECT_LT(r.worst, kTol) << r.summary();
  std::printf("%s\n", r.summary().c_str());
  EXPECT_EQ(r.checked, (int)(dout.size() + dkept.size()));
}

TEST(GradAux, LoadBalanceAndZLoss) {
  const int B = 6, E = 4, K = 2;
  Rng rng(8);
  std::vector<float> clean = randn(B * E, &rng, 1.5f), probs(B * E), f(E);
  std::vector<int32_t> idx{0, 1, 0, 2, 1, 0, 3, 0, 0, 1, 2, 0};
  routed_fraction(idx.data(), B, E, K, f.data());
  EXPECT_FLOAT_EQ(f[0], 6.0f / 12.0f);
  std::vector<float> dlb(B * E, 0.0f), dz(B * E, 0.0f);
  load_balance_loss(clean.data(), f.data(), B, E, 0.7f, probs.data(), dlb.data());
  z_loss(clean.data(), B, E, 0.3f, dz.data());
  auto r1 = gradcheck([&] { return load_balance_loss(clean.data(), f.data(), B, E, 0.7f, probs.data(), nullptr); },
                      {{"clean", clean.data(), dlb.data(), dlb.size()}});
  EXPECT_LT(r1.worst, kTol) << r1.summary();
  std::printf("%s\n", r1.summary().c_str());
  auto r2 = gradcheck([&] { return z_loss(clean.data(), B, E, 0.3f, nullptr); },
                      {{"clean", clean.data(), dz.data(), dz.size()}});
  EXPECT_LT(r2.worst, kTol) << r2.summary();
  std::printf("%s\n", r2.summary().c_str());
}

TEST(GradAux, ClosedForms) {
  const int B = 8, E = 4, K = 2;
  Rng rng(2);
  std::vector<float> clean = randn(B * E, &rng, 3.0f), probs(B * E), f(E);
  // Perfect balance: every expert gets the same share of (row, slot) assignments -> loss = alpha.
  std::vector<int32_t> idx(B * K);
  for (int i = 0; i < B * K; i++) idx[i] = i % E;
  routed_fraction(idx.data(), B, E, K, f.data());
  EXPECT_NEAR(load_balance_loss(clean.data(), f.data(), B, E, 0.01f, probs.data(), nullptr), 0.01, 1e-8);
  // All routed to one expert with a uniform router: alpha * E * 1 * (1/E) = alpha as well, and
  // all routed to expert 0 while the router puts all its mass there: alpha * E.
  std::fill(clean.begin(), clean.end(), 0.0f);
  std::fill(idx.begin(), idx.end(), 0);
  routed_fraction(idx.data(), B, E, K, f.data());
  EXPECT_NEAR(load_balance_loss(clean.data(), f.data(), B, E, 0.01f, probs.data(), nullptr), 0.01, 1e-8);
  for (int i = 0; i < B; i++) clean[i * E] = 100.0f;
  EXPECT_NEAR(load_balance_loss(clean.data(), f.data(), B, E, 0.01f, probs.data(), nullptr), 0.04, 1e-7);
  // z-loss of zero logits = beta * log(E)^2.
  std::fill(clean.begin(), clean.end(), 0.0f);
  EXPECT_NEAR(z_loss(clean.data(), B, E, 0.5f, nullptr), 0.5 * std::log(4.0) * std::log(4.0), 1e-6);
}

}  // namespace
}  // namespace moe
