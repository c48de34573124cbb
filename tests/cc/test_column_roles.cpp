// GoogleTest: column roles with their reasons, the target suggestion on realistic files whose target
// is not the last column (tests/fixtures/roles), fromCSV's default target, and the row preview.
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>
#include <string>

#include "csv_test_util.h"
#include "io/preview.h"
#include "moe/dataset.h"

namespace {

using csv_test::has_warning;
using moe::CsvOptions;
using moe::Dataset;
using moe::io::ColumnRole;

std::string load(const std::string& rel) {
  std::string here = __FILE__;
  std::ifstream f(here.substr(0, here.rfind("tests/cc/")) + "tests/fixtures/" + rel, std::ios::binary);
  EXPECT_TRUE(f.good()) << rel;
  std::stringstream ss;
  ss << f.rdbuf();
  return ss.str();
}

const uint8_t* bytes(const std::string& s) { return reinterpret_cast<const uint8_t*>(s.data()); }

moe::io::TargetSuggestion suggest(const std::string& text) {
  moe::io::TargetSuggestion s;
  EXPECT_TRUE(moe::io::suggest_target(bytes(text), text.size(), true, 0, moe::io::HeaderMode::Auto, &s).is_ok());
  return s;
}

const moe::io::RoleInfo& role(const Dataset& ds, const std::string& name) {
  for (size_t j = 0; j < ds.columns.size(); ++j)
    if (ds.columns[j].name == name) return ds.roles[j];
  ADD_FAILURE() << "no column " << name;
  return ds.roles[0];
}

TEST(SuggestTarget, PicksTheTargetThatIsNotTheLastColumn) {
  EXPECT_EQ(suggest(load("roles/penguins.csv")).target, "species");
  EXPECT_EQ(suggest(load("csv/penguins_like.csv")).target, "species");
  EXPECT_EQ(suggest(load("roles/passengers.csv")).target, "Survived");
  EXPECT_EQ(suggest(load("roles/houses.csv")).target, "SalePrice");
  EXPECT_EQ(suggest(load("roles/wine.csv")).target, "quality");
  EXPECT_EQ(suggest(load("csv/iris_like.csv")).target, "species");
}

TEST(SuggestTarget, RanksIdentifiersFreeTextAndDatesLastWithScoreZero) {
  moe::io::TargetSuggestion s = suggest(load("roles/passengers.csv"));
  ASSERT_EQ(s.candidates.size(), 9u);
  for (const auto& c : s.candidates) {
    if (c.name == "PassengerId" || c.name == "Name" || c.name == "Ticket") {
      EXPECT_EQ(c.score, 0) << c.name;
      EXPECT_NE(c.reason.find("not a sensible target"), std::string::npos) << c.reason;
    } else {
      EXPECT_GT(c.score, 0) << c.name;
    }
  }
  EXPECT_EQ(s.candidates.back().score, 0);
  EXPECT_NE(s.candidates[0].reason.find("named like a target ('survived')"), std::string::npos) << s.candidates[0].reason;
  moe::io::TargetSuggestion h = suggest(load("roles/houses.csv"));
  for (const auto& c : h.candidates)
    if (c.name == "SaleDate") EXPECT_EQ(c.role, ColumnRole::Date);
}

TEST(SuggestTarget, LastColumnIsOnlyATieBreak) {
  // No names, no text: the last column wins the tie.
  EXPECT_EQ(suggest("a,b,c\n1.5,2.5,3.5\n2.5,3.5,1.5\n0.5,1.5,2.25\n").target, "c");
  // Text classes beat a whole-number last column, a measurement in the last column beats text
  // classes (cars: origin vs mpg), a named target beats all.
  EXPECT_EQ(suggest("color,w,h\nred,1.5,2\nblue,2.5,3\nred,0.5,1\nblue,1,2\n").target, "color");
  EXPECT_EQ(suggest("origin,w,mpg\nusa,1.5,20.5\neurope,2.5,31\nusa,0.5,18\njapan,1,33.5\n").target, "mpg");
  EXPECT_EQ(suggest("color,label,h\nred,1,2.5\nblue,0,3.5\nred,1,1.25\nblue,0,2\n").target, "label");
}

TEST(SuggestTarget, ReadsOnlyAPrefix) {
  // A broken row far beyond the prelude does not matter to the suggestion.
  std::string text = "id,kind,value\n";
  for (int i = 0; i < 40000; ++i) text += std::to_string(i) + "," + (i % 3 ? "a" : "b") + "," + std::to_string(i % 7) + "\n";
  text += "1,2\n";
  ASSERT_GT(text.size(), moe::io::kPreludeBytes);
  moe::io::TargetSuggestion s = suggest(text);
  EXPECT_EQ(s.target, "kind");
  EXPECT_LT(s.rows_read, 40000);
}

TEST(ColumnRoles, EachRoleWithItsReason) {
  std::string text = "row,name,note,when,flag,x,y\n";
  for (int i = 1; i <= 30; ++i)
    text += std::to_string(i) + ",person" + std::to_string(i) + ",\"this is comment number " + std::to_string(i) +
            " about it\",2021-03-" + (i < 10 ? "0" : "") + std::to_string(i) + "T10:00:00,same," + std::to_string(i % 4) +
            ".5," + (i % 2 ? "yes" : "no") + "\n";
  Dataset ds;
  ASSERT_TRUE(csv_test::read(text, &ds).is_ok()) << csv_test::all_warnings(ds);
  ASSERT_EQ(ds.roles.size(), ds.columns.size());
  EXPECT_EQ(role(ds, "row").role, ColumnRole::Identifier);
  EXPECT_NE(role(ds, "row").reason.find("named like an identifier ('row')"), std::string::npos) << role(ds, "row").reason;
  EXPECT_EQ(role(ds, "name").role, ColumnRole::Identifier);
  EXPECT_EQ(role(ds, "note").role, ColumnRole::FreeText);
  EXPECT_EQ(role(ds, "when").role, ColumnRole::Date);
  EXPECT_EQ(role(ds, "flag").role, ColumnRole::Constant);
  EXPECT_EQ(role(ds, "x").role, ColumnRole::Feature);
  EXPECT_EQ(role(ds, "y").role, ColumnRole::Target);
  EXPECT_EQ(ds.schema.target, "y");
  // Identifiers and free text are not features, with a notice that says how to keep them.
  EXPECT_TRUE(has_warning(ds, "column 'row' was dropped: named like an identifier")) << csv_test::all_warnings(ds);
  EXPECT_TRUE(has_warning(ds, "keepColumns: ['row']"));
  EXPECT_TRUE(has_warning(ds, "column 'note' was dropped:"));
  for (const std::string& f : ds.feature_names) EXPECT_NE(f, "row");
}

TEST(ColumnRoles, ConsecutiveWholeNumbersAreARowNumberUnlessKept) {
  std::string text = "n,x,label\n";
  for (int i = 1; i <= 25; ++i) text += std::to_string(i + 100) + "," + std::to_string(i % 5) + ".25," + (i % 2 ? "a" : "b") + "\n";
  Dataset ds;
  ASSERT_TRUE(csv_test::read(text, &ds).is_ok());
  EXPECT_EQ(ds.roles[0].role, ColumnRole::Identifier);
  EXPECT_EQ(ds.columns[0].kind, moe::ColumnKind::Ignored);
  CsvOptions keep;
  keep.keep_columns = {"n"};
  ASSERT_TRUE(csv_test::read(text, &ds, keep).is_ok());
  EXPECT_EQ(ds.columns[0].kind, moe::ColumnKind::Numeric);
  EXPECT_EQ(ds.roles[0].role, ColumnRole::Identifier);  // the role stays; the column is used anyway
}

TEST(ColumnRoles, AnIdentifierTargetIsPossibleButSaysWhyItIsABadIdea) {
  std::string text = load("roles/passengers.csv");
  CsvOptions o;
  o.target = "Name";
  o.task = moe::io::TaskOption::Classification;
  Dataset ds;
  ASSERT_TRUE(moe::read_csv(bytes(text), text.size(), o, &ds).is_ok());
  EXPECT_EQ(role(ds, "Name").role, ColumnRole::FreeText);
  EXPECT_NE(role(ds, "Name").reason.find("a model cannot learn to predict it"), std::string::npos);
  EXPECT_TRUE(has_warning(ds, "the target column 'Name' looks like free text"));
  o.target = "PassengerId";
  o.task = moe::io::TaskOption::Auto;
  ASSERT_TRUE(moe::read_csv(bytes(text), text.size(), o, &ds).is_ok());
  EXPECT_EQ(role(ds, "PassengerId").role, ColumnRole::Identifier);
  EXPECT_EQ(ds.columns[0].kind, moe::ColumnKind::Target);
}

TEST(DefaultTarget, IsTheSuggestedOneWithANotice) {
  Dataset ds;
  std::string text = load("roles/penguins.csv");
  ASSERT_TRUE(moe::read_csv(bytes(text), text.size(), CsvOptions(), &ds).is_ok());
  EXPECT_EQ(ds.schema.target, "species");
  EXPECT_EQ(ds.classes.size(), 3u);
  EXPECT_TRUE(has_warning(ds, "no target was given, so 'species' was chosen")) << csv_test::all_warnings(ds);
  text = load("roles/passengers.csv");
  ASSERT_TRUE(moe::read_csv(bytes(text), text.size(), CsvOptions(), &ds).is_ok());
  EXPECT_EQ(ds.schema.target, "Survived");
  EXPECT_EQ(role(ds, "PassengerId").role, ColumnRole::Identifier);
  EXPECT_EQ(role(ds, "Name").role, ColumnRole::FreeText);
  // A target given by index is used as given.
  CsvOptions o;
  o.target_index = 7;
  text = load("roles/penguins.csv");
  ASSERT_TRUE(moe::read_csv(bytes(text), text.size(), o, &ds).is_ok());
  EXPECT_EQ(ds.schema.target, "year");
}

TEST(Preview, HeaderAndFirstRowsAsTheReaderSeesThem) {
  std::string text = "sep=;\nname;city\n\"Smith; John\";Z\xC3\xBCrich\n\n\"multi\nline\";Bern\nx;y\n";
  moe::io::Preview p;
  ASSERT_TRUE(moe::io::preview_csv(bytes(text), text.size(), true, 2, 0, moe::io::HeaderMode::Auto, &p).is_ok());
  EXPECT_EQ(p.delimiter, ';');
  EXPECT_EQ(p.encoding, "utf-8");
  EXPECT_TRUE(p.has_header);
  ASSERT_EQ(p.header.size(), 2u);
  EXPECT_EQ(p.header[1], "city");
  ASSERT_EQ(p.rows.size(), 2u);
  EXPECT_EQ(p.rows[0][0], "Smith; John");
  EXPECT_EQ(p.rows[1][0], "multi\nline");
}

TEST(Preview, Utf16AndWindows1252AndNoHeader) {
  std::string le = "\xFF\xFE";
  for (char c : std::string("a,b\n1,2\n")) { le.push_back(c); le.push_back('\0'); }
  moe::io::Preview p;
  ASSERT_TRUE(moe::io::preview_csv(bytes(le), le.size(), true, 5, 0, moe::io::HeaderMode::Auto, &p).is_ok());
  EXPECT_EQ(p.encoding, "utf-16le");
  EXPECT_EQ(p.rows.size(), 1u);
  std::string w = "name,v\ncaf\xE9,1\n";
  ASSERT_TRUE(moe::io::preview_csv(bytes(w), w.size(), true, 5, 0, moe::io::HeaderMode::Auto, &p).is_ok());
  EXPECT_EQ(p.encoding, "windows-1252");
  EXPECT_EQ(p.rows[0][0], "caf\xC3\xA9");
  std::string n = "1,2\n3,4\n";
  ASSERT_TRUE(moe::io::preview_csv(bytes(n), n.size(), true, 5, 0, moe::io::HeaderMode::Auto, &p).is_ok());
  EXPECT_FALSE(p.has_header);
  EXPECT_EQ(p.header[0], "column_1");
  EXPECT_EQ(p.rows.size(), 2u);
}

TEST(Preview, NotACsvAndTooManyRowsAreErrors) {
  std::string zip = "PK\x03\x04 rest";
  moe::io::Preview p;
  moe::Status s = moe::io::preview_csv(bytes(zip), zip.size(), true, 5, 0, moe::io::HeaderMode::Auto, &p);
  EXPECT_NE(s.message().find("ZIP"), std::string::npos);
  std::string ok = "a\n1\n";
  s = moe::io::preview_csv(bytes(ok), ok.size(), true, 10001, 0, moe::io::HeaderMode::Auto, &p);
  EXPECT_NE(s.message().find("rows must be an integer in [0, 10000]"), std::string::npos) << s.message();
}

}  // namespace
