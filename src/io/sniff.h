// First-look checks on an input before tokenizing: "is this a CSV at all" (empty, binary, JSON, HTML,
// Excel/ZIP, PDF, gzip), the text encoding from BOM or byte pattern, and delimiter sniffing.
// Not the tokenizer (csv.h) and not the transcoder (csv.h Utf8Decoder).
#pragma once
#include <cstddef>
#include <cstdint>
#include <string>

#include "base/status.h"

namespace moe::io {

enum class Encoding { Utf8, Utf16LE, Utf16BE };

// Looks at the first bytes of a file (`len` may be the whole file or a prefix of at least 4 KiB).
// Returns an error naming what the bytes look like (Excel, ZIP, JSON, HTML, binary ...) or ok.
// `bom_len` receives the byte-order-mark length to skip; `enc` the detected encoding.
Status sniff_input(const uint8_t* bytes, size_t len, Encoding* enc, size_t* bom_len);

// Picks the field delimiter among ',' ';' '\t' '|' from decoded UTF-8 sample text (the first lines).
// The delimiter that splits the most sample lines into the same number (> 0) of fields wins; ties
// prefer tab, then ';', then '|', then ','. Returns ',' when no candidate occurs at all.
char sniff_delimiter(const char* text, size_t len);

// Recognises Excel's `sep=X` first line. Returns the line's length including its line break
// (0 if the text does not start with one) and stores the delimiter.
size_t parse_sep_line(const char* text, size_t len, bool complete, char* delimiter);

}  // namespace moe::io
