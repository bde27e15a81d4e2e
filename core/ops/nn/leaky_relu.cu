// GPU kernels of LeakyReLU (semantics and registrations in leaky_relu.cc): element maps for
// the output and the data gradient, a per-channel sum for PReLU's slope gradient.
#include "core/op/kernel_gpu.cuh"
#include "core/ops/nn/channel_reduce.cuh"
#include "core/ops/nn/leaky_relu-inl.h"

namespace mx {
namespace {

// The data viewed as (outer, channels, inner) around axis 1 (one channel below rank 2).
ChannelView PreluView(const Shape& s) {
  if (s.ndim() < 2) return ChannelView{s.Size(), 1, 1};
  return ChannelView{s[0], s[1], s.ProdRange(2, s.ndim())};
}

struct LeakyForwardMap {
  template <typename T>
  MX_XINLINE static void Map(int64_t i, const T* x, const T* gamma, T* y, LeakyKind kind,
                             double slope, ChannelView v, int req) {
    double s = gamma ? ConvertValue<double>(gamma[(i / v.inner) % v.channels]) : slope, out, d;
    LeakyAct(kind, ConvertValue<double>(x[i]), s, &out, &d);
    mop::Assign(y + i, req, ConvertValue<T>(out));
  }
};

struct LeakyBackwardMap {
  template <typename T>
  MX_XINLINE static void Map(int64_t i, const T* g, const T* x, const T* gamma, T* dx,
                             LeakyKind kind, double slope, ChannelView v, int req) {
    double s = gamma ? ConvertValue<double>(gamma[(i / v.inner) % v.channels]) : slope, out, d;
    LeakyAct(kind, ConvertValue<double>(x[i]), s, &out, &d);
    mop::Assign(dx + i, req, ConvertValue<T>(ConvertValue<double>(g[i]) * d));
  }
};

// PReLU's slope gradient term: g x where x <= 0.
template <typename T>
struct NegativePartTerm {
  const T* g;
  const T* x;
  __device__ double operator()(int64_t, int64_t k) const {
    double xv = ConvertValue<double>(x[k]);
    return xv <= 0 ? ConvertValue<double>(g[k]) * xv : 0.0;
  }
};

void LeakyForwardGpu(const OpAttrs& attrs, const OpContext& ctx, const std::vector<TBlob>& in,
                     const std::vector<OpReq>& req, const std::vector<TBlob>& out) {
  const auto& p = attrs.get<LeakyReLUParam>();
  LeakyKind kind = KindOf(p);
  ChannelView v = PreluView(in[0].shape);
  MX_TYPE_SWITCH_FLOAT(in[0].dtype, T, "LeakyReLU", {
    const T* gamma = kind == LeakyKind::kPrelu ? in[1].ptr<T>() : nullptr;
    Kernel<GPU>::Launch<LeakyForwardMap>(ctx.run.stream, in[0].size(), in[0].ptr<T>(), gamma,
                                         out[0].ptr<T>(), kind, p.slope, v,
                                         static_cast<int>(req[0]));
  });
}

// Inputs (ograd, data[, gamma]); outputs (ddata[, dgamma]).
void LeakyBackwardGpu(const OpAttrs& attrs, const OpContext& ctx, const std::vector<TBlob>& in,
                      const std::vector<OpReq>& req, const std::vector<TBlob>& out) {
  const auto& p = attrs.get<LeakyReLUParam>();
  LeakyKind kind = KindOf(p);
  bool prelu = kind == LeakyKind::kPrelu;
  ChannelView v = PreluView(in[1].shape);
  MX_TYPE_SWITCH_FLOAT(in[0].dtype, T, "LeakyReLU backward", {
    const T* gamma = prelu ? in[2].ptr<T>() : nullptr;
    Kernel<GPU>::Launch<LeakyBackwardMap>(ctx.run.stream, in[0].size(), in[0].ptr<T>(),
                                          in[1].ptr<T>(), gamma, out[0].ptr<T>(), kind, p.slope, v,
                                          static_cast<int>(req[0]));
    if (prelu)
      ChannelSum(v, NegativePartTerm<T>{in[0].ptr<T>(), in[1].ptr<T>()}, out[1].ptr<T>(),
                 static_cast<int>(req[1]), ctx.run.stream);
  });
}

MX_REGISTER_OP(LeakyReLU).Compute(DeviceType::kGPU, LeakyForwardGpu);
MX_REGISTER_OP(_backward_LeakyReLU).Compute(DeviceType::kGPU, LeakyBackwardGpu);

}  // namespace
}  // namespace mx
