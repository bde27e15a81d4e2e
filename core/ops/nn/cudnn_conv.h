// cuDNN convolution for Convolution and Deconvolution on the GPU (included by .cu files only).
// A "conv geometry" maps x (n, c, h, w) to y (n, f, oh, ow) with weight (f, c/groups, kh, kw);
// 1-D layers use h = kh = 1; 3-D layers add the depth (NCDHW, Nd descriptors). Deconvolution runs
// the same three calls with its roles swapped. Per geometry and dtype, descriptors and algorithms
// are chosen once per device and thread and cached: with `autotune`, cuDNN times its algorithms
// (cudnnFind*), otherwise its heuristics rank them; the first that fits the `workspace` limit is
// kept (only deterministic ones under MXNET_ENFORCE_DETERMINISM=1). float32 and float64 use FMA
// math only (no TF32, so results match the CPU to float32 rounding); float16 stores half and
// accumulates in float32 with tensor cores allowed.
#ifndef TESSERA_CORE_OPS_NN_CUDNN_CONV_H_
#define TESSERA_CORE_OPS_NN_CUDNN_CONV_H_

#include <cstdint>
#include <optional>
#include <string>

#include "core/base/dtype.h"
#include "core/ops/nn/conv_geometry.h"

namespace mx {

struct CudnnConvGeom {
  int64_t n, c, f, groups;
  Spatial in, out;  // of x (n, c, in) and y (n, f, out)
  bool three_d;
  Window g;
  DType dtype;
  int64_t workspace_mb;  // the layer's `workspace` parameter
  bool autotune;         // time the algorithms instead of trusting the heuristics
};

// Whether a layer with this cudnn_tune parameter autotunes (unset: MXNET_CUDNN_AUTOTUNE_DEFAULT).
bool CudnnAutotune(const std::optional<std::string>& cudnn_tune);

// y = conv(x, w)            (y += ... when add)
void CudnnConvForward(const CudnnConvGeom& g, const void* x, const void* w, void* y, bool add,
                      void* stream);
// dx = conv^T(dy, w)        (the gradient of the input; Deconvolution's forward pass)
void CudnnConvBackwardData(const CudnnConvGeom& g, const void* w, const void* dy, void* dx,
                           bool add, void* stream);
// dw = sum over images of dy (x) x
void CudnnConvBackwardFilter(const CudnnConvGeom& g, const void* x, const void* dy, void* dw,
                             bool add, void* stream);

}  // namespace mx

#endif  // TESSERA_CORE_OPS_NN_CUDNN_CONV_H_
