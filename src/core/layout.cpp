// Flat parameter layout and initialisation (see layout.h).
#include "core/layout.h"

#include <algorithm>
#include <cmath>
#include <string>

#include "core/rng.h"

namespace moe {

int MlpLayout::max_width() const {
  int m = 0;
  for (const DenseSlot& s : layers) m = std::max(m, std::max(s.in, s.out));
  return m;
}

namespace {

DenseSlot add_dense(ParamLayout* L, const std::string& prefix, int in, int out) {
  DenseSlot s;
  s.in = in;
  s.out = out;
  s.w = L->total;
  L->tensors.push_back(TensorView{prefix + ".w", L->total, in, out});
  L->total += (std::size_t)in * out;
  s.b = L->total;
  L->tensors.push_back(TensorView{prefix + ".b", L->total, 1, out});
  L->total += (std::size_t)out;
  return s;
}

MlpLayout add_mlp(ParamLayout* L, const std::string& prefix, int in, const std::vector<int>& hidden, int out) {
  MlpLayout m;
  int prev = in;
  for (std::size_t l = 0; l <= hidden.size(); l++) {
    const int width = l < hidden.size() ? hidden[l] : out;
    m.layers.push_back(add_dense(L, prefix + ".dense" + std::to_string(l), prev, width));
    prev = width;
  }
  return m;
}

void init_dense(const DenseSlot& s, bool zero_weights, Rng* rng, float* params) {
  const float limit = std::sqrt(6.0f / (float)(s.in + s.out));
  float* w = params + s.w;
  for (std::size_t i = 0; i < (std::size_t)s.in * s.out; i++) w[i] = zero_weights ? 0.0f : rng->uniform(-limit, limit);
  std::fill(params + s.b, params + s.b + s.out, 0.0f);
}

}  // namespace

ParamLayout build_layout(const ModelConfig& c) {
  ParamLayout L;
  for (int e = 0; e < c.experts; e++)
    L.experts.push_back(add_mlp(&L, "expert" + std::to_string(e), c.input_dim, c.expert_hidden, c.output_dim));
  L.gate = add_mlp(&L, "gate", c.input_dim, c.gate_hidden, c.experts);
  L.has_noise = c.gating.type == GatingType::TopK && c.gating.noise;
  if (L.has_noise) {
    const int in = c.gate_hidden.empty() ? c.input_dim : c.gate_hidden.back();
    L.noise = add_dense(&L, "gate.noise", in, c.experts);
  }
  return L;
}

void init_layout_params(const ParamLayout& L, uint64_t seed, float* params) {
  Rng rng(seed);
  for (const MlpLayout& m : L.experts)
    for (const DenseSlot& s : m.layers) init_dense(s, false, &rng, params);
  for (const DenseSlot& s : L.gate.layers) init_dense(s, false, &rng, params);
  if (L.has_noise) init_dense(L.noise, true, &rng, params);
}

kernels::Act to_kernel_act(Activation a) {
  switch (a) {
    case Activation::Relu: return kernels::Act::Relu;
    case Activation::Tanh: return kernels::Act::Tanh;
    case Activation::Gelu: return kernels::Act::Gelu;
  }
  return kernels::Act::Relu;
}

}  // namespace moe
