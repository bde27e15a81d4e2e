// Helper for determinism_test: runs a fixed pseudo-random program of NDArray operations over
// many arrays and prints a hash of every result's bits. The same program must print the same
// hash on every engine and worker count.
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <random>

#include "core/tessera.h"

int main() {
  mx::random::Seed(2024);
  std::vector<mx::NDArray> pool;
  for (int i = 0; i < 12; ++i) pool.push_back(mx::nd::random::uniform(-1, 1, {64, 96}));
  std::mt19937 rng(99);
  for (int step = 0; step < 600; ++step) {
    mx::NDArray& a = pool[rng() % pool.size()];
    const mx::NDArray& b = pool[rng() % pool.size()];
    switch (rng() % 7) {
      case 0:
        a = a + b * 0.5;
        break;
      case 1:
        a = mx::nd::tanh(a - b);
        break;
      case 2:
        a += mx::nd::sum(b, {{"axis", 0}, {"keepdims", true}}) * 0.01;
        break;
      case 3:
        a = a + mx::nd::dot(mx::nd::dot(a, mx::nd::transpose(b)), b) * 1e-3;
        break;
      case 4:
        a = mx::nd::clip(a * 1.7, -1, 1);
        break;
      case 5:
        a *= 0.9;
        break;
      default:
        a = mx::nd::sigmoid(a) - mx::nd::mean(b);
        break;
    }
  }
  uint64_t h = 1469598103934665603ull;
  for (const mx::NDArray& a : pool) {
    std::vector<float> v = a.ToVector<float>();
    for (float x : v) {
      uint32_t u;
      std::memcpy(&u, &x, 4);
      h = (h ^ u) * 1099511628211ull;
    }
  }
  std::printf("%016llx\n", static_cast<unsigned long long>(h));
  return 0;
}
