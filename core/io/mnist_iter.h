// MNISTIter: batches from MNIST-format IDX files (MXNet's mx.io.MNISTIter), e.g. Fashion-MNIST
// from Debian's dataset-fashion-mnist (/usr/share/datasets/fashion-mnist). Files may be raw or
// gzip-compressed. Pixels become float32 in [0, 1]; data is (batch, 1, 28, 28), or
// (batch, 784) with flat. part_index/num_parts give each worker its contiguous share of the
// samples. Batching, seeded shuffling and the last batch follow NDArrayIter (default:
// "discard", as MXNet's MNISTIter drops a partial batch). Loading reads every file at
// construction; IOError names the file and what is wrong with it.
#ifndef TESSERA_CORE_IO_MNIST_ITER_H_
#define TESSERA_CORE_IO_MNIST_ITER_H_

#include <memory>
#include <string>

#include "core/io/ndarray_iter.h"

namespace mx {
namespace io {

struct MNISTIterOptions {
  std::string image;  // path to *-images-idx3-ubyte[.gz]
  std::string label;  // path to *-labels-idx1-ubyte[.gz]
  int64_t batch_size = 128;
  bool shuffle = true;
  bool flat = false;
  uint32_t seed = 0;
  int num_parts = 1;
  int part_index = 0;
  std::string last_batch_handle = "discard";
};

// The images (n, rows, cols) scaled to [0, 1] and labels (n) of one IDX pair.
struct IdxData {
  NDArray images, labels;
};
IdxData ReadIdx(const std::string& image_path, const std::string& label_path);

class MNISTIter : public InMemoryIter {
 public:
  explicit MNISTIter(const MNISTIterOptions& options);
};

}  // namespace io
}  // namespace mx

#endif  // TESSERA_CORE_IO_MNIST_ITER_H_
