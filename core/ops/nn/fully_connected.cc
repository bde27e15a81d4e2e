// FullyConnected: y = x W^T + b, with x flattened to (N, K) (flatten=True) or applied to the
// last axis (flatten=False). W is (num_hidden, K), b is (num_hidden,). CPU through OpenBLAS.
// Backward (_backward_FullyConnected, inputs ograd, data, weight): dx = dy W, dW = dy^T x,
// db = column sums of dy.
#include "core/base/error.h"
#include "core/op/kernel.h"
#include "core/op/op_def.h"
#include "core/ops/linalg/blas.h"

namespace mx {
namespace {

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
void DataRowsCols(const Shape& s, bool flatten, int64_t* m, int64_t* k) {
  if (flatten) {
    *m = s[0];
    *k = s.ProdRange(1, s.ndim());
  } else {
    *m = s.ProdRange(0, s.ndim() - 1);
    *k = s[s.ndim() - 1];
  }
}

bool FullyConnectedShape(const OpAttrs& attrs, std::vector<Shape>* in, std::vector<Shape>* out) {
  const auto& p = attrs.get<FullyConnectedParam>();
  MX_CHECK_AS(ValueError, p.num_hidden > 0)
      << "operator FullyConnected: num_hidden must be > 0, found " << p.num_hidden << ".";
  const Shape& data = (*in)[0];
  if (data.ndim() == 0) return false;
  int64_t m, k;
  DataRowsCols(data, p.flatten, &m, &k);
  AssignShape(&(*in)[1], Shape{p.num_hidden, k}, attrs, "weight");
  if (!p.no_bias) AssignShape(&(*in)[2], Shape{p.num_hidden}, attrs, "bias");
  std::vector<int64_t> od;
  if (p.flatten) {
    od = {data[0], p.num_hidden};
  } else {
    od.assign(data.begin(), data.end() - 1);
    od.push_back(p.num_hidden);
  }
  AssignShape(&(*out)[0], Shape(od), attrs, "the output");
  return true;
}

template <typename T>
void AddBias(T* y, const T* b, int64_t m, int64_t n) {
#pragma omp parallel for num_threads(CpuKernelThreads()) if (m * n > 65536)
  for (int64_t i = 0; i < m; ++i)
    for (int64_t j = 0; j < n; ++j) y[i * n + j] += b[j];
}

void FullyConnectedForward(const OpAttrs& attrs, const OpContext&, const std::vector<TBlob>& in,
                           const std::vector<OpReq>& req, const std::vector<TBlob>& out) {
  if (req[0] == OpReq::kNull) return;
  const auto& p = attrs.get<FullyConnectedParam>();
  int64_t m, k;
  DataRowsCols(in[0].shape, p.flatten, &m, &k);
  int n = p.num_hidden;
  MX_TYPE_SWITCH_BLAS(out[0].dtype, T, "FullyConnected on CPU", {
    T* y = out[0].ptr<T>();
    T beta = T(req[0] == OpReq::kAddTo ? 1 : 0);
    CpuGemm<T>(false, true, m, n, k, T(1), in[0].ptr<T>(), k, in[1].ptr<T>(), k, beta, y, n);
    if (!p.no_bias) AddBias(y, in[2].ptr<T>(), m, n);
  });
}

template <typename T>
void BiasGrad(const T* dy, T* db, int64_t m, int64_t n, bool add) {
  for (int64_t j = 0; j < n; ++j) {
    T acc = 0;
    for (int64_t i = 0; i < m; ++i) acc += dy[i * n + j];
    db[j] = add ? db[j] + acc : acc;
  }
}

void FullyConnectedBackward(const OpAttrs& attrs, const OpContext&, const std::vector<TBlob>& in,
                            const std::vector<OpReq>& req, const std::vector<TBlob>& out) {
  const auto& p = attrs.get<FullyConnectedParam>();
  int64_t m, k;
  DataRowsCols(in[1].shape, p.flatten, &m, &k);
  int n = p.num_hidden;
  MX_TYPE_SWITCH_BLAS(in[0].dtype, T, "FullyConnected backward on CPU", {
    const T* dy = in[0].ptr<T>();
    auto beta = [&](int i) { return T(req[i] == OpReq::kAddTo ? 1 : 0); };
    if (req[0] != OpReq::kNull)
      CpuGemm<T>(false, false, m, k, n, T(1), dy, n, in[2].ptr<T>(), k, beta(0), out[0].ptr<T>(),
                 k);
    if (req[1] != OpReq::kNull)
      CpuGemm<T>(true, false, n, k, m, T(1), dy, n, in[1].ptr<T>(), k, beta(1), out[1].ptr<T>(),
                 k);
    if (!p.no_bias && req[2] != OpReq::kNull)
      BiasGrad(dy, out[2].ptr<T>(), m, n, req[2] == OpReq::kAddTo);
  });
}

MX_REGISTER_OP(FullyConnected)
    .Describe("Fully connected layer: y = x W^T + b (see fully_connected.cc).")
    .Params<FullyConnectedParam>()
    .NumInputs([](const OpAttrs& a) { return a.get<FullyConnectedParam>().no_bias ? 2 : 3; })
    .InputNames([](const OpAttrs& a) {
      return a.get<FullyConnectedParam>().no_bias
                 ? std::vector<std::string>{"data", "weight"}
                 : std::vector<std::string>{"data", "weight", "bias"};
    })
    .InferShape(FullyConnectedShape)
    .InferType(SameTypeInferType)
    .Compute(DeviceType::kCPU, FullyConnectedForward)
    .Gradient([](const OpAttrs& attrs, GradContext* ctx) {
      return ctx->Op("_backward_FullyConnected", {ctx->OutGrad(0), ctx->Input(0), ctx->Input(1)},
                     attrs.dict);
    });

MX_REGISTER_OP(_backward_FullyConnected)
    .Describe("Gradient of FullyConnected: inputs (ograd, data, weight).")
    .Params<FullyConnectedParam>()
    .NumInputs(3)
    .InputNames({"ograd", "data", "weight"})
    .NumOutputs([](const OpAttrs& a) { return a.get<FullyConnectedParam>().no_bias ? 2 : 3; })
    .InferShape([](const OpAttrs& attrs, std::vector<Shape>* in, std::vector<Shape>* out) {
      if ((*in)[1].ndim() == 0 || (*in)[2].ndim() == 0) return false;
      AssignShape(&(*out)[0], (*in)[1], attrs, "data gradient");
      AssignShape(&(*out)[1], (*in)[2], attrs, "weight gradient");
      if (out->size() > 2)
        AssignShape(&(*out)[2], Shape{attrs.get<FullyConnectedParam>().num_hidden}, attrs,
                    "bias gradient");
      return true;
    })
    .InferType(SameTypeInferType)
    .Compute(DeviceType::kCPU, FullyConnectedBackward);

}  // namespace
}  // namespace mx
