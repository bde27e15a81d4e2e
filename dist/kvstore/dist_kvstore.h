// The worker side of the distributed KVStores ("dist_sync", "dist_async", "dist_sync_device"):
// values are summed over this worker's devices (on the CPU, or on the first value's device for
// dist_sync_device), sent to the servers that hold the key (one server below
// MXNET_KVSTORE_BIGARRAY_BOUND elements, chosen by key; larger keys sliced evenly over all),
// and pulled back. Init: worker 0's values go to the servers and every worker pulls them, so all
// start from the same weights. SetOptimizer ships the optimizer to the servers (Spec()); the
// update runs there, once per round in dist_sync. Push and Pull return at once: each is an
// asynchronous engine operation (a push waits for its gradient, a pull holds its outputs until
// the replies are in; pending_pulls.h), ordered per key and by priority across keys, so
// communication overlaps the backward pass and nothing blocks an engine thread. Control calls
// (Init, SetOptimizer, Barrier, EpochEnd, EpochBegin, checkpoints) first wait for the pushes and
// pulls issued before them. Failures: a dead node, a server's refusal or a silent scheduler
// make the next Push/Pull throw DistError and complete the pulls in flight with it (a read of
// those weights throws it); a wait longer than TESSERA_PS_TIMEOUT_S fails; waits are logged
// with what they wait for after TESSERA_PS_STALL_S.
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
