// Fitting and applying the preprocessing Schema. See preprocess.h for the rules.
#include "io/preprocess.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <unordered_map>

#include <Eigen/Core>

#include "io/values.h"

namespace moe::io {
namespace {

std::string q(const std::string& s) {
  if (s.size() <= 40) return "'" + s + "'";
  return "'" + s.substr(0, 37) + "...'";
}

std::string num(double v) { return format_number(v); }

Status fit_target(const TableBuilder& t, TaskOption opt, Schema* s, std::vector<std::string>* warnings) {
  const RawColumn& c = t.columns[size_t(t.target)];
  s->target = c.name;
  if (c.categorical) {
    if (opt == TaskOption::Regression)
      return Status::invalid("the target column " + q(c.name) + " has text values (first " + q(c.first_text) +
                             " at line " + std::to_string(c.first_text_line) + "), so it cannot be a regression target");
    if (c.dict_overflow || c.dict.size() > kMaxClasses)
      return Status::invalid("the target column " + q(c.name) + " has more than " + std::to_string(kMaxClasses) +
                             " distinct values; that is too many classes (is it an identifier or a number with text in it?)");
    s->task = Task::Classification;
    s->classes.assign(c.dict.begin(), c.dict.end());
  } else {
    // Distinct values in first-seen order, stopping once too many to be classes.
    std::unordered_map<float, int> seen;
    std::vector<float> order;
    bool integers = true;
    size_t cap = opt == TaskOption::Classification ? kMaxClasses : kMaxIntegerClassCodes;
    for (float v : c.num) {
      if (std::isnan(v)) continue;
      integers = integers && v == std::floor(v);
      if (seen.size() <= cap && seen.emplace(v, 0).second) order.push_back(v);
    }
    bool classify = opt == TaskOption::Classification ||
                    (opt == TaskOption::Auto && integers && order.size() <= kMaxIntegerClassCodes);
    if (opt == TaskOption::Classification && order.size() > kMaxClasses)
      return Status::invalid("the target column " + q(c.name) + " has more than " + std::to_string(kMaxClasses) +
                             " distinct values; that is too many classes for classification");
    if (classify) {
      s->task = Task::Classification;
      for (float v : order) s->classes.push_back(num(v));
      if (opt == TaskOption::Auto)
        warnings->push_back("the target column " + q(c.name) + " holds " + std::to_string(order.size()) +
                            " distinct integer codes, so the task is classification (set task: 'regression' to override)");
    } else {
      s->task = Task::Regression;
    }
  }
  if (s->task == Task::Classification && s->classes.size() < 2)
    return Status::invalid("the target column " + q(c.name) + " has a single class (" +
                           (s->classes.empty() ? std::string("none") : q(s->classes[0])) + ") in all " +
                           std::to_string(t.rows()) + " rows; classification needs at least two classes");
  return Status::ok();
}

// `scratch` is reused across columns so each column does not fault in a fresh buffer.
void fit_numeric(const TableBuilder& t, const RawColumn& c, SchemaColumn* sc, std::vector<std::string>* w,
                 std::vector<float>* scratch) {
  std::vector<float>& present = *scratch;  // (rows - missing)
  present.clear();
  present.reserve(c.num.size());
  for (float v : c.num)
    if (!std::isnan(v)) present.push_back(v);
  if (c.nonfinite > 0)
    w->push_back("column " + q(c.name) + ": " + std::to_string(c.nonfinite) + " infinite or out-of-range value(s) (first " +
                 q(c.first_nonfinite) + " at line " + std::to_string(c.first_nonfinite_line) + ") treated as missing");
  if (present.empty()) {
    sc->note = "every value is missing";
    return;
  }
  // Mean and population standard deviation, summed in double (a float column of millions of rows).
  const Eigen::Map<const Eigen::ArrayXf> values(present.data(), Eigen::Index(present.size()));  // (n)
  const auto x = values.cast<double>();  // an expression: no second copy of the column
  const double mean = x.mean();
  const double sd = std::sqrt((x - mean).square().mean());
  const double lo = x.minCoeff(), hi = x.maxCoeff();
  if (lo == hi || !(sd > 0) || !std::isfinite(sd)) {
    sc->note = "constant (every value is " + num(lo) + ")";
    return;
  }
  auto mid = present.begin() + present.size() / 2;
  std::nth_element(present.begin(), mid, present.end());
  double median = *mid;
  if (present.size() % 2 == 0) {
    double lower = *std::max_element(present.begin(), mid);
    median = 0.5 * (median + lower);
  }
  sc->kind = ColumnKind::Numeric;
  sc->mean = mean;
  sc->scale = sd;
  sc->impute = median;
  if (c.missing > 0)
    w->push_back("column " + q(c.name) + ": " + std::to_string(c.missing) + " missing value(s) imputed with the median " +
                 num(median));
  (void)t;
}

void fit_categorical(const TableBuilder& t, const RawColumn& c, SchemaColumn* sc, std::vector<std::string>* w) {
  int64_t present = int64_t(c.ids.size()) - c.missing;
  size_t d = c.dict.size();
  if (present == 0) {
    sc->note = "every value is missing";
    return;
  }
  if (c.dict_overflow || (d > kMaxOneHot && 2 * int64_t(d) > present)) {
    sc->note = (c.dict_overflow ? "more than " + std::to_string(d) : std::to_string(d)) + " distinct values in " +
               std::to_string(present) + " rows: an identifier or free text, not a category";
    return;
  }
  if (d == 1) {
    sc->note = "constant (every value is " + q(c.dict[0]) + ")";
    return;
  }
  std::vector<int64_t> count(d, 0);  // (d)
  for (int32_t id : c.ids)
    if (id >= 0) ++count[size_t(id)];
  std::vector<int32_t> order(d);
  for (size_t i = 0; i < d; ++i) order[i] = int32_t(i);
  std::stable_sort(order.begin(), order.end(), [&](int32_t a, int32_t b) { return count[size_t(a)] > count[size_t(b)]; });
  int32_t most = order[0];
  if (d > kMaxOneHot) {
    int64_t rare_rows = 0;
    for (size_t i = kMaxOneHot; i < d; ++i) rare_rows += count[size_t(order[i])];
    w->push_back("column " + q(c.name) + ": " + std::to_string(d) + " categories; the " + std::to_string(kMaxOneHot) +
                 " most frequent are one-hot encoded and the " + std::to_string(d - kMaxOneHot) + " rarer ones (" +
                 std::to_string(rare_rows) + " rows) are encoded as all zeros");
    order.resize(kMaxOneHot);
  }
  std::sort(order.begin(), order.end());  // keep first-seen order among the kept categories
  sc->kind = ColumnKind::Categorical;
  for (int32_t id : order) {
    if (id == most) sc->impute_category = int32_t(sc->categories.size());
    sc->categories.push_back(c.dict[size_t(id)]);
  }
  if (!t.lines.empty() && c.first_text_line > int64_t(t.lines[0]))
    w->push_back("column " + q(c.name) + " starts with numbers but has text (first " + q(c.first_text) + " at line " +
                 std::to_string(c.first_text_line) + "), so it is treated as categorical");
  if (c.missing > 0)
    w->push_back("column " + q(c.name) + ": " + std::to_string(c.missing) +
                 " missing value(s) imputed with the most frequent category " + q(c.dict[size_t(most)]));
}

// --- applying a schema: one encoder per feature column, prepared once ---

struct Encoder {
  Encoder(const SchemaColumn& schema_column, const RawColumn& column, int first)
      : sc(&schema_column), c(&column), f0(first) {}
  const SchemaColumn* sc;
  const RawColumn* c;
  int f0;                                          // first feature index
  std::vector<double> dict_value;                  // numeric from a text column: file id -> value (NaN)
  std::vector<int32_t> map;                        // categorical from a text column: file id -> category, -1 unseen
  std::unordered_map<std::string, int32_t> cat_index;  // categorical: category -> index
  int64_t imputed = 0, text = 0, unseen = 0, first_unseen_line = 0;  // counts for the notices
  std::string first_unseen;
};

Encoder numeric_encoder(const SchemaColumn& sc, const RawColumn& c, int f0) {
  Encoder e(sc, c, f0);
  if (c.categorical)  // a column fitted as numbers that holds text here: numbers still parse
    for (const std::string& d : c.dict) {
      double v = NAN;
      if (parse_cell(d.data(), d.size(), '.', &v) != CellKind::Number) v = NAN;
      e.dict_value.push_back(v);
    }
  return e;
}

Encoder categorical_encoder(const SchemaColumn& sc, const RawColumn& c, int f0) {
  Encoder e(sc, c, f0);
  for (size_t k = 0; k < sc.categories.size(); ++k) e.cat_index.emplace(sc.categories[k], int32_t(k));
  if (c.categorical)
    for (const std::string& d : c.dict) {
      auto ci = e.cat_index.find(d);
      e.map.push_back(ci == e.cat_index.end() ? -1 : ci->second);
    }
  return e;
}

// Matches the schema's feature columns to the file's by name; marks them (and ignored ones) used.
Status make_encoders(const TableBuilder& t, const Schema& s, const std::unordered_map<std::string, size_t>& by_name,
                     std::vector<Encoder>* encs, std::vector<bool>* used) {
  int f0 = 0;
  for (const SchemaColumn& sc : s.columns) {
    auto it = by_name.find(sc.name);
    if (sc.kind != ColumnKind::Numeric && sc.kind != ColumnKind::Categorical) {
      if (it != by_name.end() && sc.kind == ColumnKind::Ignored) (*used)[it->second] = true;
      continue;
    }
    if (it == by_name.end())
      return Status::invalid("column " + q(sc.name) + " is required by the schema but is not in the file");
    (*used)[it->second] = true;
    const RawColumn& c = t.columns[it->second];
    if (sc.kind == ColumnKind::Numeric) {
      encs->push_back(numeric_encoder(sc, c, f0));
      f0 += 1;
    } else {
      encs->push_back(categorical_encoder(sc, c, f0));
      f0 += int(sc.categories.size());
    }
  }
  if (f0 != int(s.feature_names.size())) return Status::corrupt("the schema's feature names do not match its columns");
  return Status::ok();
}

// Rows [r0, r1) of a numeric column into x (r1 - r0, F) at feature e.f0: z = (v - mean) / scale.
void encode_numeric(Encoder& e, int64_t r0, int64_t r1, int F, float* x) {
  const SchemaColumn& sc = *e.sc;
  const RawColumn& c = *e.c;
  for (int64_t r = r0; r < r1; ++r) {
    double v;
    if (!c.categorical) {
      v = c.num[size_t(r)];
    } else {
      int32_t id = c.ids[size_t(r)];
      v = id >= 0 ? e.dict_value[size_t(id)] : NAN;
      if (id != -1 && std::isnan(v)) ++e.text;
    }
    if (std::isnan(v)) { v = sc.impute; ++e.imputed; }
    x[size_t(r - r0) * size_t(F) + size_t(e.f0)] = float((v - sc.mean) / sc.scale);
  }
}

// Rows [r0, r1) of a categorical column into x (r1 - r0, F), zeroed: a 1 at its category's feature.
void encode_categorical(const TableBuilder& t, Encoder& e, int64_t r0, int64_t r1, int F, float* x) {
  const SchemaColumn& sc = *e.sc;
  const RawColumn& c = *e.c;
  for (int64_t r = r0; r < r1; ++r) {
    int32_t k = -1;
    bool missing;
    if (c.categorical) {
      int32_t id = c.ids[size_t(r)];
      missing = id == -1;
      if (id >= 0) k = e.map[size_t(id)];
    } else {
      float v = c.num[size_t(r)];
      missing = std::isnan(v);
      if (!missing) {
        auto ci = e.cat_index.find(num(v));
        if (ci != e.cat_index.end()) k = ci->second;
      }
    }
    if (missing) { k = sc.impute_category; ++e.imputed; }
    if (k < 0) {
      if (e.unseen++ == 0) {
        e.first_unseen = c.categorical ? (c.ids[size_t(r)] >= 0 ? c.dict[size_t(c.ids[size_t(r)])] : "?")
                                       : num(c.num[size_t(r)]);
        e.first_unseen_line = t.lines[size_t(r)];
      }
      continue;
    }
    x[size_t(r - r0) * size_t(F) + size_t(e.f0 + k)] = 1.0f;
  }
}

// Every row into features (rows, F). Rows are encoded into a small cache-resident block (zeroed
// there) and appended, so the strided writes of every column land in a cache-sized slice and the
// (rows, F) matrix is written exactly once, never zero-filled and then rewritten.
void encode_rows(const TableBuilder& t, int F, std::vector<Encoder>* encs, std::vector<float>* features) {
  const int64_t R = t.rows();
  features->reserve(size_t(R) * size_t(F));
  constexpr int64_t kBlock = 256;
  std::vector<float> block(size_t(std::min<int64_t>(R, kBlock)) * size_t(F));  // (kBlock, F)
  for (int64_t r0 = 0; r0 < R; r0 += kBlock) {
    const int64_t r1 = std::min(R, r0 + kBlock);
    std::fill(block.begin(), block.end(), 0.0f);
    float* x = block.data();  // (r1 - r0, F): output row r is x + (r - r0) * F
    for (Encoder& e : *encs) {
      if (e.sc->kind == ColumnKind::Numeric) encode_numeric(e, r0, r1, F, x);
      else encode_categorical(t, e, r0, r1, F, x);
    }
    features->insert(features->end(), x, x + size_t(r1 - r0) * size_t(F));
  }
}

// What the encoders counted: text in numeric columns, imputed and unseen values. Notices that
// fit_schema already gave for the same table are left out when fitted_here.
void encoder_notices(const std::vector<Encoder>& encs, bool fitted_here, std::vector<std::string>* warnings) {
  for (const Encoder& e : encs) {
    const SchemaColumn& sc = *e.sc;
    const RawColumn& c = *e.c;
    if (sc.kind == ColumnKind::Numeric) {
      if (e.text > 0)
        warnings->push_back("column " + q(sc.name) + ": " + std::to_string(e.text) + " value(s) are not numbers (first " +
                            q(c.first_text) + " at line " + std::to_string(c.first_text_line) +
                            ") and were imputed with the fitted median " + num(sc.impute));
      if (!fitted_here && e.imputed - e.text > 0)
        warnings->push_back("column " + q(sc.name) + ": " + std::to_string(e.imputed - e.text) +
                            " missing value(s) imputed with the fitted median " + num(sc.impute));
    } else {
      if (!fitted_here && e.unseen > 0)
        warnings->push_back("column " + q(sc.name) + ": " + std::to_string(e.unseen) +
                            " value(s) were not seen when the schema was fitted (first " + q(e.first_unseen) +
                            " at line " + std::to_string(e.first_unseen_line) + ") and are encoded as all zeros");
      if (!fitted_here && e.imputed > 0)
        warnings->push_back("column " + q(sc.name) + ": " + std::to_string(e.imputed) +
                            " missing value(s) imputed with the fitted most frequent category " +
                            q(sc.categories[size_t(sc.impute_category)]));
    }
  }
}

// The target column c as class ids (classification: every label must be a fitted class) or values.
Status encode_labels(const TableBuilder& t, const Schema& s, const RawColumn& c, Encoded* out) {
  const int64_t R = t.rows();
  out->has_labels = true;
  if (s.task == Task::Regression) {
    if (c.categorical)
      return Status::invalid("the target column " + q(c.name) + " has text values (first " + q(c.first_text) +
                             " at line " + std::to_string(c.first_text_line) + ") but the task is regression");
    out->values.assign(c.num.begin(), c.num.end());
    return Status::ok();
  }
  std::unordered_map<std::string, int32_t> cls;  // label -> class id
  for (size_t k = 0; k < s.classes.size(); ++k) cls.emplace(s.classes[k], int32_t(k));
  // Each distinct label is named and looked up once: a text label by its dictionary id, a number by
  // its float's bits (so -0 and 0, which print differently, stay apart). -1 = not a fitted class.
  std::vector<int32_t> by_id(c.categorical ? c.dict.size() : 0, -2);  // dictionary id -> class, -2 unknown yet
  std::unordered_map<uint32_t, int32_t> by_bits;                       // float bits -> class
  auto class_of = [&](const std::string& label) {
    auto ci = cls.find(label);
    return ci == cls.end() ? -1 : ci->second;
  };
  out->class_ids.resize(size_t(R));
  for (int64_t r = 0; r < R; ++r) {
    int32_t k;
    if (c.categorical) {
      const int32_t id = c.ids[size_t(r)];
      if (id < 0) k = class_of(std::string());
      else if ((k = by_id[size_t(id)]) == -2) k = by_id[size_t(id)] = class_of(c.dict[size_t(id)]);
    } else {
      uint32_t bits;
      std::memcpy(&bits, &c.num[size_t(r)], sizeof bits);
      auto it = by_bits.find(bits);
      k = it != by_bits.end() ? it->second : (by_bits[bits] = class_of(num(c.num[size_t(r)])));
    }
    if (k < 0) {
      const std::string label = c.categorical ? (c.ids[size_t(r)] >= 0 ? c.dict[size_t(c.ids[size_t(r)])] : std::string())
                                              : num(c.num[size_t(r)]);
      return Status::invalid("line " + std::to_string(t.lines[size_t(r)]) + ": target value " + q(label) +
                             " in column " + q(c.name) + " is not one of the " + std::to_string(s.classes.size()) +
                             " classes the schema was fitted with");
    }
    out->class_ids[size_t(r)] = k;
  }
  return Status::ok();
}

// One ColumnInfo per file column (its kind as the schema reads it), and a notice for the file's
// columns the schema does not know (unless fitted_here).
void describe_columns(const TableBuilder& t, const Schema& s, int tcol, const std::vector<bool>& used, bool fitted_here,
                      std::vector<ColumnInfo>* columns, std::vector<std::string>* warnings) {
  std::unordered_map<std::string, ColumnKind> kind_of;
  for (const SchemaColumn& sc : s.columns) kind_of.emplace(sc.name, sc.kind);
  std::vector<std::string> extra;
  for (size_t j = 0; j < t.columns.size(); ++j) {
    const RawColumn& c = t.columns[j];
    ColumnInfo info{c.name, ColumnKind::Ignored, c.missing};
    auto ki = kind_of.find(c.name);
    if (int(j) == tcol) info.kind = ColumnKind::Target;
    else if (ki != kind_of.end() && ki->second != ColumnKind::Target) info.kind = ki->second;
    if (!used[j]) extra.push_back(c.name);
    columns->push_back(info);
  }
  if (!extra.empty() && !fitted_here)
    warnings->push_back(std::to_string(extra.size()) + " column(s) not in the schema were ignored (" + q(extra[0]) +
                        (extra.size() > 1 ? ", ..." : "") + ")");
}

}  // namespace

const char* to_string(TaskOption t) {
  switch (t) {
    case TaskOption::Auto: return "auto";
    case TaskOption::Classification: return "classification";
    case TaskOption::Regression: return "regression";
  }
  return "auto";
}

const char* to_string(ColumnKind k) {
  switch (k) {
    case ColumnKind::Numeric: return "numeric";
    case ColumnKind::Categorical: return "categorical";
    case ColumnKind::Target: return "target";
    case ColumnKind::Ignored: return "ignored";
  }
  return "ignored";
}

Status fit_schema(const TableBuilder& t, TaskOption task, Schema* out, std::vector<std::string>* warnings,
                  const std::vector<std::string>* drop) {
  *out = Schema();
  if (t.target < 0) return Status::invalid("no target column was chosen");
  MOE_RETURN_IF_ERROR(fit_target(t, task, out, warnings));
  std::vector<float> scratch;  // (rows) fit_numeric's working copy, shared by all columns
  for (size_t j = 0; j < t.columns.size(); ++j) {
    const RawColumn& c = t.columns[j];
    SchemaColumn sc;
    sc.name = c.name;
    if (int(j) == t.target) {
      sc.kind = ColumnKind::Target;
    } else if (drop && j < drop->size() && !(*drop)[j].empty()) {
      sc.note = (*drop)[j];
    } else if (c.categorical) {
      fit_categorical(t, c, &sc, warnings);
    } else {
      fit_numeric(t, c, &sc, warnings, &scratch);
    }
    if (sc.kind == ColumnKind::Numeric) out->feature_names.push_back(sc.name);
    if (sc.kind == ColumnKind::Categorical)
      for (const std::string& cat : sc.categories) out->feature_names.push_back(sc.name + "=" + cat);
    if (sc.kind == ColumnKind::Ignored) warnings->push_back("column " + q(sc.name) + " was dropped: " + sc.note);
    out->columns.push_back(std::move(sc));
  }
  if (out->feature_names.empty())
    return Status::invalid("no usable feature columns: besides the target " + q(out->target) +
                           " every column is empty, constant or an identifier");
  if (int64_t(out->feature_names.size()) * t.rows() > kMaxCells)
    return Status::out_of_range("the encoded data would have " + std::to_string(t.rows()) + " rows x " +
                                std::to_string(out->feature_names.size()) + " features, more than the limit of 2^27 cells");
  return Status::ok();
}

Status apply_schema(const TableBuilder& t, const Schema& s, bool fitted_here, Encoded* out,
                    std::vector<std::string>* warnings) {
  *out = Encoded();
  const int64_t R = t.rows();
  const int F = int(s.feature_names.size());
  if (int64_t(F) * R > kMaxCells)
    return Status::out_of_range("the encoded data would have " + std::to_string(R) + " rows x " + std::to_string(F) +
                                " features, more than the limit of 2^27 cells");
  std::unordered_map<std::string, size_t> by_name;  // file column name -> index
  for (size_t j = 0; j < t.columns.size(); ++j) by_name.emplace(t.columns[j].name, j);
  std::vector<bool> used(t.columns.size(), false);  // (file columns) the schema reads it
  std::vector<Encoder> encs;
  MOE_RETURN_IF_ERROR(make_encoders(t, s, by_name, &encs, &used));
  out->rows = R;
  out->num_features = F;
  encode_rows(t, F, &encs, &out->features);
  encoder_notices(encs, fitted_here, warnings);
  int tcol = -1;
  if (!s.target.empty()) {
    auto it = by_name.find(s.target);
    if (it != by_name.end()) tcol = int(it->second);
  }
  if (tcol >= 0) {
    used[size_t(tcol)] = true;
    MOE_RETURN_IF_ERROR(encode_labels(t, s, t.columns[size_t(tcol)], out));
  }
  describe_columns(t, s, tcol, used, fitted_here, &out->columns, warnings);
  return Status::ok();
}

}  // namespace moe::io
