// Trainer: chunked mini-batch training (shuffle, step, epoch metrics, validation, early stopping,
// divergence guard). All state lives in Impl so run() can be called again and again.
#include "core/trainer.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>

namespace moe {

namespace {

// Fixed salts so the shuffle and the gate noise draw from different streams of one seed.
constexpr uint64_t kShuffleSalt = 0x53485546464C4531ull;
constexpr uint64_t kNoiseSalt = 0x4E4F495345303031ull;

std::string where(int epoch, int epochs, int batch, int batches) {
  return "epoch " + std::to_string(epoch + 1) + " of " + std::to_string(epochs) + ", batch " +
         std::to_string(batch + 1) + " of " + std::to_string(batches);
}

// The quantity early stopping watches, read out of one epoch's logs.
double monitored_value(const EarlyStoppingOptions& es, const EpochLogs& logs) {
  const Metrics& m = es.source == MonitorSource::Validation ? logs.validation : logs.train;
  switch (es.metric) {
    case Metric::Loss: return m.loss;
    case Metric::Accuracy: return m.accuracy;
    case Metric::Rmse: return m.rmse;
    case Metric::R2: return m.r2;
  }
  return m.loss;
}

}  // namespace

Status check_data(const ModelConfig& config, const DataView& d, const char* what) {
  const std::string w(what);
  if (d.rows <= 0) return Status::invalid(w + " has no rows");
  if (d.x == nullptr) return Status::invalid(w + ": features are missing");
  const int D = config.input_dim, C = config.output_dim;
  for (long r = 0; r < d.rows; r++)
    for (int j = 0; j < D; j++)
      if (!std::isfinite(d.x[r * D + j]))
        return Status::invalid(w + ": feature " + std::to_string(j) + " of row " + std::to_string(r) +
                               " is not a finite number");
  if (config.task == Task::Classification) {
    if (d.classes == nullptr) return Status::invalid(w + ": class labels (int32) are missing");
    for (long r = 0; r < d.rows; r++)
      if (d.classes[r] < 0 || d.classes[r] >= C)
        return Status::invalid(w + ": label of row " + std::to_string(r) + " is " + std::to_string(d.classes[r]) +
                               ", outside [0, " + std::to_string(C) + ")");
  } else {
    if (d.values == nullptr) return Status::invalid(w + ": regression targets (float) are missing");
    for (long r = 0; r < d.rows; r++)
      for (int c = 0; c < C; c++)
        if (!std::isfinite(d.values[r * C + c]))
          return Status::invalid(w + ": target " + std::to_string(c) + " of row " + std::to_string(r) +
                                 " is not a finite number");
  }
  return Status::ok();
}

namespace {

// Rows [begin, end) of d copied out (the caller's buffers may go away between chunks).
FitData copy_rows(const ModelConfig& cfg, const DataView& d, long begin, long end) {
  const int D = cfg.input_dim, C = cfg.output_dim;
  FitData out;
  out.rows = end - begin;
  out.x.assign(d.x + begin * D, d.x + end * D);
  if (cfg.task == Task::Classification) out.classes.assign(d.classes + begin, d.classes + end);
  else out.values.assign(d.values + begin * C, d.values + end * C);
  return out;
}

// Keeps the first n rows of data, in place.
void keep_rows(const ModelConfig& cfg, long n, FitData* data) {
  data->x.resize(static_cast<std::size_t>(n) * cfg.input_dim);
  if (cfg.task == Task::Classification) data->classes.resize(static_cast<std::size_t>(n));
  else data->values.resize(static_cast<std::size_t>(n) * cfg.output_dim);
  data->rows = n;
}

}  // namespace

DataView FitData::view() const {
  DataView v;
  v.x = x.data();
  v.classes = classes.empty() ? nullptr : classes.data();
  v.values = values.empty() ? nullptr : values.data();
  v.rows = rows;
  return v;
}

struct Trainer::Impl {
  Model* model = nullptr;
  ModelConfig cfg;
  FitOptions opt;
  FitData train, val;
  std::vector<uint32_t> order;  // (train.rows,) permutation of the current epoch
  std::vector<float> xb;        // (B, D) gathered batch
  std::vector<int32_t> cb;      // (B,)
  std::vector<float> vb;        // (B, C)
  Rng shuffle_rng, noise_rng;
  Optimizer optimizer;
  int batches = 0;              // per epoch
  int epoch = 0, batch = 0;
  LossStats epoch_stats;
  bool finished = false, early_stopped = false, restored = false, restored_best = false;
  // early stopping
  bool maximize = false;
  double best = 0;
  int best_epoch = -1, wait = 0;
  std::vector<float> best_params;  // (P,)
  std::vector<float> last_good;    // (P,) weights before the current update
  bool has_last_good = false;      // an update ran in this fit, so last_good holds weights that gave a finite loss

