// Prefix reading: the prelude shared with the full reader, the row preview and the target
// suggestion. See preview.h.
#include "io/preview.h"

#include <algorithm>

#include "io/values.h"

namespace moe::io {
namespace {

// Collects the header and up to `max_rows` data rows as strings; ignores rows after that.
class PreviewSink : public RowSink {
 public:
  PreviewSink(size_t max_rows, HeaderMode header, char decimal, Preview* out)
      : max_(max_rows), header_(header), decimal_(decimal), out_(out) {}
  Status on_row(const RowView& row) override {
    if (full()) return Status::ok();
    std::vector<std::string> cells;
    bool blank = true;
    for (size_t j = 0; j < row.nfields; ++j) {
      size_t n;
      const char* p = row.field(j, &n);
      trim_span(&p, &n);
      blank = blank && n == 0;
      cells.emplace_back(p, n);
    }
    if (blank) return Status::ok();
    if (!started_) {
      started_ = true;
      out_->has_header = header_ == HeaderMode::Yes || (header_ == HeaderMode::Auto && row_is_header(row, decimal_));
      for (size_t j = 0; j < cells.size(); ++j)
        out_->header.push_back(out_->has_header && !cells[j].empty() ? cells[j] : "column_" + std::to_string(j + 1));
      if (out_->has_header) return Status::ok();
    }
    out_->rows.push_back(std::move(cells));
    return Status::ok();
  }
  bool full() const { return started_ && out_->rows.size() >= max_; }

 private:
  size_t max_;
  HeaderMode header_;
  char decimal_;
  Preview* out_;
  bool started_ = false;
};

}  // namespace

Status open_prelude(const uint8_t* p, size_t n, bool last, char forced_delimiter, Utf8Decoder* dec, Prelude* out) {
  size_t bom = 0;
  MOE_RETURN_IF_ERROR(sniff_input(p, n, &out->encoding, &bom));
  dec->set_encoding(out->encoding);
  const char* text;
  size_t m;
  dec->decode(p + bom, n - bom, last, &text, &m);
  out->text.assign(text, m);  // the decoder's buffer is reused by the next call
  if (out->encoding != Encoding::Utf8) {  // re-check JSON/HTML/binary on the decoded text
    Encoding e2;
    size_t b2;
    MOE_RETURN_IF_ERROR(sniff_input(reinterpret_cast<const uint8_t*>(out->text.data()), out->text.size(), &e2, &b2));
  }
  char sep = 0;
  out->skip = parse_sep_line(out->text.data(), out->text.size(), last, &sep);
  out->delimiter = forced_delimiter ? forced_delimiter
                                    : (sep ? sep : sniff_delimiter(out->text.data() + out->skip, out->text.size() - out->skip));
  if (out->delimiter == '"' || out->delimiter == '\n' || out->delimiter == '\r')
    return Status::invalid(std::string("the delimiter cannot be ") + (out->delimiter == '"' ? "a double quote" : "a line break"));
  out->decimal = out->delimiter == ',' ? '.' : ',';
  return Status::ok();
}

std::string encoding_name(Encoding e, const Utf8Decoder& dec) {
  if (e == Encoding::Utf16LE) return "utf-16le";
  if (e == Encoding::Utf16BE) return "utf-16be";
  return dec.fallback_bytes() > 0 ? "windows-1252" : "utf-8";
}

Status preview_csv(const uint8_t* bytes, size_t len, bool whole, size_t max_rows, char delimiter, HeaderMode header,
                   Preview* out) {
  *out = Preview();
  if (max_rows > kMaxPreviewRows)
    return Status::invalid("rows must be an integer in [0, " + std::to_string(kMaxPreviewRows) + "], got " +
                           std::to_string(max_rows));
  Utf8Decoder dec;
  Prelude pre;
  size_t n = std::min(len, kPreludeBytes);
  MOE_RETURN_IF_ERROR(open_prelude(bytes, n, whole && n == len, delimiter, &dec, &pre));
  out->delimiter = pre.delimiter;
  CsvTokenizer tok(pre.delimiter);
  if (pre.skip > 0) tok.set_first_line(2);
  PreviewSink sink(max_rows, header, pre.decimal, out);
  MOE_RETURN_IF_ERROR(tok.feed(pre.text.data() + pre.skip, pre.text.size() - pre.skip, &sink));
  constexpr size_t kChunk = 64 * 1024;
  size_t at = n;
  while (!sink.full() && at < len) {
    size_t k = std::min(kChunk, len - at);
    const char* text;
    size_t m;
    dec.decode(bytes + at, k, whole && at + k == len, &text, &m);
    MOE_RETURN_IF_ERROR(tok.feed(text, m, &sink));
    at += k;
  }
  if (!sink.full() && whole) MOE_RETURN_IF_ERROR(tok.finish(&sink));
  if (out->header.empty()) return Status::parse("the file has no rows: every line is blank");
  out->encoding = encoding_name(pre.encoding, dec);
  return Status::ok();
}

Status suggest_target(const Prelude& pre, bool complete, HeaderMode header, TargetSuggestion* out) {
  *out = TargetSuggestion();
  TableOptions topt;
  topt.header = header;
  topt.decimal = pre.decimal;
  topt.target_optional = true;  // no target: every row is kept
  TableBuilder table(topt);
  CsvTokenizer tok(pre.delimiter);
  if (pre.skip > 0) tok.set_first_line(2);
  MOE_RETURN_IF_ERROR(tok.feed(pre.text.data() + pre.skip, pre.text.size() - pre.skip, &table));
  if (complete) MOE_RETURN_IF_ERROR(tok.finish(&table));
  MOE_RETURN_IF_ERROR(table.finish());
  int best = -1;
  out->candidates = rank_targets(table, &best);
  if (best >= 0) out->target = table.columns[size_t(best)].name;
  out->rows_read = table.rows();
  return Status::ok();
}

Status suggest_target(const uint8_t* bytes, size_t len, bool whole, char delimiter, HeaderMode header,
                      TargetSuggestion* out) {
  Utf8Decoder dec;
  Prelude pre;
  size_t n = std::min(len, kPreludeBytes);
  const bool last = whole && n == len;
  MOE_RETURN_IF_ERROR(open_prelude(bytes, n, last, delimiter, &dec, &pre));
  return suggest_target(pre, last, header, out);
}

}  // namespace moe::io
