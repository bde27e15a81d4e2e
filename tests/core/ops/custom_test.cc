// The Custom operator with props registered from C++ (core/ops/custom/custom_op.h): imperative
// calls, graphs, gradients, auxiliary states, errors, and kernels that push NDArray work of
// their own on the threaded engine.
#include <gtest/gtest.h>

#include <atomic>

#include "core/executor/executor.h"
#include "core/op/autograd.h"
#include "core/op/imperative.h"
#include "core/ops/custom/custom_op.h"
#include "core/tessera.h"

namespace mx {
namespace {

std::atomic<int> g_forwards{0};

// Overwrites the values of `dst` (an array given to a kernel) with `v`.
void Write(NDArray dst, const NDArray& v) { std::move(dst) = v; }
std::atomic<int> g_operators{0};

// y = k * x (+ total, an auxiliary state, which training forwards add sum(x) to); the kernels
// work through NDArray operations on the arrays they are given.
class AffineOp : public custom::CustomOperator {
 public:
  explicit AffineOp(double k) : k_(k) {}
  void Forward(bool is_train, const std::vector<OpReq>& req, const std::vector<NDArray>& in,
               const std::vector<NDArray>& out, const std::vector<NDArray>& aux) override {
    ++forwards_;
    ++g_forwards;
    ASSERT_EQ(req[0], OpReq::kWrite);
    NDArray y = in[0] * k_;
    for (int i = 0; i < 20; ++i) y = y + 0.0;  // a chain of pushes, run inline
    Write(out[0], y + nd::Op1("sum", {aux[0]}));
    if (is_train) Write(aux[0], aux[0] + nd::Op1("sum", {in[0]}));
  }
  void Backward(const std::vector<OpReq>& req, const std::vector<NDArray>& out_grad,
                const std::vector<NDArray>& in_data, const std::vector<NDArray>& out_data,
                const std::vector<NDArray>& in_grad, const std::vector<NDArray>&) override {
    EXPECT_FALSE(out_grad[0].is_none());
    EXPECT_TRUE(in_data[0].is_none());   // not declared
    EXPECT_TRUE(out_data[0].is_none());  // not declared
    backward_saw_ = forwards_;
    if (req[0] != OpReq::kNull) Write(in_grad[0], out_grad[0] * k_);
  }
  int backward_saw() const { return backward_saw_; }

 private:
  double k_;
  int forwards_ = 0;
  int backward_saw_ = -1;
};

std::shared_ptr<AffineOp> g_last;

class AffineProp : public custom::CustomProp {
 public:
  explicit AffineProp(const ParamMap& kwargs) : k_(std::stod(kwargs.at("k"))) {}
  std::vector<std::string> ListArguments() override { return {"data"}; }
  std::vector<std::string> ListOutputs() override { return {"output"}; }
  std::vector<std::string> ListAuxiliaryStates() override { return {"total"}; }
  void InferShape(std::vector<Shape>* in, std::vector<Shape>* out,
                  std::vector<Shape>* aux) override {
    (*out)[0] = (*in)[0];
    (*aux)[0] = Shape{1};
  }
  void InferType(std::vector<int>* in, std::vector<int>* out, std::vector<int>* aux) override {
    (*out)[0] = (*in)[0];
    (*aux)[0] = (*in)[0];
  }
  std::vector<int> DeclareBackwardDependency(const std::vector<int>& out_grad,
                                             const std::vector<int>&,
                                             const std::vector<int>&) override {
    return out_grad;
  }
  std::shared_ptr<custom::CustomOperator> CreateOperator(Context, const std::vector<Shape>&,
                                                         const std::vector<int>&) override {
    ++g_operators;
    g_last = std::make_shared<AffineOp>(k_);
    return g_last;
  }

