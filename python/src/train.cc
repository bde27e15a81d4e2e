// Training from Python: the C++ Module (_core.ModuleHandle, held by tessera.module.Module), the
// C++ data iterators (_core.DataIterHandle: NDArrayIter, MNISTIter, CSVIter), initializers and
// learning-rate schedules by spec, optimizer parameter checks, and checkpoint files. The loops
// of fit/score/predict are Python (tessera/module/base_module.py), as MXNet's are, so Python
// iterators, metrics and callbacks take part.
#include <pybind11/stl.h>

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include "core/initializer/initializer.h"
#include "core/io/csv_iter.h"
#include "core/io/mnist_iter.h"
#include "core/io/ndarray_iter.h"
#include "core/module/module.h"
#include "core/optimizer/lr_scheduler.h"
#include "core/optimizer/optimizer.h"
#include "dist/kvstore/kvstore.h"
#include "python/src/bindings.h"

namespace mx {
namespace python {
namespace {

using Release = py::call_guard<py::gil_scoped_release>;
using StrMap = std::map<std::string, std::string>;
// (name, shape, dtype code, layout): a DataDesc as it crosses to Python.
using Desc = std::tuple<std::string, std::vector<int64_t>, int, std::string>;

std::vector<io::DataDesc> ToDescs(const std::vector<Desc>& descs) {
  std::vector<io::DataDesc> out;
  for (const auto& [name, shape, dtype, layout] : descs)
    out.push_back(io::DataDesc{name, Shape(shape), DTypeFromCode(dtype), layout});
  return out;
}

std::vector<Desc> FromDescs(const std::vector<io::DataDesc>& descs) {
  std::vector<Desc> out;
  for (const io::DataDesc& d : descs)
    out.emplace_back(d.name, d.shape.dims(), static_cast<int>(d.dtype), d.layout);
  return out;
}

Params ToParams(const StrMap& m) {
  Params p;
  for (const auto& kv : m) p.emplace_back(kv.first, kv.second);
  return p;
}

std::vector<Context> ToContexts(const std::vector<py::tuple>& ctxs) {
  std::vector<Context> out;
  for (const py::tuple& c : ctxs) out.push_back(ToContext(c));
  return out;
}

std::shared_ptr<opt::LRScheduler> Scheduler(const std::string& spec) {
  return spec.empty() ? nullptr : opt::SchedulerFromSpec(spec);
}

// A C++ iterator with MXNet's Python protocol pieces: next() returns None at the end.
class IterHandle {
 public:
  explicit IterHandle(std::shared_ptr<io::DataIter> it) : it_(std::move(it)) {}
  void Reset() { it_->Reset(); }
  py::object Next() {
    io::DataBatch b;
    bool ok;
    {
      py::gil_scoped_release release;
      ok = it_->Next(&b);
    }
    if (!ok) return py::none();
    return py::make_tuple(b.data, b.label, b.pad, b.index);
  }
  std::vector<Desc> ProvideData() const { return FromDescs(it_->ProvideData()); }
  std::vector<Desc> ProvideLabel() const { return FromDescs(it_->ProvideLabel()); }
  int64_t batch_size() const { return it_->batch_size(); }

