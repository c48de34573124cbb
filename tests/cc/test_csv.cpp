// GoogleTest: the CSV reader's parsing rules (tokenizer, encodings, sniffing, values, errors), each
// on a small inline input through the public facade moe::read_csv or the io pieces directly.
#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <string>

#include "io/csv.h"
#include "io/sniff.h"
#include "io/values.h"
#include "csv_test_util.h"
#include "moe/dataset.h"

namespace {

using moe::CsvOptions;
using moe::Dataset;
using moe::Status;

using csv_test::all_warnings;
using csv_test::has_warning;
using csv_test::read;

// Collects rows as vectors of strings.
struct Rows : moe::io::RowSink {
  std::vector<std::vector<std::string>> rows;
  std::vector<int64_t> lines;
  Status on_row(const moe::io::RowView& r) override {
    std::vector<std::string> f;
    for (size_t i = 0; i < r.nfields; ++i) {
      size_t n;
      const char* p = r.field(i, &n);
      f.emplace_back(p, n);
    }
    rows.push_back(f);
    lines.push_back(r.line);
    return Status::ok();
  }
};

Rows tokenize(const std::string& text, char d = ',', size_t chunk = 0) {
  Rows rows;
  moe::io::CsvTokenizer t(d);
  if (chunk == 0) chunk = text.size() + 1;
  for (size_t i = 0; i < text.size(); i += chunk) {
    Status s = t.feed(text.data() + i, std::min(chunk, text.size() - i), &rows);
    EXPECT_TRUE(s.is_ok()) << s.message();
  }
  Status s = t.finish(&rows);
  EXPECT_TRUE(s.is_ok()) << s.message();
  return rows;
}

TEST(CsvTokenizer, QuotedFieldsHoldDelimitersQuotesAndNewlines) {
  std::string text = "a,b,c\n\"x,1\",\"say \"\"hi\"\"\",\"two\nlines\"\n3,4,5";
  for (size_t chunk : {size_t(0), size_t(1), size_t(2), size_t(7)}) {
    Rows r = tokenize(text, ',', chunk);
    ASSERT_EQ(r.rows.size(), 3u) << "chunk " << chunk;
    EXPECT_EQ(r.rows[1][0], "x,1");
    EXPECT_EQ(r.rows[1][1], "say \"hi\"");
    EXPECT_EQ(r.rows[1][2], "two\nlines");
    EXPECT_EQ(r.rows[2][2], "5");  // last line without newline kept
    EXPECT_EQ(r.lines[2], 4);      // the quoted newline counts as a line
  }
}

TEST(CsvTokenizer, LineEndingsLfCrlfCrAndBlankLines) {
  for (size_t chunk : {size_t(0), size_t(1), size_t(3)}) {
    Rows r = tokenize("a,b\r\n1,2\r\n\r\n3,4\r5,6\n\n7,8\n", ',', chunk);
    ASSERT_EQ(r.rows.size(), 5u);
    EXPECT_EQ(r.rows[2][0], "3");
    EXPECT_EQ(r.rows[3][1], "6");
    EXPECT_EQ(r.lines[2], 4);
    EXPECT_EQ(r.lines[3], 5);
    EXPECT_EQ(r.lines[4], 7);
  }
}

TEST(CsvTokenizer, CrlfInsideQuotesIsKeptAndCountedOnce) {
  Rows r = tokenize("a,b\r\n\"x\r\ny\",2\r\n3,4\r\n", ',', 1);
  ASSERT_EQ(r.rows.size(), 3u);
  EXPECT_EQ(r.rows[1][0], "x\r\ny");
  EXPECT_EQ(r.lines[2], 4);
}

TEST(CsvTokenizer, SpaceBeforeQuoteAndStrayQuotes) {
  Rows r = tokenize("a, \"b,c\",5\" screen\n");
  ASSERT_EQ(r.rows.size(), 1u);
  ASSERT_EQ(r.rows[0].size(), 3u);
  EXPECT_EQ(r.rows[0][1], "b,c");
  EXPECT_EQ(r.rows[0][2], "5\" screen");
}

TEST(CsvTokenizer, ManyQuotesInOneUnquotedFieldStayLinear) {
  // A quote after leading spaces opens a quoted field; checking that must not rescan the field.
  std::string text = "a,b\n" + std::string(200000, ' ') + "x" + std::string(200000, '"') + ",1\n";
  Rows r = tokenize(text);
  ASSERT_EQ(r.rows.size(), 2u);
  EXPECT_EQ(r.rows[1][0].size(), 400001u);
}

TEST(CsvTokenizer, UnterminatedQuoteNamesTheLineItOpened) {
  Dataset ds;
  Status s = read("a,b\n1,2\n3,\"oops\n4,5\n6,7\n", &ds);
  ASSERT_FALSE(s.is_ok());
  EXPECT_NE(s.message().find("line 3"), std::string::npos) << s.message();
  EXPECT_NE(s.message().find("never closed"), std::string::npos) << s.message();
}

TEST(CsvTokenizer, TooManyFieldsIsAClearError) {
  std::string row(moe::io::kMaxFieldsPerRow + 5, ',');
  Dataset ds;
  Status s = read(row + "\n", &ds);
  ASSERT_FALSE(s.is_ok());
  EXPECT_NE(s.message().find("more than 10000 fields"), std::string::npos) << s.message();
}

TEST(CsvTokenizer, HugeUnclosedFieldStopsAtTheRowLimit) {
  std::string head = "a,b\n1,\"";
  std::string chunk(1 << 20, 'x');
  moe::CsvStream st{CsvOptions()};
  Status s = st.feed(reinterpret_cast<const uint8_t*>(head.data()), head.size());
  for (size_t i = 0; i <= moe::io::kMaxRowBytes && s.is_ok(); i += chunk.size())
    s = st.feed(reinterpret_cast<const uint8_t*>(chunk.data()), chunk.size());
  ASSERT_FALSE(s.is_ok());
  EXPECT_NE(s.message().find("64 MiB"), std::string::npos) << s.message();
  EXPECT_NE(s.message().find("line 2"), std::string::npos) << s.message();
}

TEST(CsvTokenizer, WideFileIsLinearAndNamed) {
  const int cols = 5000;
  std::string text;
  for (int c = 0; c < cols; ++c) text += "c" + std::to_string(c) + ",";
  text += "y\n";
  for (int r = 0; r < 20; ++r) {
    for (int c = 0; c < cols; ++c) text += std::to_string((r * 7 + c) % 11) + ",";
    text += (r % 2 ? "a\n" : "b\n");
  }
  Dataset ds;
  ASSERT_TRUE(read(text, &ds).is_ok());
  EXPECT_EQ(ds.num_features, cols);
  EXPECT_EQ(ds.feature_names[4999], "c4999");
}

TEST(CsvValues, NumberSyntax) {
  using moe::io::CellKind;
  using moe::io::parse_cell;
  auto num = [](const char* s, char dec = '.') {
    double v = -12345;
    CellKind k = parse_cell(s, std::strlen(s), dec, &v);
    return k == CellKind::Number ? v : NAN;
  };
  EXPECT_EQ(num(".5"), 0.5);
  EXPECT_EQ(num("4."), 4.0);
  EXPECT_EQ(num("+3"), 3.0);
  EXPECT_EQ(num("-2.5e3"), -2500.0);
  EXPECT_EQ(num("1E-2"), 0.01);
  EXPECT_EQ(num("007"), 7.0);
  EXPECT_EQ(num("  42 "), 42.0);
  EXPECT_EQ(num("1,234,567.5"), 1234567.5);
  EXPECT_EQ(num("3,14", ','), 3.14);
  EXPECT_EQ(num("1.234.567,25", ','), 1234567.25);
  EXPECT_EQ(num("2.5", ','), 2.5);
  const char* text[] = {"0x1F", "1e5A", "12abc", "1,2", "+-3", "1.2.3", "e5", "1,23,456", "--1", "+"};
  for (const char* t : text) {
    double v;
    EXPECT_EQ(parse_cell(t, std::strlen(t), '.', &v), CellKind::Text) << t;
  }
}

TEST(CsvValues, MissingTokensAndNonFinite) {
  using moe::io::CellKind;
  using moe::io::parse_cell;
  const char* missing[] = {"", "  ", "NA", "n/a", "NaN", "null", "NULL", "?", "#N/A", "#DIV/0!", "None", "-"};
  for (const char* t : missing) {
    double v;
    EXPECT_EQ(parse_cell(t, std::strlen(t), '.', &v), CellKind::Missing) << t;
  }
  const char* inf[] = {"inf", "-Infinity", "1e39", "-1e400", "+inf"};
  for (const char* t : inf) {
    double v;
    EXPECT_EQ(parse_cell(t, std::strlen(t), '.', &v), CellKind::NonFinite) << t;
  }
}

TEST(CsvSniff, DelimiterChoice) {
  using moe::io::sniff_delimiter;
  auto d = [](const std::string& s) { return sniff_delimiter(s.data(), s.size()); };
  EXPECT_EQ(d("a,b,c\n1,2,3\n"), ',');
  EXPECT_EQ(d("a;b;c\n1,5;2,5;3\n"), ';');
  EXPECT_EQ(d("1,5;2,5\n3,5;4,5\n"), ';');
  EXPECT_EQ(d("a\tb\n\"x,y\"\t2\n"), '\t');
  EXPECT_EQ(d("a|b|c\n1|2|3\n"), '|');
  EXPECT_EQ(d("name,comment\nx,\"a;b\"\ny,c\n"), ',');
  EXPECT_EQ(d("single\n1\n2\n"), ',');
}

TEST(CsvSniff, SemicolonFileWithDecimalCommas) {
  Dataset ds;
  ASSERT_TRUE(read("x;y;label\n1,5;2;a\n2,5;3;b\n3,5;1;a\n4,5;0;b\n", &ds).is_ok());
  EXPECT_EQ(ds.delimiter, ';');
  EXPECT_EQ(ds.num_features, 2);
  EXPECT_EQ(ds.schema.columns[0].kind, moe::ColumnKind::Numeric);
  EXPECT_DOUBLE_EQ(ds.schema.columns[0].mean, 3.0);
}

TEST(CsvSniff, ExcelSepLine) {
  Dataset ds;
  ASSERT_TRUE(read("sep=|\r\na|b|c\r\n1|2|x\r\n3|4|y\r\n", &ds).is_ok());
  EXPECT_EQ(ds.delimiter, '|');
  EXPECT_EQ(ds.rows, 2);
  EXPECT_EQ(ds.feature_names, (std::vector<std::string>{"a", "b"}));
  Status s = read("sep=;\na;b\n1;x\n2;y;z\n", &ds);
  ASSERT_FALSE(s.is_ok());
  EXPECT_NE(s.message().find("line 4 has 3 fields but the header (line 2)"), std::string::npos) << s.message();
}

TEST(CsvSniff, NotACsvErrors) {
  struct Case { std::string bytes, expect; };
  const Case cases[] = {
      {"", "empty"},
      {"\n\n  \r\n", "blank"},
      {std::string("PK\x03\x04\x14\x00\x06\x00", 8), "Excel"},
      {std::string("\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1", 8), ".xls"},
      {"{\"a\": 1, \"b\": 2}", "JSON"},
      {"[{\"a\":1}]", "JSON"},
      {"<!DOCTYPE html><html><body></body></html>", "HTML"},
      {std::string("abc\0def,1\n", 10), "binary"},
      {"a,b,c\n", "no data rows"},
      {"%PDF-1.4", "PDF"},
  };
  for (const Case& c : cases) {
    Dataset ds;
    Status s = read(c.bytes, &ds);
    ASSERT_FALSE(s.is_ok()) << c.expect;
    EXPECT_NE(s.message().find(c.expect), std::string::npos) << s.message();
  }
}

TEST(CsvEncoding, Utf8BomIsStripped) {
  Dataset ds;
  ASSERT_TRUE(read("\xEF\xBB\xBFheight,label\n1,a\n2,b\n", &ds).is_ok());
  EXPECT_EQ(ds.feature_names[0], "height");
}

std::string utf16(const std::string& ascii, bool le, bool bom) {
  std::string out;
  if (bom) out += le ? "\xFF\xFE" : "\xFE\xFF";
  for (char c : ascii) {
    if (le) { out.push_back(c); out.push_back('\0'); }
    else { out.push_back('\0'); out.push_back(c); }
  }
  return out;
}

TEST(CsvEncoding, Utf16LittleAndBigEndian) {
  for (bool le : {true, false})
    for (bool bom : {true, false}) {
      Dataset ds;
      Status s = read(utf16("w,label\n1,a\n2,b\n3,a\n", le, bom), &ds);
      ASSERT_TRUE(s.is_ok()) << s.message();
      EXPECT_EQ(ds.rows, 3);
      EXPECT_EQ(ds.classes, (std::vector<std::string>{"a", "b"}));
    }
}

TEST(CsvEncoding, Windows1252Fallback) {
  Dataset ds;
  ASSERT_TRUE(read("city,v,label\nM\xFCnchen,1,a\nK\xF6ln,2,b\nM\xFCnchen,3,a\n", &ds).is_ok());
  EXPECT_EQ(ds.feature_names[0], "city=M\xC3\xBCnchen");
  EXPECT_TRUE(has_warning(ds, "Windows-1252")) << all_warnings(ds);
}

TEST(CsvEncoding, Utf8SplitAcrossChunksIsNotFallback) {
  std::string text = "city,v,label\n";
  for (int i = 0; i < 5000; ++i) text += std::string(i % 2 ? "K\xC3\xB6ln" : "Z\xC3\xBCrich") + "," + std::to_string(i) + "," + (i % 3 ? "a" : "b") + "\n";
  for (size_t chunk : {size_t(1), size_t(3), size_t(4096), size_t(65537)}) {
    moe::CsvStream st{CsvOptions()};
    for (size_t i = 0; i < text.size(); i += chunk)
      ASSERT_TRUE(st.feed(reinterpret_cast<const uint8_t*>(text.data()) + i, std::min(chunk, text.size() - i)).is_ok());
    Dataset ds;
    ASSERT_TRUE(st.finish(&ds).is_ok());
    EXPECT_EQ(ds.rows, 5000);
    EXPECT_FALSE(has_warning(ds, "Windows-1252")) << "chunk " << chunk;
    EXPECT_EQ(ds.feature_names[0], "city=Z\xC3\xBCrich");
    EXPECT_EQ(st.bytes_read(), text.size());
  }
}

TEST(CsvStream, ProgressCountsBytesAndRowsWhileFeeding) {
  std::string text = "x,y\n";
  for (int i = 0; i < 100000; ++i) text += std::to_string(i % 97) + "," + (i % 2 ? "a" : "b") + "\n";
  moe::CsvStream st{CsvOptions()};
  const uint8_t* p = reinterpret_cast<const uint8_t*>(text.data());
  size_t half = text.size() * 3 / 4;  // past the 256 KiB prelude (io/preview.h)
  ASSERT_TRUE(st.feed(p, half).is_ok());
  EXPECT_EQ(st.bytes_read(), half);
  EXPECT_GT(st.rows_read(), 20000);  // rows are parsed as they arrive (after the prelude)
  EXPECT_LT(st.rows_read(), 100000);
  ASSERT_TRUE(st.feed(p + half, text.size() - half).is_ok());
  Dataset ds;
  ASSERT_TRUE(st.finish(&ds).is_ok());
  EXPECT_EQ(st.rows_read(), 100000);
  EXPECT_EQ(ds.rows, 100000);
}

TEST(CsvHeader, FirstRowOfNumbersIsData) {
  Dataset ds;
  ASSERT_TRUE(read("1,2,0\n3,4,1\n5,6,0\n", &ds).is_ok());
  EXPECT_EQ(ds.rows, 3);
  EXPECT_EQ(ds.feature_names, (std::vector<std::string>{"column_1", "column_2"}));
  CsvOptions o;
  o.header = moe::HeaderOption::Yes;
  ASSERT_TRUE(read("1,2,0\n3,4,1\n5,6,0\n7,8,1\n", &ds, o).is_ok());
  EXPECT_EQ(ds.rows, 3);
  EXPECT_EQ(ds.feature_names[0], "1");
  o.header = moe::HeaderOption::No;
  ASSERT_TRUE(read("a,b,c\n3,4,x\n5,6,y\n", &ds, o).is_ok());
  EXPECT_EQ(ds.rows, 3);
}

TEST(CsvHeader, BlankAndDuplicateNames) {
  Dataset ds;
  ASSERT_TRUE(read("x,,x,y\n1,2,3,a\n2,3,1,b\n4,1,2,a\n", &ds).is_ok());
  EXPECT_EQ(ds.feature_names, (std::vector<std::string>{"x", "column_2", "x_2"}));
  EXPECT_TRUE(has_warning(ds, "no name")) << all_warnings(ds);
  EXPECT_TRUE(has_warning(ds, "renamed 'x_2'")) << all_warnings(ds);
}

TEST(CsvHeader, RepeatedHeaderRowIsDropped) {
  Dataset ds;
  ASSERT_TRUE(read("a,b\n1,x\n2,y\na,b\n3,x\n", &ds).is_ok());
  EXPECT_EQ(ds.rows, 3);
  EXPECT_TRUE(has_warning(ds, "line 4")) << all_warnings(ds);
}

TEST(CsvHeader, TrailingDelimitersMakeNoColumn) {
  Dataset ds;
  ASSERT_TRUE(read("a,b,c,\n1,2,x,\n3,5,y,\n4,1,x,\n", &ds).is_ok());
  EXPECT_EQ(ds.columns.size(), 3u);
  EXPECT_EQ(ds.schema.target, "c");
  ASSERT_TRUE(read("a,b,c\n1,2,x,\n3,5,y,\n4,1,x\n", &ds).is_ok());
  EXPECT_EQ(ds.rows, 3);
  EXPECT_TRUE(has_warning(ds, "trailing delimiters")) << all_warnings(ds);
}

TEST(CsvErrors, RaggedRowNamesLineAndCounts) {
  Dataset ds;
  Status s = read("a,b,c\n1,2,3\n4,5,6,7\n", &ds);
  ASSERT_FALSE(s.is_ok());
  EXPECT_NE(s.message().find("line 3 has 4 fields but the header (line 1) has 3"), std::string::npos) << s.message();
  EXPECT_NE(s.message().find("double quotes"), std::string::npos) << s.message();
  s = read("a,b,c\n1,2,3\n\n4,5\n", &ds);
  ASSERT_FALSE(s.is_ok());
  EXPECT_NE(s.message().find("line 4 has 2 fields"), std::string::npos) << s.message();
}

TEST(CsvErrors, TargetNotFoundListsColumns) {
  Dataset ds;
  CsvOptions o;
  o.target = "species";
  Status s = read("a,b,c\n1,2,3\n", &ds, o);
  ASSERT_FALSE(s.is_ok());
  EXPECT_NE(s.message().find("'species'"), std::string::npos);
  EXPECT_NE(s.message().find("'a', 'b', 'c'"), std::string::npos) << s.message();
  o.target.clear();
  o.target_index = 7;
  s = read("a,b,c\n1,2,3\n", &ds, o);
  ASSERT_FALSE(s.is_ok());
  EXPECT_NE(s.message().find("index 7"), std::string::npos) << s.message();
}

TEST(CsvErrors, ErrorsAreStickyAndStreamFinishesOnce) {
  moe::CsvStream st{CsvOptions()};
  std::string bad = "a,b\n1,2,3\n";
  Dataset ds;
  Status s1 = st.feed(reinterpret_cast<const uint8_t*>(bad.data()), bad.size());
  Status s2 = st.finish(&ds);
  ASSERT_FALSE(s2.is_ok());
  EXPECT_EQ(s2.message(), s1.is_ok() ? s2.message() : s1.message());
  EXPECT_EQ(ds.rows, 0);
  moe::CsvStream ok{CsvOptions()};
  std::string good = "a,b\n1,x\n2,y\n";
  ASSERT_TRUE(ok.feed(reinterpret_cast<const uint8_t*>(good.data()), good.size()).is_ok());
  ASSERT_TRUE(ok.finish(&ds).is_ok());
  EXPECT_EQ(ok.rows_read(), 2);
  EXPECT_FALSE(ok.finish(&ds).is_ok());
}

TEST(CsvValues, ColumnWithCodesStaysText) {
  Dataset ds;
  ASSERT_TRUE(read("code,v,label\n0x1F,1,a\n1e5A,2,b\n0x1F,3,a\n", &ds).is_ok());
  EXPECT_EQ(ds.schema.columns[0].kind, moe::ColumnKind::Categorical);
  EXPECT_EQ(ds.feature_names[0], "code=0x1F");
}

TEST(CsvValues, InfinityAndOverflowBecomeMissingWithWarning) {
  Dataset ds;
  ASSERT_TRUE(read("x,label\n1,a\ninf,b\n3,a\n1e300,b\n5,a\n", &ds).is_ok());
  EXPECT_TRUE(has_warning(ds, "2 infinite or out-of-range")) << all_warnings(ds);
  EXPECT_TRUE(has_warning(ds, "line 3")) << all_warnings(ds);
  for (float v : ds.features) EXPECT_TRUE(std::isfinite(v));
}

}  // namespace
