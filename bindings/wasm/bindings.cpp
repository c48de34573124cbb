// The Embind layer: a Model handle, readCsv and a chunked CsvReader over the C++ facade (moe/api.h, moe/dataset.h).
// Errors cross as values ({ code, message }), never as exceptions; bulk data in as typed arrays
// (copied into wasm memory), out as copies (typed_memory_view(...).slice()). No logic lives here.
#include <emscripten/bind.h>
#include <emscripten/val.h>
#include <malloc.h>

#include <cstdint>
#include <string>
#include <vector>

#include "moe/api.h"
#include "moe/dataset.h"
#include "moe/threads.h"
#include "base/status.h"
#include "marshal.h"

using emscripten::val;
using namespace moe_wasm;

namespace {

// options: { target, target_index, keep_columns?, delimiter ('auto' | one char), header ('auto'|'yes'|'no'), task, schema }
moe::CsvOptions csv_options(const val& options) {
  moe::CsvOptions opt;
  opt.target = options["target"].as<std::string>();
  opt.target_index = options["target_index"].as<int>();
  opt.delimiter = delimiter_from(options["delimiter"].as<std::string>());
  read_enum(options, "header", {moe::io::HeaderMode::Auto, moe::io::HeaderMode::Yes, moe::io::HeaderMode::No}, &opt.header);
  read_enum(options, "task", {moe::io::TaskOption::Auto, moe::io::TaskOption::Classification, moe::io::TaskOption::Regression},
            &opt.task);
  opt.schema_json = options["schema"].as<std::string>();
  if (options["expected_bytes"].isNumber()) opt.expected_bytes = options["expected_bytes"].as<double>();
  if (options["keep_raw"].isTrue()) opt.keep_raw = true;
  if (options["keep_columns"].isArray()) opt.keep_columns = emscripten::vecFromJSArray<std::string>(options["keep_columns"]);
  return opt;
}

// { code, message } plus, when ok, every field of the dataset as fresh JS values.
val dataset_val(const moe::Status& status, const moe::Dataset& ds) {
  val out = status_val(status);
  if (!status.is_ok()) return out;
  const size_t rows = static_cast<size_t>(ds.rows);
  out.set("numRows", static_cast<double>(ds.rows));
  out.set("numFeatures", ds.num_features);
  out.set("task", ds.task == moe::Task::Classification ? "classification" : "regression");
  out.set("features", copy_out(ds.features.data(), ds.features.size()));
  if (!ds.has_labels) out.set("labels", val::null());
  else if (ds.task == moe::Task::Classification) out.set("labels", copy_out(ds.class_ids.data(), rows));
  else out.set("labels", copy_out(ds.values.data(), ds.values.size()));
  out.set("featureNames", strings(ds.feature_names));
  out.set("classes", strings(ds.classes));
  val columns = val::array();
  for (size_t i = 0; i < ds.columns.size(); ++i) {
    val c = val::object();
    c.set("name", ds.columns[i].name);
    c.set("kind", moe::io::to_string(ds.columns[i].kind));
    c.set("missing", static_cast<double>(ds.columns[i].missing));
    if (i < ds.roles.size()) c.set("role", moe::io::to_string(ds.roles[i].role));
    if (i < ds.roles.size()) c.set("reason", ds.roles[i].reason);
    columns.set(i, c);
  }
  out.set("columns", columns);
  out.set("warnings", strings(ds.warnings));
  out.set("schema", ds.schema_json);
  if (!ds.raw_cells.empty()) out.set("rawCells", strings(ds.raw_cells));  // (rows * columns) row-major
  return out;
}

val read_csv(const val& bytes_js, const val& options) {
  size_t n = 0;
  std::unique_ptr<uint8_t[]> bytes = copy_in_bytes(bytes_js, &n);
  moe::Dataset ds;
  const moe::Status s = moe::read_csv(std::move(bytes), n, csv_options(options), &ds);
  return dataset_val(s, ds);
}

// A CSV read in chunks (File.stream()): only the parsed columns live in wasm memory, not the text.
class CsvReaderHandle {
 public:
  explicit CsvReaderHandle(const val& options) : stream_(csv_options(options)) {}
  val feed(const val& chunk) {
    std::vector<uint8_t> bytes = copy_in<uint8_t>(chunk);
    return status_val(stream_.feed(bytes.data(), bytes.size()));
  }
  val finish() {
    moe::Dataset ds;
    const moe::Status s = stream_.finish(&ds);
    return dataset_val(s, ds);
  }
  double bytes_read() const { return static_cast<double>(stream_.bytes_read()); }
  double rows_read() const { return static_cast<double>(stream_.rows_read()); }

