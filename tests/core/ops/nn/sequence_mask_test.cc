// SequenceMask against a naive reference on both layouts; its gradient against central
// differences (float64).
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

}  // namespace
}  // namespace mx
