// The random samplers against the process generator's own sequence (mx::random::Seed), with
// their shapes, types, per-element parameters and bad parameters.
#include <gtest/gtest.h>

#include <cmath>
#include <random>

#include "core/base/error.h"
#include "core/tessera.h"
#include "tests/testing/gradient_check.h"

namespace mx {
namespace {

using D = std::vector<double>;
using testing::ExpectNDArrayNear;

D Uniforms(uint32_t seed, int n) {
  std::mt19937 e(seed);
  D u;
  for (int i = 0; i < n; ++i) u.push_back(std::generate_canonical<double, 53>(e));
  return u;
}

D Normals(uint32_t seed, int n) {
  std::mt19937 e(seed);
  D z;
  for (int i = 0; i < n; ++i) {
    double u1 = std::generate_canonical<double, 53>(e), u2 = std::generate_canonical<double, 53>(e);
    z.push_back(std::sqrt(-2.0 * std::log(u1)) * std::cos(6.283185307179586 * u2));
  }
  return z;
}

TEST(RandomSamplers, DrawTheGeneratorsSequence) {
  random::Seed(11);
  NDArray u = nd::Op1("_random_uniform", {}, {{"low", 2}, {"high", 5}, {"shape", "(3, 4)"},
                                              {"dtype", "float64"}});
  EXPECT_EQ(u.shape(), Shape({3, 4}));
  EXPECT_EQ(u.dtype(), kFloat64);
  D want;
  for (double v : Uniforms(11, 12)) want.push_back(2 + 3 * v);
  ExpectNDArrayNear(u, want, 1e-15);
  random::Seed(5);
  NDArray z = nd::Op1("random_normal", {}, {{"loc", 1}, {"scale", 2}, {"shape", "(6,)"}});
  EXPECT_EQ(z.dtype(), kFloat32);  // dtype None
  D nwant;
  for (double v : Normals(5, 6)) nwant.push_back(1 + 2 * v);
  ExpectNDArrayNear(z, nwant, 1e-6);
  // The sequence goes on: a second call draws the next values.
  random::Seed(11);
  nd::Op1("uniform", {}, {{"shape", "(5,)"}}).WaitToRead();
  NDArray next = nd::Op1("uniform", {}, {{"shape", "(2,)"}, {"dtype", "float64"}});
  D all = Uniforms(11, 7);
  ExpectNDArrayNear(next, D{all[5], all[6]}, 1e-15);
}

TEST(RandomSamplers, PerElementParameters) {
  NDArray low = nd::array({0, 10}, Shape{2}, kFloat64);
  NDArray high = nd::array({1, 20}, Shape{2}, kFloat64);
  random::Seed(3);
  NDArray s = nd::Op1("_sample_uniform", {low, high}, {{"shape", "(3,)"}});
  EXPECT_EQ(s.shape(), Shape({2, 3}));
  EXPECT_EQ(s.dtype(), kFloat64);  // the parameters' dtype
  D u = Uniforms(3, 6);
  ExpectNDArrayNear(s, D{u[0], u[1], u[2], 10 + 10 * u[3], 10 + 10 * u[4], 10 + 10 * u[5]},
                    1e-12);
  NDArray mu = nd::array({0, 100}, Shape{2}, kFloat64);
  NDArray sigma = nd::array({1, 0}, Shape{2}, kFloat64);
  random::Seed(4);
  NDArray n = nd::Op1("sample_normal", {mu, sigma}, {{"shape", "(2,)"}, {"dtype", "float32"}});
  EXPECT_EQ(n.dtype(), kFloat32);
  D z = Normals(4, 4);
  ExpectNDArrayNear(n, D{z[0], z[1], 100, 100}, 1e-6);
}

TEST(RandomSamplers, BadParametersAreClear) {
  EXPECT_THROW(nd::Op1("_random_uniform", {}, {{"low", 2}, {"high", 1}, {"shape", "(2,)"}}),
               ValueError);
  EXPECT_THROW(nd::Op1("_random_normal", {}, {{"scale", -1}, {"shape", "(2,)"}}), ValueError);
  EXPECT_THROW(nd::Op1("_random_normal", {}, {{"dtype", "int32"}, {"shape", "(2,)"}}),
               ValueError);
  EXPECT_THROW(nd::Op1("_sample_uniform", {nd::zeros({2}), nd::ones({3})}), ShapeError);
}

}  // namespace
}  // namespace mx
