#include "core/symbol/legacy_json.h"

#include "core/base/error.h"
#include "core/op/op_def.h"

namespace mx {
namespace {

const char* const kHiddenKeys[] = {"ctx_group", "lr_mult", "wd_mult", "force_mirroring",
                                   "mirror_stage"};

bool EndsWith(const std::string& s, const std::string& tail) {
  return s.size() >= tail.size() && s.compare(s.size() - tail.size(), tail.size(), tail) == 0;
}

std::vector<std::string> InputNames(const JsonNodeRecord& n, const ParamMap& dict) {
  const OpDef& op = OpRegistry::Get()->Find(n.op);
  return op.input_names(op.MakeAttrs(dict, n.name));
}

// MXNet's UpgradeJSON_FixParsing.
void FixParsing(std::vector<JsonNodeRecord>* nodes) {
  for (JsonNodeRecord& n : *nodes) {
    ParamMap kept, hidden;
    for (const auto& kv : n.attrs) {
      bool is_hidden = false;
      for (const char* key : kHiddenKeys) {
        if (kv.first == key || (kv.first.size() > std::string(key).size() + 1 &&
                                EndsWith(kv.first, std::string("_") + key))) {
          is_hidden = true;
          break;
        }
      }
      (is_hidden ? hidden : kept)[kv.first] = kv.second;
    }
    n.attrs = kept;
    std::vector<std::string> arg_names;
    if (n.op != "null" && !hidden.empty()) arg_names = InputNames(n, kept);
    for (const auto& [k, v] : hidden) {
      bool placed = false;
      for (const char* key : kHiddenKeys) {
        std::string hk(key);
        if (k == hk) {
          n.attrs["__" + hk + "__"] = v;
          placed = true;
          break;
        }
        if (!EndsWith(k, "_" + hk)) continue;
        if (n.op == "null") break;
        std::string arg = k.substr(0, k.size() - hk.size() - 1);
        for (size_t i = 0; i < arg_names.size() && i < n.inputs.size(); ++i) {
          if (arg_names[i] != arg) continue;
          int64_t src = n.inputs[i][0];
          MX_CHECK_AS(ValueError, src >= 0 && src < static_cast<int64_t>(nodes->size()))
              << "symbol JSON: node " << n.name << " has an input " << src << " out of range.";
          (*nodes)[src].attrs["__" + hk + "__"] = v;
          placed = true;
        }
        break;
      }
      if (!placed) n.attrs[k] = v;
    }
  }
}

// MXNet's UpgradeJSON_000800_000900: auxiliary states were not stored before 0.9.
void AddMissingInputs(std::vector<JsonNodeRecord>* nodes) {
  size_t n_nodes = nodes->size();
  for (size_t id = 0; id < n_nodes; ++id) {
    if ((*nodes)[id].op == "null") continue;
    const OpDef& op = OpRegistry::Get()->Find((*nodes)[id].op);
    OpAttrs attrs = op.MakeAttrs((*nodes)[id].attrs, (*nodes)[id].name);
    std::vector<std::string> names = op.input_names(attrs);
    for (size_t i = (*nodes)[id].inputs.size(); i < names.size(); ++i) {
      JsonNodeRecord var;
      var.op = "null";
      var.name = (*nodes)[id].name + "_" + names[i];
      var.attrs = (*nodes)[id].attrs;
      nodes->push_back(var);
      (*nodes)[id].inputs.push_back({static_cast<int64_t>(nodes->size() - 1), 0, 0});
    }
  }
}

// MXNet's UpgradeJSON_000903_000904: FSetInputVarAttrOnCompose on existing variables.
void SetInputInits(std::vector<JsonNodeRecord>* nodes) {
  for (size_t id = 0; id < nodes->size(); ++id) {
    if ((*nodes)[id].op == "null") continue;
    const OpDef& op = OpRegistry::Get()->Find((*nodes)[id].op);
    for (const auto& [index, init] : op.input_inits()) {
      if (index >= static_cast<int>((*nodes)[id].inputs.size())) continue;
      JsonNodeRecord& var = (*nodes)[(*nodes)[id].inputs[index][0]];
      if (var.op == "null" && !var.attrs.count("__init__")) var.attrs["__init__"] = init;
    }
  }
}

// MXNet's UpgradeJSON_000904_000905: argmax/argmin's axis became optional.
void DropArgmaxAxis(std::vector<JsonNodeRecord>* nodes) {
  for (JsonNodeRecord& n : *nodes) {
    if (n.op != "argmax" && n.op != "argmin") continue;
    auto it = n.attrs.find("axis");
    if (it != n.attrs.end() && it->second == "-1") n.attrs.erase(it);
  }
}

}  // namespace

void UpgradeLegacyJson(std::vector<JsonNodeRecord>* nodes, int version) {
  // Every operator name and parameter set is checked first, so errors name the node.
  for (const JsonNodeRecord& n : *nodes) {
    if (n.op == "null") continue;
    ParamMap visible;
    for (const auto& kv : n.attrs) {
      bool hidden = false;
      for (const char* key : kHiddenKeys) hidden = hidden || EndsWith(kv.first, key);
      if (!hidden) visible.insert(kv);
    }
    try {
      OpRegistry::Get()->Find(n.op).MakeAttrs(visible, n.name);
    } catch (Error& e) {
      e.AddContext("symbol JSON: node " + n.name + " (" + n.op + "): ");
      throw;
    }
  }
  FixParsing(nodes);
  if (version < 900) AddMissingInputs(nodes);
  if (version < 904) SetInputInits(nodes);
  if (version < 905) DropArgmaxAxis(nodes);
}

}  // namespace mx
