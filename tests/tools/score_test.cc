// //tools:score on MXNet's lenet checkpoint and an IDX test
// set written here: its accuracy and predictions equal a forward pass computed in the test.
#include <gtest/gtest.h>

#include <cstdio>
#include <fstream>
#include <sstream>

#include "core/tessera.h"
#include "tests/testing/run_command.h"

namespace {

using mx::testing::RunCommand;
const std::string kDir = "tests/data/mxnet-artifacts/";

std::string Be32(uint32_t v) {
  std::string s;
  for (int b = 3; b >= 0; --b) s += static_cast<char>((v >> (8 * b)) & 0xff);
  return s;
}

TEST(Score, MatchesAForwardPassOnTheSameImages) {
  const int n = 20;
  std::string dir = ::testing::TempDir() + "/idx";
  std::system(("mkdir -p " + dir).c_str());
  std::string img = Be32(2051) + Be32(n) + Be32(28) + Be32(28), lab = Be32(2049) + Be32(n);
  std::vector<float> pixels;
  for (int i = 0; i < n; ++i) {
    for (int p = 0; p < 784; ++p) {
      unsigned char v = static_cast<unsigned char>((i * 37 + p * 11 + (p / 28) * (i % 5)) % 256);
      img += static_cast<char>(v);
      pixels.push_back((v / 255.0f - 0.5f) / 0.25f);
    }
    lab += static_cast<char>(i % 10);
  }
  std::ofstream(dir + "/t10k-images-idx3-ubyte", std::ios::binary) << img;
  std::ofstream(dir + "/t10k-labels-idx1-ubyte", std::ios::binary) << lab;

  mx::Symbol net = mx::LoadSymbolFile(kDir + "lenet-symbol.json");
  mx::BindArgs b;
  for (const auto& kv : mx::nd::LoadDict(kDir + "lenet-0001.params"))
    b.args[kv.first.rfind("arg:", 0) == 0 ? kv.first.substr(4) : kv.first] = kv.second;
  b.args["data"] = mx::NDArray(pixels.data(), {n, 1, 28, 28}, mx::kFloat32);
  std::vector<float> out = mx::Executor::Bind(net, mx::cpu(), b).Forward()[0].ToVector<float>();
  int correct = 0;
  std::string want_pred;
  for (int i = 0; i < n; ++i) {
    int best = 0;
    for (int c = 1; c < 10; ++c)
      if (out[i * 10 + c] > out[i * 10 + best]) best = c;
    correct += best == i % 10;
    want_pred += std::to_string(best) + "\n";
  }
  char want[32];
  std::snprintf(want, sizeof(want), "accuracy=%.4f\n", correct / static_cast<double>(n));
  std::string pred = dir + "/pred.txt";
  int rc = -1;
  std::string got = RunCommand("tools/score --symbol " + kDir + "lenet-symbol.json --params " +
                                   kDir + "lenet-0001.params --data " + dir +
                                   " --mean 0.5 --std 0.25 --predictions " + pred,
                               &rc);
  EXPECT_EQ(rc, 0);
  EXPECT_EQ(got, want);
  std::stringstream ss;
  ss << std::ifstream(pred).rdbuf();
  EXPECT_EQ(ss.str(), want_pred);
}

TEST(Score, ErrorsAreClear) {
  int rc = 0;
  std::string out = RunCommand("tools/score --symbol " + kDir + "lenet-symbol.json --params " +
                                   kDir + "lenet-0001.params --data /nonexistent 2>&1",
                               &rc);
  EXPECT_EQ(rc, 1);
  EXPECT_NE(out.find("cannot open /nonexistent/t10k-images-idx3-ubyte"), std::string::npos)
      << out;
  out = RunCommand("tools/score --symbol x.json 2>&1", &rc);
  EXPECT_EQ(rc, 1);
  EXPECT_NE(out.find("usage: score"), std::string::npos) << out;
}

}  // namespace
