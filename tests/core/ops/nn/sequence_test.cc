// SequenceMask, SequenceLast and SequenceReverse against naive references on both layouts;
// gradients against central differences (float64).
#include <gtest/gtest.h>

#include "core/base/error.h"
#include "core/tessera.h"
#include "tests/testing/gradient_check.h"

namespace mx {
namespace {

using testing::CheckGradient;
using testing::ExpectNDArrayNear;
using testing::Rand;

TEST(SequenceMask, MasksThePastTheLengthOnEitherLayout) {
  const int64_t t = 4, n = 3, f = 2;
  NDArray x = Rand({t, n, f});
  NDArray len = nd::array({2, 4, 0});
  std::vector<double> v = x.ToVector<double>(), want = v;
  const int64_t lens[] = {2, 4, 0};
  for (int64_t i = 0; i < t; ++i)
    for (int64_t j = 0; j < n; ++j)
      for (int64_t k = 0; k < f; ++k)
        if (i >= lens[j]) want[(i * n + j) * f + k] = -7;
  Params p = {{"use_sequence_length", true}, {"value", -7}};
  ExpectNDArrayNear(nd::Op1("SequenceMask", {x, len}, p), want, 0);
  // (N, T, F) with axis 1: the same values transposed.
  NDArray xt = nd::Op1("SwapAxis", {x}, {{"dim1", 0}, {"dim2", 1}});
  NDArray yt = nd::Op1("SequenceMask", {xt, len},
                       {{"use_sequence_length", true}, {"value", -7}, {"axis", 1}});
  ExpectNDArrayNear(nd::Op1("SwapAxis", {yt}, {{"dim1", 0}, {"dim2", 1}}), want, 0);
  // Without lengths nothing is masked; the op then takes data only.
  ExpectNDArrayNear(nd::Op1("SequenceMask", {x}), v, 0);
  testing::GradCheckOptions data_only;
  data_only.inputs = {0};
  CheckGradient("SequenceMask", {x, len.AsType(kFloat64)}, p, data_only);
  EXPECT_THROW(nd::Op1("SequenceMask", {x, nd::array({1, 2})}, p), ShapeError);
  EXPECT_THROW(nd::Op1("SequenceMask", {x, len}, {{"use_sequence_length", true}, {"axis", 2}}),
               ValueError);
}

TEST(SequenceLast, TakesEachSequencesLastStep) {
  const int64_t t = 4, n = 3, f = 2;
  NDArray x = Rand({t, n, f});
  std::vector<double> v = x.ToVector<double>(), want, last_step;
  const int64_t lens[] = {2, 4, 1};
  for (int64_t j = 0; j < n; ++j)
    for (int64_t k = 0; k < f; ++k) {
      want.push_back(v[((lens[j] - 1) * n + j) * f + k]);
      last_step.push_back(v[((t - 1) * n + j) * f + k]);
    }
  NDArray len = nd::array({2, 4, 1}, Shape{3}, kFloat64);
  Params p = {{"use_sequence_length", true}};
  NDArray y = nd::Op1("SequenceLast", {x, len}, p);
  ASSERT_EQ(y.shape(), Shape({n, f}));
  ExpectNDArrayNear(y, want, 0);
  ExpectNDArrayNear(nd::Op1("SequenceLast", {x}), last_step, 0);
  NDArray xt = nd::Op1("SwapAxis", {x}, {{"dim1", 0}, {"dim2", 1}});
  ExpectNDArrayNear(nd::Op1("SequenceLast", {xt, len}, {{"use_sequence_length", true},
                                                        {"axis", 1}}),
                    want, 0);
  testing::GradCheckOptions data_only;
  data_only.inputs = {0};
  CheckGradient("SequenceLast", {x, len}, p, data_only);
  CheckGradient("SequenceLast", {xt, len}, {{"use_sequence_length", true}, {"axis", 1}},
                data_only);
}

TEST(SequenceReverse, ReversesTheFirstLengthSteps) {
  const int64_t t = 4, n = 2, f = 3;
  NDArray x = Rand({t, n, f});
  std::vector<double> v = x.ToVector<double>(), want(v.size()), all(v.size());
  const int64_t lens[] = {3, 4};
  for (int64_t i = 0; i < t; ++i)
    for (int64_t j = 0; j < n; ++j)
      for (int64_t k = 0; k < f; ++k) {
        int64_t src = i < lens[j] ? lens[j] - 1 - i : i;
        want[(i * n + j) * f + k] = v[(src * n + j) * f + k];
        all[(i * n + j) * f + k] = v[((t - 1 - i) * n + j) * f + k];
      }
  NDArray len = nd::array({3, 4}, Shape{2}, kFloat64);
  Params p = {{"use_sequence_length", true}};
  ExpectNDArrayNear(nd::Op1("SequenceReverse", {x, len}, p), want, 0);
  ExpectNDArrayNear(nd::Op1("SequenceReverse", {x}), all, 0);
  testing::GradCheckOptions data_only;
  data_only.inputs = {0};
  CheckGradient("SequenceReverse", {x, len}, p, data_only);
  EXPECT_THROW(nd::Op1("SequenceReverse", {x}, {{"axis", 1}}), ValueError);
}

}  // namespace
}  // namespace mx
