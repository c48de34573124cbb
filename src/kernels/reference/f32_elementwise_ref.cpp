// Scalar reference kernels for bias+activation, row softmax and the Adam update.
#include <cmath>

#include "kernels/kernels.h"

namespace moe::kernels {

float act_ref(Act act, float z) {
  switch (act) {
    case Act::Identity: return z;
    case Act::Relu: return z > 0.0f ? z : 0.0f;
    case Act::Tanh: return std::tanh(z);
    // reference: Hendrycks & Gimpel 2016, GELU(x) = x * Phi(x) (exact erf form, as Keras' default)
    case Act::Gelu: return 0.5f * z * (1.0f + std::erf(z * 0.70710678118654752f));
  }
  return z;
}

float act_grad_ref(Act act, float z) {
  switch (act) {
    case Act::Identity: return 1.0f;
    case Act::Relu: return z > 0.0f ? 1.0f : 0.0f;
    case Act::Tanh: { const float t = std::tanh(z); return 1.0f - t * t; }
    case Act::Gelu: {
      const float cdf = 0.5f * (1.0f + std::erf(z * 0.70710678118654752f));
      const float pdf = 0.39894228040143268f * std::exp(-0.5f * z * z);
      return cdf + z * pdf;
    }
  }
  return 1.0f;
}

void f32_bias_act_ref(int M, int N, float* y, const float* b, Act act, float* pre) {
  for (int i = 0; i < M; i++) {
    float* row = y + (std::size_t)i * N;
    for (int j = 0; j < N; j++) {
      const float z = row[j] + (b ? b[j] : 0.0f);
      if (pre) pre[(std::size_t)i * N + j] = z;
      row[j] = act_ref(act, z);
    }
  }
}

void f32_act_backward_ref(int M, int N, const float* dy, const float* pre, Act act, float* dz) {
  for (std::size_t i = 0; i < (std::size_t)M * N; i++) dz[i] = dy[i] * act_grad_ref(act, pre[i]);
}

void f32_bias_backward_ref(int M, int N, const float* dz, float* db) {
  for (int i = 0; i < M; i++)
    for (int j = 0; j < N; j++) db[j] += dz[(std::size_t)i * N + j];
}

void f32_softmax_ref(int M, int N, const float* x, float* y) {
  for (int i = 0; i < M; i++) {
    const float* xr = x + (std::size_t)i * N;
    float* yr = y + (std::size_t)i * N;
    float mx = xr[0];
    for (int j = 1; j < N; j++) mx = xr[j] > mx ? xr[j] : mx;
    float sum = 0.0f;
    for (int j = 0; j < N; j++) { yr[j] = std::exp(xr[j] - mx); sum += yr[j]; }
    const float inv = 1.0f / sum;
    for (int j = 0; j < N; j++) yr[j] *= inv;
  }
}

void f32_log_softmax_ref(int M, int N, const float* x, float* y) {
  for (int i = 0; i < M; i++) {
    const float* xr = x + (std::size_t)i * N;
    float* yr = y + (std::size_t)i * N;
    float mx = xr[0];
    for (int j = 1; j < N; j++) mx = xr[j] > mx ? xr[j] : mx;
    float sum = 0.0f;
    for (int j = 0; j < N; j++) sum += std::exp(xr[j] - mx);
    // (x - max) - log(sum), not x - (max + log(sum)): with a huge max the log term is below its ulp.
    const float ls = std::log(sum);
    for (int j = 0; j < N; j++) yr[j] = (xr[j] - mx) - ls;
  }
}

void f32_adam_ref(std::size_t n, float* p, const float* g, float* m, float* v, float alpha, float beta1,
                  float beta2, float eps, float decay) {
  for (std::size_t i = 0; i < n; i++) {
    m[i] = beta1 * m[i] + (1.0f - beta1) * g[i];
    v[i] = beta2 * v[i] + (1.0f - beta2) * g[i] * g[i];
    p[i] -= alpha * m[i] / (std::sqrt(v[i]) + eps) + decay * p[i];
  }
}

}  // namespace moe::kernels
