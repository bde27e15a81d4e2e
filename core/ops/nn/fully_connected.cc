// FullyConnected: y = x W^T + b, with x flattened to (N, K) (flatten=True) or applied to the
// last axis (flatten=False). W is (num_hidden, K), b is (num_hidden,). Kernels (both devices) in
// fully_connected-inl.h; GPU registration in fully_connected.cu.
#include "core/base/error.h"
#include "core/ops/nn/fully_connected-inl.h"

namespace mx {
namespace {

bool FullyConnectedShape(const OpAttrs& attrs, std::vector<Shape>* in, std::vector<Shape>* out) {
  const auto& p = attrs.get<FullyConnectedParam>();
  MX_CHECK_AS(ValueError, p.num_hidden > 0)
      << "operator FullyConnected: num_hidden must be > 0, found " << p.num_hidden << ".";
  Shape& data = (*in)[0];
  if (data.ndim() == 0) return false;
  // A partial data shape (shape inference's -1: a begin state made by _zeros with shape
  // (0, H)) may only lack its batch size, which a known output gives back, as in MXNet.
  for (int i = 1; i < data.ndim(); ++i)
    if (data[i] < 0) return false;
  const Shape& known_out = (*out)[0];
  if (data[0] < 0 && known_out.ndim() > 0 && known_out[0] >= 0) {
    std::vector<int64_t> d = data.dims();
    d[0] = known_out[0];
    data = Shape(d);
  }
  int64_t m, k;
  DataRowsCols(data, p.flatten, &m, &k);
  AssignShape(&(*in)[1], Shape{p.num_hidden, k}, attrs, "weight");
  if (!p.no_bias) AssignShape(&(*in)[2], Shape{p.num_hidden}, attrs, "bias");
  std::vector<int64_t> od;
  if (p.flatten) {
    od = {data[0], p.num_hidden};
  } else {
    od.assign(data.begin(), data.end() - 1);
    od.push_back(p.num_hidden);
  }
  AssignShape(&(*out)[0], Shape(od), attrs, "the output");
  return true;
}

MX_REGISTER_OP(FullyConnected)
    .Describe("Fully connected layer: y = x W^T + b (see fully_connected.cc).")
    .Params<FullyConnectedParam>()
    .NumInputs([](const OpAttrs& a) { return a.get<FullyConnectedParam>().no_bias ? 2 : 3; })
    .InputNames([](const OpAttrs& a) {
      return a.get<FullyConnectedParam>().no_bias
                 ? std::vector<std::string>{"data", "weight"}
                 : std::vector<std::string>{"data", "weight", "bias"};
    })
    .InferShape(FullyConnectedShape)
    .InferType(SameTypeInferType)
    .Compute(DeviceType::kCPU, FullyConnectedForward<CPU>)
    .Gradient([](const OpAttrs& attrs, GradContext* ctx) {
      return ctx->Op("_backward_FullyConnected", {ctx->OutGrad(0), ctx->Input(0), ctx->Input(1)},
                     attrs.dict);
    });

MX_REGISTER_OP(_backward_FullyConnected)
    .Describe("Gradient of FullyConnected: inputs (ograd, data, weight).")
    .Params<FullyConnectedParam>()
    .NumInputs(3)
    .InputNames({"ograd", "data", "weight"})
    .NumOutputs([](const OpAttrs& a) { return a.get<FullyConnectedParam>().no_bias ? 2 : 3; })
    .InferShape([](const OpAttrs& attrs, std::vector<Shape>* in, std::vector<Shape>* out) {
      if ((*in)[1].ndim() == 0 || (*in)[2].ndim() == 0) return false;
      AssignShape(&(*out)[0], (*in)[1], attrs, "data gradient");
      AssignShape(&(*out)[1], (*in)[2], attrs, "weight gradient");
      if (out->size() > 2)
        AssignShape(&(*out)[2], Shape{attrs.get<FullyConnectedParam>().num_hidden}, attrs,
                    "bias gradient");
      return true;
    })
    .InferType(SameTypeInferType)
    .Compute(DeviceType::kCPU, FullyConnectedBackward<CPU>);

}  // namespace
}  // namespace mx
