// Distributed checkpoints that are damaged: a missing manifest, a truncated server shard and a
// flipped byte in a worker's file are each refused with the reason, and resume takes the
// newest intact checkpoint, from which training replays the later steps bit for bit. A job of
// 2 workers and 1 server on threads (tests/testing/inproc_job.h), an MLP on fixed rows.
#include "core/module/dist_checkpoint.h"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmath>
#include <cstdio>
#include <fstream>
#include <mutex>
#include <string>
#include <vector>

#include "core/tessera.h"
#include "tests/testing/inproc_job.h"

namespace mx {
namespace {

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

void WriteFile(const std::string& path, const std::string& bytes) {
  std::ofstream(path, std::ios::binary | std::ios::trunc) << bytes;
}

io::NDArrayIter Rows(int rank) {
  std::vector<float> x, y;
  for (int i = 0; i < 64; ++i) {
    for (int j = 0; j < 5; ++j) x.push_back(static_cast<float>(std::sin(0.7 * i + 1.1 * j)));
    y.push_back(static_cast<float>(i % 3));
  }
  io::NDArrayIterOptions o;
  o.batch_size = 4;
  o.shuffle = true;
  o.seed = 11;
  o.num_parts = 2;
  o.part_index = rank;
  return io::NDArrayIter({{"data", NDArray(x.data(), {64, 5}, kFloat32)}},
                         {{"softmax_label", NDArray(y.data(), {64}, kFloat32)}}, o);
}

Symbol Mlp() {
  Symbol x = sym::FullyConnected(sym::Variable("data"), {{"num_hidden", 8}}, "fc1");
  x = sym::Activation(x, {{"act_type", "tanh"}}, "tanh1");
  x = sym::FullyConnected(x, {{"num_hidden", 3}}, "fc2");
  return sym::SoftmaxOutput(x, {}, "softmax");
}

void Train(mod::Module* m, io::DataIter* it, int batches) {
  io::DataBatch b;
  for (int i = 0; i < batches; ++i) {
    if (!it->Next(&b)) {
      it->Reset();
      ASSERT_TRUE(it->Next(&b));
    }
    m->Forward(b, true);
    m->Backward();
    m->Update();
  }
}

TEST(DistCheckpoint, DamagedCheckpointsAreRefusedAndTheNewestIntactOneResumes) {
  std::string dir = ::testing::TempDir() + "/dist_ckpt_" + std::to_string(getpid());
  mkdir(dir.c_str(), 0755);
  std::string prefix = dir + "/mlp";
  std::mutex mu;
  std::vector<std::string> log0;  // what worker 0 logged while resuming
  testing::RunInprocJob(
      "ckpt", "dist_sync", 2, 1, 1000000, [&](int rank, const std::shared_ptr<kv::KVStore>& kv) {
        mod::Module m(Mlp(), {cpu()});
        m.Bind({{"data", {4, 5}}}, {{"softmax_label", {4}}});
        random::Seed(7);
        mod::InitParamsOptions ip;
        ip.initializer = std::make_shared<init::Xavier>();
        m.InitParams(ip);
        m.InitOptimizer("dist_sync", "sgd", {{"learning_rate", 0.2}, {"momentum", 0.9}}, false,
                        nullptr, kv);
        io::NDArrayIter it = Rows(rank);
        Train(&m, &it, 3);
        mod::SaveDistCheckpoint(prefix, "0001", m, it, {1, 0});
        Train(&m, &it, 3);
        mod::SaveDistCheckpoint(prefix, "0002", m, it, {2, 0});
        Train(&m, &it, 3);
        mod::SaveDistCheckpoint(prefix, "0003", m, it, {3, 0});
        Train(&m, &it, 2);
        mod::SaveDistCheckpoint(prefix, "latest", m, it, {3, 2});
        if (rank == 0) {
          // latest: the manifest never got written; 0003: a truncated shard; 0002: a flipped
          // byte in worker 1's file. 0001 is intact.
          ASSERT_EQ(std::remove((prefix + "-latest.manifest").c_str()), 0);
          std::string shard = ReadFile(prefix + "-0003.server0.states");
          ASSERT_GT(shard.size(), 200u);
          WriteFile(prefix + "-0003.server0.states", shard.substr(0, shard.size() - 100));
          std::string w1 = ReadFile(prefix + "-0002.worker1.states");
          w1[w1.size() / 2] ^= 0x10;
          WriteFile(prefix + "-0002.worker1.states", w1);
        }
        kv->Barrier();
        mod::TrainingPosition pos;
        std::vector<std::string> lines;
        ASSERT_TRUE(mod::ResumeDistFromNewest(prefix, &m, &it, &pos,
                                              [&](const std::string& l) { lines.push_back(l); }));
        EXPECT_EQ(pos.epoch, 1);
        EXPECT_EQ(pos.nbatch, 0);
        // The same three steps again: parameters equal to the ones checkpoint 0002 holds.
        Train(&m, &it, 3);
        auto [arg, aux] = m.GetParams();
        auto [want, unused] = mod::LoadParamsFile(prefix + "-0002.params");
        ASSERT_EQ(arg.size(), want.size());
        for (const auto& [name, value] : want)
          EXPECT_EQ(arg.at(name).ToVector<float>(), value.ToVector<float>()) << name;
        if (rank == 0) {
          std::lock_guard<std::mutex> lock(mu);
          log0 = lines;
        }
      });
  auto logged = [&](const std::string& text) {
    for (const std::string& l : log0)
      if (l.find(text) != std::string::npos) return true;
    return false;
  };
  std::string all;
  for (const std::string& l : log0) all += l + "\n";
  EXPECT_TRUE(logged("Skipping checkpoint " + prefix + "-latest: it has no manifest " + prefix +
                     "-latest.manifest (the job stopped before the checkpoint was complete)"))
      << all;
  EXPECT_TRUE(logged("Skipping checkpoint " + dir + "/mlp-0003.manifest: " + prefix +
                     "-0003.server0.states has "))
      << all;
  EXPECT_TRUE(logged("the manifest says")) << all;
  EXPECT_TRUE(logged("(truncated?)")) << all;
  EXPECT_TRUE(logged("Skipping checkpoint " + dir + "/mlp-0002.manifest: " + prefix +
                     "-0002.worker1.states does not match its CRC-32 in the manifest (corrupt)"))
      << all;
  EXPECT_TRUE(logged("Resuming from " + prefix + "-0001 at epoch 1, batch 0")) << all;
}

}  // namespace
}  // namespace mx
