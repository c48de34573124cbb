// The facade over the core's thread pool (see threads.h).
#include "moe/threads.h"

#include "core/thread_pool.h"

namespace moe {

Status set_threads(int n) { return ThreadPool::global().set_threads(n); }
int threads() { return ThreadPool::global().threads(); }

}  // namespace moe
