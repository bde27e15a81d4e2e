// LayerNorm, InstanceNorm and GroupNorm (layer_norm-inl.h).
#include <string>

#include "core/ops/nn/data_gradient.h"
#include "core/ops/nn/layer_norm-inl.h"

namespace mx {
namespace {

bool LayerNormShape(const OpAttrs& attrs, std::vector<Shape>* in, std::vector<Shape>* out) {
  const Shape& d = (*in)[0];
  if (d.ndim() == 0) return false;
  int axis = d.CanonicalAxis(attrs.get<LayerNormParam>().axis, "LayerNorm");
  AssignShape(&(*in)[1], Shape({d[axis]}), attrs, "gamma");
  AssignShape(&(*in)[2], Shape({d[axis]}), attrs, "beta");
  std::vector<int64_t> stats = d.dims();
  stats[axis] = 1;
  AssignShape(&(*out)[0], d, attrs, "the output");
  AssignShape(&(*out)[1], Shape(stats), attrs, "the mean");
  AssignShape(&(*out)[2], Shape(stats), attrs, "the std");
  return true;
}

// Registers one of the three layers: inputs (data, gamma, beta), outputs (output, mean, std)
// of which `visible` are shown, the row kernels and the shared gradient.
template <typename P>
OpDef& NormLayer(const std::string& name, FInferShape shape, FNumArgs visible) {
  RegisterNormalizationBackward<P>(name, "std").Compute(DeviceType::kCPU, LayerNormBackward<CPU>);
  return OpRegistry::Get()
      ->Register(name)
      .template Params<P>()
      .NumInputs(3)
      .InputNames({"data", "gamma", "beta"})
      .InputInit(1, "[\"one\", {}]")
      .InputInit(2, "[\"zero\", {}]")
      .NumOutputs(3)
      .OutputNames({"output", "mean", "std"})
      .NumVisibleOutputs(visible)
      .InferShape(shape)
      .InferType(SameTypeInferType)
      .Compute(DeviceType::kCPU, LayerNormForward<CPU>)
      .Gradient(NormalizationGradient(name));
}

[[maybe_unused]] OpDef& kLayerNorm =
    NormLayer<LayerNormParam>("LayerNorm", LayerNormShape, [](const OpAttrs& a) {
      return a.get<LayerNormParam>().output_mean_var ? 3 : 1;
    }).Describe("Layer normalization over one axis, with per-channel gamma and beta.");

bool InstanceNormShape(const OpAttrs& attrs, std::vector<Shape>* in, std::vector<Shape>* out) {
  const Shape& d = (*in)[0];
  if (d.ndim() == 0) return false;
  MX_CHECK_AS(ShapeError, d.ndim() >= 3)
      << "operator InstanceNorm: data must be (N, C, spatial...); found " << d << ".";
  AssignShape(&(*in)[1], Shape({d[1]}), attrs, "gamma");
  AssignShape(&(*in)[2], Shape({d[1]}), attrs, "beta");
  AssignShape(&(*out)[0], d, attrs, "the output");
  AssignShape(&(*out)[1], Shape({d[0], d[1]}), attrs, "the mean");
  AssignShape(&(*out)[2], Shape({d[0], d[1]}), attrs, "the std");
  return true;
}

[[maybe_unused]] OpDef& kInstanceNorm =
    NormLayer<InstanceNormParam>("InstanceNorm", InstanceNormShape,
                                 [](const OpAttrs&) { return 1; })
        .Describe("Normalization of each sample's channel over its spatial positions, with "
                  "per-channel gamma and beta.")
        .BatchInputs(AlwaysBatchInputs({0}));

bool GroupNormShape(const OpAttrs& attrs, std::vector<Shape>* in, std::vector<Shape>* out) {
  const Shape& d = (*in)[0];
  if (d.ndim() == 0) return false;
  int64_t groups = attrs.get<GroupNormParam>().num_groups;
  MX_CHECK_AS(ShapeError, d.ndim() >= 3)
      << "operator GroupNorm: data must be (N, C, spatial...); found " << d << ".";
  MX_CHECK_AS(ShapeError, groups > 0 && d[1] % groups == 0)
      << "operator GroupNorm: the " << d[1] << " channels of " << d
      << " must split into num_groups = " << groups << " equal groups.";
  AssignShape(&(*in)[1], Shape({groups}), attrs, "gamma");
  AssignShape(&(*in)[2], Shape({groups}), attrs, "beta");
  AssignShape(&(*out)[0], d, attrs, "the output");
  AssignShape(&(*out)[1], Shape({d[0], groups}), attrs, "the mean");
  AssignShape(&(*out)[2], Shape({d[0], groups}), attrs, "the std");
  return true;
}

[[maybe_unused]] OpDef& kGroupNorm =
    NormLayer<GroupNormParam>("GroupNorm", GroupNormShape, [](const OpAttrs& a) {
      return a.get<GroupNormParam>().output_mean_var ? 3 : 1;
    })
        .Describe("Normalization of each sample's channel groups, with per-group gamma and "
                  "beta (MXNet 1.9).")
        .BatchInputs(AlwaysBatchInputs({0}));

}  // namespace
}  // namespace mx
