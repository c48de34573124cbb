// The flat parameter layout of the MoE: where each dense layer's weights and biases live in the
// one (P,) buffer, the named TensorView list, and Glorot-uniform initialisation. No math here.
#pragma once
#include <cstddef>
#include <cstdint>
#include <vector>

#include "core/model.h"
#include "kernels/kernels.h"

namespace moe {

// One dense layer's slices of the flat buffer: w (in, out) at offset w, b (out) at offset b.
struct DenseSlot {
  std::size_t w = 0, b = 0;
  int in = 0, out = 0;
};

// An MLP in -> hidden... -> out: layers.size() == hidden.size() + 1, the last is the output layer.
struct MlpLayout {
  std::vector<DenseSlot> layers;
  int in() const { return layers.front().in; }
  int out() const { return layers.back().out; }
  int max_width() const;   // the widest layer input or output
};

struct ParamLayout {
  std::vector<MlpLayout> experts;  // E experts: D -> expert_hidden... -> C
  MlpLayout gate;                  // D -> gate_hidden... -> E
  bool has_noise = false;          // top-k gating with noise: gate.noise (last gate hidden or D) -> E
  DenseSlot noise;
  std::size_t total = 0;           // P
  std::vector<TensorView> tensors; // in buffer order
};

// Lays out experts first (expert0.dense0.w, expert0.dense0.b, ...), then the gate, then gate.noise.
ParamLayout build_layout(const ModelConfig& config);

// Glorot-uniform weights (limit sqrt(6 / (fan_in + fan_out))) drawn in buffer order from Rng(seed);
// zero biases; the noise layer's weights are zero (initial noise std = softplus(0)).
// reference: Glorot & Bengio 2010, eq. 16 (normalised initialisation)
void init_layout_params(const ParamLayout& layout, uint64_t seed, float* params);

kernels::Act to_kernel_act(Activation a);

}  // namespace moe
