#include "core/ndarray/io.h"

#include <fcntl.h>
#include <unistd.h>
#include <zlib.h>

#include <cstdio>
#include <cstring>
#include <fstream>
#include <sstream>

#include "core/base/error.h"

namespace mx {
namespace nd {
namespace {

constexpr uint64_t kListMagic = 0x112;
// Tessera's trailer after MXNet's records: 8 magic bytes and the CRC-32 of everything before
// (4 bytes, then 4 zero bytes). MXNet's reader stops after the names and never sees it.
constexpr char kTrailerMagic[8] = {'T', 'S', 'R', 'C', 'R', 'C', '3', '2'};
constexpr size_t kTrailerSize = 16;
constexpr uint32_t kV1Magic = 0xF993FAC8;
constexpr uint32_t kV2Magic = 0xF993FAC9;
constexpr uint32_t kV3Magic = 0xF993FACA;
constexpr int kMaxDims = 32;

class Reader {
 public:
  Reader(const std::string& bytes, const std::string& source) : b_(bytes), source_(source) {}

  template <typename T>
  T Read(const char* what) {
    T v;
    Need(sizeof(T), what);
    std::memcpy(&v, b_.data() + pos_, sizeof(T));
    pos_ += sizeof(T);
    return v;
  }
  void ReadBytes(void* dst, size_t n, const char* what) {
    Need(n, what);
    std::memcpy(dst, b_.data() + pos_, n);
    pos_ += n;
  }
  size_t pos() const { return pos_; }
  size_t remaining() const { return b_.size() - pos_; }
  [[noreturn]] void Fail(const std::string& why) const {
    MX_THROW(IOError) << "cannot load NDArray file '" << source_ << "': " << why << " (at byte "
                      << pos_ << " of " << b_.size()
                      << "). The file is truncated or corrupt, or is not an MXNet .params/nd.save "
                         "file.";
  }

