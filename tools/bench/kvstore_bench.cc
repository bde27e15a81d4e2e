// Parameter-server throughput against its peers, measured in the same run (DESIGN.md section 7):
//   - dist_sync PushPull of one float32 key of 1, 16 and 100 MB by 2 workers, with 1 and 2
//     servers (scheduler, servers and workers each a process, as `launch` starts them; on
//     127.0.0.1 the payloads go through shared memory, the messages over the local channel),
//     the gradient in cpu memory (copied into shared memory at each push) and, in the
//     `_cpu_shared` lines, in cpu_shared memory (read by the server where it lies);
//   - Open MPI's MPI_Allreduce of the same buffer over 2 processes (mpi_allreduce_peer under
//     mpirun), the operation a push + pull replaces;
//   - raw ZeroMQ: the same bytes sent to another thread and back over a PUSH/PULL pair;
//   - the parameter-server pattern with nothing else (ps_floor_peer: two worker processes and
//     a server, shared memory and Unix sockets, one server): how far our 1-server rounds are
//     from the least this design costs on the machine.
//   - LeNet on Fashion-MNIST with 1, 2 and 4 dist_sync workers and one server (weak scaling:
//     64 images a batch per worker), launched with //launcher:launch; samples/s summed over the
//     workers from the Speedometer at batch 200, against one process without a KVStore.
// Prints BENCH lines; ratio = our throughput / the peer's (goal >= 0.8 of MPI_Allreduce).
// MPI_Allreduce and dist_sync alternate three times per size; medians are compared.
// Usage: kvstore_bench [--quick] [--no-lenet]
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>
#include <zmq.h>

#include <algorithm>
#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <map>
#include <string>
#include <thread>
#include <vector>

#include "core/tessera.h"
#include "dist/kvstore/dist_kvstore.h"
#include "dist/ps/roles.h"
#include "tools/bench/bench_util.h"

namespace {

// The directory of this binary (bazel-bin/tools/bench/).
std::string SelfDir() {
  char self[4096] = {0};
  ssize_t len = readlink("/proc/self/exe", self, sizeof(self) - 1);
  std::string dir = len > 0 ? std::string(self, len) : std::string("tools/bench/x");
  return dir.substr(0, dir.rfind('/') + 1);
}

// A TCP port of 127.0.0.1 that is free now (the system's pick), for a job's scheduler.
int FreePort() {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof(addr);
  int port = 0;
  if (fd >= 0 && bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) == 0 &&
      getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) == 0)
    port = ntohs(addr.sin_port);
  if (fd >= 0) close(fd);
  return port > 0 ? port : 30000 + getpid() % 20000;
}

// One node of the dist_sync measurement, as a process of its own (`kvstore_bench --node ROLE
// RANK MB SERVERS REPS PORT SHARED`, started by DistSyncSeconds): worker 0 prints the median
// seconds of one push + pull of an MB MB float32 key (the gradient in cpu_shared memory when
// SHARED is 1, else in cpu memory).
int RunNode(char** argv) {
  std::string role = argv[0];
  int rank = std::atoi(argv[1]), mb = std::atoi(argv[2]), reps = std::atoi(argv[4]);
  bool shared = std::atoi(argv[6]) != 0;
  mx::ps::PsConfig c;
  c.num_workers = 2;
  c.num_servers = std::atoi(argv[3]);
  c.root_port = std::atoi(argv[5]);
  c.host = "127.0.0.1";
  c.token = "kvstore-bench";
  c.bigarray_bound = 1000000;
  c.role = role == "scheduler" ? mx::ps::Role::kScheduler
           : role == "server"  ? mx::ps::Role::kServer
                               : mx::ps::Role::kWorker;
  if (c.role == mx::ps::Role::kScheduler) mx::ps::RunScheduler(c);
  if (c.role == mx::ps::Role::kServer) {
    mx::ps::RunServer(c);
  }
  if (c.role != mx::ps::Role::kWorker) return 0;
  c.preferred_rank = rank;
  int64_t n = static_cast<int64_t>(mb) * (1 << 20) / 4;
  std::unique_ptr<mx::kv::KVStore> store = mx::kv::CreateDistWorker("dist_sync", c);
  mx::NDArray value = mx::nd::ones({n}),
              grad = mx::nd::ones({n}, shared ? mx::cpu_shared() : mx::cpu());
  store->Init({0}, {value});
  double t = bench::MedianSeconds(reps, [&] {
    store->PushPull({0}, {{grad}}, {{value}});  // one message per round, as Module::Update
    value.WaitToRead();
  });
  if (rank == 0) std::printf("dist_sync_seconds %.9f\n", t);
  store.reset();  // finalizes with the scheduler
  return 0;
}

