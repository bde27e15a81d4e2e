// Module's epoch loops (Fit, Score, Predict), callbacks and checkpoint files.
#include <chrono>
#include <cstdarg>
#include <cstdio>
#include <iostream>

#include "core/base/env.h"
#include "core/base/error.h"
#include "core/module/checkpoint.h"
#include "core/module/dist_checkpoint.h"
#include "core/module/module.h"
#include "core/ndarray/io.h"
#include "core/ops/nd_api.h"
#include "core/symbol/symbol_json.h"

namespace mx {
namespace mod {
namespace {

std::string Format(const char* fmt, ...) __attribute__((format(printf, 1, 2)));
std::string Format(const char* fmt, ...) {
  char buf[512];
  va_list args;
  va_start(args, fmt);
  std::vsnprintf(buf, sizeof(buf), fmt, args);
  va_end(args);
  return buf;
}

std::string ParamsPath(const std::string& prefix, int epoch) {
  return prefix + Format("-%04d.params", epoch);
}

}  // namespace

Logger DefaultLogger() {
  return [](const std::string& line) { std::cerr << "INFO:root:" << line << std::endl; };
}

BatchEndCallback Speedometer(int64_t batch_size, int frequent, Logger logger) {
  if (!logger) logger = DefaultLogger();
  struct State {
    std::chrono::steady_clock::time_point tic;
    int last = -1;
  };
  auto s = std::make_shared<State>();
  return [=](const BatchEndParam& p) {
    if (p.nbatch < s->last || s->last < 0) {
      s->tic = std::chrono::steady_clock::now();
      s->last = p.nbatch;
      return;
    }
    if (p.nbatch % frequent != 0) return;
    double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - s->tic).count();
    double speed = frequent * static_cast<double>(batch_size) / secs;
    std::string msg =
        Format("Epoch[%d] Batch [%d]\tSpeed: %.2f samples/sec", p.epoch, p.nbatch, speed);
    if (p.eval_metric)
      for (const auto& [name, value] : p.eval_metric->GetNameValue())
        msg += Format("\t%s=%f", name.c_str(), value);
    logger(msg);
    s->tic = std::chrono::steady_clock::now();
    s->last = p.nbatch;
  };
}

EpochEndCallback DoCheckpoint(const std::string& prefix, int period) {
  MX_CHECK_AS(ValueError, period >= 1) << "DoCheckpoint: period must be >= 1, found " << period;
  return [prefix, period](int epoch, const Symbol& symbol, const ParamDict& arg,
                          const ParamDict& aux) {
    if ((epoch + 1) % period != 0) return;
    SaveSymbolFile(symbol, prefix + "-symbol.json");
    SaveParamsFile(ParamsPath(prefix, epoch + 1), arg, aux);
  };
}

void Module::Fit(io::DataIter* train, const FitOptions& o) {
  FitEpochs(train, o);
  WaitForQueued();
}

void Module::FitEpochs(io::DataIter* train, const FitOptions& o) {
  MX_CHECK_AS(ValueError, train != nullptr) << "Module::Fit: no training data iterator.";
  MX_CHECK_AS(ValueError, o.num_epoch > o.begin_epoch)
      << "Module::Fit: num_epoch (" << o.num_epoch << ") must exceed begin_epoch (" << o.begin_epoch
      << ").";
  Logger log = o.logger ? o.logger : DefaultLogger();
  // A dist store before binding: in a scheduler or server process the call runs that role and
  // exits (as MXNet's), and a worker on CPU binds its gradients on cpu_shared, in the store's
  // shared memory, where a server of this machine reads a push-pull without a copy
  // (dist/ps/shm_arrays.h).
  std::shared_ptr<kv::KVStore> store = o.kvstore_instance;
  if (!store && o.kvstore.rfind("dist", 0) == 0) store = kv::Create(o.kvstore);
  bool on_host = true;
  for (const Context& c : contexts_) on_host = on_host && c.is_host();
  shared_grads_ = store && store->is_distributed() && on_host;
  Bind(train->ProvideData(), train->ProvideLabel(), true, false, o.force_rebind);
  InitParamsOptions ip;
  ip.initializer = o.initializer;
  ip.arg_params = o.arg_params;
  ip.aux_params = o.aux_params;
  ip.allow_missing = o.allow_missing;
  ip.force_init = o.force_init;
  InitParams(ip);
  InitOptimizer(o.kvstore, o.optimizer, o.optimizer_params, false, o.lr_scheduler, store);
  int begin_epoch = o.begin_epoch;
  int64_t skip_batches = 0;
  MX_CHECK_AS(ValueError, !o.resume || !o.checkpoint_prefix.empty())
      << "Module::Fit: resume needs checkpoint_prefix.";
  // A dist store checkpoints every worker and server together (dist_checkpoint.h).
  bool dist = kvstore_ && kvstore_->is_distributed();
  auto checkpoint = [&](const std::string& tag, TrainingPosition pos) {
    if (dist)
      SaveDistCheckpoint(o.checkpoint_prefix, tag, *this, *train, pos);
    else
      SaveTrainingCheckpoint(o.checkpoint_prefix, tag, *this, *train, pos);
  };
  // `launch --resume` / `--max-restarts` ask every process to resume through TESSERA_RESUME.
  // A replacement worker of an elastic job never resumes: it takes the job's state when admitted.
  bool resume = o.resume || (!o.checkpoint_prefix.empty() && EnvBool("TESSERA_RESUME"));
  if (kvstore_ && kvstore_->is_replacement()) resume = false;
  if (resume) {
    TrainingPosition pos;
    if (dist ? ResumeDistFromNewest(o.checkpoint_prefix, this, train, &pos, log)
             : ResumeFromNewest(o.checkpoint_prefix, this, train, &pos, log)) {
      begin_epoch = pos.epoch;
      skip_batches = pos.nbatch;
    } else {
      log("No checkpoint to resume from at " + o.checkpoint_prefix + "; starting afresh");
    }
  }
  int64_t batches_run = 0;
  std::shared_ptr<metric::EvalMetric> train_metric = metric::Create(o.eval_metric);
  std::shared_ptr<metric::EvalMetric> val_metric =
      metric::Create(o.validation_metric.empty() ? o.eval_metric : o.validation_metric);
  // The training iterator holds part rank() of num_workers() (MXNet's num_parts/part_index);
  // an elastic job re-partitions it when its workers change (KVStore::EpochBegin).
  kv::Membership members;
  if (kvstore_) members = {begin_epoch, kvstore_->num_workers(), kvstore_->rank(), false};
  for (int epoch = begin_epoch; epoch < o.num_epoch; ++epoch) {
    if (kvstore_) {
      kv::Membership now = kvstore_->EpochBegin(epoch);
      if (now.joined) {
        epoch = now.epoch;
        PullParamsFromStore();
        log(
            Format("Epoch[%d] Joined the job in place of a lost worker; weights pulled from the "
                   "servers",
                   epoch));
      }
      if (now.num_parts != members.num_parts || now.part_index != members.part_index) {
        train->SetPartition(now.num_parts, now.part_index);
        log(
            Format("Epoch[%d] Training data re-partitioned over %d worker(s): this worker takes "
                   "part %d",
                   epoch, now.num_parts, now.part_index));
      }
      members = now;
    }
    auto tic = std::chrono::steady_clock::now();
    train_metric->Reset();
    io::DataBatch batch;
    int nbatch = static_cast<int>(skip_batches);
    skip_batches = 0;
    while (train->Next(&batch)) {
      Forward(batch, true);
      Backward();
      Update();
      UpdateMetric(train_metric.get(), batch.label);
      for (const auto& cb : o.batch_end_callback)
        cb(BatchEndParam{epoch, nbatch, train_metric.get()});
      ++nbatch;
      ++batches_run;
      bool stop = o.max_batches >= 0 && batches_run >= o.max_batches;
      if (!o.checkpoint_prefix.empty() &&
          ((o.checkpoint_every > 0 && nbatch % o.checkpoint_every == 0) || stop))
        checkpoint("latest", TrainingPosition{epoch, nbatch});
      if (stop) {
        log(Format("Epoch[%d] Stopped after batch %d (max_batches)", epoch, nbatch));
        if (kvstore_) kvstore_->EpochEnd();
        return;
      }
    }
    if (kvstore_) kvstore_->EpochEnd();  // dist_sync: workers with fewer batches end cleanly
    for (const auto& [name, value] : train_metric->GetNameValue())
      log(Format("Epoch[%d] Train-%s=%f", epoch, name.c_str(), value));
    double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - tic).count();
    log(Format("Epoch[%d] Time cost=%.3f", epoch, secs));
    if (!o.epoch_end_callback.empty()) {
      auto [arg, aux] = GetParams();
      for (const auto& cb : o.epoch_end_callback) cb(epoch, symbol_, arg, aux);
    }
    if (o.eval_data) {
      for (const auto& [name, value] : Score(o.eval_data, val_metric.get()))
        log(Format("Epoch[%d] Validation-%s=%f", epoch, name.c_str(), value));
    }
    train->Reset();
    if (!o.checkpoint_prefix.empty())
      checkpoint(Format("%04d", epoch + 1), TrainingPosition{epoch + 1, 0});
  }
}

