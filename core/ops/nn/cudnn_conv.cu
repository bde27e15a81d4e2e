// cuDNN convolution calls with cached descriptors and algorithms (see cudnn_conv.h).
#include <cudnn.h>

#include <array>
#include <map>
#include <memory>
#include <vector>

#include "core/base/cuda_check.h"
#include "core/base/env.h"
#include "core/base/error.h"
#include "core/op/workspace.h"
#include "core/ops/nn/cudnn_conv.h"

namespace mx {
namespace {

#define MX_CUDNN_CALL(call)                                                           \
  do {                                                                                \
    cudnnStatus_t st_ = (call);                                                       \
    if (st_ != CUDNN_STATUS_SUCCESS) {                                                \
      MX_THROW(Error) << "cuDNN call " #call " failed: " << cudnnGetErrorString(st_); \
    }                                                                                 \
  } while (0)

int CurrentDevice() {
  int dev = 0;
  MX_CUDA_CALL(cudaGetDevice(&dev));
  return dev;
}

cudnnHandle_t Handle(void* stream) {
  thread_local std::map<int, cudnnHandle_t> handles;
  cudnnHandle_t& h = handles[CurrentDevice()];
  if (!h) MX_CUDNN_CALL(cudnnCreate(&h));
  MX_CUDNN_CALL(cudnnSetStream(h, static_cast<cudaStream_t>(stream)));
  return h;
}

cudnnDataType_t DataType(DType t) {
  if (t == kFloat64) return CUDNN_DATA_DOUBLE;
  if (t == kFloat16) return CUDNN_DATA_HALF;
  MX_CHECK_AS(NotImplementedError, t == kFloat32)
      << "convolution on GPU supports float32, float64 and float16, found " << t
      << "; convert with AsType().";
  return CUDNN_DATA_FLOAT;
}

// Math types by preference: float16 takes anything (tensor cores); float64 FMA or default;
// float32 FMA first, default math only if cuDNN offers nothing else, never tensor-op math
// (TF32).
int MathRank(DType t, cudnnMathType_t m) {
  if (t == kFloat16 || m == CUDNN_FMA_MATH) return 0;
  if (m == CUDNN_DEFAULT_MATH) return t == kFloat64 ? 0 : 1;
  return 2;
}

struct Choice {
  bool ready = false;
  int algo = 0;
  cudnnMathType_t math = CUDNN_FMA_MATH;
  size_t bytes = 0;
};

// Picks from cuDNN's ranked list the first algorithm that fits the limit, preferred math first
// (deterministic ones only under MXNET_ENFORCE_DETERMINISM=1).
template <typename Perf>
Choice Pick(const std::vector<Perf>& perf, int got, DType t, size_t limit, const char* what) {
  static const bool deterministic = EnvBool("MXNET_ENFORCE_DETERMINISM");
  for (int rank = 0; rank < 2; ++rank) {
    for (int i = 0; i < got; ++i) {
      const Perf& p = perf[i];
      if (p.status != CUDNN_STATUS_SUCCESS || p.memory > limit) continue;
      if (MathRank(t, p.mathType) != rank) continue;
      if (deterministic && p.determinism != CUDNN_DETERMINISTIC) continue;
      Choice c;
      c.ready = true;
      c.algo = static_cast<int>(p.algo);
      c.math = p.mathType;
      c.bytes = p.memory;
      return c;
    }
  }
  MX_CHECK_AS(Error, false) << "cuDNN offered no " << what << " algorithm for this convolution ("
                            << DTypeName(t) << ") within the workspace limit of " << (limit >> 20)
                            << " MB" << (deterministic ? " that is deterministic" : "")
                            << "; raise the layer's `workspace` parameter"
                            << (deterministic ? " or unset MXNET_ENFORCE_DETERMINISM." : ".");
  return Choice();
}

// Descriptors of one geometry and the algorithm chosen for each direction.
struct Plan {
  cudnnTensorDescriptor_t x = nullptr, y = nullptr;
  cudnnFilterDescriptor_t w = nullptr;
  cudnnConvolutionDescriptor_t conv = nullptr;
  DType dtype;
  size_t limit;
  Choice fwd, bwd_data, bwd_filter;

