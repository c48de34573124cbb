// The mixture on top of the routed expert outputs: classification mixture likelihood (in log
// space) and the gate-weighted regression mean with MSE, forward and backward. Works on "slots"
// (gate.h): slot (i, k) of row i reads expert output row pos[i*K + k] of a pooled buffer.
#pragma once
#include <cstdint>

namespace moe {

struct Slots {
  int B = 0, K = 0;
  const int32_t* pos = nullptr;  // (B, K): row of the pooled expert-output buffer
  const float* w = nullptr;      // (B, K): gate weight of the slot (sums to 1 per row)
  const float* logw = nullptr;   // (B, K): log of w, computed as a log_softmax
};

struct MixtureSums {
  double loss = 0;     // sum over rows of the row loss
  double correct = 0;  // classification: rows whose argmax of the mixture == label
  double sse = 0, sum_y = 0, sum_y2 = 0;  // regression
};

// reference: Jacobs, Jordan, Nowlan & Hinton 1991, mixture likelihood: row loss =
// -log sum_k w_k p_k[y] = -logsumexp_k(log w_k + lp_k[y]).
// lp, pe (pooled, C): expert log-probabilities and probabilities (softmax of the same logits, so
// no exp runs here per class). y (B,) or nullptr (no loss). probs (B, C) or nullptr: the mixture's
// class probabilities sum_k w_k pe_k. Rows are independent: a caller may pass a row range of the
// slots (pointers offset by r0) and sum the returned sums over ranges in a fixed order.
MixtureSums mixture_class_forward(const Slots& s, const float* lp, const float* pe, const int32_t* y, int C,
                                  float* probs);
// With responsibilities r_k = softmax_k(log w_k + lp_k[y]), times scale (1/B for the mean):
// dlogits (pooled, C) rows of the slots = r_k (pe_k - onehot(y)); dkept (B, K) = w_k - r_k
// (the gradient w.r.t. the kept gate logits, through the slot softmax).
void mixture_class_backward(const Slots& s, const float* lp, const float* pe, const int32_t* y, int C, float scale,
                            float* dlogits, float* dkept);

// Regression: pred (B, C) = sum_k w_k out_k; row loss = mean over C of (pred - t)^2 (Keras MSE).
// t (B, C) or nullptr (prediction only).
MixtureSums mixture_reg_forward(const Slots& s, const float* out, const float* t, int C, float* pred);
// dout (pooled, C) rows of the slots = w_k dpred; dkept (B, K) through the slot softmax, where
// dpred = scale * 2 (pred - t) / C. dw (B, K) is scratch.
void mixture_reg_backward(const Slots& s, const float* out, const float* t, const float* pred, int C, float scale,
                          float* dout, float* dw, float* dkept);

}  // namespace moe
