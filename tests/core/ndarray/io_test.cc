#include "core/ndarray/io.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <fstream>

#include "core/base/error.h"
#include "core/ndarray/init.h"

namespace mx {
namespace {

std::string Artifact(const std::string& name) { return "tests/data/mxnet-artifacts/" + name; }

std::string TempPath(const std::string& name) {
  const char* dir = std::getenv("TEST_TMPDIR");
  return std::string(dir ? dir : "/tmp") + "/" + name;
}

std::string ReadBytes(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

TEST(ParamsIO, RoundTripsEveryDType) {
  std::vector<std::pair<std::string, NDArray>> named;
  for (int code = 0; code < kNumDTypes; ++code) {
    DType t = static_cast<DType>(code);
    named.push_back({std::string("a_") + DTypeName(t), nd::array({{1, 0}, {2, 1}}, t)});
  }
  std::string path = TempPath("all.params");
  nd::Save(path, named);
  nd::NDArrayFile f = nd::LoadFile(path);
  ASSERT_EQ(f.arrays.size(), named.size());
  for (size_t i = 0; i < named.size(); ++i) {
    EXPECT_EQ(f.names[i], named[i].first);  // order preserved
    EXPECT_EQ(f.arrays[i].dtype(), named[i].second.dtype());
    EXPECT_EQ(f.arrays[i].shape(), Shape({2, 2}));
    double two = f.arrays[i].dtype() == kBool ? 1 : 2;
    EXPECT_EQ(f.arrays[i].ToVector<double>(), (std::vector<double>{1, 0, two, 1}));
  }
}

TEST(ParamsIO, ListFilesAndExactBytes) {
  std::string path = TempPath("list.params");
  nd::Save(path, std::vector<NDArray>{nd::array({1.5, 2.5}), nd::zeros({0})});
  std::string b = ReadBytes(path);
  // header 0x112, reserved, count 2; first record V2 magic, dense, ndim 1, dim 2, cpu(0), f32.
  ASSERT_GE(b.size(), 24u + 4 + 4 + 4 + 8 + 12 + 8);
  EXPECT_EQ(static_cast<unsigned char>(b[0]), 0x12);
  EXPECT_EQ(static_cast<unsigned char>(b[1]), 0x01);
  EXPECT_EQ(static_cast<unsigned char>(b[24]), 0xC9);
  EXPECT_EQ(static_cast<unsigned char>(b[27]), 0xF9);
  std::vector<NDArray> l = nd::LoadList(path);
  ASSERT_EQ(l.size(), 2u);
  EXPECT_EQ(l[0].ToVector<float>(), (std::vector<float>{1.5, 2.5}));
  EXPECT_EQ(l[1].size(), 0);
  EXPECT_THROW(nd::LoadDict(path), IOError);
}

void ExpectIOError(const std::string& bytes, const std::string& needle) {
  try {
    nd::LoadFromBuffer(bytes, "bad.params");
    FAIL() << "expected IOError containing '" << needle << "'";
  } catch (const IOError& e) {
    std::string m = e.what();
    EXPECT_NE(m.find(needle), std::string::npos) << needle << " not in: " << m;
    EXPECT_NE(m.find("bad.params"), std::string::npos) << m;
    EXPECT_NE(m.find("at byte"), std::string::npos) << m;
  }
}

// Builds a one-array list file whose record is written by `record`.
template <typename F>
std::string OneRecordFile(F record) {
  std::string b;
  auto put = [&b](const void* p, size_t n) { b.append(static_cast<const char*>(p), n); };
  uint64_t header[3] = {0x112, 0, 1};
  put(header, sizeof(header));
  record(put);
  uint64_t names = 0;
  put(&names, 8);
  return b;
}

TEST(ParamsIO, ReadsV1AndV3Records) {
  float data[3] = {1.5f, -2.0f, 4.25f};
  int32_t ctx_and_type[3] = {1, 0, 0};  // cpu(0), float32
  std::string v1 = OneRecordFile([&](auto put) {
    uint32_t magic = 0xF993FAC8;
    int32_t ndim = 1;
    int64_t dim = 3;
    put(&magic, 4);
    put(&ndim, 4);
    put(&dim, 8);
    put(ctx_and_type, sizeof(ctx_and_type));
    put(data, sizeof(data));
  });
  std::string v3 = OneRecordFile([&](auto put) {
    uint32_t magic = 0xF993FACA;
    int32_t stype = 0, ndim = 2;
    int64_t dims[2] = {1, 3};
    put(&magic, 4);
    put(&stype, 4);
    put(&ndim, 4);
    put(dims, sizeof(dims));
    put(ctx_and_type, sizeof(ctx_and_type));
    put(data, sizeof(data));
  });
  nd::NDArrayFile f1 = nd::LoadFromBuffer(v1, "v1");
  ASSERT_EQ(f1.arrays.size(), 1u);
  EXPECT_EQ(f1.arrays[0].shape(), Shape({3}));
  EXPECT_EQ(f1.arrays[0].ToVector<float>(), (std::vector<float>{1.5f, -2.0f, 4.25f}));
  nd::NDArrayFile f3 = nd::LoadFromBuffer(v3, "v3");
  EXPECT_EQ(f3.arrays[0].shape(), Shape({1, 3}));
  EXPECT_EQ(f3.arrays[0].ToVector<float>(), (std::vector<float>{1.5f, -2.0f, 4.25f}));
  std::string sparse = OneRecordFile([&](auto put) {
    uint32_t magic = 0xF993FAC9;
    int32_t stype = 2;
    put(&magic, 4);
    put(&stype, 4);
  });
  ExpectIOError(sparse, "sparse");
}

TEST(ParamsIO, LegacyV0FileHoldsSixAranges) {
  std::vector<NDArray> l = nd::LoadList(Artifact("legacy_ndarray.v0"));
  ASSERT_EQ(l.size(), 6u);
  for (const NDArray& a : l) {
    ASSERT_EQ(a.shape(), Shape({128}));
    std::vector<float> v = a.ToVector<float>();
    for (int i = 0; i < 128; ++i) ASSERT_EQ(v[i], i);
  }
}

TEST(ParamsIO, LenetParamsLoadWithNamesAndShapes) {
  auto d = nd::LoadDict(Artifact("lenet-0001.params"));
  ASSERT_EQ(d.size(), 8u);
  EXPECT_EQ(d.at("arg:hybridsequential0_conv0_weight").shape(), Shape({5, 1, 5, 5}));
  EXPECT_EQ(d.at("arg:hybridsequential0_conv1_weight").shape(), Shape({5, 5, 5, 5}));
  EXPECT_EQ(d.at("arg:hybridsequential0_dense0_weight").shape(), Shape({32, 80}));
  EXPECT_EQ(d.at("arg:hybridsequential0_dense1_bias").shape(), Shape({10}));
  EXPECT_FLOAT_EQ(d.at("arg:hybridsequential0_conv0_weight").ToVector<float>()[0],
                  0.1603482961654663f);
}

TEST(ParamsIO, Det1LegacyParamsLoad) {
  nd::NDArrayFile f = nd::LoadFile(Artifact("det1-0001.params"));
  ASSERT_EQ(f.arrays.size(), 13u);
  auto d = nd::LoadDict(Artifact("det1-0001.params"));
  EXPECT_EQ(d.at("arg:conv1_weight").shape(), Shape({10, 3, 3, 3}));
  EXPECT_EQ(d.at("arg:conv4_2_weight").shape(), Shape({4, 32, 1, 1}));
  EXPECT_EQ(d.at("arg:prelu3_gamma").shape(), Shape({32}));
  EXPECT_FLOAT_EQ(d.at("arg:conv2_bias").ToVector<float>()[0], 1.0205367803573608f);
}

TEST(ParamsIO, RoundTripOfARealFileIsByteIdentical) {
  // lenet-0001.params was written by MXNet with V2 records on cpu(0): saving it again must
  // reproduce it byte for byte.
  nd::NDArrayFile f = nd::LoadFile(Artifact("lenet-0001.params"));
  EXPECT_EQ(nd::SaveToBuffer(f.arrays, f.names), ReadBytes(Artifact("lenet-0001.params")));
}

TEST(ParamsIO, TruncatedAndCorruptFilesAreIOErrors) {
  std::string good = ReadBytes(Artifact("lenet-0001.params"));
  ExpectIOError(good.substr(0, 5), "end of file reading file header");
  ExpectIOError(good.substr(0, 10), "end of file reading reserved word");
  ExpectIOError(good.substr(0, 200), "needs");
  ExpectIOError(good.substr(0, good.size() - 3), "exceeds the file");
  std::string bad_header = good;
  bad_header[0] = 0x13;
  ExpectIOError(bad_header, "bad file header");
  std::string bad_dtype = good;
  bad_dtype[24 + 4 + 4 + 4 + 4 * 8 + 8] = 42;  // first record's type_flag
  ExpectIOError(bad_dtype, "invalid dtype code 42");
  std::string trailing = good + "xx";
  ExpectIOError(trailing, "trailing bytes");
  EXPECT_THROW(nd::LoadFile(TempPath("does-not-exist.params")), IOError);
}

TEST(ParamsIO, SaveIsAtomic) {
  std::string path = TempPath("atomic.params");
  nd::Save(path, std::vector<NDArray>{nd::ones({3})});
  std::ifstream tmp(path + ".tmp");
  EXPECT_FALSE(tmp.good());
  EXPECT_EQ(nd::LoadList(path)[0].ToVector<float>(), (std::vector<float>{1, 1, 1}));
}

}  // namespace
}  // namespace mx

namespace mx {
namespace {

TEST(NDArrayIO, SavedFilesCarryAChecksumThatCatchesCorruption) {
  std::string path = ::testing::TempDir() + "/crc.params";
  nd::Save(path, std::vector<std::pair<std::string, NDArray>>{{"arg:w", nd::array({1, 2, 3})}});
  std::string bytes;
  {
    std::ifstream in(path, std::ios::binary);
    std::stringstream ss;
    ss << in.rdbuf();
    bytes = ss.str();
  }
  ASSERT_GT(bytes.size(), 16u);
  EXPECT_EQ(bytes.substr(bytes.size() - 16, 8), "TSRCRC32");
  EXPECT_EQ(nd::LoadDict(path).at("arg:w").ToVector<float>(), (std::vector<float>{1, 2, 3}));
  // MXNet's reader stops before the trailer: the bytes before it are a plain MXNet file.
  EXPECT_EQ(nd::LoadFromBuffer(bytes.substr(0, bytes.size() - 16), "plain").names[0], "arg:w");
  std::string flipped = bytes;
  flipped[bytes.size() - 30] ^= 0x40;  // inside the array data
  try {
    nd::LoadFromBuffer(flipped, "flipped.params");
    FAIL() << "expected IOError";
  } catch (const IOError& e) {
    EXPECT_NE(std::string(e.what()).find("corrupt"), std::string::npos) << e.what();
  }
  EXPECT_THROW(nd::LoadFromBuffer(bytes.substr(0, bytes.size() - 5), "cut.params"), IOError);
}

}  // namespace
}  // namespace mx
