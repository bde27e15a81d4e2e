// CTCLoss (MXNet's nn/ctc_loss, aliases ctc_loss, _contrib_CTCLoss, _contrib_ctc_loss): the
// connectionist temporal classification loss of activations data (T, N, alphabet) against
// labels (N, L), one value per sequence. As MXNet 1.9 (its bundled warp-ctc on the CPU): the
// activations are normalised with a log-softmax over the alphabet; blank_label "first" reserves
// class 0 for the blank and pads labels with 0, "last" reserves the last class and pads with
// -1; a label sequence ends at its first padding value unless use_label_lengths gives the
// lengths, and use_data_lengths gives each sequence's number of steps (later steps get zero
// gradients). A sequence whose labels cannot fit its steps (L + repeats > T) costs 0 with a
// zero gradient, as warp-ctc returns; one with a label outside the classes (or the blank
// itself) costs NaN. The forward pass also writes the gradient with respect to
// the activations into a hidden output (MXNet's "grad"); _backward_ctc_loss scales it by each
// sequence's output gradient. One thread per sequence, forward-backward in log space in double
// precision.
#ifndef TESSERA_CORE_OPS_NN_CTC_LOSS_INL_H_
#define TESSERA_CORE_OPS_NN_CTC_LOSS_INL_H_

#include <cmath>
#include <string>
#include <vector>

#include "core/ndarray/copy_kernels.h"
#include "core/op/kernel.h"
#include "core/op/op_def.h"
#include "core/op/workspace.h"
#include "core/ops/elemwise/math_functors.h"

