// libFuzzer target for the model loader: any bytes go through MoeModel::load; a file that loads
// must predict sane probabilities, save and load again. Built by scripts/fuzz.sh.
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
  if (p.is_ok() && config.task == moe::Task::Classification) {
    for (float v : out) {
      if (!(v >= 0.0f && v <= 1.0001f)) {
        std::fprintf(stderr, "predict returned ok with probability %g\n", v);
        std::abort();
      }
    }
  }
  std::vector<uint8_t> again;
  if (!model->save(schema, &again).is_ok()) std::abort();
  std::unique_ptr<moe::MoeModel> reloaded;
  if (!moe::MoeModel::load(again.data(), again.size(), &reloaded, nullptr).is_ok()) std::abort();
  return 0;
}
