// Optimizer tests: one Adam step and AdamW decay checked against the formulas by hand, SGD with
// momentum over two steps, global-norm clipping, and the non-finite gradient guard.
#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <vector>

#include "core/optimizer.h"

namespace moe {
namespace {

OptimizerConfig adam_config() {
  OptimizerConfig c;  // Keras defaults: lr 1e-3, beta 0.9 / 0.999, eps 1e-7
  c.learning_rate = 0.01f;
  return c;
}

TEST(Optimizer, AdamTwoStepsMatchTheFormulaByHand) {
  OptimizerConfig c = adam_config();
  Optimizer opt;
  ASSERT_TRUE(opt.init(c, 3).is_ok());
  std::vector<float> p = {0.5f, -1.0f, 2.0f};
  const double g1[3] = {0.1, -0.2, 0.3}, g2[3] = {-0.05, 0.4, 0.3};
  double ep[3] = {0.5, -1.0, 2.0}, em[3] = {0, 0, 0}, ev[3] = {0, 0, 0};
  for (int t = 1; t <= 2; t++) {
    const double* g = t == 1 ? g1 : g2;
    std::vector<float> gf = {float(g[0]), float(g[1]), float(g[2])};
    ASSERT_TRUE(opt.step(p.data(), gf.data()).is_ok());
    const double alpha = 0.01 * std::sqrt(1 - std::pow(0.999, t)) / (1 - std::pow(0.9, t));
    for (int i = 0; i < 3; i++) {
      em[i] = 0.9 * em[i] + 0.1 * g[i];
      ev[i] = 0.999 * ev[i] + 0.001 * g[i] * g[i];
      ep[i] -= alpha * em[i] / (std::sqrt(ev[i]) + 1e-7);
      EXPECT_NEAR(p[i], ep[i], 2e-6) << "step " << t << " param " << i;
    }
  }
  EXPECT_EQ(opt.steps(), 2);
}

TEST(Optimizer, AdamFirstStepMovesByLearningRate) {
  Optimizer opt;
  ASSERT_TRUE(opt.init(adam_config(), 3).is_ok());
  std::vector<float> p = {1.0f, 1.0f, 1.0f}, g = {0.5f, -3.0f, 1e-3f};
  ASSERT_TRUE(opt.step(p.data(), g.data()).is_ok());
  // m_hat / sqrt(v_hat) = sign(g) on step 1 (up to eps), so p moves by lr.
  EXPECT_NEAR(p[0], 0.99f, 1e-5);
  EXPECT_NEAR(p[1], 1.01f, 1e-5);
  EXPECT_NEAR(p[2], 0.99f, 1e-4);
}

TEST(Optimizer, AdamWDecaysWeightsWithoutGradient) {
  OptimizerConfig c = adam_config();
  c.type = OptimizerType::AdamW;
  c.weight_decay = 0.004f;  // Keras default
  Optimizer opt;
  ASSERT_TRUE(opt.init(c, 3).is_ok());
  std::vector<float> p = {2.0f, -4.0f, 0.0f}, g = {0.0f, 0.0f, 0.0f};
  double e[3] = {2.0, -4.0, 0.0};
  for (int t = 0; t < 3; t++) {
    ASSERT_TRUE(opt.step(p.data(), g.data()).is_ok());
    for (int i = 0; i < 3; i++) {
      e[i] -= 0.01 * 0.004 * e[i];  // decoupled decay: p -= lr * wd * p
      EXPECT_NEAR(p[i], e[i], 1e-6);
    }
  }
  // Plain Adam leaves the weights alone when the gradient is zero.
  Optimizer adam;
  ASSERT_TRUE(adam.init(adam_config(), 3).is_ok());
  std::vector<float> q = {2.0f, -4.0f, 0.0f};
  ASSERT_TRUE(adam.step(q.data(), g.data()).is_ok());
  EXPECT_EQ(q[0], 2.0f);
  EXPECT_EQ(q[1], -4.0f);
}

TEST(Optimizer, SgdMomentumTwoStepsByHand) {
  OptimizerConfig c;
  c.type = OptimizerType::Sgd;
  c.learning_rate = 0.1f;
  c.momentum = 0.9f;
  Optimizer opt;
  ASSERT_TRUE(opt.init(c, 3).is_ok());
  std::vector<float> p = {1.0f, 0.0f, -1.0f};
  std::vector<float> g1 = {1.0f, -2.0f, 0.5f}, g2 = {0.5f, 1.0f, -1.0f};
  ASSERT_TRUE(opt.step(p.data(), g1.data()).is_ok());
  // v1 = -lr g1; p1 = p0 + v1
  EXPECT_NEAR(p[0], 0.9f, 1e-6);
  EXPECT_NEAR(p[1], 0.2f, 1e-6);
  EXPECT_NEAR(p[2], -1.05f, 1e-6);
  ASSERT_TRUE(opt.step(p.data(), g2.data()).is_ok());
  // v2 = 0.9 v1 - lr g2; p2 = p1 + v2
  EXPECT_NEAR(p[0], 0.9 + (0.9 * -0.1 - 0.05), 1e-6);
  EXPECT_NEAR(p[1], 0.2 + (0.9 * 0.2 - 0.1), 1e-6);
  EXPECT_NEAR(p[2], -1.05 + (0.9 * -0.05 + 0.1), 1e-6);
}

TEST(Optimizer, GlobalNormClipping) {
  OptimizerConfig c;
  c.type = OptimizerType::Sgd;
  c.learning_rate = 1.0f;
  c.clip_norm = 1.0f;
  Optimizer opt;
  ASSERT_TRUE(opt.init(c, 3).is_ok());
  std::vector<float> p = {0.0f, 0.0f, 0.0f}, g = {3.0f, 4.0f, 0.0f};  // norm 5 -> scaled by 1/5
  ASSERT_TRUE(opt.step(p.data(), g.data()).is_ok());
  EXPECT_NEAR(opt.last_grad_norm(), 5.0, 1e-9);
  EXPECT_NEAR(p[0], -0.6f, 1e-6);
  EXPECT_NEAR(p[1], -0.8f, 1e-6);
  // Below the threshold the gradient is untouched.
  std::vector<float> small = {0.3f, 0.4f, 0.0f};
  ASSERT_TRUE(opt.step(p.data(), small.data()).is_ok());
  EXPECT_NEAR(p[0], -0.9f, 1e-6);
  EXPECT_NEAR(p[1], -1.2f, 1e-6);
}

TEST(Optimizer, NonFiniteGradientLeavesWeightsAndStateAlone) {
  for (float bad : {std::numeric_limits<float>::quiet_NaN(), std::numeric_limits<float>::infinity()}) {
    Optimizer opt;
    ASSERT_TRUE(opt.init(adam_config(), 3).is_ok());
    std::vector<float> p = {1.0f, 2.0f, 3.0f}, g = {0.1f, bad, 0.2f};
    Status s = opt.step(p.data(), g.data());
    EXPECT_EQ(s.code(), StatusCode::NumericalError);
    EXPECT_NE(s.message().find("parameter 1"), std::string::npos) << s.message();
    EXPECT_EQ(p[0], 1.0f);
    EXPECT_EQ(p[1], 2.0f);
    EXPECT_EQ(p[2], 3.0f);
    EXPECT_EQ(opt.steps(), 0);
    // A finite step afterwards behaves like a first step (bias correction t = 1).
    std::vector<float> g2 = {0.1f, 0.1f, 0.1f};
    ASSERT_TRUE(opt.step(p.data(), g2.data()).is_ok());
    EXPECT_NEAR(p[0], 1.0f - 1e-2f, 1e-5);
  }
}

TEST(Optimizer, RejectsBadHyperParameters) {
  Optimizer opt;
  OptimizerConfig c;
  c.learning_rate = 0;
  EXPECT_EQ(opt.init(c, 1).code(), StatusCode::InvalidArgument);
  c = OptimizerConfig();
  c.beta2 = 1.0f;
  EXPECT_EQ(opt.init(c, 1).code(), StatusCode::InvalidArgument);
  c = OptimizerConfig();
  c.type = OptimizerType::Sgd;
  c.momentum = -0.5f;
  EXPECT_EQ(opt.init(c, 1).code(), StatusCode::InvalidArgument);
  c = OptimizerConfig();
  c.clip_norm = std::numeric_limits<float>::quiet_NaN();
  EXPECT_EQ(opt.init(c, 1).code(), StatusCode::InvalidArgument);
}

}  // namespace
}  // namespace moe
