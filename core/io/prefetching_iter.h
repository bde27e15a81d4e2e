// PrefetchingIter: runs another iterator on a background thread, one batch ahead, so loading
// overlaps training (MXNet's mx.io.PrefetchingIter). Next() hands over the batch prepared in
// the background and starts the next; Reset() waits for the thread, resets the inner
// iterator and starts again. Errors thrown by the inner iterator are rethrown from Next().
// The wrapper is used from one thread; the inner iterator only from the background one.
#ifndef TESSERA_CORE_IO_PREFETCHING_ITER_H_
#define TESSERA_CORE_IO_PREFETCHING_ITER_H_

#include <exception>
#include <future>
#include <memory>

#include "core/io/data_iter.h"

namespace mx {
namespace io {

class PrefetchingIter : public DataIter {
 public:
  explicit PrefetchingIter(std::unique_ptr<DataIter> inner);
  ~PrefetchingIter() override;
  void Reset() override;
  void SetPartition(int num_parts, int part_index) override;
  bool Next(DataBatch* batch) override;
  std::vector<DataDesc> ProvideData() const override { return inner_->ProvideData(); }
  std::vector<DataDesc> ProvideLabel() const override { return inner_->ProvideLabel(); }

 private:
  struct Fetched {
    bool ok = false;
    DataBatch batch;
  };
  void Start();
  // Waits for the batch in flight and drops it.
  void Drain();
  std::unique_ptr<DataIter> inner_;
  std::future<Fetched> next_;
};

}  // namespace io
}  // namespace mx

#endif  // TESSERA_CORE_IO_PREFETCHING_ITER_H_
