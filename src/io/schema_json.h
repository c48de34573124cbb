// Schema <-> JSON text with a small strict JSON writer and reader of our own (bounded size and
// depth, exact grammar, no exceptions). The JSON is what `ds.schema` shows and what models save.
// Not the Schema logic itself (preprocess.h).
#pragma once
#include <string>

#include "io/preprocess.h"
#include "base/status.h"

namespace moe::io {

constexpr size_t kMaxSchemaJsonBytes = size_t(64) << 20;
constexpr int kMaxJsonDepth = 32;

// {"format":"moe-wasm/schema","version":1,"task":"classification"|"regression","target":"y",
//  "classes":[...],"columns":[{"name","kind":"numeric","mean","scale","impute"} |
//  {"name","kind":"categorical","categories":[...],"impute":<index>} | {"name","kind":"target"} |
//  {"name","kind":"ignored","note"}],"featureNames":[...]}
std::string schema_to_json(const Schema& s);

// Parses and validates; any deviation is an error naming the offending field (or byte offset).
Status schema_from_json(const std::string& text, Schema* out);

// JSON string literal for `s` (quotes included); `s` is UTF-8 (the CSV decoder guarantees it).
std::string json_quote(const std::string& s);

}  // namespace moe::io
