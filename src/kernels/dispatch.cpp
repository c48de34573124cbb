// Dispatch: the entry points the core calls, each routed to the chosen variant of variants.h
// (MOE_SIMD=1: the xsimd kernels; MOE_SIMD=0, the baseline wasm: the scalar reference twins).
#include "kernels/kernels.h"
#include "kernels/variants.h"

namespace moe::kernels {

void f32_gemm_nn(int M, int N, int K, const float* A, const float* B, float* C, bool acc) {
  chosen_variant(kGemmNn).fn(M, N, K, A, B, C, acc);
}
void f32_gemm_nt(int M, int N, int K, const float* A, const float* B, float* C, bool acc) {
  chosen_variant(kGemmNt).fn(M, N, K, A, B, C, acc);
}
void f32_gemm_tn(int M, int N, int K, const float* A, const float* B, float* C, bool acc) {
  chosen_variant(kGemmTn).fn(M, N, K, A, B, C, acc);
}
void f32_bias_act(int M, int N, float* y, const float* b, Act act, float* pre) {
  chosen_variant(kBiasAct).fn(M, N, y, b, act, pre);
}
void f32_act_backward(int M, int N, const float* dy, const float* pre, Act act, float* dz) {
  chosen_variant(kActBackward).fn(M, N, dy, pre, act, dz);
}
void f32_bias_backward(int M, int N, const float* dz, float* db) { chosen_variant(kBiasBackward).fn(M, N, dz, db); }
void f32_softmax(int M, int N, const float* x, float* y) { chosen_variant(kSoftmax).fn(M, N, x, y); }
void f32_log_softmax(int M, int N, const float* x, float* y) { chosen_variant(kLogSoftmax).fn(M, N, x, y); }
void f32_adam(std::size_t n, float* p, const float* g, float* m, float* v, float alpha, float b1, float b2, float eps,
              float decay) {
  chosen_variant(kAdam).fn(n, p, g, m, v, alpha, b1, b2, eps, decay);
}

}  // namespace moe::kernels
