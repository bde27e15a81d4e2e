// MXNet's NDArray file format (`mx.nd.save` / `.params`; ../shared/docs/mxnet-formats.md §1).
// Load reads list and dict files with V0, V1, V2 and V3 records (dense only); Save writes V2
// records with cpu(0) as the context, atomically (a temporary file fsync'ed and renamed into
// place), followed by a 16-byte trailer ("TSRCRC32", the CRC-32 of the file before it, four
// zero bytes) that MXNet's reader never reaches. Load verifies the trailer when present. A
// truncated or corrupt file raises IOError naming the file and what was wrong. Loaded arrays
// live on cpu(0).
#ifndef TESSERA_CORE_NDARRAY_IO_H_
#define TESSERA_CORE_NDARRAY_IO_H_

#include <map>
#include <string>
#include <utility>
#include <vector>

#include "core/ndarray/ndarray.h"

namespace mx {
namespace nd {

// The contents of a file: arrays in file order, and their names (empty for a list file).
struct NDArrayFile {
  std::vector<NDArray> arrays;
  std::vector<std::string> names;
};

NDArrayFile LoadFile(const std::string& path);
// A list file's arrays (a dict file's arrays in file order).
std::vector<NDArray> LoadList(const std::string& path);
// A dict file's arrays by name; IOError for a list file.
std::map<std::string, NDArray> LoadDict(const std::string& path);

void Save(const std::string& path, const std::vector<NDArray>& arrays);
// Names are written in the given order.
void Save(const std::string& path, const std::vector<std::pair<std::string, NDArray>>& named);
void Save(const std::string& path, const std::map<std::string, NDArray>& named);

// Writes `bytes` to `path` through a temporary file: fsync, rename, fsync of the directory.
void WriteFileAtomically(const std::string& path, const std::string& bytes);
// CRC-32 (zlib's) of `bytes`.
uint32_t Checksum(const std::string& bytes);

// In-memory forms of the same format (no trailer).
NDArrayFile LoadFromBuffer(const std::string& bytes, const std::string& source_name);
std::string SaveToBuffer(const std::vector<NDArray>& arrays, const std::vector<std::string>& names);

}  // namespace nd
}  // namespace mx

#endif  // TESSERA_CORE_NDARRAY_IO_H_
