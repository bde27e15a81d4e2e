// NDArrayIter: batching, padding, discard, roll-over, seeded shuffling and descriptions.
#include <gtest/gtest.h>

#include <algorithm>
#include <fstream>
#include <set>
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

// Part p of P: rows [n*p/P, n*(p+1)/P), chosen at construction or later by SetPartition
// (elastic training), which starts a new epoch over the new part.
TEST(NDArrayIter, PartitionsAreContiguousAndCanChange) {
  auto rows = [](io::NDArrayIter& it) {
    std::vector<float> all;
    io::DataBatch b;
    while (it.Next(&b))
      for (float v : FirstColumn(b)) all.push_back(v);
    std::sort(all.begin(), all.end());
    return all;
  };
  auto range = [](int begin, int end) {
    std::vector<float> v;
    for (int i = begin; i < end; ++i) v.push_back(static_cast<float>(i));
    return v;
  };
  std::vector<float> d(24), l(12, 0.0f);
  for (int i = 0; i < 12; ++i) d[i * 2] = d[i * 2 + 1] = static_cast<float>(i);
  io::NDArrayIterOptions o;
  o.batch_size = 2;
  o.shuffle = true;
  o.num_parts = 3;
  o.part_index = 1;
  io::NDArrayIter it({{"data", NDArray(d.data(), {12, 2}, kFloat32)}},
                     {{"softmax_label", NDArray(l.data(), {12}, kFloat32)}}, o);
  EXPECT_EQ(it.num_samples(), 4);
  EXPECT_EQ(rows(it), range(4, 8));
  io::DataBatch b;
  ASSERT_FALSE(it.Next(&b));
  it.SetPartition(2, 1);  // mid-way or at the end: a new epoch over the new part
  EXPECT_EQ(it.num_samples(), 6);
  EXPECT_EQ(rows(it), range(6, 12));
  it.Reset();
  EXPECT_EQ(rows(it), range(6, 12));
  it.SetPartition(1, 0);
  EXPECT_EQ(rows(it), range(0, 12));
  EXPECT_THROW(it.SetPartition(2, 2), ValueError);
  EXPECT_THROW(it.SetPartition(0, 0), ValueError);
  o.batch_size = 5;
  o.last_batch_handle = "discard";
  o.num_parts = 2;
  o.part_index = 0;
  io::NDArrayIter small({{"data", NDArray(d.data(), {12, 2}, kFloat32)}}, {}, o);
  EXPECT_THROW(small.SetPartition(3, 0), ValueError);  // 4 rows: not one batch of 5
  try {
    small.SetPartition(4, 1);
    ADD_FAILURE() << "no error";
  } catch (const ValueError& e) {
    EXPECT_NE(std::string(e.what()).find("part 1 of 4 holds 3 samples, fewer than one batch of 5"),
              std::string::npos)
        << e.what();
  }
  o.part_index = 2;
  EXPECT_THROW(io::NDArrayIter({{"data", NDArray(d.data(), {12, 2}, kFloat32)}}, {}, o),
               ValueError);
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
    if (epoch == 0) {
      EXPECT_EQ(got, want);
    }
    EXPECT_EQ(got.size(), 3u);
    pre.Reset();
  }
  pre.SetPartition(2, 1);  // forwarded to the inner iterator; the batch in flight is dropped
  std::set<float> rows;    // rows 5..9 of 10; the last batch padded from the part itself
  int batches = 0;
  for (; pre.Next(&b); ++batches)
    for (float v : FirstColumn(b)) rows.insert(v);
  EXPECT_EQ(batches, 2);
  EXPECT_EQ(rows, (std::set<float>{5, 6, 7, 8, 9}));
}

// An iterator that cannot re-partition says so, and what can.
TEST(DataIter, SetPartitionIsNotImplementedByDefault) {
  struct Fixed : io::DataIter {
    void Reset() override {}
    bool Next(io::DataBatch*) override { return false; }
    std::vector<io::DataDesc> ProvideData() const override { return {}; }
    std::vector<io::DataDesc> ProvideLabel() const override { return {}; }
  } fixed;
  try {
    fixed.SetPartition(2, 0);
    ADD_FAILURE() << "no error";
  } catch (const NotImplementedError& e) {
    EXPECT_NE(std::string(e.what()).find("cannot re-partition"), std::string::npos) << e.what();
  }
}

}  // namespace
}  // namespace mx
