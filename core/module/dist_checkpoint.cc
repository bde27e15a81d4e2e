#include "core/module/dist_checkpoint.h"

#include <fstream>
#include <sstream>
#include <vector>

#include "core/base/error.h"
#include "core/base/logging.h"
#include "core/module/state_codec.h"
#include "core/ndarray/init.h"
#include "core/ndarray/io.h"
#include "core/symbol/symbol_json.h"

namespace mx {
namespace mod {
namespace {

std::string ReadAll(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  MX_CHECK_AS(IOError, in.good()) << "cannot read " << path;
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

std::string WorkerFile(const std::string& base, int rank) {
  return base + ".worker" + std::to_string(rank) + ".states";
}

struct Manifest {
  TrainingPosition pos;
  int workers = 0, servers = 0;
  std::vector<std::string> files;  // names relative to the checkpoint's directory
};

std::string DirOf(const std::string& prefix) {
  size_t slash = prefix.find_last_of('/');
  return slash == std::string::npos ? "." : prefix.substr(0, slash);
}

std::string NameOf(const std::string& path) {
  size_t slash = path.find_last_of('/');
  return slash == std::string::npos ? path : path.substr(slash + 1);
}

// Parses a manifest and checks every file it lists (size and CRC-32); IOError naming the first
// problem otherwise.
Manifest ReadManifest(const std::string& path) {
  std::istringstream in(ReadAll(path));
  std::string word;
  int version = 0;
  in >> word >> version;
  MX_CHECK_AS(IOError, word == "tessera-dist-checkpoint" && version == 1)
      << path << " is not a Tessera distributed-checkpoint manifest";
  Manifest m;
  std::string dir = DirOf(path);
  while (in >> word) {
    if (word == "epoch") {
      in >> m.pos.epoch;
    } else if (word == "nbatch") {
      in >> m.pos.nbatch;
    } else if (word == "workers") {
      in >> m.workers;
    } else if (word == "servers") {
      in >> m.servers;
    } else if (word == "file") {
      std::string name;
      size_t bytes = 0;
      uint32_t crc = 0;
      in >> name >> bytes >> crc;
      std::string data = ReadAll(dir + "/" + name);
      MX_CHECK_AS(IOError, data.size() == bytes)
          << dir << "/" << name << " has " << data.size() << " bytes, the manifest says " << bytes
          << " (truncated?)";
      MX_CHECK_AS(IOError, nd::Checksum(data) == crc)
          << dir << "/" << name << " does not match its CRC-32 in the manifest (corrupt)";
      m.files.push_back(name);
    } else {
      MX_THROW(IOError) << path << ": unknown manifest entry '" << word << "'";
    }
  }
  MX_CHECK_AS(IOError, in.eof() && m.workers > 0) << path << " is incomplete";
  return m;
}

}  // namespace

void SaveDistCheckpoint(const std::string& prefix, const std::string& tag, const Module& module,
                        const io::DataIter& iter, TrainingPosition pos) {
  kv::KVStore* kv = module.kvstore();
  MX_CHECK_AS(ValueError, kv && kv->is_distributed())
      << "SaveDistCheckpoint needs a module trained through a dist KVStore.";
  int rank = kv->rank();
  std::string base = prefix + "-" + tag;
  kv->Barrier();  // every worker has finished this step
  auto [arg, aux] = module.GetParams();
  if (rank == 0) {
    SaveSymbolFile(module.symbol(), prefix + "-symbol.json");
    SaveParamsFile(base + ".params", arg, aux);
  }
  std::map<std::string, NDArray> mine;
  mine["epoch"] = Int64Array(pos.epoch);
  mine["nbatch"] = Int64Array(pos.nbatch);
  mine["rng"] = TextArray(random::GetState());
  mine["iter"] = TextArray(iter.SaveState());
  for (const auto& [name, value] : aux) mine["aux:" + name] = value;
  nd::Save(WorkerFile(base, rank), mine);
  std::vector<std::string> shards = kv->SaveServerShards(base);
  kv->Barrier();  // every worker's file is written
  if (rank != 0) return;
  // An elastic job that lost a worker has no data position for it: no checkpoint counts until
  // a replacement has joined (the files are written, the manifest is not).
  if (kv->num_live_workers() < kv->num_workers()) {
    MX_LOG(WARNING) << "checkpoint " << base << " not completed: " << kv->num_live_workers()
                    << " of " << kv->num_workers() << " workers are in the job (elastic); "
                    << "checkpoints count again once a replacement joins";
    return;
  }
  std::ostringstream m;
  m << "tessera-dist-checkpoint 1\nepoch " << pos.epoch << "\nnbatch " << pos.nbatch << "\nworkers "
    << kv->num_workers() << "\nservers " << shards.size() << "\n";
  std::vector<std::string> files = {prefix + "-symbol.json", base + ".params"};
  for (int r = 0; r < kv->num_workers(); ++r) files.push_back(WorkerFile(base, r));
  files.insert(files.end(), shards.begin(), shards.end());
  for (const std::string& f : files) {
    std::string data = ReadAll(f);
    m << "file " << NameOf(f) << " " << data.size() << " " << nd::Checksum(data) << "\n";
  }
  nd::WriteFileAtomically(base + ".manifest", m.str());
}

bool ResumeDistFromNewest(const std::string& prefix, Module* module, io::DataIter* iter,
                          TrainingPosition* pos, const Logger& logger) {
  kv::KVStore* kv = module->kvstore();
  MX_CHECK_AS(ValueError, kv && kv->is_distributed())
      << "ResumeDistFromNewest needs a module trained through a dist KVStore.";
  auto read = [&](const std::string& dir, const std::string& name) {
    Manifest m = ReadManifest(dir + "/" + name);
    MX_CHECK_AS(IOError, m.workers == kv->num_workers())
        << "written by " << m.workers << " workers, this job has " << kv->num_workers();
    return m.pos;
  };
  Logger quiet = [](const std::string&) {};  // one worker reports what all of them skip
  Logger report = kv->rank() == 0 ? logger : quiet;
  // Files of a checkpoint whose manifest was never written: the job stopped while saving it.
  auto tag_only = [](const std::string&, const std::string&) { return TrainingPosition{}; };
  for (const CheckpointCandidate& c : FindCheckpoints(prefix, ".params", tag_only, quiet)) {
    std::string manifest = prefix + "-" + c.tag + ".manifest";
    if (!std::ifstream(manifest))
      report("Skipping checkpoint " + prefix + "-" + c.tag + ": it has no manifest " + manifest +
             " (the job stopped before the checkpoint was complete)");
  }
  std::vector<CheckpointCandidate> found = FindCheckpoints(prefix, ".manifest", read, report);
  if (found.empty()) return false;
  std::string base = prefix + "-" + found[0].tag;
  auto [arg, aux] = LoadParamsFile(base + ".params");
  std::map<std::string, NDArray> mine = nd::LoadDict(WorkerFile(base, kv->rank()));
  for (auto& [name, value] : aux) {
    auto it = mine.find("aux:" + name);
    if (it != mine.end()) value = it->second;  // this worker's own statistics
  }
  module->SetParams(arg, aux);
  kv->LoadServerShards(base);
  pos->epoch = static_cast<int>(mine.at("epoch").ToVector<int64_t>()[0]);
  pos->nbatch = mine.at("nbatch").ToVector<int64_t>()[0];
  random::SetState(ArrayText(mine.at("rng")));
  iter->LoadState(ArrayText(mine.at("iter")));
  logger("Resuming from " + base + " at epoch " + std::to_string(pos->epoch) + ", batch " +
         std::to_string(pos->nbatch));
  return true;
}

}  // namespace mod
}  // namespace mx
