// _foreach (MXNet's contrib foreach, control_flow.cc): runs its body once per row of its data
// inputs (axis 0), passing states from one step to the next. Node inputs: the data arrays, the
// initial states, then the remaining inputs (parameters); in_data_locs, in_state_locs and
// remain_locs say where each goes among the body's inputs. The body's outputs: num_out_data
// per-step outputs (stacked along a new axis 0) then the new states (the node's last outputs
// are the final states). _backward_foreach runs the body's gradient graph from the last step
// to the first over the states of a forward pass it repeats.
#include <string>
#include <vector>

#include "core/base/error.h"
#include "core/ops/control_flow/subgraph_exec.h"

namespace mx {
namespace {

struct ForeachParam {
  int num_args, num_outputs, num_out_data;
  Shape in_state_locs, in_data_locs, remain_locs;
  void Declare(ParamDeclarer* d) {
    d->Declare("num_args", &num_args).Describe("Number of inputs, the body graph included.");
    d->Declare("num_outputs", &num_outputs).Describe("The number of outputs of the subgraph.");
    d->Declare("num_out_data", &num_out_data)
        .Describe("The number of output data of the subgraph.");
    d->Declare("in_state_locs", &in_state_locs)
        .Describe("The locations of loop states among the inputs.");
    d->Declare("in_data_locs", &in_data_locs)
        .Describe("The locations of input data among the inputs.");
    d->Declare("remain_locs", &remain_locs)
        .Describe("The locations of remaining data among the inputs.");
  }
};

// Node input i goes to body input loc[i]: data first, then states, then the rest.
struct ForeachLayout {
  size_t n_data, n_states, n_inputs, n_out_data, n_outputs;
  std::vector<size_t> loc;
};

ForeachLayout CheckForeach(const OpAttrs& attrs) {
  const auto& p = attrs.get<ForeachParam>();
  const Symbol& body = Body(attrs, 0, 1);
  ForeachLayout l;
  l.n_data = p.in_data_locs.ndim();
  l.n_states = p.in_state_locs.ndim();
  l.n_inputs = static_cast<size_t>(p.num_args - 1);
  l.n_out_data = static_cast<size_t>(p.num_out_data);
  l.n_outputs = static_cast<size_t>(p.num_outputs);
  for (const Shape* locs : {&p.in_data_locs, &p.in_state_locs, &p.remain_locs})
    for (size_t x : Locs(*locs)) l.loc.push_back(x);
  std::string where = "operator _foreach (" + attrs.name + "): ";
  MX_CHECK_AS(ValueError, l.n_data >= 1 && l.loc.size() == l.n_inputs)
      << where << "in_data_locs, in_state_locs and remain_locs must place the " << l.n_inputs
      << " inputs (num_args - 1), at least one of them data; they place " << l.loc.size()
      << " with " << l.n_data << " data.";
  std::vector<bool> seen(l.n_inputs, false);
  for (size_t x : l.loc) {
    MX_CHECK_AS(ValueError, x < l.n_inputs && !seen[x])
        << where << "the *_locs attributes must name each body input 0.." << l.n_inputs - 1
        << " once; " << x << " is out of range or repeated.";
    seen[x] = true;
  }
  MX_CHECK_AS(ValueError, p.num_out_data >= 0 && l.n_outputs == l.n_out_data + l.n_states &&
                              body.num_outputs() == l.n_outputs &&
                              BodyInputs(body).size() == l.n_inputs)
      << where << "the body has " << BodyInputs(body).size() << " inputs and "
      << body.num_outputs() << " outputs; the node expects " << l.n_inputs << " inputs and "
      << l.n_outputs << " outputs (num_out_data " << p.num_out_data << " + " << l.n_states
      << " states).";
  return l;
}

std::string What(const OpAttrs& attrs) {
  return "the body of " + attrs.name + " (" + attrs.op->name() + ")";
}

bool ForeachShape(const OpAttrs& attrs, std::vector<Shape>* in, std::vector<Shape>* out) {
  ForeachLayout l = CheckForeach(attrs);
  std::vector<Shape> sub_in(l.n_inputs), sub_out(l.n_outputs);
  for (size_t i = 0; i < l.n_inputs; ++i) {
    const Shape& s = (*in)[i];
    sub_in[l.loc[i]] = i < l.n_data && s.ndim() > 0 ? WithoutFirstAxis(s) : s;
  }
  for (size_t j = 0; j < l.n_outputs; ++j) {
    const Shape& s = (*out)[j];
    sub_out[j] = j < l.n_out_data && s.ndim() > 0 ? WithoutFirstAxis(s) : s;
  }
  bool complete = InferBodyShapes(Body(attrs, 0, 1), &sub_in, &sub_out);
  int64_t len = (*in)[0].ndim() > 0 ? (*in)[0][0] : -1;
  for (size_t i = 1; i < l.n_data && len >= 0; ++i)
    MX_CHECK_AS(ShapeError, (*in)[i].ndim() == 0 || (*in)[i][0] == len)
        << "operator _foreach (" << attrs.name << "): every data input needs the same length "
        << "on axis 0; data0 has " << len << ", data" << i << " " << (*in)[i] << ".";
  if (len < 0) return false;
  for (size_t j = 0; j < l.n_outputs; ++j) {
    if (sub_out[j].ndim() == 0) continue;
    AssignShape(&(*out)[j], j < l.n_out_data ? WithFirstAxis(len, sub_out[j], false) : sub_out[j],
                attrs, "output " + std::to_string(j));
  }
  for (size_t i = 0; i < l.n_inputs; ++i) {
    const Shape& s = sub_in[l.loc[i]];
    if (s.ndim() == 0) continue;
    bool data_1d = (*in)[i].ndim() == 1;
    AssignShape(&(*in)[i], i < l.n_data ? WithFirstAxis(len, s, data_1d) : s, attrs,
                "input data" + std::to_string(i));
  }
  for (size_t k = 0; k < l.n_states; ++k)
    MX_CHECK_AS(ShapeError, !complete || (*out)[l.n_out_data + k] == (*in)[l.n_data + k])
        << "operator _foreach (" << attrs.name << "): state " << k << " enters the body as "
        << (*in)[l.n_data + k] << " but the body returns it as " << (*out)[l.n_out_data + k]
        << "; a loop state must keep its shape.";
  return complete;
}

bool ForeachType(const OpAttrs& attrs, std::vector<int>* in, std::vector<int>* out) {
  ForeachLayout l = CheckForeach(attrs);
  std::vector<int> sub_in(l.n_inputs, -1), sub_out = *out;
  for (size_t i = 0; i < l.n_inputs; ++i) sub_in[l.loc[i]] = (*in)[i];
  bool complete = InferBodyTypes(Body(attrs, 0, 1), &sub_in, &sub_out);
  for (size_t i = 0; i < l.n_inputs; ++i)
    if ((*in)[i] < 0) (*in)[i] = sub_in[l.loc[i]];
  for (size_t j = 0; j < l.n_outputs; ++j)
    if ((*out)[j] < 0) (*out)[j] = sub_out[j];
  return complete;
}

// The body's input shapes and dtypes for node inputs `in` (data as one row).
void BodyInputFacts(const ForeachLayout& l, const std::vector<TBlob>& in, size_t first,
                    std::vector<Shape>* shapes, std::vector<int>* types) {
  shapes->assign(l.n_inputs, Shape());
  types->assign(l.n_inputs, -1);
  for (size_t i = 0; i < l.n_inputs; ++i) {
    const TBlob& b = in[first + i];
    (*shapes)[l.loc[i]] = i < l.n_data ? WithoutFirstAxis(b.shape) : b.shape;
    (*types)[l.loc[i]] = static_cast<int>(b.dtype);
  }
}

int64_t Length(const OpAttrs& attrs, const ForeachLayout& l, const std::vector<TBlob>& in,
               size_t first) {
  int64_t len = in[first].shape[0];
  for (size_t i = 1; i < l.n_data; ++i)
    MX_CHECK_AS(ShapeError, in[first + i].shape[0] == len)
        << "operator _foreach (" << attrs.name << "): data inputs of lengths " << len << " and "
        << in[first + i].shape[0] << " on axis 0.";
  return len;
}

void ForeachCompute(const OpAttrs& attrs, const OpContext& octx, const std::vector<TBlob>& in,
                    const std::vector<OpReq>& req, const std::vector<TBlob>& out) {
  ForeachLayout l = CheckForeach(attrs);
  const Symbol& body = Body(attrs, 0, 1);
  int64_t len = Length(attrs, l, in, 0);
  std::vector<Shape> shapes;
  std::vector<int> types;
  BodyInputFacts(l, in, 0, &shapes, &types);
  Context ctx = octx.run.ctx;
  SubgraphExec exec(body.outputs(), BodyInputs(body), shapes, types, ctx, What(attrs));
  // States alternate between two buffers, so a step never overwrites what it reads.
  std::vector<NDArray> states[2];
  for (size_t k = 0; k < l.n_states; ++k)
    for (auto& set : states) set.emplace_back(in[l.n_data + k].shape, ctx, in[l.n_data + k].dtype);
  StreamGuard guard(octx);
  std::vector<TBlob> sub(l.n_inputs);
  for (size_t i = l.n_data + l.n_states; i < l.n_inputs; ++i) sub[l.loc[i]] = in[i];
  for (int64_t t = 0; t < len; ++t) {
    for (size_t i = 0; i < l.n_data; ++i) sub[l.loc[i]] = Row(in[i], t);
    for (size_t k = 0; k < l.n_states; ++k)
      sub[l.loc[l.n_data + k]] = t == 0 ? in[l.n_data + k] : states[(t - 1) % 2][k].blob();
    exec.Run(octx, sub);
    for (size_t j = 0; j < l.n_out_data; ++j) CopyWithReq(octx, exec.output(j), Row(out[j], t), req[j]);
    for (size_t k = 0; k < l.n_states; ++k) {
      size_t j = l.n_out_data + k;
      if (t + 1 < len)
        CopyWithReq(octx, exec.output(j), states[t % 2][k].blob(), OpReq::kWrite);
      else
        CopyWithReq(octx, exec.output(j), out[j], req[j]);
    }
  }
  if (len == 0)
    for (size_t k = 0; k < l.n_states; ++k)
      CopyWithReq(octx, in[l.n_data + k], out[l.n_out_data + k], req[l.n_out_data + k]);
}

// Inputs: the gradients of the node's outputs, then its inputs; outputs: the inputs' gradients.
void ForeachBackward(const OpAttrs& attrs, const OpContext& octx, const std::vector<TBlob>& in,
                     const std::vector<OpReq>& req, const std::vector<TBlob>& out) {
  ForeachLayout l = CheckForeach(attrs);
  const Symbol& body = Body(attrs, 0, 1);
  const size_t first = l.n_outputs;  // the forward inputs
  int64_t len = Length(attrs, l, in, first);
  Context ctx = octx.run.ctx;
  std::vector<Shape> shapes;
  std::vector<int> types;
  BodyInputFacts(l, in, first, &shapes, &types);
  SubgraphExec fwd(body.outputs(), BodyInputs(body), shapes, types, ctx, What(attrs));
  // The body's gradient graph: its head gradients are inputs too, shaped like its outputs.
  for (size_t j = 0; j < l.n_outputs; ++j) {
    shapes.push_back(j < l.n_out_data ? WithoutFirstAxis(in[j].shape) : in[j].shape);
    types.push_back(static_cast<int>(in[j].dtype));
  }
  std::unique_ptr<SubgraphExec> bwd =
      BodyGradient(body, shapes, types, ctx, "the gradient of " + What(attrs));

  // The states entering each step (row t), from a forward pass; the state gradients alternate
  // between two buffers as the states do forward.
  std::vector<NDArray> history, dstates[2];
  for (size_t k = 0; k < l.n_states; ++k) {
    const TBlob& s = in[first + l.n_data + k];
    history.emplace_back(WithFirstAxis(std::max<int64_t>(len, 1), s.shape, false), ctx, s.dtype);
    for (auto& set : dstates) set.emplace_back(s.shape, ctx, s.dtype);
  }
  StreamGuard guard(octx);
  std::vector<TBlob> sub(l.n_inputs);
  for (size_t i = l.n_data + l.n_states; i < l.n_inputs; ++i) sub[l.loc[i]] = in[first + i];
  for (size_t k = 0; k < l.n_states; ++k)
    CopyWithReq(octx, in[first + l.n_data + k], Row(history[k].blob(), 0), OpReq::kWrite);
  for (int64_t t = 0; t + 1 < len; ++t) {
    for (size_t i = 0; i < l.n_data; ++i) sub[l.loc[i]] = Row(in[first + i], t);
    for (size_t k = 0; k < l.n_states; ++k) sub[l.loc[l.n_data + k]] = Row(history[k].blob(), t);
    fwd.Run(octx, sub);
    for (size_t k = 0; k < l.n_states; ++k)
      CopyWithReq(octx, fwd.output(l.n_out_data + k), Row(history[k].blob(), t + 1),
                  OpReq::kWrite);
  }

  std::vector<TBlob> grad_in(l.n_inputs + l.n_outputs);
  for (size_t i = l.n_data + l.n_states; i < l.n_inputs; ++i) grad_in[l.loc[i]] = in[first + i];
  for (int64_t t = len - 1; t >= 0; --t) {
    for (size_t i = 0; i < l.n_data; ++i) grad_in[l.loc[i]] = Row(in[first + i], t);
    for (size_t k = 0; k < l.n_states; ++k)
      grad_in[l.loc[l.n_data + k]] = Row(history[k].blob(), t);
    for (size_t j = 0; j < l.n_out_data; ++j) grad_in[l.n_inputs + j] = Row(in[j], t);
    for (size_t k = 0; k < l.n_states; ++k)
      grad_in[l.n_inputs + l.n_out_data + k] =
          t == len - 1 ? in[l.n_out_data + k] : dstates[(t + 1) % 2][k].blob();
    bwd->Run(octx, grad_in);
    for (size_t i = 0; i < l.n_data; ++i)
      CopyWithReq(octx, bwd->output(l.loc[i]), Row(out[i], t), req[i]);
    for (size_t k = 0; k < l.n_states; ++k) {
      size_t i = l.n_data + k;
      if (t > 0)
        CopyWithReq(octx, bwd->output(l.loc[i]), dstates[t % 2][k].blob(), OpReq::kWrite);
      else
        CopyWithReq(octx, bwd->output(l.loc[i]), out[i], req[i]);
    }
    for (size_t i = l.n_data + l.n_states; i < l.n_inputs; ++i) {
      OpReq r = t == len - 1 || req[i] == OpReq::kNull ? req[i] : OpReq::kAddTo;
      CopyWithReq(octx, bwd->output(l.loc[i]), out[i], r);
    }
  }
  if (len == 0) {
    for (size_t k = 0; k < l.n_states; ++k)
      CopyWithReq(octx, in[l.n_out_data + k], out[l.n_data + k], req[l.n_data + k]);
    for (size_t i = l.n_data + l.n_states; i < l.n_inputs; ++i) ZeroWithReq(octx, out[i], req[i]);
  }
}


MX_REGISTER_OP(_foreach)
    .Describe("Run a for loop over an NDArray with user-defined computation: the body runs once "
              "per row (axis 0) of the data inputs, states passing from step to step.")
    .Params<ForeachParam>()
    .NumInputs([](const OpAttrs& a) { return a.get<ForeachParam>().num_args - 1; })
    .NumOutputs([](const OpAttrs& a) { return a.get<ForeachParam>().num_outputs; })
    .InputNames([](const OpAttrs& a) { return DataInputNames(a.get<ForeachParam>().num_args - 1); })
    .InferShape(ForeachShape)
    .InferType(ForeachType)
    .RequestRandom()
    .Compute(DeviceType::kCPU, ForeachCompute)
    .Compute(DeviceType::kGPU, ForeachCompute)
    .Gradient([](const OpAttrs& a, GradContext* ctx) {
      const auto& p = a.get<ForeachParam>();
      return ControlFlowGradient("_backward_foreach", p.num_outputs, p.num_args - 1, a, ctx);
    });

MX_REGISTER_OP(_backward_foreach)
    .Describe("Gradient of _foreach: inputs (output gradients..., forward inputs...).")
    .Params<ForeachParam>()
    .NumInputs([](const OpAttrs& a) {
      const auto& p = a.get<ForeachParam>();
      return p.num_outputs + p.num_args - 1;
    })
    .NumOutputs([](const OpAttrs& a) { return a.get<ForeachParam>().num_args - 1; })
    .InferShape([](const OpAttrs& a, std::vector<Shape>* in, std::vector<Shape>* out) {
      return ShapesLikeInputsFrom(a.get<ForeachParam>().num_outputs, a, in, out);
    })
    .InferType([](const OpAttrs& a, std::vector<int>* in, std::vector<int>* out) {
      return TypesLikeInputsFrom(a.get<ForeachParam>().num_outputs, in, out);
    })
    .RequestRandom()
    .Compute(DeviceType::kCPU, ForeachBackward)
    .Compute(DeviceType::kGPU, ForeachBackward);

}  // namespace
}  // namespace mx
