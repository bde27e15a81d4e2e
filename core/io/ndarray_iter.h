// NDArrayIter: batches over in-memory arrays (MXNet's mx.io.NDArrayIter). Every array's first
// axis is the sample axis and all must have the same length. shuffle permutes the samples at
// construction and at every Reset (seeded: the same seed gives the same order).
// last_batch_handle: "pad" fills the last batch from the start (DataBatch::pad says how many),
// "discard" drops it, "roll_over" carries the remainder into the next epoch.
#ifndef TESSERA_CORE_IO_NDARRAY_ITER_H_
#define TESSERA_CORE_IO_NDARRAY_ITER_H_

#include <cstdint>
#include <memory>
#include <random>
#include <string>
#include <utility>
#include <vector>

#include "core/io/data_iter.h"

namespace mx {
namespace io {

struct NDArrayIterOptions {
  int64_t batch_size = 1;
  bool shuffle = false;
  std::string last_batch_handle = "pad";
  uint32_t seed = 0;
  // This iterator's share of the samples: part `part_index` of `num_parts` contiguous parts
  // (a worker's shard; SetPartition changes it later).
  int num_parts = 1;
  int part_index = 0;
};

class NDArrayIter : public DataIter {
 public:
  // data/label as (name, array) in order; ValueError on empty data, mismatched lengths, a
  // batch size < 1 or an unknown last_batch_handle.
  NDArrayIter(std::vector<std::pair<std::string, NDArray>> data,
              std::vector<std::pair<std::string, NDArray>> label,
              const NDArrayIterOptions& options);
  void Reset() override;
  bool Next(DataBatch* batch) override;
  std::vector<DataDesc> ProvideData() const override;
  std::vector<DataDesc> ProvideLabel() const override;
  std::string SaveState() const override;
  void LoadState(const std::string& state) override;
  void SetPartition(int num_parts, int part_index) override;
  int64_t num_samples() const { return num_; }
  // Position for checkpoints: the next sample's place in the epoch order and the epoch count.
  int64_t cursor() const { return cursor_; }

 private:
  NDArray Gather(const NDArray& source, const std::vector<int64_t>& rows) const;
  std::vector<DataDesc> Describe(const std::vector<std::pair<std::string, NDArray>>& a) const;
  // Selects part `part_index` of `num_parts` of all_data_/all_label_ into data_/label_.
  void SelectPart(int num_parts, int part_index);
  std::vector<std::pair<std::string, NDArray>> all_data_, all_label_;  // every sample
  std::vector<std::pair<std::string, NDArray>> data_, label_;          // this part's
  NDArrayIterOptions opt_;
  int64_t num_ = 0;
  std::vector<int64_t> order_;
  int64_t cursor_ = 0;
  std::vector<int64_t> carry_;  // roll_over: samples left from the previous epoch
  std::mt19937 rng_;
};

// Base of iterators that load their data into memory and batch it with an NDArrayIter
// (MNISTIter, CSVIter): every call forwards to `inner_`, which the constructor builds.
class InMemoryIter : public DataIter {
 public:
  void Reset() override { inner_->Reset(); }
  bool Next(DataBatch* batch) override { return inner_->Next(batch); }
  std::vector<DataDesc> ProvideData() const override { return inner_->ProvideData(); }
  std::vector<DataDesc> ProvideLabel() const override { return inner_->ProvideLabel(); }
  std::string SaveState() const override { return inner_->SaveState(); }
  void LoadState(const std::string& state) override { inner_->LoadState(state); }
  void SetPartition(int num_parts, int part_index) override {
    inner_->SetPartition(num_parts, part_index);
  }
  int64_t num_samples() const { return inner_->num_samples(); }

 protected:
  std::unique_ptr<NDArrayIter> inner_;
};

}  // namespace io
}  // namespace mx

#endif  // TESSERA_CORE_IO_NDARRAY_ITER_H_
