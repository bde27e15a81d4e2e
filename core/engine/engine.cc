#include "core/engine/engine.h"

#include <cstdlib>

#include "core/base/cuda_check.h"
#include "core/base/env.h"
#include "core/base/error.h"
#include "core/base/signal_handler.h"
#include "core/engine/naive_engine.h"
#include "core/engine/threaded_engine.h"

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

// Runs at exit, before the shared libraries' own destructors (OpenBLAS, CUDA): work still
// queued when main() returns finishes first, so no kernel runs into a torn-down library.
void DrainAtExit() {
  try {
    Engine::Get()->WaitForAll();
  } catch (...) {
    // An operation failed and nobody waited for it; at exit there is no one left to tell.
  }
}

}  // namespace

Engine* Engine::Get() {
  static Engine* engine = [] {
    InstallFatalSignalHandlers();
    Engine* e = Create(EnvString("MXNET_ENGINE_TYPE")).release();  // never destroyed
    std::atexit(DrainAtExit);
    return e;
  }();
  return engine;
}

void SynchronizeStream(const RunContext& rctx) {
#if MX_USE_CUDA
  if (rctx.ctx.is_gpu() && rctx.stream) {
    MX_CUDA_CALL(cudaStreamSynchronize(static_cast<cudaStream_t>(rctx.stream)));
  }
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

}  // namespace mx
