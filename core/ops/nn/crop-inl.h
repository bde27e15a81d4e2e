// Crop (MXNet's src/operator/crop): cuts (N, C, h, w) out of data (N, C, H, W), h and w from
// the second input's shape (num_args 2, "crop_like") or from h_w; at `offset` (y, x), or
// centered with center_crop. The data gradient is the output gradient placed back at the
// offset, zeros elsewhere; crop_like gets none.
#ifndef TESSERA_CORE_OPS_NN_CROP_INL_H_
#define TESSERA_CORE_OPS_NN_CROP_INL_H_

#include <vector>

#include "core/op/kernel.h"
#include "core/op/op_def.h"
#include "core/ops/elemwise/math_functors.h"

namespace mx {

struct CropParam {
  int num_args;
  Shape offset, h_w;
  bool center_crop;
  void Declare(ParamDeclarer* d) {
    d->Declare("num_args", &num_args).Describe("1: crop to h_w; 2: to the second input's size.");
    d->Declare("offset", &offset, Shape{0, 0}).Describe("Crop offset (y, x).");
    d->Declare("h_w", &h_w, Shape{0, 0}).Describe("Crop height and width (num_args 1).");
    d->Declare("center_crop", &center_crop, false).Describe("Crop at the center.");
  }
};

// (y, x) offset of the crop of an (.., H, W) array to (.., h, w).
inline std::pair<int64_t, int64_t> CropOffset(const CropParam& p, const Shape& data, int64_t h,
                                              int64_t w) {
  if (p.center_crop) return {(data[2] - h) / 2, (data[3] - w) / 2};
  return {p.offset.ndim() > 0 ? p.offset[0] : 0, p.offset.ndim() > 1 ? p.offset[1] : 0};
}

struct CropForwardMap {
  template <typename T>
  MX_XINLINE static void Map(int64_t i, const T* in, T* out, int req, int64_t H, int64_t W,
                             int64_t h, int64_t w, int64_t oy, int64_t ox) {
    int64_t x = i % w, t = i / w;
    int64_t y = t % h, nc = t / h;
    mop::Assign(out + i, req, in[(nc * H + y + oy) * W + x + ox]);
  }
};

struct CropBackwardMap {
  template <typename T>
  MX_XINLINE static void Map(int64_t i, const T* og, T* ig, int req, int64_t H, int64_t W,
                             int64_t h, int64_t w, int64_t oy, int64_t ox) {
    int64_t x = i % W, t = i / W;
    int64_t y = t % H, nc = t / H;
    int64_t cy = y - oy, cx = x - ox;
    T v = (cy >= 0 && cy < h && cx >= 0 && cx < w) ? og[(nc * h + cy) * w + cx]
                                                   : mop::FromM<T>(mop::M<T>(0));
    mop::Assign(ig + i, req, v);
  }
};

template <typename xpu>
void CropForward(const OpAttrs& attrs, const OpContext& ctx, const std::vector<TBlob>& in,
                 const std::vector<OpReq>& req, const std::vector<TBlob>& out) {
  const Shape& d = in[0].shape;
  const Shape& o = out[0].shape;
  auto [oy, ox] = CropOffset(attrs.get<CropParam>(), d, o[2], o[3]);
  MX_TYPE_SWITCH_ARITH(out[0].dtype, T, "Crop", {
    Kernel<xpu>::template Launch<CropForwardMap>(ctx.run.stream, out[0].size(), in[0].ptr<T>(),
                                                 out[0].ptr<T>(), static_cast<int>(req[0]),
                                                 d[2], d[3], o[2], o[3], oy, ox);
  });
}

// _backward_Crop: inputs (output gradient, data), output the data gradient.
template <typename xpu>
void CropBackward(const OpAttrs& attrs, const OpContext& ctx, const std::vector<TBlob>& in,
                  const std::vector<OpReq>& req, const std::vector<TBlob>& out) {
  if (req[0] == OpReq::kNull) return;
  const Shape& o = in[0].shape;
  const Shape& d = out[0].shape;
  auto [oy, ox] = CropOffset(attrs.get<CropParam>(), d, o[2], o[3]);
  MX_TYPE_SWITCH_ARITH(out[0].dtype, T, "Crop backward", {
    Kernel<xpu>::template Launch<CropBackwardMap>(ctx.run.stream, out[0].size(), in[0].ptr<T>(),
                                                  out[0].ptr<T>(), static_cast<int>(req[0]),
                                                  d[2], d[3], o[2], o[3], oy, ox);
  });
}

}  // namespace mx

#endif  // TESSERA_CORE_OPS_NN_CROP_INL_H_