// Median seconds of one push + pull of an `mb` MB key, as seen by worker 0 of 2: scheduler,
// servers and workers each a process, as `launch` starts them (and as mpirun starts the MPI
// peer's ranks), over TCP on 127.0.0.1 and the nodes' shared memory.
double DistSyncSeconds(int mb, int servers, int reps, int port, bool shared) {
  std::string args = " " + std::to_string(mb) + " " + std::to_string(servers) + " " +
                     std::to_string(reps) + " " + std::to_string(port) + (shared ? " 1" : " 0");
  auto start = [&](const std::string& role, int rank, bool quiet) {
    std::string cmd = "OMP_WAIT_POLICY=passive " + SelfDir() + "kvstore_bench --node " + role +
                      " " + std::to_string(rank) + args + (quiet ? " >/dev/null" : "") +
                      " 2>/dev/null";
    return popen(cmd.c_str(), "r");
  };
  std::vector<FILE*> others = {start("scheduler", 0, true)};
  for (int s = 0; s < servers; ++s) others.push_back(start("server", s, true));
  others.push_back(start("worker", 1, true));
  FILE* w0 = start("worker", 0, false);
  double seconds = 0;
  char line[256];
  while (w0 && std::fgets(line, sizeof(line), w0))
    std::sscanf(line, "dist_sync_seconds %lf", &seconds);
  if (w0) pclose(w0);
  for (FILE* p : others)
    if (p) pclose(p);
  return seconds;
}

// Median seconds to send `mb` MB to another thread and receive them back over ZeroMQ TCP; 0
// when a socket cannot bind or a message takes longer than a minute (nothing hangs).
double RawZmqSeconds(int mb, int reps) {
  void* ctx = zmq_ctx_new();
  auto socket = [&](int type) {
    void* s = zmq_socket(ctx, type);
    // Linger: the echo's last reply must still go out after its socket is closed.
    int timeout_ms = 60000, linger = 5000;
    zmq_setsockopt(s, ZMQ_RCVTIMEO, &timeout_ms, sizeof(timeout_ms));
    zmq_setsockopt(s, ZMQ_SNDTIMEO, &timeout_ms, sizeof(timeout_ms));
    zmq_setsockopt(s, ZMQ_LINGER, &linger, sizeof(linger));
    return s;
  };
  // Ports the system picks: a fixed one may be taken (the ephemeral range).
  auto bind_any = [](void* s) {
    char endpoint[256] = "";
    size_t len = sizeof(endpoint);
    if (zmq_bind(s, "tcp://127.0.0.1:*") != 0) return std::string();
    zmq_getsockopt(s, ZMQ_LAST_ENDPOINT, endpoint, &len);
    return std::string(endpoint);
  };
  void* echo_in = socket(ZMQ_PULL);
  void* in = socket(ZMQ_PULL);
  std::string a = bind_any(echo_in), b = bind_any(in);
  std::atomic<bool> ok{!a.empty() && !b.empty()};
  size_t bytes = static_cast<size_t>(mb) << 20;
  std::thread echo([&] {
    void* out = socket(ZMQ_PUSH);
    zmq_connect(out, b.c_str());
    for (int r = 0; ok && r <= reps; ++r) {
      zmq_msg_t m;
      zmq_msg_init(&m);
      if (zmq_msg_recv(&m, echo_in, 0) < 0 || zmq_msg_send(&m, out, 0) < 0) {
        zmq_msg_close(&m);
        break;
      }
    }
    zmq_close(out);
  });
  void* out = socket(ZMQ_PUSH);
  zmq_connect(out, a.c_str());
  std::vector<char> data(bytes, 1), back(bytes);
  double t = bench::MedianSeconds(reps, [&] {
    if (!ok) return;
    ok = zmq_send(out, data.data(), bytes, 0) >= 0 && zmq_recv(in, back.data(), bytes, 0) >= 0;
  });
  echo.join();
  zmq_close(echo_in);
  zmq_close(in);
  zmq_close(out);
  zmq_ctx_term(ctx);
  if (!ok)
    std::fprintf(stderr, "raw ZeroMQ round trip of %d MB failed: %s\n", mb,
                 zmq_strerror(zmq_errno()));
  return ok ? t : 0;
}

