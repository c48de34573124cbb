// Mixture forward/backward for both tasks (see mixture.h).
#include "core/mixture.h"

#include <cmath>
#include <cstddef>

#include "core/gate.h"

namespace moe {

MixtureSums mixture_class_forward(const Slots& s, const float* lp, const float* pe, const int32_t* y, int C,
                                  float* probs) {
  MixtureSums sums;
  const int K = s.K;
  for (int i = 0; i < s.B; i++) {
    const int32_t* pos = s.pos + (std::size_t)i * K;
    const float* w = s.w + (std::size_t)i * K;
    if (y) {
      const int label = y[i];
      double mx = -INFINITY;
      for (int k = 0; k < K; k++) {
        const double v = (double)s.logw[(std::size_t)i * K + k] + lp[(std::size_t)pos[k] * C + label];
        mx = v > mx ? v : mx;
      }
      double acc = 0;
      for (int k = 0; k < K; k++)
        acc += std::exp((double)s.logw[(std::size_t)i * K + k] + lp[(std::size_t)pos[k] * C + label] - mx);
      sums.loss += -(mx + std::log(acc));
    }
    if (probs || y) {
      int best = 0;
      float best_p = -1.0f;
      for (int c = 0; c < C; c++) {
        float p = 0.0f;
        for (int k = 0; k < K; k++) p += w[k] * pe[(std::size_t)pos[k] * C + c];
        if (probs) probs[(std::size_t)i * C + c] = p;
        if (p > best_p) { best_p = p; best = c; }
      }
      if (y && best == y[i]) sums.correct += 1;
    }
  }
  return sums;
}

void mixture_class_backward(const Slots& s, const float* lp, const float* pe, const int32_t* y, int C, float scale,
                            float* dlogits, float* dkept) {
  const int K = s.K;
  for (int i = 0; i < s.B; i++) {
    const int label = y[i];
    const int32_t* pos = s.pos + (std::size_t)i * K;
    const float* logw = s.logw + (std::size_t)i * K;
    double mx = -INFINITY;
    for (int k = 0; k < K; k++) {
      const double v = (double)logw[k] + lp[(std::size_t)pos[k] * C + label];
      mx = v > mx ? v : mx;
    }
    double acc = 0;
    for (int k = 0; k < K; k++) acc += std::exp((double)logw[k] + lp[(std::size_t)pos[k] * C + label] - mx);
    const double lse = mx + std::log(acc);
    for (int k = 0; k < K; k++) {
      const float* lpk = lp + (std::size_t)pos[k] * C;
      const float* pek = pe + (std::size_t)pos[k] * C;
      const float r = (float)std::exp((double)logw[k] + lpk[label] - lse);  // responsibility
      const float sr = scale * r;
      float* d = dlogits + (std::size_t)pos[k] * C;
      for (int c = 0; c < C; c++) d[c] = sr * pek[c];
      d[label] -= sr;
      dkept[(std::size_t)i * K + k] = scale * (s.w[(std::size_t)i * K + k] - r);
    }
  }
}

MixtureSums mixture_reg_forward(const Slots& s, const float* out, const float* t, int C, float* pred) {
  MixtureSums sums;
  const int K = s.K;
  for (int i = 0; i < s.B; i++) {
    float* p = pred + (std::size_t)i * C;
    for (int c = 0; c < C; c++) p[c] = 0.0f;
    for (int k = 0; k < K; k++) {
      const float wk = s.w[(std::size_t)i * K + k];
      const float* o = out + (std::size_t)s.pos[(std::size_t)i * K + k] * C;
      for (int c = 0; c < C; c++) p[c] += wk * o[c];
    }
    if (t) {
      double se = 0;
      for (int c = 0; c < C; c++) {
        const double tv = t[(std::size_t)i * C + c];
        const double e = (double)p[c] - tv;
        se += e * e;
        sums.sum_y += tv;
        sums.sum_y2 += tv * tv;
      }
      sums.sse += se;
      sums.loss += se / C;
    }
  }
  return sums;
}

void mixture_reg_backward(const Slots& s, const float* out, const float* t, const float* pred, int C, float scale,
                          float* dout, float* dw, float* dkept) {
  const int K = s.K;
  const float g = scale * 2.0f / (float)C;
  for (int i = 0; i < s.B; i++) {
    const float* p = pred + (std::size_t)i * C;
    const float* tr = t + (std::size_t)i * C;
    for (int k = 0; k < K; k++) {
      const int32_t row = s.pos[(std::size_t)i * K + k];
      const float wk = s.w[(std::size_t)i * K + k];
      const float* o = out + (std::size_t)row * C;
      float* d = dout + (std::size_t)row * C;
      double dot = 0;
      for (int c = 0; c < C; c++) {
        const float dpred = g * (p[c] - tr[c]);
        d[c] = wk * dpred;
        dot += (double)dpred * o[c];
      }
      dw[(std::size_t)i * K + k] = (float)dot;
    }
  }
  slot_weights_backward(dkept, s.w, dw, s.B, K);
}

}  // namespace moe
