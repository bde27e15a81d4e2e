// score: accuracy of an MXNet-format model on an IDX test set.
//   score --symbol FILE --params FILE --data DIR [--mean M --std S] [--predictions OUT]
// DIR holds t10k-images-idx3-ubyte[.gz] and t10k-labels-idx1-ubyte[.gz]. Pixels are scaled to
// [0, 1], then (x - M) / S. The input is (N, 1, rows, cols), or (N, rows * cols) when the
// model wants flat input. Parameter keys may carry MXNet's "arg:"/"aux:" prefixes (Module
// checkpoints) or none (Gluon exports). Prints "accuracy=0.xxxx"; --predictions writes one
// predicted class per line. Exit status 1 with a message on any error.
#include <cstdio>
#include <fstream>
#include <iostream>
#include <map>
#include <string>

#include "core/tessera.h"

namespace {

struct Args {
  std::string symbol, params, data, predictions;
  double mean = 0, std = 1;
};

Args Parse(int argc, char** argv) {
  Args a;
  for (int i = 1; i < argc; ++i) {
    std::string f = argv[i];
    MX_CHECK_AS(ValueError, i + 1 < argc)
        << "usage: score --symbol FILE --params FILE --data DIR [--mean M --std S] "
        << "[--predictions OUT]; " << f << " needs a value.";
    std::string v = argv[++i];
    if (f == "--symbol") a.symbol = v;
    else if (f == "--params") a.params = v;
    else if (f == "--data") a.data = v;
    else if (f == "--predictions") a.predictions = v;
    else if (f == "--mean") a.mean = std::stod(v);
    else if (f == "--std") a.std = std::stod(v);
    else MX_THROW(ValueError) << "unknown flag " << f << "; usage: score --symbol FILE --params "
                              << "FILE --data DIR [--mean M --std S] [--predictions OUT].";
  }
  MX_CHECK_AS(ValueError, !a.symbol.empty() && !a.params.empty() && !a.data.empty())
      << "usage: score --symbol FILE --params FILE --data DIR (all three are required).";
  MX_CHECK_AS(ValueError, a.std != 0) << "--std must not be 0.";
  return a;
}

std::string Existing(const std::string& base) {
  if (std::ifstream(base + ".gz").good()) return base + ".gz";
  return base;
}

int Run(int argc, char** argv) {
  Args a = Parse(argc, argv);
  mx::Symbol net = mx::LoadSymbolFile(a.symbol);
  mx::mod::ParamDict arg, aux;
  for (const auto& [key, array] : mx::nd::LoadDict(a.params)) {
    if (key.rfind("aux:", 0) == 0) aux[key.substr(4)] = array;
    else arg[key.rfind("arg:", 0) == 0 ? key.substr(4) : key] = array;
  }
  mx::io::IdxData d = mx::io::ReadIdx(Existing(a.data + "/t10k-images-idx3-ubyte"),
                                         Existing(a.data + "/t10k-labels-idx1-ubyte"));
  int64_t n = d.images.shape()[0], rows = d.images.shape()[1], cols = d.images.shape()[2];
  mx::NDArray x = (d.images - a.mean) / a.std;
  // The model's input layout: NCHW if its shapes infer, else flat.
  mx::NDArray input = x.Reshape({n, 1, rows, cols});
  try {
    net.InferShape({{"data", {1, 1, rows, cols}}});
  } catch (const mx::ShapeError&) {
    input = x.Reshape({n, rows * cols});
  }
  mx::io::NDArrayIterOptions o;
  o.batch_size = std::min<int64_t>(100, n);
  mx::io::NDArrayIter it({{"data", input}}, {{"softmax_label", d.labels}}, o);
  mx::mod::Module mod(net);
  mod.Bind(it.ProvideData(), it.ProvideLabel(), false);
  mx::mod::InitParamsOptions ip;
  ip.arg_params = arg;
  ip.aux_params = aux;
  mod.InitParams(ip);
  mx::NDArray out = mod.Predict(&it)[0];
  std::vector<float> p = out.ToVector<float>(), labels = d.labels.ToVector<float>();
  int64_t classes = out.shape()[1], correct = 0;
  std::ofstream pred;
  if (!a.predictions.empty()) {
    pred.open(a.predictions);
    MX_CHECK_AS(IOError, pred.good()) << "cannot write " << a.predictions << ".";
  }
  for (int64_t i = 0; i < n; ++i) {
    int64_t best = 0;
    for (int64_t c = 1; c < classes; ++c)
      if (p[i * classes + c] > p[i * classes + best]) best = c;
    correct += best == static_cast<int64_t>(labels[i]);
    if (pred.is_open()) pred << best << "\n";
  }
  std::printf("accuracy=%.4f\n", static_cast<double>(correct) / static_cast<double>(n));
  mx::WaitAll();
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  try {
    return Run(argc, argv);
  } catch (const mx::Error& e) {
    std::cerr << "score: " << e.what() << "\n";
    return 1;
  }
}
