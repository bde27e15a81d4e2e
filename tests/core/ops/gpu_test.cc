// Every NDArray operation on gpu(0) against the same operation on cpu(0). Skips without a GPU.
#include <gtest/gtest.h>

#include <cmath>

#include "core/op/autograd.h"
#include "core/op/imperative.h"
#include "core/tessera.h"

namespace mx {
namespace {

struct OpCase {
  std::string op;
  std::vector<Shape> shapes;
  Params params;
  DType dtype = kFloat32;
  double low = -2, high = 2;
};

class GpuVsCpu : public ::testing::TestWithParam<OpCase> {};

TEST_P(GpuVsCpu, SameResult) {
  if (GpuCount() == 0) GTEST_SKIP() << "no GPU";
  const OpCase& c = GetParam();
  std::vector<NDArray> cpu_in, gpu_in;
  random::Seed(7);
  for (const Shape& s : c.shapes) {
    NDArray x = nd::random::uniform(c.low, c.high, s).AsType(c.dtype);
    cpu_in.push_back(x);
    gpu_in.push_back(x.AsInContext(gpu(0)));
  }
  std::vector<NDArray> a = nd::Op(c.op, cpu_in, c.params);
  std::vector<NDArray> b = nd::Op(c.op, gpu_in, c.params);
  ASSERT_EQ(a.size(), b.size());
  for (size_t i = 0; i < a.size(); ++i) {
    EXPECT_EQ(b[i].context(), gpu(0));
    ASSERT_EQ(a[i].shape(), b[i].shape()) << c.op;
    std::vector<double> x = a[i].ToVector<double>(), y = b[i].ToVector<double>();
    double tol = c.dtype == kFloat16 ? 2e-2 : 1e-5;
    for (size_t k = 0; k < x.size(); ++k) {
      if (std::isnan(x[k])) {
        EXPECT_TRUE(std::isnan(y[k])) << c.op << " element " << k;
        continue;
      }
      EXPECT_NEAR(x[k], y[k], tol * (1 + std::fabs(x[k]))) << c.op << " element " << k;
    }
  }
}

std::vector<OpCase> Cases() {
  std::vector<OpCase> v;
  for (const char* op : {"broadcast_add", "broadcast_sub", "broadcast_mul", "broadcast_div",
                         "broadcast_mod", "broadcast_maximum", "broadcast_greater"}) {
    v.push_back({op, {{4, 1, 5}, {3, 5}}, {}});
    v.push_back({op, {{64, 33}, {64, 33}}, {}});
  }
  for (const char* op : {"elemwise_add", "elemwise_mul", "_maximum"})
    v.push_back({op, {{1000}, {1000}}, {}});
  for (const char* op : {"_plus_scalar", "_rminus_scalar", "_rdiv_scalar", "_power_scalar",
                         "_greater_scalar", "_mod_scalar"})
    v.push_back({op, {{7, 9}}, {{"scalar", 1.5}}});
  for (const char* op : {"exp", "log", "sqrt", "tanh", "sigmoid", "relu", "abs", "sign", "round",
                         "floor", "ceil", "square", "sin", "erf", "softsign", "negative"})
    v.push_back({op, {{3, 70000}}, {}});  // large enough for the parallel CPU path
  for (const char* op : {"sum", "mean", "max", "min", "prod"}) {
    v.push_back({op, {{4, 5, 6}}, {{"axis", {1}}}});
    v.push_back({op, {{300, 1000}}, {}});
    v.push_back({op, {{4, 5, 6}}, {{"axis", {0, 2}}, {"keepdims", true}}});
  }
  v.push_back({"norm", {{30, 40}}, {}});
  v.push_back({"norm", {{30, 40}}, {{"ord", 1}, {"axis", {1}}}});
  v.push_back({"argmax", {{30, 40}}, {{"axis", 1}}});
  v.push_back({"argmin", {{30, 40}}, {{"axis", 0}}});
  v.push_back({"transpose", {{3, 4, 5}}, {{"axes", {1, 2, 0}}}});
  v.push_back({"Reshape", {{3, 4, 5}}, {{"shape", {-1, 10}}}});
  v.push_back({"expand_dims", {{3, 4}}, {{"axis", 1}}});
  v.push_back({"Concat", {{2, 3}, {2, 5}}, {{"num_args", 2}, {"dim", 1}}});
  v.push_back({"stack", {{2, 3}, {2, 3}}, {{"num_args", 2}, {"axis", 1}}});
  v.push_back({"SliceChannel", {{4, 6}}, {{"num_outputs", 3}, {"axis", 1}}});
  v.push_back({"slice_axis", {{4, 6}}, {{"axis", 1}, {"begin", 1}, {"end", 4}}});
  v.push_back({"clip", {{100}}, {{"a_min", -0.5}, {"a_max", 0.5}}});
  v.push_back({"one_hot", {{10}}, {{"depth", 4}}, kFloat32, 0, 4});
  v.push_back({"take", {{5, 3}, {4}}, {{"mode", "wrap"}}, kFloat32, -6, 6});
  v.push_back({"where", {{6}, {6, 2}, {6, 2}}, {}, kFloat32, -1, 1});
  v.push_back({"Cast", {{50}}, {{"dtype", "float16"}}});
  v.push_back({"dot", {{64, 48}, {48, 32}}, {}});
  v.push_back({"dot", {{48, 64}, {32, 48}}, {{"transpose_a", true}, {"transpose_b", true}}});
  v.push_back({"dot", {{64, 48}, {48, 32}}, {}, kFloat64});
  v.push_back({"dot", {{16, 8}, {8, 4}}, {}, kFloat16});
  v.push_back({"batch_dot", {{3, 8, 6}, {3, 6, 5}}, {}});
  v.push_back({"broadcast_add", {{5, 6}, {6}}, {}, kFloat16});
  v.push_back({"broadcast_mul", {{5, 6}, {5, 1}}, {}, kInt32, -5, 5});
  v.push_back({"sum", {{40, 50}}, {{"axis", {0}}}, kFloat64});
  v.push_back({"sgd_update", {{300}, {300}}, {{"lr", 0.1}, {"wd", 0.01}, {"clip_gradient", 1.0}}});
  v.push_back({"sgd_mom_update", {{300}, {300}, {300}}, {{"lr", 0.1}, {"momentum", 0.9}}});
  v.push_back({"nag_mom_update", {{300}, {300}, {300}}, {{"lr", 0.1}, {"momentum", 0.9}}});
  v.push_back({"adam_update", {{300}, {300}, {300}, {300}}, {{"lr", 0.01}}, kFloat32, 0.1, 1});
  v.push_back({"rmsprop_update", {{300}, {300}, {300}}, {{"lr", 0.01}}, kFloat32, 0.1, 1});
  v.push_back({"adagrad_update", {{300}, {300}, {300}}, {{"lr", 0.01}}, kFloat32, 0.1, 1});
  v.push_back({"signum_update", {{300}, {300}, {300}}, {{"lr", 0.01}, {"momentum", 0.9}}});
  v.push_back({"lamb_update_phase1", {{300}, {300}, {300}, {300}}, {{"t", 3}}, kFloat32, 0.1, 1});
  v.push_back({"lamb_update_phase2", {{300}, {300}, {1}, {1}}, {{"lr", 0.01}}, kFloat32, 0.1, 1});
  v.push_back({"sgd_update", {{300}, {300}}, {{"lr", 0.1}}, kFloat16});
  v.push_back({"_backward_sum", {{4, 6}, {4, 5, 6}, {4, 6}}, {{"axis", {1}}}});
  v.push_back({"_backward_mean", {{1}, {4, 5, 6}, {1}}, {}});
  v.push_back({"_backward_max", {{4, 6}, {4, 5, 6}, {4, 6}}, {{"axis", {1}}}});
  v.push_back({"_backward_norm", {{1}, {4, 5}, {1}}, {}, kFloat32, 0.5, 1});
  v.push_back({"_sum_to_like", {{4, 3, 5}, {3, 1}}, {}});
  v.push_back({"_backward_dot", {{64, 32}, {64, 48}, {48, 32}}, {}});
  v.push_back({"_backward_dot",
               {{48, 32}, {64, 48}, {32, 64}},
               {{"transpose_a", true}, {"transpose_b", true}}});
  v.push_back({"_backward_batch_dot", {{3, 8, 5}, {3, 8, 6}, {3, 6, 5}}, {}});
  v.push_back({"zeros_like", {{7}}, {}});
  v.push_back({"ones_like", {{7}}, {}});
  v.push_back({"reshape_like", {{6, 4}, {2, 12}}, {}});
  for (const char* act : {"relu", "sigmoid", "tanh", "softrelu", "softsign"}) {
    v.push_back({"Activation", {{5, 7000}}, {{"act_type", act}}});
    v.push_back({"_backward_Activation", {{5, 70}, {5, 70}, {5, 70}}, {{"act_type", act}}});
  }
  v.push_back({"Activation", {{64}}, {{"act_type", "tanh"}}, kFloat16});
  v.push_back({"FullyConnected", {{16, 3, 4}, {10, 12}, {10}}, {{"num_hidden", 10}}});
  v.push_back({"FullyConnected",
               {{5, 2, 4}, {6, 4}},
               {{"num_hidden", 6}, {"flatten", false}, {"no_bias", true}}});
  v.push_back({"_backward_FullyConnected", {{16, 10}, {16, 12}, {10, 12}}, {{"num_hidden", 10}}});
  v.push_back({"FullyConnected", {{8, 16}, {4, 16}, {4}}, {{"num_hidden", 4}}, kFloat64});
  v.push_back({"softmax", {{6, 5, 7}}, {{"axis", 1}}});
  for (const char* pt : {"max", "avg", "sum"}) {
    Params pp = {{"kernel", {3, 2}},
                 {"stride", {2, 2}},
                 {"pad", {1, 1}},
                 {"pool_type", pt},
                 {"pooling_convention", "full"}};
    v.push_back({"Pooling", {{2, 3, 9, 8}}, pp});
    v.push_back({"_backward_Pooling", {{2, 3, 5, 5}, {2, 3, 9, 8}}, pp});
  }
  v.push_back({"Pooling", {{2, 3, 9, 8}}, {{"global_pool", true}, {"pool_type", "avg"}}});
  for (const char* pt : {"max", "avg"}) {  // 3-D (NCDHW)
    Params p3 = {
        {"kernel", {3, 3, 2}}, {"stride", {2, 2, 1}}, {"pad", {1, 1, 0}}, {"pool_type", pt}};
    v.push_back({"Pooling", {{2, 3, 5, 6, 7}}, p3});
    v.push_back({"_backward_Pooling", {{2, 3, 3, 3, 6}, {2, 3, 5, 6, 7}}, p3});
  }
  // 2x2 max pooling, stride 2 (the fast path): even sizes, and odd ones with an uncovered edge.
  Params p2 = {{"kernel", {2, 2}}, {"stride", {2, 2}}, {"pool_type", "max"}};
  for (DType t : {kFloat32, kFloat64}) {
    v.push_back({"Pooling", {{2, 3, 8, 10}}, p2, t});
    v.push_back({"Pooling", {{2, 3, 9, 7}}, p2, t});
    v.push_back({"_backward_Pooling", {{2, 3, 4, 5}, {2, 3, 8, 10}}, p2, t});
    v.push_back({"_backward_Pooling", {{2, 3, 4, 3}, {2, 3, 9, 7}}, p2, t});
  }
  v.push_back({"SoftmaxOutput", {{8, 5}, {8}}, {}});
  v.push_back({"SoftmaxOutput", {{2, 5, 3}, {2, 3}}, {{"multi_output", true}}});
  for (const char* norm : {"null", "batch", "valid"}) {
    v.push_back({"_backward_SoftmaxOutput",
                 {{8, 5}, {8, 5}, {8}},
                 {{"normalization", norm}, {"use_ignore", true}, {"ignore_label", 2}},
                 kFloat32,
                 0,
                 4});
  }
  v.push_back({"_backward_SoftmaxOutput",
               {{2, 5, 3}, {2, 5, 3}, {2, 3}},
               {{"multi_output", true}, {"smooth_alpha", 0.1}},
               kFloat32,
               0,
               4});
  v.push_back({"_backward_SoftmaxOutput", {{8, 5}, {8, 5}, {8, 5}}, {{"out_grad", true}}});
  for (const char* op :
       {"LinearRegressionOutput", "LogisticRegressionOutput", "MAERegressionOutput"}) {
    v.push_back({op, {{6, 3}, {6, 3}}, {}});
    v.push_back({std::string("_backward_") + op, {{6, 3}, {6, 3}}, {{"grad_scale", 2.0}}});
  }
  v.push_back({"MakeLoss", {{6}}, {}});
  v.push_back({"_backward_MakeLoss", {{6}}, {{"normalization", "valid"}, {"valid_thresh", 0.5}}});
  v.push_back({"BlockGrad", {{6}}, {}});
  v.push_back({"log_softmax", {{6, 9}}, {{"temperature", 2.0}}});
  v.push_back({"SoftmaxActivation", {{4, 3, 2}}, {}});
  v.push_back({"_backward_softmax", {{6, 9}, {6, 9}}, {}});
  v.push_back({"_backward_log_softmax", {{6, 5, 7}, {6, 5, 7}}, {{"axis", 1}}});
  v.push_back({"_backward_Concat", {{2, 5}, {2, 3}, {2, 2}}, {{"num_args", 2}, {"dim", 1}}});
  v.push_back({"_backward_slice_axis", {{4, 3}, {4, 6}}, {{"axis", 1}, {"begin", 2}, {"end", 5}}});
  v.push_back({"_backward_take", {{4, 3}, {5, 3}, {4}}, {{"mode", "wrap"}}, kFloat32, -6, 6});
  return v;
}

// Composed gradients run on the GPU too: Backward on gpu(0) against cpu(0).
TEST(GpuGradients, ComposedGradientsMatchCpu) {
  if (GpuCount() == 0) GTEST_SKIP() << "no GPU";
  struct G {
    std::string op;
    std::vector<Shape> shapes;
    Params params;
  };
  for (const G& g : std::vector<G>{{"broadcast_mul", {{4, 5}, {5}}, {}},
                                   {"broadcast_div", {{4, 5}, {4, 1}}, {}},
                                   {"tanh", {{30}}, {}},
                                   {"_rdiv_scalar", {{30}}, {{"scalar", 2.0}}},
                                   {"sum", {{4, 5}}, {{"axis", {0}}}},
                                   {"dot", {{6, 7}, {7, 3}}, {}},
                                   {"transpose", {{2, 3, 4}}, {{"axes", {2, 0, 1}}}}}) {
    std::vector<NDArray> cin, gin;
    for (const Shape& s : g.shapes) {
      NDArray x = nd::random::uniform(0.5, 1.5, s);
      cin.push_back(x);
      gin.push_back(x.AsInContext(gpu(0)));
    }
    ParamMap pm = ToParamMap(g.params);
    std::vector<NDArray> cout = InvokeAll(g.op, cin, pm), gout = InvokeAll(g.op, gin, pm);
    NDArray head = nd::random::uniform(-1, 1, cout[0].shape());
    std::vector<NDArray> cg = Backward(g.op, cin, pm, cout, {head});
    std::vector<NDArray> gg = Backward(g.op, gin, pm, gout, {head.AsInContext(gpu(0))});
    for (size_t i = 0; i < cg.size(); ++i) {
      if (cg[i].is_none()) continue;
      EXPECT_EQ(gg[i].context(), gpu(0)) << g.op;
      std::vector<float> a = cg[i].ToVector<float>(), b = gg[i].ToVector<float>();
      for (size_t k = 0; k < a.size(); ++k) EXPECT_NEAR(a[k], b[k], 1e-4) << g.op << " input " << i;
    }
  }
}

INSTANTIATE_TEST_SUITE_P(Ops, GpuVsCpu, ::testing::ValuesIn(Cases()),
                         [](const ::testing::TestParamInfo<OpCase>& info) {
                           return info.param.op + "_" + std::to_string(info.index);
                         });

}  // namespace
}  // namespace mx
