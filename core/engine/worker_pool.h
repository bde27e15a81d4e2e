// WorkerPool: threads that take tasks from one priority queue (higher priority first, then
// first-pushed first). Each thread may own per-thread state made by `setup` (a CUDA stream for
// GPU workers) that is passed to every task it runs. Thread-safe; the destructor finishes the
// queued tasks and joins the threads.
#ifndef TESSERA_CORE_ENGINE_WORKER_POOL_H_
#define TESSERA_CORE_ENGINE_WORKER_POOL_H_

#include <condition_variable>
#include <cstdint>
#include <functional>
#include <mutex>
#include <queue>
#include <thread>
#include <vector>

namespace mx {

class WorkerPool {
 public:
  using Task = std::function<void(void* thread_state)>;
  using Setup = std::function<void*()>;
  using Teardown = std::function<void(void*)>;

  WorkerPool(int num_threads, Setup setup = nullptr, Teardown teardown = nullptr);
  ~WorkerPool();
  void Push(Task task, int priority);

 private:
  struct Item {
    int priority;
    uint64_t seq;
    Task task;
    bool operator<(const Item& o) const {
      return priority != o.priority ? priority < o.priority : seq > o.seq;
    }
  };
  void Run(Setup setup, Teardown teardown);

  std::mutex mu_;
  std::condition_variable cv_;
  std::priority_queue<Item> queue_;  // guarded by mu_
  uint64_t next_seq_ = 0;            // guarded by mu_
  bool stop_ = false;                // guarded by mu_
  std::vector<std::thread> threads_;
};

}  // namespace mx

#endif  // TESSERA_CORE_ENGINE_WORKER_POOL_H_
