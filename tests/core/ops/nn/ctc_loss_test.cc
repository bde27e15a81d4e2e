// CTCLoss against a brute-force sum over every alignment (blank first and last, padding,
// repeated labels, data and label lengths, infeasible sequences), its gradient against central
// differences in float64, and IdentityAttachKLSparseReg's identity forward and its moving
// average and penalty worked by hand.
#include <gtest/gtest.h>

#include <cmath>

#include "core/base/error.h"
#include "core/op/autograd.h"
#include "core/op/imperative.h"
#include "core/tessera.h"
#include "tests/testing/gradient_check.h"

namespace mx {
namespace {

using D = std::vector<double>;
using testing::ExpectNDArrayNear;

// -log p(label | x[:steps]) for activations x (T, C) of one sequence, over all C^steps paths.
double BruteForceCTC(const D& x, int C, int steps, const std::vector<int>& label, int blank) {
  std::vector<D> y(steps, D(C));
  for (int t = 0; t < steps; ++t) {
    double z = 0;
    for (int k = 0; k < C; ++k) z += std::exp(x[t * C + k]);
    for (int k = 0; k < C; ++k) y[t][k] = std::exp(x[t * C + k]) / z;
  }
  double p = 0;
  std::vector<int> path(steps, 0);
  for (int64_t code = 0; code < static_cast<int64_t>(std::pow(C, steps)); ++code) {
    int64_t c = code;
    for (int t = 0; t < steps; ++t, c /= C) path[t] = static_cast<int>(c % C);
    std::vector<int> collapsed;
    for (int t = 0; t < steps; ++t)
      if (path[t] != blank && (t == 0 || path[t] != path[t - 1])) collapsed.push_back(path[t]);
    if (collapsed != label) continue;
    double q = 1;
    for (int t = 0; t < steps; ++t) q *= y[t][path[t]];
    p += q;
  }
  return -std::log(p);
}

// Activations (T, N, C) of sequence n as (T, C).
D Sequence(const D& all, int T, int N, int C, int n) {
  D v;
  for (int t = 0; t < T; ++t)
    for (int k = 0; k < C; ++k) v.push_back(all[(t * N + n) * C + k]);
  return v;
}

TEST(CTCLoss, MatchesTheSumOverAllAlignments) {
  const int T = 5, N = 3, C = 4;
  NDArray x = testing::Rand({T, N, C}, -2, 2);
  D xv = x.ToVector<double>();
  // Blank first: 0 pads; sequence 1 repeats a label (needs a blank between).
  NDArray label = nd::array({1, 2, 0, 3, 3, 0, 2, 1, 3}, Shape{N, 3}, kFloat64);
  NDArray loss = nd::Op1("CTCLoss", {x, label});
  D want = {BruteForceCTC(Sequence(xv, T, N, C, 0), C, T, {1, 2}, 0),
            BruteForceCTC(Sequence(xv, T, N, C, 1), C, T, {3, 3}, 0),
            BruteForceCTC(Sequence(xv, T, N, C, 2), C, T, {2, 1, 3}, 0)};
  ExpectNDArrayNear(loss, want, 1e-9, "blank first");
  // Blank last: -1 pads, classes 0..2 are labels.
  NDArray last = nd::array({0, 2, -1, 1, -1, -1, 2, 2, 0}, Shape{N, 3}, kFloat64);
  D want_last = {BruteForceCTC(Sequence(xv, T, N, C, 0), C, T, {0, 2}, 3),
                 BruteForceCTC(Sequence(xv, T, N, C, 1), C, T, {1}, 3),
                 BruteForceCTC(Sequence(xv, T, N, C, 2), C, T, {2, 2, 0}, 3)};
  ExpectNDArrayNear(nd::Op1("ctc_loss", {x, last}, {{"blank_label", "last"}}), want_last, 1e-9,
                    "blank last");
  // Data and label lengths given: 4, 3, 5 steps; 1, 2, 2 labels (padding values ignored).
  NDArray dlen = nd::array({4, 3, 5}, Shape{3}, kFloat64);
  NDArray llen = nd::array({1, 2, 2}, Shape{3}, kFloat64);
  D want_len = {BruteForceCTC(Sequence(xv, T, N, C, 0), C, 4, {1}, 0),
                BruteForceCTC(Sequence(xv, T, N, C, 1), C, 3, {3, 3}, 0),
                BruteForceCTC(Sequence(xv, T, N, C, 2), C, 5, {2, 1}, 0)};
  ExpectNDArrayNear(nd::Op1("_contrib_CTCLoss", {x, label, dlen, llen},
                            {{"use_data_lengths", true}, {"use_label_lengths", true}}),
                    want_len, 1e-9, "lengths");
  // Labels that cannot fit (3, 3 in 2 steps needs 3): 0, as MXNet's warp-ctc.
  NDArray two = nd::array({2, 2, 5}, Shape{3}, kFloat64);
  std::vector<NDArray> out = InvokeAll("CTCLoss", {x, label, two}, {{"use_data_lengths", "True"}});
  EXPECT_EQ(out[0].ToVector<double>()[1], 0.0);
  EXPECT_EQ(out[1].shape(), (Shape{T, N, C}));
  D g = out[1].ToVector<double>();
  for (int t = 2; t < T; ++t)
    for (int k = 0; k < C; ++k) EXPECT_EQ(g[(t * N + 0) * C + k], 0.0) << "after the length";
  EXPECT_THROW(nd::Op1("CTCLoss", {x, nd::zeros({2, 3})}), ShapeError);
  EXPECT_TRUE(std::isnan(nd::Op1("CTCLoss", {x, nd::array({4, 0, 0, 1, 0, 0, 1, 0, 0},
                                                           Shape{3, 3}, kFloat64)})
                             .ToVector<double>()[0]));  // class 4 of 4
}

TEST(CTCLoss, GradientMatchesCentralDifferences) {
  testing::GradCheckOptions data_only;
  data_only.inputs = {0};
  NDArray label = nd::array({1, 2, 0, 3, 3, 0}, Shape{2, 3}, kFloat64);
  testing::CheckGradient("CTCLoss", {testing::Rand({5, 2, 4}), label}, {}, data_only);
  testing::CheckGradient("CTCLoss",
                         {testing::Rand({5, 2, 4}), label, nd::array({3, 5}, Shape{2}, kFloat64)},
                         {{"use_data_lengths", true}}, data_only);
}

TEST(IdentityAttachKLSparseReg, IdentityForwardPenaltyBackward) {
  NDArray x = nd::array({0.2, 0.4, 0.6, 0.2}, Shape{2, 2}, kFloat64);
  NDArray avg = nd::array({0.5, 0.1}, Shape{2}, kFloat64);
  Params p = {{"sparseness_target", 0.1}, {"penalty", 0.01}, {"momentum", 0.9}};
  Symbol s = Symbol::CreateOp("IdentityAttachKLSparseReg", {Symbol::Variable("x")}, ToParamMap(p), "kl");
  EXPECT_EQ(s.ListAuxiliaryStates(), (std::vector<std::string>{"kl_moving_avg"}));
  InvokeOptions train;
  train.is_train = true;
  std::vector<NDArray> out = InvokeAll("IdentityAttachKLSparseReg", {x, avg}, ToParamMap(p), train);
  ExpectNDArrayNear(out[0], x.ToVector<double>(), 0, "identity");
  NDArray og = nd::array({1, 2, 3, 4}, Shape{2, 2}, kFloat64);
  std::vector<NDArray> g =
      Backward("IdentityAttachKLSparseReg", {x, avg}, ToParamMap(p), out, {og});
  // Column means 0.4 and 0.3: averages 0.9 * 0.5 + 0.1 * 0.4 = 0.49, 0.9 * 0.1 + 0.03 = 0.12.
  ExpectNDArrayNear(avg, {0.49, 0.12}, 1e-12, "moving average");
  double r0 = 0.01 * (-0.1 / 0.49 + 0.9 / 0.51), r1 = 0.01 * (-0.1 / 0.12 + 0.9 / 0.88);
  ExpectNDArrayNear(g[0], {1 + r0, 2 + r1, 3 + r0, 4 + r1}, 1e-12, "penalised gradient");
  EXPECT_THROW(nd::Op1("IdentityAttachKLSparseReg", {nd::zeros({2, 3, 4}), nd::zeros({3})}),
               ShapeError);
}

}  // namespace
}  // namespace mx