 private:
  void Need(size_t n, const char* what) const {
    if (n > remaining()) {
      std::ostringstream os;
      os << "unexpected end of file reading " << what << " (needs " << n << " bytes, "
         << remaining() << " left)";
      Fail(os.str());
    }
  }
  const std::string& b_;
  std::string source_;
  size_t pos_ = 0;
};

Shape ReadShape64(Reader* r) {
  int32_t ndim = r->Read<int32_t>("shape ndim");
  if (ndim < -1 || ndim > kMaxDims) r->Fail("invalid ndim " + std::to_string(ndim));
  std::vector<int64_t> dims;
  for (int i = 0; i < ndim; ++i) {
    int64_t d = r->Read<int64_t>("shape dimension");
    if (d < 0) r->Fail("negative dimension " + std::to_string(d));
    dims.push_back(d);
  }
  if (ndim == -1) return Shape(std::vector<int64_t>{-1});
  return Shape(dims);
}

// One record; returns a none NDArray for an empty ("none") record.
NDArray ReadRecord(Reader* r) {
  uint32_t magic = r->Read<uint32_t>("record magic");
  Shape shape;
  if (magic == kV2Magic || magic == kV3Magic) {
    int32_t stype = r->Read<int32_t>("storage type");
    if (stype != 0) {
      r->Fail("storage type " + std::to_string(stype) +
              " (sparse) is not supported; only dense arrays (0) are");
    }
    shape = ReadShape64(r);
    if (magic == kV2Magic && shape.ndim() == 0) return NDArray();
    if (magic == kV3Magic && shape.ndim() == 1 && shape[0] == -1) return NDArray();
  } else if (magic == kV1Magic) {
    shape = ReadShape64(r);
    if (shape.ndim() == 0) return NDArray();
  } else {
    // V0: the word is ndim, followed by uint32 dims.
    uint32_t ndim = magic;
    if (ndim > kMaxDims) {
      std::ostringstream os;
      os << "unknown record magic 0x" << std::hex << magic
         << " (expected 0xF993FAC9/0xF993FACA/0xF993FAC8, or a legacy ndim <= 32)";
      r->Fail(os.str());
    }
    std::vector<int64_t> dims;
    for (uint32_t i = 0; i < ndim; ++i) dims.push_back(r->Read<uint32_t>("legacy dimension"));
    if (ndim == 0) return NDArray();
    shape = Shape(dims);
  }
  int32_t dev_type = r->Read<int32_t>("context device type");
  int32_t dev_id = r->Read<int32_t>("context device id");
  (void)dev_type;
  (void)dev_id;  // a hint only; arrays load to cpu(0) as MXNet does without a GPU
  int32_t type_flag = r->Read<int32_t>("dtype");
  if (type_flag < 0 || type_flag >= kNumDTypes)
    r->Fail("invalid dtype code " + std::to_string(type_flag) + " (valid: 0 to 12)");
  DType dtype = static_cast<DType>(type_flag);
  size_t bytes = static_cast<size_t>(shape.Size()) * DTypeSize(dtype);
  if (bytes > r->remaining()) {
    std::ostringstream os;
    os << "array of shape " << shape << " and dtype " << dtype << " needs " << bytes
       << " bytes of data but only " << r->remaining() << " remain";
    r->Fail(os.str());
  }
  NDArray out(shape, cpu(), dtype);
  std::string data(bytes, '\0');
  r->ReadBytes(&data[0], bytes, "array data");
  out.SyncCopyFromCPU(data.data(), static_cast<size_t>(shape.Size()));
  return out;
}

void WriteRaw(std::string* out, const void* p, size_t n) {
  out->append(static_cast<const char*>(p), n);
}

template <typename T>
void Write(std::string* out, T v) {
  WriteRaw(out, &v, sizeof(T));
}

std::string ReadWholeFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  MX_CHECK_AS(IOError, in.good()) << "cannot open NDArray file '" << path
                                  << "' for reading: " << std::strerror(errno) << ".";
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

uint32_t Crc32(const char* data, size_t n) {
  uLong crc = crc32(0L, Z_NULL, 0);
  while (n > 0) {
    uInt chunk = static_cast<uInt>(std::min<size_t>(n, 1u << 30));
    crc = crc32(crc, reinterpret_cast<const Bytef*>(data), chunk);
    data += chunk;
    n -= chunk;
  }
  return static_cast<uint32_t>(crc);
}

std::string WithTrailer(std::string bytes) {
  uint32_t crc = Crc32(bytes.data(), bytes.size());
  bytes.append(kTrailerMagic, sizeof(kTrailerMagic));
  Write<uint32_t>(&bytes, crc);
  Write<uint32_t>(&bytes, 0);
  return bytes;
}

void FsyncPath(const std::string& path, bool directory) {
  int fd = ::open(path.c_str(), directory ? O_RDONLY | O_DIRECTORY : O_RDONLY);
  if (fd < 0) return;  // best effort for directories on unusual file systems
  int rc = ::fsync(fd);
  ::close(fd);
  MX_CHECK_AS(IOError, rc == 0 || directory)
      << "fsync of '" << path << "' failed: " << std::strerror(errno) << ".";
}

}  // namespace

void WriteFileAtomically(const std::string& path, const std::string& bytes) {
  std::string tmp = path + ".tmp";
  {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    MX_CHECK_AS(IOError, out.good())
        << "cannot open '" << tmp << "' for writing: " << std::strerror(errno) << ".";
    out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
    out.flush();
    MX_CHECK_AS(IOError, out.good())
        << "failed writing " << bytes.size() << " bytes to '" << tmp << "' (disk full?).";
  }
  FsyncPath(tmp, false);
  MX_CHECK_AS(IOError, std::rename(tmp.c_str(), path.c_str()) == 0)
      << "cannot rename '" << tmp << "' to '" << path << "': " << std::strerror(errno) << ".";
  size_t slash = path.find_last_of('/');
  FsyncPath(slash == std::string::npos ? "." : path.substr(0, slash + 1), true);
}

uint32_t Checksum(const std::string& bytes) { return Crc32(bytes.data(), bytes.size()); }

namespace {

}  // namespace

NDArrayFile LoadFromBuffer(const std::string& bytes_in, const std::string& source_name) {
  std::string bytes = bytes_in;
  // A Tessera trailer is verified and removed; MXNet's own files have none.
  if (bytes.size() >= kTrailerSize &&
      std::memcmp(bytes.data() + bytes.size() - kTrailerSize, kTrailerMagic, 8) == 0) {
    uint32_t stored;
    std::memcpy(&stored, bytes.data() + bytes.size() - 8, 4);
    bytes.resize(bytes.size() - kTrailerSize);
    uint32_t actual = Crc32(bytes.data(), bytes.size());
    MX_CHECK_AS(IOError, stored == actual)
        << "'" << source_name << "' is corrupt: its checksum is " << std::hex << actual
        << " but the file records " << stored << ". Restore it from a backup or an older "
        << "checkpoint.";
  }
  Reader r(bytes, source_name);
  uint64_t header = r.Read<uint64_t>("file header");
  if (header != kListMagic) {
    std::ostringstream os;
    os << "bad file header 0x" << std::hex << header << " (expected 0x112)";
    r.Fail(os.str());
  }
  r.Read<uint64_t>("reserved word");
  uint64_t n = r.Read<uint64_t>("array count");
  if (n > r.remaining() / 4) r.Fail("array count " + std::to_string(n) + " exceeds the file size");
  NDArrayFile f;
  for (uint64_t i = 0; i < n; ++i) f.arrays.push_back(ReadRecord(&r));
  uint64_t k = r.Read<uint64_t>("name count");
  if (k != 0 && k != n) {
    r.Fail("name count " + std::to_string(k) + " must be 0 or the array count " +
           std::to_string(n));
  }
  for (uint64_t i = 0; i < k; ++i) {
    uint64_t len = r.Read<uint64_t>("name length");
    if (len > r.remaining()) r.Fail("name length " + std::to_string(len) + " exceeds the file");
    std::string name(len, '\0');
    r.ReadBytes(&name[0], len, "name");
    f.names.push_back(name);
  }
  if (r.remaining() != 0)
    r.Fail(std::to_string(r.remaining()) + " unexpected trailing bytes after the names");
  return f;
}

std::string SaveToBuffer(const std::vector<NDArray>& arrays,
                         const std::vector<std::string>& names) {
  MX_CHECK_AS(ValueError, names.empty() || names.size() == arrays.size())
      << "Save: " << names.size() << " names for " << arrays.size() << " arrays.";
  std::string out;
  Write<uint64_t>(&out, kListMagic);
  Write<uint64_t>(&out, 0);
  Write<uint64_t>(&out, arrays.size());
  for (const NDArray& a : arrays) {
    Write<uint32_t>(&out, kV2Magic);
    Write<int32_t>(&out, 0);  // dense
    if (a.is_none()) {
      Write<int32_t>(&out, 0);
      continue;
    }
    Write<int32_t>(&out, a.ndim());
    for (int64_t d : a.shape().dims()) Write<int64_t>(&out, d);
    Write<int32_t>(&out, static_cast<int32_t>(DeviceType::kCPU));
    Write<int32_t>(&out, 0);
    Write<int32_t>(&out, static_cast<int32_t>(a.dtype()));
    size_t start = out.size();
    out.resize(start + static_cast<size_t>(a.size()) * DTypeSize(a.dtype()));
    a.SyncCopyToCPU(&out[start], static_cast<size_t>(a.size()));
  }
  Write<uint64_t>(&out, names.size());
  for (const std::string& name : names) {
    Write<uint64_t>(&out, name.size());
    out += name;
  }
  return out;
}

NDArrayFile LoadFile(const std::string& path) { return LoadFromBuffer(ReadWholeFile(path), path); }

std::vector<NDArray> LoadList(const std::string& path) { return LoadFile(path).arrays; }

std::map<std::string, NDArray> LoadDict(const std::string& path) {
  NDArrayFile f = LoadFile(path);
  MX_CHECK_AS(IOError, f.names.size() == f.arrays.size() && !f.arrays.empty())
      << "'" << path << "' holds a list of " << f.arrays.size()
      << " unnamed arrays, not a dict; use LoadList().";
  std::map<std::string, NDArray> out;
  for (size_t i = 0; i < f.arrays.size(); ++i) out[f.names[i]] = f.arrays[i];
  return out;
}

void Save(const std::string& path, const std::vector<NDArray>& arrays) {
  WriteFileAtomically(path, WithTrailer(SaveToBuffer(arrays, {})));
}

void Save(const std::string& path, const std::vector<std::pair<std::string, NDArray>>& named) {
  std::vector<NDArray> arrays;
  std::vector<std::string> names;
  for (const auto& kv : named) {
    names.push_back(kv.first);
    arrays.push_back(kv.second);
  }
  WriteFileAtomically(path, WithTrailer(SaveToBuffer(arrays, names)));
}

void Save(const std::string& path, const std::map<std::string, NDArray>& named) {
  Save(path, std::vector<std::pair<std::string, NDArray>>(named.begin(), named.end()));
}

}  // namespace nd
}  // namespace mx
