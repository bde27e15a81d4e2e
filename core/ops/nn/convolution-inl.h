// Convolution's parameters and resolved sizes, shared by the CPU (convolution.cc) and GPU
// (convolution.cu) kernels.
#ifndef TESSERA_CORE_OPS_NN_CONVOLUTION_INL_H_
#define TESSERA_CORE_OPS_NN_CONVOLUTION_INL_H_

#include <optional>
#include <string>

#include "core/op/op_def.h"
#include "core/ops/nn/conv_geometry.h"

namespace mx {

struct ConvolutionParam {
  Shape kernel, stride, dilate, pad;
  int num_filter;
  int num_group;
  int64_t workspace;
  bool no_bias;
  std::optional<std::string> cudnn_tune;
  bool cudnn_off;
  std::optional<std::string> layout;
  void Declare(ParamDeclarer* d) {
    d->Declare("kernel", &kernel).Describe("Kernel size, (w,), (h, w) or (d, h, w).");
    d->Declare("stride", &stride, Shape()).Describe("Stride; default 1 per axis.");
    d->Declare("dilate", &dilate, Shape()).Describe("Dilation; default 1 per axis.");
    d->Declare("pad", &pad, Shape()).Describe("Zero padding; default 0 per axis.");
    d->Declare("num_filter", &num_filter).Describe("Number of output channels.");
    d->Declare("num_group", &num_group, 1).Describe("Number of groups.");
    d->Declare("workspace", &workspace, int64_t(1024)).Describe("Workspace limit in MB (GPU).");
    d->Declare("no_bias", &no_bias, false).Describe("Whether to omit the bias.");
    d->Declare("cudnn_tune", &cudnn_tune, std::optional<std::string>())
        .Describe("cuDNN algorithm search: off, limited_workspace or fastest.");
    d->Declare("cudnn_off", &cudnn_off, false).Describe("Do not use cuDNN.");
    d->Declare("layout", &layout, std::optional<std::string>())
        .Describe("NCW, NCHW or NCDHW (the default for the kernel's rank).");
  }
};

struct ConvDims {
  int spatial;  // 1, 2 or 3
  int64_t n, c, f, groups;
  Spatial in, out;
  Window g;
};

// Resolves the layer's sizes from its parameters and the data shape; errors name the operator.
ConvDims MakeConvDims(const ConvolutionParam& p, const Shape& data);

}  // namespace mx

#endif  // TESSERA_CORE_OPS_NN_CONVOLUTION_INL_H_
