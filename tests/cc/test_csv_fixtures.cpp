// GoogleTest: every fixture in tests/fixtures/csv (one per class of problem) read whole and in small
// chunks through the facade, checking the result or the exact kind of error and where it points.
#include <gtest/gtest.h>

#include <cmath>
#include <fstream>
#include <sstream>
#include <string>

#include "csv_test_util.h"
#include "moe/dataset.h"

namespace {

using moe::ColumnKind;
using moe::CsvOptions;
using moe::Dataset;
using moe::Status;

std::string fixture_path(const std::string& name) {
  std::string here = __FILE__;
  return here.substr(0, here.rfind("tests/cc/")) + "tests/fixtures/csv/" + name;
}

std::string load(const std::string& name) {
  std::ifstream f(fixture_path(name), std::ios::binary);
  EXPECT_TRUE(f.good()) << fixture_path(name);
  std::stringstream ss;
  ss << f.rdbuf();
  return ss.str();
}

// Reads a fixture whole, then again in chunks of 5 bytes; both must agree exactly.
Status read_fixture(const std::string& name, Dataset* ds, const CsvOptions& o = CsvOptions()) {
  std::string bytes = load(name);
  const uint8_t* p = reinterpret_cast<const uint8_t*>(bytes.data());
  Status whole = moe::read_csv(p, bytes.size(), o, ds);
  moe::CsvStream st(o);
  Status s;
  for (size_t i = 0; i < bytes.size() && s.is_ok(); i += 5) s = st.feed(p + i, std::min<size_t>(5, bytes.size() - i));
  Dataset chunked;
  if (s.is_ok()) s = st.finish(&chunked);
  EXPECT_EQ(whole.is_ok(), s.is_ok()) << name;
  EXPECT_EQ(whole.message(), s.message()) << name;
  if (whole.is_ok() && s.is_ok()) {
    EXPECT_EQ(chunked.features, ds->features) << name;
    EXPECT_EQ(chunked.schema_json, ds->schema_json) << name;
    EXPECT_EQ(chunked.warnings, ds->warnings) << name;
  }
  return whole;
}

void expect_error(const std::string& name, const std::vector<std::string>& parts, const CsvOptions& o = CsvOptions()) {
  Dataset ds;
  Status s = read_fixture(name, &ds, o);
  ASSERT_FALSE(s.is_ok()) << name;
  for (const auto& part : parts) EXPECT_NE(s.message().find(part), std::string::npos) << name << ": " << s.message();
}

using csv_test::has_warning;

TEST(CsvFixtures, IrisLike) {
  Dataset ds;
  ASSERT_TRUE(read_fixture("iris_like.csv", &ds).is_ok());
  EXPECT_EQ(ds.rows, 60);
  EXPECT_EQ(ds.num_features, 4);
  EXPECT_EQ(ds.classes, (std::vector<std::string>{"setosa", "versicolor", "virginica"}));
  EXPECT_TRUE(ds.warnings.empty());
  // Standardised columns have mean ~0 and sd ~1.
  for (int f = 0; f < 4; ++f) {
    double s = 0, ss = 0;
    for (int64_t r = 0; r < ds.rows; ++r) s += ds.features[size_t(r) * 4 + size_t(f)];
    for (int64_t r = 0; r < ds.rows; ++r) ss += std::pow(ds.features[size_t(r) * 4 + size_t(f)] - s / 60, 2);
    EXPECT_NEAR(s / 60, 0.0, 1e-5);
    EXPECT_NEAR(ss / 60, 1.0, 1e-4);
  }
}

TEST(CsvFixtures, PenguinsLikeMixed) {
  Dataset ds;
  CsvOptions o;
  o.target = "species";
  ASSERT_TRUE(read_fixture("penguins_like.csv", &ds, o).is_ok());
  EXPECT_EQ(ds.rows, 60);
  EXPECT_EQ(ds.columns[1].kind, ColumnKind::Categorical);  // island
  EXPECT_EQ(ds.columns[2].kind, ColumnKind::Numeric);
  EXPECT_EQ(ds.columns[2].missing, 2);
  EXPECT_EQ(ds.columns[6].missing, 3);                     // sex: NA, NA, empty
  EXPECT_TRUE(has_warning(ds, "'bill_length_mm': 2 missing value(s) imputed"));
  EXPECT_EQ(ds.feature_names[0], "island=Biscoe");  // first-seen order: row 1 is on Biscoe
  for (float v : ds.features) EXPECT_TRUE(std::isfinite(v));
}

TEST(CsvFixtures, QuotedFields) {
  Dataset ds;
  ASSERT_TRUE(read_fixture("quoted_fields.csv", &ds).is_ok());
  EXPECT_EQ(ds.rows, 4);
  EXPECT_EQ(ds.columns[0].kind, ColumnKind::Categorical);
  EXPECT_EQ(ds.schema.columns[0].categories[0], "Smith, John");
  EXPECT_EQ(ds.schema.columns[1].categories[0], "said \"hi\"");
  EXPECT_EQ(ds.schema.columns[1].categories[1], "two\nlines");
}

TEST(CsvFixtures, CrlfWithBlankLineAndNoFinalNewline) {
  Dataset ds;
  ASSERT_TRUE(read_fixture("crlf.csv", &ds).is_ok());
  EXPECT_EQ(ds.rows, 4);
  EXPECT_EQ(ds.class_ids, (std::vector<int32_t>{0, 1, 0, 1}));
}

TEST(CsvFixtures, SemicolonDecimalCommaThousands) {
  Dataset ds;
  ASSERT_TRUE(read_fixture("semicolon_decimal_comma.csv", &ds).is_ok());
  EXPECT_EQ(ds.delimiter, ';');
  EXPECT_EQ(ds.feature_names, (std::vector<std::string>{"Gewicht", "Gr\xC3\xB6\xC3\x9F" "e", "Preis"}));
  EXPECT_DOUBLE_EQ(ds.schema.columns[0].mean, (1.5 + 2.25 + 3.0 + 0.75) / 4);
  EXPECT_NEAR(ds.schema.columns[2].mean, (1234.5 + 999.99 + 12000.0 + 5.0) / 4, 1e-3);  // cells are float32
}

TEST(CsvFixtures, Utf16) {
  for (const char* name : {"utf16le_bom.csv", "utf16be_bom.csv"}) {
    Dataset ds;
    ASSERT_TRUE(read_fixture(name, &ds).is_ok()) << name;
    EXPECT_EQ(ds.rows, 4);
    EXPECT_EQ(ds.feature_names[0], "city=Z\xC3\xBCrich");
    EXPECT_EQ(ds.classes, (std::vector<std::string>{"cold", "hot"}));
  }
}

TEST(CsvFixtures, Windows1252) {
  Dataset ds;
  ASSERT_TRUE(read_fixture("windows1252.csv", &ds).is_ok());
  EXPECT_EQ(ds.feature_names[0], "name=Caf\xC3\xA9");
  EXPECT_EQ(ds.feature_names[2], "name=Euro \xE2\x82\xAC deal");
  EXPECT_TRUE(has_warning(ds, "Windows-1252"));
}

TEST(CsvFixtures, ExcelSepLine) {
  Dataset ds;
  ASSERT_TRUE(read_fixture("excel_sep_line.csv", &ds).is_ok());
  EXPECT_EQ(ds.delimiter, ';');
  EXPECT_EQ(ds.rows, 3);
}

TEST(CsvFixtures, MissingValues) {
  Dataset ds;
  ASSERT_TRUE(read_fixture("missing_values.csv", &ds).is_ok());
  EXPECT_EQ(ds.rows, 6);  // the row without a label is excluded
  EXPECT_EQ(ds.columns[0].missing, 2);
  EXPECT_EQ(ds.columns[1].missing, 3);
  EXPECT_EQ(ds.columns[2].missing, 2);
  EXPECT_EQ(ds.columns[3].missing, 1);
  EXPECT_EQ(ds.columns[3].kind, ColumnKind::Target);
  EXPECT_TRUE(has_warning(ds, "1 row(s) with a missing value in the target column 'label' were excluded (first at line 8)"));
  EXPECT_EQ(ds.classes, (std::vector<std::string>{"1", "0"}));
}

TEST(CsvFixtures, RepeatedHeaderAndTrailingDelimiters) {
  Dataset ds;
  ASSERT_TRUE(read_fixture("repeated_header.csv", &ds).is_ok());
  EXPECT_EQ(ds.rows, 4);
  EXPECT_TRUE(has_warning(ds, "first at line 4"));
  ASSERT_TRUE(read_fixture("trailing_delimiters.csv", &ds).is_ok());
  EXPECT_EQ(ds.columns.size(), 3u);
  EXPECT_EQ(ds.schema.target, "label");
}

TEST(CsvFixtures, ErrorsNameWhatAndWhere) {
  expect_error("ragged.csv", {"line 4 has 4 fields", "header (line 1) has 3", "double quotes"});
  expect_error("unterminated_quote.csv", {"field 2 on line 3", "never closed"});
  expect_error("json_renamed.csv", {"JSON"});
  expect_error("html_page.csv", {"HTML"});
  expect_error("xlsx_renamed.csv", {"ZIP", "Excel"});
  expect_error("header_only.csv", {"header row (line 1) but no data rows"});
  expect_error("empty.csv", {"empty"});
  expect_error("binary.csv", {"binary"});
  CsvOptions label;
  label.target = "label";  // constant, so never the suggested target: named to reach the class check
  expect_error("single_class.csv", {"single class ('a')"}, label);
}

}  // namespace
