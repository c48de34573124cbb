// ThreadPool: the process-wide persistent pool that runs one training step's independent units
// (experts, fixed row chunks, fixed parameter blocks) on several cores. Threads are created when the
// count changes, never per step. Callers keep results thread-count independent: a unit writes only
// its own outputs and any reduction is summed over the fixed units in order, never per thread.
// Thread t first runs the t-th contiguous share of a job's units, then helps with the others' rest:
// every step puts the same units (the same experts, rows and parameter blocks) on the same core, so
// a small step's data stays in that core's cache instead of moving between cores each job.
#pragma once
#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <thread>
#include <vector>

#include "base/status.h"

namespace moe {

class ThreadPool {
 public:
  static constexpr int kMaxThreads = 64;

  // The pool the core uses (1 thread until set_threads is called).
  static ThreadPool& global();

  ThreadPool() = default;
  ~ThreadPool();
  ThreadPool(const ThreadPool&) = delete;
  ThreadPool& operator=(const ThreadPool&) = delete;

  // Threads that run units, the caller included: n in [1, kMaxThreads]. Joins or starts workers
  // only when n changes. Must not be called from inside run().
  Status set_threads(int n);
  int threads() const { return threads_; }

  // Profiling for the bench's projection to more cores. While on, a 1-thread pool times every unit
  // of every job and adds, per job, how long its units would take on T = 1..kProfileThreads
  // threads scheduled as drain() does (own share first, then the others' rest), without the cost of
  // waking threads. Wall-clock times: measure on an idle machine (another process taking
  // the core mid-unit inflates that unit). Off by default; costs two clock reads per unit when on.
  static constexpr int kProfileThreads = 8;
  struct Profile {
    long jobs = 0;
    double job_seconds = 0;                          // wall time inside jobs
    double makespan_seconds[kProfileThreads] = {};   // [T - 1]: the same jobs on T threads
  };
  void set_profiling(bool on);  // (re)starts from an empty profile
  const Profile& profile() const { return profile_; }

  // Runs fn(unit, worker) for every unit in [0, units) and returns when all are done. worker in
  // [0, threads()) indexes per-thread scratch; which worker runs which unit is not fixed. Nested
  // calls, or calls while another thread uses the pool, run the units inline on the caller.
  template <class Fn>
  void run(int units, Fn&& fn) {
    run_raw(units, [](void* ctx, int unit, int worker) { (*static_cast<Fn*>(ctx))(unit, worker); }, &fn);
  }

 private:
  using Task = void (*)(void* ctx, int unit, int worker);
  void run_raw(int units, Task task, void* ctx);
  void worker_loop(int worker, uint64_t seen);  // seen: the last job published before it started
  // Claims and runs units of job `gen` until none is left (or a newer job replaced it): first from
  // worker's own share, then from the other threads' shares in turn.
  void drain(uint64_t gen, Task task, void* ctx, int units, int worker);
  void stop_workers();

  void run_profiled(int units, Task task, void* ctx);

  int threads_ = 1;
  bool profiling_ = false;
  Profile profile_;
  std::vector<double> unit_seconds_;   // (units,) of the job being profiled
  std::vector<std::thread> workers_;   // (threads_ - 1,)
  std::mutex run_mutex_;               // one job at a time
  // The current job, written and read under job_mutex_; generation_ names it.
  std::mutex job_mutex_;
  Task task_ = nullptr;
  void* ctx_ = nullptr;
  int units_ = 0;
  // Every counter the threads poll or bump has a cache line of its own, so a thread spinning on one
  // does not pull away the line another is claiming units on.
  alignas(64) std::atomic<uint64_t> generation_{0};
  alignas(64) std::atomic<int> done_{0};           // units of the current job finished
  alignas(64) std::atomic<bool> quit_{false};
  // Thread t's share of the job: units [share_begin(t), share_begin(t + 1)); its claim holds
  // (generation << 32) | next unclaimed unit of it.
  struct alignas(64) Share {
    std::atomic<uint64_t> claim{0};
  };
  Share shares_[kMaxThreads];
  // Sleeping workers wait here after spinning a while without a new job.
  std::mutex sleep_mutex_;
  std::condition_variable wake_;
  std::atomic<int> sleepers_{0};
};

// Thread t's first unit when `units` units are split into `threads` contiguous shares.
inline int share_begin(int units, int threads, int t) { return (int)((long)units * t / threads); }

// Fixed-size chunks of [0, n): chunk c covers [c * size, min(n, (c + 1) * size)).
inline int chunk_count(long n, long size) { return n <= 0 ? 0 : (int)((n + size - 1) / size); }

}  // namespace moe
