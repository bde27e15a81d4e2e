// FullyConnected kernels for both devices (fully_connected.cc registers CPU, .cu GPU):
//   forward  y (M, N) = x (M, K) W^T (K, N) + b
//   backward dx = dy W, dW = dy^T x, db = column sums of dy (deterministic: one thread a column).
// GEMMs go through OpenBLAS on CPU (float32/float64) and cuBLAS on GPU (float32/float64/float16).
#ifndef TESSERA_CORE_OPS_NN_FULLY_CONNECTED_INL_H_
#define TESSERA_CORE_OPS_NN_FULLY_CONNECTED_INL_H_

#include <type_traits>
#include <vector>

#include "core/op/kernel.h"
#include "core/op/op_def.h"
#include "core/ops/elemwise/math_functors.h"
#include "core/ops/linalg/dot-inl.h"

namespace mx {

struct FullyConnectedParam {
  int num_hidden;
  bool no_bias;
  bool flatten;
  void Declare(ParamDeclarer* d) {
    d->Declare("num_hidden", &num_hidden).Describe("Number of output units.");
    d->Declare("no_bias", &no_bias, false).Describe("Whether to omit the bias.");
    d->Declare("flatten", &flatten, true).Describe("Flatten all but the first axis of data.");
  }
};

// Rows (M) and features (K) of data as the layer sees it.
inline void DataRowsCols(const Shape& s, bool flatten, int64_t* m, int64_t* k) {
  if (flatten) {
    *m = s[0];
    *k = s.ProdRange(1, s.ndim());
  } else {
    *m = s.ProdRange(0, s.ndim() - 1);
    *k = s[s.ndim() - 1];
  }
}

struct AddBiasMap {
  template <typename T>
  MX_XINLINE static void Map(int64_t i, T* y, const T* b, int64_t n) {
    y[i] = mop::FromM<T>(mop::ToM(y[i]) + mop::ToM(b[i % n]));
  }
};

struct BiasGradMap {
  template <typename T>
  MX_XINLINE static void Map(int64_t j, const T* dy, T* db, int64_t m, int64_t n, int req) {
    double acc = 0;
    for (int64_t i = 0; i < m; ++i) acc += ConvertValue<double>(dy[i * n + j]);
    mop::Assign(db + j, req, ConvertValue<T>(acc));
  }
};

template <typename xpu>
void FullyConnectedForward(const OpAttrs& attrs, const OpContext& ctx, const std::vector<TBlob>& in,
                           const std::vector<OpReq>& req, const std::vector<TBlob>& out) {
  if (req[0] == OpReq::kNull) return;
  const auto& p = attrs.get<FullyConnectedParam>();
  int64_t m, k;
  DataRowsCols(in[0].shape, p.flatten, &m, &k);
  DeviceGemm<xpu>(ctx, Gemm(m, p.num_hidden, k, false, true, req[0]), in[0], in[1], out[0]);
  if (!p.no_bias) {
    MX_TYPE_SWITCH_FLOAT(out[0].dtype, T, "FullyConnected bias", {
      Kernel<xpu>::template Launch<AddBiasMap>(ctx.run.stream, out[0].size(), out[0].ptr<T>(),
                                               in[2].ptr<T>(), static_cast<int64_t>(p.num_hidden));
    });
  }
}

// Inputs (ograd, data, weight); outputs (ddata, dweight[, dbias]).
template <typename xpu>
void FullyConnectedBackward(const OpAttrs& attrs, const OpContext& ctx,
                            const std::vector<TBlob>& in, const std::vector<OpReq>& req,
                            const std::vector<TBlob>& out) {
  const auto& p = attrs.get<FullyConnectedParam>();
  int64_t m, k, n = p.num_hidden;
  DataRowsCols(in[1].shape, p.flatten, &m, &k);
  if (req[0] != OpReq::kNull)
    DeviceGemm<xpu>(ctx, Gemm(m, k, n, false, false, req[0]), in[0], in[2], out[0]);
  if (req[1] != OpReq::kNull)
    DeviceGemm<xpu>(ctx, Gemm(n, k, m, true, false, req[1]), in[0], in[1], out[1]);
  if (!p.no_bias && req[2] != OpReq::kNull) {
    MX_TYPE_SWITCH_FLOAT(in[0].dtype, T, "FullyConnected bias gradient", {
      Kernel<xpu>::template Launch<BiasGradMap>(ctx.run.stream, n, in[0].ptr<T>(), out[2].ptr<T>(),
                                                m, n, static_cast<int>(req[2]));
    });
  }
}

}  // namespace mx

#endif  // TESSERA_CORE_OPS_NN_FULLY_CONNECTED_INL_H_
