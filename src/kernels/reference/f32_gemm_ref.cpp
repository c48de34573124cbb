// Scalar reference GEMMs: the plain triple loops every SIMD variant is checked against.
#include "kernels/kernels.h"

namespace moe::kernels {

void f32_gemm_nn_ref(int M, int N, int K, const float* A, const float* B, float* C, bool accumulate) {
  for (int i = 0; i < M; i++) {
    float* c = C + (std::size_t)i * N;  // (N,)
    if (!accumulate) for (int j = 0; j < N; j++) c[j] = 0.0f;
    for (int k = 0; k < K; k++) {
      const float a = A[(std::size_t)i * K + k];
      const float* b = B + (std::size_t)k * N;  // (N,)
      for (int j = 0; j < N; j++) c[j] += a * b[j];
    }
  }
}

void f32_gemm_nt_ref(int M, int N, int K, const float* A, const float* B, float* C, bool accumulate) {
  for (int i = 0; i < M; i++) {
    const float* a = A + (std::size_t)i * K;  // (K,)
    for (int j = 0; j < N; j++) {
      const float* b = B + (std::size_t)j * K;  // (K,)
      float sum = 0.0f;
      for (int k = 0; k < K; k++) sum += a[k] * b[k];
      float* c = C + (std::size_t)i * N + j;
      *c = accumulate ? *c + sum : sum;
    }
  }
}

void f32_gemm_tn_ref(int M, int N, int K, const float* A, const float* B, float* C, bool accumulate) {
  if (!accumulate) for (std::size_t i = 0; i < (std::size_t)M * N; i++) C[i] = 0.0f;
  for (int k = 0; k < K; k++) {
    const float* a = A + (std::size_t)k * M;  // (M,)
    const float* b = B + (std::size_t)k * N;  // (N,)
    for (int i = 0; i < M; i++) {
      float* c = C + (std::size_t)i * N;
      const float ai = a[i];
      for (int j = 0; j < N; j++) c[j] += ai * b[j];
    }
  }
}

}  // namespace moe::kernels
