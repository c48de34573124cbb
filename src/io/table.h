// Row ingestion: header detection, column naming, ragged-row and repeated-header checks, and the
// typed column store (numeric columns as floats with NaN for missing, text columns as category ids
// with a dictionary), so memory is ~4 bytes per cell, not the text. Not preprocessing (preprocess.h).
#pragma once
#include <cstdint>
#include <deque>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "io/csv.h"
#include "io/values.h"

namespace moe::io {

enum class HeaderMode { Auto, Yes, No };
const char* to_string(HeaderMode h);  // "auto", "yes", "no"

// The auto header rule: a first row made only of numbers (and blanks) is data; anything else is a header.
bool row_is_header(const RowView& row, char decimal);

// Documented limits (also in README): more cells than this is a clear error, not an out-of-memory.
constexpr int64_t kMaxCells = int64_t(1) << 27;             // rows x columns, 512 MiB of float cells
constexpr size_t kMaxCategoriesPerColumn = 65536;          // distinct texts remembered per column
constexpr size_t kMaxDictionaryBytes = size_t(128) << 20;   // all columns' distinct texts together

struct RawColumn {
  std::string name;
  bool categorical = false;
  std::vector<float> num;      // (rows) values while numeric; NaN = missing
  std::vector<int32_t> ids;    // (rows) category ids once categorical; -1 missing, -2 beyond the dictionary cap
  std::deque<std::string> dict;                          // id -> text, first-seen order
  std::unordered_map<std::string_view, int32_t> index;   // text -> id (views into dict)
  std::vector<bool> from_text;                           // id -> interned from a text cell (not a number's name)
  bool dict_overflow = false;
  int64_t missing = 0;         // empty cells and missing tokens (target: rows excluded for it)
  int64_t nonfinite = 0;       // inf / overflow cells (also counted in missing)
  int64_t first_nonfinite_line = 0;
  std::string first_nonfinite;
  int64_t first_text_line = 0; // the first cell that made the column categorical
  std::string first_text;

  int64_t size() const { return categorical ? int64_t(ids.size()) : int64_t(num.size()); }
};

struct TableOptions {
  char decimal = '.';               // ',' when the delimiter is not a comma
  HeaderMode header = HeaderMode::Auto;
  std::string target_name;          // target column by name, or
  int target_index = -1;            // by 0-based index; both empty/-1 = last column
  bool target_optional = false;     // schema re-application: a missing target column is fine
  int64_t expected_rows = 0;        // capacity hint (0 = unknown): avoids regrowing the column arrays
};

class TableBuilder : public RowSink {
 public:
  explicit TableBuilder(TableOptions opt) : opt_(std::move(opt)) {}
  Status on_row(const RowView& row) override;
  // Checks there was data and drops an all-empty trailing column; call once after the tokenizer.
  Status finish();

  std::vector<RawColumn> columns;
  std::vector<uint32_t> lines;       // (rows) 1-based line of each stored row
  std::vector<std::string> warnings;
  int target = -1;                   // resolved target column, -1 if none (optional target absent)
  int64_t rows() const { return int64_t(lines.size()); }
  bool has_header() const { return has_header_; }

 private:
  Status start(const RowView& row);
  Status add_cell(RawColumn* col, const char* p, size_t n, int64_t line);
  // add_cell once the trimmed cell [p, p+n) is parsed: its kind k and, for a number, its value v.
  Status add_parsed(RawColumn* col, const char* p, size_t n, CellKind k, double v, int64_t line);
  void to_categorical(RawColumn* col);
  int32_t intern(RawColumn* col, const char* p, size_t n);
  TableOptions opt_;
  bool started_ = false;
  bool has_header_ = false;
  int64_t header_line_ = 0;
  std::vector<std::string> header_raw_;
  size_t ncols_ = 0;
  bool trailing_blank_header_ = false;
  size_t dict_bytes_ = 0;
  int64_t blank_rows_ = 0, repeated_headers_ = 0, first_repeated_header_ = 0;
  int64_t trailing_extra_ = 0, missing_target_ = 0, first_missing_target_ = 0;
};

}  // namespace moe::io
