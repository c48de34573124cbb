// The one list of kernel variants: for each kernel family a table of {name, function}. The test
// battery and the benchmark iterate over these tables and dispatch.cpp routes every entry point to
// the last entry (chosen_variant). Adding a variant is one line per family. Not here: the kernels.
#pragma once
#include <cstddef>

#include "kernels/kernels.h"

namespace moe::kernels {

template <class Fn>
struct Variant {
  const char* name;
  Fn* fn;
};

using GemmFn = void(int M, int N, int K, const float* A, const float* B, float* C, bool accumulate);
using BiasActFn = void(int M, int N, float* y, const float* b, Act act, float* pre);
using ActBackwardFn = void(int M, int N, const float* dy, const float* pre, Act act, float* dz);
using BiasBackwardFn = void(int M, int N, const float* dz, float* db);
using SoftmaxFn = void(int M, int N, const float* x, float* y);
using AdamFn = void(std::size_t n, float* p, const float* g, float* m, float* v, float alpha, float beta1,
                    float beta2, float eps, float decay);

#if defined(MOE_SIMD) && MOE_SIMD
#define MOE_SIMD_VARIANT(fn) , {"simd", fn##_simd}
#else
#define MOE_SIMD_VARIANT(fn)
#endif

inline constexpr Variant<GemmFn> kGemmNn[] = {{"ref", f32_gemm_nn_ref} MOE_SIMD_VARIANT(f32_gemm_nn)};
inline constexpr Variant<GemmFn> kGemmNt[] = {{"ref", f32_gemm_nt_ref} MOE_SIMD_VARIANT(f32_gemm_nt)};
inline constexpr Variant<GemmFn> kGemmTn[] = {{"ref", f32_gemm_tn_ref} MOE_SIMD_VARIANT(f32_gemm_tn)};
inline constexpr Variant<BiasActFn> kBiasAct[] = {{"ref", f32_bias_act_ref} MOE_SIMD_VARIANT(f32_bias_act)};
inline constexpr Variant<ActBackwardFn> kActBackward[] = {
    {"ref", f32_act_backward_ref} MOE_SIMD_VARIANT(f32_act_backward)};
inline constexpr Variant<BiasBackwardFn> kBiasBackward[] = {
    {"ref", f32_bias_backward_ref} MOE_SIMD_VARIANT(f32_bias_backward)};
inline constexpr Variant<SoftmaxFn> kSoftmax[] = {{"ref", f32_softmax_ref} MOE_SIMD_VARIANT(f32_softmax)};
inline constexpr Variant<SoftmaxFn> kLogSoftmax[] = {{"ref", f32_log_softmax_ref} MOE_SIMD_VARIANT(f32_log_softmax)};
inline constexpr Variant<AdamFn> kAdam[] = {{"ref", f32_adam_ref} MOE_SIMD_VARIANT(f32_adam)};

#undef MOE_SIMD_VARIANT

// The variant the dispatched entry points use: the last one listed (simd when built, else ref).
template <class Fn, std::size_t n>
constexpr const Variant<Fn>& chosen_variant(const Variant<Fn> (&table)[n]) {
  return table[n - 1];
}

}  // namespace moe::kernels