 private:
  moe::CsvStream stream_;
};

// ---- model ----------------------------------------------------------------------------------

// The snake_case config object of bindings/ts/options.ts -> ModelConfig. Keys left out keep the
// defaults of base/config.h; the core validates the result (MoeModel::create).
moe::ModelConfig config_from(const val& c) {
  moe::ModelConfig m;
  read(c, "input_dim", &m.input_dim);
  read(c, "output_dim", &m.output_dim);
  read_enum(c, "task", {moe::Task::Classification, moe::Task::Regression}, &m.task);
  read(c, "experts", &m.experts);
  if (!c["expert_hidden"].isUndefined()) m.expert_hidden = emscripten::vecFromJSArray<int>(c["expert_hidden"]);
  if (!c["gate_hidden"].isUndefined()) m.gate_hidden = emscripten::vecFromJSArray<int>(c["gate_hidden"]);
  read_enum(c, "activation", {moe::Activation::Relu, moe::Activation::Tanh, moe::Activation::Gelu}, &m.activation);
  read_enum(c, "gating", {moe::GatingType::Softmax, moe::GatingType::TopK}, &m.gating.type);
  read(c, "k", &m.gating.k);
  read(c, "noise", &m.gating.noise);
  read(c, "load_balance", &m.load_balance);
  read(c, "z_loss", &m.z_loss);
  moe::OptimizerType type = moe::OptimizerType::Adam;
  read_enum(c, "optimizer", {moe::OptimizerType::Adam, moe::OptimizerType::AdamW, moe::OptimizerType::Sgd}, &type);
  m.optimizer = moe::optimizer_defaults(type);
  read(c, "learning_rate", &m.optimizer.learning_rate);
  read(c, "beta1", &m.optimizer.beta1);
  read(c, "beta2", &m.optimizer.beta2);
  read(c, "epsilon", &m.optimizer.epsilon);
  read(c, "weight_decay", &m.optimizer.weight_decay);
  read(c, "momentum", &m.optimizer.momentum);
  read(c, "clip_norm", &m.optimizer.clip_norm);
  double seed = static_cast<double>(m.seed);
  read(c, "seed", &seed);
  m.seed = static_cast<uint64_t>(seed);
  return m;
}

val config_to(const moe::ModelConfig& m) {
  val c = val::object();
  c.set("input_dim", m.input_dim);
  c.set("output_dim", m.output_dim);
  c.set("task", moe::to_string(m.task));
  c.set("experts", m.experts);
  c.set("expert_hidden", val::array(m.expert_hidden));
  c.set("gate_hidden", val::array(m.gate_hidden));
  c.set("activation", moe::to_string(m.activation));
  c.set("gating", moe::to_string(m.gating.type));
  c.set("k", m.gating.k);
  c.set("noise", m.gating.noise);
  c.set("load_balance", m.load_balance);
  c.set("z_loss", m.z_loss);
  c.set("optimizer", moe::to_string(m.optimizer.type));
  c.set("learning_rate", m.optimizer.learning_rate);
  c.set("beta1", m.optimizer.beta1);
  c.set("beta2", m.optimizer.beta2);
  c.set("epsilon", m.optimizer.epsilon);
  c.set("weight_decay", m.optimizer.weight_decay);
  c.set("momentum", m.optimizer.momentum);
  c.set("clip_norm", m.optimizer.clip_norm);
  c.set("seed", static_cast<double>(m.seed));
  return c;
}

// Metrics with TF.js names; prefix "" or "val_".
void set_metrics(val& out, const moe::Metrics& m, moe::Task task, const std::string& prefix) {
  out.set(prefix + "loss", m.loss);
  if (task == moe::Task::Classification) {
    out.set(prefix + "accuracy", m.accuracy);
  } else {
    out.set(prefix + "rmse", m.rmse);
    out.set(prefix + "r2", m.r2);
  }
}

val not_ready() { return status_val(moe::Status::invalid("the model is not initialised")); }

// Owns one MoeModel (or none until configure/load succeeds) plus the fit's copies of the data.
class ModelHandle {
 public:
  val configure(const val& config) {
    return status_val(moe::MoeModel::create(config_from(config), &model_));
  }

