// NDArrayIter: batching, padding, discard, roll-over, seeded shuffling and descriptions.
#include <gtest/gtest.h>

#include <algorithm>
#include <fstream>
#include <sstream>

#include "core/tessera.h"

namespace mx {
namespace {

io::NDArrayIter MakeIter(int64_t n, int64_t batch, const std::string& last, bool shuffle = false,
                         uint32_t seed = 0) {
  std::vector<float> d(n * 2), l(n);
  for (int64_t i = 0; i < n; ++i) {
    d[i * 2] = static_cast<float>(i);
    d[i * 2 + 1] = static_cast<float>(-i);
    l[i] = static_cast<float>(i % 3);
  }
  io::NDArrayIterOptions o;
  o.batch_size = batch;
  o.last_batch_handle = last;
  o.shuffle = shuffle;
  o.seed = seed;
  return io::NDArrayIter({{"data", NDArray(d.data(), {n, 2}, kFloat32)}},
                         {{"softmax_label", NDArray(l.data(), {n}, kFloat32)}}, o);
}

std::vector<float> FirstColumn(const io::DataBatch& b) {
  std::vector<float> v = b.data[0].ToVector<float>(), out;
  for (size_t i = 0; i < v.size(); i += 2) out.push_back(v[i]);
  return out;
}

TEST(NDArrayIter, PadsTheLastBatchFromTheStart) {
  io::NDArrayIter it = MakeIter(10, 4, "pad");
  io::DataBatch b;
  std::vector<std::vector<float>> seen;
  std::vector<int> pads;
  while (it.Next(&b)) {
    seen.push_back(FirstColumn(b));
    pads.push_back(b.pad);
  }
  ASSERT_EQ(seen.size(), 3u);
  EXPECT_EQ(seen[2], (std::vector<float>{8, 9, 0, 1}));
  EXPECT_EQ(pads, (std::vector<int>{0, 0, 2}));
  EXPECT_EQ(b.label[0].ToVector<float>(), (std::vector<float>{2, 0, 0, 1}));
  it.Reset();
  ASSERT_TRUE(it.Next(&b));
  EXPECT_EQ(FirstColumn(b), (std::vector<float>{0, 1, 2, 3}));
}

TEST(NDArrayIter, DiscardAndRollOver) {
  io::NDArrayIter d = MakeIter(10, 4, "discard");
  io::DataBatch b;
  int n = 0;
  while (d.Next(&b)) ++n;
  EXPECT_EQ(n, 2);
  io::NDArrayIter r = MakeIter(10, 4, "roll_over");
  n = 0;
  while (r.Next(&b)) ++n;
  EXPECT_EQ(n, 2);
  r.Reset();
  ASSERT_TRUE(r.Next(&b));
  EXPECT_EQ(FirstColumn(b), (std::vector<float>{8, 9, 0, 1}));
}

TEST(NDArrayIter, ShuffleIsASeededPermutation) {
  io::NDArrayIter a = MakeIter(12, 12, "pad", true, 5), b = MakeIter(12, 12, "pad", true, 5);
  io::DataBatch x, y;
  ASSERT_TRUE(a.Next(&x));
  ASSERT_TRUE(b.Next(&y));
  std::vector<float> order = FirstColumn(x);
  EXPECT_EQ(order, FirstColumn(y));
  std::vector<float> sorted = order;
  std::sort(sorted.begin(), sorted.end());
  for (int i = 0; i < 12; ++i) EXPECT_EQ(sorted[i], i);
  EXPECT_NE(order, sorted);
  // Labels travel with their samples.
  std::vector<float> labels = x.label[0].ToVector<float>();
  for (int i = 0; i < 12; ++i) EXPECT_EQ(labels[i], static_cast<int>(order[i]) % 3);
  a.Reset();
  ASSERT_TRUE(a.Next(&x));
  EXPECT_NE(FirstColumn(x), order);  // a new order each epoch
}

TEST(NDArrayIter, DescribesItsBatchesAsMXNetPrintsThem) {
  io::NDArrayIter it = MakeIter(10, 4, "pad");
  std::ostringstream os;
  os << it.ProvideData() << " " << it.ProvideLabel();
  EXPECT_EQ(os.str(),
            "[DataDesc[data,(4, 2),<class 'numpy.float32'>,NCHW]] "
            "[DataDesc[softmax_label,(4,),<class 'numpy.float32'>,NCHW]]");
}

TEST(NDArrayIter, RejectsInconsistentInput) {
  io::NDArrayIterOptions o;
  o.batch_size = 2;
  EXPECT_THROW(io::NDArrayIter({{"data", nd::zeros({4, 2})}}, {{"l", nd::zeros({3})}}, o),
               ValueError);
  o.last_batch_handle = "wrap";
  EXPECT_THROW(io::NDArrayIter({{"data", nd::zeros({4, 2})}}, {}, o), ValueError);
  o.last_batch_handle = "pad";
  o.batch_size = 0;
  EXPECT_THROW(io::NDArrayIter({{"data", nd::zeros({4, 2})}}, {}, o), ValueError);
}

}  // namespace
}  // namespace mx

