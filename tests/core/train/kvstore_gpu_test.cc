// KVStores on the GPU: "device" and "nccl" in one process (several contexts of one GPU are summed
// there, then joined by a single-rank NCCL collective; with several GPUs, by NCCL across them),
// a Module trained through "nccl", and dist_sync_device reducing local GPUs before the servers.
// Every case skips itself on a machine without a GPU.
#include <gtest/gtest.h>

#include <cstring>
#include <string>
#include <vector>

#include "core/tessera.h"
#include "dist/kvstore/kvstore.h"
#include "tests/testing/gradient_check.h"
#include "tests/testing/inproc_job.h"

namespace mx {
namespace {

using testing::ExpectNDArrayNear;

class KVStoreGpu : public ::testing::Test {
 protected:
  void SetUp() override {
    if (GpuCount() == 0) GTEST_SKIP() << "no GPU on this machine";
  }
  static NDArray OnGpu(const std::vector<double>& v, int dev = 0) {
    return nd::array(v, {static_cast<int64_t>(v.size())}, kFloat32, gpu(dev));
  }
};

TEST_F(KVStoreGpu, DeviceAndNcclSumEveryContextOnce) {
  for (const char* type : {"device", "nccl"}) {
    SCOPED_TRACE(type);
    auto kv = kv::Create(type);
    kv->Init({3}, {OnGpu({1, 1})});
    kv->Push({3}, {{OnGpu({1, 2}), OnGpu({10, 20}), OnGpu({100, 200})}});
    NDArray a = OnGpu({0, 0}), b = OnGpu({0, 0});
    kv->Pull({3}, {{a, b}});
    ExpectNDArrayNear(a, {111, 222}, 0);
    ExpectNDArrayNear(b, {111, 222}, 0);
    // Every GPU of the machine once: NCCL across devices when there are several.
    std::vector<NDArray> grads, outs;
    for (int d = 0; d < GpuCount(); ++d) {
      grads.push_back(OnGpu({1.0 + d, 2.0 * d}, d));
      outs.push_back(OnGpu({0, 0}, d));
    }
    kv->Push({3}, {grads});
    kv->Pull({3}, {outs});
    double n = GpuCount();
    for (const NDArray& o : outs) ExpectNDArrayNear(o, {n + n * (n - 1) / 2, n * (n - 1)}, 0);
  }
}

TEST_F(KVStoreGpu, NcclMovesLargeArraysBitExact) {
  random::Seed(5);
  NDArray x = testing::Rand({1 << 20}).AsType(kFloat32),
          y = testing::Rand({1 << 20}).AsType(kFloat32);
  auto kv = kv::Create("nccl");
  kv->Init({0}, {nd::zeros({1 << 20}, gpu(0))});
  kv->Push({0}, {{x.AsInContext(gpu(0))}});
  NDArray out = nd::zeros({1 << 20}, gpu(0));
  kv->Pull({0}, {{out}});
  std::vector<float> got = out.ToVector<float>(), want = x.ToVector<float>();
  EXPECT_EQ(std::memcmp(got.data(), want.data(), want.size() * sizeof(float)), 0);
  // Two contexts of one GPU: x + y, added once in float32, as on the CPU.
  kv->Push({0}, {{x.AsInContext(gpu(0)), y.AsInContext(gpu(0))}});
  kv->Pull({0}, {{out}});
  std::vector<float> sum = (x + y).ToVector<float>();
  got = out.ToVector<float>();
  EXPECT_EQ(std::memcmp(got.data(), sum.data(), sum.size() * sizeof(float)), 0);
}

TEST_F(KVStoreGpu, NcclAppliesTheOptimizerOnTheStore) {
  auto kv = kv::Create("nccl");
  kv->Init({0}, {OnGpu({1.0, 2.0})});
  kv->SetOptimizer(opt::Create("sgd", {{"learning_rate", 0.1}}));
  NDArray w = OnGpu({0, 0}), w2 = OnGpu({0, 0});
  kv->PushPull({0}, {{OnGpu({1.0, 1.0}), OnGpu({1.0, 3.0})}}, {{w, w2}});
  ExpectNDArrayNear(w, {1.0 - 0.2, 2.0 - 0.4}, 1e-6);
  ExpectNDArrayNear(w2, {1.0 - 0.2, 2.0 - 0.4}, 1e-6);
}

TEST_F(KVStoreGpu, NcclRejectsCpuArraysAndMixedDtypes) {
  auto kv = kv::Create("nccl");
  kv->Init({0}, {OnGpu({1.0, 2.0})});
  NDArray host = nd::zeros({2});
  try {
    kv->Pull({0}, {{host}});
    FAIL() << "a CPU output was accepted";
  } catch (const ContextError& e) {
    EXPECT_NE(std::string(e.what()).find("cpu(0)"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("key 0"), std::string::npos) << e.what();
  }
  EXPECT_THROW(kv->Push({0}, {{OnGpu({1, 1}), OnGpu({1, 1}).AsType(kFloat64)}}), TypeError);
}

TEST_F(KVStoreGpu, ModuleTrainsThroughNcclAsThroughDevice) {
  Symbol net = sym::SoftmaxOutput(
      sym::FullyConnected(sym::Variable("data"), {{"num_hidden", 3}}, "fc1"), {}, "softmax");
  mod::Module dev(net, {gpu(0), gpu(0)}), nc(net, {gpu(0), gpu(0)});
  for (auto [m, kv] : {std::make_pair(&dev, "device"), std::make_pair(&nc, "nccl")}) {
    m->Bind({{"data", {8, 5}}}, {{"softmax_label", {8}}});
    random::Seed(11);
    m->InitParams();
    m->InitOptimizer(kv, "sgd", {{"learning_rate", 0.5}, {"momentum", 0.9}});
  }
  for (int step = 0; step < 3; ++step) {
    NDArray x = testing::Rand({8, 5}).AsType(kFloat32);
    NDArray y = nd::array({0, 1, 2, 0, 1, 2, 2, 1});
    for (mod::Module* m : {&dev, &nc}) {
      m->Forward(io::DataBatch({x}, {y}));
      m->Backward();
      m->Update();
    }
  }
  auto [p1, a1] = dev.GetParams();
  auto [p2, a2] = nc.GetParams();
  for (const auto& kv : p1) ExpectNDArrayNear(p2.at(kv.first), kv.second, 1e-6, kv.first);
  EXPECT_NE(p1.at("fc1_weight").ToVector<float>(), nd::zeros({3, 5}).ToVector<float>());
}

TEST_F(KVStoreGpu, DistSyncDeviceSumsLocalGpusThenWorkers) {
  testing::RunInprocJob(
      "gpu_sync_device", "dist_sync_device", 2, 1, 1000000,
      [](int rank, const std::shared_ptr<kv::KVStore>& store) {
        NDArray w = OnGpu({1.0, 1.0, 1.0});
        store->Init({0}, {w});
        store->SetOptimizer(opt::Create("sgd", {{"learning_rate", 0.1}}));
        for (int step = 0; step < 2; ++step) {
          // Two contexts per worker: (1 + 2) on worker 0, (11 + 12) on worker 1.
          NDArray g1 = OnGpu({1.0 + 10 * rank, 0, 1}), g2 = OnGpu({2.0 + 10 * rank, 0, 1});
          NDArray w2 = OnGpu({0, 0, 0});
          store->PushPull({0}, {{g1, g2}}, {{w, w2}});
          double total = 3 + 23;
          ExpectNDArrayNear(w, {1.0 - 0.1 * total * (step + 1), 1.0, 1.0 - 0.4 * (step + 1)}, 1e-5);
          ExpectNDArrayNear(w2, w.ToVector<double>(), 0);
        }
      });
}

}  // namespace
}  // namespace mx
