// Test helpers shared by operator tests (DESIGN.md §7):
//   CheckGradient: an operator's gradient (its registered FGradient, run imperatively) against
//     central differences of L = sum_i <w_i, y_i> in float64, for random head gradients w_i.
//   ExpectNDArrayNear: element-wise comparison that reports shapes and the worst element.
#ifndef TESSERA_TESTS_TESTING_GRADIENT_CHECK_H_
#define TESSERA_TESTS_TESTING_GRADIENT_CHECK_H_

#include <string>
#include <vector>

#include "core/ndarray/ndarray.h"
#include "core/op/params.h"

namespace mx {
namespace testing {

struct GradCheckOptions {
  double eps = 1e-6;
  double rtol = 1e-4;
  double atol = 1e-6;
  // Inputs to check (default: every input with a gradient).
  std::vector<int> inputs;
};

// Runs `op` in training mode on float64 `inputs` and checks the gradient of every checked input
// with GoogleTest expectations (messages name the op, input and element).
void CheckGradient(const std::string& op, const std::vector<NDArray>& inputs, const Params& params,
                   const GradCheckOptions& options = {});

// Runs `op` twice, the second time adding into preset outputs (OpReq kAddTo), and checks that
// output 0 became preset + result.
void CheckAddTo(const std::string& op, const std::vector<NDArray>& inputs, const Params& params);

// Uniform float64 values in [lo, hi) on cpu(0).
NDArray Rand(const Shape& shape, double lo = -1, double hi = 1);
// Float64 values with |x| in [0.1, 1) and mixed signs: no ReLU-like kink within a difference.
NDArray AwayFromZero(const Shape& shape);

// The sum of the elementwise products (float64), as in an adjoint test <Ax, y> = <x, A^T y>.
double Dot(const NDArray& a, const NDArray& b);

void ExpectNDArrayNear(const NDArray& actual, const std::vector<double>& expected, double tol,
                       const std::string& what = "");
void ExpectNDArrayNear(const NDArray& actual, const NDArray& expected, double tol,
                       const std::string& what = "");

}  // namespace testing
}  // namespace mx

#endif  // TESSERA_TESTS_TESTING_GRADIENT_CHECK_H_
