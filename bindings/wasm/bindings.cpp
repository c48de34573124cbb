// The Embind layer: a Model handle and readCsv over the C++ facade (moe/api.h, moe/dataset.h).
// Errors cross as values ({ code, message }), never as exceptions; bulk data in as typed arrays
// (copied into wasm memory), out as copies (typed_memory_view(...).slice()). No logic lives here.
#include <emscripten/bind.h>
#include <emscripten/val.h>
#include <malloc.h>

#include <cstdint>
#include <string>
#include <vector>

#include "moe/dataset.h"
#include "moe/status.h"

using emscripten::val;

namespace {

// A JS typed array (or array-like) copied into a std::vector; no heap view outlives this call.
template <class T>
std::vector<T> copy_in(const val& array) {
  const size_t n = array["length"].as<size_t>();
  std::vector<T> out(n);
  if (n > 0) val(emscripten::typed_memory_view(n, out.data())).call<void>("set", array);
  return out;
}

// A fresh JS typed array holding a copy of n values (the heap may grow before JS reads it).
template <class T>
val copy_out(const T* data, size_t n) {
  return val(emscripten::typed_memory_view(n, data)).call<val>("slice");
}

val strings(const std::vector<std::string>& v) {
  val out = val::array();
  for (size_t i = 0; i < v.size(); ++i) out.set(i, v[i]);
  return out;
}

val status_val(const moe::Status& s) {
  val out = val::object();
  out.set("code", static_cast<int>(s.code()));
  out.set("message", s.message());
  return out;
}

const char* kind_name(moe::ColumnKind k) {
  switch (k) {
    case moe::ColumnKind::Numeric: return "numeric";
    case moe::ColumnKind::Categorical: return "categorical";
    case moe::ColumnKind::Target: return "target";
    default: return "ignored";
  }
}

// options: { target, target_index, delimiter ('auto' | one char), header ('auto'|'true'|'false'), task, schema }
val read_csv(const val& bytes_js, const val& options) {
  moe::CsvOptions opt;
  opt.target = options["target"].as<std::string>();
  opt.target_index = options["target_index"].as<int>();
  const std::string delim = options["delimiter"].as<std::string>();
  opt.delimiter = delim == "auto" || delim.empty() ? 0 : delim[0];
  const std::string header = options["header"].as<std::string>();
  opt.header = header == "true" ? moe::HeaderOption::Yes : header == "false" ? moe::HeaderOption::No : moe::HeaderOption::Auto;
  const std::string task = options["task"].as<std::string>();
  opt.task = task == "classification" ? moe::TaskOption::Classification
           : task == "regression"     ? moe::TaskOption::Regression
                                      : moe::TaskOption::Auto;
  opt.schema_json = options["schema"].as<std::string>();

  std::vector<uint8_t> bytes = copy_in<uint8_t>(bytes_js);
  moe::Dataset ds;
  val out = status_val(moe::read_csv(bytes.data(), bytes.size(), opt, &ds));
  if (out["code"].as<int>() != 0) return out;
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
    c.set("kind", kind_name(ds.columns[i].kind));
    c.set("missing", static_cast<double>(ds.columns[i].missing));
    columns.set(i, c);
  }
  out.set("columns", columns);
  out.set("warnings", strings(ds.warnings));
  out.set("schema", ds.schema_json);
  return out;
}

std::string version() { return MOE_PACKAGE_VERSION; }
bool simd() { return MOE_SIMD != 0; }
// Bytes currently malloc'ed and not freed (dlmalloc's in-use total), for leak tests.
double heap_usage() { return static_cast<double>(mallinfo().uordblks); }

}  // namespace

EMSCRIPTEN_BINDINGS(moe_wasm) {
  emscripten::function("readCsv", &read_csv);
  emscripten::function("version", &version);
  emscripten::function("simd", &simd);
  emscripten::function("heapUsage", &heap_usage);
}
