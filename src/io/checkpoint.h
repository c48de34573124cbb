// Checkpoint: the versioned, self-checking binary model file (.moe). Format version 1, all
// little-endian:
//   "MOEWASM\0" (8 bytes) | u32 version | ModelConfig fields (see checkpoint.cpp) | u64 P |
//   P x f32 params | u32 n + n bytes of UTF-8 (the dataset schema JSON, may be empty; a dataset schema
//   must agree with the header: task, one feature per input, no more classes than outputs) |
//   u32 CRC-32 (IEEE) of every byte before it.
// Reading never aborts and never allocates more than the file implies. Plain data in and out: the
// facade (moe/api) builds the Model. Not the ONNX export.
#pragma once
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "base/config.h"
#include "base/status.h"

namespace moe::io {

constexpr uint32_t kCheckpointVersion = 1;
constexpr std::size_t kMaxSchemaBytes = 64u << 20;  // 64 MiB of schema JSON at most

// What a model file holds: plain data, no network. The facade (moe/api) builds the Model from it.
struct Checkpoint {
  ModelConfig config;
  std::vector<float> params;  // (P,) every trainable float, in the order core/layout lays them out for config
  std::string schema_json;    // opaque UTF-8, normally the dataset schema JSON; "" when none
};

// Serialises config, params (P,) and the schema string (must be valid UTF-8); P must be the count the
// config implies (parameter_count).
Status write_checkpoint(const ModelConfig& config, const float* params, std::size_t num_params,
                        const std::string& schema_json, std::vector<uint8_t>* out);

// Parses and checks bytes: magic, version, bounded sizes, P against the config, CRC, the config's
// validity, the embedded schema against the header, finite params. Errors are Status::corrupt (or
// invalid for a foreign file / unsupported version) with a message saying what is wrong and where.
Status read_checkpoint(const uint8_t* bytes, std::size_t len, Checkpoint* out);

// Reads only the config and P (every check but the params' values). For tools and tests.
Status read_checkpoint_header(const uint8_t* bytes, std::size_t len, ModelConfig* config, uint64_t* num_params);

// CRC-32 (IEEE 802.3, reflected polynomial 0xEDB88320), as in zlib/PNG.
uint32_t crc32(const uint8_t* bytes, std::size_t len);

}  // namespace moe::io
