// The scheduler's and the server's main loops. A process whose DMLC_ROLE is scheduler or server
// runs one of them inside kv::Create (as MXNet does) and exits with its result; tests run them
// on threads with a PsConfig of their own (inproc endpoints).
#ifndef TESSERA_DIST_PS_ROLES_H_
#define TESSERA_DIST_PS_ROLES_H_

#include "dist/ps/config.h"

namespace mx {
namespace ps {

// Registers every node, hands out the address book, runs barriers, watches heartbeats.
// Returns when every worker has finalized (after telling the servers to stop). Throws
// DistError naming the nodes that never registered, or a node that stopped sending
// heartbeats (after telling every other node).
void RunScheduler(const PsConfig& config);

// Holds this server's share of every key; sums pushes (dist_sync: in worker-rank order, once
// all workers pushed a round; dist_async: as they come), applies the optimizer shipped by
// worker 0, answers pulls. Returns on the scheduler's shutdown; throws DistError when told a
// node died or when the scheduler goes silent.
void RunServer(const PsConfig& config);

}  // namespace ps
}  // namespace mx

#endif  // TESSERA_DIST_PS_ROLES_H_
