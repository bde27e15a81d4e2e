// Multi-process jobs on 127.0.0.1: `launch` (local and mpi) and a plain `mpirun` start
// dist_train; dist_sync with 2 workers and 2 servers ends with parameters bit-identical to one
// process training the same global batches on two CPU contexts; a worker or a server killed with
// SIGKILL makes the job fail with a clear error well within 30 s; malformed bytes sent to the
// scheduler's port are rejected and the job still finishes.
#include <arpa/inet.h>
#include <dirent.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>
#include <zmq.h>

#include <algorithm>
#include <chrono>
#include <cstddef>
#include <cstring>
#include <fstream>
#include <future>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "dist/ps/message.h"
#include "launcher/free_port.h"
#include "tests/testing/job_process.h"
#include "tests/testing/run_command.h"

namespace {

using mx::launcher::FreePort;
using mx::testing::RunCommand;

const std::string kLaunch = "launcher/launch";
const std::string kTrain = "tests/dist/dist_train";

std::string TempPath(const std::string& name) {
  const char* dir = std::getenv("TEST_TMPDIR");
  return std::string(dir ? dir : "/tmp") + "/" + name;
}

bool HaveMpirun() { return std::system("command -v mpirun > /dev/null 2>&1") == 0; }

// The reference: one process, two CPU contexts, the same global batches.
std::string Reference() {
  static std::string bytes = [] {
    std::string path = TempPath("reference.params");
    int rc = -1;
    std::string out = RunCommand(kTrain + " --kvstore local --contexts 2 --out " + path, &rc);
    EXPECT_EQ(rc, 0) << out;
    return mx::testing::ReadWholeFile(path);
  }();
  return bytes;
}

double Seconds(std::chrono::steady_clock::time_point since) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - since).count();
}

TEST(Launch, DistSyncTwoWorkersTwoServersIsBitIdenticalToOneProcess) {
  std::string path = TempPath("local_launch.params");
  int rc = -1;
  // Bound 100 elements: fc1_weight (640) is sliced over both servers.
  std::string out = RunCommand(kLaunch + " -n 2 -s 2 --env MXNET_KVSTORE_BIGARRAY_BOUND=100 -- " +
                                   kTrain + " --kvstore dist_sync --out " + path + " 2>&1",
                               &rc);
  ASSERT_EQ(rc, 0) << out;
  EXPECT_NE(out.find("[worker 1] rank 1 of 2 done after 20 steps"), std::string::npos) << out;
  EXPECT_NE(out.find("[scheduler]"), std::string::npos) << out;
  std::string ref = Reference();
  ASSERT_GT(ref.size(), 1000u);
  EXPECT_TRUE(mx::testing::ReadWholeFile(path) == ref)
      << "parameters differ from the one-process run";
}

TEST(Launch, UnevenDataEndsTheEpochInsteadOfHanging) {
  int rc = -1;
  auto start = std::chrono::steady_clock::now();
  std::string out =
      RunCommand(kLaunch + " -n 2 -s 1 -- " + kTrain + " --kvstore dist_sync --uneven 5 2>&1", &rc);
  EXPECT_LT(Seconds(start), 30) << out;
  ASSERT_EQ(rc, 0) << out;
  EXPECT_NE(out.find("[worker 1] rank 1 of 2 done after 15 steps"), std::string::npos) << out;
  EXPECT_NE(out.find("[worker 0] rank 0 of 2 done after 20 steps"), std::string::npos) << out;
}

TEST(Launch, DistAsyncConverges) {
  std::string path = TempPath("async.params");
  int rc = -1;
  std::string out = RunCommand(
      kLaunch + " -n 2 -s 1 -- " + kTrain + " --kvstore dist_async --out " + path + " 2>&1", &rc);
  ASSERT_EQ(rc, 0) << out;
  EXPECT_NE(out.find("[worker 0] rank 0 of 2 done"), std::string::npos) << out;
  EXPECT_GT(mx::testing::ReadWholeFile(path).size(), 1000u);
}