namespace mx {

struct CTCLossParam {
  bool use_data_lengths, use_label_lengths;
  std::string blank_label;
  void Declare(ParamDeclarer* d) {
    d->Declare("use_data_lengths", &use_data_lengths, false)
        .Describe("Whether the data lengths are given (input data_lengths).");
    d->Declare("use_label_lengths", &use_label_lengths, false)
        .Describe("Whether the label lengths are given (input label_lengths); else a label "
                  "sequence ends at the first padding value (0 with blank first, -1 with last).");
    d->Declare("blank_label", &blank_label, std::string("first"))
        .Enum({"first", "last"})
        .Describe("The class reserved for the blank: the first or the last.");
  }
};

struct CTCGeometry {
  int64_t steps, batch, alphabet, max_labels;
  int64_t blank;
  double padding;
  bool data_lengths, label_lengths, grad;
  int64_t work;  // doubles of workspace a sequence
};

MX_XINLINE double CTCLogAdd(double a, double b) {
  const double inf = HUGE_VAL;
  if (a == -inf) return b;
  if (b == -inf) return a;
  return a > b ? a + mop::math::log1p(mop::math::exp(b - a))
               : b + mop::math::log1p(mop::math::exp(a - b));
}

// Sequence n. labels, lengths: as doubles. `work` holds g.work doubles a sequence: log-probs
// (T x alphabet), alphas (T x S), two rows of betas, one sum per class, the extended labels.
struct CTCLossMap {
  template <typename T>
  MX_XINLINE static void Map(int64_t n, const T* data, const double* labels,
                             const double* data_len, const double* label_len, T* loss, T* grad,
                             double* work, CTCGeometry g) {
    const double inf = HUGE_VAL;
    const int64_t C = g.alphabet, Lmax = g.max_labels, Smax = 2 * Lmax + 1;
    int64_t steps = g.data_lengths ? static_cast<int64_t>(data_len[n]) : g.steps;
    steps = steps < 0 ? 0 : (steps > g.steps ? g.steps : steps);
    const double* lab = labels + n * Lmax;
    int64_t L = Lmax;
    if (g.label_lengths) {
      L = static_cast<int64_t>(label_len[n]);
      L = L < 0 ? 0 : (L > Lmax ? Lmax : L);
    } else {
      for (int64_t i = 0; i < Lmax; ++i)
        if (lab[i] == g.padding) {
          L = i;
          break;
        }
    }
    const int64_t S = 2 * L + 1;
    double* lp = work + n * g.work;
    double* alpha = lp + g.steps * C;
    double* beta = alpha + g.steps * Smax;
    double* next = beta + Smax;
    double* acc = next + Smax;
    double* ext = acc + C;
    if (grad)
      for (int64_t t = 0; t < g.steps; ++t)
        for (int64_t k = 0; k < C; ++k) grad[(t * g.batch + n) * C + k] = ConvertValue<T>(0.0);
    int64_t repeats = 0;
    bool valid = true;  // labels are classes other than the blank
    for (int64_t s = 0; s < S; ++s) {
      ext[s] = s % 2 == 0 ? double(g.blank) : lab[(s - 1) / 2];
      if (s % 2 == 1) valid = valid && ext[s] >= 0 && ext[s] < C && ext[s] != double(g.blank);
    }
    if (!valid) {  // a kernel cannot raise: the loss says it
      loss[n] = ConvertValue<T>(HUGE_VAL - HUGE_VAL);
      return;
    }
    for (int64_t i = 1; i < L; ++i) repeats += lab[i] == lab[i - 1];
    if (steps == 0 || L + repeats > steps) {
      loss[n] = ConvertValue<T>(0.0);
      return;
    }
    for (int64_t t = 0; t < steps; ++t) {  // log-softmax of step t
      const T* x = data + (t * g.batch + n) * C;
      double m = -inf, sum = 0;
      for (int64_t k = 0; k < C; ++k) m = ConvertValue<double>(x[k]) > m ? ConvertValue<double>(x[k]) : m;
      for (int64_t k = 0; k < C; ++k) sum += mop::math::exp(ConvertValue<double>(x[k]) - m);
      double lse = m + mop::math::log(sum);
      for (int64_t k = 0; k < C; ++k) lp[t * C + k] = ConvertValue<double>(x[k]) - lse;
    }
    auto emit = [&](int64_t t, int64_t s) { return lp[t * C + static_cast<int64_t>(ext[s])]; };
    auto skip = [&](int64_t s) { return s >= 2 && ext[s] != double(g.blank) && ext[s] != ext[s - 2]; };
    for (int64_t s = 0; s < S; ++s) alpha[s] = s < 2 ? emit(0, s) : -inf;
    for (int64_t t = 1; t < steps; ++t)
      for (int64_t s = 0; s < S; ++s) {
        const double* prev = alpha + (t - 1) * Smax;
        double a = prev[s];
        if (s >= 1) a = CTCLogAdd(a, prev[s - 1]);
        if (skip(s)) a = CTCLogAdd(a, prev[s - 2]);
        alpha[t * Smax + s] = a == -inf ? -inf : a + emit(t, s);
      }
    const double* last = alpha + (steps - 1) * Smax;
    double logp = S > 1 ? CTCLogAdd(last[S - 1], last[S - 2]) : last[S - 1];
    loss[n] = ConvertValue<T>(-logp);
    if (!grad) return;
    for (int64_t t = steps - 1; t >= 0; --t) {
      for (int64_t s = 0; s < S; ++s) {
        double b;
        if (t == steps - 1) {
          b = s >= S - 2 ? emit(t, s) : -inf;
        } else {
          b = next[s];
          if (s + 1 < S) b = CTCLogAdd(b, next[s + 1]);
          if (s + 2 < S && skip(s + 2)) b = CTCLogAdd(b, next[s + 2]);
          b = b == -inf ? -inf : b + emit(t, s);
        }
        beta[s] = b;
      }
      for (int64_t k = 0; k < C; ++k) acc[k] = -inf;
      for (int64_t s = 0; s < S; ++s) {
        int64_t k = static_cast<int64_t>(ext[s]);
        acc[k] = CTCLogAdd(acc[k], alpha[t * Smax + s] + beta[s]);
      }
      for (int64_t k = 0; k < C; ++k) {
        double y = mop::math::exp(lp[t * C + k]);
        double v = acc[k] == -inf ? y : y - mop::math::exp(acc[k] - lp[t * C + k] - logp);
        grad[(t * g.batch + n) * C + k] = ConvertValue<T>(v);
      }
      for (int64_t s = 0; s < S; ++s) next[s] = beta[s];
    }
  }
};

// dx[t, n, k] = og[n] * grad[t, n, k].
struct CTCLossGradMap {
  template <typename T>
  MX_XINLINE static void Map(int64_t i, const T* og, const T* grad, T* dx, int64_t batch,
                             int64_t alphabet, int req) {
    mop::Assign(dx + i, req, ConvertValue<T>(og[(i / alphabet) % batch] * grad[i]));
  }
};

CTCGeometry MakeCTCGeometry(const CTCLossParam& p, const Shape& data, const Shape& label,
                            bool grad);

// Inputs (data, label[, data_lengths][, label_lengths]); outputs (loss, grad).
template <typename xpu>
void CTCLossForward(const OpAttrs& attrs, const OpContext& ctx, const std::vector<TBlob>& in,
                    const std::vector<OpReq>& req, const std::vector<TBlob>& out) {
  const auto& p = attrs.get<CTCLossParam>();
  CTCGeometry g = MakeCTCGeometry(p, in[0].shape, in[1].shape, req[1] != OpReq::kNull);
  if (g.batch == 0) return;
  // The labels and lengths as doubles, then each sequence's workspace.
  int64_t n_lab = g.batch * g.max_labels;
  double* work = TypedWorkspace<double, xpu>(n_lab + 2 * g.batch + g.batch * g.work,
                                             WorkspaceSlot::kLoss);
  double* labels = work;
  double* data_len = labels + n_lab;
  double* label_len = data_len + g.batch;
  auto as_double = [&](const TBlob& src, double* dst) {
    CastBlob(src, TBlob{dst, src.shape, kFloat64, src.ctx}, ctx.run.stream);
  };
  if (n_lab > 0) as_double(in[1], labels);
  size_t next = 2;
  if (p.use_data_lengths) as_double(in[next++], data_len);
  if (p.use_label_lengths) as_double(in[next], label_len);
  MX_TYPE_SWITCH_FLOAT(in[0].dtype, T, "CTCLoss", {
    Kernel<xpu>::template Launch<CTCLossMap>(ctx.run.stream, g.batch, in[0].ptr<T>(), labels,
                                             data_len, label_len, out[0].ptr<T>(),
                                             g.grad ? out[1].ptr<T>() : static_cast<T*>(nullptr),
                                             label_len + g.batch, g);
  });
}

// Inputs (ograd, grad, data, label[, lengths...]); outputs one per forward input.
template <typename xpu>
void CTCLossBackward(const OpAttrs& attrs, const OpContext& ctx, const std::vector<TBlob>& in,
                     const std::vector<OpReq>& req, const std::vector<TBlob>& out) {
  for (size_t i = 1; i < out.size(); ++i)
    if (req[i] == OpReq::kWrite || req[i] == OpReq::kInplace) FillBlob(out[i], 0.0, ctx.run.stream);
  if (req[0] == OpReq::kNull || out[0].size() == 0) return;
  MX_TYPE_SWITCH_FLOAT(in[1].dtype, T, "CTCLoss backward", {
    Kernel<xpu>::template Launch<CTCLossGradMap>(ctx.run.stream, out[0].size(), in[0].ptr<T>(),
                                                 in[1].ptr<T>(), out[0].ptr<T>(),
                                                 out[0].shape[1], out[0].shape[2],
                                                 static_cast<int>(req[0]));
  });
}

}  // namespace mx

#endif  // TESSERA_CORE_OPS_NN_CTC_LOSS_INL_H_
