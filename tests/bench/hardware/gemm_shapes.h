// The GEMM shapes every kernel benchmark times (bench_kernels.cpp and hardware/eigen_gemm.cpp), so
// their GFLOP/s compare like for like: the seed's layers (B=32) and W2's (B=256, E=16, [256,256]).
#pragma once

namespace moe_bench {

struct Shape {
  int M, N, K;
  const char* what;
  bool w2;  // one of W2's layer shapes (the >= 70% of native -msse4.1 Eigen goal is taken over these)
};

inline constexpr Shape kGemmShapes[] = {
    {32, 64, 16, "seed W1 (B=32, D=16 -> 64)", false}, {32, 32, 64, "seed W2 (64 -> 32)", false},
    {32, 5, 32, "seed head (32 -> C=5)", false},       {32, 64, 26, "seed W1, D=26", false},
    {32, 32, 32, "gate (32 -> 32)", false},            {256, 256, 16, "W2 layer 1 (B=256, 16 -> 256)", true},
    {256, 256, 256, "W2 layer 2 (256 -> 256)", true},  {256, 26, 256, "W2 head (256 -> C=26)", true},
};

}  // namespace moe_bench
