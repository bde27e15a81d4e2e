#include "core/engine/threaded_engine.h"

#include <algorithm>

#include "core/base/cuda_check.h"
#include "core/base/env.h"
#include "core/base/error.h"

namespace mx {
namespace {

const char kNaiveHint[] =
    "(This error was raised inside an asynchronous operation; set "
    "MXNET_ENGINE_TYPE=NaiveEngine to run everything synchronously so it is raised at the call "
    "that caused it.)";

// Stores a copy of an mx::Error with the NaiveEngine hint appended; other exceptions as they are.
std::exception_ptr WithHint(std::exception_ptr e) {
  try {
    std::rethrow_exception(e);
  } catch (Error& err) {
    err.AppendNote(kNaiveHint);
    return std::current_exception();
  } catch (...) {
    return std::current_exception();
  }
}

void Dedup(std::vector<VarHandle>* const_vars, std::vector<VarHandle>* mutable_vars) {
  std::sort(mutable_vars->begin(), mutable_vars->end());
  mutable_vars->erase(std::unique(mutable_vars->begin(), mutable_vars->end()), mutable_vars->end());
  std::sort(const_vars->begin(), const_vars->end());
  const_vars->erase(std::unique(const_vars->begin(), const_vars->end()), const_vars->end());
  const_vars->erase(std::remove_if(const_vars->begin(), const_vars->end(),
                                   [&](VarHandle v) {
                                     return std::binary_search(mutable_vars->begin(),
                                                               mutable_vars->end(), v);
                                   }),
                    const_vars->end());
}

}  // namespace

ThreadedEngine::ThreadedEngine()
    : cpu_workers_(static_cast<int>(std::max<int64_t>(1, EnvInt("MXNET_CPU_WORKER_NTHREADS")))),
      spin_us_(static_cast<int>(std::max<int64_t>(0, EnvInt("TESSERA_ENGINE_SPIN_US")))) {}

ThreadedEngine::~ThreadedEngine() {
  try {
    WaitForAll();
  } catch (...) {
    // Errors nobody waited for die with the engine.
  }
  pools_.clear();
}

VarHandle ThreadedEngine::NewVariable() { return new ThreadedVar(); }
VarHandle ThreadedEngine::NewResourceVariable() { return new ThreadedVar(/*resource=*/true); }

void ThreadedEngine::PushAsync(AsyncFn fn, Context ctx, std::vector<VarHandle> const_vars,
                               std::vector<VarHandle> mutable_vars, FnProperty prop, int priority,
                               const char* name) {
  Dedup(&const_vars, &mutable_vars);
  auto* op = new OprBlock();
  op->fn = std::move(fn);
  op->ctx = ctx;
  op->prop = prop;
  op->priority = priority;
  op->name = name;
  for (VarHandle v : const_vars) op->const_vars.push_back(static_cast<ThreadedVar*>(v));
  for (VarHandle v : mutable_vars) op->mutable_vars.push_back(static_cast<ThreadedVar*>(v));
  op->work = true;
  ++pending_work_;
  Push(op);
}

void ThreadedEngine::Push(OprBlock* op) {
  ++pending_;
  // One extra count so the op cannot start while it is still being appended.
  op->wait = 1 + static_cast<int>(op->const_vars.size() + op->mutable_vars.size());
  int granted = 0;
  for (ThreadedVar* v : op->const_vars) granted += v->AppendRead(op);
  for (ThreadedVar* v : op->mutable_vars) granted += v->AppendWrite(op);
  if (op->wait.fetch_sub(granted + 1) != granted + 1) return;
  // A kAsync function ready as pushed runs here (engine.h).
  if (op->prop == FnProperty::kAsync && !op->ctx.is_gpu()) return Execute(op, nullptr);
  Dispatch(op);
}

void ThreadedEngine::Dispatch(OprBlock* op) {
  if (op->run_inline || stopped_.load(std::memory_order_relaxed)) {
    Execute(op, nullptr);
    return;
  }
  if (InlineScope::Active()) {
    Execute(op, op->ctx.is_gpu() ? InlineScope::Stream() : nullptr);
    return;
  }
  PoolFor(*op)->Push([this, op](void* stream) { Execute(op, stream); }, op->priority);
}

WorkerPool* ThreadedEngine::PoolFor(const OprBlock& op) {
  int dev_type = static_cast<int>(op.ctx.dev_type);
  int dev_id = op.ctx.dev_id;
  int lane = static_cast<int>(op.prop);
  if (!op.ctx.is_gpu()) {
    dev_type = static_cast<int>(DeviceType::kCPU);
    dev_id = 0;  // every host context shares the CPU pool
    if (op.prop != FnProperty::kCPUPrioritized) lane = 0;
  }
  if (op.prop == FnProperty::kAsync) lane = 0;  // with the normal functions
  std::lock_guard<std::mutex> lock(pools_mu_);
  auto& pool = pools_[std::make_tuple(dev_type, dev_id, lane)];
  if (!pool) {
    if (!op.ctx.is_gpu()) {
      pool = std::make_unique<WorkerPool>(lane == 0 ? cpu_workers_ : 1, nullptr, nullptr, spin_us_);
    } else {
#if MX_USE_CUDA
      int dev = dev_id;
      pool = std::make_unique<WorkerPool>(
          1,
          [dev]() -> void* {
            cudaStream_t s = nullptr;
            cudaSetDevice(dev);
            if (cudaStreamCreateWithFlags(&s, cudaStreamNonBlocking) != cudaSuccess) {
              cudaGetLastError();
              return nullptr;
            }
            return s;
          },
          [dev](void* s) {
            if (s) {
              cudaSetDevice(dev);
              cudaStreamDestroy(static_cast<cudaStream_t>(s));
            }
          });
#else
      pool = std::make_unique<WorkerPool>(1);
#endif
    }
  }
  return pool.get();
}

void ThreadedEngine::Execute(OprBlock* op, void* stream) {
  if (op->skip_on_error) {
    std::exception_ptr input_error;
    for (ThreadedVar* v : op->const_vars)
      if (!input_error) input_error = v->exception();
    for (ThreadedVar* v : op->mutable_vars)
      if (!input_error) input_error = v->exception();
    if (input_error) {
      Complete(op, input_error);
      return;
    }
  }
  RunContext rctx{op->ctx, stream};
#if MX_USE_CUDA
  if (op->ctx.is_gpu()) cudaSetDevice(op->ctx.dev_id);
#endif
  CallbackOnComplete cb(&ThreadedEngine::OnCompleteStatic, this, op);
  op->refs.fetch_add(1, std::memory_order_relaxed);
  try {
    op->fn(rctx, cb);
  } catch (...) {
    // The function threw before calling its callback (PushSync's wrapper never throws).
    cb(std::current_exception());
  }
  Release(op);
}

// An operation counts as pending until its block, with the function's captures, is gone:
// WaitForAll returns after they are destroyed, as they may hold the last reference to arrays.
void ThreadedEngine::Release(OprBlock* op) {
  if (op->refs.fetch_sub(1, std::memory_order_acq_rel) != 1) return;
  bool work = op->work;
  delete op;
  if (work) --pending_work_;
  if (--pending_ == 0) {
    std::lock_guard<std::mutex> lock(finished_mu_);
    finished_cv_.notify_all();
  }
}

void ThreadedEngine::OnCompleteStatic(void* engine, void* block, std::exception_ptr error) {
  static_cast<ThreadedEngine*>(engine)->Complete(static_cast<OprBlock*>(block), error);
}

void ThreadedEngine::Complete(OprBlock* op, std::exception_ptr error) {
  if (error) {
    bool fresh = true;
    for (ThreadedVar* v : op->const_vars)
      if (v->exception() == error) fresh = false;
    for (ThreadedVar* v : op->mutable_vars)
      if (v->exception() == error) fresh = false;
    if (fresh) {
      error = WithHint(error);
      std::lock_guard<std::mutex> lock(errors_mu_);
      errors_.push_back(error);
    }
    for (ThreadedVar* v : op->mutable_vars)
      if (!v->resource()) v->set_exception(error);
  }
  std::vector<OprBlock*> ready;
  for (ThreadedVar* v : op->const_vars) v->CompleteRead(&ready);
  for (ThreadedVar* v : op->mutable_vars) {
    if (v->CompleteWrite(&ready)) delete v;
  }
  for (OprBlock* r : ready) {
    if (r->wait.fetch_sub(1) == 1) Dispatch(r);
  }
  Release(op);
}

void ThreadedEngine::DeleteVariable(SyncFn on_delete, Context ctx, VarHandle var) {
  auto* tv = static_cast<ThreadedVar*>(var);
  auto* op = new OprBlock();
  op->ctx = ctx;
  op->skip_on_error = false;
  op->mutable_vars.push_back(tv);
  op->fn = [on_delete, tv](RunContext rctx, CallbackOnComplete cb) {
    tv->MarkForDeletion();
    try {
      if (on_delete) on_delete(rctx);
    } catch (...) {
      // Freeing memory does not fail in practice; never let it poison unrelated vars.
    }
    cb();
  };
  Push(op);
}

void ThreadedEngine::WaitForVar(VarHandle var) {
  auto* tv = static_cast<ThreadedVar*>(var);
  std::mutex mu;
  std::condition_variable cv;
  std::atomic<bool> done{false};
  auto* op = new OprBlock();
  op->ctx = cpu();
  op->skip_on_error = false;
  op->run_inline = true;
  op->const_vars.push_back(tv);
  op->fn = [&](RunContext, CallbackOnComplete cb) {
    cb();
    std::lock_guard<std::mutex> lock(mu);
    done = true;
    cv.notify_all();
  };
  Push(op);
  SpinUntil(spin_us_, [&] { return done.load(std::memory_order_acquire); });
  {
    // Also after a successful spin: the function may still hold `mu`, which dies with us.
    std::unique_lock<std::mutex> lock(mu);
    cv.wait(lock, [&] { return done.load(); });
  }
  if (std::exception_ptr e = tv->exception()) {
    tv->set_exception(nullptr);
    {
      std::lock_guard<std::mutex> lock(errors_mu_);
      errors_.erase(std::remove(errors_.begin(), errors_.end(), e), errors_.end());
    }
    std::rethrow_exception(e);
  }
}

void ThreadedEngine::WaitForAll() {
  {
    std::unique_lock<std::mutex> lock(finished_mu_);
    finished_cv_.wait(lock, [&] { return pending_.load() == 0; });
  }
  std::exception_ptr first;
  {
    std::lock_guard<std::mutex> lock(errors_mu_);
    if (!errors_.empty()) first = errors_.front();
    errors_.clear();
  }
  if (first) std::rethrow_exception(first);
}

}  // namespace mx
