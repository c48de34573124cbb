// Dense layer y = act(x·W + b) over the kernels: forward and backward for one (sub-)batch.
// Weights are stored (in, out). Not an owner of memory: every buffer is passed in.
#pragma once
#include "kernels/kernels.h"

namespace moe {

// y (B, OUT) = act(x (B, IN) · w (IN, OUT) + b (OUT)). pre (B, OUT) receives x·w + b when the
// activation is not Identity (backward needs it); pass nullptr for Identity.
void dense_forward(float* y, float* pre, const float* x, const float* w, const float* b, int B, int IN, int OUT,
                   kernels::Act act);

// dy (B, OUT) is the gradient w.r.t. y; it is overwritten with dz = dy ⊙ act'(pre).
// dw (IN, OUT) += x^T·dz, db (OUT) += column sums of dz, dx (B, IN) = dz·w^T (skipped when null).
void dense_backward(float* dx, float* dw, float* db, float* dy, const float* pre, const float* x, const float* w,
                    int B, int IN, int OUT, kernels::Act act);

}  // namespace moe