std::vector<std::pair<std::string, double>> Module::Score(io::DataIter* eval, metric::EvalMetric* m,
                                                          int num_batch) {
  Require(binded() && params_initialized(), "Score", "Bind(...) and InitParams()");
  eval->Reset();
  m->Reset();
  io::DataBatch batch;
  for (int n = 0; (num_batch < 0 || n < num_batch) && eval->Next(&batch); ++n) {
    Forward(batch, false);
    UpdateMetric(m, batch.label);
  }
  eval->Reset();
  WaitForQueued();
  return m->GetNameValue();
}

std::vector<NDArray> Module::Predict(io::DataIter* eval, int num_batch) {
  Require(binded() && params_initialized(), "Predict", "Bind(...) and InitParams()");
  eval->Reset();
  std::vector<std::vector<NDArray>> parts;
  io::DataBatch batch;
  for (int n = 0; (num_batch < 0 || n < num_batch) && eval->Next(&batch); ++n) {
    Forward(batch, false);
    std::vector<NDArray> outs = GetOutputs();
    parts.resize(outs.size());
    for (size_t k = 0; k < outs.size(); ++k) {
      int64_t keep = outs[k].shape()[0] - batch.pad;
      parts[k].push_back(outs[k].Slice(0, keep).Copy());
    }
  }
  eval->Reset();
  std::vector<NDArray> result;
  for (const auto& p : parts) result.push_back(p.size() == 1 ? p[0] : nd::concat(p, 0));
  for (const NDArray& r : result) r.WaitToRead();
  WaitForQueued();
  return result;
}