TEST(Launch, ThroughMpiLauncherAndPlainMpirun) {
  if (!HaveMpirun()) GTEST_SKIP() << "mpirun is not installed";
  std::string path = TempPath("mpi_launch.params");
  int rc = -1;
  std::string out = RunCommand(kLaunch + " -n 2 -s 2 --launcher mpi --env " +
                                   "MXNET_KVSTORE_BIGARRAY_BOUND=100 -- " + kTrain +
                                   " --kvstore dist_sync --out " + path + " 2>&1",
                               &rc);
  ASSERT_EQ(rc, 0) << out;
  EXPECT_NE(out.find("[worker 1] rank 1 of 2 done"), std::string::npos) << out;
  EXPECT_TRUE(mx::testing::ReadWholeFile(path) == Reference()) << "mpi launcher: parameters differ";

  std::string plain = TempPath("plain_mpirun.params");
  std::string root = geteuid() == 0 ? " --allow-run-as-root" : "";
  out = RunCommand("mpirun" + root + " --oversubscribe -np 5 -x DMLC_NUM_SERVER=2 -x " +
                       "DMLC_PS_ROOT_PORT=" + std::to_string(FreePort()) +
                       " -x MXNET_KVSTORE_BIGARRAY_BOUND=100 " + kTrain +
                       " --kvstore dist_sync --out " + plain + " 2>&1",
                   &rc);
  ASSERT_EQ(rc, 0) << out;
  EXPECT_TRUE(mx::testing::ReadWholeFile(plain) == Reference())
      << "plain mpirun: parameters differ";
}

// --launcher ssh: every process through `--ssh CMD HOST COMMAND` (fake_ssh runs COMMAND here
// and logs HOST): the scheduler on the first host, servers and workers round-robin over both;
// dist_sync ends bit-identical to one process.
TEST(Launch, ThroughSshLauncher) {
  std::string hosts = TempPath("hosts"), log = TempPath("ssh.log");
  std::string path = TempPath("ssh_launch.params");
  std::ofstream(hosts) << "# two names for this machine\n127.0.0.1 slots=2\nlocalhost\n";
  std::remove(log.c_str());
  int rc = -1;
  std::string out =
      RunCommand("FAKE_SSH_LOG=" + log + " " + kLaunch + " -n 2 -s 2 --launcher ssh -H " + hosts +
                     " --ssh tests/dist/fake_ssh --env "
                     "MXNET_KVSTORE_BIGARRAY_BOUND=100 -- " +
                     kTrain + " --kvstore dist_sync --out " + path + " 2>&1",
                 &rc);
  ASSERT_EQ(rc, 0) << out;
  EXPECT_NE(out.find("[worker 1] rank 1 of 2 done"), std::string::npos) << out;
  EXPECT_TRUE(mx::testing::ReadWholeFile(path) == Reference()) << "ssh launcher: parameters differ";
  std::istringstream started(mx::testing::ReadWholeFile(log));
  int first = 0, second = 0;
  for (std::string h; started >> h;) {
    if (h == "127.0.0.1") ++first;
    if (h == "localhost") ++second;
  }
  EXPECT_EQ(first, 3);   // scheduler, server 0, worker 0
  EXPECT_EQ(second, 2);  // server 1, worker 1
  // Without a hostfile it says what is missing.
  out = RunCommand(kLaunch + " -n 1 --launcher ssh -- /bin/true 2>&1", &rc);
  EXPECT_EQ(rc, 2);
  EXPECT_NE(out.find("--launcher ssh needs -H HOSTFILE"), std::string::npos) << out;
}

