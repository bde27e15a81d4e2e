// CSVIter: batches from CSV files of numbers (MXNet's mx.io.CSVIter). Each row of data_csv is
// one sample, reshaped to data_shape; label_csv (optional; zeros otherwise) gives label_shape
// per row. round_batch pads the last batch from the start (NDArrayIter "pad"), otherwise it is
// dropped. Files are read whole at construction; a malformed number or a row of the wrong
// length is a ValueError naming the file, line and column count.
#ifndef TESSERA_CORE_IO_CSV_ITER_H_
#define TESSERA_CORE_IO_CSV_ITER_H_

#include <memory>
#include <string>

#include "core/io/ndarray_iter.h"

namespace mx {
namespace io {

struct CSVIterOptions {
  std::string data_csv;
  Shape data_shape;
  std::string label_csv;  // optional
  Shape label_shape = {1};
  int64_t batch_size = 1;
  bool round_batch = true;
  bool shuffle = false;
  uint32_t seed = 0;
};

class CSVIter : public InMemoryIter {
 public:
  explicit CSVIter(const CSVIterOptions& options);
};

}  // namespace io
}  // namespace mx

#endif  // TESSERA_CORE_IO_CSV_ITER_H_
