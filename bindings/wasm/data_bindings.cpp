// The Embind layer of the data helpers over the C++ core: suggestTarget and previewCsv (io/preview.h),
// the detailed evaluation report (core/report.h) and the 2-D PCA (core/pca.h).
// Errors cross as values ({ code, name, message }); results as fresh JS values. No logic lives here.
#include <emscripten/bind.h>
#include <emscripten/val.h>

#include <cstdint>
#include <string>
#include <vector>

#include "core/pca.h"
#include "core/report.h"
#include "io/preview.h"
#include "base/status.h"
#include "io/table.h"
#include "marshal.h"

using emscripten::val;
using namespace moe_wasm;

namespace {

template <class T>
val array_of(const std::vector<T>& v) {
  val out = val::array();
  for (size_t i = 0; i < v.size(); ++i) out.set(i, static_cast<double>(v[i]));
  return out;
}

// header: 'auto' | 'yes' | 'no' (bindings/ts checked it), by the core's to_string names.
moe::io::HeaderMode header_of(const std::string& h) {
  moe::io::HeaderMode mode = moe::io::HeaderMode::Auto;
  enum_from(h, {moe::io::HeaderMode::Auto, moe::io::HeaderMode::Yes, moe::io::HeaderMode::No}, &mode);
  return mode;
}

// { code, message, target, rowsRead, candidates: [{ name, score, reason, role }] }
val suggest_target(const val& bytes_js, bool whole, const std::string& delimiter, const std::string& header) {
  std::vector<uint8_t> bytes = copy_in<uint8_t>(bytes_js);
  moe::io::TargetSuggestion sug;
  const moe::Status s = moe::io::suggest_target(bytes.data(), bytes.size(), whole, delimiter_from(delimiter), header_of(header), &sug);
  val out = status_val(s);
  if (!s.is_ok()) return out;
  out.set("target", sug.target);
  out.set("rowsRead", static_cast<double>(sug.rows_read));
  val list = val::array();
  for (size_t i = 0; i < sug.candidates.size(); ++i) {
    const moe::io::TargetCandidate& c = sug.candidates[i];
    val o = val::object();
    o.set("name", c.name);
    o.set("score", c.score);
    o.set("reason", c.reason);
    o.set("role", moe::io::to_string(c.role));
    list.set(i, o);
  }
  out.set("candidates", list);
  return out;
}

// { code, message, header: string[], rows: string[][], delimiter, encoding, hasHeader }
val preview_csv(const val& bytes_js, bool whole, double rows, const std::string& delimiter, const std::string& header) {
  std::vector<uint8_t> bytes = copy_in<uint8_t>(bytes_js);
  moe::io::Preview p;
  const moe::Status s = moe::io::preview_csv(bytes.data(), bytes.size(), whole, static_cast<size_t>(rows), delimiter_from(delimiter),
                                             header_of(header), &p);
  val out = status_val(s);
  if (!s.is_ok()) return out;
  val head = val::array();
  for (size_t j = 0; j < p.header.size(); ++j) head.set(j, p.header[j]);
  val body = val::array();
  for (size_t i = 0; i < p.rows.size(); ++i) {
    val r = val::array();
    for (size_t j = 0; j < p.rows[i].size(); ++j) r.set(j, p.rows[i][j]);
    body.set(i, r);
  }
  out.set("header", head);
  out.set("rows", body);
  out.set("delimiter", std::string(1, p.delimiter));
  out.set("encoding", p.encoding);
  out.set("hasHeader", p.has_header);
  return out;
}

// probs (rows, C), y (rows) class indices, train_y (train rows; empty = y is the reference).
// { code, message, accuracy, balancedAccuracy, logLoss, confusion (C*C), precision, recall, f1, support (C),
//   baselineClass, baselineAccuracy, baselineBalancedAccuracy }
val classification_report(const val& probs_js, const val& y_js, double rows, int classes, const val& train_js) {
  std::vector<float> probs = copy_in<float>(probs_js);
  std::vector<int32_t> y = copy_in<int32_t>(y_js), train = copy_in<int32_t>(train_js);
  const long n = static_cast<long>(rows);
  if (n < 0 || probs.size() != static_cast<size_t>(n) * static_cast<size_t>(classes > 0 ? classes : 0) ||
      y.size() != static_cast<size_t>(n))
    return status_val(moe::Status::invalid("report: predictions and labels do not match rows * classes"));
  moe::ClassificationReport r;
  const moe::Status s = moe::classification_report(probs.data(), y.data(), n, classes, train.data(),
                                                   static_cast<long>(train.size()), &r);
  val out = status_val(s);
  if (!s.is_ok()) return out;
  out.set("accuracy", r.accuracy);
  out.set("balancedAccuracy", r.balanced_accuracy);
  out.set("logLoss", r.log_loss);
  out.set("confusion", array_of(r.confusion));
  out.set("precision", array_of(r.precision));
  out.set("recall", array_of(r.recall));
  out.set("f1", array_of(r.f1));
  out.set("support", array_of(r.support));
  out.set("baselineClass", r.baseline_class);
  out.set("baselineAccuracy", r.baseline_accuracy);
  out.set("baselineBalancedAccuracy", r.baseline_balanced_accuracy);
  return out;
}

// pred and y (rows, C), train_y (train rows, C; empty = y). { rmse, mae, r2, baselineMean (C),
//   baselineRmse, baselineMae, baselineR2, residuals Float32Array (rows*C) }
val regression_report(const val& pred_js, const val& y_js, double rows, int outputs, const val& train_js) {
  std::vector<float> pred = copy_in<float>(pred_js), y = copy_in<float>(y_js), train = copy_in<float>(train_js);
  const long n = static_cast<long>(rows);
  const size_t width = static_cast<size_t>(outputs > 0 ? outputs : 0);
  if (n < 0 || pred.size() != static_cast<size_t>(n) * width || y.size() != pred.size() || (width > 0 && train.size() % width))
    return status_val(moe::Status::invalid("report: predictions and targets do not match rows * outputs"));
  moe::RegressionReport r;
  const moe::Status s = moe::regression_report(pred.data(), y.data(), n, outputs, train.data(),
                                               width ? static_cast<long>(train.size() / width) : 0, &r);
  val out = status_val(s);
  if (!s.is_ok()) return out;
  out.set("rmse", r.rmse);
  out.set("mae", r.mae);
  out.set("r2", r.r2);
  out.set("baselineMean", array_of(r.baseline_mean));
  out.set("baselineRmse", r.baseline_rmse);
  out.set("baselineMae", r.baseline_mae);
  out.set("baselineR2", r.baseline_r2);
  out.set("residuals", copy_out(r.residuals.data(), r.residuals.size()));
  return out;
}

// x (rows, D) -> { x (rows), y (rows) Float32Array, explained: [a, b] }
val pca2d(const val& x_js, double rows, int d) {
  std::vector<float> x = copy_in<float>(x_js);
  const long n = static_cast<long>(rows);
  if (n < 0 || d <= 0 || x.size() != static_cast<size_t>(n) * static_cast<size_t>(d))
    return status_val(moe::Status::invalid("project2d: the features do not match rows * numFeatures"));
  moe::Pca2d p;
  const moe::Status s = moe::pca_2d(x.data(), n, d, &p);
  val out = status_val(s);
  if (!s.is_ok()) return out;
  out.set("x", copy_out(p.x.data(), p.x.size()));
  out.set("y", copy_out(p.y.data(), p.y.size()));
  val e = val::array();
  e.set(0, p.explained[0]);
  e.set(1, p.explained[1]);
  out.set("explained", e);
  return out;
}

val data_limits() {
  val out = val::object();
  out.set("maxPreviewRows", static_cast<double>(moe::io::kMaxPreviewRows));
  out.set("preludeBytes", static_cast<double>(moe::io::kPreludeBytes));
  return out;
}

}  // namespace

EMSCRIPTEN_BINDINGS(moe_wasm_data) {
  emscripten::function("suggestTarget", &suggest_target);
  emscripten::function("previewCsv", &preview_csv);
  emscripten::function("dataLimits", &data_limits);
  emscripten::function("classificationReport", &classification_report);
  emscripten::function("regressionReport", &regression_report);
  emscripten::function("pca2d", &pca2d);
}
