// libFuzzer target for the model loader: any bytes go through MoeModel::load; a file that loads
// must predict sane probabilities (classification) or finite values (regression), save and load
// again, and predict the same after the round trip. Built by scripts/fuzz.sh (CMake target).
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <string>
#include <vector>

#include "io/checkpoint.h"
#include "moe/api.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  // Half of the inputs get a valid trailing CRC, so mutations reach the parser behind the checksum.
  std::vector<uint8_t> bytes(data, data + size);  // (size,)
  if (size > 8 && (data[size / 2] & 1)) {
    const uint32_t crc = moe::io::crc32(bytes.data(), size - 4);
    for (int i = 0; i < 4; i++) bytes[size - 4 + i] = static_cast<uint8_t>(crc >> (8 * i));
  }
  std::unique_ptr<moe::MoeModel> model;
  std::string schema;
  moe::Status s = moe::MoeModel::load(bytes.data(), bytes.size(), &model, &schema);
  if (!s.is_ok()) {
    if (s.message().empty() || model) std::abort();  // every failure explains itself, builds nothing
    return 0;
  }
  const moe::ModelConfig& config = model->config();
  std::vector<float> x(static_cast<size_t>(config.input_dim), 0.5f);      // (1, D)
  std::vector<float> out(static_cast<size_t>(config.output_dim), 0.0f);   // (1, C)
  // Weights that load may still be huge; prediction must then fail cleanly or stay finite.
  moe::Status p = model->predict(x.data(), 1, out.data());
  if (p.is_ok()) {
    double total = 0;
    for (float v : out) {
      // Classification: probabilities in [0, 1] summing to 1. Regression: finite values (an ok
      // predict must never hand back NaN or infinity; overflow has to fail with a Status).
      const bool ok = config.task == moe::Task::Classification ? (v >= 0.0f && v <= 1.0001f) : std::isfinite(v);
      if (!ok) {
        std::fprintf(stderr, "predict returned ok with %s %g\n",
                     config.task == moe::Task::Classification ? "probability" : "value", v);
        std::abort();
      }
      total += v;
    }
    if (config.task == moe::Task::Classification && std::fabs(total - 1.0) > 1e-3) {
      std::fprintf(stderr, "predict returned ok with probabilities summing to %g\n", total);
      std::abort();
    }
  }
  std::vector<uint8_t> again;
  if (!model->save(schema, &again).is_ok()) std::abort();
  std::unique_ptr<moe::MoeModel> reloaded;
  if (!moe::MoeModel::load(again.data(), again.size(), &reloaded, nullptr).is_ok()) std::abort();
  // The reloaded model predicts exactly what the loaded one did (save/load is lossless).
  if (p.is_ok()) {
    std::vector<float> out2(out.size(), 0.0f);  // (1, C)
    if (!reloaded->predict(x.data(), 1, out2.data()).is_ok() || out2 != out) {
      std::fprintf(stderr, "the saved-and-loaded model predicts differently\n");
      std::abort();
    }
  }
  return 0;
}
