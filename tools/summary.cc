// summary: a per-layer table of a symbol JSON file, like MXNet's mx.viz.print_summary.
//   summary --symbol FILE --shape data=1,3,224,224 [--shape NAME=D1,D2,...]
//           [--forward [--params FILE]]
// Rows: the given inputs and every operator node, with its output shape (batch axis dropped,
// as MXNet prints it), its learnable parameter count (arguments other than the given inputs
// and labels; auxiliary states such as moving statistics are not counted) and the layers it
// reads. Ends with "Total params: N". --forward then runs the model once (tools/forward_check.h:
// the file's .params when given, random parameters otherwise) and prints each output's shape
// and checksums, so one command shows that a model runs. Exit status 1 with a message on any
// error.
#include <iostream>
#include <map>
#include <sstream>
#include <string>

#include "core/symbol/indexed_graph.h"
#include "core/tessera.h"
#include "tools/forward_check.h"

namespace {

std::string Pad(const std::string& s, size_t width) {
  return s.size() >= width ? s + " " : s + std::string(width - s.size(), ' ');
}

std::string ShapeText(const mx::Shape& s) {
  std::string t;
  for (int i = 1; i < s.ndim(); ++i) t += (i > 1 ? "x" : "") + std::to_string(s[i]);
  return t;
}

mx::Shape ParseDims(const std::string& arg, const std::string& text) {
  std::vector<int64_t> dims;
  std::stringstream ss(text);
  std::string item;
  while (std::getline(ss, item, ',')) {
    size_t used = 0;
    long long v = -1;
    try {
      v = std::stoll(item, &used);
    } catch (const std::exception&) {
      used = 0;
    }
    MX_CHECK_AS(ValueError, used == item.size() && v > 0)
        << "--shape " << arg << ": '" << item << "' is not a positive integer; write the shape "
        << "as NAME=D1,D2,... (e.g. data=1,3,224,224).";
    dims.push_back(v);
  }
  return mx::Shape(dims);
}

constexpr const char* kUsage =
    "usage: summary --symbol FILE --shape data=1,3,224,224 [--shape NAME=DIMS ...] "
    "[--forward [--params FILE]]";

int Run(int argc, char** argv) {
  std::string path, params;
  bool forward = false;
  std::map<std::string, mx::Shape> shapes;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    if (a == "--forward") {
      forward = true;
      continue;
    }
    MX_CHECK_AS(ValueError, (a == "--symbol" || a == "--shape" || a == "--params") && i + 1 < argc)
        << kUsage << "; found '" << a << "'.";
    std::string v = argv[++i];
    if (a == "--symbol") {
      path = v;
    } else if (a == "--params") {
      params = v;
    } else {
      size_t eq = v.find('=');
      MX_CHECK_AS(ValueError, eq != std::string::npos && eq > 0)
          << "--shape expects NAME=D1,D2,..., found '" << v << "'.";
      shapes[v.substr(0, eq)] = ParseDims(v, v.substr(eq + 1));
    }
  }
  MX_CHECK_AS(ValueError, !path.empty() && !shapes.empty())
      << kUsage << " (--symbol and --shape are required).";
  MX_CHECK_AS(ValueError, params.empty() || forward)
      << "--params " << params << " is read by the forward pass only; add --forward.";
  mx::Symbol net = mx::LoadSymbolFile(path);
  net.InferShape(shapes);  // ShapeError naming the node when the shapes do not fit
  // Every entry's shape, from the internals (each visible output by name).
  mx::Symbol internals = net.GetInternals();
  mx::ShapeInference all = internals.InferShape(shapes);
  std::map<std::string, mx::Shape> out_shape;
  std::vector<std::string> names = internals.ListOutputs();
  for (size_t i = 0; i < names.size(); ++i) out_shape[names[i]] = all.out_shapes[i];

  const size_t w0 = 53, w1 = 24, w2 = 12;
  std::string rule(120, '_'), double_rule(120, '=');
  std::cout << rule << "\n"
            << Pad("Layer (type)", w0) << Pad("Output Shape", w1) << Pad("Param #", w2)
            << "Previous Layer\n"
            << double_rule << "\n";
  mx::IndexedGraph g(net.outputs());
  int64_t total = 0;
  bool first = true;
  for (uint32_t nid = 0; nid < g.num_nodes(); ++nid) {
    const mx::Node* n = g[nid].node;
    if (n->is_variable() && !shapes.count(n->name())) continue;
    int64_t params = 0;
    std::vector<std::string> previous;
    for (const auto& e : g[nid].inputs) {
      const mx::Node* in = g[e.node_id].node;
      if (!in->is_variable() || shapes.count(in->name())) {
        previous.push_back(in->name());
      } else if (!g.is_mutable_input(e.node_id) &&
                 in->name().rfind("_label") != in->name().size() - 6) {
        params += out_shape.at(in->name()).Size();
      }
    }
    total += params;
    std::string shape = ShapeText(out_shape.at(n->OutputName(0)));
    std::string type = n->is_variable() ? "null" : n->attrs.op->name();
    if (!first) std::cout << rule << "\n";
    first = false;
    std::cout << Pad(n->name() + "(" + type + ")", w0) << Pad(shape, w1)
              << Pad(std::to_string(params), w2) << (previous.empty() ? "" : previous[0]) << "\n";
    for (size_t k = 1; k < previous.size(); ++k)
      std::cout << std::string(w0 + w1 + w2, ' ') << previous[k] << "\n";
  }
  std::cout << double_rule << "\nTotal params: " << total << "\n" << rule << "\n";
  if (forward) tools::ForwardCheck(net, shapes, params, std::cout);
  mx::WaitAll();
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  try {
    return Run(argc, argv);
  } catch (const mx::Error& e) {
    std::cerr << "summary: " << e.what() << "\n";
    try {
      mx::WaitAll();  // work pushed before the error
    } catch (const mx::Error&) {
    }
    return 1;
  }
}
