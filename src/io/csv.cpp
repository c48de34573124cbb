// Streaming UTF-8 transcoder and RFC 4180 tokenizer. See csv.h for what each accepts.
#include "io/csv.h"

#include <cstring>

namespace moe::io {
namespace {

// Windows-1252 bytes 0x80..0x9F as Unicode code points (undefined bytes keep their C1 value).
const uint16_t kCp1252High[32] = {0x20AC, 0x0081, 0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021,
                                  0x02C6, 0x2030, 0x0160, 0x2039, 0x0152, 0x008D, 0x017D, 0x008F,
                                  0x0090, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2013, 0x2014,
                                  0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0x009D, 0x017E, 0x0178};

void append_utf8(std::string* out, uint32_t cp) {
  if (cp < 0x80) {
    out->push_back(char(cp));
  } else if (cp < 0x800) {
    out->push_back(char(0xC0 | (cp >> 6)));
    out->push_back(char(0x80 | (cp & 0x3F)));
  } else if (cp < 0x10000) {
    out->push_back(char(0xE0 | (cp >> 12)));
    out->push_back(char(0x80 | ((cp >> 6) & 0x3F)));
    out->push_back(char(0x80 | (cp & 0x3F)));
  } else {
    out->push_back(char(0xF0 | (cp >> 18)));
    out->push_back(char(0x80 | ((cp >> 12) & 0x3F)));
    out->push_back(char(0x80 | ((cp >> 6) & 0x3F)));
    out->push_back(char(0x80 | (cp & 0x3F)));
  }
}

// Length of the valid UTF-8 sequence at s (1..4), or 0 if invalid. `*incomplete` is set when the
// bytes available are a valid but truncated prefix of a sequence.
size_t utf8_seq_len(const uint8_t* s, size_t avail, bool* incomplete) {
  *incomplete = false;
  uint8_t c = s[0];
  if (c < 0x80) return 1;
  size_t need;
  uint8_t lo = 0x80, hi = 0xBF;
  if (c >= 0xC2 && c <= 0xDF) need = 1;
  else if (c == 0xE0) { need = 2; lo = 0xA0; }
  else if ((c >= 0xE1 && c <= 0xEC) || c == 0xEE || c == 0xEF) need = 2;
  else if (c == 0xED) { need = 2; hi = 0x9F; }
  else if (c == 0xF0) { need = 3; lo = 0x90; }
  else if (c >= 0xF1 && c <= 0xF3) need = 3;
  else if (c == 0xF4) { need = 3; hi = 0x8F; }
  else return 0;
  for (size_t k = 1; k <= need; ++k) {
    if (k >= avail) { *incomplete = true; return 0; }
    uint8_t b = s[k];
    uint8_t l = (k == 1) ? lo : 0x80, h = (k == 1) ? hi : 0xBF;
    if (b < l || b > h) return 0;
  }
  return need + 1;
}

// Index of the first byte that is not part of a complete valid UTF-8 sequence (len if none).
size_t valid_utf8_prefix(const uint8_t* s, size_t len) {
  size_t i = 0;
  while (i < len) {
    if (i + 8 <= len) {
      uint64_t w;
      std::memcpy(&w, s + i, 8);
      if ((w & 0x8080808080808080ull) == 0) { i += 8; continue; }
    }
    bool inc = false;
    size_t k = utf8_seq_len(s + i, len - i, &inc);
    if (k == 0) return i;
    i += k;
  }
  return len;
}

}  // namespace

void Utf8Decoder::decode(const uint8_t* p, size_t n, bool last, const char** out, size_t* out_len) {
  if (enc_ == Encoding::Utf8) {
    decode_utf8(p, n, last, out, out_len);
  } else {
    decode_utf16(p, n, last);
    *out = buf_.data();
    *out_len = buf_.size();
  }
  offset_ += int64_t(n);
}

void Utf8Decoder::decode_utf8(const uint8_t* p, size_t n, bool last, const char** out, size_t* out_len) {
  const uint8_t* src = p;
  size_t len = n;
  int64_t base = offset_;
  if (!carry_.empty()) {
    buf_.assign(carry_);
    buf_.append(reinterpret_cast<const char*>(p), n);
    base -= int64_t(carry_.size());
    carry_.clear();
    // Transcode from the joined buffer into a second pass below; move it out of buf_ first.
    joined_.swap(buf_);
    src = reinterpret_cast<const uint8_t*>(joined_.data());
    len = joined_.size();
  }
  size_t i = valid_utf8_prefix(src, len);
  if (i == len) {
    *out = reinterpret_cast<const char*>(src);
    *out_len = len;
    return;
  }
  bool inc = false;
  if (!last && (utf8_seq_len(src + i, len - i, &inc), inc)) {
    carry_.assign(reinterpret_cast<const char*>(src + i), len - i);
    *out = reinterpret_cast<const char*>(src);
    *out_len = i;
    return;
  }
  buf_.assign(reinterpret_cast<const char*>(src), i);
  while (i < len) {
    size_t k = utf8_seq_len(src + i, len - i, &inc);
    if (k > 0) {
      buf_.append(reinterpret_cast<const char*>(src + i), k);
      i += k;
      continue;
    }
    if (inc && !last) {
      carry_.assign(reinterpret_cast<const char*>(src + i), len - i);
      break;
    }
    uint8_t b = src[i];
    append_utf8(&buf_, (b >= 0x80 && b < 0xA0) ? kCp1252High[b - 0x80] : b);
    if (first_fallback_offset_ < 0) first_fallback_offset_ = base + int64_t(i);
    ++fallback_bytes_;
    ++i;
  }
  *out = buf_.data();
  *out_len = buf_.size();
}

void Utf8Decoder::decode_utf16(const uint8_t* p, size_t n, bool last) {
  buf_.clear();
  size_t i = 0;
  auto unit_at = [&](uint8_t a, uint8_t b) -> uint32_t {
    return enc_ == Encoding::Utf16LE ? uint32_t(a | (b << 8)) : uint32_t((a << 8) | b);
  };
  auto put = [&](uint32_t u) {
    if (high_surrogate_ != 0) {
      if (u >= 0xDC00 && u <= 0xDFFF) {
        append_utf8(&buf_, 0x10000 + ((high_surrogate_ - 0xD800) << 10) + (u - 0xDC00));
        high_surrogate_ = 0;
        return;
      }
      append_utf8(&buf_, 0xFFFD);
      high_surrogate_ = 0;
    }
    if (u >= 0xD800 && u <= 0xDBFF) { high_surrogate_ = u; return; }
    if (u >= 0xDC00 && u <= 0xDFFF) { append_utf8(&buf_, 0xFFFD); return; }
    append_utf8(&buf_, u);
  };
  if (!carry_.empty() && n > 0) {
    put(unit_at(uint8_t(carry_[0]), p[0]));
    carry_.clear();
    i = 1;
  }
  for (; i + 1 < n; i += 2) put(unit_at(p[i], p[i + 1]));
  if (i < n) carry_.assign(1, char(p[i]));
  if (last) {
    if (high_surrogate_ != 0 || !carry_.empty()) append_utf8(&buf_, 0xFFFD);
    high_surrogate_ = 0;
    carry_.clear();
  }
}

CsvTokenizer::CsvTokenizer(char delimiter) { set_delimiter(delimiter); }

void CsvTokenizer::set_delimiter(char d) {
  delim_ = d;
  std::memset(special_, 0, sizeof special_);
  for (char c : {d, '"', '\n', '\r'}) special_[uint8_t(c)] = true;
}

bool CsvTokenizer::direct_row(const char* p, size_t n, size_t* i, RowSink* sink, Status* status) {
  const size_t start = *i;
  const size_t limit = n - start < kMaxRowBytes ? n : start + kMaxRowBytes;
  ends_.clear();
  size_t j = start;
  for (;;) {
    while (j < limit && !special_[uint8_t(p[j])]) ++j;
    if (j == limit || p[j] == '"' || ends_.size() >= kMaxFieldsPerRow) {
      ends_.clear();
      return false;
    }
    ends_.push_back(uint32_t(j - start));
    if (p[j] != delim_) break;
    ++j;
  }
  const char c = p[j];
  row_line_ = line_;
  *status = sink->on_row(RowView{p + start, ends_.data(), ends_.size(), row_line_, 1});
  ends_.clear();
  ++line_;
  skip_lf_ = c == '\r';
  *i = j + 1;
  return true;
}

Status CsvTokenizer::check_row_size() const {
  if (buf_.size() <= kMaxRowBytes) return Status::ok();
  std::string m = "line " + std::to_string(row_line_) + ": the row is longer than 64 MiB of text";
  if (state_ == State::Quoted)
    m += "; the double quote that opened field " + std::to_string(ends_.size() + 1) + " on line " +
         std::to_string(quote_line_) + " is probably never closed";
  return Status::out_of_range(m);
}

Status CsvTokenizer::end_field() {
  if (ends_.size() >= kMaxFieldsPerRow)
    return Status::out_of_range("line " + std::to_string(row_line_) + " has more than " +
                                std::to_string(kMaxFieldsPerRow) + " fields; the limit is " +
                                std::to_string(kMaxFieldsPerRow) + " columns");
  ends_.push_back(uint32_t(buf_.size()));
  return Status::ok();
}

Status CsvTokenizer::end_row(RowSink* sink) {
  RowView row{buf_.data(), ends_.data(), ends_.size(), row_line_};
  Status s = sink->on_row(row);
  buf_.clear();
  ends_.clear();
  row_started_ = false;
  state_ = State::FieldStart;
  return s;
}

Status CsvTokenizer::feed(const char* p, size_t n, RowSink* sink) {
  const char d = delim_;
  size_t i = 0;
  while (i < n) {
    char c = p[i];
    if (skip_lf_) {
      skip_lf_ = false;
      if (c == '\n') {
        if (state_ == State::Quoted) buf_.push_back('\n');
        ++i;
        continue;
      }
    }
    switch (state_) {
      case State::FieldStart:
        if (c == '\n' || c == '\r') {
          if (row_started_) {
            MOE_RETURN_IF_ERROR(end_field());
            MOE_RETURN_IF_ERROR(end_row(sink));
          }
          ++line_;
          skip_lf_ = c == '\r';
          ++i;
          break;
        }
        if (!row_started_) {
          Status st;
          if (direct_row(p, n, &i, sink, &st)) {
            MOE_RETURN_IF_ERROR(st);
            break;
          }
          row_started_ = true;
          row_line_ = line_;
        }
        if (c == '"') {
          state_ = State::Quoted;
          quote_line_ = line_;
          ++i;
        } else if (c == d) {
          MOE_RETURN_IF_ERROR(end_field());
          ++i;
        } else {
          state_ = State::Unquoted;
          unquoted_blank_ = true;
        }
        break;
      case State::Unquoted: {
        size_t j = i;
        while (j < n && p[j] != d && p[j] != '\n' && p[j] != '\r' && p[j] != '"') ++j;
        for (size_t k = i; k < j && unquoted_blank_; ++k) unquoted_blank_ = p[k] == ' ';
        buf_.append(p + i, j - i);
        i = j;
        if (buf_.size() > kMaxRowBytes) return check_row_size();
        if (i == n) break;
        c = p[i++];
        if (c == '"') {
          // A quote after leading spaces opens a quoted field (`a, "b,c"`); elsewhere it is literal.
          if (unquoted_blank_) {
            buf_.resize(ends_.empty() ? 0 : ends_.back());
            state_ = State::Quoted;
            quote_line_ = line_;
          } else {
            buf_.push_back('"');
          }
        } else if (c == d) {
          MOE_RETURN_IF_ERROR(end_field());
          state_ = State::FieldStart;
        } else {
          MOE_RETURN_IF_ERROR(end_field());
          MOE_RETURN_IF_ERROR(end_row(sink));
          ++line_;
          skip_lf_ = c == '\r';
        }
        break;
      }
      case State::Quoted: {
        size_t j = i;
        while (j < n && p[j] != '"' && p[j] != '\n' && p[j] != '\r') ++j;
        buf_.append(p + i, j - i);
        i = j;
        if (buf_.size() > kMaxRowBytes) return check_row_size();
        if (i == n) break;
        c = p[i++];
        if (c == '"') {
          state_ = State::QuoteInQuoted;
        } else {
          buf_.push_back(c);
          ++line_;
          skip_lf_ = c == '\r';
        }
        break;
      }
      case State::QuoteInQuoted:
        if (c == '"') {
          buf_.push_back('"');
          state_ = State::Quoted;
          ++i;
        } else if (c == d) {
          MOE_RETURN_IF_ERROR(end_field());
          state_ = State::FieldStart;
          ++i;
        } else if (c == '\n' || c == '\r') {
          MOE_RETURN_IF_ERROR(end_field());
          MOE_RETURN_IF_ERROR(end_row(sink));
          ++line_;
          skip_lf_ = c == '\r';
          ++i;
        } else {
          state_ = State::Unquoted;  // text after the closing quote: kept, as Excel does
          unquoted_blank_ = false;
        }
        break;
    }
  }
  return Status::ok();
}

Status CsvTokenizer::finish(RowSink* sink) {
  if (state_ == State::Quoted)
    return Status::parse("unterminated quoted field: the double quote that opens field " +
                         std::to_string(ends_.size() + 1) + " on line " + std::to_string(quote_line_) +
                         " is never closed, so the rest of the file was read as one value; check that line "
                         "for a stray \" (a quote inside a value must be doubled: \"\")");
  if (row_started_) {
    MOE_RETURN_IF_ERROR(end_field());
    MOE_RETURN_IF_ERROR(end_row(sink));
  }
  return Status::ok();
}

}  // namespace moe::io