  explicit Plan(const CudnnConvGeom& g) : dtype(g.dtype), limit(size_t(g.workspace_mb) << 20) {
    cudnnDataType_t t = DataType(g.dtype);
    cudnnDataType_t compute = g.dtype == kFloat64 ? CUDNN_DATA_DOUBLE : CUDNN_DATA_FLOAT;
    auto i = [](int64_t v) { return static_cast<int>(v); };
    MX_CUDNN_CALL(cudnnCreateTensorDescriptor(&x));
    MX_CUDNN_CALL(cudnnCreateTensorDescriptor(&y));
    MX_CUDNN_CALL(cudnnCreateFilterDescriptor(&w));
    MX_CUDNN_CALL(cudnnCreateConvolutionDescriptor(&conv));
    if (g.three_d) {
      SetNd(g, t, compute);
    } else {
      MX_CUDNN_CALL(cudnnSetTensor4dDescriptor(x, CUDNN_TENSOR_NCHW, t, i(g.n), i(g.c), i(g.in.h),
                                               i(g.in.w)));
      MX_CUDNN_CALL(cudnnSetTensor4dDescriptor(y, CUDNN_TENSOR_NCHW, t, i(g.n), i(g.f), i(g.out.h),
                                               i(g.out.w)));
      MX_CUDNN_CALL(cudnnSetFilter4dDescriptor(w, t, CUDNN_TENSOR_NCHW, i(g.f), i(g.c / g.groups),
                                               i(g.g.kh), i(g.g.kw)));
      MX_CUDNN_CALL(cudnnSetConvolution2dDescriptor(conv, i(g.g.ph), i(g.g.pw), i(g.g.sh),
                                                    i(g.g.sw), i(g.g.dh), i(g.g.dw),
                                                    CUDNN_CROSS_CORRELATION, compute));
    }
    MX_CUDNN_CALL(cudnnSetConvolutionGroupCount(conv, i(g.groups)));
  }
  // NCDHW tensors (packed strides), an OIDHW filter and a 3-D convolution.
  void SetNd(const CudnnConvGeom& g, cudnnDataType_t t, cudnnDataType_t compute) {
    auto packed = [](const std::array<int, 5>& dims) {
      std::array<int, 5> strides;
      strides[4] = 1;
      for (int a = 3; a >= 0; --a) strides[a] = strides[a + 1] * dims[a + 1];
      return strides;
    };
    auto i = [](int64_t v) { return static_cast<int>(v); };
    std::array<int, 5> xd = {i(g.n), i(g.c), i(g.in.d), i(g.in.h), i(g.in.w)};
    std::array<int, 5> yd = {i(g.n), i(g.f), i(g.out.d), i(g.out.h), i(g.out.w)};
    std::array<int, 5> wd = {i(g.f), i(g.c / g.groups), i(g.g.kd), i(g.g.kh), i(g.g.kw)};
    std::array<int, 3> pad = {i(g.g.pd), i(g.g.ph), i(g.g.pw)};
    std::array<int, 3> stride = {i(g.g.sd), i(g.g.sh), i(g.g.sw)};
    std::array<int, 3> dilate = {i(g.g.dd), i(g.g.dh), i(g.g.dw)};
    MX_CUDNN_CALL(cudnnSetTensorNdDescriptor(x, t, 5, xd.data(), packed(xd).data()));
    MX_CUDNN_CALL(cudnnSetTensorNdDescriptor(y, t, 5, yd.data(), packed(yd).data()));
    MX_CUDNN_CALL(cudnnSetFilterNdDescriptor(w, t, CUDNN_TENSOR_NCHW, 5, wd.data()));
    MX_CUDNN_CALL(cudnnSetConvolutionNdDescriptor(conv, 3, pad.data(), stride.data(), dilate.data(),
                                                  CUDNN_CROSS_CORRELATION, compute));
  }

  ~Plan() {
    cudnnDestroyTensorDescriptor(x);
    cudnnDestroyTensorDescriptor(y);
    cudnnDestroyFilterDescriptor(w);
    cudnnDestroyConvolutionDescriptor(conv);
  }
  Plan(const Plan&) = delete;
  Plan& operator=(const Plan&) = delete;

  void UseMath(const Choice& c) { MX_CUDNN_CALL(cudnnSetConvolutionMathType(conv, c.math)); }

