// The engine at process exit (engine.h): a program that returns from main() while convolution
// and GEMM work is still queued or running exits 0, every time, after that work has run; the
// drain says on stderr that it found pending work, and prints the error of a failed operation
// nobody waited for. Before the drain ran ahead of static destruction, the same program died of
// SIGSEGV or heap corruption in most runs (oneDNN's caches and JIT code destroyed under a
// running kernel).
#include <gtest/gtest-spi.h>
#include <gtest/gtest.h>

#include <string>

#include "tests/testing/run_command.h"

namespace {

using mx::testing::DescribeExitCode;
using mx::testing::RunCommand;

const char kProgram[] = "tests/core/engine/queued_at_exit";
const char kPendingNote[] = "still queued or running at exit; waiting for them.";

TEST(EngineExit, ReturningFromMainWithQueuedKernelsExitsCleanlyEveryTime) {
  for (int run = 0; run < 20; ++run) {
    int rc = -1;
    std::string out = RunCommand(std::string(kProgram) + " queued 2>&1", &rc);
    ASSERT_EQ(rc, 0) << "run " << run << ": " << DescribeExitCode(rc) << "\n" << out;
    EXPECT_EQ(out.rfind("queued 40 rounds\n", 0), 0u) << out;
    EXPECT_NE(out.find(kPendingNote), std::string::npos) << "run " << run << ":\n" << out;
    EXPECT_EQ(out.find("failed"), std::string::npos) << out;
  }
}

TEST(EngineExit, TheSameUnderTheNaiveEngine) {
  int rc = -1;
  std::string out =
      RunCommand(std::string("MXNET_ENGINE_TYPE=NaiveEngine ") + kProgram + " queued 2>&1", &rc);
  ASSERT_EQ(rc, 0) << DescribeExitCode(rc) << "\n" << out;
  EXPECT_EQ(out, "queued 40 rounds\n");  // nothing is ever pending
}

TEST(EngineExit, AProgramThatWaitsLeavesNothingToReport) {
  for (int run = 0; run < 3; ++run) {
    std::string out = RunCommand(std::string(kProgram) + " waited 2>&1");
    EXPECT_EQ(out, "queued 40 rounds\n");
  }
}

TEST(EngineExit, AnErrorNobodyWaitedForIsPrintedAtExit) {
  for (int run = 0; run < 3; ++run) {
    int rc = -1;
    std::string out = RunCommand(std::string(kProgram) + " failing 2>&1", &rc);
    ASSERT_EQ(rc, 0) << DescribeExitCode(rc) << "\n" << out;
    EXPECT_NE(out.find("tessera: an operation that nobody waited for failed: "), std::string::npos)
        << out;
    EXPECT_NE(out.find("deliberate failure of queued_at_exit"), std::string::npos) << out;
  }
}

// The harness every test that runs a program relies on (tests/testing/run_command.h).
TEST(RunCommand, FailsTheTestOnACrashOrANonZeroStatus) {
  int rc = -1;
  RunCommand("sh -c 'kill -SEGV $$'", &rc);
  EXPECT_EQ(rc, 128 + 11);
  EXPECT_EQ(DescribeExitCode(rc).rfind("signal 11 (", 0), 0u) << DescribeExitCode(rc);
  EXPECT_NONFATAL_FAILURE(RunCommand("exit 3"), "command failed with exit status 3: exit 3");
  EXPECT_NONFATAL_FAILURE(RunCommand("sh -c 'kill -SEGV $$'"), "command failed with signal 11");
}

}  // namespace
