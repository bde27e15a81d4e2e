#include "core/symbol/symbol_json.h"

#include <cstdio>
#include <fstream>
#include <map>
#include <sstream>

#include "core/base/error.h"
#include "core/base/logging.h"
#include "core/symbol/indexed_graph.h"
#include "core/symbol/json_value.h"
#include "core/symbol/legacy_json.h"

namespace mx {
namespace {

// dmlc::JSONWriter's layout: ", " then a newline and two spaces per open scope inside
// multi-line scopes; single-line scopes keep everything on one line.
class Writer {
 public:
  explicit Writer(std::ostream* os) : os_(*os) {}
  void BeginObject(bool multi) { Begin('{', multi); }
  void EndObject() { End('}'); }
  void BeginArray(bool multi) { Begin('[', multi); }
  void EndArray() { End(']'); }
  void Key(const std::string& k) {
    Item();
    String(k);
    os_ << ": ";
  }
  void Item() {
    if (counts_.back()++ > 0) os_ << ", ";
    Separator();
  }
  void String(const std::string& s) {
    os_ << '"';
    for (char c : s) {
      switch (c) {
        case '\r': os_ << "\\r"; break;
        case '\n': os_ << "\\n"; break;
        case '\\': os_ << "\\\\"; break;
        case '\t': os_ << "\\t"; break;
        case '"': os_ << "\\\""; break;
        default: os_ << c;
      }
    }
    os_ << '"';
  }
  template <typename T>
  void Number(T v) {
    os_ << v;
  }
  void Ints(const std::vector<int64_t>& v) {
    BeginArray(v.size() > 10);
    for (int64_t x : v) {
      Item();
      Number(x);
    }
    EndArray();
  }
  void Entries(const std::vector<std::array<int64_t, 3>>& v) {
    BeginArray(v.size() > 10);
    for (const auto& e : v) {
      Item();
      os_ << '[' << e[0] << ", " << e[1] << ", " << e[2] << ']';
    }
    EndArray();
  }
  void StringMap(const ParamMap& m) {
    BeginObject(m.size() > 1);
    for (const auto& kv : m) {
      Key(kv.first);
      String(kv.second);
    }
    EndObject();
  }