  // Candidates are ranked with the math type the dtype wants.
  void PrepareQuery() {
    MX_CUDNN_CALL(cudnnSetConvolutionMathType(
        conv, dtype == kFloat16 ? CUDNN_TENSOR_OP_MATH : CUDNN_FMA_MATH));
  }
};

Plan* GetPlan(const CudnnConvGeom& g) {
  using Key = std::array<int64_t, 26>;
  const Window& w = g.g;
  Key k = {CurrentDevice(),
           g.n,
           g.c,
           g.in.d,
           g.in.h,
           g.in.w,
           g.f,
           g.out.d,
           g.out.h,
           g.out.w,
           g.groups,
           w.kd,
           w.kh,
           w.kw,
           w.sd,
           w.sh,
           w.sw,
           w.dd,
           w.dh,
           w.dw,
           w.pd,
           w.ph,
           w.pw,
           static_cast<int64_t>(g.dtype),
           g.workspace_mb,
           g.three_d};
  thread_local std::map<Key, std::unique_ptr<Plan>> plans;
  std::unique_ptr<Plan>& p = plans[k];
  if (!p) p = std::make_unique<Plan>(g);
  return p.get();
}

// alpha = 1, beta = 0 or 1, in the scaling type cuDNN wants for the data type.
struct Scales {
  double ad = 1, bd = 0;
  float af = 1, bf = 0;
  const void* alpha(DType t) const { return t == kFloat64 ? static_cast<const void*>(&ad) : &af; }
  const void* beta(DType t) const { return t == kFloat64 ? static_cast<const void*>(&bd) : &bf; }
  explicit Scales(bool add) : bd(add ? 1 : 0), bf(add ? 1.0f : 0.0f) {}
};

}  // namespace

bool CudnnAutotune(const std::optional<std::string>& cudnn_tune) {
  static const bool by_default = EnvBool("MXNET_CUDNN_AUTOTUNE_DEFAULT");
  return cudnn_tune ? *cudnn_tune != "off" : by_default;
}

void CudnnConvForward(const CudnnConvGeom& g, const void* x, const void* w, void* y, bool add,
                      void* stream) {
  cudnnHandle_t h = Handle(stream);
  Plan* p = GetPlan(g);
  if (!p->fwd.ready) {
    p->PrepareQuery();
    int n = 0, got = 0;
    MX_CUDNN_CALL(cudnnGetConvolutionForwardAlgorithmMaxCount(h, &n));
    std::vector<cudnnConvolutionFwdAlgoPerf_t> perf(n);
    if (g.autotune)
      MX_CUDNN_CALL(
          cudnnFindConvolutionForwardAlgorithm(h, p->x, p->w, p->conv, p->y, n, &got, perf.data()));
    else
      MX_CUDNN_CALL(cudnnGetConvolutionForwardAlgorithm_v7(h, p->x, p->w, p->conv, p->y, n, &got,
                                                           perf.data()));
    p->fwd = Pick(perf, got, g.dtype, p->limit, "forward");
  }
  p->UseMath(p->fwd);
  Scales s(add);
  MX_CUDNN_CALL(cudnnConvolutionForward(h, s.alpha(g.dtype), p->x, x, p->w, w, p->conv,
                                        static_cast<cudnnConvolutionFwdAlgo_t>(p->fwd.algo),
                                        Workspace<GPU>(p->fwd.bytes, WorkspaceSlot::kCudnn),
                                        p->fwd.bytes, s.beta(g.dtype), p->y, y));
}

void CudnnConvBackwardData(const CudnnConvGeom& g, const void* w, const void* dy, void* dx,
                           bool add, void* stream) {
  cudnnHandle_t h = Handle(stream);
  Plan* p = GetPlan(g);
  if (!p->bwd_data.ready) {
    p->PrepareQuery();
    int n = 0, got = 0;
    MX_CUDNN_CALL(cudnnGetConvolutionBackwardDataAlgorithmMaxCount(h, &n));
    std::vector<cudnnConvolutionBwdDataAlgoPerf_t> perf(n);
    if (g.autotune)
      MX_CUDNN_CALL(cudnnFindConvolutionBackwardDataAlgorithm(h, p->w, p->y, p->conv, p->x, n, &got,
                                                              perf.data()));
    else
      MX_CUDNN_CALL(cudnnGetConvolutionBackwardDataAlgorithm_v7(h, p->w, p->y, p->conv, p->x, n,
                                                                &got, perf.data()));
    p->bwd_data = Pick(perf, got, g.dtype, p->limit, "backward-data");
  }
  p->UseMath(p->bwd_data);
  Scales s(add);
  MX_CUDNN_CALL(
      cudnnConvolutionBackwardData(h, s.alpha(g.dtype), p->w, w, p->y, dy, p->conv,
                                   static_cast<cudnnConvolutionBwdDataAlgo_t>(p->bwd_data.algo),
                                   Workspace<GPU>(p->bwd_data.bytes, WorkspaceSlot::kCudnn),
                                   p->bwd_data.bytes, s.beta(g.dtype), p->x, dx));
}

void CudnnConvBackwardFilter(const CudnnConvGeom& g, const void* x, const void* dy, void* dw,
                             bool add, void* stream) {
  cudnnHandle_t h = Handle(stream);
  Plan* p = GetPlan(g);
  if (!p->bwd_filter.ready) {
    p->PrepareQuery();
    int n = 0, got = 0;
    MX_CUDNN_CALL(cudnnGetConvolutionBackwardFilterAlgorithmMaxCount(h, &n));
    std::vector<cudnnConvolutionBwdFilterAlgoPerf_t> perf(n);
    if (g.autotune)
      MX_CUDNN_CALL(cudnnFindConvolutionBackwardFilterAlgorithm(h, p->x, p->y, p->conv, p->w, n,
                                                                &got, perf.data()));
    else
      MX_CUDNN_CALL(cudnnGetConvolutionBackwardFilterAlgorithm_v7(h, p->x, p->y, p->conv, p->w, n,
                                                                  &got, perf.data()));
    p->bwd_filter = Pick(perf, got, g.dtype, p->limit, "backward-filter");
  }
  p->UseMath(p->bwd_filter);
  Scales s(add);
  MX_CUDNN_CALL(cudnnConvolutionBackwardFilter(
      h, s.alpha(g.dtype), p->x, x, p->y, dy, p->conv,
      static_cast<cudnnConvolutionBwdFilterAlgo_t>(p->bwd_filter.algo),
      Workspace<GPU>(p->bwd_filter.bytes, WorkspaceSlot::kCudnn), p->bwd_filter.bytes,
      s.beta(g.dtype), p->w, dw));
}

}  // namespace mx
