// GoogleTest: the detailed evaluation report (hand-computed confusion, precision/recall, balanced
// accuracy, baselines fitted on the training labels) and the two-component PCA (hand-computed cases).
#include <gtest/gtest.h>

#include <cmath>
#include <vector>

#include "core/pca.h"
#include "core/report.h"

namespace {

TEST(ClassificationReport, HandComputedCase) {
  // 3 classes; predictions are the argmax of these rows.
  const std::vector<float> probs = {0.8f, 0.1f, 0.1f,   // true 0 -> 0
                                    0.6f, 0.3f, 0.1f,   // true 0 -> 0
                                    0.2f, 0.7f, 0.1f,   // true 1 -> 1
                                    0.5f, 0.4f, 0.1f,   // true 1 -> 0
                                    0.1f, 0.2f, 0.7f};  // true 2 -> 2
  const std::vector<int32_t> y = {0, 0, 1, 1, 2};
  const std::vector<int32_t> train = {1, 1, 1, 0, 2, 0};  // majority class of train: 1 (not 0, the test majority tie)
  moe::ClassificationReport r;
  ASSERT_TRUE(moe::classification_report(probs.data(), y.data(), 5, 3, train.data(), 6, &r).is_ok());
  EXPECT_EQ(r.confusion, (std::vector<int64_t>{2, 0, 0, 1, 1, 0, 0, 0, 1}));
  EXPECT_DOUBLE_EQ(r.accuracy, 0.8);
  EXPECT_DOUBLE_EQ(r.precision[0], 2.0 / 3);
  EXPECT_DOUBLE_EQ(r.recall[1], 0.5);
  EXPECT_DOUBLE_EQ(r.f1[0], 0.8);
  EXPECT_EQ(r.support, (std::vector<int64_t>{2, 2, 1}));
  EXPECT_DOUBLE_EQ(r.balanced_accuracy, (1.0 + 0.5 + 1.0) / 3);
  EXPECT_NEAR(r.log_loss, -(std::log(0.8) + std::log(0.6) + std::log(0.7) + std::log(0.4) + std::log(0.7)) / 5, 1e-6);
  EXPECT_EQ(r.baseline_class, 1);
  EXPECT_DOUBLE_EQ(r.baseline_accuracy, 0.4);  // always 1: right on 2 of 5 test rows
  EXPECT_DOUBLE_EQ(r.baseline_balanced_accuracy, 1.0 / 3);
  // Without training labels the test labels are the reference (tie between 0 and 1: the lower index).
  ASSERT_TRUE(moe::classification_report(probs.data(), y.data(), 5, 3, nullptr, 0, &r).is_ok());
  EXPECT_EQ(r.baseline_class, 0);
}

TEST(ClassificationReport, BadLabelsAndEmptyDataAreErrors) {
  const std::vector<float> probs = {0.5f, 0.5f};
  const std::vector<int32_t> y = {2};
  moe::ClassificationReport r;
  EXPECT_NE(moe::classification_report(probs.data(), y.data(), 1, 2, nullptr, 0, &r).message().find("label 2 at row 0"),
            std::string::npos);
  EXPECT_FALSE(moe::classification_report(probs.data(), y.data(), 0, 2, nullptr, 0, &r).is_ok());
}

TEST(RegressionReport, BaselineIsTheTrainMean) {
  const std::vector<float> y = {1, 2, 3, 4};
  const std::vector<float> pred = {1.5f, 2, 2.5f, 4};
  const std::vector<float> train = {10, 10};  // a train mean far from the test values
  moe::RegressionReport r;
  ASSERT_TRUE(moe::regression_report(pred.data(), y.data(), 4, 1, train.data(), 2, &r).is_ok());
  EXPECT_NEAR(r.rmse, std::sqrt(0.5 / 4), 1e-12);
  EXPECT_NEAR(r.mae, 1.0 / 4, 1e-12);
  EXPECT_NEAR(r.r2, 1 - 0.5 / 5, 1e-12);  // SS_tot around the test mean 2.5 = 5
  EXPECT_EQ(r.baseline_mean, std::vector<double>{10});
  EXPECT_NEAR(r.baseline_rmse, std::sqrt((81 + 64 + 49 + 36) / 4.0), 1e-12);
  EXPECT_NEAR(r.baseline_r2, 1 - 230.0 / 5, 1e-12);
  EXPECT_EQ(r.residuals, (std::vector<float>{-0.5f, 0, 0.5f, 0}));
  // The test mean as the reference gives R^2 = 0 exactly.
  ASSERT_TRUE(moe::regression_report(pred.data(), y.data(), 4, 1, nullptr, 0, &r).is_ok());
  EXPECT_NEAR(r.baseline_r2, 0, 1e-12);
}

TEST(Pca2d, PointsOnALineAreOneComponent) {
  // (t, 2t, -t) for t = -2..2: all variance on the first axis, along (1, 2, -1) / sqrt(6).
  std::vector<float> x;
  for (int t = -2; t <= 2; ++t) x.insert(x.end(), {float(t), float(2 * t), float(-t)});
  moe::Pca2d p;
  ASSERT_TRUE(moe::pca_2d(x.data(), 5, 3, &p).is_ok());
  EXPECT_NEAR(p.explained[0], 1.0, 1e-9);
  EXPECT_NEAR(p.explained[1], 0.0, 1e-9);
  EXPECT_NEAR(p.components[1], 2 / std::sqrt(6.0), 1e-9);  // largest loading positive
  for (int i = 0; i < 5; ++i) {
    EXPECT_NEAR(p.x[size_t(i)], (i - 2) * std::sqrt(6.0), 1e-5);
    EXPECT_NEAR(p.y[size_t(i)], 0, 1e-5);
  }
}

TEST(Pca2d, TwoIndependentAxesAndErrors) {
  // Variance 4x on the second column: it is the first component, explaining 4/5.
  const std::vector<float> x = {1, 2, -1, -2, 1, -2, -1, 2};
  moe::Pca2d p;
  ASSERT_TRUE(moe::pca_2d(x.data(), 4, 2, &p).is_ok());
  EXPECT_NEAR(p.explained[0], 0.8, 1e-9);
  EXPECT_NEAR(p.explained[1], 0.2, 1e-9);
  EXPECT_NEAR(std::abs(p.components[1]), 1, 1e-9);
  EXPECT_FALSE(moe::pca_2d(x.data(), 1, 2, &p).is_ok());
  const std::vector<float> bad = {1, NAN, 2, 3};
  EXPECT_NE(moe::pca_2d(bad.data(), 2, 2, &p).message().find("non-finite"), std::string::npos);
}

}  // namespace
