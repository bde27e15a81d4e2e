// pick (alias choose_element_0index; MXNet's broadcast_reduce_op): for data (A..., n, B...)
// and index (A..., B...) (or with a kept axis of 1), out[a, b] = data[a, index[a, b], b], the
// index clipped into range or wrapped around. Its gradient puts each output gradient at the
// picked position (each data element tests whether it was picked: no scatter).
// batch_take (deprecated in MXNet for pick): out[i] = a[i, indices[i]] over a's last axis, the
// index clipped; pick's kernel with the rows flattened. No gradient, as in MXNet.
#ifndef TESSERA_CORE_OPS_MATRIX_PICK_INL_H_
#define TESSERA_CORE_OPS_MATRIX_PICK_INL_H_

#include <optional>
#include <string>
#include <vector>

#include "core/ops/matrix/matrix-inl.h"

namespace mx {

struct PickParam {
  std::optional<int> axis;
  bool keepdims;
  std::string mode;
  void Declare(ParamDeclarer* d) {
    d->Declare("axis", &axis, std::optional<int>(-1)).Describe("The axis to pick along.");
    d->Declare("keepdims", &keepdims, false).Describe("Keep the axis with size 1.");
    d->Declare("mode", &mode, std::string("clip"))
        .Enum({"clip", "wrap"})
        .Describe("Out-of-range indices: clip to the ends, or wrap around.");
  }
};

struct PickGeometry {
  int64_t n, inner;
  int mode;  // 0 clip, 1 wrap
};

template <typename I>
struct PickMap {
  template <typename T>
  MX_XINLINE static void Map(int64_t i, const T* x, const I* idx, T* out, int req,
                             PickGeometry g) {
    int64_t o = i / g.inner, r = i % g.inner;
    int64_t j = TakeIndex(static_cast<int64_t>(ConvertValue<double>(idx[i])), g.n, g.mode);
    mop::Assign(out + i, req, x[(o * g.n + j) * g.inner + r]);
  }
};

// dx element e = (o, j, r): og[o, r] where index[o, r] picks j, else 0.
template <typename I>
struct PickGradMap {
  template <typename T>
  MX_XINLINE static void Map(int64_t e, const T* og, const I* idx, T* dx, int req,
                             PickGeometry g) {
    int64_t r = e % g.inner, j = (e / g.inner) % g.n, o = e / (g.inner * g.n);
    int64_t at = o * g.inner + r;
    int64_t k = TakeIndex(static_cast<int64_t>(ConvertValue<double>(idx[at])), g.n, g.mode);
    mop::Assign(dx + e, req, k == j ? og[at] : ConvertValue<T>(0.0));
  }
};

PickGeometry MakePickGeometry(const PickParam& p, const Shape& data);

// out = data picked by index (inputs (data, index)) with geometry g; pick and batch_take.
template <typename xpu>
void LaunchPick(const OpContext& ctx, const std::vector<TBlob>& in, OpReq req, const TBlob& out,
                const PickGeometry& g, const char* what) {
  if (req == OpReq::kNull || out.size() == 0) return;
  MX_TYPE_SWITCH_ARITH(in[1].dtype, I, what, {
    MX_TYPE_SWITCH_ARITH(in[0].dtype, T, what, {
      Kernel<xpu>::template Launch<PickMap<I>>(ctx.run.stream, out.size(), in[0].ptr<T>(),
                                               in[1].ptr<I>(), out.ptr<T>(),
                                               static_cast<int>(req), g);
    });
  });
}

template <typename xpu>
void PickCompute(const OpAttrs& attrs, const OpContext& ctx, const std::vector<TBlob>& in,
                 const std::vector<OpReq>& req, const std::vector<TBlob>& out) {
  if (req[0] == OpReq::kNull || out[0].size() == 0) return;
  LaunchPick<xpu>(ctx, in, req[0], out[0], MakePickGeometry(attrs.get<PickParam>(), in[0].shape),
                  "pick");
}

// Inputs (ograd, data, index).
template <typename xpu>
void PickBackward(const OpAttrs& attrs, const OpContext& ctx, const std::vector<TBlob>& in,
                  const std::vector<OpReq>& req, const std::vector<TBlob>& out) {
  if (req[0] == OpReq::kNull || out[0].size() == 0) return;
  PickGeometry g = MakePickGeometry(attrs.get<PickParam>(), in[1].shape);
  MX_TYPE_SWITCH_ARITH(in[2].dtype, I, "pick index", {
    MX_TYPE_SWITCH_ARITH(in[1].dtype, T, "pick backward", {
      Kernel<xpu>::template Launch<PickGradMap<I>>(ctx.run.stream, out[0].size(), in[0].ptr<T>(),
                                                   in[2].ptr<I>(), out[0].ptr<T>(),
                                                   static_cast<int>(req[0]), g);
    });
  });
}

// Inputs (a, indices): rows of a's last axis, one index per row.
template <typename xpu>
void BatchTakeCompute(const OpAttrs&, const OpContext& ctx, const std::vector<TBlob>& in,
                      const std::vector<OpReq>& req, const std::vector<TBlob>& out) {
  PickGeometry g{in[0].shape[in[0].shape.ndim() - 1], 1, 0};  // clip
  LaunchPick<xpu>(ctx, in, req[0], out[0], g, "batch_take");
}

}  // namespace mx

#endif  // TESSERA_CORE_OPS_MATRIX_PICK_INL_H_
