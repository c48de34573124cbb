// The hot loops of the core, declared once: every kernel has a dispatched entry point (what the
// core calls), a scalar `_ref` twin (src/kernels/reference/) and an xsimd `_simd` variant.
// All matrices are dense row-major float32 with no padding. In-place use is allowed where noted.
#pragma once
#include <cstddef>

namespace moe::kernels {

enum class Act { Identity, Relu, Tanh, Gelu };

// ---- GEMM: the three products a dense layer needs (forward, dX, dW) --------------------------
// accumulate=false: C = product; accumulate=true: C += product.
// nn: C(M,N) = A(M,K) · B(K,N)        (forward:  Y = X · W)
// nt: C(M,N) = A(M,K) · B(N,K)^T      (backward: dX = dY · W^T)
// tn: C(M,N) = A(K,M)^T · B(K,N)      (backward: dW = X^T · dY)
void f32_gemm_nn(int M, int N, int K, const float* A, const float* B, float* C, bool accumulate);
void f32_gemm_nt(int M, int N, int K, const float* A, const float* B, float* C, bool accumulate);
void f32_gemm_tn(int M, int N, int K, const float* A, const float* B, float* C, bool accumulate);

// ---- bias + activation ------------------------------------------------------------------------
// y(M,N) = act(y + b(N)), in place. If pre != nullptr, pre(M,N) receives y + b (needed by backward).
void f32_bias_act(int M, int N, float* y, const float* b, Act act, float* pre);
// dz(M,N) = dy(M,N) ⊙ act'(pre(M,N)); dz may alias dy.
void f32_act_backward(int M, int N, const float* dy, const float* pre, Act act, float* dz);
// db(N) += sum over rows of dz(M,N).
void f32_bias_backward(int M, int N, const float* dz, float* db);

// ---- row softmax ------------------------------------------------------------------------------
// y(M,N) = softmax(x) per row, or log_softmax; y may alias x. Stable (max subtracted).
void f32_softmax(int M, int N, const float* x, float* y);
void f32_log_softmax(int M, int N, const float* x, float* y);

// ---- Adam / AdamW -----------------------------------------------------------------------------
// One step over n parameters, Keras form:
//   m = b1 m + (1-b1) g;  v = b2 v + (1-b2) g^2;  p -= alpha * m / (sqrt(v) + eps) + decay * p
// where alpha = lr * sqrt(1-b2^t) / (1-b1^t) and decay = lr * weight_decay (AdamW; 0 for Adam).
// reference: Kingma & Ba 2015, Algorithm 1 (efficient form); Loshchilov & Hutter 2019 (AdamW).
void f32_adam(std::size_t n, float* p, const float* g, float* m, float* v, float alpha, float beta1,
              float beta2, float eps, float decay);

// ---- the scalar twins (always built; tests compare every variant against these) ---------------
void f32_gemm_nn_ref(int M, int N, int K, const float* A, const float* B, float* C, bool accumulate);
void f32_gemm_nt_ref(int M, int N, int K, const float* A, const float* B, float* C, bool accumulate);
void f32_gemm_tn_ref(int M, int N, int K, const float* A, const float* B, float* C, bool accumulate);
void f32_bias_act_ref(int M, int N, float* y, const float* b, Act act, float* pre);
void f32_act_backward_ref(int M, int N, const float* dy, const float* pre, Act act, float* dz);
void f32_bias_backward_ref(int M, int N, const float* dz, float* db);
void f32_softmax_ref(int M, int N, const float* x, float* y);
void f32_log_softmax_ref(int M, int N, const float* x, float* y);
void f32_adam_ref(std::size_t n, float* p, const float* g, float* m, float* v, float alpha, float beta1,
                  float beta2, float eps, float decay);

// ---- the xsimd variants (built only when MOE_SIMD=1; same contracts as above) ---------------
#if defined(MOE_SIMD) && MOE_SIMD
void f32_gemm_nn_simd(int M, int N, int K, const float* A, const float* B, float* C, bool accumulate);
void f32_gemm_nt_simd(int M, int N, int K, const float* A, const float* B, float* C, bool accumulate);
void f32_gemm_tn_simd(int M, int N, int K, const float* A, const float* B, float* C, bool accumulate);
void f32_bias_act_simd(int M, int N, float* y, const float* b, Act act, float* pre);
void f32_act_backward_simd(int M, int N, const float* dy, const float* pre, Act act, float* dz);
void f32_bias_backward_simd(int M, int N, const float* dz, float* db);
void f32_softmax_simd(int M, int N, const float* x, float* y);
void f32_log_softmax_simd(int M, int N, const float* x, float* y);
void f32_adam_simd(std::size_t n, float* p, const float* g, float* m, float* v, float alpha, float beta1,
                   float beta2, float eps, float decay);
#endif

// Scalar activation and its derivative (shared by reference kernels and the core).
float act_ref(Act act, float z);
float act_grad_ref(Act act, float z);

}  // namespace moe::kernels
