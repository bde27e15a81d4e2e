// KVStore local/device: sums on push, copies on pull, optimizer updates on the store.
#include "dist/kvstore/kvstore.h"

#include <gtest/gtest.h>

#include <string>

#include "core/tessera.h"
#include "dist/nccl/nccl_comm.h"
#include "tests/testing/gradient_check.h"

namespace mx {
namespace {

using testing::ExpectNDArrayNear;

TEST(KVStore, PushSumsAndPullCopies) {
  for (const char* type : {"local", "device"}) {
    auto kv = kv::Create(type);
    EXPECT_EQ(kv->type(), type);
    kv->Init({3}, {nd::array({1, 1})});
    kv->Push({3}, {{nd::array({1, 2}), nd::array({10, 20}), nd::array({100, 200})}});
    NDArray a = nd::zeros({2}), b = nd::zeros({2});
    kv->Pull({3}, {{a, b}});
    ExpectNDArrayNear(a, {111, 222}, 0);
    ExpectNDArrayNear(b, {111, 222}, 0);
  }
}

TEST(KVStore, OptimizerRunsOnTheStore) {
  auto kv = kv::Create("local");
  kv->Init({0}, {nd::array({1.0, 2.0})});
  kv->SetOptimizer(opt::Create("sgd", {{"learning_rate", 0.1}}));
  NDArray w = nd::zeros({2});
  kv->PushPull({0}, {{nd::array({1.0, 1.0}), nd::array({1.0, 3.0})}}, {{w}});
  ExpectNDArrayNear(w, {1.0 - 0.2, 2.0 - 0.4}, 1e-6);
  EXPECT_EQ(kv->optimizer_states().count(0), 1u);
}

TEST(KVStore, ErrorsNameTheKeyOrType) {
  auto kv = kv::Create();
  kv->Init({1}, {nd::zeros({2})});
  EXPECT_THROW(kv->Init({1}, {nd::zeros({2})}), ValueError);
  EXPECT_THROW(kv->Push({2}, {{nd::zeros({2})}}), ValueError);
  EXPECT_THROW(kv->Push({1}, {{nd::zeros({3})}}), ShapeError);
  NDArray wrong = nd::zeros({3});
  EXPECT_THROW(kv->Pull({1}, {{wrong}}), ShapeError);
  EXPECT_THROW(kv::Create("dist_sync"), ValueError);  // outside a launched job
  EXPECT_THROW(kv->SetGradientCompression({{"type", "2bit"}}), ValueError);  // dist stores only
  EXPECT_THROW(kv::Create("locale"), ValueError);
}

TEST(KVStore, NcclNeedsCudaAndKeepsItsValuesOnGpus) {
  if (!nccl::NcclAvailable()) {  // a build without CUDA or NCCL (CI)
    EXPECT_THROW(kv::Create("nccl"), NotImplementedError);
    return;
  }
  auto kv = kv::Create("nccl");
  EXPECT_EQ(kv->type(), "nccl");
  try {
    kv->Init({0}, {nd::zeros({2})});
    FAIL() << "a CPU initial value was accepted";
  } catch (const ContextError& e) {
    std::string m = e.what();
    EXPECT_NE(m.find("cpu(0)"), std::string::npos) << m;
    EXPECT_NE(m.find("\"local\""), std::string::npos) << m;
  }
}

}  // namespace
}  // namespace mx