// Every process of a job waits passively in OpenMP unless the user chose otherwise.
TEST(Launch, ProcessesGetPassiveOpenMPWaitingUnlessSet) {
  const std::string print = " -- /bin/sh -c 'echo role=$DMLC_ROLE omp=$OMP_WAIT_POLICY' 2>&1";
  int rc = -1;
  std::string out = RunCommand("env -u OMP_WAIT_POLICY " + kLaunch + " -n 1 -s 1" + print, &rc);
  ASSERT_EQ(rc, 0) << out;
  for (const char* line :
       {"[scheduler] role=scheduler omp=passive", "[server 0] role=server omp=passive",
        "[worker 0] role=worker omp=passive"})
    EXPECT_NE(out.find(line), std::string::npos) << line << "\n" << out;
  out = RunCommand(
      "env -u OMP_WAIT_POLICY " + kLaunch + " -n 1 -s 1 --env OMP_WAIT_POLICY=active" + print, &rc);
  ASSERT_EQ(rc, 0) << out;
  EXPECT_NE(out.find("[worker 0] role=worker omp=active"), std::string::npos) << out;
  out = RunCommand("OMP_WAIT_POLICY=active " + kLaunch + " -n 1 -s 1" + print, &rc);
  ASSERT_EQ(rc, 0) << out;
  EXPECT_NE(out.find("[worker 0] role=worker omp=active"), std::string::npos) << out;
}

TEST(Launch, KilledWorkerFailsTheJobWithAClearErrorQuickly) {
  auto start = std::chrono::steady_clock::now();
  int rc = -1;
  std::string out = RunCommand(kLaunch + " -n 2 -s 1 --env TESSERA_PS_HEARTBEAT_TIMEOUT_S=4 -- " +
                                   kTrain + " --kvstore dist_sync --steps 400 --die-at 5 2>&1",
                               &rc);
  double took = Seconds(start);
  EXPECT_NE(rc, 0) << out;
  EXPECT_LT(took, 30) << out;
  EXPECT_NE(out.find("worker 1 kills itself"), std::string::npos) << out;
  // The launcher reports the killed process (signal 9 -> 137) and stops the job.
  EXPECT_NE(out.find("launch: worker 1 exited with code 137; stopping the job"), std::string::npos)
      << out;
}

TEST(Launch, KilledServerStopsTheLaunchedJobQuickly) {
  std::string token = "kill-server-" + std::to_string(getpid());
  auto job = std::async(std::launch::async, [&] {
    int rc = -1;
    std::string out =
        RunCommand(kLaunch + " -n 2 -s 1 --env TESSERA_PS_TOKEN=" + token + " -- " + kTrain +
                       " --kvstore dist_sync --steps 100000 --sleep-ms 5 2>&1",
                   &rc);
    return std::make_pair(rc, out);
  });
  pid_t server = 0;
  for (int i = 0; i < 200 && !server; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    server = mx::testing::FindJobProcess(token, "server", -1, "dist_train");
  }
  ASSERT_GT(server, 0) << "the server never started";
  std::this_thread::sleep_for(std::chrono::seconds(2));  // training is under way
  auto killed = std::chrono::steady_clock::now();
  kill(server, SIGKILL);
  ASSERT_EQ(job.wait_for(std::chrono::seconds(60)), std::future_status::ready) << "job hung";
  auto [rc, out] = job.get();
  EXPECT_LT(Seconds(killed), 30) << out;
  EXPECT_EQ(rc, 137) << out;
  EXPECT_NE(out.find("launch: server 0 exited with code 137; stopping the job"), std::string::npos)
      << out;
}

