// WorkerPool: threads that take tasks from one priority queue (higher priority first, then
// first-pushed first). Each thread may own per-thread state made by `setup` (a CUDA stream for
// GPU workers) that is passed to every task it runs. A thread that finds the queue empty may
// poll it for a while before it sleeps (`spin_us`), so a task pushed soon after starts without
// a wake-up. Thread-safe; the destructor finishes the queued tasks and joins the threads.
#ifndef TESSERA_CORE_ENGINE_WORKER_POOL_H_
#define TESSERA_CORE_ENGINE_WORKER_POOL_H_

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <mutex>
#include <queue>
#include <thread>
#include <vector>

namespace mx {

// Polls `ready` (yielding the core between polls) for at most `us` microseconds; whether it
// became true.
template <typename F>
bool SpinUntil(int us, F ready) {
  if (us <= 0) return ready();
  auto until = std::chrono::steady_clock::now() + std::chrono::microseconds(us);
  while (!ready()) {
    if (std::chrono::steady_clock::now() > until) return false;
    std::this_thread::yield();
  }
  return true;
}

// Whether the calling thread is a thread of some WorkerPool.
bool InWorkerThread();

class WorkerPool {
 public:
  using Task = std::function<void(void* thread_state)>;
  using Setup = std::function<void*()>;
  using Teardown = std::function<void(void*)>;

  // `spin_us`: an idle thread polls the queue this long before it sleeps.
  WorkerPool(int num_threads, Setup setup = nullptr, Teardown teardown = nullptr, int spin_us = 0);
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

  const int spin_us_;
  std::atomic<int64_t> queued_{0};  // tasks in queue_, for threads polling without mu_
  std::mutex mu_;
  std::condition_variable cv_;
  std::priority_queue<Item> queue_;  // guarded by mu_
  uint64_t next_seq_ = 0;            // guarded by mu_
  std::atomic<bool> stop_{false};    // set under mu_; polling threads also read it without
  std::vector<std::thread> threads_;
};

}  // namespace mx

#endif  // TESSERA_CORE_ENGINE_WORKER_POOL_H_
