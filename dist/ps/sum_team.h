// Threads that add a server's float32 pushes with it. A round's first push can wake them
// (Expect), so that they are running when the last push arrives: a sleeping thread takes about
// as long to run again here as the whole sum of a 1 MB round, and OpenMP would wake its threads
// only when the sum starts.
#ifndef TESSERA_DIST_PS_SUM_TEAM_H_
#define TESSERA_DIST_PS_SUM_TEAM_H_

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <thread>
#include <vector>

namespace mx {
namespace ps {

class SumTeam {
 public:
  // How long expecting helpers wait for the sum, polling (and yielding their core to any other
  // thread that has work), before they sleep again. Worth an Expect only when the round's last
  // push is likely to come sooner.
  static constexpr double kPollSeconds = 200e-6;

  // `helpers` threads besides the caller's.
  explicit SumTeam(int helpers);
  ~SumTeam();
  SumTeam(const SumTeam&) = delete;
  SumTeam& operator=(const SumTeam&) = delete;

  // A Sum of `n` elements is coming soon: the helpers wake. Nothing for sums too small to share.
  void Expect(int64_t n);

  // SumInOrder (sum.h). An expected one on the caller's thread and every helper running by
  // then, the same bits whoever adds which block; any other on OpenMP's threads, as before.
  void Sum(const std::vector<const float*>& parts, int64_t n, float* out);

  int helpers() const { return static_cast<int>(threads_.size()); }
  // Helpers awake now (polling or adding), the times a helper woke so far, and the blocks
  // (kSumBlock elements) they added so far.
  int polling() const { return polling_.load(); }
  int64_t wakes() const { return wakes_.load(); }
  int64_t helper_blocks() const { return helper_blocks_.load(); }

 private:
  void Helper();
  int64_t Work();  // the blocks this thread added
  void Wake();

  std::vector<std::thread> threads_;
  std::mutex mu_;
  std::condition_variable cv_;
  uint64_t wake_seq_ = 0;        // under mu_
  bool stop_ = false;            // under mu_
  std::atomic<int> pending_{0};  // sums expected and not yet done
  std::atomic<int> polling_{0};
  std::atomic<int64_t> wakes_{0}, helper_blocks_{0};
  // The current sum: its fields are valid while job_seq_ is odd. inside_ counts helpers that
  // may read them.
  std::atomic<uint64_t> job_seq_{0};
  std::atomic<int> inside_{0};
  std::atomic<int64_t> next_{0};  // the next block to take
  const float* const* parts_ = nullptr;
  size_t num_parts_ = 0;
  int64_t n_ = 0, blocks_ = 0, step_ = 1;
  float* out_ = nullptr;
};

}  // namespace ps
}  // namespace mx

#endif  // TESSERA_DIST_PS_SUM_TEAM_H_
