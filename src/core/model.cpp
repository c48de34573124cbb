// Model: the MoE network over one flat parameter buffer. Gate MLP -> (noisy top-k | softmax)
// routing into slots -> experts on their gathered sub-batches -> mixture loss; backward in
// reverse. All buffers are allocated in create(); forward_backward/evaluate/predict allocate
// nothing. Not here: optimisers, epochs, checkpoints (trainer.h, optimizer.h, io/checkpoint.h).
#include "core/model.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <string>
#include <utility>

#include "core/dense.h"
#include "core/gate.h"
#include "core/layout.h"
#include "core/mixture.h"
#include "core/mlp.h"
#include "core/thread_pool.h"

namespace moe {

void LossStats::add(const LossStats& o) {
  data_loss_sum += o.data_loss_sum;
  aux_loss_sum += o.aux_loss_sum;
  correct += o.correct;
  sse += o.sse;
  sum_y += o.sum_y;
  sum_y2 += o.sum_y2;
  rows += o.rows;
}

namespace {

constexpr long kMaxCapacity = 1 << 20;
// Rows per forward unit: an expert's rows are split into chunks (rows are independent in the
// forward pass, so the split never changes a result bit). Chunks are about a quarter of the
// expert's rows, in multiples of 16, between kMinForwardRows and 64 rows: large enough that a GEMM
// call amortises packing its weight panels (64-row chunks train W2 ~1.4x faster than 16-row ones on
// one thread), and a small expert (the seed model's 32 rows) stays one unit, kept on one core by the
// pool's shares. Depends on the rows only, never on the thread count.
constexpr int kMinForwardRows = 32;
int forward_chunk_rows(int rows) { return std::min(64, std::max(kMinForwardRows, (rows / 4 + 15) / 16 * 16)); }
// Rows per mixture unit (forward and backward): rows are independent there too; the loss sums are
// added over these fixed chunks in order, so they do not depend on the thread count either.
constexpr int kMixRows = 16;
constexpr double kMaxBufferFloats = 256.0 * 1024 * 1024;  // 1 GiB of activations at most

const char* nonfinite_name(float v) { return std::isnan(v) ? "NaN" : (v > 0 ? "+infinity" : "-infinity"); }

Status check_matrix(const char* what, const float* m, long rows, int cols, long row_base) {
  const std::size_t n = (std::size_t)rows * cols;
  for (std::size_t i = 0; i < n; i++)
    if (!std::isfinite(m[i]))
      return Status::invalid(std::string(what) + "[row " + std::to_string(row_base + (long)(i / cols)) +
                             ", column " + std::to_string(i % cols) + "] is " + nonfinite_name(m[i]));
  return Status::ok();
}

// Outputs must be finite: weights that overflow float32 (a diverged or tampered model) must not
// reach the caller as silent NaN.
Status check_outputs(const char* what, const float* m, int rows, int cols, long row_base) {
  const std::size_t n = (std::size_t)rows * cols;
  for (std::size_t i = 0; i < n; i++)
    if (!std::isfinite(m[i]))
      return Status::numerical(std::string(what) + " for row " + std::to_string(row_base + (long)(i / cols)) + " is " +
                               nonfinite_name(m[i]) + ": the model's weights overflow float32 arithmetic");
  return Status::ok();
}

}  // namespace

struct Model::Impl {
  ModelConfig cfg;
  ParamLayout layout;
  kernels::Act act = kernels::Act::Relu;
  int cap = 0, D = 0, C = 0, E = 0;
  int K = 0;          // slots per row: k for top-k, E for softmax gating
  bool topk = false;
  int last_rows = 0;  // rows of the last forward pass (for last_routing)
  bool noised = false;  // the last gate_forward drew noise (top-k with a noise layer and an rng)

