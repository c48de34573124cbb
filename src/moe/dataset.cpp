// The CSV facade: sniffing, decoding, tokenizing and ingesting chunk by chunk, then fitting or
// re-applying the Schema. See dataset.h.
#include "moe/dataset.h"

#include <algorithm>
#include <cmath>

#include "io/column_roles.h"
#include "io/csv.h"
#include "io/preview.h"
#include "io/schema_json.h"
#include "io/sniff.h"
#include "io/table.h"
#include "io/values.h"

namespace moe {
namespace {

using io::kPreludeBytes;

io::TableOptions table_options(const CsvOptions& o, const Schema* schema) {
  io::TableOptions t;
  t.header = o.header;
  if (schema) {
    t.target_name = schema->target;
    t.target_optional = true;
  } else {
    t.target_name = o.target;
    t.target_index = o.target.empty() ? o.target_index : -1;
  }
  return t;
}

}  // namespace

struct CsvStream::Impl {
  CsvOptions opt;
  Status status;
  bool have_schema = false;
  Schema schema;
  std::vector<uint8_t> prelude;
  bool started = false;
  uint64_t bytes = 0;
  io::Utf8Decoder decoder;
  io::CsvTokenizer tokenizer;
  std::unique_ptr<io::TableBuilder> table;
  char delimiter = ',';
  int64_t rows_done = 0;
  std::string suggested_notice;  // set when the target was chosen by suggestion

  Status begin(bool last) {
    started = true;
    io::Prelude pre;
    MOE_RETURN_IF_ERROR(io::open_prelude(prelude.data(), prelude.size(), last, opt.delimiter, &decoder, &pre));
    const uint64_t raw_prelude = prelude.size();
    std::vector<uint8_t>().swap(prelude);
    delimiter = pre.delimiter;
    io::TableOptions topt = table_options(opt, have_schema ? &schema : nullptr);
    if (!have_schema && opt.target.empty() && opt.target_index < 0) choose_target(pre, last, &topt);
    topt.decimal = pre.decimal;
    if (opt.expected_bytes > raw_prelude && raw_prelude > 0) {
      int64_t lines = 1;
      for (char c : pre.text) lines += c == '\n';
      topt.expected_rows = int64_t(double(opt.expected_bytes) / double(raw_prelude) * double(lines) * 1.02) + 16;
    }
    table.reset(new io::TableBuilder(topt));
    tokenizer.set_delimiter(delimiter);
    if (pre.skip > 0) tokenizer.set_first_line(2);
    return tokenizer.feed(pre.text.data() + pre.skip, pre.text.size() - pre.skip, table.get());
  }

  // No target given: the suggested one (io/column_roles.h), ranked on the prelude's rows. When the
  // prelude cannot be ranked the reader keeps its old default (the last column) and reports errors itself.
  void choose_target(const io::Prelude& pre, bool last, io::TableOptions* topt) {
    io::TargetSuggestion sug;
    if (!io::suggest_target(pre, last, opt.header, &sug).is_ok() || sug.candidates.empty()) return;
    topt->target_name = sug.target;
    const io::TargetCandidate& best = sug.candidates[0];
    suggested_notice = "no target was given, so '" + sug.target + "' was chosen as the most likely target (" +
                       best.reason + "); pass target to choose another column";
  }

  // (rows, columns) cell text of the stored rows: dictionary text, numbers in shortest form, '' when missing.
  static std::vector<std::string> raw_cells(const io::TableBuilder& t) {
    const size_t R = size_t(t.rows()), J = t.columns.size();
    std::vector<std::string> out(R * J);
    for (size_t j = 0; j < J; ++j) {
      const io::RawColumn& c = t.columns[j];
      for (size_t r = 0; r < R; ++r) {
        if (c.categorical) {
          const int32_t id = c.ids[r];
          if (id >= 0) out[r * J + j] = c.dict[size_t(id)];
        } else if (!std::isnan(c.num[r])) {
          out[r * J + j] = io::format_number(c.num[r]);
        }
      }
    }
    return out;
  }

  // Per column: why it is left out of the features ('' = kept). Identifiers and free text are dropped
  // unless keep_columns names them (constants and empty columns by fit_schema's own rules); a target
  // with such a role gets a warning instead.
  std::vector<std::string> role_drops(const std::vector<io::RoleInfo>& roles, std::vector<std::string>* warnings) const {
    std::vector<std::string> drop(roles.size());
    for (size_t j = 0; j < roles.size(); ++j) {
      const std::string& name = table->columns[j].name;
      if (int(j) == table->target) {
        if (roles[j].role != io::ColumnRole::Target)
          warnings->push_back("the target column '" + name + "' looks like " + io::to_string(roles[j].role) + ": " +
                              roles[j].reason);
        continue;
      }
      if (roles[j].role != io::ColumnRole::Identifier && roles[j].role != io::ColumnRole::FreeText) continue;
      if (std::find(opt.keep_columns.begin(), opt.keep_columns.end(), name) != opt.keep_columns.end()) continue;
      drop[j] = roles[j].reason + " (keep it with keepColumns: ['" + name + "'])";
    }
    // Nothing but such columns besides the target: they are kept, since a model needs some input.
    size_t dropped = 0;
    for (const std::string& d : drop) dropped += !d.empty();
    if (dropped > 0 && dropped + (table->target >= 0 ? 1 : 0) == drop.size()) {
      warnings->push_back("every feature column looks like an identifier or free text; they are used anyway");
      return std::vector<std::string>(roles.size());
    }
    return drop;
  }