  void gather(long start, int rows) {
    const int D = cfg.input_dim, C = cfg.output_dim;
    for (int i = 0; i < rows; i++) {
      const long r = order[start + i];
      std::memcpy(&xb[static_cast<std::size_t>(i) * D], &train.x[r * D], sizeof(float) * D);
      if (cfg.task == Task::Classification) cb[i] = train.classes[r];
      else std::memcpy(&vb[static_cast<std::size_t>(i) * C], &train.values[r * C], sizeof(float) * C);
    }
  }

  Status end_epoch(ChunkResult* out);
};

Trainer::Trainer() : impl_(new Impl) {}
Trainer::~Trainer() = default;

Status Trainer::create(Model* model, const DataView& train, const DataView* validation, const FitOptions& o,
                       std::unique_ptr<Trainer>* out) {
  if (model == nullptr || out == nullptr) return Status::invalid("Trainer::create: null model or output");
  const ModelConfig& cfg = model->config();
  MOE_RETURN_IF_ERROR(check_data(cfg, train, "training data"));  // before copying: the pointers must be there
  if (validation != nullptr) MOE_RETURN_IF_ERROR(check_data(cfg, *validation, "validation data"));
  FitData valid;
  if (validation != nullptr) valid = copy_rows(cfg, *validation, 0, validation->rows);
  return create(model, copy_rows(cfg, train, 0, train.rows), validation != nullptr ? &valid : nullptr, o, out);
}

Status Trainer::create(Model* model, FitData train, FitData* validation, const FitOptions& o,
                       std::unique_ptr<Trainer>* out) {
  if (model == nullptr || out == nullptr) return Status::invalid("Trainer::create: null model or output");
  const ModelConfig& cfg = model->config();
  MOE_RETURN_IF_ERROR(validate(o));
  if (o.batch_size > model->capacity())
    return Status::invalid("batchSize " + std::to_string(o.batch_size) + " exceeds the model's capacity of " +
                           std::to_string(model->capacity()) + " rows");
  MOE_RETURN_IF_ERROR(check_data(cfg, train.view(), "training data"));
  if (validation != nullptr) MOE_RETURN_IF_ERROR(check_data(cfg, validation->view(), "validation data"));

  std::unique_ptr<Trainer> t(new Trainer);
  Impl& s = *t->impl_;
  s.model = model;
  s.cfg = cfg;
  s.opt = o;
  if (validation != nullptr) {
    s.val = std::move(*validation);
  } else if (o.validation_split > 0) {
    // Keras: the validation rows are the last fraction, taken before shuffling.
    const long n_train = static_cast<long>(static_cast<double>(train.rows) * (1.0 - o.validation_split));
    if (n_train < 1 || n_train >= train.rows)
      return Status::invalid("validationSplit " + format_number(o.validation_split) + " of " +
                             std::to_string(train.rows) + " rows leaves " + std::to_string(n_train) +
                             " training and " + std::to_string(train.rows - n_train) + " validation rows; both need at least 1");
    s.val = copy_rows(cfg, train.view(), n_train, train.rows);
    keep_rows(cfg, n_train, &train);
  }
  s.train = std::move(train);

  EarlyStoppingOptions& es = s.opt.early_stopping;
  if (es.source == MonitorSource::Auto) es.source = s.val.rows > 0 ? MonitorSource::Validation : MonitorSource::Train;
  if (es.enabled) {
    const bool val = es.source == MonitorSource::Validation;
    const std::string monitor = std::string(val ? "val_" : "") + to_string(es.metric);
    if (val && s.val.rows == 0)
      return Status::invalid("earlyStopping monitors '" + monitor +
                             "' but there is no validation data (give validationData or validationSplit)");
    const bool classification_metric = es.metric == Metric::Accuracy;
    const bool regression_metric = es.metric == Metric::Rmse || es.metric == Metric::R2;
    if (classification_metric && cfg.task != Task::Classification)
      return Status::invalid("earlyStopping monitors '" + monitor + "' but the task is regression");
    if (regression_metric && cfg.task == Task::Classification)
      return Status::invalid("earlyStopping monitors '" + monitor + "' but the task is classification");
    s.maximize = es.metric == Metric::Accuracy || es.metric == Metric::R2;
  }

  MOE_RETURN_IF_ERROR(s.optimizer.init(cfg.optimizer, model->num_params()));
  const uint64_t seed = o.has_seed ? o.seed : cfg.seed;
  s.shuffle_rng.reseed(seed ^ kShuffleSalt);
  s.noise_rng.reseed(seed ^ kNoiseSalt);
  s.order.resize(s.train.rows);
  for (long i = 0; i < s.train.rows; i++) s.order[i] = static_cast<uint32_t>(i);
  const int B = o.batch_size;
  s.xb.resize(static_cast<std::size_t>(B) * cfg.input_dim);
  if (cfg.task == Task::Classification) s.cb.resize(B);
  else s.vb.resize(static_cast<std::size_t>(B) * cfg.output_dim);
  s.batches = static_cast<int>((s.train.rows + B - 1) / B);
  s.last_good.resize(model->num_params());
  *out = std::move(t);
  return Status::ok();
}

Status Trainer::evaluate(Model* model, const DataView& data, Metrics* out) {
  const ModelConfig& cfg = model->config();
  LossStats total;
  const long cap = model->capacity();
  for (long start = 0; start < data.rows; start += cap) {
    Batch b;
    b.rows = static_cast<int>(std::min(cap, data.rows - start));
    b.x = data.x + start * cfg.input_dim;
    if (data.classes) b.classes = data.classes + start;
    if (data.values) b.values = data.values + start * cfg.output_dim;
    MOE_RETURN_IF_ERROR(model->evaluate(b, &total));
  }
  *out = compute_metrics(total, cfg.task, cfg.output_dim);
  return Status::ok();
}

Status Trainer::Impl::end_epoch(ChunkResult* out) {
  EpochLogs logs;
  logs.epoch = epoch;
  logs.train = compute_metrics(epoch_stats, cfg.task, cfg.output_dim);
  if (val.rows > 0) {
    logs.has_validation = true;
    MOE_RETURN_IF_ERROR(Trainer::evaluate(model, val.view(), &logs.validation));
  }
  out->epoch_ended = true;
  out->epoch = logs;

  bool stop = false;
  const EarlyStoppingOptions& es = opt.early_stopping;
  if (es.enabled) {
    const double current = monitored_value(es, logs);
    const bool improved = std::isfinite(current) &&
                          (best_epoch < 0 || (maximize ? current > best + es.min_delta : current < best - es.min_delta));
    if (improved) {
      best = current;
      best_epoch = epoch;
      wait = 0;
      if (es.restore_best_weights) best_params.assign(model->params(), model->params() + model->num_params());
    } else if (++wait >= es.patience) {  // Keras: stop once `patience` epochs did not improve
      stop = true;
    }
  }
  epoch++;
  batch = 0;
  if (stop) {
    early_stopped = true;
    out->early_stopped = true;
    out->stopped_epoch = epoch - 1;
  }
  if (stop || epoch >= opt.epochs) finished = true;
  out->best_epoch = best_epoch;
  return Status::ok();
}

Status Trainer::run(int max_batches, ChunkResult* out) {
  Impl& s = *impl_;
  *out = ChunkResult();
  if (max_batches < 1) return Status::invalid("run: max_batches must be >= 1, got " + std::to_string(max_batches));
  const int B = s.opt.batch_size;
  const std::size_t P = s.model->num_params();
  for (int k = 0; k < max_batches && !s.finished; k++) {
    if (s.batch == 0) {
      if (s.opt.shuffle) s.shuffle_rng.shuffle(s.order.data(), s.order.size());
      s.epoch_stats = LossStats();
    }
    const long start = static_cast<long>(s.batch) * B;
    const int rows = static_cast<int>(std::min<long>(B, s.train.rows - start));
    s.gather(start, rows);
    Batch b;
    b.x = s.xb.data();
    b.rows = rows;
    if (s.cfg.task == Task::Classification) b.classes = s.cb.data();
    else b.values = s.vb.data();

    LossStats st;
    auto at = [&s] { return where(s.epoch, s.opt.epochs, s.batch, s.batches); };  // only built on error
    Status fb = s.model->forward_backward(b, &s.noise_rng, &st);
    if (!fb.is_ok()) {
      s.finished = true;
      return Status(fb.code(), "training failed at " + at() + ": " + fb.message());
    }
    const double batch_loss = (st.data_loss_sum + st.aux_loss_sum) / rows;
    if (!std::isfinite(batch_loss)) {
      // The current weights (made by the previous update) overflow: go back to the ones before it,
      // whose loss was finite. On the fit's first batch no update ran and the weights are untouched.
      if (s.has_last_good) std::memcpy(s.model->params(), s.last_good.data(), sizeof(float) * P);
      s.finished = true;
      return Status::numerical("training diverged at " + at() + ": the loss is " +
                               (std::isnan(batch_loss) ? std::string("NaN") : std::string("infinite")) +
                               " (try a lower learning rate); the model keeps its last finite weights");
    }
    // The update also saves the weights it starts from into last_good and checks its result.
    bool updated_finite = true;
    Status os = s.optimizer.step(s.model->params(), s.model->grads(), s.last_good.data(), &updated_finite);
    if (!os.is_ok()) {
      s.finished = true;
      return Status::numerical("training diverged at " + at() + ": " + os.message() +
                               " (try a lower learning rate or clipNorm); the model keeps its last finite weights");
    }
    s.has_last_good = true;
    if (!updated_finite) {
      std::memcpy(s.model->params(), s.last_good.data(), sizeof(float) * P);
      s.finished = true;
      return Status::numerical("training diverged at " + at() +
                               ": the update made weights infinite (try a lower learning rate); the model keeps its last finite weights");
    }
    s.epoch_stats.add(st);
    BatchLogs bl;
    bl.epoch = s.epoch;
    bl.batch = s.batch;
    bl.rows = rows;
    bl.batch_loss = batch_loss;
    const Metrics run_m = compute_metrics(s.epoch_stats, s.cfg.task, s.cfg.output_dim);
    bl.loss = run_m.loss;
    bl.accuracy = run_m.accuracy;
    out->batches.push_back(bl);
    s.batch++;
    if (s.batch == s.batches) {
      MOE_RETURN_IF_ERROR(s.end_epoch(out));
      break;
    }
  }
  if (s.finished) MOE_RETURN_IF_ERROR(finish());
  out->finished = s.finished;
  out->early_stopped = s.early_stopped;
  out->best_epoch = s.best_epoch;
  out->batch_in_epoch = batch_in_epoch();
  return Status::ok();
}

Status Trainer::finish() {
  Impl& s = *impl_;
  s.finished = true;
  if (s.restored) return Status::ok();
  s.restored = true;
  const EarlyStoppingOptions& es = s.opt.early_stopping;
  if (es.enabled && es.restore_best_weights && s.best_epoch >= 0 &&
      s.best_params.size() == s.model->num_params()) {
    std::memcpy(s.model->params(), s.best_params.data(), sizeof(float) * s.best_params.size());
    s.restored_best = true;
  }
  return Status::ok();
}

bool Trainer::finished() const { return impl_->finished; }
bool Trainer::restored_best() const { return impl_->restored_best; }
int Trainer::batch_in_epoch() const { return impl_->batch; }

}  // namespace moe
