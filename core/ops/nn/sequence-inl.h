// The sequence operators (MXNet's src/operator/sequence_*) on data (T, N, ...) with axis 0, or
// (N, T, ...) with axis 1; with use_sequence_length, sequence n has sequence_length[n] steps
// (else all T):
//   SequenceMask:    steps t >= length become `value`; gradient: the same mask with 0.
//   SequenceLast:    (N, ...), step length - 1 of each sequence; gradient: back to that step.
//   SequenceReverse: the first `length` steps of each sequence reversed (axis 0 only, as in
//                    MXNet); its own gradient.
#ifndef TESSERA_CORE_OPS_NN_SEQUENCE_INL_H_
#define TESSERA_CORE_OPS_NN_SEQUENCE_INL_H_

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

struct SequenceParam {  // SequenceLast, SequenceReverse
  bool use_sequence_length;
  int axis;
  void Declare(ParamDeclarer* d) {
    d->Declare("use_sequence_length", &use_sequence_length, false)
        .Describe("Take the lengths from the input sequence_length (else every step counts).");
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

// The number of steps of sequence n (all of them without lengths), within [1, steps].
template <typename L>
MX_XINLINE int64_t SequenceLength(const L* len, int64_t n, const SequenceGeometry& g) {
  if (!len) return g.steps;
  int64_t l = static_cast<int64_t>(ConvertValue<double>(len[n]));
  return l < 1 ? 1 : (l > g.steps ? g.steps : l);
}

MX_XINLINE int64_t SequenceOffset(int64_t t, int64_t n, int64_t f, const SequenceGeometry& g) {
  int64_t row = g.axis == 0 ? t * g.batch + n : n * g.steps + t;
  return row * g.inner + f;
}

// Output element i = (n, f) of SequenceLast.
template <typename L>
struct SequenceLastMap {
  template <typename T>
  MX_XINLINE static void Map(int64_t i, const T* x, const L* len, T* y, int req,
                             SequenceGeometry g) {
    int64_t n = i / g.inner, f = i % g.inner;
    mop::Assign(y + i, req, x[SequenceOffset(SequenceLength(len, n, g) - 1, n, f, g)]);
  }
};

// dx element i of SequenceLast's gradient: og where i is its sequence's last step, else 0.
template <typename L>
struct SequenceLastGradMap {
  template <typename T>
  MX_XINLINE static void Map(int64_t i, const T* og, const L* len, T* dx, int req,
                             SequenceGeometry g) {
    int64_t t, n;
    SequencePosition(i, g, &t, &n);
    bool last = t == SequenceLength(len, n, g) - 1;
    mop::Assign(dx + i, req, last ? og[n * g.inner + i % g.inner] : ConvertValue<T>(0.0));
  }
};

template <typename L>
struct SequenceReverseMap {
  template <typename T>
  MX_XINLINE static void Map(int64_t i, const T* x, const L* len, T* y, int req,
                             SequenceGeometry g) {
    int64_t t, n;
    SequencePosition(i, g, &t, &n);
    int64_t l = len ? static_cast<int64_t>(ConvertValue<double>(len[n])) : g.steps;
    l = l > g.steps ? g.steps : l;
    int64_t src = t < l ? l - 1 - t : t;
    mop::Assign(y + i, req, x[SequenceOffset(src, n, i % g.inner, g)]);
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

// SequenceLast, its gradient (inputs ograd, data[, sequence_length]) and SequenceReverse: the
// map F runs over the output with the lengths (or none).
template <typename xpu, template <typename> class F>
void SequenceStepCompute(const OpAttrs& attrs, const OpContext& ctx, const std::vector<TBlob>& in,
                         const std::vector<OpReq>& req, const std::vector<TBlob>& out) {
  if (req[0] == OpReq::kNull || out[0].size() == 0) return;
  bool grad = attrs.op->name() == "_backward_SequenceLast";
  const TBlob& data = in[grad ? 1 : 0];
  const auto& p = attrs.get<SequenceParam>();
  SequenceGeometry g = MakeSequenceGeometry(data.shape, p.axis);
  bool has_len = p.use_sequence_length;
  const TBlob& len = in[has_len ? (grad ? 2 : 1) : 0];
  MX_TYPE_SWITCH_ARITH(has_len ? len.dtype : data.dtype, L, "sequence lengths", {
    MX_TYPE_SWITCH_ARITH(data.dtype, T, attrs.op->name().c_str(), {
      Kernel<xpu>::template Launch<F<L>>(ctx.run.stream, out[0].size(), in[0].ptr<T>(),
                                         has_len ? len.ptr<L>() : nullptr, out[0].ptr<T>(),
                                         static_cast<int>(req[0]), g);
    });
  });
}

}  // namespace mx

#endif  // TESSERA_CORE_OPS_NN_SEQUENCE_INL_H_
