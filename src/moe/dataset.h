// Dataset: the public C++ facade for reading a CSV into an encoded float matrix (what the Embind
// layer wraps as Dataset.fromCSV). One-shot `read_csv` or chunked `CsvStream`. Never throws.
// Not the parser internals (src/io) and not training.
#pragma once
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "io/column_roles.h"
#include "io/preprocess.h"
#include "base/config.h"
#include "base/status.h"

namespace moe {

using io::ColumnInfo;
using io::ColumnKind;
using io::Schema;

// The reader's documented rules (the JS docs repeat them):
// - Encodings: UTF-8 (BOM stripped), UTF-16 LE/BE (BOM, or detected from zero bytes); bytes that are
//   not valid UTF-8 are read as Windows-1252, with a warning.
// - Delimiter: Excel's `sep=X` first line, else the one of , ; TAB | that splits the first 50 lines
//   most consistently. A delimiter other than ',' makes ',' the decimal mark ("3,14"; "1.234,5").
// - Header (auto): the first row is data when all its fields are numbers or blank. Blank names become
//   column_N, repeated names get _2, _3 ... (warnings). A row repeating the header is dropped.
// - Missing cells: empty, NA, N/A, NaN, null, None, nil, ?, -, ., #N/A, #DIV/0!, #VALUE! and the other
//   Excel errors, missing. inf and numbers beyond float range are missing too, with a warning.
//   A column is numeric only if every non-missing cell is a number (0x1F, 1e5A are text).
// - Numeric columns: standardised (z = (x - mean) / sd, population sd); missing -> median.
//   Empty and constant columns are dropped with a notice.
// - Text columns: one-hot; missing -> most frequent category. More than 50 distinct values that are
//   also more than half of the non-missing cells: an identifier/free text, dropped with a notice.
//   Otherwise at most the 50 most frequent categories get a feature; rarer ones encode as all zeros.
// - Roles (io/column_roles.h): identifiers and free text are dropped with a notice unless named in
//   keep_columns. No target given: the suggested one (io/preview.h), ranked on the 256 KiB prelude.
// - Target: rows where it is missing are excluded (with a count and the first line). Task auto:
//   text target or <= 20 distinct integers = classification, else regression. One class = error;
//   more than 1000 classes = error.
// - Limits (clear errors, not out-of-memory): 10,000 columns, 64 MiB of text in one row, 2^27 cells
//   (rows x columns) both as read and as encoded, 65,536 distinct texts remembered per column.
// - Errors name the 1-based line (as a text editor counts, including the sep= line and line breaks
//   inside quoted fields), the column and what was expected.
// One enum per concept: the facade names io's (names in io::to_string, shared with the bindings).
using HeaderOption = io::HeaderMode;
using TaskOption = io::TaskOption;

struct CsvOptions {
  std::string target;             // target column name; empty = use target_index
  int target_index = -1;          // 0-based; -1 (and empty name) = the suggested target (io/column_roles.h)
  char delimiter = 0;             // 0 = auto-detect among , ; \t | (Excel's "sep=X" first line wins)
  HeaderOption header = HeaderOption::Auto;  // auto: a first row made only of numbers is data
  TaskOption task = TaskOption::Auto;        // auto: text target or <= 20 distinct integers = classification
  std::string schema_json;        // non-empty: re-apply this fitted schema (no refitting); target optional
  uint64_t expected_bytes = 0;    // total input size if known (File.size); only a capacity hint
  std::vector<std::string> keep_columns;  // features kept even when their role (identifier, free text,
                                          // constant) would drop them
  bool keep_raw = false;          // also return every stored row's cells as text (Dataset::raw_cells)
};

struct Dataset {
  int64_t rows = 0;                         // N
  int num_features = 0;                     // F
  std::vector<float> features;              // (N, F) row-major, encoded
  std::vector<std::string> feature_names;   // (F)
  Task task = Task::Classification;
  bool has_labels = false;                  // false when a schema was applied to a file without the target
  std::vector<int32_t> class_ids;           // (N) classification: index into classes
  std::vector<float> values;                // (N) regression targets
  std::vector<std::string> classes;         // classification: original labels in first-seen order
  std::vector<ColumnInfo> columns;          // one per file column: name, kind, missing count
  std::vector<io::RoleInfo> roles;          // one per file column: role and reason (io/column_roles.h)
  std::vector<std::string> raw_cells;       // keep_raw only: (N, columns) row-major cell text as read
                                            // (numbers in shortest form, missing cells empty)
  std::vector<std::string> warnings;        // every notice of the reader and preprocessing
  Schema schema;                            // the fitted (or re-applied) preprocessing
  std::string schema_json;                  // the same, as JSON text (io/schema_json.h)
  char delimiter = ',';                     // what was used (detected or given)
};

// Reads a whole CSV held in memory. On error `out` is left empty and the Status names where/what.
Status read_csv(const uint8_t* bytes, size_t len, const CsvOptions& options, Dataset* out);
// The same, taking the bytes over: they are freed once parsed, before the matrix is encoded, so the
// encoded matrix can reuse their memory (the peak holds the columns and the text or the matrix).
Status read_csv(std::unique_ptr<uint8_t[]> bytes, size_t len, const CsvOptions& options, Dataset* out);

// Chunked reading: feed() the file in pieces of any size (e.g. from File.stream()), then finish().
// Memory: ~4 bytes per cell plus one row of text, never the whole text. After an error every call
// returns that same error.
class CsvStream {
 public:
  explicit CsvStream(const CsvOptions& options);
  ~CsvStream();
  CsvStream(const CsvStream&) = delete;
  CsvStream& operator=(const CsvStream&) = delete;

  Status feed(const uint8_t* bytes, size_t len);
  Status finish(Dataset* out);
  uint64_t bytes_read() const;  // bytes fed so far
  int64_t rows_read() const;    // data rows stored so far

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace moe