 private:
  void Begin(char c, bool multi) {
    os_ << c;
    multi_.push_back(multi);
    counts_.push_back(0);
  }
  void End(char c) {
    bool multi = multi_.back();
    multi_.pop_back();
    counts_.pop_back();
    if (multi) Separator();
    os_ << c;
  }
  void Separator() {
    if (multi_.empty() || multi_.back()) os_ << '\n' << std::string(multi_.size() * 2, ' ');
  }
  std::ostream& os_;
  std::vector<bool> multi_;
  std::vector<int> counts_;
};

// The operator's own name for a name a file uses: aliases resolve through the registry
// (core/ops/aliases.cc); "Softmax" is SoftmaxOutput's old name in files (MXNet's alias).
std::string CanonicalOpName(const std::string& op) {
  if (op == "Softmax") return "SoftmaxOutput";
  const OpRegistry* r = OpRegistry::Get();
  return r->Has(op) ? r->Find(op).name() : op;
}

JsonNodeRecord ReadNode(const JsonValue& v, size_t id) {
  std::string where = "node " + std::to_string(id);
  v.ExpectObject(where);
  JsonNodeRecord n;
  const JsonValue* op = v.Find("op");
  const JsonValue* name = v.Find("name");
  MX_CHECK_AS(ValueError, op && name)
      << "symbol JSON: " << where << " needs \"op\" and \"name\" fields.";
  n.op = op->AsString(where + " op");
  if (n.op != "null") n.op = CanonicalOpName(n.op);
  n.name = name->AsString(where + " name");
  where = "node " + n.name;
  // The current format has "attrs"; legacy files "param" (operator parameters) and "attr".
  for (const char* key : {"param", "attr", "attrs"}) {
    const JsonValue* a = v.Find(key);
    if (!a) continue;
    a->ExpectObject(where + " " + key);
    for (const auto& m : a->members) n.attrs[m.first] = m.second.AsString(where + " " + m.first);
  }
  const JsonValue* inputs = v.Find("inputs");
  MX_CHECK_AS(ValueError, inputs) << "symbol JSON: " << where << " has no \"inputs\" field.";
  for (const JsonValue& e : inputs->AsArray(where + " inputs")) {
    const auto& parts = e.AsArray(where + " input entry");
    MX_CHECK_AS(ValueError, parts.size() == 2 || parts.size() == 3)
        << "symbol JSON: " << where << ": an input entry must be [node, index] or "
        << "[node, index, version], found " << parts.size() << " numbers.";
    n.inputs.push_back({parts[0].AsInt(where + " input node"),
                        parts[1].AsInt(where + " input index"),
                        parts.size() == 3 ? parts[2].AsInt(where + " input version") : 0});
  }
  if (const JsonValue* c = v.Find("control_deps"))
    for (const JsonValue& d : c->AsArray(where + " control_deps"))
      n.control_deps.push_back(d.AsInt(where + " control_deps"));
  return n;
}

int ReadVersion(const JsonValue& doc) {
  const JsonValue* attrs = doc.Find("attrs");
  if (!attrs) return 800;
  const JsonValue* v = attrs->Find("mxnet_version");
  if (!v) return 800;
  const auto& pair = v->AsArray("mxnet_version");
  MX_CHECK_AS(ValueError, pair.size() == 2)
      << "symbol JSON: mxnet_version must be [\"int\", N].";
  return static_cast<int>(pair[1].AsInt("mxnet_version"));
}

std::string VersionText(int v) {
  return std::to_string(v / 10000) + "." + std::to_string(v / 100 % 100) + "." +
         std::to_string(v % 100);
}

// One graph object: nodes (each with its own subgraphs, written the same way), arg_nodes,
// node_row_ptr, heads; the document's top level adds the version attribute.
void WriteGraph(const Symbol& symbol, bool top, Writer* writer, std::ostream* out) {
  Writer& w = *writer;
  std::ostream& os = *out;
  IndexedGraph g(symbol.outputs());
  w.BeginObject(true);
  w.Key("nodes");
  w.BeginArray(true);
  std::vector<int64_t> arg_nodes, row_ptr;
  for (uint32_t nid = 0; nid < g.num_nodes(); ++nid) {
    const Node* n = g[nid].node;
    w.Item();
    w.BeginObject(true);
    w.Key("op");
    w.String(n->is_variable() ? "null" : n->attrs.op->name());
    w.Key("name");
    w.String(n->name());
    if (!n->attrs.dict.empty()) {
      w.Key("attrs");
      w.StringMap(n->attrs.dict);
    }
    w.Key("inputs");
    std::vector<std::array<int64_t, 3>> inputs;
    for (size_t i = 0; i < g[nid].inputs.size(); ++i)
      inputs.push_back({g[nid].inputs[i].node_id, g[nid].inputs[i].index, 0});
    w.Entries(inputs);
    if (!g[nid].control_deps.empty()) {
      w.Key("control_deps");
      w.Ints(std::vector<int64_t>(g[nid].control_deps.begin(), g[nid].control_deps.end()));
    }
    if (!n->is_variable() && !n->attrs.subgraphs.empty()) {
      w.Key("subgraphs");
      w.BeginArray(true);
      for (const auto& sub : n->attrs.subgraphs) {
        w.Item();
        WriteGraph(*sub, false, writer, out);
      }
      w.EndArray();
    }
    w.EndObject();
    if (n->is_variable()) arg_nodes.push_back(nid);
  }
  w.EndArray();
  w.Key("arg_nodes");
  w.Ints(arg_nodes);
  w.Key("node_row_ptr");
  w.Ints(std::vector<int64_t>(g.row_ptr().begin(), g.row_ptr().end()));
  w.Key("heads");
  std::vector<std::array<int64_t, 3>> heads;
  for (const auto& e : g.outputs()) heads.push_back({e.node_id, e.index, 0});
  w.Entries(heads);
  if (top) {
    w.Key("attrs");
    w.BeginObject(false);
    w.Key("mxnet_version");
    os << "[\"int\", " << kSymbolJsonVersion << "]";
    w.EndObject();
  }
  w.EndObject();
}

// The graph of `doc` (the document, or a node's subgraph, which has no version of its own and
// takes the document's `version`; 0: read it from `doc`).
Symbol LoadGraph(const JsonValue& doc, int version) {
  doc.ExpectObject("the document");
  const JsonValue* nodes_v = doc.Find("nodes");
  const JsonValue* heads_v = doc.Find("heads");
  MX_CHECK_AS(ValueError, nodes_v && heads_v)
      << "symbol JSON: the document needs \"nodes\" and \"heads\"; this is not a symbol file.";
  std::vector<JsonNodeRecord> records;
  std::vector<const JsonValue*> subgraphs;  // by file node id: the node's "subgraphs", if any
  for (const JsonValue& v : nodes_v->AsArray("nodes")) {
    records.push_back(ReadNode(v, records.size()));
    subgraphs.push_back(v.Find("subgraphs"));
  }
  size_t n_file = records.size();
  for (size_t id = 0; id < n_file; ++id) {
    for (const auto& e : records[id].inputs)
      MX_CHECK_AS(ValueError, e[0] >= 0 && static_cast<size_t>(e[0]) < id)
          << "symbol JSON: node " << records[id].name << " reads node " << e[0]
          << ", which does not come before it; the file is corrupt.";
    for (int64_t d : records[id].control_deps)
      MX_CHECK_AS(ValueError, d >= 0 && static_cast<size_t>(d) < id)
          << "symbol JSON: node " << records[id].name << " has a control dependency on node "
          << d << ", which does not come before it.";
  }
  bool top = version == 0;
  if (top) version = ReadVersion(doc);
  if (top && version < kSymbolJsonVersion && version < 10000)
    MX_LOG(INFO) << "Loading symbol saved by previous version v" << VersionText(version)
                 << ". Attempting to upgrade...";
  if (top && version > kSymbolJsonVersion)
    MX_LOG(WARNING) << "Loading symbol saved by a newer version v" << VersionText(version)
                    << " (this reader knows v" << VersionText(kSymbolJsonVersion)
                    << "); it may not load correctly.";
  UpgradeLegacyJson(&records, version);

  // Variables first (upgrades may append some that earlier operators read), then operators in
  // file order, which puts every input before its user.
  std::vector<std::shared_ptr<Node>> built(records.size());
  for (size_t id = 0; id < records.size(); ++id)
    if (records[id].op == "null") built[id] = MakeVariableNode(records[id].name, records[id].attrs);
  for (size_t id = 0; id < records.size(); ++id) {
    const JsonNodeRecord& r = records[id];
    if (r.op == "null") {
      MX_CHECK_AS(ValueError, r.inputs.empty())
          << "symbol JSON: variable " << r.name << " has inputs.";
      continue;
    }
    try {
      const OpDef& op = OpRegistry::Get()->Find(r.op);
      std::vector<NodeEntry> inputs;
      for (const auto& e : r.inputs) inputs.push_back(NodeEntry{built[e[0]], static_cast<int>(e[1]), 0});
      auto node = MakeOpNode(op, r.name, r.attrs, std::move(inputs));
      if (id < n_file && subgraphs[id])
        for (const JsonValue& sub : subgraphs[id]->AsArray("subgraphs"))
          node->attrs.subgraphs.push_back(std::make_shared<Symbol>(LoadGraph(sub, version)));
      int want = op.num_inputs(node->attrs);
      MX_CHECK_AS(ValueError, static_cast<int>(node->inputs.size()) == want)
          << "the operator takes " << want << " inputs, the file gives " << node->inputs.size()
          << ".";
      for (const NodeEntry& e : node->inputs)
        MX_CHECK_AS(ValueError, e.index >= 0 && e.index < e.node->num_outputs())
            << "input " << e.node->name() << " has no output " << e.index << ".";
      for (int64_t d : r.control_deps) node->control_deps.push_back(built[d]);
      built[id] = node;
    } catch (Error& e) {
      e.AddContext("symbol JSON: node " + r.name + " (" + r.op + "): ");
      throw;
    }
  }
  std::vector<NodeEntry> heads;
  for (const JsonValue& h : heads_v->AsArray("heads")) {
    const auto& parts = h.AsArray("a head entry");
    MX_CHECK_AS(ValueError, parts.size() >= 2) << "symbol JSON: a head entry needs two numbers.";
    int64_t nid = parts[0].AsInt("head node"), index = parts[1].AsInt("head index");
    MX_CHECK_AS(ValueError, nid >= 0 && static_cast<size_t>(nid) < n_file &&
                                index >= 0 && index < built[nid]->num_outputs())
        << "symbol JSON: head [" << nid << ", " << index << "] names no node output.";
    heads.push_back(NodeEntry{built[nid], static_cast<int>(index), 0});
  }
  return Symbol(std::move(heads));
}

}  // namespace

std::string SaveJSON(const Symbol& symbol) {
  std::ostringstream os;
  Writer w(&os);
  WriteGraph(symbol, true, &w, &os);
  return os.str();
}

Symbol LoadJSON(const std::string& json) { return LoadGraph(ParseJson(json), 0); }

void SaveSymbolFile(const Symbol& symbol, const std::string& path) {
  std::string text = SaveJSON(symbol);
  std::string tmp = path + ".tmp";
  {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    MX_CHECK_AS(IOError, out.good()) << "cannot open " << tmp << " for writing; check that the "
                                     << "directory exists and is writable.";
    out << text;
    out.flush();
    MX_CHECK_AS(IOError, out.good()) << "writing " << tmp << " failed (disk full?).";
  }
  MX_CHECK_AS(IOError, std::rename(tmp.c_str(), path.c_str()) == 0)
      << "cannot rename " << tmp << " to " << path << ".";
}

Symbol LoadSymbolFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  MX_CHECK_AS(IOError, in.good()) << "cannot open symbol file " << path
                                  << "; check the path (e.g. model-symbol.json).";
  std::stringstream ss;
  ss << in.rdbuf();
  try {
    return LoadJSON(ss.str());
  } catch (Error& e) {
    e.AddContext(path + ": ");
    throw;
  }
}

}  // namespace mx
