// The bodies of control-flow operators (_foreach, _while_loop, _cond) run inside the
// operator's own kernel call, as MXNet's LoopState runs them: SubgraphExec infers every shape
// and dtype of a body once from its inputs, gives each entry a buffer on the operator's device
// and calls each node's kernel in graph order on the operator's stream (a nested control-flow
// node runs its own bodies the same way). Nothing goes through the engine, so a body never
// waits on it. The helpers below are what the three operators share: a body's shape and type
// inference, row views, copies with an OpReq, and reading a condition.
#ifndef TESSERA_CORE_OPS_CONTROL_FLOW_SUBGRAPH_EXEC_H_
#define TESSERA_CORE_OPS_CONTROL_FLOW_SUBGRAPH_EXEC_H_

#include <memory>
#include <string>
#include <vector>

#include "core/ndarray/ndarray.h"
#include "core/op/op_def.h"
#include "core/symbol/indexed_graph.h"
#include "core/symbol/symbol.h"

namespace mx {

// The variables of `body` in MXNet's list_inputs order (the order the *_locs attributes index).
std::vector<std::shared_ptr<Node>> BodyInputs(const Symbol& body);

// The subgraph `index` of a control-flow node, checking that it has `count` of them.
const Symbol& Body(const OpAttrs& attrs, size_t index, size_t count);

// Shape (type) inference through `body`: `in` one per body input, `out` one per head; known
// values are facts, unknown ones (ndim 0, -1) are filled where the body tells. Returns
// whether every input and head is known.
bool InferBodyShapes(const Symbol& body, std::vector<Shape>* in, std::vector<Shape>* out);
bool InferBodyTypes(const Symbol& body, std::vector<int>* in, std::vector<int>* out);

// Inference through `body` whose inputs are the node's inputs `locs` (`infer` one of the two
// above); what it finds is written back into the node's inputs.
template <typename T, typename Infer>
bool InferPicked(const Symbol& body, const std::vector<size_t>& locs, std::vector<T>* in,
                 std::vector<T>* body_out, Infer infer) {
  std::vector<T> sub_in;
  for (size_t x : locs) sub_in.push_back((*in)[x]);
  bool complete = infer(body, &sub_in, body_out);
  for (size_t j = 0; j < locs.size(); ++j) (*in)[locs[j]] = sub_in[j];
  return complete;
}

// A control-flow gradient's inference: output i is shaped (typed) like input first + i, the
// forward input it is the gradient of.
bool ShapesLikeInputsFrom(size_t first, const OpAttrs& attrs, std::vector<Shape>* in,
                          std::vector<Shape>* out);
bool TypesLikeInputsFrom(size_t first, std::vector<int>* in, std::vector<int>* out);

// A control-flow gradient node: `backward_op` on (the gradients of the node's `num_outputs`
// outputs, its `num_inputs` inputs), running the node's bodies.
std::vector<GradEntry> ControlFlowGradient(const std::string& backward_op, int num_outputs,
                                           int num_inputs, const OpAttrs& attrs,
                                           GradContext* ctx);

class SubgraphExec {
 public:
  // Runs the graph of `heads` with `inputs` bound at Run (in that order; inputs the heads do
  // not reach are ignored), of the shapes and dtypes given, on `ctx`. `what` names the body in
  // errors ("the body of foreach0 (_foreach)"). ShapeError/TypeError when some entry cannot be
  // inferred.
  SubgraphExec(const std::vector<NodeEntry>& heads,
               const std::vector<std::shared_ptr<Node>>& inputs, const std::vector<Shape>& shapes,
               const std::vector<int>& dtypes, Context ctx, const std::string& what);
  SubgraphExec(const SubgraphExec&) = delete;
  SubgraphExec& operator=(const SubgraphExec&) = delete;

  // Runs every node once with `inputs` (one blob per input, of the shapes given); the outputs
  // stay valid until the next Run.
  void Run(const OpContext& octx, const std::vector<TBlob>& inputs);
  size_t num_outputs() const { return graph_.outputs().size(); }
  // Output `i` of the last Run (an input's blob where a head is an input).
  TBlob output(size_t i) const;

 private:
  IndexedGraph graph_;
  std::vector<int> input_entry_;      // per input: its entry id, -1 when not in the graph
  std::vector<NDArray> buffers_;      // per entry: the buffer of an operator's output
  std::vector<TBlob> blobs_;          // per entry, during and after Run
  std::vector<std::vector<OpReq>> reqs_;  // per node: kWrite for each output
  std::string what_;
};

// The gradient of `body` with respect to every input: it runs on (the body's inputs..., one
// head gradient per body output...) of `shapes` and `types` (in that order), and its output i
// is the gradient of body input i.
std::unique_ptr<SubgraphExec> BodyGradient(const Symbol& body, const std::vector<Shape>& shapes,
                                           const std::vector<int>& types, Context ctx,
                                           const std::string& what);

// `blobs[locs[j]]` for each j.
std::vector<TBlob> Pick(const std::vector<TBlob>& blobs, const std::vector<size_t>& locs);
// The shapes and dtypes of `blobs`, appended.
void BlobFacts(const std::vector<TBlob>& blobs, std::vector<Shape>* shapes,
               std::vector<int>* types);

// Row `t` of `b` along axis 0, without that axis (a 1-D array's row has shape (1,)).
TBlob Row(const TBlob& b, int64_t t);
// A blob's shape without axis 0 (MXNet's SliceFirstDim: (n,) gives (1,)).
Shape WithoutFirstAxis(const Shape& s);
// `len` rows of `row` shape (the inverse: (1,) rows of a 1-D array give (len,)).
Shape WithFirstAxis(int64_t len, const Shape& row, bool data_1d);

// dst = src (kWrite, kInplace) or dst += src (kAddTo) with the device's _copy kernel; nothing
// for kNull.
void CopyWithReq(const OpContext& octx, const TBlob& src, const TBlob& dst, OpReq req);
// dst = 0 for kWrite and kInplace; nothing for kAddTo and kNull.
void ZeroWithReq(const OpContext& octx, const TBlob& dst, OpReq req);
// ValueError naming `what` unless a known condition shape holds one element (checked when
// shapes are inferred, so a bad graph fails at bind time, not inside a kernel).
void CheckConditionShape(const Shape& s, const std::string& what);
// A condition's value (one element of any dtype), waiting for the stream; ValueError naming
// `what` when `b` does not hold exactly one element.
bool ReadCondition(const OpContext& octx, const TBlob& b, const std::string& what);

// Synchronizes the operator's stream when it goes out of scope, so buffers of a body are not
// released while device kernels may still use them: declare it after the SubgraphExecs and
// buffers (it is then destroyed first).
class StreamGuard {
 public:
  explicit StreamGuard(const OpContext& octx) : rctx_(octx.run) {}
  ~StreamGuard();

 private:
  RunContext rctx_;
};

// Ints of a *_locs attribute as sizes.
std::vector<size_t> Locs(const Shape& locs);
// The node's input names, as MXNet's (data0, data1, ...; the bodies are not inputs here).
std::vector<std::string> DataInputNames(int n);

}  // namespace mx

#endif  // TESSERA_CORE_OPS_CONTROL_FLOW_SUBGRAPH_EXEC_H_
