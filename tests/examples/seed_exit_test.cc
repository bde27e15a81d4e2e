// Every seed program, run several times at small sizes, exits 0 with nothing left for the
// engine's drain at exit to report (each ends with mx::WaitAll(); Module::Fit waits for its last
// update). Module::Fit at 8 samples of 8x8 for one epoch ended with the last batch's backward
// pass still running, and died at exit in 16 of 20 runs.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "tests/testing/run_command.h"

namespace {

using mx::testing::RunCommand;

void RunCleanly(const std::string& program, const std::string& flags, int runs) {
  for (int run = 0; run < runs; ++run) {
    std::string out = RunCommand("examples/seed/" + program + flags + " 2>&1");  // must exit 0
    if (::testing::Test::HasFailure()) return;  // one crash report, not one per run
    EXPECT_EQ(out.find("tessera: "), std::string::npos)
        << program << flags << ", run " << run << ": the drain at exit had work left:\n"
        << out;
  }
}

const char kTiny[] = " --samples 8 --size 8 --epochs 1";

TEST(SeedExit, ModuleFitAtTinySizes) { RunCleanly("module_fit", kTiny, 10); }

TEST(SeedExit, ModuleFitWithALargerStep) {
  RunCleanly("module_fit", " --samples 16 --size 28 --epochs 1 --lr 0.1", 5);
}

TEST(SeedExit, ModuleTrainAtTinySizes) { RunCleanly("module_train", kTiny, 10); }

TEST(SeedExit, TheOtherListings) {
  for (const char* p : {"module_predict", "ndarray_basics", "nd_convolution", "symbol_basics",
                        "executor_basics"})
    RunCleanly(p, "", 3);
}

}  // namespace
