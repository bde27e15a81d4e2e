// The layers with cuDNN / CUDA kernels (Convolution, Deconvolution, BatchNorm, Dropout,
// LeakyReLU, Embedding, RNN) on gpu(0) against the same calls on cpu(0): every output (hidden ones
// such as BatchNorm's mean and Dropout's mask included), the auxiliary states the layer updates,
// and the gradients of every input through the layer's gradient function, in training and in
// inference mode. float16 runs on the GPU against float32 on the CPU on the same rounded inputs.
// Skips without a GPU.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdlib>

#include "core/op/autograd.h"
#include "core/op/imperative.h"
#include "core/tessera.h"

namespace mx {
namespace {

struct LayerCase {
  std::string name;
  std::string op;
  std::vector<Shape> shapes;
  Params params;
  DType dtype = kFloat32;
  double low = -2, high = 2;
};

void ExpectClose(const NDArray& want, const NDArray& got, double tol, const std::string& what) {
  ASSERT_EQ(want.shape(), got.shape()) << what;
  std::vector<double> a = want.AsInContext(cpu()).AsType(kFloat64).ToVector<double>();
  std::vector<double> b = got.AsInContext(cpu()).AsType(kFloat64).ToVector<double>();
  int bad = 0;
  for (size_t k = 0; k < a.size() && bad < 5; ++k) {
    if (std::fabs(a[k] - b[k]) > tol * (1 + std::fabs(a[k]))) {
      ++bad;
      ADD_FAILURE() << what << " element " << k << ": CPU " << a[k] << ", GPU " << b[k];
    }
  }
}

class GpuLayers : public ::testing::TestWithParam<LayerCase> {
 protected:
  void SetUp() override {
    if (GpuCount() == 0) GTEST_SKIP() << "no GPU on this machine";
    const LayerCase& c = GetParam();
    random::Seed(11);
    for (const Shape& s : c.shapes) {
      NDArray x = nd::random::uniform(c.low, c.high, s).AsType(c.dtype);
      cpu_in_.push_back(c.dtype == kFloat16 ? x.AsType(kFloat32) : x);
      gpu_in_.push_back(x.AsInContext(gpu(0)));
    }
    tol_ = c.dtype == kFloat16 ? 2e-2 : c.dtype == kFloat64 ? 1e-10 : 1e-4;
  }
  void Run(bool train) {
    const LayerCase& c = GetParam();
    ParamMap pm = ToParamMap(c.params);
    InvokeOptions o;
    o.is_train = train;
    random::Seed(5);
    std::vector<NDArray> cout = InvokeAll(c.op, cpu_in_, pm, o);
    random::Seed(5);
    std::vector<NDArray> gout = InvokeAll(c.op, gpu_in_, pm, o);
    ASSERT_EQ(cout.size(), gout.size());
    for (size_t i = 0; i < cout.size(); ++i) {
      EXPECT_EQ(gout[i].context(), gpu(0));
      EXPECT_EQ(gout[i].dtype(), c.dtype);
      ExpectClose(cout[i], gout[i], tol_, c.name + " output " + std::to_string(i));
    }
    for (size_t i = 0; i < cpu_in_.size(); ++i)  // auxiliary states the layer updated
      ExpectClose(cpu_in_[i], gpu_in_[i], tol_, c.name + " input after " + std::to_string(i));
    if (!train) return;
    random::Seed(3);
    NDArray head = nd::random::uniform(-1, 1, cout[0].shape());
    NDArray gpu_head = head.AsType(c.dtype).AsInContext(gpu(0));
    NDArray cpu_head =
        c.dtype == kFloat16 ? gpu_head.AsInContext(cpu()).AsType(kFloat32) : head.AsType(c.dtype);
    std::vector<NDArray> cg = Backward(c.op, cpu_in_, pm, cout, {cpu_head});
    std::vector<NDArray> gg = Backward(c.op, gpu_in_, pm, gout, {gpu_head});
    ASSERT_EQ(cg.size(), gg.size());
    for (size_t i = 0; i < cg.size(); ++i) {
      if (cg[i].is_none()) continue;
      ExpectClose(cg[i], gg[i], tol_ * 5, c.name + " gradient of input " + std::to_string(i));
    }
  }
  std::vector<NDArray> cpu_in_, gpu_in_;
  double tol_ = 0;
};

TEST_P(GpuLayers, TrainingForwardAndGradientsMatchCpu) { Run(true); }
TEST_P(GpuLayers, InferenceMatchesCpu) { Run(false); }

std::vector<LayerCase> Cases() {
  std::vector<LayerCase> v;
  Params conv2 = {{"kernel", {3, 3}}, {"stride", {2, 1}}, {"pad", {1, 1}},
                  {"dilate", {1, 2}}, {"num_filter", 6},  {"num_group", 2}};
  for (DType t : {kFloat32, kFloat64, kFloat16})
    v.push_back({std::string("conv2d_") + DTypeName(t),
                 "Convolution",
                 {{2, 4, 9, 8}, {6, 2, 3, 3}, {6}},
                 conv2,
                 t});
  v.push_back({"conv2d_no_bias",
               "Convolution",
               {{3, 3, 12, 12}, {8, 3, 5, 5}},
               {{"kernel", {5, 5}}, {"num_filter", 8}, {"no_bias", true}}});
  v.push_back({"conv2d_heuristic_algorithms",
               "Convolution",
               {{2, 4, 9, 8}, {6, 2, 3, 3}, {6}},
               {{"kernel", {3, 3}}, {"num_filter", 6}, {"num_group", 2}, {"cudnn_tune", "off"}}});
  // 32768 positions a channel: the bias gradient's sum runs over several blocks a channel.
  v.push_back({"conv2d_large",
               "Convolution",
               {{8, 3, 66, 66}, {4, 3, 3, 3}, {4}},
               {{"kernel", {3, 3}}, {"num_filter", 4}}});
  v.push_back({"conv1d",
               "Convolution",
               {{2, 3, 10}, {4, 3, 3}, {4}},
               {{"kernel", {3}}, {"pad", {1}}, {"num_filter", 4}}});
  v.push_back({"conv_depthwise",
               "Convolution",
               {{2, 4, 7, 7}, {4, 1, 3, 3}, {4}},
               {{"kernel", {3, 3}}, {"pad", {1, 1}}, {"num_filter", 4}, {"num_group", 4}}});
  Params deconv = {{"kernel", {3, 3}}, {"stride", {2, 2}}, {"pad", {1, 1}},   {"adj", {1, 1}},
                   {"num_filter", 6},  {"num_group", 2},   {"no_bias", false}};
  for (DType t : {kFloat32, kFloat64})
    v.push_back({std::string("deconv2d_") + DTypeName(t),
                 "Deconvolution",
                 {{2, 4, 5, 5}, {4, 3, 3, 3}, {6}},
                 deconv,
                 t});
  Params conv3 = {{"kernel", {3, 1, 3}}, {"stride", {1, 1, 2}}, {"pad", {1, 0, 1}},
                  {"dilate", {2, 1, 1}}, {"num_filter", 6},     {"num_group", 2}};
  for (DType t : {kFloat32, kFloat64})
    v.push_back({std::string("conv3d_") + DTypeName(t),
                 "Convolution",
                 {{2, 4, 6, 5, 7}, {6, 2, 3, 1, 3}, {6}},
                 conv3,
                 t});
  v.push_back({"deconv3d",
               "Deconvolution",
               {{2, 4, 3, 4, 3}, {4, 3, 2, 3, 3}, {6}},
               {{"kernel", {2, 3, 3}},
                {"stride", {2, 1, 2}},
                {"pad", {0, 1, 1}},
                {"num_filter", 6},
                {"num_group", 2},
                {"no_bias", false}}});
  // The fused RNN (T=5, N=3, I=4, H=6, two bidirectional layers, final states as outputs).
  for (DType t : {kFloat32, kFloat64})
    v.push_back({std::string("rnn_lstm_") + DTypeName(t),
                 "RNN",
                 {{5, 3, 4}, {1536}, {4, 3, 6}, {4, 3, 6}},
                 {{"mode", "lstm"},
                  {"state_size", 6},
                  {"num_layers", 2},
                  {"bidirectional", true},
                  {"state_outputs", true}},
                 t,
                 -0.5,
                 0.5});
  v.push_back({"rnn_gru",
               "RNN",
               {{5, 3, 4}, {1152}, {4, 3, 6}},
               {{"mode", "gru"},
                {"state_size", 6},
                {"num_layers", 2},
                {"bidirectional", true},
                {"state_outputs", true}},
               kFloat32,
               -0.5,
               0.5});
  v.push_back(
      {"rnn_tanh",
       "RNN",
       {{5, 3, 4}, {384}, {4, 3, 6}},
       {{"mode", "rnn_tanh"}, {"state_size", 6}, {"num_layers", 2}, {"bidirectional", true}},
       kFloat32,
       -0.5,
       0.5});
  v.push_back({"deconv1d",
               "Deconvolution",
               {{2, 3, 6}, {3, 2, 4}},
               {{"kernel", {4}}, {"stride", {2}}, {"num_filter", 2}}});
  for (DType t : {kFloat32, kFloat64, kFloat16}) {
    v.push_back({std::string("batchnorm_") + DTypeName(t),
                 "BatchNorm",
                 {{4, 3, 5, 5}, {3}, {3}, {3}, {3}},
                 {{"fix_gamma", false}},
                 t,
                 0.2,
                 2});
  }
  v.push_back({"batchnorm_global_stats",
               "BatchNorm",
               {{4, 3, 6}, {3}, {3}, {3}, {3}},
               {{"use_global_stats", true}, {"fix_gamma", false}},
               kFloat32,
               0.2,
               2});
  v.push_back({"batchnorm_axis_last",
               "BatchNorm",
               {{6, 2, 5}, {5}, {5}, {5}, {5}},
               {{"axis", -1}, {"output_mean_var", true}},
               kFloat32,
               0.2,
               2});
  v.push_back({"batchnorm_big_channel",
               "BatchNorm",
               {{8, 2, 40, 40}, {2}, {2}, {2}, {2}},
               {{"fix_gamma", false}, {"eps", 1e-5}},
               kFloat32,
               0.2,
               2});
  for (const char* act : {"leaky", "elu", "selu", "gelu"})
    v.push_back({std::string("leaky_relu_") + act,
                 "LeakyReLU",
                 {{3, 4, 50}},
                 {{"act_type", act}, {"slope", 0.1}}});
  v.push_back({"prelu", "LeakyReLU", {{3, 4, 5, 6}, {4}}, {{"act_type", "prelu"}}});
  v.push_back({"prelu_float64", "LeakyReLU", {{3, 4, 5}, {4}}, {{"act_type", "prelu"}}, kFloat64});
  v.push_back({"dropout", "Dropout", {{6, 7, 8}}, {{"p", 0.3}}});
  v.push_back({"dropout_shared_axes", "Dropout", {{6, 7, 8}}, {{"p", 0.5}, {"axes", {1}}}});
  v.push_back({"dropout_always", "Dropout", {{500}}, {{"p", 0.2}, {"mode", "always"}}});
  v.push_back({"embedding",
               "Embedding",
               {{4, 5}, {10, 7}},
               {{"input_dim", 10}, {"output_dim", 7}},
               kFloat32,
               -2,
               12});
  return v;
}

INSTANTIATE_TEST_SUITE_P(Layers, GpuLayers, ::testing::ValuesIn(Cases()),
                         [](const ::testing::TestParamInfo<LayerCase>& info) {
                           return info.param.name;
                         });

// An inference executor on gpu(0) runs conv -> batch norm -> relu -> pool in batch chunks
// (core/pass/batch_chunks.h: row slices of device arrays into cuDNN); same as cpu(0) whole.
TEST(GpuExecutor, BatchChunkedInferenceMatchesCpu) {
  if (GpuCount() == 0) GTEST_SKIP() << "no GPU";
  Symbol x = sym::Convolution(sym::Variable("data"),
                              {{"num_filter", 16}, {"kernel", {3, 3}}, {"pad", {1, 1}}}, "c");
  x = sym::Activation(sym::BatchNorm(x, {{"fix_gamma", false}}, "bn"), {{"act_type", "relu"}}, "r");
  x = sym::Pooling(x, {{"kernel", {2, 2}}, {"stride", {2, 2}}, {"pool_type", "max"}}, "p");
  auto bind = [&](Context ctx, const char* kb) {
    setenv("TESSERA_EXEC_BATCH_CHUNK_KB", kb, 1);
    SimpleBindArgs a;
    a.shapes = {{"data", {5, 3, 20, 20}}};
    a.grad_req = GradReq::kNull;
    Executor e = Executor::SimpleBind(x, ctx, a);
    unsetenv("TESSERA_EXEC_BATCH_CHUNK_KB");
    uint32_t seed = 1;
    for (auto& [name, arr] : e.arg_dict()) {
      random::Seed(seed++);
      nd::random::uniform(-1, 1, arr.shape()).CopyTo(arr);
    }
    for (auto& [name, arr] : e.aux_dict()) {
      random::Seed(seed++);
      nd::random::uniform(0.5, 1.5, arr.shape()).CopyTo(arr);
    }
    return e;
  };
  Executor on_cpu = bind(cpu(), "0"), on_gpu = bind(gpu(0), "52");
  EXPECT_EQ(on_cpu.memory().chunk_runs, 0);
  EXPECT_EQ(on_gpu.memory().chunk_runs, 1);  // 25 KiB a sample: chunks of 2, 2 and 1 rows
  for (int pass = 0; pass < 2; ++pass)
    ExpectClose(on_cpu.Forward(false)[0], on_gpu.Forward(false)[0], 1e-4, "chunked on gpu");
}

}  // namespace
}  // namespace mx
