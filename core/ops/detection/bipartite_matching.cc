// _contrib_bipartite_matching (bipartite_matching-inl.h): shapes, registration, CPU kernel.
#include <vector>

#include "core/base/error.h"
#include "core/ops/detection/bipartite_matching-inl.h"

namespace mx {
namespace {

bool MatchingShape(const OpAttrs& attrs, std::vector<Shape>* in, std::vector<Shape>* out) {
  const Shape& s = (*in)[0];
  if (s.ndim() == 0) return false;
  MX_CHECK_AS(ShapeError, s.ndim() >= 2)
      << "operator _contrib_bipartite_matching (" << attrs.name << "): the score matrix must "
      << "have rank >= 2, (..., rows, columns); found " << s << ".";
  std::vector<int64_t> rows(s.dims().begin(), s.dims().end() - 1);
  std::vector<int64_t> cols(s.dims().begin(), s.dims().end() - 2);
  cols.push_back(s[s.ndim() - 1]);
  AssignShape(&(*out)[0], Shape(rows), attrs, "the row matches");
  AssignShape(&(*out)[1], Shape(cols), attrs, "the column matches");
  return true;
}

MX_REGISTER_OP(_contrib_bipartite_matching)
    .Describe("Greedy bipartite matching on a score matrix: each row's matched column and each "
              "column's matched row, -1 where unmatched.")
    .Params<BipartiteMatchingParam>()
    .NumInputs(1)
    .InputNames({"data"})
    .NumOutputs(2)
    .InferShape(MatchingShape)
    .InferType(SameTypeInferType)
    .Compute(DeviceType::kCPU, BipartiteMatchingCompute<CPU>)
    .Gradient([](const OpAttrs&, GradContext*) {  // MXNet's zero gradients
      return std::vector<GradEntry>(1);
    });

}  // namespace
}  // namespace mx