// MPI_Allreduce timings from mpi_allreduce_peer; `mca` restricts Open MPI's transports. None
// (the peer's lines missing) when it fails or runs past 10 minutes.
std::map<std::string, double> MpiPeer(int mb, int reps, const std::string& mca = "") {
  std::string dir = SelfDir();  // the peer is built next to this binary
  std::string cmd = "timeout 600 mpirun --allow-run-as-root --oversubscribe " + mca + " -np 2 " +
                    dir + "mpi_allreduce_peer " + std::to_string(mb) + " " + std::to_string(reps) +
                    " 2>/dev/null";
  return bench::RunPeerCommand(cmd);
}

// Samples/s of LeNet training summed over `workers` dist_sync workers (0: one process, no
// KVStore), read from each worker's Speedometer line at batch 200.
double LenetSamplesPerSecond(int workers) {
  std::string bin = SelfDir() + "../../";
  std::string train = bin + "examples/fashion_mnist/train --epochs 1 --max-batches 260 ";
  std::string cmd = workers == 0
                        ? "OMP_WAIT_POLICY=passive " + train + "--kvstore local"
                        : bin + "launcher/launch -n " + std::to_string(workers) +
                              " -s 1 --env OMP_WAIT_POLICY=passive --env MXNET_OMP_MAX_THREADS=" +
                              std::to_string(std::max(1u, std::thread::hardware_concurrency() /
                                                              static_cast<unsigned>(workers))) +
                              " -- " + train + "--kvstore dist_sync";
  FILE* p = popen((cmd + " 2>&1").c_str(), "r");
  if (!p) return 0;
  char line[1024];
  double total = 0;
  while (std::fgets(line, sizeof(line), p)) {
    const char* s = std::strstr(line, "Speed: ");
    if (s && std::strstr(line, "Batch [200]")) total += std::atof(s + 7);
  }
  pclose(p);
  return total;
}

// Alternations of MPI and ours per key size.
constexpr int kRounds = 3;

// The median of `runs` (seconds), or 0 when one of them failed (0).
double MedianOrZero(const std::vector<double>& runs) {
  for (double r : runs)
    if (r <= 0) return 0;
  return bench::Median(runs);
}

}  // namespace

