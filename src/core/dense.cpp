// Dense layer forward/backward: three GEMMs and the fused bias+activation kernels.
#include "core/dense.h"

namespace moe {

void dense_forward(float* y, float* pre, const float* x, const float* w, const float* b, int B, int IN, int OUT,
                   kernels::Act act) {
  if (B <= 0) return;
  kernels::f32_gemm_nn(B, OUT, IN, x, w, y, false);  // y = x · w
  kernels::f32_bias_act(B, OUT, y, b, act, act == kernels::Act::Identity ? nullptr : pre);
}

void dense_backward(float* dx, float* dw, float* db, float* dy, const float* pre, const float* x, const float* w,
                    int B, int IN, int OUT, kernels::Act act) {
  if (B <= 0) return;
  if (act != kernels::Act::Identity) kernels::f32_act_backward(B, OUT, dy, pre, act, dy);  // dz in place
  kernels::f32_gemm_tn(IN, OUT, B, x, dy, dw, true);                                      // dw += x^T · dz
  kernels::f32_bias_backward(B, OUT, dy, db);                                             // db += sum dz
  if (dx) kernels::f32_gemm_nt(B, IN, OUT, dy, w, dx, false);                             // dx = dz · w^T
}

}  // namespace moe