  val load(const val& bytes_js) {
    std::vector<uint8_t> bytes = copy_in<uint8_t>(bytes_js);
    std::string schema;
    val out = status_val(moe::MoeModel::load(bytes.data(), bytes.size(), &model_, &schema));
    out.set("schema", schema);
    return out;
  }

  val config() const { return model_ ? config_to(model_->config()) : val::null(); }

  val predict(const val& x_js, double rows) { return infer(x_js, rows, false); }
  val gate(const val& x_js, double rows) { return infer(x_js, rows, true); }

  val evaluate(const val& x_js, const val& y_js, double rows) {
    if (!model_) return not_ready();
    std::vector<float> x = copy_in<float>(x_js);
    moe::Metrics m;
    moe::Status s;
    if (model_->config().task == moe::Task::Classification) {
      std::vector<int32_t> y = copy_in<int32_t>(y_js);
      s = model_->evaluate(x.data(), y.data(), nullptr, static_cast<long>(rows), &m);
    } else {
      std::vector<float> y = copy_in<float>(y_js);
      s = model_->evaluate(x.data(), nullptr, y.data(), static_cast<long>(rows), &m);
    }
    val out = status_val(s);
    if (s.is_ok()) set_metrics(out, m, model_->config().task, "");
    return out;
  }

  val summary() const {
    if (!model_) return not_ready();
    moe::ModelSummary sm = model_->summary();
    val out = status_val(moe::Status::ok());
    out.set("parameters", static_cast<double>(sm.parameters));
    out.set("experts", sm.experts);
    out.set("inputDim", sm.input_dim);
    out.set("outputDim", sm.output_dim);
    out.set("flopsPerSample", sm.flops_per_sample);
    val layers = val::array();
    for (size_t i = 0; i < sm.layers.size(); ++i) {
      val l = val::object();
      l.set("name", sm.layers[i].name);
      l.set("shape", val::array(std::vector<int>{sm.layers[i].rows, sm.layers[i].cols}));
      layers.set(i, l);
    }
    out.set("layers", layers);
    return out;
  }

  val save(const std::string& schema_json) const {
    if (!model_) return not_ready();
    std::vector<uint8_t> bytes;
    moe::Status s = model_->save(schema_json, &bytes);
    val out = status_val(s);
    if (s.is_ok()) out.set("data", copy_out(bytes.data(), bytes.size()));
    return out;
  }

  // options (bindings/ts/fit-options.ts): { epochs, batch_size, shuffle, seed (-1 = model seed), validation_split,
  //   early_stopping: { enabled, monitor, patience, min_delta, restore_best } }
  val begin_fit(const val& x_js, const val& y_js, double rows, const val& vx_js, const val& vy_js, double vrows,
                const val& o) {
    if (!model_) return not_ready();
    const bool cls = model_->config().task == moe::Task::Classification;
    // The one copy of the rows in wasm memory: begin_fit hands these vectors to the trainer.
    moe::FitData train, valid;
    train.x = copy_in<float>(x_js);
    valid.x = copy_in<float>(vx_js);
    if (cls) { train.classes = copy_in<int32_t>(y_js); valid.classes = copy_in<int32_t>(vy_js); }
    else { train.values = copy_in<float>(y_js); valid.values = copy_in<float>(vy_js); }
    train.rows = static_cast<long>(rows);
    valid.rows = static_cast<long>(vrows);
    moe::FitOptions f;
    f.epochs = o["epochs"].as<int>();
    f.batch_size = o["batch_size"].as<int>();
    f.shuffle = o["shuffle"].as<bool>();
    f.validation_split = o["validation_split"].as<double>();
    const double seed = o["seed"].as<double>();
    if (seed >= 0) { f.has_seed = true; f.seed = static_cast<uint64_t>(seed); }
    const val es = o["early_stopping"];
    f.early_stopping.enabled = es["enabled"].as<bool>();
    const moe::Status monitor = moe::parse_monitor(es["monitor"].as<std::string>(), &f.early_stopping);
    if (!monitor.is_ok()) return status_val(monitor);
    f.early_stopping.patience = es["patience"].as<int>();
    f.early_stopping.min_delta = es["min_delta"].as<double>();
    f.early_stopping.restore_best_weights = es["restore_best"].as<bool>();
    return status_val(model_->begin_fit(std::move(train), vrows > 0 ? &valid : nullptr, f));
  }