  Status feed(const uint8_t* p, size_t n) {
    bytes += n;
    if (!started) {
      size_t take = std::min(n, kPreludeBytes - prelude.size());
      prelude.insert(prelude.end(), p, p + take);
      if (prelude.size() < kPreludeBytes) return Status::ok();
      MOE_RETURN_IF_ERROR(begin(false));
      p += take;
      n -= take;
      if (n == 0) return Status::ok();
    }
    const char* text;
    size_t m;
    decoder.decode(p, n, false, &text, &m);
    return tokenizer.feed(text, m, table.get());
  }

  Status finish(Dataset* out) {
    if (!started) {
      MOE_RETURN_IF_ERROR(begin(true));
    } else {
      const char* text;
      size_t m;
      decoder.decode(nullptr, 0, true, &text, &m);
      MOE_RETURN_IF_ERROR(tokenizer.feed(text, m, table.get()));
    }
    MOE_RETURN_IF_ERROR(tokenizer.finish(table.get()));
    MOE_RETURN_IF_ERROR(table->finish());
    Dataset ds;
    ds.delimiter = delimiter;
    ds.warnings = std::move(table->warnings);
    if (decoder.fallback_bytes() > 0)
      ds.warnings.push_back("the file is not valid UTF-8; " + std::to_string(decoder.fallback_bytes()) +
                            " byte(s) (first at byte " + std::to_string(decoder.first_fallback_offset() + 1) +
                            ") were read as Windows-1252");
    ds.roles = io::column_roles(*table, table->target);
    if (!have_schema) {
      if (!suggested_notice.empty() && table->target != int(table->columns.size()) - 1) ds.warnings.push_back(suggested_notice);
      std::vector<std::string> drop = role_drops(ds.roles, &ds.warnings);
      MOE_RETURN_IF_ERROR(io::fit_schema(*table, opt.task, &schema, &ds.warnings, &drop));
    }
    io::Encoded enc;
    MOE_RETURN_IF_ERROR(io::apply_schema(*table, schema, !have_schema, &enc, &ds.warnings));
    rows_done = table->rows();
    if (opt.keep_raw) ds.raw_cells = raw_cells(*table);
    table.reset();
    ds.rows = enc.rows;
    ds.num_features = enc.num_features;
    ds.features = std::move(enc.features);
    ds.feature_names = schema.feature_names;
    ds.task = schema.task;
    ds.has_labels = enc.has_labels;
    ds.class_ids = std::move(enc.class_ids);
    ds.values = std::move(enc.values);
    if (schema.task == Task::Classification) ds.classes = schema.classes;
    ds.columns = std::move(enc.columns);
    ds.schema = schema;
    ds.schema_json = io::schema_to_json(schema);
    *out = std::move(ds);
    return Status::ok();
  }
};

CsvStream::CsvStream(const CsvOptions& options) : impl_(new Impl) {
  impl_->opt = options;
  if (!options.schema_json.empty()) {
    impl_->have_schema = true;
    impl_->status = io::schema_from_json(options.schema_json, &impl_->schema);
  }
}

CsvStream::~CsvStream() = default;

Status CsvStream::feed(const uint8_t* bytes, size_t len) {
  if (!impl_->status.is_ok()) return impl_->status;
  if (len == 0) return Status::ok();
  impl_->status = impl_->feed(bytes, len);
  return impl_->status;
}

Status CsvStream::finish(Dataset* out) {
  if (!impl_->status.is_ok()) return impl_->status;
  Status s = impl_->finish(out);
  impl_->status = s.is_ok() ? Status::invalid("this CsvStream has already finished") : s;
  return s;
}

uint64_t CsvStream::bytes_read() const { return impl_->bytes; }
int64_t CsvStream::rows_read() const { return impl_->table ? impl_->table->rows() : impl_->rows_done; }

namespace {

// One whole-text read: the text in one feed, then the encoding. `owned`, when given, holds the text
// and is freed between the two (the stream keeps no pointer into the text once feed returns).
Status read_whole(const uint8_t* bytes, size_t len, const CsvOptions& options, Dataset* out,
                  std::unique_ptr<uint8_t[]>* owned) {
  CsvOptions o = options;
  o.expected_bytes = len;
  CsvStream s(o);
  MOE_RETURN_IF_ERROR(s.feed(bytes, len));
  if (owned) owned->reset();
  return s.finish(out);
}

}  // namespace

Status read_csv(const uint8_t* bytes, size_t len, const CsvOptions& options, Dataset* out) {
  return read_whole(bytes, len, options, out, nullptr);
}

Status read_csv(std::unique_ptr<uint8_t[]> bytes, size_t len, const CsvOptions& options, Dataset* out) {
  const uint8_t* text = bytes.get();
  return read_whole(text, len, options, out, &bytes);
}

}  // namespace moe
