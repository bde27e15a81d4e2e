// ThreadedEnginePerDevice: the asynchronous engine (see engine.h for the contract). Operations
// become ready through ThreadedVar queues and run on worker pools chosen by context and
// FnProperty: CPU pool (MXNET_CPU_WORKER_NTHREADS threads), a prioritized CPU lane, and per GPU
// one compute worker and one copy worker per direction, each with its own CUDA stream.
// An idle CPU worker, and a thread in WaitForVar, poll for TESSERA_ENGINE_SPIN_US before they
// sleep: a short imperative operation otherwise pays two thread wake-ups (the worker's for the
// push, the waiter's for the result), more than its own run time.
#ifndef TESSERA_CORE_ENGINE_THREADED_ENGINE_H_
#define TESSERA_CORE_ENGINE_THREADED_ENGINE_H_

#include <atomic>
#include <condition_variable>
#include <map>
#include <memory>
#include <mutex>
#include <tuple>
#include <vector>

#include "core/engine/engine.h"
#include "core/engine/threaded_var.h"
#include "core/engine/worker_pool.h"

namespace mx {

class ThreadedEngine : public Engine {
 public:
  ThreadedEngine();
  ~ThreadedEngine() override;

  VarHandle NewVariable() override;
  VarHandle NewResourceVariable() override;
  void PushAsync(AsyncFn fn, Context ctx, std::vector<VarHandle> const_vars,
                 std::vector<VarHandle> mutable_vars, FnProperty prop, int priority,
                 const char* name) override;
  void DeleteVariable(SyncFn on_delete, Context ctx, VarHandle var) override;
  void WaitForVar(VarHandle var) override;
  void WaitForAll() override;
  int64_t PendingOperations() const override { return pending_work_.load(); }
  void Stop() override { stopped_.store(true); }
  std::string Type() const override { return "ThreadedEnginePerDevice"; }

 private:
  void Push(OprBlock* op);
  void Dispatch(OprBlock* op);
  void Execute(OprBlock* op, void* stream);
  void Complete(OprBlock* op, std::exception_ptr error);
  // Drops one owner of `op` (OprBlock::refs); the last deletes it and ends its pending count.
  void Release(OprBlock* op);
  static void OnCompleteStatic(void* engine, void* block, std::exception_ptr error);
  WorkerPool* PoolFor(const OprBlock& op);

  int cpu_workers_;
  int spin_us_;  // TESSERA_ENGINE_SPIN_US
  std::mutex pools_mu_;
  std::map<std::tuple<int, int, int>, std::unique_ptr<WorkerPool>> pools_;  // guarded

  std::atomic<int64_t> pending_{0};       // every block not yet released
  std::atomic<int64_t> pending_work_{0};  // of those, the pushed functions (OprBlock::work)
  std::atomic<bool> stopped_{false};      // Stop(): Dispatch runs every operation inline
  std::mutex finished_mu_;
  std::condition_variable finished_cv_;

  std::mutex errors_mu_;
  std::vector<std::exception_ptr> errors_;  // guarded by errors_mu_
};

}  // namespace mx

#endif  // TESSERA_CORE_ENGINE_THREADED_ENGINE_H_
