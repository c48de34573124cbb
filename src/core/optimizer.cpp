// Optimizer: Adam / AdamW (through kernels::f32_adam) and SGD with momentum, in the Keras forms,
// plus global-norm clipping. State is one (n,) array per moment, in the parameter buffer's layout.
#include "core/optimizer.h"

#include <algorithm>
#include <cmath>
#include <string>

#include "core/thread_pool.h"
#include "kernels/kernels.h"

namespace moe {

namespace {

bool unit_interval(float x) { return std::isfinite(x) && x >= 0.0f && x < 1.0f; }  // [0, 1)

// Parameters per parallel block of the update (a multiple of every SIMD width, so a block split
// never moves an element between a kernel's vector body and its tail).
constexpr std::size_t kBlock = 16384;

// Sum of squares of g (n,) in double: four partial sums in a fixed order.
double sum_squares(const float* g, std::size_t n) {
  double part[4] = {0, 0, 0, 0};
  std::size_t i = 0;
  for (; i + 4 <= n; i += 4)
    for (int k = 0; k < 4; k++) part[k] += static_cast<double>(g[i + k]) * g[i + k];
  for (; i < n; i++) part[0] += static_cast<double>(g[i]) * g[i];
  return (part[0] + part[1]) + (part[2] + part[3]);
}

}  // namespace

Status Optimizer::init(const OptimizerConfig& c, std::size_t n) {
  if (!(std::isfinite(c.learning_rate) && c.learning_rate > 0))
    return Status::invalid("optimizer.learning_rate must be a finite number > 0, got " + std::to_string(c.learning_rate));
  if (c.type != OptimizerType::Sgd) {
    if (!unit_interval(c.beta1))
      return Status::invalid("optimizer.beta1 must be in [0, 1), got " + std::to_string(c.beta1));
    if (!unit_interval(c.beta2))
      return Status::invalid("optimizer.beta2 must be in [0, 1), got " + std::to_string(c.beta2));
    if (!(std::isfinite(c.epsilon) && c.epsilon > 0))
      return Status::invalid("optimizer.epsilon must be > 0, got " + std::to_string(c.epsilon));
  }
  if (c.type == OptimizerType::AdamW && !(std::isfinite(c.weight_decay) && c.weight_decay >= 0))
    return Status::invalid("optimizer.weight_decay must be >= 0, got " + std::to_string(c.weight_decay));
  if (c.type == OptimizerType::Sgd && !unit_interval(c.momentum))
    return Status::invalid("optimizer.momentum must be in [0, 1), got " + std::to_string(c.momentum));
  if (!(std::isfinite(c.clip_norm) && c.clip_norm >= 0))
    return Status::invalid("optimizer.clip_norm must be >= 0 (0 = off), got " + std::to_string(c.clip_norm));
  config_ = c;
  n_ = n;
  m_.assign(n, 0.0f);
  v_.assign(c.type == OptimizerType::Sgd ? 0 : n, 0.0f);
  t_ = 0;
  last_norm_ = 0;
  return Status::ok();
}

Status Optimizer::step(float* params, float* grads) {
  // Global norm in double: also the non-finite guard (any NaN/Inf makes the sum non-finite).
  // Per fixed block of kBlock parameters, summed over the blocks in order: the same bits for any
  // number of threads.
  ThreadPool& pool = ThreadPool::global();
  const int blocks = chunk_count((long)n_, (long)kBlock);
  block_sq_.resize(blocks);
  pool.run(blocks, [&](int b, int) {
    const std::size_t i0 = (std::size_t)b * kBlock;
    block_sq_[b] = sum_squares(grads + i0, std::min(kBlock, n_ - i0));
  });
  double sq = 0;
  for (int b = 0; b < blocks; b++) sq += block_sq_[b];
  if (!std::isfinite(sq)) {
    for (std::size_t j = 0; j < n_; j++)
      if (!std::isfinite(grads[j]))
        return Status::numerical("gradient is not finite (parameter " + std::to_string(j) + " has gradient " +
                                 std::to_string(grads[j]) + ")");
    return Status::numerical("gradient norm overflows (gradients too large)");
  }
  const double norm = std::sqrt(sq);
  last_norm_ = norm;
  if (config_.clip_norm > 0 && norm > config_.clip_norm) {
    // reference: Pascanu, Mikolov & Bengio 2013, eq. (clip by global norm): g *= clip / ||g||
    const float scale = static_cast<float>(config_.clip_norm / norm);
    for (std::size_t j = 0; j < n_; j++) grads[j] *= scale;
  }
  t_++;
  const float lr = config_.learning_rate;
  if (config_.type == OptimizerType::Sgd) {
    // Keras SGD: v = momentum * v - lr * g; p += v (plain p -= lr * g when momentum is 0).
    const float mu = config_.momentum;
    if (mu == 0.0f) {
      for (std::size_t j = 0; j < n_; j++) params[j] -= lr * grads[j];
    } else {
      for (std::size_t j = 0; j < n_; j++) {
        m_[j] = mu * m_[j] - lr * grads[j];
        params[j] += m_[j];
      }
    }
    return Status::ok();
  }
  // reference: Kingma & Ba 2015, Algorithm 1 (efficient form, as in Keras):
  //   alpha_t = lr * sqrt(1 - beta2^t) / (1 - beta1^t)
  const double b1t = std::pow(static_cast<double>(config_.beta1), static_cast<double>(t_));
  const double b2t = std::pow(static_cast<double>(config_.beta2), static_cast<double>(t_));
  const float alpha = static_cast<float>(lr * std::sqrt(1.0 - b2t) / (1.0 - b1t));
  // reference: Loshchilov & Hutter 2019 (decoupled weight decay): p -= lr * wd * p
  const float decay = config_.type == OptimizerType::AdamW ? lr * config_.weight_decay : 0.0f;
  pool.run(blocks, [&](int b, int) {
    const std::size_t i0 = (std::size_t)b * kBlock;
    kernels::f32_adam(std::min(kBlock, n_ - i0), params + i0, grads + i0, m_.data() + i0, v_.data() + i0, alpha,
                      config_.beta1, config_.beta2, config_.epsilon, decay);
  });
  return Status::ok();
}

}  // namespace moe
