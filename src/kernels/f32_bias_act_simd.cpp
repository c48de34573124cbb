// xsimd bias + activation (forward), activation backward and bias backward, generic over the arch.
// Same semantics as reference/f32_elementwise_ref.cpp; tanh/erf/exp come from xsimd, so results
// differ from libm by a few ulps. Not here: softmax and Adam (their own files).
#if MOE_SIMD
#include <cstddef>

#include "kernels/kernels.h"
#include "kernels/simd_util.h"  // includes xsimd

namespace moe::kernels {
namespace {

using simd::load_tail;
using simd::store_tail;

template <class Vec, Act act>
inline Vec act_vec(const Vec& z) {
  if constexpr (act == Act::Identity) {
    return z;
  } else if constexpr (act == Act::Relu) {
    return xsimd::select(z > Vec(0.0f), z, Vec(0.0f));
  } else if constexpr (act == Act::Tanh) {
    return xsimd::tanh(z);
  } else {
    // reference: Hendrycks & Gimpel 2016, GELU(x) = x * Phi(x) = 0.5 x (1 + erf(x / sqrt 2))
    return Vec(0.5f) * z * (Vec(1.0f) + xsimd::erf(z * Vec(0.70710678118654752f)));
  }
}

template <class Vec, Act act>
inline Vec act_grad_vec(const Vec& z) {
  if constexpr (act == Act::Identity) {
    return Vec(1.0f);
  } else if constexpr (act == Act::Relu) {
    return xsimd::select(z > Vec(0.0f), Vec(1.0f), Vec(0.0f));
  } else if constexpr (act == Act::Tanh) {
    const Vec t = xsimd::tanh(z);
    return Vec(1.0f) - t * t;
  } else {
    // reference: d/dx [x Phi(x)] = Phi(x) + x phi(x), phi the standard normal density
    const Vec cdf = Vec(0.5f) * (Vec(1.0f) + xsimd::erf(z * Vec(0.70710678118654752f)));
    const Vec pdf = Vec(0.39894228040143268f) * xsimd::exp(Vec(-0.5f) * z * z);
    return cdf + z * pdf;
  }
}

template <class Arch, Act act>
void bias_act_rows(int M, int N, float* y, const float* b, float* pre) {
  using Vec = xsimd::batch<float, Arch>;
  constexpr int W = Vec::size;
  for (int i = 0; i < M; i++) {
    float* yr = y + (std::size_t)i * N;                     // (N,)
    float* pr = pre ? pre + (std::size_t)i * N : nullptr;  // (N,)
    int j = 0;
    for (; j + W <= N; j += W) {
      Vec z = Vec::load_unaligned(yr + j);
      if (b) z += Vec::load_unaligned(b + j);
      if (pr) z.store_unaligned(pr + j);
      act_vec<Vec, act>(z).store_unaligned(yr + j);
    }
    if (j < N) {
      const int n = N - j;
      Vec z = load_tail<Vec>(yr + j, n, 0.0f);
      if (b) z += load_tail<Vec>(b + j, n, 0.0f);
      if (pr) store_tail(z, pr + j, n);
      store_tail(act_vec<Vec, act>(z), yr + j, n);
    }
  }
}

template <class Arch, Act act>
void act_backward_flat(std::size_t n, const float* dy, const float* pre, float* dz) {
  using Vec = xsimd::batch<float, Arch>;
  constexpr std::size_t W = Vec::size;
  std::size_t i = 0;
  for (; i + W <= n; i += W) {
    const Vec g = act_grad_vec<Vec, act>(Vec::load_unaligned(pre + i));
    (Vec::load_unaligned(dy + i) * g).store_unaligned(dz + i);
  }
  if (i < n) {
    const int r = (int)(n - i);
    const Vec g = act_grad_vec<Vec, act>(load_tail<Vec>(pre + i, r, 0.0f));
    store_tail(load_tail<Vec>(dy + i, r, 0.0f) * g, dz + i, r);
  }
}

// Rows outer, columns inner: db accumulates row by row in the reference's order (bit-identical),
// and dz is read sequentially.
template <class Arch>
void bias_backward_rows(int M, int N, const float* dz, float* db) {
  using Vec = xsimd::batch<float, Arch>;
  constexpr int W = Vec::size;
  for (int i = 0; i < M; i++) {
    const float* row = dz + (std::size_t)i * N;  // (N,)
    int j = 0;
    for (; j + W <= N; j += W) (Vec::load_unaligned(db + j) + Vec::load_unaligned(row + j)).store_unaligned(db + j);
    for (; j < N; j++) db[j] += row[j];
  }
}

using Arch = xsimd::default_arch;

}  // namespace

void f32_bias_act_simd(int M, int N, float* y, const float* b, Act act, float* pre) {
  switch (act) {
    case Act::Identity: bias_act_rows<Arch, Act::Identity>(M, N, y, b, pre); break;
    case Act::Relu: bias_act_rows<Arch, Act::Relu>(M, N, y, b, pre); break;
    case Act::Tanh: bias_act_rows<Arch, Act::Tanh>(M, N, y, b, pre); break;
    case Act::Gelu: bias_act_rows<Arch, Act::Gelu>(M, N, y, b, pre); break;
  }
}

void f32_act_backward_simd(int M, int N, const float* dy, const float* pre, Act act, float* dz) {
  const std::size_t n = (std::size_t)M * N;
  switch (act) {
    case Act::Identity: act_backward_flat<Arch, Act::Identity>(n, dy, pre, dz); break;
    case Act::Relu: act_backward_flat<Arch, Act::Relu>(n, dy, pre, dz); break;
    case Act::Tanh: act_backward_flat<Arch, Act::Tanh>(n, dy, pre, dz); break;
    case Act::Gelu: act_backward_flat<Arch, Act::Gelu>(n, dy, pre, dz); break;
  }
}

void f32_bias_backward_simd(int M, int N, const float* dz, float* db) {
  if (M <= 0 || N <= 0) return;
  bias_backward_rows<Arch>(M, N, dz, db);
}

}  // namespace moe::kernels
#endif  // MOE_SIMD
