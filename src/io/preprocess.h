// Preprocessing fitted on a table (the Schema): column kinds, task detection, standardisation,
// one-hot encoding, imputation and target encoding; and the same Schema re-applied unchanged to
// another file. Not parsing (csv.h, table.h) and not JSON (schema_json.h).
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "io/table.h"
#include "base/config.h"
#include "base/status.h"

namespace moe::io {

enum class ColumnKind { Numeric, Categorical, Target, Ignored };
enum class TaskOption { Auto, Classification, Regression };
const char* to_string(ColumnKind k);  // "numeric", "categorical", "target", "ignored"
const char* to_string(TaskOption t);  // "auto", "classification", "regression"

// Documented rules (README "CSV"):
constexpr size_t kMaxOneHot = 50;          // a text column keeps at most its 50 most frequent categories;
                                           // rarer ones encode as all zeros (with a notice)
// A text column with more than kMaxOneHot distinct values that are also more than half of its
// non-missing cells is an identifier or free text and is dropped (with a notice).
constexpr size_t kMaxIntegerClassCodes = 20;  // auto task: a numeric target of <= 20 distinct integers is classification
constexpr size_t kMaxClasses = 1000;          // more classes than this is an error

struct SchemaColumn {
  std::string name;
  ColumnKind kind = ColumnKind::Ignored;
  double mean = 0, scale = 1, impute = 0;  // numeric: z = (x - mean) / scale; missing x -> impute (the median)
  std::vector<std::string> categories;     // categorical: one feature per category, in this order
  int32_t impute_category = 0;             // categorical: index of the most frequent category
  std::string note;                        // ignored: why
};

struct Schema {
  Task task = Task::Classification;
  std::string target;                      // target column name
  std::vector<std::string> classes;        // classification: original labels, first-seen order
  std::vector<SchemaColumn> columns;       // every column of the fitted file, in file order
  std::vector<std::string> feature_names;  // (F) encoded feature names: "x" or "color=red"
};

struct ColumnInfo {
  std::string name;
  ColumnKind kind = ColumnKind::Ignored;
  int64_t missing = 0;
};

struct Encoded {
  int64_t rows = 0;
  int num_features = 0;              // F
  std::vector<float> features;       // (rows, F) row-major
  bool has_labels = false;
  std::vector<int32_t> class_ids;    // (rows) classification labels
  std::vector<float> values;         // (rows) regression labels
  std::vector<ColumnInfo> columns;   // one per file column
};

// Fits the preprocessing on `t` (whose target column must be resolved). Notices go to `warnings`.
// `drop` (may be null): per column, a reason to leave it out of the features ('' = fit it as usual).
Status fit_schema(const TableBuilder& t, TaskOption task, Schema* out, std::vector<std::string>* warnings,
                  const std::vector<std::string>* drop = nullptr);

// Encodes `t` exactly as `s` says. Columns are matched by name; a target column is optional.
// `fitted_here` suppresses notices that fit_schema already gave for the same table.
Status apply_schema(const TableBuilder& t, const Schema& s, bool fitted_here, Encoded* out,
                    std::vector<std::string>* warnings);

}  // namespace moe::io
