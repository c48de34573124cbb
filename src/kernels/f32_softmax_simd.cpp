// xsimd row softmax and log-softmax (max subtracted, so large logits stay finite), generic over
// the arch. Same semantics as reference/f32_elementwise_ref.cpp. Not here: the gate's top-k logic.
#if MOE_SIMD
#include <cmath>
#include <cstddef>
#include <limits>

#include "kernels/kernels.h"
#include "kernels/simd_util.h"  // includes xsimd

namespace moe::kernels {
namespace {

using simd::lanes_below;
using simd::load_tail;
using simd::max_lane;
using simd::store_tail;

constexpr float kNegInf = -std::numeric_limits<float>::infinity();

template <class Vec>
float row_max(int N, const float* x) {
  constexpr int W = Vec::size;
  Vec mx(kNegInf);
  int j = 0;
  for (; j + W <= N; j += W) mx = xsimd::max(mx, Vec::load_unaligned(x + j));
  if (j < N) mx = xsimd::max(mx, load_tail<Vec>(x + j, N - j, kNegInf));
  return max_lane(mx);
}

// sum_j exp(x_j - mx); if e != nullptr it also receives exp(x - mx) (N,). e may alias x.
template <class Vec>
float row_sum_exp(int N, const float* x, float mx, float* e) {
  constexpr int W = Vec::size;
  const Vec m(mx);
  Vec sum(0.0f);
  int j = 0;
  for (; j + W <= N; j += W) {
    const Vec ev = xsimd::exp(Vec::load_unaligned(x + j) - m);
    if (e) ev.store_unaligned(e + j);
    sum += ev;
  }
  if (j < N) {
    const int n = N - j;
    const Vec ev = xsimd::select(lanes_below<Vec>(n), xsimd::exp(load_tail<Vec>(x + j, n, mx) - m), Vec(0.0f));
    if (e) store_tail(ev, e + j, n);
    sum += ev;
  }
  return xsimd::hadd(sum);
}

// Narrow rows (N < 2W, not a multiple of W: the seed's class and expert counts) waste most lanes
// and pay a partial-vector tail per row. Instead W rows go across the lanes: the block is copied
// column-major into t (N, W), so each column j is one vector holding x[i0..i0+W, j].
template <class Arch>
bool lanes_hold_rows(int N) {
  constexpr int W = xsimd::batch<float, Arch>::size;
  return N < 2 * W && N % W != 0;
}

template <class Arch, bool log>
void softmax_rows_in_lanes(int M, int N, const float* x, float* y) {
  using Vec = xsimd::batch<float, Arch>;
  constexpr int W = Vec::size;
  alignas(64) float t[2 * W * W];  // (N, W) column-major block, N < 2W
  for (int i0 = 0; i0 < M; i0 += W) {
    const int rows = M - i0 < W ? M - i0 : W;
    for (int r = 0; r < W; r++)
      for (int j = 0; j < N; j++) t[j * W + r] = r < rows ? x[(std::size_t)(i0 + r) * N + j] : 0.0f;
    Vec mx = Vec::load_aligned(t);
    for (int j = 1; j < N; j++) mx = xsimd::max(mx, Vec::load_aligned(t + j * W));
    Vec sum(0.0f);
    for (int j = 0; j < N; j++) {
      const Vec e = xsimd::exp(Vec::load_aligned(t + j * W) - mx);
      if (!log) e.store_aligned(t + j * W);
      sum += e;
    }
    if (log) {
      const Vec ls = xsimd::log(sum);  // subtracted after the max (see log_softmax_rows)
      for (int j = 0; j < N; j++) ((Vec::load_aligned(t + j * W) - mx) - ls).store_aligned(t + j * W);
    } else {
      const Vec inv = Vec(1.0f) / sum;
      for (int j = 0; j < N; j++) (Vec::load_aligned(t + j * W) * inv).store_aligned(t + j * W);
    }
    for (int r = 0; r < rows; r++)
      for (int j = 0; j < N; j++) y[(std::size_t)(i0 + r) * N + j] = t[j * W + r];
  }
}

// reference: softmax(x)_j = exp(x_j - max x) / sum_k exp(x_k - max x), shift-invariant
// (Goodfellow, Bengio & Courville 2016, Deep Learning, section 4.1)
template <class Arch>
void softmax_rows(int M, int N, const float* x, float* y) {
  using Vec = xsimd::batch<float, Arch>;
  constexpr int W = Vec::size;
  if (lanes_hold_rows<Arch>(N)) return softmax_rows_in_lanes<Arch, false>(M, N, x, y);
  for (int i = 0; i < M; i++) {
    const float* xr = x + (std::size_t)i * N;  // (N,)
    float* yr = y + (std::size_t)i * N;        // (N,)
    const float mx = row_max<Vec>(N, xr);
    const Vec inv(1.0f / row_sum_exp<Vec>(N, xr, mx, yr));
    int j = 0;
    for (; j + W <= N; j += W) (Vec::load_unaligned(yr + j) * inv).store_unaligned(yr + j);
    if (j < N) store_tail(load_tail<Vec>(yr + j, N - j, 0.0f) * inv, yr + j, N - j);
  }
}

template <class Arch>
void log_softmax_rows(int M, int N, const float* x, float* y) {
  using Vec = xsimd::batch<float, Arch>;
  constexpr int W = Vec::size;
  if (lanes_hold_rows<Arch>(N)) return softmax_rows_in_lanes<Arch, true>(M, N, x, y);
  for (int i = 0; i < M; i++) {
    const float* xr = x + (std::size_t)i * N;  // (N,)
    float* yr = y + (std::size_t)i * N;        // (N,)
    const float mx = row_max<Vec>(N, xr);
    // reference: log softmax(x)_j = (x_j - max) - log sum_k exp(x_k - max). Subtracting the max
    // first matters: with |max| ~ 1e35, max + log(sum) rounds to max and the weights no longer sum to 1.
    const Vec m(mx);
    const Vec ls(std::log(row_sum_exp<Vec>(N, xr, mx, nullptr)));
    int j = 0;
    for (; j + W <= N; j += W) ((Vec::load_unaligned(xr + j) - m) - ls).store_unaligned(yr + j);
    if (j < N) store_tail((load_tail<Vec>(xr + j, N - j, 0.0f) - m) - ls, yr + j, N - j);
  }
}

using Arch = xsimd::default_arch;

}  // namespace

void f32_softmax_simd(int M, int N, const float* x, float* y) {
  if (N <= 0) return;
  softmax_rows<Arch>(M, N, x, y);
}

void f32_log_softmax_simd(int M, int N, const float* x, float* y) {
  if (N <= 0) return;
  log_softmax_rows<Arch>(M, N, x, y);
}

}  // namespace moe::kernels
#endif  // MOE_SIMD
