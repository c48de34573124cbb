// Checkpoint tests: round trip with bit-identical predictions, and every way a file can be wrong
// (truncated, bit flips, foreign formats, other versions, oversized headers) giving the right Status.
// Also loads the committed format-1 fixture so later versions keep reading today's files.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "core/rng.h"
#include "io/checkpoint.h"
#include "moe/api.h"
#include "moe/dataset.h"

namespace moe {
namespace {

std::string fixture_path() {
  std::string here = __FILE__;  // .../tests/cc/test_checkpoint.cpp
  return here.substr(0, here.rfind("/cc/")) + "/fixtures/model-v1.moe";
}

ModelConfig fixture_config() {
  ModelConfig c;
  c.input_dim = 3;
  c.output_dim = 3;
  c.task = Task::Classification;
  c.experts = 2;
  c.expert_hidden = {4};
  c.gate_hidden = {3};
  c.gating.type = GatingType::TopK;
  c.gating.k = 1;
  c.gating.noise = true;
  c.activation = Activation::Tanh;
  c.optimizer.type = OptimizerType::AdamW;
  c.seed = 2024;
  return c;
}
const char kFixtureSchema[] = "{\"fixture\":\"model-v1\",\"note\":\"caf\xC3\xA9\"}";
// Rows the fixture is probed with, and the class probabilities it gave when it was written.
const float kProbeX[2][3] = {{0.5f, -1.0f, 2.0f}, {-0.25f, 0.75f, 0.0f}};

std::unique_ptr<MoeModel> trained_model(const ModelConfig& c) {
  std::unique_ptr<MoeModel> m;
  EXPECT_TRUE(MoeModel::create(c, &m).is_ok());
  Rng rng(3);
  const long n = 64;
  std::vector<float> x(n * c.input_dim);
  std::vector<int32_t> y(n);
  std::vector<float> v(n * c.output_dim);
  for (auto& f : x) f = rng.uniform(-1, 1);
  for (long r = 0; r < n; r++) y[r] = x[r * c.input_dim] > 0 ? 1 : 0;
  for (auto& f : v) f = rng.uniform(-1, 1);
  DataView d;
  d.x = x.data();
  d.rows = n;
  if (c.task == Task::Classification) d.classes = y.data();
  else d.values = v.data();
  FitOptions o;
  o.epochs = 2;
  o.batch_size = 16;
  EXPECT_TRUE(m->begin_fit(d, nullptr, o).is_ok());
  ChunkResult r;
  do {
    EXPECT_TRUE(m->fit_run(100, &r).is_ok());
  } while (!r.finished);
  EXPECT_TRUE(m->end_fit(nullptr).is_ok());
  return m;
}

std::vector<uint8_t> saved(MoeModel* m, const std::string& schema) {
  std::vector<uint8_t> bytes;
  Status s = m->save(schema, &bytes);
  EXPECT_TRUE(s.is_ok()) << s.message();
  return bytes;
}

Status load(const std::vector<uint8_t>& b, std::unique_ptr<MoeModel>* out = nullptr, std::string* schema = nullptr) {
  std::unique_ptr<MoeModel> m;
  Status s = MoeModel::load(b.data(), b.size(), &m, schema);
  if (out) *out = std::move(m);
  return s;
}

void reseal(std::vector<uint8_t>* b) {  // recompute the trailing CRC after an edit
  const uint32_t crc = io::crc32(b->data(), b->size() - 4);
  for (int i = 0; i < 4; i++) (*b)[b->size() - 4 + i] = uint8_t(crc >> (8 * i));
}

void put_u32(std::vector<uint8_t>* b, size_t at, uint32_t v) {
  for (int i = 0; i < 4; i++) (*b)[at + i] = uint8_t(v >> (8 * i));
}

bool contains(const Status& s, const char* text) { return s.message().find(text) != std::string::npos; }

TEST(Checkpoint, Crc32KnownValue) {
  const char* text = "123456789";  // the standard check value of CRC-32/ISO-HDLC
  EXPECT_EQ(io::crc32(reinterpret_cast<const uint8_t*>(text), 9), 0xCBF43926u);
}

// The io layer alone: a record written from plain data reads back as the same record (no Model).
TEST(Checkpoint, RecordRoundTripsWithoutAModel) {
  const ModelConfig c = fixture_config();
  std::vector<float> params(static_cast<size_t>(parameter_count(c)));
  for (size_t i = 0; i < params.size(); i++) params[i] = 0.25f * static_cast<float>(i) - 3.0f;
  std::vector<uint8_t> bytes;
  ASSERT_TRUE(io::write_checkpoint(c, params.data(), params.size(), "{\"k\":1}", &bytes).is_ok());
  io::Checkpoint back;
  Status s = io::read_checkpoint(bytes.data(), bytes.size(), &back);
  ASSERT_TRUE(s.is_ok()) << s.message();
  EXPECT_EQ(back.params, params);
  EXPECT_EQ(back.schema_json, "{\"k\":1}");
  EXPECT_EQ(back.config.expert_hidden, c.expert_hidden);
  EXPECT_EQ(back.config.gating.k, c.gating.k);
  EXPECT_EQ(back.config.seed, c.seed);
  // A params buffer of the wrong length for the config is refused before anything is written.
  EXPECT_EQ(io::write_checkpoint(c, params.data(), params.size() - 1, "", &bytes).code(), StatusCode::Internal);
}

TEST(Checkpoint, RoundTripGivesBitIdenticalPredictions) {
  for (Task task : {Task::Classification, Task::Regression}) {
    ModelConfig c = fixture_config();
    c.task = task;
    c.output_dim = task == Task::Classification ? 3 : 2;
    c.z_loss = 0.001f;
    c.optimizer.clip_norm = 1.5f;
    auto m = trained_model(c);
    const std::string schema = "{\"columns\":[\"a\",\"b\"],\"unicode\":\"\xE2\x82\xAC\"}";
    const std::vector<uint8_t> bytes = saved(m.get(), schema);
    std::unique_ptr<MoeModel> back;
    std::string schema_back;
    Status s = load(bytes, &back, &schema_back);
    ASSERT_TRUE(s.is_ok()) << s.message();
    EXPECT_EQ(schema_back, schema);
    const ModelConfig& b = back->config();
    EXPECT_EQ(b.task, c.task);
    EXPECT_EQ(b.expert_hidden, c.expert_hidden);
    EXPECT_EQ(b.gate_hidden, c.gate_hidden);
    EXPECT_EQ(b.gating.type, c.gating.type);
    EXPECT_EQ(b.gating.k, c.gating.k);
    EXPECT_EQ(b.activation, c.activation);
    EXPECT_EQ(b.optimizer.type, c.optimizer.type);
    EXPECT_EQ(b.optimizer.clip_norm, c.optimizer.clip_norm);
    EXPECT_EQ(b.z_loss, c.z_loss);
    EXPECT_EQ(b.seed, c.seed);
    Rng rng(9);
    std::vector<float> x(50 * 3), p1(50 * c.output_dim), p2(50 * c.output_dim);
    for (auto& f : x) f = rng.uniform(-2, 2);
    ASSERT_TRUE(m->predict(x.data(), 50, p1.data()).is_ok());
    ASSERT_TRUE(back->predict(x.data(), 50, p2.data()).is_ok());
    EXPECT_EQ(0, std::memcmp(p1.data(), p2.data(), p1.size() * sizeof(float)));
    // Saving the loaded model reproduces the file byte for byte.
    EXPECT_EQ(saved(back.get(), schema), bytes);
  }
}

TEST(Checkpoint, EmptySchemaAndInvalidUtf8) {
  auto m = trained_model(fixture_config());
  std::string schema = "x";
  ASSERT_TRUE(load(saved(m.get(), ""), nullptr, &schema).is_ok());
  EXPECT_EQ(schema, "");
  std::vector<uint8_t> out;
  EXPECT_EQ(m->save("\xC3(", &out).code(), StatusCode::InvalidArgument);
}

// The schema JSON of a 3-column, 3-class CSV, as the CSV reader writes it.
std::string three_class_schema() {
  const std::string csv = "a,b,c,y\n1,2,3,x\n4,5,6,y\n7,8,9,z\n1,3,5,x\n2,4,6,y\n3,5,7,z\n";
  Dataset ds;
  CsvOptions o;
  o.target = "y";
  Status s = read_csv(reinterpret_cast<const uint8_t*>(csv.data()), csv.size(), o, &ds);
  EXPECT_TRUE(s.is_ok()) << s.message();
  EXPECT_EQ(ds.num_features, 3);
  return ds.schema_json;
}

TEST(Checkpoint, ForgedSchemaThatDisagreesWithTheHeaderIsCorrupt) {
  const std::string schema = three_class_schema();
  // The honest pair: 3 features, 3 classes, classification.
  auto honest = trained_model(fixture_config());
  std::string back;
  Status ok = load(saved(honest.get(), schema), nullptr, &back);
  ASSERT_TRUE(ok.is_ok()) << ok.message();
  EXPECT_EQ(back, schema);
  // Forged: a regression header, a wider input, too few outputs; each named.
  ModelConfig regression = fixture_config();
  regression.task = Task::Regression;
  regression.output_dim = 1;
  ModelConfig wider = fixture_config();
  wider.input_dim = 5;
  ModelConfig narrow = fixture_config();
  narrow.output_dim = 2;
  const std::pair<ModelConfig, const char*> forged[] = {
      {regression, "the embedded schema is for classification but the header declares a regression model"},
      {wider, "the embedded schema encodes 3 features but the header declares inputDim 5"},
      {narrow, "the embedded schema has 3 classes but the header declares outputDim 2"},
  };
  for (const auto& [config, message] : forged) {
    auto m = trained_model(config);
    Status s = load(saved(m.get(), schema));
    EXPECT_EQ(s.code(), StatusCode::Corrupt) << s.message();
    EXPECT_TRUE(contains(s, message)) << s.message();
  }
  // Text claiming to be a dataset schema must parse as one; other text stays opaque.
  Status bad = load(saved(honest.get(), "{\"format\":\"moe-wasm/schema\",\"version\":1}"));
  EXPECT_EQ(bad.code(), StatusCode::Corrupt) << bad.message();
  EXPECT_TRUE(contains(bad, "model file schema is invalid")) << bad.message();
  EXPECT_TRUE(load(saved(honest.get(), "{\"note\":\"mine\"}")).is_ok());
}

TEST(Checkpoint, EveryTruncationIsReported) {
  auto m = trained_model(fixture_config());
  const std::vector<uint8_t> bytes = saved(m.get(), "{}");
  for (size_t len = 0; len < bytes.size(); len++) {
    std::vector<uint8_t> cut(bytes.begin(), bytes.begin() + len);
    Status s = load(cut);
    ASSERT_FALSE(s.is_ok()) << "prefix of " << len << " bytes loaded";
    if (len >= 12) {
      EXPECT_EQ(s.code(), StatusCode::Corrupt) << len << ": " << s.message();
      EXPECT_TRUE(contains(s, ("truncated at byte " + std::to_string(len)).c_str())) << len << ": " << s.message();
    }
  }
  std::vector<uint8_t> longer = bytes;
  longer.push_back(0);
  EXPECT_EQ(load(longer).code(), StatusCode::Corrupt);
}

TEST(Checkpoint, EveryBitFlipIsCaught) {
  auto m = trained_model(fixture_config());
  const std::vector<uint8_t> bytes = saved(m.get(), "{\"k\":1}");
  ModelConfig c;
  uint64_t P = 0;
  ASSERT_TRUE(io::read_checkpoint_header(bytes.data(), bytes.size(), &c, &P).is_ok());
  const size_t params_end = bytes.size() - 4 - 7 - 4;  // before u32 schema length + 7 bytes + CRC
  const size_t params_begin = params_end - 4 * P;
  for (size_t i = 0; i < bytes.size(); i++) {
    for (int bit : {0, 5}) {
      std::vector<uint8_t> b = bytes;
      b[i] ^= uint8_t(1 << bit);
      Status s = load(b);
      ASSERT_FALSE(s.is_ok()) << "flip at byte " << i << " bit " << bit << " loaded";
      if (i >= params_begin && i < params_end) EXPECT_TRUE(contains(s, "checksum mismatch")) << i << ": " << s.message();
    }
  }
}

TEST(Checkpoint, ForeignFilesAreNamed) {
  const std::vector<std::pair<std::string, const char*>> cases = {
      {std::string("\x89PNG\r\n\x1a\n\0\0\0\rIHDR", 16), "PNG"},
      {"{\"model\": \"moe\"}", "JSON"},
      {std::string("PK\x03\x04\x14\0\0\0", 8), "ZIP"},
      {"a,b,c\n1,2,3\n", "not a moe-wasm model file"},
      {"MOE", "truncated"},
  };
  for (const auto& [text, what] : cases) {
    std::vector<uint8_t> b(text.begin(), text.end());
    Status s = load(b);
    EXPECT_FALSE(s.is_ok());
    EXPECT_TRUE(contains(s, what)) << s.message();
    if (std::string(what) != "truncated") EXPECT_TRUE(contains(s, "not a moe-wasm model file")) << s.message();
  }
  EXPECT_FALSE(load({}).is_ok());
}

TEST(Checkpoint, OtherVersionsAreExplained) {
  auto m = trained_model(fixture_config());
  std::vector<uint8_t> b = saved(m.get(), "");
  put_u32(&b, 8, 2);
  reseal(&b);
  Status s = load(b);
  EXPECT_TRUE(contains(s, "version 2 is newer")) << s.message();
  put_u32(&b, 8, 0);
  reseal(&b);
  s = load(b);
  EXPECT_TRUE(contains(s, "version 0")) << s.message();
}

TEST(Checkpoint, OversizedHeadersAreRejectedBeforeAllocating) {
  auto m = trained_model(fixture_config());
  const std::vector<uint8_t> good = saved(m.get(), "");
  // Offsets of format 1: magic 8, version 4, task 4, D 4, C 4, E 4, n_expert_hidden 4 (at 28).
  {
    std::vector<uint8_t> b = good;
    put_u32(&b, 28, 0xFFFFFFFFu);  // four billion hidden layers
    reseal(&b);
    Status s = load(b);
    EXPECT_EQ(s.code(), StatusCode::Corrupt);
    EXPECT_TRUE(contains(s, "hidden layers")) << s.message();
  }
  {
    std::vector<uint8_t> b = good;
    put_u32(&b, 32, 1u << 20);  // the hidden layer becomes a million units wide: P no longer matches
    reseal(&b);
    Status s = load(b);
    EXPECT_EQ(s.code(), StatusCode::Corrupt);
    EXPECT_TRUE(contains(s, "parameters")) << s.message();
  }
  {
    std::vector<uint8_t> b = good;
    put_u32(&b, 16, 0x7FFFFFFF);  // D = 2^31 - 1
    reseal(&b);
    EXPECT_EQ(load(b).code(), StatusCode::Corrupt);
  }
  {
    ModelConfig c;
    uint64_t P = 0;
    ASSERT_TRUE(io::read_checkpoint_header(good.data(), good.size(), &c, &P).is_ok());
    std::vector<uint8_t> b = good;
    const size_t schema_len_at = good.size() - 4 - 4;
    put_u32(&b, schema_len_at, 0xFFFFFFF0u);  // a 4 GiB schema
    reseal(&b);
    Status s = load(b);
    EXPECT_EQ(s.code(), StatusCode::Corrupt);
    EXPECT_TRUE(contains(s, "schema")) << s.message();
    // A P that claims more floats than the file holds.
    std::vector<uint8_t> q = good;
    const size_t p_at = good.size() - 4 - 4 - 4 * P - 8;
    for (int i = 0; i < 8; i++) q[p_at + i] = 0xFF;
    reseal(&q);
    EXPECT_EQ(load(q).code(), StatusCode::Corrupt);
  }
}

// Writes tests/fixtures/model-v1.moe and prints the probe predictions to paste into FixtureLoads.
// Run once with --gtest_also_run_disabled_tests --gtest_filter='*WriteFixture*'.
TEST(Checkpoint, DISABLED_WriteFixture) {
  auto m = trained_model(fixture_config());
  const std::vector<uint8_t> bytes = saved(m.get(), kFixtureSchema);
  std::ofstream(fixture_path(), std::ios::binary).write(reinterpret_cast<const char*>(bytes.data()), bytes.size());
  float p[6];
  ASSERT_TRUE(m->predict(&kProbeX[0][0], 2, p).is_ok());
  for (float v : p) std::printf("%.9gf, ", v);
  std::printf("\n");
}

TEST(Checkpoint, FixtureOfFormatOneLoads) {
  std::ifstream f(fixture_path(), std::ios::binary);
  ASSERT_TRUE(f.good()) << "missing " << fixture_path();
  const std::vector<uint8_t> bytes((std::istreambuf_iterator<char>(f)), std::istreambuf_iterator<char>());
  std::unique_ptr<MoeModel> m;
  std::string schema;
  Status s = load(bytes, &m, &schema);
  ASSERT_TRUE(s.is_ok()) << s.message();
  EXPECT_EQ(schema, kFixtureSchema);
  const ModelConfig want = fixture_config();
  const ModelConfig& c = m->config();
  EXPECT_EQ(c.input_dim, want.input_dim);
  EXPECT_EQ(c.experts, want.experts);
  EXPECT_EQ(c.expert_hidden, want.expert_hidden);
  EXPECT_EQ(c.gating.type, GatingType::TopK);
  EXPECT_EQ(c.activation, Activation::Tanh);
  EXPECT_EQ(c.seed, 2024u);
  const float expected[6] = {0.328881681f, 0.548081219f, 0.123037085f, 0.416886091f, 0.364319474f, 0.218794376f};
  float p[6];
  ASSERT_TRUE(m->predict(&kProbeX[0][0], 2, p).is_ok());
  for (int i = 0; i < 6; i++) EXPECT_NEAR(p[i], expected[i], 1e-5) << i;
}

}  // namespace
}  // namespace moe
