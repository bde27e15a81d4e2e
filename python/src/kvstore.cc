// KVStores from Python (_core.KVStoreHandle, held by tessera.kvstore.KVStore): init, push,
// pull, pushpull with int keys (tessera.kvstore maps MXNet's string keys to ints), the
// optimizer on the store, gradient compression, barrier, and the store's optimizer states as
// an NDArray file. Creating a dist store in a scheduler or server process runs that role and
// exits the process, as MXNet does.
#include <pybind11/stl.h>

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "core/ndarray/io.h"
#include "core/optimizer/lr_scheduler.h"
#include "core/optimizer/optimizer.h"
#include "dist/kvstore/kvstore.h"
#include "python/src/bindings.h"

namespace mx {
namespace python {
namespace {

using Release = py::call_guard<py::gil_scoped_release>;
using kv::KVStore;
using Lists = std::vector<std::vector<NDArray>>;

void SetOptimizer(KVStore& store, const std::string& name,
                  const std::map<std::string, std::string>& params, const std::string& lr_spec) {
  std::unique_ptr<opt::Optimizer> o =
      opt::Create(name, ParamMap(params.begin(), params.end()));
  if (!lr_spec.empty()) o->set_lr_scheduler(opt::SchedulerFromSpec(lr_spec));
  py::gil_scoped_release release;
  store.SetOptimizer(std::move(o));
}

// The store's optimizer states as named arrays "state:<key>:<k>" in one NDArray file.
void SaveStates(KVStore& store, const std::string& path) {
  std::vector<std::pair<std::string, NDArray>> named;
  for (const auto& [key, states] : store.optimizer_states())
    for (size_t k = 0; k < states.size(); ++k)
      named.emplace_back("state:" + std::to_string(key) + ":" + std::to_string(k), states[k]);
  nd::Save(path, named);
}

void LoadStates(KVStore& store, const std::string& path) {
  nd::NDArrayFile f = nd::LoadFile(path);
  std::map<int, std::vector<NDArray>>& states = store.optimizer_states();
  std::map<int, std::map<int, NDArray>> loaded;
  for (size_t i = 0; i < f.arrays.size(); ++i) {
    int key = 0, k = 0;
    MX_CHECK_AS(IOError, std::sscanf(f.names[i].c_str(), "state:%d:%d", &key, &k) == 2)
        << path << ": '" << f.names[i] << "' is not an optimizer state of a KVStore file.";
    loaded[key][k] = f.arrays[i];
  }
  for (auto& [key, by_index] : loaded) {
    auto it = states.find(key);
    MX_CHECK_AS(ValueError, it != states.end() && it->second.size() == by_index.size())
        << path << ": key " << key << " has no optimizer state of that form in this store; set "
        << "the same optimizer and push once before loading states.";
    for (auto& [k, a] : by_index) a.CopyTo(it->second[k]);
  }
}

}  // namespace

void BindKVStore(py::module_& m) {
  py::class_<KVStore, std::shared_ptr<KVStore>>(m, "KVStoreHandle")
      .def_property_readonly("type", &KVStore::type)
      .def_property_readonly("rank", &KVStore::rank)
      .def_property_readonly("num_workers", &KVStore::num_workers)
      .def_property_readonly("is_distributed", &KVStore::is_distributed)
      .def("init", &KVStore::Init, Release())
      .def("push", [](KVStore& s, const std::vector<int>& keys, const Lists& values,
                      int priority) { s.Push(keys, values, priority); }, Release())
      .def("pull", [](KVStore& s, const std::vector<int>& keys, const Lists& outs,
                      int priority) { s.Pull(keys, outs, priority); }, Release())
      .def("pushpull",
           [](KVStore& s, const std::vector<int>& keys, const Lists& values, const Lists& outs,
              int priority) { s.PushPull(keys, values, outs, priority); },
           Release())
      .def("set_optimizer", &SetOptimizer)
      .def("set_gradient_compression",
           [](KVStore& s, const std::map<std::string, std::string>& p) {
             s.SetGradientCompression(ParamMap(p.begin(), p.end()));
           })
      .def("barrier", &KVStore::Barrier, Release())
      .def("save_optimizer_states", &SaveStates, Release())
      .def("load_optimizer_states", &LoadStates, Release())
      .def_property_readonly("has_optimizer",
                             [](KVStore& s) { return s.optimizer() != nullptr; });
  m.def("kvstore_create", [](const std::string& type) {
    std::shared_ptr<KVStore> s;
    {
      py::gil_scoped_release release;
      s = kv::Create(type);
    }
    return s;
  });
}

}  // namespace python
}  // namespace mx
