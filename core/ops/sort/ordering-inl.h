// topk, sort and argsort (MXNet's src/operator/tensor/ordering_op): each row along `axis` (the
// flattened array when axis is None) is ordered by a stable sort (index_sort.h), so equal values
// keep their positions' order (MXNet leaves the order of ties unspecified). topk returns the
// first k values, their indices (as dtype), both, or a mask of data's shape with 1 at the
// chosen positions. Gradients of the values (topk value/both, sort) send each output gradient
// back to the position it came from; indices and masks have none.
#ifndef TESSERA_CORE_OPS_SORT_ORDERING_INL_H_
#define TESSERA_CORE_OPS_SORT_ORDERING_INL_H_

#include <optional>
#include <string>
#include <vector>

#include "core/op/kernel.h"
#include "core/op/op_def.h"
#include "core/op/workspace.h"
#include "core/ops/elemwise/math_functors.h"
#include "core/ops/sort/index_sort.h"

namespace mx {

struct TopKParam {
  std::optional<int> axis;
  int k;
  std::string ret_typ;
  bool is_ascend;
  DType dtype;
  void Declare(ParamDeclarer* d) {
    d->Declare("axis", &axis, std::optional<int>(-1)).Describe("Axis to order; None: flattened.");
    d->Declare("k", &k, 1).Describe("Elements to return; k < 1: all of them.");
    d->Declare("ret_typ", &ret_typ, std::string("indices"))
        .Enum({"value", "indices", "mask", "both"})
        .Describe("What to return: value, indices, mask or both (value and indices).");
    d->Declare("is_ascend", &is_ascend, false).Describe("The k smallest instead of the largest.");
    d->Declare("dtype", &dtype, kFloat32).Describe("dtype of the indices.");
  }
};
struct SortParam {
  std::optional<int> axis;
  bool is_ascend;
  void Declare(ParamDeclarer* d) {
    d->Declare("axis", &axis, std::optional<int>(-1)).Describe("Axis to sort; None: flattened.");
    d->Declare("is_ascend", &is_ascend, true).Describe("Ascending order.");
  }
};
struct ArgSortParam {
  std::optional<int> axis;
  bool is_ascend;
  DType dtype;
  void Declare(ParamDeclarer* d) {
    d->Declare("axis", &axis, std::optional<int>(-1)).Describe("Axis to sort; None: flattened.");
    d->Declare("is_ascend", &is_ascend, true).Describe("Ascending order.");
    d->Declare("dtype", &dtype, kFloat32).Describe("dtype of the indices.");
  }
};

enum class OrderingResult { kValue, kIndices, kMask, kBoth };

// One operator call's ordering: rows of n elements at stride `inner`, the first k kept.
struct OrderingPlan {
  int64_t rows, n, inner, k;
  bool ascend;
  OrderingResult result;
  DType index_dtype;
};

// The plan of topk / sort / argsort (or their _backward_ operators) for data of shape `s`
// (ordering.cc); throws for a bad axis or k.
OrderingPlan MakeOrderingPlan(const OpAttrs& attrs, const Shape& s);
// The shape of the values / indices output.
Shape OrderingOutShape(const OpAttrs& attrs, const Shape& s);

MX_XINLINE int64_t OrderingBase(int64_t r, const OrderingPlan& p) {
  return (r / p.inner) * p.n * p.inner + r % p.inner;
}

// Sorts row r's indices into idx (scratch tmp): idx[j] is the position of rank j.
template <typename T>
MX_XINLINE void SortRow(int64_t r, const T* x, int64_t* idx, int64_t* tmp, const OrderingPlan& p) {
  const T* row = x + OrderingBase(r, p);
  for (int64_t j = 0; j < p.n; ++j) idx[j] = j;
  int64_t inner = p.inner;
  bool ascend = p.ascend;
  StableSortIndices(idx, tmp, p.n, [row, inner, ascend](int64_t a, int64_t b) {
    double va = ConvertValue<double>(row[a * inner]), vb = ConvertValue<double>(row[b * inner]);
    return ascend ? va < vb : va > vb;
  });
}

template <typename I>
struct OrderingMap {
  template <typename T>
  MX_XINLINE static void Map(int64_t r, const T* x, T* values, I* indices, T* mask, int req,
                             int64_t* work, OrderingPlan p) {
    int64_t* idx = work + r * 2 * p.n;
    SortRow(r, x, idx, idx + p.n, p);
    int64_t in_base = OrderingBase(r, p), out_base = (r / p.inner) * p.k * p.inner + r % p.inner;
    if (mask) {
      for (int64_t j = 0; j < p.n; ++j) mop::Assign(mask + in_base + j * p.inner, req, ConvertValue<T>(0.0));
      for (int64_t j = 0; j < p.k; ++j)
        mop::Assign(mask + in_base + idx[j] * p.inner, req, ConvertValue<T>(1.0));
      return;
    }
    for (int64_t j = 0; j < p.k; ++j) {
      if (values) mop::Assign(values + out_base + j * p.inner, req, x[in_base + idx[j] * p.inner]);
      if (indices)
        mop::Assign(indices + out_base + j * p.inner, req, ConvertValue<I>(double(idx[j])));
    }
  }
};

// Gradient of the values: dx at the position of rank j gets og at rank j; other positions 0.
struct OrderingGradMap {
  template <typename T>
  MX_XINLINE static void Map(int64_t r, const T* og, const T* x, T* dx, int req, int64_t* work,
                             OrderingPlan p) {
    int64_t* idx = work + r * 2 * p.n;
    SortRow(r, x, idx, idx + p.n, p);
    int64_t in_base = OrderingBase(r, p), out_base = (r / p.inner) * p.k * p.inner + r % p.inner;
    if (req != static_cast<int>(OpReq::kAddTo))
      for (int64_t j = 0; j < p.n; ++j) dx[in_base + j * p.inner] = ConvertValue<T>(0.0);
    int write = req == static_cast<int>(OpReq::kAddTo) ? req : static_cast<int>(OpReq::kWrite);
    for (int64_t j = 0; j < p.k; ++j)
      mop::Assign(dx + in_base + idx[j] * p.inner, write, og[out_base + j * p.inner]);
  }
};

template <typename xpu>
void OrderingCompute(const OpAttrs& attrs, const OpContext& ctx, const std::vector<TBlob>& in,
                     const std::vector<OpReq>& req, const std::vector<TBlob>& out) {
  if (req[0] == OpReq::kNull || in[0].size() == 0) return;
  OrderingPlan p = MakeOrderingPlan(attrs, in[0].shape);
  int64_t* work = TypedWorkspace<int64_t, xpu>(2 * p.rows * p.n, WorkspaceSlot::kOrdering);
  bool values = p.result == OrderingResult::kValue || p.result == OrderingResult::kBoth;
  bool indices = p.result == OrderingResult::kIndices || p.result == OrderingResult::kBoth;
  const TBlob& ind = out[p.result == OrderingResult::kBoth ? 1 : 0];
  MX_TYPE_SWITCH_ARITH(in[0].dtype, T, attrs.op->name().c_str(), {
    MX_TYPE_SWITCH_ARITH(indices ? ind.dtype : in[0].dtype, I, "ordering indices", {
      Kernel<xpu>::template Launch<OrderingMap<I>>(
          ctx.run.stream, p.rows, in[0].ptr<T>(), values ? out[0].ptr<T>() : nullptr,
          indices ? ind.ptr<I>() : nullptr,
          p.result == OrderingResult::kMask ? out[0].ptr<T>() : nullptr, static_cast<int>(req[0]),
          work, p);
    });
  });
}

// _backward_topk / _backward_sort: inputs (ograd of the values, data).
template <typename xpu>
void OrderingBackward(const OpAttrs& attrs, const OpContext& ctx, const std::vector<TBlob>& in,
                      const std::vector<OpReq>& req, const std::vector<TBlob>& out) {
  if (req[0] == OpReq::kNull || in[1].size() == 0) return;
  OrderingPlan p = MakeOrderingPlan(attrs, in[1].shape);
  int64_t* work = TypedWorkspace<int64_t, xpu>(2 * p.rows * p.n, WorkspaceSlot::kOrdering);
  MX_TYPE_SWITCH_ARITH(in[1].dtype, T, attrs.op->name().c_str(), {
    Kernel<xpu>::template Launch<OrderingGradMap>(ctx.run.stream, p.rows, in[0].ptr<T>(),
                                                  in[1].ptr<T>(), out[0].ptr<T>(),
                                                  static_cast<int>(req[0]), work, p);
  });
}

}  // namespace mx

#endif  // TESSERA_CORE_OPS_SORT_ORDERING_INL_H_
