// The fused RNN operator (MXNet's `RNN`): rnn_relu, rnn_tanh, lstm and gru; stacked layers,
// bidirectional, state outputs, LSTM state clipping, dropout between layers. One algorithm for
// both devices (rnn.cc registers the CPU kernels, rnn.cu the GPU ones): per layer and direction
// one GEMM projects every time step's input, then each step adds h_{t-1} W_h^T (one GEMM) and
// applies the gates element-wise. Data is TNC: (T, N, I) in, (T, N, D*H) out.
//
// Parameters are one flat vector in MXNet's layout, so trained .params load: all weights, then
// all biases; per layer and direction (forward first) W_x (G*H, in) then W_h (G*H, H), and
// b_x (G*H) then b_h (G*H). Gates in MXNet's order: lstm i, f, g, o; gru r, z, n with
// n = tanh(W_xn x + b_xn + r * (W_hn h + b_hn)) and h = (1 - z) n + z h_{t-1}.
//
// The forward pass keeps what its gradient needs in a hidden output `reserve` (layout in
// RnnDims); _backward_RNN runs back-propagation through time from it.
#ifndef TESSERA_CORE_OPS_RNN_RNN_INL_H_
#define TESSERA_CORE_OPS_RNN_RNN_INL_H_

#include <math.h>

#include <optional>
#include <random>
#include <string>
#include <vector>

#include "core/op/kernel.h"
#include "core/op/op_def.h"
#include "core/op/workspace.h"
#include "core/ops/elemwise/elemwise-inl.h"
#include "core/ops/elemwise/math_functors.h"
#include "core/ops/linalg/dot-inl.h"

namespace mx {

struct RNNParam {
  int state_size, num_layers;
  bool bidirectional, state_outputs;
  std::string mode;
  double p;
  std::optional<int> projection_size;
  std::optional<double> lstm_state_clip_min, lstm_state_clip_max;
  bool lstm_state_clip_nan, use_sequence_length;
  void Declare(ParamDeclarer* d) {
    d->Declare("state_size", &state_size).Describe("Hidden state size H of each layer.");
    d->Declare("num_layers", &num_layers).Describe("Number of stacked layers.");
    d->Declare("bidirectional", &bidirectional, false).Describe("Run each layer both ways.");
    d->Declare("mode", &mode)
        .Enum({"rnn_relu", "rnn_tanh", "lstm", "gru"})
        .Describe("The recurrent cell.");
    d->Declare("p", &p, 0.0).Describe("Dropout rate on the outputs of every layer but the last.");
    d->Declare("state_outputs", &state_outputs, false)
        .Describe("Also output the final states (and the LSTM's final cell states).");
    d->Declare("projection_size", &projection_size, std::optional<int>())
        .Describe("LSTM projection size (not supported yet).");
    d->Declare("lstm_state_clip_min", &lstm_state_clip_min, std::optional<double>())
        .Describe("Lower bound of the LSTM cell state (with lstm_state_clip_max).");
    d->Declare("lstm_state_clip_max", &lstm_state_clip_max, std::optional<double>())
        .Describe("Upper bound of the LSTM cell state (with lstm_state_clip_min).");
    d->Declare("lstm_state_clip_nan", &lstm_state_clip_nan, false)
        .Describe("Clip NaN cell states to the lower bound instead of keeping them.");
    d->Declare("use_sequence_length", &use_sequence_length, false)
        .Describe("Take per-sample sequence lengths (not supported yet).");
  }
};

enum RnnMode { kRnnRelu = 0, kRnnTanh, kLstm, kGru };

// LSTM cell-state clipping: [lo, hi] when `on`; `nan` clips NaN to lo.
struct RnnClip {
  bool on = false, nan = false;
  double lo = 0, hi = 0;
};

// Sizes and offsets. reserve (elements of the data type): for each (layer, direction) block,
// gates (T*N*G*H: activated gates, the first G*H of a step's row holding x W_x^T before the
// step), h (T*N*H) and, for lstm and gru, e (T*N*H: lstm the cell states, gru W_hn h + b_hn);
// then the outputs of every layer but the last (T*N*D*H each, after dropout) and their dropout
// masks (T*N*D*H each: 0 or 1 / (1 - p)).
struct RnnDims {
  int mode;
  int64_t T, N, I, H, L, D, G;
  RnnClip clip;

