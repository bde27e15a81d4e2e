// Pooling (1-D NCW, 2-D NCHW and 3-D NCDHW): max, avg and sum; global_pool; pooling_convention
// valid (floor), full (ceil) and same (1-D, pad 0: ceil(x / s)); count_include_pad for avg (default
// true: divide by the whole window, padding included; windows cut by the "full" convention's
// extra edge divide by their part inside the padded input, as MXNet).
// Backward (_backward_Pooling, inputs ograd and data; the output is not kept for it, so the
// memory planner can free it once the next layer is done with it): max routes dy to the first
// maximum of each window (found again in the data); avg/sum spread dy over the window (avg divided
// as in the forward). Kernels for both devices in pooling-inl.h; the CPU's 2x2/2 max pooling in
// pooling_max2x2.cc.
#include "core/ops/nn/pooling-inl.h"
#include "core/ops/nn/pooling_max2x2.h"

namespace mx {
namespace {

int64_t OutSize(const std::string& conv, int64_t x, int64_t k, int64_t s, int64_t p) {
  if (conv == "same") return (x + s - 1) / s;
  int64_t span = x + 2 * p - k;
  if (conv == "full") return (span + s - 1) / s + 1;
  return span / s + 1;
}

}  // namespace

PoolDims MakePoolDims(const PoolingParam& p, const Shape& data) {
  PoolDims d;
  d.spatial = data.ndim() - 2;
  MX_CHECK_AS(ShapeError, d.spatial >= 1 && d.spatial <= 3)
      << "operator Pooling: data must be NCW, NCHW or NCDHW, found shape " << data << ".";
  d.n = data[0];
  d.c = data[1];
  d.in = SpatialOf(data, d.spatial);
  if (p.global_pool) {
    d.g.kd = d.in.d;
    d.g.kh = d.in.h;
    d.g.kw = d.in.w;
  } else {
    MX_CHECK_AS(ValueError, p.kernel.ndim() == d.spatial)
        << "operator Pooling: kernel " << p.kernel.ToPythonString() << " must have " << d.spatial
        << " values for data of shape " << data << " (or set global_pool).";
    d.g = MakeWindow("Pooling", d.spatial, p.kernel, p.stride, Shape(), p.pad);
  }
  if (p.pooling_convention == "same") {
    MX_CHECK_AS(ValueError, d.spatial == 1 && d.g.pw == 0)
        << "operator Pooling: pooling_convention 'same' needs 1-D data and pad 0.";
  }
  const Window& g = d.g;
  MX_CHECK_AS(ShapeError,
              g.kd <= d.in.d + 2 * g.pd && g.kh <= d.in.h + 2 * g.ph && g.kw <= d.in.w + 2 * g.pw)
      << "operator Pooling: kernel " << p.kernel.ToPythonString()
      << " is larger than the padded input of shape " << data << ".";
  const std::string& conv = p.pooling_convention;
  d.out.w = OutSize(conv, d.in.w, g.kw, g.sw, g.pw);
  if (d.spatial >= 2) d.out.h = OutSize(conv, d.in.h, g.kh, g.sh, g.ph);
  if (d.spatial == 3) d.out.d = OutSize(conv, d.in.d, g.kd, g.sd, g.pd);
  if (p.global_pool) d.out = Spatial();
  d.is_max = p.pool_type == "max";
  d.is_avg = p.pool_type == "avg";
  d.include_pad = p.count_include_pad.value_or(true);
  return d;
}

namespace {

bool PoolingShape(const OpAttrs& attrs, std::vector<Shape>* in, std::vector<Shape>* out) {
  const Shape& data = (*in)[0];
  if (data.ndim() == 0) return false;
  PoolDims d = MakePoolDims(attrs.get<PoolingParam>(), data);
  AssignShape(&(*out)[0], SpatialShape(d.n, d.c, d.spatial, d.out), attrs, "the output");
  return true;
}

// CPU backward: scatter within each (n, c) volume, one thread per volume (deterministic).
// Faster on CPU than the GPU's gather, which re-finds each window's maximum for every element.
template <typename T>
void PoolBackwardCpu(const PoolDims& d, const T* dy, const T* x, T* dx, int req) {
  const int64_t in_size = d.in.size(), out_size = d.out.size();
#pragma omp parallel for num_threads(CpuKernelThreads()) if (d.n * d.c * out_size > 4096)
  for (int64_t nc = 0; nc < d.n * d.c; ++nc) {
    const T* xp = x + nc * in_size;
    T* gp = dx + nc * in_size;
    if (req != 3)
      for (int64_t i = 0; i < in_size; ++i) gp[i] = T(0.0f);
    auto add = [gp](int64_t i, double v) {
      gp[i] = ConvertValue<T>(ConvertValue<double>(gp[i]) + v);
    };
    for (int64_t o = 0; o < out_size; ++o) {
      int64_t ox = o % d.out.w, oy = (o / d.out.w) % d.out.h, oz = o / (d.out.w * d.out.h);
      PoolWin win = PoolWindowAt(d, oz, oy, ox);
      double g = ConvertValue<double>(dy[nc * out_size + o]);
      if (d.is_max) {
        int64_t best = PoolWindowArgMax(xp, d, win);
        if (best >= 0) add(best, g);
      } else {
        double share = d.is_avg ? g / win.count : g;
        for (int64_t iz = win.d0; iz < win.d1; ++iz)
          for (int64_t iy = win.h0; iy < win.h1; ++iy)
            for (int64_t ix = win.w0; ix < win.w1; ++ix)
              add((iz * d.in.h + iy) * d.in.w + ix, share);
      }
    }
  }
}

void PoolingForwardCpu(const OpAttrs& attrs, const OpContext& ctx, const std::vector<TBlob>& in,
                       const std::vector<OpReq>& req, const std::vector<TBlob>& out) {
  PoolDims d = MakePoolDims(attrs.get<PoolingParam>(), in[0].shape);
  if (Max2x2Applies(d, in[0].dtype))
    Max2x2Forward(d, in[0].dtype, in[0].dptr, out[0].dptr, req[0]);
  else
    PoolingForward<CPU>(attrs, ctx, in, req, out);
}

void PoolingBackwardCpu(const OpAttrs& attrs, const OpContext&, const std::vector<TBlob>& in,
                        const std::vector<OpReq>& req, const std::vector<TBlob>& out) {
  if (req[0] == OpReq::kNull) return;
  PoolDims d = MakePoolDims(attrs.get<PoolingParam>(), in[1].shape);
  if (Max2x2Applies(d, in[1].dtype))
    return Max2x2Backward(d, in[1].dtype, in[0].dptr, in[1].dptr, out[0].dptr, req[0]);
  MX_TYPE_SWITCH_FLOAT(in[0].dtype, T, "Pooling backward", {
    PoolBackwardCpu(d, in[0].ptr<T>(), in[1].ptr<T>(), out[0].ptr<T>(), static_cast<int>(req[0]));
  });
}

MX_REGISTER_OP(Pooling)
    .Describe("Max, average or sum pooling over NCW / NCHW / NCDHW data (see pooling.cc).")
    .Params<PoolingParam>()
    .NumInputs(1)
    .InputNames({"data"})
    .InferShape(PoolingShape)
    .InferType(SameTypeInferType)
    .BatchInputs(AlwaysBatchInputs({0}))
    .Compute(DeviceType::kCPU, PoolingForwardCpu)
    .Gradient([](const OpAttrs& attrs, GradContext* ctx) {
      return ctx->Op("_backward_Pooling", {ctx->OutGrad(0), ctx->Input(0)}, attrs.dict);
    });

MX_REGISTER_OP(_backward_Pooling)
    .Describe("Gradient of Pooling: inputs (ograd, data).")
    .Params<PoolingParam>()
    .NumInputs(2)
    .InputNames({"ograd", "data"})
    .InferShape(ShapesOfForwardInputs)
    .InferType(SameTypeInferType)
    .Compute(DeviceType::kCPU, PoolingBackwardCpu);

}  // namespace
}  // namespace mx