// Without a launcher watching (each role started by hand, as on separate machines), the
// scheduler notices the killed server's missing heartbeats and every worker fails with a
// DistError that names it.
TEST(Launch, KilledServerWithoutLauncherFailsWorkersWithDistError) {
  std::string dir = TempPath("by_hand");
  std::string script =
      "mkdir -p " + dir + " && cd " + dir + " && " +
      "export DMLC_PS_ROOT_URI=127.0.0.1 DMLC_PS_ROOT_PORT=" + std::to_string(FreePort()) +
      " DMLC_NUM_WORKER=2 "
      "DMLC_NUM_SERVER=1 TESSERA_PS_TOKEN=byhand$$ TESSERA_PS_HEARTBEAT_TIMEOUT_S=4; "
      "T=$OLDPWD/" +
      kTrain +
      "; ARGS=\"--kvstore dist_sync --steps 100000 --sleep-ms 5\"; "
      "DMLC_ROLE=scheduler $T $ARGS > scheduler.log 2>&1 & "
      "DMLC_ROLE=server $T $ARGS > server.log 2>&1 & S=$!; "
      "DMLC_ROLE=worker TESSERA_RANK=0 $T $ARGS > w0.log 2>&1 & W0=$!; "
      "DMLC_ROLE=worker TESSERA_RANK=1 $T $ARGS > w1.log 2>&1 & W1=$!; "
      "sleep 3; kill -9 $S; START=$(date +%s); "
      "wait $W0; echo \"w0 rc=$?\"; wait $W1; echo \"w1 rc=$?\"; wait; "
      "echo \"seconds=$(( $(date +%s) - START ))\"; cat w0.log w1.log scheduler.log";
  int rc = -1;
  std::string out = RunCommand("timeout 90 bash -c '" + script + "'", &rc);
  EXPECT_EQ(rc, 0) << out;
  EXPECT_NE(out.find("w0 rc=1"), std::string::npos) << out;
  EXPECT_NE(out.find("w1 rc=1"), std::string::npos) << out;
  size_t sec = out.find("seconds=");
  ASSERT_NE(sec, std::string::npos) << out;
  EXPECT_LT(std::stoi(out.substr(sec + 8)), 30) << out;
  EXPECT_NE(out.find("worker 0: "), std::string::npos) << out;
  EXPECT_NE(out.find("cannot finish: server 0 at tcp://127.0.0.1:"), std::string::npos) << out;
  EXPECT_NE(out.find("sent no heartbeat"), std::string::npos) << out;
}

// Sends `bytes` over a raw TCP connection to 127.0.0.1:port.
void SendRaw(int port, const std::string& bytes) {
  int s = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_port = htons(static_cast<uint16_t>(port));
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (connect(s, reinterpret_cast<sockaddr*>(&a), sizeof(a)) == 0)
    (void)!write(s, bytes.data(), bytes.size());
  close(s);
}

TEST(Launch, RandomBytesAtTheSchedulerPortAreRejectedAndTheJobFinishes) {
  const int port = FreePort();
  std::string path = TempPath("noise.params");
  auto job = std::async(std::launch::async, [&] {
    int rc = -1;
    std::string out = RunCommand(kLaunch + " -n 2 -s 1 --env TESSERA_PS_TOKEN=noise-job --port " +
                                     std::to_string(port) + " -- " + kTrain +
                                     " --kvstore dist_sync --steps 300 --sleep-ms 20 " + "--out " +
                                     path + " 2>&1",
                                 &rc);
    return std::make_pair(rc, out);
  });
  std::this_thread::sleep_for(std::chrono::milliseconds(1500));
  std::string noise;
  for (int i = 0; i < 4096; ++i) noise += static_cast<char>((i * 131 + 7) % 256);
  SendRaw(port, noise);
  // A ZeroMQ greeting followed by garbage, and a truncated greeting.
  SendRaw(port, std::string("\xff\0\0\0\0\0\0\0\x01\x7f", 10) + noise);
  SendRaw(port, std::string("\xff\0\0", 3));
  // Well-formed ZeroMQ frames that are not valid Tessera messages: short, foreign, truncated.
  void* ctx = zmq_ctx_new();
  void* push = zmq_socket(ctx, ZMQ_PUSH);
  zmq_connect(push, ("tcp://127.0.0.1:" + std::to_string(port)).c_str());
  zmq_send(push, "abc", 3, 0);
  mx::ps::Message m;
  m.type = mx::ps::MsgType::kBarrier;
  mx::ps::Header foreign = mx::ps::EncodeHeader(m, mx::ps::TokenHash("another job"));
  zmq_send(push, &foreign, sizeof(foreign), 0);
  m.meta = "xyz";
  mx::ps::Header truncated = mx::ps::EncodeHeader(m, mx::ps::TokenHash("noise-job"));
  zmq_send(push, &truncated, sizeof(truncated), 0);  // announces 3 meta bytes, sends none
  // Closing waits (up to 10 s) until the three are delivered: a fixed sleep and no linger lost
  // them on a loaded machine, when the connection took longer than the sleep.
  int linger = 10000;
  zmq_setsockopt(push, ZMQ_LINGER, &linger, sizeof(linger));
  zmq_close(push);
  zmq_ctx_term(ctx);
  ASSERT_EQ(job.wait_for(std::chrono::seconds(90)), std::future_status::ready) << "job hung";
  auto [rc, out] = job.get();
  EXPECT_EQ(rc, 0) << out;
  EXPECT_NE(out.find("rank 1 of 2 done after 300 steps"), std::string::npos) << out;
  EXPECT_NE(out.find("rejected a message (header frame of 3 bytes"), std::string::npos) << out;
  EXPECT_NE(out.find("rejected a message (job token mismatch"), std::string::npos) << out;
  EXPECT_NE(out.find("truncated?); still serving"), std::string::npos) << out;
}