void Module::SaveCheckpoint(const std::string& prefix, int epoch) const {
  auto [arg, aux] = GetParams();
  DoCheckpoint(prefix, 1)(epoch - 1, symbol_, arg, aux);
  WaitForQueued();
}

void SaveParamsFile(const std::string& path, const ParamDict& arg, const ParamDict& aux) {
  std::vector<std::pair<std::string, NDArray>> named;
  for (const auto& kv : arg) named.emplace_back("arg:" + kv.first, kv.second);
  for (const auto& kv : aux) named.emplace_back("aux:" + kv.first, kv.second);
  nd::Save(path, named);
}

std::pair<ParamDict, ParamDict> LoadParamsFile(const std::string& path) {
  ParamDict arg, aux;
  for (const auto& [key, array] : nd::LoadDict(path)) {
    if (key.rfind("arg:", 0) == 0)
      arg[key.substr(4)] = array;
    else if (key.rfind("aux:", 0) == 0)
      aux[key.substr(4)] = array;
    else
      MX_THROW(IOError) << path << ": key '" << key << "' has neither an arg: nor an aux: "
                        << "prefix; this is not a Module checkpoint.";
  }
  return {arg, aux};
}

std::tuple<Symbol, ParamDict, ParamDict> LoadCheckpoint(const std::string& prefix, int epoch) {
  Symbol symbol = LoadSymbolFile(prefix + "-symbol.json");
  auto [arg, aux] = LoadParamsFile(ParamsPath(prefix, epoch));
  return {symbol, arg, aux};
}

}  // namespace mod
}  // namespace mx
