// Native training benchmark: samples/s of the seed workload (E=5, experts [64,32], gate [32],
// D=16, C=26, batch 32, Adam) on the letter data (read through Rscript from Debian's r-cran-mlbench
// when present, else synthetic), and W2 (E=16, [256,256], gate [64], batch 256) dense vs top-2.
// Usage: bench_train [--epochs N] [--w2-rows N] [--synthetic] [--threads N] [--data DIR [--json] [--heavy-epochs N] [--only w1|w2|w3] [--profile]]. Prints medians over
// epochs; with --data it trains on the prepared split of tests/bench/prepare-data.mjs (the data every
// peer of `npm run bench` sees) and --json prints one JSON line per workload for tests/bench/run.mjs.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <string>
#include <vector>

#include "core/rng.h"
#include "core/thread_pool.h"
#include "moe/api.h"
#include "moe/threads.h"
#include "moe/dataset.h"

namespace {

using moe::Status;

const char* kLetterRda = "/usr/lib/R/site-library/mlbench/data/LetterRecognition.rda";

struct Data {
  std::vector<float> x;        // (n, 16)
  std::vector<int32_t> y;      // (n,)
  long n = 0;
  int classes = 26;
  std::string source;
};

// The letter data (20,000 rows, 16 integer features, 26 classes) as CSV through Rscript, first 16,000 rows.
bool load_letter(Data* d) {
  FILE* f = std::fopen(kLetterRda, "rb");
  if (!f) {
    std::printf("note: %s not found (install Debian's r-cran-mlbench); using synthetic data\n", kLetterRda);
    return false;
  }
  std::fclose(f);
  FILE* p = popen("Rscript -e 'data(LetterRecognition, package=\"mlbench\"); "
                  "write.csv(LetterRecognition[, c(2:17, 1)], stdout(), row.names=FALSE)' 2>/dev/null", "r");
  if (!p) return false;
  std::string text;
  char buf[65536];
  size_t got;
  while ((got = std::fread(buf, 1, sizeof buf, p)) > 0) text.append(buf, got);
  if (pclose(p) != 0 || text.empty()) {
    std::printf("note: Rscript could not export LetterRecognition; using synthetic data\n");
    return false;
  }
  moe::CsvOptions o;
  o.target = "lettr";
  o.task = moe::TaskOption::Classification;
  moe::Dataset ds;
  Status s = moe::read_csv(reinterpret_cast<const uint8_t*>(text.data()), text.size(), o, &ds);
  if (!s.is_ok() || ds.num_features != 16) {
    std::printf("note: letter CSV not usable (%s); using synthetic data\n", s.message().c_str());
    return false;
  }
  d->n = std::min<long>(16000, ds.rows);
  d->x.assign(ds.features.begin(), ds.features.begin() + d->n * 16);
  d->y.assign(ds.class_ids.begin(), ds.class_ids.begin() + d->n);
  d->classes = int(ds.classes.size());
  d->source = "letter (r-cran-mlbench), standardised";
  return true;
}

// The split every bench peer reads (tests/bench/prepare-data.mjs): raw little-endian arrays.
template <class T>
bool read_raw(const std::string& path, std::vector<T>* out) {
  FILE* f = std::fopen(path.c_str(), "rb");
  if (!f) return false;
  std::fseek(f, 0, SEEK_END);
  const long bytes = std::ftell(f);
  std::fseek(f, 0, SEEK_SET);
  out->resize(std::size_t(bytes) / sizeof(T));
  const bool ok = std::fread(out->data(), sizeof(T), out->size(), f) == out->size();
  std::fclose(f);
  return ok;
}

bool load_prepared(const std::string& dir, Data* d, Data* test) {
  if (!read_raw(dir + "/letter-xtrain.f32", &d->x) || !read_raw(dir + "/letter-ytrain.i32", &d->y) ||
      !read_raw(dir + "/letter-xtest.f32", &test->x) || !read_raw(dir + "/letter-ytest.i32", &test->y)) {
    std::fprintf(stderr, "bench_train: cannot read the prepared split in %s (run tests/bench/prepare-data.mjs)\n",
                 dir.c_str());
    return false;
  }
  d->n = long(d->y.size());
  test->n = long(test->y.size());
  if (d->x.size() != std::size_t(d->n) * 16 || test->x.size() != std::size_t(test->n) * 16) {
    std::fprintf(stderr, "bench_train: %s is not a 16-feature split\n", dir.c_str());
    return false;
  }
  d->source = test->source = "letter, prepared split of tests/bench/prepare-data.mjs";
  return true;
}

// Synthetic stand-in: 26 Gaussian class centres in 16 dimensions, unit noise.
void make_synthetic(Data* d, long n) {
  moe::Rng rng(11);
  std::vector<float> centres(26 * 16);
  for (auto& c : centres) c = rng.normal() * 1.5f;
  d->n = n;
  d->x.resize(n * 16);
  d->y.resize(n);
  for (long r = 0; r < n; r++) {
    const int c = int(rng.below(26));
    d->y[r] = c;
    for (int j = 0; j < 16; j++) d->x[r * 16 + j] = centres[c * 16 + j] + rng.normal();
  }
  d->source = "synthetic (26 Gaussian blobs, 16 features)";
}

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  const size_t n = v.size();
  return n % 2 ? v[n / 2] : 0.5 * (v[n / 2 - 1] + v[n / 2]);
}

