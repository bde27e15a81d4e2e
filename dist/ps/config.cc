#include "dist/ps/config.h"

#include <arpa/inet.h>
#include <ifaddrs.h>
#include <netinet/in.h>

#include <cstdlib>

#include "core/base/env.h"
#include "core/base/error.h"

namespace mx {
namespace ps {
namespace {

int PositiveInt(const char* name) {
  int64_t v = EnvInt(name);
  MX_CHECK_AS(ValueError, v > 0 && v < 100000)
      << name << " must be a positive count, found " << v << ".";
  return static_cast<int>(v);
}

double Seconds(const char* name) {
  int64_t v = EnvInt(name);
  MX_CHECK_AS(ValueError, v > 0) << name << " must be a positive number of seconds, found " << v
                                 << ".";
  return static_cast<double>(v);
}

// IPv4 address of interface `name`, or of the first non-loopback interface when empty.
std::string InterfaceAddress(const std::string& name) {
  ifaddrs* list = nullptr;
  std::string found;
  if (getifaddrs(&list) != 0) return "127.0.0.1";
  for (ifaddrs* a = list; a; a = a->ifa_next) {
    if (!a->ifa_addr || a->ifa_addr->sa_family != AF_INET) continue;
    char buf[INET_ADDRSTRLEN];
    inet_ntop(AF_INET, &reinterpret_cast<sockaddr_in*>(a->ifa_addr)->sin_addr, buf, sizeof(buf));
    std::string ip = buf;
    if (name.empty() ? ip.rfind("127.", 0) != 0 : name == a->ifa_name) {
      found = ip;
      break;
    }
  }
  freeifaddrs(list);
  MX_CHECK_AS(ValueError, !found.empty() || name.empty())
      << "DMLC_INTERFACE=" << name << " names no IPv4 interface of this machine.";
  return found.empty() ? "127.0.0.1" : found;
}

}  // namespace

const char* RoleName(Role r) {
  switch (r) {
    case Role::kScheduler:
      return "scheduler";
    case Role::kServer:
      return "server";
    case Role::kWorker:
      return "worker";
    default:
      return "none";
  }
}

std::string PsConfig::root_endpoint() const {
  if (!inproc_prefix.empty()) return "inproc://" + inproc_prefix + "-0";
  return "tcp://" + root_uri + ":" + std::to_string(root_port);
}

std::string PsConfig::NodeName(int id) const {
  if (id == 0) return "scheduler";
  if (id >= 1 && id <= num_servers) return "server " + std::to_string(id - 1);
  if (id > num_servers && id < num_nodes()) return "worker " + std::to_string(worker_rank(id));
  return "node " + std::to_string(id);
}

PsConfig ConfigFromEnv() {
  PsConfig c;
  std::string role = EnvString("DMLC_ROLE");
  c.num_servers = PositiveInt("DMLC_NUM_SERVER");
  c.num_workers = PositiveInt("DMLC_NUM_WORKER");
  const char* ompi_rank = std::getenv("OMPI_COMM_WORLD_RANK");
  const char* ompi_size = std::getenv("OMPI_COMM_WORLD_SIZE");
  if (role.empty() && ompi_rank && ompi_size) {
    // A plain `mpirun -np N CMD`: rank 0 schedules, the next DMLC_NUM_SERVER serve.
    int rank = std::atoi(ompi_rank), size = std::atoi(ompi_size);
    MX_CHECK_AS(ValueError, size >= 2 + c.num_servers)
        << "mpirun -np " << size << " is too few for a scheduler, " << c.num_servers
        << " server(s) (DMLC_NUM_SERVER) and at least one worker; use -np " << 2 + c.num_servers
        << " or more.";
    c.num_workers = size - 1 - c.num_servers;
    role = rank == 0 ? "scheduler" : rank <= c.num_servers ? "server" : "worker";
    if (rank > c.num_servers) c.preferred_rank = rank - 1 - c.num_servers;
    if (EnvString("TESSERA_PS_TOKEN").empty()) {
      const char* job = std::getenv("OMPI_MCA_ess_base_jobid");
      c.token = job ? std::string("ompi-") + job : "";
    }
  }
  if (role == "scheduler")
    c.role = Role::kScheduler;
  else if (role == "server")
    c.role = Role::kServer;
  else if (role == "worker")
    c.role = Role::kWorker;
  else
    MX_CHECK_AS(ValueError, role.empty())
        << "DMLC_ROLE=" << role << " is not scheduler, server or worker.";
  c.root_uri = EnvString("DMLC_PS_ROOT_URI");
  c.root_port = static_cast<int>(EnvInt("DMLC_PS_ROOT_PORT"));
  MX_CHECK_AS(ValueError, c.root_port > 0 && c.root_port < 65536)
      << "DMLC_PS_ROOT_PORT must be a TCP port, found " << c.root_port << ".";
  if (c.token.empty()) c.token = EnvString("TESSERA_PS_TOKEN");
  std::string rank = EnvString("TESSERA_RANK");
  if (!rank.empty()) c.preferred_rank = std::atoi(rank.c_str());
  c.dead_after_s = Seconds("TESSERA_PS_HEARTBEAT_TIMEOUT_S");
  c.heartbeat_s = std::min(1.0, c.dead_after_s / 4);
  c.startup_s = Seconds("TESSERA_PS_STARTUP_TIMEOUT_S");
  c.stall_s = Seconds("TESSERA_PS_STALL_S");
  c.timeout_s = Seconds("TESSERA_PS_TIMEOUT_S");
  c.elastic = EnvBool("TESSERA_PS_ELASTIC");
  c.max_message_bytes = static_cast<uint64_t>(EnvInt("TESSERA_PS_MAX_MESSAGE_MB")) << 20;
  int64_t shm_mb = EnvInt("TESSERA_PS_SHM_MB");
  MX_CHECK_AS(ValueError, shm_mb >= 0)
      << "TESSERA_PS_SHM_MB=" << shm_mb << ": expected megabytes >= 0 (0 turns shared memory off)";
  c.shm_bytes = static_cast<uint64_t>(shm_mb) << 20;
  c.bigarray_bound = EnvInt("MXNET_KVSTORE_BIGARRAY_BOUND");
  std::string host = EnvString("DMLC_NODE_HOST");
  std::string iface = EnvString("DMLC_INTERFACE");
  if (!host.empty())
    c.host = host;
  else if (!iface.empty())
    c.host = InterfaceAddress(iface);
  else if (c.root_uri == "127.0.0.1" || c.root_uri == "localhost")
    c.host = "127.0.0.1";
  else
    c.host = InterfaceAddress("");
  return c;
}

}  // namespace ps
}  // namespace mx
