// What every xsimd kernel includes instead of <xsimd/xsimd.hpp>: the include itself (with the
// Emscripten fix below applied first) and partial-vector load/store helpers for row tails.
// Include only from files guarded by `#if MOE_SIMD`.
#pragma once
// GCC 12 flags xsimd's AVX-512 code paths (_mm512_undefined_* inside its own intrinsic headers) as
// maybe-uninitialized; the lanes are fully written before use, so the warning is noise here.
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#endif
#if defined(__EMSCRIPTEN__) && defined(__wasm_simd128__)
// Emscripten 3.1.6 emulates _mm_cvttps_epi32 one lane at a time through lrintf (x86 returns
// INT_MIN out of range, wasm saturates), which made xsimd's exp/tanh/erf ~10x slower than libm.
// xsimd only converts range-reduced values there, so the native saturating conversion is exact.
#include <emmintrin.h>
#include <wasm_simd128.h>
static inline __m128i moe_cvttps_epi32_simd128(__m128 a) {
  return (__m128i)wasm_i32x4_trunc_sat_f32x4((v128_t)a);
}
#define _mm_cvttps_epi32 moe_cvttps_epi32_simd128
#endif
#include <xsimd/xsimd.hpp>

namespace moe::kernels::simd {

// Loads p[0:n] (n < Vec::size) into the low lanes; the other lanes hold `fill`.
template <class Vec>
inline Vec load_tail(const float* p, int n, float fill) {
  alignas(64) float t[Vec::size];
  for (int i = 0; i < (int)Vec::size; i++) t[i] = i < n ? p[i] : fill;
  return Vec::load_aligned(t);
}

// Stores the low n lanes of v to p[0:n].
template <class Vec>
inline void store_tail(const Vec& v, float* p, int n) {
  alignas(64) float t[Vec::size];
  v.store_aligned(t);
  for (int i = 0; i < n; i++) p[i] = t[i];
}

// Lanes [0, n) true, the rest false.
template <class Vec>
inline auto lanes_below(int n) {
  alignas(64) float t[Vec::size];
  for (int i = 0; i < (int)Vec::size; i++) t[i] = (float)i;
  return Vec::load_aligned(t) < Vec((float)n);
}

// Largest lane.
template <class Vec>
inline float max_lane(const Vec& v) {
  alignas(64) float t[Vec::size];
  v.store_aligned(t);
  float m = t[0];
  for (int i = 1; i < (int)Vec::size; i++) m = t[i] > m ? t[i] : m;
  return m;
}

}  // namespace moe::kernels::simd
