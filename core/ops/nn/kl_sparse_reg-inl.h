// IdentityAttachKLSparseReg (MXNet's identity_attach_KL_sparse_reg): the identity forward (the
// _copy kernel, UnaryCompute<xpu, mop::identity>); its gradient adds a KL-divergence
// sparseness penalty for sigmoid activations (N, D). The backward
// pass first updates the auxiliary state moving_avg (D,) with the batch's mean activation,
// moving_avg = momentum * moving_avg + (1 - momentum) * mean_n data[n, :], then
// dx = dy + penalty * (-target / moving_avg + (1 - target) / (1 - moving_avg)). One thread per
// column: the mean sums rows in order on every device.
#ifndef TESSERA_CORE_OPS_NN_KL_SPARSE_REG_INL_H_
#define TESSERA_CORE_OPS_NN_KL_SPARSE_REG_INL_H_

#include <vector>

#include "core/ndarray/copy_kernels.h"
#include "core/op/kernel.h"
#include "core/op/op_def.h"
#include "core/ops/elemwise/math_functors.h"

namespace mx {

struct KLSparseRegParam {
  double sparseness_target, penalty, momentum;
  void Declare(ParamDeclarer* d) {
    d->Declare("sparseness_target", &sparseness_target, 0.1).Describe("The sparseness target.");
    d->Declare("penalty", &penalty, 0.001)
        .Describe("The tradeoff parameter for the sparseness penalty.");
    d->Declare("momentum", &momentum, 0.9).Describe("The momentum for running average.");
  }
};

// Column j: moving_avg[j] updated, then dx[:, j].
struct KLSparseRegGradMap {
  template <typename T>
  MX_XINLINE static void Map(int64_t j, const T* og, const T* x, T* avg, T* dx, int64_t rows,
                             int64_t cols, double target, double penalty, double momentum,
                             int req) {
    double sum = 0;
    for (int64_t n = 0; n < rows; ++n) sum += ConvertValue<double>(x[n * cols + j]);
    double a = momentum * ConvertValue<double>(avg[j]) + (1 - momentum) * (sum / rows);
    avg[j] = ConvertValue<T>(a);
    a = ConvertValue<double>(avg[j]);  // the stored value, in the data's precision
    double reg = penalty * (-target / a + (1 - target) / (1 - a));
    for (int64_t n = 0; n < rows; ++n)
      mop::Assign(dx + n * cols + j, req,
                  ConvertValue<T>(ConvertValue<double>(og[n * cols + j]) + reg));
  }
};

// Inputs (ograd, data, moving_avg); writes moving_avg; outputs (ddata, dmoving_avg = 0).
template <typename xpu>
void KLSparseRegBackward(const OpAttrs& attrs, const OpContext& ctx, const std::vector<TBlob>& in,
                         const std::vector<OpReq>& req, const std::vector<TBlob>& out) {
  const auto& p = attrs.get<KLSparseRegParam>();
  int64_t rows = in[1].shape[0], cols = in[1].shape[1];
  if (req[1] == OpReq::kWrite || req[1] == OpReq::kInplace) FillBlob(out[1], 0.0, ctx.run.stream);
  MX_TYPE_SWITCH_FLOAT(in[1].dtype, T, "IdentityAttachKLSparseReg backward", {
    Kernel<xpu>::template Launch<KLSparseRegGradMap>(
        ctx.run.stream, cols, in[0].ptr<T>(), in[1].ptr<T>(), in[2].ptr<T>(), out[0].ptr<T>(),
        rows, cols, p.sparseness_target, p.penalty, p.momentum,
        static_cast<int>(req[0]));
  });
}

}  // namespace mx

#endif  // TESSERA_CORE_OPS_NN_KL_SPARSE_REG_INL_H_
