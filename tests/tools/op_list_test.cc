// //tools:op_list prints each operator with its devices and parameters (defaults included).
#include <gtest/gtest.h>

#include <string>

#include "tests/testing/run_command.h"

namespace {

using mx::testing::RunCommand;

TEST(OpList, ShowsParametersWithDefaultsAndDevices) {
  std::string out = RunCommand("tools/op_list Convolution");
  EXPECT_NE(out.find("Convolution  [cpu"), std::string::npos) << out;
  EXPECT_NE(out.find("[gradient]"), std::string::npos) << out;
  EXPECT_NE(out.find("num_filter: an integer, required"), std::string::npos) << out;
  EXPECT_NE(out.find("num_group: an integer, default 1"), std::string::npos) << out;
  EXPECT_NE(out.find("no_bias: a boolean (True/False/1/0), default False"), std::string::npos);
  std::string bn = RunCommand("tools/op_list BatchNorm");
  EXPECT_NE(bn.find("eps: a number, default 0.001"), std::string::npos) << bn;
  EXPECT_NE(bn.find("fix_gamma: a boolean (True/False/1/0), default True"), std::string::npos);
  EXPECT_NE(RunCommand("tools/op_list broadcast_add").find("inputs: lhs, rhs"), std::string::npos);
}

}  // namespace
