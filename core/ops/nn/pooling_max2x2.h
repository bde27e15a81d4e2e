// 2x2 max pooling with stride 2 and no padding (LeNet's and most CNNs' pooling), on the CPU
// and the GPU: loops written for that window (which GCC vectorizes on the CPU), instead of the
// general kernels' per-output window arithmetic. Same results as the general kernels, bit for bit:
// the forward takes max(-inf, a, b, c, d) in window order with `v > acc`, the backward routes dy to
// the window's first maximum. Used by pooling.cc when Max2x2Applies.
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

// The same on the GPU (pooling_max2x2.cu), enqueued on `stream`; pooling.cu uses them when
// Max2x2Applies. Defined only in builds with CUDA.
void Max2x2ForwardGpu(const PoolDims& d, DType dtype, const void* x, void* y, OpReq req,
                      void* stream);
void Max2x2BackwardGpu(const PoolDims& d, DType dtype, const void* dy, const void* x, void* dx,
                       OpReq req, void* stream);

}  // namespace mx

#endif  // TESSERA_CORE_OPS_NN_POOLING_MAX2X2_H_
