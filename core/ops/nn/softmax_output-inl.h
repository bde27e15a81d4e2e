// SoftmaxOutput kernels for both devices (softmax_output.cc registers CPU, .cu GPU): the
// forward pass is softmax over the class axis (softmax-inl.h's row kernel); the backward pass
// computes each element's gradient independently (see softmax_output.cc for the semantics).
#ifndef TESSERA_CORE_OPS_NN_SOFTMAX_OUTPUT_INL_H_
#define TESSERA_CORE_OPS_NN_SOFTMAX_OUTPUT_INL_H_

#include <string>
#include <type_traits>
#include <vector>

#include "core/engine/engine.h"
#include "core/op/kernel.h"
#include "core/op/op_def.h"
#include "core/ops/nn/softmax-inl.h"
#include "core/storage/storage.h"

namespace mx {

struct SoftmaxOutputParam {
  double grad_scale;
  double ignore_label;
  bool multi_output;
  bool use_ignore;
  bool preserve_shape;
  std::string normalization;
  bool out_grad;
  double smooth_alpha;
  void Declare(ParamDeclarer* d) {
    d->Declare("grad_scale", &grad_scale, 1.0).Describe("Scales the gradient.");
    d->Declare("ignore_label", &ignore_label, -1.0).Describe("Label to ignore (use_ignore).");
    d->Declare("multi_output", &multi_output, false).Describe("Softmax per spatial position.");
    d->Declare("use_ignore", &use_ignore, false).Describe("Zero the gradient of ignore_label.");
    d->Declare("preserve_shape", &preserve_shape, false).Describe("Softmax over the last axis.");
    d->Declare("normalization", &normalization, std::string("null"))
        .Enum({"null", "batch", "valid"})
        .Describe("Gradient divisor: 1, batch size, or non-ignored label count.");
    d->Declare("out_grad", &out_grad, false).Describe("Multiply by the head gradient.");
    d->Declare("smooth_alpha", &smooth_alpha, 0.0).Describe("Label smoothing.");
  }
};

// (n rows, c classes, positions per row) with class stride `positions`.
struct SmView {
  int64_t n, c, pos;
};

inline SmView View(const SoftmaxOutputParam& p, const Shape& s) {
  if (p.preserve_shape) return {s.ProdRange(0, s.ndim() - 1), s[s.ndim() - 1], 1};
  if (p.multi_output) return {s[0], s[1], s.ProdRange(2, s.ndim())};
  return {s[0], s.ProdRange(1, s.ndim()), 1};
}

// Scalars of the backward pass, passed by value to kernels.
struct SmGradArgs {
  SmView v;
  bool prob_label, use_ignore, out_grad, multi_output;
  int ignore_label;
  int normalization;  // 0 null, 1 batch, 2 valid
  double grad_scale, smooth_alpha;
};

// Number of labels different from ignore_label (at least 1), written to *out.
template <typename L>
struct CountValidMap {
  MX_XINLINE static void Map(int64_t, const L* label, int64_t rows, int ignore, double* out) {
    int64_t valid = 0;
    for (int64_t r = 0; r < rows; ++r)
      valid += static_cast<int>(ConvertValue<double>(label[r])) != ignore;
    *out = static_cast<double>(valid > 0 ? valid : 1);
  }
};

template <typename L>
struct SmGradMap {
  template <typename T>
  MX_XINLINE static void Map(int64_t i, const T* dy, const T* y, const L* label, T* dx, int req,
                             SmGradArgs a, const double* valid) {
    double o = ConvertValue<double>(y[i]), g;
    if (a.prob_label) {
      g = (o - ConvertValue<double>(label[i])) * a.grad_scale;
    } else {
      int64_t pos = a.v.pos, c = a.v.c;
      int64_t k = (i / pos) % c, r = (i / (c * pos)) * pos + i % pos;
      int lab = static_cast<int>(ConvertValue<double>(label[r]));
      double target = k == lab ? 1 - a.smooth_alpha
                               : (a.smooth_alpha > 0 && c > 1 ? a.smooth_alpha / (c - 1) : 0.0);
      g = (a.use_ignore && lab == a.ignore_label) ? 0.0 : o - target;
      double cnt =
          a.normalization == 1 ? static_cast<double>(a.v.n) : (a.normalization == 2 ? *valid : 1.0);
      double scale = a.grad_scale / cnt;
      if (a.multi_output && a.normalization != 2) scale /= static_cast<double>(pos);
      g *= scale;
    }
    if (a.out_grad) g *= ConvertValue<double>(dy[i]);
    mop::Assign(dx + i, req, ConvertValue<T>(g));
  }
};

template <typename xpu>
void SoftmaxOutputForward(const OpAttrs& attrs, const OpContext& ctx, const std::vector<TBlob>& in,
                          const std::vector<OpReq>& req, const std::vector<TBlob>& out) {
  if (req[0] == OpReq::kNull) return;
  SmView v = View(attrs.get<SoftmaxOutputParam>(), in[0].shape);
  AxisView av{v.n, v.c, v.pos};
  MX_TYPE_SWITCH_FLOAT(in[0].dtype, T, "SoftmaxOutput", {
    Kernel<xpu>::template Launch<SoftmaxRowMap>(ctx.run.stream, v.n * v.pos, in[0].ptr<T>(),
                                                out[0].ptr<T>(), av, 1.0, false,
                                                static_cast<int>(req[0]));
  });
}

// Inputs (ograd, output, label).
template <typename xpu>
void SoftmaxOutputBackward(const OpAttrs& attrs, const OpContext& ctx, const std::vector<TBlob>& in,
                           const std::vector<OpReq>& req, const std::vector<TBlob>& out) {
  const auto& p = attrs.get<SoftmaxOutputParam>();
  SmGradArgs a;
  a.v = View(p, in[1].shape);
  a.prob_label = in[2].shape == in[1].shape;
  a.use_ignore = p.use_ignore;
  a.out_grad = p.out_grad;
  a.multi_output = p.multi_output;
  a.ignore_label = static_cast<int>(p.ignore_label);
  a.normalization = p.normalization == "batch" ? 1 : (p.normalization == "valid" ? 2 : 0);
  a.grad_scale = p.grad_scale;
  a.smooth_alpha = p.smooth_alpha;
  bool need_count = !a.prob_label && a.normalization == 2;
  // The valid-label count lives where the kernel runs.
  StorageHandle scratch;
  double host_count = 1;
  double* count = &host_count;
  if (need_count && ctx.run.ctx.is_gpu()) {
    scratch = Storage::Get()->Alloc(sizeof(double), ctx.run.ctx);
    count = static_cast<double*>(scratch.dptr);
  }
  MX_TYPE_SWITCH_ARITH(in[2].dtype, L, "SoftmaxOutput label", {
    if (need_count)
      Kernel<xpu>::template Launch<CountValidMap<L>>(ctx.run.stream, 1, in[2].ptr<L>(),
                                                     a.v.n * a.v.pos, a.ignore_label, count);
    MX_TYPE_SWITCH_FLOAT(in[1].dtype, T, "SoftmaxOutput backward", {
      Kernel<xpu>::template Launch<SmGradMap<L>>(ctx.run.stream, in[1].size(), in[0].ptr<T>(),
                                                 in[1].ptr<T>(), in[2].ptr<L>(), out[0].ptr<T>(),
                                                 static_cast<int>(req[0]), a, count);
    });
  });
  if (scratch.dptr) {
    SynchronizeStream(ctx.run);  // the kernels read the count before it returns to the pool
    Storage::Get()->Free(scratch);
  }
}

}  // namespace mx

#endif  // TESSERA_CORE_OPS_NN_SOFTMAX_OUTPUT_INL_H_
