// topk, sort and argsort (ordering-inl.h): plans, shapes, types, registrations, CPU kernels.
#include "core/base/error.h"
#include "core/ops/sort/ordering-inl.h"

namespace mx {
namespace {

std::string ForwardOp(const OpAttrs& attrs) {
  const std::string& name = attrs.op->name();
  return name.rfind("_backward_", 0) == 0 ? name.substr(10) : name;
}

struct Request {
  std::optional<int> axis;
  int k = 0;
  bool ascend = true;
  OrderingResult result = OrderingResult::kValue;
  DType dtype = kFloat32;
};

Request RequestOf(const OpAttrs& attrs) {
  std::string op = ForwardOp(attrs);
  Request q;
  if (op == "topk") {
    const auto& p = attrs.get<TopKParam>();
    q = {p.axis, p.k, p.is_ascend, OrderingResult::kIndices, p.dtype};
    if (p.ret_typ == "value") q.result = OrderingResult::kValue;
    if (p.ret_typ == "mask") q.result = OrderingResult::kMask;
    if (p.ret_typ == "both") q.result = OrderingResult::kBoth;
  } else if (op == "argsort") {
    const auto& p = attrs.get<ArgSortParam>();
    q = {p.axis, 0, p.is_ascend, OrderingResult::kIndices, p.dtype};
  } else {
    const auto& p = attrs.get<SortParam>();
    q = {p.axis, 0, p.is_ascend, OrderingResult::kValue, kFloat32};
  }
  return q;
}

}  // namespace

OrderingPlan MakeOrderingPlan(const OpAttrs& attrs, const Shape& s) {
  Request q = RequestOf(attrs);
  std::string op = ForwardOp(attrs);
  OrderingPlan p;
  if (!q.axis) {
    p.rows = 1;
    p.n = s.Size();
    p.inner = 1;
  } else {
    MX_CHECK_AS(ShapeError, s.ndim() > 0) << "operator " << op << ": data has no axes.";
    int axis = s.CanonicalAxis(*q.axis, op.c_str());
    p.n = s[axis];
    p.inner = s.ProdRange(axis + 1, s.ndim());
    p.rows = s.ProdRange(0, axis) * p.inner;
  }
  p.k = q.k < 1 ? p.n : q.k;
  MX_CHECK_AS(ValueError, p.k <= p.n)
      << "operator " << op << ": k is " << q.k << " but the axis has only " << p.n
      << " elements.";
  p.ascend = q.ascend;
  p.result = q.result;
  p.index_dtype = q.dtype;
  return p;
}

Shape OrderingOutShape(const OpAttrs& attrs, const Shape& s) {
  OrderingPlan p = MakeOrderingPlan(attrs, s);
  Request q = RequestOf(attrs);
  if (p.result == OrderingResult::kMask) return s;
  if (!q.axis) return Shape({p.k});
  std::vector<int64_t> dims = s.dims();
  dims[s.CanonicalAxis(*q.axis, "topk")] = p.k;
  return Shape(dims);
}

namespace {

bool OrderingShape(const OpAttrs& attrs, std::vector<Shape>* in, std::vector<Shape>* out) {
  if ((*in)[0].ndim() == 0) return false;
  Shape o = OrderingOutShape(attrs, (*in)[0]);
  for (size_t i = 0; i < out->size(); ++i) AssignShape(&(*out)[i], o, attrs, "the output");
  return true;
}

bool OrderingType(const OpAttrs& attrs, std::vector<int>* in, std::vector<int>* out) {
  if ((*in)[0] < 0) return false;
  Request q = RequestOf(attrs);
  bool indices_first = q.result == OrderingResult::kIndices;
  (*out)[0] = indices_first ? static_cast<int>(q.dtype) : (*in)[0];
  if (out->size() > 1) (*out)[1] = static_cast<int>(q.dtype);
  return true;
}

std::vector<GradEntry> ValueGradient(const OpAttrs& attrs, GradContext* ctx) {
  Request q = RequestOf(attrs);
  if (q.result == OrderingResult::kIndices || q.result == OrderingResult::kMask) return {GradEntry()};
  return ctx->Op("_backward_" + attrs.op->name(), {ctx->OutGrad(0), ctx->Input(0)}, attrs.dict);
}

OpDef& Ordering(const char* name, const char* doc) {
  return OpRegistry::Get()
      ->Register(name)
      .Describe(doc)
      .NumInputs(1)
      .InputNames({"data"})
      .InferShape(OrderingShape)
      .InferType(OrderingType)
      .Compute(DeviceType::kCPU, OrderingCompute<CPU>)
      .Gradient(ValueGradient);
}

template <typename P>
OpDef& OrderingBackwardOp(const std::string& op) {
  return OpRegistry::Get()
      ->Register("_backward_" + op)
      .Describe("Gradient of " + op + "'s values: inputs (ograd, data).")
      .template Params<P>()
      .NumInputs(2)
      .InputNames({"ograd", "data"})
      .InferShape(ShapesOfForwardInputs)
      .InferType(TypesOfForwardInputs)
      .Compute(DeviceType::kCPU, OrderingBackward<CPU>);
}

[[maybe_unused]] OpDef& kTopK =
    Ordering("topk", "The k largest (or smallest) elements along an axis: values, indices, "
                     "both, or a mask.")
        .Params<TopKParam>()
        .NumOutputs([](const OpAttrs& a) { return a.get<TopKParam>().ret_typ == "both" ? 2 : 1; })
        .OutputNames([](const OpAttrs& a) {
          return a.get<TopKParam>().ret_typ == "both"
                     ? std::vector<std::string>{"output0", "output1"}
                     : std::vector<std::string>{"output"};
        });
[[maybe_unused]] OpDef& kSort =
    Ordering("sort", "The elements sorted along an axis.").Params<SortParam>();
[[maybe_unused]] OpDef& kArgSort =
    Ordering("argsort", "The indices that sort the elements along an axis.").Params<ArgSortParam>();
[[maybe_unused]] OpDef& kTopKBackward =
    OrderingBackwardOp<TopKParam>("topk");
[[maybe_unused]] OpDef& kSortBackward = OrderingBackwardOp<SortParam>("sort");

}  // namespace
}  // namespace mx