 private:
  double k_;
};

class FailingOp : public AffineOp {
 public:
  FailingOp() : AffineOp(1) {}
  void Forward(bool, const std::vector<OpReq>&, const std::vector<NDArray>& in,
               const std::vector<NDArray>&, const std::vector<NDArray>&) override {
    MX_THROW(IndexError) << "custom kernel failed on " << in[0].shape();
  }
};

class FailingProp : public AffineProp {
 public:
  FailingProp() : AffineProp(ParamMap{{"k", "1"}}) {}
  std::shared_ptr<custom::CustomOperator> CreateOperator(Context, const std::vector<Shape>&,
                                                         const std::vector<int>&) override {
    return std::make_shared<FailingOp>();
  }
};

class CustomTest : public ::testing::Test {
 protected:
  void SetUp() override {
    custom::Register("cxx_affine", [](const std::string&, const ParamMap& kwargs) {
      return std::make_shared<AffineProp>(kwargs);
    });
    custom::Register("cxx_failing", [](const std::string&, const ParamMap&) {
      return std::make_shared<FailingProp>();
    });
  }
};

TEST_F(CustomTest, ImperativeCallRunsTheKernelAndLaterOperationsSeeItsOutput) {
  NDArray x = nd::array({1, 2, 3, 4});
  NDArray total = nd::array({10});
  std::vector<NDArray> y = Invoke("Custom", {x, total}, {{"op_type", "cxx_affine"}, {"k", "3"}});
  ASSERT_EQ(y.size(), 1u);
  NDArray z = y[0] + 1.0;  // pushed before the custom kernel ran
  EXPECT_EQ(z.ToVector<float>(), (std::vector<float>{14, 17, 20, 23}));
  EXPECT_EQ(total.ToVector<float>(), (std::vector<float>{10}));  // not training
}

TEST_F(CustomTest, GraphNamesInputsAndTrainsWithTheForwardOperatorInstance) {
  Symbol data = Symbol::Variable("data");
  Symbol c = Symbol::CreateOp("Custom", {data}, {{"op_type", "cxx_affine"}, {"k", "2"}}, "aff");
  EXPECT_EQ(c.ListArguments(), (std::vector<std::string>{"data"}));
  EXPECT_EQ(c.ListAuxiliaryStates(), (std::vector<std::string>{"aff_total"}));
  Symbol loss = Symbol::CreateOp("MakeLoss", {Symbol::CreateOp("sum", {c}, {}, "s")}, {}, "l");
  SimpleBindArgs args;
  args.shapes["data"] = Shape{3};
  Executor ex = Executor::SimpleBind(loss, cpu(), args);
  Write(ex.arg_dict().at("data"), nd::array({1, 2, 3}));
  int operators_before = g_operators;
  ex.Forward(true);
  EXPECT_EQ(ex.outputs()[0].ToVector<float>(), (std::vector<float>{12}));
  EXPECT_EQ(ex.aux_dict().at("aff_total").ToVector<float>(), (std::vector<float>{6}));
  ex.Backward();
  EXPECT_EQ(ex.grad_dict().at("data").ToVector<float>(), (std::vector<float>{2, 2, 2}));
  EXPECT_EQ(g_operators - operators_before, 1);  // one operator for both passes
  EXPECT_EQ(g_last->backward_saw(), 1);
  ex.Forward(true);  // total (6) is now added to every element
  EXPECT_EQ(ex.outputs()[0].ToVector<float>(), (std::vector<float>{30}));
}

TEST_F(CustomTest, ManyCallsOnTheThreadedEngineKeepTheirOrder) {
  NDArray acc = nd::zeros({64});
  NDArray total = nd::zeros({1});
  int before = g_forwards;
  for (int i = 0; i < 50; ++i)
    acc = Invoke("Custom", {acc + 1.0, total}, {{"op_type", "cxx_affine"}, {"k", "1"}})[0];
  std::vector<float> v = acc.ToVector<float>();
  EXPECT_EQ(v, std::vector<float>(64, 50.0f));
  EXPECT_EQ(g_forwards - before, 50);
}

TEST_F(CustomTest, AnUnregisteredOpTypeSaysHowToRegisterIt) {
  try {
    Invoke("Custom", {nd::ones({2})}, {{"op_type", "cxx_missing"}});
    FAIL() << "no error";
  } catch (const ValueError& e) {
    std::string m = e.what();
    EXPECT_NE(m.find("op_type 'cxx_missing'"), std::string::npos) << m;
    EXPECT_NE(m.find("cxx_affine"), std::string::npos) << m;  // lists the registered ones
    EXPECT_NE(m.find("register"), std::string::npos) << m;
  }
  EXPECT_THROW(Invoke("Custom", {nd::ones({2})}, {}), ValueError);
  EXPECT_THROW(Invoke("_backward_Custom", {nd::ones({2})}, {}), ValueError);
}

TEST_F(CustomTest, AKernelErrorReachesTheWaiterAndTheEngineGoesOn) {
  NDArray total = nd::zeros({1});
  std::vector<NDArray> y = Invoke("Custom", {nd::ones({2, 3}), total}, {{"op_type", "cxx_failing"}});
  try {
    y[0].WaitToRead();
    FAIL() << "no error";
  } catch (const IndexError& e) {
    EXPECT_NE(std::string(e.what()).find("custom kernel failed on (2,3)"), std::string::npos)
        << e.what();
  }
  EXPECT_EQ((nd::ones({2}) * 2.0).ToVector<float>(), (std::vector<float>{2, 2}));
}

}  // namespace
}  // namespace mx