  int64_t In(int64_t l) const { return l ? D * H : I; }
  int64_t GH() const { return G * H; }
  int64_t WeightSize(int64_t l) const { return GH() * (In(l) + H); }
  int64_t WeightsTotal() const {
    int64_t s = 0;
    for (int64_t l = 0; l < L; ++l) s += D * WeightSize(l);
    return s;
  }
  int64_t ParamSize() const { return WeightsTotal() + L * D * 2 * GH(); }
  // W_x of (l, d); W_h follows it.
  int64_t WxOffset(int64_t l, int64_t d) const {
    int64_t s = 0;
    for (int64_t k = 0; k < l; ++k) s += D * WeightSize(k);
    return s + d * WeightSize(l);
  }
  int64_t WhOffset(int64_t l, int64_t d) const { return WxOffset(l, d) + GH() * In(l); }
  int64_t BxOffset(int64_t l, int64_t d) const { return WeightsTotal() + (l * D + d) * 2 * GH(); }
  int64_t BhOffset(int64_t l, int64_t d) const { return BxOffset(l, d) + GH(); }

  int64_t E() const { return mode == kLstm || mode == kGru ? H : 0; }
  int64_t BlockSize() const { return T * N * (GH() + H + E()); }
  int64_t Block(int64_t l, int64_t d) const { return (l * D + d) * BlockSize(); }
  int64_t LayerOut(int64_t l) const { return L * D * BlockSize() + l * T * N * D * H; }
  int64_t Mask(int64_t l) const { return LayerOut(L - 1) + l * T * N * D * H; }
  int64_t ReserveSize() const { return Mask(L - 1); }
  int64_t NumStates() const { return L * D; }
  // Time index of step s of direction d (the reverse direction runs from T - 1 down).
  int64_t Time(int64_t d, int64_t s) const { return d ? T - 1 - s : s; }
};

RnnDims MakeRnnDims(const RNNParam& p, const Shape& data);
int RnnNumInputs(const RNNParam& p);
int RnnNumVisibleOutputs(const RNNParam& p);

// Host memory to xpu memory (enqueued on `stream` for the GPU).
template <typename xpu>
void RnnCopyFromHost(void* dst, const void* src, size_t bytes, void* stream);
template <>
void RnnCopyFromHost<CPU>(void* dst, const void* src, size_t bytes, void* stream);
template <>
void RnnCopyFromHost<GPU>(void* dst, const void* src, size_t bytes, void* stream);

namespace rnn {

// C (m, n) (+)= op(A) op(B), contiguous row-major arrays of type t, on the op's device.
template <typename xpu>
void MatMul(const OpContext& ctx, DType t, bool trans_a, bool trans_b, int64_t m, int64_t n,
            int64_t k, const void* a, const void* b, void* c, bool accumulate) {
  auto blob = [t](const void* p) {
    TBlob x;
    x.dptr = const_cast<void*>(p);
    x.dtype = t;
    return x;
  };
  DeviceGemm<xpu>(ctx,
                  mx::Gemm(m, n, k, trans_a, trans_b, accumulate ? OpReq::kAddTo : OpReq::kWrite),
                  blob(a), blob(b), blob(c));
}

template <typename T>
MX_XINLINE mop::M<T> Sigmoid(mop::M<T> x) {
  using A = mop::M<T>;
  return A(1) / (A(1) + mop::math::exp(-x));
}

// The pre-activation of gate k at (n, j): x W_x^T + h W_h^T + b_x + b_h.
template <typename T>
MX_XINLINE mop::M<T> Pre(const T* g, const T* r, const T* bx, const T* bh, int64_t k, int64_t H,
                         int64_t j) {
  return mop::ToM(g[k * H + j]) + mop::ToM(r[k * H + j]) + mop::ToM(bx[k * H + j]) +
         mop::ToM(bh[k * H + j]);
}

template <typename A>
MX_XINLINE A Clip(A c, const RnnClip& clip) {
  if (!clip.on) return c;
  A lo = static_cast<A>(clip.lo), hi = static_cast<A>(clip.hi);
  if (clip.nan && c != c) return lo;
  return c < lo ? lo : (c > hi ? hi : c);
}

// One step of one direction, element (n, j) = (i / H, i % H). gates/rec point at the step's
// (N, G*H) rows of x W_x^T and h_{t-1} W_h^T.
struct LstmStep {
  template <typename T>
  MX_XINLINE static void Map(int64_t i, T* gates, const T* rec, const T* bx, const T* bh,
                             const T* c_prev, T* h, T* c, int64_t H, RnnClip clip) {
    using A = mop::M<T>;
    int64_t n = i / H, j = i % H;
    T* g = gates + n * 4 * H;
    const T* r = rec + n * 4 * H;
    A ig = Sigmoid<T>(Pre(g, r, bx, bh, 0, H, j)), fg = Sigmoid<T>(Pre(g, r, bx, bh, 1, H, j));
    A gg = mop::math::tanh(Pre(g, r, bx, bh, 2, H, j)), og = Sigmoid<T>(Pre(g, r, bx, bh, 3, H, j));
    A ct = Clip(fg * mop::ToM(c_prev[i]) + ig * gg, clip);
    g[j] = ConvertValue<T>(ig);
    g[H + j] = ConvertValue<T>(fg);
    g[2 * H + j] = ConvertValue<T>(gg);
    g[3 * H + j] = ConvertValue<T>(og);
    c[i] = ConvertValue<T>(ct);
    h[i] = ConvertValue<T>(og * mop::math::tanh(ct));
  }
};

struct GruStep {
  template <typename T>
  MX_XINLINE static void Map(int64_t i, T* gates, const T* rec, const T* bx, const T* bh,
                             const T* h_prev, T* h, T* hn_out, int64_t H) {
    using A = mop::M<T>;
    int64_t n = i / H, j = i % H;
    T* g = gates + n * 3 * H;
    const T* r = rec + n * 3 * H;
    A rg = Sigmoid<T>(Pre(g, r, bx, bh, 0, H, j)), zg = Sigmoid<T>(Pre(g, r, bx, bh, 1, H, j));
    A hn = mop::ToM(r[2 * H + j]) + mop::ToM(bh[2 * H + j]);
    A ng = mop::math::tanh(mop::ToM(g[2 * H + j]) + mop::ToM(bx[2 * H + j]) + rg * hn);
    g[j] = ConvertValue<T>(rg);
    g[H + j] = ConvertValue<T>(zg);
    g[2 * H + j] = ConvertValue<T>(ng);
    hn_out[i] = ConvertValue<T>(hn);
    h[i] = ConvertValue<T>((A(1) - zg) * ng + zg * mop::ToM(h_prev[i]));
  }
};

struct VanillaStep {
  template <typename T>
  MX_XINLINE static void Map(int64_t i, const T* gates, const T* rec, const T* bx, const T* bh,
                             T* h, int64_t H, bool relu) {
    using A = mop::M<T>;
    int64_t n = i / H, j = i % H;
    A pre = Pre(gates + n * H, rec + n * H, bx, bh, 0, H, j);
    h[i] = ConvertValue<T>(relu ? (pre > A(0) ? pre : A(0)) : mop::math::tanh(pre));
  }
};

// Backward of one step. dy: the step's (N, D*H) rows of the layer's output gradient, this
// direction's columns from `off`; dh (dc): the gradient of h_t (c_t) from later steps, replaced
// by the part of h_{t-1}'s (c_{t-1}'s) gradient that does not go through W_h (added by a GEMM).
// dg: the gradient of the pre-activations (for W_x, b_x, and for W_h, b_h but gru's n gate).
struct LstmStepBack {
  template <typename T>
  MX_XINLINE static void Map(int64_t i, const T* dy, int64_t DH, int64_t off, T* dh, T* dc,
                             const T* gates, const T* c, const T* c_prev, T* dg, int64_t H,
                             RnnClip clip) {
    using A = mop::M<T>;
    int64_t n = i / H, j = i % H;
    const T* g = gates + n * 4 * H;
    A ig = mop::ToM(g[j]), fg = mop::ToM(g[H + j]), gg = mop::ToM(g[2 * H + j]),
      og = mop::ToM(g[3 * H + j]);
    A dht = mop::ToM(dy[n * DH + off + j]) + mop::ToM(dh[i]);
    A ct = mop::ToM(c[i]), tc = mop::math::tanh(ct);
    A dct = mop::ToM(dc[i]) + dht * og * (A(1) - tc * tc);
    // The clipped cell state passes no gradient to what it was computed from.
    if (clip.on && (ct <= static_cast<A>(clip.lo) || ct >= static_cast<A>(clip.hi))) dct = A(0);
    T* d = dg + n * 4 * H;
    d[j] = ConvertValue<T>(dct * gg * ig * (A(1) - ig));
    d[H + j] = ConvertValue<T>(dct * mop::ToM(c_prev[i]) * fg * (A(1) - fg));
    d[2 * H + j] = ConvertValue<T>(dct * ig * (A(1) - gg * gg));
    d[3 * H + j] = ConvertValue<T>(dht * tc * og * (A(1) - og));
    dc[i] = ConvertValue<T>(dct * fg);
    dh[i] = ConvertValue<T>(A(0));
  }
};

// gru: dg for W_x, b_x; dr (N, 3H) for W_h, b_h (the n gate's scaled by r).
struct GruStepBack {
  template <typename T>
  MX_XINLINE static void Map(int64_t i, const T* dy, int64_t DH, int64_t off, T* dh, const T* gates,
                             const T* hn, const T* h_prev, T* dg, T* dr, int64_t H) {
    using A = mop::M<T>;
    int64_t n = i / H, j = i % H;
    const T* g = gates + n * 3 * H;
    A rg = mop::ToM(g[j]), zg = mop::ToM(g[H + j]), ng = mop::ToM(g[2 * H + j]);
    A dht = mop::ToM(dy[n * DH + off + j]) + mop::ToM(dh[i]);
    A dn = dht * (A(1) - zg) * (A(1) - ng * ng);
    A dz = dht * (mop::ToM(h_prev[i]) - ng) * zg * (A(1) - zg);
    A drg = dn * mop::ToM(hn[i]) * rg * (A(1) - rg);
    T* d = dg + n * 3 * H;
    T* e = dr + n * 3 * H;
    d[j] = e[j] = ConvertValue<T>(drg);
    d[H + j] = e[H + j] = ConvertValue<T>(dz);
    d[2 * H + j] = ConvertValue<T>(dn);
    e[2 * H + j] = ConvertValue<T>(dn * rg);
    dh[i] = ConvertValue<T>(dht * zg);
  }
};

struct VanillaStepBack {
  template <typename T>
  MX_XINLINE static void Map(int64_t i, const T* dy, int64_t DH, int64_t off, T* dh, const T* h,
                             T* dg, int64_t H, bool relu) {
    using A = mop::M<T>;
    int64_t n = i / H, j = i % H;
    A dht = mop::ToM(dy[n * DH + off + j]) + mop::ToM(dh[i]);
    A hv = mop::ToM(h[i]);
    dg[i] = ConvertValue<T>(relu ? (hv > A(0) ? dht : A(0)) : dht * (A(1) - hv * hv));
    dh[i] = ConvertValue<T>(A(0));
  }
};

// dst (T*N, D*H) = the directions' h (T*N, H each) side by side, times mask (if any).
struct Interleave {
  template <typename T>
  MX_XINLINE static void Map(int64_t i, const T* h0, const T* h1, const T* mask, T* dst, int64_t H,
                             int64_t D, int req) {
    int64_t DH = D * H, tn = i / DH, k = i % DH, d = k / H, j = k % H;
    mop::M<T> v = mop::ToM((d ? h1 : h0)[tn * H + j]);
    if (mask) v = v * mop::ToM(mask[i]);
    mop::Assign(dst + i, req, ConvertValue<T>(v));
  }
};

// dst (req)= src.
using Copy = UnaryMap<mop::identity>;

struct Fill {
  template <typename T>
  MX_XINLINE static void Map(int64_t i, T* x, double v) {
    x[i] = ConvertValue<T>(v);
  }
};

// dst[k] += the sum of column k of src (rows, cols), one thread a column (deterministic).
struct AddColumnSums {
  template <typename T>
  MX_XINLINE static void Map(int64_t k, const T* src, int64_t rows, int64_t cols, T* dst) {
    mop::M<T> s = mop::ToM(dst[k]);
    for (int64_t r = 0; r < rows; ++r) s += mop::ToM(src[r * cols + k]);
    dst[k] = ConvertValue<T>(s);
  }
};

}  // namespace rnn

// Inputs data, parameters, state[, state_cell]; outputs output[, state[, state_cell]], reserve.
template <typename xpu>
void RnnForward(const OpAttrs& attrs, const OpContext& ctx, const std::vector<TBlob>& in,
                const std::vector<OpReq>& req, const std::vector<TBlob>& out) {
  using namespace rnn;  // NOLINT
  const auto& p = attrs.get<RNNParam>();
  RnnDims d = MakeRnnDims(p, in[0].shape);
  void* s = ctx.run.stream;
  const bool lstm = d.mode == kLstm;
  const int nvis = RnnNumVisibleOutputs(p);
  const TBlob& reserve = out[nvis];
  const int64_t TN = d.T * d.N, NH = d.N * d.H, GH = d.GH();
  const bool dropout = ctx.is_train && p.p > 0 && d.L > 1;
  MX_TYPE_SWITCH_FLOAT(in[0].dtype, T, "RNN", {
    T* rs = reserve.ptr<T>();
    const T* w = in[1].ptr<T>();
    const T* hx = in[2].ptr<T>();
    const T* cx = lstm ? in[3].ptr<T>() : nullptr;
    // Scratch in the loss ops' slot: one kernel call uses a slot at a time.
    T* rec = TypedWorkspace<T, xpu>(d.N * GH, WorkspaceSlot::kLoss);
    for (int64_t l = 0; l < d.L; ++l) {
      const T* x = l ? rs + d.LayerOut(l - 1) : in[0].ptr<T>();
      for (int64_t dir = 0; dir < d.D; ++dir) {
        int64_t st = l * d.D + dir;
        T* gates = rs + d.Block(l, dir);
        T* h = gates + TN * GH;
        T* e = h + TN * d.H;
        const T* wh = w + d.WhOffset(l, dir);
        const T* bx = w + d.BxOffset(l, dir);
        const T* bh = w + d.BhOffset(l, dir);
        MatMul<xpu>(ctx, in[0].dtype, false, true, TN, GH, d.In(l), x, w + d.WxOffset(l, dir),
                    gates, false);
        for (int64_t step = 0; step < d.T; ++step) {
          int64_t t = d.Time(dir, step), tp = d.Time(dir, step - 1);
          const T* h_prev = step ? h + tp * NH : hx + st * NH;
          MatMul<xpu>(ctx, in[0].dtype, false, true, d.N, GH, d.H, h_prev, wh, rec, false);
          T* g = gates + t * d.N * GH;
          if (lstm) {
            const T* c_prev = step ? e + tp * NH : cx + st * NH;
            Kernel<xpu>::template Launch<LstmStep>(s, NH, g, rec, bx, bh, c_prev, h + t * NH,
                                                   e + t * NH, d.H, d.clip);
          } else if (d.mode == kGru) {
            Kernel<xpu>::template Launch<GruStep>(s, NH, g, rec, bx, bh, h_prev, h + t * NH,
                                                  e + t * NH, d.H);
          } else {
            Kernel<xpu>::template Launch<VanillaStep>(s, NH, g, rec, bx, bh, h + t * NH, d.H,
                                                      d.mode == kRnnRelu);
          }
        }
        if (p.state_outputs) {  // h (c) after the direction's last step
          int64_t last = d.Time(dir, d.T - 1);
          Kernel<xpu>::template Launch<Copy>(s, NH, h + last * NH, out[1].ptr<T>() + st * NH,
                                             static_cast<int>(req[1]));
          if (lstm)
            Kernel<xpu>::template Launch<Copy>(s, NH, e + last * NH, out[2].ptr<T>() + st * NH,
                                               static_cast<int>(req[2]));
        }
      }
      const bool last_layer = l == d.L - 1;
      T* mask = last_layer ? nullptr : rs + d.Mask(l);  // read by the backward pass
      if (mask && dropout) {
        std::vector<T> keep(TN * d.D * d.H);
        double scale = 1.0 / (1.0 - p.p);
        for (T& k : keep)
          k = ConvertValue<T>(std::generate_canonical<double, 53>(*ctx.rng) < 1.0 - p.p ? scale
                                                                                        : 0.0);
        RnnCopyFromHost<xpu>(mask, keep.data(), keep.size() * sizeof(T), s);
      } else if (mask) {
        Kernel<xpu>::template Launch<Fill>(s, TN * d.D * d.H, mask, 1.0);
      }
      const T* h0 = rs + d.Block(l, 0) + TN * GH;
      const T* h1 = d.D == 2 ? rs + d.Block(l, 1) + TN * GH : h0;
      T* dst = last_layer ? out[0].ptr<T>() : rs + d.LayerOut(l);
      const T* scale = dropout ? mask : nullptr;
      Kernel<xpu>::template Launch<Interleave>(
          s, TN * d.D * d.H, h0, h1, scale, dst, d.H, d.D,
          static_cast<int>(last_layer ? req[0] : OpReq::kWrite));
    }
  });
}

// Inputs: the visible outputs' gradients, the forward inputs, reserve; outputs: the forward
// inputs' gradients (data, parameters, state[, state_cell]).
template <typename xpu>
void RnnBackward(const OpAttrs& attrs, const OpContext& ctx, const std::vector<TBlob>& in,
                 const std::vector<OpReq>& req, const std::vector<TBlob>& out) {
  using namespace rnn;  // NOLINT
  const auto& p = attrs.get<RNNParam>();
  const int nvis = RnnNumVisibleOutputs(p), nin = RnnNumInputs(p);
  const TBlob& data = in[nvis];
  RnnDims d = MakeRnnDims(p, data.shape);
  void* s = ctx.run.stream;
  const bool lstm = d.mode == kLstm, gru = d.mode == kGru;
  const int64_t TN = d.T * d.N, NH = d.N * d.H, GH = d.GH(), TNDH = TN * d.D * d.H;
  const bool want_w = req[1] != OpReq::kNull;
  const int write = static_cast<int>(OpReq::kWrite);
  MX_TYPE_SWITCH_FLOAT(data.dtype, T, "RNN backward", {
    const T* dout = in[0].ptr<T>();
    const T* dhy = p.state_outputs ? in[1].ptr<T>() : nullptr;
    const T* dcy = p.state_outputs && lstm ? in[2].ptr<T>() : nullptr;
    const T* w = in[nvis + 1].ptr<T>();
    const T* hx = in[nvis + 2].ptr<T>();
    const T* cx = lstm ? in[nvis + 3].ptr<T>() : nullptr;
    const T* rs = in[nvis + nin].ptr<T>();
    T* dw = out[1].ptr<T>();
    // Scratch (the loss ops' workspace slot, free during this call): dg (T*N, G*H), dr
    // (N, G*H), dh and dc (N*H each), two (T*N, D*H) buffers.
    T* dg = TypedWorkspace<T, xpu>(TN * GH + d.N * GH + 2 * NH + 2 * TNDH, WorkspaceSlot::kLoss);
    T* dr_gru = dg + TN * GH;
    T* dh = dr_gru + d.N * GH;
    T* dc = dh + NH;
    T* bufs[2] = {dc + NH, dc + NH + TNDH};
    if (want_w && req[1] != OpReq::kAddTo)
      Kernel<xpu>::template Launch<Fill>(s, d.ParamSize(), dw, 0.0);
    const T* dy = dout;  // the gradient of layer l's output
    for (int64_t l = d.L - 1; l >= 0; --l) {
      const T* x = l ? rs + d.LayerOut(l - 1) : data.ptr<T>();
      T* dx = l ? bufs[l % 2] : out[0].ptr<T>();
      const bool want_dx = l > 0 || req[0] != OpReq::kNull;
      for (int64_t dir = 0; dir < d.D; ++dir) {
        int64_t st = l * d.D + dir;
        const T* gates = rs + d.Block(l, dir);
        const T* h = gates + TN * GH;
        const T* e = h + TN * d.H;
        const T* wh = w + d.WhOffset(l, dir);
        if (dhy)
          Kernel<xpu>::template Launch<Copy>(s, NH, dhy + st * NH, dh, write);
        else
          Kernel<xpu>::template Launch<Fill>(s, NH, dh, 0.0);
        if (lstm) {
          if (dcy)
            Kernel<xpu>::template Launch<Copy>(s, NH, dcy + st * NH, dc, write);
          else
            Kernel<xpu>::template Launch<Fill>(s, NH, dc, 0.0);
        }
        for (int64_t step = d.T - 1; step >= 0; --step) {
          int64_t t = d.Time(dir, step), tp = d.Time(dir, step - 1);
          const T* h_prev = step ? h + tp * NH : hx + st * NH;
          const T* dyt = dy + t * d.N * d.D * d.H;
          T* dgt = dg + t * d.N * GH;
          T* dr = gru ? dr_gru : dgt;  // the gradient through W_h h_{t-1} (+ b_h)
          if (lstm) {
            const T* c_prev = step ? e + tp * NH : cx + st * NH;
            Kernel<xpu>::template Launch<LstmStepBack>(s, NH, dyt, d.D * d.H, dir * d.H, dh, dc,
                                                       gates + t * d.N * GH, e + t * NH, c_prev,
                                                       dgt, d.H, d.clip);
          } else if (gru) {
            Kernel<xpu>::template Launch<GruStepBack>(s, NH, dyt, d.D * d.H, dir * d.H, dh,
                                                      gates + t * d.N * GH, e + t * NH, h_prev, dgt,
                                                      dr, d.H);
          } else {
            Kernel<xpu>::template Launch<VanillaStepBack>(s, NH, dyt, d.D * d.H, dir * d.H, dh,
                                                          h + t * NH, dgt, d.H, d.mode == kRnnRelu);
          }
          MatMul<xpu>(ctx, data.dtype, false, false, d.N, d.H, GH, dr, wh, dh, true);
          if (want_w) {
            MatMul<xpu>(ctx, data.dtype, true, false, GH, d.H, d.N, dr, h_prev,
                        dw + d.WhOffset(l, dir), true);
            Kernel<xpu>::template Launch<AddColumnSums>(s, GH, static_cast<const T*>(dr), d.N, GH,
                                                        dw + d.BhOffset(l, dir));
          }
        }
        if (req[2] != OpReq::kNull)
          Kernel<xpu>::template Launch<Copy>(s, NH, static_cast<const T*>(dh),
                                             out[2].ptr<T>() + st * NH, static_cast<int>(req[2]));
        if (lstm && req[3] != OpReq::kNull)
          Kernel<xpu>::template Launch<Copy>(s, NH, static_cast<const T*>(dc),
                                             out[3].ptr<T>() + st * NH, static_cast<int>(req[3]));
        if (want_w) {
          MatMul<xpu>(ctx, data.dtype, true, false, GH, d.In(l), TN, dg, x, dw + d.WxOffset(l, dir),
                      true);
          Kernel<xpu>::template Launch<AddColumnSums>(s, GH, static_cast<const T*>(dg), TN, GH,
                                                      dw + d.BxOffset(l, dir));
        }
        if (want_dx) {
          bool acc = dir > 0 || (l == 0 && req[0] == OpReq::kAddTo);
          MatMul<xpu>(ctx, data.dtype, false, false, TN, d.In(l), GH, dg, w + d.WxOffset(l, dir),
                      dx, acc);
        }
      }
      if (l > 0) {  // through the dropout between layers l - 1 and l
        Kernel<xpu>::template Launch<BinaryMap<mop::mul>>(s, TNDH, static_cast<const T*>(dx),
                                                          rs + d.Mask(l - 1), dx, write);
        dy = dx;
      }
    }
  });
}

}  // namespace mx

#endif  // TESSERA_CORE_OPS_RNN_RNN_INL_H_
