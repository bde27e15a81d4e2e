// Reduction operators: shape inference, the CPU driver and registrations.
#include <algorithm>

#include "core/base/error.h"
#include "core/ops/reduce/reduce-inl.h"

namespace mx {

ReducePlan PlanReduce(const Shape& in, const std::vector<bool>& reduce_axis) {
  ReducePlan p;
  std::vector<int64_t> strides = in.Strides();
  for (int d = 0; d < in.ndim(); ++d) {
    if (in[d] == 1) continue;
    bool red = reduce_axis[d];
    int& n = red ? p.red_ndim : p.keep_ndim;
    Dims& shape = red ? p.red_shape : p.keep_shape;
    Dims& stride = red ? p.red_stride : p.keep_stride;
    // Merge with the previous dimension of the same kind when contiguous.
    if (n > 0 && stride.v[n - 1] == strides[d] * in[d] && (d > 0 && reduce_axis[d - 1] == red)) {
      shape.v[n - 1] *= in[d];
      stride.v[n - 1] = strides[d];
      continue;
    }
    MX_CHECK_AS(NotImplementedError, n < kMaxDim)
        << "reduction over an array of shape " << in << " needs more than " << kMaxDim
        << " separate dimensions.";
    shape.v[n] = in[d];
    stride.v[n] = strides[d];
    ++n;
  }
  for (int d = 0; d < p.keep_ndim; ++d) p.num_out *= p.keep_shape.v[d];
  for (int d = 0; d < p.red_ndim; ++d) p.m *= p.red_shape.v[d];
  if (in.Size() == 0) {
    p.m = 0;
    p.num_out = 0;
    for (int d = 0; d < in.ndim(); ++d) p.num_out = 0;
  }
  return p;
}

namespace {

std::vector<bool> AxesFromList(const std::optional<Shape>& axis, bool exclude, const Shape& in,
                               const char* who) {
  std::vector<bool> r(in.ndim(), !axis.has_value() || axis->ndim() == 0);
  if (axis && axis->ndim() > 0) {
    for (int64_t a : axis->dims()) r[in.CanonicalAxis(static_cast<int>(a), who)] = true;
    if (exclude) r.flip();
  }
  return r;
}

Shape ReducedShape(const Shape& in, const std::vector<bool>& red, bool keepdims) {
  std::vector<int64_t> dims;
  for (int d = 0; d < in.ndim(); ++d) {
    if (!red[d])
      dims.push_back(in[d]);
    else if (keepdims)
      dims.push_back(1);
  }
  if (dims.empty()) dims.push_back(1);
  return Shape(dims);
}

}  // namespace

std::vector<bool> ReducedAxes(const OpAttrs& attrs, const Shape& in) {
  std::string name = attrs.op->name();
  if (name.rfind("_backward_", 0) == 0) name = name.substr(10);
  if (name == "norm") return AxesFromList(attrs.get<NormParam>().axis, false, in, "norm");
  if (name == "argmax" || name == "argmin" || name == "argmax_channel") {
    const auto& p = attrs.get<ArgReduceParam>();
    if (!p.axis) return std::vector<bool>(in.ndim(), true);
    std::vector<bool> r(in.ndim(), false);
    r[in.CanonicalAxis(*p.axis, name.c_str())] = true;
    return r;
  }
  const auto& p = attrs.get<ReduceAxesParam>();
  return AxesFromList(p.axis, p.exclude, in, name.c_str());
}

bool ReduceAxesShape(const OpAttrs& attrs, std::vector<Shape>* in, std::vector<Shape>* out) {
  if ((*in)[0].ndim() == 0) return false;
  const auto& p = attrs.get<ReduceAxesParam>();
  AssignShape(&(*out)[0], ReducedShape((*in)[0], ReducedAxes(attrs, (*in)[0]), p.keepdims), attrs,
              "the output");
  return true;
}

bool NormShape(const OpAttrs& attrs, std::vector<Shape>* in, std::vector<Shape>* out) {
  if ((*in)[0].ndim() == 0) return false;
  const auto& p = attrs.get<NormParam>();
  MX_CHECK_AS(ValueError, p.ord == 1 || p.ord == 2)
      << "operator norm: ord must be 1 or 2, found " << p.ord << ".";
  AssignShape(&(*out)[0], ReducedShape((*in)[0], ReducedAxes(attrs, (*in)[0]), p.keepdims), attrs,
              "the output");
  return true;
}

bool ArgReduceShape(const OpAttrs& attrs, std::vector<Shape>* in, std::vector<Shape>* out) {
  if ((*in)[0].ndim() == 0) return false;
  const auto& p = attrs.get<ArgReduceParam>();
  Shape s = ReducedShape((*in)[0], ReducedAxes(attrs, (*in)[0]), p.keepdims && p.axis);
  AssignShape(&(*out)[0], s, attrs, "the output");
  return true;
}

namespace {

template <typename R, typename T>
void ReduceCpuTyped(const T* in, T* out, int req, const ReducePlan& p) {
  int64_t chunks = (p.m + kReduceChunk - 1) / kReduceChunk;
  if (chunks == 0) chunks = 1;
  int threads = CpuKernelThreads();
  auto finish = [&](int64_t o, const ReduceAcc& acc) {
    T v = ConvertValue<T>(R::Finalize(acc, p.m));
    if (req == 3)
      out[o] = ConvertValue<T>(ConvertValue<double>(out[o]) + ConvertValue<double>(v));
    else if (req != 0)
      out[o] = v;
  };
  if (p.num_out >= threads || chunks == 1) {
#pragma omp parallel for num_threads(threads) if (p.num_out * p.m > 32768)
    for (int64_t o = 0; o < p.num_out; ++o) {
      ReduceAcc acc = R::Init();
      for (int64_t c = 0; c < chunks; ++c) R::Merge(acc, ReduceChunk<R>(in, p, o, c));
      finish(o, acc);
    }
    return;
  }
  std::vector<ReduceAcc> partial(chunks);
  for (int64_t o = 0; o < p.num_out; ++o) {
#pragma omp parallel for num_threads(threads)
    for (int64_t c = 0; c < chunks; ++c) partial[c] = ReduceChunk<R>(in, p, o, c);
    ReduceAcc acc = R::Init();
    for (int64_t c = 0; c < chunks; ++c) R::Merge(acc, partial[c]);
    finish(o, acc);
  }
}

}  // namespace

template <typename R>
void ReduceCpu(const TBlob& in, const TBlob& out, OpReq req, const ReducePlan& p) {
  MX_TYPE_SWITCH_ARITH(in.dtype, T, "reductions",
                       { ReduceCpuTyped<R>(in.ptr<T>(), out.ptr<T>(), static_cast<int>(req), p); });
}

void ReduceGradGeometry(const Shape& in, const std::vector<bool>& reduced, Dims* shape,
                        Dims* ostride, int64_t* count) {
  int64_t stride = 1;
  *count = 1;
  for (int d = in.ndim() - 1; d >= 0; --d) {
    shape->v[d] = in[d];
    ostride->v[d] = reduced[d] ? 0 : stride;
    if (reduced[d])
      *count *= in[d];
    else
      stride *= in[d];
  }
}

namespace {

bool BackwardLikeData(const OpAttrs& attrs, std::vector<Shape>* in, std::vector<Shape>* out) {
  if ((*in)[1].ndim() == 0) return false;
  AssignShape(&(*out)[0], (*in)[1], attrs, "data gradient");
  return true;
}

// Gradient through _backward_<op>(ograd, data, output).
FGradient ReduceGradient(const std::string& op) {
  return [op](const OpAttrs& attrs, GradContext* ctx) {
    return ctx->Op("_backward_" + op, {ctx->OutGrad(0), ctx->Input(0), ctx->Output(0)}, attrs.dict);
  };
}

#define MX_REGISTER_REDUCE_GRAD(name, P)                                \
  MX_REGISTER_OP(_backward_##name)                                      \
      .Describe("Gradient of " #name ": inputs (ograd, data, output).") \
      .Params<P>()                                                      \
      .NumInputs(3)                                                     \
      .InputNames({"ograd", "data", "output"})                          \
      .InferShape(BackwardLikeData)                                     \
      .InferType(SameTypeInferType)                                     \
      .Compute(DeviceType::kCPU, ReduceGradCompute<CPU>);
MX_REGISTER_REDUCE_GRAD(sum, ReduceAxesParam)
MX_REGISTER_REDUCE_GRAD(mean, ReduceAxesParam)
MX_REGISTER_REDUCE_GRAD(max, ReduceAxesParam)
MX_REGISTER_REDUCE_GRAD(min, ReduceAxesParam)
MX_REGISTER_REDUCE_GRAD(norm, NormParam)
#undef MX_REGISTER_REDUCE_GRAD

MX_REGISTER_OP(_sum_to_like)
    .Describe("Sums data over the axes along which it is broadcast from like's shape.")
    .NumInputs(2)
    .InputNames({"data", "like"})
    .InferShape([](const OpAttrs& attrs, std::vector<Shape>* in, std::vector<Shape>* out) {
      if ((*in)[0].ndim() == 0 || (*in)[1].ndim() == 0) return false;
      BroadcastShapes((*in)[1], (*in)[0], "_sum_to_like");
      AssignShape(&(*out)[0], (*in)[1], attrs, "the output");
      return true;
    })
    .InferType([](const OpAttrs&, std::vector<int>* in, std::vector<int>* out) {
      if ((*in)[0] < 0) return false;
      (*out)[0] = (*in)[0];
      return true;
    })
    .Compute(DeviceType::kCPU, SumToLikeCompute<CPU>);

#define MX_REGISTER_REDUCE(name, R, text)               \
  MX_REGISTER_OP(name)                                  \
      .Describe(text)                                   \
      .NumInputs(1)                                     \
      .InputNames({"data"})                             \
      .Params<ReduceAxesParam>()                        \
      .InferShape(ReduceAxesShape)                      \
      .InferType(SameTypeInferType)                     \
      .Compute(DeviceType::kCPU, ReduceCompute<CPU, R>) \
      .Gradient(ReduceGradient(#name));
MX_REGISTER_REDUCE(sum, SumReducer, "Sum over axes.")
MX_REGISTER_REDUCE(mean, MeanReducer, "Mean over axes.")
MX_REGISTER_OP(prod)
    .Describe("Product over axes.")
    .NumInputs(1)
    .InputNames({"data"})
    .Params<ReduceAxesParam>()
    .InferShape(ReduceAxesShape)
    .InferType(SameTypeInferType)
    .Compute(DeviceType::kCPU, ReduceCompute<CPU, ProdReducer>);
MX_REGISTER_REDUCE(max, MaxReducer, "Maximum over axes (NaN propagates).")
MX_REGISTER_REDUCE(min, MinReducer, "Minimum over axes (NaN propagates).")
#undef MX_REGISTER_REDUCE

void NormCompute(const OpAttrs& attrs, const OpContext& ctx, const std::vector<TBlob>& in,
                 const std::vector<OpReq>& req, const std::vector<TBlob>& out) {
  if (attrs.get<NormParam>().ord == 1)
    ReduceCompute<CPU, L1Reducer>(attrs, ctx, in, req, out);
  else
    ReduceCompute<CPU, L2Reducer>(attrs, ctx, in, req, out);
}

MX_REGISTER_OP(norm)
    .Describe("L1 or L2 norm over axes (of the flattened array when axis is None).")
    .NumInputs(1)
    .InputNames({"data"})
    .Params<NormParam>()
    .InferShape(NormShape)
    .InferType(SameTypeInferType)
    .Compute(DeviceType::kCPU, NormCompute)
    .Gradient(ReduceGradient("norm"));

MX_REGISTER_OP(argmax)
    .Describe("Index of the first maximum along an axis (of the flattened array if None).")
    .NumInputs(1)
    .InputNames({"data"})
    .Params<ArgReduceParam>()
    .InferShape(ArgReduceShape)
    .InferType(SameTypeInferType)
    .Compute(DeviceType::kCPU, ReduceCompute<CPU, ArgMaxReducer>);

// MXNet's argmax_channel: argmax over the last axis, without parameters.
std::shared_ptr<const void> ParseArgmaxChannel(const ParamMap& dict, const std::string& op) {
  struct NoParams {
    void Declare(ParamDeclarer*) {}
  };
  ParseParams<NoParams>(dict, op);  // rejects any parameter
  auto p = std::make_shared<ArgReduceParam>();
  p->axis = -1;
  p->keepdims = false;
  return p;
}

MX_REGISTER_OP(argmax_channel)
    .Describe("Index of the first maximum along the last axis (argmax with axis=-1).")
    .NumInputs(1)
    .InputNames({"data"})
    .ParseWith(ParseArgmaxChannel, {})
    .InferShape(ArgReduceShape)
    .InferType(SameTypeInferType)
    .Compute(DeviceType::kCPU, ReduceCompute<CPU, ArgMaxReducer>);

MX_REGISTER_OP(argmin)
    .Describe("Index of the first minimum along an axis (of the flattened array if None).")
    .NumInputs(1)
    .InputNames({"data"})
    .Params<ArgReduceParam>()
    .InferShape(ArgReduceShape)
    .InferType(SameTypeInferType)
    .Compute(DeviceType::kCPU, ReduceCompute<CPU, ArgMinReducer>);

}  // namespace
}  // namespace mx
