#include "core/op/autograd.h"

#include "core/base/error.h"
#include "core/ndarray/init.h"
#include "core/op/imperative.h"

namespace mx {
namespace {

class ImperativeGradContext : public GradContext {
 public:
  ImperativeGradContext(const std::vector<NDArray>& inputs, const std::vector<NDArray>& outputs,
                        const std::vector<NDArray>& out_grads)
      : inputs_(inputs), outputs_(outputs), out_grads_(out_grads) {}

  GradEntry Input(int i) override { return Add(inputs_.at(i)); }
  GradEntry Output(int i) override { return Add(outputs_.at(i)); }
  GradEntry OutGrad(int i) override {
    if (i < static_cast<int>(out_grads_.size())) return Add(out_grads_[i]);
    const NDArray& o = outputs_.at(i);
    return Add(nd::zeros(o.shape(), o.context(), o.dtype()));
  }
  std::vector<GradEntry> OpWithSubgraphs(const std::string& op,
                                         const std::vector<GradEntry>& inputs,
                                         const ParamMap& params,
                                         const Subgraphs& subgraphs) override {
    std::vector<NDArray> args;
    for (const GradEntry& e : inputs) args.push_back(Get(e));
    InvokeOptions opts;
    opts.is_train = true;
    OpAttrs attrs = OpRegistry::Get()->Find(op).MakeAttrs(params);
    attrs.subgraphs = subgraphs;
    std::vector<GradEntry> out;
    for (const NDArray& a : InvokeAll(attrs, args, opts)) out.push_back(Add(a));
    return out;
  }
  NDArray Get(const GradEntry& e) const {
    MX_INTERNAL_CHECK(e.valid() && e.id < static_cast<int>(values_.size()));
    return values_[e.id];
  }

 private:
  GradEntry Add(const NDArray& a) {
    values_.push_back(a);
    return GradEntry{static_cast<int>(values_.size()) - 1};
  }
  const std::vector<NDArray>& inputs_;
  const std::vector<NDArray>& outputs_;
  const std::vector<NDArray>& out_grads_;
  std::vector<NDArray> values_;
};

}  // namespace

std::vector<NDArray> Backward(const std::string& op_name, const std::vector<NDArray>& inputs,
                              const ParamMap& params, const std::vector<NDArray>& outputs,
                              const std::vector<NDArray>& out_grads) {
  return Backward(OpRegistry::Get()->Find(op_name).MakeAttrs(params), inputs, outputs,
                  out_grads);
}

std::vector<NDArray> Backward(const OpAttrs& attrs, const std::vector<NDArray>& inputs,
                              const std::vector<NDArray>& outputs,
                              const std::vector<NDArray>& out_grads) {
  const OpDef& op = *attrs.op;
  const std::string& op_name = op.name();
  MX_CHECK_AS(NotImplementedError, op.gradient() != nullptr)
      << "operator " << op_name << " has no gradient; it cannot be used where gradients are "
      << "needed (mark its inputs with grad_req null, or use BlockGrad).";
  ImperativeGradContext ctx(inputs, outputs, out_grads);
  std::vector<GradEntry> grads = (*op.gradient())(attrs, &ctx);
  MX_INTERNAL_CHECK(grads.size() == inputs.size())
      << "gradient of " << op_name << " returned " << grads.size() << " entries for "
      << inputs.size() << " inputs";
  std::vector<NDArray> result;
  for (const GradEntry& g : grads) result.push_back(g.valid() ? ctx.Get(g) : NDArray());
  return result;
}

}  // namespace mx
