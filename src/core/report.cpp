// The detailed evaluation report. See report.h.
#include "core/report.h"

#include <Eigen/Core>
#include <algorithm>
#include <cmath>
#include <string>

namespace moe {
namespace {

using RowMatrixF = Eigen::Matrix<float, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;

Status check_sizes(long rows, int width, long reference_rows, const char* what) {
  if (rows <= 0) return Status::invalid(std::string(what) + ": the data has no rows");
  if (width <= 0) return Status::invalid(std::string(what) + ": no outputs");
  if (reference_rows < 0) return Status::invalid(std::string(what) + ": train has a negative row count");
  return Status::ok();
}

}  // namespace

Status classification_report(const float* probs, const int32_t* y, long rows, int classes, const int32_t* reference_y,
                             long reference_rows, ClassificationReport* out) {
  MOE_RETURN_IF_ERROR(check_sizes(rows, classes, reference_rows, "report"));
  if (!reference_y || reference_rows == 0) { reference_y = y; reference_rows = rows; }
  const size_t C = size_t(classes);
  ClassificationReport r;
  r.classes = classes;
  r.rows = rows;
  r.confusion.assign(C * C, 0);
  double nll = 0;
  for (long i = 0; i < rows; ++i) {
    const int32_t t = y[i];
    if (t < 0 || t >= classes)
      return Status::invalid("report: label " + std::to_string(t) + " at row " + std::to_string(i) + " is not a class in [0, " +
                             std::to_string(classes - 1) + "]");
    const float* p = probs + size_t(i) * C;
    int best = 0;
    for (int k = 1; k < classes; ++k)
      if (p[k] > p[best]) best = k;
    ++r.confusion[size_t(t) * C + size_t(best)];
    // Clamped so a confident miss costs -log(1e-7) ~ 16 rather than infinity.
    nll -= std::log(std::max(double(p[t]), 1e-7));
  }
  r.log_loss = nll / double(rows);
  // reference: precision = TP / (TP + FP), recall = TP / (TP + FN), F1 their harmonic mean;
  // balanced accuracy = mean recall over the classes present (scikit-learn's balanced_accuracy_score).
  r.precision.assign(C, 0);
  r.recall.assign(C, 0);
  r.f1.assign(C, 0);
  r.support.assign(C, 0);
  int64_t correct = 0;
  int present = 0;
  double recall_sum = 0;
  for (size_t k = 0; k < C; ++k) {
    int64_t predicted = 0;
    for (size_t t = 0; t < C; ++t) {
      r.support[k] += r.confusion[k * C + t];
      predicted += r.confusion[t * C + k];
    }
    const int64_t tp = r.confusion[k * C + k];
    correct += tp;
    if (predicted > 0) r.precision[k] = double(tp) / double(predicted);
    if (r.support[k] > 0) {
      r.recall[k] = double(tp) / double(r.support[k]);
      recall_sum += r.recall[k];
      ++present;
    }
    if (r.precision[k] + r.recall[k] > 0) r.f1[k] = 2 * r.precision[k] * r.recall[k] / (r.precision[k] + r.recall[k]);
  }
  r.accuracy = double(correct) / double(rows);
  r.balanced_accuracy = present > 0 ? recall_sum / present : 0;
  std::vector<int64_t> counts(C, 0);
  for (long i = 0; i < reference_rows; ++i)
    if (reference_y[i] >= 0 && reference_y[i] < classes) ++counts[size_t(reference_y[i])];
  for (size_t k = 1; k < C; ++k)
    if (counts[k] > counts[size_t(r.baseline_class)]) r.baseline_class = int(k);
  // Always answering one class: its recall is 1, every other present class's is 0.
  r.baseline_accuracy = double(r.support[size_t(r.baseline_class)]) / double(rows);
  r.baseline_balanced_accuracy = present > 0 && r.support[size_t(r.baseline_class)] > 0 ? 1.0 / present : 0;
  *out = std::move(r);
  return Status::ok();
}

Status regression_report(const float* pred, const float* y, long rows, int outputs, const float* reference_y,
                         long reference_rows, RegressionReport* out) {
  MOE_RETURN_IF_ERROR(check_sizes(rows, outputs, reference_rows, "report"));
  if (!reference_y || reference_rows == 0) { reference_y = y; reference_rows = rows; }
  Eigen::Map<const RowMatrixF> P(pred, rows, outputs);          // (N, C)
  Eigen::Map<const RowMatrixF> Y(y, rows, outputs);             // (N, C)
  Eigen::Map<const RowMatrixF> R(reference_y, reference_rows, outputs);  // (M, C)
  const Eigen::MatrixXd Yd = Y.cast<double>();
  const Eigen::MatrixXd E = Yd - P.cast<double>();              // (N, C) residuals
  const Eigen::RowVectorXd base = R.cast<double>().colwise().mean();      // (C) train means
  const Eigen::MatrixXd B = Yd.rowwise() - base;                // (N, C) residuals of the mean predictor
  const double count = double(rows) * outputs;
  // reference: R^2 = 1 - SS_res / SS_tot, SS_tot around the test mean (as Metrics, pooled over outputs)
  const double sst = (Yd.rowwise() - Yd.colwise().mean()).squaredNorm();
  auto r2 = [&](double sse) { return sst > 0 ? 1.0 - sse / sst : (sse == 0 ? 1.0 : 0.0); };
  RegressionReport r;
  r.outputs = outputs;
  r.rows = rows;
  r.rmse = std::sqrt(E.squaredNorm() / count);
  r.mae = E.cwiseAbs().sum() / count;
  r.r2 = r2(E.squaredNorm());
  r.baseline_mean.assign(base.data(), base.data() + outputs);
  r.baseline_rmse = std::sqrt(B.squaredNorm() / count);
  r.baseline_mae = B.cwiseAbs().sum() / count;
  r.baseline_r2 = r2(B.squaredNorm());
  r.residuals.resize(size_t(rows) * size_t(outputs));
  Eigen::Map<RowMatrixF>(r.residuals.data(), rows, outputs) = E.cast<float>();
  *out = std::move(r);
  return Status::ok();
}

}  // namespace moe