  // Per-batch logs as typed arrays (running epoch means, Keras-style, plus each batch's own loss).
  val fit_run(int max_batches) {
    if (!model_) return not_ready();
    moe::ChunkResult chunk;
    moe::Status s = model_->fit_run(max_batches, &chunk);
    val out = status_val(s);
    if (!s.is_ok()) return out;
    const size_t n = chunk.batches.size();
    std::vector<int32_t> epoch(n), batch(n);
    std::vector<double> loss(n), accuracy(n), batch_loss(n);
    for (size_t i = 0; i < n; ++i) {
      const moe::BatchLogs& b = chunk.batches[i];
      epoch[i] = b.epoch; batch[i] = b.batch; loss[i] = b.loss; accuracy[i] = b.accuracy; batch_loss[i] = b.batch_loss;
    }
    out.set("batchEpoch", copy_out(epoch.data(), n));
    out.set("batchIndex", copy_out(batch.data(), n));
    out.set("batchLoss", copy_out(loss.data(), n));
    out.set("batchAccuracy", copy_out(accuracy.data(), n));
    out.set("batchOwnLoss", copy_out(batch_loss.data(), n));
    val epochs = val::array();
    if (chunk.epoch_ended) {
      val e = val::object();
      e.set("epoch", chunk.epoch.epoch);
      set_metrics(e, chunk.epoch.train, model_->config().task, "");
      if (chunk.epoch.has_validation) set_metrics(e, chunk.epoch.validation, model_->config().task, "val_");
      epochs.set(0, e);
    }
    out.set("epochs", epochs);
    out.set("batchInEpoch", chunk.batch_in_epoch);
    out.set("done", chunk.finished);
    out.set("earlyStopped", chunk.early_stopped);
    out.set("bestEpoch", chunk.best_epoch);
    return out;
  }

  val end_fit() {
    if (!model_) return not_ready();
    bool restored = false;
    val out = status_val(model_->end_fit(&restored));
    out.set("restored", restored);
    return out;
  }

  // { meanWeight (E), topFraction (E) } and, with labels, classUsage (C, E) flattened.
  val expert_usage(const val& x_js, const val& y_js, double rows) {
    if (!model_) return not_ready();
    std::vector<float> x = copy_in<float>(x_js);
    moe::GateShare share;
    moe::Status s = model_->gate_share(x.data(), static_cast<long>(rows), &share);
    val out = status_val(s);
    if (!s.is_ok()) return out;
    out.set("meanWeight", copy_out(share.mean_weight.data(), share.mean_weight.size()));
    out.set("topFraction", copy_out(share.top_fraction.data(), share.top_fraction.size()));
    if (model_->config().task == moe::Task::Classification && y_js["length"].as<double>() == rows) {
      std::vector<int32_t> y = copy_in<int32_t>(y_js);
      moe::ClassUsage cu;
      s = model_->class_usage(x.data(), y.data(), static_cast<long>(rows), &cu);
      if (!s.is_ok()) return status_val(s);
      out.set("classUsage", copy_out(cu.mean_weight.data(), cu.mean_weight.size()));
    }
    return out;
  }

  // Every tensor of the flat parameter buffer as { name, rows, cols, data } copies (for export).
  val tensors() {
    if (!model_) return not_ready();
    moe::Model* m = model_->model();
    val list = val::array();
    const auto& ts = m->tensors();
    for (size_t i = 0; i < ts.size(); ++i) {
      val t = val::object();
      t.set("name", ts[i].name);
      t.set("rows", ts[i].rows);
      t.set("cols", ts[i].cols);
      t.set("data", copy_out(m->params() + ts[i].offset, static_cast<size_t>(ts[i].rows) * ts[i].cols));
      list.set(i, t);
    }
    val out = status_val(moe::Status::ok());
    out.set("tensors", list);
    return out;
  }