int main(int argc, char** argv) {
  if (argc == 9 && std::string(argv[1]) == "--node") return RunNode(argv + 2);
  bool quick = false, lenet = true;
  for (int i = 1; i < argc; ++i) {
    quick |= std::string(argv[i]) == "--quick";
    lenet &= std::string(argv[i]) != "--no-lenet";
  }
  std::vector<int> sizes = quick ? std::vector<int>{1} : std::vector<int>{1, 16, 100};
  std::printf(
      "# 2 workers on 127.0.0.1; throughput = key bytes per second of one PushPull (push + "
      "pull)\n");
  for (int mb : sizes) {
    int reps = mb >= 100 ? 5 : mb >= 16 ? 10 : 30;
    // MPI and ours alternate kRounds times and their medians are compared: this VM's speed
    // drifts within minutes (MPI's 1 MB rate went from ~7300 to ~1700 MB/s between two runs).
    const std::string key = "allreduce_" + std::to_string(mb);  // mpi_allreduce_peer's line
    // ours[shared][servers - 1]: the gradient in cpu memory (copied into shared memory when
    // pushed) or in cpu_shared memory (read by the server where it lies).
    std::vector<double> allreduce_runs, floor_runs, ours[2][2];
    const std::string floor_key = "ps_floor_" + std::to_string(mb);
    for (int round = 0; round < kRounds; ++round) {
      std::map<std::string, double> mpi = MpiPeer(mb, reps);
      allreduce_runs.push_back(mpi.count(key) ? mpi[key] : 0);
      std::map<std::string, double> floor =
          bench::RunPeerCommand("timeout 600 " + SelfDir() + "ps_floor_peer " + std::to_string(mb) +
                                " " + std::to_string(reps));
      floor_runs.push_back(floor.count(floor_key) ? floor[floor_key] : 0);
      for (int shared : {0, 1})
        for (int servers : {1, 2})
          ours[shared][servers - 1].push_back(
              DistSyncSeconds(mb, servers, reps, FreePort(), shared != 0));
    }
    double allreduce = MedianOrZero(allreduce_runs), ps_floor = MedianOrZero(floor_runs);
    // The same over TCP only (Open MPI picks shared memory on one machine by default).
    std::map<std::string, double> tcp = MpiPeer(mb, reps, "--mca btl tcp,self");
    double allreduce_tcp = tcp.count(key) ? tcp[key] : 0;
    double zmq = RawZmqSeconds(mb, reps);
    auto line = [&](const std::string& name, double ours, double peer, const char* peer_name) {
      std::printf("BENCH %s ours=%.1f peer=%.1f unit=MB/s ratio=%.3f peer_name=%s\n", name.c_str(),
                  ours > 0 ? mb / ours : 0.0, peer > 0 ? mb / peer : 0.0,
                  peer > 0 && ours > 0 ? peer / ours : 0.0, peer_name);
    };
    for (int shared : {0, 1}) {
      for (int servers : {1, 2}) {
        const std::vector<double>& runs = ours[shared][servers - 1];
        std::string name = "dist_sync_" + std::to_string(mb) + "MB_" + std::to_string(servers) +
                           "server" + (shared ? "_cpu_shared" : "");
        double median = MedianOrZero(runs);
        line(name, median, allreduce, "mpi_allreduce");
        std::printf("# %s MB/s by round (ours/MPI):", name.c_str());
        for (int round = 0; round < kRounds; ++round) {
          double o = runs[round], m = allreduce_runs[round];
          std::printf(" %.0f/%.0f", o > 0 ? mb / o : 0.0, m > 0 ? mb / m : 0.0);
        }
        std::printf("\n");
        line(name + "_vs_tcp", median, allreduce_tcp, "mpi_allreduce_btl_tcp");
        line(name + "_vs_zmq", median, zmq, "raw_zeromq_roundtrip");
        if (servers == 1) line(name + "_vs_ps_floor", median, ps_floor, "raw_ps_pattern");
        std::fflush(stdout);
      }
    }
  }
  if (lenet) {
    double single = LenetSamplesPerSecond(0);
    for (int w : {1, 2, 4}) {
      double ours = LenetSamplesPerSecond(w);
      std::printf(
          "BENCH lenet_fashion_mnist_%dworkers ours=%.1f peer=%.1f unit=samples/s "
          "ratio=%.3f peer_name=one_process_no_kvstore scaling_efficiency=%.3f\n",
          w, ours, single, single > 0 ? ours / single : 0.0,
          single > 0 ? ours / (w * single) : 0.0);
      std::fflush(stdout);
    }
  }
  return 0;
}
