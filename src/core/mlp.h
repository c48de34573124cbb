// A stack of dense layers (hidden activation, identity output) with its cached activations, for
// the experts and the gate. Buffers are allocated once for a fixed number of rows; forward and
// backward work on a row range [row0, row0 + B) of them, so experts can share pooled buffers.
#pragma once
#include <vector>

#include "core/layout.h"
#include "kernels/kernels.h"

namespace moe {

// Cached activations of one MLP for up to `rows` rows.
struct MlpCache {
  std::vector<std::vector<float>> pre;   // per hidden layer l: (rows, out_l), x·W + b before the activation
  std::vector<std::vector<float>> post;  // per layer l: (rows, out_l); post.back() holds the MLP output
  void allocate(const MlpLayout& m, long rows, kernels::Act hidden);
  float* out(const MlpLayout& m, long row0) { return post.back().data() + row0 * m.out(); }
  const float* out(const MlpLayout& m, long row0) const { return post.back().data() + row0 * m.out(); }
  // The last hidden activation (rows, H_last); nullptr when the MLP has no hidden layer.
  const float* last_hidden(const MlpLayout& m, long row0) const;
};

// Runs x (B, in) through the MLP, writing rows [row0, row0 + B) of the cache.
void mlp_forward(const MlpLayout& m, const float* params, const float* x, int B, kernels::Act hidden,
                 MlpCache* cache, long row0);

// Backward through the MLP for the rows [row0, row0 + B) of a previous mlp_forward on x.
// dout (B, out): gradient w.r.t. the output (overwritten). Grads of every layer are accumulated
// into grads (same layout as params). extra_dhidden (B, H_last), if not null, is added to the
// gradient of the last hidden activation (the gate's noise layer reads it too).
// scratch0, scratch1: (B, max_width) each. dx (B, in) receives the input gradient when not null.
void mlp_backward(const MlpLayout& m, const float* params, float* grads, const float* x, int B,
                  kernels::Act hidden, const MlpCache& cache, long row0, float* dout, const float* extra_dhidden,
                  float* scratch0, float* scratch1, float* dx);

}  // namespace moe