struct Result {
  double median_s = 0, samples_per_s = 0, last_loss = 0, last_acc = 0;
  double test_acc = -1;                // on `test` when given
  std::vector<double> epoch_samples_per_s;
  // --profile (1 thread): share of the fit's time outside the pool's parallel jobs, and the fit's
  // projected speed-up on T threads from the units' measured times ([T - 1], T = 1..8).
  double serial_fraction = -1;
  double projected_speedup[moe::ThreadPool::kProfileThreads] = {};
  bool ok = false;
};

bool g_profile = false;

Result time_epochs(const moe::ModelConfig& cfg, const Data& d, long rows, int batch, int epochs,
                   const Data* test = nullptr) {
  Result res;
  moe::ThreadPool& pool = moe::ThreadPool::global();
  const bool profile = g_profile && pool.threads() == 1;
  std::unique_ptr<moe::MoeModel> m;
  Status s = moe::MoeModel::create(cfg, &m);
  if (!s.is_ok()) { std::printf("  create failed: %s\n", s.message().c_str()); return res; }
  moe::DataView v;
  v.x = d.x.data();
  v.classes = d.y.data();
  v.rows = rows;
  moe::FitOptions o;
  o.epochs = epochs;
  o.batch_size = batch;
  s = m->begin_fit(v, nullptr, o);
  if (!s.is_ok()) { std::printf("  begin_fit failed: %s\n", s.message().c_str()); return res; }
  std::vector<double> times;
  moe::ChunkResult r;
  if (profile) pool.set_profiling(true);
  do {
    const auto t0 = std::chrono::steady_clock::now();
    s = m->fit_run(1 << 30, &r);  // one epoch per call (a chunk ends with its epoch)
    const auto t1 = std::chrono::steady_clock::now();
    if (!s.is_ok()) { std::printf("  fit failed: %s\n", s.message().c_str()); return res; }
    times.push_back(std::chrono::duration<double>(t1 - t0).count());
    res.epoch_samples_per_s.push_back(double(rows) / times.back());
    res.last_loss = r.epoch.train.loss;
    res.last_acc = r.epoch.train.accuracy;
  } while (!r.finished);
  if (profile) {
    double total = 0;  // the whole fit, first epoch included (the profile covers it too)
    for (double t : times) total += t;
    const moe::ThreadPool::Profile& p = pool.profile();
    res.serial_fraction = 1.0 - p.job_seconds / total;
    for (int t = 0; t < moe::ThreadPool::kProfileThreads; t++)
      res.projected_speedup[t] = total / (total - p.job_seconds + p.makespan_seconds[t]);
    pool.set_profiling(false);
  }
  m->end_fit(nullptr);
  if (test) {
    moe::Metrics mt;
    if (m->evaluate(test->x.data(), test->y.data(), nullptr, test->n, &mt).is_ok()) res.test_acc = mt.accuracy;
  }
  // Epochs 2..N when there are several: the first pays for warming caches and allocations.
  if (times.size() > 1) times.erase(times.begin());
  res.median_s = median(times);
  res.samples_per_s = double(rows) / res.median_s;
  res.ok = true;
  return res;
}

