// base/config: the one parameter count matches what the layout allocates, option names are the JS
// ones, numbers print as people write them, fit options and monitors are checked in one place.
#include <gtest/gtest.h>

#include <memory>
#include <string>

#include "base/config.h"
#include "core/model.h"

namespace moe {
namespace {

TEST(Config, ParameterCountIsWhatTheModelAllocates) {
  for (GatingType g : {GatingType::Softmax, GatingType::TopK})
    for (bool noise : {false, true})
      for (const std::vector<int>& gate_hidden : {std::vector<int>{}, std::vector<int>{7, 3}}) {
        ModelConfig c;
        c.input_dim = 5;
        c.output_dim = 3;
        c.experts = 4;
        c.expert_hidden = {6, 2};
        c.gate_hidden = gate_hidden;
        c.gating.type = g;
        c.gating.noise = noise;
        std::unique_ptr<Model> m;
        ASSERT_TRUE(Model::create(c, 4, &m).is_ok());
        EXPECT_EQ(parameter_count(c), static_cast<double>(m->num_params()));
      }
}

TEST(Config, NumbersPrintAsWritten) {
  EXPECT_EQ(format_number(5.0f), "5");
  EXPECT_EQ(format_number(0.004f), "0.004");
  EXPECT_EQ(format_number(1e-7f), "1e-07");
  EXPECT_EQ(format_number(0.25), "0.25");
  EXPECT_EQ(format_number(123456789.0), "123456789");
  EXPECT_EQ(format_number(-1.5f), "-1.5");
}

TEST(Config, MessagesUseTheJsOptionNames) {
  ModelConfig c;
  c.input_dim = 4;
  c.output_dim = 3;
  c.optimizer.type = OptimizerType::AdamW;
  c.optimizer.weight_decay = 5.0f;
  EXPECT_EQ(validate(c).message(), "optimizer.weightDecay must be a finite number in [0, 1], got 5");
  c.optimizer.weight_decay = 0.5f;
  EXPECT_TRUE(validate(c).is_ok());
  EXPECT_STREQ(option_name(Option::ClipNorm), "optimizer.clipNorm");
  EXPECT_STREQ(option_name(Option::Monitor), "earlyStopping.monitor");
}

TEST(Config, SgdStartsFromItsOwnLearningRate) {
  EXPECT_FLOAT_EQ(optimizer_defaults(OptimizerType::Sgd).learning_rate, 0.01f);
  EXPECT_FLOAT_EQ(optimizer_defaults(OptimizerType::Adam).learning_rate, 1e-3f);
}

TEST(Config, FitOptionsAndMonitors) {
  FitOptions f;
  EXPECT_TRUE(validate(f).is_ok());
  f.epochs = 0;
  EXPECT_EQ(validate(f).message(), "epochs must be an integer in [1, 1000000], got 0");
  f = FitOptions();
  f.validation_split = 1;
  EXPECT_EQ(validate(f).message(), "validationSplit must be a finite number in [0, 1), got 1");
  f = FitOptions();
  f.early_stopping.enabled = true;
  f.early_stopping.min_delta = -0.5;
  EXPECT_EQ(validate(f).message(), "earlyStopping.minDelta must be a finite number in [0, 1e9], got -0.5");
  EarlyStoppingOptions es;
  ASSERT_TRUE(parse_monitor("val_accuracy", &es).is_ok());
  EXPECT_EQ(es.metric, Metric::Accuracy);
  EXPECT_EQ(es.source, MonitorSource::Validation);
  ASSERT_TRUE(parse_monitor("r2", &es).is_ok());
  EXPECT_EQ(es.metric, Metric::R2);
  EXPECT_EQ(es.source, MonitorSource::Train);
  ASSERT_TRUE(parse_monitor("", &es).is_ok());
  EXPECT_EQ(es.source, MonitorSource::Auto);
  EXPECT_FALSE(parse_monitor("val_acc", &es).is_ok());
}

}  // namespace
}  // namespace moe
