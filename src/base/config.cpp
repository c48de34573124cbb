// ModelConfig and FitOptions validation, the JS name of every option, and the enum names. Says
// what is wrong (option, allowed range, value) before anything is allocated; it does not build
// the model (see core/model.cpp). The one place option ranges are written.
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "base/config.h"

namespace moe {
namespace {

constexpr int kMaxDim = 1 << 20;        // inputDim, outputDim
constexpr int kMaxWidth = 65536;        // every hidden width
constexpr int kMaxLayers = 64;          // hidden layers of one MLP
constexpr int kMaxExperts = 1024;
constexpr int kMaxEpochs = 1000000;
constexpr int kMaxBatch = 1 << 20;
// Parameters, gradients and Adam's two moments take 16 bytes per parameter; refuse models that
// cannot be trained in the 2 GiB wasm heap instead of letting an allocation abort the module.
constexpr double kMaxTrainingMiB = 1536;

std::string name(Option o) { return option_name(o); }

Status bad_int(const std::string& field, long lo, long hi, long got, const std::string& note = "") {
  return Status::invalid(field + " must be an integer in [" + std::to_string(lo) + ", " + std::to_string(hi) + "]" +
                         note + ", got " + std::to_string(got));
}

Status check_int(Option o, long v, long lo, long hi) {
  return v >= lo && v <= hi ? Status::ok() : bad_int(name(o), lo, hi, v);
}

// range_text spells the interval the JS way, e.g. "(0, 1000]".
Status check_real(Option o, double v, double lo, bool lo_open, double hi, bool hi_open, const char* range_text,
                  const std::string& shown) {
  const bool ok = std::isfinite(v) && (lo_open ? v > lo : v >= lo) && (hi_open ? v < hi : v <= hi);
  if (ok) return Status::ok();
  return Status::invalid(name(o) + " must be a finite number in " + range_text + ", got " + shown);
}

Status check_float(Option o, float v, float lo, bool lo_open, float hi, bool hi_open, const char* range_text) {
  return check_real(o, v, lo, lo_open, hi, hi_open, range_text, format_number(v));
}

Status check_widths(const std::vector<int>& widths, Option o) {
  if (widths.size() > static_cast<std::size_t>(kMaxLayers))
    return Status::invalid(name(o) + " may list at most " + std::to_string(kMaxLayers) + " hidden layers, got " +
                           std::to_string(widths.size()));
  for (std::size_t i = 0; i < widths.size(); i++)
    if (widths[i] < 1 || widths[i] > kMaxWidth)
      return bad_int(name(o) + "[" + std::to_string(i) + "]", 1, kMaxWidth, widths[i]);
  return Status::ok();
}

// Weights and biases of an MLP in -> widths... -> out, in double so it cannot overflow.
double mlp_params(int in, const std::vector<int>& widths, int out) {
  double total = 0, prev = in;
  for (int w : widths) { total += prev * w + w; prev = w; }
  return total + prev * out + out;
}

template <class T>
std::string shortest(T v, int max_digits, T (*read)(const char*, char**)) {
  if (std::isnan(v)) return "NaN";
  if (std::isinf(v)) return v > 0 ? "Infinity" : "-Infinity";
  char buf[40];
  for (int digits = 1; digits <= max_digits; digits++) {
    std::snprintf(buf, sizeof buf, "%.*g", digits, static_cast<double>(v));
    if (read(buf, nullptr) == v) break;
  }
  return buf;
}

}  // namespace

OptimizerConfig optimizer_defaults(OptimizerType type) {
  OptimizerConfig o;
  o.type = type;
  if (type == OptimizerType::Sgd) o.learning_rate = 0.01f;
  return o;
}

double parameter_count(const ModelConfig& c) {
  double params = c.experts * mlp_params(c.input_dim, c.expert_hidden, c.output_dim) +
                  mlp_params(c.input_dim, c.gate_hidden, c.experts);
  if (c.gating.type == GatingType::TopK && c.gating.noise)
    params += (c.gate_hidden.empty() ? c.input_dim : c.gate_hidden.back()) * static_cast<double>(c.experts) + c.experts;
  return params;
}

Status validate(const ModelConfig& c) {
  if (c.task != Task::Classification && c.task != Task::Regression)
    return Status::invalid(name(Option::Task) + " must be classification or regression");
  if (c.activation != Activation::Relu && c.activation != Activation::Tanh && c.activation != Activation::Gelu)
    return Status::invalid(name(Option::Activation) + " must be relu, tanh or gelu");
  if (c.gating.type != GatingType::Softmax && c.gating.type != GatingType::TopK)
    return Status::invalid(name(Option::Gating) + " must be softmax or topk");
  MOE_RETURN_IF_ERROR(check_int(Option::InputDim, c.input_dim, 1, kMaxDim));
  if (c.task == Task::Classification) {
    if (c.output_dim < 2 || c.output_dim > kMaxDim)
      return bad_int(name(Option::OutputDim), 2, kMaxDim, c.output_dim, " for classification (the number of classes)");
  } else {
    MOE_RETURN_IF_ERROR(check_int(Option::OutputDim, c.output_dim, 1, kMaxDim));
  }
  MOE_RETURN_IF_ERROR(check_int(Option::Experts, c.experts, 1, kMaxExperts));
  MOE_RETURN_IF_ERROR(check_widths(c.expert_hidden, Option::ExpertHidden));
  MOE_RETURN_IF_ERROR(check_widths(c.gate_hidden, Option::GateHidden));
  if (c.gating.type == GatingType::TopK && (c.gating.k < 1 || c.gating.k > c.experts))
    return bad_int(name(Option::GatingK), 1, c.experts, c.gating.k, " (at most experts)");
  MOE_RETURN_IF_ERROR(check_float(Option::LoadBalance, c.load_balance, 0.0f, false, 1e6f, false, "[0, 1e6]"));
  MOE_RETURN_IF_ERROR(check_float(Option::ZLoss, c.z_loss, 0.0f, false, 1e6f, false, "[0, 1e6]"));

  const OptimizerConfig& o = c.optimizer;
  if (o.type != OptimizerType::Adam && o.type != OptimizerType::AdamW && o.type != OptimizerType::Sgd)
    return Status::invalid(name(Option::Optimizer) + " must be adam, adamw or sgd");
  MOE_RETURN_IF_ERROR(check_float(Option::LearningRate, o.learning_rate, 0.0f, true, 1e3f, false, "(0, 1000]"));
  MOE_RETURN_IF_ERROR(check_float(Option::Beta1, o.beta1, 0.0f, false, 1.0f, true, "[0, 1)"));
  MOE_RETURN_IF_ERROR(check_float(Option::Beta2, o.beta2, 0.0f, false, 1.0f, true, "[0, 1)"));
  MOE_RETURN_IF_ERROR(check_float(Option::Epsilon, o.epsilon, 0.0f, true, 1.0f, false, "(0, 1]"));
  MOE_RETURN_IF_ERROR(check_float(Option::WeightDecay, o.weight_decay, 0.0f, false, 1.0f, false, "[0, 1]"));
  MOE_RETURN_IF_ERROR(check_float(Option::Momentum, o.momentum, 0.0f, false, 1.0f, true, "[0, 1)"));
  MOE_RETURN_IF_ERROR(check_float(Option::ClipNorm, o.clip_norm, 0.0f, false, 1e9f, false, "[0, 1e9] (0 = off)"));

  const double params = parameter_count(c);
  const double mib = params * 16 / (1024.0 * 1024.0);
  if (mib > kMaxTrainingMiB)
    return Status::out_of_range("the model has " + format_number(params) + " parameters and would need about " +
                                format_number(std::round(mib)) + " MiB of wasm memory for training (limit " +
                                format_number(kMaxTrainingMiB) + " MiB): reduce experts or hidden widths");
  return Status::ok();
}

Status parse_monitor(const std::string& text, EarlyStoppingOptions* out) {
  if (text.empty()) {
    out->metric = Metric::Loss;
    out->source = MonitorSource::Auto;
    return Status::ok();
  }
  const bool val = text.rfind("val_", 0) == 0;
  const std::string metric = val ? text.substr(4) : text;
  for (Metric m : {Metric::Loss, Metric::Accuracy, Metric::Rmse, Metric::R2}) {
    if (metric == to_string(m)) {
      out->metric = m;
      out->source = val ? MonitorSource::Validation : MonitorSource::Train;
      return Status::ok();
    }
  }
  return Status::invalid(name(Option::Monitor) +
                         " must be one of loss, accuracy, rmse, r2, val_loss, val_accuracy, val_rmse, val_r2, got '" +
                         text + "'");
}

Status validate(const FitOptions& f) {
  MOE_RETURN_IF_ERROR(check_int(Option::Epochs, f.epochs, 1, kMaxEpochs));
  MOE_RETURN_IF_ERROR(check_int(Option::BatchSize, f.batch_size, 1, kMaxBatch));
  MOE_RETURN_IF_ERROR(check_real(Option::ValidationSplit, f.validation_split, 0, false, 1, true, "[0, 1)",
                                 format_number(f.validation_split)));
  const EarlyStoppingOptions& es = f.early_stopping;
  if (es.enabled) {
    if (es.patience < 0)
      return Status::invalid(name(Option::Patience) + " must be an integer >= 0, got " + std::to_string(es.patience));
    MOE_RETURN_IF_ERROR(check_real(Option::MinDelta, es.min_delta, 0, false, 1e9, false, "[0, 1e9]",
                                   format_number(es.min_delta)));
  }
  return Status::ok();
}

const char* option_name(Option o) {
  switch (o) {
    case Option::InputDim: return "inputDim";
    case Option::OutputDim: return "outputDim";
    case Option::Task: return "task";
    case Option::Experts: return "experts";
    case Option::ExpertHidden: return "expertHidden";
    case Option::GateHidden: return "gateHidden";
    case Option::Activation: return "activation";
    case Option::Gating: return "gating";
    case Option::GatingK: return "gating.k";
    case Option::LoadBalance: return "loadBalance";
    case Option::ZLoss: return "zLoss";
    case Option::Optimizer: return "optimizer";
    case Option::LearningRate: return "optimizer.learningRate";
    case Option::Beta1: return "optimizer.beta1";
    case Option::Beta2: return "optimizer.beta2";
    case Option::Epsilon: return "optimizer.epsilon";
    case Option::WeightDecay: return "optimizer.weightDecay";
    case Option::Momentum: return "optimizer.momentum";
    case Option::ClipNorm: return "optimizer.clipNorm";
    case Option::Epochs: return "epochs";
    case Option::BatchSize: return "batchSize";
    case Option::ValidationSplit: return "validationSplit";
    case Option::Monitor: return "earlyStopping.monitor";
    case Option::Patience: return "earlyStopping.patience";
    case Option::MinDelta: return "earlyStopping.minDelta";
  }
  return "option";
}

std::string format_number(double v) { return shortest<double>(v, 17, std::strtod); }
std::string format_number(float v) { return shortest<float>(v, 9, std::strtof); }

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

const char* to_string(Metric m) {
  switch (m) {
    case Metric::Loss: return "loss";
    case Metric::Accuracy: return "accuracy";
    case Metric::Rmse: return "rmse";
    case Metric::R2: return "r2";
  }
  return "unknown";
}

}  // namespace moe
