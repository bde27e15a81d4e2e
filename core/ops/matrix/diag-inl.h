// diag (MXNet's tensor/diag_op): for 1-D data of n values, the (n + |k|) square matrix with
// the data on diagonal k (k > 0 above the main one); for data of rank >= 2, diagonal k of the
// planes spanned by axis1 and axis2: those axes go, the diagonal becomes the last axis, and
// out[..., d] = data[axis1 = d + max(0, -k), axis2 = d + max(0, k)]. The gradient
// (_backward_diag, inputs (ograd, data)) reads the diagonal back (1-D data) or places ograd
// on it with zeros elsewhere (each data element receives at most one value: deterministic).
#ifndef TESSERA_CORE_OPS_MATRIX_DIAG_INL_H_
#define TESSERA_CORE_OPS_MATRIX_DIAG_INL_H_

#include <vector>

#include "core/ndarray/copy_kernels.h"
#include "core/ops/matrix/matrix-inl.h"

namespace mx {

struct DiagParam {
  int k, axis1, axis2;
  void Declare(ParamDeclarer* d) {
    d->Declare("k", &k, 0).Describe("The diagonal: 0 the main one, > 0 above, < 0 below.");
    d->Declare("axis1", &axis1, 0).Describe("First axis of the planes (data of rank >= 2).");
    d->Declare("axis2", &axis2, 1).Describe("Second axis of the planes (data of rank >= 2).");
  }
};

// Data of rank >= 2 as (lead, a, body, b, trail) with a, b the two axes in order; the
// diagonal has `len` elements, element d at a = d + off_a, b = d + off_b.
struct DiagGeometry {
  bool vector;  // 1-D data: out is the (n + |k|) square matrix
  int64_t n, k;
  int64_t body, trail, len;
  int64_t stride_a, stride_body, stride_b, stride_lead;  // in the data
  int64_t off_1, off_2;                     // offsets on axis1 and axis2
  bool swapped;                             // axis1 comes after axis2
};

// Offset in the data of output element i (rank >= 2).
MX_XINLINE int64_t DiagSource(int64_t i, const DiagGeometry& g) {
  int64_t d = i % g.len, rest = i / g.len;
  int64_t t = rest % g.trail, b = (rest / g.trail) % g.body, l = rest / (g.trail * g.body);
  int64_t i1 = d + g.off_1, i2 = d + g.off_2;
  int64_t ia = g.swapped ? i2 : i1, ib = g.swapped ? i1 : i2;
  return l * g.stride_lead + ia * g.stride_a + b * g.stride_body + ib * g.stride_b + t;
}

struct DiagMap {
  template <typename T>
  MX_XINLINE static void Map(int64_t i, const T* x, T* out, int req, DiagGeometry g) {
    if (!g.vector) {
      mop::Assign(out + i, req, x[DiagSource(i, g)]);
      return;
    }
    int64_t s = g.n + (g.k < 0 ? -g.k : g.k), r = i / s, c = i % s;
    mop::Assign(out + i, req, c == r + g.k ? x[r < c ? r : c] : ConvertValue<T>(0.0));
  }
};

// Gradient: 1-D data element l reads og at (l + max(0, -k), l + max(0, k)); otherwise og's
// element i goes to its data element (dx zeroed first unless added to).
struct DiagGradMap {
  template <typename T>
  MX_XINLINE static void Map(int64_t i, const T* og, T* dx, int req, DiagGeometry g) {
    if (g.vector) {
      int64_t s = g.n + (g.k < 0 ? -g.k : g.k);
      int64_t r = i + (g.k < 0 ? -g.k : 0), c = i + (g.k > 0 ? g.k : 0);
      mop::Assign(dx + i, req, og[r * s + c]);
      return;
    }
    mop::Assign(dx + DiagSource(i, g), req, og[i]);
  }
};

DiagGeometry MakeDiagGeometry(const DiagParam& p, const Shape& data);

template <typename xpu>
void DiagCompute(const OpAttrs& attrs, const OpContext& ctx, const std::vector<TBlob>& in,
                 const std::vector<OpReq>& req, const std::vector<TBlob>& out) {
  if (req[0] == OpReq::kNull || out[0].size() == 0) return;
  DiagGeometry g = MakeDiagGeometry(attrs.get<DiagParam>(), in[0].shape);
  MX_TYPE_SWITCH_ARITH(in[0].dtype, T, "diag", {
    Kernel<xpu>::template Launch<DiagMap>(ctx.run.stream, out[0].size(), in[0].ptr<T>(),
                                          out[0].ptr<T>(), static_cast<int>(req[0]), g);
  });
}

// Inputs (ograd, data).
template <typename xpu>
void DiagBackward(const OpAttrs& attrs, const OpContext& ctx, const std::vector<TBlob>& in,
                  const std::vector<OpReq>& req, const std::vector<TBlob>& out) {
  if (req[0] == OpReq::kNull || out[0].size() == 0) return;
  DiagGeometry g = MakeDiagGeometry(attrs.get<DiagParam>(), in[1].shape);
  bool add = req[0] == OpReq::kAddTo;
  if (!g.vector && !add) FillBlob(out[0], 0.0, ctx.run.stream);
  int64_t n = g.vector ? out[0].size() : in[0].size();
  int r = static_cast<int>(add ? OpReq::kAddTo : OpReq::kWrite);
  MX_TYPE_SWITCH_ARITH(in[0].dtype, T, "diag backward", {
    Kernel<xpu>::template Launch<DiagGradMap>(ctx.run.stream, n, in[0].ptr<T>(), out[0].ptr<T>(),
                                              r, g);
  });
}

}  // namespace mx

#endif  // TESSERA_CORE_OPS_MATRIX_DIAG_INL_H_
