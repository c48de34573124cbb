// Checkpoint writer and defensive reader (format version 1, see checkpoint.h). Every length is
// bounded and cross-checked before anything is allocated; the CRC covers the whole file.
#include "io/checkpoint.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <cstring>

#include "io/schema_json.h"

namespace moe::io {

namespace {

constexpr char kMagic[8] = {'M', 'O', 'E', 'W', 'A', 'S', 'M', '\0'};
constexpr uint32_t kMaxLayers = 64;        // hidden layers per MLP
constexpr int32_t kMaxWidth = 1 << 20;     // units per layer, D and C
constexpr int32_t kMaxExperts = 1 << 16;

class Writer {
 public:
  explicit Writer(std::vector<uint8_t>* out) : out_(out) {}
  void u8(uint8_t v) { out_->push_back(v); }
  void u32(uint32_t v) { for (int i = 0; i < 4; i++) out_->push_back(static_cast<uint8_t>(v >> (8 * i))); }
  void u64(uint64_t v) { for (int i = 0; i < 8; i++) out_->push_back(static_cast<uint8_t>(v >> (8 * i))); }
  void i32(int32_t v) { u32(static_cast<uint32_t>(v)); }
  void f32(float v) { uint32_t b; std::memcpy(&b, &v, 4); u32(b); }
  void bytes(const void* p, std::size_t n) {
    const uint8_t* b = static_cast<const uint8_t*>(p);
    out_->insert(out_->end(), b, b + n);
  }
 private:
  std::vector<uint8_t>* out_;
};

// Bounds-checked little-endian reader; the first failure sticks and names the byte offset.
class Reader {
 public:
  Reader(const uint8_t* p, std::size_t n) : p_(p), n_(n) {}
  bool need(std::size_t k) {
    if (!ok_) return false;
    if (n_ - pos_ < k) {
      ok_ = false;
      err_ = Status::corrupt("model file is truncated at byte " + std::to_string(n_) + " (needed " +
                             std::to_string(k) + " more bytes at offset " + std::to_string(pos_) + ")");
      return false;
    }
    return true;
  }
  uint32_t u32() {
    if (!need(4)) return 0;
    uint32_t v = 0;
    for (int i = 0; i < 4; i++) v |= static_cast<uint32_t>(p_[pos_ + i]) << (8 * i);
    pos_ += 4;
    return v;
  }
  uint64_t u64() {
    const uint64_t lo = u32();
    const uint64_t hi = u32();
    return lo | (hi << 32);
  }
  uint8_t u8() { if (!need(1)) return 0; return p_[pos_++]; }
  int32_t i32() { return static_cast<int32_t>(u32()); }
  float f32() { const uint32_t b = u32(); float v; std::memcpy(&v, &b, 4); return v; }
  void fail(std::string message) {
    if (!ok_) return;
    ok_ = false;
    err_ = Status::corrupt(std::move(message));
  }
  bool ok() const { return ok_; }
  const Status& error() const { return err_; }
  std::size_t pos() const { return pos_; }
  std::size_t remaining() const { return n_ - pos_; }
  void skip(std::size_t k) { if (need(k)) pos_ += k; }