 private:
  val infer(const val& x_js, double rows_d, bool gate) {
    if (!model_) return not_ready();
    const long rows = static_cast<long>(rows_d);
    std::vector<float> x = copy_in<float>(x_js);
    const moe::ModelConfig& c = model_->config();
    const long width = gate ? c.experts : c.output_dim;
    if (rows < 0 || static_cast<size_t>(rows) * c.input_dim != x.size())
      return status_val(moe::Status::invalid("x has " + std::to_string(x.size()) + " values, expected rows * inputDim"));
    std::vector<float> out(static_cast<size_t>(rows) * width);
    moe::Status s = gate ? model_->gate(x.data(), rows, out.data()) : model_->predict(x.data(), rows, out.data());
    val r = status_val(s);
    if (s.is_ok()) r.set("data", copy_out(out.data(), out.size()));
    return r;
  }

  std::unique_ptr<moe::MoeModel> model_;
};

std::string version() { return MOE_PACKAGE_VERSION; }
// The threads the core trains with (n in [1, limits().maxThreads]); builds without pthreads take 1 only.
val set_threads(int n) {
#ifndef __EMSCRIPTEN_PTHREADS__
  if (n > 1 && n <= moe::kMaxThreads) return status_val(moe::Status::invalid("threads: this build runs on one thread"));
#endif
  return status_val(moe::set_threads(n));
}
bool simd() { return MOE_SIMD != 0; }
// Bytes currently malloc'ed and not freed (dlmalloc's in-use total), for leak tests.
double heap_usage() { return static_cast<double>(mallinfo().uordblks); }
// { parameters, bytes } a model of this config would take (bytes 0: the config is invalid), so JS
// can refuse it before the allocation that would abort the module.
val model_memory(const val& config) {
  std::size_t params = 0;
  const double bytes = moe::MoeModel::memory_bytes(config_from(config), &params);
  val out = val::object();
  out.set("bytes", bytes);
  out.set("parameters", static_cast<double>(params));
  return out;
}

// The core's limits that JS checks before it allocates anything for them (defined once, in C++).
val limits() {
  val out = val::object();
  out.set("maxClasses", static_cast<double>(moe::io::kMaxClasses));
  out.set("maxThreads", static_cast<double>(moe::kMaxThreads));
  return out;
}

}  // namespace

EMSCRIPTEN_BINDINGS(moe_wasm) {
  emscripten::class_<ModelHandle>("Model")
      .constructor<>()
      .function("configure", &ModelHandle::configure)
      .function("load", &ModelHandle::load)
      .function("config", &ModelHandle::config)
      .function("predict", &ModelHandle::predict)
      .function("gate", &ModelHandle::gate)
      .function("evaluate", &ModelHandle::evaluate)
      .function("summary", &ModelHandle::summary)
      .function("save", &ModelHandle::save)
      .function("beginFit", &ModelHandle::begin_fit)
      .function("fitRun", &ModelHandle::fit_run)
      .function("endFit", &ModelHandle::end_fit)
      .function("expertUsage", &ModelHandle::expert_usage)
      .function("tensors", &ModelHandle::tensors);
  emscripten::class_<CsvReaderHandle>("CsvReader")
      .constructor<const val&>()
      .function("feed", &CsvReaderHandle::feed)
      .function("finish", &CsvReaderHandle::finish)
      .function("bytesRead", &CsvReaderHandle::bytes_read)
      .function("rowsRead", &CsvReaderHandle::rows_read);
  emscripten::function("readCsv", &read_csv);
  emscripten::function("version", &version);
  emscripten::function("simd", &simd);
  emscripten::function("setThreads", &set_threads);
  emscripten::function("threads", &moe::threads);
  emscripten::function("heapUsage", &heap_usage);
  emscripten::function("limits", &limits);
  emscripten::function("modelMemory", &model_memory);
}
