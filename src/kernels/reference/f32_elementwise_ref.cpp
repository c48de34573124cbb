// Scalar reference kernels for bias+activation, row softmax and the Adam update: Eigen
// expressions over the raw buffers (eigen_maps.h), plus the scalar activation the core also uses.
#include <cmath>

#include "kernels/kernels.h"
#include "kernels/reference/eigen_maps.h"

namespace moe::kernels {

using ref::arr;
using ref::mat;
using ref::row;

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
  auto Y = mat(y, M, N);
  if (b) Y.rowwise() += row(b, N);
  if (pre) mat(pre, M, N) = Y;
  Y = Y.unaryExpr([act](float z) { return act_ref(act, z); });
}

void f32_act_backward_ref(int M, int N, const float* dy, const float* pre, Act act, float* dz) {
  mat(dz, M, N) = mat(dy, M, N).cwiseProduct(mat(pre, M, N).unaryExpr([act](float z) { return act_grad_ref(act, z); }));
}

void f32_bias_backward_ref(int M, int N, const float* dz, float* db) {
  row(db, N) += mat(dz, M, N).colwise().sum();
}

// reference: softmax(x)_j = exp(x_j - max x) / sum_k exp(x_k - max x), per row (shift-invariant).
void f32_softmax_ref(int M, int N, const float* x, float* y) {
  if (M <= 0 || N <= 0) return;
  const Eigen::VectorXf mx = mat(x, M, N).rowwise().maxCoeff();                    // (M)
  auto Y = mat(y, M, N).array();
  Y = (mat(x, M, N).colwise() - mx).array().exp();                                 // y may alias x
  const Eigen::ArrayXf inv = Y.rowwise().sum().inverse();                          // (M)
  Y.colwise() *= inv;
}

// reference: log softmax(x)_j = (x_j - max) - log sum_k exp(x_k - max). Not x - (max + log(sum)):
// with a huge max the log term is below its ulp.
void f32_log_softmax_ref(int M, int N, const float* x, float* y) {
  if (M <= 0 || N <= 0) return;
  const Eigen::VectorXf mx = mat(x, M, N).rowwise().maxCoeff();                    // (M)
  const Eigen::ArrayXf ls = (mat(x, M, N).colwise() - mx).array().exp().rowwise().sum().log();  // (M)
  mat(y, M, N).array() = (mat(x, M, N).colwise() - mx).array().colwise() - ls;     // y may alias x
}

void f32_adam_ref(std::size_t n, float* p, const float* g, float* m, float* v, float alpha, float beta1,
                  float beta2, float eps, float decay) {
  auto P = arr(p, n), Mo = arr(m, n), V = arr(v, n);
  const auto G = arr(g, n);
  Mo = beta1 * Mo + (1.0f - beta1) * G;
  V = beta2 * V + (1.0f - beta2) * G.square();
  P -= alpha * Mo / (V.sqrt() + eps) + decay * P;
}

}  // namespace moe::kernels
