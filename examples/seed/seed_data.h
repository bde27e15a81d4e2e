// The random data of the seed's Module listings (section 03) and their command-line sizes:
// --samples N (1000), --size S (224: N x 3 x S x S inputs), --epochs E (5), --lr R (0.01, the
// seed's default learning rate).
#ifndef TESSERA_EXAMPLES_SEED_SEED_DATA_H_
#define TESSERA_EXAMPLES_SEED_SEED_DATA_H_

#include <cstdlib>
#include <memory>
#include <string>

#include "core/tessera.h"

namespace seed {

struct Sizes {
  int64_t samples = 1000, size = 224;
  int epochs = 5;
  double lr = 0.01;
};

inline Sizes ParseSizes(int argc, char** argv) {
  Sizes s;
  for (int i = 1; i + 1 < argc; i += 2) {
    std::string flag = argv[i];
    double v = std::atof(argv[i + 1]);
    MX_CHECK_AS(ValueError, v > 0) << flag << " needs a positive number, found " << argv[i + 1];
    if (flag == "--samples") s.samples = static_cast<int64_t>(v);
    else if (flag == "--size") s.size = static_cast<int64_t>(v);
    else if (flag == "--epochs") s.epochs = static_cast<int>(v);
    else if (flag == "--lr") s.lr = v;
    else MX_THROW(ValueError) << "unknown flag " << flag << "; use --samples, --size, --epochs, --lr.";
  }
  return s;
}

// data = mx.nd.random.uniform(0,1,shape=(N,3,S,S)); label = mx.nd.round(uniform(0,1,(N,)))
// train_data = mx.io.NDArrayIter(data={'data':data}, label={'softmax_label':label},
//                                batch_size=8, shuffle=True)
inline std::unique_ptr<mx::io::NDArrayIter> TrainData(const Sizes& s) {
  mx::NDArray data = mx::nd::random::uniform(0, 1, {s.samples, 3, s.size, s.size});
  mx::NDArray label = mx::nd::round(mx::nd::random::uniform(0, 1, {s.samples}));
  mx::io::NDArrayIterOptions o;
  o.batch_size = 8;
  o.shuffle = true;
  return std::make_unique<mx::io::NDArrayIter>(
      std::vector<std::pair<std::string, mx::NDArray>>{{"data", data}},
      std::vector<std::pair<std::string, mx::NDArray>>{{"softmax_label", label}}, o);
}

}  // namespace seed

#endif  // TESSERA_EXAMPLES_SEED_SEED_DATA_H_
