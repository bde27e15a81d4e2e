// Batch chunks (core/pass/batch_chunks.h): an inference executor runs conv -> batch norm ->
// relu -> pool a few rows at a time, plans those intermediates at one chunk's size, and
// computes what the whole-batch executor computes (also in training mode and under a monitor,
// where it runs the graph whole).
#include <gtest/gtest.h>

#include <cstdlib>
#include <string>

#include "examples/models/networks.h"
#include "tests/testing/gradient_check.h"

namespace mx {
namespace {

// Sets TESSERA_EXEC_BATCH_CHUNK_KB for one scope.
class ChunkKb {
 public:
  explicit ChunkKb(int kb) { setenv("TESSERA_EXEC_BATCH_CHUNK_KB", std::to_string(kb).c_str(), 1); }
  ~ChunkKb() { unsetenv("TESSERA_EXEC_BATCH_CHUNK_KB"); }
};

// An inference executor of `net` with every argument and auxiliary state drawn from a fixed
// seed (moving variances positive), so two binds hold the same values.
Executor Bind(const Symbol& net, const Shape& data, int chunk_kb) {
  ChunkKb kb(chunk_kb);
  SimpleBindArgs a;
  a.shapes = {{"data", data}};
  a.grad_req = GradReq::kNull;
  Executor e = Executor::SimpleBind(net, cpu(), a);
  int seed = 1;
  for (auto& [name, arr] : e.arg_dict()) {
    if (name == "softmax_label") continue;
    random::Seed(seed++);
    testing::Rand(arr.shape()).AsType(kFloat32).CopyTo(arr);
  }
  for (auto& [name, arr] : e.aux_dict()) {
    random::Seed(seed++);
    testing::Rand(arr.shape(), 0.5, 1.5).AsType(kFloat32).CopyTo(arr);
  }
  return e;
}

TEST(BatchChunks, SeedInferencePlansOneChunkAndMatchesTheWholeBatch) {
  // 5 samples whose conv output is 392 KiB each; a 800 KiB target gives chunks of 2, 2 and 1.
  const Shape data{5, 3, 28, 28};
  Executor whole = Bind(models::SeedNet(128, true), data, 0);
  Executor chunked = Bind(models::SeedNet(128, true), data, 800);
  MemoryReport w = whole.memory(), c = chunked.memory();
  EXPECT_EQ(w.chunk_runs, 0);
  EXPECT_EQ(c.chunk_runs, 1);
  const int64_t row = 128 * 28 * 28 * 4, pooled = 5 * row / 4, stat = 128 * 4;
  EXPECT_EQ(w.planned_bytes, 5 * row + 2 * stat + pooled);
  EXPECT_EQ(c.planned_bytes, 2 * row + 2 * stat + pooled);
  EXPECT_EQ(c.naive_bytes, w.naive_bytes);
  EXPECT_EQ(c.num_nodes, w.num_nodes);
  // Twice: the second pass reuses the chunk buffers the first one left behind.
  for (int pass = 0; pass < 2; ++pass)
    testing::ExpectNDArrayNear(chunked.Forward(false)[0], whole.Forward(false)[0], 1e-5,
                               "inference");
}

TEST(BatchChunks, TrainingModeAndMonitorRunTheWholeGraph) {
  // Batch statistics mix samples: Forward(true) must not run by chunks.
  const Shape data{4, 3, 28, 28};
  Executor whole = Bind(models::SeedNet(128, false), data, 0);
  Executor chunked = Bind(models::SeedNet(128, false), data, 400);
  ASSERT_EQ(chunked.memory().chunk_runs, 1);
  testing::ExpectNDArrayNear(chunked.Forward(true)[0], whole.Forward(true)[0], 1e-5, "training");
  testing::ExpectNDArrayNear(chunked.aux_dict().at("bn1_moving_mean"),
                             whole.aux_dict().at("bn1_moving_mean"), 1e-6, "moving mean");
  testing::ExpectNDArrayNear(chunked.Forward(false)[0], whole.Forward(false)[0], 1e-5,
                             "inference after training mode");
  std::vector<Shape> seen;
  chunked.SetMonitorCallback([&](const std::string& name, const NDArray& out) {
    if (name == "conv1_output") seen.push_back(out.shape());
  });
  testing::ExpectNDArrayNear(chunked.Forward(false)[0], whole.Forward(false)[0], 1e-5,
                             "under a monitor");
  EXPECT_EQ(seen, std::vector<Shape>{Shape({4, 128, 28, 28})});
}

TEST(BatchChunks, ResidualBlocksAndAnIntermediateThatIsAlsoAnOutput) {
  // Residual adds read two batch inputs, one from before the run; relu1 is also an output
  // of the graph, so it is written whole, by rows, and read by the rest of the run.
  const Shape data{3, 16, 12, 12};
  Symbol res = models::ResNet(2, 16, 10);
  Executor whole = Bind(res, data, 0);
  Executor chunked = Bind(res, data, 4);
  EXPECT_GE(chunked.memory().chunk_runs, 1);
  EXPECT_LT(chunked.memory().planned_bytes, whole.memory().planned_bytes);
  testing::ExpectNDArrayNear(chunked.Forward(false)[0], whole.Forward(false)[0], 1e-5, "resnet");

  Symbol x = sym::Variable("data");
  Symbol conv = sym::Convolution(x, {{"num_filter", 8}, {"kernel", {3, 3}}, {"pad", {1, 1}}}, "c");
  Symbol relu = sym::Activation(conv, {{"act_type", "relu"}}, "relu1");
  Symbol tail = sym::Pooling(sym::Activation(relu * 2.0, {{"act_type", "tanh"}}, "t"),
                             {{"kernel", {2, 2}}, {"stride", {2, 2}}, {"pool_type", "avg"}}, "p");
  Symbol both = Group({tail, relu});
  Executor w2 = Bind(both, {6, 2, 8, 8}, 0);
  Executor c2 = Bind(both, {6, 2, 8, 8}, 1);
  EXPECT_EQ(c2.memory().chunk_runs, 1);
  const auto& wo = w2.Forward(false);
  const auto& co = c2.Forward(false);
  testing::ExpectNDArrayNear(co[0], wo[0], 1e-5, "pooled");
  testing::ExpectNDArrayNear(co[1], wo[1], 1e-5, "relu1 as an output");
}

TEST(BatchChunks, NotForTrainingExecutorsSmallGraphsOrWhenOff) {
  SimpleBindArgs a;
  a.shapes = {{"data", {4, 3, 28, 28}}};
  {
    ChunkKb kb(1);
    EXPECT_EQ(Executor::SimpleBind(models::SeedNet(16, true), cpu(), a).memory().chunk_runs, 0)
        << "an executor with gradients keeps whole activations for the backward pass";
  }
  a.grad_req = GradReq::kNull;
  EXPECT_EQ(Executor::SimpleBind(models::SeedNet(16, true), cpu(), a).memory().chunk_runs, 0)
      << "the default target is far above this network's 200 KiB intermediates";
  ChunkKb off(0);
  a.shapes = {{"data", {64, 3, 224, 224}}};
  EXPECT_EQ(Executor::SimpleBind(models::SeedNet(16, true), cpu(), a).memory().chunk_runs, 0);
}

}  // namespace
}  // namespace mx
