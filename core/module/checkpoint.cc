#include "core/module/checkpoint.h"

#include <dirent.h>

#include <algorithm>
#include <vector>

#include "core/base/error.h"
#include "core/module/state_codec.h"
#include "core/ndarray/init.h"
#include "core/ndarray/io.h"
#include "core/symbol/symbol_json.h"

namespace mx {
namespace mod {
namespace {

const NDArray& Get(const std::map<std::string, NDArray>& m, const std::string& key,
                   const std::string& file) {
  auto it = m.find(key);
  MX_CHECK_AS(IOError, it != m.end())
      << file << " has no '" << key << "' entry; it is not a Tessera training checkpoint.";
  return it->second;
}

}  // namespace

void SaveTrainingCheckpoint(const std::string& prefix, const std::string& tag, const Module& module,
                            const io::DataIter& iter, TrainingPosition pos) {
  std::map<std::string, NDArray> states = module.OptimizerStateArrays();
  states["epoch"] = Int64Array(pos.epoch);
  states["nbatch"] = Int64Array(pos.nbatch);
  states["rng"] = TextArray(random::GetState());
  states["iter"] = TextArray(iter.SaveState());
  SaveSymbolFile(module.symbol(), prefix + "-symbol.json");
  auto [arg, aux] = module.GetParams();
  // Parameters first: a states file never points at parameters that were not written.
  SaveParamsFile(prefix + "-" + tag + ".params", arg, aux);
  nd::Save(prefix + "-" + tag + ".states", states);
}

TrainingPosition LoadTrainingCheckpoint(const std::string& prefix, const std::string& tag,
                                        Module* module, io::DataIter* iter) {
  std::string states_path = prefix + "-" + tag + ".states";
  std::map<std::string, NDArray> states = nd::LoadDict(states_path);
  auto [arg, aux] = LoadParamsFile(prefix + "-" + tag + ".params");
  TrainingPosition pos;
  pos.epoch = static_cast<int>(Get(states, "epoch", states_path).ToVector<int64_t>()[0]);
  pos.nbatch = Get(states, "nbatch", states_path).ToVector<int64_t>()[0];
  std::string rng = ArrayText(Get(states, "rng", states_path));
  std::string it = ArrayText(Get(states, "iter", states_path));
  module->SetParams(arg, aux);
  module->SetOptimizerStateArrays(states);
  random::SetState(rng);
  iter->LoadState(it);
  return pos;
}

std::vector<CheckpointCandidate> FindCheckpoints(
    const std::string& prefix, const std::string& suffix,
    const std::function<TrainingPosition(const std::string& dir, const std::string& name)>& read,
    const Logger& logger) {
  size_t slash = prefix.find_last_of('/');
  std::string dir = slash == std::string::npos ? "." : prefix.substr(0, slash);
  std::string head = (slash == std::string::npos ? prefix : prefix.substr(slash + 1)) + "-";
  std::vector<CheckpointCandidate> found;
  if (DIR* d = opendir(dir.c_str())) {
    while (dirent* e = readdir(d)) {
      std::string name = e->d_name;
      if (name.size() <= head.size() + suffix.size() || name.rfind(head, 0) != 0 ||
          name.compare(name.size() - suffix.size(), suffix.size(), suffix) != 0)
        continue;
      std::string tag = name.substr(head.size(), name.size() - head.size() - suffix.size());
      try {
        found.push_back({read(dir, name), tag});
      } catch (const Error& err) {
        logger("Skipping checkpoint " + dir + "/" + name + ": " + err.what());
      }
    }
    closedir(d);
  }
  std::sort(found.begin(), found.end(), [](const auto& a, const auto& b) {
    return std::make_pair(a.pos.epoch, a.pos.nbatch) > std::make_pair(b.pos.epoch, b.pos.nbatch);
  });
  return found;
}

bool ResumeFromNewest(const std::string& prefix, Module* module, io::DataIter* iter,
                      TrainingPosition* pos, const Logger& logger) {
  // Candidates: every prefix-TAG.states, newest position first.
  auto read = [](const std::string& dir, const std::string& name) {
    std::map<std::string, NDArray> s = nd::LoadDict(dir + "/" + name);
    TrainingPosition p;
    p.epoch = static_cast<int>(Get(s, "epoch", name).ToVector<int64_t>()[0]);
    p.nbatch = Get(s, "nbatch", name).ToVector<int64_t>()[0];
    return p;
  };
  for (const CheckpointCandidate& f : FindCheckpoints(prefix, ".states", read, logger)) {
    try {
      *pos = LoadTrainingCheckpoint(prefix, f.tag, module, iter);
      logger("Resuming from " + prefix + "-" + f.tag + " at epoch " + std::to_string(pos->epoch) +
             ", batch " + std::to_string(pos->nbatch));
      return true;
    } catch (const Error& err) {
      logger("Skipping checkpoint " + prefix + "-" + f.tag + ": " + err.what());
    }
  }
  return false;
}

}  // namespace mod
}  // namespace mx
