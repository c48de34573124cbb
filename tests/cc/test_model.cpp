// Model tests: whole-model gradient checks (both gatings, both tasks, noise and aux losses) and
// invariants (identical experts, k = E equals softmax gating, closed-form losses, sparsity of
// top-k, determinism, log-space stability, input validation).
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <functional>
#include <memory>
#include <vector>

#include "core/model.h"
#include "core/rng.h"
#include "gradcheck.h"

namespace moe {
namespace {

using test::GradTarget;
using test::gradcheck;

ModelConfig small_config(Task task, GatingType gating, int k = 2, bool noise = false) {
  ModelConfig c;
  c.input_dim = 4;
  c.output_dim = 3;
  c.task = task;
  c.experts = 4;
  c.expert_hidden = {5};
  c.gate_hidden = {6};
  c.activation = Activation::Tanh;
  c.gating.type = gating;
  c.gating.k = k;
  c.gating.noise = noise;
  c.load_balance = 0.0f;
  c.z_loss = 0.0f;
  c.seed = 17;
  return c;
}

std::unique_ptr<Model> make_model(const ModelConfig& c, int capacity = 16) {
  std::unique_ptr<Model> m;
  Status s = Model::create(c, capacity, &m);
  EXPECT_TRUE(s.is_ok()) << s.message();
  return m;
}

// Seeded data: x (rows, D) ~ N(0,1), class labels in [0, C), regression values ~ N(0,1).
struct Data {
  std::vector<float> x, values;
  std::vector<int32_t> classes;
  Batch batch;
  Data(const ModelConfig& c, int rows, uint64_t seed = 5) {
    Rng rng(seed);
    for (int i = 0; i < rows * c.input_dim; i++) x.push_back(rng.normal());
    for (int i = 0; i < rows; i++) classes.push_back((int32_t)rng.below(c.output_dim));
    for (int i = 0; i < rows * c.output_dim; i++) values.push_back(rng.normal());
    batch.x = x.data();
    batch.rows = rows;
    if (c.task == Task::Classification) batch.classes = classes.data();
    else batch.values = values.data();
  }
};

constexpr uint64_t kNoiseSeed = 99;

double total_loss(const LossStats& s) { return (s.data_loss_sum + s.aux_loss_sum) / (double)s.rows; }

// Checks d(total loss)/d(params) of forward_backward with a fixed noise draw (when noise).
// corrupt (optional) edits the analytic gradient first, to prove the check can fail.
test::GradCheckResult check_model(Model* m, const Batch& b, bool noise,
                                  const std::function<void(std::vector<float>*)>& corrupt = {},
                                  test::GradCheckOptions o = test::GradCheckOptions()) {
  Rng rng(kNoiseSeed);
  LossStats st;
  EXPECT_TRUE(m->forward_backward(b, noise ? &rng : nullptr, &st).is_ok());
  std::vector<float> g(m->grads(), m->grads() + m->num_params());
  if (corrupt) corrupt(&g);
  int rows = 0, slots = 0;
  const int32_t* r = m->last_routing(&rows, &slots);
  std::vector<int32_t> base(r, r + (std::size_t)rows * slots);
  auto loss = [&]() -> double {
    Rng nr(kNoiseSeed);
    LossStats s;
    EXPECT_TRUE(m->forward_backward(b, noise ? &nr : nullptr, &s).is_ok());
    const int32_t* now = m->last_routing(nullptr, nullptr);
    if (!std::equal(base.begin(), base.end(), now)) return NAN;  // routing changed: skip
    return total_loss(s);
  };
  std::vector<GradTarget> targets;
  for (const TensorView& t : m->tensors())
    targets.push_back({t.name, m->params() + t.offset, g.data() + t.offset, (std::size_t)t.rows * t.cols});
  o.max_elements = 400;
  test::GradCheckResult res = gradcheck(loss, targets, o);
  std::printf("%s\n", res.summary().c_str());
  return res;
}

// Gives the noise layer non-zero weights so the noise scale varies per row and expert.
void randomise_noise(Model* m) {
  Rng rng(3);
  for (const TensorView& t : m->tensors())
    if (t.name.rfind("gate.noise.", 0) == 0)
      for (int i = 0; i < t.rows * t.cols; i++) m->params()[t.offset + i] = rng.uniform(-0.5f, 0.5f);
}

constexpr double kTol = 5e-3;  // observed worst ~1e-3; a wrong sign gives ~2

TEST(ModelGrad, SoftmaxClassification) {
  ModelConfig c = small_config(Task::Classification, GatingType::Softmax);
  c.z_loss = 0.2f;
  auto m = make_model(c);
  Data d(c, 7);
  auto r = check_model(m.get(), d.batch, false);
  EXPECT_LT(r.worst, kTol) << r.summary();
  EXPECT_EQ(r.checked, (int)m->num_params()) << r.summary();
}

// The seed's activation: ReLU kinks crossed by a step are detected by the checker and skipped.
TEST(ModelGrad, ReluClassificationSkipsKinks) {
  for (GatingType g : {GatingType::Softmax, GatingType::TopK}) {
    ModelConfig c = small_config(Task::Classification, g, 2, true);
    c.activation = Activation::Relu;
    c.expert_hidden = {6, 5};
    c.load_balance = 0.3f;
    auto m = make_model(c);
    randomise_noise(m.get());
    Data d(c, 8);
    test::GradCheckOptions o;
    o.step = 1e-2;
    o.kink_tolerance = 2e-3;
    auto r = check_model(m.get(), d.batch, true, {}, o);
    EXPECT_LT(r.worst, kTol) << r.summary();
    EXPECT_GT(r.checked, 250) << r.summary();
  }
}

TEST(ModelGrad, SoftmaxRegressionGelu) {
  ModelConfig c = small_config(Task::Regression, GatingType::Softmax);
  c.activation = Activation::Gelu;
  c.expert_hidden = {5, 4};
  auto m = make_model(c);
  Data d(c, 6);
  auto r = check_model(m.get(), d.batch, false);
  EXPECT_LT(r.worst, kTol) << r.summary();
}

TEST(ModelGrad, TopKNoiseAuxClassification) {
  ModelConfig c = small_config(Task::Classification, GatingType::TopK, 2, true);
  c.load_balance = 0.5f;  // large, so a wrong aux gradient shows above the data gradient
  c.z_loss = 0.2f;
  auto m = make_model(c);
  randomise_noise(m.get());
  Data d(c, 8);
  auto r = check_model(m.get(), d.batch, true);
  EXPECT_LT(r.worst, kTol) << r.summary();
  EXPECT_GT(r.checked, 200) << r.summary();
  // The noise layer really receives gradient.
  bool any = false;
  for (const TensorView& t : m->tensors())
    if (t.name == "gate.noise.w")
      for (int i = 0; i < t.rows * t.cols; i++) any |= m->grads()[t.offset + i] != 0.0f;
  EXPECT_TRUE(any);
}

TEST(ModelGrad, CheckerCatchesAWrongNoiseGradient) {
  ModelConfig c = small_config(Task::Classification, GatingType::TopK, 2, true);
  auto m = make_model(c);
  randomise_noise(m.get());
  Data d(c, 8);
  std::size_t off = 0, n = 0;
  for (const TensorView& t : m->tensors())
    if (t.name == "gate.noise.b") { off = t.offset; n = t.cols; }
  auto r = check_model(m.get(), d.batch, true, [&](std::vector<float>* g) {
    for (std::size_t i = 0; i < n; i++) (*g)[off + i] = -(*g)[off + i];
  });
  EXPECT_GT(r.worst, 1.0) << r.summary();
  EXPECT_EQ(r.worst_name.rfind("gate.noise.b[", 0), 0u) << r.summary();
}

TEST(ModelGrad, TopKNoiseWithoutGateHidden) {
  ModelConfig c = small_config(Task::Classification, GatingType::TopK, 2, true);
  c.gate_hidden = {};
  c.load_balance = 0.3f;
  auto m = make_model(c);
  randomise_noise(m.get());
  Data d(c, 8);
  auto r = check_model(m.get(), d.batch, true);
  EXPECT_LT(r.worst, kTol) << r.summary();
}

TEST(ModelGrad, TopKRegression) {
  ModelConfig c = small_config(Task::Regression, GatingType::TopK, 2, true);
  c.load_balance = 0.3f;
  auto m = make_model(c);
  randomise_noise(m.get());
  Data d(c, 8);
  auto r = check_model(m.get(), d.batch, true);
  EXPECT_LT(r.worst, kTol) << r.summary();
}

TEST(ModelGrad, LinearExpertsAndGate) {
  ModelConfig c = small_config(Task::Regression, GatingType::TopK, 3, true);
  c.expert_hidden = {};
  c.gate_hidden = {};
  c.z_loss = 0.1f;
  auto m = make_model(c);
  randomise_noise(m.get());
  Data d(c, 7);
  auto r = check_model(m.get(), d.batch, true);
  EXPECT_LT(r.worst, kTol) << r.summary();
}

TEST(ModelInvariant, NoiseOnlyWhenTrainingWithAnRng) {
  ModelConfig c = small_config(Task::Classification, GatingType::TopK, 2, true);
  auto m = make_model(c);
  randomise_noise(m.get());
  Data d(c, 16);
  LossStats clean1, clean2, noisy, eval;
  ASSERT_TRUE(m->forward_backward(d.batch, nullptr, &clean1).is_ok());
  std::vector<float> g(m->grads(), m->grads() + m->num_params());
  ASSERT_TRUE(m->evaluate(d.batch, &eval).is_ok());
  ASSERT_TRUE(m->forward_backward(d.batch, nullptr, &clean2).is_ok());
  EXPECT_EQ(clean1.data_loss_sum, eval.data_loss_sum);  // evaluate = forward without noise
  EXPECT_EQ(0, std::memcmp(g.data(), m->grads(), sizeof(float) * g.size()));
  Rng rng(4);
  ASSERT_TRUE(m->forward_backward(d.batch, &rng, &noisy).is_ok());
  EXPECT_NE(clean1.data_loss_sum, noisy.data_loss_sum);
  // Without noise, gate noise weights get no gradient; with noise they do.
  for (const TensorView& t : m->tensors())
    if (t.name == "gate.noise.b") {
      float a = 0;
      for (int i = 0; i < t.cols; i++) a += std::fabs(m->grads()[t.offset + i]) + std::fabs(g[t.offset + i]) * 1e6f;
      EXPECT_GT(a, 0.0f);
      for (int i = 0; i < t.cols; i++) EXPECT_EQ(g[t.offset + i], 0.0f);
    }
}

// Copies expert 0's slice of the buffer over every other expert (experts are laid out first).
void copy_expert0(Model* m, int experts) {
  const auto& t = m->tensors();
  std::size_t expert_size = 0;
  for (const TensorView& v : t)
    if (v.name.rfind("expert0.", 0) == 0) expert_size += (std::size_t)v.rows * v.cols;
  for (int e = 1; e < experts; e++)
    std::memcpy(m->params() + e * expert_size, m->params(), sizeof(float) * expert_size);
}

TEST(ModelInvariant, IdenticalExpertsEqualOneExpert) {
  for (GatingType g : {GatingType::Softmax, GatingType::TopK})
    for (Task task : {Task::Classification, Task::Regression}) {
      ModelConfig c = small_config(task, g, 2, true);
      auto moe = make_model(c);
      copy_expert0(moe.get(), c.experts);
      ModelConfig one = c;
      one.experts = 1;
      one.gating.type = GatingType::Softmax;
      auto single = make_model(one);
      std::size_t expert_size = 0;
      for (const TensorView& v : single->tensors())
        if (v.name.rfind("expert0.", 0) == 0) expert_size += (std::size_t)v.rows * v.cols;
      std::memcpy(single->params(), moe->params(), sizeof(float) * expert_size);
      Data d(c, 20);
      std::vector<float> a(20 * 3), b(20 * 3);
      ASSERT_TRUE(moe->predict(d.x.data(), 20, a.data()).is_ok());
      ASSERT_TRUE(single->predict(d.x.data(), 20, b.data()).is_ok());
      for (int i = 0; i < 60; i++) EXPECT_NEAR(a[i], b[i], 1e-5f * (1 + std::fabs(b[i]))) << i;
    }
}

TEST(ModelInvariant, TopKWithKEqualsEIsSoftmaxGate) {
  for (Task task : {Task::Classification, Task::Regression}) {
    ModelConfig dense = small_config(task, GatingType::Softmax);
    ModelConfig topk = small_config(task, GatingType::TopK, 4, false);
    dense.z_loss = topk.z_loss = 0.1f;
    auto a = make_model(dense), b = make_model(topk);
    ASSERT_EQ(a->num_params(), b->num_params());
    ASSERT_EQ(0, std::memcmp(a->params(), b->params(), sizeof(float) * a->num_params()));
    Data d(dense, 9);
    std::vector<float> pa(27), pb(27);
    ASSERT_TRUE(a->predict(d.x.data(), 9, pa.data()).is_ok());
    ASSERT_TRUE(b->predict(d.x.data(), 9, pb.data()).is_ok());
    for (int i = 0; i < 27; i++) EXPECT_NEAR(pa[i], pb[i], 1e-6f * (1 + std::fabs(pa[i])));
    LossStats sa, sb;
    Rng ra(1), rb(1);
    ASSERT_TRUE(a->forward_backward(d.batch, &ra, &sa).is_ok());
    ASSERT_TRUE(b->forward_backward(d.batch, &rb, &sb).is_ok());
    EXPECT_NEAR(sa.data_loss_sum, sb.data_loss_sum, 1e-5 * std::fabs(sa.data_loss_sum));
    EXPECT_NEAR(sa.aux_loss_sum, sb.aux_loss_sum, 1e-6);  // z-loss (load_balance is 0: softmax gating has none)
    float worst = 0, scale = 0;
    for (std::size_t i = 0; i < a->num_params(); i++) {
      worst = std::max(worst, std::fabs(a->grads()[i] - b->grads()[i]));
      scale = std::max(scale, std::fabs(a->grads()[i]));
    }
    EXPECT_LT(worst, 1e-5f * scale) << "max |grad difference| " << worst << " of max |grad| " << scale;
  }
}

TEST(ModelInvariant, LoadBalanceWithUniformRouterIsAlpha) {
  ModelConfig c = small_config(Task::Classification, GatingType::TopK, 2, false);
  c.load_balance = 0.01f;
  auto m = make_model(c);
  // Zero gate weights: softmax over all E is uniform (P_i = 1/E), so alpha * E * sum f_i / E = alpha.
  for (const TensorView& t : m->tensors())
    if (t.name.rfind("gate.", 0) == 0) std::fill(m->params() + t.offset, m->params() + t.offset + t.rows * t.cols, 0.0f);
  Data d(c, 10);
  LossStats s;
  ASSERT_TRUE(m->evaluate(d.batch, &s).is_ok());
  EXPECT_NEAR(s.aux_loss_sum / s.rows, 0.01, 1e-7);
}

TEST(ModelInvariant, UniformPredictorLossIsLogC) {
  for (GatingType g : {GatingType::Softmax, GatingType::TopK}) {
    ModelConfig c = small_config(Task::Classification, g, 2, true);
    auto m = make_model(c);
    std::fill(m->params(), m->params() + m->num_params(), 0.0f);
    Data d(c, 12);
    LossStats s;
    Rng rng(1);
    ASSERT_TRUE(m->forward_backward(d.batch, &rng, &s).is_ok());
    EXPECT_NEAR(s.data_loss_sum / s.rows, std::log(3.0), 1e-6);
    EXPECT_EQ(s.rows, 12);
  }
}

TEST(ModelInvariant, PredictionsAreDistributionsAndChunkingIsExact) {
  ModelConfig c = small_config(Task::Classification, GatingType::TopK, 2, true);
  auto m = make_model(c, 4);  // capacity 4: predicting 11 rows takes three chunks
  Data d(c, 11);
  std::vector<float> p(33), one(3), gates(44);
  ASSERT_TRUE(m->predict(d.x.data(), 11, p.data()).is_ok());
  ASSERT_TRUE(m->gate(d.x.data(), 11, gates.data()).is_ok());
  for (int i = 0; i < 11; i++) {
    float sum = 0, gsum = 0;
    int nonzero = 0;
    for (int j = 0; j < 3; j++) { sum += p[i * 3 + j]; EXPECT_GE(p[i * 3 + j], 0.0f); }
    for (int e = 0; e < 4; e++) { gsum += gates[i * 4 + e]; nonzero += gates[i * 4 + e] > 0; }
    EXPECT_NEAR(sum, 1.0f, 1e-5f);
    EXPECT_NEAR(gsum, 1.0f, 1e-5f);
    EXPECT_EQ(nonzero, 2);
    ASSERT_TRUE(m->predict(d.x.data() + i * 4, 1, one.data()).is_ok());
    for (int j = 0; j < 3; j++) EXPECT_EQ(one[j], p[i * 3 + j]);
  }
}

TEST(ModelInvariant, EvaluateCountsMatchPredict) {
  ModelConfig c = small_config(Task::Classification, GatingType::Softmax);
  auto m = make_model(c);
  Data d(c, 16);
  std::vector<float> p(48);
  ASSERT_TRUE(m->predict(d.x.data(), 16, p.data()).is_ok());
  double correct = 0, nll = 0;
  for (int i = 0; i < 16; i++) {
    int best = 0;
    for (int j = 1; j < 3; j++) if (p[i * 3 + j] > p[i * 3 + best]) best = j;
    correct += best == d.classes[i];
    nll -= std::log((double)p[i * 3 + d.classes[i]]);
  }
  LossStats s, total;
  ASSERT_TRUE(m->evaluate(d.batch, &s).is_ok());
  EXPECT_EQ(s.correct, correct);
  EXPECT_NEAR(s.data_loss_sum, nll, 1e-4 * nll);
  total.add(s);
  total.add(s);
  EXPECT_EQ(total.rows, 32);
  EXPECT_DOUBLE_EQ(total.data_loss_sum, 2 * s.data_loss_sum);

  ModelConfig rc = small_config(Task::Regression, GatingType::Softmax);
  auto r = make_model(rc);
  Data rd(rc, 5);
  std::vector<float> rp(15);
  ASSERT_TRUE(r->predict(rd.x.data(), 5, rp.data()).is_ok());
  double sse = 0, sy = 0, sy2 = 0;
  for (int i = 0; i < 15; i++) {
    sse += (rp[i] - rd.values[i]) * (double)(rp[i] - rd.values[i]);
    sy += rd.values[i];
    sy2 += rd.values[i] * (double)rd.values[i];
  }
  LossStats rs;
  ASSERT_TRUE(r->evaluate(rd.batch, &rs).is_ok());
  EXPECT_NEAR(rs.sse, sse, 1e-5 * sse);
  EXPECT_NEAR(rs.data_loss_sum, sse / 3, 1e-5 * sse);
  EXPECT_NEAR(rs.sum_y, sy, 1e-6);
  EXPECT_NEAR(rs.sum_y2, sy2, 1e-5);
}

TEST(ModelInvariant, HugeLogitsGiveFiniteLossAndGrads) {
  for (GatingType g : {GatingType::Softmax, GatingType::TopK}) {
    ModelConfig c = small_config(Task::Classification, g, 2, true);
    c.activation = Activation::Relu;  // unbounded hidden units: logits in the thousands
    auto m = make_model(c);
    for (std::size_t i = 0; i < m->num_params(); i++) m->params()[i] *= 60.0f;
    Data d(c, 10);
    LossStats s;
    Rng rng(2);
    ASSERT_TRUE(m->forward_backward(d.batch, &rng, &s).is_ok());
    EXPECT_TRUE(std::isfinite(s.data_loss_sum)) << s.data_loss_sum;
    EXPECT_GT(s.data_loss_sum, 0.0);
    for (std::size_t i = 0; i < m->num_params(); i++) ASSERT_TRUE(std::isfinite(m->grads()[i])) << i;
  }
}

TEST(ModelInvariant, DeterministicForSameSeed) {
  ModelConfig c = small_config(Task::Classification, GatingType::TopK, 2, true);
  c.load_balance = 0.01f;
  auto a = make_model(c), b = make_model(c);
  ASSERT_EQ(0, std::memcmp(a->params(), b->params(), sizeof(float) * a->num_params()));
  Data d(c, 16);
  Rng ra(7), rb(7);
  LossStats sa, sb;
  ASSERT_TRUE(a->forward_backward(d.batch, &ra, &sa).is_ok());
  ASSERT_TRUE(b->forward_backward(d.batch, &rb, &sb).is_ok());
  EXPECT_EQ(0, std::memcmp(a->grads(), b->grads(), sizeof(float) * a->num_params()));
  EXPECT_EQ(sa.data_loss_sum, sb.data_loss_sum);
  // Another seed gives other weights; init_params(seed) reproduces create().
  c.seed = 18;
  auto other = make_model(c);
  EXPECT_NE(0, std::memcmp(a->params(), other->params(), sizeof(float) * a->num_params()));
  other->init_params(17);
  EXPECT_EQ(0, std::memcmp(a->params(), other->params(), sizeof(float) * a->num_params()));
}

TEST(ModelInvariant, TopKComputesOnlySelectedExperts) {
  ModelConfig c = small_config(Task::Classification, GatingType::TopK, 1, false);
  auto m = make_model(c);
  const TensorView* gate_out_b = nullptr;
  for (const TensorView& t : m->tensors())
    if (t.name == "gate.dense1.b") gate_out_b = &t;
  ASSERT_NE(gate_out_b, nullptr);
  m->params()[gate_out_b->offset + 3] = -1000.0f;  // expert 3 never wins
  // Poison expert 3: if it ran on any row (even with gate weight 0) the loss would be NaN.
  for (const TensorView& t : m->tensors())
    if (t.name.rfind("expert3.", 0) == 0)
      std::fill(m->params() + t.offset, m->params() + t.offset + t.rows * t.cols, NAN);
  Data d(c, 16);
  LossStats s;
  ASSERT_TRUE(m->forward_backward(d.batch, nullptr, &s).is_ok());
  EXPECT_TRUE(std::isfinite(s.data_loss_sum));
  for (const TensorView& t : m->tensors()) {
    if (t.name.rfind("expert3.", 0) != 0) continue;
    for (int i = 0; i < t.rows * t.cols; i++) EXPECT_EQ(m->grads()[t.offset + i], 0.0f) << t.name;
  }
  int rows = 0, slots = 0;
  const int32_t* r = m->last_routing(&rows, &slots);
  EXPECT_EQ(rows, 16);
  EXPECT_EQ(slots, 1);
  for (int i = 0; i < rows; i++) EXPECT_NE(r[i], 3);
}

TEST(ModelInvariant, LayoutInitAndFlops) {
  ModelConfig c = small_config(Task::Classification, GatingType::TopK, 2, true);
  auto m = make_model(c);
  // expert: 4*5+5 + 5*3+3 = 43; gate: 4*6+6 + 6*4+4 = 58; noise: 6*4+4 = 28.
  EXPECT_EQ(m->num_params(), 4u * 43 + 58 + 28);
  EXPECT_DOUBLE_EQ(m->flops_per_sample(), 2.0 * (4 * 5 + 5 * 3) * 2 + 2.0 * (4 * 6 + 6 * 4));
  std::vector<std::string> names;
  for (const TensorView& t : m->tensors()) names.push_back(t.name);
  ASSERT_EQ(names.size(), 4u * 4 + 4 + 2);
  EXPECT_EQ(names[0], "expert0.dense0.w");
  EXPECT_EQ(names[3], "expert0.dense1.b");
  EXPECT_EQ(names[16], "gate.dense0.w");
  EXPECT_EQ(names[20], "gate.noise.w");
  EXPECT_EQ(names[21], "gate.noise.b");
  for (const TensorView& t : m->tensors()) {
    const float* p = m->params() + t.offset;
    const bool zero = t.rows == 1 || t.name == "gate.noise.w";
    const float limit = std::sqrt(6.0f / (t.rows + t.cols));
    for (int i = 0; i < t.rows * t.cols; i++) {
      if (zero) ASSERT_EQ(p[i], 0.0f) << t.name;
      else ASSERT_LE(std::fabs(p[i]), limit) << t.name;
    }
  }
  ModelConfig dense = small_config(Task::Classification, GatingType::Softmax);
  auto d = make_model(dense);
  EXPECT_EQ(d->num_params(), 4u * 43 + 58);  // no noise layer
  EXPECT_DOUBLE_EQ(d->flops_per_sample(), 2.0 * (4 * 5 + 5 * 3) * 4 + 2.0 * (4 * 6 + 6 * 4));
}

void expect_error(const Status& s, const std::string& fragment) {
  EXPECT_FALSE(s.is_ok());
  EXPECT_NE(s.message().find(fragment), std::string::npos) << "message: " << s.message();
}

TEST(ModelValidation, ConfigErrorsNameTheField) {
  std::unique_ptr<Model> m;
  ModelConfig c = small_config(Task::Classification, GatingType::TopK, 2, true);
  ModelConfig bad = c;
  bad.experts = 0;
  expect_error(Model::create(bad, 8, &m), "experts must be an integer in [1, 1024], got 0");
  bad = c;
  bad.gating.k = 5;
  expect_error(Model::create(bad, 8, &m), "gating.k must be an integer in [1, 4] (at most experts), got 5");
  bad = c;
  bad.output_dim = 1;
  expect_error(Model::create(bad, 8, &m), "outputDim must be an integer in [2, 1048576] for classification");
  bad = c;
  bad.input_dim = 0;
  expect_error(Model::create(bad, 8, &m), "inputDim must be an integer in [1, 1048576], got 0");
  bad = c;
  bad.expert_hidden = {8, 0};
  expect_error(Model::create(bad, 8, &m), "expertHidden[1] must be an integer in [1, 65536], got 0");
  bad = c;
  bad.load_balance = -1.0f;
  expect_error(Model::create(bad, 8, &m), "loadBalance must be a finite number in [0, 1e6], got -1");
  bad = c;
  bad.optimizer.learning_rate = NAN;
  expect_error(Model::create(bad, 8, &m), "optimizer.learningRate must be a finite number in (0, 1000], got NaN");
  bad = c;
  bad.optimizer.type = OptimizerType::AdamW;
  bad.optimizer.weight_decay = 5.0f;
  expect_error(Model::create(bad, 8, &m), "optimizer.weightDecay must be a finite number in [0, 1], got 5");
  bad.optimizer.weight_decay = 1.5f;
  expect_error(Model::create(bad, 8, &m), "got 1.5");
  bad = c;
  bad.experts = 1000;
  bad.expert_hidden = {60000, 60000};
  expect_error(Model::create(bad, 8, &m), "parameters and would need about");
  expect_error(Model::create(c, 0, &m), "capacity must be in [1,");
  EXPECT_EQ(m, nullptr);
  ModelConfig reg = small_config(Task::Regression, GatingType::Softmax);
  reg.output_dim = 1;
  EXPECT_TRUE(Model::create(reg, 8, &m).is_ok());
  EXPECT_STREQ(to_string(Task::Regression), "regression");
  EXPECT_STREQ(to_string(GatingType::TopK), "topk");
  EXPECT_STREQ(to_string(Activation::Gelu), "gelu");
  EXPECT_STREQ(to_string(OptimizerType::AdamW), "adamw");
}

TEST(ModelValidation, BadInputsGiveStatusNotCrash) {
  ModelConfig c = small_config(Task::Classification, GatingType::TopK, 2, true);
  auto m = make_model(c, 8);
  Data d(c, 8);
  LossStats s;
  Batch b = d.batch;
  b.rows = 0;
  expect_error(m->forward_backward(b, nullptr, &s), "batch rows must be in [1, capacity = 8], got 0");
  b.rows = 9;
  expect_error(m->evaluate(b, &s), "got 9");
  b = d.batch;
  d.x[3 * 4 + 2] = NAN;
  expect_error(m->forward_backward(b, nullptr, &s), "x[row 3, column 2] is NaN");
  std::vector<float> out(8 * 3);
  expect_error(m->predict(d.x.data(), 8, out.data()), "x[row 3, column 2] is NaN");
  expect_error(m->gate(d.x.data(), 8, out.data()), "x[row 3, column 2] is NaN");
  d.x[3 * 4 + 2] = INFINITY;
  expect_error(m->evaluate(b, &s), "x[row 3, column 2] is +infinity");
  d.x[3 * 4 + 2] = 0.5f;
  d.classes[5] = 3;
  expect_error(m->forward_backward(b, nullptr, &s), "classes[row 5] = 3 is outside [0, 3)");
  d.classes[5] = -1;
  expect_error(m->evaluate(b, &s), "classes[row 5] = -1");
  d.classes[5] = 0;
  b.classes = nullptr;
  expect_error(m->forward_backward(b, nullptr, &s), "batch.classes is null");
  expect_error(m->predict(d.x.data(), 0, out.data()), "at least one row");
  expect_error(m->predict(nullptr, 2, out.data()), "must not be null");
  EXPECT_EQ(s.rows, 0);  // nothing was added by the failed calls
  ModelConfig rc = small_config(Task::Regression, GatingType::Softmax);
  auto r = make_model(rc, 8);
  Data rd(rc, 4);
  rd.values[2 * 3 + 1] = -INFINITY;
  expect_error(r->evaluate(rd.batch, &s), "values[row 2, column 1] is -infinity");
  // After errors the model still works.
  EXPECT_TRUE(m->forward_backward(d.batch, nullptr, &s).is_ok());
}

}  // namespace
}  // namespace moe

namespace moe {
namespace {

// Weights that overflow float32 (a tampered or diverged model) give a clear error, never NaN output.
TEST(ModelInvariant, OverflowingWeightsAreAnErrorNotNaN) {
  for (Task task : {Task::Classification, Task::Regression}) {
    ModelConfig c = small_config(task, GatingType::Softmax);
    c.activation = Activation::Relu;
    std::unique_ptr<Model> m = make_model(c);
    for (std::size_t i = 0; i < m->num_params(); i++) m->params()[i] = (i % 2 ? 3e37f : -3e37f);
    Data d(c, 4);
    std::vector<float> out(4 * c.output_dim, 0.0f);  // (rows, C)
    Status s = m->predict(d.x.data(), 4, out.data());
    ASSERT_FALSE(s.is_ok());
    EXPECT_EQ(s.code(), StatusCode::NumericalError);
    EXPECT_NE(s.message().find("overflow"), std::string::npos) << s.message();
    EXPECT_NE(s.message().find("row 0"), std::string::npos) << s.message();
    // The model stays usable: sane weights predict again.
    m->init_params(3);
    EXPECT_TRUE(m->predict(d.x.data(), 4, out.data()).is_ok());
  }
}

}  // namespace
}  // namespace moe
