// Dropout: in training (or mode=always) each element is kept with probability 1 - p and scaled
// by 1 / (1 - p); `axes` shares one draw along the listed axes (variational dropout). At
// inference it is the identity. The mask (0 or 1/(1-p) per element) is a hidden output.
// Draws come from the process generator in engine order (mx::random::Seed makes them
// reproducible). Backward (_backward_Dropout, inputs ograd, mask): dx = dy * mask.
#include <string>

#include "core/op/op_def.h"
#include "core/ops/elemwise/math_functors.h"
#include "core/ops/nn/dropout-inl.h"

namespace mx {
namespace {

bool DropoutShape(const OpAttrs& attrs, std::vector<Shape>* in, std::vector<Shape>* out) {
  const auto& p = attrs.get<DropoutParam>();
  MX_CHECK_AS(ValueError, p.p >= 0 && p.p < 1)
      << "operator Dropout: p must be in [0, 1), found " << p.p << ".";
  if ((*in)[0].ndim() == 0) return false;
  for (int64_t a : p.axes.dims()) (*in)[0].CanonicalAxis(static_cast<int>(a), "Dropout");
  AssignShape(&(*out)[0], (*in)[0], attrs, "the output");
  AssignShape(&(*out)[1], (*in)[0], attrs, "the mask");
  return true;
}

template <typename T>
void Forward(const DropoutParam& p, bool active, std::mt19937* rng, const Shape& s, const T* x,
             T* y, T* mask, int req) {
  int64_t n = s.Size();
  if (!active || p.p == 0) {
    for (int64_t i = 0; i < n; ++i) {
      mask[i] = ConvertValue<T>(1.0);
      mop::Assign(y + i, req, x[i]);
    }
    return;
  }
  // One draw per element of the shape with the shared axes set to 1.
  std::vector<int64_t> rdims = s.dims();
  for (int64_t a : p.axes.dims()) rdims[s.CanonicalAxis(static_cast<int>(a), "Dropout")] = 1;
  Shape rs(rdims);
  std::vector<double> keep(rs.Size());
  double scale = 1.0 / (1.0 - p.p);
  for (double& k : keep) k = std::generate_canonical<double, 53>(*rng) < 1.0 - p.p ? scale : 0.0;
  std::vector<int64_t> rstride = rs.Strides();
  for (int64_t i = 0; i < n; ++i) {
    int64_t rem = i, ri = 0;
    for (int d = s.ndim() - 1; d >= 0; --d) {
      int64_t c = rem % s[d];
      rem /= s[d];
      if (rdims[d] != 1) ri += c * rstride[d];
    }
    mask[i] = ConvertValue<T>(keep[ri]);
    mop::Assign(y + i, req, ConvertValue<T>(ConvertValue<double>(x[i]) * keep[ri]));
  }
}

void DropoutForward(const OpAttrs& attrs, const OpContext& ctx, const std::vector<TBlob>& in,
                    const std::vector<OpReq>& req, const std::vector<TBlob>& out) {
  const auto& p = attrs.get<DropoutParam>();
  bool active = ctx.is_train || p.mode == "always";
  MX_TYPE_SWITCH_FLOAT(in[0].dtype, T, "Dropout", {
    Forward(p, active, ctx.rng, in[0].shape, in[0].ptr<T>(), out[0].ptr<T>(), out[1].ptr<T>(),
            static_cast<int>(req[0]));
  });
}

void DropoutBackward(const OpAttrs&, const OpContext&, const std::vector<TBlob>& in,
                     const std::vector<OpReq>& req, const std::vector<TBlob>& out) {
  MX_TYPE_SWITCH_FLOAT(in[0].dtype, T, "Dropout backward", {
    const T* dy = in[0].ptr<T>();
    const T* m = in[1].ptr<T>();
    T* dx = out[0].ptr<T>();
    for (int64_t i = 0; i < in[0].size(); ++i)
      mop::Assign(dx + i, static_cast<int>(req[0]),
                  ConvertValue<T>(ConvertValue<double>(dy[i]) * ConvertValue<double>(m[i])));
  });
}

MX_REGISTER_OP(Dropout)
    .Describe("Randomly zeroes elements in training (see dropout.cc).")
    .Params<DropoutParam>()
    .NumInputs(1)
    .InputNames({"data"})
    .NumOutputs(2)
    .OutputNames({"output", "mask"})
    .NumVisibleOutputs([](const OpAttrs&) { return 1; })
    .InferShape(DropoutShape)
    .InferType(SameTypeInferType)
    .RequestRandom()
    .Compute(DeviceType::kCPU, DropoutForward)
    .Gradient([](const OpAttrs& attrs, GradContext* ctx) {
      return ctx->Op("_backward_Dropout", {ctx->OutGrad(0), ctx->Output(1)}, attrs.dict);
    });

MX_REGISTER_OP(_backward_Dropout)
    .Describe("Gradient of Dropout: inputs (ograd, mask).")
    .Params<DropoutParam>()
    .NumInputs(2)
    .InputNames({"ograd", "mask"})
    .InferShape(SameShapeInferShape)
    .InferType(SameTypeInferType)
    .Compute(DeviceType::kCPU, DropoutBackward);

}  // namespace
}  // namespace mx
