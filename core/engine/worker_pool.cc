#include "core/engine/worker_pool.h"

namespace mx {
namespace {

thread_local bool tls_worker = false;

}  // namespace

bool InWorkerThread() { return tls_worker; }

WorkerPool::WorkerPool(int num_threads, Setup setup, Teardown teardown, int spin_us)
    : spin_us_(spin_us) {
  for (int i = 0; i < num_threads; ++i) threads_.emplace_back([=] { Run(setup, teardown); });
}

WorkerPool::~WorkerPool() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stop_ = true;
  }
  cv_.notify_all();
  for (auto& t : threads_) t.join();
}

void WorkerPool::Push(Task task, int priority) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    queue_.push(Item{priority, next_seq_++, std::move(task)});
    queued_.fetch_add(1, std::memory_order_release);
  }
  cv_.notify_one();
}

void WorkerPool::Run(Setup setup, Teardown teardown) {
  tls_worker = true;
  void* state = setup ? setup() : nullptr;
  for (;;) {
    Task task;
    SpinUntil(spin_us_, [&] {
      return queued_.load(std::memory_order_acquire) > 0 || stop_.load(std::memory_order_acquire);
    });
    {
      std::unique_lock<std::mutex> lock(mu_);
      cv_.wait(lock, [&] { return stop_ || !queue_.empty(); });
      if (queue_.empty()) break;  // stop_ and drained
      task = std::move(const_cast<Item&>(queue_.top()).task);
      queue_.pop();
      queued_.fetch_sub(1, std::memory_order_relaxed);
    }
    task(state);
  }
  if (teardown) teardown(state);
}

}  // namespace mx
