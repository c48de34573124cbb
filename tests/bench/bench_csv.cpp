// Native CSV ingestion benchmark: MB/s of the core's read_csv (the code Dataset.fromCSV runs in
// wasm) on a file, so the bench can tell the parser's own speed from the wasm/JS overhead around it.
// Usage: bench_csv FILE [--reps N]. Prints one JSON line (median of reps, timed by thread CPU time).
#include <time.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <vector>

#include "moe/dataset.h"

namespace {

double cpu_seconds() {
  timespec ts;
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return ts.tv_sec + 1e-9 * ts.tv_nsec;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: %s FILE [--reps N]\n", argv[0]);
    return 2;
  }
  int reps = 3;
  for (int i = 2; i < argc; i++) {
    if (!std::strcmp(argv[i], "--reps") && i + 1 < argc) reps = std::max(1, std::atoi(argv[++i]));
  }
  FILE* f = std::fopen(argv[1], "rb");
  if (!f) {
    std::fprintf(stderr, "bench_csv: cannot open %s\n", argv[1]);
    return 1;
  }
  std::vector<uint8_t> bytes;
  uint8_t buf[1 << 16];
  size_t got;
  while ((got = std::fread(buf, 1, sizeof buf, f)) > 0) bytes.insert(bytes.end(), buf, buf + got);
  std::fclose(f);
  std::vector<double> seconds;
  long rows = 0, cols = 0;
  for (int r = 0; r < reps; r++) {
    moe::Dataset ds;
    const double t0 = cpu_seconds();
    const moe::Status s = moe::read_csv(bytes.data(), bytes.size(), moe::CsvOptions(), &ds);
    seconds.push_back(cpu_seconds() - t0);
    if (!s.is_ok()) {
      std::fprintf(stderr, "bench_csv: %s\n", s.message().c_str());
      return 1;
    }
    rows = ds.rows;
    cols = ds.num_features;
  }
  std::sort(seconds.begin(), seconds.end());
  const double med = seconds[seconds.size() / 2];
  std::printf("{\"peer\":\"native read_csv\",\"megabytes\":%.3f,\"rows\":%ld,\"columns\":%ld,\"ms\":%.1f,\"mbPerSecond\":%.2f}\n",
              bytes.size() / 1e6, rows, cols, med * 1e3, bytes.size() / 1e6 / med);
  return 0;
}