 private:
  const uint8_t* p_;
  std::size_t n_, pos_ = 0;
  bool ok_ = true;
  Status err_;
};

bool valid_utf8(const uint8_t* s, std::size_t n) {
  std::size_t i = 0;
  while (i < n) {
    const uint8_t c = s[i];
    int len = c < 0x80 ? 1 : (c >> 5) == 0x6 ? 2 : (c >> 4) == 0xE ? 3 : (c >> 3) == 0x1E ? 4 : 0;
    if (len == 0 || i + len > n) return false;
    uint32_t cp = len == 1 ? c : len == 2 ? (c & 0x1F) : len == 3 ? (c & 0x0F) : (c & 0x07);
    for (int k = 1; k < len; k++) {
      if ((s[i + k] & 0xC0) != 0x80) return false;
      cp = (cp << 6) | (s[i + k] & 0x3F);
    }
    // no overlong forms, no surrogates, nothing past U+10FFFF
    if ((len == 2 && cp < 0x80) || (len == 3 && cp < 0x800) || (len == 4 && cp < 0x10000) ||
        (cp >= 0xD800 && cp <= 0xDFFF) || cp > 0x10FFFF)
      return false;
    i += len;
  }
  return true;
}

const char* looks_like(const uint8_t* b, std::size_t n) {
  auto starts = [&](const char* sig, std::size_t k) { return n >= k && std::memcmp(b, sig, k) == 0; };
  if (starts("\x89PNG", 4)) return "a PNG image";
  if (starts("PK\x03\x04", 4) || starts("PK\x05\x06", 4)) return "a ZIP archive (or .xlsx/.docx)";
  if (starts("\x1f\x8b", 2)) return "gzip-compressed data";
  if (starts("%PDF", 4)) return "a PDF document";
  if (starts("\x08", 1) || starts("ONNX", 4)) return "possibly an ONNX/protobuf file";
  std::size_t i = 0;
  if (starts("\xEF\xBB\xBF", 3)) i = 3;
  while (i < n && (b[i] == ' ' || b[i] == '\t' || b[i] == '\r' || b[i] == '\n')) i++;
  if (i < n && (b[i] == '{' || b[i] == '[')) return "JSON text";
  if (i < n && b[i] == '<') return "HTML/XML text";
  return nullptr;
}

// A parameter count as text: exact while it is an integer a double holds (always, for the bounded
// sizes a header may declare), else in exponent form.
std::string count_text(double n) {
  return n < 9007199254740992.0 ? std::to_string(static_cast<uint64_t>(n)) : format_number(n);
}

struct Parsed {
  ModelConfig config;
  uint64_t num_params = 0;
  std::size_t params_offset = 0;  // byte offset of params in the file
  std::string schema;
};

bool read_widths(Reader& r, const char* what, std::vector<int>* out) {
  const uint32_t n = r.u32();
  if (!r.ok()) return false;
  if (n > kMaxLayers) {
    r.fail(std::string("model file declares ") + std::to_string(n) + " " + what + " layers (at most " +
           std::to_string(kMaxLayers) + ")");
    return false;
  }
  out->clear();
  for (uint32_t i = 0; i < n && r.ok(); i++) {
    const int32_t w = r.i32();
    if (r.ok() && (w < 1 || w > kMaxWidth)) {
      r.fail(std::string("model file declares a ") + what + " layer of " + std::to_string(w) + " units");
      return false;
    }
    out->push_back(w);
  }
  return r.ok();
}

// The embedded schema (when there is one) must describe what the header's model reads and predicts:
// the same task, one encoded feature per input, no more classes than outputs. A file where they
// disagree was forged or assembled from two models; it would mislabel every prediction.
Status check_schema(const ModelConfig& c, const std::string& text) {
  Schema s;
  Status parsed = schema_from_json(text, &s);
  if (!parsed.is_ok()) {
    // Text that does not claim to be a dataset schema stays opaque (format 1 allows any UTF-8).
    if (text.find("moe-wasm/schema") == std::string::npos) return Status::ok();
    return Status::corrupt("model file schema is invalid: " + parsed.message());
  }
  auto name = [](Task t) { return std::string(t == Task::Classification ? "classification" : "regression"); };
  const std::string lead = "model file is inconsistent: the embedded schema ";
  if (s.task != c.task)
    return Status::corrupt(lead + "is for " + name(s.task) + " but the header declares a " + name(c.task) + " model");
  if (s.feature_names.size() != static_cast<std::size_t>(c.input_dim))
    return Status::corrupt(lead + "encodes " + std::to_string(s.feature_names.size()) + " features but the header declares inputDim " +
                           std::to_string(c.input_dim));
  if (c.task == Task::Classification && s.classes.size() > static_cast<std::size_t>(c.output_dim))
    return Status::corrupt(lead + "has " + std::to_string(s.classes.size()) + " classes but the header declares outputDim " +
                           std::to_string(c.output_dim));
  return Status::ok();
}

Status parse(const uint8_t* bytes, std::size_t len, Parsed* out) {
  if (bytes == nullptr || len == 0) return Status::invalid("not a moe-wasm model file: it is empty");
  const std::size_t head = std::min<std::size_t>(len, sizeof kMagic);
  if (std::memcmp(bytes, kMagic, head) != 0) {
    const char* kind = looks_like(bytes, len);
    return Status::invalid(std::string("not a moe-wasm model file") + (kind ? std::string(" (it looks like ") + kind + ")" : "") +
                           ": the first bytes are not \"MOEWASM\"");
  }
  Reader r(bytes, len);
  r.skip(sizeof kMagic);
  const uint32_t version = r.u32();
  if (!r.ok()) return r.error();
  if (version > kCheckpointVersion)
    return Status::invalid("model file format version " + std::to_string(version) +
                           " is newer than this moe-wasm supports (up to " + std::to_string(kCheckpointVersion) +
                           "); upgrade moe-wasm to load it");
  if (version < 1)
    return Status::invalid("model file format version " + std::to_string(version) + " is not a known version (this moe-wasm reads 1 to " +
                           std::to_string(kCheckpointVersion) + ")");

  ModelConfig& c = out->config;
  const uint32_t task = r.u32();
  if (r.ok() && task > 1) r.fail("model file has unknown task code " + std::to_string(task) + " at byte 12");
  c.task = task == 0 ? Task::Classification : Task::Regression;
  c.input_dim = r.i32();
  c.output_dim = r.i32();
  c.experts = r.i32();
  if (r.ok() && (c.input_dim < 1 || c.input_dim > kMaxWidth || c.output_dim < 1 || c.output_dim > kMaxWidth ||
                 c.experts < 1 || c.experts > kMaxExperts))
    r.fail("model file declares impossible sizes: inputDim " + std::to_string(c.input_dim) + ", outputDim " +
           std::to_string(c.output_dim) + ", experts " + std::to_string(c.experts));
  read_widths(r, "expert hidden", &c.expert_hidden);
  read_widths(r, "gate hidden", &c.gate_hidden);
  const uint32_t act = r.u32();
  const uint32_t gating = r.u32();
  c.gating.k = r.i32();
  c.gating.noise = r.u8() != 0;
  if (r.ok() && (act > 2 || gating > 1)) r.fail("model file has unknown activation/gating codes " + std::to_string(act) + "/" + std::to_string(gating));
  c.activation = act == 0 ? Activation::Relu : act == 1 ? Activation::Tanh : Activation::Gelu;
  c.gating.type = gating == 0 ? GatingType::Softmax : GatingType::TopK;
  c.load_balance = r.f32();
  c.z_loss = r.f32();
  const uint32_t opt = r.u32();
  if (r.ok() && opt > 2) r.fail("model file has unknown optimizer code " + std::to_string(opt));
  c.optimizer.type = opt == 0 ? OptimizerType::Adam : opt == 1 ? OptimizerType::AdamW : OptimizerType::Sgd;
  c.optimizer.learning_rate = r.f32();
  c.optimizer.beta1 = r.f32();
  c.optimizer.beta2 = r.f32();
  c.optimizer.epsilon = r.f32();
  c.optimizer.weight_decay = r.f32();
  c.optimizer.momentum = r.f32();
  c.optimizer.clip_norm = r.f32();
  c.seed = r.u64();
  const uint64_t P = r.u64();
  if (!r.ok()) return r.error();

  // The bounds above keep the count far below 2^63; a P that differs only past double precision
  // still fails the length check below.
  const double implied = parameter_count(c);
  if (static_cast<double>(P) != implied)
    return Status::corrupt("model file holds " + std::to_string(P) + " parameters but its configuration implies " +
                           count_text(implied) + " (count at byte " + std::to_string(r.pos() - 8) + ")");
  if (P > r.remaining() / 4)
    return Status::corrupt("model file is truncated at byte " + std::to_string(len) + ": " + std::to_string(P) +
                           " parameters need " + std::to_string(P * 4) + " bytes from offset " + std::to_string(r.pos()));
  out->num_params = P;
  out->params_offset = r.pos();
  r.skip(static_cast<std::size_t>(P) * 4);
  const uint32_t schema_len = r.u32();
  if (!r.ok()) return r.error();
  if (schema_len > kMaxSchemaBytes)
    return Status::corrupt("model file declares a schema of " + std::to_string(schema_len) + " bytes (at most " +
                           std::to_string(kMaxSchemaBytes) + ") at byte " + std::to_string(r.pos() - 4));
  if (!r.need(static_cast<std::size_t>(schema_len) + 4)) return r.error();
  const std::size_t schema_at = r.pos();
  r.skip(schema_len);
  const std::size_t crc_at = r.pos();
  const uint32_t stored = r.u32();
  if (!r.ok()) return r.error();
  if (r.remaining() != 0)
    return Status::corrupt("model file has " + std::to_string(r.remaining()) + " unexpected bytes after its end at byte " +
                           std::to_string(r.pos()));
  if (crc32(bytes, crc_at) != stored)
    return Status::corrupt("model file checksum mismatch: the file is damaged (CRC-32 over " + std::to_string(crc_at) +
                           " bytes does not match)");
  if (!valid_utf8(bytes + schema_at, schema_len)) return Status::corrupt("model file schema is not valid UTF-8");
  Status v = validate(c);
  if (!v.is_ok()) return Status::corrupt("model file configuration is invalid: " + v.message());
  out->schema.assign(reinterpret_cast<const char*>(bytes + schema_at), schema_len);
  return check_schema(c, out->schema);
}

}  // namespace

uint32_t crc32(const uint8_t* bytes, std::size_t len) {
  // reference: ISO/IEC 8802-3 CRC-32 (reflected 0xEDB88320, init and final xor 0xFFFFFFFF)
  static const std::array<uint32_t, 256> table = [] {
    std::array<uint32_t, 256> t{};
    for (uint32_t i = 0; i < 256; i++) {
      uint32_t c = i;
      for (int k = 0; k < 8; k++) c = (c & 1) ? 0xEDB88320u ^ (c >> 1) : c >> 1;
      t[i] = c;
    }
    return t;
  }();
  uint32_t crc = 0xFFFFFFFFu;
  for (std::size_t i = 0; i < len; i++) crc = table[(crc ^ bytes[i]) & 0xFF] ^ (crc >> 8);
  return crc ^ 0xFFFFFFFFu;
}

Status write_checkpoint(const ModelConfig& c, const float* params, std::size_t P, const std::string& schema_json,
                        std::vector<uint8_t>* out) {
  if (out == nullptr || (params == nullptr && P > 0)) return Status::invalid("write_checkpoint: null buffer");
  if (static_cast<double>(P) != parameter_count(c))
    return Status(StatusCode::Internal, "write_checkpoint: " + std::to_string(P) + " parameters but the configuration implies " +
                                            count_text(parameter_count(c)));
  if (schema_json.size() > kMaxSchemaBytes)
    return Status::invalid("schema JSON is " + std::to_string(schema_json.size()) + " bytes; at most " +
                           std::to_string(kMaxSchemaBytes) + " can be saved");
  if (!valid_utf8(reinterpret_cast<const uint8_t*>(schema_json.data()), schema_json.size()))
    return Status::invalid("schema JSON is not valid UTF-8");
  out->clear();
  out->reserve(160 + 4 * (c.expert_hidden.size() + c.gate_hidden.size()) + 4 * P + schema_json.size());
  Writer w(out);
  w.bytes(kMagic, sizeof kMagic);
  w.u32(kCheckpointVersion);
  w.u32(c.task == Task::Classification ? 0 : 1);
  w.i32(c.input_dim);
  w.i32(c.output_dim);
  w.i32(c.experts);
  w.u32(static_cast<uint32_t>(c.expert_hidden.size()));
  for (int h : c.expert_hidden) w.i32(h);
  w.u32(static_cast<uint32_t>(c.gate_hidden.size()));
  for (int h : c.gate_hidden) w.i32(h);
  w.u32(c.activation == Activation::Relu ? 0 : c.activation == Activation::Tanh ? 1 : 2);
  w.u32(c.gating.type == GatingType::Softmax ? 0 : 1);
  w.i32(c.gating.k);
  w.u8(c.gating.noise ? 1 : 0);
  w.f32(c.load_balance);
  w.f32(c.z_loss);
  w.u32(c.optimizer.type == OptimizerType::Adam ? 0 : c.optimizer.type == OptimizerType::AdamW ? 1 : 2);
  w.f32(c.optimizer.learning_rate);
  w.f32(c.optimizer.beta1);
  w.f32(c.optimizer.beta2);
  w.f32(c.optimizer.epsilon);
  w.f32(c.optimizer.weight_decay);
  w.f32(c.optimizer.momentum);
  w.f32(c.optimizer.clip_norm);
  w.u64(c.seed);
  w.u64(P);
  for (std::size_t i = 0; i < P; i++) w.f32(params[i]);
  w.u32(static_cast<uint32_t>(schema_json.size()));
  w.bytes(schema_json.data(), schema_json.size());
  w.u32(crc32(out->data(), out->size()));
  return Status::ok();
}

Status read_checkpoint_header(const uint8_t* bytes, std::size_t len, ModelConfig* config, uint64_t* num_params) {
  Parsed p;
  MOE_RETURN_IF_ERROR(parse(bytes, len, &p));
  if (config) *config = p.config;
  if (num_params) *num_params = p.num_params;
  return Status::ok();
}

Status read_checkpoint(const uint8_t* bytes, std::size_t len, Checkpoint* out) {
  if (out == nullptr) return Status::invalid("read_checkpoint: null output");
  Parsed p;
  MOE_RETURN_IF_ERROR(parse(bytes, len, &p));
  // parse() checked that the file holds all P floats, so this allocation is bounded by its length.
  std::vector<float> params(static_cast<std::size_t>(p.num_params));
  Reader r(bytes, len);
  r.skip(p.params_offset);
  for (std::size_t i = 0; i < params.size(); i++) {
    params[i] = r.f32();
    if (!std::isfinite(params[i]))
      return Status::corrupt("model file parameter " + std::to_string(i) + " is not a finite number");
  }
  if (!r.ok()) return r.error();
  out->config = std::move(p.config);
  out->params = std::move(params);
  out->schema_json = std::move(p.schema);
  return Status::ok();
}

}  // namespace moe::io
