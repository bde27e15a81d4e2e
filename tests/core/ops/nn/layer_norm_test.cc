// LayerNorm, InstanceNorm, GroupNorm and _contrib_div_sqrt_dim against naive references; their
// gradients against central differences (float64).
#include <gtest/gtest.h>

#include <cmath>

#include "core/base/error.h"
#include "core/tessera.h"
#include "tests/testing/gradient_check.h"

namespace mx {
namespace {

using testing::CheckAddTo;
using testing::CheckGradient;
using testing::ExpectNDArrayNear;
using testing::Rand;

TEST(LayerNorm, NormalisesOverTheAxis) {
  const int64_t a = 2, c = 4, b = 3;
  NDArray x = Rand({a, c, b}), gamma = Rand({c}), beta = Rand({c});
  double eps = 1e-3;
  std::vector<double> v = x.ToVector<double>(), gv = gamma.ToVector<double>(),
                      bv = beta.ToVector<double>(), want(v.size()), means, stds;
  for (int64_t i = 0; i < a; ++i)
    for (int64_t k = 0; k < b; ++k) {
      double m = 0, var = 0;
      for (int64_t j = 0; j < c; ++j) m += v[(i * c + j) * b + k] / c;
      for (int64_t j = 0; j < c; ++j) var += std::pow(v[(i * c + j) * b + k] - m, 2) / c;
      double s = std::sqrt(var + eps);
      for (int64_t j = 0; j < c; ++j)
        want[(i * c + j) * b + k] = (v[(i * c + j) * b + k] - m) / s * gv[j] + bv[j];
      means.push_back(m);
      stds.push_back(s);
    }
  Params p = {{"axis", 1}, {"eps", eps}};
  ExpectNDArrayNear(nd::Op1("LayerNorm", {x, gamma, beta}, p), want, 1e-12);
  std::vector<NDArray> all =
      Invoke("LayerNorm", {x, gamma, beta},
             ToParamMap({{"axis", 1}, {"eps", eps}, {"output_mean_var", true}}));
  ASSERT_EQ(all.size(), 3u);
  EXPECT_EQ(all[1].shape(), Shape({a, 1, b}));
  ExpectNDArrayNear(all[1], means, 1e-12);
  ExpectNDArrayNear(all[2], stds, 1e-12);
  CheckGradient("LayerNorm", {x, gamma, beta}, p);
  CheckGradient("LayerNorm", {Rand({3, 5}), Rand({5}), Rand({5})}, {});  // axis -1
  CheckAddTo("LayerNorm", {x, gamma, beta}, p);
  EXPECT_THROW(nd::Op1("LayerNorm", {x, Rand({3}), beta}, p), ShapeError);
}

TEST(InstanceNorm, NormalisesEachSamplesChannel) {
  const int64_t n = 2, c = 3, sp = 4;
  NDArray x = Rand({n, c, 2, 2}), gamma = Rand({c}), beta = Rand({c});
  std::vector<double> v = x.ToVector<double>(), gv = gamma.ToVector<double>(),
                      bv = beta.ToVector<double>(), want(v.size());
  for (int64_t r = 0; r < n * c; ++r) {
    double m = 0, var = 0;
    for (int64_t k = 0; k < sp; ++k) m += v[r * sp + k] / sp;
    for (int64_t k = 0; k < sp; ++k) var += std::pow(v[r * sp + k] - m, 2) / sp;
    for (int64_t k = 0; k < sp; ++k)
      want[r * sp + k] = (v[r * sp + k] - m) / std::sqrt(var + 1e-3) * gv[r % c] + bv[r % c];
  }
  ExpectNDArrayNear(nd::Op1("InstanceNorm", {x, gamma, beta}), want, 1e-12);
  CheckGradient("InstanceNorm", {x, gamma, beta}, {{"eps", 0.01}});
  CheckGradient("InstanceNorm", {Rand({2, 2, 5}), Rand({2}), Rand({2})}, {});
  CheckAddTo("InstanceNorm", {x, gamma, beta}, {});
  EXPECT_THROW(nd::Op1("InstanceNorm", {Rand({2, 3}), Rand({3}), Rand({3})}), ShapeError);
}

TEST(GroupNorm, NormalisesEachGroupOfChannels) {
  const int64_t n = 2, c = 4, groups = 2, sp = 3, per = c / groups * sp;
  NDArray x = Rand({n, c, sp}), gamma = Rand({groups}), beta = Rand({groups});
  std::vector<double> v = x.ToVector<double>(), gv = gamma.ToVector<double>(),
                      bv = beta.ToVector<double>(), want(v.size()), means;
  for (int64_t r = 0; r < n * groups; ++r) {  // a group's channels are contiguous
    double m = 0, var = 0;
    for (int64_t k = 0; k < per; ++k) m += v[r * per + k] / per;
    for (int64_t k = 0; k < per; ++k) var += std::pow(v[r * per + k] - m, 2) / per;
    for (int64_t k = 0; k < per; ++k)
      want[r * per + k] =
          (v[r * per + k] - m) / std::sqrt(var + 1e-5) * gv[r % groups] + bv[r % groups];
    means.push_back(m);
  }
  Params p = {{"num_groups", groups}};
  ExpectNDArrayNear(nd::Op1("GroupNorm", {x, gamma, beta}, p), want, 1e-12);
  std::vector<NDArray> all = Invoke("GroupNorm", {x, gamma, beta},
                                    ToParamMap({{"num_groups", groups}, {"output_mean_var", true}}));
  ASSERT_EQ(all.size(), 3u);
  EXPECT_EQ(all[1].shape(), Shape({n, groups}));
  ExpectNDArrayNear(all[1], means, 1e-12);
  CheckGradient("GroupNorm", {x, gamma, beta}, p);
  CheckAddTo("GroupNorm", {x, gamma, beta}, p);
  EXPECT_THROW(nd::Op1("GroupNorm", {x, gamma, beta}, {{"num_groups", 3}}), ShapeError);
}

TEST(DivSqrtDim, ScalesByTheLastAxis) {
  NDArray x = Rand({2, 3, 9});
  std::vector<double> want = x.ToVector<double>();
  for (double& w : want) w /= 3.0;
  ExpectNDArrayNear(nd::Op1("_contrib_div_sqrt_dim", {x}), want, 1e-15);
  CheckGradient("_contrib_div_sqrt_dim", {Rand({2, 4})}, {});
}

}  // namespace
}  // namespace mx