  std::vector<float> params, grads;     // (P,)
  // gate
  MlpCache gate_cache;                  // per gate layer (cap, width); its output is the clean logits (cap, E)
  std::vector<float> noise_raw;         // (cap, E) noise layer output before softplus
  std::vector<float> eps;               // (cap, E) standard normal draws
  std::vector<float> noisy;             // (cap, E) clean + eps * softplus(raw)
  std::vector<int32_t> idx;             // (cap, K) expert of each slot
  std::vector<float> kept, w, logw;     // (cap, K) kept logits, slot weights, their log
  std::vector<int32_t> pos;             // (cap, K) pooled expert row of each slot
  std::vector<int32_t> count, start, fill;  // (E,) rows routed to each expert, first pooled row, cursor
  std::vector<float> xg;                // (cap * K, D) gathered expert inputs (top-k only)
  std::vector<float> frac;              // (E,) routed fraction f
  std::vector<float> probs_all;         // (cap, E) softmax of the clean logits (load balance)
  // experts (pooled: expert e owns rows [start[e], start[e] + count[e]))
  MlpCache expert_cache;                // per expert layer (cap * K, width); output = logits/values (cap * K, C)
  std::vector<float> lp, pe;            // (cap * K, C) expert log-probs and probs (classification)
  std::vector<float> mix;               // (cap, C) mixture probabilities or predicted values
  // backward
  std::vector<float> dexp;              // (cap * K, C) gradient w.r.t. expert outputs
  std::vector<float> dkept, dw_slots;   // (cap, K)
  std::vector<float> dnoisy, dclean, draw;  // (cap, E)
  std::vector<float> dnoise_in;         // (cap, H_gate_last) noise-layer gradient into the last gate hidden
  std::vector<float> scratch0, scratch1;    // (cap, max width)
  // Parallel units (thread_pool.h): results never depend on the thread count, because each unit
  // writes only its own rows or its own expert's gradients.
  // A forward unit is a row chunk of expert e, or the whole gate when e == kGateUnit; a backward
  // unit is one expert's backward, or the gate's (unit E).
  static constexpr int kGateUnit = -1;
  struct RowUnit { int e, r0, rows; };
  std::vector<RowUnit> fwd_units;           // (<= 1 + E + cap * K / kMinForwardRows,) expert row chunks (+ gate)
  std::vector<MixtureSums> mix_sums;        // (cap / kMixRows,) loss sums per mixture row chunk
  std::vector<std::vector<float>> worker_scratch;  // per pool worker w >= 1: (2, cap, max width)
  int max_width = 0;

  bool noise_layer_input_is_x() const { return cfg.gate_hidden.empty(); }
  const float* noise_input(const float* x) const {
    return noise_layer_input_is_x() ? x : gate_cache.last_hidden(layout.gate, 0);
  }
  const float* expert_input(const float* x, int e) const { return topk ? xg.data() + (std::size_t)start[e] * D : x; }