 private:
  std::shared_ptr<io::DataIter> it_;
};

using Named = std::vector<std::pair<std::string, NDArray>>;

IterHandle MakeNDArrayIter(const Named& data, const Named& label, int64_t batch_size,
                           bool shuffle, const std::string& last_batch_handle, uint32_t seed) {
  io::NDArrayIterOptions o;
  o.batch_size = batch_size;
  o.shuffle = shuffle;
  o.last_batch_handle = last_batch_handle;
  o.seed = seed;
  return IterHandle(std::make_shared<io::NDArrayIter>(data, label, o));
}

IterHandle MakeMNISTIter(const std::string& image, const std::string& label, int64_t batch_size,
                         bool shuffle, bool flat, uint32_t seed, int num_parts, int part_index) {
  io::MNISTIterOptions o;
  o.image = image;
  o.label = label;
  o.batch_size = batch_size;
  o.shuffle = shuffle;
  o.flat = flat;
  o.seed = seed;
  o.num_parts = num_parts;
  o.part_index = part_index;
  py::gil_scoped_release release;
  return IterHandle(std::make_shared<io::MNISTIter>(o));
}

IterHandle MakeCSVIter(const std::string& data_csv, const std::vector<int64_t>& data_shape,
                       const std::string& label_csv, const std::vector<int64_t>& label_shape,
                       int64_t batch_size, bool round_batch, bool shuffle, uint32_t seed) {
  io::CSVIterOptions o;
  o.data_csv = data_csv;
  o.data_shape = Shape(data_shape);
  o.label_csv = label_csv;
  o.label_shape = Shape(label_shape);
  o.batch_size = batch_size;
  o.round_batch = round_batch;
  o.shuffle = shuffle;
  o.seed = seed;
  py::gil_scoped_release release;
  return IterHandle(std::make_shared<io::CSVIter>(o));
}

void BindModule(py::module_& m) {
  using mod::Module;
  using mod::ParamDict;
  py::class_<Module>(m, "ModuleHandle")
      .def(py::init([](const Symbol& s, const std::vector<py::tuple>& ctxs,
                       std::vector<std::string> data_names, std::vector<std::string> label_names,
                       std::vector<std::string> fixed) {
        return new Module(s, ToContexts(ctxs), data_names, label_names, fixed);
      }))
      .def("bind",
           [](Module& mod, const std::vector<Desc>& data, const std::vector<Desc>& label,
              bool for_training, bool inputs_need_grad, bool force_rebind,
              const std::string& grad_req, Module* shared, const StrMap& grad_reqs) {
             auto d = ToDescs(data), l = ToDescs(label);
             GradReq req = ParseGradReq(grad_req);
             std::map<std::string, GradReq> per_arg;
             for (const auto& [name, r] : grad_reqs) per_arg[name] = ParseGradReq(r);
             py::gil_scoped_release release;
             mod.Bind(d, l, for_training, inputs_need_grad, force_rebind, req, shared, per_arg);
           },
           py::arg("data"), py::arg("label"), py::arg("for_training"),
           py::arg("inputs_need_grad"), py::arg("force_rebind"), py::arg("grad_req"),
           py::arg("shared") = nullptr, py::arg("grad_reqs") = StrMap())
      .def("executors", [](const Module& mod) { return mod.executors(); })
      .def("init_params",
           [](Module& mod, const std::string& init_spec, const ParamDict& arg,
              const ParamDict& aux, bool allow_missing, bool force_init) {
             mod::InitParamsOptions o;
             if (!init_spec.empty()) o.initializer = init::Create(init_spec);
             o.arg_params = arg;
             o.aux_params = aux;
             o.allow_missing = allow_missing;
             o.force_init = force_init;
             py::gil_scoped_release release;
             mod.InitParams(o);
           })
      .def("init_optimizer",
           [](Module& mod, const std::string& kvstore, const std::string& optimizer,
              const StrMap& params, bool force_init, const std::string& lr_spec,
              std::shared_ptr<kv::KVStore> instance) {
             Params p = ToParams(params);
             auto sched = Scheduler(lr_spec);
             py::gil_scoped_release release;
             mod.InitOptimizer(kvstore, optimizer, p, force_init, sched, std::move(instance));
           },
           py::arg("kvstore"), py::arg("optimizer"), py::arg("params"), py::arg("force_init"),
           py::arg("lr_spec"), py::arg("instance") = nullptr)
      .def("forward",
           [](Module& mod, const std::vector<NDArray>& data, const std::vector<NDArray>& label,
              int pad, std::optional<bool> is_train) {
             io::DataBatch b(data, label, pad);
             py::gil_scoped_release release;
             mod.Forward(b, is_train);
           })
      .def("backward", &Module::Backward, Release())
      .def("update", &Module::Update, Release())
      .def("get_outputs", &Module::GetOutputs)
      .def("get_input_grads", &Module::GetInputGrads)
      .def("get_params", &Module::GetParams, Release())
      .def("set_params", &Module::SetParams, Release())
      .def("save_checkpoint", &Module::SaveCheckpoint, Release())
      .def("save_optimizer_states", &Module::SaveOptimizerStates, Release())
      .def("load_optimizer_states", &Module::LoadOptimizerStates, Release())
      .def_property_readonly("binded", &Module::binded)
      .def_property_readonly("params_initialized", &Module::params_initialized)
      .def_property_readonly("optimizer_initialized", &Module::optimizer_initialized)
      .def_property_readonly("output_names", &Module::output_names)
      .def_property_readonly("symbol", &Module::symbol);
  m.def("save_params_file", &mod::SaveParamsFile, Release());
  m.def("load_params_file", &mod::LoadParamsFile, Release());
  m.def("load_checkpoint", &mod::LoadCheckpoint, Release());
}

}  // namespace

void BindTraining(py::module_& m) {
  BindModule(m);
  py::class_<IterHandle>(m, "DataIterHandle")
      .def("reset", &IterHandle::Reset, Release())
      .def("next", &IterHandle::Next)
      .def("provide_data", &IterHandle::ProvideData)
      .def("provide_label", &IterHandle::ProvideLabel)
      .def_property_readonly("batch_size", &IterHandle::batch_size);
  m.def("ndarray_iter", &MakeNDArrayIter);
  m.def("mnist_iter", &MakeMNISTIter);
  m.def("csv_iter", &MakeCSVIter);
  m.def("init_fill", [](const std::string& spec, const std::string& name, const NDArray& a,
                        const std::string& init_attr) {
    auto init = init::Create(spec);
    py::gil_scoped_release release;
    if (init_attr.empty())
      (*init)(name, a);
    else
      init->InitByAttr(name, init_attr, a);
  });
  m.def("init_describe", [](const std::string& spec) { return init::Create(spec)->Describe(); });
  m.def("optimizer_check", [](const std::string& name, const StrMap& params) {
    opt::Create(name, ToParams(params));
  });
  m.def("lr_value", [](const std::string& spec, int num_update) {
    return (*opt::SchedulerFromSpec(spec))(num_update);
  });
}

}  // namespace python
}  // namespace mx
