#include "core/io/mnist_iter.h"

#include <zlib.h>

#include <vector>

#include "core/base/error.h"

namespace mx {
namespace io {
namespace {

// The whole (possibly gzip-compressed) file.
std::vector<unsigned char> ReadAll(const std::string& path) {
  gzFile f = gzopen(path.c_str(), "rb");
  MX_CHECK_AS(IOError, f != nullptr)
      << "cannot open " << path << "; check the path (Fashion-MNIST lives in "
      << "/usr/share/datasets/fashion-mnist after apt-get install dataset-fashion-mnist).";
  std::vector<unsigned char> out;
  unsigned char buf[1 << 16];
  int n;
  while ((n = gzread(f, buf, sizeof(buf))) > 0) out.insert(out.end(), buf, buf + n);
  int err = 0;
  const char* msg = gzerror(f, &err);
  std::string text = msg ? msg : "";
  gzclose(f);
  MX_CHECK_AS(IOError, n == 0 && (err == Z_OK || err == Z_STREAM_END))
      << "reading " << path << " failed: " << text << " (a truncated or corrupt gzip file?).";
  return out;
}

uint32_t BigEndian(const std::vector<unsigned char>& b, size_t at) {
  return (uint32_t{b[at]} << 24) | (uint32_t{b[at + 1]} << 16) | (uint32_t{b[at + 2]} << 8) |
         b[at + 3];
}

}  // namespace

IdxData ReadIdx(const std::string& image_path, const std::string& label_path) {
  std::vector<unsigned char> img = ReadAll(image_path), lab = ReadAll(label_path);
  MX_CHECK_AS(IOError, img.size() >= 16 && BigEndian(img, 0) == 2051)
      << image_path << " is not an IDX image file (expected magic 2051 and a 16-byte header).";
  MX_CHECK_AS(IOError, lab.size() >= 8 && BigEndian(lab, 0) == 2049)
      << label_path << " is not an IDX label file (expected magic 2049 and an 8-byte header).";
  int64_t n = BigEndian(img, 4), rows = BigEndian(img, 8), cols = BigEndian(img, 12);
  MX_CHECK_AS(IOError, static_cast<int64_t>(img.size()) == 16 + n * rows * cols)
      << image_path << " holds " << img.size() - 16 << " pixel bytes but its header promises " << n
      << " x " << rows << " x " << cols << "; the file is truncated or corrupt.";
  MX_CHECK_AS(IOError, BigEndian(lab, 4) == n && static_cast<int64_t>(lab.size()) == 8 + n)
      << label_path << " has " << BigEndian(lab, 4) << " labels (" << lab.size() - 8
      << " bytes) for " << n << " images in " << image_path << ".";
  std::vector<float> pixels(static_cast<size_t>(n * rows * cols)), labels(static_cast<size_t>(n));
  for (size_t i = 0; i < pixels.size(); ++i) pixels[i] = img[16 + i] / 255.0f;
  for (int64_t i = 0; i < n; ++i) labels[i] = lab[8 + i];
  return {NDArray(pixels.data(), {n, rows, cols}, kFloat32), NDArray(labels.data(), {n}, kFloat32)};
}

MNISTIter::MNISTIter(const MNISTIterOptions& o) {
  CheckPartition("MNISTIter", o.num_parts, o.part_index);
  IdxData d = ReadIdx(o.image, o.label);
  int64_t n = d.images.shape()[0], rows = d.images.shape()[1], cols = d.images.shape()[2];
  NDArray images =
      o.flat ? d.images.Reshape({n, rows * cols}) : d.images.Reshape({n, 1, rows, cols});
  NDArrayIterOptions it;
  it.batch_size = o.batch_size;
  it.shuffle = o.shuffle;
  it.seed = o.seed;
  it.last_batch_handle = o.last_batch_handle;
  it.num_parts = o.num_parts;
  it.part_index = o.part_index;
  inner_ = std::make_unique<NDArrayIter>(
      std::vector<std::pair<std::string, NDArray>>{{"data", images}},
      std::vector<std::pair<std::string, NDArray>>{{"softmax_label", d.labels}}, it);
  batch_size_ = o.batch_size;
}

}  // namespace io
}  // namespace mx
