// gather_nd, scatter_nd, _backward_gather_nd (gather_nd-inl.h): shapes, checks, registrations.
#include <string>

#include "core/base/error.h"
#include "core/ops/matrix/gather_nd-inl.h"
#include "core/ops/matrix/matrix-inl.h"

namespace mx {

GatherNDGeometry MakeGatherNDGeometry(const Shape& x, const Shape& idx) {
  GatherNDGeometry g;
  g.m = static_cast<int>(idx[0]);
  g.n = idx.Size() / (idx[0] > 0 ? idx[0] : 1);
  g.k = x.ProdRange(g.m, x.ndim());
  int64_t stride = 1;
  for (int d = g.m - 1; d >= 0; --d) {
    g.dims.v[d] = x[d];
    g.stride.v[d] = stride;
    stride *= x[d];
  }
  return g;
}

void CheckGatherNDIndices(const TBlob& idx, const Shape& x) {
  int64_t m = idx.shape[0], n = idx.size() / (m > 0 ? m : 1);
  MX_TYPE_SWITCH_ARITH(idx.dtype, I, "gather_nd indices", {
    const I* p = idx.ptr<I>();
    for (int64_t d = 0; d < m; ++d)
      for (int64_t i = 0; i < n; ++i) {
        double v = ConvertValue<double>(p[d * n + i]);
        MX_CHECK_AS(IndexError, v >= -x[d] && v < x[d])
            << "gather_nd/scatter_nd: index " << v << " (row " << d << ", column " << i
            << ") is out of range for axis " << d << " of size " << x[d] << ".";
      }
  });
}

namespace {

// Checks indices (M, Y...) against the indexed shape x; returns (Y..., X_M, ...).
Shape GatheredShape(const OpAttrs& attrs, const Shape& x, const Shape& idx) {
  const std::string& op = attrs.op->name();
  MX_CHECK_AS(ShapeError, idx.ndim() >= 1 && idx[0] >= 1 && idx[0] <= x.ndim() &&
                              x.ndim() - idx[0] + idx.ndim() - 1 <= kMaxDim)
      << "operator " << op << ": indices " << idx << " must have a first axis M between 1 and "
      << "the indexed array's " << x.ndim() << " axes (" << x << ").";
  MX_CHECK_AS(NotImplementedError, idx[0] <= kMaxDim)
      << "operator " << op << ": at most " << kMaxDim << " indexed axes.";
  std::vector<int64_t> dims(idx.begin() + 1, idx.end());
  dims.insert(dims.end(), x.begin() + idx[0], x.end());
  return Shape(dims);
}

bool GatherNDShape(const OpAttrs& attrs, std::vector<Shape>* in, std::vector<Shape>* out) {
  if ((*in)[0].ndim() == 0 || (*in)[1].ndim() == 0) return false;
  AssignShape(&(*out)[0], GatheredShape(attrs, (*in)[0], (*in)[1]), attrs, "the output");
  return true;
}

bool ScatterNDShape(const OpAttrs& attrs, std::vector<Shape>* in, std::vector<Shape>* out) {
  const Shape& x = attrs.get<ScatterNDParam>().shape;
  if ((*in)[1].ndim() == 0) return false;
  AssignShape(&(*in)[0], GatheredShape(attrs, x, (*in)[1]), attrs, "data");
  AssignShape(&(*out)[0], x, attrs, "the output");
  return true;
}

MX_REGISTER_OP(gather_nd)
    .Describe("Slices of data at the coordinates given by the indices' first axis.")
    .NumInputs(2)
    .InputNames({"data", "indices"})
    .InferShape(GatherNDShape)
    .InferType(FirstInputType)
    .Compute(DeviceType::kCPU, GatherNDCompute<CPU>)
    .Gradient(ViaBackwardWithInputs("gather_nd", 1));

MX_REGISTER_OP(_backward_gather_nd)
    .Describe("Gradient of gather_nd: inputs (ograd, data, indices); sums repeated slices.")
    .NumInputs(3)
    .InputNames({"ograd", "data", "indices"})
    .InferShape(ShapesOfForwardInputs)
    .InferType(TypesOfForwardInputs)
    .Compute(DeviceType::kCPU, ScatterNDCompute<CPU>);

MX_REGISTER_OP(scatter_nd)
    .Describe("data's slices placed at the given coordinates of a zero array of `shape`.")
    .NumInputs(2)
    .InputNames({"data", "indices"})
    .Params<ScatterNDParam>()
    .InferShape(ScatterNDShape)
    .InferType(FirstInputType)
    .Compute(DeviceType::kCPU, ScatterNDCompute<CPU>)
    .Gradient([](const OpAttrs&, GradContext* ctx) {
      return std::vector<GradEntry>{ctx->Op("gather_nd", {ctx->OutGrad(0), ctx->Input(1)}, {})[0],
                                    GradEntry()};
    });

}  // namespace
}  // namespace mx
