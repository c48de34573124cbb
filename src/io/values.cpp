// Cell value parsing for the CSV reader: fast_float for the common case, a small slow path for
// decimal commas and thousands separators. Never throws, never allocates while parsing.
#include "io/values.h"

#include <cfloat>
#include <cmath>
#include <cstdio>
#include <cstring>

#include <fast_float/fast_float.h>

namespace moe::io {
namespace {

inline char lower(char c) { return (c >= 'A' && c <= 'Z') ? char(c - 'A' + 'a') : c; }

bool equals_ci(const char* p, size_t n, const char* word) {
  size_t m = std::strlen(word);
  if (m != n) return false;
  for (size_t i = 0; i < n; ++i)
    if (lower(p[i]) != word[i]) return false;
  return true;
}

// Parses [p, p+n) fully as a number with the given decimal point; false unless every byte is used.
bool parse_full(const char* p, size_t n, char decimal, double* out) {
  if (n == 0) return false;
  const char* b = p;
  const char* e = p + n;
  if (*b == '+') {  // fast_float 3.9 rejects a leading '+'
    ++b;
    if (b == e || *b == '-' || *b == '+') return false;
  }
  // fast_float also reads "inf"/"nan"; only let it see text that starts like a number.
  const char* d = (*b == '-') ? b + 1 : b;
  if (d == e || !((*d >= '0' && *d <= '9') || *d == decimal)) return false;
  double v = 0;
  auto r = fast_float::from_chars_advanced(b, e, v, fast_float::parse_options(fast_float::chars_format::general, decimal));
  if (r.ec != std::errc() || r.ptr != e) return false;
  *out = v;
  return true;
}

// Thousands-grouped number: digits in groups of 3 separated by `group`, optional `decimal` part.
bool parse_grouped(const char* p, size_t n, char decimal, char group, double* out) {
  char buf[128];
  if (n == 0 || n >= sizeof(buf)) return false;
  size_t i = 0, k = 0;
  if (p[0] == '+' || p[0] == '-') buf[k++] = p[i++];
  size_t lead = 0;
  while (i < n && p[i] >= '0' && p[i] <= '9') { buf[k++] = p[i++]; ++lead; }
  if (lead < 1 || lead > 3) return false;
  int groups = 0;
  while (i < n && p[i] == group) {
    ++i;
    for (int g = 0; g < 3; ++g) {
      if (i >= n || p[i] < '0' || p[i] > '9') return false;
      buf[k++] = p[i++];
    }
    ++groups;
  }
  if (groups == 0) return false;
  if (i < n) {
    if (p[i] != decimal) return false;
    buf[k++] = '.';
    ++i;
    while (i < n) {
      char c = p[i++];
      if (c == group) return false;
      buf[k++] = c;
    }
  }
  return parse_full(buf, k, '.', out);
}

}  // namespace

void trim_span(const char** p, size_t* n) {
  const char* b = *p;
  const char* e = b + *n;
  while (b < e && (*b == ' ' || *b == '\t')) ++b;
  while (e > b && (e[-1] == ' ' || e[-1] == '\t')) --e;
  *p = b;
  *n = size_t(e - b);
}

bool is_missing_token(const char* p, size_t n) {
  trim_span(&p, &n);
  if (n == 0) return true;
  if (n > 8) return false;
  char c0 = lower(p[0]);  // every token starts with one of these
  if (c0 != 'n' && c0 != '?' && c0 != '-' && c0 != '.' && c0 != '#' && c0 != 'm' && c0 != '<') return false;
  static const char* const kTokens[] = {"na", "n/a", "nan", "null", "none", "nil", "?", "-", ".", "--",
                                        "#n/a", "#div/0!", "#value!", "#ref!", "#name?", "#num!",
                                        "#null!", "#na", "missing", "-nan", "<na>"};
  for (const char* t : kTokens)
    if (equals_ci(p, n, t)) return true;
  return false;
}

CellKind parse_cell(const char* p, size_t n, char decimal, double* out) {
  trim_span(&p, &n);
  if (n == 0) return CellKind::Missing;
  double v = 0;
  // Fast path: plain '.' decimal, no grouping.
  if (parse_full(p, n, '.', &v) ||
      (decimal == ',' && parse_full(p, n, ',', &v)) ||
      (decimal == ',' && parse_grouped(p, n, ',', '.', &v)) ||
      (decimal == '.' && parse_grouped(p, n, '.', ',', &v))) {
    if (!std::isfinite(v) || std::fabs(v) > double(FLT_MAX)) return CellKind::NonFinite;
    *out = v;
    return CellKind::Number;
  }
  if (is_missing_token(p, n)) return CellKind::Missing;
  const char* q = p;
  size_t m = n;
  if (*q == '+' || *q == '-') { ++q; --m; }
  if (equals_ci(q, m, "inf") || equals_ci(q, m, "infinity") || equals_ci(q, m, "#inf")) return CellKind::NonFinite;
  return CellKind::Text;
}

std::string format_number(double v) {
  char buf[40];
  for (int prec = 6; prec <= 17; ++prec) {
    std::snprintf(buf, sizeof(buf), "%.*g", prec, v);
    double back = 0;
    auto r = fast_float::from_chars(buf, buf + std::strlen(buf), back);
    if (r.ec == std::errc() && float(back) == float(v)) break;
  }
  return std::string(buf);
}

}  // namespace moe::io
