// Runs //examples/seed:ndarray_basics and checks its output: exactly the golden file (numpy's
// formatting, CPU machine), and, with runs of spaces collapsed as the seed's web copy has them,
// every block the seed prints for its NDArray section, in order.
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "core/base/context.h"
#include "tests/testing/run_command.h"

namespace {

using mx::testing::RunCommand;

std::string Collapse(const std::string& s) {
  std::string r;
  for (char c : s) {
    if (c == ' ' && !r.empty() && r.back() == ' ') continue;
    r += c;
  }
  return r;
}

TEST(SeedNDArray, MatchesGoldenOutput) {
  if (mx::GpuCount() > 0) GTEST_SKIP() << "the golden file is the CPU-only run";
  std::ifstream in("tests/examples/ndarray_basics.expected");
  std::stringstream want;
  want << in.rdbuf();
  EXPECT_EQ(RunCommand("examples/seed/ndarray_basics"), want.str());
}

TEST(SeedNDArray, PrintsEverySeedBlockInOrder) {
  // Verbatim from ../shared/seed (section 01), whose web copy collapsed runs of spaces.
  const std::vector<std::string> seed_blocks = {
      "[[1. 2.]\n [3. 4.]]\n<NDArray 2x2 @cpu(0)>",
      "[[1 2]\n [3 4]]",
      "(2, 2)",
      "(2, 2)",
      "<class 'numpy.float32'>",
      "int64",
      "<class 'numpy.int8'>",
      "int8",
      "[2. 3.]\n<NDArray 2 @cpu(0)>",
      "[2 3]",
      "[[1. 2. 3. 4.]\n [5. 6. 7. 8.]]\n<NDArray 2x4 @cpu(0)>",
      "[[1. 2. 3. 4.]\n [5. 6. 7. 8.]]\n<NDArray 2x4 @cpu(0)>",
      "[[-1. 2. 3. 4.]\n [ 5. 6. 7. 8.]]\n<NDArray 2x4 @cpu(0)>",
      "[[1. 2. 3. 4.]\n [5. 6. 7. 8.]]\n<NDArray 2x4 @cpu(0)>",
      "[[1. 2. 3. 4.]\n [5. 6. 7. 8.]]\n<NDArray 2x4 @cpu(0)>",
      "[[-1. 2. 3. 4.]\n [ 5. 6. 7. 8.]]\n<NDArray 2x4 @cpu(0)>",
      "[[-1. 2. 3. 4.]\n [ 5. 6. 7. 8.]]\n<NDArray 2x4 @cpu(0)>",
      "[[-1. 2. 3. 4.]\n [ 5. 6. 7. 8.]]",
      "[[-1. 2. 3. 4.]\n [ 5. 6. 7. 8.]]\n<NDArray 2x4 @cpu(0)>",
      "cpu(0)",
      // Section 02 (NDArray lines); the seed shows numpy < 1.14's "[ 10." for the first.
      "<NDArray 3 @cpu(0)>",
      "[[[[ 0. 1. 2. 3. 4. 5. 6.]\n [ 7. 8. 9. 10. 11. 12. 13.]\n [14. 15. 16. 17. 18. 19. "
      "20.]\n [21. 22. 23. 24. 25. 26. 27.]]]]\n<NDArray 1x1x4x7 @cpu(0)>",
  };
  std::string out = Collapse(RunCommand("examples/seed/ndarray_basics"));
  size_t pos = 0;
  for (const std::string& block : seed_blocks) {
    size_t at = out.find(block, pos);
    ASSERT_NE(at, std::string::npos) << "missing (in order): " << block << "\nin:\n" << out;
    pos = at + block.size();
  }
  EXPECT_NE(out.find("[10. 21. 36.]\n<NDArray 3 @cpu(0)>"), std::string::npos);
}

TEST(SeedConvolution, MatchesGoldenAndSeed) {
  std::ifstream in("tests/examples/nd_convolution.expected");
  std::stringstream want;
  want << in.rdbuf();
  std::string out = RunCommand("examples/seed/nd_convolution");
  EXPECT_EQ(out, want.str());
  // The seed's web copy drops numpy's blank lines between blocks and collapses spaces; it also
  // lost one ']' after the second filter's block. Its ten blocks, so normalized:
  std::string block = "[[ 72. 81. 90. 99. 108.]\n [135. 144. 153. 162. 171.]]";
  std::string seed = "[[" + block;
  for (int i = 1; i < 10; ++i) seed += "\n " + block;
  seed += "]]\n<NDArray 1x10x2x5 @cpu(0)>";
  std::string normalized;
  for (char c : Collapse(out))
    if (!(c == '\n' && !normalized.empty() && normalized.back() == '\n')) normalized += c;
  EXPECT_NE(normalized.find(seed), std::string::npos) << normalized;
}

}  // namespace
