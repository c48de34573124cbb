// The first look at an input, shared by the full reader and the quick calls: sniff and decode a
// prefix (encoding, `sep=` line, delimiter), read the first rows as strings (Dataset.preview) and
// rank target candidates on a prefix (Dataset.suggestTarget) without parsing the whole file.
#pragma once
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "io/column_roles.h"
#include "io/csv.h"
#include "io/sniff.h"
#include "io/table.h"
#include "base/status.h"

namespace moe::io {

// Bytes looked at before choosing encoding and delimiter; also the prefix the target is suggested
// from (so Dataset.suggestTarget and fromCSV's default target agree).
constexpr size_t kPreludeBytes = 256 * 1024;
constexpr size_t kMaxPreviewRows = 10000;

struct Prelude {
  Encoding encoding = Encoding::Utf8;
  std::string text;     // the prefix decoded to UTF-8 (BOM removed)
  size_t skip = 0;      // length of an Excel `sep=X` first line in text (0 if none)
  char delimiter = ',';
  char decimal = '.';   // ',' when the delimiter is not a comma
};

// Sniffs `n` first bytes (the whole input when `last`) and decodes them through `dec`, which then
// decodes the rest of the input. `forced_delimiter` 0 = detect. Errors name what the bytes look like.
Status open_prelude(const uint8_t* p, size_t n, bool last, char forced_delimiter, Utf8Decoder* dec, Prelude* out);

// "utf-8", "utf-16le", "utf-16be", or "windows-1252" once the decoder fell back for some byte.
std::string encoding_name(Encoding e, const Utf8Decoder& dec);

struct Preview {
  std::vector<std::string> header;             // (columns) names as the reader gives them (column_N without a header)
  std::vector<std::vector<std::string>> rows;  // (<= requested rows, columns of that row) trimmed cell text
  char delimiter = ',';
  std::string encoding;
  bool has_header = true;
};

// The header and the first `max_rows` data rows of an input, tokenised exactly as the reader does
// (blank rows skipped; rows keep their own number of fields). Reads only as far as needed.
// `whole` says the bytes are the entire input (false: a prefix, whose cut-off last row is not shown).
Status preview_csv(const uint8_t* bytes, size_t len, bool whole, size_t max_rows, char delimiter, HeaderMode header,
                   Preview* out);

struct TargetSuggestion {
  std::string target;                       // the best candidate's name
  std::vector<TargetCandidate> candidates;  // every column, best first
  int64_t rows_read = 0;                    // data rows of the prefix the ranking looked at
};

// Ranks target candidates on the rows within the prelude (see rank_targets).
Status suggest_target(const Prelude& pre, bool complete, HeaderMode header, TargetSuggestion* out);
// The same from raw bytes (only the first kPreludeBytes are read); `whole` as for preview_csv.
Status suggest_target(const uint8_t* bytes, size_t len, bool whole, char delimiter, HeaderMode header,
                      TargetSuggestion* out);

}  // namespace moe::io
