// The same operator program gives identical bits on NaiveEngine and on the threaded engine with
// several workers (DESIGN.md §4).
#include <gtest/gtest.h>

#include <string>

#include "tests/testing/run_command.h"

namespace {

std::string RunWith(const std::string& env) {
  int code = 0;
  std::string out = mx::testing::RunCommand(env + " tests/core/ops/op_sequence_main", &code);
  EXPECT_EQ(code, 0) << env;
  return out;
}

TEST(Determinism, NaiveAndThreadedEnginesGiveIdenticalBits) {
  std::string naive = RunWith("MXNET_ENGINE_TYPE=NaiveEngine");
  std::string threaded1 = RunWith("MXNET_ENGINE_TYPE=ThreadedEnginePerDevice");
  std::string threaded4 =
      RunWith("MXNET_ENGINE_TYPE=ThreadedEnginePerDevice MXNET_CPU_WORKER_NTHREADS=4");
  ASSERT_EQ(naive.size(), 17u) << naive;
  EXPECT_EQ(naive, threaded1);
  EXPECT_EQ(naive, threaded4);
}

}  // namespace
