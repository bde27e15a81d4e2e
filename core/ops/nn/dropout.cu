// GPU kernels of Dropout (semantics and registrations in dropout.cc). The keep/drop draws are
// made on the host from the same generator and in the same order as on the CPU, so one seed
// gives the same mask on both devices; one byte per draw goes to the device, where the mask
// and output are written (shared `axes` map each element to its draw with zero strides).
#include <random>
#include <vector>

#include "core/op/kernel_gpu.cuh"
#include "core/ops/elemwise/math_functors.h"
#include "core/ops/nn/dropout-inl.h"
#include "core/op/workspace.h"

namespace mx {
namespace {

struct DropoutMaskMap {
  template <typename T>
  MX_XINLINE static void Map(int64_t i, const T* x, T* y, T* mask, const uint8_t* keep,
                             double scale, int ndim, Dims shape, Dims draw_stride, int req) {
    double k = keep ? (keep[UnravelOffset(i, ndim, shape, draw_stride)] ? scale : 0.0) : 1.0;
    mask[i] = ConvertValue<T>(k);
    mop::Assign(y + i, req, ConvertValue<T>(ConvertValue<double>(x[i]) * k));
  }
};

struct DropoutGradMap {
  template <typename T>
  MX_XINLINE static void Map(int64_t i, const T* dy, const T* mask, T* dx, int req) {
    mop::Assign(dx + i, req,
                ConvertValue<T>(ConvertValue<double>(dy[i]) * ConvertValue<double>(mask[i])));
  }
};

void DropoutForwardGpu(const OpAttrs& attrs, const OpContext& ctx, const std::vector<TBlob>& in,
                       const std::vector<OpReq>& req, const std::vector<TBlob>& out) {
  const auto& p = attrs.get<DropoutParam>();
  const Shape& s = in[0].shape;
  MX_CHECK_AS(NotImplementedError, s.ndim() <= kMaxDim)
      << "operator Dropout on GPU handles up to " << kMaxDim << " dimensions, found shape " << s
      << "; reshape the data first.";
  bool active = (ctx.is_train || p.mode == "always") && p.p > 0;
  Dims shape{}, stride{};
  const uint8_t* keep = nullptr;
  if (active) {
    std::vector<int64_t> rdims = s.dims();
    for (int64_t a : p.axes.dims()) rdims[s.CanonicalAxis(static_cast<int>(a), "Dropout")] = 1;
    Shape rs(rdims);
    std::vector<int64_t> rstride = rs.Strides();
    for (int d = 0; d < s.ndim(); ++d) {
      shape.v[d] = s[d];
      stride.v[d] = rdims[d] == 1 ? 0 : rstride[d];
    }
    std::vector<uint8_t> draws(rs.Size());
    for (uint8_t& k : draws) k = std::generate_canonical<double, 53>(*ctx.rng) < 1.0 - p.p;
    void* dev = Workspace<GPU>(draws.size(), WorkspaceSlot::kHostDraws);
    // From pageable memory the call returns once `draws` has been staged, so it may go away.
    MX_CUDA_CALL(cudaMemcpyAsync(dev, draws.data(), draws.size(), cudaMemcpyHostToDevice,
                                 static_cast<cudaStream_t>(ctx.run.stream)));
    keep = static_cast<const uint8_t*>(dev);
  }
  MX_TYPE_SWITCH_FLOAT(in[0].dtype, T, "Dropout", {
    Kernel<GPU>::Launch<DropoutMaskMap>(ctx.run.stream, in[0].size(), in[0].ptr<T>(),
                                        out[0].ptr<T>(), out[1].ptr<T>(), keep, 1.0 / (1.0 - p.p),
                                        s.ndim(), shape, stride, static_cast<int>(req[0]));
  });
}

void DropoutBackwardGpu(const OpAttrs&, const OpContext& ctx, const std::vector<TBlob>& in,
                        const std::vector<OpReq>& req, const std::vector<TBlob>& out) {
  MX_TYPE_SWITCH_FLOAT(in[0].dtype, T, "Dropout backward", {
    Kernel<GPU>::Launch<DropoutGradMap>(ctx.run.stream, in[0].size(), in[0].ptr<T>(),
                                        in[1].ptr<T>(), out[0].ptr<T>(), static_cast<int>(req[0]));
  });
}

MX_REGISTER_OP(Dropout).Compute(DeviceType::kGPU, DropoutForwardGpu);
MX_REGISTER_OP(_backward_Dropout).Compute(DeviceType::kGPU, DropoutBackwardGpu);

}  // namespace
}  // namespace mx
