// SumTeam: a server's sums with helper threads woken ahead of time give SumInOrder's bits.
#include "dist/ps/sum_team.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <cstring>
#include <thread>
#include <vector>

#include "dist/ps/sum.h"

namespace mx {
namespace {

// `k` parts of `n` elements whose sums round differently in another order.
std::vector<std::vector<float>> Parts(size_t k, int64_t n, int salt) {
  std::vector<std::vector<float>> parts(k, std::vector<float>(n));
  for (size_t i = 0; i < k; ++i)
    for (int64_t e = 0; e < n; ++e)
      parts[i][e] = (e % 3 == 0 ? 1e8f : 1.0f) * (i % 2 ? -1.0f : 1.0f) + (e + i + salt) / 3.0f;
  return parts;
}

std::vector<const float*> Pointers(const std::vector<std::vector<float>>& parts) {
  std::vector<const float*> in;
  for (const auto& p : parts) in.push_back(p.data());
  return in;
}

// Waits up to 5 s for `done`, yielding, not sleeping: a helper polls for 200 us only.
template <typename F>
bool Within5s(F done) {
  auto end = std::chrono::steady_clock::now() + std::chrono::seconds(5);
  while (!done()) {
    if (std::chrono::steady_clock::now() > end) return false;
    std::this_thread::yield();
  }
  return true;
}

TEST(SumTeam, ExpectedAndUnexpectedSumsGiveSumInOrdersBits) {
  for (int helpers : {0, 1, 3}) {
    ps::SumTeam team(helpers);
    int salt = 0;
    for (int64_t n : {int64_t(1000), int64_t(65537), int64_t(262144 + 13), int64_t(1 << 20)}) {
      for (size_t k : {size_t(1), size_t(2), size_t(3), size_t(5)}) {
        for (bool expect : {true, false}) {
          auto parts = Parts(k, n, ++salt);
          std::vector<float> want(n), got(n, -7.0f);
          ps::SumInOrder(Pointers(parts), n, want.data());
          if (expect) team.Expect(n);
          team.Sum(Pointers(parts), n, got.data());
          ASSERT_EQ(std::memcmp(got.data(), want.data(), n * sizeof(float)), 0)
              << helpers << " helpers, " << n << " elements, " << k << " parts, "
              << (expect ? "expected" : "unexpected");
        }
      }
    }
  }
}

// The helpers add blocks of an expected sum, and every block exactly once: a block added by
// nobody keeps its -7, so each round starts from garbage, and the parts alternate between two
// sets. Rounds go on until the helper took part (10 s at most): on a loaded machine (tests run
// side by side on two cores) the caller may finish a whole sum before its helper gets a core.
TEST(SumTeam, AwakeHelpersAddPartOfAnExpectedSum) {
  ps::SumTeam team(1);
  const int64_t n = (4 << 20) + 3;  // 4 Mi elements + a partial block: milliseconds of work
  std::vector<std::vector<std::vector<float>>> parts = {Parts(2, n, 0), Parts(2, n, 1)};
  std::vector<std::vector<float>> want(2, std::vector<float>(n));
  for (int i = 0; i < 2; ++i) ps::SumInOrder(Pointers(parts[i]), n, want[i].data());
  std::vector<float> got(n);
  bool helped = false;
  auto end = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  int rounds = 0;
  for (; !helped && std::chrono::steady_clock::now() < end; ++rounds) {
    const int i = rounds % 2;
    std::fill(got.begin(), got.end(), -7.0f);
    int64_t before = team.helper_blocks(), woke = team.wakes();
    team.Expect(n);
    ASSERT_TRUE(Within5s([&] { return team.wakes() > woke; })) << "the helper never woke";
    team.Sum(Pointers(parts[i]), n, got.data());
    ASSERT_EQ(std::memcmp(got.data(), want[i].data(), n * sizeof(float)), 0) << "round " << rounds;
    helped = team.helper_blocks() > before;
  }
  EXPECT_TRUE(helped) << "the awake helper never took part in " << rounds << " expected sums";
}

// An Expect without its Sum (a worker lost before pushing) costs the helpers their polling
// time and no more: they sleep again, and later sums are right.
TEST(SumTeam, HelpersSleepAgainWhenTheExpectedSumDoesNotCome) {
  ps::SumTeam team(2);
  team.Expect(1 << 20);
  ASSERT_TRUE(Within5s([&] { return team.wakes() == 2; })) << "not both helpers woke";
  ASSERT_TRUE(Within5s([&] { return team.polling() == 0; })) << "helpers still polling";
  auto parts = Parts(3, 300000, 1);
  std::vector<float> want(300000), got(300000, -7.0f);
  ps::SumInOrder(Pointers(parts), 300000, want.data());
  std::vector<float> next(300000, -7.0f);
  team.Sum(Pointers(parts), 300000, got.data());  // the stale expectation's sum
  team.Sum(Pointers(parts), 300000, next.data());
  EXPECT_EQ(got, want);
  EXPECT_EQ(next, want);
  EXPECT_EQ(team.polling(), 0);
}

TEST(SumTeam, StopsWhileItsHelpersPoll) {
  for (int i = 0; i < 50; ++i) {
    ps::SumTeam team(3);
    team.Expect(1 << 20);
    if (i % 2) ASSERT_TRUE(Within5s([&] { return team.wakes() > 0; }));
  }  // each destructor joins its helpers; a hang fails the test's time limit
}

}  // namespace
}  // namespace mx
