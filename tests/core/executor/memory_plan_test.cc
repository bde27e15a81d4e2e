// Memory planning: in-place chains, liveness reuse, no gradient buffers for inference, and the
// planned/naive ratios the Symbol issue sets as goals.
#include <gtest/gtest.h>

#include "core/pass/plan_memory.h"
#include "examples/models/networks.h"
#include "tests/testing/gradient_check.h"

namespace mx {
namespace {

MemoryReport Plan(const Symbol& net, const Shape& data, GradReq req) {
  SimpleBindArgs a;
  a.shapes = {{"data", data}};
  a.grad_req = req;
  a.grad_reqs = {{"data", GradReq::kNull}};  // as Module trains: no gradient for the data
  return Executor::SimpleBind(net, cpu(), a).memory();
}

TEST(MemoryPlan, ElementwiseChainRunsInPlace) {
  // x*2 -> relu -> +1 -> tanh -> output: the three intermediates share one buffer.
  Symbol y = sym::tanh(sym::relu(sym::Variable("data") * 2.0) + 1.0);
  MemoryReport r = Plan(y, {1000}, GradReq::kNull);
  EXPECT_EQ(r.naive_bytes, 3 * 4000);
  EXPECT_EQ(r.planned_bytes, 4000);
  SimpleBindArgs a;
  a.shapes = {{"data", {3}}};
  a.grad_req = GradReq::kNull;
  Executor e = Executor::SimpleBind(y, cpu(), a);
  e.arg_dict().at("data").SyncCopyFromCPU(std::vector<float>{-1, 0.5, 2}.data(), 3);
  testing::ExpectNDArrayNear(e.Forward()[0], {std::tanh(1.0), std::tanh(2.0), std::tanh(5.0)},
                             1e-6);
}

TEST(MemoryPlan, InPlaceNeverOverwritesAValueAnotherNodeStillReads) {
  // relu(x*2) is read by tanh and by the final add: tanh must not overwrite it.
  Symbol x = sym::Variable("data");
  Symbol r = sym::relu(x * 2.0);
  Symbol y = sym::tanh(r) + r;
  SimpleBindArgs a;
  a.shapes = {{"data", {2}}};
  a.grad_req = GradReq::kNull;
  Executor e = Executor::SimpleBind(y, cpu(), a);
  e.arg_dict().at("data").SyncCopyFromCPU(std::vector<float>{1, -1}.data(), 2);
  testing::ExpectNDArrayNear(e.Forward()[0], {std::tanh(2.0) + 2, 0}, 1e-6);
}

TEST(MemoryPlan, InferenceHasNoGradientBuffersAndPlansUnderAQuarter) {
  MemoryReport infer = Plan(models::SeedNet(128, true), {8, 3, 28, 28}, GradReq::kNull);
  MemoryReport train = Plan(models::SeedNet(128, true), {8, 3, 28, 28}, GradReq::kWrite);
  EXPECT_LT(infer.num_nodes, train.num_nodes);
  EXPECT_EQ(infer.num_nodes, 6);
  // conv, batch norm and relu share one (8,128,28,28) block (the last two in place); batch
  // norm's two hidden (128) outputs get 512-byte blocks, the fc output reuses one; pooling's
  // (8,128,14,14) output gets its own block. Naive: conv, bn, bn's two hidden, relu, pool, fc.
  const int64_t act = 8 * 128 * 28 * 28 * 4, pooled = act / 4, stat = 128 * 4;
  EXPECT_EQ(infer.planned_bytes, act + 2 * stat + pooled);
  EXPECT_EQ(infer.naive_bytes, 3 * act + 2 * stat + pooled + 8 * 2 * 4);
  // The conv block and the pooled output must coexist: this plan is the least possible.
  EXPECT_EQ(infer.peak_live_bytes, act + pooled);
  MemoryReport res = Plan(models::ResNet(20, 16, 10), {4, 16, 16, 16}, GradReq::kNull);
  EXPECT_LE(res.planned_bytes * 4, res.naive_bytes)
      << res.planned_bytes << " of " << res.naive_bytes;
  // At the batch of 64 the 25.7 MB conv output exceeds the default 4 MiB chunk
  // target: conv, batch norm and relu run 10 rows at a time (batch_chunks_test.cc), so only
  // one 10-row block and the pooled output remain; a quarter is met with room.
  MemoryReport b64 = Plan(models::SeedNet(128, true), {64, 3, 28, 28}, GradReq::kNull);
  EXPECT_EQ(b64.chunk_runs, 1);
  EXPECT_EQ(b64.planned_bytes, act / 8 * 10 + 2 * stat + 8 * pooled);
  EXPECT_LE(b64.planned_bytes * 4, b64.naive_bytes)
      << b64.planned_bytes << " of " << b64.naive_bytes;
}

TEST(MemoryPlan, TrainingPlansAtMostHalfTheNaiveBytes) {
  // The seed network's peak is at the pooling backward: the conv output (batch norm's backward
  // reads it), the relu output (the pooling's data), the pooled gradient and the relu's
  // gradient, plus batch norm's saved mean and variance. The pooled output is not among them:
  // the pooling backward reads only (ograd, data), so it dies after the fc backward.
  MemoryReport seed = Plan(models::SeedNet(128, true), {8, 3, 28, 28}, GradReq::kWrite);
  const int64_t act = 8 * 128 * 28 * 28 * 4, pooled = act / 4, stat = 128 * 4;
  EXPECT_EQ(seed.peak_live_bytes, 3 * act + pooled + 2 * stat);
  EXPECT_LE(seed.planned_bytes * 2, seed.naive_bytes)
      << seed.planned_bytes << " of " << seed.naive_bytes;
  MemoryReport res = Plan(models::ResNet(20, 16, 10), {4, 16, 16, 16}, GradReq::kWrite);
  EXPECT_LE(res.planned_bytes * 2, res.naive_bytes)
      << res.planned_bytes << " of " << res.naive_bytes;
}

TEST(MemoryPlan, BlocksAreReusedAfterTheirLastReader) {
  // Five same-sized fully connected layers in inference: at most two live intermediates.
  Symbol h = sym::Variable("data");
  for (int i = 0; i < 5; ++i) h = sym::FullyConnected(h, {{"num_hidden", 64}});
  MemoryReport r = Plan(h, {16, 64}, GradReq::kNull);
  EXPECT_EQ(r.naive_bytes, 4 * 16 * 64 * 4);
  EXPECT_EQ(r.planned_bytes, 2 * 16 * 64 * 4);
}

}  // namespace
}  // namespace mx
