// //tools:summary prints MXNet's print_summary table for a symbol file: rows, output shapes
// without the batch axis, parameter counts and the total; errors exit 1 with a message.
#include <gtest/gtest.h>

#include <string>

#include "core/tessera.h"
#include "tests/testing/run_command.h"

namespace {

using mx::testing::RunCommand;
const std::string kDir = "tests/data/mxnet-artifacts/";

TEST(Summary, TabulatesLenet) {
  int rc = -1;
  std::string out = RunCommand(
      "tools/summary --symbol " + kDir + "lenet-symbol.json --shape data=1,1,28,28", &rc);
  EXPECT_EQ(rc, 0);
  EXPECT_NE(out.find("hybridsequential0_conv0_fwd(Convolution)             5x24x24"),
            std::string::npos)
      << out;
  EXPECT_NE(out.find("hybridsequential0_flatten0_flatten0(Flatten)         80 "),
            std::string::npos);
  // conv0 5*1*5*5+5, conv1 5*5*5*5+5, dense0 32*80+32, dense1 10*32+10.
  EXPECT_NE(out.find("130         data"), std::string::npos) << out;
  EXPECT_NE(out.find("Total params: 3682\n"), std::string::npos) << out;
}

TEST(Summary, TotalEqualsTheParameterFileOfDet1) {
  int64_t total = 0;
  for (const auto& kv : mx::nd::LoadDict(kDir + "det1-0001.params")) total += kv.second.size();
  std::string out =
      RunCommand("tools/summary --symbol " + kDir + "det1-symbol.json --shape data=1,3,12,12");
  EXPECT_NE(out.find("Total params: " + std::to_string(total) + "\n"), std::string::npos) << out;
  EXPECT_NE(out.find("prob1(SoftmaxActivation)"), std::string::npos) << out;
}

TEST(Summary, ErrorsAreClear) {
  int rc = 0;
  std::string out = RunCommand("tools/summary --symbol /nonexistent.json --shape data=1 2>&1", &rc);
  EXPECT_EQ(rc, 1);
  EXPECT_NE(out.find("cannot open symbol file /nonexistent.json"), std::string::npos) << out;
  out = RunCommand(
      "tools/summary --symbol " + kDir + "lenet-symbol.json --shape data=1,1,3,3 2>&1", &rc);
  EXPECT_EQ(rc, 1);
  EXPECT_NE(out.find("hybridsequential0_conv0_fwd (Convolution)"), std::string::npos) << out;
  out = RunCommand("tools/summary --symbol x.json --shape data=1,two 2>&1", &rc);
  EXPECT_EQ(rc, 1);
  EXPECT_NE(out.find("'two' is not a positive integer"), std::string::npos) << out;
  out = RunCommand("tools/summary --symbol " + kDir + "lenet-symbol.json 2>&1", &rc);
  EXPECT_EQ(rc, 1);
  EXPECT_NE(out.find("usage: summary"), std::string::npos) << out;
}

}  // namespace
