// //tools:summary prints MXNet's print_summary table for a symbol file: rows, output shapes
// without the batch axis, parameter counts and the total; errors exit 1 with a message.
#include <gtest/gtest.h>

#include <cmath>
#include <map>
#include <string>

#include "core/tessera.h"
#include "tests/testing/run_command.h"

namespace {

using mx::testing::RunCommand;
const std::string kDir = "tests/data/mxnet-artifacts/";

TEST(Summary, TabulatesLenet) {
  int rc = -1;
  std::string out = RunCommand(
      "tools/summary --symbol " + kDir + "lenet-symbol.json --shape data=1,1,28,28", &rc);
  EXPECT_EQ(rc, 0);
  EXPECT_NE(out.find("hybridsequential0_conv0_fwd(Convolution)             5x24x24"),
            std::string::npos)
      << out;
  EXPECT_NE(out.find("hybridsequential0_flatten0_flatten0(Flatten)         80 "),
            std::string::npos);
  // conv0 5*1*5*5+5, conv1 5*5*5*5+5, dense0 32*80+32, dense1 10*32+10.
  EXPECT_NE(out.find("130         data"), std::string::npos) << out;
  EXPECT_NE(out.find("Total params: 3682\n"), std::string::npos) << out;
}

TEST(Summary, TotalEqualsTheParameterFileOfDet1) {
  int64_t total = 0;
  for (const auto& kv : mx::nd::LoadDict(kDir + "det1-0001.params")) total += kv.second.size();
  std::string out =
      RunCommand("tools/summary --symbol " + kDir + "det1-symbol.json --shape data=1,3,12,12");
  EXPECT_NE(out.find("Total params: " + std::to_string(total) + "\n"), std::string::npos) << out;
  EXPECT_NE(out.find("prob1(SoftmaxActivation)"), std::string::npos) << out;
}

TEST(Summary, ErrorsAreClear) {
  int rc = 0;
  std::string out = RunCommand("tools/summary --symbol /nonexistent.json --shape data=1 2>&1", &rc);
  EXPECT_EQ(rc, 1);
  EXPECT_NE(out.find("cannot open symbol file /nonexistent.json"), std::string::npos) << out;
  out = RunCommand(
      "tools/summary --symbol " + kDir + "lenet-symbol.json --shape data=1,1,3,3 2>&1", &rc);
  EXPECT_EQ(rc, 1);
  EXPECT_NE(out.find("hybridsequential0_conv0_fwd (Convolution)"), std::string::npos) << out;
  out = RunCommand("tools/summary --symbol x.json --shape data=1,two 2>&1", &rc);
  EXPECT_EQ(rc, 1);
  EXPECT_NE(out.find("'two' is not a positive integer"), std::string::npos) << out;
  out = RunCommand("tools/summary --symbol " + kDir + "lenet-symbol.json 2>&1", &rc);
  EXPECT_EQ(rc, 1);
  EXPECT_NE(out.find("usage: summary"), std::string::npos) << out;
}

// The value after `key=` on the line of `out` that starts with "  " + output.
double Checksum(const std::string& out, const std::string& output, const std::string& key) {
  size_t line = out.find("  " + output + " ");
  EXPECT_NE(line, std::string::npos) << out;
  if (line == std::string::npos) return 0;
  size_t at = out.find(key + "=", line);
  return std::stod(out.substr(at + key.size() + 1));
}

TEST(Summary, ForwardUsesTheParamsFile) {
  std::string cmd = "tools/summary --symbol " + kDir + "lenet-symbol.json --shape data=2,1,28,28 --forward";
  std::string with = RunCommand(cmd + " --params " + kDir + "lenet-0001.params");
  EXPECT_NE(with.find("Forward pass (" + kDir + "lenet-0001.params"), std::string::npos) << with;
  // The same pass here: the file's parameters, inputs U(0, 1) after seed 0.
  mx::Symbol net = mx::LoadSymbolFile(kDir + "lenet-symbol.json");
  mx::SimpleBindArgs bind;
  bind.shapes["data"] = mx::Shape({2, 1, 28, 28});
  bind.grad_req = mx::GradReq::kNull;
  mx::random::Seed(0);
  mx::Executor exec = mx::Executor::SimpleBind(net, mx::cpu(), bind);
  std::map<std::string, mx::NDArray> args = exec.arg_dict();
  for (const auto& [key, array] : mx::nd::LoadDict(kDir + "lenet-0001.params"))
    array.CopyTo(args.at(key.substr(4)));
  mx::nd::random::uniform(0, 1, args.at("data"));
  std::vector<double> y = exec.Forward(false)[0].ToVector<double>();
  double sum = 0, abs_sum = 0;
  for (double v : y) {
    sum += v;
    abs_sum += std::fabs(v);
  }
  std::string name = net.ListOutputs()[0];
  EXPECT_NEAR(Checksum(with, name, "sum"), sum, 1e-6 * abs_sum);
  EXPECT_NEAR(Checksum(with, name, "abs_sum"), abs_sum, 1e-6 * abs_sum);
  // Random parameters give other values; a file without the parameters is an error.
  std::string random = RunCommand(cmd);
  EXPECT_NE(random.find("Forward pass (random parameters"), std::string::npos) << random;
  EXPECT_GT(std::fabs(Checksum(random, name, "abs_sum") - abs_sum), 1e-3 * abs_sum);
  int rc = 0;
  std::string out = RunCommand("tools/summary --symbol " + kDir +
                                   "lenet-symbol.json --shape data=1,1,28,28 --forward --params " +
                                   kDir + "det1-0001.params 2>&1",
                               &rc);
  EXPECT_EQ(rc, 1);
  EXPECT_NE(out.find("has no value for the parameters hybridsequential0_conv0_bias, hybridsequential0_conv0_weight"),
            std::string::npos)
      << out;
  out = RunCommand("tools/summary --symbol x.json --shape data=1 --params y 2>&1", &rc);
  EXPECT_EQ(rc, 1);
  EXPECT_NE(out.find("add --forward"), std::string::npos) << out;
}

}  // namespace