void print_json(const char* workload, long rows, int epochs, const Result& r, double flops_per_sample) {
  std::printf("{\"peer\":\"native\",\"workload\":\"%s\",\"epochs\":%d,\"rows\":%ld,\"samplesPerSecond\":[", workload,
              epochs, rows);
  for (std::size_t i = 0; i < r.epoch_samples_per_s.size(); i++)
    std::printf("%s%.3f", i ? "," : "", r.epoch_samples_per_s[i]);
  std::printf("],\"accuracy\":%.5f,\"flopsPerSample\":%.0f", r.test_acc, flops_per_sample);
  if (r.serial_fraction >= 0)
    std::printf(",\"serialFraction\":%.4f,\"projectedSpeedup\":{\"2\":%.3f,\"4\":%.3f,\"8\":%.3f}", r.serial_fraction,
                r.projected_speedup[1], r.projected_speedup[3], r.projected_speedup[7]);
  std::printf("}\n");
}

// The bench peer: W1 on all training rows, W2 (dense) and W3 (noisy top-2) on the first w2_rows,
// same configs as tests/bench/workloads.mjs and peer-moe.mjs (Adam 1e-3, seed 1).
int run_prepared(const std::string& dir, int epochs, int heavy_epochs, long w2_rows, bool json, const std::string& only) {
  Data d, test;
  if (!load_prepared(dir, &d, &test)) return 1;
  moe::ModelConfig w1;
  w1.input_dim = 16;
  w1.output_dim = 26;
  w1.experts = 5;
  w1.expert_hidden = {64, 32};
  w1.gate_hidden = {32};
  w1.load_balance = 0;
  w1.seed = 1;
  moe::ModelConfig w2 = w1;
  w2.experts = 16;
  w2.expert_hidden = {256, 256};
  w2.gate_hidden = {64};
  moe::ModelConfig w3 = w2;
  w3.gating.type = moe::GatingType::TopK;
  w3.gating.k = 2;
  w3.gating.noise = true;
  w3.load_balance = 0.01f;
  const long heavy_rows = std::min(w2_rows, d.n);
  struct Case { const char* name; const moe::ModelConfig* cfg; long rows; int batch, epochs; };
  const Case cases[] = {{"w1", &w1, d.n, 32, epochs},
                        {"w2", &w2, heavy_rows, 256, heavy_epochs},
                        {"w3", &w3, heavy_rows, 256, heavy_epochs}};
  for (const Case& c : cases) {
    if (!only.empty() && only != c.name) continue;
    const Result r = time_epochs(*c.cfg, d, c.rows, c.batch, c.epochs, &test);
    if (!r.ok) return 1;
    std::unique_ptr<moe::MoeModel> m;
    double flops = 0;
    if (moe::MoeModel::create(*c.cfg, &m).is_ok()) flops = m->summary().flops_per_sample;
    if (json) print_json(c.name, c.rows, c.epochs, r, flops);
    else std::printf("%s: %.0f samples/s (median of epochs 2..%d), test accuracy %.3f\n", c.name, r.samples_per_s,
                     c.epochs, r.test_acc);
    if (!json && r.serial_fraction >= 0)
      std::printf("  serial fraction %.1f%%; projected speed-up on 2/4/8 threads %.2fx / %.2fx / %.2fx\n",
                  100 * r.serial_fraction, r.projected_speedup[1], r.projected_speedup[3], r.projected_speedup[7]);
  }
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  int epochs = 5;
  long w2_rows = 16000;
  int heavy_epochs = 3;
  bool synthetic = false, json = false;
  std::string data_dir, only;
  for (int i = 1; i < argc; i++) {
    if (!std::strcmp(argv[i], "--epochs") && i + 1 < argc) epochs = std::max(1, std::atoi(argv[++i]));
    else if (!std::strcmp(argv[i], "--w2-rows") && i + 1 < argc) w2_rows = std::max(256L, std::atol(argv[++i]));
    else if (!std::strcmp(argv[i], "--synthetic")) synthetic = true;
    else if (!std::strcmp(argv[i], "--data") && i + 1 < argc) data_dir = argv[++i];
    else if (!std::strcmp(argv[i], "--json")) json = true;
    else if (!std::strcmp(argv[i], "--only") && i + 1 < argc) only = argv[++i];
    else if (!std::strcmp(argv[i], "--profile")) g_profile = true;
    else if (!std::strcmp(argv[i], "--heavy-epochs") && i + 1 < argc) heavy_epochs = std::max(1, std::atoi(argv[++i]));
    else if (!std::strcmp(argv[i], "--threads") && i + 1 < argc) {
      const moe::Status st = moe::set_threads(std::atoi(argv[++i]));
      if (!st.is_ok()) { std::fprintf(stderr, "bench_train: %s\n", st.message().c_str()); return 2; }
    } else {
      std::fprintf(stderr, "usage: %s [--epochs N] [--w2-rows N] [--synthetic] [--threads N] [--data DIR [--json] [--heavy-epochs N] [--only w1|w2|w3] [--profile]]\n",
                   argv[0]);
      return 2;
    }
  }
  if (json && data_dir.empty()) { std::fprintf(stderr, "bench_train: --json needs --data DIR\n"); return 2; }
  if (!data_dir.empty()) return run_prepared(data_dir, epochs, heavy_epochs, w2_rows, json, only);
  Data d;
  if (synthetic || !load_letter(&d)) make_synthetic(&d, 16000);
  std::printf("data: %s, %ld rows\n", d.source.c_str(), d.n);

  moe::ModelConfig seed;
  seed.input_dim = 16;
  seed.output_dim = d.classes;
  seed.experts = 5;
  seed.expert_hidden = {64, 32};
  seed.gate_hidden = {32};
  Result w1 = time_epochs(seed, d, d.n, 32, epochs);
  if (!w1.ok) return 1;
  std::printf("W1 seed (E=5, [64,32], gate [32], batch 32, Adam): median epoch %.3f s over %d epochs = %.0f samples/s"
              " (last epoch loss %.4f, accuracy %.3f)\n",
              w1.median_s, epochs, w1.samples_per_s, w1.last_loss, w1.last_acc);

  moe::ModelConfig w2 = seed;
  w2.experts = 16;
  w2.expert_hidden = {256, 256};
  w2.gate_hidden = {64};
  const long rows = std::min(w2_rows, d.n);
  const int w2_epochs = std::max(1, std::min(epochs, 3));
  Result dense = time_epochs(w2, d, rows, 256, w2_epochs);
  w2.gating.type = moe::GatingType::TopK;
  w2.gating.k = 2;
  Result top2 = time_epochs(w2, d, rows, 256, w2_epochs);
  if (!dense.ok || !top2.ok) return 1;
  std::printf("W2 (E=16, [256,256], gate [64], batch 256, %ld rows, %d epochs):\n", rows, w2_epochs);
  std::printf("  dense softmax gate: median epoch %.3f s = %.0f samples/s\n", dense.median_s, dense.samples_per_s);
  std::printf("  noisy top-2 gate:   median epoch %.3f s = %.0f samples/s\n", top2.median_s, top2.samples_per_s);
  std::printf("  time ratio dense / top-2 = %.2fx\n", dense.median_s / top2.median_s);
  return 0;
}