  Status check_batch(const Batch& b, bool need_targets) const;
  Slots slots(int B) const { return Slots{B, K, pos.data(), w.data(), logw.data()}; }
  // The slots of rows [r0, r0 + rows) (pos still names rows of the whole pooled buffer).
  Slots slots(int r0, int rows) const {
    const std::size_t o = (std::size_t)r0 * K;
    return Slots{rows, K, pos.data() + o, w.data() + o, logw.data() + o};
  }
  // Gate forward on x (B rows): slots idx/kept/w/logw, noise when rng != nullptr (top-k + noise).
  void gate_forward(const float* x, int B, Rng* rng);
  // Its twin: dkept (B, K) and dclean (B, E, holding the aux-loss gradients) back through the
  // slot scatter, the noise layer (when gate_forward drew noise) and the gate MLP into grads.
  // s0, s1: (cap, max_width) scratch of the thread running it.
  void gate_backward(const float* x, int B, float* s0, float* s1);
  // Pools each expert's rows into one block [start[e], start[e] + count[e]) of pos (and xg for top-k).
  void route(const float* x, int B);
  // Experts on their pooled rows in fixed row chunks (classification: their log-probs and probs
  // too); with_gate runs the (dense) gate forward as one more unit of the same parallel job.
  void experts_forward(const float* x, int B, bool with_gate);
  // The mixture into mix (B, C) in fixed row chunks; sums of the data loss when y
  // (classification) or t (regression) is given. with_grad: each chunk also runs its mixture
  // backward (expert-output gradients dexp and kept-logit gradients dkept of its rows).
  MixtureSums mixture(int B, const int32_t* y, const float* t, bool with_grad);
  // Scratch (cap, max_width) x 2 of pool worker w.
  float* scratch_of(int w, int which);
  // Load-balance and z-loss on the clean logits; with_grad: their gradients start dclean (B, E).
  double aux_losses(int B, bool with_grad);
  // Gradient of the total loss into grads from dexp and dkept (left by mixture(with_grad)) and
  // dclean (aux_losses): experts and gate, in one parallel job; each unit first zeroes its own
  // slice of grads (an expert with no rows only that).
  void backward(const float* x, int B);
  // The slice [begin, end) of params/grads of expert e, or of the gate (its noise layer included)
  // for kGateUnit: the layout stores experts 0..E-1, then the gate, then the noise layer.
  std::pair<std::size_t, std::size_t> param_range(int e) const {
    const std::size_t gate0 = layout.gate.layers.front().w;
    if (e == kGateUnit) return {gate0, layout.total};
    return {layout.experts[e].layers.front().w, e + 1 < E ? layout.experts[e + 1].layers.front().w : gate0};
  }
  // Full forward; with_grad leaves the gradient of the total loss in grads.
  void run(const float* x, int B, const int32_t* y, const float* t, Rng* rng, bool with_grad, LossStats* stats);
};

// Working floats per row of capacity: activations and their gradients of every layer, gate slots,
// the mixture and scratch (what create() allocates besides params and grads, per row).
static double activation_floats_per_row(const ModelConfig& c, const ParamLayout& layout) {
  const MlpLayout& ex = layout.experts[0];
  int max_width = std::max(ex.max_width(), layout.gate.max_width());
  if (layout.has_noise) max_width = std::max(max_width, std::max(layout.noise.in, layout.noise.out));
  const double K = c.gating.type == GatingType::TopK ? c.gating.k : c.experts;
  double per_row = 0;
  for (const DenseSlot& d : ex.layers) per_row += 2.0 * d.out * K;
  for (const DenseSlot& d : layout.gate.layers) per_row += 2.0 * d.out;
  return per_row + K * (c.input_dim + 3.0 * c.output_dim) + 12.0 * c.experts + 8.0 * K + 2.0 * max_width;
}

double Model::memory_bytes(const ModelConfig& config, int capacity, std::size_t* params) {
  if (params) *params = 0;
  if (!validate(config).is_ok() || capacity < 1) return 0;
  const ParamLayout layout = build_layout(config);
  if (params) *params = layout.total;
  return 8.0 * static_cast<double>(layout.total) + 4.0 * activation_floats_per_row(config, layout) * capacity;
}

Model::Model() : impl_(new Impl) {}
Model::~Model() = default;

Status Model::create(const ModelConfig& config, int capacity, std::unique_ptr<Model>* out) {
  if (out == nullptr) return Status::invalid("Model::create: out is null");
  MOE_RETURN_IF_ERROR(validate(config));
  if (capacity < 1 || capacity > kMaxCapacity)
    return Status::invalid("Model::create: capacity must be in [1, " + std::to_string(kMaxCapacity) + "], got " +
                           std::to_string(capacity));
  std::unique_ptr<Model> m(new Model);
  Impl& s = *m->impl_;
  s.cfg = config;
  s.layout = build_layout(config);
  s.act = to_kernel_act(config.activation);
  s.cap = capacity;
  s.D = config.input_dim;
  s.C = config.output_dim;
  s.E = config.experts;
  s.topk = config.gating.type == GatingType::TopK;
  s.K = s.topk ? config.gating.k : s.E;
  const MlpLayout& ex = s.layout.experts[0];
  int max_width = std::max(ex.max_width(), s.layout.gate.max_width());
  if (s.layout.has_noise) max_width = std::max(max_width, std::max(s.layout.noise.in, s.layout.noise.out));
  s.max_width = max_width;

  // Refuse sizes that cannot be allocated instead of aborting in the allocator.
  const double per_row = activation_floats_per_row(config, s.layout);
  if (per_row * capacity > kMaxBufferFloats)
    return Status::out_of_range("Model::create: activations for capacity " + std::to_string(capacity) +
                                " rows would need " + std::to_string((long long)(per_row * capacity * 4 / 1048576)) +
                                " MiB (at most 1024); use a smaller batch or model");

  const std::size_t cap = (std::size_t)capacity, pooled = cap * s.K, CE = cap * s.E, CK = cap * s.K;
  s.params.assign(s.layout.total, 0.0f);
  s.grads.assign(s.layout.total, 0.0f);
  s.gate_cache.allocate(s.layout.gate, capacity, s.act);
  if (s.layout.has_noise) {
    s.noise_raw.assign(CE, 0.0f);
    s.eps.assign(CE, 0.0f);
    s.noisy.assign(CE, 0.0f);
    s.draw.assign(CE, 0.0f);
    if (!s.noise_layer_input_is_x()) s.dnoise_in.assign(cap * s.layout.noise.in, 0.0f);
  }
  s.idx.assign(CK, 0);
  s.kept.assign(CK, 0.0f);
  s.w.assign(CK, 0.0f);
  s.logw.assign(CK, 0.0f);
  s.pos.assign(CK, 0);
  s.count.assign(s.E, 0);
  s.start.assign(s.E, 0);
  s.fill.assign(s.E, 0);
  if (s.topk) s.xg.assign(pooled * s.D, 0.0f);
  s.frac.assign(s.E, 0.0f);
  s.probs_all.assign(CE, 0.0f);
  s.expert_cache.allocate(ex, (long)pooled, s.act);
  if (config.task == Task::Classification) {
    s.lp.assign(pooled * s.C, 0.0f);
    s.pe.assign(pooled * s.C, 0.0f);
  }
  s.mix.assign(cap * s.C, 0.0f);
  s.dexp.assign(pooled * s.C, 0.0f);
  s.dkept.assign(CK, 0.0f);
  s.dw_slots.assign(CK, 0.0f);
  s.dnoisy.assign(CE, 0.0f);
  s.dclean.assign(CE, 0.0f);
  s.scratch0.assign(cap * max_width, 0.0f);
  s.scratch1.assign(cap * max_width, 0.0f);
  s.fwd_units.reserve(1 + s.E + chunk_count((long)pooled, kMinForwardRows));
  s.mix_sums.reserve(chunk_count(capacity, kMixRows));
  m->init_params(config.seed);
  *out = std::move(m);
  return Status::ok();
}

const ModelConfig& Model::config() const { return impl_->cfg; }
int Model::capacity() const { return impl_->cap; }
std::size_t Model::num_params() const { return impl_->layout.total; }
float* Model::params() { return impl_->params.data(); }
const float* Model::params() const { return impl_->params.data(); }
float* Model::grads() { return impl_->grads.data(); }
const std::vector<TensorView>& Model::tensors() const { return impl_->layout.tensors; }

void Model::init_params(uint64_t seed) {
  init_layout_params(impl_->layout, seed, impl_->params.data());
  std::fill(impl_->grads.begin(), impl_->grads.end(), 0.0f);
}

const int32_t* Model::last_routing(int* rows, int* slots) const {
  if (rows) *rows = impl_->last_rows;
  if (slots) *slots = impl_->K;
  return impl_->idx.data();
}

double Model::flops_per_sample() const {
  const Impl& s = *impl_;
  double expert = 0, gate = 0;
  for (const DenseSlot& d : s.layout.experts[0].layers) expert += 2.0 * d.in * d.out;
  for (const DenseSlot& d : s.layout.gate.layers) gate += 2.0 * d.in * d.out;
  return expert * s.K + gate;
}

Status Model::Impl::check_batch(const Batch& b, bool need_targets) const {
  if (b.rows < 1 || b.rows > cap)
    return Status::invalid("batch rows must be in [1, capacity = " + std::to_string(cap) + "], got " +
                           std::to_string(b.rows));
  if (b.x == nullptr) return Status::invalid("batch.x is null");
  MOE_RETURN_IF_ERROR(check_matrix("x", b.x, b.rows, D, 0));
  if (!need_targets) return Status::ok();
  if (cfg.task == Task::Classification) {
    if (b.classes == nullptr) return Status::invalid("batch.classes is null (classification needs class labels)");
    for (int i = 0; i < b.rows; i++)
      if (b.classes[i] < 0 || b.classes[i] >= C)
        return Status::invalid("classes[row " + std::to_string(i) + "] = " + std::to_string(b.classes[i]) +
                               " is outside [0, " + std::to_string(C) + ")");
  } else {
    if (b.values == nullptr) return Status::invalid("batch.values is null (regression needs target values)");
    MOE_RETURN_IF_ERROR(check_matrix("values", b.values, b.rows, C, 0));
  }
  return Status::ok();
}

void Model::Impl::gate_forward(const float* x, int B, Rng* rng) {
  const float* p = params.data();
  mlp_forward(layout.gate, p, x, B, act, &gate_cache, 0);
  const float* clean = gate_cache.out(layout.gate, 0);  // (B, E)
  noised = false;
  if (!topk) {
    softmax_slots(clean, B, E, idx.data(), kept.data());
  } else if (layout.has_noise && rng != nullptr) {
    const DenseSlot& n = layout.noise;
    dense_forward(noise_raw.data(), nullptr, noise_input(x), p + n.w, p + n.b, B, n.in, E, kernels::Act::Identity);
    for (std::size_t i = 0; i < (std::size_t)B * E; i++) eps[i] = rng->normal();
    noise_forward(noisy.data(), clean, noise_raw.data(), eps.data(), B, E);
    topk_slots(noisy.data(), B, E, K, idx.data(), kept.data());
    noised = true;
  } else {
    topk_slots(clean, B, E, K, idx.data(), kept.data());
  }
  slot_weights(kept.data(), B, K, w.data(), logw.data());
  last_rows = B;
}

void Model::Impl::gate_backward(const float* x, int B, float* s0, float* s1) {
  const float* p = params.data();
  float* g = grads.data();
  // Kept-logit gradients back to all E (zeros for experts not kept), through the noise.
  std::fill(dnoisy.begin(), dnoisy.begin() + (std::size_t)B * E, 0.0f);
  slots_scatter_add(dnoisy.data(), dkept.data(), idx.data(), B, E, K);
  const float* extra = nullptr;
  if (noised) {
    noise_backward(dclean.data(), draw.data(), dnoisy.data(), noise_raw.data(), eps.data(), B, E);
    const DenseSlot& n = layout.noise;
    float* dn_in = noise_layer_input_is_x() ? nullptr : dnoise_in.data();
    dense_backward(dn_in, g + n.w, g + n.b, draw.data(), nullptr, noise_input(x), p + n.w, B, n.in, E,
                   kernels::Act::Identity);
    extra = dn_in;
  } else {
    for (std::size_t i = 0; i < (std::size_t)B * E; i++) dclean[i] += dnoisy[i];
  }
  mlp_backward(layout.gate, p, g, x, B, act, gate_cache, 0, dclean.data(), extra, s0, s1, nullptr);
}

void Model::Impl::route(const float* x, int B) {
  if (topk) {
    std::fill(count.begin(), count.end(), 0);
    for (int i = 0; i < B * K; i++) count[idx[i]]++;
    for (int e = 0, acc = 0; e < E; e++) { start[e] = acc; fill[e] = 0; acc += count[e]; }
    for (int i = 0; i < B; i++)
      for (int k = 0; k < K; k++) {
        const int e = idx[(std::size_t)i * K + k];
        const int row = start[e] + fill[e]++;
        pos[(std::size_t)i * K + k] = row;
        std::memcpy(xg.data() + (std::size_t)row * D, x + (std::size_t)i * D, sizeof(float) * D);
      }
  } else {
    for (int e = 0; e < E; e++) { count[e] = B; start[e] = e * B; }
    for (int i = 0; i < B; i++)
      for (int k = 0; k < K; k++) pos[(std::size_t)i * K + k] = k * B + i;
  }
}

void Model::Impl::experts_forward(const float* x, int B, bool with_gate) {
  const float* p = params.data();
  fwd_units.clear();
  // Experts in order, then the gate: the order of the backward units and of the parameter layout,
  // so each thread's share of the units (ThreadPool) covers the same experts in every job of a step.
  for (int e = 0; e < E; e++)
    for (int r0 = 0, n = forward_chunk_rows(count[e]); r0 < count[e]; r0 += n)
      fwd_units.push_back(RowUnit{e, r0, std::min(n, count[e] - r0)});
  if (with_gate) fwd_units.push_back(RowUnit{kGateUnit, 0, B});
  const bool classify = cfg.task == Task::Classification;
  ThreadPool::global().run((int)fwd_units.size(), [&](int u, int) {
    const RowUnit& r = fwd_units[u];
    if (r.e == kGateUnit) {
      gate_forward(x, B, nullptr);
      return;
    }
    const long row0 = start[r.e] + r.r0;
    mlp_forward(layout.experts[r.e], p, expert_input(x, r.e) + (std::size_t)r.r0 * D, r.rows, act, &expert_cache, row0);
    if (classify) {
      const float* logits = expert_cache.out(layout.experts[0], row0);  // (rows, C)
      kernels::f32_log_softmax(r.rows, C, logits, lp.data() + (std::size_t)row0 * C);
      kernels::f32_softmax(r.rows, C, logits, pe.data() + (std::size_t)row0 * C);
    }
  });
}

MixtureSums Model::Impl::mixture(int B, const int32_t* y, const float* t, bool with_grad) {
  const float* expert_out = expert_cache.out(layout.experts[0], 0);  // (B * K, C)
  const bool classify = cfg.task == Task::Classification;
  const float scale = 1.0f / (float)B;
  const int chunks = chunk_count(B, kMixRows);
  mix_sums.assign(chunks, MixtureSums());
  ThreadPool::global().run(chunks, [&](int c, int) {
    const int r0 = c * kMixRows, rows = std::min(kMixRows, B - r0);
    const Slots sl = slots(r0, rows);
    const std::size_t o = (std::size_t)r0 * K;
    float* out = mix.data() + (std::size_t)r0 * C;  // (rows, C)
    const int32_t* yc = y ? y + r0 : nullptr;
    const float* tc = t ? t + (std::size_t)r0 * C : nullptr;
    if (classify) {
      mix_sums[c] = mixture_class_forward(sl, lp.data(), pe.data(), yc, C, out);
      if (with_grad) mixture_class_backward(sl, lp.data(), pe.data(), yc, C, scale, dexp.data(), dkept.data() + o);
    } else {
      mix_sums[c] = mixture_reg_forward(sl, expert_out, tc, C, out);
      if (with_grad)
        mixture_reg_backward(sl, expert_out, tc, out, C, scale, dexp.data(), dw_slots.data() + o, dkept.data() + o);
    }
  });
  MixtureSums sums;
  for (const MixtureSums& m : mix_sums) {
    sums.loss += m.loss;
    sums.correct += m.correct;
    sums.sse += m.sse;
    sums.sum_y += m.sum_y;
    sums.sum_y2 += m.sum_y2;
  }
  return sums;
}

float* Model::Impl::scratch_of(int w, int which) {
  const std::size_t scratch = (std::size_t)cap * max_width;
  if (w == 0) return which == 0 ? scratch0.data() : scratch1.data();
  return worker_scratch[w - 1].data() + (which == 0 ? 0 : scratch);
}

double Model::Impl::aux_losses(int B, bool with_grad) {
  const float* clean = gate_cache.out(layout.gate, 0);  // (B, E)
  float* dcl = with_grad ? dclean.data() : nullptr;
  if (with_grad) std::fill(dclean.begin(), dclean.begin() + (std::size_t)B * E, 0.0f);
  double aux = 0;
  if (topk && cfg.load_balance > 0) {
    routed_fraction(idx.data(), B, E, K, frac.data());
    aux += load_balance_loss(clean, frac.data(), B, E, cfg.load_balance, probs_all.data(), dcl);
  }
  if (cfg.z_loss > 0) aux += z_loss(clean, B, E, cfg.z_loss, dcl);
  return aux;
}

void Model::Impl::backward(const float* x, int B) {
  ThreadPool& pool = ThreadPool::global();
  // Every expert's backward and the gate's are independent (each writes its own gradients).
  const float* p = params.data();
  float* g = grads.data();
  const int workers = pool.threads();
  while ((int)worker_scratch.size() < workers - 1) worker_scratch.emplace_back(2 * (std::size_t)cap * max_width, 0.0f);
  // Units 0..E-1 are the experts, unit E the gate.
  pool.run(E + 1, [&](int u, int w) {
    const int e = u < E ? u : kGateUnit;
    const auto range = param_range(e);
    std::fill(g + range.first, g + range.second, 0.0f);
    if (e == kGateUnit) {
      gate_backward(x, B, scratch_of(w, 0), scratch_of(w, 1));
      return;
    }
    if (count[e] == 0) return;
    mlp_backward(layout.experts[e], p, g, expert_input(x, e), count[e], act, expert_cache, start[e],
                 dexp.data() + (std::size_t)start[e] * C, nullptr, scratch_of(w, 0), scratch_of(w, 1), nullptr);
  });
}

void Model::Impl::run(const float* x, int B, const int32_t* y, const float* t, Rng* rng, bool with_grad,
                      LossStats* stats) {
  // Dense gating: the experts see every row whatever the gate says, so the gate runs beside them.
  if (topk) gate_forward(x, B, rng);
  route(x, B);
  experts_forward(x, B, !topk);
  const bool targets = y != nullptr || t != nullptr;
  const MixtureSums sums = mixture(B, y, t, with_grad && targets);
  if (!targets) return;  // inference only
  const double aux = aux_losses(B, with_grad);
  if (stats) {
    stats->data_loss_sum += sums.loss;
    stats->aux_loss_sum += aux * B;
    stats->correct += sums.correct;
    stats->sse += sums.sse;
    stats->sum_y += sums.sum_y;
    stats->sum_y2 += sums.sum_y2;
    stats->rows += B;
  }
  if (with_grad) backward(x, B);
}

Status Model::forward_backward(const Batch& batch, Rng* noise_rng, LossStats* stats) {
  Impl& s = *impl_;
  MOE_RETURN_IF_ERROR(s.check_batch(batch, true));
  s.run(batch.x, batch.rows, batch.classes, batch.values, noise_rng, true, stats);
  return Status::ok();
}

Status Model::evaluate(const Batch& batch, LossStats* stats) {
  Impl& s = *impl_;
  MOE_RETURN_IF_ERROR(s.check_batch(batch, true));
  s.run(batch.x, batch.rows, batch.classes, batch.values, nullptr, false, stats);
  return Status::ok();
}

Status Model::predict(const float* x, long rows, float* out) {
  Impl& s = *impl_;
  if (x == nullptr || out == nullptr) return Status::invalid("predict: x and out must not be null");
  if (rows < 1) return Status::invalid("predict: needs at least one row, got " + std::to_string(rows));
  MOE_RETURN_IF_ERROR(check_matrix("x", x, rows, s.D, 0));
  for (long r0 = 0; r0 < rows; r0 += s.cap) {
    const int n = (int)std::min<long>(s.cap, rows - r0);
    s.run(x + (std::size_t)r0 * s.D, n, nullptr, nullptr, nullptr, false, nullptr);
    MOE_RETURN_IF_ERROR(check_outputs("predict: the output", s.mix.data(), n, s.C, r0));
    std::memcpy(out + (std::size_t)r0 * s.C, s.mix.data(), sizeof(float) * (std::size_t)n * s.C);
  }
  return Status::ok();
}

Status Model::gate(const float* x, long rows, float* out) {
  Impl& s = *impl_;
  if (x == nullptr || out == nullptr) return Status::invalid("gate: x and out must not be null");
  if (rows < 1) return Status::invalid("gate: needs at least one row, got " + std::to_string(rows));
  MOE_RETURN_IF_ERROR(check_matrix("x", x, rows, s.D, 0));
  for (long r0 = 0; r0 < rows; r0 += s.cap) {
    const int n = (int)std::min<long>(s.cap, rows - r0);
    s.gate_forward(x + (std::size_t)r0 * s.D, n, nullptr);
    MOE_RETURN_IF_ERROR(check_outputs("gate: the gate weight", s.w.data(), n, s.K, r0));
    float* o = out + (std::size_t)r0 * s.E;
    std::fill(o, o + (std::size_t)n * s.E, 0.0f);
    for (int i = 0; i < n; i++)
      for (int k = 0; k < s.K; k++)
        o[(std::size_t)i * s.E + s.idx[(std::size_t)i * s.K + k]] = s.w[(std::size_t)i * s.K + k];
  }
  return Status::ok();
}

}  // namespace moe
