// Hardening regressions found through the public API: a run whose loss overflows puts back the
// weights of the last finite loss (not the overflowing ones), so the model stays usable.
// Not the general divergence tests (test_trainer.cpp) nor the checkpoint format (test_checkpoint.cpp).
#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <fstream>
#include <iterator>
#include <memory>
#include <string>
#include <vector>

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
    FitChunk chunk;
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

}  // namespace
}  // namespace moe
