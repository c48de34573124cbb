// xsimd GEMMs (nn, nt, tn): one register-blocked micro-kernel, written once for any xsimd arch.
// op(B) is packed panel by panel into zero-padded (K, NR) scratch, so the transposed products run
// the same inner loop as the plain one. Not here: the scalar twins (reference/f32_gemm_ref.cpp).
#if MOE_SIMD
#include <cstddef>
#include <algorithm>
#include <vector>

#include "kernels/kernels.h"
#include "kernels/simd_util.h"  // includes xsimd

namespace moe::kernels {
namespace {

using std::ptrdiff_t;

// Strided view of a matrix operand: element (r, c) is at p[r * rs + c * cs].
struct View {
  const float* p;
  ptrdiff_t rs, cs;
};

template <class Arch>
struct Gemm {
  using Vec = xsimd::batch<float, Arch>;
  static constexpr int W = static_cast<int>(Vec::size);  // floats per vector
  // Rows of C per micro-tile. 4x2 vectors = 8 accumulators + 2 B vectors + 1 broadcast fits the 16
  // vector registers V8 has on x86-64; 6 and 8 rows spilled and ran 3x slower in Node 20 (measured).
  static constexpr int MR = 4;
  static constexpr int NV = 2;                           // vectors of columns per micro-tile
  static constexpr int NR = NV * W;                      // columns of C per micro-tile

  // Packs columns [j0, j0+nr) of op(B) (K, N) into panel(K, nvp*W), zero-padding columns nr..nvp*W.
  static void pack_panel(int K, View b, int j0, int nr, int nvp, float* panel) {
    const int ld = nvp * W;
    if (b.cs == 1 && nr == ld) {  // full panel, rows of op(B) contiguous (nn, tn): vector copies
      for (int k = 0; k < K; k++)
        for (int v = 0; v < nvp; v++)
          Vec::load_unaligned(b.p + k * b.rs + j0 + v * W).store_unaligned(panel + (std::size_t)k * ld + v * W);
    } else if (b.cs == 1) {  // narrow last panel of nn, tn
      for (int k = 0; k < K; k++) {
        float* dst = panel + (std::size_t)k * ld;  // (ld,)
        const float* src = b.p + k * b.rs + j0;    // (nr,)
        for (int j = 0; j < ld; j++) dst[j] = j < nr ? src[j] : 0.0f;
      }
    } else {  // columns of op(B) are contiguous: nt (B is (N, K))
      for (int j = 0; j < nr; j++) {
        const float* src = b.p + (ptrdiff_t)(j0 + j) * b.cs;  // (K,) with stride rs
        for (int k = 0; k < K; k++) panel[(std::size_t)k * ld + j] = src[k * b.rs];
      }
      for (int k = 0; k < K; k++)
        for (int j = nr; j < ld; j++) panel[(std::size_t)k * ld + j] = 0.0f;
    }
  }

  // C[0:mr, 0:nr] (+)= op(A)[0:mr, 0:K] · panel(K, nv*W). mr, nv are compile-time; nr <= nv*W.
  template <int mr, int nv>
  static void tile(int K, View a, const float* panel, float* c, int ldc, int nr, bool accumulate) {
    Vec acc[mr][nv];
    for (int r = 0; r < mr; r++)
      for (int v = 0; v < nv; v++) acc[r][v] = Vec(0.0f);
    const float* ap = a.p;
    for (int k = 0; k < K; k++) {
      Vec bv[nv];
      for (int v = 0; v < nv; v++) bv[v] = Vec::load_unaligned(panel + (std::size_t)k * nv * W + v * W);
      for (int r = 0; r < mr; r++) {
        const Vec ar(ap[r * a.rs]);
        for (int v = 0; v < nv; v++) acc[r][v] = xsimd::fma(ar, bv[v], acc[r][v]);
      }
      ap += a.cs;
    }
    if (nr == nv * W) {
      for (int r = 0; r < mr; r++) {
        float* cr = c + (std::size_t)r * ldc;
        for (int v = 0; v < nv; v++) {
          Vec out = acc[r][v];
          if (accumulate) out += Vec::load_unaligned(cr + v * W);
          out.store_unaligned(cr + v * W);
        }
      }
    } else {
      alignas(64) float tmp[nv * W];
      for (int r = 0; r < mr; r++) {
        float* cr = c + (std::size_t)r * ldc;
        for (int v = 0; v < nv; v++) acc[r][v].store_unaligned(tmp + v * W);
        if (accumulate) {
          for (int j = 0; j < nr; j++) cr[j] += tmp[j];
        } else {
          for (int j = 0; j < nr; j++) cr[j] = tmp[j];
        }
      }
    }
  }

