#include "examples/models/networks.h"

namespace mx {
namespace models {

Symbol Mlp(int num_out) {
  Symbol h = sym::FullyConnected(sym::Variable("data"), {{"num_hidden", 8}}, "fc1");
  h = sym::Activation(h, {{"act_type", "tanh"}}, "tanh1");
  return sym::FullyConnected(h, {{"num_hidden", num_out}}, "fc2");
}

Symbol SeedNet(int filters, bool with_loss) {
  Symbol data = sym::Variable("data");
  Symbol conv = sym::Convolution(
      data, {{"num_filter", filters}, {"kernel", {3, 3}}, {"pad", {1, 1}}}, "conv1");
  Symbol bn = sym::BatchNorm(conv, {}, "bn1");
  Symbol relu = sym::Activation(bn, {{"act_type", "relu"}}, "relu1");
  Symbol pool =
      sym::Pooling(relu, {{"kernel", {2, 2}}, {"stride", {2, 2}}, {"pool_type", "max"}}, "pool1");
  Symbol fc = sym::FullyConnected(pool, {{"num_hidden", 2}}, "fc1");
  return with_loss ? sym::SoftmaxOutput(fc, {}, "softmax") : fc;
}

Symbol ResNet(int blocks, int channels, int num_out) {
  auto conv = [&](const Symbol& x, const std::string& name) {
    return sym::Convolution(
        x, {{"num_filter", channels}, {"kernel", {3, 3}}, {"pad", {1, 1}}, {"no_bias", true}},
        name);
  };
  Symbol x = conv(sym::Variable("data"), "stem");
  for (int b = 0; b < blocks; ++b) {
    std::string p = "block" + std::to_string(b) + "_";
    Symbol y = sym::BatchNorm(conv(x, p + "conv1"), {{"fix_gamma", false}}, p + "bn1");
    y = sym::Activation(y, {{"act_type", "relu"}}, p + "relu1");
    y = sym::BatchNorm(conv(y, p + "conv2"), {{"fix_gamma", false}}, p + "bn2");
    x = sym::Activation(y + x, {{"act_type", "relu"}}, p + "relu2");
  }
  Symbol pool = sym::Pooling(x, {{"global_pool", true}, {"kernel", {1, 1}}, {"pool_type", "avg"}},
                             "pool");
  return sym::FullyConnected(pool, {{"num_hidden", num_out}}, "fc");
}

}  // namespace models
}  // namespace mx
