"""Network summaries (MXNet 1.9's mx.viz.print_summary): one row per operator node (and the
first input) with its output shape (batch axis dropped), its parameter count and the layers it
reads, in MXNet's table layout. Parameter counts are the sizes of the node's learnable inputs
as inferred from `shape` (auxiliary states such as moving statistics are not counted), which
agree with MXNet's for convolution, fully connected, batch norm and embedding layers.
plot_network needs graphviz and is not in Tessera."""
import json

from .symbol.symbol import Symbol

__all__ = ["print_summary", "plot_network"]


def print_summary(symbol, shape=None, line_length=120, positions=[.44, .64, .74, 1.]):
    """Prints the table; shape: the input shapes by name ({'data': (1, 3, 224, 224)})."""
    if not isinstance(symbol, Symbol):
        raise TypeError("symbol must be Symbol")
    shape_dict, arg_shapes = {}, {}
    show_shape = shape is not None
    if show_shape:
        internals = symbol.get_internals()
        _, out_shapes, _ = internals.infer_shape(**shape)
        if out_shapes is None:
            raise ValueError("Input shape is incomplete")
        shape_dict = dict(zip(internals.list_outputs(), out_shapes))
        arg, _, _ = symbol.infer_shape(**shape)
        arg_shapes = dict(zip(symbol.list_arguments(), arg))
    nodes = json.loads(symbol.tojson())["nodes"]
    inputs_given = set(shape or {})
    labels = {n["name"] for n in nodes if n["op"] == "null" and n["name"].endswith("_label")}
    if positions[-1] <= 1:
        positions = [int(line_length * p) for p in positions]

    def print_row(fields):
        line = ""
        for i, field in enumerate(fields):
            line += str(field)
            line = line[:positions[i]]
            line += " " * (positions[i] - len(line))
        print(line)

    def out_shape(node):
        key = node["name"] + ("_output" if node["op"] != "null" else "")
        if key not in shape_dict:
            key = node["name"] + "_output0"
        return shape_dict.get(key, ())[1:]

    print("_" * line_length)
    print_row(["Layer (type)", "Output Shape", "Param #", "Previous Layer"])
    print("=" * line_length)
    total = 0
    rows = [(i, n) for i, n in enumerate(nodes) if n["op"] != "null" or i == 0]
    for r, (i, node) in enumerate(rows):
        previous, params = [], 0
        for item in node.get("inputs", []):
            src = nodes[item[0]]
            if src["op"] != "null" or src["name"] in inputs_given:
                previous.append(src["name"])
            elif show_shape and src["name"] not in labels:
                size = 1
                for d in arg_shapes.get(src["name"], ()):
                    size *= d
                params += size if src["name"] in arg_shapes else 0
        shp = out_shape(node) if show_shape else ()
        print_row([node["name"] + "(" + node["op"] + ")", "x".join(str(x) for x in shp),
                   params, previous[0] if previous else ""])
        for p in previous[1:]:
            print_row(["", "", "", p])
        total += params
        print(("=" if r == len(rows) - 1 else "_") * line_length)
    print("Total params: {params}".format(params=total))
    print("_" * line_length)


def plot_network(*args, **kwargs):
    raise NotImplementedError("plot_network needs graphviz, which Tessera does not use; "
                              "print_summary gives the same information as text")
