// Metrics with context: the detailed report users read next to a score (baseline from the training
// labels, balanced accuracy, per-class precision/recall/support, confusion matrix; regression
// baseline and residuals). Pure functions of predictions and labels. Not the training metrics (metrics.h).
#pragma once
#include <cstdint>
#include <vector>

#include "base/status.h"

namespace moe {

struct ClassificationReport {
  int classes = 0;                      // C
  long rows = 0;                        // N test rows
  double accuracy = 0;
  double balanced_accuracy = 0;         // mean recall over the classes present in the test labels
  double log_loss = 0;                  // mean of -log(max(p[label], 1e-7)): cross-entropy of the probabilities
  std::vector<int64_t> confusion;       // (C, C) row-major: [true][predicted] counts
  std::vector<double> precision;        // (C) 0 when the class is never predicted
  std::vector<double> recall;           // (C) 0 when the class is absent from the test labels
  std::vector<double> f1;               // (C)
  std::vector<int64_t> support;         // (C) test rows of each true class
  int baseline_class = 0;               // most frequent class of the reference (train) labels; ties: lower index
  double baseline_accuracy = 0;         // accuracy of always answering baseline_class on the test rows
  double baseline_balanced_accuracy = 0;
};

// probs (rows, C) -> argmax predictions, compared with y (rows) in [0, C). reference_y (reference_rows)
// are the labels the baseline is fitted on: the training labels (or y itself when reference_y is null).
Status classification_report(const float* probs, const int32_t* y, long rows, int classes, const int32_t* reference_y,
                             long reference_rows, ClassificationReport* out);

struct RegressionReport {
  int outputs = 0;                      // C
  long rows = 0;                        // N
  double rmse = 0, mae = 0, r2 = 0;     // pooled over all outputs, as Metrics
  std::vector<double> baseline_mean;    // (C) mean of the reference (train) targets per output
  double baseline_rmse = 0, baseline_mae = 0, baseline_r2 = 0;  // the mean predictor on the test rows
  std::vector<float> residuals;         // (rows, C) actual - predicted
};

// pred and y (rows, C); reference_y (reference_rows, C) as for classification_report.
Status regression_report(const float* pred, const float* y, long rows, int outputs, const float* reference_y,
                         long reference_rows, RegressionReport* out);

}  // namespace moe
