// Input sniffing: not-a-CSV detection, encoding detection and delimiter choice. See sniff.h.
#include "io/sniff.h"

#include <cstring>

namespace moe::io {
namespace {

bool starts_with(const uint8_t* b, size_t n, const char* magic, size_t m) {
  return n >= m && std::memcmp(b, magic, m) == 0;
}

bool starts_with_ci(const uint8_t* b, size_t n, const char* word) {
  size_t m = std::strlen(word);
  if (n < m) return false;
  for (size_t i = 0; i < m; ++i) {
    char c = char(b[i]);
    if (c >= 'A' && c <= 'Z') c = char(c - 'A' + 'a');
    if (c != word[i]) return false;
  }
  return true;
}

}  // namespace

Status sniff_input(const uint8_t* b, size_t n, Encoding* enc, size_t* bom_len) {
  *enc = Encoding::Utf8;
  *bom_len = 0;
  if (n == 0) return Status::parse("the file is empty (0 bytes)");
  if (starts_with(b, n, "\xEF\xBB\xBF", 3)) {
    *bom_len = 3;
  } else if (starts_with(b, n, "\xFF\xFE", 2)) {
    *enc = Encoding::Utf16LE;
    *bom_len = 2;
    return Status::ok();
  } else if (starts_with(b, n, "\xFE\xFF", 2)) {
    *enc = Encoding::Utf16BE;
    *bom_len = 2;
    return Status::ok();
  }
  if (starts_with(b, n, "PK\x03\x04", 4) || starts_with(b, n, "PK\x05\x06", 4))
    return Status::parse("this is a ZIP archive (an Excel .xlsx/.ods workbook is one), not a CSV file; "
                         "in the spreadsheet use File > Save As > CSV and load that file");
  if (starts_with(b, n, "\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1", 8))
    return Status::parse("this is a legacy Excel .xls workbook, not a CSV file; "
                         "in the spreadsheet use File > Save As > CSV and load that file");
  if (starts_with(b, n, "%PDF", 4)) return Status::parse("this is a PDF document, not a CSV file");
  if (starts_with(b, n, "\x1F\x8B", 2))
    return Status::parse("this is a gzip-compressed file; decompress it first, then load the CSV inside");
  // UTF-16 without a BOM: every other byte is zero in the first line.
  size_t probe = n < 64 ? n : 64;
  if (probe >= 4 && probe % 2 == 0) {
    size_t even_zero = 0, odd_zero = 0;
    for (size_t i = 0; i < probe; i += 2) {
      even_zero += b[i] == 0;
      odd_zero += b[i + 1] == 0;
    }
    if (odd_zero == probe / 2 && even_zero == 0) { *enc = Encoding::Utf16LE; return Status::ok(); }
    if (even_zero == probe / 2 && odd_zero == 0) { *enc = Encoding::Utf16BE; return Status::ok(); }
  }
  const uint8_t* p = b + *bom_len;
  size_t m = n - *bom_len;
  size_t i = 0;
  while (i < m && (p[i] == ' ' || p[i] == '\t' || p[i] == '\r' || p[i] == '\n')) ++i;
  if (i == m) return Status::parse("the file contains only blank lines; there is no header and no data");
  const uint8_t* t = p + i;
  size_t tn = m - i;
  if (starts_with_ci(t, tn, "<!doctype") || starts_with_ci(t, tn, "<html") || starts_with_ci(t, tn, "<?xml") ||
      starts_with_ci(t, tn, "<head") || starts_with_ci(t, tn, "<body") || starts_with_ci(t, tn, "<table"))
    return Status::parse("this looks like an HTML/XML page, not a CSV file (was a web page saved instead of the "
                         "data file? download the raw .csv)");
  if (t[0] == '{' || t[0] == '[') {
    size_t j = 1;
    while (j < tn && (t[j] == ' ' || t[j] == '\t' || t[j] == '\r' || t[j] == '\n')) ++j;
    if (t[0] == '{' ? (j >= tn || t[j] == '"' || t[j] == '}')
                    : (j >= tn || t[j] == '{' || t[j] == '[' || t[j] == '"' || t[j] == ']'))
      return Status::parse("this looks like JSON, not CSV (it starts with '" + std::string(1, char(t[0])) +
                           "'); convert it to a table with one row per line first");
  }
  // Binary: NUL bytes or many control characters in the first 4 KiB.
  size_t scan = m < 4096 ? m : 4096;
  size_t control = 0;
  for (size_t k = 0; k < scan; ++k) {
    uint8_t c = p[k];
    if (c == 0)
      return Status::parse("this is a binary file (a NUL byte at byte " + std::to_string(k + *bom_len + 1) +
                           "), not a CSV text file");
    if (c < 32 && c != '\t' && c != '\r' && c != '\n' && c != '\f') ++control;
  }
  if (scan > 0 && control * 10 > scan)
    return Status::parse("this is a binary file (" + std::to_string(control) +
                         " control characters in the first " + std::to_string(scan) + " bytes), not a CSV text file");
  return Status::ok();
}

char sniff_delimiter(const char* s, size_t n) {
  static const char kCands[4] = {'\t', ';', '|', ','};
  constexpr int kMaxLines = 50;
  int counts[4][kMaxLines];
  int lines = 0;
  int cur[4] = {0, 0, 0, 0};
  bool in_quote = false, any_field_char = false;
  for (size_t i = 0; i < n && lines < kMaxLines; ++i) {
    char c = s[i];
    if (c == '"') { in_quote = !in_quote; any_field_char = true; continue; }
    if (in_quote) continue;
    if (c == '\n' || c == '\r') {
      if (any_field_char) {
        for (int k = 0; k < 4; ++k) counts[k][lines] = cur[k];
        ++lines;
      }
      for (int k = 0; k < 4; ++k) cur[k] = 0;
      any_field_char = false;
      continue;
    }
    any_field_char = true;
    for (int k = 0; k < 4; ++k) cur[k] += (c == kCands[k]);
  }
  if (any_field_char && lines < kMaxLines && !in_quote) {
    for (int k = 0; k < 4; ++k) counts[k][lines] = cur[k];
    ++lines;
  }
  int best = -1, best_agree = 0;
  for (int k = 0; k < 4; ++k) {
    // The mode of this candidate's per-line counts (small, so count pairwise).
    int mode = 0, agree = 0;
    for (int a = 0; a < lines; ++a) {
      if (counts[k][a] == 0) continue;
      int same = 0;
      for (int b = 0; b < lines; ++b) same += counts[k][b] == counts[k][a];
      if (same > agree || (same == agree && counts[k][a] > mode)) { agree = same; mode = counts[k][a]; }
    }
    if (agree > best_agree) { best = k; best_agree = agree; }
  }
  return best < 0 ? ',' : kCands[best];
}

size_t parse_sep_line(const char* s, size_t n, bool complete, char* delimiter) {
  if (n < 5) return 0;
  if (!((s[0] == 's' || s[0] == 'S') && (s[1] == 'e' || s[1] == 'E') && (s[2] == 'p' || s[2] == 'P') && s[3] == '='))
    return 0;
  char d = s[4];
  if (d == '\r' || d == '\n' || d == '"') return 0;
  size_t i = 5;
  if (i == n) {
    if (!complete) return 0;
    *delimiter = d;
    return n;
  }
  if (s[i] == '\r') {
    ++i;
    if (i < n && s[i] == '\n') ++i;
  } else if (s[i] == '\n') {
    ++i;
  } else {
    return 0;
  }
  *delimiter = d;
  return i;
}

}  // namespace moe::io
