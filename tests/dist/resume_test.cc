// Fault tolerance of a dist_sync job (LeNet on Fashion-MNIST, 2 workers, 2 servers, 2 epochs,
// checkpoints every 40 batches): killed with SIGKILL in the middle of the second epoch and
// resumed, the job ends with parameters and server shards bit-identical to an uninterrupted
// run. A worker is killed under `launch --max-restarts 1` (the launcher resumes by itself); a
// server is killed in a second run, the newest checkpoint is damaged (a flipped byte in a
// shard), and `launch --resume` refuses it, says why, and resumes from the previous one.
#include <dirent.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <chrono>
#include <fstream>
#include <future>
#include <sstream>
#include <string>
#include <thread>

#include "tests/testing/job_process.h"
#include "tests/testing/run_command.h"

namespace {

using mx::testing::RunCommand;

const std::string kData = "/usr/share/datasets/fashion-mnist";

std::string Tmp(const std::string& name) {
  const char* dir = std::getenv("TEST_TMPDIR");
  std::string d = std::string(dir ? dir : "/tmp") + "/" + name;
  mkdir(d.c_str(), 0755);
  return d;
}

std::string Job(const std::string& dir, const std::string& token, const std::string& extra) {
  return "launcher/launch -n 2 -s 2 --env TESSERA_PS_TOKEN=" + token +
         " --env MXNET_OMP_MAX_THREADS=1 " + extra +
         " -- examples/fashion_mnist/train --kvstore dist_sync --epochs 2 --batch-size 256 "
         "--lr 0.2 --checkpoint-every 40 --checkpoint " +
         dir + "/lenet 2>&1";
}

// Waits until the job's newest mid-epoch checkpoint is inside the second epoch, then kills.
void KillInSecondEpoch(const std::string& dir, const std::string& token, const std::string& role,
                       int rank) {
  bool reached = false;
  for (int i = 0; i < 6000 && !reached; ++i) {  // up to 10 minutes on a loaded machine
    std::string m = mx::testing::ReadWholeFile(dir + "/lenet-latest.manifest");
    reached = m.find("epoch 1\n") != std::string::npos && m.find("nbatch 0\n") == std::string::npos;
    if (!reached) std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  ASSERT_TRUE(reached) << "the job wrote no mid-epoch-1 checkpoint within 10 minutes";
  std::this_thread::sleep_for(std::chrono::seconds(2));  // a few batches past the checkpoint
  pid_t pid = mx::testing::FindJobProcess(token, role, rank, "train");
  ASSERT_GT(pid, 0) << "no " << role << " process to kill";
  kill(pid, SIGKILL);
}

class DistResume : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    struct stat st;
    if (stat((kData + "/train-images-idx3-ubyte.gz").c_str(), &st) != 0) return;
    reference_ = Tmp("reference");
    int rc = -1;
    std::string out = RunCommand(Job(reference_, "ref-" + std::to_string(getpid()), ""), &rc);
    ASSERT_EQ(rc, 0) << out;
  }
  void SetUp() override {
    if (reference_.empty()) GTEST_SKIP() << "dataset-fashion-mnist missing";
  }
  void ExpectSameAsReference(const std::string& dir) {
    for (const char* f :
         {"lenet-0002.params", "lenet-0002.server0.states", "lenet-0002.server1.states"}) {
      std::string want = mx::testing::ReadWholeFile(reference_ + "/" + f);
      ASSERT_GT(want.size(), 1000u) << f;
      EXPECT_TRUE(mx::testing::ReadWholeFile(dir + "/" + f) == want)
          << f << " differs from the uninterrupted run";
    }
  }
  static std::string reference_;
};
std::string DistResume::reference_;

TEST_F(DistResume, KilledWorkerIsRestartedByTheLauncherAndEndsBitIdentical) {
  std::string dir = Tmp("killed_worker"), token = "kw-" + std::to_string(getpid());
  auto job = std::async(std::launch::async, [&] {
    int rc = -1;
    std::string out = RunCommand(Job(dir, token, "--max-restarts 1"), &rc);
    return std::make_pair(rc, out);
  });
  KillInSecondEpoch(dir, token, "worker", 1);
  auto [rc, out] = job.get();
  ASSERT_EQ(rc, 0) << out;
  EXPECT_NE(out.find("launch: worker 1 exited with code 137; stopping the job"), std::string::npos)
      << out;
  EXPECT_NE(out.find("restart 1 of 1, resuming from the last checkpoint"), std::string::npos)
      << out;
  EXPECT_NE(out.find("Resuming from " + dir + "/lenet-latest at epoch 1, batch "),
            std::string::npos)
      << out;
  ExpectSameAsReference(dir);
}

TEST_F(DistResume, KilledServerResumesPastADamagedCheckpoint) {
  std::string dir = Tmp("killed_server"), token = "ks-" + std::to_string(getpid());
  auto job = std::async(std::launch::async, [&] {
    int rc = -1;
    std::string out = RunCommand(Job(dir, token, ""), &rc);
    return std::make_pair(rc, out);
  });
  KillInSecondEpoch(dir, token, "server", -1);
  auto [rc, out] = job.get();
  ASSERT_NE(rc, 0) << out;
  EXPECT_NE(out.find("exited with code 137"), std::string::npos) << out;
  // Damage the newest checkpoint: one flipped byte in a server shard.
  std::string shard = dir + "/lenet-latest.server1.states";
  std::string bytes = mx::testing::ReadWholeFile(shard);
  ASSERT_GT(bytes.size(), 100u);
  bytes[bytes.size() / 2] ^= 0x20;
  std::ofstream(shard, std::ios::binary) << bytes;
  std::string out2 = RunCommand(Job(dir, token + "b", "--resume"), &rc);
  ASSERT_EQ(rc, 0) << out2;
  EXPECT_NE(out2.find("Skipping checkpoint " + dir + "/lenet-latest.manifest: " + dir +
                      "/lenet-latest.server1.states does not match its CRC-32"),
            std::string::npos)
      << out2;
  EXPECT_NE(out2.find("Resuming from " + dir + "/lenet-0001 at epoch 1, batch 0"),
            std::string::npos)
      << out2;
  ExpectSameAsReference(dir);
}

}  // namespace
