// Dispatch: the entry points the core calls. MOE_SIMD=1 builds route to the xsimd variants,
// MOE_SIMD=0 builds (the baseline wasm) to the scalar reference twins.
#include "kernels/kernels.h"

namespace moe::kernels {

void f32_gemm_nn(int M, int N, int K, const float* A, const float* B, float* C, bool acc) { f32_gemm_nn_ref(M, N, K, A, B, C, acc); }
void f32_gemm_nt(int M, int N, int K, const float* A, const float* B, float* C, bool acc) { f32_gemm_nt_ref(M, N, K, A, B, C, acc); }
void f32_gemm_tn(int M, int N, int K, const float* A, const float* B, float* C, bool acc) { f32_gemm_tn_ref(M, N, K, A, B, C, acc); }
void f32_bias_act(int M, int N, float* y, const float* b, Act act, float* pre) { f32_bias_act_ref(M, N, y, b, act, pre); }
void f32_act_backward(int M, int N, const float* dy, const float* pre, Act act, float* dz) { f32_act_backward_ref(M, N, dy, pre, act, dz); }
void f32_bias_backward(int M, int N, const float* dz, float* db) { f32_bias_backward_ref(M, N, dz, db); }
void f32_softmax(int M, int N, const float* x, float* y) { f32_softmax_ref(M, N, x, y); }
void f32_log_softmax(int M, int N, const float* x, float* y) { f32_log_softmax_ref(M, N, x, y); }
void f32_adam(std::size_t n, float* p, const float* g, float* m, float* v, float alpha, float b1, float b2, float eps, float decay) {
  f32_adam_ref(n, p, g, m, v, alpha, b1, b2, eps, decay);
}

}  // namespace moe::kernels
