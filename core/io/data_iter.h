// Data iterators (MXNet's mx.io): DataDesc describes one input (name, shape with the batch axis
// first, dtype, layout), DataBatch carries one batch (data and label arrays in provide_data /
// provide_label order, `pad` = how many trailing samples are filler), DataIter is the
// interface: Next() fills the next batch or returns false at the end of an epoch; Reset()
// starts a new epoch. Iterators are not thread-safe; PrefetchingIter runs one on a thread.
#ifndef TESSERA_CORE_IO_DATA_ITER_H_
#define TESSERA_CORE_IO_DATA_ITER_H_

#include <iosfwd>
#include <string>
#include <vector>

#include "core/base/dtype.h"
#include "core/base/shape.h"
#include "core/ndarray/ndarray.h"

namespace mx {
namespace io {

struct DataDesc {
  std::string name;
  Shape shape;
  DType dtype = kFloat32;
  std::string layout = "NCHW";
};
// MXNet's repr: DataDesc[data,(8, 3, 224, 224),<class 'numpy.float32'>,NCHW]
std::ostream& operator<<(std::ostream& os, const DataDesc& d);
std::ostream& operator<<(std::ostream& os, const std::vector<DataDesc>& d);

struct DataBatch {
  DataBatch() = default;
  explicit DataBatch(std::vector<NDArray> data, std::vector<NDArray> label = {}, int pad = 0)
      : data(std::move(data)), label(std::move(label)), pad(pad) {}
  std::vector<NDArray> data;
  std::vector<NDArray> label;
  int pad = 0;
  std::vector<int64_t> index;  // sample indices in this batch, when the iterator knows them
};

// ValueError naming `who` unless 0 <= part_index < num_parts.
void CheckPartition(const char* who, int num_parts, int part_index);

class DataIter {
 public:
  virtual ~DataIter() = default;
  virtual void Reset() = 0;
  // Fills `batch` with the next batch; false at the end of the epoch.
  virtual bool Next(DataBatch* batch) = 0;
  virtual std::vector<DataDesc> ProvideData() const = 0;
  virtual std::vector<DataDesc> ProvideLabel() const = 0;
  int64_t batch_size() const { return batch_size_; }
  // The position within the epoch and everything that decides the coming batches (order,
  // shuffling generator), as text, so a restored iterator continues exactly. Iterators that
  // cannot do this throw NotImplementedError.
  virtual std::string SaveState() const;
  // ValueError when `state` was not saved by an iterator of this kind and size.
  virtual void LoadState(const std::string& state);
  // Re-partitions the samples (elastic training: when the job's set of workers changes, each
  // live worker takes part `part_index` of `num_parts`, contiguous and in sample order) and
  // starts a new epoch. ValueError for a bad part; iterators that cannot do this throw
  // NotImplementedError.
  virtual void SetPartition(int num_parts, int part_index);

 protected:
  int64_t batch_size_ = 0;
};

}  // namespace io
}  // namespace mx

#endif  // TESSERA_CORE_IO_DATA_ITER_H_
