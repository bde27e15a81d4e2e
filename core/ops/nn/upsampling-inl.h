// UpSampling (MXNet's src/operator/nn/upsampling). sample_type "nearest": input 0 (N, C, H, W)
// becomes (N, C, H*scale, W*scale); further inputs are repeated up to that size too (each
// axis by its own whole factor), and the outputs are concatenated on channels
// (multi_input_mode "concat") or summed ("sum"); the gradient of each input sums its output
// gradient over each repeated block. sample_type "bilinear" (inputs data and weight (C, 1, k,
// k), num_filter = C) is, as in MXNet, a depthwise Deconvolution with kernel 2 * scale -
// scale % 2, stride scale and pad ceil((scale - 1) / 2): it runs the device's Deconvolution
// kernels, and trains the weight (give it mx.init.Bilinear, or lr_mult 0, to keep it).
#ifndef TESSERA_CORE_OPS_NN_UPSAMPLING_INL_H_
#define TESSERA_CORE_OPS_NN_UPSAMPLING_INL_H_

#include <string>
#include <vector>

#include "core/op/kernel.h"
#include "core/op/op_def.h"
#include "core/ops/elemwise/math_functors.h"

namespace mx {

struct UpSamplingParam {
  int scale;
  int num_filter;
  std::string sample_type;
  std::string multi_input_mode;
  int num_args;
  int64_t workspace;
  void Declare(ParamDeclarer* d) {
    d->Declare("scale", &scale).Describe("Up sampling scale.");
    d->Declare("num_filter", &num_filter, 0).Describe("Input filter (bilinear only).");
    d->Declare("sample_type", &sample_type).Enum({"nearest", "bilinear"})
        .Describe("Up sampling method.");
    d->Declare("multi_input_mode", &multi_input_mode, std::string("concat"))
        .Enum({"concat", "sum"})
        .Describe("How to combine several inputs: concatenate channels or sum.");
    d->Declare("num_args", &num_args).Describe("Number of inputs to be up sampled.");
    d->Declare("workspace", &workspace, int64_t{512}).Describe("Unused (MXNet's workspace).");
  }
};

// (n, c, y, x) of row-major index i of an (N, C, H, W) array.
struct Pixel {
  int64_t n, c, y, x;
};
MX_XINLINE Pixel UnravelPixel(int64_t i, int64_t C, int64_t H, int64_t W) {
  Pixel p;
  p.x = i % W;
  i /= W;
  p.y = i % H;
  i /= H;
  p.c = i % C;
  p.n = i / C;
  return p;
}

// Output element i of input k's part: (n, c + off, y, x) from input (n, c, y / sy, x / sx).
struct UpNearestForward {
  template <typename T>
  MX_XINLINE static void Map(int64_t i, const T* in, T* out, int req, int64_t c_in, int64_t h,
                             int64_t w, int64_t c_out, int64_t off, int64_t oh, int64_t ow,
                             int64_t sy, int64_t sx) {
    Pixel p = UnravelPixel(i, c_in, oh, ow);
    T v = in[((p.n * c_in + p.c) * h + p.y / sy) * w + p.x / sx];
    mop::Assign(out + ((p.n * c_out + off + p.c) * oh + p.y) * ow + p.x, req, v);
  }
};

// Input gradient element i: the sum of the sy x sx output gradients it was repeated into.
struct UpNearestBackward {
  template <typename T>
  MX_XINLINE static void Map(int64_t i, const T* og, T* ig, int req, int64_t c_in, int64_t h,
                             int64_t w, int64_t c_out, int64_t off, int64_t oh, int64_t ow,
                             int64_t sy, int64_t sx) {
    Pixel p = UnravelPixel(i, c_in, h, w);
    mop::M<T> sum = 0;
    const T* base = og + ((p.n * c_out + off + p.c) * oh + p.y * sy) * ow + p.x * sx;
    for (int64_t dy = 0; dy < sy; ++dy)
      for (int64_t dx = 0; dx < sx; ++dx) sum += mop::ToM(base[dy * ow + dx]);
    mop::Assign(ig + i, req, mop::FromM<T>(sum));
  }
};

// Channel offset of input k in the output (0 for every input in "sum" mode).
inline int64_t UpChannelOffset(const UpSamplingParam& p, const std::vector<TBlob>& in, size_t k,
                               size_t first) {
  if (p.multi_input_mode == "sum") return 0;
  int64_t off = 0;
  for (size_t j = first; j < first + k; ++j) off += in[j].shape[1];
  return off;
}

// The Deconvolution parameters of a bilinear UpSampling.
ParamMap BilinearDeconvParams(const UpSamplingParam& p);
// Bilinear UpSampling: the Deconvolution kernel of the operator's device on (data, weight).
void BilinearUpSamplingForward(const OpAttrs& attrs, const OpContext& ctx,
                               const std::vector<TBlob>& in, const std::vector<OpReq>& req,
                               const std::vector<TBlob>& out);

template <typename xpu>
void UpSamplingForward(const OpAttrs& attrs, const OpContext& ctx, const std::vector<TBlob>& in,
                       const std::vector<OpReq>& req, const std::vector<TBlob>& out) {
  const auto& p = attrs.get<UpSamplingParam>();
  if (p.sample_type == "bilinear") {
    BilinearUpSamplingForward(attrs, ctx, in, req, out);
    return;
  }
  const Shape& o = out[0].shape;
  MX_TYPE_SWITCH_FLOAT(out[0].dtype, T, "UpSampling", {
    for (size_t k = 0; k < in.size(); ++k) {
      const Shape& s = in[k].shape;
      // In sum mode every input after the first adds to the output.
      int r = p.multi_input_mode == "sum" && k > 0 ? 3 : static_cast<int>(req[0]);
      Kernel<xpu>::template Launch<UpNearestForward>(
          ctx.run.stream, s[0] * s[1] * o[2] * o[3], in[k].ptr<T>(), out[0].ptr<T>(), r, s[1],
          s[2], s[3], o[1], UpChannelOffset(p, in, k, 0), o[2], o[3], o[2] / s[2], o[3] / s[3]);
    }
  });
}

// _backward_UpSampling: inputs (output gradient, forward inputs...), one gradient per input.
template <typename xpu>
void UpSamplingBackward(const OpAttrs& attrs, const OpContext& ctx, const std::vector<TBlob>& in,
                        const std::vector<OpReq>& req, const std::vector<TBlob>& out) {
  const auto& p = attrs.get<UpSamplingParam>();
  const Shape& o = in[0].shape;
  MX_TYPE_SWITCH_FLOAT(in[0].dtype, T, "UpSampling backward", {
    for (size_t k = 0; k < out.size(); ++k) {
      if (req[k] == OpReq::kNull) continue;
      const Shape& s = out[k].shape;
      Kernel<xpu>::template Launch<UpNearestBackward>(
          ctx.run.stream, out[k].size(), in[0].ptr<T>(), out[k].ptr<T>(),
          static_cast<int>(req[k]), s[1], s[2], s[3], o[1], UpChannelOffset(p, in, k, 1), o[2],
          o[3], o[2] / s[2], o[3] / s[3]);
    }
  });
}

}  // namespace mx

#endif  // TESSERA_CORE_OPS_NN_UPSAMPLING_INL_H_
