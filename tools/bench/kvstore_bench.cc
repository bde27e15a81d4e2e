// Parameter-server throughput against its peers, measured in the same run (DESIGN.md section 7):
//   - dist_sync PushPull of one float32 key of 1, 16 and 100 MB by 2 workers, with 1 and 2
//     servers (scheduler, servers and workers each a process, as `launch` starts them; on
//     127.0.0.1 the payloads go through shared memory, the messages over TCP);
//   - Open MPI's MPI_Allreduce of the same buffer over 2 processes (mpi_allreduce_peer under
//     mpirun), the operation a push + pull replaces;
//   - raw ZeroMQ: the same bytes sent to another thread and back over a PUSH/PULL pair.
//   - LeNet on Fashion-MNIST with 1, 2 and 4 dist_sync workers and one server (weak scaling:
//     64 images a batch per worker), launched with //launcher:launch; samples/s summed over the
//     workers from the Speedometer at batch 200, against one process without a KVStore.
// Prints BENCH lines; ratio = our throughput / the peer's (goal >= 0.8 of MPI_Allreduce).
// Usage: kvstore_bench [--quick] [--no-lenet]
#include <unistd.h>
#include <zmq.h>

#include <algorithm>
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

int FreeishPort(int i) { return 30000 + (getpid() * 7 + i * 13) % 20000; }

// One node of the dist_sync measurement, as a process of its own (`kvstore_bench --node ROLE
// RANK MB SERVERS REPS PORT`, started by DistSyncSeconds): worker 0 prints the median seconds
// of one push + pull of an MB MB float32 key.
int RunNode(char** argv) {
  std::string role = argv[0];
  int rank = std::atoi(argv[1]), mb = std::atoi(argv[2]), reps = std::atoi(argv[4]);
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
  mx::NDArray value = mx::nd::ones({n}), grad = mx::nd::ones({n});
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
double DistSyncSeconds(int mb, int servers, int reps, int port) {
  std::string args = " " + std::to_string(mb) + " " + std::to_string(servers) + " " +
                     std::to_string(reps) + " " + std::to_string(port);
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

// Median seconds to send `mb` MB to another thread and receive them back over ZeroMQ TCP.
double RawZmqSeconds(int mb, int reps, int port) {
  void* ctx = zmq_ctx_new();
  std::string a = "tcp://127.0.0.1:" + std::to_string(port),
              b = "tcp://127.0.0.1:" + std::to_string(port + 1);
  size_t bytes = static_cast<size_t>(mb) << 20;
  std::thread echo([&] {
    void* in = zmq_socket(ctx, ZMQ_PULL);
    void* out = zmq_socket(ctx, ZMQ_PUSH);
    zmq_bind(in, a.c_str());
    zmq_connect(out, b.c_str());
    for (int r = 0; r <= reps; ++r) {
      zmq_msg_t m;
      zmq_msg_init(&m);
      zmq_msg_recv(&m, in, 0);
      zmq_msg_send(&m, out, 0);
    }
    zmq_close(in);
    zmq_close(out);
  });
  void* out = zmq_socket(ctx, ZMQ_PUSH);
  void* in = zmq_socket(ctx, ZMQ_PULL);
  zmq_bind(in, b.c_str());
  zmq_connect(out, a.c_str());
  std::vector<char> data(bytes, 1), back(bytes);
  double t = bench::MedianSeconds(reps, [&] {
    zmq_send(out, data.data(), bytes, 0);
    zmq_recv(in, back.data(), bytes, 0);
  });
  echo.join();
  zmq_close(in);
  zmq_close(out);
  zmq_ctx_term(ctx);
  return t;
}

// MPI_Allreduce timings from mpi_allreduce_peer; `mca` restricts Open MPI's transports.
std::map<std::string, double> MpiPeer(int mb, int reps, const std::string& mca = "") {
  std::string dir = SelfDir();  // the peer is built next to this binary
  std::string cmd = "mpirun --allow-run-as-root --oversubscribe " + mca + " -np 2 " + dir +
                    "mpi_allreduce_peer " + std::to_string(mb) + " " + std::to_string(reps) +
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

}  // namespace

int main(int argc, char** argv) {
  if (argc == 8 && std::string(argv[1]) == "--node") return RunNode(argv + 2);
  bool quick = false, lenet = true;
  for (int i = 1; i < argc; ++i) {
    quick |= std::string(argv[i]) == "--quick";
    lenet &= std::string(argv[i]) != "--no-lenet";
  }
  std::vector<int> sizes = quick ? std::vector<int>{1} : std::vector<int>{1, 16, 100};
  int port = FreeishPort(0);
  std::printf("# 2 workers on 127.0.0.1; throughput = key bytes per second of one push+pull\n");
  for (int mb : sizes) {
    int reps = mb >= 100 ? 5 : mb >= 16 ? 10 : 30;
    std::map<std::string, double> mpi = MpiPeer(mb, reps);
    double allreduce =
        mpi.count("allreduce_" + std::to_string(mb)) ? mpi["allreduce_" + std::to_string(mb)] : 0;
    // The same over TCP only (Open MPI picks shared memory on one machine by default).
    std::map<std::string, double> tcp = MpiPeer(mb, reps, "--mca btl tcp,self");
    double allreduce_tcp =
        tcp.count("allreduce_" + std::to_string(mb)) ? tcp["allreduce_" + std::to_string(mb)] : 0;
    double zmq = RawZmqSeconds(mb, reps, port += 10);
    for (int servers : {1, 2}) {
      double ours = DistSyncSeconds(mb, servers, reps, port += 10);
      double mbps = mb / ours;
      std::printf(
          "BENCH dist_sync_%dMB_%dserver ours=%.1f peer=%.1f unit=MB/s ratio=%.3f "
          "peer_name=mpi_allreduce\n",
          mb, servers, mbps, allreduce > 0 ? mb / allreduce : 0.0,
          allreduce > 0 ? allreduce / ours : 0.0);
      std::printf(
          "BENCH dist_sync_%dMB_%dserver_vs_tcp ours=%.1f peer=%.1f unit=MB/s ratio=%.3f "
          "peer_name=mpi_allreduce_btl_tcp\n",
          mb, servers, mbps, allreduce_tcp > 0 ? mb / allreduce_tcp : 0.0,
          allreduce_tcp > 0 ? allreduce_tcp / ours : 0.0);
      std::printf(
          "BENCH dist_sync_%dMB_%dserver_vs_zmq ours=%.1f peer=%.1f unit=MB/s "
          "ratio=%.3f peer_name=raw_zeromq_roundtrip\n",
          mb, servers, mbps, mb / zmq, zmq / ours);
      std::fflush(stdout);
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
