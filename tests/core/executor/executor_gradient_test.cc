// Whole-network gradients from the executor's gradient graph against central differences in
// float64: an MLP, the seed network (with and without its softmax loss) and a residual network
// with batch norm.
#include <gtest/gtest.h>

#include <cmath>
#include <functional>
#include <random>

#include "examples/models/networks.h"
#include "tests/testing/gradient_check.h"

namespace mx {
namespace {

using testing::Rand;

// Binds `net` in float64 with random arguments (labels from `labels`), then compares every
// argument gradient at up to `samples` elements with a numeric derivative of `objective`,
// computed from the forward outputs.
void CheckNetworkGradient(const Symbol& net, const std::map<std::string, Shape>& shapes,
                          const std::function<double(Executor&)>& objective,
                          const std::function<void(Executor&)>& backward,
                          const std::map<std::string, std::vector<double>>& labels = {},
                          int samples = 12, double tol = 2e-5) {
  SimpleBindArgs args;
  args.shapes = shapes;
  args.dtypes = {{"data", kFloat64}};
  for (const auto& kv : labels) args.grad_reqs[kv.first] = GradReq::kNull;
  Executor exe = Executor::SimpleBind(net, cpu(), args);
  for (auto& [name, array] : exe.arg_dict()) {
    auto it = labels.find(name);
    if (it != labels.end()) {
      array.SyncCopyFromCPU(it->second.data(), it->second.size());
    } else {
      Rand(array.shape(), -1, 1).CopyTo(array);
    }
  }
  for (auto& [name, array] : exe.aux_dict()) array = name.find("var") != std::string::npos ? 1.0 : 0.0;
  exe.Forward(true);
  backward(exe);
  std::mt19937 rng(7);
  const double eps = 1e-5;
  for (auto& [name, grad] : exe.grad_dict()) {
    NDArray arg = exe.arg_dict().at(name);
    std::vector<double> g = grad.ToVector<double>();
    std::vector<double> x = arg.ToVector<double>();
    std::uniform_int_distribution<size_t> pick(0, x.size() - 1);
    for (int k = 0; k < samples && k < static_cast<int>(x.size()); ++k) {
      size_t i = static_cast<int>(x.size()) <= samples ? static_cast<size_t>(k) : pick(rng);
      double keep = x[i];
      x[i] = keep + eps;
      arg.SyncCopyFromCPU(x.data(), x.size());
      exe.Forward(true);
      double up = objective(exe);
      x[i] = keep - eps;
      arg.SyncCopyFromCPU(x.data(), x.size());
      exe.Forward(true);
      double down = objective(exe);
      x[i] = keep;
      arg.SyncCopyFromCPU(x.data(), x.size());
      double numeric = (up - down) / (2 * eps);
      EXPECT_NEAR(g[i], numeric, tol * std::max(1.0, std::fabs(numeric)))
          << "gradient of " << name << " at element " << i;
    }
  }
}

// Objective sum(output * h) with fixed random h, and the matching Backward(h).
struct WeightedSum {
  explicit WeightedSum(const Shape& out_shape) : h(Rand(out_shape, -1, 1)) {}
  double operator()(Executor& exe) const {
    std::vector<double> o = exe.outputs()[0].ToVector<double>(), w = h.ToVector<double>();
    double s = 0;
    for (size_t i = 0; i < o.size(); ++i) s += o[i] * w[i];
    return s;
  }
  void Backward(Executor& exe) const { exe.Backward({h}); }
  NDArray h;
};

TEST(ExecutorGradient, MlpMatchesNumericGradient) {
  WeightedSum f(Shape({4, 3}));
  CheckNetworkGradient(
      models::Mlp(3), {{"data", {4, 5}}}, [&](Executor& e) { return f(e); },
      [&](Executor& e) { f.Backward(e); });
}

TEST(ExecutorGradient, SeedNetworkBodyMatchesNumericGradient) {
  WeightedSum f(Shape({2, 2}));
  CheckNetworkGradient(
      models::SeedNet(4, false), {{"data", {2, 3, 6, 6}}}, [&](Executor& e) { return f(e); },
      [&](Executor& e) { f.Backward(e); });
}

TEST(ExecutorGradient, SoftmaxOutputGivesTheCrossEntropyGradient) {
  // SoftmaxOutput's backward ignores head gradients and yields d(-sum log p[label]) / d(input).
  std::vector<double> labels = {1, 0, 1};
  auto cross_entropy = [&](Executor& e) {
    std::vector<double> p = e.outputs()[0].ToVector<double>();
    double s = 0;
    for (size_t n = 0; n < labels.size(); ++n) s -= std::log(p[n * 2 + static_cast<int>(labels[n])]);
    return s;
  };
  CheckNetworkGradient(
      models::SeedNet(3, true), {{"data", {3, 2, 4, 4}}}, cross_entropy,
      [](Executor& e) { e.Backward(); }, {{"softmax_label", labels}});
}

TEST(ExecutorGradient, ResidualNetworkWithBatchNormMatchesNumericGradient) {
  WeightedSum f(Shape({2, 3}));
  CheckNetworkGradient(
      models::ResNet(2, 3, 3), {{"data", {2, 3, 5, 5}}}, [&](Executor& e) { return f(e); },
      [&](Executor& e) { f.Backward(e); }, {}, 8, 5e-5);
}

TEST(ExecutorGradient, SharedInputsSumTheirGradients) {
  // y = x * x + x: dy/dx = 2x + 1, reaching x through three paths.
  Symbol x = sym::Variable("x");
  Symbol y = x * x + x;
  BindArgs a;
  a.args = {{"x", nd::array({1.0, -2.0, 3.0})}};
  a.args_grad = {{"x", nd::zeros({3})}};
  Executor e = Executor::Bind(y, cpu(), a);
  e.Forward(true);
  e.Backward({nd::array({1.0, 1.0, 2.0})});
  testing::ExpectNDArrayNear(e.grad_dict().at("x"), {3.0, -3.0, 14.0}, 1e-6);
  testing::ExpectNDArrayNear(e.outputs()[0], {2.0, 2.0, 12.0}, 1e-6);
}

}  // namespace
}  // namespace mx
