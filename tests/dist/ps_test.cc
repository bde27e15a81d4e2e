// The parameter server in one process: scheduler, servers and workers on threads talking over
// ZeroMQ inproc endpoints, and the wire format's checks.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <cstring>
#include <thread>
#include <vector>

#include "core/tessera.h"
#include "dist/kvstore/dist_kvstore.h"
#include "dist/ps/message.h"
#include "dist/ps/roles.h"
#include "dist/ps/stream_copy.h"
#include "dist/ps/sum.h"
#include "dist/ps/transport.h"
#include "tests/testing/inproc_job.h"

namespace mx {
namespace {

using ps::FrameView;
using ps::Message;
using ps::MsgType;

std::vector<char> HeaderBytes(const Message& m, uint64_t token) {
  ps::Header h = ps::EncodeHeader(m, token);
  std::vector<char> b(sizeof(h));
  std::memcpy(b.data(), &h, sizeof(h));
  return b;
}

TEST(WireFormat, RoundTripsAndRejectsBadMessages) {
  Message m;
  m.type = MsgType::kPush;
  m.sender = 3;
  m.key = 7;
  m.round = 2;
  m.meta = "abc";
  m.data = ps::CopyBytes("xxxxxxxx", 8);
  std::vector<char> h = HeaderBytes(m, 42);
  Message out;
  std::string why;
  ASSERT_TRUE(
      ps::Decode({{h.data(), h.size()}, {"abc", 3}, {m.data->data(), 8}}, 42, 1 << 20, &out, &why))
      << why;
  EXPECT_EQ(out.type, MsgType::kPush);
  EXPECT_EQ(out.key, 7);
  EXPECT_EQ(out.round, 2);
  EXPECT_EQ(out.meta, "abc");
  EXPECT_EQ(out.data_size(), 8u);
  // Another job's token.
  EXPECT_FALSE(
      ps::Decode({{h.data(), h.size()}, {"abc", 3}, {m.data->data(), 8}}, 43, 1 << 20, &out, &why));
  EXPECT_NE(why.find("token"), std::string::npos) << why;
  // Truncated payload.
  EXPECT_FALSE(
      ps::Decode({{h.data(), h.size()}, {"abc", 3}, {m.data->data(), 5}}, 42, 1 << 20, &out, &why));
  EXPECT_NE(why.find("truncated"), std::string::npos) << why;
  // Oversized.
  EXPECT_FALSE(
      ps::Decode({{h.data(), h.size()}, {"abc", 3}, {m.data->data(), 8}}, 42, 4, &out, &why));
  EXPECT_NE(why.find("exceeds"), std::string::npos) << why;
  // Random bytes, short header, wrong version.
  std::vector<char> junk(sizeof(ps::Header), 'q');
  EXPECT_FALSE(ps::Decode({{junk.data(), junk.size()}}, 42, 1 << 20, &out, &why));
  EXPECT_NE(why.find("magic"), std::string::npos) << why;
  EXPECT_FALSE(ps::Decode({{h.data(), 10}}, 42, 1 << 20, &out, &why));
  std::vector<char> v2 = h;
  v2[4] = 9;
  EXPECT_FALSE(ps::Decode({{v2.data(), v2.size()}, {"abc", 3}, {m.data->data(), 8}}, 42, 1 << 20,
                          &out, &why));
  EXPECT_NE(why.find("version"), std::string::npos) << why;
}

// A job of `workers` workers and `servers` servers on threads (tests/testing/inproc_job.h).
void RunJob(const std::string& name, const std::string& type, int workers, int servers,
            int64_t bigarray_bound, const std::function<void(int, kv::KVStore*)>& work,
            const std::function<void(ps::PsConfig*)>& configure = nullptr) {
  testing::RunInprocJob(
      name, type, workers, servers, bigarray_bound,
      [&](int rank, const std::shared_ptr<kv::KVStore>& store) {
        EXPECT_EQ(store->rank(), rank);
        EXPECT_EQ(store->num_workers(), workers);
        work(rank, store.get());
      },
      configure);
}

std::vector<double> Values(const NDArray& a) { return a.AsType(kFloat64).ToVector<double>(); }

TEST(ParameterServer, SyncSumsEveryWorkerOnceAndSlicesBigKeys) {
  // Key 0 has 25 elements (> bound 10): sliced over both servers; key 1 lives on one.
  RunJob("sync", "dist_sync", 2, 2, 10, [](int rank, kv::KVStore* store) {
    NDArray w0 = nd::ones({5, 5}) * (rank == 0 ? 1.0 : 9.0);  // worker 0's values win
    NDArray w1 = nd::ones({3}) * 2.0;
    store->Init({0, 1}, {w0, w1});
    EXPECT_EQ(Values(w0), std::vector<double>(25, 1.0));
    store->SetOptimizer(opt::Create("sgd", {{"learning_rate", 0.1}}));
    for (int step = 0; step < 3; ++step) {
      NDArray g0 = nd::ones({5, 5}) * (rank + 1.0), g1 = nd::ones({3}) * (rank + 1.0);
      store->Push({0, 1}, {{g0}, {g1}});
      store->Pull({0, 1}, {{w0}, {w1}});
      // Each round subtracts lr * (1 + 2): the servers summed both workers exactly once.
      for (double v : Values(w0)) EXPECT_NEAR(v, 1.0 - 0.3 * (step + 1), 1e-6);
      for (double v : Values(w1)) EXPECT_NEAR(v, 2.0 - 0.3 * (step + 1), 1e-6);
    }
  });
}

// PushPull sends each slice one push-pull message that the server answers once the round is
// complete: the same weights as Push then Pull, whichever the rounds mix, for sliced keys,
// several outputs (one of another dtype, staged through a CPU copy) and an output that is
// the pushed array itself (sent as a push and a pull).
TEST(ParameterServer, PushPullGivesWhatPushThenPullGives) {
  RunJob("pushpull", "dist_sync", 2, 2, 10, [](int rank, kv::KVStore* store) {
    NDArray w0 = nd::ones({5, 5}), w1 = nd::ones({3}) * 2.0;
    NDArray w0_copy = nd::zeros({5, 5}, cpu(), kFloat64);
    store->Init({0, 1}, {w0, w1});
    store->SetOptimizer(opt::Create("sgd", {{"learning_rate", 0.1}}));
    for (int step = 0; step < 4; ++step) {
      NDArray g0 = nd::ones({5, 5}) * (rank + 1.0), g1 = nd::ones({3}) * (rank + 1.0);
      if (step % 2 == 0) {
        store->PushPull({0, 1}, {{g0}, {g1}}, {{w0, w0_copy}, {w1}});
      } else {
        store->Push({0, 1}, {{g0}, {g1}});
        store->Pull({0, 1}, {{w0, w0_copy}, {w1}});
      }
      for (double v : Values(w0)) ASSERT_NEAR(v, 1.0 - 0.3 * (step + 1), 1e-6) << step;
      for (double v : Values(w0_copy)) ASSERT_NEAR(v, 1.0 - 0.3 * (step + 1), 1e-6) << step;
      for (double v : Values(w1)) ASSERT_NEAR(v, 2.0 - 0.3 * (step + 1), 1e-6) << step;
    }
    // The weights pushed as their own gradient: w1 - 0.1 * (w1 + w1) on both workers.
    store->PushPull({1}, {{w1}}, {{w1}});
    for (double v : Values(w1)) ASSERT_NEAR(v, 0.8 * (2.0 - 1.2), 1e-6);
    EXPECT_THROW(store->PushPull({0, 1}, {{w0}}, {{w0}, {w1}}), ValueError);
    EXPECT_THROW(store->PushPull({1}, {{w1}}, {{w0}}), ShapeError);
  });
}

// dist_async: the server applies a push-pull's push, then answers it with the weights as they
// stand, which include it.
TEST(ParameterServer, AsyncPushPullSeesItsOwnPush) {
  RunJob("async-pushpull", "dist_async", 2, 1, 1000000, [](int rank, kv::KVStore* store) {
    NDArray w = nd::zeros({4});
    store->Init({3}, {w});
    store->SetOptimizer(opt::Create("sgd", {{"learning_rate", 1.0}}));
    store->PushPull({3}, {{nd::ones({4}) * (rank + 1.0)}}, {{w}});
    for (double x : Values(w)) EXPECT_TRUE(x == -(rank + 1.0) || x == -3.0) << x;
    store->Barrier();
  });
}

// Uneven data: worker 1 runs out after one round; worker 0's later rounds complete without it,
// and in the next epoch both take part again.
TEST(ParameterServer, WorkerThatRunsOutEndsTheEpochCleanly) {
  RunJob("uneven", "dist_sync", 2, 2, 10, [](int rank, kv::KVStore* store) {
    NDArray w = nd::zeros({12});  // sliced over both servers
    store->Init({0}, {w});
    store->SetOptimizer(opt::Create("sgd", {{"learning_rate", 1.0}}));
    int rounds = rank == 0 ? 3 : 1;
    for (int r = 0; r < rounds; ++r) {
      store->Push({0}, {{nd::ones({12}) * (rank + 1.0)}});
      store->Pull({0}, {{w}});
    }
    store->EpochEnd();
    store->Pull({0}, {{w}});
    for (double v : Values(w)) EXPECT_NEAR(v, -(1 + 2) - 1 - 1, 1e-6);  // -5
    store->Push({0}, {{nd::ones({12}) * (rank + 1.0)}});                // next epoch: both again
    store->Pull({0}, {{w}});
    for (double v : Values(w)) EXPECT_NEAR(v, -8, 1e-6);
  });
}

// 2-bit compression with error feedback against a reference written here: each worker keeps a
// residual, sends +-threshold where residual + gradient reaches it, and the servers (no
// optimizer) store the sum of what was sent. Key 0 is sliced over both servers.
TEST(ParameterServer, TwoBitCompressionMatchesItsReference) {
  const int kRounds = 4, kN = 21;
  const double kThreshold = 0.5;
  auto grad = [](int rank, int round, int i) {
    return 0.3 * (rank + 1) * ((i % 3) - 1) + 0.05 * round - 0.01 * i;
  };
  // Reference: the sum after each round.
  std::vector<std::vector<double>> want(kRounds, std::vector<double>(kN, 0));
  for (int rank = 0; rank < 2; ++rank) {
    std::vector<float> residual(kN, 0.0f);
    for (int round = 0; round < kRounds; ++round)
      for (int i = 0; i < kN; ++i) {
        float r = residual[i] + static_cast<float>(grad(rank, round, i));
        float sent = r >= kThreshold ? 0.5f : r <= -kThreshold ? -0.5f : 0.0f;
        residual[i] = r - sent;
        want[round][i] += sent;
      }
  }
  RunJob("twobit", "dist_sync", 2, 2, 10, [&](int rank, kv::KVStore* store) {
    NDArray w = nd::zeros({kN});
    store->Init({0}, {w});
    store->SetGradientCompression({{"type", "2bit"}, {"threshold", "0.5"}});
    for (int round = 0; round < kRounds; ++round) {
      std::vector<double> g(kN);
      for (int i = 0; i < kN; ++i) g[i] = grad(rank, round, i);
      store->Push({0}, {{NDArray(g.data(), {kN}, kFloat64).AsType(kFloat32)}});
      store->Pull({0}, {{w}});
      std::vector<double> got = Values(w);
      for (int i = 0; i < kN; ++i)
        EXPECT_EQ(got[i], want[round][i]) << "round " << round << " i " << i;
    }
  });
}

// float16 transport: 40000 + 40000 overflows float16 (max 65504), but pre-division by the
// worker count keeps every transported value in range and the server sums in float32.
TEST(ParameterServer, Float16TransportDoesNotOverflow) {
  RunJob("fp16", "dist_sync", 2, 1, 1000000, [](int rank, kv::KVStore* store) {
    NDArray w = nd::zeros({3});
    store->Init({0}, {w});
    store->SetGradientCompression({{"type", "fp16"}});
    store->Push({0}, {{nd::ones({3}) * 40000.0}});
    store->Pull({0}, {{w}});
    for (double v : Values(w)) EXPECT_EQ(v, 80000.0);
    EXPECT_THROW(store->SetGradientCompression({{"type", "3bit"}}), ValueError);
    EXPECT_THROW(store->SetGradientCompression({{"type", "2bit"}, {"threshold", "-1"}}),
                 ValueError);
    EXPECT_THROW(store->SetGradientCompression({{"kind", "2bit"}}), ValueError);
    (void)rank;
  });
}

// A float16 key with multi_precision SGD: the servers keep a float32 master copy, so updates
// far below float16's resolution at 1.0 (spacing 2^-10) still add up; without it the weight
// would stay 1.0.
TEST(ParameterServer, Float16KeysKeepFloat32MasterWeightsOnTheServers) {
  RunJob("mp16", "dist_sync", 2, 1, 1000000, [](int rank, kv::KVStore* store) {
    NDArray w = nd::ones({4}, cpu(), kFloat16);
    store->Init({0}, {w});
    store->SetOptimizer(opt::Create("sgd", {{"learning_rate", 1e-4}, {"multi_precision", true}}));
    for (int step = 0; step < 20; ++step) {
      store->Push({0}, {{nd::ones({4}, cpu(), kFloat16) * 0.5}});  // sum of both: 1.0
      store->Pull({0}, {{w}});
    }
    // float32 master: 1 - 20 * 1e-4 = 0.998, whose nearest float16 is 0.998046875.
    for (double v : Values(w)) EXPECT_EQ(v, 0.998046875);
    (void)rank;
  });
}

TEST(ParameterServer, AsyncAppliesEachPush) {
  RunJob("async", "dist_async", 2, 1, 1000000, [](int rank, kv::KVStore* store) {
    NDArray w = nd::zeros({4});
    store->Init({3}, {w});
    store->SetOptimizer(opt::Create("sgd", {{"learning_rate", 1.0}}));
    store->Push({3}, {{nd::ones({4}) * (rank + 1.0)}});
    store->Barrier();  // both pushes have been sent; the server applies each as it arrives
    // A pull returns the value as it stands: after both pushes it is 0 - 1 - 2.
    std::vector<double> v;
    for (int i = 0; i < 100; ++i) {
      store->Pull({3}, {{w}});
      v = Values(w);
      if (v[0] <= -3.0 + 1e-6) break;
      EXPECT_TRUE(v[0] == -1.0 || v[0] == -2.0) << v[0];  // one push applied so far
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    for (double x : v) EXPECT_NEAR(x, -3.0, 1e-6);
    store->Barrier();
  });
}

TEST(ParameterServer, WithoutOptimizerStoresTheSum) {
  RunJob("plain", "dist_sync", 3, 1, 1000000, [](int rank, kv::KVStore* store) {
    NDArray w = nd::zeros({2});
    store->Init({0}, {w});
    store->Push({0}, {{nd::ones({2}) * (rank + 1.0), nd::ones({2})}});  // two local devices
    store->Pull({0}, {{w}});
    for (double v : Values(w)) EXPECT_NEAR(v, 1 + 2 + 3 + 3, 1e-6);
  });
}

// 20,000 elements (80 KB): payloads go through shared memory, and without an optimizer the
// server sums each round into the region that answers the pulls. An optimizer set later
// updates the last sum in memory of its own.
TEST(ParameterServer, SumsAnswerPullsRoundAfterRoundThenAnOptimizerUpdatesThem) {
  RunJob("plain-big", "dist_sync", 3, 1, 1000000, [](int rank, kv::KVStore* store) {
    const int64_t n = 20000;
    NDArray w = nd::zeros({n});
    store->Init({0}, {w});
    for (int round = 1; round <= 4; ++round) {
      store->Push({0}, {{nd::ones({n}) * (rank + round), nd::ones({n})}});
      store->Pull({0}, {{w}});
      std::vector<double> v = Values(w);  // (0 + 1 + 2) + 3 round + 3 ones
      for (int64_t i = 0; i < n; i += 997) ASSERT_NEAR(v[i], 3.0 * round + 6, 1e-6) << i;
      ASSERT_NEAR(v[n - 1], 3.0 * round + 6, 1e-6);
    }
    store->SetOptimizer(opt::Create("sgd", {{"learning_rate", 0.5}}));
    store->Push({0}, {{nd::ones({n})}});
    store->Pull({0}, {{w}});
    for (double v : Values(w)) ASSERT_NEAR(v, 18 - 0.5 * 3, 1e-6);  // the three ones summed
  });
}

// The server's sum, block by block in one pass, gives exactly the adds of a plain loop over
// the parts in order, for any number of parts and sizes around its block and thread limits.
// Gradients in cpu_shared memory (dist/ps/shm_arrays.h): a push-pull's server reads them where
// they lie, also a slice of a key split over two servers; the sums are right round after round
// with the gradients rewritten in between. A plain push still sends a copy: the gradient
// rewritten right after it, while the round waits for the other worker, does not change the sum.
TEST(ParameterServer, CpuSharedGradientsSumRightAndAPlainPushSendsACopy) {
  RunJob("cpu-shared", "dist_sync", 2, 2, 60000, [](int rank, kv::KVStore* store) {
    const int64_t n = 100000;  // sliced at 50000 (200 KB, 8-byte aligned)
    NDArray w = nd::zeros({n});
    store->Init({0}, {w});
    // Both stores exist: in one process the last one's shared memory serves every cpu_shared
    // array from here on, so one of the two workers sends its gradients without copies.
    store->Barrier();
    NDArray g = nd::zeros({n}, cpu_shared());
    for (int round = 1; round <= 3; ++round) {
      (nd::arange(0, n, 1, 1, cpu()) * double(rank + round)).CopyTo(g);
      store->PushPull({0}, {{g}}, {{w}});
      std::vector<double> v = Values(w);  // sum of i * (0 + round) + i * (1 + round)
      for (int64_t i = 0; i < n; i += 4999) ASSERT_NEAR(v[i], i * (2.0 * round + 1), 1e-3) << i;
      ASSERT_NEAR(v[n - 1], (n - 1) * (2.0 * round + 1), 1e-1);
    }
    for (int late = 0; late < 2; ++late) {  // each worker once the early one
      NDArray one = nd::ones({n}, cpu_shared());
      if (rank == late) std::this_thread::sleep_for(std::chrono::milliseconds(300));
      store->Push({0}, {{one}});
      if (rank != late) (nd::ones({n}) * 100.0).CopyTo(one);  // before the round ends
      store->Pull({0}, {{w}});
      for (double v : Values(w)) ASSERT_EQ(v, 2.0) << "late worker " << late;
    }
  });
}

TEST(ServerSum, AddsThePartsInOrderExactly) {
  for (int64_t n : {int64_t(1), int64_t(4095), int64_t(4097), int64_t(70001)}) {
    for (size_t k : {size_t(1), size_t(2), size_t(3), size_t(5)}) {
      std::vector<std::vector<float>> parts(k, std::vector<float>(n));
      for (size_t i = 0; i < k; ++i)
        for (int64_t e = 0; e < n; ++e)
          parts[i][e] = (e % 3 == 0 ? 1e8f : 1.0f) * (i % 2 ? -1.0f : 1.0f) + (e + i) / 3.0f;
      std::vector<const float*> in;
      for (const auto& p : parts) in.push_back(p.data());
      std::vector<float> got(n, -7.0f), want(n);
      ps::SumInOrder(in, n, got.data());
      for (int64_t e = 0; e < n; ++e) {
        float acc = parts[0][e];
        for (size_t i = 1; i < k; ++i) acc = acc + parts[i][e];
        want[e] = acc;
      }
      ASSERT_TRUE(got == want) << n << " elements, " << k << " parts";
    }
  }
}

TEST(StreamCopy, CopiesEveryByteAtAnyAlignmentAndSizeAndNothingElse) {
  const size_t big = ps::kStreamCopyMinBytes;
  for (size_t n : {size_t(0), size_t(1), size_t(63), size_t(1000), big - 1, big, big + 17,
                   2 * big + (1 << 20) + 5}) {
    for (size_t src_off : {0, 3}) {
      for (size_t dst_off : {0, 1, 8, 15}) {
        std::vector<char> src(n + src_off), dst(n + dst_off + 64, '\x5a');
        for (size_t i = 0; i < src.size(); ++i) src[i] = static_cast<char>((i * 131 + 7) % 251);
        ps::StreamCopy(dst.data() + dst_off, src.data() + src_off, n);
        ASSERT_EQ(std::memcmp(dst.data() + dst_off, src.data() + src_off, n), 0)
            << n << " bytes, offsets " << src_off << " / " << dst_off;
        for (size_t i = 0; i < dst_off; ++i) ASSERT_EQ(dst[i], '\x5a') << "before, " << n;
        for (size_t i = dst_off + n; i < dst.size(); ++i)
          ASSERT_EQ(dst[i], '\x5a') << "after, " << n;
      }
    }
  }
}

// Three workers push 1, 1e8 and -1e8 (and i / 7 beside them) as 1 MB keys, without an
// optimizer. In float32 the rank order gives (1 + 1e8) - 1e8 = 0, any other grouping 1: the
// server adds in rank order whichever push came first, through shared memory or (worker 2
// off it) frames alike, and a checkpoint taken after the rounds holds the last sum.
std::vector<float> RankOrderRounds(const std::string& name, bool worker2_off_shm) {
  const int64_t n = 1 << 18;
  std::vector<float> result;
  std::string shard = ::testing::TempDir() + "/" + name;
  RunJob(
      name, "dist_sync", 3, 1, 1000000,
      [&](int rank, kv::KVStore* store) {
        NDArray w = nd::zeros({n});
        store->Init({0}, {w});
        std::vector<float> g(n);
        const float first[] = {1.0f, 1e8f, -1e8f};
        for (int64_t i = 0; i < n; ++i) g[i] = i % 2 ? first[rank] : (i + rank) / 7.0f;
        for (int round = 0; round < 3; ++round) {  // regions are reused from round 3 on
          // Pushes arrive in another order each round.
          std::this_thread::sleep_for(std::chrono::milliseconds(20 * ((rank + round) % 3)));
          store->Push({0}, {{NDArray(g.data(), Shape{n}, kFloat32)}});
          store->Pull({0}, {{w}});
          std::vector<float> v = w.ToVector<float>();
          ASSERT_EQ(v[1], 0.0f) << "not added in rank order";
          ASSERT_EQ(v[n - 2], ((n - 2) / 7.0f + (n - 1) / 7.0f) + n / 7.0f);
          if (rank == 0 && round == 2) result = v;
        }
        std::vector<std::string> paths = store->SaveServerShards(shard);
        if (rank != 0) return;
        ASSERT_EQ(paths.size(), 1u);
        std::vector<float> saved = nd::LoadDict(paths[0]).at("key:0:weight").ToVector<float>();
        EXPECT_TRUE(saved == result) << "the checkpoint does not hold the last round's sum";
      },
      [&](ps::PsConfig* c) {
        if (worker2_off_shm && c->role == ps::Role::kWorker && c->preferred_rank == 2)
          c->shm_bytes = 0;
      });
  return result;
}

TEST(ParameterServer, SumsInRankOrderBitForBitThroughSharedMemoryOrFrames) {
  std::vector<float> shared = RankOrderRounds("order-shm", false);
  std::vector<float> mixed = RankOrderRounds("order-mixed", true);
  ASSERT_EQ(shared.size(), size_t(1) << 18);
  EXPECT_TRUE(shared == mixed);
}

// What SetOptimizer ships: the rebuilt optimizer (schedule, multipliers and names included)
// makes exactly the same updates as the original.
TEST(OptimizerSpec, RebuiltOptimizerUpdatesIdentically) {
  std::unique_ptr<opt::Optimizer> a =
      opt::Create("sgd", {{"learning_rate", 0.3}, {"momentum", 0.9}, {"wd", 0.01}});
  a->set_rescale_grad(0.125);
  a->SetParamNames({{0, "fc_weight"}, {1, "fc_bias"}});
  a->SetLrMult({{"fc_bias", 2.0}});
  a->set_lr_scheduler(std::make_shared<opt::FactorScheduler>(2, 0.5, 1e-8, 0.3));
  std::unique_ptr<opt::Optimizer> b = opt::FromSpec(a->Spec());
  EXPECT_EQ(b->Spec(), a->Spec());
  for (int index : {0, 1}) {
    NDArray wa = nd::ones({3}) * 0.5, wb = wa.Copy();
    std::vector<NDArray> sa = a->CreateState(index, wa), sb = b->CreateState(index, wb);
    for (int step = 0; step < 5; ++step) {
      NDArray g = nd::ones({3}) * (step - 2.0);
      a->Update(index, wa, g, &sa);
      b->Update(index, wb, g, &sb);
    }
    EXPECT_EQ(Values(wa), Values(wb)) << "parameter " << index;
  }
  EXPECT_THROW(opt::FromSpec("bogus line\n"), ValueError);
}

TEST(ParameterServer, UnknownTypeListsTheValidOnes) {
  try {
    kv::Create("dist_fancy");
    FAIL() << "no error";
  } catch (const ValueError& e) {
    EXPECT_NE(std::string(e.what()).find("dist_sync"), std::string::npos) << e.what();
  }
}

TEST(ParameterServer, DistTypeOutsideAJobSaysHowToLaunch) {
  try {
    kv::Create("dist_sync");
    FAIL() << "no error";
  } catch (const ValueError& e) {
    EXPECT_NE(std::string(e.what()).find("launch"), std::string::npos) << e.what();
  }
}

}  // namespace
}  // namespace mx
