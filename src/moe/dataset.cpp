// The CSV facade: sniffing, decoding, tokenizing and ingesting chunk by chunk, then fitting or
// re-applying the Schema. See dataset.h.
#include "moe/dataset.h"

#include <algorithm>

#include "io/csv.h"
#include "io/schema_json.h"
#include "io/sniff.h"
#include "io/table.h"

namespace moe {
namespace {

constexpr size_t kPreludeBytes = 64 * 1024;  // looked at before choosing encoding and delimiter

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

  Status begin(bool last) {
    started = true;
    io::Encoding enc;
    size_t bom = 0;
    MOE_RETURN_IF_ERROR(io::sniff_input(prelude.data(), prelude.size(), &enc, &bom));
    decoder.set_encoding(enc);
    const char* text;
    size_t n;
    decoder.decode(prelude.data() + bom, prelude.size() - bom, last, &text, &n);
    std::string first(text, n);  // the decoder's buffer is reused by the next call
    const uint64_t raw_prelude = prelude.size();
    std::vector<uint8_t>().swap(prelude);
    if (enc != io::Encoding::Utf8) {  // re-check JSON/HTML/binary on the decoded text
      io::Encoding e2;
      size_t b2;
      MOE_RETURN_IF_ERROR(io::sniff_input(reinterpret_cast<const uint8_t*>(first.data()), first.size(), &e2, &b2));
    }
    char sep = 0;
    size_t skip = io::parse_sep_line(first.data(), first.size(), last, &sep);
    delimiter = opt.delimiter ? opt.delimiter : (sep ? sep : io::sniff_delimiter(first.data() + skip, first.size() - skip));
    if (delimiter == '"' || delimiter == '\n' || delimiter == '\r')
      return Status::invalid(std::string("the delimiter cannot be ") + (delimiter == '"' ? "a double quote" : "a line break"));
    io::TableOptions topt = table_options(opt, have_schema ? &schema : nullptr);
    topt.decimal = delimiter == ',' ? '.' : ',';
    if (opt.expected_bytes > raw_prelude && raw_prelude > 0) {
      int64_t lines = 1;
      for (char c : first) lines += c == '\n';
      topt.expected_rows = int64_t(double(opt.expected_bytes) / double(raw_prelude) * double(lines) * 1.02) + 16;
    }
    table.reset(new io::TableBuilder(topt));
    tokenizer.set_delimiter(delimiter);
    if (skip > 0) tokenizer.set_first_line(2);
    return tokenizer.feed(first.data() + skip, first.size() - skip, table.get());
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
    if (!have_schema) {
      MOE_RETURN_IF_ERROR(io::fit_schema(*table, opt.task, &schema, &ds.warnings));
    }
    io::Encoded enc;
    MOE_RETURN_IF_ERROR(io::apply_schema(*table, schema, !have_schema, &enc, &ds.warnings));
    rows_done = table->rows();
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

Status read_csv(const uint8_t* bytes, size_t len, const CsvOptions& options, Dataset* out) {
  CsvOptions o = options;
  o.expected_bytes = len;
  CsvStream s(o);
  MOE_RETURN_IF_ERROR(s.feed(bytes, len));
  return s.finish(out);
}

}  // namespace moe