// The abstract Unix socket names (local channels) of this machine that start with `prefix`.
std::vector<std::string> AbstractSockets(const std::string& prefix) {
  std::ifstream f("/proc/net/unix");
  std::vector<std::string> names;
  std::string line;
  while (std::getline(f, line)) {
    size_t at = line.find(" @" + prefix);
    if (at != std::string::npos) names.push_back(line.substr(at + 2));
  }
  std::sort(names.begin(), names.end());  // accepted connections repeat their listener's name
  names.erase(std::unique(names.begin(), names.end()), names.end());
  return names;
}

TEST(Launch, GarbageAtTheNodesLocalChannelsIsRejectedAndTheJobFinishes) {
  std::string path = TempPath("local-noise.params");
  auto job = std::async(std::launch::async, [&] {
    int rc = -1;
    std::string out = RunCommand(kLaunch + " -n 2 -s 1 --env TESSERA_PS_TOKEN=local-noise -- " +
                                     kTrain + " --kvstore dist_sync --steps 300 --sleep-ms 20 " +
                                     "--out " + path + " 2>&1",
                                 &rc);
    return std::make_pair(rc, out);
  });
  char hash[32];
  std::snprintf(hash, sizeof(hash), "%016llx",
                static_cast<unsigned long long>(mx::ps::TokenHash("local-noise")));
  // Scheduler, server and two workers listen; wait for three, then half a second more.
  std::vector<std::string> names;
  for (int i = 0, settled = 0; i < 100 && settled < 5; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    std::vector<std::string> now = AbstractSockets(std::string("tessera-") + hash);
    if (now.size() >= names.size()) names = now;
    if (names.size() >= 3) ++settled;
  }
  EXPECT_GE(names.size(), 3u) << "the job's nodes should listen on local channels";
  std::string noise;
  for (int i = 0; i < 3000; ++i) noise += static_cast<char>((i * 131 + 7) % 256);
  for (const std::string& name : names) {
    int fd = socket(AF_UNIX, SOCK_SEQPACKET, 0);
    sockaddr_un addr{};
    addr.sun_family = AF_UNIX;
    std::memcpy(addr.sun_path + 1, name.data(), std::min(name.size(), sizeof(addr.sun_path) - 2));
    socklen_t len = static_cast<socklen_t>(offsetof(sockaddr_un, sun_path) + 1 + name.size());
    if (connect(fd, reinterpret_cast<sockaddr*>(&addr), len) == 0) {
      (void)!send(fd, noise.data(), noise.size(), 0);  // no packing
      (void)!send(fd,
                  "\x01\x00\x00\x00\x03\x00\x00\x00"
                  "abc",
                  11, 0);  // one 3-byte frame
    }
    close(fd);
  }
  ASSERT_EQ(job.wait_for(std::chrono::seconds(90)), std::future_status::ready) << "job hung";
  auto [rc, out] = job.get();
  EXPECT_EQ(rc, 0) << out;
  EXPECT_NE(out.find("rank 1 of 2 done after 300 steps"), std::string::npos) << out;
  EXPECT_NE(out.find("rejected a message (a malformed local packet of 3000 bytes)"),
            std::string::npos)
      << out;
  EXPECT_NE(out.find("rejected a message (header frame of 3 bytes"), std::string::npos) << out;
}

}  // namespace
