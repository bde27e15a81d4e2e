// Convolution through oneDNN (Debian's libdnnl) for float32 on the CPU: the forward pass, the
// data gradient and the weight/bias gradients, in oneDNN's blocked layouts, in plain layouts
// for few input channels, or in NHWC for inputs whose channels are not a multiple of 16
// (conv_dnnl.cc says when and why; TESSERA_DNNL_NHWC=0 turns NHWC off), with reorders to and
// from Tessera's NCHW/OIHW (NCDHW/OIDHW) arrays. Reordered copies live in thread-local scratch.
// Primitives are built once per geometry and cached (thread-safe); execution may run from several
// threads at once. When Tessera is built without oneDNN (--define=dnnl=off) every call
// returns false and the caller falls back to im2col + GEMM.
#ifndef TESSERA_CORE_OPS_NN_CONV_DNNL_H_
#define TESSERA_CORE_OPS_NN_CONV_DNNL_H_

#include <cstdint>

#include "core/ops/nn/conv_geometry.h"

namespace mx {

// 1-D and 2-D layers run as 2-D (h = oh = 1 for 1-D); `three_d` layers add the depths d -> od
// (NCDHW arrays, OIDHW weights).
struct DnnlConvShape {
  int64_t n, c, h, w, f, oh, ow, groups;
  Window g;
  bool three_d = false;
  int64_t d = 1, od = 1;
};

bool DnnlAvailable();
// Whether the geometry's passes run in NHWC (builds its primitives when they are not cached;
// the rule reads TESSERA_DNNL_NHWC then).
bool DnnlConvUsesNhwc(const DnnlConvShape& s, bool has_bias);
// y = conv(x, w) + b (b may be null); add: y += instead of y =.
bool DnnlConvForward(const DnnlConvShape& s, const float* x, const float* w, const float* b,
                     float* y, bool add);
// Any of dx, dw, db may be null (not wanted); the add flags accumulate instead of overwrite.
bool DnnlConvBackward(const DnnlConvShape& s, const float* dy, const float* x, const float* w,
                      float* dx, bool add_dx, float* dw, bool add_dw, float* db, bool add_db);

}  // namespace mx

#endif  // TESSERA_CORE_OPS_NN_CONV_DNNL_H_
