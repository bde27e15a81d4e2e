// The dependency engine (MXNet's Engine). Every array operation is pushed as a function with
// the variables it reads (const_vars) and writes (mutable_vars); the engine runs it once every
// earlier operation that writes a var it reads, or touches a var it writes, has finished.
// Operations on unrelated vars run in parallel. Push returns at once.
//
// Errors: an exception thrown by a pushed function is stored on the vars it writes (resource
// vars excepted, see NewResourceVariable); operations that read or write such a var are
// skipped and pass the error on. WaitForVar(var) rethrows the
// stored error (and clears it); WaitForAll() rethrows the first error since the last
// WaitForAll. NaiveEngine runs everything synchronously in the caller and throws at once.
//
// Engines: "ThreadedEnginePerDevice" (default; a CPU worker pool of MXNET_CPU_WORKER_NTHREADS
// threads, one worker and CUDA stream per GPU, one copy worker and stream per direction and GPU)
// and "NaiveEngine". Engine::Get() picks by MXNET_ENGINE_TYPE. All methods are thread-safe.
//
// Exit: the process engine is drained and stopped before any object with static storage
// duration is destroyed (kernels use such objects: primitive caches, oneDNN's JIT code), when
// the program ends by returning from main() or by calling exit() on the main thread (see
// Engine::Get). Programs still end with WaitAll() (MXNet's mx.nd.waitall()): only a wait hands
// an operation's error to the program; the drain at exit can only print it.
#ifndef TESSERA_CORE_ENGINE_ENGINE_H_
#define TESSERA_CORE_ENGINE_ENGINE_H_

#include <cstdint>
#include <exception>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "core/base/context.h"

namespace mx {

// What a pushed function receives: its device and, on a GPU, the cudaStream_t to launch on.
struct RunContext {
  Context ctx;
  void* stream = nullptr;
};

// Which worker runs a function: normal compute, device copies, or a prioritized CPU lane.
// kAsync (as MXNet's): a function that only starts work finished elsewhere (a KVStore sending a
// message) runs in the thread that pushes it when its inputs are ready then, without waking a
// worker; else on the normal workers once they are.
enum class FnProperty { kNormal, kCopyFromGPU, kCopyToGPU, kCPUPrioritized, kAsync };

// A dependency variable. Opaque; created and deleted through the engine.
class Var;
using VarHandle = Var*;

// Passed to asynchronous functions: call exactly once, from any thread, when the work is done
// (with an exception_ptr if it failed).
class CallbackOnComplete {
 public:
  using Fn = void (*)(void* engine, void* block, std::exception_ptr error);
  CallbackOnComplete(Fn fn, void* engine, void* block) : fn_(fn), engine_(engine), block_(block) {}
  void operator()(std::exception_ptr error = nullptr) const { fn_(engine_, block_, error); }

 private:
  Fn fn_;
  void* engine_;
  void* block_;
};

class Engine {
 public:
  using SyncFn = std::function<void(RunContext)>;
  using AsyncFn = std::function<void(RunContext, CallbackOnComplete)>;

  virtual ~Engine() = default;

  // The process-wide engine, created on first use from MXNET_ENGINE_TYPE (ValueError for an
  // unknown type, listing the valid ones). Never destroyed. When the main thread ends the
  // process (returns from main() or calls exit()), the engine is drained (WaitForAll) and
  // stopped before every static object's destructor and every atexit function: the drain runs
  // from the destructor of a thread_local object of the main thread, and the standard
  // destroys those first ([support.start.term]). Work still pending then is reported on
  // stderr, with the error of any operation that failed. exit() called on another thread
  // drains from an atexit function instead, which runs only after the static objects made
  // after the engine are gone: such programs must call WaitAll() before exit().
  static Engine* Get();
  // A separate engine of the given type, for tests and tools. Its destructor waits for all work.
  static std::unique_ptr<Engine> Create(const std::string& type);

  virtual VarHandle NewVariable() = 0;
  // A var for a resource that operations share but whose state an error does not spoil (the
  // random generator): it orders them as any var, but a failed operation's error is not stored
  // on it, so later operations that use the resource still run (the error reaches the failed
  // operation's other vars as usual).
  virtual VarHandle NewResourceVariable() = 0;
  // Pushes an asynchronous function; it must call its callback exactly once, from any thread.
  // The function and what it captured live until it returns, also when the callback is
  // called before that. A var listed in both lists counts as written; duplicates are ignored.
  virtual void PushAsync(AsyncFn fn, Context ctx, std::vector<VarHandle> const_vars,
                         std::vector<VarHandle> mutable_vars, FnProperty prop = FnProperty::kNormal,
                         int priority = 0, const char* name = nullptr) = 0;
  // Pushes a function that is complete when it returns (on a GPU: when its stream is drained).
  void PushSync(SyncFn fn, Context ctx, std::vector<VarHandle> const_vars,
                std::vector<VarHandle> mutable_vars, FnProperty prop = FnProperty::kNormal,
                int priority = 0, const char* name = nullptr);
  // PushSync, then blocks until that function has run; rethrows its error, or the error of an
  // earlier operation it depends on.
  void PushSyncAndWait(SyncFn fn, Context ctx, std::vector<VarHandle> const_vars,
                       std::vector<VarHandle> mutable_vars, FnProperty prop = FnProperty::kNormal,
                       const char* name = nullptr);
  // Runs `on_delete` after every operation pushed so far on `var`, then frees the var. The var
  // must not be used afterwards.
  virtual void DeleteVariable(SyncFn on_delete, Context ctx, VarHandle var) = 0;
  // Blocks until every operation pushed so far that writes `var` is done; rethrows its error.
  virtual void WaitForVar(VarHandle var) = 0;
  // Blocks until every pushed operation is done; rethrows the first error since the last call.
  virtual void WaitForAll() = 0;
  // Operations pushed (PushAsync, PushSync) that have not finished; variable deletions and
  // waits do not count. For reports (the drain at exit), not for synchronisation.
  virtual int64_t PendingOperations() const = 0;
  // After Stop, no worker thread starts an operation: each runs in the thread that makes it
  // ready (the pushing thread when its inputs are ready), as on NaiveEngine, on a GPU on the
  // device's default stream. Irreversible; called after the drain at exit, so that nothing
  // the static destructors push runs beside them. Does not wait.
  virtual void Stop() = 0;
  virtual std::string Type() const = 0;
};

// Blocks until the GPU stream in `rctx` is drained (no-op for CPU contexts).
void SynchronizeStream(const RunContext& rctx);

// While an InlineScope lives, an operation that becomes ready on this thread (when pushed with
// its inputs ready, or when an operation this thread runs completes) runs right there, on
// `stream` for a GPU context, instead of on a worker. An operation that runs other engine code
// (a custom operator calling back into Python) opens one, so the work it pushes on its own
// arrays runs before it returns and no worker of its pool is needed for it. Scopes nest.
class InlineScope {
 public:
  explicit InlineScope(void* stream = nullptr);
  ~InlineScope();
  InlineScope(const InlineScope&) = delete;
  InlineScope& operator=(const InlineScope&) = delete;
  // Whether this thread is inside a scope, and the stream of the innermost one.
  static bool Active();
  static void* Stream();

 private:
  void* saved_stream_;
  bool saved_active_;
};

}  // namespace mx

#endif  // TESSERA_CORE_ENGINE_ENGINE_H_
