// Checkpoints of a distributed (dist_sync) job that resume bit for bit. For prefix P and tag T
// (the same tags as checkpoint.h: "%04d" at epoch ends, "latest" inside an epoch):
//   P-symbol.json, P-T.params    worker 0: the network and its parameters (MXNet's files);
//   P-T.worker<r>.states         every worker: position (epoch, nbatch), generator, data
//                                iterator state and its own auxiliary states (batch-norm
//                                statistics differ per worker);
//   P-T.server<s>.states         every server: its keys' weights, optimizer states, update
//                                counts and rounds (MXNet cannot save these at all);
//   P-T.manifest                 worker 0, last and atomically, after every other file is
//                                written: the position and every file's size and CRC-32.
// A checkpoint counts only when its manifest is there and every file it lists matches; resume
// takes the newest such one and logs why it skipped others. All files go to one directory that
// every node can read (one machine, or a shared file system). Every worker calls both.
#ifndef TESSERA_CORE_MODULE_DIST_CHECKPOINT_H_
#define TESSERA_CORE_MODULE_DIST_CHECKPOINT_H_

#include <string>

#include "core/module/checkpoint.h"

namespace mx {
namespace mod {

void SaveDistCheckpoint(const std::string& prefix, const std::string& tag, const Module& module,
                        const io::DataIter& iter, TrainingPosition pos);
// Restores the newest complete checkpoint of `prefix` into the module, the iterator, the
// generator and the servers; false when there is none.
bool ResumeDistFromNewest(const std::string& prefix, Module* module, io::DataIter* iter,
                          TrainingPosition* pos, const Logger& logger);

}  // namespace mod
}  // namespace mx

#endif  // TESSERA_CORE_MODULE_DIST_CHECKPOINT_H_
