// Deconvolution's parameters and resolved sizes, shared by the CPU (deconvolution.cc) and GPU
// (deconvolution.cu) kernels.
#ifndef TESSERA_CORE_OPS_NN_DECONVOLUTION_INL_H_
#define TESSERA_CORE_OPS_NN_DECONVOLUTION_INL_H_

#include <optional>
#include <string>

#include "core/op/op_def.h"
#include "core/ops/nn/conv_geometry.h"

namespace mx {

struct DeconvolutionParam {
  Shape kernel, stride, dilate, pad, adj, target_shape;
  int num_filter, num_group;
  int64_t workspace;
  bool no_bias;
  std::optional<std::string> cudnn_tune, layout;
  bool cudnn_off;
  void Declare(ParamDeclarer* d) {
    d->Declare("kernel", &kernel).Describe("Kernel size, (w,), (h, w) or (d, h, w).");
    d->Declare("stride", &stride, Shape()).Describe("Stride; default 1 per axis.");
    d->Declare("dilate", &dilate, Shape()).Describe("Dilation; default 1 per axis.");
    d->Declare("pad", &pad, Shape()).Describe("Padding removed from the output; default 0.");
    d->Declare("adj", &adj, Shape()).Describe("Extra output size per axis; default 0.");
    d->Declare("target_shape", &target_shape, Shape())
        .Describe("Output spatial size; sets pad and adj.");
    d->Declare("num_filter", &num_filter).Describe("Number of output channels.");
    d->Declare("num_group", &num_group, 1).Describe("Number of groups.");
    d->Declare("workspace", &workspace, int64_t(512)).Describe("Workspace limit in MB (GPU).");
    d->Declare("no_bias", &no_bias, true).Describe("Whether to omit the bias.");
    d->Declare("cudnn_tune", &cudnn_tune, std::optional<std::string>()).Describe("cuDNN search.");
    d->Declare("cudnn_off", &cudnn_off, false).Describe("Do not use cuDNN.");
    d->Declare("layout", &layout, std::optional<std::string>()).Describe("NCW, NCHW or NCDHW.");
  }
};

struct DeconvDims {
  int spatial;  // 1, 2 or 3
  int64_t n, c, f, groups;
  Spatial in, out;
  Window g;  // the convolution geometry mapping the output `out` back to `in`
};

// Resolves the layer's sizes from its parameters and the data shape; errors name the operator.
DeconvDims MakeDeconvDims(const DeconvolutionParam& p, const Shape& data);

}  // namespace mx

#endif  // TESSERA_CORE_OPS_NN_DECONVOLUTION_INL_H_
