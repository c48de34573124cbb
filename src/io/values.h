// Cell values: locale-independent number parsing (fast_float) and the missing-value vocabulary of
// the CSV reader. No allocation on the hot path. Not the tokenizer (csv.h) nor column typing (table.h).
#pragma once
#include <cstddef>
#include <string>

namespace moe::io {

enum class CellKind {
  Missing,    // empty, or a missing token: NA N/A NaN null NULL None nil ? - . #N/A #DIV/0! #VALUE! ...
  Number,     // finite and within float range
  NonFinite,  // inf / -inf / infinity, or a number beyond float range (1e39): treated as missing + warning
  Text,       // anything else, including codes like 0x1F, 1e5A, 12abc
};

// Number syntax accepted (after trimming spaces/tabs): optional sign (+ or -), digits with optional
// '.' fraction (".5", "4.", "007"), optional exponent. When `decimal` is ',' (the delimiter is not a
// comma) a single ',' is the decimal point ("3,14"), and '.' may group thousands ("1.234.567,8").
// When `decimal` is '.', ',' may group thousands ("1,234,567.8"). Groups must be exactly 3 digits.
CellKind parse_cell(const char* p, size_t n, char decimal, double* out);

// True when the trimmed text is one of the missing tokens listed above (case-insensitive).
bool is_missing_token(const char* p, size_t n);

// Trims ASCII spaces and tabs on both ends (in place on the pointer/length).
void trim_span(const char** p, size_t* n);

// Shortest text that reads back as the same float ("1", "2.5", "1e+20"): how a number is named when
// a numeric column turns out to be categorical, or a numeric class label becomes a class name.
std::string format_number(double v);

}  // namespace moe::io
