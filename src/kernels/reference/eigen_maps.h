// Row-major Eigen views of the kernels' raw buffers, for the reference twins. Scalar Eigen
// (EIGEN_DONT_VECTORIZE, set for every target in CMakeLists.txt): the references say what a kernel
// computes; the speed is the xsimd variants' job (faster than Eigen in wasm, which it cannot vectorize).
#pragma once
#include <Eigen/Core>

namespace moe::kernels::ref {

using RowMajor = Eigen::Matrix<float, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;

inline Eigen::Map<RowMajor> mat(float* p, int rows, int cols) { return {p, rows, cols}; }
inline Eigen::Map<const RowMajor> mat(const float* p, int rows, int cols) { return {p, rows, cols}; }
inline Eigen::Map<Eigen::ArrayXf> arr(float* p, std::size_t n) { return {p, static_cast<Eigen::Index>(n)}; }
inline Eigen::Map<const Eigen::ArrayXf> arr(const float* p, std::size_t n) { return {p, static_cast<Eigen::Index>(n)}; }
inline Eigen::Map<const Eigen::RowVectorXf> row(const float* p, int n) { return {p, n}; }
inline Eigen::Map<Eigen::RowVectorXf> row(float* p, int n) { return {p, n}; }

// C = product, or C += product (the GEMMs' accumulate flag).
template <class Out, class Product>
void store(Out&& c, const Product& product, bool accumulate) {
  if (accumulate) c.noalias() += product;
  else c.noalias() = product;
}

}  // namespace moe::kernels::ref
