// GoogleTest: preprocessing (task detection, standardisation, one-hot, imputation, dropped columns)
// and the Schema (JSON round trip, strict reader, re-application to other files).
#include <gtest/gtest.h>

#include <cmath>
#include <string>

#include "io/schema_json.h"
#include "csv_test_util.h"
#include "moe/dataset.h"

namespace {

using moe::ColumnKind;
using moe::CsvOptions;
using moe::Dataset;
using moe::Status;
using moe::Task;

using csv_test::all_warnings;
using csv_test::has_warning;
using csv_test::read;

TEST(PreprocessTask, TextTargetIsClassificationInFirstSeenOrder) {
  Dataset ds;
  ASSERT_TRUE(read("x,y\n1,dog\n2,cat\n3,dog\n4,bird\n", &ds).is_ok());
  EXPECT_EQ(ds.task, Task::Classification);
  EXPECT_EQ(ds.classes, (std::vector<std::string>{"dog", "cat", "bird"}));
  EXPECT_EQ(ds.class_ids, (std::vector<int32_t>{0, 1, 0, 2}));
  EXPECT_TRUE(ds.has_labels);
}

TEST(PreprocessTask, IntegerCodesAreClassificationFloatsRegression) {
  Dataset ds;
  ASSERT_TRUE(read("x,y\n1,3\n2,1\n3,3\n4,2\n", &ds).is_ok());
  EXPECT_EQ(ds.task, Task::Classification);
  EXPECT_EQ(ds.classes, (std::vector<std::string>{"3", "1", "2"}));
  EXPECT_TRUE(has_warning(ds, "integer codes")) << all_warnings(ds);
  ASSERT_TRUE(read("x,y\n1,3.5\n2,1\n3,3\n4,2\n", &ds).is_ok());
  EXPECT_EQ(ds.task, Task::Regression);
  EXPECT_EQ(ds.values, (std::vector<float>{3.5f, 1, 3, 2}));
  EXPECT_TRUE(ds.class_ids.empty());
  std::string many = "x,y\n";
  for (int i = 0; i < 30; ++i) many += std::to_string(i) + "," + std::to_string(i * 7) + "\n";
  ASSERT_TRUE(read(many, &ds).is_ok());
  EXPECT_EQ(ds.task, Task::Regression);
}

TEST(PreprocessTask, OverridesAndTheirErrors) {
  Dataset ds;
  CsvOptions o;
  o.task = moe::TaskOption::Regression;
  ASSERT_TRUE(read("x,y\n1,3\n2,1\n3,3\n", &ds, o).is_ok());
  EXPECT_EQ(ds.task, Task::Regression);
  Status s = read("x,y\n1,a\n2,b\n", &ds, o);
  ASSERT_FALSE(s.is_ok());
  EXPECT_NE(s.message().find("cannot be a regression target"), std::string::npos) << s.message();
  EXPECT_NE(s.message().find("line 2"), std::string::npos) << s.message();
  o.task = moe::TaskOption::Classification;
  ASSERT_TRUE(read("x,y\n1,0.5\n2,1.5\n3,0.5\n", &ds, o).is_ok());
  EXPECT_EQ(ds.classes, (std::vector<std::string>{"0.5", "1.5"}));
}

TEST(PreprocessTask, SingleClassIsAnError) {
  Dataset ds;
  CsvOptions o;
  o.target = "y";  // a constant column is never the suggested target
  Status s = read("x,y\n1,a\n2,a\n3,a\n", &ds, o);
  ASSERT_FALSE(s.is_ok());
  EXPECT_NE(s.message().find("single class ('a')"), std::string::npos) << s.message();
}

TEST(PreprocessTask, TargetByNameOrIndex) {
  Dataset ds;
  CsvOptions o;
  o.target = "kind";
  ASSERT_TRUE(read("kind,x,z\na,1,5\nb,2,7\na,3,9\n", &ds, o).is_ok());
  EXPECT_EQ(ds.feature_names, (std::vector<std::string>{"x", "z"}));
  EXPECT_EQ(ds.columns[0].kind, ColumnKind::Target);
  o.target.clear();
  o.target_index = 0;
  ASSERT_TRUE(read("kind,x,z\na,1,5\nb,2,7\na,3,9\n", &ds, o).is_ok());
  EXPECT_EQ(ds.schema.target, "kind");
}

TEST(PreprocessTask, MissingTargetRowsExcludedWithMessage) {
  Dataset ds;
  ASSERT_TRUE(read("x,y\n1,a\n2,\n3,b\n4,NA\n5,a\n", &ds).is_ok());
  EXPECT_EQ(ds.rows, 3);
  EXPECT_TRUE(has_warning(ds, "2 row(s) with a missing value in the target column 'y' were excluded (first at line 3)"))
      << all_warnings(ds);
  CsvOptions o;
  o.target = "y";  // an all-missing column is never the suggested target
  Status s = read("x,y\n1,\n2,NA\n", &ds, o);
  ASSERT_FALSE(s.is_ok());
  EXPECT_NE(s.message().find("every data row"), std::string::npos) << s.message();
}

TEST(PreprocessNumeric, StandardisedWithMedianImputation) {
  Dataset ds;
  ASSERT_TRUE(read("x,y\n1,a\n2,b\n,a\n3,b\n10,a\n", &ds).is_ok());
  // observed 1,2,3,10: mean 4, population sd sqrt(((9+4+1+36)/4)) = sqrt(12.5); median 2.5
  const auto& c = ds.schema.columns[0];
  EXPECT_DOUBLE_EQ(c.mean, 4.0);
  EXPECT_DOUBLE_EQ(c.scale, std::sqrt(12.5));
  EXPECT_DOUBLE_EQ(c.impute, 2.5);
  EXPECT_FLOAT_EQ(ds.features[2], float((2.5 - 4.0) / std::sqrt(12.5)));
  EXPECT_FLOAT_EQ(ds.features[0], float((1 - 4.0) / std::sqrt(12.5)));
  EXPECT_EQ(ds.columns[0].missing, 1);
  EXPECT_TRUE(has_warning(ds, "1 missing value(s) imputed with the median 2.5")) << all_warnings(ds);
}

TEST(PreprocessNumeric, ConstantAndEmptyColumnsDroppedNoDivisionByZero) {
  Dataset ds;
  ASSERT_TRUE(read("c,e,x,y\n5,,1,a\n5,,2,b\n5,NA,3,a\n", &ds).is_ok());
  EXPECT_EQ(ds.feature_names, (std::vector<std::string>{"x"}));
  EXPECT_EQ(ds.columns[0].kind, ColumnKind::Ignored);
  EXPECT_EQ(ds.columns[1].kind, ColumnKind::Ignored);
  EXPECT_EQ(ds.columns[1].missing, 3);
  EXPECT_TRUE(has_warning(ds, "'c' was dropped: constant")) << all_warnings(ds);
  EXPECT_TRUE(has_warning(ds, "'e' was dropped: every value is missing")) << all_warnings(ds);
  Status s = read("c,y\n5,a\n5,b\n", &ds);
  ASSERT_FALSE(s.is_ok());
  EXPECT_NE(s.message().find("no usable feature columns"), std::string::npos) << s.message();
}

TEST(PreprocessNumeric, HugeValuesStayFinite) {
  Dataset ds;
  ASSERT_TRUE(read("x,y\n3e38,a\n-3e38,b\n3.4e38,a\n1,b\n", &ds).is_ok());
  ASSERT_EQ(ds.num_features, 1);
  for (float v : ds.features) EXPECT_TRUE(std::isfinite(v)) << v;
  EXPECT_TRUE(std::isfinite(ds.schema.columns[0].scale));
}

TEST(PreprocessCategorical, OneHotWithMostFrequentImputation) {
  Dataset ds;
  ASSERT_TRUE(read("color,x,y\nred,1,a\nblue,2,b\nred,3,a\n,4,b\n", &ds).is_ok());
  EXPECT_EQ(ds.feature_names, (std::vector<std::string>{"color=red", "color=blue", "x"}));
  ASSERT_EQ(ds.num_features, 3);
  EXPECT_EQ(ds.features[0 * 3 + 0], 1.0f);
  EXPECT_EQ(ds.features[1 * 3 + 1], 1.0f);
  EXPECT_EQ(ds.features[3 * 3 + 0], 1.0f);  // imputed red
  EXPECT_EQ(ds.features[3 * 3 + 1], 0.0f);
  EXPECT_TRUE(has_warning(ds, "imputed with the most frequent category 'red'")) << all_warnings(ds);
}

TEST(PreprocessCategorical, IdentifierColumnDroppedRareCategoriesZero) {
  std::string text = "id,grp,x,y\n";
  for (int i = 0; i < 300; ++i)
    text += "user" + std::to_string(i) + ",g" + std::to_string(i % 60) + "," + std::to_string(i % 7) + "," +
            (i % 2 ? "a" : "b") + "\n";
  Dataset ds;
  ASSERT_TRUE(read(text, &ds).is_ok());
  EXPECT_EQ(ds.columns[0].kind, ColumnKind::Ignored);
  EXPECT_TRUE(has_warning(ds, "'id' was dropped: 300 distinct values in 300 rows")) << all_warnings(ds);
  EXPECT_EQ(ds.columns[1].kind, ColumnKind::Categorical);
  EXPECT_EQ(ds.num_features, 51);
  EXPECT_TRUE(has_warning(ds, "the 50 most frequent are one-hot encoded and the 10 rarer ones")) << all_warnings(ds);
}

TEST(PreprocessCategorical, MixedNumericTextColumnIsCategoricalWithNotice) {
  Dataset ds;
  ASSERT_TRUE(read("size,y\n1,a\n2,b\n1,a\nbig,b\n", &ds).is_ok());
  EXPECT_EQ(ds.feature_names, (std::vector<std::string>{"size=1", "size=2", "size=big"}));
  EXPECT_TRUE(has_warning(ds, "first 'big' at line 5")) << all_warnings(ds);
}

TEST(SchemaJson, RoundTripIsExact) {
  Dataset ds;
  ASSERT_TRUE(read("color,x,id,y\nred,1.25,1,a\nblue,2,1,b\n\"q\"\"\\\",3,1,a\n", &ds).is_ok());
  moe::Schema back;
  Status s = moe::io::schema_from_json(ds.schema_json, &back);
  ASSERT_TRUE(s.is_ok()) << s.message() << "\n" << ds.schema_json;
  EXPECT_EQ(moe::io::schema_to_json(back), ds.schema_json);
  EXPECT_EQ(back.columns[1].mean, ds.schema.columns[1].mean);
  EXPECT_EQ(back.columns[0].categories[2], "q\"\\");
}

TEST(SchemaJson, StrictReaderRejectsBadInput) {
  Dataset ds;
  ASSERT_TRUE(read("x,y\n1,a\n2,b\n", &ds).is_ok());
  std::string good = ds.schema_json;
  const std::string bad[] = {
      "", "{", "[]", "{\"format\":\"moe-wasm/schema\"}", good + "x", good.substr(0, good.size() - 1),
      std::string(100, '[') + std::string(100, ']'),
      [&] { std::string b = good; b.replace(b.find("\"version\":1"), 11, "\"version\":2"); return b; }(),
      [&] { std::string b = good; b.replace(b.find("\"scale\":"), 8, "\"scale\":-"); return b; }(),
      [&] { std::string b = good; b.replace(b.find("\"featureNames\":[\"x\"]"), 20, "\"featureNames\":[\"z\"]"); return b; }(),
      [&] { std::string b = good; b.replace(b.find("\"kind\":\"numeric\""), 16, "\"kind\":\"weird\""); return b; }(),
      "{\"format\":\"moe-wasm/schema\",\"version\":1,}",
  };
  for (const std::string& b : bad) {
    moe::Schema sc;
    Status s = moe::io::schema_from_json(b, &sc);
    EXPECT_FALSE(s.is_ok()) << b;
    EXPECT_NE(s.message().find("schema JSON"), std::string::npos) << s.message();
  }
  CsvOptions o;
  o.schema_json = "{nope";
  Status s = read("x,y\n1,a\n", &ds, o);
  ASSERT_FALSE(s.is_ok());
  EXPECT_NE(s.message().find("schema JSON"), std::string::npos);
}

TEST(SchemaApply, EncodesOtherFilesExactlyAsFitted) {
  Dataset train;
  ASSERT_TRUE(read("color,x,y\nred,1,a\nblue,2,b\nred,3,a\nblue,6,b\n", &train).is_ok());
  CsvOptions o;
  o.schema_json = train.schema_json;
  Dataset test;
  // Columns in a different order, an extra column, an unseen category, a missing number.
  Status s = read("extra,x,y,color\n9,2,b,blue\n9,,a,green\n9,1,a,red\n", &test, o);
  ASSERT_TRUE(s.is_ok()) << s.message();
  EXPECT_EQ(test.feature_names, train.feature_names);
  ASSERT_EQ(test.num_features, 3);
  EXPECT_EQ(test.features[0 * 3 + 2], train.features[1 * 3 + 2]);  // x = 2 encodes the same
  EXPECT_EQ(test.features[1 * 3 + 0], 0.0f);                       // green: all zeros
  EXPECT_EQ(test.features[1 * 3 + 1], 0.0f);
  EXPECT_FLOAT_EQ(test.features[1 * 3 + 2], float((train.schema.columns[1].impute - 3.0) / train.schema.columns[1].scale));
  EXPECT_EQ(test.class_ids, (std::vector<int32_t>{1, 0, 0}));
  EXPECT_EQ(test.classes, train.classes);
  EXPECT_EQ(test.schema_json, train.schema_json);
  EXPECT_TRUE(has_warning(test, "first 'green' at line 3")) << all_warnings(test);
  EXPECT_TRUE(has_warning(test, "imputed with the fitted median")) << all_warnings(test);
  EXPECT_TRUE(has_warning(test, "not in the schema were ignored ('extra')")) << all_warnings(test);
}

TEST(SchemaApply, TargetIsOptionalAndColumnsAreRequired) {
  Dataset train;
  ASSERT_TRUE(read("color,x,y\nred,1,a\nblue,2,b\nred,3,a\n", &train).is_ok());
  CsvOptions o;
  o.schema_json = train.schema_json;
  Dataset pred;
  ASSERT_TRUE(read("color,x\nred,1\nblue,5\n", &pred, o).is_ok());
  EXPECT_FALSE(pred.has_labels);
  EXPECT_EQ(pred.rows, 2);
  EXPECT_TRUE(pred.class_ids.empty());
  Status s = read("color\nred\n", &pred, o);
  ASSERT_FALSE(s.is_ok());
  EXPECT_NE(s.message().find("'x' is required by the schema"), std::string::npos) << s.message();
  s = read("color,x,y\nred,1,zebra\n", &pred, o);
  ASSERT_FALSE(s.is_ok());
  EXPECT_NE(s.message().find("line 2: target value 'zebra'"), std::string::npos) << s.message();
}

TEST(SchemaApply, RegressionSchemaKeepsValues) {
  Dataset train;
  ASSERT_TRUE(read("x,y\n1,0.5\n2,1.5\n3,2.25\n", &train).is_ok());
  ASSERT_EQ(train.task, Task::Regression);
  CsvOptions o;
  o.schema_json = train.schema_json;
  Dataset test;
  ASSERT_TRUE(read("x,y\n2,7.5\n", &test, o).is_ok());
  EXPECT_EQ(test.values, (std::vector<float>{7.5f}));
  EXPECT_EQ(test.features[0], train.features[1]);
}

}  // namespace
