// Embedding: out[..., :] = weight[index, :] for integer-valued indices of any shape; weight is
// (input_dim, output_dim). Indices outside [0, input_dim) are clipped (MXNet's take mode).
// Backward (_backward_Embedding, inputs ograd, data): the weight gradient adds each output row
// into its index's row; the indices get no gradient.
#include <algorithm>

#include "core/op/op_def.h"
#include "core/ops/elemwise/math_functors.h"
#include "core/ops/nn/embedding-inl.h"

namespace mx {
namespace {

bool EmbeddingShape(const OpAttrs& attrs, std::vector<Shape>* in, std::vector<Shape>* out) {
  const auto& p = attrs.get<EmbeddingParam>();
  MX_CHECK_AS(ValueError, p.input_dim > 0 && p.output_dim > 0)
      << "operator Embedding: input_dim and output_dim must be > 0.";
  AssignShape(&(*in)[1], Shape{p.input_dim, p.output_dim}, attrs, "weight");
  if ((*in)[0].ndim() == 0) return false;
  std::vector<int64_t> d = (*in)[0].dims();
  d.push_back(p.output_dim);
  AssignShape(&(*out)[0], Shape(d), attrs, "the output");
  return true;
}

bool EmbeddingType(const OpAttrs& attrs, std::vector<int>* in, std::vector<int>* out) {
  int t = (*in)[1] >= 0 ? (*in)[1] : static_cast<int>(attrs.get<EmbeddingParam>().dtype);
  (*in)[1] = t;
  (*out)[0] = t;
  return true;
}

int64_t Row(double v, int64_t rows) {
  int64_t r = static_cast<int64_t>(v);
  return std::min<int64_t>(std::max<int64_t>(r, 0), rows - 1);
}

void EmbeddingForward(const OpAttrs& attrs, const OpContext&, const std::vector<TBlob>& in,
                      const std::vector<OpReq>& req, const std::vector<TBlob>& out) {
  const auto& p = attrs.get<EmbeddingParam>();
  MX_TYPE_SWITCH_ARITH(in[0].dtype, I, "Embedding indices", {
    MX_TYPE_SWITCH_FLOAT(in[1].dtype, T, "Embedding", {
      const I* idx = in[0].ptr<I>();
      for (int64_t i = 0; i < in[0].size(); ++i) {
        const T* src =
            in[1].ptr<T>() + Row(ConvertValue<double>(idx[i]), p.input_dim) * p.output_dim;
        T* dst = out[0].ptr<T>() + i * p.output_dim;
        for (int j = 0; j < p.output_dim; ++j)
          mop::Assign(dst + j, static_cast<int>(req[0]), src[j]);
      }
    });
  });
}

void EmbeddingBackward(const OpAttrs& attrs, const OpContext&, const std::vector<TBlob>& in,
                       const std::vector<OpReq>& req, const std::vector<TBlob>& out) {
  const auto& p = attrs.get<EmbeddingParam>();
  if (req[1] == OpReq::kNull) return;
  MX_TYPE_SWITCH_ARITH(in[1].dtype, I, "Embedding indices", {
    MX_TYPE_SWITCH_FLOAT(in[0].dtype, T, "Embedding backward", {
      T* dw = out[1].ptr<T>();
      if (req[1] != OpReq::kAddTo)
        for (int64_t i = 0; i < out[1].size(); ++i) dw[i] = T(0.0f);
      const I* idx = in[1].ptr<I>();
      for (int64_t i = 0; i < in[1].size(); ++i) {
        T* row = dw + Row(ConvertValue<double>(idx[i]), p.input_dim) * p.output_dim;
        const T* g = in[0].ptr<T>() + i * p.output_dim;
        for (int j = 0; j < p.output_dim; ++j)
          row[j] = ConvertValue<T>(ConvertValue<double>(row[j]) + ConvertValue<double>(g[j]));
      }
    });
  });
}

MX_REGISTER_OP(Embedding)
    .Describe("Looks up rows of weight (input_dim, output_dim) by index.")
    .Params<EmbeddingParam>()
    .NumInputs(2)
    .InputNames({"data", "weight"})
    .InferShape(EmbeddingShape)
    .InferType(EmbeddingType)
    .Compute(DeviceType::kCPU, EmbeddingForward)
    .Gradient([](const OpAttrs& attrs, GradContext* ctx) {
      std::vector<GradEntry> g =
          ctx->Op("_backward_Embedding", {ctx->OutGrad(0), ctx->Input(0)}, attrs.dict);
      return std::vector<GradEntry>{GradEntry(), g[1]};
    });

MX_REGISTER_OP(_backward_Embedding)
    .Describe("Gradient of Embedding: inputs (ograd, data); outputs (none, weight gradient).")
    .Params<EmbeddingParam>()
    .NumInputs(2)
    .InputNames({"ograd", "data"})
    .NumOutputs(2)
    .InferShape([](const OpAttrs& attrs, std::vector<Shape>* in, std::vector<Shape>* out) {
      const auto& p = attrs.get<EmbeddingParam>();
      if ((*in)[1].ndim() == 0) return false;
      AssignShape(&(*out)[0], (*in)[1], attrs, "data gradient");
      AssignShape(&(*out)[1], Shape{p.input_dim, p.output_dim}, attrs, "weight gradient");
      return true;
    })
    .InferType([](const OpAttrs&, std::vector<int>* in, std::vector<int>* out) {
      if ((*in)[0] < 0 || (*in)[1] < 0) return false;
      (*out)[0] = (*in)[1];
      (*out)[1] = (*in)[0];
      return true;
    })
    .Compute(DeviceType::kCPU, EmbeddingBackward);

}  // namespace
}  // namespace mx
