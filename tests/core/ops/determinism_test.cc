// The same operator program gives identical bits on NaiveEngine and on the threaded engine with
// several workers (DESIGN.md §4).
#include <gtest/gtest.h>

#include <cstdio>
#include <string>

namespace {

std::string RunWith(const std::string& env) {
  std::string cmd = env + " tests/core/ops/op_sequence_main";
  std::string out;
  FILE* p = popen(cmd.c_str(), "r");
  char buf[256];
  size_t n;
  while ((n = fread(buf, 1, sizeof(buf), p)) > 0) out.append(buf, n);
  EXPECT_EQ(pclose(p), 0) << cmd;
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
