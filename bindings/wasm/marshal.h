// Marshalling shared by the Embind files (bindings.cpp, data_bindings.cpp): typed arrays in and out
// as copies, string lists, the { code, name, message } status value, and options read by key or by
// the core's to_string names. No logic lives here.
#pragma once

#include <emscripten/val.h>

#include <cstdint>
#include <initializer_list>
#include <memory>
#include <string>
#include <vector>

#include "base/status.h"

namespace moe_wasm {

using emscripten::val;

// A JS typed array (or array-like) copied into a std::vector; no heap view outlives this call.
template <class T>
std::vector<T> copy_in(const val& array) {
  const size_t n = array["length"].as<size_t>();
  std::vector<T> out(n);
  if (n > 0) val(emscripten::typed_memory_view(n, out.data())).call<void>("set", array);
  return out;
}

// A JS Uint8Array's bytes in a buffer that is not zero-filled first (the copy writes every byte),
// so a large CSV crosses into wasm memory in one pass, not two. *n receives the length.
inline std::unique_ptr<uint8_t[]> copy_in_bytes(const val& array, size_t* n) {
  *n = array["length"].as<size_t>();
  std::unique_ptr<uint8_t[]> out(new uint8_t[*n > 0 ? *n : 1]);
  if (*n > 0) val(emscripten::typed_memory_view(*n, out.get())).call<void>("set", array);
  return out;
}

// A fresh JS typed array holding a copy of n values (the heap may grow before JS reads it).
template <class T>
val copy_out(const T* data, size_t n) {
  return val(emscripten::typed_memory_view(n, data)).call<val>("slice");
}

inline val strings(const std::vector<std::string>& v) {
  val out = val::array();
  for (size_t i = 0; i < v.size(); ++i) out.set(i, v[i]);
  return out;
}

inline val status_val(const moe::Status& s) {
  val out = val::object();
  out.set("code", static_cast<int>(s.code()));
  out.set("name", moe::to_string(s.code()));
  out.set("message", s.message());
  return out;
}

// Sets *out from o[key] when the key is present (an option left out keeps the core's default).
template <class T>
void read(const val& o, const char* key, T* out) {
  const val v = o[key];
  if (!v.isUndefined()) *out = v.as<T>();
}

// The enum whose to_string name is `name`; *out unchanged when none is (TS checked the name).
template <class E>
void enum_from(const std::string& name, std::initializer_list<E> all, E* out) {
  for (E e : all)
    if (name == to_string(e)) *out = e;  // found by argument-dependent lookup (moe:: or moe::io::)
}

// An enum from o[key] by its name in the core's to_string table; absent keeps *out.
template <class E>
void read_enum(const val& o, const char* key, std::initializer_list<E> all, E* out) {
  const val v = o[key];
  if (!v.isUndefined()) enum_from(v.as<std::string>(), all, out);
}

// 'auto' (or empty) -> 0, the reader's "sniff it"; otherwise the one delimiter character.
inline char delimiter_from(const std::string& d) { return d == "auto" || d.empty() ? 0 : d[0]; }

}  // namespace moe_wasm
