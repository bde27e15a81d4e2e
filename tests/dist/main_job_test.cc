// The main job's command (tools/run) with fewer batches: `launch -n 2 -s 1` runs the
// Fashion-MNIST LeNet trainer with dist_sync; both workers report the same test accuracy (they
// hold the same weights), it beats chance by far after 60 batches, and only worker 0 wrote
// checkpoints.
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <regex>
#include <string>

#include "tests/testing/run_command.h"

namespace {

using mx::testing::RunCommand;

const std::string kData = "/usr/share/datasets/fashion-mnist";

bool Exists(const std::string& p) {
  struct stat st;
  return stat(p.c_str(), &st) == 0;
}

double AccuracyOf(const std::string& out, const std::string& who) {
  size_t p = out.find("[" + who + "] Test-accuracy=");
  if (p == std::string::npos) return -1;
  return std::stod(out.substr(out.find('=', p) + 1));
}

TEST(MainJob, TwoWorkersOneServerTrainLenet) {
  if (!Exists(kData + "/train-images-idx3-ubyte.gz"))
    GTEST_SKIP() << "dataset-fashion-mnist missing";
  const char* tmp = std::getenv("TEST_TMPDIR");
  std::string prefix = std::string(tmp ? tmp : "/tmp") + "/lenet";
  int rc = -1;
  std::string out = RunCommand(
      "launcher/launch -n 2 -s 1 --env MXNET_OMP_MAX_THREADS=1 -- "
      "examples/fashion_mnist/train --kvstore dist_sync --epochs 1 --max-batches 60 --lr 0.1 "
      "--checkpoint " +
          prefix + " 2>&1",
      &rc);
  ASSERT_EQ(rc, 0) << out;
  double a0 = AccuracyOf(out, "worker 0"), a1 = AccuracyOf(out, "worker 1");
  EXPECT_GT(a0, 0.5) << out;
  EXPECT_EQ(a0, a1) << "the workers hold different weights\n" << out;
  EXPECT_NE(out.find("scheduler: 2 worker(s) and 1 server(s) registered"), std::string::npos)
      << out;
  EXPECT_TRUE(Exists(prefix + "-symbol.json")) << out;
  // Fit bound the gradients on cpu_shared: the big ones (conv2 and fc1 weights, 2 keys x 60
  // batches) went to the server without a copy.
  for (const char* w : {"worker 0", "worker 1"}) {
    std::smatch m;
    std::regex line(std::string(w) + ": \\d+ payloads went .*, (\\d+) of them read in place");
    ASSERT_TRUE(std::regex_search(out, m, line)) << w << "\n" << out;
    EXPECT_GE(std::stoi(m[1]), 120) << m[0];
  }
}

}  // namespace
