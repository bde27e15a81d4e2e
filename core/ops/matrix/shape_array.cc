// Registrations of shape_array and size_array with their CPU kernels (GPU: axis_map_ops.cu).
#include "core/ops/matrix/shape_array-inl.h"

namespace mx {
namespace {

bool ShapeArrayShape(const OpAttrs& attrs, std::vector<Shape>* in, std::vector<Shape>* out) {
  if ((*in)[0].ndim() == 0) return false;
  int64_t n = attrs.op->name() == "size_array" ? 1 : (*in)[0].ndim();
  AssignShape(&(*out)[0], Shape({n}), attrs, "the output");
  return true;
}

bool Int64Type(const OpAttrs&, std::vector<int>*, std::vector<int>* out) {
  (*out)[0] = static_cast<int>(kInt64);
  return true;
}

MX_REGISTER_OP(shape_array)
    .Describe("The shape of data as a 1-D int64 array.")
    .NumInputs(1)
    .InputNames({"data"})
    .InferShape(ShapeArrayShape)
    .InferType(Int64Type)
    .Compute(DeviceType::kCPU, ShapeArrayCompute<CPU>);

MX_REGISTER_OP(size_array)
    .Describe("The number of elements of data as a (1,) int64 array.")
    .NumInputs(1)
    .InputNames({"data"})
    .InferShape(ShapeArrayShape)
    .InferType(Int64Type)
    .Compute(DeviceType::kCPU, ShapeArrayCompute<CPU>);

}  // namespace
}  // namespace mx
