// LeakyReLU family (MXNet's LeakyReLU operator): act_type leaky (x>0 ? x : slope x), prelu
// (learned slope gamma per channel, axis 1), elu (x>0 ? x : slope (e^x - 1)), selu (scaled elu
// with fixed alpha and lambda) and gelu (x Phi(x), exact erf form). rrelu is not supported.
// Backward (_backward_LeakyReLU, inputs ograd, data[, gamma]): dx, and dgamma for prelu.
#include <cmath>
#include <string>

#include "core/op/op_def.h"
#include "core/ops/elemwise/math_functors.h"
#include "core/ops/nn/leaky_relu-inl.h"

namespace mx {
namespace {

bool IsPrelu(const OpAttrs& a) { return a.get<LeakyReLUParam>().act_type == "prelu"; }

int64_t ChannelOf(int64_t i, const Shape& s) {
  return s.ndim() < 2 ? 0 : (i / s.ProdRange(2, s.ndim())) % s[1];
}

bool LeakyShape(const OpAttrs& attrs, std::vector<Shape>* in, std::vector<Shape>* out) {
  const Shape& d = (*in)[0];
  if (d.ndim() == 0) return false;
  if (IsPrelu(attrs)) AssignShape(&(*in)[1], Shape{d.ndim() < 2 ? 1 : d[1]}, attrs, "gamma");
  AssignShape(&(*out)[0], d, attrs, "the output");
  return true;
}

void LeakyForward(const OpAttrs& attrs, const OpContext&, const std::vector<TBlob>& in,
                  const std::vector<OpReq>& req, const std::vector<TBlob>& out) {
  const auto& p = attrs.get<LeakyReLUParam>();
  LeakyKind kind = KindOf(p);
  MX_TYPE_SWITCH_FLOAT(in[0].dtype, T, "LeakyReLU", {
    const T* x = in[0].ptr<T>();
    const T* gamma = IsPrelu(attrs) ? in[1].ptr<T>() : nullptr;
    for (int64_t i = 0; i < in[0].size(); ++i) {
      double s = gamma ? ConvertValue<double>(gamma[ChannelOf(i, in[0].shape)]) : p.slope, y, dy;
      LeakyAct(kind, ConvertValue<double>(x[i]), s, &y, &dy);
      mop::Assign(out[0].ptr<T>() + i, static_cast<int>(req[0]), ConvertValue<T>(y));
    }
  });
}

void LeakyBackward(const OpAttrs& attrs, const OpContext&, const std::vector<TBlob>& in,
                   const std::vector<OpReq>& req, const std::vector<TBlob>& out) {
  const auto& p = attrs.get<LeakyReLUParam>();
  LeakyKind kind = KindOf(p);
  bool prelu = IsPrelu(attrs);
  MX_TYPE_SWITCH_FLOAT(in[0].dtype, T, "LeakyReLU backward", {
    const T* g = in[0].ptr<T>();
    const T* x = in[1].ptr<T>();
    const T* gamma = prelu ? in[2].ptr<T>() : nullptr;
    std::vector<double> dgamma(prelu ? in[2].size() : 0, 0.0);
    for (int64_t i = 0; i < in[0].size(); ++i) {
      int64_t c = prelu ? ChannelOf(i, in[1].shape) : 0;
      double xv = ConvertValue<double>(x[i]), gv = ConvertValue<double>(g[i]);
      double s = prelu ? ConvertValue<double>(gamma[c]) : p.slope, y, dy;
      LeakyAct(kind, xv, s, &y, &dy);
      mop::Assign(out[0].ptr<T>() + i, static_cast<int>(req[0]), ConvertValue<T>(gv * dy));
      if (prelu && xv <= 0) dgamma[c] += gv * xv;
    }
    if (prelu)
      for (size_t c = 0; c < dgamma.size(); ++c)
        mop::Assign(out[1].ptr<T>() + c, static_cast<int>(req[1]), ConvertValue<T>(dgamma[c]));
  });
}

MX_REGISTER_OP(LeakyReLU)
    .Describe("Leaky rectifiers: leaky, prelu, elu, selu, gelu (see leaky_relu.cc).")
    .Params<LeakyReLUParam>()
    .NumInputs([](const OpAttrs& a) { return IsPrelu(a) ? 2 : 1; })
    .InputNames([](const OpAttrs& a) {
      return IsPrelu(a) ? std::vector<std::string>{"data", "gamma"}
                        : std::vector<std::string>{"data"};
    })
    .InferShape(LeakyShape)
    .InferType(SameTypeInferType)
    .BatchInputs(AlwaysBatchInputs({0}))
    .Compute(DeviceType::kCPU, LeakyForward)
    .Gradient([](const OpAttrs& attrs, GradContext* ctx) {
      std::vector<GradEntry> in = {ctx->OutGrad(0), ctx->Input(0)};
      if (IsPrelu(attrs)) in.push_back(ctx->Input(1));
      return ctx->Op("_backward_LeakyReLU", in, attrs.dict);
    });

MX_REGISTER_OP(_backward_LeakyReLU)
    .Describe("Gradient of LeakyReLU: inputs (ograd, data[, gamma]).")
    .Params<LeakyReLUParam>()
    .NumInputs([](const OpAttrs& a) { return IsPrelu(a) ? 3 : 2; })
    .NumOutputs([](const OpAttrs& a) { return IsPrelu(a) ? 2 : 1; })
    .InferShape([](const OpAttrs& attrs, std::vector<Shape>* in, std::vector<Shape>* out) {
      if ((*in)[1].ndim() == 0) return false;
      AssignShape(&(*out)[0], (*in)[1], attrs, "data gradient");
      if (out->size() > 1) {
        if ((*in)[2].ndim() == 0) return false;
        AssignShape(&(*out)[1], (*in)[2], attrs, "gamma gradient");
      }
      return true;
    })
    .InferType(SameTypeInferType)
    .Compute(DeviceType::kCPU, LeakyBackward);

}  // namespace
}  // namespace mx
