// Diagnostics of a trained Model: how the gate spreads rows over experts (overall and per true
// class). Read-only over the model; not training (trainer.h).
#pragma once
#include <cstdint>
#include <vector>

#include "core/model.h"
#include "base/status.h"

namespace moe {

struct GateShare {
  long rows = 0;
  std::vector<double> mean_weight;  // (E,) mean gate weight of each expert over the rows (sums to 1)
  std::vector<double> top_fraction; // (E,) fraction of rows whose largest gate weight is expert e (ties: lowest e)
};

struct ClassUsage {
  int classes = 0, experts = 0;
  std::vector<long> class_rows;      // (C,) rows of each true class
  std::vector<double> mean_weight;   // (C, E) mean gate weight per expert over the rows of class c (0 when no rows)
};

// Gate share over x (rows, D), computed in chunks (no allocation proportional to rows).
Status gate_share(Model* model, const float* x, long rows, GateShare* out);

// Per-class expert usage (classification only): classes (rows,) in [0, C).
Status class_usage(Model* model, const float* x, const int32_t* classes, long rows, ClassUsage* out);

}  // namespace moe
