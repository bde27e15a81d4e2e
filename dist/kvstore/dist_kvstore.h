// The worker side of the distributed KVStores ("dist_sync", "dist_async", "dist_sync_device"):
// values are summed over this worker's devices (on the CPU, or on the first value's device for
// dist_sync_device), sent to the servers that hold the key (one server below
// MXNET_KVSTORE_BIGARRAY_BOUND elements, chosen by key; larger keys sliced evenly over all),
// and pulled back. Init: worker 0's values go to the servers and every worker pulls them, so all
// start from the same weights. SetOptimizer ships the optimizer to the servers (Spec()); the
// update runs there, once per round in dist_sync. Every wait fails with DistError when a node
// dies, the scheduler goes silent, or TESSERA_PS_TIMEOUT_S passes, and is logged with what it
// waits for after TESSERA_PS_STALL_S. Calls block until their messages are answered.
#ifndef TESSERA_DIST_KVSTORE_DIST_KVSTORE_H_
#define TESSERA_DIST_KVSTORE_DIST_KVSTORE_H_

#include <memory>
#include <string>

#include "dist/kvstore/kvstore.h"
#include "dist/ps/config.h"

namespace mx {
namespace kv {

// A worker of the job described by `config` (role worker); registers with its scheduler.
std::unique_ptr<KVStore> CreateDistWorker(const std::string& type, const ps::PsConfig& config);

}  // namespace kv
}  // namespace mx

#endif  // TESSERA_DIST_KVSTORE_DIST_KVSTORE_H_
