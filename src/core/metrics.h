// Metrics: turns the sums a Model leaves in LossStats into the numbers users see (loss, accuracy,
// RMSE, R^2). Not where the sums are computed (model.cpp) nor where they are logged (trainer.h).
#pragma once
#include "core/model.h"
#include "base/config.h"

namespace moe {

struct Metrics {
  long rows = 0;
  double loss = 0;      // mean over rows of (data loss + aux losses)
  double data_loss = 0; // mean data loss only (mixture NLL or MSE)
  double accuracy = 0;  // classification: fraction of rows whose argmax is the label
  double rmse = 0;      // regression: sqrt(SSE / (rows * C))
  double r2 = 0;        // regression: 1 - SSE / SST, SST pooled over all outputs
};

// output_dim is C (needed for the regression means). rows == 0 gives all zeros.
Metrics compute_metrics(const LossStats& s, Task task, int output_dim);

}  // namespace moe
