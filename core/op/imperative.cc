#include "core/op/imperative.h"

#include <algorithm>
#include <sstream>

#include "core/base/error.h"
#include "core/ndarray/init.h"

namespace mx {
namespace {

std::string Ordinal(size_t i) {
  // MXNet's message says "the 2-th argument".
  return std::to_string(i + 1) + "-th";
}

Context CommonContext(const OpDef& op, const std::vector<NDArray>& inputs, Context fallback) {
  if (inputs.empty()) return fallback;
  Context ctx = inputs[0].context();
  for (size_t i = 1; i < inputs.size(); ++i) {
    Context c = inputs[i].context();
    MX_CHECK_AS(ContextError, c.is_gpu() == ctx.is_gpu() && (!c.is_gpu() || c == ctx))
        << "Operator " << op.name()
        << " require all inputs live on the same context. But the first argument is on " << ctx
        << " while the " << Ordinal(i) << " argument is on " << c
        << ". Move them to one context with AsInContext() first.";
  }
  return ctx;
}

// Runs `op` with parsed `attrs`; returns every output.
std::vector<NDArray> InvokeParsed(const OpDef& op, const OpAttrs& attrs,
                                  const std::vector<NDArray>& inputs, const InvokeOptions& options);

}  // namespace

void PushOperator(const OpAttrs& attrs, Context ctx, const std::vector<NDArray>& inputs,
                  const std::vector<NDArray>& outputs, const std::vector<OpReq>& req,
                  bool is_train) {
  const OpDef& op = *attrs.op;
  const FCompute* fcompute = op.compute(ctx.dev_type);
  MX_CHECK_AS(NotImplementedError, fcompute != nullptr)
      << "operator " << op.name() << " has no kernel for " << ctx << "; it runs on: "
      << op.devices() << ".";
  std::vector<TBlob> in_blobs, out_blobs;
  std::vector<VarHandle> const_vars, mutable_vars;
  const std::vector<int> mutated = op.mutate_inputs(attrs);
  for (size_t i = 0; i < inputs.size(); ++i) {
    in_blobs.push_back(inputs[i].blob());
    bool writes = std::find(mutated.begin(), mutated.end(), static_cast<int>(i)) != mutated.end();
    (writes ? mutable_vars : const_vars).push_back(inputs[i].var());
  }
  for (const NDArray& a : outputs) {
    out_blobs.push_back(a.blob());
    mutable_vars.push_back(a.var());
  }
  FCompute fn = *fcompute;
  std::mt19937* rng = nullptr;
  if (op.needs_random()) {
    random::Resource r = random::GlobalResource();
    rng = r.engine;
    mutable_vars.push_back(r.var);
  }
  // The arrays are captured so their memory lives until the kernel has run.
  Engine::Get()->PushSync(
      [fn, attrs, in_blobs, out_blobs, req, is_train, rng, inputs, outputs](RunContext rctx) {
        OpContext octx{rctx, is_train, rng};
        fn(attrs, octx, in_blobs, req, out_blobs);
      },
      ctx, const_vars, mutable_vars, FnProperty::kNormal, 0, op.name().c_str());
}

std::vector<NDArray> Invoke(const std::string& op_name, const std::vector<NDArray>& inputs,
                            const ParamMap& params, const InvokeOptions& options) {
  const OpDef& op = OpRegistry::Get()->Find(op_name);
  OpAttrs attrs = op.MakeAttrs(params);
  std::vector<NDArray> all = InvokeParsed(op, attrs, inputs, options);
  all.resize(op.num_visible_outputs(attrs));
  return all;
}

std::vector<NDArray> InvokeAll(const std::string& op_name, const std::vector<NDArray>& inputs,
                               const ParamMap& params, const InvokeOptions& options) {
  const OpDef& op = OpRegistry::Get()->Find(op_name);
  return InvokeParsed(op, op.MakeAttrs(params), inputs, options);
}

std::vector<NDArray> InvokeAll(const OpAttrs& attrs, const std::vector<NDArray>& inputs,
                               const InvokeOptions& options) {
  return InvokeParsed(*attrs.op, attrs, inputs, options);
}

namespace {

std::vector<NDArray> InvokeParsed(const OpDef& op, const OpAttrs& attrs,
                                  const std::vector<NDArray>& inputs,
                                  const InvokeOptions& options) {
  const std::string& op_name = op.name();
  int n_in = op.num_inputs(attrs), n_out = op.num_outputs(attrs);
  MX_CHECK_AS(ValueError, static_cast<int>(inputs.size()) == n_in)
      << "operator " << op_name << " takes " << n_in << " input(s), found " << inputs.size() << ".";
  for (size_t i = 0; i < inputs.size(); ++i)
    MX_CHECK_AS(ValueError, !inputs[i].is_none())
        << "operator " << op_name << ": input " << i << " is a none NDArray.";
  Context ctx = CommonContext(op, inputs, options.ctx);

  std::vector<Shape> in_shapes, out_shapes(n_out);
  std::vector<int> in_types, out_types(n_out, -1);
  for (const NDArray& a : inputs) {
    in_shapes.push_back(a.shape());
    in_types.push_back(static_cast<int>(a.dtype()));
  }
  bool have_out = !options.out.empty();
  if (have_out) {
    MX_CHECK_AS(ValueError, static_cast<int>(options.out.size()) == n_out)
        << "operator " << op_name << " has " << n_out << " output(s), " << options.out.size()
        << " given.";
    for (int i = 0; i < n_out; ++i) {
      out_shapes[i] = options.out[i].shape();
      out_types[i] = static_cast<int>(options.out[i].dtype());
    }
  }
  MX_INTERNAL_CHECK(op.infer_shape()) << "operator " << op_name << " has no shape inference";
  bool shapes_known = op.infer_shape()(attrs, &in_shapes, &out_shapes);
  MX_CHECK_AS(ShapeError, shapes_known)
      << "operator " << op_name << ": cannot infer output shapes from the inputs.";
  std::vector<int> in_types_copy = in_types;
  bool types_known = op.infer_type() ? op.infer_type()(attrs, &in_types_copy, &out_types)
                                     : SameTypeInferType(attrs, &in_types_copy, &out_types);
  MX_CHECK_AS(TypeError, types_known)
      << "operator " << op_name << ": cannot infer output dtypes from the inputs.";
  for (size_t i = 0; i < inputs.size(); ++i) {
    MX_CHECK_AS(TypeError, in_types_copy[i] == in_types[i])
        << "operator " << op_name << ": input " << i << " has dtype " << inputs[i].dtype()
        << " but " << static_cast<DType>(in_types_copy[i])
        << " is required; convert it with AsType().";
  }

  const FCompute* fcompute = op.compute(ctx.dev_type);
  MX_CHECK_AS(NotImplementedError, fcompute != nullptr)
      << "operator " << op_name << " has no kernel for " << ctx << "; it runs on: " << op.devices()
      << ".";

  std::vector<NDArray> outputs;
  for (int i = 0; i < n_out; ++i) {
    if (have_out) {
      const NDArray& o = options.out[i];
      MX_CHECK_AS(ShapeError, o.shape() == out_shapes[i])
          << "operator " << op_name << ": output " << i << " has shape " << o.shape()
          << " but the result has shape " << out_shapes[i] << ".";
      outputs.push_back(o);
    } else {
      outputs.emplace_back(out_shapes[i], ctx, static_cast<DType>(out_types[i]));
    }
  }

  PushOperator(attrs, ctx, inputs, outputs, std::vector<OpReq>(n_out, options.req),
               options.is_train);
  return outputs;
}

}  // namespace

}  // namespace mx
