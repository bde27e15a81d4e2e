// Layout operators for both devices: reshapes (copies with a new shape), transpose,
// concatenation/stacking/splitting/slicing along an axis, take, one_hot, where and clip.
// Kernels are Map functors (core/op/kernel.h); CPU registrations live in the .cc files,
// GPU ones in matrix_ops.cu.
#ifndef TESSERA_CORE_OPS_MATRIX_MATRIX_INL_H_
#define TESSERA_CORE_OPS_MATRIX_MATRIX_INL_H_

#include <optional>
#include <string>
#include <vector>

#include "core/base/error.h"
#include "core/ndarray/copy_kernels.h"
#include "core/op/kernel.h"
#include "core/op/op_def.h"
#include "core/ops/elemwise/elemwise-inl.h"

namespace mx {

// ---- parameters ----
struct ReshapeParam {
  Shape shape;
  bool reverse;
  void Declare(ParamDeclarer* d) {
    d->Declare("shape", &shape, Shape()).Describe("Target shape with codes 0, -1, -2, -3, -4.");
    d->Declare("reverse", &reverse, false).Describe("Match codes from the right.");
  }
};
struct TransposeParam {
  Shape axes;
  void Declare(ParamDeclarer* d) {
    d->Declare("axes", &axes, Shape()).Describe("Permutation; empty reverses the axes.");
  }
};
struct ExpandDimsParam {
  int axis;
  void Declare(ParamDeclarer* d) { d->Declare("axis", &axis).Describe("Where to insert."); }
};
struct SqueezeParam {
  std::optional<Shape> axis;
  void Declare(ParamDeclarer* d) {
    d->Declare("axis", &axis, std::optional<Shape>()).Describe("Axes of size 1 to drop.");
  }
};
struct ConcatParam {
  int num_args;
  int dim;
  void Declare(ParamDeclarer* d) {
    d->Declare("num_args", &num_args).Describe("Number of inputs.");
    d->Declare("dim", &dim, 1).Describe("Axis to join along.");
  }
};
struct StackParam {
  int axis;
  int num_args;
  void Declare(ParamDeclarer* d) {
    d->Declare("axis", &axis, 0).Describe("New axis position.");
    d->Declare("num_args", &num_args).Describe("Number of inputs.");
  }
};
struct SliceChannelParam {
  int num_outputs;
  int axis;
  bool squeeze_axis;
  void Declare(ParamDeclarer* d) {
    d->Declare("num_outputs", &num_outputs).Describe("Number of equal parts.");
    d->Declare("axis", &axis, 1).Describe("Axis to split.");
    d->Declare("squeeze_axis", &squeeze_axis, false).Describe("Drop the split axis (size 1).");
  }
};
struct SliceAxisParam {
  int axis;
  int begin;
  std::optional<int> end;
  void Declare(ParamDeclarer* d) {
    d->Declare("axis", &axis).Describe("Axis to slice.");
    d->Declare("begin", &begin).Describe("First index (negative counts from the end).");
    d->Declare("end", &end).Describe("One past the last index; None: the end.");
  }
};
struct ClipParam {
  double a_min, a_max;
  void Declare(ParamDeclarer* d) {
    d->Declare("a_min", &a_min).Describe("Lower bound.");
    d->Declare("a_max", &a_max).Describe("Upper bound.");
  }
};
struct OneHotParam {
  int depth;
  double on_value, off_value;
  DType dtype;
  void Declare(ParamDeclarer* d) {
    d->Declare("depth", &depth).Describe("Number of classes.");
    d->Declare("on_value", &on_value, 1.0).Describe("Value at the index.");
    d->Declare("off_value", &off_value, 0.0).Describe("Value elsewhere.");
    d->Declare("dtype", &dtype, kFloat32).Describe("Output dtype.");
  }
};
struct TakeParam {
  int axis;
  std::string mode;
  void Declare(ParamDeclarer* d) {
    d->Declare("axis", &axis, 0).Describe("Axis to gather along.");
    d->Declare("mode", &mode, std::string("clip"))
        .Enum({"clip", "wrap", "raise"})
        .Describe("Out-of-range indices: clip, wrap, or raise an IndexError.");
  }
};
struct CastParam {
  DType dtype;
  void Declare(ParamDeclarer* d) { d->Declare("dtype", &dtype).Describe("Output dtype."); }
};

// ---- kernels ----
struct TransposeMap {
  template <typename T>
  MX_XINLINE static void Map(int64_t i, const T* in, T* out, int req, int ndim, Dims out_shape,
                             Dims in_stride_of_out_axis) {
    mop::Assign(out + i, req, in[UnravelOffset(i, ndim, out_shape, in_stride_of_out_axis)]);
  }
};

// Copies a (outer, in_width) block into columns [col, col + in_width) of a (outer, out_width)
// matrix, or the reverse (split == true).
struct BlockCopyMap {
  template <typename T>
  MX_XINLINE static void Map(int64_t i, const T* src, T* dst, int req, int64_t in_width,
                             int64_t out_width, int64_t col, bool split) {
    int64_t o = i / in_width, r = i % in_width;
    if (split)
      mop::Assign(dst + i, req, src[o * out_width + col + r]);
    else
      mop::Assign(dst + o * out_width + col + r, req, src[i]);
  }
};

struct ClipMap {
  template <typename T>
  MX_XINLINE static void Map(int64_t i, const T* in, T* out, int req, double lo, double hi) {
    double v = ConvertValue<double>(in[i]);
    v = v < lo ? lo : (v > hi ? hi : v);
    mop::Assign(out + i, req, ConvertValue<T>(v));
  }
};

template <typename I>
struct OneHotMap {
  template <typename T>
  MX_XINLINE static void Map(int64_t i, const I* idx, T* out, int req, int64_t depth, double on,
                             double off) {
    int64_t row = i / depth, j = i % depth;
    int64_t k = static_cast<int64_t>(ConvertValue<double>(idx[row]));
    mop::Assign(out + i, req, ConvertValue<T>(k == j ? on : off));
  }
};

// Resolves index k into [0, axis_len): mode 0 clips, mode 1 wraps around.
MX_XINLINE int64_t TakeIndex(int64_t k, int64_t axis_len, int mode) {
  if (mode == 1) {
    k %= axis_len;
    return k < 0 ? k + axis_len : k;
  }
  return k < 0 ? 0 : (k >= axis_len ? axis_len - 1 : k);
}

// mode: 0 clip, 1 wrap.
template <typename I>
struct TakeMap {
  template <typename T>
  MX_XINLINE static void Map(int64_t i, const T* a, const I* idx, T* out, int req, int64_t n_idx,
                             int64_t axis_len, int64_t inner, int mode) {
    int64_t r = i % inner, t = i / inner;
    int64_t p = t % n_idx, o = t / n_idx;
    int64_t j = TakeIndex(static_cast<int64_t>(ConvertValue<double>(idx[p])), axis_len, mode);
    mop::Assign(out + i, req, a[(o * axis_len + j) * inner + r]);
  }
};

template <typename C>
struct WhereMap {
  template <typename T>
  MX_XINLINE static void Map(int64_t i, const C* cond, const T* x, const T* y, T* out, int req,
                             int64_t inner) {
    bool c = ConvertValue<double>(cond[i / inner]) != 0.0;
    mop::Assign(out + i, req, c ? x[i] : y[i]);
  }
};

// ---- shape inference (matrix_shapes.cc) ----
bool ReshapeShape(const OpAttrs&, std::vector<Shape>*, std::vector<Shape>*);
bool FlattenShape(const OpAttrs&, std::vector<Shape>*, std::vector<Shape>*);
bool ExpandDimsShape(const OpAttrs&, std::vector<Shape>*, std::vector<Shape>*);
bool SqueezeShape(const OpAttrs&, std::vector<Shape>*, std::vector<Shape>*);
bool TransposeShape(const OpAttrs&, std::vector<Shape>*, std::vector<Shape>*);
bool ConcatShape(const OpAttrs&, std::vector<Shape>*, std::vector<Shape>*);
bool StackShape(const OpAttrs&, std::vector<Shape>*, std::vector<Shape>*);
bool SliceChannelShape(const OpAttrs&, std::vector<Shape>*, std::vector<Shape>*);
bool SliceAxisShape(const OpAttrs&, std::vector<Shape>*, std::vector<Shape>*);
bool OneHotShape(const OpAttrs&, std::vector<Shape>*, std::vector<Shape>*);
bool OneHotType(const OpAttrs&, std::vector<int>*, std::vector<int>*);
bool TakeShape(const OpAttrs&, std::vector<Shape>*, std::vector<Shape>*);
bool TakeType(const OpAttrs&, std::vector<int>*, std::vector<int>*);
bool WhereShape(const OpAttrs&, std::vector<Shape>*, std::vector<Shape>*);
bool WhereType(const OpAttrs&, std::vector<int>*, std::vector<int>*);
bool CastType(const OpAttrs&, std::vector<int>*, std::vector<int>*);
bool ReshapeLikeShape(const OpAttrs&, std::vector<Shape>*, std::vector<Shape>*);
bool FirstInputType(const OpAttrs&, std::vector<int>*, std::vector<int>*);
// Gradient through _backward_<op>(ograd, forward inputs...) giving the first `grads` inputs'
// gradients (-1: all of them); the other inputs get none.
FGradient ViaBackwardWithInputs(const std::string& op, int grads);
// Gradient of the operators that only change the shape: reshape_like(ograd, data).
std::vector<GradEntry> ReshapeGradient(const OpAttrs& attrs, GradContext* ctx);
// Permutation of transpose (the reversed axes when none are given).
std::vector<int> TransposeAxes(const OpAttrs& attrs, int ndim);
// begin/end of slice_axis resolved against `len`.
void SliceAxisRange(const SliceAxisParam& p, int64_t len, int64_t* begin, int64_t* end);

// ---- compute ----
template <typename xpu>
void CopyCompute(const OpAttrs&, const OpContext& ctx, const std::vector<TBlob>& in,
                 const std::vector<OpReq>& req, const std::vector<TBlob>& out) {
  MX_TYPE_SWITCH_ARITH(out[0].dtype, T, "reshape operators", {
    Kernel<xpu>::template Launch<UnaryMap<mop::identity>>(
        ctx.run.stream, out[0].size(), in[0].ptr<T>(), out[0].ptr<T>(), static_cast<int>(req[0]));
  });
}

template <typename xpu>
void TransposeCompute(const OpAttrs& attrs, const OpContext& ctx, const std::vector<TBlob>& in,
                      const std::vector<OpReq>& req, const std::vector<TBlob>& out) {
  const Shape& s = in[0].shape;
  std::vector<int> axes = TransposeAxes(attrs, s.ndim());
  MX_CHECK_AS(NotImplementedError, s.ndim() <= kMaxDim)
      << "transpose supports at most " << kMaxDim << " dimensions, found " << s.ndim() << ".";
  std::vector<int64_t> stride = s.Strides();
  Dims oshape, istride;
  for (int d = 0; d < s.ndim(); ++d) {
    oshape.v[d] = s[axes[d]];
    istride.v[d] = stride[axes[d]];
  }
  MX_TYPE_SWITCH_ARITH(out[0].dtype, T, "transpose", {
    Kernel<xpu>::template Launch<TransposeMap>(ctx.run.stream, out[0].size(), in[0].ptr<T>(),
                                               out[0].ptr<T>(), static_cast<int>(req[0]), s.ndim(),
                                               oshape, istride);
  });
}

// Inputs joined along `axis` of the output (Concat, stack) or the output split (SliceChannel).
template <typename xpu>
void JoinCompute(const OpContext& ctx, const std::vector<TBlob>& parts, const TBlob& whole,
                 int axis, const std::vector<OpReq>& req, bool split) {
  int64_t outer = whole.shape.ProdRange(0, axis);
  int64_t out_width = outer ? whole.size() / outer : 0;
  int64_t col = 0;
  for (size_t k = 0; k < parts.size(); ++k) {
    int64_t in_width = outer ? parts[k].size() / outer : 0;
    int r = static_cast<int>(split ? req[k] : req[0]);
    MX_TYPE_SWITCH_ARITH(whole.dtype, T, "concat/split", {
      if (split)
        Kernel<xpu>::template Launch<BlockCopyMap>(ctx.run.stream, parts[k].size(), whole.ptr<T>(),
                                                   parts[k].ptr<T>(), r, in_width, out_width, col,
                                                   true);
      else
        Kernel<xpu>::template Launch<BlockCopyMap>(ctx.run.stream, parts[k].size(),
                                                   parts[k].ptr<T>(), whole.ptr<T>(), r, in_width,
                                                   out_width, col, false);
    });
    col += in_width;
  }
}

template <typename xpu>
void ConcatCompute(const OpAttrs& attrs, const OpContext& ctx, const std::vector<TBlob>& in,
                   const std::vector<OpReq>& req, const std::vector<TBlob>& out) {
  int axis = out[0].shape.CanonicalAxis(attrs.get<ConcatParam>().dim, "Concat");
  JoinCompute<xpu>(ctx, in, out[0], axis, req, false);
}

template <typename xpu>
void StackCompute(const OpAttrs& attrs, const OpContext& ctx, const std::vector<TBlob>& in,
                  const std::vector<OpReq>& req, const std::vector<TBlob>& out) {
  int axis = out[0].shape.CanonicalAxis(attrs.get<StackParam>().axis, "stack");
  JoinCompute<xpu>(ctx, in, out[0], axis, req, false);
}

template <typename xpu>
void SliceChannelCompute(const OpAttrs& attrs, const OpContext& ctx, const std::vector<TBlob>& in,
                         const std::vector<OpReq>& req, const std::vector<TBlob>& out) {
  int axis = in[0].shape.CanonicalAxis(attrs.get<SliceChannelParam>().axis, "SliceChannel");
  JoinCompute<xpu>(ctx, out, in[0], axis, req, true);
}

// Backward of Concat / stack: inputs (ograd, forward inputs...); the ograd is split back into
// parts shaped like the forward inputs.
template <typename xpu>
void BackwardConcatCompute(const OpAttrs& attrs, const OpContext& ctx, const std::vector<TBlob>& in,
                           const std::vector<OpReq>& req, const std::vector<TBlob>& out) {
  bool stack = attrs.op->name() == "_backward_stack";
  int axis = stack ? attrs.get<StackParam>().axis : attrs.get<ConcatParam>().dim;
  axis = in[0].shape.CanonicalAxis(axis, attrs.op->name().c_str());
  JoinCompute<xpu>(ctx, out, in[0], axis, req, true);
}

// Backward of slice_axis: inputs (ograd, data); zeros outside the slice.
template <typename xpu>
void BackwardSliceAxisCompute(const OpAttrs& attrs, const OpContext& ctx,
                              const std::vector<TBlob>& in, const std::vector<OpReq>& req,
                              const std::vector<TBlob>& out) {
  const auto& p = attrs.get<SliceAxisParam>();
  const Shape& s = in[1].shape;
  int axis = s.CanonicalAxis(p.axis, "slice_axis");
  int64_t begin, end;
  SliceAxisRange(p, s[axis], &begin, &end);
  int64_t inner = s.ProdRange(axis + 1, s.ndim());
  if (req[0] != OpReq::kAddTo) FillBlob(out[0], 0.0, ctx.run.stream);
  OpReq r = req[0] == OpReq::kAddTo ? OpReq::kAddTo : OpReq::kWrite;
  MX_TYPE_SWITCH_ARITH(in[0].dtype, T, "slice_axis backward", {
    Kernel<xpu>::template Launch<BlockCopyMap>(
        ctx.run.stream, in[0].size(), in[0].ptr<T>(), out[0].ptr<T>(), static_cast<int>(r),
        (end - begin) * inner, s[axis] * inner, begin * inner, false);
  });
}

template <typename xpu>
void SliceAxisCompute(const OpAttrs& attrs, const OpContext& ctx, const std::vector<TBlob>& in,
                      const std::vector<OpReq>& req, const std::vector<TBlob>& out) {
  const auto& p = attrs.get<SliceAxisParam>();
  int axis = in[0].shape.CanonicalAxis(p.axis, "slice_axis");
  int64_t begin, end;
  SliceAxisRange(p, in[0].shape[axis], &begin, &end);
  int64_t inner = in[0].shape.ProdRange(axis + 1, in[0].shape.ndim());
  MX_TYPE_SWITCH_ARITH(in[0].dtype, T, "slice_axis", {
    Kernel<xpu>::template Launch<BlockCopyMap>(
        ctx.run.stream, out[0].size(), in[0].ptr<T>(), out[0].ptr<T>(), static_cast<int>(req[0]),
        (end - begin) * inner, in[0].shape[axis] * inner, begin * inner, true);
  });
}

template <typename xpu>
void ClipCompute(const OpAttrs& attrs, const OpContext& ctx, const std::vector<TBlob>& in,
                 const std::vector<OpReq>& req, const std::vector<TBlob>& out) {
  const auto& p = attrs.get<ClipParam>();
  MX_TYPE_SWITCH_ARITH(in[0].dtype, T, "clip", {
    Kernel<xpu>::template Launch<ClipMap>(ctx.run.stream, out[0].size(), in[0].ptr<T>(),
                                          out[0].ptr<T>(), static_cast<int>(req[0]), p.a_min,
                                          p.a_max);
  });
}

template <typename xpu>
void OneHotCompute(const OpAttrs& attrs, const OpContext& ctx, const std::vector<TBlob>& in,
                   const std::vector<OpReq>& req, const std::vector<TBlob>& out) {
  const auto& p = attrs.get<OneHotParam>();
  MX_TYPE_SWITCH_ARITH(in[0].dtype, I, "one_hot indices", {
    MX_TYPE_SWITCH_ARITH(out[0].dtype, T, "one_hot", {
      Kernel<xpu>::template Launch<OneHotMap<I>>(
          ctx.run.stream, out[0].size(), in[0].ptr<I>(), out[0].ptr<T>(), static_cast<int>(req[0]),
          static_cast<int64_t>(p.depth), p.on_value, p.off_value);
    });
  });
}

// Backward of take: inputs (ograd, a, indices); da[j] sums the ograd rows that took row j.
// Each output element loops over the indices in order (deterministic on every device).
template <typename I>
struct TakeGradMap {
  template <typename T>
  MX_XINLINE static void Map(int64_t i, const T* og, const I* idx, T* da, int req, int64_t n_idx,
                             int64_t axis_len, int64_t inner, int mode) {
    int64_t r = i % inner, t = i / inner;
    int64_t j = t % axis_len, o = t / axis_len;
    double acc = 0;
    for (int64_t p = 0; p < n_idx; ++p) {
      int64_t k = TakeIndex(static_cast<int64_t>(ConvertValue<double>(idx[p])), axis_len, mode);
      if (k == j) acc += ConvertValue<double>(og[(o * n_idx + p) * inner + r]);
    }
    mop::Assign(da + i, req, ConvertValue<T>(acc));
  }
};

template <typename xpu>
void BackwardTakeCompute(const OpAttrs& attrs, const OpContext& ctx, const std::vector<TBlob>& in,
                         const std::vector<OpReq>& req, const std::vector<TBlob>& out) {
  const auto& p = attrs.get<TakeParam>();
  const Shape& s = in[1].shape;
  int axis = s.CanonicalAxis(p.axis, "take");
  int64_t inner = s.ProdRange(axis + 1, s.ndim());
  MX_TYPE_SWITCH_ARITH(in[2].dtype, I, "take indices", {
    MX_TYPE_SWITCH_ARITH(in[1].dtype, T, "take backward", {
      Kernel<xpu>::template Launch<TakeGradMap<I>>(
          ctx.run.stream, out[0].size(), in[0].ptr<T>(), in[2].ptr<I>(), out[0].ptr<T>(),
          static_cast<int>(req[0]), in[2].size(), s[axis], inner, p.mode == "wrap" ? 1 : 0);
    });
  });
}

// Throws IndexError when mode is "raise" and an index is out of range (host memory only).
void CheckTakeIndices(const TBlob& idx, int64_t axis_len);

template <typename xpu>
void TakeCompute(const OpAttrs& attrs, const OpContext& ctx, const std::vector<TBlob>& in,
                 const std::vector<OpReq>& req, const std::vector<TBlob>& out) {
  const auto& p = attrs.get<TakeParam>();
  const Shape& s = in[0].shape;
  int axis = s.CanonicalAxis(p.axis, "take");
  if (p.mode == "raise") {
    MX_CHECK_AS(NotImplementedError, in[1].ctx.is_host())
        << "take: mode 'raise' checks indices on the host; on " << in[1].ctx
        << " use mode 'clip' or 'wrap'.";
    CheckTakeIndices(in[1], s[axis]);
  }
  int64_t inner = s.ProdRange(axis + 1, s.ndim());
  MX_TYPE_SWITCH_ARITH(in[1].dtype, I, "take indices", {
    MX_TYPE_SWITCH_ARITH(in[0].dtype, T, "take", {
      Kernel<xpu>::template Launch<TakeMap<I>>(
          ctx.run.stream, out[0].size(), in[0].ptr<T>(), in[1].ptr<I>(), out[0].ptr<T>(),
          static_cast<int>(req[0]), in[1].size(), s[axis], inner, p.mode == "wrap" ? 1 : 0);
    });
  });
}

template <typename xpu>
void WhereCompute(const OpAttrs&, const OpContext& ctx, const std::vector<TBlob>& in,
                  const std::vector<OpReq>& req, const std::vector<TBlob>& out) {
  int64_t inner = in[0].shape == in[1].shape ? 1 : in[1].size() / in[1].shape[0];
  MX_TYPE_SWITCH_ARITH(in[0].dtype, C, "where condition", {
    MX_TYPE_SWITCH_ARITH(in[1].dtype, T, "where", {
      Kernel<xpu>::template Launch<WhereMap<C>>(ctx.run.stream, out[0].size(), in[0].ptr<C>(),
                                                in[1].ptr<T>(), in[2].ptr<T>(), out[0].ptr<T>(),
                                                static_cast<int>(req[0]), inner);
    });
  });
}

}  // namespace mx

#endif  // TESSERA_CORE_OPS_MATRIX_MATRIX_INL_H_
