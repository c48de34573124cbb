// Principal component analysis to two dimensions (the demo's expert map): the covariance of the
// encoded features, its two leading eigenvectors (Eigen's SelfAdjointEigenSolver) and every row's
// coordinates on them. Not a general PCA (no whitening, no more components).
#pragma once
#include <vector>

#include "base/status.h"

namespace moe {

constexpr int kMaxPcaFeatures = 2048;  // the covariance is (D, D): beyond this the map is refused

struct Pca2d {
  std::vector<float> x, y;         // (rows) coordinates on the first and second component
  double explained[2] = {0, 0};    // share of the total variance each component explains (0..1)
  std::vector<double> components;  // (2, D) row-major unit vectors; sign: largest |loading| positive
  std::vector<double> mean;        // (D) the centre the rows were projected around
};

// x (rows, D) row-major. Needs rows >= 2 and 1 <= D <= kMaxPcaFeatures. With D == 1 the second
// component is zero; with zero total variance both explained shares are 0.
Status pca_2d(const float* x, long rows, int d, Pca2d* out);

}  // namespace moe
