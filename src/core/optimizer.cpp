// Optimizer: Adam / AdamW (through kernels::f32_adam) and SGD with momentum, in the Keras forms,
// plus global-norm clipping. State is one (n,) array per moment, in the parameter buffer's layout.
#include "core/optimizer.h"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <string>

#include "core/thread_pool.h"
#include "kernels/kernels.h"

namespace moe {

namespace {

bool unit_interval(float x) { return std::isfinite(x) && x >= 0.0f && x < 1.0f; }  // [0, 1)

// Parameters per parallel block of the update (a multiple of every SIMD width, so a block split
// never moves an element between a kernel's vector body and its tail; small enough that the seed
// model's ~21k parameters make several blocks to share between threads).
constexpr std::size_t kBlock = 4096;

// Every p[i] finite: no element has an all-ones exponent (Inf or NaN). Integer ops on the bits,
// no early exit, so the compiler vectorises it (it runs over every parameter on every step).
bool all_finite(const float* p, std::size_t n) {
  uint32_t bad = 0;
  for (std::size_t i = 0; i < n; i++) {
    uint32_t bits;
    std::memcpy(&bits, p + i, sizeof bits);
    bad |= (uint32_t)((bits & 0x7f800000u) == 0x7f800000u);
  }
  return bad == 0;
}

// Sum of squares of g (n,) in double: eight partial sums (lanes the compiler can vectorise), added
// in a fixed order.
double sum_squares(const float* g, std::size_t n) {
  double part[8] = {0, 0, 0, 0, 0, 0, 0, 0};
  std::size_t i = 0;
  for (; i + 8 <= n; i += 8)
    for (int k = 0; k < 8; k++) part[k] += static_cast<double>(g[i + k]) * static_cast<double>(g[i + k]);
  for (; i < n; i++) part[0] += static_cast<double>(g[i]) * g[i];
  return ((part[0] + part[1]) + (part[2] + part[3])) + ((part[4] + part[5]) + (part[6] + part[7]));
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

Status Optimizer::step(float* params, float* grads, float* before, bool* params_finite) {
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
  // reference: Pascanu, Mikolov & Bengio 2013, eq. (clip by global norm): g *= clip / ||g||
  // (applied block by block inside the update pass below).
  const bool clip = config_.clip_norm > 0 && norm > config_.clip_norm;
  const float clip_scale = clip ? static_cast<float>(config_.clip_norm / norm) : 1.0f;
  auto clip_block = [&](std::size_t i0, std::size_t i1) {
    if (clip)
      for (std::size_t j = i0; j < i1; j++) grads[j] *= clip_scale;
  };
  t_++;
  const float lr = config_.learning_rate;
  block_finite_.resize(blocks);
  if (config_.type == OptimizerType::Sgd) {
    // Keras SGD: v = momentum * v - lr * g; p += v (plain p -= lr * g when momentum is 0).
    const float mu = config_.momentum;
    pool.run(blocks, [&](int b, int) {
      const std::size_t i0 = (std::size_t)b * kBlock, i1 = std::min(n_, i0 + kBlock);
      if (before) std::memcpy(before + i0, params + i0, sizeof(float) * (i1 - i0));
      clip_block(i0, i1);
      if (mu == 0.0f) {
        for (std::size_t j = i0; j < i1; j++) params[j] -= lr * grads[j];
      } else {
        for (std::size_t j = i0; j < i1; j++) {
          m_[j] = mu * m_[j] - lr * grads[j];
          params[j] += m_[j];
        }
      }
      if (params_finite) block_finite_[b] = all_finite(params + i0, i1 - i0);
    });
  } else {
    // reference: Kingma & Ba 2015, Algorithm 1 (efficient form, as in Keras):
    //   alpha_t = lr * sqrt(1 - beta2^t) / (1 - beta1^t)
    const double b1t = std::pow(static_cast<double>(config_.beta1), static_cast<double>(t_));
    const double b2t = std::pow(static_cast<double>(config_.beta2), static_cast<double>(t_));
    const float alpha = static_cast<float>(lr * std::sqrt(1.0 - b2t) / (1.0 - b1t));
    // reference: Loshchilov & Hutter 2019 (decoupled weight decay): p -= lr * wd * p
    const float decay = config_.type == OptimizerType::AdamW ? lr * config_.weight_decay : 0.0f;
    pool.run(blocks, [&](int b, int) {
      const std::size_t i0 = (std::size_t)b * kBlock, len = std::min(kBlock, n_ - i0);
      if (before) std::memcpy(before + i0, params + i0, sizeof(float) * len);
      clip_block(i0, i0 + len);
      kernels::f32_adam(len, params + i0, grads + i0, m_.data() + i0, v_.data() + i0, alpha, config_.beta1,
                        config_.beta2, config_.epsilon, decay);
      if (params_finite) block_finite_[b] = all_finite(params + i0, len);
    });
  }
  if (params_finite) {
    *params_finite = true;
    for (int b = 0; b < blocks; b++) *params_finite = *params_finite && block_finite_[b];
  }
  return Status::ok();
}

}  // namespace moe
