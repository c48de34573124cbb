// Model: the Mixture-of-Experts network itself: parameters in one flat buffer, forward, backward,
// inference and diagnostics. It knows nothing of epochs or optimisers (see trainer.h, optimizer.h).
#pragma once
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "core/rng.h"
#include "base/config.h"
#include "base/status.h"

namespace moe {

// One mini-batch. x is (rows, D). Classification uses classes (rows,) in [0, C);
// regression uses values (rows, C). The unused pointer is nullptr.
struct Batch {
  const float* x = nullptr;          // (rows, D)
  const int32_t* classes = nullptr;  // (rows,)
  const float* values = nullptr;     // (rows, C)
  int rows = 0;
};

// Sums over the rows seen (divide by rows for means). Filled by train_step / evaluate.
struct LossStats {
  double data_loss_sum = 0;     // sum over rows of the mixture NLL (classification) or the row MSE (regression)
  double aux_loss_sum = 0;      // rows * (load-balance + z-loss) of each batch
  double correct = 0;           // classification: rows whose argmax == label
  double sse = 0;               // regression: sum of squared errors over rows*C
  double sum_y = 0, sum_y2 = 0; // regression: for R^2
  long rows = 0;
  void add(const LossStats& o);
};

// A named slice of the flat parameter buffer, for tests, diagnostics, export and checkpoints.
struct TensorView {
  std::string name;     // e.g. "expert2.dense1.w", "expert2.dense1.b", "gate.dense0.w", "gate.noise.w"
  std::size_t offset;   // into params()/grads()
  int rows, cols;       // weights are (in, out); biases are (1, out)
};

class Model {
 public:
  // Validates config, allocates everything (max batch rows = capacity), initialises weights
  // Glorot-uniform with config.seed, biases zero.
  static Status create(const ModelConfig& config, int capacity, std::unique_ptr<Model>* out);
  // Bytes create() allocates for this config (params, grads, working buffers) and, in *params, P;
  // both 0 if the config is invalid.
  static double memory_bytes(const ModelConfig& config, int capacity, std::size_t* params = nullptr);
  ~Model();

  const ModelConfig& config() const;
  int capacity() const;                    // max rows per forward/backward call
  std::size_t num_params() const;          // P
  float* params();                         // (P,)
  const float* params() const;
  float* grads();                          // (P,), same layout as params()
  const std::vector<TensorView>& tensors() const;
  void init_params(uint64_t seed);

  // Zeroes grads, runs forward + backward on batch (rows <= capacity) and leaves in grads()
  // d(total loss)/d(params), where total loss = mean data loss + aux losses (top-k gating).
  // noise_rng != nullptr enables gate noise (training); stats (if not null) receives sums.
  Status forward_backward(const Batch& batch, Rng* noise_rng, LossStats* stats);

  // Forward only, no noise: loss and metric sums added into stats.
  Status evaluate(const Batch& batch, LossStats* stats);

  // Inference, any number of rows (processed in chunks of capacity).
  // out (rows, C): class probabilities (classification) or values (regression).
  Status predict(const float* x, long rows, float* out);
  // out (rows, E): each row's gate weight per expert (zeros for experts top-k left out).
  Status gate(const float* x, long rows, float* out);

  // FLOPs of one forward pass of one row (2 per multiply-add), counting only the experts a row uses.
  double flops_per_sample() const;

  // Tests and diagnostics: the experts the last forward pass routed each row to, (rows, slots)
  // row-major, where slots = k for top-k gating (descending gate logit) and E for softmax
  // gating (0..E-1). *rows receives the rows of that pass (0 before any pass).
  const int32_t* last_routing(int* rows, int* slots) const;

 private:
  Model();
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace moe
