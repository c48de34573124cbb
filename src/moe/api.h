// The public C++ API of moe-wasm: one coarse model object (create / load, predict, gate, evaluate,
// summary, save, chunked fit, diagnostics) that the Embind layer wraps one to one. No Emscripten
// here, no exceptions: every fallible call returns a Status. Not the TS API (bindings/ts).
#pragma once
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "core/diagnostics.h"
#include "core/metrics.h"
#include "core/model.h"
#include "core/trainer.h"
#include "base/config.h"
#include "base/status.h"

namespace moe {

// Size and cost of a model, as summary() reports it (the facade's own record: the parts are the core's).
struct ModelSummary {
  std::size_t parameters = 0;       // P, all trainable floats
  int experts = 0;                  // E
  int input_dim = 0, output_dim = 0;
  double flops_per_sample = 0;      // forward pass of one row (2 per multiply-add), used experts only
  std::vector<TensorView> layers;   // every tensor of the flat buffer, in buffer order
};

class MoeModel {
 public:
  // Validates the config and builds a model with Glorot-uniform weights from config.seed.
  static Status create(const ModelConfig& config, std::unique_ptr<MoeModel>* out);
  // Bytes create() will allocate and the parameter count (both 0 for an invalid config), so callers
  // can check free memory first.
  static double memory_bytes(const ModelConfig& config, std::size_t* params = nullptr);

  // Reads a model file written by save(). Corrupt, truncated or foreign bytes give a Status naming
  // the problem (never a crash). schema_json (may be null) receives the string passed to save().
  static Status load(const uint8_t* bytes, std::size_t len, std::unique_ptr<MoeModel>* out,
                     std::string* schema_json);

  ~MoeModel();

  // The configuration the model was built with.
  const ModelConfig& config() const;

  // x (rows, D) -> out (rows, C): class probabilities (classification) or values (regression).
  // out must hold rows * C floats. Non-finite features are rejected with row and column.
  Status predict(const float* x, long rows, float* out);

  // x (rows, D) -> out (rows, E): each row's gate weight per expert (zeros for experts top-k left out).
  Status gate(const float* x, long rows, float* out);

  // Loss and metrics over x (rows, D) with labels: classes (rows,) int32 in [0, C) for
  // classification, values (rows, C) float for regression (pass nullptr for the other).
  // Classification fills loss and accuracy; regression loss, rmse and r2.
  Status evaluate(const float* x, const int32_t* classes, const float* values, long rows, Metrics* out);

  // Parameter count, experts, FLOPs per sample and the shape of every tensor.
  ModelSummary summary() const;

  // Serialises the model (versioned, CRC-checked, see io/checkpoint.h) with an opaque UTF-8 string,
  // normally the dataset schema JSON, that load() hands back.
  Status save(const std::string& schema_json, std::vector<uint8_t>* out) const;

  // Starts a fit: copies the training data (and validation data, may be null) so the caller's
  // buffers may go away; validation_split applies only when validation is null. Fails if a fit is
  // already in progress. Seeds: options.seed when has_seed, else config().seed.
  Status begin_fit(const DataView& train, const DataView* validation, const FitOptions& options);
  // The same, taking the rows instead of copying them: a caller that built them for this fit (the
  // bindings) keeps one copy of the data in memory, not two. validation may be null (moved from if not).
  Status begin_fit(FitData train, FitData* validation, const FitOptions& options);

  // Runs at most max_batches batches (stopping at the end of an epoch; the trainer's ChunkResult). A
  // divergent step returns Status::numerical naming epoch and batch; the model keeps its last finite
  // weights. When `finished` is set, call end_fit().
  Status fit_run(int max_batches, ChunkResult* out);

  // Ends the fit (finished or cancelled): restores the best weights when early stopping asked for
  // it and frees the copied data. restored (may be null) says whether weights were put back.
  // Calling it without a fit in progress is a no-op.
  Status end_fit(bool* restored);

  // True between begin_fit and end_fit.
  bool fitting() const;

  // Epoch logs of the current (or last) fit, in order.
  const std::vector<EpochLogs>& history() const;

  // Mean gate weight per expert and the fraction of rows each expert is the top choice for.
  Status gate_share(const float* x, long rows, GateShare* out);

  // Classification only: (C, E) mean gate weight per expert over the rows of each true class.
  Status class_usage(const float* x, const int32_t* classes, long rows, ClassUsage* out);

  // The underlying network (for tests and tools; the bindings do not need it).
  Model* model();

 private:
  MoeModel();
  Status ensure_capacity(int rows);
  Status prepare_fit(long rows, FitOptions* options);  // checks, clamps the batch, sizes the model
  Status check_features(const float* x, long rows, const char* what) const;
  std::unique_ptr<Model> model_;
  std::unique_ptr<Trainer> trainer_;
  std::vector<EpochLogs> history_;
};

}  // namespace moe
