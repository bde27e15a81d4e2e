// Reductions over axes (sum, mean, prod, max, min, norm, argmax, argmin) for both devices.
// Every output element reduces its M inputs in a fixed order (chunks of kReduceChunk combined
// left to right), so results are bit-identical for any thread count and on every engine.
// Accumulation is in double. Shapes: reduced axes are dropped (kept as 1 with keepdims); a
// reduction over every axis gives shape (1,), as MXNet.
#ifndef TESSERA_CORE_OPS_REDUCE_REDUCE_INL_H_
#define TESSERA_CORE_OPS_REDUCE_REDUCE_INL_H_

#include <math.h>

#include <optional>
#include <string>
#include <type_traits>
#include <vector>

#include "core/base/convert.h"
#include "core/op/kernel.h"
#include "core/op/op_def.h"

namespace mx {

struct ReduceAxesParam {
  std::optional<Shape> axis;
  bool keepdims;
  bool exclude;
  void Declare(ParamDeclarer* d) {
    d->Declare("axis", &axis, std::optional<Shape>()).Describe("Axes to reduce; None: all.");
    d->Declare("keepdims", &keepdims, false).Describe("Keep reduced axes with size 1.");
    d->Declare("exclude", &exclude, false).Describe("Reduce every axis except those listed.");
  }
};

struct NormParam {
  int ord;
  std::optional<Shape> axis;
  bool keepdims;
  void Declare(ParamDeclarer* d) {
    d->Declare("ord", &ord, 2).Describe("1 (sum of |x|) or 2 (Euclidean).");
    d->Declare("axis", &axis, std::optional<Shape>()).Describe("Axes to reduce; None: all.");
    d->Declare("keepdims", &keepdims, false).Describe("Keep reduced axes with size 1.");
  }
};

struct ArgReduceParam {
  std::optional<int> axis;
  bool keepdims;
  void Declare(ParamDeclarer* d) {
    d->Declare("axis", &axis, std::optional<int>()).Describe("Axis; None: the flattened array.");
    d->Declare("keepdims", &keepdims, false).Describe("Keep the reduced axis with size 1.");
  }
};

struct ReduceAcc {
  double v;
  int64_t idx;
};

#define MX_REDUCER(Name, init, reduce, merge, finalize)                                   \
  struct Name {                                                                           \
    MX_XINLINE static ReduceAcc Init() { return ReduceAcc{init, -1}; }                    \
    MX_XINLINE static void Reduce(ReduceAcc& a, double x, int64_t i) { reduce; }          \
    MX_XINLINE static void Merge(ReduceAcc& a, const ReduceAcc& b) { merge; }             \
    MX_XINLINE static double Finalize(const ReduceAcc& a, int64_t m) { return finalize; } \
  };
MX_REDUCER(SumReducer, 0.0, a.v += x, a.v += b.v, a.v)
MX_REDUCER(MeanReducer, 0.0, a.v += x, a.v += b.v, a.v / (m > 0 ? m : 1))
MX_REDUCER(ProdReducer, 1.0, a.v *= x, a.v *= b.v, a.v)
MX_REDUCER(MaxReducer, -INFINITY, if (x > a.v || isnan(x)) a.v = x,
           if (b.v > a.v || isnan(b.v)) a.v = b.v, a.v)
MX_REDUCER(MinReducer, INFINITY, if (x < a.v || isnan(x)) a.v = x,
           if (b.v < a.v || isnan(b.v)) a.v = b.v, a.v)
MX_REDUCER(L1Reducer, 0.0, a.v += fabs(x), a.v += b.v, a.v)
MX_REDUCER(L2Reducer, 0.0, a.v += x * x, a.v += b.v, sqrt(a.v))
MX_REDUCER(
    ArgMaxReducer, -INFINITY,
    if (a.idx < 0 || x > a.v) {
      a.v = x;
      a.idx = i;
    },
    if (b.idx >= 0 && (a.idx < 0 || b.v > a.v)) a = b, static_cast<double>(a.idx))
MX_REDUCER(
    ArgMinReducer, INFINITY,
    if (a.idx < 0 || x < a.v) {
      a.v = x;
      a.idx = i;
    },
    if (b.idx >= 0 && (a.idx < 0 || b.v < a.v)) a = b, static_cast<double>(a.idx))
#undef MX_REDUCER

constexpr int64_t kReduceChunk = 4096;

// Geometry: outputs enumerate the kept dims; each output reduces the reduce dims.
struct ReducePlan {
  int keep_ndim = 0, red_ndim = 0;
  Dims keep_shape, keep_stride, red_shape, red_stride;
  int64_t num_out = 1, m = 1;
};

// `reduce_axis[d]` true for reduced axes of `in`.
ReducePlan PlanReduce(const Shape& in, const std::vector<bool>& reduce_axis);

MX_XINLINE int64_t ReduceBase(const ReducePlan& p, int64_t o) {
  return UnravelOffset(o, p.keep_ndim, p.keep_shape, p.keep_stride);
}

MX_XINLINE int64_t ReduceOffset(const ReducePlan& p, int64_t m) {
  return UnravelOffset(m, p.red_ndim, p.red_shape, p.red_stride);
}

// Partial result of chunk `c` of output `o`.
template <typename R, typename T>
MX_XINLINE ReduceAcc ReduceChunk(const T* in, const ReducePlan& p, int64_t o, int64_t c) {
  ReduceAcc acc = R::Init();
  int64_t base = ReduceBase(p, o);
  int64_t end = (c + 1) * kReduceChunk < p.m ? (c + 1) * kReduceChunk : p.m;
  for (int64_t m = c * kReduceChunk; m < end; ++m)
    R::Reduce(acc, ConvertValue<double>(in[base + ReduceOffset(p, m)]), m);
  return acc;
}

// Shape inference and axis resolution shared by the registrations.
bool ReduceAxesShape(const OpAttrs& attrs, std::vector<Shape>* in, std::vector<Shape>* out);
bool NormShape(const OpAttrs& attrs, std::vector<Shape>* in, std::vector<Shape>* out);
bool ArgReduceShape(const OpAttrs& attrs, std::vector<Shape>* in, std::vector<Shape>* out);
std::vector<bool> ReducedAxes(const OpAttrs& attrs, const Shape& in);

// Runs reducer R over `in` into `out` (CPU: chunk partials in parallel, merged in order).
template <typename R>
void ReduceCpu(const TBlob& in, const TBlob& out, OpReq req, const ReducePlan& p);
#if MX_USE_CUDA
template <typename R>
void ReduceGpu(const TBlob& in, const TBlob& out, OpReq req, const ReducePlan& p, void* stream);
#endif

template <typename xpu, typename R>
void ReduceCompute(const OpAttrs& attrs, const OpContext& ctx, const std::vector<TBlob>& in,
                   const std::vector<OpReq>& req, const std::vector<TBlob>& out) {
  ReducePlan p = PlanReduce(in[0].shape, ReducedAxes(attrs, in[0].shape));
  if constexpr (std::is_same<xpu, CPU>::value) {
    (void)ctx;
    ReduceCpu<R>(in[0], out[0], req[0], p);
  } else {
#if MX_USE_CUDA
    ReduceGpu<R>(in[0], out[0], req[0], p, ctx.run.stream);
#endif
  }
}

}  // namespace mx

