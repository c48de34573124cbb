// libFuzzer target for the CSV reader: the bytes go through read_csv whole and through CsvStream in
// chunks whose sizes come from the input, and the two must agree; the schema JSON produced must
// parse back and re-apply. Built by scripts/fuzz.sh csv (clang-14, ASan + UBSan), not by CMake.
#include <cstdint>
#include <cstdlib>
#include <string>

#include "io/schema_json.h"
#include "moe/dataset.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size > (1 << 20)) return 0;
  moe::CsvOptions opt;
  // The first byte (if any) also picks the options, so they are explored too.
  if (size > 0) {
    uint8_t o = data[0];
    opt.header = (o & 3) == 1 ? moe::HeaderOption::Yes : (o & 3) == 2 ? moe::HeaderOption::No : moe::HeaderOption::Auto;
    opt.task = ((o >> 2) & 3) == 1 ? moe::TaskOption::Classification
             : ((o >> 2) & 3) == 2 ? moe::TaskOption::Regression : moe::TaskOption::Auto;
    if (o & 16) opt.delimiter = ';';
    if (o & 32) opt.target_index = 0;
  }
  moe::Dataset whole;
  moe::Status s = moe::read_csv(data, size, opt, &whole);

  moe::CsvStream stream(opt);
  moe::Status t;
  size_t chunk = size > 0 ? 1 + data[size - 1] % 17 : 1;
  for (size_t i = 0; i < size && t.is_ok(); i += chunk) t = stream.feed(data + i, size - i < chunk ? size - i : chunk);
  moe::Dataset chunked;
  if (t.is_ok()) t = stream.finish(&chunked);
  if (s.is_ok() != t.is_ok() || s.message() != t.message()) std::abort();
  if (!s.is_ok()) {
    if (s.message().empty()) std::abort();
    return 0;
  }
  if (whole.features != chunked.features || whole.schema_json != chunked.schema_json) std::abort();
  if (whole.features.size() != size_t(whole.rows) * size_t(whole.num_features)) std::abort();
  for (float v : whole.features)
    if (!(v == v) || v > 3.5e38f || v < -3.5e38f) std::abort();

  moe::Schema back;
  if (!moe::io::schema_from_json(whole.schema_json, &back).is_ok()) std::abort();
  if (moe::io::schema_to_json(back) != whole.schema_json) std::abort();
  moe::CsvOptions again;
  again.schema_json = whole.schema_json;
  moe::Dataset re;
  moe::Status r = moe::read_csv(data, size, again, &re);
  // Re-applying the fitted schema to the same bytes may only fail where options differed
  // (header/delimiter forced); when it succeeds the encoding must be the same.
  if (r.is_ok() && opt.header == moe::HeaderOption::Auto && opt.delimiter == 0 && opt.target_index < 0 &&
      re.features != whole.features)
    std::abort();
  return 0;
}
