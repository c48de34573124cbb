// Trainer tests: determinism, chunked == one-shot, learning a region-dependent rule (MoE beats one
// expert, the gate splits the regions), regression R^2, epoch bookkeeping, validation split, early
// stopping with restore, divergence, and the facade's input checks.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <vector>

#include "core/diagnostics.h"
#include "core/rng.h"
#include "moe/api.h"

namespace moe {
namespace {

// Synthetic "two regions, two rules" data. x (n, 6) uniform in [-1, 1]; x0 picks the region;
// classification: x0 < 0 -> class = (x1 > 0), x0 >= 0 -> class = (x2 > 0); x3..x5 are distractors.
// regression: x0 < 0 -> y = 2 x1 - x3 + 0.5, x0 >= 0 -> y = -1.5 x2 + x4 - 0.5.
struct Synthetic {
  std::vector<float> x;        // (n, 6)
  std::vector<int32_t> cls;    // (n,)
  std::vector<float> y;        // (n, 1)
  long n = 0;
  DataView view(Task task) const {
    DataView d;
    d.x = x.data();
    d.rows = n;
    if (task == Task::Classification) d.classes = cls.data();
    else d.values = y.data();
    return d;
  }
};

Synthetic make_regions(long n, uint64_t seed) {
  Synthetic s;
  s.n = n;
  Rng rng(seed);
  s.x.resize(n * 6);
  s.cls.resize(n);
  s.y.resize(n);
  for (long r = 0; r < n; r++) {
    float* x = &s.x[r * 6];
    for (int j = 0; j < 6; j++) x[j] = rng.uniform(-1.0f, 1.0f);
    const bool left = x[0] < 0;
    s.cls[r] = left ? (x[1] > 0) : (x[2] > 0);
    s.y[r] = left ? 2.0f * x[1] - x[3] + 0.5f : -1.5f * x[2] + x[4] - 0.5f;
  }
  return s;
}

ModelConfig small_config(Task task, int experts) {
  ModelConfig c;
  c.input_dim = 6;
  c.output_dim = task == Task::Classification ? 2 : 1;
  c.task = task;
  c.experts = experts;
  c.expert_hidden = {4};
  c.gate_hidden = {8};
  c.optimizer.learning_rate = 0.01f;
  c.seed = 7;
  return c;
}

std::unique_ptr<MoeModel> make_model(const ModelConfig& c) {
  std::unique_ptr<MoeModel> m;
  Status s = MoeModel::create(c, &m);
  EXPECT_TRUE(s.is_ok()) << s.message();
  return m;
}

// Runs a whole fit in chunks of `chunk` batches; returns the status of the last call.
Status fit_all(MoeModel* m, const DataView& train, const DataView* val, const FitOptions& o, int chunk,
               std::vector<ChunkResult>* chunks = nullptr) {
  MOE_RETURN_IF_ERROR(m->begin_fit(train, val, o));
  for (int guard = 0; guard < 1000000; guard++) {
    ChunkResult r;
    Status s = m->fit_run(chunk, &r);
    if (chunks) chunks->push_back(r);
    if (!s.is_ok()) {
      m->end_fit(nullptr);
      return s;
    }
    if (r.finished) break;
  }
  return m->end_fit(nullptr);
}

std::vector<float> params_of(MoeModel* m) {
  return std::vector<float>(m->model()->params(), m->model()->params() + m->model()->num_params());
}

double accuracy_on(MoeModel* m, const Synthetic& d) {
  Metrics met;
  EXPECT_TRUE(m->evaluate(d.x.data(), d.cls.data(), nullptr, d.n, &met).is_ok());
  return met.accuracy;
}

TEST(Trainer, SameSeedIsBitIdenticalDifferentSeedIsNot) {
  const Synthetic d = make_regions(150, 1);
  for (GatingType gating : {GatingType::Softmax, GatingType::TopK}) {
    ModelConfig c = small_config(Task::Classification, 3);
    c.gating.type = gating;
    c.gating.k = 2;
    c.gating.noise = true;
    FitOptions o;
    o.epochs = 3;
    o.batch_size = 16;
    auto a = make_model(c), b = make_model(c), other = make_model(c);
    ASSERT_TRUE(fit_all(a.get(), d.view(c.task), nullptr, o, 1000).is_ok());
    ASSERT_TRUE(fit_all(b.get(), d.view(c.task), nullptr, o, 1000).is_ok());
    const std::vector<float> pa = params_of(a.get()), pb = params_of(b.get());
    ASSERT_EQ(pa.size(), pb.size());
    EXPECT_EQ(0, std::memcmp(pa.data(), pb.data(), pa.size() * sizeof(float))) << to_string(gating);
    o.has_seed = true;
    o.seed = 12345;
    ASSERT_TRUE(fit_all(other.get(), d.view(c.task), nullptr, o, 1000).is_ok());
    EXPECT_NE(0, std::memcmp(pa.data(), params_of(other.get()).data(), pa.size() * sizeof(float))) << to_string(gating);
  }
}

TEST(Trainer, ChunkedTrainingEqualsOneShot) {
  const Synthetic d = make_regions(101, 2);  // 101 rows, batch 10: last batch has 1 row
  const Synthetic v = make_regions(40, 3);
  ModelConfig c = small_config(Task::Classification, 3);
  c.gating.type = GatingType::TopK;  // noisy top-k: the noise stream must also carry across chunks
  c.gating.k = 2;
  c.gating.noise = true;
  FitOptions o;
  o.epochs = 4;
  o.batch_size = 10;
  auto a = make_model(c), b = make_model(c);
  std::vector<ChunkResult> ca, cb;
  const DataView va = v.view(c.task);
  ASSERT_TRUE(fit_all(a.get(), d.view(c.task), &va, o, 1, &ca).is_ok());
  ASSERT_TRUE(fit_all(b.get(), d.view(c.task), &va, o, 1000, &cb).is_ok());
  const std::vector<float> pa = params_of(a.get()), pb = params_of(b.get());
  EXPECT_EQ(0, std::memcmp(pa.data(), pb.data(), pa.size() * sizeof(float)));
  EXPECT_EQ(ca.size(), 4u * 11u);  // one batch per chunk
  EXPECT_EQ(cb.size(), 4u);        // a chunk ends with its epoch
  ASSERT_EQ(a->history().size(), 4u);
  ASSERT_EQ(b->history().size(), 4u);
  for (int e = 0; e < 4; e++) {
    EXPECT_EQ(a->history()[e].train.loss, b->history()[e].train.loss);
    EXPECT_EQ(a->history()[e].validation.loss, b->history()[e].validation.loss);
  }
}

TEST(Trainer, EpochLossIsRowWeightedMeanOfBatches) {
  const Synthetic d = make_regions(53, 4);
  ModelConfig c = small_config(Task::Classification, 2);
  FitOptions o;
  o.epochs = 2;
  o.batch_size = 8;  // 6 full batches + one of 5 rows
  auto m = make_model(c);
  std::vector<ChunkResult> chunks;
  ASSERT_TRUE(fit_all(m.get(), d.view(c.task), nullptr, o, 1000, &chunks).is_ok());
  ASSERT_EQ(chunks.size(), 2u);
  for (const ChunkResult& ch : chunks) {
    ASSERT_EQ(ch.batches.size(), 7u);
    EXPECT_EQ(ch.batches.back().rows, 5);
    ASSERT_TRUE(ch.epoch_ended);
    double sum = 0;
    long rows = 0;
    for (const BatchLogs& b : ch.batches) {
      sum += b.batch_loss * b.rows;
      rows += b.rows;
    }
    EXPECT_EQ(rows, 53);
    EXPECT_NEAR(ch.epoch.train.loss, sum / rows, 1e-9);
    EXPECT_NEAR(ch.batches.back().loss, ch.epoch.train.loss, 1e-12);  // running mean at the last batch
    EXPECT_EQ(ch.epoch.train.rows, 53);
    EXPECT_FALSE(ch.epoch.has_validation);
  }
  EXPECT_EQ(chunks[0].epoch.epoch, 0);
  EXPECT_EQ(chunks[1].epoch.epoch, 1);
  EXPECT_TRUE(chunks[1].finished);
  EXPECT_FALSE(chunks[1].early_stopped);
}

TEST(Trainer, MixtureBeatsSingleExpertAndGateSplitsRegions) {
  const Synthetic train = make_regions(2000, 10), test = make_regions(1000, 11);
  FitOptions o;
  o.epochs = 30;
  o.batch_size = 32;
  ModelConfig moe_cfg = small_config(Task::Classification, 4);
  moe_cfg.expert_hidden = {2};
  ModelConfig one_cfg = moe_cfg;
  one_cfg.experts = 1;
  auto mix = make_model(moe_cfg), one = make_model(one_cfg);
  ASSERT_TRUE(fit_all(mix.get(), train.view(Task::Classification), nullptr, o, 1000).is_ok());
  ASSERT_TRUE(fit_all(one.get(), train.view(Task::Classification), nullptr, o, 1000).is_ok());
  const double acc_mix = accuracy_on(mix.get(), test), acc_one = accuracy_on(one.get(), test);
  EXPECT_GT(acc_mix, 0.9) << "single expert " << acc_one;
  EXPECT_GT(acc_mix, acc_one + 0.03) << "mixture " << acc_mix << " vs single expert " << acc_one;

  // The gate sends the two regions to different experts: per region, the expert that is the top
  // choice for most rows differs.
  std::vector<float> g(test.n * 4);
  ASSERT_TRUE(mix->gate(test.x.data(), test.n, g.data()).is_ok());
  std::vector<long> votes[2] = {std::vector<long>(4, 0), std::vector<long>(4, 0)};
  for (long r = 0; r < test.n; r++) {
    int top = 0;
    for (int e = 1; e < 4; e++)
      if (g[r * 4 + e] > g[r * 4 + top]) top = e;
    votes[test.x[r * 6] < 0 ? 0 : 1][top]++;
  }
  int major[2];
  for (int k = 0; k < 2; k++) major[k] = int(std::max_element(votes[k].begin(), votes[k].end()) - votes[k].begin());
  EXPECT_NE(major[0], major[1]);

  GateShare share;
  ASSERT_TRUE(mix->gate_share(test.x.data(), test.n, &share).is_ok());
  double total = 0, top_total = 0;
  for (int e = 0; e < 4; e++) { total += share.mean_weight[e]; top_total += share.top_fraction[e]; }
  EXPECT_NEAR(total, 1.0, 1e-5);
  EXPECT_NEAR(top_total, 1.0, 1e-12);
  for (int e = 0; e < 4; e++)
    EXPECT_NEAR(share.top_fraction[e] * test.n, double(votes[0][e] + votes[1][e]), 1e-6) << "expert " << e;

  ClassUsage usage;
  ASSERT_TRUE(mix->class_usage(test.x.data(), test.cls.data(), test.n, &usage).is_ok());
  ASSERT_EQ(usage.mean_weight.size(), 8u);
  EXPECT_EQ(usage.class_rows[0] + usage.class_rows[1], test.n);
  for (int c = 0; c < 2; c++) {
    double row = 0;
    for (int e = 0; e < 4; e++) row += usage.mean_weight[c * 4 + e];
    EXPECT_NEAR(row, 1.0, 1e-5);
  }
}

TEST(Trainer, RegressionLearnsRegionLinearFunctions) {
  const Synthetic train = make_regions(2000, 20), test = make_regions(500, 21);
  ModelConfig c = small_config(Task::Regression, 4);
  c.expert_hidden = {8};
  FitOptions o;
  o.epochs = 30;
  o.batch_size = 32;
  auto m = make_model(c);
  ASSERT_TRUE(fit_all(m.get(), train.view(c.task), nullptr, o, 1000).is_ok());
  Metrics met;
  ASSERT_TRUE(m->evaluate(test.x.data(), nullptr, test.y.data(), test.n, &met).is_ok());
  EXPECT_GT(met.r2, 0.9) << "rmse " << met.rmse;
  EXPECT_NEAR(met.rmse * met.rmse, met.data_loss, 1e-4 + 1e-3 * met.data_loss);  // MSE with C = 1
  EXPECT_EQ(met.rows, test.n);
}

TEST(Trainer, ValidationSplitTakesTheLastRows) {
  const Synthetic d = make_regions(100, 30);
  ModelConfig c = small_config(Task::Classification, 2);
  FitOptions o;
  o.epochs = 1;
  o.batch_size = 16;
  o.validation_split = 0.2;
  auto m = make_model(c);
  std::vector<ChunkResult> chunks;
  ASSERT_TRUE(m->begin_fit(d.view(c.task), nullptr, o).is_ok());
  ChunkResult r;
  ASSERT_TRUE(m->fit_run(1000, &r).is_ok());
  ASSERT_TRUE(r.finished && r.epoch_ended && r.epoch.has_validation);
  EXPECT_EQ(r.epoch.train.rows, 80);
  EXPECT_EQ(r.epoch.validation.rows, 20);
  ASSERT_TRUE(m->end_fit(nullptr).is_ok());
  Metrics last;
  ASSERT_TRUE(m->evaluate(d.x.data() + 80 * 6, d.cls.data() + 80, nullptr, 20, &last).is_ok());
  EXPECT_EQ(last.loss, r.epoch.validation.loss);
  EXPECT_EQ(last.accuracy, r.epoch.validation.accuracy);

  o.validation_split = 1e-17;  // int(100 * (1 - 1e-17)) = 100: no validation row left
  EXPECT_EQ(m->begin_fit(d.view(c.task), nullptr, o).code(), StatusCode::InvalidArgument);
  o.validation_split = 1.0;
  EXPECT_EQ(m->begin_fit(d.view(c.task), nullptr, o).code(), StatusCode::InvalidArgument);
}

TEST(Trainer, EarlyStoppingStopsAndRestoresBestWeights) {
  // Few rows with a quarter of the labels flipped: validation loss first falls (the rule is
  // learnt), then rises (the flipped labels are memorised).
  Synthetic d = make_regions(60, 40), v = make_regions(300, 41);
  Rng rng(5);
  for (auto& y : d.cls)
    if (rng.uniform() < 0.25f) y = 1 - y;
  ModelConfig c = small_config(Task::Classification, 4);
  c.expert_hidden = {32, 32};
  c.optimizer.learning_rate = 0.01f;
  FitOptions o;
  o.epochs = 300;
  o.batch_size = 8;
  o.early_stopping.enabled = true;
  ASSERT_TRUE(parse_monitor("val_loss", &o.early_stopping).is_ok());
  o.early_stopping.patience = 3;
  auto m = make_model(c);
  const DataView vv = v.view(c.task);
  ASSERT_TRUE(m->begin_fit(d.view(c.task), &vv, o).is_ok());
  ChunkResult r;
  while (true) {
    ASSERT_TRUE(m->fit_run(1000, &r).is_ok());
    if (r.finished) break;
  }
  EXPECT_TRUE(r.early_stopped);
  const auto& h = m->history();
  ASSERT_LT(h.size(), 300u);
  ASSERT_GT(r.best_epoch, 0);  // it did improve for a while
  EXPECT_EQ(int(h.size()), r.best_epoch + 1 + 3);  // stopped after `patience` epochs without improvement
  for (const EpochLogs& e : h) EXPECT_GE(e.validation.loss, h[r.best_epoch].validation.loss);
  bool restored = false;
  ASSERT_TRUE(m->end_fit(&restored).is_ok());
  EXPECT_TRUE(restored);
  Metrics now;
  ASSERT_TRUE(m->evaluate(v.x.data(), v.cls.data(), nullptr, v.n, &now).is_ok());
  EXPECT_EQ(now.loss, h[r.best_epoch].validation.loss);  // the best epoch's weights are back
  EXPECT_NE(now.loss, h.back().validation.loss);
}

TEST(Trainer, EarlyStoppingNeedsWhatItMonitors) {
  const Synthetic d = make_regions(50, 50);
  auto m = make_model(small_config(Task::Classification, 2));
  FitOptions o;
  o.early_stopping.enabled = true;
  ASSERT_TRUE(parse_monitor("val_loss", &o.early_stopping).is_ok());
  Status s = m->begin_fit(d.view(Task::Classification), nullptr, o);
  EXPECT_EQ(s.code(), StatusCode::InvalidArgument);
  EXPECT_NE(s.message().find("no validation data"), std::string::npos) << s.message();
  ASSERT_TRUE(parse_monitor("val_r2", &o.early_stopping).is_ok());
  o.validation_split = 0.2;
  EXPECT_EQ(m->begin_fit(d.view(Task::Classification), nullptr, o).code(), StatusCode::InvalidArgument);
  const Status unknown = parse_monitor("lossy", &o.early_stopping);
  EXPECT_EQ(unknown.code(), StatusCode::InvalidArgument);
  EXPECT_NE(unknown.message().find("earlyStopping.monitor must be one of loss,"), std::string::npos) << unknown.message();
  EXPECT_FALSE(m->fitting());
}

TEST(Trainer, DivergenceStopsWithClearErrorAndFiniteWeights) {
  Synthetic d = make_regions(200, 60);
  for (auto& y : d.y) y *= 1000.0f;
  ModelConfig c = small_config(Task::Regression, 2);
  c.optimizer.type = OptimizerType::Sgd;
  c.optimizer.learning_rate = 10.0f;
  c.optimizer.momentum = 0.9f;
  auto m = make_model(c);
  FitOptions o;
  o.epochs = 50;
  o.batch_size = 10;
  Status s = fit_all(m.get(), d.view(c.task), nullptr, o, 7);
  ASSERT_EQ(s.code(), StatusCode::NumericalError);
  EXPECT_NE(s.message().find("diverged at epoch "), std::string::npos) << s.message();
  EXPECT_NE(s.message().find(", batch "), std::string::npos) << s.message();
  const std::vector<float> p = params_of(m.get());
  for (float w : p) ASSERT_TRUE(std::isfinite(w));
  EXPECT_FALSE(m->fitting());
  // The model is still usable: predictions are finite numbers.
  std::vector<float> out(d.n);
  ASSERT_TRUE(m->predict(d.x.data(), d.n, out.data()).is_ok());
}

TEST(Trainer, NonFiniteLossStopsBeforeTouchingWeights) {
  // Finite but enormous features overflow the forward pass: the first batch's loss is not finite.
  Synthetic d = make_regions(40, 65);
  for (auto& x : d.x) x *= 3e38f;
  auto m = make_model(small_config(Task::Classification, 2));
  const std::vector<float> before = params_of(m.get());
  FitOptions o;
  o.epochs = 2;
  o.batch_size = 8;
  Status s = fit_all(m.get(), d.view(Task::Classification), nullptr, o, 3);
  ASSERT_EQ(s.code(), StatusCode::NumericalError) << s.message();
  EXPECT_NE(s.message().find("at epoch 1 of 2, batch 1 of 5"), std::string::npos) << s.message();
  const std::vector<float> after = params_of(m.get());
  EXPECT_EQ(0, std::memcmp(before.data(), after.data(), before.size() * sizeof(float)));
}

TEST(Trainer, BadInputsGiveClearErrors) {
  Synthetic d = make_regions(30, 70);
  auto m = make_model(small_config(Task::Classification, 2));
  FitOptions o;
  d.x[7 * 6 + 2] = std::nanf("");
  Status s = m->begin_fit(d.view(Task::Classification), nullptr, o);
  EXPECT_EQ(s.code(), StatusCode::InvalidArgument);
  EXPECT_NE(s.message().find("feature 2 of row 7"), std::string::npos) << s.message();
  d.x[7 * 6 + 2] = 0.0f;
  d.cls[3] = 2;
  s = m->begin_fit(d.view(Task::Classification), nullptr, o);
  EXPECT_NE(s.message().find("row 3"), std::string::npos) << s.message();
  d.cls[3] = 0;
  o.batch_size = 0;
  EXPECT_EQ(m->begin_fit(d.view(Task::Classification), nullptr, o).code(), StatusCode::InvalidArgument);
  o.batch_size = 4;
  o.epochs = 0;
  EXPECT_EQ(m->begin_fit(d.view(Task::Classification), nullptr, o).code(), StatusCode::InvalidArgument);
  ChunkResult r;
  EXPECT_EQ(m->fit_run(1, &r).code(), StatusCode::InvalidArgument);  // no fit in progress
  o.epochs = 1;
  ASSERT_TRUE(m->begin_fit(d.view(Task::Classification), nullptr, o).is_ok());
  EXPECT_EQ(m->begin_fit(d.view(Task::Classification), nullptr, o).code(), StatusCode::InvalidArgument);
  EXPECT_EQ(m->fit_run(0, &r).code(), StatusCode::InvalidArgument);
  ASSERT_TRUE(m->end_fit(nullptr).is_ok());
  std::vector<float> out(30 * 2);
  EXPECT_EQ(m->predict(d.x.data(), 0, out.data()).code(), StatusCode::InvalidArgument);
}

TEST(Trainer, LargeBatchGrowsCapacityAndSummaryDescribesModel) {
  const Synthetic d = make_regions(600, 80);
  ModelConfig c = small_config(Task::Classification, 3);
  auto m = make_model(c);
  const std::vector<float> before = params_of(m.get());
  FitOptions o;
  o.epochs = 1;
  o.batch_size = 512;  // more than the default capacity
  ASSERT_TRUE(fit_all(m.get(), d.view(c.task), nullptr, o, 1000).is_ok());
  EXPECT_GE(m->model()->capacity(), 512);
  EXPECT_NE(0, std::memcmp(before.data(), params_of(m.get()).data(), before.size() * sizeof(float)));
  const ModelSummary s = m->summary();
  EXPECT_EQ(s.parameters, m->model()->num_params());
  EXPECT_EQ(s.experts, 3);
  EXPECT_GT(s.flops_per_sample, 0);
  long total = 0;
  for (const TensorView& l : s.layers) total += long(l.rows) * l.cols;
  EXPECT_EQ(size_t(total), s.parameters);
}

}  // namespace
}  // namespace moe
