// Element-wise kernels for both devices: unary maps, same-shape binary maps, numpy-broadcast
// binary maps and scalar maps. Included by the .cc (CPU registrations) and .cu (GPU) files.
// Shapes: out has the broadcast shape of the inputs; req per output as in OpReq.
#ifndef TESSERA_CORE_OPS_ELEMWISE_ELEMWISE_INL_H_
#define TESSERA_CORE_OPS_ELEMWISE_ELEMWISE_INL_H_

#include <string>
#include <vector>

#include "core/base/error.h"
#include "core/op/kernel.h"
#include "core/op/op_def.h"
#include "core/ops/elemwise/math_functors.h"

namespace mx {

struct ScalarParam {
  double scalar;
  void Declare(ParamDeclarer* d) {
    d->Declare("scalar", &scalar, 1.0).Describe("The scalar operand.");
  }
};

template <typename OP>
struct UnaryMap {
  template <typename T>
  MX_XINLINE static void Map(int64_t i, const T* in, T* out, int req) {
    mop::Assign(out + i, req, OP::Map(in[i]));
  }
};

// out[i] = OP(in[i]) for req kWrite and kInplace: no per-element test of req, so the
// compiler can vectorize the loop when OP is branch-free.
template <typename OP>
struct UnaryWrite {
  template <typename T>
  MX_XINLINE static void Map(int64_t i, const T* in, T* out) {
    out[i] = OP::Map(in[i]);
  }
};

template <typename OP>
struct BinaryMap {
  template <typename T>
  MX_XINLINE static void Map(int64_t i, const T* lhs, const T* rhs, T* out, int req) {
    mop::Assign(out + i, req, OP::Map(lhs[i], rhs[i]));
  }
};

template <typename OP>
struct ScalarMap {
  template <typename T>
  MX_XINLINE static void Map(int64_t i, const T* in, T scalar, T* out, int req) {
    mop::Assign(out + i, req, OP::Map(in[i], scalar));
  }
};

template <typename OP>
struct BroadcastMap {
  template <typename T>
  MX_XINLINE static void Map(int64_t i, const T* lhs, const T* rhs, T* out, int req, int ndim,
                             Dims shape, Dims lstride, Dims rstride) {
    int64_t li = 0, ri = 0, rem = i;
    for (int d = ndim - 1; d >= 0; --d) {
      int64_t c = rem % shape.v[d];
      rem /= shape.v[d];
      li += c * lstride.v[d];
      ri += c * rstride.v[d];
    }
    mop::Assign(out + i, req, OP::Map(lhs[li], rhs[ri]));
  }
};

// Broadcast geometry with adjacent dimensions merged where both operands agree.
struct BroadcastPlan {
  int ndim = 0;
  Dims shape, lstride, rstride;
};
BroadcastPlan PlanBroadcast(const Shape& lhs, const Shape& rhs, const Shape& out);

// The gradient of element-wise operator `op` (elemwise_grad.cc), built from other operators;
// operators whose derivative is zero almost everywhere (comparisons, rounding) pass none;
// nullptr (no gradient) for the ones declared not differentiable and for undeclared ones.
FGradient ElemwiseGradient(const std::string& op);
// Element-wise operators registered without a declared gradient (must be none).
std::vector<std::string> UndeclaredElemwiseGradients();

bool BroadcastBinaryShape(const OpAttrs& attrs, std::vector<Shape>* in, std::vector<Shape>* out);

template <typename xpu, typename OP>
void UnaryCompute(const OpAttrs&, const OpContext& ctx, const std::vector<TBlob>& in,
                  const std::vector<OpReq>& req, const std::vector<TBlob>& out) {
  MX_TYPE_SWITCH_ARITH(out[0].dtype, T, "element-wise operators", {
    Kernel<xpu>::template Launch<UnaryMap<OP>>(ctx.run.stream, out[0].size(), in[0].ptr<T>(),
                                               out[0].ptr<T>(), static_cast<int>(req[0]));
  });
}

template <typename xpu, typename OP>
void BinaryCompute(const OpAttrs&, const OpContext& ctx, const std::vector<TBlob>& in,
                   const std::vector<OpReq>& req, const std::vector<TBlob>& out) {
  MX_TYPE_SWITCH_ARITH(out[0].dtype, T, "element-wise operators", {
    Kernel<xpu>::template Launch<BinaryMap<OP>>(ctx.run.stream, out[0].size(), in[0].ptr<T>(),
                                                in[1].ptr<T>(), out[0].ptr<T>(),
                                                static_cast<int>(req[0]));
  });
}

template <typename xpu, typename OP>
void BroadcastCompute(const OpAttrs&, const OpContext& ctx, const std::vector<TBlob>& in,
                      const std::vector<OpReq>& req, const std::vector<TBlob>& out) {
  if (in[0].shape == in[1].shape) {
    BinaryCompute<xpu, OP>(OpAttrs(), ctx, in, req, out);
    return;
  }
  BroadcastPlan p = PlanBroadcast(in[0].shape, in[1].shape, out[0].shape);
  MX_TYPE_SWITCH_ARITH(out[0].dtype, T, "broadcast operators", {
    Kernel<xpu>::template Launch<BroadcastMap<OP>>(
        ctx.run.stream, out[0].size(), in[0].ptr<T>(), in[1].ptr<T>(), out[0].ptr<T>(),
        static_cast<int>(req[0]), p.ndim, p.shape, p.lstride, p.rstride);
  });
}

template <typename xpu, typename OP>
void ScalarCompute(const OpAttrs& attrs, const OpContext& ctx, const std::vector<TBlob>& in,
                   const std::vector<OpReq>& req, const std::vector<TBlob>& out) {
  double scalar = attrs.get<ScalarParam>().scalar;
  MX_TYPE_SWITCH_ARITH(out[0].dtype, T, "scalar operators", {
    Kernel<xpu>::template Launch<ScalarMap<OP>>(ctx.run.stream, out[0].size(), in[0].ptr<T>(),
                                                ConvertValue<T>(scalar), out[0].ptr<T>(),
                                                static_cast<int>(req[0]));
  });
}

}  // namespace mx

#endif  // TESSERA_CORE_OPS_ELEMWISE_ELEMWISE_INL_H_
