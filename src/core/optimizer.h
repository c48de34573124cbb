// Optimizer: Adam, AdamW and SGD-with-momentum over one flat parameter buffer (m and v share the
// layout of params/grads, so an update is one loop). Also global-norm clipping and the non-finite
// gradient guard. Not the training loop (trainer.h) and not the kernels themselves (kernels.h).
#pragma once
#include <cstddef>
#include <vector>

#include "base/config.h"
#include "base/status.h"

namespace moe {

class Optimizer {
 public:
  // Checks the hyper-parameters (lr > 0, 0 <= beta < 1, eps > 0, decay >= 0, momentum in [0, 1),
  // clip_norm >= 0, all finite) and allocates zeroed state for n parameters.
  Status init(const OptimizerConfig& config, std::size_t n);

  // One update of params (n,) from grads (n,). grads may be rescaled in place by clipping.
  // If any gradient is NaN/Inf, returns Status::numerical and leaves params and state untouched.
  // In the same parallel pass as the update (one pass over memory, not three): before (n,), when
  // not null, receives params as they were before the update, and *params_finite, when not null,
  // says whether every updated parameter is finite.
  Status step(float* params, float* grads, float* before = nullptr, bool* params_finite = nullptr);

  long steps() const { return t_; }
  // Global L2 norm of the last gradient seen by step() (before clipping).
  double last_grad_norm() const { return last_norm_; }

 private:
  OptimizerConfig config_;
  std::size_t n_ = 0;
  long t_ = 0;                 // completed steps
  double last_norm_ = 0;
  std::vector<float> m_;       // (n,) Adam first moment, or SGD velocity
  std::vector<float> v_;       // (n,) Adam second moment (unused by SGD)
  std::vector<double> block_sq_;  // (blocks,) sum of squared gradients per fixed block
  std::vector<char> block_finite_;  // (blocks,) every parameter of the block finite after the update
};

}  // namespace moe
