// Custom operators defined in Python (tessera.operator): each registered op_type's factory is a
// Python callable that takes the parameters (a dict of strings) and returns a bridge object
// over the user's CustomOpProp (tessera/operator.py). The C++ prop and operator below call the
// bridge with the GIL held; they run on engine workers, whose pushes run inline (custom_op.h).
// A Python exception raised in a callback travels as pybind11's error_already_set to whoever
// waits on the outputs, which raises it again with its traceback.
#include <pybind11/stl.h>

#include <memory>
#include <string>
#include <vector>

#include "core/ops/custom/custom_op.h"
#include "python/src/bindings.h"

namespace mx {
namespace python {
namespace {

// A reference to a Python object that may be dropped on any thread, also at exit.
class PyRef {
 public:
  explicit PyRef(py::object o) : o_(std::move(o)) {}
  ~PyRef() {
    if (!Py_IsInitialized()) {
      o_.release();  // the interpreter is gone: leak rather than touch it
      return;
    }
    py::gil_scoped_acquire gil;
    o_ = py::object();
  }
  PyRef(const PyRef&) = delete;
  PyRef& operator=(const PyRef&) = delete;
  const py::object& get() const { return o_; }

 private:
  py::object o_;
};

const char* ReqName(OpReq r) {
  switch (r) {
    case OpReq::kNull: return "null";
    case OpReq::kWrite: return "write";
    case OpReq::kInplace: return "inplace";
    case OpReq::kAddTo: return "add";
  }
  return "null";
}

py::list Reqs(const std::vector<OpReq>& req) {
  py::list l;
  for (OpReq r : req) l.append(ReqName(r));
  return l;
}

// NDArray handles; None for a none array (an undeclared backward dependency).
py::list Handles(const std::vector<NDArray>& arrays) {
  py::list l;
  for (const NDArray& a : arrays) {
    if (a.is_none()) l.append(py::none());
    else l.append(py::cast(a));
  }
  return l;
}

py::list Shapes(const std::vector<Shape>& shapes) {
  py::list l;
  for (const Shape& s : shapes) l.append(FromShape(s));
  return l;
}

// Shapes from a list of tuples (the bridge has checked them).
std::vector<Shape> ToShapes(const py::handle& seq) {
  std::vector<Shape> out;
  for (py::handle s : seq) out.push_back(Shape(s.cast<std::vector<int64_t>>()));
  return out;
}

class PyOperator : public custom::CustomOperator {
 public:
  explicit PyOperator(py::object bridge) : bridge_(std::move(bridge)) {}
  void Forward(bool is_train, const std::vector<OpReq>& req, const std::vector<NDArray>& in_data,
               const std::vector<NDArray>& out_data, const std::vector<NDArray>& aux) override {
    py::gil_scoped_acquire gil;
    bridge_.get().attr("forward")(is_train, Reqs(req), Handles(in_data), Handles(out_data),
                                  Handles(aux));
  }
  void Backward(const std::vector<OpReq>& req, const std::vector<NDArray>& out_grad,
                const std::vector<NDArray>& in_data, const std::vector<NDArray>& out_data,
                const std::vector<NDArray>& in_grad, const std::vector<NDArray>& aux) override {
    py::gil_scoped_acquire gil;
    bridge_.get().attr("backward")(Reqs(req), Handles(out_grad), Handles(in_data),
                                   Handles(out_data), Handles(in_grad), Handles(aux));
  }

 private:
  PyRef bridge_;
};

class PyProp : public custom::CustomProp {
 public:
  explicit PyProp(py::object bridge) : bridge_(std::move(bridge)) {}

  std::vector<std::string> ListArguments() override { return Names("list_arguments"); }
  std::vector<std::string> ListOutputs() override { return Names("list_outputs"); }
  std::vector<std::string> ListAuxiliaryStates() override {
    return Names("list_auxiliary_states");
  }
  void InferShape(std::vector<Shape>* in, std::vector<Shape>* out,
                  std::vector<Shape>* aux) override {
    py::gil_scoped_acquire gil;
    py::tuple r = bridge_.get().attr("infer_shape")(Shapes(*in));
    *in = ToShapes(r[0]);
    *out = ToShapes(r[1]);
    *aux = ToShapes(r[2]);
  }
  void InferType(std::vector<int>* in, std::vector<int>* out, std::vector<int>* aux) override {
    py::gil_scoped_acquire gil;
    py::tuple r = bridge_.get().attr("infer_type")(*in);
    *in = r[0].cast<std::vector<int>>();
    *out = r[1].cast<std::vector<int>>();
    *aux = r[2].cast<std::vector<int>>();
  }
  std::vector<int> DeclareBackwardDependency(const std::vector<int>& out_grad,
                                             const std::vector<int>& in_data,
                                             const std::vector<int>& out_data) override {
    py::gil_scoped_acquire gil;
    return bridge_.get()
        .attr("declare_backward_dependency")(out_grad, in_data, out_data)
        .cast<std::vector<int>>();
  }
  std::shared_ptr<custom::CustomOperator> CreateOperator(
      Context ctx, const std::vector<Shape>& in_shapes,
      const std::vector<int>& in_types) override {
    py::gil_scoped_acquire gil;
    py::object op = bridge_.get().attr("create_operator")(FromContext(ctx), Shapes(in_shapes),
                                                          in_types);
    return std::make_shared<PyOperator>(std::move(op));
  }

 private:
  std::vector<std::string> Names(const char* method) {
    py::gil_scoped_acquire gil;
    return bridge_.get().attr(method)().cast<std::vector<std::string>>();
  }
  PyRef bridge_;
};

}  // namespace

void BindCustom(py::module_& m) {
  m.def(
      "register_custom",
      [](const std::string& op_type, py::object factory) {
        auto f = std::make_shared<PyRef>(std::move(factory));
        custom::Register(op_type, [f](const std::string& type, const ParamMap& kwargs) {
          py::gil_scoped_acquire gil;
          py::dict d;
          for (const auto& kv : kwargs) d[py::str(kv.first)] = py::str(kv.second);
          return std::make_shared<PyProp>(f->get()(type, d));
        });
      },
      "Registers op_type for the Custom operator: factory(kwargs) returns the prop's bridge.");
  m.def("custom_types", &custom::RegisteredTypes);
}

}  // namespace python
}  // namespace mx
