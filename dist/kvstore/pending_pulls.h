// The pulls of a distributed KVStore worker that are in flight. A pull runs as an asynchronous
// engine operation (it holds the output arrays' vars): it sends one request per server slice
// and returns; the store's receiver thread hands each reply to OnReply, which copies the slice
// into every output and completes the operation when the last slice is in. Nothing blocks an
// engine thread, so pulls overlap computation. Failures (a dead node, a server's error, a
// silent scheduler, TESSERA_PS_TIMEOUT_S) complete the pulls with a DistError, which the engine
// stores on the outputs: the next read of those weights throws it.
#ifndef TESSERA_DIST_KVSTORE_PENDING_PULLS_H_
#define TESSERA_DIST_KVSTORE_PENDING_PULLS_H_

#include <cstdint>
#include <exception>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "core/engine/engine.h"
#include "core/ndarray/ndarray.h"
#include "dist/ps/message.h"

namespace mx {
namespace kv {

class PendingPulls {
 public:
  // One pull: `outs` (CPU arrays of the key's dtype, `elements` each) receive the slices
  // [offset, offset + size) of the replies to `requests` (one per slice); `what` names it in
  // logs and errors.
  struct Slice {
    int64_t request, offset, size;
  };
  void Add(const std::string& what, std::vector<NDArray> outs, DType dtype,
           const std::vector<Slice>& slices, CallbackOnComplete done);
  // A pull reply: true when it belonged to a pending pull (its slice is copied; the pull
  // completes with the last slice, or with an error when the size is wrong).
  bool OnReply(const ps::Message& reply);
  // Completes every pending pull with DistError(`why` + what the pull was).
  void FailAll(const std::string& why);
  // Fails the pulls older than `timeout_s`; logs, once every `stall_s`, the ones waiting
  // longer than that.
  void Inspect(double now, double timeout_s, double stall_s);
  bool empty() const;

 private:
  struct Pull {
    std::string what;
    std::vector<NDArray> outs;
    DType dtype;
    std::map<int64_t, Slice> slices;  // by request; removed as they arrive
    std::unique_ptr<CallbackOnComplete> done;
    double start = 0, logged = 0;
  };
  // Takes `p` out of the table (every request it still waits for).
  void Forget(const std::shared_ptr<Pull>& p);

  mutable std::mutex mu_;
  std::map<int64_t, std::shared_ptr<Pull>> by_request_;
};

}  // namespace kv
}  // namespace mx

#endif  // TESSERA_DIST_KVSTORE_PENDING_PULLS_H_
