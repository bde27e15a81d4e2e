// _cond (MXNet's contrib cond, control_flow.cc): runs `cond` and then either `then_branch` or
// `else_branch`. Node inputs are one list; cond_input_locs, then_input_locs and
// else_input_locs pick each body's inputs from it. Both branches return num_outputs arrays of
// the same shapes. _backward_cond runs the chosen branch's gradient graph (the condition is
// evaluated again; it passes no gradient).
#include <string>
#include <vector>

#include "core/base/error.h"
#include "core/ops/control_flow/subgraph_exec.h"

namespace mx {
namespace {

struct CondParam {
  int num_args, num_outputs;
  Shape cond_input_locs, then_input_locs, else_input_locs;
  void Declare(ParamDeclarer* d) {
    d->Declare("num_args", &num_args)
        .Describe("Number of input arguments, including cond, then and else as three symbol "
                  "inputs.");
    d->Declare("num_outputs", &num_outputs).Describe("The number of outputs of the subgraph.");
    d->Declare("cond_input_locs", &cond_input_locs)
        .Describe("The locations of cond's inputs in the given inputs.");
    d->Declare("then_input_locs", &then_input_locs)
        .Describe("The locations of then's inputs in the given inputs.");
    d->Declare("else_input_locs", &else_input_locs)
        .Describe("The locations of else's inputs in the given inputs.");
  }
};

// Body b (0 cond, 1 then, 2 else) takes node inputs locs[b].
struct CondLayout {
  size_t n_inputs, n_outputs;
  std::vector<size_t> locs[3];
};

CondLayout CheckCond(const OpAttrs& attrs) {
  const auto& p = attrs.get<CondParam>();
  std::string where = "operator _cond (" + attrs.name + "): ";
  MX_CHECK_AS(ValueError, p.num_args >= 3 && p.num_outputs >= 1)
      << where << "needs num_args >= 3 and num_outputs >= 1; found " << p.num_args << " and "
      << p.num_outputs << ".";
  CondLayout l;
  l.n_inputs = static_cast<size_t>(p.num_args - 3);
  l.n_outputs = static_cast<size_t>(p.num_outputs);
  const Shape* locs[3] = {&p.cond_input_locs, &p.then_input_locs, &p.else_input_locs};
  const char* names[3] = {"cond", "then_branch", "else_branch"};
  for (size_t b = 0; b < 3; ++b) {
    l.locs[b] = Locs(*locs[b]);
    for (size_t x : l.locs[b])
      MX_CHECK_AS(ValueError, x < l.n_inputs)
          << where << names[b] << "'s input locations name input " << x << " of " << l.n_inputs
          << ".";
    const Symbol& body = Body(attrs, b, 3);
    size_t want_out = b == 0 ? 1 : l.n_outputs;
    MX_CHECK_AS(ValueError, BodyInputs(body).size() == l.locs[b].size() &&
                                body.num_outputs() == want_out)
        << where << names[b] << " must take " << l.locs[b].size() << " inputs and return "
        << want_out << " outputs; it takes " << BodyInputs(body).size() << " and returns "
        << body.num_outputs() << ".";
  }
  return l;
}

bool CondShape(const OpAttrs& attrs, std::vector<Shape>* in, std::vector<Shape>* out) {
  CondLayout l = CheckCond(attrs);
  std::vector<Shape> cond_out(1);
  bool complete = InferPicked(Body(attrs, 0, 3), l.locs[0], in, &cond_out, InferBodyShapes);
  CheckConditionShape(cond_out[0], "cond of " + attrs.name + " (_cond)");
  // Each branch sees what the other found: both must give the same shapes.
  for (size_t b : {1, 2, 1}) {
    std::vector<Shape> branch_out = *out;
    complete = InferPicked(Body(attrs, b, 3), l.locs[b], in, &branch_out, InferBodyShapes) && complete;
    for (size_t j = 0; j < l.n_outputs; ++j)
      if (branch_out[j].ndim() > 0)
        AssignShape(&(*out)[j], branch_out[j], attrs, "output " + std::to_string(j));
  }
  return complete;
}

bool CondType(const OpAttrs& attrs, std::vector<int>* in, std::vector<int>* out) {
  CondLayout l = CheckCond(attrs);
  std::vector<int> cond_out(1, -1);
  bool complete = InferPicked(Body(attrs, 0, 3), l.locs[0], in, &cond_out, InferBodyTypes);
  for (size_t b : {1, 2, 1}) complete = InferPicked(Body(attrs, b, 3), l.locs[b], in, out, InferBodyTypes) && complete;
  return complete;
}

std::vector<TBlob> Tail(const std::vector<TBlob>& v, size_t first) {
  return std::vector<TBlob>(v.begin() + first, v.end());
}

// Evaluates the condition on node inputs starting at `first`; returns the branch (1 or 2).
size_t ChooseBranch(const OpAttrs& attrs, const CondLayout& l, const OpContext& octx,
                    const std::vector<TBlob>& in, size_t first) {
  std::vector<TBlob> cin = Pick(Tail(in, first), l.locs[0]);
  std::vector<Shape> s;
  std::vector<int> t;
  BlobFacts(cin, &s, &t);
  const Symbol& body = Body(attrs, 0, 3);
  std::string what = "cond of " + attrs.name + " (_cond)";
  SubgraphExec cond(body.outputs(), BodyInputs(body), s, t, octx.run.ctx, what);
  StreamGuard guard(octx);
  cond.Run(octx, cin);
  return ReadCondition(octx, cond.output(0), what) ? 1 : 2;
}

void CondCompute(const OpAttrs& attrs, const OpContext& octx, const std::vector<TBlob>& in,
                 const std::vector<OpReq>& req, const std::vector<TBlob>& out) {
  CondLayout l = CheckCond(attrs);
  size_t b = ChooseBranch(attrs, l, octx, in, 0);
  const Symbol& body = Body(attrs, b, 3);
  std::vector<TBlob> bin = Pick(in, l.locs[b]);
  std::vector<Shape> s;
  std::vector<int> t;
  BlobFacts(bin, &s, &t);
  SubgraphExec branch(body.outputs(), BodyInputs(body), s, t, octx.run.ctx,
                      "a branch of " + attrs.name + " (_cond)");
  StreamGuard guard(octx);
  branch.Run(octx, bin);
  for (size_t j = 0; j < l.n_outputs; ++j) CopyWithReq(octx, branch.output(j), out[j], req[j]);
}

// Inputs: the output gradients, then the forward inputs; outputs: the inputs' gradients.
void CondBackward(const OpAttrs& attrs, const OpContext& octx, const std::vector<TBlob>& in,
                  const std::vector<OpReq>& req, const std::vector<TBlob>& out) {
  CondLayout l = CheckCond(attrs);
  const size_t first = l.n_outputs;
  size_t b = ChooseBranch(attrs, l, octx, in, first);
  const Symbol& body = Body(attrs, b, 3);
  std::vector<TBlob> gin = Pick(Tail(in, first), l.locs[b]);
  for (size_t j = 0; j < l.n_outputs; ++j) gin.push_back(in[j]);
  std::vector<Shape> s;
  std::vector<int> t;
  BlobFacts(gin, &s, &t);
  std::unique_ptr<SubgraphExec> exec = BodyGradient(
      body, s, t, octx.run.ctx, "the gradient of a branch of " + attrs.name + " (_cond)");
  StreamGuard guard(octx);
  exec->Run(octx, gin);
  // Inputs the branch does not read get zeros; one read twice gets both parts.
  for (size_t i = 0; i < l.n_inputs; ++i) ZeroWithReq(octx, out[i], req[i]);
  for (size_t j = 0; j < l.locs[b].size(); ++j) {
    size_t i = l.locs[b][j];
    CopyWithReq(octx, exec->output(j), out[i], req[i] == OpReq::kNull ? req[i] : OpReq::kAddTo);
  }
}


MX_REGISTER_OP(_cond)
    .Describe("Run an if-then-else using user-defined condition and computation.")
    .Params<CondParam>()
    .NumInputs([](const OpAttrs& a) { return a.get<CondParam>().num_args - 3; })
    .NumOutputs([](const OpAttrs& a) { return a.get<CondParam>().num_outputs; })
    .InputNames([](const OpAttrs& a) { return DataInputNames(a.get<CondParam>().num_args - 3); })
    .InferShape(CondShape)
    .InferType(CondType)
    .RequestRandom()
    .Compute(DeviceType::kCPU, CondCompute)
    .Compute(DeviceType::kGPU, CondCompute)
    .Gradient([](const OpAttrs& a, GradContext* ctx) {
      const auto& p = a.get<CondParam>();
      return ControlFlowGradient("_backward_cond", p.num_outputs, p.num_args - 3, a, ctx);
    });

MX_REGISTER_OP(_backward_cond)
    .Describe("Gradient of _cond: inputs (output gradients..., forward inputs...).")
    .Params<CondParam>()
    .NumInputs([](const OpAttrs& a) {
      const auto& p = a.get<CondParam>();
      return p.num_outputs + p.num_args - 3;
    })
    .NumOutputs([](const OpAttrs& a) { return a.get<CondParam>().num_args - 3; })
    .InferShape([](const OpAttrs& a, std::vector<Shape>* in, std::vector<Shape>* out) {
      return ShapesLikeInputsFrom(a.get<CondParam>().num_outputs, a, in, out);
    })
    .InferType([](const OpAttrs& a, std::vector<int>* in, std::vector<int>* out) {
      return TypesLikeInputsFrom(a.get<CondParam>().num_outputs, in, out);
    })
    .RequestRandom()
    .Compute(DeviceType::kCPU, CondBackward)
    .Compute(DeviceType::kGPU, CondBackward);

}  // namespace
}  // namespace mx
