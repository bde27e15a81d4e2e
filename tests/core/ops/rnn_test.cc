// The fused RNN operator against a naive per-step reference written here (MXNet's parameter
// layout and gate equations), its gradients against central differences (float64), and its
// errors.
#include <gtest/gtest.h>

#include <cmath>
#include <string>
#include <vector>

#include "core/base/error.h"
#include "core/op/imperative.h"
#include "core/tessera.h"
#include "tests/testing/gradient_check.h"

namespace mx {
namespace {

using testing::CheckGradient;
using testing::ExpectNDArrayNear;
using testing::Rand;

struct Geo {
  std::string mode;
  int64_t T, N, I, H, L, D;
  double clip_lo = 0, clip_hi = 0;
  bool clip = false;
  int64_t G() const { return mode == "lstm" ? 4 : mode == "gru" ? 3 : 1; }
  int64_t In(int64_t l) const { return l ? D * H : I; }
  int64_t ParamSize() const {
    int64_t s = 0;
    for (int64_t l = 0; l < L; ++l) s += D * G() * H * (In(l) + H + 2);
    return s;
  }
  Params ToParams(bool state_outputs) const {
    Params p = {{"mode", mode},
                {"state_size", static_cast<int>(H)},
                {"num_layers", static_cast<int>(L)},
                {"bidirectional", D == 2},
                {"state_outputs", state_outputs}};
    if (clip) {
      p.push_back({"lstm_state_clip_min", clip_lo});
      p.push_back({"lstm_state_clip_max", clip_hi});
    }
    return p;
  }
};

struct Ref {
  std::vector<double> y, hy, cy;
};

double Sig(double x) { return 1 / (1 + std::exp(-x)); }

// MXNet's RNN step by step: weights of every (layer, direction) in order, W_x then W_h, then
// the biases b_x, b_h in the same order.
Ref Naive(const Geo& g, const std::vector<double>& x0, const std::vector<double>& w,
          const std::vector<double>& hx, const std::vector<double>& cx) {
  const int64_t T = g.T, N = g.N, H = g.H, G = g.G();
  Ref r;
  r.hy.assign(g.L * g.D * N * H, 0);
  r.cy.assign(g.L * g.D * N * H, 0);
  std::vector<double> x = x0;
  size_t woff = 0, boff = 0;
  for (int64_t l = 0; l < g.L; ++l) boff += g.D * G * H * (g.In(l) + H);
  for (int64_t l = 0; l < g.L; ++l) {
    int64_t in = g.In(l);
    std::vector<double> y(T * N * g.D * H, 0);
    for (int64_t d = 0; d < g.D; ++d) {
      const double* wx = &w[woff];
      const double* wh = wx + G * H * in;
      woff += G * H * (in + H);
      const double* bx = &w[boff];
      const double* bh = bx + G * H;
      boff += 2 * G * H;
      int64_t st = l * g.D + d;
      std::vector<double> h(hx.begin() + st * N * H, hx.begin() + (st + 1) * N * H);
      std::vector<double> c(
          cx.empty() ? std::vector<double>(N * H, 0)
                     : std::vector<double>(cx.begin() + st * N * H, cx.begin() + (st + 1) * N * H));
      for (int64_t s = 0; s < T; ++s) {
        int64_t t = d ? T - 1 - s : s;
        std::vector<double> hn(N * H), cn(N * H);
        for (int64_t n = 0; n < N; ++n) {
          // a[k][j] = x W_x^T + b_x, b[k][j] = h W_h^T + b_h.
          std::vector<double> a(G * H), b(G * H);
          for (int64_t q = 0; q < G * H; ++q) {
            a[q] = bx[q];
            b[q] = bh[q];
            for (int64_t i = 0; i < in; ++i) a[q] += wx[q * in + i] * x[(t * N + n) * in + i];
            for (int64_t m = 0; m < H; ++m) b[q] += wh[q * H + m] * h[n * H + m];
          }
          for (int64_t j = 0; j < H; ++j) {
            double hp = h[n * H + j], out;
            if (g.mode == "lstm") {
              double ig = Sig(a[j] + b[j]), fg = Sig(a[H + j] + b[H + j]);
              double gg = std::tanh(a[2 * H + j] + b[2 * H + j]);
              double og = Sig(a[3 * H + j] + b[3 * H + j]);
              double ct = fg * c[n * H + j] + ig * gg;
              if (g.clip) ct = std::min(std::max(ct, g.clip_lo), g.clip_hi);
              cn[n * H + j] = ct;
              out = og * std::tanh(ct);
            } else if (g.mode == "gru") {
              double rg = Sig(a[j] + b[j]), zg = Sig(a[H + j] + b[H + j]);
              double ng = std::tanh(a[2 * H + j] + rg * b[2 * H + j]);
              out = (1 - zg) * ng + zg * hp;
            } else {
              double pre = a[j] + b[j];
              out = g.mode == "rnn_relu" ? std::max(pre, 0.0) : std::tanh(pre);
            }
            hn[n * H + j] = out;
            y[(t * N + n) * g.D * H + d * H + j] = out;
          }
        }
        h = hn;
        if (g.mode == "lstm") c = cn;
      }
      std::copy(h.begin(), h.end(), r.hy.begin() + st * N * H);
      std::copy(c.begin(), c.end(), r.cy.begin() + st * N * H);
    }
    x = y;
  }
  r.y = x;
  return r;
}

std::vector<NDArray> Inputs(const Geo& g) {
  std::vector<NDArray> in = {Rand({g.T, g.N, g.I}), Rand({g.ParamSize()}, -0.7, 0.7),
                             Rand({g.L * g.D, g.N, g.H})};
  if (g.mode == "lstm") in.push_back(Rand({g.L * g.D, g.N, g.H}));
  return in;
}

TEST(RNN, EveryModeMatchesTheNaiveReference) {
  std::vector<Geo> cases = {
      {"lstm", 4, 3, 5, 4, 2, 2},     {"gru", 4, 3, 5, 4, 2, 2},  {"rnn_tanh", 5, 2, 3, 3, 3, 2},
      {"rnn_relu", 3, 2, 4, 5, 2, 1}, {"lstm", 6, 1, 2, 3, 1, 1}, {"gru", 2, 4, 3, 2, 1, 2},
  };
  Geo clipped = {"lstm", 5, 2, 3, 4, 2, 1};
  clipped.clip = true;
  clipped.clip_lo = -0.2;
  clipped.clip_hi = 0.25;
  cases.push_back(clipped);
  for (const Geo& g : cases) {
    std::string what = g.mode + " L=" + std::to_string(g.L) + " D=" + std::to_string(g.D);
    std::vector<NDArray> in = Inputs(g);
    Ref want =
        Naive(g, in[0].ToVector<double>(), in[1].ToVector<double>(), in[2].ToVector<double>(),
              g.mode == "lstm" ? in[3].ToVector<double>() : std::vector<double>());
    std::vector<NDArray> out = Invoke("RNN", in, ToParamMap(g.ToParams(true)));
    ASSERT_EQ(out.size(), g.mode == "lstm" ? 3u : 2u) << what;
    ASSERT_EQ(out[0].shape(), Shape({g.T, g.N, g.D * g.H})) << what;
    ExpectNDArrayNear(out[0], want.y, 1e-12, what + " output");
    ExpectNDArrayNear(out[1], want.hy, 1e-12, what + " final state");
    if (g.mode == "lstm") ExpectNDArrayNear(out[2], want.cy, 1e-12, what + " final cell state");
    // Without state_outputs only the output is visible; float32 gives the same to rounding.
    std::vector<NDArray> in32;
    for (const NDArray& a : in) in32.push_back(a.AsType(kFloat32));
    std::vector<NDArray> only = Invoke("RNN", in32, ToParamMap(g.ToParams(false)));
    ASSERT_EQ(only.size(), 1u) << what;
    ExpectNDArrayNear(only[0], want.y, 1e-5, what + " float32 output");
  }
}

TEST(RNN, GradientsOfEveryInput) {
  for (const char* mode : {"lstm", "gru", "rnn_tanh", "rnn_relu"}) {
    Geo g = {mode, 3, 2, 3, 2, 2, 2};
    CheckGradient("RNN", Inputs(g), g.ToParams(true));
  }
  Geo one = {"lstm", 4, 2, 3, 3, 1, 1};  // only the output's gradient flows in
  CheckGradient("RNN", Inputs(one), one.ToParams(false));
}

TEST(RNN, DropoutBetweenLayersInTrainingOnly) {
  Geo g = {"lstm", 5, 4, 3, 6, 2, 1};
  std::vector<NDArray> in = Inputs(g);
  Params p = g.ToParams(false);
  p.push_back({"p", 0.5});
  ParamMap pm = ToParamMap(p);
  InvokeOptions train;
  train.is_train = true;
  random::Seed(7);
  NDArray a = Invoke("RNN", in, pm, train)[0];
  random::Seed(7);
  NDArray b = Invoke("RNN", in, pm, train)[0];
  ExpectNDArrayNear(a, b, 0, "the same seed");
  Ref want = Naive(g, in[0].ToVector<double>(), in[1].ToVector<double>(), in[2].ToVector<double>(),
                   in[3].ToVector<double>());
  ExpectNDArrayNear(Invoke("RNN", in, pm)[0], want.y, 1e-12, "inference: no dropout");
  std::vector<double> av = a.ToVector<double>();
  double diff = 0;
  for (size_t i = 0; i < av.size(); ++i) diff = std::max(diff, std::fabs(av[i] - want.y[i]));
  EXPECT_GT(diff, 1e-3) << "training with p=0.5 should drop some of the first layer's outputs";
}

TEST(RNN, ShapesAndErrors) {
  const OpDef& op = OpRegistry::Get()->Find("RNN");
  OpAttrs a = op.MakeAttrs(ToParamMap(
      {{"mode", "lstm"}, {"state_size", 512}, {"num_layers", 2}, {"state_outputs", true}}));
  std::vector<Shape> in = {{35, 32, 256}, {}, {}, {}}, out(4);
  ASSERT_TRUE(op.infer_shape()(a, &in, &out));
  // 4H (I + H + 2) for the first layer, 4H (H + H + 2) for the second.
  EXPECT_EQ(in[1], Shape({4 * 512 * (256 + 512 + 2) + 4 * 512 * (512 + 512 + 2)}));
  EXPECT_EQ(in[2], Shape({2, 32, 512}));
  EXPECT_EQ(out[0], Shape({35, 32, 512}));
  EXPECT_EQ(out[2], Shape({2, 32, 512}));
  Geo g = {"gru", 3, 2, 3, 2, 1, 1};
  std::vector<NDArray> bad = Inputs(g);
  bad[0] = Rand({3, 2});
  EXPECT_THROW(Invoke("RNN", bad, ToParamMap(g.ToParams(false))), ShapeError);
  Params proj = g.ToParams(false);
  proj.push_back({"projection_size", 2});
  EXPECT_THROW(Invoke("RNN", Inputs(g), ToParamMap(proj)), NotImplementedError);
  Params clip = g.ToParams(false);
  clip.push_back({"lstm_state_clip_min", -1.0});
  EXPECT_THROW(Invoke("RNN", Inputs(g), ToParamMap(clip)), ValueError);
  std::vector<NDArray> wrong = Inputs(g);
  wrong[1] = Rand({g.ParamSize() + 1});
  EXPECT_THROW(Invoke("RNN", wrong, ToParamMap(g.ToParams(false))), ShapeError);
}

}  // namespace
}  // namespace mx
