// BatchNorm's parameters and its (outer, channels, inner) view of the data, shared by the CPU
// (batch_norm.cc) and GPU (batch_norm.cu) kernels; batch_norm.cc documents the semantics.
#ifndef TESSERA_CORE_OPS_NN_BATCH_NORM_INL_H_
#define TESSERA_CORE_OPS_NN_BATCH_NORM_INL_H_

#include <optional>

#include "core/op/op_def.h"

namespace mx {

struct BatchNormParam {
  double eps;
  double momentum;
  bool fix_gamma;
  bool use_global_stats;
  bool output_mean_var;
  int axis;
  bool cudnn_off;
  std::optional<double> min_calib_range, max_calib_range;
  void Declare(ParamDeclarer* d) {
    d->Declare("eps", &eps, 1e-3).Describe("Added to the variance.");
    d->Declare("momentum", &momentum, 0.9).Describe("Moving-average momentum.");
    d->Declare("fix_gamma", &fix_gamma, true).Describe("Treat gamma as 1.");
    d->Declare("use_global_stats", &use_global_stats, false)
        .Describe("Use the moving statistics also in training.");
    d->Declare("output_mean_var", &output_mean_var, false).Describe("Also output mean, invstd.");
    d->Declare("axis", &axis, 1).Describe("The channel axis.");
    d->Declare("cudnn_off", &cudnn_off, false).Describe("Do not use cuDNN.");
    d->Declare("min_calib_range", &min_calib_range, std::optional<double>())
        .Describe("Quantization only (ignored).");
    d->Declare("max_calib_range", &max_calib_range, std::optional<double>())
        .Describe("Quantization only (ignored).");
  }
};

struct BnView {
  int64_t outer, c, inner;
};

inline BnView BnViewOf(const BatchNormParam& p, const Shape& s) {
  int axis = s.CanonicalAxis(p.axis, "BatchNorm");
  return {s.ProdRange(0, axis), s[axis], s.ProdRange(axis + 1, s.ndim())};
}

}  // namespace mx

#endif  // TESSERA_CORE_OPS_NN_BATCH_NORM_INL_H_
