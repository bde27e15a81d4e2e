// 2x2 max pooling with stride 2 and no padding on the CPU (LeNet's and most CNNs' pooling):
// loops written for that window, which GCC vectorizes, instead of the general kernels'
// per-output window arithmetic. Same results as the general kernels, bit for bit: the forward
// takes max(-inf, a, b, c, d) in window order with `v > acc`, the backward routes dy to the
// window's first maximum. Used by pooling.cc when Max2x2Applies.
#ifndef TESSERA_CORE_OPS_NN_POOLING_MAX2X2_H_
#define TESSERA_CORE_OPS_NN_POOLING_MAX2X2_H_

#include "core/base/dtype.h"
#include "core/ops/nn/pooling-inl.h"

namespace mx {

// True for 2-D max pooling with kernel 2x2, stride 2x2, no padding, every window inside the
// data, float32 or float64.
bool Max2x2Applies(const PoolDims& d, DType dtype);

// y = max of each window (req as OpReq); x is NCHW, y N x C x oh x ow.
void Max2x2Forward(const PoolDims& d, DType dtype, const void* x, void* y, OpReq req);

// dx = dy at each window's first maximum, 0 elsewhere (kAddTo: added).
void Max2x2Backward(const PoolDims& d, DType dtype, const void* dy, const void* x, void* dx,
                    OpReq req);

}  // namespace mx

#endif  // TESSERA_CORE_OPS_NN_POOLING_MAX2X2_H_
