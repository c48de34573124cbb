// MoeModel: the coarse facade over Model, Trainer, checkpoint and diagnostics (see api.h).
#include "moe/api.h"

#include <cmath>
#include <cstring>

#include "io/checkpoint.h"

namespace moe {

namespace {
constexpr int kDefaultCapacity = 256;  // rows per forward call for inference
}

MoeModel::MoeModel() = default;
MoeModel::~MoeModel() = default;

Status MoeModel::create(const ModelConfig& config, std::unique_ptr<MoeModel>* out) {
  if (out == nullptr) return Status::invalid("MoeModel::create: null output");
  std::unique_ptr<MoeModel> m(new MoeModel);
  MOE_RETURN_IF_ERROR(Model::create(config, kDefaultCapacity, &m->model_));
  *out = std::move(m);
  return Status::ok();
}

double MoeModel::memory_bytes(const ModelConfig& config, std::size_t* params) {
  return Model::memory_bytes(config, kDefaultCapacity, params);
}

Status MoeModel::load(const uint8_t* bytes, std::size_t len, std::unique_ptr<MoeModel>* out,
                      std::string* schema_json) {
  if (out == nullptr) return Status::invalid("MoeModel::load: null output");
  io::Checkpoint file;
  MOE_RETURN_IF_ERROR(io::read_checkpoint(bytes, len, &file));
  std::unique_ptr<MoeModel> m(new MoeModel);
  Status s = Model::create(file.config, kDefaultCapacity, &m->model_);
  if (!s.is_ok()) return Status::corrupt("model file configuration cannot be built: " + s.message());
  if (m->model_->num_params() != file.params.size())
    return Status(StatusCode::Internal, "model file holds " + std::to_string(file.params.size()) +
                                            " parameters but its configuration needs " + std::to_string(m->model_->num_params()));
  std::memcpy(m->model_->params(), file.params.data(), sizeof(float) * file.params.size());
  if (schema_json) *schema_json = std::move(file.schema_json);
  *out = std::move(m);
  return Status::ok();
}

const ModelConfig& MoeModel::config() const { return model_->config(); }
Model* MoeModel::model() { return model_.get(); }
bool MoeModel::fitting() const { return trainer_ != nullptr; }
const std::vector<EpochLogs>& MoeModel::history() const { return history_; }

Status MoeModel::check_features(const float* x, long rows, const char* what) const {
  if (rows <= 0) return Status::invalid(std::string(what) + ": needs at least one row, got " + std::to_string(rows));
  if (x == nullptr) return Status::invalid(std::string(what) + ": features are missing");
  const int D = config().input_dim;
  for (long r = 0; r < rows; r++)
    for (int j = 0; j < D; j++)
      if (!std::isfinite(x[r * D + j]))
        return Status::invalid(std::string(what) + ": feature " + std::to_string(j) + " of row " + std::to_string(r) +
                               " is not a finite number");
  return Status::ok();
}

// Rebuilds the network with room for `rows` rows per call, keeping the weights.
Status MoeModel::ensure_capacity(int rows) {
  if (rows <= model_->capacity()) return Status::ok();
  std::unique_ptr<Model> bigger;
  MOE_RETURN_IF_ERROR(Model::create(model_->config(), rows, &bigger));
  if (bigger->num_params() != model_->num_params()) return Status(StatusCode::Internal, "parameter count changed with capacity");
  std::memcpy(bigger->params(), model_->params(), sizeof(float) * model_->num_params());
  model_ = std::move(bigger);
  return Status::ok();
}

Status MoeModel::predict(const float* x, long rows, float* out) {
  MOE_RETURN_IF_ERROR(check_features(x, rows, "predict"));
  if (out == nullptr) return Status::invalid("predict: null output");
  return model_->predict(x, rows, out);
}

Status MoeModel::gate(const float* x, long rows, float* out) {
  MOE_RETURN_IF_ERROR(check_features(x, rows, "gate"));
  if (out == nullptr) return Status::invalid("gate: null output");
  return model_->gate(x, rows, out);
}

Status MoeModel::evaluate(const float* x, const int32_t* classes, const float* values, long rows, Metrics* out) {
  if (out == nullptr) return Status::invalid("evaluate: null output");
  DataView d;
  d.x = x;
  d.classes = classes;
  d.values = values;
  d.rows = rows;
  MOE_RETURN_IF_ERROR(check_data(config(), d, "evaluate data"));
  return Trainer::evaluate(model_.get(), d, out);
}

ModelSummary MoeModel::summary() const {
  ModelSummary s;
  const ModelConfig& c = config();
  s.parameters = model_->num_params();
  s.experts = c.experts;
  s.input_dim = c.input_dim;
  s.output_dim = c.output_dim;
  s.flops_per_sample = model_->flops_per_sample();
  s.layers = model_->tensors();
  return s;
}

Status MoeModel::save(const std::string& schema_json, std::vector<uint8_t>* out) const {
  return io::write_checkpoint(model_->config(), model_->params(), model_->num_params(), schema_json, out);
}

Status MoeModel::begin_fit(const DataView& train, const DataView* validation, const FitOptions& options) {
  FitOptions o = options;
  MOE_RETURN_IF_ERROR(prepare_fit(train.rows, &o));
  return Trainer::create(model_.get(), train, validation, o, &trainer_);
}

Status MoeModel::begin_fit(FitData train, FitData* validation, const FitOptions& options) {
  FitOptions o = options;
  MOE_RETURN_IF_ERROR(prepare_fit(train.rows, &o));
  return Trainer::create(model_.get(), std::move(train), validation, o, &trainer_);
}

Status MoeModel::prepare_fit(long rows, FitOptions* o) {
  if (trainer_) return Status::invalid("a fit is already in progress on this model (call end_fit first)");
  MOE_RETURN_IF_ERROR(validate(*o));
  // A batch larger than the data is one batch of every row (Keras); the model's working buffers are
  // sized by the batch, so clamp it instead of allocating room for rows that do not exist.
  if (rows > 0 && o->batch_size > rows) o->batch_size = static_cast<int>(rows);
  MOE_RETURN_IF_ERROR(ensure_capacity(o->batch_size));
  history_.clear();
  return Status::ok();
}

Status MoeModel::fit_run(int max_batches, ChunkResult* out) {
  if (out == nullptr) return Status::invalid("fit_run: null output");
  *out = ChunkResult();
  if (!trainer_) return Status::invalid("fit_run called without begin_fit");
  Status s = trainer_->run(max_batches, out);
  if (out->epoch_ended) history_.push_back(out->epoch);
  return s;
}

Status MoeModel::end_fit(bool* restored) {
  if (restored) *restored = false;
  if (!trainer_) return Status::ok();
  Status s = trainer_->finish();
  if (restored) *restored = trainer_->restored_best();
  trainer_.reset();
  return s;
}

Status MoeModel::gate_share(const float* x, long rows, GateShare* out) {
  MOE_RETURN_IF_ERROR(check_features(x, rows, "gate share"));
  return moe::gate_share(model_.get(), x, rows, out);
}

Status MoeModel::class_usage(const float* x, const int32_t* classes, long rows, ClassUsage* out) {
  MOE_RETURN_IF_ERROR(check_features(x, rows, "class usage"));
  return moe::class_usage(model_.get(), x, classes, rows, out);
}

}  // namespace moe
