// Scalar reference GEMMs: each product as the Eigen expression it is, what every SIMD variant is
// checked against (and what the baseline wasm build runs).
#include "kernels/kernels.h"
#include "kernels/reference/eigen_maps.h"

namespace moe::kernels {

using ref::mat;
using ref::store;

void f32_gemm_nn_ref(int M, int N, int K, const float* A, const float* B, float* C, bool accumulate) {
  store(mat(C, M, N), mat(A, M, K) * mat(B, K, N), accumulate);
}

void f32_gemm_nt_ref(int M, int N, int K, const float* A, const float* B, float* C, bool accumulate) {
  store(mat(C, M, N), mat(A, M, K) * mat(B, N, K).transpose(), accumulate);
}

void f32_gemm_tn_ref(int M, int N, int K, const float* A, const float* B, float* C, bool accumulate) {
  store(mat(C, M, N), mat(A, K, M).transpose() * mat(B, K, N), accumulate);
}

}  // namespace moe::kernels
