// Elastic dist_sync (`launch --elastic`): one of three workers is killed with SIGKILL in the
// first epoch; the scheduler drops it after the heartbeat limit, the servers finish their rounds
// with the two left (scaling the gradient by 3/2), the launcher keeps the job going, and the
// final test accuracy is within one point of an uninterrupted three-worker run.
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

std::string Job(const std::string& token, const std::string& extra) {
  return "launcher/launch -n 3 -s 1 --env TESSERA_PS_TOKEN=" + token +
         " --env MXNET_OMP_MAX_THREADS=1 --env TESSERA_PS_HEARTBEAT_TIMEOUT_S=4 " + extra +
         " -- examples/fashion_mnist/train --kvstore dist_sync --epochs 2 --batch-size 64 "
         "--lr 0.15 2>&1";
}

double Accuracy(const std::string& out) {
  size_t p = out.find("[worker 0] Test-accuracy=");
  return p == std::string::npos ? -1 : std::stod(out.substr(out.find('=', p) + 1));
}

TEST(Elastic, LosingOneOfThreeWorkersKeepsTrainingAndAccuracy) {
  struct stat st;
  if (stat("/usr/share/datasets/fashion-mnist/train-images-idx3-ubyte.gz", &st) != 0)
    GTEST_SKIP() << "dataset-fashion-mnist missing";
  int rc = -1;
  std::string ref = RunCommand(Job("el-ref-" + std::to_string(getpid()), ""), &rc);
  ASSERT_EQ(rc, 0) << ref;
  double want = Accuracy(ref);
  ASSERT_GT(want, 0.8) << ref;

  std::string token = "el-" + std::to_string(getpid());
  auto job = std::async(std::launch::async, [&] {
    int code = -1;
    std::string out = RunCommand(Job(token, "--elastic"), &code);
    return std::make_pair(code, out);
  });
  pid_t victim = 0;
  for (int i = 0; i < 600 && !victim; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    victim = mx::testing::FindJobProcess(token, "worker", 2, "train");
  }
  ASSERT_GT(victim, 0) << "worker 2 never started";
  std::this_thread::sleep_for(std::chrono::seconds(15));  // well into the first epoch
  kill(victim, SIGKILL);
  auto [code, out] = job.get();
  ASSERT_EQ(code, 0) << out;
  EXPECT_NE(out.find("launch: worker 2 exited with code 137; the job goes on without it"),
            std::string::npos)
      << out;
  EXPECT_NE(out.find("the job goes on with 2 worker(s) (elastic)"), std::string::npos) << out;
  double got = Accuracy(out);
  EXPECT_NEAR(got, want, 0.01) << "uninterrupted " << want << ", elastic " << got << "\n" << out;
}

}  // namespace
