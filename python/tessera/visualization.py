"""Network summaries (MXNet 1.9's mx.viz.print_summary): one row per operator node (and the
first input) with its output shape (batch axis dropped), its parameter count and the layers it
reads, in MXNet's table layout. Parameter counts are the sizes of the node's learnable inputs
as inferred from `shape` (auxiliary states such as moving statistics are not counted), which
agree with MXNet's for convolution, fully connected, batch norm and embedding layers.
plot_network draws the graph with graphviz (Debian's python3-graphviz)."""
import json
import warnings

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


# Fill colours by operator kind (MXNet's palette): inputs, convolution and fully connected,
# activations, batch norm, pooling, shape changes, softmax, everything else.
_COLORS = ("#8dd3c7", "#fb8072", "#ffffb3", "#bebada", "#80b1d3", "#fdb462", "#b3de69",
           "#fccde5")
_COLOR_OF = {"Convolution": 1, "FullyConnected": 1, "Activation": 2, "LeakyReLU": 2,
             "BatchNorm": 3, "Pooling": 4, "Concat": 5, "Flatten": 5, "Reshape": 5,
             "Softmax": 6}
_WEIGHT_SUFFIXES = ("_weight", "_bias", "_beta", "_gamma", "_moving_var", "_moving_mean",
                    "_running_var", "_running_mean")


def _dims(text):
    """'(3, 3)' -> '3x3'."""
    return "x".join(p.strip() for p in text.strip("()[] ").split(",") if p.strip())


def _label(node):
    """A node's text: the operator and its main parameters (MXNet's wording)."""
    op, attrs, name = node["op"], node.get("attrs", {}), node["name"]
    if op == "Convolution":
        return "Convolution\n%s/%s, %s" % (_dims(attrs["kernel"]),
                                            _dims(attrs["stride"]) if "stride" in attrs else "1",
                                            attrs["num_filter"])
    if op == "FullyConnected":
        return "FullyConnected\n%s" % attrs["num_hidden"]
    if op == "Activation":
        return "Activation\n%s" % attrs["act_type"]
    if op == "LeakyReLU":
        return "LeakyReLU\n%s" % attrs.get("act_type", "Leaky")
    if op == "Pooling":
        return "Pooling\n%s, %s/%s" % (attrs.get("pool_type", "max"),
                                         _dims(attrs["kernel"]) if "kernel" in attrs else "[]",
                                         _dims(attrs["stride"]) if "stride" in attrs else "1")
    if op == "Custom":
        return attrs["op_type"]
    return name


def plot_network(symbol, title="plot", save_format="pdf", shape=None, dtype=None,
                 node_attrs={}, hide_weights=True):
    """The network as a graphviz.Digraph (MXNet's mx.viz.plot_network): one box per operator
    with its main parameters, inputs as ovals, weights hidden unless hide_weights=False, and,
    with `shape` ({'data': (1, 3, 224, 224)}) and `dtype`, each edge labelled with the shape
    (batch axis dropped) and type of the array it carries. Render it with .render() or .view().
    An edge from a node with several outputs is labelled with the output it carries (MXNet
    labelled it with the node's last output)."""
    try:
        from graphviz import Digraph
    except ImportError:
        raise ImportError("Draw network requires graphviz library (Debian: apt-get install "
                          "python3-graphviz)")
    if not isinstance(symbol, Symbol):
        raise TypeError("symbol must be a Symbol")
    internals = symbol.get_internals()
    shapes = types = None
    if shape is not None:
        _, out_shapes, _ = internals.infer_shape(**shape)
        if out_shapes is None:
            raise ValueError("Input shape is incomplete")
        shapes = dict(zip(internals.list_outputs(), out_shapes))
    if dtype is not None:
        _, out_types, _ = internals.infer_type(**dtype)
        if out_types is None:
            raise ValueError("Input type is incomplete")
        types = dict(zip(internals.list_outputs(), out_types))
    nodes = json.loads(symbol.tojson())["nodes"]
    names = [n["name"] for n in nodes]
    repeated = sorted({n for n in names if names.count(n) > 1})
    if repeated:
        warnings.warn("There are multiple variables with the same name in your graph, this may "
                      "result in cyclic graph. Repeated names: " + ",".join(repeated),
                      RuntimeWarning)
    base = {"shape": "box", "fixedsize": "true", "width": "1.3", "height": "0.8034",
            "style": "filled"}
    base.update(node_attrs)
    dot = Digraph(name=title, format=save_format)
    hidden = set()
    for node in nodes:
        attr = dict(base)
        if node["op"] == "null":
            if node["name"].endswith(_WEIGHT_SUFFIXES):
                if hide_weights:
                    hidden.add(node["name"])
                continue  # shown only as the end of its edge
            attr["shape"] = "oval"
            attr["fillcolor"] = _COLORS[0]
        else:
            attr["fillcolor"] = _COLORS[_COLOR_OF.get(node["op"], 7)]
        dot.node(name=node["name"], label=_label(node), **attr)

    def entry_key(node, index):
        if node["op"] == "null":
            return node["name"]
        num = int(node.get("attrs", {}).get("num_outputs", 1))
        return "%s_output%s" % (node["name"], index if num > 1 else "")

    for node in nodes:
        if node["op"] == "null":
            continue
        inputs = node["inputs"][:1] if node["op"] == "_contrib_BilinearResize2D" else \
            node["inputs"]
        for item in inputs:
            src = nodes[item[0]]
            if src["name"] in hidden:
                continue
            attr = {"dir": "back", "arrowtail": "open", "label": ""}
            key = entry_key(src, item[1])
            if shapes is not None:
                attr["label"] = "x".join(str(x) for x in shapes[key][1:])
            if types is not None:
                attr["label"] += "(%s)" % types[key].__name__
            dot.edge(tail_name=node["name"], head_name=src["name"], **attr)
    return dot
