// MLP forward/backward as a loop of dense layers (see mlp.h).
#include "core/mlp.h"

#include "core/dense.h"

namespace moe {

void MlpCache::allocate(const MlpLayout& m, long rows, kernels::Act hidden) {
  const std::size_t L = m.layers.size();
  pre.assign(L, {});
  post.assign(L, {});
  for (std::size_t l = 0; l < L; l++) {
    const std::size_t n = (std::size_t)rows * m.layers[l].out;
    post[l].assign(n, 0.0f);
    if (l + 1 < L && hidden != kernels::Act::Identity) pre[l].assign(n, 0.0f);
  }
}

const float* MlpCache::last_hidden(const MlpLayout& m, long row0) const {
  const std::size_t L = m.layers.size();
  if (L < 2) return nullptr;
  return post[L - 2].data() + row0 * m.layers[L - 2].out;
}

void mlp_forward(const MlpLayout& m, const float* params, const float* x, int B, kernels::Act hidden,
                 MlpCache* cache, long row0) {
  const std::size_t L = m.layers.size();
  const float* in = x;
  for (std::size_t l = 0; l < L; l++) {
    const DenseSlot& s = m.layers[l];
    const bool last = l + 1 == L;
    float* y = cache->post[l].data() + row0 * s.out;  // (B, out_l)
    float* pre = cache->pre[l].empty() ? nullptr : cache->pre[l].data() + row0 * s.out;
    dense_forward(y, pre, in, params + s.w, params + s.b, B, s.in, s.out, last ? kernels::Act::Identity : hidden);
    in = y;
  }
}

void mlp_backward(const MlpLayout& m, const float* params, float* grads, const float* x, int B,
                  kernels::Act hidden, const MlpCache& cache, long row0, float* dout, const float* extra_dhidden,
                  float* scratch0, float* scratch1, float* dx) {
  const std::size_t L = m.layers.size();
  float* dy = dout;  // gradient w.r.t. the output of layer l
  for (std::size_t li = L; li-- > 0;) {
    const DenseSlot& s = m.layers[li];
    const bool last = li + 1 == L;
    const float* in = li == 0 ? x : cache.post[li - 1].data() + row0 * s.in;  // (B, in_l)
    const float* pre = cache.pre[li].empty() ? nullptr : cache.pre[li].data() + row0 * s.out;
    float* din = li == 0 ? dx : (li % 2 == 0 ? scratch0 : scratch1);  // (B, in_l); never aliases dy
    dense_backward(din, grads + s.w, grads + s.b, dy, pre, in, params + s.w, B, s.in, s.out,
                   last ? kernels::Act::Identity : hidden);
    if (last && li > 0 && extra_dhidden) {
      const std::size_t n = (std::size_t)B * s.in;
      for (std::size_t i = 0; i < n; i++) din[i] += extra_dhidden[i];
    }
    dy = din;
  }
}

}  // namespace moe
