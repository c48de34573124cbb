// How many threads the core trains with (the process-wide pool of core/thread_pool.h), for the
// bindings and the CLI. Results do not depend on the count; only the speed does.
#pragma once
#include "base/status.h"
#include "core/thread_pool.h"

namespace moe {

constexpr int kMaxThreads = ThreadPool::kMaxThreads;

// n in [1, kMaxThreads]; a bad n is a Status naming the range. Not while a fit step runs.
Status set_threads(int n);
int threads();

}  // namespace moe
