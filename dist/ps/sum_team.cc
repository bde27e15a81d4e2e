#include "dist/ps/sum_team.h"

#include <algorithm>
#include <chrono>

#include "dist/ps/sum.h"

namespace mx {
namespace ps {
namespace {

// Sums of up to this many elements stay on one thread (as in SumInOrder).
constexpr int64_t kMinShared = 1 << 16;

}  // namespace

SumTeam::SumTeam(int helpers) {
  for (int i = 0; i < helpers; ++i) threads_.emplace_back([this] { Helper(); });
}

SumTeam::~SumTeam() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stop_ = true;
  }
  cv_.notify_all();
  for (std::thread& t : threads_) t.join();
}

void SumTeam::Wake() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    ++wake_seq_;
  }
  cv_.notify_all();  // no system call when nobody sleeps
}

void SumTeam::Expect(int64_t n) {
  if (threads_.empty() || n <= kMinShared) return;
  pending_.fetch_add(1);
  Wake();
}

void SumTeam::Helper() {
  using Clock = std::chrono::steady_clock;
  const auto poll =
      std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(kPollSeconds));
  uint64_t seen_wake = 0, seen_job = 0;
  for (;;) {
    {
      std::unique_lock<std::mutex> lock(mu_);
      cv_.wait(lock, [&] { return stop_ || wake_seq_ != seen_wake; });
      if (stop_) return;
      seen_wake = wake_seq_;
    }
    // Take part in the running sum, or poll for an expected one, for kPollSeconds after the
    // last Expect at most.
    polling_.fetch_add(1);
    wakes_.fetch_add(1);
    int pending = pending_.load();
    auto deadline = Clock::now() + poll;
    for (int polls = 1;; ++polls) {
      uint64_t seq = job_seq_.load();
      if ((seq & 1) && seq != seen_job) {
        seen_job = seq;
        inside_.fetch_add(1);
        if (job_seq_.load() == seq) helper_blocks_.fetch_add(Work());  // else it ended first
        inside_.fetch_sub(1);
      }
      if (pending_.load() <= 0 && !(job_seq_.load() & 1)) break;
      std::this_thread::yield();  // a thread with work on this core goes first
      if (polls % 64) continue;
      auto now = Clock::now();
      if (pending_.load() > pending) deadline = now + poll;
      pending = pending_.load();
      if (now > deadline) break;
    }
    polling_.fetch_sub(1);
  }
}

int64_t SumTeam::Work() {
  int64_t added = 0;
  // Runs of step_ blocks: long enough for the prefetchers, short enough to share the end.
  for (int64_t b; (b = next_.fetch_add(step_)) < blocks_;) {
    const int64_t end = std::min(blocks_, b + step_);
    for (int64_t i = b; i < end; ++i)
      SumBlock(parts_, num_parts_, i * kSumBlock, std::min(n_, (i + 1) * kSumBlock), out_);
    added += end - b;
  }
  return added;
}

void SumTeam::Sum(const std::vector<const float*>& parts, int64_t n, float* out) {
  if (parts.size() < 2 || pending_.load() <= 0 || n <= kMinShared) {
    SumInOrder(parts, n, out);  // on OpenMP's threads, woken now
  } else {
    parts_ = parts.data();
    num_parts_ = parts.size();
    n_ = n;
    out_ = out;
    blocks_ = (n + kSumBlock - 1) / kSumBlock;
    step_ = std::max<int64_t>(1, blocks_ / (8 * (helpers() + 1)));
    next_.store(0);
    const uint64_t seq = job_seq_.load() + 1;  // odd: a sum is running
    job_seq_.store(seq);
    Work();  // returns when every block is taken
    // Helpers that got in finish their blocks before they leave; any later stay out. Yielding,
    // in case one of them waits for this core.
    job_seq_.store(seq + 1);
    while (inside_.load() > 0) std::this_thread::yield();
  }
  if (pending_.load() > 0) pending_.fetch_sub(1);  // Expect and Sum come from one thread
}

}  // namespace ps
}  // namespace mx
