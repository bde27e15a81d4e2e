// SVMOutput (MXNet's svm_output): a loss head whose output is its data and whose gradient is
// the hinge loss's for integer labels, one per row of the data's last axis (label shape: the
// data's without its last axis), the head gradient ignored. For row label k and element x of
// class j, with margin m and coefficient c:
//   use_linear (L1-SVM): dx = -c [m > x] for j = k, c [m > -x] otherwise;
//   default (L2-SVM):    dx = -2c (m - x) [m > x] for j = k, 2c (m + x) [m > -x] otherwise.
// A label outside the classes makes every class of its row "otherwise", as in MXNet.
#ifndef TESSERA_CORE_OPS_NN_SVM_OUTPUT_INL_H_
#define TESSERA_CORE_OPS_NN_SVM_OUTPUT_INL_H_

#include <vector>

#include "core/op/kernel.h"
#include "core/op/op_def.h"
#include "core/ops/elemwise/elemwise-inl.h"

namespace mx {

struct SVMOutputParam {
  double margin, regularization_coefficient;
  bool use_linear;
  void Declare(ParamDeclarer* d) {
    d->Declare("margin", &margin, 1.0).Describe("Outputs outside this margin are penalized.");
    d->Declare("regularization_coefficient", &regularization_coefficient, 1.0)
        .Describe("Scales the gradient.");
    d->Declare("use_linear", &use_linear, false).Describe("L1-SVM instead of L2-SVM.");
  }
};

template <typename L>
struct SVMGradMap {
  template <typename T>
  MX_XINLINE static void Map(int64_t i, const T* y, const L* label, T* dx, int req,
                             int64_t classes, double margin, double coef, bool linear) {
    double v = ConvertValue<double>(y[i]);
    double k = ConvertValue<double>(label[i / classes]);
    bool own = k >= 0 && static_cast<int64_t>(k) == i % classes;
    double g;
    if (linear) {
      g = own ? -coef * (margin > v ? 1.0 : 0.0) : coef * (margin > -v ? 1.0 : 0.0);
    } else {
      g = own ? (margin > v ? -2 * coef * (margin - v) : 0.0)
              : (margin > -v ? 2 * coef * (margin + v) : 0.0);
    }
    mop::Assign(dx + i, req, ConvertValue<T>(g));
  }
};

// Inputs (output, label).
template <typename xpu>
void SVMOutputBackward(const OpAttrs& attrs, const OpContext& ctx, const std::vector<TBlob>& in,
                       const std::vector<OpReq>& req, const std::vector<TBlob>& out) {
  if (req[0] == OpReq::kNull || in[0].size() == 0) return;
  const auto& p = attrs.get<SVMOutputParam>();
  int64_t classes = in[0].shape[in[0].shape.ndim() - 1];
  MX_TYPE_SWITCH_FLOAT(in[0].dtype, T, "SVMOutput backward", {
    MX_TYPE_SWITCH_ARITH(in[1].dtype, L, "SVMOutput label", {
      Kernel<xpu>::template Launch<SVMGradMap<L>>(
          ctx.run.stream, in[0].size(), in[0].ptr<T>(), in[1].ptr<L>(), out[0].ptr<T>(),
          static_cast<int>(req[0]), classes, p.margin, p.regularization_coefficient,
          p.use_linear);
    });
  });
}

}  // namespace mx

#endif  // TESSERA_CORE_OPS_NN_SVM_OUTPUT_INL_H_
