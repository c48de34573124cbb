// Hardening regressions found through the public API and the fuzzers: a run whose loss overflows
// puts back the weights of the last finite loss; log-softmax of huge logits still sums to one (the
// inputs in tests/fixtures/fuzz). Not the general divergence or checkpoint tests.
#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <memory>
#include <string>
#include <vector>

#include "kernels/kernels.h"
#include "moe/api.h"
#include "moe/dataset.h"

namespace moe {
namespace {

Dataset diabetes() {
  std::string here = __FILE__;  // .../tests/cc/test_hardening.cpp
  std::ifstream f(here.substr(0, here.rfind("/cc/")) + "/fixtures/diabetes.csv", std::ios::binary);
  const std::vector<uint8_t> bytes((std::istreambuf_iterator<char>(f)), std::istreambuf_iterator<char>());
  CsvOptions o;
  o.target = "progression";
  Dataset ds;
  const Status s = read_csv(bytes.data(), bytes.size(), o, &ds);
  EXPECT_TRUE(s.is_ok()) << s.message();
  return ds;
}

std::vector<float> params_of(MoeModel* m) {
  return std::vector<float>(m->model()->params(), m->model()->params() + m->model()->num_params());
}

// Plain SGD with learning rate 1 on the raw diabetes targets (tens to hundreds): the weights grow
// until the forward pass overflows and a batch's loss is infinite.
TEST(Hardening, InfiniteLossPutsBackTheWeightsOfTheLastFiniteLoss) {
  const Dataset ds = diabetes();
  ASSERT_GT(ds.rows, 100);
  ModelConfig c;
  c.input_dim = ds.num_features;
  c.output_dim = 1;
  c.task = Task::Regression;
  c.experts = 3;
  c.expert_hidden = {16};
  c.gate_hidden = {8};
  c.optimizer.type = OptimizerType::Sgd;
  c.optimizer.learning_rate = 1.0f;
  c.seed = 1;
  std::unique_ptr<MoeModel> m;
  ASSERT_TRUE(MoeModel::create(c, &m).is_ok());
  FitOptions o;
  o.epochs = 20;
  o.batch_size = 16;
  const DataView train{ds.features.data(), nullptr, ds.values.data(), ds.rows};
  ASSERT_TRUE(m->begin_fit(train, nullptr, o).is_ok());
  std::vector<std::vector<float>> after;  // after[k]: params after k updates (after[0]: initial)
  after.push_back(params_of(m.get()));
  Status s;
  for (;;) {
    ChunkResult chunk;
    s = m->fit_run(1, &chunk);
    if (!s.is_ok() || chunk.finished) break;
    after.push_back(params_of(m.get()));
  }
  ASSERT_EQ(s.code(), StatusCode::NumericalError) << s.message();
  ASSERT_NE(s.message().find("the loss is infinite"), std::string::npos) << s.message();
  EXPECT_NE(s.message().find("diverged at epoch 1 of 20, batch "), std::string::npos) << s.message();
  // The weights after the last update made the loss infinite; the ones before it gave a finite loss.
  ASSERT_GE(after.size(), 2u);
  const std::vector<float>& good = after[after.size() - 2];
  const std::vector<float> now = params_of(m.get());
  ASSERT_EQ(now.size(), good.size());
  EXPECT_EQ(0, std::memcmp(now.data(), good.data(), sizeof(float) * now.size()));
  ASSERT_TRUE(m->end_fit(nullptr).is_ok());
  // Usable afterwards: predictions over every row are finite and the model saves and loads.
  std::vector<float> out(static_cast<size_t>(ds.rows));
  ASSERT_TRUE(m->predict(ds.features.data(), ds.rows, out.data()).is_ok());
  for (float v : out) ASSERT_TRUE(std::isfinite(v));
  std::vector<uint8_t> bytes;
  ASSERT_TRUE(m->save("", &bytes).is_ok());
  std::unique_ptr<MoeModel> back;
  EXPECT_TRUE(MoeModel::load(bytes.data(), bytes.size(), &back, nullptr).is_ok());
}

std::vector<uint8_t> fuzz_input(const std::string& name) {
  std::string here = __FILE__;
  std::ifstream f(here.substr(0, here.rfind("/cc/")) + "/fixtures/fuzz/" + name, std::ios::binary);
  EXPECT_TRUE(f.good()) << name;
  return std::vector<uint8_t>((std::istreambuf_iterator<char>(f)), std::istreambuf_iterator<char>());
}

// log softmax(x) = (x - max) - log(sum exp(x - max)); x - (max + log sum) loses the log term when
// |max| is huge, so exp of the result no longer sums to one.
TEST(Hardening, LogSoftmaxOfHugeLogitsSumsToOne) {
  for (int n : {2, 3, 5, 9, 33}) {
    std::vector<float> x(static_cast<size_t>(n) * 2), y(x.size()), r(x.size());  // (2, n)
    for (int j = 0; j < n; j++) {
      x[j] = 1e35f;                                                    // row 0: all equal and huge
      x[n + j] = -3e37f + static_cast<float>(j % 2) * 1e31f;           // row 1: huge negative, two levels
    }
    kernels::f32_log_softmax(2, n, x.data(), y.data());
    kernels::f32_log_softmax_ref(2, n, x.data(), r.data());
    for (const std::vector<float>* out : {&y, &r}) {
      for (int i = 0; i < 2; i++) {
        double sum = 0;
        for (int j = 0; j < n; j++) sum += std::exp(static_cast<double>((*out)[static_cast<size_t>(i) * n + j]));
        EXPECT_NEAR(sum, 1.0, 1e-5) << "n " << n << " row " << i;
      }
      EXPECT_NEAR((*out)[0], -std::log(static_cast<float>(n)), 1e-6) << n;
    }
  }
}

// Found by fuzz_model: a top-k model with weights ~1e35 predicted a class probability of 1.47.
TEST(Hardening, FuzzModelTopkHugeLogitsGivesProbabilitiesOrAClearError) {
  const std::vector<uint8_t> bytes = fuzz_input("model-topk-huge-logits.moe");
  std::unique_ptr<MoeModel> m;
  const Status s = MoeModel::load(bytes.data(), bytes.size(), &m, nullptr);
  ASSERT_TRUE(s.is_ok()) << s.message();  // a well-formed file with extreme (finite) weights
  const ModelConfig& c = m->config();
  ASSERT_EQ(c.gating.type, GatingType::TopK);
  std::vector<float> x(static_cast<size_t>(c.input_dim), 0.5f), p(static_cast<size_t>(c.output_dim)), g(static_cast<size_t>(c.experts));
  const Status ps = m->predict(x.data(), 1, p.data());
  if (!ps.is_ok()) {
    EXPECT_EQ(ps.code(), StatusCode::NumericalError) << ps.message();
    return;
  }
  double total = 0;
  for (float v : p) {
    EXPECT_GE(v, 0.0f);
    EXPECT_LE(v, 1.0001f);
    total += v;
  }
  EXPECT_NEAR(total, 1.0, 1e-4);
  ASSERT_TRUE(m->gate(x.data(), 1, g.data()).is_ok());
  double gates = 0;
  for (float v : g) gates += v;
  EXPECT_NEAR(gates, 1.0, 1e-5);
}

// Every model file kept in tests/fixtures/fuzz (crash inputs and the extra fuzzing seeds) loads,
// predicts probabilities or finite values (or refuses with a numerical error), and survives a
// save/load round trip byte for byte.
TEST(Hardening, EveryKeptFuzzModelLoadsPredictsAndRoundTrips) {
  std::string here = __FILE__;
  const std::filesystem::path dir = here.substr(0, here.rfind("/cc/")) + "/fixtures/fuzz";
  int files = 0;
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    if (entry.path().extension() != ".moe") continue;
    files++;
    const std::vector<uint8_t> bytes = fuzz_input(entry.path().filename().string());
    std::unique_ptr<MoeModel> m;
    std::string schema;
    const Status s = MoeModel::load(bytes.data(), bytes.size(), &m, &schema);
    ASSERT_TRUE(s.is_ok()) << entry.path() << ": " << s.message();
    const ModelConfig& c = m->config();
    std::vector<float> x(static_cast<size_t>(c.input_dim) * 3), p(static_cast<size_t>(c.output_dim) * 3);
    for (size_t i = 0; i < x.size(); i++) x[i] = static_cast<float>(i % 5) * 0.5f - 1.0f;
    const Status ps = m->predict(x.data(), 3, p.data());
    if (ps.is_ok()) {
      for (float v : p) ASSERT_TRUE(std::isfinite(v)) << entry.path();
      if (c.task == Task::Classification) {
        for (int r = 0; r < 3; r++) {
          double total = 0;
          for (int j = 0; j < c.output_dim; j++) total += p[static_cast<size_t>(r) * c.output_dim + j];
          EXPECT_NEAR(total, 1.0, 1e-4) << entry.path();
        }
      }
    } else {
      EXPECT_EQ(ps.code(), StatusCode::NumericalError) << entry.path() << ": " << ps.message();
    }
    std::vector<uint8_t> again;
    ASSERT_TRUE(m->save(schema, &again).is_ok());
    EXPECT_EQ(again, bytes) << entry.path();
  }
  EXPECT_GE(files, 4);
}

}  // namespace
}  // namespace moe
