// //examples/batch_scaling runs one launched dist_sync job per batch size and tabulates them:
// a short run (30 batches) prints the header and one row per size with a parsed test accuracy.
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <string>

#include "tests/testing/run_command.h"

namespace {

TEST(BatchScaling, TabulatesOneJobPerBatchSize) {
  struct stat st;
  if (stat("/usr/share/datasets/fashion-mnist/train-images-idx3-ubyte.gz", &st) != 0)
    GTEST_SKIP() << "dataset-fashion-mnist missing";
  int rc = -1;
  std::string out = mx::testing::RunCommand(
      "examples/batch_scaling/batch_scaling --epochs 1 --max-batches 30 --sizes 128,256", &rc);
  ASSERT_EQ(rc, 0) << out;
  EXPECT_NE(out.find("batch         lr epochs_to_target    samples/s      final_acc"),
            std::string::npos)
      << out;
  // lr follows the linear rule: 0.05 x 128 / 64 = 0.1, x 256 / 64 = 0.2.
  size_t row128 = out.find("\n       128        0.1 "),
         row256 = out.find("\n       256        0.2 ");
  ASSERT_NE(row128, std::string::npos) << out;
  ASSERT_NE(row256, std::string::npos) << out;
  // 30 batches of LeNet beat chance (0.1) on the test set.
  double acc = std::stod(out.substr(out.find_last_of(' ', out.find('\n', row128 + 1)) + 1));
  EXPECT_GT(acc, 0.15) << out;
  EXPECT_NE(out.find("2 dist_sync workers"), std::string::npos) << out;
}

}  // namespace
