#include "tests/testing/gradient_check.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>

#include "core/ndarray/init.h"
#include "core/op/autograd.h"
#include "core/op/imperative.h"
#include "core/op/op_def.h"

namespace mx {
namespace testing {
namespace {

double Loss(const std::string& op, const std::vector<NDArray>& inputs, const ParamMap& params,
            const std::vector<std::vector<double>>& heads) {
  InvokeOptions opts;
  opts.is_train = true;
  std::vector<NDArray> out = Invoke(op, inputs, params, opts);
  double l = 0;
  for (size_t i = 0; i < heads.size(); ++i) {
    std::vector<double> y = out[i].ToVector<double>();
    for (size_t k = 0; k < y.size(); ++k) l += heads[i][k] * y[k];
  }
  return l;
}

}  // namespace

void CheckGradient(const std::string& op_name, const std::vector<NDArray>& inputs,
                   const Params& params, const GradCheckOptions& options) {
  ParamMap pm = ToParamMap(params);
  const OpDef& op = OpRegistry::Get()->Find(op_name);
  InvokeOptions opts;
  opts.is_train = true;
  std::vector<NDArray> outputs = InvokeAll(op_name, inputs, pm, opts);
  int visible = op.num_visible_outputs(op.MakeAttrs(pm));
  std::vector<NDArray> heads;
  std::vector<std::vector<double>> head_values;
  for (int i = 0; i < visible; ++i) {
    NDArray w = nd::random::uniform(-1, 1, outputs[i].shape(), cpu(), kFloat64);
    heads.push_back(w);
    head_values.push_back(w.ToVector<double>());
  }
  std::vector<NDArray> grads = Backward(op_name, inputs, pm, outputs, heads);
  std::vector<int> which = options.inputs;
  if (which.empty())
    for (size_t j = 0; j < inputs.size(); ++j)
      if (!grads[j].is_none()) which.push_back(static_cast<int>(j));
  for (int j : which) {
    ASSERT_FALSE(grads[j].is_none()) << op_name << ": input " << j << " has no gradient";
    ASSERT_EQ(grads[j].shape(), inputs[j].shape()) << op_name << " input " << j;
    std::vector<double> analytic = grads[j].ToVector<double>();
    std::vector<double> x = inputs[j].ToVector<double>();
    double worst = 0;
    size_t worst_at = 0;
    double worst_num = 0;
    for (size_t e = 0; e < x.size(); ++e) {
      double orig = x[e];
      x[e] = orig + options.eps;
      inputs[j].SyncCopyFromCPU(x.data(), x.size());
      double lp = Loss(op_name, inputs, pm, head_values);
      x[e] = orig - options.eps;
      inputs[j].SyncCopyFromCPU(x.data(), x.size());
      double lm = Loss(op_name, inputs, pm, head_values);
      x[e] = orig;
      inputs[j].SyncCopyFromCPU(x.data(), x.size());
      double numeric = (lp - lm) / (2 * options.eps);
      double err = std::fabs(numeric - analytic[e]) /
                   (options.atol + options.rtol * std::max(std::fabs(numeric), 1.0));
      if (err > worst) {
        worst = err;
        worst_at = e;
        worst_num = numeric;
      }
    }
    EXPECT_LE(worst, 1.0) << op_name << ": gradient of input " << j << " (shape "
                          << inputs[j].shape() << ") differs at element " << worst_at
                          << ": analytic " << analytic[worst_at] << ", numeric " << worst_num;
  }
}

void CheckAddTo(const std::string& op, const std::vector<NDArray>& inputs, const Params& params) {
  ParamMap pm = ToParamMap(params);
  InvokeOptions fresh;
  fresh.is_train = true;
  std::vector<NDArray> y = InvokeAll(op, inputs, pm, fresh);
  InvokeOptions add = fresh;
  std::vector<double> preset;
  for (const NDArray& o : y) {
    NDArray p = nd::random::uniform(-1, 1, o.shape(), o.context(), o.dtype());
    add.out.push_back(p);
  }
  preset = add.out[0].ToVector<double>();
  add.req = OpReq::kAddTo;
  InvokeAll(op, inputs, pm, add);
  std::vector<double> want = y[0].ToVector<double>();
  for (size_t i = 0; i < want.size(); ++i) want[i] += preset[i];
  ExpectNDArrayNear(add.out[0], want, 1e-9 + 1e-6, op + " with kAddTo");
}

NDArray Rand(const Shape& shape, double lo, double hi) {
  return nd::random::uniform(lo, hi, shape, cpu(), kFloat64);
}

NDArray AwayFromZero(const Shape& shape) {
  std::vector<double> v = Rand(shape, 0.1, 1).ToVector<double>();
  for (size_t i = 0; i < v.size(); ++i)
    if (i % 3 == 1) v[i] = -v[i];
  return nd::array(v, shape, kFloat64);
}

void ExpectNDArrayNear(const NDArray& actual, const std::vector<double>& expected, double tol,
                       const std::string& what) {
  std::vector<double> a = actual.ToVector<double>();
  ASSERT_EQ(a.size(), expected.size()) << what << ": shape " << actual.shape() << " has "
                                       << a.size() << " elements, expected " << expected.size();
  double worst = -1;
  size_t at = 0;
  for (size_t i = 0; i < a.size(); ++i) {
    double d = std::fabs(a[i] - expected[i]);
    if (std::isnan(a[i]) != std::isnan(expected[i])) d = INFINITY;
    if (d > worst) {
      worst = d;
      at = i;
    }
  }
  EXPECT_LE(worst, tol) << what << ": worst element " << at << " of shape " << actual.shape()
                        << " is " << a[at] << ", expected " << expected[at];
}

void ExpectNDArrayNear(const NDArray& actual, const NDArray& expected, double tol,
                       const std::string& what) {
  ASSERT_EQ(actual.shape(), expected.shape()) << what;
  ExpectNDArrayNear(actual, expected.ToVector<double>(), tol, what);
}

double Dot(const NDArray& a, const NDArray& b) {
  std::vector<double> x = a.ToVector<double>(), y = b.ToVector<double>();
  double s = 0;
  for (size_t i = 0; i < x.size(); ++i) s += x[i] * y[i];
  return s;
}

}  // namespace testing
}  // namespace mx