  // The last mr < MR rows: picks tile<mr, nv> for the runtime mr.
  template <int nv, int m = MR - 1>
  static void row_edge(int mr, int K, View a, const float* panel, float* c, int ldc, int nr, bool acc) {
    if constexpr (m >= 1) {
      if (mr == m) return tile<m, nv>(K, a, panel, c, ldc, nr, acc);
      row_edge<nv, m - 1>(mr, K, a, panel, c, ldc, nr, acc);
    }
  }

  // All columns of one panel, all rows of C.
  template <int nv>
  static void panel_rows(int M, int K, View a, const float* panel, float* c, int ldc, int nr, bool acc) {
    int i = 0;
    for (; i + MR <= M; i += MR)
      tile<MR, nv>(K, View{a.p + i * a.rs, a.rs, a.cs}, panel, c + (std::size_t)i * ldc, ldc, nr, acc);
    if (i < M) row_edge<nv>(M - i, K, View{a.p + i * a.rs, a.rs, a.cs}, panel, c + (std::size_t)i * ldc, ldc, nr, acc);
  }

  // C(M,N) (+)= op(A)(M,K) · op(B)(K,N).
  static void run(int M, int N, int K, View a, View b, float* C, bool accumulate) {
    if (M <= 0 || N <= 0) return;
    if (K <= 0) {  // an empty product: A and B may be null, so no pointer arithmetic on them
      if (!accumulate) std::fill(C, C + (std::size_t)M * N, 0.0f);
      return;
    }
    thread_local std::vector<float> scratch;  // one packed panel (K, NR), reused across calls
    const std::size_t need = (std::size_t)(K > 0 ? K : 1) * NR;
    if (scratch.size() < need) scratch.resize(need);
    float* panel = scratch.data();
    for (int j0 = 0; j0 < N; j0 += NR) {
      const int nr = N - j0 < NR ? N - j0 : NR;
      float* c = C + j0;
      if (nr > W) {
        pack_panel(K, b, j0, nr, NV, panel);
        panel_rows<NV>(M, K, a, panel, c, N, nr, accumulate);
      } else {  // a narrow last panel: one vector of columns is enough
        pack_panel(K, b, j0, nr, 1, panel);
        panel_rows<1>(M, K, a, panel, c, N, nr, accumulate);
      }
    }
  }
};

using G = Gemm<xsimd::default_arch>;

}  // namespace

void f32_gemm_nn_simd(int M, int N, int K, const float* A, const float* B, float* C, bool accumulate) {
  G::run(M, N, K, View{A, K, 1}, View{B, N, 1}, C, accumulate);  // A(M,K), B(K,N)
}

void f32_gemm_nt_simd(int M, int N, int K, const float* A, const float* B, float* C, bool accumulate) {
  G::run(M, N, K, View{A, K, 1}, View{B, 1, K}, C, accumulate);  // A(M,K), B(N,K): op(B)(k,j) = B[j*K+k]
}

void f32_gemm_tn_simd(int M, int N, int K, const float* A, const float* B, float* C, bool accumulate) {
  G::run(M, N, K, View{A, 1, M}, View{B, N, 1}, C, accumulate);  // A(K,M): op(A)(i,k) = A[k*M+i]
}

}  // namespace moe::kernels
#endif  // MOE_SIMD
