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

// Checks ranges and combinations (e.g. 1 <= k <= experts, classification needs C >= 2).
Status validate(const ModelConfig& config);

const char* to_string(Task t);
const char* to_string(Activation a);
const char* to_string(GatingType g);
const char* to_string(OptimizerType o);

}  // namespace moe
