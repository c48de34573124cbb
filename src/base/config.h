// ModelConfig and its parts: everything that defines an MoE model and how it is trained. Part of
// base/, the vocabulary every layer may include. Plain data with Keras-like defaults; validate()
// says what is wrong before anything is allocated.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "base/status.h"

namespace moe {

enum class Task { Classification, Regression };
enum class Activation { Relu, Tanh, Gelu };
enum class GatingType { Softmax, TopK };
enum class OptimizerType { Adam, AdamW, Sgd };

struct GatingConfig {
  GatingType type = GatingType::Softmax;
  int k = 2;           // experts used per row (top-k only)
  bool noise = true;   // trainable-scale Gaussian noise on the gate logits while training (top-k only)
};

struct OptimizerConfig {
  OptimizerType type = OptimizerType::Adam;
  float learning_rate = 1e-3f;
  float beta1 = 0.9f;          // Adam/AdamW (Keras defaults)
  float beta2 = 0.999f;
  float epsilon = 1e-7f;
  float weight_decay = 0.004f; // AdamW only (Keras default), decoupled
  float momentum = 0.0f;       // SGD only
  float clip_norm = 0.0f;      // global gradient-norm clipping; 0 = off
};

struct ModelConfig {
  int input_dim = 0;                       // D
  int output_dim = 0;                      // C: classes, or regression targets
  Task task = Task::Classification;
  int experts = 5;                         // E
  std::vector<int> expert_hidden{64, 32};  // hidden widths of every expert MLP
  std::vector<int> gate_hidden{32};        // hidden widths of the gating MLP
  Activation activation = Activation::Relu;
  GatingConfig gating;
  float load_balance = 0.01f;              // Switch load-balancing weight (top-k gating only)
  float z_loss = 0.0f;                     // router z-loss weight
  OptimizerConfig optimizer;
  uint64_t seed = 42;
};

// Keras-like defaults of an optimizer type (SGD starts at learning rate 0.01, Adam/AdamW at 1e-3).
OptimizerConfig optimizer_defaults(OptimizerType type);

// Trainable floats of the model a config describes: every expert MLP, the gate MLP and the top-k
// noise layer. The one count: the parameter layout (core/layout) allocates exactly this many.
double parameter_count(const ModelConfig& config);

// Checks ranges and combinations (e.g. 1 <= k <= experts, classification needs C >= 2) and the
// model's size against the wasm heap. Messages name options as the JS API does (option_name).
Status validate(const ModelConfig& config);

// What early stopping watches: a metric of the training epoch or of the validation pass.
enum class Metric { Loss, Accuracy, Rmse, R2 };
enum class MonitorSource { Auto, Train, Validation };  // Auto: validation when there is validation data

struct EarlyStoppingOptions {
  bool enabled = false;
  Metric metric = Metric::Loss;
  MonitorSource source = MonitorSource::Auto;
  int patience = 0;                  // epochs without improvement before stopping
  double min_delta = 0;              // an improvement must beat the best by more than this
  bool restore_best_weights = true;  // at the end of training, put back the best epoch's weights
};

struct FitOptions {
  int epochs = 1;
  int batch_size = 32;
  bool shuffle = true;
  double validation_split = 0;  // used only without explicit validation data: the LAST fraction of rows
  bool has_seed = false;        // false: shuffle/noise seeds derive from the model config's seed
  uint64_t seed = 0;
  EarlyStoppingOptions early_stopping;
};

// Reads a monitor name as the JS API spells it: loss, accuracy, rmse or r2, optionally prefixed
// with val_; "" means loss on the validation data when there is some. Unknown names: an error.
Status parse_monitor(const std::string& name, EarlyStoppingOptions* out);

// Checks the ranges of the fit options (combinations with the data are the trainer's).
Status validate(const FitOptions& options);

// Every option the core checks, and its one name in messages: the JS option name.
enum class Option {
  InputDim, OutputDim, Task, Experts, ExpertHidden, GateHidden, Activation, Gating, GatingK, LoadBalance, ZLoss,
  Optimizer, LearningRate, Beta1, Beta2, Epsilon, WeightDecay, Momentum, ClipNorm,
  Epochs, BatchSize, ValidationSplit, Monitor, Patience, MinDelta,
};
const char* option_name(Option o);  // e.g. Option::WeightDecay -> "optimizer.weightDecay"

// A number as a person writes it: 5, 0.004, 1e-07 (the shortest text that reads back the same).
std::string format_number(double v);
std::string format_number(float v);  // shortest text that reads back as the same float

const char* to_string(Task t);
const char* to_string(Activation a);
const char* to_string(GatingType g);
const char* to_string(OptimizerType o);
const char* to_string(Metric m);

}  // namespace moe
