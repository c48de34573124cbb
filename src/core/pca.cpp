// Two-component PCA with Eigen. See pca.h.
#include "core/pca.h"

#include <Eigen/Core>
#include <Eigen/Eigenvalues>
#include <algorithm>
#include <string>

namespace moe {

Status pca_2d(const float* x, long rows, int d, Pca2d* out) {
  if (rows < 2) return Status::invalid("project2d needs at least 2 rows, got " + std::to_string(rows));
  if (d < 1 || d > kMaxPcaFeatures)
    return Status::invalid("project2d needs 1 to " + std::to_string(kMaxPcaFeatures) + " features, got " + std::to_string(d));
  using RowMatrixF = Eigen::Matrix<float, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;
  Eigen::Map<const RowMatrixF> X(x, rows, d);                       // (N, D)
  if (!X.allFinite()) return Status::invalid("project2d: the features hold a non-finite value");
  const Eigen::RowVectorXd mean = X.cast<double>().colwise().mean();  // (D)
  const Eigen::MatrixXd Xc = X.cast<double>().rowwise() - mean;      // (N, D) centred
  // reference: sample covariance S = Xc^T Xc / (N - 1); its eigenvectors are the principal axes.
  const Eigen::MatrixXd S = (Xc.transpose() * Xc) / double(rows - 1);  // (D, D)
  Eigen::SelfAdjointEigenSolver<Eigen::MatrixXd> eig(S);
  if (eig.info() != Eigen::Success) return Status::numerical("project2d: the eigen decomposition did not converge");
  const Eigen::VectorXd& values = eig.eigenvalues();   // (D) ascending
  const Eigen::MatrixXd& vectors = eig.eigenvectors(); // (D, D) columns
  const double total = values.cwiseMax(0.0).sum();
  Pca2d r;
  r.mean.assign(mean.data(), mean.data() + d);
  r.components.assign(size_t(2) * size_t(d), 0.0);
  Eigen::MatrixXd W = Eigen::MatrixXd::Zero(d, 2);      // (D, 2)
  for (int c = 0; c < 2 && c < d; ++c) {
    const int k = d - 1 - c;
    Eigen::VectorXd v = vectors.col(k);
    Eigen::Index at;
    v.cwiseAbs().maxCoeff(&at);
    if (v(at) < 0) v = -v;                               // a fixed sign, so the map does not flip between runs
    W.col(c) = v;
    for (int j = 0; j < d; ++j) r.components[size_t(c) * size_t(d) + size_t(j)] = v(j);
    r.explained[c] = total > 0 ? std::max(0.0, values(k)) / total : 0.0;
  }
  const Eigen::MatrixXd Z = Xc * W;                      // (N, 2)
  r.x.resize(size_t(rows));
  r.y.resize(size_t(rows));
  for (long i = 0; i < rows; ++i) {
    r.x[size_t(i)] = float(Z(i, 0));
    r.y[size_t(i)] = float(Z(i, 1));
  }
  *out = std::move(r);
  return Status::ok();
}

}  // namespace moe
