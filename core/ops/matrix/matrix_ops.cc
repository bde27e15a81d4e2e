// Registrations of the layout operators with their CPU kernels (GPU: matrix_ops.cu).
#include "core/ndarray/copy_kernels.h"
#include "core/ops/matrix/matrix-inl.h"

namespace mx {

std::vector<GradEntry> ReshapeGradient(const OpAttrs&, GradContext* ctx) {
  return ctx->Op("reshape_like", {ctx->OutGrad(0), ctx->Input(0)}, {});
}

// Gradient through _backward_<op>(ograd, forward inputs...).
FGradient ViaBackwardWithInputs(const std::string& op, int grads) {
  return [op, grads](const OpAttrs& attrs, GradContext* ctx) {
    std::vector<GradEntry> in = {ctx->OutGrad(0)};
    int n = attrs.op->num_inputs(attrs);
    for (int i = 0; i < n; ++i) in.push_back(ctx->Input(i));
    std::vector<GradEntry> g = ctx->Op("_backward_" + op, in, attrs.dict);
    g.resize(grads < 0 ? n : grads);
    while (static_cast<int>(g.size()) < n) g.push_back(GradEntry());
    return g;
  };
}

namespace {

MX_REGISTER_OP(_backward_Concat)
    .Describe("Gradient of Concat: inputs (ograd, forward inputs...).")
    .Params<ConcatParam>()
    .NumInputs([](const OpAttrs& a) { return a.get<ConcatParam>().num_args + 1; })
    .NumOutputs([](const OpAttrs& a) { return a.get<ConcatParam>().num_args; })
    .InferShape(ShapesOfForwardInputs)
    .InferType(TypesOfForwardInputs)
    .Compute(DeviceType::kCPU, BackwardConcatCompute<CPU>);

MX_REGISTER_OP(_backward_stack)
    .Describe("Gradient of stack: inputs (ograd, forward inputs...).")
    .Params<StackParam>()
    .NumInputs([](const OpAttrs& a) { return a.get<StackParam>().num_args + 1; })
    .NumOutputs([](const OpAttrs& a) { return a.get<StackParam>().num_args; })
    .InferShape(ShapesOfForwardInputs)
    .InferType(TypesOfForwardInputs)
    .Compute(DeviceType::kCPU, BackwardConcatCompute<CPU>);

MX_REGISTER_OP(_backward_slice_axis)
    .Describe("Gradient of slice_axis: inputs (ograd, data).")
    .Params<SliceAxisParam>()
    .NumInputs(2)
    .InputNames({"ograd", "data"})
    .InferShape(ShapesOfForwardInputs)
    .InferType(TypesOfForwardInputs)
    .Compute(DeviceType::kCPU, BackwardSliceAxisCompute<CPU>);

MX_REGISTER_OP(_backward_take)
    .Describe("Gradient of take for a: inputs (ograd, a, indices).")
    .Params<TakeParam>()
    .NumInputs(3)
    .InputNames({"ograd", "a", "indices"})
    .InferShape([](const OpAttrs& attrs, std::vector<Shape>* in, std::vector<Shape>* out) {
      if ((*in)[1].ndim() == 0) return false;
      AssignShape(&(*out)[0], (*in)[1], attrs, "a gradient");
      return true;
    })
    .InferType([](const OpAttrs&, std::vector<int>* in, std::vector<int>* out) {
      if ((*in)[1] < 0) return false;
      (*out)[0] = (*in)[1];
      return true;
    })
    .Compute(DeviceType::kCPU, BackwardTakeCompute<CPU>);

void BackwardCastCompute(const OpAttrs&, const OpContext& ctx, const std::vector<TBlob>& in,
                         const std::vector<OpReq>& req, const std::vector<TBlob>& out) {
  MX_CHECK_AS(NotImplementedError, req[0] != OpReq::kAddTo)
      << "the gradient of Cast does not support accumulation (kAddTo).";
  if (req[0] != OpReq::kNull) CastBlob(in[0], out[0], ctx.run.stream);
}

MX_REGISTER_OP(_backward_Cast)
    .Describe("Gradient of Cast: the ograd converted back to data's dtype; inputs (ograd, data).")
    .Params<CastParam>()
    .NumInputs(2)
    .InputNames({"ograd", "data"})
    .InferShape(ShapesOfForwardInputs)
    .InferType(TypesOfForwardInputs)
    .Compute(DeviceType::kCPU, BackwardCastCompute)
    .Compute(DeviceType::kGPU, BackwardCastCompute);

MX_REGISTER_OP(reshape_like)
    .Describe("lhs's values with rhs's shape (equal element counts).")
    .NumInputs(2)
    .InputNames({"lhs", "rhs"})
    .InferShape(ReshapeLikeShape)
    .InferType(FirstInputType)
    .Compute(DeviceType::kCPU, CopyCompute<CPU>)
    .Gradient([](const OpAttrs&, GradContext* ctx) {
      return std::vector<GradEntry>{
          ctx->Op("reshape_like", {ctx->OutGrad(0), ctx->Input(0)}, {})[0], GradEntry()};
    });

MX_REGISTER_OP(Reshape)
    .Describe("A copy of data with a new shape (MXNet codes 0, -1, -2, -3, -4).")
    .NumInputs(1)
    .InputNames({"data"})
    .Params<ReshapeParam>()
    .InferShape(ReshapeShape)
    .InferType(SameTypeInferType)
    .Compute(DeviceType::kCPU, CopyCompute<CPU>)
    .Gradient(ReshapeGradient);

MX_REGISTER_OP(Flatten)
    .Describe("Collapses all axes after the first: (N, d1, d2, ...) -> (N, d1*d2*...).")
    .NumInputs(1)
    .InputNames({"data"})
    .InferShape(FlattenShape)
    .InferType(SameTypeInferType)
    .Compute(DeviceType::kCPU, CopyCompute<CPU>)
    .Gradient(ReshapeGradient);

MX_REGISTER_OP(expand_dims)
    .Describe("Inserts an axis of size 1.")
    .NumInputs(1)
    .InputNames({"data"})
    .Params<ExpandDimsParam>()
    .InferShape(ExpandDimsShape)
    .InferType(SameTypeInferType)
    .Compute(DeviceType::kCPU, CopyCompute<CPU>)
    .Gradient(ReshapeGradient);

MX_REGISTER_OP(squeeze)
    .Describe("Removes axes of size 1 (all of them, or those listed).")
    .NumInputs(1)
    .InputNames({"data"})
    .Params<SqueezeParam>()
    .InferShape(SqueezeShape)
    .InferType(SameTypeInferType)
    .Compute(DeviceType::kCPU, CopyCompute<CPU>)
    .Gradient(ReshapeGradient);

MX_REGISTER_OP(transpose)
    .Describe("Permutes the axes (reverses them when axes is empty).")
    .NumInputs(1)
    .InputNames({"data"})
    .Params<TransposeParam>()
    .InferShape(TransposeShape)
    .InferType(SameTypeInferType)
    .Compute(DeviceType::kCPU, TransposeCompute<CPU>)
    .Gradient([](const OpAttrs& attrs, GradContext* ctx) {
      // The inverse permutation (reversing the axes is its own inverse).
      const Shape& axes = attrs.get<TransposeParam>().axes;
      ParamMap p;
      if (axes.ndim() > 0) {
        std::vector<int64_t> inv(axes.ndim());
        for (int i = 0; i < axes.ndim(); ++i)
          inv[axes[i] < 0 ? axes[i] + axes.ndim() : axes[i]] = i;
        p["axes"] = Shape(inv).ToPythonString();
      }
      return ctx->Op("transpose", {ctx->OutGrad(0)}, p);
    });

MX_REGISTER_OP(Concat)
    .Describe("Joins arrays along an existing axis (dim).")
    .Params<ConcatParam>()
    .NumInputs([](const OpAttrs& a) { return a.get<ConcatParam>().num_args; })
    .InferShape(ConcatShape)
    .InferType(SameTypeInferType)
    .Compute(DeviceType::kCPU, ConcatCompute<CPU>)
    .Gradient(ViaBackwardWithInputs("Concat", -1));

MX_REGISTER_OP(stack)
    .Describe("Joins arrays of equal shape along a new axis.")
    .Params<StackParam>()
    .NumInputs([](const OpAttrs& a) { return a.get<StackParam>().num_args; })
    .InferShape(StackShape)
    .InferType(SameTypeInferType)
    .Compute(DeviceType::kCPU, StackCompute<CPU>)
    .Gradient(ViaBackwardWithInputs("stack", -1));

MX_REGISTER_OP(SliceChannel)
    .Describe("Splits an array into num_outputs equal parts along an axis (alias split).")
    .NumInputs(1)
    .InputNames({"data"})
    .Params<SliceChannelParam>()
    .NumOutputs([](const OpAttrs& a) { return a.get<SliceChannelParam>().num_outputs; })
    .InferShape(SliceChannelShape)
    .InferType(SameTypeInferType)
    .Compute(DeviceType::kCPU, SliceChannelCompute<CPU>)
    .Gradient([](const OpAttrs& attrs, GradContext* ctx) {
      // Concatenate the output gradients back along the split axis.
      const auto& p = attrs.get<SliceChannelParam>();
      std::vector<GradEntry> parts;
      for (int i = 0; i < p.num_outputs; ++i) {
        GradEntry g = ctx->OutGrad(i);
        if (p.squeeze_axis) g = ctx->Op("expand_dims", {g}, {{"axis", std::to_string(p.axis)}})[0];
        parts.push_back(g);
      }
      return ctx->Op(
          "Concat", parts,
          {{"num_args", std::to_string(p.num_outputs)}, {"dim", std::to_string(p.axis)}});
    });

MX_REGISTER_OP(slice_axis)
    .Describe("The range [begin, end) of one axis.")
    .NumInputs(1)
    .InputNames({"data"})
    .Params<SliceAxisParam>()
    .InferShape(SliceAxisShape)
    .InferType(SameTypeInferType)
    .Compute(DeviceType::kCPU, SliceAxisCompute<CPU>)
    .Gradient(ViaBackwardWithInputs("slice_axis", 1));

MX_REGISTER_OP(clip)
    .Describe("Limits values to [a_min, a_max].")
    .NumInputs(1)
    .InputNames({"data"})
    .Params<ClipParam>()
    .InferShape(SameShapeInferShape)
    .InferType(SameTypeInferType)
    .Compute(DeviceType::kCPU, ClipCompute<CPU>)
    .Gradient([](const OpAttrs& attrs, GradContext* ctx) {
      // og where a_min <= x <= a_max, else 0.
      const auto& p = attrs.get<ClipParam>();
      GradEntry x = ctx->Input(0);
      GradEntry lo =
          ctx->Op("_greater_equal_scalar", {x}, {{"scalar", ParamValue(p.a_min).str()}})[0];
      GradEntry hi =
          ctx->Op("_lesser_equal_scalar", {x}, {{"scalar", ParamValue(p.a_max).str()}})[0];
      GradEntry mask = ctx->Op("elemwise_mul", {lo, hi}, {})[0];
      return ctx->Op("elemwise_mul", {ctx->OutGrad(0), mask}, {});
    });

MX_REGISTER_OP(one_hot)
    .Describe("One-hot encoding of integer indices (out-of-range indices give all off_value).")
    .NumInputs(1)
    .InputNames({"indices"})
    .Params<OneHotParam>()
    .InferShape(OneHotShape)
    .InferType(OneHotType)
    .Compute(DeviceType::kCPU, OneHotCompute<CPU>);

MX_REGISTER_OP(take)
    .Describe("Gathers slices of a along an axis at the given indices.")
    .NumInputs(2)
    .InputNames({"a", "indices"})
    .Params<TakeParam>()
    .InferShape(TakeShape)
    .InferType(TakeType)
    .Compute(DeviceType::kCPU, TakeCompute<CPU>)
    .Gradient(ViaBackwardWithInputs("take", 1));

MX_REGISTER_OP(where)
    .Describe("x where condition is non-zero, else y (condition: x's shape, or 1-D over rows).")
    .NumInputs(3)
    .InputNames({"condition", "x", "y"})
    .InferShape(WhereShape)
    .InferType(WhereType)
    .Compute(DeviceType::kCPU, WhereCompute<CPU>)
    .Gradient([](const OpAttrs&, GradContext* ctx) {
      GradEntry c = ctx->Input(0), og = ctx->OutGrad(0);
      GradEntry zeros = ctx->Op("zeros_like", {og}, {})[0];
      return std::vector<GradEntry>{GradEntry(), ctx->Op("where", {c, og, zeros}, {})[0],
                                    ctx->Op("where", {c, zeros, og}, {})[0]};
    });

void CastCompute(const OpAttrs&, const OpContext& ctx, const std::vector<TBlob>& in,
                 const std::vector<OpReq>& req, const std::vector<TBlob>& out) {
  MX_CHECK_AS(NotImplementedError, req[0] != OpReq::kAddTo)
      << "operator Cast does not support accumulation (kAddTo).";
  if (req[0] != OpReq::kNull) CastBlob(in[0], out[0], ctx.run.stream);
}

MX_REGISTER_OP(Cast)
    .Describe("Converts data to another dtype.")
    .NumInputs(1)
    .InputNames({"data"})
    .Params<CastParam>()
    .InferShape(SameShapeInferShape)
    .InferType(CastType)
    .Compute(DeviceType::kCPU, CastCompute)
    .Compute(DeviceType::kGPU, CastCompute)
    .Gradient(ViaBackwardWithInputs("Cast", 1));

}  // namespace
}  // namespace mx
