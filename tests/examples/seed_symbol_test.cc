// Runs the seed's Symbol and executor listings (section 02) and checks every line they print
// against the seed.
#include <gtest/gtest.h>

#include "tests/testing/run_command.h"

namespace {

using mx::testing::RunCommand;

TEST(SeedSymbol, PrintsTheSeedsListsAndShapes) {
  const std::string want =
      "['data', 'conv1_weight', 'conv1_bias', 'bn1_gamma', 'bn1_beta', 'fc1_weight', "
      "'fc1_bias', 'softmax_label']\n"
      "[(1, 3, 10, 10), (128, 3, 3, 3), (128,), (128,), (128,), (2, 3200), (2,), (1,)]\n"
      "[(1, 2)]\n"
      "[(128,), (128,)]\n"
      "['data', 'conv1_weight', 'conv1_bias', 'bn1_gamma', 'bn1_beta']\n"
      "['data', 'conv1_weight', 'conv1_bias', 'bn1_gamma', 'bn1_beta', 'fc_new_weight', "
      "'fc_new_bias', 'softmax_label']\n";
  EXPECT_EQ(RunCommand("examples/seed/symbol_basics"), want);
}

TEST(SeedSymbol, ExecutorPrintsTheSeedsResult) {
  // The seed shows numpy < 1.14's "[ 10. 21. 36.]"; current numpy (and MXNet 1.x with it) print
  // the row without the leading space.
  EXPECT_EQ(RunCommand("examples/seed/executor_basics"), "[10. 21. 36.]\n<NDArray 3 @cpu(0)>\n");
}

}  // namespace
