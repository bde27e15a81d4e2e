// SoftmaxOutput (alias Softmax): softmax in the forward pass, cross-entropy gradient in the
// backward pass, with MXNet's exact semantics (mxnet-formats.md §6.6):
//   forward: softmax over axis 1 of data viewed as (N, C) (multi_output: (N, C, positions);
//            preserve_shape: over the last axis);
//   backward (ignores the head gradient unless out_grad): index labels give
//            (out - onehot(label)) * grad_scale / valid_cnt, with rows whose label equals
//            ignore_label zeroed when use_ignore, smooth_alpha label smoothing, and valid_cnt
//            1 (null), N (batch) or the number of non-ignored labels (valid, at least 1);
//            multi_output also divides by the number of positions unless normalization is
//            valid. A label of data's shape is a probability target: (out - label) * grad_scale.
#include <cmath>
#include <string>

#include "core/op/op_def.h"
#include "core/op/kernel.h"
#include "core/base/convert.h"

namespace mx {
namespace {

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

SmView View(const SoftmaxOutputParam& p, const Shape& s) {
  if (p.preserve_shape) return {s.ProdRange(0, s.ndim() - 1), s[s.ndim() - 1], 1};
  if (p.multi_output) return {s[0], s[1], s.ProdRange(2, s.ndim())};
  return {s[0], s.ProdRange(1, s.ndim()), 1};
}

bool SoftmaxOutputShape(const OpAttrs& attrs, std::vector<Shape>* in, std::vector<Shape>* out) {
  const auto& p = attrs.get<SoftmaxOutputParam>();
  const Shape& data = (*in)[0];
  if (data.ndim() == 0) return false;
  Shape& label = (*in)[1];
  Shape want;
  if (p.preserve_shape) {
    want = Shape(std::vector<int64_t>(data.begin(), data.end() - 1));
  } else if (p.multi_output) {
    std::vector<int64_t> d = {data[0]};
    d.insert(d.end(), data.begin() + 2, data.end());
    want = Shape(d);
  } else {
    want = Shape{data[0]};
  }
  // Accepted labels: index labels of shape `want` (or the same count in another layout, such
  // as (N, 1), as MXNet), or probability targets of data's shape.
  bool accepted = label.ndim() != 0 && (label == data || label.Size() == want.Size());
  if (!accepted) AssignShape(&label, want, attrs, "label");
  AssignShape(&(*out)[0], data, attrs, "the output");
  return true;
}

template <typename T>
void Forward(SmView v, const T* x, T* y) {
#pragma omp parallel for num_threads(CpuKernelThreads()) if (v.n * v.c * v.pos > 32768)
  for (int64_t r = 0; r < v.n * v.pos; ++r) {
    int64_t base = (r / v.pos) * v.c * v.pos + r % v.pos;
    double mx = -INFINITY, sum = 0;
    for (int64_t k = 0; k < v.c; ++k) mx = std::max(mx, ConvertValue<double>(x[base + k * v.pos]));
    for (int64_t k = 0; k < v.c; ++k) sum += std::exp(ConvertValue<double>(x[base + k * v.pos]) - mx);
    for (int64_t k = 0; k < v.c; ++k)
      y[base + k * v.pos] = ConvertValue<T>(std::exp(ConvertValue<double>(x[base + k * v.pos]) - mx) / sum);
  }
}

void SoftmaxOutputForward(const OpAttrs& attrs, const OpContext&, const std::vector<TBlob>& in,
                          const std::vector<OpReq>& req, const std::vector<TBlob>& out) {
  if (req[0] == OpReq::kNull) return;
  SmView v = View(attrs.get<SoftmaxOutputParam>(), in[0].shape);
  MX_TYPE_SWITCH_FLOAT(in[0].dtype, T, "SoftmaxOutput", Forward(v, in[0].ptr<T>(), out[0].ptr<T>()));
}

template <typename T, typename L>
void Backward(const SoftmaxOutputParam& p, SmView v, bool prob_label, const T* dy, const T* y,
              const L* label, T* dx, int req) {
  int64_t total = v.n * v.c * v.pos;
  std::vector<double> g(total);
  if (prob_label) {
    for (int64_t i = 0; i < total; ++i)
      g[i] = (ConvertValue<double>(y[i]) - ConvertValue<double>(label[i])) * p.grad_scale;
  } else {
    int ignore = static_cast<int>(p.ignore_label);
    int64_t valid = 0;
    for (int64_t r = 0; r < v.n * v.pos; ++r) {
      int64_t base = (r / v.pos) * v.c * v.pos + r % v.pos;
      int lab = static_cast<int>(ConvertValue<double>(label[r]));
      if (lab != ignore) ++valid;
      bool skip = p.use_ignore && lab == ignore;
      for (int64_t k = 0; k < v.c; ++k) {
        double o = ConvertValue<double>(y[base + k * v.pos]);
        double target = 0;
        if (k == lab) {
          target = 1 - p.smooth_alpha;
        } else if (p.smooth_alpha > 0 && v.c > 1) {
          target = p.smooth_alpha / (v.c - 1);
        }
        g[base + k * v.pos] = skip ? 0.0 : o - target;
      }
    }
    double cnt = 1;
    if (p.normalization == "batch") cnt = static_cast<double>(v.n);
    if (p.normalization == "valid") cnt = static_cast<double>(valid > 0 ? valid : 1);
    double scale = p.grad_scale / cnt;
    if (p.multi_output && p.normalization != "valid") scale /= static_cast<double>(v.pos);
    for (double& x : g) x *= scale;
  }
  for (int64_t i = 0; i < total; ++i) {
    double r = g[i] * (p.out_grad ? ConvertValue<double>(dy[i]) : 1.0);
    if (req == 3) r += ConvertValue<double>(dx[i]);
    if (req != 0) dx[i] = ConvertValue<T>(r);
  }
}

void SoftmaxOutputBackward(const OpAttrs& attrs, const OpContext&, const std::vector<TBlob>& in,
                           const std::vector<OpReq>& req, const std::vector<TBlob>& out) {
  const auto& p = attrs.get<SoftmaxOutputParam>();
  SmView v = View(p, in[1].shape);
  bool prob_label = in[2].shape == in[1].shape;
  MX_TYPE_SWITCH_FLOAT(in[1].dtype, T, "SoftmaxOutput backward", {
    MX_TYPE_SWITCH_ARITH(in[2].dtype, L, "SoftmaxOutput label", {
      Backward(p, v, prob_label, in[0].ptr<T>(), in[1].ptr<T>(), in[2].ptr<L>(), out[0].ptr<T>(),
               static_cast<int>(req[0]));
    });
  });
}

bool LabelAnyType(const OpAttrs&, std::vector<int>* in, std::vector<int>* out) {
  if ((*in)[0] < 0) return false;
  (*out)[0] = (*in)[0];
  if ((*in)[1] < 0) (*in)[1] = (*in)[0];
  return true;
}

void RegisterSoftmaxOutput(OpDef& def) {
  def.Describe("Softmax with MXNet's cross-entropy gradient (see softmax_output.cc).")
      .Params<SoftmaxOutputParam>()
      .NumInputs(2)
      .InputNames({"data", "label"})
      .InferShape(SoftmaxOutputShape)
      .InferType(LabelAnyType)
      .Compute(DeviceType::kCPU, SoftmaxOutputForward)
      .Gradient([](const OpAttrs& attrs, GradContext* ctx) {
        std::vector<GradEntry> g = ctx->Op(
            "_backward_SoftmaxOutput", {ctx->OutGrad(0), ctx->Output(0), ctx->Input(1)},
            attrs.dict);
        return std::vector<GradEntry>{g[0], GradEntry()};
      });
}

[[maybe_unused]] const bool kRegistered = [] {
  RegisterSoftmaxOutput(OpRegistry::Get()->Register("SoftmaxOutput"));
  RegisterSoftmaxOutput(OpRegistry::Get()->Register("Softmax"));
  return true;
}();

MX_REGISTER_OP(_backward_SoftmaxOutput)
    .Describe("Gradient of SoftmaxOutput: inputs (ograd, output, label).")
    .Params<SoftmaxOutputParam>()
    .NumInputs(3)
    .InputNames({"ograd", "output", "label"})
    .InferShape([](const OpAttrs& attrs, std::vector<Shape>* in, std::vector<Shape>* out) {
      if ((*in)[1].ndim() == 0) return false;
      AssignShape(&(*out)[0], (*in)[1], attrs, "data gradient");
      return true;
    })
    .InferType([](const OpAttrs&, std::vector<int>* in, std::vector<int>* out) {
      if ((*in)[1] < 0) return false;
      (*out)[0] = (*in)[1];
      return true;
    })
    .Compute(DeviceType::kCPU, SoftmaxOutputBackward);

}  // namespace
}  // namespace mx
