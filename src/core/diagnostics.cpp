// Diagnostics: gate share and per-class expert usage, from Model::gate in fixed-size chunks.
#include "core/diagnostics.h"

#include <algorithm>
#include <string>

namespace moe {

namespace {

constexpr long kChunk = 512;  // rows per Model::gate call

// Calls fn(row_index, gate_row) for every row, gate_row pointing at (E,) weights.
template <class Fn>
Status for_each_gate_row(Model* model, const float* x, long rows, Fn fn) {
  const int D = model->config().input_dim, E = model->config().experts;
  std::vector<float> g(static_cast<std::size_t>(std::min(kChunk, rows)) * E);  // (chunk, E)
  for (long start = 0; start < rows; start += kChunk) {
    const long n = std::min(kChunk, rows - start);
    MOE_RETURN_IF_ERROR(model->gate(x + start * D, n, g.data()));
    for (long i = 0; i < n; i++) fn(start + i, &g[static_cast<std::size_t>(i) * E]);
  }
  return Status::ok();
}

}  // namespace

Status gate_share(Model* model, const float* x, long rows, GateShare* out) {
  if (model == nullptr || out == nullptr) return Status::invalid("gate_share: null model or output");
  if (rows <= 0 || x == nullptr) return Status::invalid("gate share needs at least one row of features");
  const int E = model->config().experts;
  GateShare s;
  s.rows = rows;
  s.mean_weight.assign(E, 0.0);
  s.top_fraction.assign(E, 0.0);
  MOE_RETURN_IF_ERROR(for_each_gate_row(model, x, rows, [&](long, const float* g) {
    int top = 0;
    for (int e = 0; e < E; e++) {
      s.mean_weight[e] += g[e];
      if (g[e] > g[top]) top = e;
    }
    s.top_fraction[top] += 1.0;
  }));
  for (int e = 0; e < E; e++) {
    s.mean_weight[e] /= static_cast<double>(rows);
    s.top_fraction[e] /= static_cast<double>(rows);
  }
  *out = std::move(s);
  return Status::ok();
}

Status class_usage(Model* model, const float* x, const int32_t* classes, long rows, ClassUsage* out) {
  if (model == nullptr || out == nullptr) return Status::invalid("class_usage: null model or output");
  const ModelConfig& cfg = model->config();
  if (cfg.task != Task::Classification) return Status::invalid("per-class expert usage needs a classification model");
  if (rows <= 0 || x == nullptr || classes == nullptr)
    return Status::invalid("per-class expert usage needs features and class labels for at least one row");
  const int C = cfg.output_dim, E = cfg.experts;
  for (long r = 0; r < rows; r++)
    if (classes[r] < 0 || classes[r] >= C)
      return Status::invalid("label of row " + std::to_string(r) + " is " + std::to_string(classes[r]) +
                             ", outside [0, " + std::to_string(C) + ")");
  ClassUsage u;
  u.classes = C;
  u.experts = E;
  u.class_rows.assign(C, 0);
  u.mean_weight.assign(static_cast<std::size_t>(C) * E, 0.0);
  MOE_RETURN_IF_ERROR(for_each_gate_row(model, x, rows, [&](long r, const float* g) {
    const int c = classes[r];
    u.class_rows[c]++;
    for (int e = 0; e < E; e++) u.mean_weight[static_cast<std::size_t>(c) * E + e] += g[e];
  }));
  for (int c = 0; c < C; c++)
    if (u.class_rows[c] > 0)
      for (int e = 0; e < E; e++) u.mean_weight[static_cast<std::size_t>(c) * E + e] /= static_cast<double>(u.class_rows[c]);
  *out = std::move(u);
  return Status::ok();
}

}  // namespace moe
