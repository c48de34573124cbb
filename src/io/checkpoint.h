// Checkpoint: the versioned, self-checking binary model file (.moe). Format version 1, all
// little-endian:
//   "MOEWASM\0" (8 bytes) | u32 version | ModelConfig fields (see checkpoint.cpp) | u64 P |
//   P x f32 params | u32 n + n bytes of UTF-8 (the dataset schema JSON, may be empty; a dataset schema
//   must agree with the header: task, one feature per input, no more classes than outputs) |
//   u32 CRC-32 (IEEE) of every byte before it.
// Loading never aborts and never allocates more than the file implies. Not the ONNX export.
#pragma once
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "core/model.h"
#include "base/status.h"

namespace moe::io {

constexpr uint32_t kCheckpointVersion = 1;
constexpr std::size_t kMaxSchemaBytes = 64u << 20;  // 64 MiB of schema JSON at most

// Serialises the model's config and params plus the opaque schema string (must be valid UTF-8).
Status save_model(const Model& model, const std::string& schema_json, std::vector<uint8_t>* out);

// Parses and checks bytes: magic, version, bounded sizes, P against the config, CRC, then builds a
// Model (capacity rows per call) holding the saved params. Errors are Status::corrupt (or
// invalid for a foreign file / unsupported version) with a message saying what is wrong and where.
Status load_model(const uint8_t* bytes, std::size_t len, int capacity, std::unique_ptr<Model>* model,
                  std::string* schema_json);

// Reads only the config and P (all checks except building the model). For tools and tests.
Status read_model_header(const uint8_t* bytes, std::size_t len, ModelConfig* config, uint64_t* num_params);

// CRC-32 (IEEE 802.3, reflected polynomial 0xEDB88320), as in zlib/PNG.
uint32_t crc32(const uint8_t* bytes, std::size_t len);

}  // namespace moe::io
