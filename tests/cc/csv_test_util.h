// Helpers shared by the CSV tests: read a string through the public facade, look for a warning.
#pragma once
#include <cstdint>
#include <string>

#include "moe/dataset.h"

namespace csv_test {

inline moe::Status read(const std::string& text, moe::Dataset* ds, const moe::CsvOptions& o = moe::CsvOptions()) {
  return moe::read_csv(reinterpret_cast<const uint8_t*>(text.data()), text.size(), o, ds);
}

inline bool has_warning(const moe::Dataset& ds, const std::string& part) {
  for (const auto& w : ds.warnings)
    if (w.find(part) != std::string::npos) return true;
  return false;
}

inline std::string all_warnings(const moe::Dataset& ds) {
  std::string s;
  for (const auto& w : ds.warnings) s += w + "\n";
  return s;
}

}  // namespace csv_test
