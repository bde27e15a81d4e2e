#include <gtest/gtest.h>

#include <cmath>

#include "core/base/error.h"
#include "core/op/imperative.h"
#include "core/tessera.h"
#include "tests/testing/gradient_check.h"

namespace mx {
namespace {

using testing::ExpectNDArrayNear;

// Runs an update operator in place: the weight is the output, states are updated.
void Update(const std::string& op, const std::vector<NDArray>& inputs, const Params& params,
            const NDArray& out) {
  InvokeOptions o;
  o.out = {out};
  Invoke(op, inputs, ToParamMap(params), o);
}

std::vector<float> V(const NDArray& a) { return a.ToVector<float>(); }

TEST(Optimizer, SgdAndMomentumMatchFormulas) {
  NDArray w = nd::array({1, -2, 3}), g = nd::array({0.5, 0.5, -4});
  Update("sgd_update", {w, g},
         {{"lr", 0.1}, {"wd", 0.01}, {"rescale_grad", 2.0}, {"clip_gradient", 1.0}}, w);
  // g' = clip(2g, 1) = (1, 1, -1); w = (1 - 0.001) w - 0.1 g'
  ExpectNDArrayNear(w, {0.999 - 0.1, -1.998 - 0.1, 2.997 + 0.1}, 1e-6, "sgd");
  NDArray w2 = nd::array({1, 2}), mom = nd::array({0.5, -0.5});
  Update("sgd_mom_update", {w2, nd::array({1, 1}), mom}, {{"lr", 0.1}, {"momentum", 0.9}}, w2);
  ExpectNDArrayNear(mom, {0.45 - 0.1, -0.45 - 0.1}, 1e-6, "momentum state");
  ExpectNDArrayNear(w2, {1.35, 1.45}, 1e-6, "sgd_mom weight");
  NDArray w3 = nd::array({1}), m3 = nd::array({0.5});
  Update("nag_mom_update", {w3, nd::array({2}), m3}, {{"lr", 0.1}, {"momentum", 0.9}}, w3);
  ExpectNDArrayNear(m3, {0.45 + 2}, 1e-6, "nag state");
  ExpectNDArrayNear(w3, {1 - 0.1 * (2 + 0.9 * 2.45)}, 1e-6, "nag weight");
}

TEST(Optimizer, AdamRmspropAdagradSignum) {
  NDArray w = nd::array({1}), mean = nd::array({0.1}), var = nd::array({0.2});
  Update("adam_update", {w, nd::array({0.5}), mean, var}, {{"lr", 0.01}}, w);
  double m = 0.9 * 0.1 + 0.1 * 0.5, v = 0.999 * 0.2 + 0.001 * 0.25;
  ExpectNDArrayNear(mean, {m}, 1e-6, "adam mean");
  ExpectNDArrayNear(var, {v}, 1e-6, "adam var");
  ExpectNDArrayNear(w, {1 - 0.01 * m / (std::sqrt(v) + 1e-8)}, 1e-6, "adam weight");
  NDArray w2 = nd::array({1}), n = nd::array({0.3});
  Update("rmsprop_update", {w2, nd::array({0.5}), n}, {{"lr", 0.01}, {"gamma1", 0.9}}, w2);
  double nn = 0.1 * 0.25 + 0.9 * 0.3;
  ExpectNDArrayNear(w2, {1 - 0.01 * 0.5 / std::sqrt(nn + 1e-8)}, 1e-6, "rmsprop");
  NDArray w3 = nd::array({1}), h = nd::array({0.75});
  Update("adagrad_update", {w3, nd::array({0.5}), h}, {{"lr", 0.1}}, w3);
  ExpectNDArrayNear(h, {1.0}, 1e-6, "adagrad history");
  ExpectNDArrayNear(w3, {1 - 0.1 * 0.5 / std::sqrt(1 + 1e-7)}, 1e-6, "adagrad");
  NDArray w4 = nd::array({1, 1}), m4 = nd::array({0, 0});
  Update("signum_update", {w4, nd::array({0.3, -0.3}), m4}, {{"lr", 0.1}, {"momentum", 0.9}}, w4);
  ExpectNDArrayNear(w4, {0.9, 1.1}, 1e-6, "signum");
  NDArray w5 = nd::array({1, 1});
  Update("signsgd_update", {w5, nd::array({0.3, -0.3})}, {{"lr", 0.1}}, w5);
  ExpectNDArrayNear(w5, {0.9, 1.1}, 1e-6, "signsgd");
}

TEST(Optimizer, LambPhases) {
  NDArray w = nd::array({3, 4}), g = nd::array({1, 1}), mean = nd::zeros({2}), var = nd::zeros({2});
  NDArray upd = nd::Op1("lamb_update_phase1", {w, g, mean, var}, {{"t", 1}, {"wd", 0.0}});
  // With t = 1 and zero states: m = 0.1, v = 0.001; corrected: 1, 1 -> upd = 1 / (1 + 1e-6).
  ExpectNDArrayNear(upd, {1 / (1 + 1e-6), 1 / (1 + 1e-6)}, 1e-5, "lamb phase1");
  NDArray r1 = nd::norm(w), r2 = nd::norm(upd);
  Update("lamb_update_phase2", {w, upd, r1, r2}, {{"lr", 0.1}}, w);
  double ratio = 5.0 / std::sqrt(2.0 * std::pow(1 / (1 + 1e-6), 2));
  ExpectNDArrayNear(w, {3 - 0.1 * ratio / (1 + 1e-6), 4 - 0.1 * ratio / (1 + 1e-6)}, 1e-5,
                    "lamb phase2");
}

TEST(Optimizer, MultiPrecisionKeepsAFloat32Master) {
  NDArray w16 = nd::array({1, 2}, kFloat16), g16 = nd::array({0.001, 0.001}, kFloat16);
  NDArray w32 = nd::array({1, 2}), mom = nd::zeros({2});
  for (int i = 0; i < 10; ++i)
    Update("mp_sgd_mom_update", {w16, g16, mom, w32}, {{"lr", 0.01}, {"momentum", 0.0}}, w16);
  // 10 steps of 1e-5 (g16 rounds 0.001 to 0.0010004): float32 master tracks them, the float16
  // copy is its rounding.
  double step = 0.01 * static_cast<float>(half_t(0.001f));
  ExpectNDArrayNear(w32, {1 - 10 * step, 2 - 10 * step}, 1e-6, "master weight");
  ExpectNDArrayNear(w16,
                    {static_cast<float>(half_t(static_cast<float>(1 - 10 * step))),
                     static_cast<float>(half_t(static_cast<float>(2 - 10 * step)))},
                    0, "float16 weight");
  EXPECT_THROW(Update("mp_sgd_update", {w16, g16, nd::array({1, 2}, kFloat16)}, {{"lr", 0.1}}, w16),
               TypeError);
}

TEST(Optimizer, ParametersAreMXNets) {
  EXPECT_THROW(nd::Op1("sgd_update", {nd::ones({2}), nd::ones({2})}, {}), ValueError);  // lr
  EXPECT_THROW(nd::Op1("adam_update", {nd::ones({2}), nd::ones({2}), nd::ones({2}), nd::ones({3})},
                       {{"lr", 0.1}}),
               ShapeError);
}

}  // namespace
}  // namespace mx
