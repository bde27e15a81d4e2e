#include "tools/forward_check.h"

#include <cmath>
#include <iomanip>
#include <vector>

#include "core/initializer/initializer.h"

namespace tools {
namespace {

// Label arguments (SoftmaxOutput's "..._label") are not parameters: inference never reads them.
bool IsLabel(const std::string& name) {
  return name.size() > 6 && name.compare(name.size() - 6, 6, "_label") == 0;
}

// From the file: every argument that is not an input, and every auxiliary state.
void LoadParams(const std::string& path, const std::map<std::string, mx::Shape>& inputs,
                std::map<std::string, mx::NDArray>* args,
                std::map<std::string, mx::NDArray>* aux, std::ostream& out) {
  std::map<std::string, mx::NDArray> file;
  for (const auto& [key, array] : mx::nd::LoadDict(path)) {
    bool prefixed = key.rfind("arg:", 0) == 0 || key.rfind("aux:", 0) == 0;
    file[prefixed ? key.substr(4) : key] = array;
  }
  std::string missing;
  int used = 0;
  auto fill = [&](std::map<std::string, mx::NDArray>* dict) {
    for (auto& [name, slot] : *dict) {
      if (inputs.count(name) || IsLabel(name)) continue;
      auto it = file.find(name);
      if (it == file.end()) {
        missing += (missing.empty() ? "" : ", ") + name;
        continue;
      }
      MX_CHECK_AS(ShapeError, it->second.shape() == slot.shape())
          << "parameter " << name << " has shape " << it->second.shape() << " in " << path
          << " but the model needs " << slot.shape() << " for the given input shapes.";
      it->second.AsType(slot.dtype()).CopyTo(slot);
      ++used;
    }
  };
  fill(args);
  fill(aux);
  MX_CHECK_AS(ValueError, missing.empty())
      << path << " has no value for the parameters " << missing
      << "; pass the .params file saved with this symbol, or leave --params out for random ones.";
  if (static_cast<size_t>(used) < file.size())
    out << "note: " << file.size() - used << " array(s) of " << path << " are not used.\n";
}

void RandomParams(const mx::Symbol& net, const std::map<std::string, mx::Shape>& inputs,
                  std::map<std::string, mx::NDArray>* args,
                  std::map<std::string, mx::NDArray>* aux) {
  std::map<std::string, mx::ParamMap> attrs = net.AttrDict();
  mx::init::Uniform init(0.07);
  auto fill = [&](std::map<std::string, mx::NDArray>* dict) {
    for (auto& [name, slot] : *dict) {
      if (inputs.count(name) || IsLabel(name)) continue;
      std::string by_attr;
      auto a = attrs.find(name);
      if (a != attrs.end() && a->second.count("__init__")) by_attr = a->second.at("__init__");
      try {
        init.InitByAttr(name, by_attr, slot);
      } catch (const mx::ValueError&) {  // a name without a known pattern (e.g. a PReLU alpha)
        mx::nd::random::uniform(-0.07, 0.07, slot);
      }
    }
  };
  fill(args);
  fill(aux);
}

}  // namespace

void ForwardCheck(const mx::Symbol& net, const std::map<std::string, mx::Shape>& inputs,
                  const std::string& params_path, std::ostream& out) {
  mx::random::Seed(0);
  mx::SimpleBindArgs bind;
  bind.shapes = inputs;
  bind.grad_req = mx::GradReq::kNull;
  mx::Executor exec = mx::Executor::SimpleBind(net, mx::cpu(), bind);
  std::map<std::string, mx::NDArray> args = exec.arg_dict(), aux = exec.aux_dict();
  if (params_path.empty()) {
    RandomParams(net, inputs, &args, &aux);
  } else {
    LoadParams(params_path, inputs, &args, &aux, out);
  }
  for (const auto& [name, shape] : inputs) {
    auto it = args.find(name);
    if (it != args.end()) mx::nd::random::uniform(0, 1, it->second);
  }
  for (auto& [name, slot] : args)
    if (IsLabel(name) && !inputs.count(name)) slot = 0.0;
  const std::vector<mx::NDArray>& outputs = exec.Forward(false);
  std::vector<std::string> names = net.ListOutputs();
  out << "Forward pass (" << (params_path.empty() ? "random parameters" : params_path)
      << ", inputs U(0, 1), seed 0):\n";
  for (size_t i = 0; i < outputs.size(); ++i) {
    std::vector<double> v = outputs[i].ToVector<double>();
    double sum = 0, abs_sum = 0;
    for (double x : v) {
      MX_CHECK(std::isfinite(x)) << "output " << names[i] << " of the forward pass is not finite ("
                                 << x << ").";
      sum += x;
      abs_sum += std::fabs(x);
    }
    out << "  " << names[i] << " " << outputs[i].shape() << std::setprecision(9)
        << " sum=" << sum << " abs_sum=" << abs_sum << "\n";
  }
}

}  // namespace tools
