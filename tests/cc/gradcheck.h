// A reusable central-difference (five-point) gradient checker for the tests: perturbs float parameters, sums
// the float loss in double, and reports the worst relative error with the tensor name. It is not
// a test by itself (see test_gradcheck.cpp and test_model.cpp).
#pragma once
#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <limits>
#include <sstream>
#include <string>
#include <vector>

#include "core/rng.h"

namespace moe::test {

// One checked tensor: values x (n,) that the loss reads, and the analytic gradient (n,).
struct GradTarget {
  std::string name;
  float* x;
  const float* grad;
  std::size_t n;
};

struct GradCheckOptions {
  double step = 3e-2;         // h = step * max(1, |x|) (relative for large values)
  double abs_floor = 1e-3;    // relative error = |a - n| / max(|a|, |n|, abs_floor)
  std::size_t max_elements = 300;  // sampled with a seeded Rng when there are more
  uint64_t seed = 7;
  // > 0: skip a coordinate whose stencil x-2h..x+2h holds a kink (a ReLU at 0) the loss cannot
  // report itself: either the central differences at h and 2h disagree, or the fourth difference
  // (zero up to O(h^4) for a smooth loss) is large, relative to the derivative. Together they
  // detect a kink anywhere in the stencil, also exactly at x where the first alone is blind.
  // The decision never looks at the analytic gradient, so it cannot hide a wrong one.
  double kink_tolerance = 0;
  // A check of too few coordinates proves little: when fewer than this fraction of the sampled
  // coordinates could be checked (the rest skipped at kinks or routing changes), the result
  // reports an infinite error, so every `worst < tolerance` assertion fails.
  double min_checked_fraction = 0.5;
};

struct GradCheckResult {
  double worst = 0;           // worst relative error over the checked coordinates
  std::string worst_name;     // "<tensor>[index]"
  double worst_analytic = 0, worst_numeric = 0;
  int checked = 0, skipped = 0;
  std::string summary() const {
    std::ostringstream s;
    s << "worst relative error " << worst << " at " << worst_name << " (analytic " << worst_analytic
      << ", numeric " << worst_numeric << "); " << checked << " checked, " << skipped << " skipped";
    return s.str();
  }
};

// loss() evaluates the loss at the current values; it returns NaN to ask for the coordinate to
// be skipped (a ReLU kink or a top-k routing change crossed by the step).
inline GradCheckResult gradcheck(const std::function<double()>& loss, const std::vector<GradTarget>& targets,
                                 const GradCheckOptions& opt = GradCheckOptions()) {
  std::vector<std::pair<std::size_t, std::size_t>> coords;  // (target, index)
  for (std::size_t t = 0; t < targets.size(); t++)
    for (std::size_t i = 0; i < targets[t].n; i++) coords.emplace_back(t, i);
  if (coords.size() > opt.max_elements) {
    Rng rng(opt.seed);
    rng.shuffle(coords.data(), coords.size());
    coords.resize(opt.max_elements);
  }
  GradCheckResult r;
  for (const auto& c : coords) {
    const GradTarget& t = targets[c.first];
    float* x = t.x + c.second;
    const float x0 = *x;
    const double h = opt.step * std::max(1.0, std::fabs((double)x0));
    // Five-point central stencil: truncation O(h^4), so h can be large enough that the float
    // rounding of the loss stays far below the gradient. Steps are the float-rounded ones.
    const float xp = (float)(x0 + h), xm = (float)(x0 - h), xp2 = (float)(x0 + 2 * h), xm2 = (float)(x0 - 2 * h);
    *x = xp;
    const double lp = loss();
    *x = xm;
    const double lm = loss();
    *x = xp2;
    const double lp2 = loss();
    *x = xm2;
    const double lm2 = loss();
    *x = x0;
    if (!std::isfinite(lp) || !std::isfinite(lm) || !std::isfinite(lp2) || !std::isfinite(lm2)) {
      r.skipped++;
      continue;
    }
    const double d1 = (lp - lm) / ((double)xp - (double)xm), d2 = (lp2 - lm2) / ((double)xp2 - (double)xm2);
    if (opt.kink_tolerance > 0) {
      const double l0 = loss();
      const double fourth = std::fabs(lp2 - 4 * lp + 6 * l0 - 4 * lm + lm2) / (4 * h);
      const double limit = opt.kink_tolerance * std::max({std::fabs(d1), std::fabs(d2), opt.abs_floor});
      if (!std::isfinite(l0) || std::fabs(d1 - d2) > limit || fourth > limit) {
        r.skipped++;
        continue;
      }
    }
    const double numeric = (4.0 * d1 - d2) / 3.0;
    const double analytic = t.grad[c.second];
    const double err = std::fabs(analytic - numeric) /
                       std::max({std::fabs(analytic), std::fabs(numeric), opt.abs_floor});
    r.checked++;
    if (r.worst_name.empty() || err > r.worst) {
      r.worst = err;
      r.worst_name = t.name + "[" + std::to_string(c.second) + "]";
      r.worst_analytic = analytic;
      r.worst_numeric = numeric;
    }
  }
  loss();  // leave any caches consistent with the restored values
  if (r.checked == 0 || r.checked < opt.min_checked_fraction * static_cast<double>(coords.size())) {
    r.worst = std::numeric_limits<double>::infinity();
    r.worst_name = "too few coordinates checked (" + std::to_string(r.checked) + " of " +
                   std::to_string(coords.size()) + ")";
  }
  return r;
}

}  // namespace moe::test
