// Thread-count independence: the same seed and data give bit-identical weights, losses and
// predictions with 1, 2, 3 and 8 threads (dense and top-k gating, classification and regression,
// Adam with clipping), and the pool itself runs every unit exactly once, nested calls included.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <cstring>
#include <vector>

#include "core/rng.h"
#include "core/thread_pool.h"
#include "moe/api.h"
#include "moe/threads.h"

namespace moe {
namespace {

struct Data {
  std::vector<float> x;        // (n, D)
  std::vector<int32_t> cls;    // (n,)
  std::vector<float> y;        // (n, C)
};

constexpr int kD = 7, kC = 3, kRows = 300;

Data make_data(uint64_t seed) {
  Data d;
  Rng rng(seed);
  d.x.resize(kRows * kD);
  d.cls.resize(kRows);
  d.y.resize(kRows * kC);
  for (int r = 0; r < kRows; r++) {
    float* x = &d.x[r * kD];
    for (int j = 0; j < kD; j++) x[j] = rng.uniform(-1.0f, 1.0f);
    d.cls[r] = x[0] < -0.3f ? 0 : (x[1] > 0 ? 1 : 2);
    for (int c = 0; c < kC; c++) d.y[r * kC + c] = x[c] * x[c + 1] - 0.5f * x[c + 2] + 0.1f * c;
  }
  return d;
}

ModelConfig config(Task task, bool topk) {
  ModelConfig c;
  c.input_dim = kD;
  c.output_dim = kC;
  c.task = task;
  c.experts = 6;
  c.expert_hidden = {24, 12};
  c.gate_hidden = {10};
  if (topk) {
    c.gating.type = GatingType::TopK;
    c.gating.k = 2;
    c.z_loss = 0.001f;
  }
  c.optimizer.learning_rate = 0.01f;
  c.optimizer.clip_norm = 0.5f;  // the global norm is a reduction: clipping makes its bits matter
  c.seed = 11;
  return c;
}

struct Outcome {
  std::vector<float> weights;      // (P,)
  std::vector<double> losses;      // per batch
  std::vector<float> predictions;  // (kRows, kC)
};

Outcome train(int threads, Task task, bool topk) {
  EXPECT_TRUE(set_threads(threads).is_ok());
  const Data d = make_data(3);
  std::unique_ptr<MoeModel> m;
  EXPECT_TRUE(MoeModel::create(config(task, topk), &m).is_ok());
  DataView v;
  v.x = d.x.data();
  v.rows = kRows;
  if (task == Task::Classification) v.classes = d.cls.data();
  else v.values = d.y.data();
  FitOptions o;
  o.epochs = 3;
  o.batch_size = 40;  // 300 rows: a short last batch too
  Outcome out;
  EXPECT_TRUE(m->begin_fit(v, nullptr, o).is_ok());
  for (int guard = 0; guard < 1000; guard++) {
    ChunkResult r;
    Status s = m->fit_run(4, &r);
    EXPECT_TRUE(s.is_ok()) << s.message();
    for (const BatchLogs& b : r.batches) out.losses.push_back(b.batch_loss);
    if (!s.is_ok() || r.finished) break;
  }
  EXPECT_TRUE(m->end_fit(nullptr).is_ok());
  const Model* net = m->model();
  out.weights.assign(net->params(), net->params() + net->num_params());
  out.predictions.resize(kRows * kC);
  EXPECT_TRUE(m->predict(d.x.data(), kRows, out.predictions.data()).is_ok());
  return out;
}

bool same_bits(const std::vector<float>& a, const std::vector<float>& b) {
  return a.size() == b.size() && std::memcmp(a.data(), b.data(), sizeof(float) * a.size()) == 0;
}

class ThreadCounts : public ::testing::TestWithParam<std::tuple<Task, bool>> {
 protected:
  void TearDown() override { ASSERT_TRUE(set_threads(1).is_ok()); }
};

TEST_P(ThreadCounts, WeightsLossesAndPredictionsAreBitIdentical) {
  const auto [task, topk] = GetParam();
  const Outcome one = train(1, task, topk);
  ASSERT_EQ(threads(), 1);
  ASSERT_FALSE(one.losses.empty());
  for (int n : {2, 3, 8}) {
    const Outcome many = train(n, task, topk);
    EXPECT_EQ(threads(), n);
    EXPECT_TRUE(same_bits(one.weights, many.weights)) << n << " threads changed the weights";
    EXPECT_EQ(one.losses, many.losses) << n << " threads changed the batch losses";
    EXPECT_TRUE(same_bits(one.predictions, many.predictions)) << n << " threads changed the predictions";
  }
  // The training moved the weights (a test that compares untouched initial weights proves nothing).
  std::unique_ptr<MoeModel> fresh;
  ASSERT_TRUE(MoeModel::create(config(task, topk), &fresh).is_ok());
  const Model* f = fresh->model();
  EXPECT_FALSE(same_bits(one.weights, std::vector<float>(f->params(), f->params() + f->num_params())));
}

INSTANTIATE_TEST_SUITE_P(TasksAndGates, ThreadCounts,
                         ::testing::Combine(::testing::Values(Task::Classification, Task::Regression),
                                            ::testing::Bool()));

TEST(ThreadPool, RunsEveryUnitOnceIncludingNestedCalls) {
  ThreadPool pool;
  ASSERT_TRUE(pool.set_threads(4).is_ok());
  for (int rep = 0; rep < 200; rep++) {
    std::vector<std::atomic<int>> hits(37);
    std::atomic<int> bad_worker{0};
    pool.run(37, [&](int u, int w) {
      if (w < 0 || w >= 4) bad_worker++;
      hits[u]++;
      if (u == 5) pool.run(3, [&](int, int w2) { if (w2 != w) bad_worker++; });  // inline, same worker
    });
    for (int u = 0; u < 37; u++) ASSERT_EQ(hits[u].load(), 1) << "unit " << u << " rep " << rep;
    ASSERT_EQ(bad_worker.load(), 0);
  }
}

// Unit 0 waits for unit 1, which only another thread can run: proof that the units do run in
// parallel (a pool that ran everything on the caller would time out here).
TEST(ThreadPool, RunsUnitsOnOtherThreads) {
  ThreadPool pool;
  ASSERT_TRUE(pool.set_threads(2).is_ok());
  std::atomic<bool> second_done{false};
  std::atomic<bool> timed_out{false};
  pool.run(2, [&](int u, int) {
    if (u == 1) {
      second_done = true;
      return;
    }
    const auto t0 = std::chrono::steady_clock::now();
    while (!second_done)
      if (std::chrono::steady_clock::now() - t0 > std::chrono::seconds(20)) {
        timed_out = true;
        return;
      }
  });
  EXPECT_FALSE(timed_out.load()) << "unit 1 never ran while unit 0 was busy";
}

TEST(ThreadPool, ResizesAndRejectsBadCounts) {
  ThreadPool pool;
  EXPECT_EQ(pool.threads(), 1);
  EXPECT_FALSE(pool.set_threads(0).is_ok());
  EXPECT_FALSE(pool.set_threads(ThreadPool::kMaxThreads + 1).is_ok());
  EXPECT_NE(pool.set_threads(0).message().find("threads must be in [1, 64]"), std::string::npos);
  for (int n : {3, 1, 8, 2}) {
    ASSERT_TRUE(pool.set_threads(n).is_ok());
    EXPECT_EQ(pool.threads(), n);
    std::atomic<long> sum{0};
    pool.run(1000, [&](int u, int) { sum += u; });
    EXPECT_EQ(sum.load(), 999L * 1000 / 2);
  }
}

// The bench's projection: a 1-thread pool with profiling on times each unit and schedules the
// units on 1..8 virtual threads. One thread takes the sum; more threads never take longer, never
// less than the sum over the threads, and with at least as many threads as units each unit gets
// its own (so 4 units on 4..8 threads all take the longest unit).
TEST(ThreadPool, ProfileProjectsJobsOntoMoreThreads) {
  ThreadPool pool;
  pool.set_profiling(true);
  std::atomic<long> sink{0};
  for (int job = 0; job < 3; job++)
    pool.run(4, [&](int u, int) {
      long acc = 0;
      for (long i = 0; i < 200000L * (u + 1); i++) acc += i ^ u;  // unit u does (u + 1) parts of work
      sink += acc;
    });
  const ThreadPool::Profile& p = pool.profile();
  EXPECT_EQ(p.jobs, 3);
  EXPECT_GT(p.job_seconds, 0);
  EXPECT_DOUBLE_EQ(p.makespan_seconds[0], p.job_seconds);  // the same times, summed in another order
  for (int t = 2; t <= ThreadPool::kProfileThreads; t++) {
    EXPECT_LE(p.makespan_seconds[t - 1], p.makespan_seconds[t - 2]) << t << " threads";
    EXPECT_GE(p.makespan_seconds[t - 1] * t, p.job_seconds * (1 - 1e-12)) << t << " threads";
  }
  for (int t = 5; t <= ThreadPool::kProfileThreads; t++)
    EXPECT_EQ(p.makespan_seconds[t - 1], p.makespan_seconds[3]) << t << " threads";
  pool.set_profiling(false);
  EXPECT_EQ(pool.profile().jobs, 0);
  pool.run(4, [&](int, int) {});
  EXPECT_EQ(pool.profile().jobs, 0) << "jobs are profiled only while profiling is on";
}

}  // namespace
}  // namespace moe
