// Metrics from LossStats sums: loss, accuracy (classification), RMSE and R^2 (regression).
#include "core/metrics.h"

#include <cmath>

namespace moe {

Metrics compute_metrics(const LossStats& s, Task task, int output_dim) {
  Metrics m;
  m.rows = s.rows;
  if (s.rows <= 0) return m;
  const double n = static_cast<double>(s.rows);
  m.loss = (s.data_loss_sum + s.aux_loss_sum) / n;
  m.data_loss = s.data_loss_sum / n;
  if (task == Task::Classification) {
    m.accuracy = s.correct / n;
    return m;
  }
  const double count = n * (output_dim > 0 ? output_dim : 1);  // every output of every row
  m.rmse = std::sqrt(s.sse / count);
  // reference: coefficient of determination, R^2 = 1 - SS_res / SS_tot with
  // SS_tot = sum (y - mean(y))^2 = sum y^2 - (sum y)^2 / count
  const double sst = s.sum_y2 - s.sum_y * s.sum_y / count;
  m.r2 = sst > 0 ? 1.0 - s.sse / sst : (s.sse == 0 ? 1.0 : 0.0);
  return m;
}

}  // namespace moe
