// Pad (alias pad; MXNet's src/operator/pad): data padded by pad_width = (before_0, after_0,
// before_1, after_1, ...) with constant_value, the edge value, or the reflection about the
// edge (without repeating it; pads smaller than the axis). MXNet implements 4-D and 5-D data
// with unpadded first two axes; here any axes up to kMaxDim may be padded. The gradient sums the
// output gradient of every position that read an input element (the constant border reads
// none): each input element visits its at most three ranges of readers per axis.
#ifndef TESSERA_CORE_OPS_MATRIX_PAD_INL_H_
#define TESSERA_CORE_OPS_MATRIX_PAD_INL_H_

#include <string>
#include <vector>

#include "core/op/kernel.h"
#include "core/op/op_def.h"
#include "core/ops/elemwise/math_functors.h"

namespace mx {

struct PadParam {
  std::string mode;
  Shape pad_width;
  double constant_value;
  void Declare(ParamDeclarer* d) {
    d->Declare("mode", &mode, std::string("constant"))
        .Enum({"constant", "edge", "reflect"})
        .Describe("constant: constant_value; edge: the edge value; reflect: mirrored data.");
    d->Declare("pad_width", &pad_width)
        .Describe("(before_0, after_0, before_1, after_1, ...), one pair per axis.");
    d->Declare("constant_value", &constant_value, 0.0).Describe("The value of constant padding.");
  }
};

enum class PadMode { kConstant = 0, kEdge = 1, kReflect = 2 };

struct PadGeometry {
  int ndim, mode;
  Dims in, out, before;
  double value;
};

// The input index that output index o of an axis (length len, `before` padding) reads; -1 for
// the constant border.
MX_XINLINE int64_t PadSource(int64_t o, int64_t len, int64_t before, int mode) {
  int64_t i = o - before;
  if (i >= 0 && i < len) return i;
  if (mode == static_cast<int>(PadMode::kConstant)) return -1;
  if (mode == static_cast<int>(PadMode::kEdge)) return i < 0 ? 0 : len - 1;
  return i < 0 ? -i : 2 * (len - 1) - i;
}

struct PadForwardMap {
  template <typename T>
  MX_XINLINE static void Map(int64_t e, const T* x, T* y, int req, PadGeometry g) {
    int64_t off = 0, stride = 1, rest = e;
    bool border = false;
    for (int d = g.ndim - 1; d >= 0; --d) {
      int64_t src = PadSource(rest % g.out.v[d], g.in.v[d], g.before.v[d], g.mode);
      rest /= g.out.v[d];
      border = border || src < 0;
      off += src * stride;
      stride *= g.in.v[d];
    }
    mop::Assign(y + e, req, border ? ConvertValue<T>(g.value) : x[off]);
  }
};

// Input element e: the sum of og over its readers (per axis: itself, and the edge or mirror
// positions in the padding, at most three ranges).
struct PadBackwardMap {
  template <typename T>
  MX_XINLINE static void Map(int64_t e, const T* og, T* dx, int req, PadGeometry g) {
    int64_t lo[kMaxDim][3], hi[kMaxDim][3], rest = e;
    for (int d = g.ndim - 1; d >= 0; --d) {
      int64_t i = rest % g.in.v[d], len = g.in.v[d], b = g.before.v[d], n = g.out.v[d];
      rest /= g.in.v[d];
      lo[d][0] = i + b;
      hi[d][0] = i + b + 1;
      lo[d][1] = hi[d][1] = lo[d][2] = hi[d][2] = 0;
      if (g.mode == static_cast<int>(PadMode::kEdge)) {
        if (i == 0) hi[d][1] = b;                 // [0, before)
        if (i == len - 1) {
          lo[d][2] = b + len;
          hi[d][2] = n;
        }
      } else if (g.mode == static_cast<int>(PadMode::kReflect)) {
        if (i >= 1 && i <= b) {
          lo[d][1] = b - i;
          hi[d][1] = b - i + 1;
        }
        int64_t r = b + 2 * (len - 1) - i;
        if (r >= b + len && r < n) {
          lo[d][2] = r;
          hi[d][2] = r + 1;
        }
      }
    }
    // Odometer over (range choice, position) per axis.
    int choice[kMaxDim];
    int64_t pos[kMaxDim];
    for (int d = 0; d < g.ndim; ++d) {
      choice[d] = 0;
      pos[d] = lo[d][0];
    }
    double acc = 0;
    while (true) {
      int64_t off = 0;
      for (int d = 0; d < g.ndim; ++d) off = off * g.out.v[d] + pos[d];
      acc += ConvertValue<double>(og[off]);
      int d = g.ndim - 1;
      for (; d >= 0; --d) {  // next position of axis d, else its next non-empty range
        if (++pos[d] < hi[d][choice[d]]) break;
        while (++choice[d] < 3 && lo[d][choice[d]] >= hi[d][choice[d]]) {
        }
        if (choice[d] < 3) {
          pos[d] = lo[d][choice[d]];
          break;
        }
        choice[d] = 0;
        pos[d] = lo[d][0];
      }
      if (d < 0) break;
    }
    mop::Assign(dx + e, req, ConvertValue<T>(acc));
  }
};

PadGeometry MakePadGeometry(const PadParam& p, const Shape& in);

template <typename xpu>
void PadForward(const OpAttrs& attrs, const OpContext& ctx, const std::vector<TBlob>& in,
                const std::vector<OpReq>& req, const std::vector<TBlob>& out) {
  if (req[0] == OpReq::kNull || out[0].size() == 0) return;
  PadGeometry g = MakePadGeometry(attrs.get<PadParam>(), in[0].shape);
  MX_TYPE_SWITCH_ARITH(in[0].dtype, T, "Pad", {
    Kernel<xpu>::template Launch<PadForwardMap>(ctx.run.stream, out[0].size(), in[0].ptr<T>(),
                                                out[0].ptr<T>(), static_cast<int>(req[0]), g);
  });
}

// Inputs (ograd, data).
template <typename xpu>
void PadBackward(const OpAttrs& attrs, const OpContext& ctx, const std::vector<TBlob>& in,
                 const std::vector<OpReq>& req, const std::vector<TBlob>& out) {
  if (req[0] == OpReq::kNull || out[0].size() == 0) return;
  PadGeometry g = MakePadGeometry(attrs.get<PadParam>(), in[1].shape);
  MX_TYPE_SWITCH_ARITH(in[1].dtype, T, "Pad backward", {
    Kernel<xpu>::template Launch<PadBackwardMap>(ctx.run.stream, out[0].size(), in[0].ptr<T>(),
                                                 out[0].ptr<T>(), static_cast<int>(req[0]), g);
  });
}

}  // namespace mx

#endif  // TESSERA_CORE_OPS_MATRIX_PAD_INL_H_