namespace mx {
namespace {

std::string WriteFile(const std::string& name, const std::string& text) {
  std::string path = ::testing::TempDir() + "/" + name;
  std::ofstream(path) << text;
  return path;
}

TEST(CSVIter, ReadsRowsShapesAndLabels) {
  io::CSVIterOptions o;
  o.data_csv = WriteFile("d.csv", "1,2,3,4\n5,6,7,8\n9,10,11,12\n");
  o.label_csv = WriteFile("l.csv", "0\n1\n2\n");
  o.data_shape = Shape({2, 2});
  o.batch_size = 2;
  io::CSVIter it(o);
  EXPECT_EQ(it.ProvideData()[0].shape, Shape({2, 2, 2}));
  io::DataBatch b;
  ASSERT_TRUE(it.Next(&b));
  EXPECT_EQ(b.data[0].ToVector<float>(), (std::vector<float>{1, 2, 3, 4, 5, 6, 7, 8}));
  ASSERT_TRUE(it.Next(&b));  // round_batch pads with the first row
  EXPECT_EQ(b.pad, 1);
  EXPECT_EQ(b.label[0].ToVector<float>(), (std::vector<float>{2, 0}));
  EXPECT_FALSE(it.Next(&b));
}

TEST(CSVIter, MalformedRowsNameTheLine) {
  io::CSVIterOptions o;
  o.data_csv = WriteFile("bad.csv", "1,2\n3,x\n");
  o.data_shape = Shape({2});
  try {
    io::CSVIter it(o);
    FAIL() << "expected ValueError";
  } catch (const ValueError& e) {
    EXPECT_NE(std::string(e.what()).find("line 2"), std::string::npos) << e.what();
  }
  o.data_csv = WriteFile("short.csv", "1,2\n3\n");
  EXPECT_THROW(io::CSVIter{o}, ValueError);
  o.data_csv = "/nonexistent.csv";
  EXPECT_THROW(io::CSVIter{o}, IOError);
}

TEST(PrefetchingIter, YieldsTheSameBatchesAsTheInnerIterator) {
  io::NDArrayIter plain = MakeIter(10, 4, "pad", true, 9);
  std::vector<std::vector<float>> want;
  io::DataBatch b;
  while (plain.Next(&b)) want.push_back(FirstColumn(b));
  io::PrefetchingIter pre(std::make_unique<io::NDArrayIter>(MakeIter(10, 4, "pad", true, 9)));
  EXPECT_EQ(pre.batch_size(), 4);
  for (int epoch = 0; epoch < 2; ++epoch) {
    std::vector<std::vector<float>> got;
    while (pre.Next(&b)) got.push_back(FirstColumn(b));
    EXPECT_FALSE(pre.Next(&b));
    if (epoch == 0) EXPECT_EQ(got, want);
    EXPECT_EQ(got.size(), 3u);
    pre.Reset();
  }
}

}  // namespace
}  // namespace mx
