// Lists the operator registry: each operator's name, devices with a kernel, whether it has a
// gradient, its inputs (for default parameters) and its parameters with their defaults.
// Usage: bazel run //tools:op_list [-- NAME_SUBSTRING]
#include <iostream>
#include <string>

#include "core/op/op_def.h"
#include "core/tessera.h"

int main(int argc, char** argv) {
  std::string filter = argc > 1 ? argv[1] : "";
  try {
    int shown = 0;
    for (const std::string& name : mx::OpRegistry::Get()->Names()) {
      if (name.find(filter) == std::string::npos) continue;
      const mx::OpDef& op = mx::OpRegistry::Get()->Find(name);
      std::cout << name << "  [" << op.devices() << "]" << (op.gradient() ? "  [gradient]" : "")
                << "\n    " << op.description() << "\n";
      std::vector<std::string> docs = op.param_docs();
      bool required = false;
      for (const std::string& d : docs) required |= d.find(", required") != std::string::npos;
      if (!required) {
        std::string inputs;
        for (const std::string& i : op.input_names(op.MakeAttrs({})))
          inputs += (inputs.empty() ? "" : ", ") + i;
        std::cout << "    inputs: " << inputs << "\n";
      }
      for (const std::string& d : docs) std::cout << "    " << d << "\n";
      ++shown;
    }
    std::cout << shown << " operators\n";
  } catch (const mx::Error& e) {
    std::cerr << "op_list failed: " << e.what() << "\n";
    return 1;
  }
  return 0;
}
