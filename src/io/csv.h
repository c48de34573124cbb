// The CSV byte pipeline: a streaming transcoder to UTF-8 (UTF-8 with Windows-1252 fallback for
// invalid bytes, UTF-16 LE/BE) and a streaming RFC 4180 tokenizer that hands complete rows to a sink.
// It knows nothing of headers or column types (table.h) or of preprocessing (preprocess.h).
#pragma once
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "io/sniff.h"
#include "base/status.h"

namespace moe::io {

// Streaming decoder to UTF-8. Chunks may split multi-byte sequences anywhere.
class Utf8Decoder {
 public:
  void set_encoding(Encoding e) { enc_ = e; }
  // Decodes one chunk. The output pointer is either the input itself (valid UTF-8, nothing carried)
  // or an internal buffer; it stays valid until the next call. `last` flushes carried bytes.
  void decode(const uint8_t* p, size_t n, bool last, const char** out, size_t* out_len);
  // Bytes that were not valid UTF-8 and were read as Windows-1252 instead.
  int64_t fallback_bytes() const { return fallback_bytes_; }
  int64_t first_fallback_offset() const { return first_fallback_offset_; }

 private:
  void decode_utf8(const uint8_t* p, size_t n, bool last, const char** out, size_t* out_len);
  void decode_utf16(const uint8_t* p, size_t n, bool last);
  Encoding enc_ = Encoding::Utf8;
  std::string carry_;  // incomplete trailing sequence of the previous chunk (<= 3 bytes)
  std::string buf_;    // transcoded output when the input cannot be passed through
  std::string joined_; // carried bytes + the next chunk
  uint32_t high_surrogate_ = 0;
  int64_t offset_ = 0;
  int64_t fallback_bytes_ = 0;
  int64_t first_fallback_offset_ = -1;
};

// One complete row as the tokenizer saw it. Field i is text[begin(i), ends[i]).
struct RowView {
  const char* text;
  const uint32_t* ends;  // (nfields) end offset of each field in text
  size_t nfields;
  int64_t line;          // 1-based physical line where the row starts
  uint32_t gap = 0;      // bytes between fields: 0 in the tokenizer's buffer, 1 (the delimiter) in the input
  size_t begin(size_t i) const { return i == 0 ? 0 : ends[i - 1] + gap; }
  const char* field(size_t i, size_t* len) const {
    *len = ends[i] - begin(i);
    return text + begin(i);
  }
};

class RowSink {
 public:
  virtual ~RowSink() = default;
  virtual Status on_row(const RowView& row) = 0;
};

// Limits that turn pathological input into a clear error instead of exhausting memory.
constexpr size_t kMaxFieldsPerRow = 10000;
constexpr size_t kMaxRowBytes = size_t(64) << 20;  // 64 MiB of text in one row

// RFC 4180 tokenizer: quoted fields may hold the delimiter, doubled quotes and line breaks; LF,
// CRLF and lone CR end rows; a final row without a line break is kept; blank lines are skipped.
// Lenient where Excel is: a quote inside an unquoted field is literal text, and text after a
// closing quote is appended to the field.
class CsvTokenizer {
 public:
  explicit CsvTokenizer(char delimiter = ',');
  void set_delimiter(char d);
  // Line number of the first byte fed (2 when a `sep=` line was consumed before the tokenizer).
  void set_first_line(int64_t line) { line_ = row_line_ = line; }
  // Feeds decoded UTF-8 text; calls sink->on_row for every completed row. Stops at the first error.
  Status feed(const char* p, size_t n, RowSink* sink);
  // Ends the input: emits the last row, or reports an unterminated quote naming the line it opened.
  Status finish(RowSink* sink);

 private:
  enum class State { FieldStart, Unquoted, Quoted, QuoteInQuoted };
  Status end_field();
  Status end_row(RowSink* sink);
  Status check_row_size() const;
  // A whole unquoted row inside the chunk at p[*i]: handed to the sink as fields pointing into the
  // input, no copy. False (nothing consumed) when the row holds a quote, runs past the chunk or is
  // over a limit; the byte-by-byte states below then read it (and report any error).
  bool direct_row(const char* p, size_t n, size_t* i, RowSink* sink, Status* status);
  char delim_;
  bool special_[256];             // delimiter, '"', '\n', '\r': the bytes an unquoted field stops at
  State state_ = State::FieldStart;
  std::string buf_;               // current row's field text, concatenated
  std::vector<uint32_t> ends_;    // (fields so far) end offset of each field in buf_
  int64_t line_ = 1;              // current physical line
  int64_t row_line_ = 1;          // line where the current row started
  int64_t quote_line_ = 0;        // line where the open quoted field started
  bool row_started_ = false;
  bool unquoted_blank_ = false;   // the current unquoted field holds only spaces so far
  bool skip_lf_ = false;          // previous byte was a CR that ended a row or a line
};

}  // namespace moe::io
