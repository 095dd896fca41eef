// The legend of `exposim graph` (cli/graph_legend.h): only the entries the diagram uses.
#include "cli/graph_legend.h"

#include <array>
#include <set>
#include <string_view>

#include "cli/graph_palette.h"

namespace exposim::cli {
namespace {

// Structural edges in the legend's order.
constexpr std::array<std::string_view, 13> kEdgeKinds{
    "attack-path",  "attached",   "management", "balances-to", "private-link", "route",    "peering",
    "connected-to", "secured-by", "routed-by",  "admin-rules", "outbound",     "allocated"};

/// A line style as text: solid, dashed, dotted.
std::string line_sample(std::string_view style) {
  if (style == "dashed") return "- - - - -";
  if (style == "dotted") return ". . . . . . .";
  return "\u2014\u2014\u2014\u2014";  // em dashes
}

/// A Graphviz shape in words.
const char* shape_words(std::string_view shape) {
  struct Row {
    std::string_view shape;
    const char* words;
  };
  static constexpr Row kRows[] = {
      {"tab", "folder"},
      {"plaintext", "grey text"},
      {"octagon", "octagon"},
      {"note", "note"},
      {"box", "box"},
      {"ellipse", "ellipse"},
      {"invhouse", "upside-down house"},
      {"hexagon", "hexagon"},
      {"house", "house"},
      {"trapezium", "trapezium"},
      {"cylinder", "cylinder"},
      {"component", "component"},
      {"doubleoctagon", "double octagon"},
      {"box3d", "3-D box"},
      {"septagon", "septagon"},
      {"cds", "arrow-ended box"},
      {"parallelogram", "parallelogram"},
  };
  for (const auto& r : kRows) {
    if (r.shape == shape) return r.words;
  }
  return "node";
}

}  // namespace

std::vector<LegendEntry> legend_entries(const Diagram& d) {
  std::vector<LegendEntry> out;
  using Kind = LegendEntry::Kind;
  // Path classes.
  std::set<std::string> classes;
  for (const auto& p : d.paths) classes.insert(p.path_class);
  for (int c = 0; c < kPathClassCount; ++c) {
    const auto cls = static_cast<PathClass>(c);
    if (!classes.count(to_string(cls))) continue;
    out.push_back({Kind::kPath, to_string(cls), path_legend(cls), path_colour(cls), path_style(to_string(cls)), "",
                   line_sample(path_style(to_string(cls)))});
  }
  // Structural edges.
  std::set<std::string> kinds;
  for (const auto& e : d.edges) kinds.insert(e.kind);
  for (const auto k : kEdgeKinds) {
    if (!kinds.count(std::string(k))) continue;
    out.push_back({Kind::kEdge, std::string(k), structure_legend(k), structure_colour(k), structure_style(k), "",
                   line_sample(structure_style(k))});
  }
  // Node shapes: the resource kinds drawn, then the synthetic nodes.
  std::set<std::string> node_kinds;
  bool exposed = false, placeholder = false;
  for (const auto& n : d.nodes) {
    node_kinds.insert(n.kind);
    exposed = exposed || n.exposed;
    placeholder = placeholder || n.label.find(kPlaceholderMark) != std::string::npos;
  }
  for (const auto k : model::kResourceKinds) {
    const NodeStyle& style = node_style(k);
    if (style.form == NodeForm::kNotDrawn || !node_kinds.count(model::to_string(k))) continue;
    out.push_back({Kind::kNode, model::to_string(k), style.legend, "", "", style.shape, shape_words(style.shape)});
  }
  if (node_kinds.count("private-nics")) {
    out.push_back({Kind::kNode, "private-nics", "NICs on no path, one node per subnet", "", "", "box3d", "3-D box"});
  }
  if (node_kinds.count("next-hop")) {
    out.push_back({Kind::kNode, "next-hop", "route next hop no resource has", "", "", "box", "box"});
  }
  if (exposed) out.push_back({Kind::kNode, "exposed", "on an exposed path", "#fde2e1", "", "box", "light red"});
  if (placeholder) {
    out.push_back({Kind::kNote, "placeholder", "an address exposim assumed; Azure sets it at deployment", "", "", "",
                   "(placeholder)"});
  }
  return out;
}

}  // namespace exposim::cli
