// A parameter-server node's configuration: its role and the job's shape, from MXNet's
// environment (DMLC_ROLE, DMLC_PS_ROOT_URI, DMLC_PS_ROOT_PORT, DMLC_NUM_WORKER,
// DMLC_NUM_SERVER, DMLC_INTERFACE, DMLC_NODE_HOST) or, under a plain `mpirun -np N CMD`, from
// Open MPI's rank (rank 0 the scheduler, ranks 1..S the servers, the rest workers), plus
// Tessera's job token and time limits (see the environment table in the README).
// Node ids: scheduler 0, server r -> 1 + r, worker r -> 1 + num_servers + r.
#ifndef TESSERA_DIST_PS_CONFIG_H_
#define TESSERA_DIST_PS_CONFIG_H_

#include <cstdint>
#include <map>
#include <string>

namespace mx {
namespace ps {

enum class Role { kScheduler, kServer, kWorker, kNone };

const char* RoleName(Role r);

struct PsConfig {
  Role role = Role::kNone;
  std::string root_uri = "127.0.0.1";  // the scheduler's host
  int root_port = 9091;
  int num_workers = 1, num_servers = 1;
  std::string host;          // this node's address for peers
  std::string token;         // job token: nodes of other jobs are refused
  int preferred_rank = -1;   // worker rank asked for (the launcher's numbering)
  double heartbeat_s = 1;    // interval of heartbeats
  double dead_after_s = 10;  // a node silent this long is dead
  double startup_s = 60;     // registration must finish within this
  double stall_s = 20;       // a wait this long is logged with what it waits for
  double timeout_s = 600;    // a wait this long fails
  bool elastic = false;      // a lost worker is dropped instead of stopping the job
  uint64_t max_message_bytes = uint64_t(2048) << 20;
  uint64_t shm_bytes = uint64_t(4096) << 20;  // shared memory for payloads to nodes of this machine
  int64_t bigarray_bound = 1000000;           // keys with more elements are sliced over all servers
  // In-process jobs (tests): endpoints "inproc://<prefix>-<id>" instead of TCP.
  std::string inproc_prefix;

  std::string root_endpoint() const;
  int server_id(int rank) const { return 1 + rank; }
  int worker_id(int rank) const { return 1 + num_servers + rank; }
  int worker_rank(int id) const { return id - 1 - num_servers; }
  int num_nodes() const { return 1 + num_servers + num_workers; }
  // "scheduler", "server 0", "worker 1" for a node id.
  std::string NodeName(int id) const;
};

// The configuration from the environment; role kNone when neither DMLC_ROLE nor an Open MPI
// rank is set. Throws ValueError for malformed values.
PsConfig ConfigFromEnv();

}  // namespace ps
}  // namespace mx

#endif  // TESSERA_DIST_PS_CONFIG_H_
