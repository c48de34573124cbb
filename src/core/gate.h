// Gating math on the gate MLP's logits: dense softmax or noisy top-k routing into "slots"
// (K per row; dense softmax uses all E in order), the trainable-scale noise, and the auxiliary
// load-balance and router z-losses with their gradients. The gate MLP itself lives in mlp.h.
#pragma once
#include <cstdint>

namespace moe {

// reference: Shazeer et al. 2017, "Outrageously Large Neural Networks", eq. 4:
// noisy (B, E) = clean + eps ⊙ softplus(raw), eps (B, E) ~ N(0, 1) drawn by the caller.
void noise_forward(float* noisy, const float* clean, const float* raw, const float* eps, int B, int E);
// dclean (B, E) += dnoisy; draw (B, E) = dnoisy ⊙ eps ⊙ sigmoid(raw)  (softplus' = sigmoid).
void noise_backward(float* dclean, float* draw, const float* dnoisy, const float* raw, const float* eps, int B,
                    int E);

// reference: Shazeer et al. 2017, eqs. 3 and 5 (KeepTopK, then softmax).
// idx (B, K): the K largest logits of each row in descending order (ties: lower expert first);
// kept (B, K): those logits. Softmax gating is the case K = E with idx = 0..E-1 (softmax_slots).
void topk_slots(const float* logits, int B, int E, int K, int32_t* idx, float* kept);
void softmax_slots(const float* logits, int B, int E, int32_t* idx, float* kept);

// w (B, K) = softmax(kept), logw (B, K) = log_softmax(kept).
void slot_weights(const float* kept, int B, int K, float* w, float* logw);
// dkept (B, K) = w ⊙ (dw - sum_k w_k dw_k): the softmax backward, given dw (B, K).
void slot_weights_backward(float* dkept, const float* w, const float* dw, int B, int K);
// dlogits (B, E) += scatter of dkept (B, K) to the experts in idx.
void slots_scatter_add(float* dlogits, const float* dkept, const int32_t* idx, int B, int E, int K);

// Fraction f (E,) of the B*K (row, slot) assignments routed to each expert (sums to 1).
void routed_fraction(const int32_t* idx, int B, int E, int K, float* f);

// reference: Fedus, Zoph & Shazeer 2021 (Switch Transformer), eq. 4:
// loss = alpha * E * sum_i f_i * P_i, P_i = mean over rows of softmax(clean)_i; f is constant.
// probs (B, E) scratch receives softmax(clean). dclean (B, E) += d loss (when not null).
double load_balance_loss(const float* clean, const float* f, int B, int E, float alpha, float* probs,
                         float* dclean);

// reference: Zoph et al. 2022 (ST-MoE), eq. 5: loss = beta * mean_rows(logsumexp(clean)^2).
// dclean (B, E) += d loss (when not null).
double z_loss(const float* clean, int B, int E, float beta, float* dclean);

}  // namespace moe
