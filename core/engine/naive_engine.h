// NaiveEngine: runs every pushed function at once in the calling thread and waits for it
// (MXNET_ENGINE_TYPE=NaiveEngine). Errors are thrown from the Push call itself, so a debugger
// or a stack trace points at the operation that failed. GPU functions get one stream per device.
#ifndef TESSERA_CORE_ENGINE_NAIVE_ENGINE_H_
#define TESSERA_CORE_ENGINE_NAIVE_ENGINE_H_

#include <map>
#include <mutex>

#include "core/engine/engine.h"

namespace mx {

class NaiveEngine : public Engine {
 public:
  ~NaiveEngine() override;
  VarHandle NewVariable() override;
  VarHandle NewResourceVariable() override { return NewVariable(); }  // errors are thrown
  void PushAsync(AsyncFn fn, Context ctx, std::vector<VarHandle> const_vars,
                 std::vector<VarHandle> mutable_vars, FnProperty prop, int priority,
                 const char* name) override;
  void DeleteVariable(SyncFn on_delete, Context ctx, VarHandle var) override;
  void WaitForVar(VarHandle) override {}
  void WaitForAll() override {}
  int64_t PendingOperations() const override { return 0; }  // each push runs to its end
  void Stop() override {}
  std::string Type() const override { return "NaiveEngine"; }

 private:
  void* StreamFor(Context ctx);
  std::mutex mu_;
  std::map<int, void*> streams_;  // GPU id -> cudaStream_t; guarded by mu_
};

}  // namespace mx

#endif  // TESSERA_CORE_ENGINE_NAIVE_ENGINE_H_
