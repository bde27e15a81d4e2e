// ThreadedVar: the per-variable dependency queue of the threaded engine (MXNet's ThreadedVar).
// Reads run concurrently; a write runs alone; operations are granted in push order. An
// operation waiting for several vars holds one count per var not yet granted (OprBlock::wait).
// All methods lock the var's mutex; none of them runs user code.
#ifndef TESSERA_CORE_ENGINE_THREADED_VAR_H_
#define TESSERA_CORE_ENGINE_THREADED_VAR_H_

#include <atomic>
#include <deque>
#include <exception>
#include <mutex>
#include <string>
#include <vector>

#include "core/engine/engine.h"

namespace mx {

class ThreadedVar;

// One pushed operation.
struct OprBlock {
  Engine::AsyncFn fn;
  Context ctx;
  FnProperty prop = FnProperty::kNormal;
  int priority = 0;
  const char* name = nullptr;
  std::vector<ThreadedVar*> const_vars;
  std::vector<ThreadedVar*> mutable_vars;
  std::atomic<int> wait{0};
  // Owners: the completion, and Execute while `fn` runs. An asynchronous fn may hand its
  // callback to another thread that completes the operation before fn returns; fn (and what
  // it captured) must outlive that call, so the block goes when both are done (Release).
  std::atomic<int> refs{1};
  bool skip_on_error = true;  // false for engine-internal waits and deletes
  bool run_inline = false;    // run in the thread that grants it (engine-internal, trivial fns)
  bool work = false;          // pushed by PushAsync (PendingOperations counts it)
};

class Var {
 public:
  virtual ~Var() = default;
};

class ThreadedVar : public Var {
 public:
  // A resource var never stores an error (Engine::NewResourceVariable).
  explicit ThreadedVar(bool resource = false) : resource_(resource) {}
  bool resource() const { return resource_; }
  // Returns true when the read is granted at once; otherwise it is queued.
  bool AppendRead(OprBlock* op);
  bool AppendWrite(OprBlock* op);
  // Release a granted read/write; appends the operations that become granted to `ready`.
  // CompleteWrite returns true when the var was marked for deletion and must be deleted.
  void CompleteRead(std::vector<OprBlock*>* ready);
  bool CompleteWrite(std::vector<OprBlock*>* ready);
  void MarkForDeletion();

  std::exception_ptr exception() {
    std::lock_guard<std::mutex> lock(mu_);
    return exception_;
  }
  void set_exception(std::exception_ptr e) {
    std::lock_guard<std::mutex> lock(mu_);
    exception_ = e;
  }

 private:
  struct Pending {
    OprBlock* op;
    bool write;
  };
  std::mutex mu_;
  int num_reads_ = 0;             // granted reads not yet complete; guarded by mu_
  bool write_granted_ = false;    // guarded by mu_
  std::deque<Pending> queue_;     // guarded by mu_
  std::exception_ptr exception_;  // guarded by mu_
  const bool resource_;
  bool to_delete_ = false;        // guarded by mu_
};

}  // namespace mx

#endif  // TESSERA_CORE_ENGINE_THREADED_VAR_H_
