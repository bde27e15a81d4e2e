#include "core/engine/naive_engine.h"

#include <condition_variable>

#include "core/base/cuda_check.h"
#include "core/engine/threaded_var.h"

namespace mx {
namespace {

class NaiveVar : public Var {};

struct Completion {
  std::mutex mu;
  std::condition_variable cv;
  bool done = false;
  std::exception_ptr error;
};

void Complete(void* /*engine*/, void* block, std::exception_ptr error) {
  auto* c = static_cast<Completion*>(block);
  std::lock_guard<std::mutex> lock(c->mu);
  c->error = error;
  c->done = true;
  c->cv.notify_all();
}

}  // namespace

NaiveEngine::~NaiveEngine() {
#if MX_USE_CUDA
  for (auto& kv : streams_) cudaStreamDestroy(static_cast<cudaStream_t>(kv.second));
#endif
}

VarHandle NaiveEngine::NewVariable() { return new NaiveVar(); }

void* NaiveEngine::StreamFor(Context ctx) {
  if (!ctx.is_gpu()) return nullptr;
#if MX_USE_CUDA
  std::lock_guard<std::mutex> lock(mu_);
  void*& s = streams_[ctx.dev_id];
  if (!s) {
    cudaStream_t stream;
    MX_CUDA_CALL(cudaSetDevice(ctx.dev_id));
    MX_CUDA_CALL(cudaStreamCreateWithFlags(&stream, cudaStreamNonBlocking));
    s = stream;
  }
  return s;
#else
  return nullptr;
#endif
}

void NaiveEngine::PushAsync(AsyncFn fn, Context ctx, std::vector<VarHandle>, std::vector<VarHandle>,
                            FnProperty, int, const char*) {
  RunContext rctx{ctx, StreamFor(ctx)};
#if MX_USE_CUDA
  if (ctx.is_gpu()) MX_CUDA_CALL(cudaSetDevice(ctx.dev_id));
#endif
  Completion c;
  fn(rctx, CallbackOnComplete(&Complete, this, &c));
  std::unique_lock<std::mutex> lock(c.mu);
  c.cv.wait(lock, [&] { return c.done; });
  if (c.error) std::rethrow_exception(c.error);
}

void NaiveEngine::DeleteVariable(SyncFn on_delete, Context ctx, VarHandle var) {
  if (on_delete) on_delete(RunContext{ctx, StreamFor(ctx)});
  delete var;
}

}  // namespace mx
