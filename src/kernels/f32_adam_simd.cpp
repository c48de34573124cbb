// xsimd Adam / AdamW step over a flat parameter buffer, generic over the arch. Same formula and
// operation order as f32_adam_ref (see kernels.h). Not here: bias-correction bookkeeping (optimizer).
#if MOE_SIMD
#include <cstddef>

#include "kernels/kernels.h"
#include "kernels/simd_util.h"  // includes xsimd

namespace moe::kernels {
namespace {

template <class Vec>
inline void adam_lanes(Vec& p, const Vec& g, Vec& m, Vec& v, const Vec& alpha, const Vec& b1, const Vec& c1,
                       const Vec& b2, const Vec& c2, const Vec& eps, const Vec& decay) {
  // reference: Kingma & Ba 2015, Algorithm 1 (efficient form); Loshchilov & Hutter 2019 (decoupled decay)
  m = b1 * m + c1 * g;
  v = b2 * v + c2 * g * g;
  p -= alpha * m / (xsimd::sqrt(v) + eps) + decay * p;
}

template <class Arch>
void adam(std::size_t n, float* p, const float* g, float* m, float* v, float alpha, float beta1, float beta2,
          float eps, float decay) {
  using Vec = xsimd::batch<float, Arch>;
  constexpr std::size_t W = Vec::size;
  const Vec va(alpha), vb1(beta1), vc1(1.0f - beta1), vb2(beta2), vc2(1.0f - beta2), ve(eps), vd(decay);
  std::size_t i = 0;
  for (; i + W <= n; i += W) {
    Vec pv = Vec::load_unaligned(p + i), mv = Vec::load_unaligned(m + i), vv = Vec::load_unaligned(v + i);
    adam_lanes(pv, Vec::load_unaligned(g + i), mv, vv, va, vb1, vc1, vb2, vc2, ve, vd);
    pv.store_unaligned(p + i);
    mv.store_unaligned(m + i);
    vv.store_unaligned(v + i);
  }
  if (i < n) {
    const int r = (int)(n - i);
    Vec pv = simd::load_tail<Vec>(p + i, r, 0.0f), mv = simd::load_tail<Vec>(m + i, r, 0.0f);
    Vec vv = simd::load_tail<Vec>(v + i, r, 0.0f);
    adam_lanes(pv, simd::load_tail<Vec>(g + i, r, 0.0f), mv, vv, va, vb1, vc1, vb2, vc2, ve, vd);
    simd::store_tail(pv, p + i, r);
    simd::store_tail(mv, m + i, r);
    simd::store_tail(vv, v + i, r);
  }
}

}  // namespace

void f32_adam_simd(std::size_t n, float* p, const float* g, float* m, float* v, float alpha, float beta1,
                   float beta2, float eps, float decay) {
  adam<xsimd::default_arch>(n, p, g, m, v, alpha, beta1, beta2, eps, decay);
}

}  // namespace moe::kernels
#endif  // MOE_SIMD
