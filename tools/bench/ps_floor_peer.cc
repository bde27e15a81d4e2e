// The parameter-server pattern with nothing else, a peer for //tools/bench:kvstore_bench:
//   ps_floor_peer MB REPS
// Two worker processes and a server process of one machine: each worker copies its float32
// gradient of MB megabytes into shared memory and tells the server over a Unix socket; the
// server waits for both, sums them into shared memory (one thread) and tells both; each worker
// copies the sum out. Blocking waits, as our nodes (three processes spinning on two cores
// starve each other). No engine, no message format, no checks: the least a push-pull of this
// design costs here, to set our implementation against (MPI_Allreduce is another design).
// Prints "ps_floor_MB <median seconds of a round, as worker 0 sees it>".
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <vector>

namespace {

bool Wait(int fd) {
  char c;
  return recv(fd, &c, 1, 0) == 1;
}

bool Tell(int fd) {
  char c = 1;
  return send(fd, &c, 1, MSG_NOSIGNAL) == 1;
}

// Worker `w`: `reps` + 1 rounds (the first a warm-up); worker 0 prints the median.
int Worker(int w, int fd, float* mine, const float* sum, size_t n, int reps, int mb) {
  std::vector<float> grad(n, 1.0f + w), value(n);
  std::vector<double> times;
  for (int r = 0; r <= reps; ++r) {
    auto t0 = std::chrono::steady_clock::now();
    std::memcpy(mine, grad.data(), n * sizeof(float));
    if (!Tell(fd) || !Wait(fd)) return 1;
    std::memcpy(value.data(), sum, n * sizeof(float));
    if (r > 0)
      times.push_back(std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count());
  }
  if (value[n - 1] != 3.0f) return 1;  // 1 + 2: the sum arrived
  std::sort(times.begin(), times.end());
  if (w == 0) std::printf("ps_floor_%d %.9f\n", mb, times[times.size() / 2]);
  std::fflush(stdout);
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  int mb = argc > 1 ? std::atoi(argv[1]) : 1, reps = argc > 2 ? std::atoi(argv[2]) : 5;
  size_t n = static_cast<size_t>(mb) * (1 << 20) / sizeof(float);
  void* shared = mmap(nullptr, 3 * n * sizeof(float), PROT_READ | PROT_WRITE,
                      MAP_SHARED | MAP_ANONYMOUS, -1, 0);
  if (shared == MAP_FAILED) return 1;
  float* g[2] = {static_cast<float*>(shared), static_cast<float*>(shared) + n};
  float* sum = static_cast<float*>(shared) + 2 * n;
  int fds[2][2];
  for (auto& p : fds)
    if (socketpair(AF_UNIX, SOCK_SEQPACKET, 0, p) != 0) return 1;
  pid_t workers[2];
  for (int w = 0; w < 2; ++w) {
    workers[w] = fork();
    if (workers[w] == 0) _exit(Worker(w, fds[w][1], g[w], sum, n, reps, mb));
  }
  bool ok = true;
  for (int r = 0; r <= reps && ok; ++r) {
    ok = Wait(fds[0][0]) && Wait(fds[1][0]);
    for (size_t i = 0; ok && i < n; ++i) sum[i] = g[0][i] + g[1][i];
    ok = ok && Tell(fds[0][0]) && Tell(fds[1][0]);
  }
  int status = 0, failed = ok ? 0 : 1;
  for (pid_t w : workers) {
    waitpid(w, &status, 0);
    failed |= !WIFEXITED(status) || WEXITSTATUS(status) != 0;
  }
  return failed;
}
