// Gating math: noise, top-k / softmax slots, slot softmax and the aux losses (see gate.h).
#include "core/gate.h"

#include <cmath>
#include <cstddef>

#include "kernels/kernels.h"

namespace moe {
namespace {

float softplus(float z) { return z > 20.0f ? z : std::log1p(std::exp(z)); }
float sigmoid(float z) { return 1.0f / (1.0f + std::exp(-z)); }

double row_logsumexp(const float* v, int n) {
  float mx = v[0];
  for (int j = 1; j < n; j++) mx = v[j] > mx ? v[j] : mx;
  double s = 0;
  for (int j = 0; j < n; j++) s += std::exp((double)v[j] - mx);
  return mx + std::log(s);
}

}  // namespace

void noise_forward(float* noisy, const float* clean, const float* raw, const float* eps, int B, int E) {
  const std::size_t n = (std::size_t)B * E;
  for (std::size_t i = 0; i < n; i++) noisy[i] = clean[i] + eps[i] * softplus(raw[i]);
}

void noise_backward(float* dclean, float* draw, const float* dnoisy, const float* raw, const float* eps, int B,
                    int E) {
  const std::size_t n = (std::size_t)B * E;
  for (std::size_t i = 0; i < n; i++) {
    dclean[i] += dnoisy[i];
    draw[i] = dnoisy[i] * eps[i] * sigmoid(raw[i]);
  }
}

void topk_slots(const float* logits, int B, int E, int K, int32_t* idx, float* kept) {
  for (int i = 0; i < B; i++) {
    const float* h = logits + (std::size_t)i * E;
    int32_t* sel = idx + (std::size_t)i * K;
    for (int k = 0; k < K; k++) {
      int best = -1;
      for (int j = 0; j < E; j++) {
        bool taken = false;
        for (int q = 0; q < k; q++) taken |= sel[q] == j;
        if (taken) continue;
        if (best < 0 || h[j] > h[best]) best = j;
      }
      sel[k] = best;
      kept[(std::size_t)i * K + k] = h[best];
    }
  }
}

void softmax_slots(const float* logits, int B, int E, int32_t* idx, float* kept) {
  for (int i = 0; i < B; i++)
    for (int j = 0; j < E; j++) {
      idx[(std::size_t)i * E + j] = j;
      kept[(std::size_t)i * E + j] = logits[(std::size_t)i * E + j];
    }
}

void slot_weights(const float* kept, int B, int K, float* w, float* logw) {
  kernels::f32_log_softmax(B, K, kept, logw);
  const std::size_t n = (std::size_t)B * K;
  for (std::size_t i = 0; i < n; i++) w[i] = std::exp(logw[i]);
}

void slot_weights_backward(float* dkept, const float* w, const float* dw, int B, int K) {
  for (int i = 0; i < B; i++) {
    const float* wr = w + (std::size_t)i * K;
    const float* dr = dw + (std::size_t)i * K;
    double dot = 0;
    for (int k = 0; k < K; k++) dot += (double)wr[k] * dr[k];
    for (int k = 0; k < K; k++) dkept[(std::size_t)i * K + k] = wr[k] * (float)(dr[k] - dot);
  }
}

void slots_scatter_add(float* dlogits, const float* dkept, const int32_t* idx, int B, int E, int K) {
  for (int i = 0; i < B; i++)
    for (int k = 0; k < K; k++)
      dlogits[(std::size_t)i * E + idx[(std::size_t)i * K + k]] += dkept[(std::size_t)i * K + k];
}

void routed_fraction(const int32_t* idx, int B, int E, int K, float* f) {
  for (int e = 0; e < E; e++) f[e] = 0.0f;
  const std::size_t n = (std::size_t)B * K;
  for (std::size_t i = 0; i < n; i++) f[idx[i]] += 1.0f;
  for (int e = 0; e < E; e++) f[e] /= (float)n;
}

double load_balance_loss(const float* clean, const float* f, int B, int E, float alpha, float* probs,
                         float* dclean) {
  kernels::f32_softmax(B, E, clean, probs);
  double loss = 0;
  for (int i = 0; i < B; i++)
    for (int e = 0; e < E; e++) loss += (double)f[e] * probs[(std::size_t)i * E + e];
  loss *= (double)alpha * E / B;
  if (dclean) {
    // d/dclean_rj of alpha*E/B * sum_i f_i s_ri = alpha*E/B * s_rj * (f_j - sum_i f_i s_ri)
    const float scale = alpha * (float)E / (float)B;
    for (int i = 0; i < B; i++) {
      const float* s = probs + (std::size_t)i * E;
      double fs = 0;
      for (int e = 0; e < E; e++) fs += (double)f[e] * s[e];
      for (int e = 0; e < E; e++) dclean[(std::size_t)i * E + e] += scale * s[e] * (float)(f[e] - fs);
    }
  }
  return loss;
}

double z_loss(const float* clean, int B, int E, float beta, float* dclean) {
  double loss = 0;
  for (int i = 0; i < B; i++) {
    const float* h = clean + (std::size_t)i * E;
    const double lse = row_logsumexp(h, E);
    loss += lse * lse;
    if (dclean) {
      // d/dh_j lse^2 = 2 lse softmax(h)_j
      const double scale = 2.0 * beta * lse / B;
      for (int e = 0; e < E; e++) dclean[(std::size_t)i * E + e] += (float)(scale * std::exp((double)h[e] - lse));
    }
  }
  return beta * loss / B;
}

}  // namespace moe
