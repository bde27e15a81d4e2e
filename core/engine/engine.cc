#include "core/engine/engine.h"

#include <sys/syscall.h>
#include <unistd.h>

#include <atomic>
#include <cstdio>
#include <cstdlib>

#include "core/base/cuda_check.h"
#include "core/base/env.h"
#include "core/base/error.h"
#include "core/base/signal_handler.h"
#include "core/engine/naive_engine.h"
#include "core/engine/threaded_engine.h"
#include "core/engine/worker_pool.h"

namespace mx {

std::unique_ptr<Engine> Engine::Create(const std::string& type) {
  if (type == "NaiveEngine") return std::make_unique<NaiveEngine>();
  if (type == "ThreadedEnginePerDevice" || type == "ThreadedEngine")
    return std::make_unique<ThreadedEngine>();
  MX_THROW(ValueError) << "unknown engine type '" << type
                       << "' (from MXNET_ENGINE_TYPE); valid types are ThreadedEnginePerDevice, "
                          "ThreadedEngine and NaiveEngine.";
}

namespace {

std::atomic<Engine*> g_engine{nullptr};
std::atomic<bool> g_drained{false};

// Waits for every operation of the process engine and stops it (Engine::Get), once; says on
// stderr what it found. Not from an engine worker: it would wait for its own operation.
void DrainAtExit() {
  Engine* engine = g_engine.load();
  if (!engine || g_drained.exchange(true)) return;
  if (InWorkerThread()) {
    std::fprintf(stderr,
                 "tessera: exit() was called inside an engine operation; the operations still "
                 "pending are not waited for.\n");
    return;
  }
  if (int64_t pending = engine->PendingOperations()) {
    std::fprintf(stderr,
                 "tessera: %lld engine operation(s) still queued or running at exit; waiting for "
                 "them. End the program with mx::WaitAll() (MXNet: mx.nd.waitall()) so that their "
                 "errors reach it.\n",
                 static_cast<long long>(pending));
  }
  try {
    engine->WaitForAll();
  } catch (const std::exception& e) {
    std::fprintf(stderr, "tessera: an operation that nobody waited for failed: %s\n", e.what());
  } catch (...) {
    std::fprintf(stderr,
                 "tessera: an operation that nobody waited for failed with an exception that is "
                 "not a std::exception\n");
  }
  engine->Stop();
}

// One per thread that used the engine; the main thread's drains the engine when it is
// destroyed, which std::exit does before any static object or atexit function.
struct ExitDrain {
  bool main_thread = syscall(SYS_gettid) == getpid();
  ~ExitDrain() {
    if (main_thread) DrainAtExit();
  }
};

void ArmExitDrain() {
  static thread_local ExitDrain drain;
  (void)drain.main_thread;
}

// The main thread's ExitDrain exists from static initialization on, also when the engine is
// first used from another thread.
const bool kExitDrainArmed = (ArmExitDrain(), true);

}  // namespace

Engine* Engine::Get() {
  static Engine* engine = [] {
    InstallFatalSignalHandlers();
    Engine* e = Create(EnvString("MXNET_ENGINE_TYPE")).release();  // never destroyed
    g_engine.store(e);
    // For exit() on another thread, where the main thread's ExitDrain is not destroyed.
    std::atexit(DrainAtExit);
    return e;
  }();
  ArmExitDrain();
  return engine;
}

void SynchronizeStream(const RunContext& rctx) {
#if MX_USE_CUDA
  // A null stream is the device's default stream (a stopped engine's operations run there).
  if (rctx.ctx.is_gpu()) MX_CUDA_CALL(cudaStreamSynchronize(static_cast<cudaStream_t>(rctx.stream)));
#else
  (void)rctx;
#endif
}

void Engine::PushSync(SyncFn fn, Context ctx, std::vector<VarHandle> const_vars,
                      std::vector<VarHandle> mutable_vars, FnProperty prop, int priority,
                      const char* name) {
  PushAsync(
      [fn = std::move(fn)](RunContext rctx, CallbackOnComplete cb) {
        std::exception_ptr error;
        try {
          fn(rctx);
          SynchronizeStream(rctx);
        } catch (...) {
          error = std::current_exception();
        }
        cb(error);
      },
      ctx, std::move(const_vars), std::move(mutable_vars), prop, priority, name);
}

void Engine::PushSyncAndWait(SyncFn fn, Context ctx, std::vector<VarHandle> const_vars,
                             std::vector<VarHandle> mutable_vars, FnProperty prop,
                             const char* name) {
  // A private var written by the function: waiting on it waits for exactly this function, and
  // an error (its own or one passed on from its inputs) lands on it.
  VarHandle done = NewVariable();
  mutable_vars.push_back(done);
  PushSync(std::move(fn), ctx, std::move(const_vars), std::move(mutable_vars), prop, 0, name);
  try {
    WaitForVar(done);
  } catch (...) {
    DeleteVariable(nullptr, ctx, done);
    throw;
  }
  DeleteVariable(nullptr, ctx, done);
}

namespace {
thread_local bool tls_inline = false;
thread_local void* tls_inline_stream = nullptr;
}  // namespace

InlineScope::InlineScope(void* stream)
    : saved_stream_(tls_inline_stream), saved_active_(tls_inline) {
  tls_inline = true;
  tls_inline_stream = stream;
}

InlineScope::~InlineScope() {
  tls_inline = saved_active_;
  tls_inline_stream = saved_stream_;
}

bool InlineScope::Active() { return tls_inline; }
void* InlineScope::Stream() { return tls_inline_stream; }

}  // namespace mx
