// softmax_cross_entropy against a naive reference (MXNet's formula with its 1e-8 floor), its
// gradient against central differences, and bad labels and shapes.
#include <gtest/gtest.h>

#include <cmath>

#include "core/base/error.h"
#include "core/tessera.h"
#include "tests/testing/gradient_check.h"

namespace mx {
namespace {

using testing::CheckGradient;
using testing::ExpectNDArrayNear;
using testing::Rand;

double NaiveLoss(const std::vector<double>& x, const std::vector<double>& label, int64_t m) {
  double total = 0;
  for (size_t i = 0; i < label.size(); ++i) {
    double sum = 0;
    for (int64_t j = 0; j < m; ++j) sum += std::exp(x[i * m + j]);
    double p = std::exp(x[i * m + static_cast<int64_t>(label[i])]) / sum;
    total += -std::log(std::max(p, 1e-8));
  }
  return total;
}

TEST(SoftmaxCrossEntropy, SumsTheRowsLosses) {
  NDArray x = Rand({4, 5});
  std::vector<double> label = {0, 4, 2, 2};
  NDArray l = nd::array(label, Shape{4}, kFloat64);
  NDArray out = nd::Op1("softmax_cross_entropy", {x, l});
  EXPECT_EQ(out.shape(), Shape({1}));
  ExpectNDArrayNear(out, {NaiveLoss(x.ToVector<double>(), label, 5)}, 1e-12);
  // By hand: two classes with logits (0, log 3): p = 3/4 for class 1, 1/4 for class 0.
  NDArray h = nd::array({0, std::log(3.0), 0, std::log(3.0)}, Shape{2, 2}, kFloat64);
  ExpectNDArrayNear(nd::Op1("softmax_cross_entropy", {h, nd::array({1, 0}, Shape{2}, kFloat64)}),
                    {-std::log(0.75) - std::log(0.25)}, 1e-12);
  // The 1e-8 floor: a probability of about e^-40 counts as 1e-8.
  NDArray far = nd::array({40, 0}, Shape{1, 2}, kFloat64);
  ExpectNDArrayNear(nd::Op1("softmax_cross_entropy", {far, nd::array({1}, Shape{1}, kFloat64)}),
                    {-std::log(1e-8)}, 1e-9);
  testing::GradCheckOptions data_only;
  data_only.inputs = {0};
  CheckGradient("softmax_cross_entropy", {x, l}, {}, data_only);
}

TEST(SoftmaxCrossEntropy, BadLabelsAndShapes) {
  NDArray x = Rand({2, 3});
  std::vector<double> v =
      nd::Op1("softmax_cross_entropy", {x, nd::array({0, 3}, Shape{2}, kFloat64)})
          .ToVector<double>();
  EXPECT_TRUE(std::isnan(v[0]));  // label 3 of 3 classes
  EXPECT_THROW(nd::Op1("softmax_cross_entropy", {x, nd::zeros({3}, cpu(), kFloat64)}), ShapeError);
  EXPECT_THROW(nd::Op1("softmax_cross_entropy", {Rand({2, 3, 1}), nd::zeros({2}, cpu(), kFloat64)}),
               ShapeError);
}

}  // namespace
}  // namespace mx
