// Elastic dist_sync (`launch --elastic`). A worker killed with SIGKILL is dropped after the
// heartbeat limit, the servers finish their rounds with the others (scaling the gradient), the
// launcher keeps the job going, and from the next epoch on the live workers share the lost
// worker's data; with --replace a new worker takes its place at the start of a later epoch
// with the current weights. The small job (elastic_train) checks which rows every worker
// trained and that all end with the same weights; the Fashion-MNIST job checks that the final
// test accuracy stays within one point of an uninterrupted three-worker run.
#include <dirent.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <sstream>
#include <string>
#include <vector>

#include "tests/testing/job_process.h"
#include "tests/testing/run_command.h"

namespace {

using mx::testing::RunCommand;
using mx::testing::RunCommandLines;

// ---- The small job: which rows each worker trained, and the weights they end with. ----

std::string SmallJob(const std::string& extra, const std::string& args) {
  return "launcher/launch -n 3 -s 1 --elastic --env MXNET_OMP_MAX_THREADS=1 "
         "--env TESSERA_PS_HEARTBEAT_TIMEOUT_S=2 " +
         extra + " -- tests/dist/elastic_train --die-rank 1 --die-epoch 1 --die-batch 4 " + args +
         " 2>&1";
}

// The rows `who` ("worker 0", "worker 1 replacement 1") trained in `epoch`; empty when it did
// not report that epoch.
std::vector<int64_t> Rows(const std::string& out, const std::string& who, int epoch) {
  std::string tag = "[" + who + "] rows epoch " + std::to_string(epoch) + ":";
  size_t p = out.find(tag);
  std::vector<int64_t> rows;
  if (p == std::string::npos) return rows;
  std::istringstream line(out.substr(p + tag.size(), out.find('\n', p) - p - tag.size()));
  int64_t r;
  while (line >> r) rows.push_back(r);
  return rows;
}

std::vector<int64_t> Range(int64_t begin, int64_t end) {
  std::vector<int64_t> v;
  for (int64_t i = begin; i < end; ++i) v.push_back(i);
  return v;
}

std::string ParamsSum(const std::string& out, const std::string& who) {
  std::string tag = "[" + who + "] params sum ";
  size_t p = out.find(tag);
  return p == std::string::npos ? "(none)"
                                : out.substr(p + tag.size(), out.find('\n', p) - p - tag.size());
}

TEST(Elastic, LostWorkersRowsAreSharedByTheOthersFromTheNextEpoch) {
  int rc = -1;
  std::string out = RunCommand(SmallJob("", "--epochs 4 --sleep-ms 20"), &rc);
  ASSERT_EQ(rc, 0) << out;
  EXPECT_NE(out.find("[worker 1] worker 1 kills itself before batch 4 of epoch 1"),
            std::string::npos)
      << out;
  EXPECT_NE(out.find("launch: worker 1 exited with code 137; the job goes on without it"),
            std::string::npos)
      << out;
  // Epoch 0: each of the three trained its third of the 240 rows.
  EXPECT_EQ(Rows(out, "worker 0", 0), Range(0, 80)) << out;
  EXPECT_EQ(Rows(out, "worker 1", 0), Range(80, 160)) << out;
  EXPECT_EQ(Rows(out, "worker 2", 0), Range(160, 240)) << out;
  // From epoch 2 on, the two left split all 240 rows.
  for (int epoch = 2; epoch < 4; ++epoch) {
    EXPECT_EQ(Rows(out, "worker 0", epoch), Range(0, 120)) << "epoch " << epoch << "\n" << out;
    EXPECT_EQ(Rows(out, "worker 2", epoch), Range(120, 240)) << "epoch " << epoch << "\n" << out;
  }
  EXPECT_NE(out.find("[worker 2] INFO:root:Epoch[2] Training data re-partitioned over 2 worker(s): "
                     "this worker takes part 1"),
            std::string::npos)
      << out;
  EXPECT_EQ(ParamsSum(out, "worker 0"), ParamsSum(out, "worker 2")) << out;
  EXPECT_NE(ParamsSum(out, "worker 0"), "(none)") << out;
}

TEST(Elastic, ReplacementJoinsAtAnEpochStartWithTheCurrentWeights) {
  int rc = -1;
  const char* tmp = std::getenv("TEST_TMPDIR");
  std::string prefix = std::string(tmp ? tmp : "/tmp") + "/replaced" + std::to_string(getpid());
  std::string out =
      RunCommand(SmallJob("--replace 1", "--epochs 10 --sleep-ms 50 --checkpoint " + prefix), &rc);
  ASSERT_EQ(rc, 0) << out;
  EXPECT_NE(out.find("launch: starting a replacement for worker 1 (1 of 1 allowed by --replace)"),
            std::string::npos)
      << out;
  const std::string joined_tag = "[worker 1 replacement 1] INFO:root:Epoch[";
  size_t p = out.find(joined_tag);
  ASSERT_NE(p, std::string::npos) << "the replacement never joined\n" << out;
  int joined = std::stoi(out.substr(p + joined_tag.size()));
  EXPECT_NE(out.find("] Joined the job in place of a lost worker", p), std::string::npos) << out;
  ASSERT_GE(joined, 2) << out;
  ASSERT_LT(joined, 10) << out;
  for (int epoch = 2; epoch < joined; ++epoch) {  // two workers
    EXPECT_EQ(Rows(out, "worker 0", epoch), Range(0, 120)) << "epoch " << epoch << "\n" << out;
    EXPECT_EQ(Rows(out, "worker 2", epoch), Range(120, 240)) << "epoch " << epoch << "\n" << out;
  }
  for (int epoch = joined; epoch < 10; ++epoch) {  // three again, each its own third
    EXPECT_EQ(Rows(out, "worker 0", epoch), Range(0, 80)) << "epoch " << epoch << "\n" << out;
    EXPECT_EQ(Rows(out, "worker 1 replacement 1", epoch), Range(80, 160))
        << "epoch " << epoch << "\n"
        << out;
    EXPECT_EQ(Rows(out, "worker 2", epoch), Range(160, 240)) << "epoch " << epoch << "\n" << out;
  }
  EXPECT_TRUE(Rows(out, "worker 1 replacement 1", joined - 1).empty()) << out;
  // Checkpoints: complete before the loss, none while worker 1 was missing (the end of epoch
  // 1), complete again once the replacement had joined.
  struct stat st;
  EXPECT_EQ(stat((prefix + "-0001.manifest").c_str(), &st), 0);
  EXPECT_NE(stat((prefix + "-0002.manifest").c_str(), &st), 0);
  EXPECT_NE(out.find("checkpoint " + prefix + "-0002 not completed: 2 of 3 workers are in the job"),
            std::string::npos)
      << out;
  EXPECT_EQ(stat((prefix + "-0010.manifest").c_str(), &st), 0);
  // dist_sync: all three end with the servers' weights, the replacement included.
  EXPECT_NE(ParamsSum(out, "worker 0"), "(none)") << out;
  EXPECT_EQ(ParamsSum(out, "worker 1 replacement 1"), ParamsSum(out, "worker 0")) << out;
  EXPECT_EQ(ParamsSum(out, "worker 2"), ParamsSum(out, "worker 0")) << out;
}

TEST(Elastic, ReplaceNeedsAnElasticLocalJob) {
  for (const char* flags : {"--replace 1", "--elastic --launcher mpi --replace 1"}) {
    int rc = -1;
    std::string out =
        RunCommand(std::string("launcher/launch -n 2 ") + flags + " -- /bin/true 2>&1", &rc);
    EXPECT_EQ(rc, 2) << out;
    EXPECT_NE(out.find("--replace needs --elastic and the local launcher"), std::string::npos)
        << out;
  }
}

// ---- Fashion-MNIST: accuracy after losing a worker. ----

std::string Job(const std::string& token, const std::string& extra) {
  return "launcher/launch -n 3 -s 1 --env TESSERA_PS_TOKEN=" + token +
         " --env MXNET_OMP_MAX_THREADS=1 --env TESSERA_PS_HEARTBEAT_TIMEOUT_S=4 " + extra +
         " -- examples/fashion_mnist/train --kvstore dist_sync --epochs 4 --batch-size 64 "
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

  // Worker 2 is killed at a fixed point of training: when it reports batch 200 of epoch 1 (of
  // 4; 312 batches an epoch). Epochs 2 and 3 run on two workers with all the data.
  std::string token = "el-" + std::to_string(getpid());
  bool killed = false;
  auto kill_at_batch_200 = [&](const std::string& line) {
    if (killed || line.find("[worker 2] INFO:root:Epoch[1] Batch [200]") != 0) return;
    pid_t victim = mx::testing::FindJobProcess(token, "worker", 2, "train");
    killed = victim > 0 && kill(victim, SIGKILL) == 0;
  };
  std::string out = RunCommandLines(Job(token, "--elastic"), kill_at_batch_200, &rc);
  ASSERT_TRUE(killed) << out;
  ASSERT_EQ(rc, 0) << out;
  EXPECT_NE(out.find("launch: worker 2 exited with code 137; the job goes on without it"),
            std::string::npos)
      << out;
  EXPECT_NE(out.find("the job goes on with 2 worker(s) (elastic)"), std::string::npos) << out;
  EXPECT_NE(out.find("[worker 0] INFO:root:Epoch[2] Training data re-partitioned over 2 "
                     "worker(s): this worker takes part 0"),
            std::string::npos)
      << out;
  double got = Accuracy(out);
  EXPECT_NEAR(got, want, 0.01) << "uninterrupted " << want << ", elastic " << got << "\n" << out;
}

}  // namespace