namespace mx {

// Backward of the reductions: every input element receives the gradient of the output element
// it reduced into (scaled for mean; masked to the elements equal to the result for max/min;
// x / norm or sign(x) for the L2/L1 norm).
enum class ReduceGradKind { kSum, kMean, kMinMax, kNorm1, kNorm2 };

struct ReduceGradMap {
  // og: the output gradient; y: the forward output (minmax, norms); x: the forward input.
  template <typename T>
  MX_XINLINE static void Map(int64_t i, const T* og, const T* x, const T* y, T* dx, int req,
                             int kind, double scale, int ndim, Dims shape, Dims ostride) {
    int64_t o = UnravelOffset(i, ndim, shape, ostride);
    double g = ConvertValue<double>(og[o]) * scale, v;
    double xi = ConvertValue<double>(x[i]);
    if (kind == static_cast<int>(ReduceGradKind::kMinMax)) {
      v = xi == ConvertValue<double>(y[o]) ? g : 0.0;
    } else if (kind == static_cast<int>(ReduceGradKind::kNorm2)) {
      double n = ConvertValue<double>(y[o]);
      v = n == 0 ? 0.0 : g * xi / n;
    } else if (kind == static_cast<int>(ReduceGradKind::kNorm1)) {
      v = g * (xi > 0 ? 1.0 : (xi < 0 ? -1.0 : 0.0));
    } else {
      v = g;
    }
    if (req == 3) v += ConvertValue<double>(dx[i]);
    if (req != 0) dx[i] = ConvertValue<T>(v);
  }
};

// Strides into the reduced output for each axis of `in` (0 on reduced axes), and the count of
// elements reduced into each output.
void ReduceGradGeometry(const Shape& in, const std::vector<bool>& reduced, Dims* shape,
                        Dims* ostride, int64_t* count);

// Inputs (ograd, data, output); for _backward_sum/_mean the output input is unused.
template <typename xpu>
void ReduceGradCompute(const OpAttrs& attrs, const OpContext& ctx, const std::vector<TBlob>& in,
                       const std::vector<OpReq>& req, const std::vector<TBlob>& out) {
  const std::string& name = attrs.op->name();
  const Shape& s = in[1].shape;
  MX_CHECK_AS(NotImplementedError, s.ndim() <= kMaxDim)
      << name << " supports at most " << kMaxDim << " dimensions.";
  Dims shape, ostride;
  int64_t count;
  ReduceGradGeometry(s, ReducedAxes(attrs, s), &shape, &ostride, &count);
  ReduceGradKind kind = ReduceGradKind::kSum;
  double scale = 1;
  if (name == "_backward_mean") {
    kind = ReduceGradKind::kMean;
    scale = count > 0 ? 1.0 / count : 0.0;
  } else if (name == "_backward_max" || name == "_backward_min") {
    kind = ReduceGradKind::kMinMax;
  } else if (name == "_backward_norm") {
    kind = attrs.get<NormParam>().ord == 1 ? ReduceGradKind::kNorm1 : ReduceGradKind::kNorm2;
  }
  MX_TYPE_SWITCH_ARITH(in[1].dtype, T, name.c_str(), {
    Kernel<xpu>::template Launch<ReduceGradMap>(ctx.run.stream, in[1].size(), in[0].ptr<T>(),
                                                in[1].ptr<T>(), in[2].ptr<T>(), out[0].ptr<T>(),
                                                static_cast<int>(req[0]), static_cast<int>(kind),
                                                scale, s.ndim(), shape, ostride);
  });
}

// _sum_to_like(data, like): sums data over the axes where it was broadcast from like's shape.
template <typename xpu>
void SumToLikeCompute(const OpAttrs&, const OpContext& ctx, const std::vector<TBlob>& in,
                      const std::vector<OpReq>& req, const std::vector<TBlob>& out) {
  const Shape& d = in[0].shape;
  const Shape& l = in[1].shape;
  std::vector<bool> red(d.ndim(), false);
  for (int a = 0; a < d.ndim(); ++a) {
    int la = a - (d.ndim() - l.ndim());
    red[a] = la < 0 || (l[la] == 1 && d[a] != 1);
  }
  ReducePlan p = PlanReduce(d, red);
  if constexpr (std::is_same<xpu, CPU>::value) {
    (void)ctx;
    ReduceCpu<SumReducer>(in[0], out[0], req[0], p);
  } else {
#if MX_USE_CUDA
    ReduceGpu<SumReducer>(in[0], out[0], req[0], p, ctx.run.stream);
#endif
  }
}

}  // namespace mx

#endif  // TESSERA_CORE_OPS_REDUCE_REDUCE_INL_H_
