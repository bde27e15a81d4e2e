// The seed's Module listings (section 03): prediction with default initialization prints
// probabilities near 0.5 as the seed shows; listings 3-1 and 3-2 train (shrunk with flags to
// 200 samples of 3x28x28 and learning rate 0.1 so the suite stays fast) and log as the seed does.
#include <gtest/gtest.h>

#include <cstdlib>
#include <sstream>

#include "tests/testing/run_command.h"

namespace {

using mx::testing::RunCommand;

TEST(SeedModule, PredictPrintsProbabilitiesNearOneHalf) {
  std::string out = RunCommand("examples/seed/module_predict");
  std::istringstream in(out);
  std::string line;
  int rows = 0;
  while (std::getline(in, line) && line.rfind("<NDArray", 0) != 0) {
    double a = 0, b = 0;
    size_t open = line.find_last_of('[');
    ASSERT_EQ(std::sscanf(line.c_str() + open + 1, "%lf %lf", &a, &b), 2) << line;
    EXPECT_NEAR(a, 0.5, 0.02) << line;
    EXPECT_NEAR(a + b, 1.0, 1e-5) << line;
    ++rows;
  }
  EXPECT_EQ(rows, 8) << out;
  EXPECT_EQ(line, "<NDArray 8x2 @cpu(0)>");
}

double LastAccuracy(const std::string& out, const std::string& key) {
  size_t at = out.rfind(key);
  return at == std::string::npos ? -1 : std::atof(out.c_str() + at + key.size());
}

const char* kSmall = " --samples 200 --size 28 --lr 0.1";

TEST(SeedModule, ListingThreeOneTrainsTheLoopByHand) {
  std::string out = RunCommand(std::string("examples/seed/module_train") + kSmall);
  EXPECT_EQ(out.rfind("[DataDesc[data,(8, 3, 28, 28),<class 'numpy.float32'>,NCHW]]\n"
                      "[DataDesc[softmax_label,(8,),<class 'numpy.float32'>,NCHW]]\n",
                      0),
            0u)
      << out;
  EXPECT_NE(out.find("Epoch:0 Train_Acc:"), std::string::npos) << out;
  EXPECT_NE(out.find("Epoch:4 Train_Acc:"), std::string::npos) << out;
  EXPECT_GT(LastAccuracy(out, "Train_Acc:"), 0.95) << out;
}

TEST(SeedModule, ListingThreeTwoFitsAndLogsAsMXNet) {
  std::string out = RunCommand(std::string("examples/seed/module_fit") + kSmall + " 2>&1");
  for (int e = 0; e < 5; ++e) {
    std::string epoch = "INFO:root:Epoch[" + std::to_string(e) + "] ";
    EXPECT_NE(out.find(epoch + "Train-accuracy="), std::string::npos) << out;
    EXPECT_NE(out.find(epoch + "Time cost="), std::string::npos) << out;
  }
  EXPECT_GT(LastAccuracy(out, "Train-accuracy="), 0.95) << out;
}

}  // namespace
