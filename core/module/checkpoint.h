// Training checkpoints that resume exactly. A checkpoint "prefix-TAG" is three files:
//   prefix-symbol.json   the network (MXNet JSON);
//   prefix-TAG.params    arg:/aux: parameters (MXNet's format, loadable by MXNet);
//   prefix-TAG.states    everything else needed to continue bit for bit, as an NDArray dict
//                        file: "epoch" and "nbatch" (int64, the position: batches done in
//                        that epoch), "rng" (uint8 text of the global generator), "iter"
//                        (uint8 text of the data iterator's SaveState), and the optimizer's
//                        "optimizer", "state:<param>:<k>" and "count:<param>" arrays.
// TAG is "%04d" (epoch + 1) at epoch ends, "latest" for checkpoints inside an epoch. Every
// file is written atomically and carries a CRC-32 (core/ndarray/io.h); a checkpoint that fails
// to load is skipped and the next newest is used.
#ifndef TESSERA_CORE_MODULE_CHECKPOINT_H_
#define TESSERA_CORE_MODULE_CHECKPOINT_H_

#include <functional>
#include <string>
#include <vector>

#include "core/io/data_iter.h"
#include "core/module/module.h"

namespace mx {
namespace mod {

struct TrainingPosition {
  int epoch = 0;
  int64_t nbatch = 0;  // batches already done in `epoch`
};

void SaveTrainingCheckpoint(const std::string& prefix, const std::string& tag, const Module& module,
                            const io::DataIter& iter, TrainingPosition pos);
// Restores parameters, optimizer, generator and iterator (the module must be bound with its
// optimizer initialized). IOError when a file is missing, truncated or corrupt.
TrainingPosition LoadTrainingCheckpoint(const std::string& prefix, const std::string& tag,
                                        Module* module, io::DataIter* iter);
// The checkpoints of `prefix` that have a file "prefix-TAG<suffix>" in its directory, newest
// first by the position `read(dir, file name)` returns for that file. A file `read` throws for
// is logged ("Skipping checkpoint DIR/NAME: why") and left out.
struct CheckpointCandidate {
  TrainingPosition pos;
  std::string tag;
};
std::vector<CheckpointCandidate> FindCheckpoints(
    const std::string& prefix, const std::string& suffix,
    const std::function<TrainingPosition(const std::string& dir, const std::string& name)>& read,
    const Logger& logger);

// Loads the newest checkpoint of `prefix` that is intact (by position), logging the ones it
// skips; returns false when there is none.
bool ResumeFromNewest(const std::string& prefix, Module* module, io::DataIter* iter,
                      TrainingPosition* pos, const Logger& logger);

}  // namespace mod
}  // namespace mx

#endif  // TESSERA_CORE_MODULE_CHECKPOINT_H_
