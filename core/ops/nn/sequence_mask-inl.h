// SequenceMask (MXNet's src/operator/sequence_mask): data (T, N, ...) with axis 0, or (N, T, ...)
// with axis 1; where use_sequence_length, the steps t >= sequence_length[n] of sequence n become
// `value`. Its gradient is the output gradient masked the same way with 0.
#ifndef TESSERA_CORE_OPS_NN_SEQUENCE_MASK_INL_H_
#define TESSERA_CORE_OPS_NN_SEQUENCE_MASK_INL_H_

#include <vector>

#include "core/op/kernel.h"
#include "core/op/op_def.h"
#include "core/ops/elemwise/elemwise-inl.h"

namespace mx {

struct SequenceMaskParam {
  bool use_sequence_length;
  double value;
  int axis;
  void Declare(ParamDeclarer* d) {
    d->Declare("use_sequence_length", &use_sequence_length, false)
        .Describe("Take the lengths from the input sequence_length (else nothing is masked).");
    d->Declare("value", &value, 0.0).Describe("The value of masked steps.");
    d->Declare("axis", &axis, 0).Describe("The time axis: 0 (T, N, ...) or 1 (N, T, ...).");
  }
};

struct SequenceGeometry {
  int64_t steps, batch, inner;
  int axis;
};

// Time step and sequence of element i.
MX_XINLINE void SequencePosition(int64_t i, const SequenceGeometry& g, int64_t* t, int64_t* n) {
  int64_t row = i / g.inner;
  if (g.axis == 0) {
    *t = row / g.batch;
    *n = row % g.batch;
  } else {
    *n = row / g.steps;
    *t = row % g.steps;
  }
}

template <typename L>
struct SequenceMaskMap {
  template <typename T>
  MX_XINLINE static void Map(int64_t i, const T* x, const L* len, T* y, int req, double value,
                             SequenceGeometry g) {
    int64_t t, n;
    SequencePosition(i, g, &t, &n);
    bool keep = t < static_cast<int64_t>(ConvertValue<double>(len[n]));
    mop::Assign(y + i, req, keep ? x[i] : ConvertValue<T>(value));
  }
};

inline SequenceGeometry MakeSequenceGeometry(const Shape& s, int axis) {
  int64_t inner = s.ProdRange(2, s.ndim());
  return {axis == 0 ? s[0] : s[1], axis == 0 ? s[1] : s[0], inner, axis};
}

template <typename xpu>
void SequenceMaskCompute(const OpAttrs& attrs, const OpContext& ctx, const std::vector<TBlob>& in,
                         const std::vector<OpReq>& req, const std::vector<TBlob>& out) {
  const auto& p = attrs.get<SequenceMaskParam>();
  if (req[0] == OpReq::kNull || out[0].size() == 0) return;
  if (!p.use_sequence_length) {
    MX_TYPE_SWITCH_ARITH(in[0].dtype, T, "SequenceMask", {
      Kernel<xpu>::template Launch<UnaryMap<mop::identity>>(ctx.run.stream, out[0].size(),
                                                            in[0].ptr<T>(), out[0].ptr<T>(),
                                                            static_cast<int>(req[0]));
    });
    return;
  }
  SequenceGeometry g = MakeSequenceGeometry(in[0].shape, p.axis);
  MX_TYPE_SWITCH_ARITH(in[1].dtype, L, "SequenceMask lengths", {
    MX_TYPE_SWITCH_ARITH(in[0].dtype, T, "SequenceMask", {
      Kernel<xpu>::template Launch<SequenceMaskMap<L>>(ctx.run.stream, out[0].size(),
                                                       in[0].ptr<T>(), in[1].ptr<L>(),
                                                       out[0].ptr<T>(), static_cast<int>(req[0]),
                                                       p.value, g);
    });
  });
}

}  // namespace mx

#endif  // TESSERA_CORE_OPS_NN_SEQUENCE_MASK_INL_H_
