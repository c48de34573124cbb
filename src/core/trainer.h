// Trainer: the mini-batch training loop of a Model, run in chunks of at most N batches so a caller
// (the JS layer) can yield between chunks. Owns copies of the data, the shuffle and noise RNGs, the
// optimizer, validation, early stopping and divergence handling. Not the network (model.h).
#pragma once
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "core/metrics.h"
#include "core/model.h"
#include "core/optimizer.h"
#include "core/rng.h"
#include "base/config.h"
#include "base/status.h"

namespace moe {

// Rows of data, borrowed. x is (rows, D); classification uses classes (rows,), regression values
// (rows, C); the other pointer is nullptr.
struct DataView {
  const float* x = nullptr;          // (rows, D)
  const int32_t* classes = nullptr;  // (rows,)
  const float* values = nullptr;     // (rows, C)
  long rows = 0;
};

// Rows the trainer owns (moved in, so a caller that built them for the fit holds no second copy).
struct FitData {
  std::vector<float> x;          // (rows, D)
  std::vector<int32_t> classes;  // (rows,) classification
  std::vector<float> values;     // (rows, C) regression
  long rows = 0;
  DataView view() const;
};

// After each batch. loss/accuracy are running means over the epoch so far (as Keras reports them).
struct BatchLogs {
  int epoch = 0;         // 0-based
  int batch = 0;         // 0-based within the epoch
  int rows = 0;          // rows in this batch
  double batch_loss = 0; // this batch's mean total loss
  double loss = 0;       // running mean over the epoch
  double accuracy = 0;   // classification: running accuracy over the epoch
};

// After each epoch. Training values are over the epoch's batches (row-weighted, taken while the
// weights moved, as Keras reports them); validation values are a full pass after the epoch.
struct EpochLogs {
  int epoch = 0;  // 0-based
  Metrics train;
  bool has_validation = false;
  Metrics validation;
};

struct ChunkResult {
  std::vector<BatchLogs> batches;  // one per batch run in this chunk, in order
  bool epoch_ended = false;        // a chunk ends at an epoch boundary; then `epoch` is filled
  EpochLogs epoch;
  bool finished = false;           // all epochs done or early stopped: further run() calls do nothing
  bool early_stopped = false;
  int stopped_epoch = -1;          // epoch at which early stopping fired
  int best_epoch = -1;             // epoch whose monitored value was best (early stopping only)
  int batch_in_epoch = 0;          // index of the next batch within the current epoch
};

class Trainer {
 public:
  // Copies the data. `validation` may be null; then options.validation_split (in [0, 1)) splits off
  // the last fraction of `train` (before any shuffling). The model must have capacity >= batch_size.
  static Status create(Model* model, const DataView& train, const DataView* validation,
                       const FitOptions& options, std::unique_ptr<Trainer>* out);
  // The same, taking the rows instead of copying them (validation may be null; when not, it is moved from).
  static Status create(Model* model, FitData train, FitData* validation, const FitOptions& options,
                       std::unique_ptr<Trainer>* out);
  ~Trainer();

  // Runs at most max_batches (>= 1) batches, stopping early at the end of an epoch. On a non-finite
  // loss, gradient or update, returns Status::numerical naming epoch and batch; the model keeps its
  // last finite weights and training is over (finished() becomes true).
  Status run(int max_batches, ChunkResult* out);

  // Ends training: restores the best weights when early stopping asked for it (also after a
  // cancelled run). Idempotent.
  Status finish();

  bool finished() const;
  bool restored_best() const;      // finish() put the best epoch's weights back
  int batch_in_epoch() const;      // index of the next batch within the current epoch

  // Evaluates the model on data in chunks of its capacity (no noise, no update).
  static Status evaluate(Model* model, const DataView& data, Metrics* out);

 private:
  Trainer();
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// Checks a DataView against a config: non-null pointers, rows > 0, finite features, labels in
// [0, C) (classification) or finite (regression). `what` names the data in messages ("training data").
Status check_data(const ModelConfig& config, const DataView& data, const char* what);

}  // namespace moe
