// pick and batch_take (pick-inl.h): shapes, registration, CPU kernels.
#include "core/base/error.h"
#include "core/ops/matrix/pick-inl.h"

namespace mx {

PickGeometry MakePickGeometry(const PickParam& p, const Shape& data) {
  MX_CHECK_AS(NotImplementedError, p.axis.has_value())
      << "operator pick: axis=None is not supported (nor by MXNet); give the axis to pick along.";
  int axis = data.CanonicalAxis(*p.axis, "pick");
  return {data[axis], data.ProdRange(axis + 1, data.ndim()), p.mode == "wrap" ? 1 : 0};
}

namespace {

bool PickShape(const OpAttrs& attrs, std::vector<Shape>* in, std::vector<Shape>* out) {
  const Shape& d = (*in)[0];
  if (d.ndim() == 0) return false;
  const auto& p = attrs.get<PickParam>();
  MakePickGeometry(p, d);  // checks the axis
  int axis = d.CanonicalAxis(*p.axis, "pick");
  std::vector<int64_t> dims = d.dims();
  if (p.keepdims) {
    dims[axis] = 1;
  } else {
    dims.erase(dims.begin() + axis);
  }
  Shape o(dims);
  const Shape& idx = (*in)[1];
  if (idx.ndim() > 0 && idx != o) {
    std::vector<int64_t> kept = d.dims(), dropped = d.dims();
    kept[axis] = 1;
    dropped.erase(dropped.begin() + axis);
    MX_CHECK_AS(ShapeError, idx == Shape(kept) || idx == Shape(dropped))
        << "operator pick: index has shape " << idx << "; for data " << d << " and axis " << axis
        << " it must be " << Shape(dropped) << " (or " << Shape(kept) << ").";
  } else if (idx.ndim() == 0) {
    (*in)[1] = o;
  }
  AssignShape(&(*out)[0], o, attrs, "the output");
  return true;
}

bool PickType(const OpAttrs&, std::vector<int>* in, std::vector<int>* out) {
  if ((*in)[0] < 0) return false;
  if ((*in)[1] < 0) (*in)[1] = (*in)[0];
  (*out)[0] = (*in)[0];
  return true;
}

MX_REGISTER_OP(pick)
    .Describe("One element per position along an axis, chosen by index (alias "
              "choose_element_0index).")
    .Params<PickParam>()
    .NumInputs(2)
    .InputNames({"data", "index"})
    .InferShape(PickShape)
    .InferType(PickType)
    .Compute(DeviceType::kCPU, PickCompute<CPU>)
    .Gradient(ViaBackwardWithInputs("pick", 1));

MX_REGISTER_OP(_backward_pick)
    .Describe("Gradient of pick for data: inputs (ograd, data, index).")
    .Params<PickParam>()
    .NumInputs(3)
    .InputNames({"ograd", "data", "index"})
    .InferShape(ShapesOfForwardInputs)
    .InferType(TypesOfForwardInputs)
    .Compute(DeviceType::kCPU, PickBackward<CPU>);

bool BatchTakeShape(const OpAttrs& attrs, std::vector<Shape>* in, std::vector<Shape>* out) {
  const Shape &a = (*in)[0], &idx = (*in)[1];
  if (a.ndim() == 0 || idx.ndim() == 0) return false;
  MX_CHECK_AS(ShapeError, a.ndim() >= 2 && a[a.ndim() - 1] > 0 &&
                              idx.Size() == a.Size() / a[a.ndim() - 1])
      << "operator batch_take: indices need one value per row of a's last axis: a " << a
      << " has " << (a.ndim() >= 2 && a[a.ndim() - 1] > 0 ? a.Size() / a[a.ndim() - 1] : 0)
      << " rows, indices " << idx << " has " << idx.Size() << " values (a must have rank >= 2).";
  AssignShape(&(*out)[0], idx, attrs, "the output");
  return true;
}

bool BatchTakeType(const OpAttrs&, std::vector<int>* in, std::vector<int>* out) {
  if ((*in)[1] < 0) (*in)[1] = static_cast<int>(kInt32);  // MXNet's index type
  if ((*in)[0] < 0) return false;
  (*out)[0] = (*in)[0];
  return true;
}

MX_REGISTER_OP(batch_take)
    .Describe("out[i] = a[i, indices[i]] along a's last axis, indices clipped (deprecated in "
              "MXNet for pick).")
    .NumInputs(2)
    .InputNames({"a", "indices"})
    .InferShape(BatchTakeShape)
    .InferType(BatchTakeType)
    .Compute(DeviceType::kCPU, BatchTakeCompute<CPU>);

}  // namespace
}  // namespace mx
