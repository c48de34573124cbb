// ThreadPool: a job is (task, ctx, units) published under a mutex with a new generation; each
// thread's share of the units is claimed through a 64-bit counter holding (generation, next unit),
// so a worker holding a stale job can never run a unit of the next one. Workers spin briefly for
// the next job, then sleep.
#include "core/thread_pool.h"

#include <chrono>
#include <map>
#include <array>
#include <algorithm>
#include <cstdio>
#include <string>

namespace moe {
namespace {

thread_local int t_worker = -1;  // index of the worker running on this thread inside run(), else -1

// Spin this long for a new job (or for the last units) before sleeping or yielding: long enough
// to bridge the serial parts of a small training step, short enough not to burn an idle core.
constexpr auto kSpin = std::chrono::microseconds(300);

}  // namespace

ThreadPool& ThreadPool::global() {
  static ThreadPool* pool = new ThreadPool;  // never destroyed: workers may outlive static destructors
  return *pool;
}

ThreadPool::~ThreadPool() { stop_workers(); }

void ThreadPool::stop_workers() {
  {
    std::lock_guard<std::mutex> lk(sleep_mutex_);
    quit_.store(true);
  }
  wake_.notify_all();
  for (std::thread& t : workers_) t.join();
  workers_.clear();
  quit_.store(false);
  threads_ = 1;
}

Status ThreadPool::set_threads(int n) {
  if (n < 1 || n > kMaxThreads)
    return Status::invalid("threads must be in [1, " + std::to_string(kMaxThreads) + "], got " + std::to_string(n));
  if (t_worker >= 0) return Status::invalid("threads cannot change while the pool runs a job");
  std::lock_guard<std::mutex> run_lock(run_mutex_);
  if (n == threads_) return Status::ok();
  stop_workers();
  threads_ = n;  // before the workers start: drain() splits every job into threads_ shares
  workers_.reserve(n - 1);
  // Workers start having seen the last job: it ran on the old thread count, and its shares'
  // counters are not exhausted under the new count's split, so a worker must never drain it.
  const uint64_t last = generation_.load();
  for (int w = 1; w < n; w++) workers_.emplace_back([this, w, last] { worker_loop(w, last); });
  return Status::ok();
}

void ThreadPool::drain(uint64_t gen, Task task, void* ctx, int units, int worker) {
  const uint64_t tag = gen << 32;
  const int threads = threads_;
  int finished = 0;  // reported once at the end: one write to done_'s line per thread and job
  for (int k = 0; k < threads; k++) {
    const int t = (worker + k) % threads;  // own share first, then the next threads' rest
    const int end = share_begin(units, threads, t + 1);
    std::atomic<uint64_t>& claim = shares_[t].claim;
    uint64_t v = claim.load(std::memory_order_acquire);
    for (;;) {
      if ((v & ~0xffffffffull) != tag || (int)(v & 0xffffffffull) >= end) break;
      if (!claim.compare_exchange_weak(v, v + 1, std::memory_order_acq_rel)) continue;
      task(ctx, (int)(v & 0xffffffffull), worker);
      finished++;
      v = claim.load(std::memory_order_acquire);
    }
  }
  if (finished > 0) done_.fetch_add(finished, std::memory_order_release);
}

void ThreadPool::worker_loop(int worker, uint64_t seen) {
  t_worker = worker;
  for (;;) {
    const auto t0 = std::chrono::steady_clock::now();
    for (int spins = 0; generation_.load() == seen && !quit_.load(); spins++) {
      if ((spins & 63) != 63 || std::chrono::steady_clock::now() - t0 < kSpin) continue;
      std::unique_lock<std::mutex> lk(sleep_mutex_);
      sleepers_.fetch_add(1);
      wake_.wait(lk, [&] { return generation_.load() != seen || quit_.load(); });
      sleepers_.fetch_sub(1);
    }
    if (quit_.load()) return;
    uint64_t gen;
    Task task;
    void* ctx;
    int units;
    {
      std::lock_guard<std::mutex> lk(job_mutex_);
      gen = generation_.load();
      task = task_;
      ctx = ctx_;
      units = units_;
    }
    seen = gen;
    drain(gen, task, ctx, units, worker);
  }
}

void ThreadPool::set_profiling(bool on) {
  profiling_ = on;
  profile_ = Profile();
}

void ThreadPool::run_profiled(int units, Task task, void* ctx) {
  unit_seconds_.resize(units);
  using clock = std::chrono::steady_clock;
  for (int u = 0; u < units; u++) {
    const auto t0 = clock::now();
    task(ctx, u, 0);
    unit_seconds_[u] = std::chrono::duration<double>(clock::now() - t0).count();
  }
  profile_.jobs++;
  for (int u = 0; u < units; u++) profile_.job_seconds += unit_seconds_[u];
  for (int t = 1; t <= kProfileThreads; t++) {
    // drain() on t threads: the thread free first claims the next unit of its own share, else of
    // the next share with units left.
    double free_at[kProfileThreads] = {};
    int next[kProfileThreads];
    for (int w = 0; w < t; w++) next[w] = share_begin(units, t, w);
    double end = 0;
    for (int left = units; left > 0; left--) {
      int w = 0;
      for (int o = 1; o < t; o++)
        if (free_at[o] < free_at[w]) w = o;
      int from = w;
      while (next[from] >= share_begin(units, t, from + 1)) from = (from + 1) % t;
      free_at[w] += unit_seconds_[next[from]++];
      end = free_at[w] > end ? free_at[w] : end;
    }
    profile_.makespan_seconds[t - 1] += end;
  }
}

void ThreadPool::run_raw(int units, Task task, void* ctx) {
  if (units <= 0) return;
  std::unique_lock<std::mutex> run_lock(run_mutex_, std::try_to_lock);
  if (profiling_ && threads_ == 1 && t_worker < 0 && run_lock.owns_lock()) {
    run_profiled(units, task, ctx);
    return;
  }
  if (threads_ == 1 || units == 1 || t_worker >= 0 || !run_lock.owns_lock()) {
    const int worker = t_worker >= 0 ? t_worker : 0;  // nested: keep the caller's scratch
    for (int u = 0; u < units; u++) task(ctx, u, worker);
    return;
  }
  uint64_t gen;
  {
    std::lock_guard<std::mutex> lk(job_mutex_);
    gen = (generation_.load() + 1) & 0xffffffffull;
    if (gen == 0) gen = 1;  // 0 is the generation before the first job
    task_ = task;
    ctx_ = ctx;
    units_ = units;
    done_.store(0);
    for (int t = 0; t < threads_; t++) shares_[t].claim.store(gen << 32 | (uint64_t)share_begin(units, threads_, t));
    generation_.store(gen);
  }
  if (sleepers_.load() > 0) {
    std::lock_guard<std::mutex> lk(sleep_mutex_);
    wake_.notify_all();
  }
  t_worker = 0;
  drain(gen, task, ctx, units, 0);
  t_worker = -1;
  const auto t0 = std::chrono::steady_clock::now();
  for (int spins = 0; done_.load(std::memory_order_acquire) < units; spins++)
    if ((spins & 63) == 63 && std::chrono::steady_clock::now() - t0 > kSpin) std::this_thread::yield();
}

}  // namespace moe
