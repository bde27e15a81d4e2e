// MNISTIter on small IDX files written by the test (raw and gzip), including broken files.
#include <gtest/gtest.h>
#include <zlib.h>

#include <cstdio>
#include <fstream>

#include "core/tessera.h"

namespace mx {
namespace {

std::string Header(uint32_t magic, std::vector<uint32_t> dims) {
  std::string s;
  for (uint32_t v : std::vector<uint32_t>{magic}) dims.insert(dims.begin(), v);
  for (uint32_t v : dims)
    for (int b = 3; b >= 0; --b) s += static_cast<char>((v >> (8 * b)) & 0xff);
  return s;
}

// Ten 2x3 images whose pixels are 10 * index + position, labels index % 4.
void WriteIdx(const std::string& dir, bool gz, size_t truncate_pixels = 0) {
  std::string img = Header(2051, {10, 2, 3}), lab = Header(2049, {10});
  for (int i = 0; i < 10; ++i) {
    for (int p = 0; p < 6; ++p) img += static_cast<char>(10 * i + p);
    lab += static_cast<char>(i % 4);
  }
  img.resize(img.size() - truncate_pixels);
  auto write = [&](const std::string& path, const std::string& bytes) {
    if (gz) {
      gzFile f = gzopen((path + ".gz").c_str(), "wb");
      gzwrite(f, bytes.data(), static_cast<unsigned>(bytes.size()));
      gzclose(f);
    } else {
      std::ofstream(path, std::ios::binary) << bytes;
    }
  };
  write(dir + "/img", img);
  write(dir + "/lab", lab);
}

io::MNISTIterOptions Options(const std::string& dir, bool gz) {
  io::MNISTIterOptions o;
  o.image = dir + "/img" + (gz ? ".gz" : "");
  o.label = dir + "/lab" + (gz ? ".gz" : "");
  o.batch_size = 5;
  o.shuffle = false;
  return o;
}

TEST(MNISTIter, ReadsRawAndGzipIdxScaledToUnitRange) {
  std::string dir = ::testing::TempDir();
  for (bool gz : {false, true}) {
    WriteIdx(dir, gz);
    io::MNISTIter it(Options(dir, gz));
    EXPECT_EQ(it.num_samples(), 10);
    EXPECT_EQ(it.ProvideData()[0].shape, Shape({5, 1, 2, 3}));
    io::DataBatch b;
    ASSERT_TRUE(it.Next(&b));
    std::vector<float> px = b.data[0].ToVector<float>();
    EXPECT_FLOAT_EQ(px[7], 11 / 255.0f);  // image 1, position 1
    EXPECT_EQ(b.label[0].ToVector<float>(), (std::vector<float>{0, 1, 2, 3, 0}));
    ASSERT_TRUE(it.Next(&b));
    EXPECT_FALSE(it.Next(&b));
  }
}

TEST(MNISTIter, FlatAndShardedParts) {
  std::string dir = ::testing::TempDir();
  WriteIdx(dir, false);
  io::MNISTIterOptions o = Options(dir, false);
  o.flat = true;
  o.num_parts = 2;
  o.part_index = 1;
  o.batch_size = 5;
  io::MNISTIter it(o);
  EXPECT_EQ(it.num_samples(), 5);
  io::DataBatch b;
  ASSERT_TRUE(it.Next(&b));
  EXPECT_EQ(b.data[0].shape(), Shape({5, 6}));
  EXPECT_EQ(b.label[0].ToVector<float>(), (std::vector<float>{1, 2, 3, 0, 1}));  // samples 5-9
  o.part_index = 2;
  EXPECT_THROW(io::MNISTIter{o}, ValueError);
}

TEST(MNISTIter, BrokenFilesAreIOErrors) {
  std::string dir = ::testing::TempDir();
  WriteIdx(dir, false, /*truncate_pixels=*/3);
  try {
    io::MNISTIter it(Options(dir, false));
    FAIL() << "expected IOError";
  } catch (const IOError& e) {
    EXPECT_NE(std::string(e.what()).find("truncated"), std::string::npos) << e.what();
  }
  io::MNISTIterOptions o = Options(dir, false);
  o.image = o.label;  // a label file where images belong
  EXPECT_THROW(io::MNISTIter{o}, IOError);
  o.image = dir + "/missing";
  EXPECT_THROW(io::MNISTIter{o}, IOError);
}

}  // namespace
}  // namespace mx
