// Operators whose output element reads one input element chosen axis by axis: slice,
// slice_like, reverse, SwapAxis, depth_to_space, space_to_depth (per-axis begin/step, or
// permuted strides of a reshaped view), tile, repeat and
// broadcast_axis/broadcast_to/broadcast_like (per-axis replication). One plan describes all of
// them: output index o along axis d reads input index ((o / div) % mod) * step + begin, at the
// input stride given for d. Gradients: slice-like plans scatter the output gradient back (each
// output reads a different input); replicating plans sum every replica of an input element.
// CPU registrations: slice_ops.cc, replicate_ops.cc; GPU: axis_map_ops.cu.
#ifndef TESSERA_CORE_OPS_MATRIX_AXIS_MAP_INL_H_
#define TESSERA_CORE_OPS_MATRIX_AXIS_MAP_INL_H_

#include <optional>
#include <vector>

#include "core/ndarray/copy_kernels.h"
#include "core/op/kernel.h"
#include "core/op/op_def.h"
#include "core/op/param_tuple.h"
#include "core/ops/elemwise/elemwise-inl.h"

namespace mx {

// ---- parameters (MXNet 1.9's names and defaults) ----
struct SliceParam {
  OptionalTuple begin, end, step;
  void Declare(ParamDeclarer* d) {
    d->Declare("begin", &begin).Describe("First index per axis (None: the start; negative ok).");
    d->Declare("end", &end).Describe("One past the last index per axis (None: the end).");
    d->Declare("step", &step, OptionalTuple()).Describe("Step per axis (negative reverses).");
  }
};
struct SliceLikeParam {
  Shape axes;
  void Declare(ParamDeclarer* d) {
    d->Declare("axes", &axes, Shape()).Describe("Axes to slice to shape_like's size; (): all.");
  }
};
struct SwapAxisParam {
  int dim1, dim2;
  void Declare(ParamDeclarer* d) {
    d->Declare("dim1", &dim1, 0).Describe("The first axis to swap.");
    d->Declare("dim2", &dim2, 0).Describe("The second axis to swap.");
  }
};
struct BlockSizeParam {  // depth_to_space, space_to_depth
  int block_size;
  void Declare(ParamDeclarer* d) {
    d->Declare("block_size", &block_size).Describe("The spatial block's height and width.");
  }
};
struct ReverseParam {
  Shape axis;
  void Declare(ParamDeclarer* d) { d->Declare("axis", &axis).Describe("Axes to reverse."); }
};
struct TileParam {
  Shape reps;
  void Declare(ParamDeclarer* d) {
    d->Declare("reps", &reps).Describe("Repetitions per axis, aligned from the last axis.");
  }
};
struct RepeatParam {
  int repeats;
  std::optional<int> axis;
  void Declare(ParamDeclarer* d) {
    d->Declare("repeats", &repeats).Describe("Repetitions of each element.");
    d->Declare("axis", &axis, std::optional<int>())
        .Describe("Axis to repeat along; None repeats the flattened array.");
  }
};
struct BroadcastAxesParam {
  Shape axis, size;
  void Declare(ParamDeclarer* d) {
    d->Declare("axis", &axis, Shape()).Describe("Axes (of size 1) to broadcast.");
    d->Declare("size", &size, Shape()).Describe("Target size of each axis.");
  }
};
struct BroadcastToParam {
  Shape shape;
  void Declare(ParamDeclarer* d) {
    d->Declare("shape", &shape, Shape()).Describe("Target shape; 0 keeps an axis's size.");
  }
};
struct BroadcastLikeParam {
  std::optional<Shape> lhs_axes, rhs_axes;
  void Declare(ParamDeclarer* d) {
    d->Declare("lhs_axes", &lhs_axes, std::optional<Shape>()).Describe("Axes of lhs to broadcast.");
    d->Declare("rhs_axes", &rhs_axes, std::optional<Shape>()).Describe("Axes of rhs to copy.");
  }
};

// ---- the plan ----
struct AxisMapPlan {
  int ndim = 0;
  Dims out_shape, div, mod, step, begin, in_stride;
  Dims in_shape;  // replicating plans: the input's shape aligned to the output's axes
};

MX_XINLINE int64_t AxisMapOffset(int64_t i, const AxisMapPlan& p) {
  int64_t off = 0;
  for (int d = p.ndim - 1; d >= 0; --d) {
    int64_t o = i % p.out_shape.v[d];
    i /= p.out_shape.v[d];
    off += ((o / p.div.v[d]) % p.mod.v[d] * p.step.v[d] + p.begin.v[d]) * p.in_stride.v[d];
  }
  return off;
}

// Per-axis [begin, begin + step * n) of `in`, n = out's size (slice, slice_like, reverse).
AxisMapPlan SlicePlan(const Shape& in, const std::vector<int64_t>& begin,
                      const std::vector<int64_t>& step, const Shape& out);
// out axis d reads in axis perm[d] (SwapAxis).
AxisMapPlan PermutePlan(const Shape& in, const std::vector<int>& perm);
// `in` (aligned to out's axes with leading 1s) replicated to `out`: whole-axis copies (tile,
// broadcast), or each element `repeats` times along `repeat_axis` (repeat; -1: none).
AxisMapPlan ReplicatePlan(const Shape& in, const Shape& out, int repeat_axis = -1);

// ---- kernels ----
struct AxisGatherMap {
  template <typename T>
  MX_XINLINE static void Map(int64_t i, const T* in, T* out, int req, AxisMapPlan p) {
    mop::Assign(out + i, req, in[AxisMapOffset(i, p)]);
  }
};

// The gradient of a slice-like plan: dx at the element output i read gets og[i].
struct AxisScatterMap {
  template <typename T>
  MX_XINLINE static void Map(int64_t i, const T* og, T* dx, int req, AxisMapPlan p) {
    mop::Assign(dx + AxisMapOffset(i, p), req, og[i]);
  }
};

// The gradient of a replicating plan: input element i sums the output gradient over its
// replicas, in order (deterministic on every device).
struct ReplicaSumMap {
  template <typename T>
  MX_XINLINE static void Map(int64_t i, const T* og, T* dx, int req, AxisMapPlan p) {
    int64_t k[kMaxDim], count[kMaxDim], replicas = 1;
    int64_t rest = i;
    for (int d = p.ndim - 1; d >= 0; --d) {
      k[d] = rest % p.in_shape.v[d];
      rest /= p.in_shape.v[d];
      count[d] = p.out_shape.v[d] / p.in_shape.v[d];
      replicas *= count[d];
    }
    double acc = 0;
    for (int64_t r = 0; r < replicas; ++r) {
      int64_t m = r, off = 0, stride = 1;
      for (int d = p.ndim - 1; d >= 0; --d) {
        int64_t md = m % count[d];
        m /= count[d];
        int64_t o = (k[d] + (md / p.div.v[d]) * p.mod.v[d]) * p.div.v[d] + md % p.div.v[d];
        off += o * stride;
        stride *= p.out_shape.v[d];
      }
      acc += ConvertValue<double>(og[off]);
    }
    mop::Assign(dx + i, req, ConvertValue<T>(acc));
  }
};

template <typename xpu>
void AxisGather(const OpContext& ctx, const TBlob& in, const TBlob& out, OpReq req,
                const AxisMapPlan& plan) {
  if (req == OpReq::kNull || out.size() == 0) return;
  MX_TYPE_SWITCH_ARITH(out.dtype, T, "axis gather", {
    Kernel<xpu>::template Launch<AxisGatherMap>(ctx.run.stream, out.size(), in.ptr<T>(),
                                                out.ptr<T>(), static_cast<int>(req), plan);
  });
}

// dx (zeroed first unless req adds) receives og at the elements the forward pass read.
template <typename xpu>
void AxisScatter(const OpContext& ctx, const TBlob& og, const TBlob& dx, OpReq req,
                 const AxisMapPlan& plan) {
  if (req == OpReq::kNull) return;
  if (req != OpReq::kAddTo) FillBlob(dx, 0.0, ctx.run.stream);
  if (og.size() == 0) return;
  OpReq r = req == OpReq::kAddTo ? OpReq::kAddTo : OpReq::kWrite;
  MX_TYPE_SWITCH_ARITH(og.dtype, T, "axis scatter", {
    Kernel<xpu>::template Launch<AxisScatterMap>(ctx.run.stream, og.size(), og.ptr<T>(),
                                                 dx.ptr<T>(), static_cast<int>(r), plan);
  });
}

template <typename xpu>
void ReplicaSum(const OpContext& ctx, const TBlob& og, const TBlob& dx, OpReq req,
                const AxisMapPlan& plan) {
  if (req == OpReq::kNull || dx.size() == 0) return;
  MX_TYPE_SWITCH_ARITH(og.dtype, T, "replica sum", {
    Kernel<xpu>::template Launch<ReplicaSumMap>(ctx.run.stream, dx.size(), og.ptr<T>(),
                                                dx.ptr<T>(), static_cast<int>(req), plan);
  });
}

// The forward operator's name, also for its _backward_ operator (whose attrs hold the same
// parameters).
std::string ForwardName(const OpAttrs& attrs);

// ---- plans from the operators' parameters (slice_ops.cc, replicate_ops.cc) ----
// Plan of slice / slice_like / reverse / SwapAxis for input shape `in` (op by attrs).
AxisMapPlan SliceLikePlanFor(const OpAttrs& attrs, const Shape& in, const Shape& out);
// Plan of tile / repeat / broadcast_* from `in` to `out`.
AxisMapPlan ReplicatePlanFor(const OpAttrs& attrs, const Shape& in, const Shape& out);

// Forward: in[0] -> out[0] through the op's plan. Backward ops take (ograd, data).
template <typename xpu>
void SliceFamilyCompute(const OpAttrs& attrs, const OpContext& ctx, const std::vector<TBlob>& in,
                        const std::vector<OpReq>& req, const std::vector<TBlob>& out) {
  AxisGather<xpu>(ctx, in[0], out[0], req[0], SliceLikePlanFor(attrs, in[0].shape, out[0].shape));
}
template <typename xpu>
void SliceFamilyBackward(const OpAttrs& attrs, const OpContext& ctx,
                         const std::vector<TBlob>& in, const std::vector<OpReq>& req,
                         const std::vector<TBlob>& out) {
  AxisScatter<xpu>(ctx, in[0], out[0], req[0], SliceLikePlanFor(attrs, in[1].shape, in[0].shape));
}
template <typename xpu>
void ReplicateCompute(const OpAttrs& attrs, const OpContext& ctx, const std::vector<TBlob>& in,
                      const std::vector<OpReq>& req, const std::vector<TBlob>& out) {
  AxisGather<xpu>(ctx, in[0], out[0], req[0], ReplicatePlanFor(attrs, in[0].shape, out[0].shape));
}
template <typename xpu>
void ReplicateBackward(const OpAttrs& attrs, const OpContext& ctx, const std::vector<TBlob>& in,
                       const std::vector<OpReq>& req, const std::vector<TBlob>& out) {
  if (in[0].size() == 0) {  // no replica (a repeat or tile count of 0)
    if (req[0] == OpReq::kWrite || req[0] == OpReq::kInplace)
      FillBlob(out[0], 0.0, ctx.run.stream);
    return;
  }
  ReplicaSum<xpu>(ctx, in[0], out[0], req[0], ReplicatePlanFor(attrs, in[1].shape, in[0].shape));
}

}  // namespace mx

#endif  // TESSERA_CORE_OPS_MATRIX_AXIS_MAP_INL_H_
