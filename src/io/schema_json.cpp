// Strict, bounded JSON for the preprocessing Schema. See schema_json.h.
#include "io/schema_json.h"

#include <cmath>
#include <cstdio>
#include <cstring>
#include <unordered_set>

#include <fast_float/fast_float.h>

namespace moe::io {
namespace {

struct Json {
  enum Type { Null, Bool, Number, String, Array, Object } type = Null;
  bool b = false;
  double n = 0;
  std::string s;
  std::vector<Json> arr;
  std::vector<std::pair<std::string, Json>> obj;
  const Json* get(const char* key) const {
    for (const auto& kv : obj)
      if (kv.first == key) return &kv.second;
    return nullptr;
  }
};

class Parser {
 public:
  Parser(const std::string& t) : p_(t.data()), b_(t.data()), e_(t.data() + t.size()) {}
  Status parse(Json* out) {
    MOE_RETURN_IF_ERROR(value(out, 0));
    ws();
    if (p_ != e_) return err("unexpected text after the JSON value");
    return Status::ok();
  }

 private:
  Status err(const std::string& what) const {
    return Status::corrupt("schema JSON: " + what + " at byte " + std::to_string(p_ - b_));
  }
  void ws() {
    while (p_ < e_ && (*p_ == ' ' || *p_ == '\t' || *p_ == '\n' || *p_ == '\r')) ++p_;
  }
  bool lit(const char* w) {
    size_t n = std::strlen(w);
    if (size_t(e_ - p_) < n || std::memcmp(p_, w, n) != 0) return false;
    p_ += n;
    return true;
  }
  Status value(Json* v, int depth) {
    if (depth > kMaxJsonDepth) return err("nesting deeper than " + std::to_string(kMaxJsonDepth));
    ws();
    if (p_ == e_) return err("unexpected end of text");
    char c = *p_;
    if (c == '{') return object(v, depth);
    if (c == '[') return array(v, depth);
    if (c == '"') { v->type = Json::String; return string(&v->s); }
    if (lit("true")) { v->type = Json::Bool; v->b = true; return Status::ok(); }
    if (lit("false")) { v->type = Json::Bool; v->b = false; return Status::ok(); }
    if (lit("null")) { v->type = Json::Null; return Status::ok(); }
    return number(v);
  }
  Status number(Json* v) {
    const char* s = p_;
    const char* q = p_;
    if (q < e_ && *q == '-') ++q;
    if (q == e_ || !(*q >= '0' && *q <= '9')) return err("invalid value");
    if (*q == '0') ++q;
    else while (q < e_ && *q >= '0' && *q <= '9') ++q;
    if (q < e_ && *q == '.') {
      ++q;
      if (q == e_ || !(*q >= '0' && *q <= '9')) return err("invalid number");
      while (q < e_ && *q >= '0' && *q <= '9') ++q;
    }
    if (q < e_ && (*q == 'e' || *q == 'E')) {
      ++q;
      if (q < e_ && (*q == '+' || *q == '-')) ++q;
      if (q == e_ || !(*q >= '0' && *q <= '9')) return err("invalid number");
      while (q < e_ && *q >= '0' && *q <= '9') ++q;
    }
    double d = 0;
    auto r = fast_float::from_chars(s, q, d);
    if (r.ec != std::errc() || r.ptr != q || !std::isfinite(d)) return err("number out of range");
    v->type = Json::Number;
    v->n = d;
    p_ = q;
    return Status::ok();
  }
  static int hex(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
  }
  Status u4(uint32_t* u) {
    if (e_ - p_ < 4) return err("short \\u escape");
    uint32_t r = 0;
    for (int i = 0; i < 4; ++i) {
      int h = hex(p_[i]);
      if (h < 0) return err("bad \\u escape");
      r = r * 16 + uint32_t(h);
    }
    p_ += 4;
    *u = r;
    return Status::ok();
  }
  Status string(std::string* out) {
    ++p_;  // opening quote
    out->clear();
    while (true) {
      if (p_ == e_) return err("unterminated string");
      unsigned char c = static_cast<unsigned char>(*p_);
      if (c == '"') { ++p_; return Status::ok(); }
      if (c < 0x20) return err("control character in string");
      if (c != '\\') { out->push_back(char(c)); ++p_; continue; }
      ++p_;
      if (p_ == e_) return err("unterminated escape");
      char x = *p_++;
      switch (x) {
        case '"': out->push_back('"'); break;
        case '\\': out->push_back('\\'); break;
        case '/': out->push_back('/'); break;
        case 'b': out->push_back('\b'); break;
        case 'f': out->push_back('\f'); break;
        case 'n': out->push_back('\n'); break;
        case 'r': out->push_back('\r'); break;
        case 't': out->push_back('\t'); break;
        case 'u': {
          uint32_t u = 0;
          MOE_RETURN_IF_ERROR(u4(&u));
          if (u >= 0xD800 && u <= 0xDBFF) {
            uint32_t lo = 0;
            if (!lit("\\u")) return err("lone surrogate");
            MOE_RETURN_IF_ERROR(u4(&lo));
            if (lo < 0xDC00 || lo > 0xDFFF) return err("bad surrogate pair");
            u = 0x10000 + ((u - 0xD800) << 10) + (lo - 0xDC00);
          } else if (u >= 0xDC00 && u <= 0xDFFF) {
            return err("lone surrogate");
          }
          if (u < 0x80) out->push_back(char(u));
          else if (u < 0x800) { out->push_back(char(0xC0 | (u >> 6))); out->push_back(char(0x80 | (u & 0x3F))); }
          else if (u < 0x10000) {
            out->push_back(char(0xE0 | (u >> 12)));
            out->push_back(char(0x80 | ((u >> 6) & 0x3F)));
            out->push_back(char(0x80 | (u & 0x3F)));
          } else {
            out->push_back(char(0xF0 | (u >> 18)));
            out->push_back(char(0x80 | ((u >> 12) & 0x3F)));
            out->push_back(char(0x80 | ((u >> 6) & 0x3F)));
            out->push_back(char(0x80 | (u & 0x3F)));
          }
          break;
        }
        default: return err("unknown escape");
      }
    }
  }
  Status array(Json* v, int depth) {
    ++p_;
    v->type = Json::Array;
    ws();
    if (p_ < e_ && *p_ == ']') { ++p_; return Status::ok(); }
    while (true) {
      v->arr.emplace_back();
      MOE_RETURN_IF_ERROR(value(&v->arr.back(), depth + 1));
      ws();
      if (p_ < e_ && *p_ == ',') { ++p_; continue; }
      if (p_ < e_ && *p_ == ']') { ++p_; return Status::ok(); }
      return err("expected ',' or ']'");
    }
  }
  Status object(Json* v, int depth) {
    ++p_;
    v->type = Json::Object;
    ws();
    if (p_ < e_ && *p_ == '}') { ++p_; return Status::ok(); }
    while (true) {
      ws();
      if (p_ == e_ || *p_ != '"') return err("expected a key string");
      std::string key;
      MOE_RETURN_IF_ERROR(string(&key));
      ws();
      if (p_ == e_ || *p_ != ':') return err("expected ':'");
      ++p_;
      v->obj.emplace_back(std::move(key), Json());
      MOE_RETURN_IF_ERROR(value(&v->obj.back().second, depth + 1));
      ws();
      if (p_ < e_ && *p_ == ',') { ++p_; continue; }
      if (p_ < e_ && *p_ == '}') { ++p_; return Status::ok(); }
      return err("expected ',' or '}'");
    }
  }
  const char* p_;
  const char* b_;
  const char* e_;
};

std::string num(double v) {
  char buf[40];
  std::snprintf(buf, sizeof(buf), "%.17g", v);
  return buf;
}

Status bad(const std::string& where, const std::string& what) {
  return Status::corrupt("schema JSON: " + where + " " + what);
}

Status get_string(const Json& o, const char* key, const std::string& where, std::string* out) {
  const Json* v = o.get(key);
  if (!v || v->type != Json::String) return bad(where, std::string("needs a string \"") + key + "\"");
  *out = v->s;
  return Status::ok();
}

Status get_number(const Json& o, const char* key, const std::string& where, double* out) {
  const Json* v = o.get(key);
  if (!v || v->type != Json::Number) return bad(where, std::string("needs a number \"") + key + "\"");
  *out = v->n;
  return Status::ok();
}

Status get_strings(const Json& o, const char* key, const std::string& where, std::vector<std::string>* out) {
  const Json* v = o.get(key);
  if (!v || v->type != Json::Array) return bad(where, std::string("needs an array of strings \"") + key + "\"");
  out->clear();
  for (const Json& e : v->arr) {
    if (e.type != Json::String) return bad(where, std::string("\"") + key + "\" must hold only strings");
    out->push_back(e.s);
  }
  return Status::ok();
}

}  // namespace

std::string json_quote(const std::string& s) {
  std::string o = "\"";
  for (size_t i = 0; i < s.size(); ++i) {
    unsigned char c = static_cast<unsigned char>(s[i]);
    if (c == '"') o += "\\\"";
    else if (c == '\\') o += "\\\\";
    else if (c == '\n') o += "\\n";
    else if (c == '\r') o += "\\r";
    else if (c == '\t') o += "\\t";
    else if (c < 0x20) {
      char buf[8];
      std::snprintf(buf, sizeof(buf), "\\u%04x", c);
      o += buf;
    } else {
      o.push_back(char(c));
    }
  }
  return o + "\"";
}

std::string schema_to_json(const Schema& s) {
  std::string o = "{\"format\":\"moe-wasm/schema\",\"version\":1,\"task\":";
  o += s.task == Task::Classification ? "\"classification\"" : "\"regression\"";
  o += ",\"target\":" + json_quote(s.target) + ",\"classes\":[";
  for (size_t i = 0; i < s.classes.size(); ++i) o += (i ? "," : "") + json_quote(s.classes[i]);
  o += "],\"columns\":[";
  for (size_t i = 0; i < s.columns.size(); ++i) {
    const SchemaColumn& c = s.columns[i];
    o += (i ? ",{\"name\":" : "{\"name\":") + json_quote(c.name) + ",\"kind\":\"" + to_string(c.kind) + "\"";
    if (c.kind == ColumnKind::Numeric) {
      o += ",\"mean\":" + num(c.mean) + ",\"scale\":" + num(c.scale) + ",\"impute\":" + num(c.impute);
    } else if (c.kind == ColumnKind::Categorical) {
      o += ",\"categories\":[";
      for (size_t k = 0; k < c.categories.size(); ++k) o += (k ? "," : "") + json_quote(c.categories[k]);
      o += "],\"impute\":" + std::to_string(c.impute_category);
    } else if (c.kind == ColumnKind::Ignored) {
      o += ",\"note\":" + json_quote(c.note);
    }
    o += "}";
  }
  o += "],\"featureNames\":[";
  for (size_t i = 0; i < s.feature_names.size(); ++i) o += (i ? "," : "") + json_quote(s.feature_names[i]);
  return o + "]}";
}

Status schema_from_json(const std::string& text, Schema* out) {
  *out = Schema();
  if (text.size() > kMaxSchemaJsonBytes) return Status::corrupt("schema JSON is larger than 64 MiB");
  Json root;
  MOE_RETURN_IF_ERROR(Parser(text).parse(&root));
  if (root.type != Json::Object) return bad("the top level", "must be an object");
  std::string format, task;
  MOE_RETURN_IF_ERROR(get_string(root, "format", "the top level", &format));
  if (format != "moe-wasm/schema") return bad("\"format\"", "is '" + format + "', expected 'moe-wasm/schema'");
  double version;
  MOE_RETURN_IF_ERROR(get_number(root, "version", "the top level", &version));
  if (version != 1) return bad("\"version\"", "is " + num(version) + "; this reader knows version 1");
  MOE_RETURN_IF_ERROR(get_string(root, "task", "the top level", &task));
  if (task == "classification") out->task = Task::Classification;
  else if (task == "regression") out->task = Task::Regression;
  else return bad("\"task\"", "must be 'classification' or 'regression'");
  MOE_RETURN_IF_ERROR(get_string(root, "target", "the top level", &out->target));
  MOE_RETURN_IF_ERROR(get_strings(root, "classes", "the top level", &out->classes));
  if (out->task == Task::Classification && out->classes.size() < 2)
    return bad("\"classes\"", "needs at least two classes for classification");
  const Json* cols = root.get("columns");
  if (!cols || cols->type != Json::Array) return bad("the top level", "needs an array \"columns\"");
  std::unordered_set<std::string> names;
  std::vector<std::string> expect_features;
  int targets = 0;
  for (size_t i = 0; i < cols->arr.size(); ++i) {
    const Json& c = cols->arr[i];
    std::string where = "columns[" + std::to_string(i) + "]";
    if (c.type != Json::Object) return bad(where, "must be an object");
    SchemaColumn sc;
    std::string kind;
    MOE_RETURN_IF_ERROR(get_string(c, "name", where, &sc.name));
    MOE_RETURN_IF_ERROR(get_string(c, "kind", where, &kind));
    if (!names.insert(sc.name).second) return bad(where, "repeats the column name '" + sc.name + "'");
    if (kind == "numeric") {
      sc.kind = ColumnKind::Numeric;
      MOE_RETURN_IF_ERROR(get_number(c, "mean", where, &sc.mean));
      MOE_RETURN_IF_ERROR(get_number(c, "scale", where, &sc.scale));
      MOE_RETURN_IF_ERROR(get_number(c, "impute", where, &sc.impute));
      if (!(sc.scale > 0)) return bad(where, "\"scale\" must be positive");
      expect_features.push_back(sc.name);
    } else if (kind == "categorical") {
      sc.kind = ColumnKind::Categorical;
      MOE_RETURN_IF_ERROR(get_strings(c, "categories", where, &sc.categories));
      double imp;
      MOE_RETURN_IF_ERROR(get_number(c, "impute", where, &imp));
      if (sc.categories.empty()) return bad(where, "\"categories\" is empty");
      if (imp != std::floor(imp) || imp < 0 || imp >= double(sc.categories.size()))
        return bad(where, "\"impute\" must index \"categories\"");
      sc.impute_category = int32_t(imp);
      for (const std::string& k : sc.categories) expect_features.push_back(sc.name + "=" + k);
    } else if (kind == "target") {
      sc.kind = ColumnKind::Target;
      if (sc.name != out->target) return bad(where, "is a target column but \"target\" is '" + out->target + "'");
      ++targets;
    } else if (kind == "ignored") {
      sc.kind = ColumnKind::Ignored;
      const Json* note = c.get("note");
      if (note && note->type == Json::String) sc.note = note->s;
    } else {
      return bad(where, "has unknown kind '" + kind + "'");
    }
    out->columns.push_back(std::move(sc));
  }
  if (targets != 1) return bad("\"columns\"", "must hold exactly one target column");
  MOE_RETURN_IF_ERROR(get_strings(root, "featureNames", "the top level", &out->feature_names));
  if (out->feature_names != expect_features)
    return bad("\"featureNames\"", "does not match the columns (" + std::to_string(out->feature_names.size()) + " vs " +
                                       std::to_string(expect_features.size()) + " features)");
  if (expect_features.empty()) return bad("\"columns\"", "hold no feature column");
  return Status::ok();
}

}  // namespace moe::io
