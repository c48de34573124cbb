// Row ingestion into typed columns. See table.h.
#include "io/table.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <unordered_set>

#include "io/values.h"

namespace moe::io {
namespace {

std::string trimmed(const char* p, size_t n) {
  trim_span(&p, &n);
  return std::string(p, n);
}

std::string quote_short(const std::string& s) {
  if (s.size() <= 40) return "'" + s + "'";
  return "'" + s.substr(0, 37) + "...'";
}

}  // namespace

int32_t TableBuilder::intern(RawColumn* col, const char* p, size_t n) {
  auto it = col->index.find(std::string_view(p, n));
  if (it != col->index.end()) return it->second;
  if (col->dict_overflow || col->dict.size() >= kMaxCategoriesPerColumn || dict_bytes_ + n > kMaxDictionaryBytes) {
    col->dict_overflow = true;
    return -2;
  }
  col->dict.emplace_back(p, n);
  col->from_text.push_back(false);
  dict_bytes_ += n + 32;
  int32_t id = int32_t(col->dict.size() - 1);
  col->index.emplace(std::string_view(col->dict.back()), id);
  return id;
}

void TableBuilder::to_categorical(RawColumn* col) {
  col->categorical = true;
  col->ids.reserve(col->num.capacity());
  for (float v : col->num) {
    if (std::isnan(v)) {
      col->ids.push_back(-1);
    } else {
      std::string s = format_number(v);
      col->ids.push_back(intern(col, s.data(), s.size()));
    }
  }
  std::vector<float>().swap(col->num);
}

Status TableBuilder::add_cell(RawColumn* col, const char* p, size_t n, int64_t line) {
  trim_span(&p, &n);
  if (col->categorical && n > 0) {
    // Text already seen as text in this column parses the same way again: its id, without parsing.
    auto it = col->index.find(std::string_view(p, n));
    if (it != col->index.end() && col->from_text[size_t(it->second)]) {
      col->ids.push_back(it->second);
      return Status::ok();
    }
  }
  double v = 0;
  CellKind k = parse_cell(p, n, opt_.decimal, &v);
  return add_parsed(col, p, n, k, v, line);
}

Status TableBuilder::add_parsed(RawColumn* col, const char* p, size_t n, CellKind k, double v, int64_t line) {
  if (k == CellKind::Missing || k == CellKind::NonFinite) {
    ++col->missing;
    if (k == CellKind::NonFinite && col->nonfinite++ == 0) {
      col->first_nonfinite_line = line;
      col->first_nonfinite = std::string(p, n);
    }
    if (col->categorical) col->ids.push_back(-1);
    else col->num.push_back(std::numeric_limits<float>::quiet_NaN());
    return Status::ok();
  }
  if (k == CellKind::Text && !col->categorical) {
    col->first_text_line = line;
    col->first_text = std::string(p, n);
    to_categorical(col);
  }
  if (!col->categorical) {
    col->num.push_back(float(v));
  } else if (k == CellKind::Number) {
    std::string s = format_number(v);  // numbers in a text column are named by their value
    col->ids.push_back(intern(col, s.data(), s.size()));
  } else {
    const int32_t id = intern(col, p, n);
    if (id >= 0) col->from_text[size_t(id)] = true;
    col->ids.push_back(id);
  }
  return Status::ok();
}

Status TableBuilder::start(const RowView& row) {
  started_ = true;
  ncols_ = row.nfields;
  bool header = opt_.header == HeaderMode::Yes || (opt_.header == HeaderMode::Auto && row_is_header(row, opt_.decimal));
  has_header_ = header;
  header_line_ = row.line;
  columns.resize(ncols_);
  if (opt_.expected_rows > 0) {
    int64_t cap = std::min<int64_t>(opt_.expected_rows, kMaxCells / int64_t(ncols_));
    for (RawColumn& c : columns) c.num.reserve(size_t(cap));
    lines.reserve(size_t(cap));
  }
  std::vector<std::string> blanks;
  for (size_t j = 0; j < ncols_; ++j) {
    size_t n;
    const char* p = row.field(j, &n);
    std::string name = header ? trimmed(p, n) : std::string();
    if (header) header_raw_.push_back(name);
    if (name.empty()) {
      name = "column_" + std::to_string(j + 1);
      if (header && j + 1 < ncols_) blanks.push_back(name);
    }
    columns[j].name = name;
  }
  {
    size_t n;
    const char* p = row.field(ncols_ - 1, &n);
    trim_span(&p, &n);
    trailing_blank_header_ = ncols_ > 1 && n == 0;
  }
  if (!blanks.empty()) {
    std::string m = "header (line " + std::to_string(row.line) + "): " + std::to_string(blanks.size()) +
                    " column(s) have no name and were named " + blanks[0];
    if (blanks.size() > 1) m += ", " + blanks[1];
    if (blanks.size() > 2) m += ", ...";
    warnings.push_back(m);
  }
  std::unordered_set<std::string> seen;
  for (size_t j = 0; j < ncols_; ++j) {
    if (seen.insert(columns[j].name).second) continue;
    std::string base = columns[j].name, name;
    for (int k = 2;; ++k) {
      name = base + "_" + std::to_string(k);
      if (!seen.count(name)) break;
    }
    warnings.push_back("column " + std::to_string(j + 1) + " repeats the name " + quote_short(base) +
                       "; it was renamed " + quote_short(name));
    seen.insert(name);
    columns[j].name = name;
  }
  // Resolve the target column now, so rows with a missing target can be skipped while streaming.
  if (!opt_.target_name.empty()) {
    for (size_t j = 0; j < ncols_ && target < 0; ++j)
      if (columns[j].name == opt_.target_name) target = int(j);
    if (target < 0 && !opt_.target_optional) {
      std::string list;
      for (size_t j = 0; j < ncols_ && j < 20; ++j) list += (j ? ", " : "") + quote_short(columns[j].name);
      if (ncols_ > 20) list += ", ...";
      return Status::invalid("target column " + quote_short(opt_.target_name) + " is not in the file; its " +
                             std::to_string(ncols_) + " columns are: " + list);
    }
  } else if (opt_.target_index >= 0) {
    if (size_t(opt_.target_index) >= ncols_)
      return Status::invalid("target column index " + std::to_string(opt_.target_index) + " is out of range: the file has " +
                             std::to_string(ncols_) + " columns (indices 0.." + std::to_string(ncols_ - 1) + ")");
    target = opt_.target_index;
  } else if (!opt_.target_optional) {
    target = int(ncols_) - ((trailing_blank_header_ && ncols_ > 1) ? 2 : 1);
  }
  return Status::ok();
}

Status TableBuilder::on_row(const RowView& row) {
  // Blank rows (every field empty after trimming) are skipped.
  bool blank = true;
  for (size_t j = 0; j < row.nfields && blank; ++j) {
    size_t n;
    const char* p = row.field(j, &n);
    trim_span(&p, &n);
    blank = n == 0;
  }
  if (blank) {
    ++blank_rows_;
    return Status::ok();
  }
  if (!started_) {
    MOE_RETURN_IF_ERROR(start(row));
    if (has_header_) return Status::ok();
  }
  size_t n = row.nfields;
  if (n != ncols_) {
    bool ok = false;
    if (n > ncols_) {
      ok = true;
      for (size_t j = ncols_; j < n && ok; ++j) {
        size_t len;
        const char* p = row.field(j, &len);
        trim_span(&p, &len);
        ok = len == 0;
      }
      if (ok) ++trailing_extra_;
    } else if (n + 1 == ncols_ && trailing_blank_header_) {
      ok = true;
    }
    if (!ok) {
      std::string where = has_header_ ? "the header (line " + std::to_string(header_line_) + ")"
                                      : "the first row (line " + std::to_string(header_line_) + ")";
      std::string hint = n > ncols_
          ? "; a value that contains the delimiter must be enclosed in double quotes, e.g. \"Smith, John\""
          : "; a delimiter may be missing, or a quoted value on an earlier line may hold a stray double quote";
      return Status::parse("line " + std::to_string(row.line) + " has " + std::to_string(n) + " fields but " + where +
                           " has " + std::to_string(ncols_) + hint);
    }
  }
  if (has_header_ && n >= ncols_) {
    bool same = true;
    for (size_t j = 0; j < ncols_ && same; ++j) {
      size_t len;
      const char* p = row.field(j, &len);
      trim_span(&p, &len);
      same = header_raw_[j].size() == len && header_raw_[j].compare(0, len, p, len) == 0;
    }
    if (same) {
      if (repeated_headers_++ == 0) first_repeated_header_ = row.line;
      return Status::ok();
    }
  }
  // The target cell is parsed once: rows missing it are skipped, and it is stored as parsed here.
  const char* tp = "";
  size_t tlen = 0;
  double tv = 0;
  CellKind tk = CellKind::Missing;
  if (target >= 0) {
    if (size_t(target) < n) tp = row.field(size_t(target), &tlen);
    trim_span(&tp, &tlen);
    tk = parse_cell(tp, tlen, opt_.decimal, &tv);
    if (tk == CellKind::Missing || tk == CellKind::NonFinite) {
      if (missing_target_++ == 0) first_missing_target_ = row.line;
      return Status::ok();
    }
  }
  if (int64_t(lines.size() + 1) * int64_t(ncols_) > kMaxCells)
    return Status::out_of_range("the file is too large: more than " + std::to_string(kMaxCells) +
                                " cells (rows x columns) at line " + std::to_string(row.line) + " with " +
                                std::to_string(ncols_) + " columns; the limit is 2^27 cells");
  for (size_t j = 0; j < ncols_; ++j) {
    if (int(j) == target) {
      MOE_RETURN_IF_ERROR(add_parsed(&columns[j], tp, tlen, tk, tv, row.line));
      continue;
    }
    size_t len = 0;
    const char* p = j < n ? row.field(j, &len) : "";
    MOE_RETURN_IF_ERROR(add_cell(&columns[j], p, len, row.line));
  }
  lines.push_back(row.line > int64_t(UINT32_MAX) ? UINT32_MAX : uint32_t(row.line));
  return Status::ok();
}

Status TableBuilder::finish() {
  if (!started_) return Status::parse("the file has no rows: every line is blank");
  if (repeated_headers_ > 0)
    warnings.push_back("the header row repeats inside the data " + std::to_string(repeated_headers_) +
                       " time(s) (first at line " + std::to_string(first_repeated_header_) + "); those rows were dropped");
  if (trailing_extra_ > 0)
    warnings.push_back(std::to_string(trailing_extra_) + " row(s) end with extra empty fields (trailing delimiters); "
                       "the empty fields were ignored");
  if (target >= 0) columns[size_t(target)].missing = missing_target_;  // reported, never stored
  if (missing_target_ > 0 && target >= 0)
    warnings.push_back(std::to_string(missing_target_) + " row(s) with a missing value in the target column " +
                       quote_short(columns[size_t(target)].name) + " were excluded (first at line " +
                       std::to_string(first_missing_target_) + ")");
  if (lines.empty()) {
    if (missing_target_ > 0)
      return Status::invalid("every data row has a missing value in the target column " +
                             quote_short(columns[size_t(target)].name) + " (" + std::to_string(missing_target_) +
                             " rows); choose another target column");
    if (has_header_)
      return Status::parse("the file has a header row (line " + std::to_string(header_line_) + ") but no data rows");
    return Status::parse("the file has no data rows");
  }
  if (trailing_blank_header_ && columns.size() > 1 && columns.back().missing == columns.back().size() &&
      target != int(columns.size()) - 1) {
    columns.pop_back();
    warnings.push_back("an empty unnamed last column (from trailing delimiters) was ignored");
  }
  return Status::ok();
}

bool row_is_header(const RowView& row, char decimal) {
  for (size_t j = 0; j < row.nfields; ++j) {
    size_t n;
    const char* p = row.field(j, &n);
    double v;
    if (parse_cell(p, n, decimal, &v) == CellKind::Text) return true;
  }
  return false;
}

const char* to_string(HeaderMode h) {
  switch (h) {
    case HeaderMode::Auto: return "auto";
    case HeaderMode::Yes: return "yes";
    case HeaderMode::No: return "no";
  }
  return "auto";
}

}  // namespace moe::io
