// ModelConfig validation and enum names. Says what is wrong (field, allowed range, value) before
// anything is allocated; it does not allocate or build the model (see core/model.cpp).
#include <cmath>
#include <string>

#include "base/config.h"

namespace moe {
namespace {

constexpr int kMaxDim = 1 << 20;       // input_dim, output_dim, hidden widths
constexpr int kMaxExperts = 1024;
constexpr double kMaxParams = 1.0e8;   // params + grads + Adam m/v (16 bytes each) must fit a wasm heap

Status bad_int(const std::string& field, long lo, long hi, long got) {
  return Status::invalid("config." + field + " must be in [" + std::to_string(lo) + ", " + std::to_string(hi) +
                         "], got " + std::to_string(got));
}

Status check_float(const std::string& field, float v, float lo, bool lo_open, float hi, bool hi_open,
                   const char* range_text) {
  const bool ok = std::isfinite(v) && (lo_open ? v > lo : v >= lo) && (hi_open ? v < hi : v <= hi);
  if (ok) return Status::ok();
  return Status::invalid("config." + field + " must be " + range_text + ", got " +
                         (std::isfinite(v) ? std::to_string(v) : std::string(std::isnan(v) ? "NaN" : "infinity")));
}

Status check_widths(const std::vector<int>& widths, const char* field) {
  if (widths.size() > 64) return bad_int(std::string(field) + ".size()", 0, 64, (long)widths.size());
  for (std::size_t i = 0; i < widths.size(); i++)
    if (widths[i] < 1 || widths[i] > kMaxDim)
      return bad_int(std::string(field) + "[" + std::to_string(i) + "]", 1, kMaxDim, widths[i]);
  return Status::ok();
}

// Parameters of an MLP in -> widths... -> out (weights + biases), in double so it cannot overflow.
double mlp_params(int in, const std::vector<int>& widths, int out) {
  double total = 0, prev = in;
  for (int w : widths) { total += prev * w + w; prev = w; }
  return total + prev * out + out;
}

}  // namespace

Status validate(const ModelConfig& c) {
  if (c.task != Task::Classification && c.task != Task::Regression)
    return Status::invalid("config.task must be classification or regression, got " + std::to_string((int)c.task));
  if (c.activation != Activation::Relu && c.activation != Activation::Tanh && c.activation != Activation::Gelu)
    return Status::invalid("config.activation must be relu, tanh or gelu, got " + std::to_string((int)c.activation));
  if (c.gating.type != GatingType::Softmax && c.gating.type != GatingType::TopK)
    return Status::invalid("config.gating.type must be softmax or topk, got " + std::to_string((int)c.gating.type));
  if (c.input_dim < 1 || c.input_dim > kMaxDim) return bad_int("input_dim", 1, kMaxDim, c.input_dim);
  if (c.task == Task::Classification) {
    if (c.output_dim < 2 || c.output_dim > kMaxDim)
      return Status::invalid("config.output_dim (classes) must be in [2, " + std::to_string(kMaxDim) +
                             "] for classification, got " + std::to_string(c.output_dim));
  } else if (c.output_dim < 1 || c.output_dim > kMaxDim) {
    return bad_int("output_dim", 1, kMaxDim, c.output_dim);
  }
  if (c.experts < 1 || c.experts > kMaxExperts) return bad_int("experts", 1, kMaxExperts, c.experts);
  MOE_RETURN_IF_ERROR(check_widths(c.expert_hidden, "expert_hidden"));
  MOE_RETURN_IF_ERROR(check_widths(c.gate_hidden, "gate_hidden"));
  if (c.gating.type == GatingType::TopK && (c.gating.k < 1 || c.gating.k > c.experts))
    return Status::invalid("config.gating.k must be in [1, experts = " + std::to_string(c.experts) + "], got " +
                           std::to_string(c.gating.k));
  MOE_RETURN_IF_ERROR(check_float("load_balance", c.load_balance, 0.0f, false, 1e6f, false, "in [0, 1e6]"));
  MOE_RETURN_IF_ERROR(check_float("z_loss", c.z_loss, 0.0f, false, 1e6f, false, "in [0, 1e6]"));

  const OptimizerConfig& o = c.optimizer;
  if (o.type != OptimizerType::Adam && o.type != OptimizerType::AdamW && o.type != OptimizerType::Sgd)
    return Status::invalid("config.optimizer.type must be adam, adamw or sgd, got " + std::to_string((int)o.type));
  MOE_RETURN_IF_ERROR(check_float("optimizer.learning_rate", o.learning_rate, 0.0f, true, 1e3f, false, "in (0, 1000]"));
  MOE_RETURN_IF_ERROR(check_float("optimizer.beta1", o.beta1, 0.0f, false, 1.0f, true, "in [0, 1)"));
  MOE_RETURN_IF_ERROR(check_float("optimizer.beta2", o.beta2, 0.0f, false, 1.0f, true, "in [0, 1)"));
  MOE_RETURN_IF_ERROR(check_float("optimizer.epsilon", o.epsilon, 0.0f, true, 1.0f, false, "in (0, 1]"));
  MOE_RETURN_IF_ERROR(check_float("optimizer.weight_decay", o.weight_decay, 0.0f, false, 1.0f, false, "in [0, 1]"));
  MOE_RETURN_IF_ERROR(check_float("optimizer.momentum", o.momentum, 0.0f, false, 1.0f, true, "in [0, 1)"));
  MOE_RETURN_IF_ERROR(check_float("optimizer.clip_norm", o.clip_norm, 0.0f, false, 1e9f, false, "in [0, 1e9] (0 = off)"));

  double params = c.experts * mlp_params(c.input_dim, c.expert_hidden, c.output_dim) +
                  mlp_params(c.input_dim, c.gate_hidden, c.experts);
  if (c.gating.type == GatingType::TopK && c.gating.noise)
    params += (c.gate_hidden.empty() ? c.input_dim : c.gate_hidden.back()) * (double)c.experts + c.experts;
  if (params > kMaxParams)
    return Status::out_of_range("the model would have " + std::to_string((long long)params) +
                                " parameters; at most 100000000 are supported (reduce experts or hidden widths)");
  return Status::ok();
}

const char* to_string(Task t) {
  switch (t) {
    case Task::Classification: return "classification";
    case Task::Regression: return "regression";
  }
  return "unknown";
}

const char* to_string(Activation a) {
  switch (a) {
    case Activation::Relu: return "relu";
    case Activation::Tanh: return "tanh";
    case Activation::Gelu: return "gelu";
  }
  return "unknown";
}

const char* to_string(GatingType g) {
  switch (g) {
    case GatingType::Softmax: return "softmax";
    case GatingType::TopK: return "topk";
  }
  return "unknown";
}

const char* to_string(OptimizerType o) {
  switch (o) {
    case OptimizerType::Adam: return "adam";
    case OptimizerType::AdamW: return "adamw";
    case OptimizerType::Sgd: return "sgd";
  }
  return "unknown";
}

}  // namespace moe
