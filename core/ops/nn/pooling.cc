// Pooling (1-D NCW and 2-D NCHW): max, avg and sum; global_pool; pooling_convention valid
// (floor), full (ceil) and same (1-D, pad 0: ceil(x / s)); count_include_pad for avg (default
// true: divide by the whole window, padding included; windows cut by the "full" convention's
// extra edge divide by their part inside the padded input, as MXNet).
// Backward (_backward_Pooling, inputs ograd, data, output): max routes dy to the first maximum
// of each window; avg/sum spread dy over the window (avg divided as in the forward).
#include <algorithm>
#include <cmath>
#include <optional>
#include <string>

#include "core/op/op_def.h"
#include "core/ops/elemwise/math_functors.h"
#include "core/ops/nn/conv_geometry.h"

namespace mx {
namespace {

struct PoolingParam {
  Shape kernel;
  std::string pool_type;
  bool global_pool;
  bool cudnn_off;
  std::string pooling_convention;
  Shape stride, pad;
  std::optional<int> p_value;
  std::optional<bool> count_include_pad;
  std::optional<std::string> layout;
  void Declare(ParamDeclarer* d) {
    d->Declare("kernel", &kernel, Shape()).Describe("Window size (ignored with global_pool).");
    d->Declare("pool_type", &pool_type, std::string("max"))
        .Enum({"max", "avg", "sum"})
        .Describe("max, avg or sum.");
    d->Declare("global_pool", &global_pool, false).Describe("Pool over all spatial positions.");
    d->Declare("cudnn_off", &cudnn_off, false).Describe("Do not use cuDNN.");
    d->Declare("pooling_convention", &pooling_convention, std::string("valid"))
        .Enum({"valid", "full", "same"})
        .Describe("Output size rounding: valid (floor), full (ceil), same.");
    d->Declare("stride", &stride, Shape()).Describe("Stride; default 1 per axis.");
    d->Declare("pad", &pad, Shape()).Describe("Padding; default 0 per axis.");
    d->Declare("p_value", &p_value, std::optional<int>()).Describe("For lp pooling (unused).");
    d->Declare("count_include_pad", &count_include_pad, std::optional<bool>())
        .Describe("avg: count padded positions (default True).");
    d->Declare("layout", &layout, std::optional<std::string>()).Describe("NCW or NCHW.");
  }
};

struct PoolDims {
  int spatial;
  int64_t n, c, h, w, oh, ow;
  Window2D g;
};

int64_t OutSize(const std::string& conv, int64_t x, int64_t k, int64_t s, int64_t p) {
  if (conv == "same") return (x + s - 1) / s;
  int64_t span = x + 2 * p - k;
  if (conv == "full") return (span + s - 1) / s + 1;
  return span / s + 1;
}

PoolDims MakeDims(const PoolingParam& p, const Shape& data) {
  PoolDims d;
  d.spatial = data.ndim() - 2;
  MX_CHECK_AS(ShapeError, d.spatial == 1 || d.spatial == 2)
      << "operator Pooling: data must be NCW or NCHW, found shape " << data << ".";
  d.n = data[0];
  d.c = data[1];
  d.h = d.spatial == 2 ? data[2] : 1;
  d.w = data[data.ndim() - 1];
  if (p.global_pool) {
    d.g.kh = d.h;
    d.g.kw = d.w;
  } else {
    MX_CHECK_AS(ValueError, p.kernel.ndim() == d.spatial)
        << "operator Pooling: kernel " << p.kernel.ToPythonString() << " must have "
        << d.spatial << " values for data of shape " << data << " (or set global_pool).";
    d.g = MakeWindow("Pooling", d.spatial, p.kernel, p.stride, Shape(), p.pad);
  }
  if (p.pooling_convention == "same") {
    MX_CHECK_AS(ValueError, d.spatial == 1 && d.g.pw == 0)
        << "operator Pooling: pooling_convention 'same' needs 1-D data and pad 0.";
  }
  MX_CHECK_AS(ShapeError, d.g.kh <= d.h + 2 * d.g.ph && d.g.kw <= d.w + 2 * d.g.pw)
      << "operator Pooling: kernel " << p.kernel.ToPythonString()
      << " is larger than the padded input of shape " << data << ".";
  d.oh = d.spatial == 2 ? OutSize(p.pooling_convention, d.h, d.g.kh, d.g.sh, d.g.ph) : 1;
  d.ow = OutSize(p.pooling_convention, d.w, d.g.kw, d.g.sw, d.g.pw);
  if (p.global_pool) d.oh = d.ow = 1;
  return d;
}

bool PoolingShape(const OpAttrs& attrs, std::vector<Shape>* in, std::vector<Shape>* out) {
  const Shape& data = (*in)[0];
  if (data.ndim() == 0) return false;
  PoolDims d = MakeDims(attrs.get<PoolingParam>(), data);
  AssignShape(&(*out)[0], d.spatial == 2 ? Shape{d.n, d.c, d.oh, d.ow} : Shape{d.n, d.c, d.ow},
              attrs, "the output");
  return true;
}

// The window of output (y, x): [h0, h1) x [w0, w1) clipped to the data, and the divisor for avg.
struct Win {
  int64_t h0, h1, w0, w1;
  double count;
};

Win WindowAt(const PoolDims& d, const PoolingParam& p, int64_t y, int64_t x) {
  Win r;
  int64_t hs = y * d.g.sh - d.g.ph, ws = x * d.g.sw - d.g.pw;
  int64_t he = std::min(hs + d.g.kh, d.h + d.g.ph), we = std::min(ws + d.g.kw, d.w + d.g.pw);
  double padded = static_cast<double>((he - hs) * (we - ws));
  r.h0 = std::max<int64_t>(hs, 0);
  r.w0 = std::max<int64_t>(ws, 0);
  r.h1 = std::min(he, d.h);
  r.w1 = std::min(we, d.w);
  bool include_pad = p.count_include_pad.value_or(true);
  r.count = include_pad ? padded : static_cast<double>((r.h1 - r.h0) * (r.w1 - r.w0));
  return r;
}

template <typename T>
void PoolForward(const PoolingParam& p, const PoolDims& d, const T* x, T* y, int req) {
  bool is_max = p.pool_type == "max", is_avg = p.pool_type == "avg";
#pragma omp parallel for num_threads(CpuKernelThreads()) if (d.n * d.c * d.oh * d.ow > 4096)
  for (int64_t nc = 0; nc < d.n * d.c; ++nc) {
    const T* xp = x + nc * d.h * d.w;
    for (int64_t oy = 0; oy < d.oh; ++oy)
      for (int64_t ox = 0; ox < d.ow; ++ox) {
        Win win = WindowAt(d, p, oy, ox);
        double acc = is_max ? -INFINITY : 0.0;
        for (int64_t iy = win.h0; iy < win.h1; ++iy)
          for (int64_t ix = win.w0; ix < win.w1; ++ix) {
            double v = ConvertValue<double>(xp[iy * d.w + ix]);
            acc = is_max ? std::max(acc, v) : acc + v;
          }
        if (is_avg) acc /= win.count;
        mop::Assign(y + (nc * d.oh + oy) * d.ow + ox, req, ConvertValue<T>(acc));
      }
  }
}

template <typename T>
void PoolBackward(const PoolingParam& p, const PoolDims& d, const T* dy, const T* x, T* dx,
                  int req) {
  bool is_max = p.pool_type == "max", is_avg = p.pool_type == "avg";
#pragma omp parallel for num_threads(CpuKernelThreads()) if (d.n * d.c * d.oh * d.ow > 4096)
  for (int64_t nc = 0; nc < d.n * d.c; ++nc) {
    const T* xp = x + nc * d.h * d.w;
    T* gp = dx + nc * d.h * d.w;
    if (req != 3)
      for (int64_t i = 0; i < d.h * d.w; ++i) gp[i] = T(0);
    for (int64_t oy = 0; oy < d.oh; ++oy)
      for (int64_t ox = 0; ox < d.ow; ++ox) {
        Win win = WindowAt(d, p, oy, ox);
        double g = ConvertValue<double>(dy[(nc * d.oh + oy) * d.ow + ox]);
        if (is_max) {
          int64_t best = -1;
          double bv = -INFINITY;
          for (int64_t iy = win.h0; iy < win.h1; ++iy)
            for (int64_t ix = win.w0; ix < win.w1; ++ix) {
              double v = ConvertValue<double>(xp[iy * d.w + ix]);
              if (best < 0 || v > bv) {
                bv = v;
                best = iy * d.w + ix;
              }
            }
          if (best >= 0) gp[best] = ConvertValue<T>(ConvertValue<double>(gp[best]) + g);
        } else {
          double share = is_avg ? g / win.count : g;
          for (int64_t iy = win.h0; iy < win.h1; ++iy)
            for (int64_t ix = win.w0; ix < win.w1; ++ix) {
              T& t = gp[iy * d.w + ix];
              t = ConvertValue<T>(ConvertValue<double>(t) + share);
            }
        }
      }
  }
}

void PoolingForward(const OpAttrs& attrs, const OpContext&, const std::vector<TBlob>& in,
                    const std::vector<OpReq>& req, const std::vector<TBlob>& out) {
  const auto& p = attrs.get<PoolingParam>();
  PoolDims d = MakeDims(p, in[0].shape);
  MX_TYPE_SWITCH_FLOAT(in[0].dtype, T, "Pooling", {
    PoolForward(p, d, in[0].ptr<T>(), out[0].ptr<T>(), static_cast<int>(req[0]));
  });
}

void PoolingBackward(const OpAttrs& attrs, const OpContext&, const std::vector<TBlob>& in,
                     const std::vector<OpReq>& req, const std::vector<TBlob>& out) {
  if (req[0] == OpReq::kNull) return;
  const auto& p = attrs.get<PoolingParam>();
  PoolDims d = MakeDims(p, in[1].shape);
  MX_TYPE_SWITCH_FLOAT(in[0].dtype, T, "Pooling backward", {
    PoolBackward(p, d, in[0].ptr<T>(), in[1].ptr<T>(), out[0].ptr<T>(), static_cast<int>(req[0]));
  });
}

MX_REGISTER_OP(Pooling)
    .Describe("Max, average or sum pooling over NCW / NCHW data (see pooling.cc).")
    .Params<PoolingParam>()
    .NumInputs(1)
    .InputNames({"data"})
    .InferShape(PoolingShape)
    .InferType(SameTypeInferType)
    .Compute(DeviceType::kCPU, PoolingForward)
    .Gradient([](const OpAttrs& attrs, GradContext* ctx) {
      return ctx->Op("_backward_Pooling", {ctx->OutGrad(0), ctx->Input(0), ctx->Output(0)},
                     attrs.dict);
    });

MX_REGISTER_OP(_backward_Pooling)
    .Describe("Gradient of Pooling: inputs (ograd, data, output).")
    .Params<PoolingParam>()
    .NumInputs(3)
    .InputNames({"ograd", "data", "output"})
    .InferShape([](const OpAttrs& attrs, std::vector<Shape>* in, std::vector<Shape>* out) {
      if ((*in)[1].ndim() == 0) return false;
      AssignShape(&(*out)[0], (*in)[1], attrs, "data gradient");
      return true;
    })
    .InferType(SameTypeInferType)
    .Compute(DeviceType::kCPU, PoolingBackward);

}  // namespace
}  // namespace mx
