// _while_loop (MXNet's contrib while_loop, control_flow.cc): runs `func` while `cond` is true,
// at most max_iterations times. Node inputs are one list; cond_input_locs and func_input_locs
// pick each body's inputs from it, and func_var_locs says which of func's inputs are the loop
// variables. func's outputs: num_out_data per-step outputs, then the new loop variables. The
// node's outputs: the per-step outputs stacked to max_iterations rows (MXNet leaves the rows
// after the last step undefined; here they are zeros), then the final loop variables. The
// shapes are known before running: max_iterations fixes the first axis. _backward_while_loop
// repeats the forward pass keeping the loop variables of every step, then runs func's gradient
// graph from the last step to the first (the condition passes no gradient).
#include <memory>
#include <string>
#include <vector>

#include "core/base/error.h"
#include "core/ops/control_flow/subgraph_exec.h"

namespace mx {
namespace {

struct WhileLoopParam {
  int num_args, num_outputs, num_out_data, max_iterations;
  Shape cond_input_locs, func_input_locs, func_var_locs;
  void Declare(ParamDeclarer* d) {
    d->Declare("num_args", &num_args)
        .Describe("Number of input arguments, including cond and func as two symbol inputs.");
    d->Declare("num_outputs", &num_outputs).Describe("The number of outputs of the subgraph.");
    d->Declare("num_out_data", &num_out_data)
        .Describe("The number of outputs from the function body.");
    d->Declare("max_iterations", &max_iterations).Describe("Maximum number of iterations.");
    d->Declare("cond_input_locs", &cond_input_locs)
        .Describe("The locations of cond's inputs in the given inputs.");
    d->Declare("func_input_locs", &func_input_locs)
        .Describe("The locations of func's inputs in the given inputs.");
    d->Declare("func_var_locs", &func_var_locs)
        .Describe("The locations of loop_vars among func's inputs.");
  }
};

struct WhileLayout {
  size_t n_inputs, n_out_data, n_outputs;
  std::vector<size_t> cond_locs, func_locs;
  std::vector<size_t> var_input;  // loop variable k: its position among the node's inputs
};

WhileLayout CheckWhile(const OpAttrs& attrs) {
  const auto& p = attrs.get<WhileLoopParam>();
  const Symbol& cond = Body(attrs, 0, 2);
  const Symbol& func = Body(attrs, 1, 2);
  std::string where = "operator _while_loop (" + attrs.name + "): ";
  WhileLayout l;
  MX_CHECK_AS(ValueError, p.num_args >= 2 && p.max_iterations >= 1 && p.num_out_data >= 0 &&
                              p.num_outputs >= p.num_out_data)
      << where << "needs num_args >= 2, max_iterations >= 1 and 0 <= num_out_data <= "
      << "num_outputs; found " << p.num_args << ", " << p.max_iterations << ", "
      << p.num_out_data << ", " << p.num_outputs << ".";
  l.n_inputs = static_cast<size_t>(p.num_args - 2);
  l.n_out_data = static_cast<size_t>(p.num_out_data);
  l.n_outputs = static_cast<size_t>(p.num_outputs);
  l.cond_locs = Locs(p.cond_input_locs);
  l.func_locs = Locs(p.func_input_locs);
  for (size_t x : l.cond_locs)
    MX_CHECK_AS(ValueError, x < l.n_inputs) << where << "cond_input_locs names input " << x
                                            << " of " << l.n_inputs << ".";
  for (size_t x : l.func_locs)
    MX_CHECK_AS(ValueError, x < l.n_inputs) << where << "func_input_locs names input " << x
                                            << " of " << l.n_inputs << ".";
  for (size_t v : Locs(p.func_var_locs)) {
    MX_CHECK_AS(ValueError, v < l.func_locs.size())
        << where << "func_var_locs names func input " << v << " of " << l.func_locs.size() << ".";
    l.var_input.push_back(l.func_locs[v]);
  }
  MX_CHECK_AS(ValueError, l.var_input.size() == l.n_outputs - l.n_out_data)
      << where << "has " << l.var_input.size() << " loop variables but " << l.n_outputs
      << " outputs of which " << l.n_out_data << " are step outputs.";
  MX_CHECK_AS(ValueError, BodyInputs(cond).size() == l.cond_locs.size() && cond.num_outputs() == 1)
      << where << "cond must take the " << l.cond_locs.size() << " inputs cond_input_locs names "
      << "and return one value; it takes " << BodyInputs(cond).size() << " and returns "
      << cond.num_outputs() << ".";
  MX_CHECK_AS(ValueError, BodyInputs(func).size() == l.func_locs.size() &&
                              func.num_outputs() == l.n_outputs)
      << where << "func must take the " << l.func_locs.size() << " inputs func_input_locs names "
      << "and return " << l.n_outputs << " outputs; it takes " << BodyInputs(func).size()
      << " and returns " << func.num_outputs() << ".";
  return l;
}

bool WhileShape(const OpAttrs& attrs, std::vector<Shape>* in, std::vector<Shape>* out) {
  WhileLayout l = CheckWhile(attrs);
  const auto& p = attrs.get<WhileLoopParam>();
  for (size_t k = 0; k < l.var_input.size(); ++k) {  // a loop variable keeps its shape
    Shape& a = (*in)[l.var_input[k]];
    Shape& b = (*out)[l.n_out_data + k];
    if (a.ndim() == 0) a = b;
    if (b.ndim() == 0) b = a;
  }
  std::vector<Shape> cond_out(1);
  bool complete = InferPicked(Body(attrs, 0, 2), l.cond_locs, in, &cond_out, InferBodyShapes);
  CheckConditionShape(cond_out[0], "cond of " + attrs.name + " (_while_loop)");
  std::vector<Shape> func_out(l.n_outputs);
  for (size_t j = 0; j < l.n_outputs; ++j) {
    const Shape& s = (*out)[j];
    func_out[j] = j < l.n_out_data && s.ndim() > 0 ? WithoutFirstAxis(s) : s;
  }
  complete = InferPicked(Body(attrs, 1, 2), l.func_locs, in, &func_out, InferBodyShapes) &&
             complete;
  for (size_t j = 0; j < l.n_outputs; ++j) {
    if (func_out[j].ndim() == 0) continue;
    AssignShape(&(*out)[j],
                j < l.n_out_data ? WithFirstAxis(p.max_iterations, func_out[j], false)
                                 : func_out[j],
                attrs, "output " + std::to_string(j));
  }
  for (size_t k = 0; k < l.var_input.size(); ++k)
    MX_CHECK_AS(ShapeError, (*in)[l.var_input[k]].ndim() == 0 ||
                                (*out)[l.n_out_data + k].ndim() == 0 ||
                                (*in)[l.var_input[k]] == (*out)[l.n_out_data + k])
        << "operator _while_loop (" << attrs.name << "): loop variable " << k << " enters as "
        << (*in)[l.var_input[k]] << " but func returns it as " << (*out)[l.n_out_data + k]
        << "; a loop variable must keep its shape.";
  return complete;
}

bool WhileType(const OpAttrs& attrs, std::vector<int>* in, std::vector<int>* out) {
  WhileLayout l = CheckWhile(attrs);
  std::vector<int> cond_out(1, -1);
  bool complete = InferPicked(Body(attrs, 0, 2), l.cond_locs, in, &cond_out, InferBodyTypes);
  complete = InferPicked(Body(attrs, 1, 2), l.func_locs, in, out, InferBodyTypes) && complete;
  return complete;
}

// cond and func ready to run on node inputs like `in`, with func's input facts (its gradient
// graph takes them too).
struct WhileBodies {
  std::string what;
  std::vector<Shape> func_shapes;
  std::vector<int> func_types;
  std::unique_ptr<SubgraphExec> cond, func;
};

WhileBodies MakeBodies(const OpAttrs& attrs, const WhileLayout& l, const std::vector<TBlob>& in,
                       Context ctx) {
  const Symbol& cond_body = Body(attrs, 0, 2);
  const Symbol& func_body = Body(attrs, 1, 2);
  WhileBodies b;
  b.what = attrs.name + " (_while_loop)";
  std::vector<Shape> cs;
  std::vector<int> ct;
  BlobFacts(Pick(in, l.cond_locs), &cs, &ct);
  BlobFacts(Pick(in, l.func_locs), &b.func_shapes, &b.func_types);
  b.cond = std::make_unique<SubgraphExec>(cond_body.outputs(), BodyInputs(cond_body), cs, ct, ctx,
                                          "cond of " + b.what);
  b.func = std::make_unique<SubgraphExec>(func_body.outputs(), BodyInputs(func_body),
                                          b.func_shapes, b.func_types, ctx, "func of " + b.what);
  return b;
}

void WhileCompute(const OpAttrs& attrs, const OpContext& octx, const std::vector<TBlob>& in,
                  const std::vector<OpReq>& req, const std::vector<TBlob>& out) {
  WhileLayout l = CheckWhile(attrs);
  const auto& p = attrs.get<WhileLoopParam>();
  Context ctx = octx.run.ctx;
  WhileBodies b = MakeBodies(attrs, l, in, ctx);
  SubgraphExec& cond = *b.cond;
  SubgraphExec& func = *b.func;
  const std::string& what = b.what;
  // Loop variables alternate between two buffers, so a step never overwrites what it reads.
  std::vector<NDArray> vars[2];
  for (size_t x : l.var_input)
    for (auto& set : vars) set.emplace_back(in[x].shape, ctx, in[x].dtype);
  StreamGuard guard(octx);
  std::vector<TBlob> current = in;
  int64_t step = 0;
  for (; step < p.max_iterations; ++step) {
    cond.Run(octx, Pick(current, l.cond_locs));
    if (!ReadCondition(octx, cond.output(0), "cond of " + what)) break;
    func.Run(octx, Pick(current, l.func_locs));
    for (size_t j = 0; j < l.n_out_data; ++j)
      CopyWithReq(octx, func.output(j), Row(out[j], step), req[j]);
    for (size_t k = 0; k < l.var_input.size(); ++k) {
      TBlob next = vars[step % 2][k].blob();
      CopyWithReq(octx, func.output(l.n_out_data + k), next, OpReq::kWrite);
      current[l.var_input[k]] = next;
    }
  }
  for (size_t j = 0; j < l.n_out_data; ++j)
    for (int64_t t = step; t < p.max_iterations; ++t) ZeroWithReq(octx, Row(out[j], t), req[j]);
  for (size_t k = 0; k < l.var_input.size(); ++k)
    CopyWithReq(octx, current[l.var_input[k]], out[l.n_out_data + k], req[l.n_out_data + k]);
}

// Inputs: the output gradients, then the forward inputs; outputs: the inputs' gradients.
void WhileBackward(const OpAttrs& attrs, const OpContext& octx, const std::vector<TBlob>& in,
                   const std::vector<OpReq>& req, const std::vector<TBlob>& out) {
  WhileLayout l = CheckWhile(attrs);
  const auto& p = attrs.get<WhileLoopParam>();
  Context ctx = octx.run.ctx;
  std::vector<TBlob> fwd_in(in.begin() + l.n_outputs, in.end());
  WhileBodies b = MakeBodies(attrs, l, fwd_in, ctx);
  SubgraphExec& cond = *b.cond;
  SubgraphExec& func = *b.func;
  const std::string& what = b.what;
  std::vector<Shape>& fs = b.func_shapes;
  std::vector<int>& ft = b.func_types;
  for (size_t j = 0; j < l.n_outputs; ++j) {
    fs.push_back(j < l.n_out_data ? WithoutFirstAxis(in[j].shape) : in[j].shape);
    ft.push_back(static_cast<int>(in[j].dtype));
  }
  std::unique_ptr<SubgraphExec> grad =
      BodyGradient(Body(attrs, 1, 2), fs, ft, ctx, "the gradient of func of " + what);
  // history[k] row t: loop variable k entering step t (row `steps`: its final value).
  std::vector<NDArray> history, dvars[2];
  for (size_t x : l.var_input) {
    history.emplace_back(WithFirstAxis(p.max_iterations + 1, fwd_in[x].shape, false), ctx,
                         fwd_in[x].dtype);
    for (auto& set : dvars) set.emplace_back(fwd_in[x].shape, ctx, fwd_in[x].dtype);
  }
  StreamGuard guard(octx);
  std::vector<TBlob> current = fwd_in;
  for (size_t k = 0; k < l.var_input.size(); ++k) {
    CopyWithReq(octx, fwd_in[l.var_input[k]], Row(history[k].blob(), 0), OpReq::kWrite);
    current[l.var_input[k]] = Row(history[k].blob(), 0);
  }
  int64_t steps = 0;
  for (; steps < p.max_iterations; ++steps) {
    cond.Run(octx, Pick(current, l.cond_locs));
    if (!ReadCondition(octx, cond.output(0), "cond of " + what)) break;
    func.Run(octx, Pick(current, l.func_locs));
    for (size_t k = 0; k < l.var_input.size(); ++k) {
      TBlob next = Row(history[k].blob(), steps + 1);
      CopyWithReq(octx, func.output(l.n_out_data + k), next, OpReq::kWrite);
      current[l.var_input[k]] = next;
    }
  }

  // Every gradient is a sum of parts: zeros first, then each part added.
  for (size_t i = 0; i < l.n_inputs; ++i) ZeroWithReq(octx, out[i], req[i]);
  auto add = [&](const TBlob& part, size_t i) {
    CopyWithReq(octx, part, out[i], req[i] == OpReq::kNull ? req[i] : OpReq::kAddTo);
  };
  std::vector<int> var_of(l.func_locs.size(), -1);  // func input j -> loop variable k
  for (size_t k = 0; k < l.var_input.size(); ++k)
    for (size_t j = 0; j < l.func_locs.size(); ++j)
      if (l.func_locs[j] == l.var_input[k]) var_of[j] = static_cast<int>(k);
  std::vector<TBlob> dvar;
  for (size_t k = 0; k < l.var_input.size(); ++k) dvar.push_back(in[l.n_out_data + k]);
  for (int64_t t = steps - 1; t >= 0; --t) {
    for (size_t k = 0; k < l.var_input.size(); ++k)
      current[l.var_input[k]] = Row(history[k].blob(), t);
    std::vector<TBlob> gin = Pick(current, l.func_locs);
    for (size_t j = 0; j < l.n_out_data; ++j) gin.push_back(Row(in[j], t));
    gin.insert(gin.end(), dvar.begin(), dvar.end());
    grad->Run(octx, gin);
    for (size_t j = 0; j < l.func_locs.size(); ++j) {
      if (var_of[j] < 0) {
        add(grad->output(j), l.func_locs[j]);
      } else {
        TBlob next = dvars[t % 2][var_of[j]].blob();
        CopyWithReq(octx, grad->output(j), next, OpReq::kWrite);
        dvar[var_of[j]] = next;
      }
    }
  }
  for (size_t k = 0; k < l.var_input.size(); ++k) add(dvar[k], l.var_input[k]);
}


MX_REGISTER_OP(_while_loop)
    .Describe("Run a while loop with user-defined condition and computation: func runs while "
              "cond is true, at most max_iterations times.")
    .Params<WhileLoopParam>()
    .NumInputs([](const OpAttrs& a) { return a.get<WhileLoopParam>().num_args - 2; })
    .NumOutputs([](const OpAttrs& a) { return a.get<WhileLoopParam>().num_outputs; })
    .InputNames([](const OpAttrs& a) { return DataInputNames(a.get<WhileLoopParam>().num_args - 2); })
    .InferShape(WhileShape)
    .InferType(WhileType)
    .RequestRandom()
    .Compute(DeviceType::kCPU, WhileCompute)
    .Compute(DeviceType::kGPU, WhileCompute)
    .Gradient([](const OpAttrs& a, GradContext* ctx) {
      const auto& p = a.get<WhileLoopParam>();
      return ControlFlowGradient("_backward_while_loop", p.num_outputs, p.num_args - 2, a, ctx);
    });

MX_REGISTER_OP(_backward_while_loop)
    .Describe("Gradient of _while_loop: inputs (output gradients..., forward inputs...).")
    .Params<WhileLoopParam>()
    .NumInputs([](const OpAttrs& a) {
      const auto& p = a.get<WhileLoopParam>();
      return p.num_outputs + p.num_args - 2;
    })
    .NumOutputs([](const OpAttrs& a) { return a.get<WhileLoopParam>().num_args - 2; })
    .InferShape([](const OpAttrs& a, std::vector<Shape>* in, std::vector<Shape>* out) {
      return ShapesLikeInputsFrom(a.get<WhileLoopParam>().num_outputs, a, in, out);
    })
    .InferType([](const OpAttrs& a, std::vector<int>* in, std::vector<int>* out) {
      return TypesLikeInputsFrom(a.get<WhileLoopParam>().num_outputs, in, out);
    })
    .RequestRandom()
    .Compute(DeviceType::kCPU, WhileBackward)
    .Compute(DeviceType::kGPU, WhileBackward);

}  // namespace
}  // namespace mx
