// The creation operators (_zeros, _ones, _full, _arange, _linspace, _eye): values against
// numpy's definitions, dtypes, and their use inside a graph with no inputs.
#include <gtest/gtest.h>

#include <cmath>

#include "core/base/error.h"
#include "core/tessera.h"

namespace mx {
namespace {

using D = std::vector<double>;

TEST(Init, ZerosOnesFull) {
  NDArray z = nd::Op1("_zeros", {}, {{"shape", "(2, 3)"}});
  EXPECT_EQ(z.shape(), Shape({2, 3}));
  EXPECT_EQ(z.dtype(), kFloat32);
  EXPECT_EQ(z.ToVector<double>(), D(6, 0.0));
  NDArray o = nd::Op1("_ones", {}, {{"shape", "(4,)"}, {"dtype", "int32"}});
  EXPECT_EQ(o.dtype(), kInt32);
  EXPECT_EQ(o.ToVector<double>(), D(4, 1.0));
  EXPECT_EQ(nd::Op1("_full", {}, {{"shape", "(2,)"}, {"value", 2.5}}).ToVector<double>(),
            (D{2.5, 2.5}));
  EXPECT_THROW(nd::Op1("_full", {}, {{"shape", "(2,)"}}), ValueError);  // value is required
  // A 0 (unknown) dimension cannot be created on its own.
  EXPECT_THROW(nd::Op1("_zeros", {}, {{"shape", "(0, 3)"}}), ShapeError);
  EXPECT_THROW(nd::Op1("_zeros", {}, {{"shape", "(-1, 3)"}}), ValueError);
}

TEST(Init, ArangeLinspaceEye) {
  // numpy.arange(2, 7, 2) and repeat 2; arange(3) (stop None).
  EXPECT_EQ(nd::Op1("_arange", {}, {{"start", 2}, {"stop", 7}, {"step", 2}}).ToVector<double>(),
            (D{2, 4, 6}));
  EXPECT_EQ(nd::Op1("_arange", {}, {{"start", 0}, {"stop", 2}, {"repeat", 2}}).ToVector<double>(),
            (D{0, 0, 1, 1}));
  EXPECT_EQ(nd::Op1("_arange", {}, {{"start", 3}}).ToVector<double>(), (D{0, 1, 2}));
  EXPECT_EQ(nd::Op1("_arange", {}, {{"start", 1}, {"stop", 0}, {"step", -0.5}}).ToVector<double>(),
            (D{1, 0.5}));
  EXPECT_THROW(nd::Op1("_arange", {}, {{"start", 1}, {"stop", 2}, {"step", 0}}), ValueError);
  // numpy.linspace(0, 1, 5) and endpoint=False
  EXPECT_EQ(nd::Op1("_linspace", {}, {{"start", 0}, {"stop", 1}, {"num", 5}}).ToVector<double>(),
            (D{0, 0.25, 0.5, 0.75, 1}));
  EXPECT_EQ(nd::Op1("_linspace", {}, {{"start", 0}, {"stop", 1}, {"num", 4},
                                      {"endpoint", false}, {"dtype", "float64"}})
                .ToVector<double>(),
            (D{0, 0.25, 0.5, 0.75}));
  // numpy.eye(2, 3, k=1)
  NDArray e = nd::Op1("_eye", {}, {{"N", 2}, {"M", 3}, {"k", 1}});
  EXPECT_EQ(e.shape(), Shape({2, 3}));
  EXPECT_EQ(e.ToVector<double>(), (D{0, 1, 0, 0, 0, 1}));
  EXPECT_EQ(nd::Op1("_eye", {}, {{"N", 2}}).ToVector<double>(), (D{1, 0, 0, 1}));
}

TEST(Init, ZerosWithAnUnknownDimensionTakeTheirShapeFromTheGraph) {
  // As RNN begin states in symbol files: _zeros (0, 3) added to data (2, 3).
  Symbol data = Symbol::Variable("data");
  Symbol zeros = Symbol::CreateOp("_zeros", {}, {{"shape", "(0, 3)"}}, "state");
  Symbol sum = Symbol::CreateOp("elemwise_add", {data, zeros}, {}, "sum");
  ShapeInference inf = sum.InferShape({{"data", Shape({2, 3})}});
  EXPECT_EQ(inf.out_shapes[0], Shape({2, 3}));
  SimpleBindArgs args;
  args.shapes["data"] = Shape({2, 3});
  Executor exec = Executor::SimpleBind(sum, cpu(), args);
  nd::array({1, 2, 3, 4, 5, 6}).Reshape({2, 3}).CopyTo(exec.arg_dict().at("data"));
  exec.Forward(false);
  EXPECT_EQ(exec.outputs()[0].ToVector<double>(), (D{1, 2, 3, 4, 5, 6}));
}

}  // namespace
}  // namespace mx
