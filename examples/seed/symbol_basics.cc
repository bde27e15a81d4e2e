// The seed tutorial's Symbol section (02): the seed network, its arguments, the shapes
// inferred for data (1, 3, 10, 10), the network cut at pool1_output and re-headed with fc_new.
#include <iostream>

#include "core/tessera.h"

int main() {
  try {
    namespace sym = mx::sym;
    // data = mx.sym.Variable('data') ... sym = mx.sym.SoftmaxOutput(data=fc, name='softmax')
    mx::Symbol data = sym::Variable("data");
    mx::Symbol conv =
        sym::Convolution(data, {{"num_filter", 128}, {"kernel", {3, 3}}, {"pad", {1, 1}}}, "conv1");
    mx::Symbol bn = sym::BatchNorm(conv, {}, "bn1");
    mx::Symbol relu = sym::Activation(bn, {{"act_type", "relu"}}, "relu1");
    mx::Symbol pool = sym::Pooling(
        relu, {{"kernel", {2, 2}}, {"stride", {2, 2}}, {"pool_type", "max"}}, "pool1");
    mx::Symbol fc = sym::FullyConnected(pool, {{"num_hidden", 2}}, "fc1");
    mx::Symbol net = sym::SoftmaxOutput(fc, {}, "softmax");

    // print(sym.list_arguments())
    std::cout << mx::PyRepr(net.ListArguments()) << "\n";
    // arg_shape, out_shape, aux_shape = sym.infer_shape(data=(1,3,10,10))
    mx::ShapeInference shapes = net.InferShape({{"data", {1, 3, 10, 10}}});
    std::cout << mx::PyRepr(shapes.arg_shapes) << "\n";
    std::cout << mx::PyRepr(shapes.out_shapes) << "\n";
    std::cout << mx::PyRepr(shapes.aux_shapes) << "\n";

    // sym_mini = sym.get_internals()['pool1_output']; print(sym_mini.list_arguments())
    mx::Symbol mini = net.GetInternals()["pool1_output"];
    std::cout << mx::PyRepr(mini.ListArguments()) << "\n";

    // fc_new = mx.sym.FullyConnected(data=sym_mini, num_hidden=5, name='fc_new')
    // sym_new = mx.sym.SoftmaxOutput(data=fc_new, name='softmax')
    mx::Symbol fc_new = sym::FullyConnected(mini, {{"num_hidden", 5}}, "fc_new");
    mx::Symbol net_new = sym::SoftmaxOutput(fc_new, {}, "softmax");
    std::cout << mx::PyRepr(net_new.ListArguments()) << "\n";
    mx::WaitAll();  // mx.nd.waitall(): the work queued is done, and its errors thrown here
  } catch (const mx::Error& e) {
    std::cerr << "symbol_basics failed: " << e.what() << "\n";
    return 1;
  }
  return 0;
}
