// A program that returns from main() with engine work still queued or running, for
// exit_test.cc: convolution forward and backward passes (oneDNN on CPU) and float32 GEMMs
// (FullyConnected, dot). Modes (argv[1]):
//   queued   return at once after queueing the work (the drain at exit must finish it);
//   waited   the same, ending with mx::WaitAll() (nothing is pending at exit);
//   failing  also queue an operation that throws, and return without waiting for it.
// Prints "queued <n> operations" on stdout before returning; exits 0 unless the exit crashes.
#include <cstdio>
#include <cstring>
#include <string>

#include "core/tessera.h"

namespace {

mx::Symbol ConvNet() {
  namespace sym = mx::sym;
  mx::Symbol x = sym::Variable("data");
  x = sym::Convolution(x, {{"num_filter", 16}, {"kernel", {3, 3}}, {"pad", {1, 1}}}, "conv1");
  x = sym::Activation(x, {{"act_type", "relu"}}, "relu1");
  x = sym::Convolution(x, {{"num_filter", 32}, {"kernel", {3, 3}}, {"pad", {1, 1}}}, "conv2");
  x = sym::Flatten(x, {}, "flat");
  x = sym::FullyConnected(x, {{"num_hidden", 10}}, "fc");
  return sym::SoftmaxOutput(x, {}, "softmax");
}

}  // namespace

int main(int argc, char** argv) {
  std::string mode = argc > 1 ? argv[1] : "queued";
  if (mode != "queued" && mode != "waited" && mode != "failing") {
    std::fprintf(stderr, "usage: queued_at_exit queued|waited|failing\n");
    return 2;
  }
  mx::SimpleBindArgs args;
  args.shapes = {{"data", {16, 8, 16, 16}}, {"softmax_label", {16}}};
  mx::Executor exec = mx::Executor::SimpleBind(ConvNet(), mx::cpu(), args);
  for (const auto& [name, a] : exec.arg_dict()) mx::nd::random::uniform(-0.1, 0.1, a);
  mx::NDArray m = mx::nd::random::uniform(-1, 1, {256, 256});
  int rounds = 40;
  for (int r = 0; r < rounds; ++r) {
    exec.Forward(true);
    exec.Backward();
    m = mx::nd::dot(m, m) * 0.05f;
  }
  if (mode == "failing") {
    mx::NDArray poisoned = mx::nd::zeros({4});
    mx::Engine::Get()->PushSync(
        [](mx::RunContext) { MX_THROW(ValueError) << "deliberate failure of queued_at_exit"; },
        mx::cpu(), {}, {poisoned.var()});
  }
  std::printf("queued %d rounds\n", rounds);
  std::fflush(stdout);
  if (mode == "waited") mx::WaitAll();
  return 0;
}
