// DOT and JSON writers for `exposim graph` (cli/graph_report.h).
#include "cli/graph_report.h"

#include <map>
#include <vector>

#include <nlohmann/json.hpp>

#include "cli/graph_legend.h"
#include "cli/terminal.h"

namespace exposim::cli {
namespace {

using nlohmann::ordered_json;

std::string attr(std::string_view name, std::string_view value) { return std::string(name) + "=" + dot_string(value); }

/// Text for a Graphviz HTML-like label: '&', '<', '>' and '"' as entities.
std::string html_text(std::string_view text) {
  std::string out;
  for (char c : text) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      default: out += c;
    }
  }
  return out;
}

std::string node_line(const DiagramNode& n) {
  std::vector<std::string> a{attr("label", n.label), attr("shape", n.shape)};
  if (n.kind == "internet") {
    a.push_back(attr("style", "filled"));
    a.push_back(attr("fillcolor", "#e8f1fb"));
  } else if (n.kind == "private-nics") {
    a.push_back(attr("style", "filled,dashed"));
    a.push_back(attr("fillcolor", "#f2f2f2"));
  } else if (n.anchor) {
    a.push_back(attr("fontcolor", "#555555"));
  } else if (n.exposed) {
    a.push_back(attr("style", "filled"));
    a.push_back(attr("fillcolor", "#fde2e1"));
  }
  std::string line = dot_string(n.id) + " [";
  for (std::size_t i = 0; i < a.size(); ++i) line += (i ? ", " : "") + a[i];
  return line + "];";
}

std::string edge_line(const DiagramEdge& e) {
  std::vector<std::string> a{attr("color", e.color), attr("style", e.style)};
  if (!e.label.empty()) {
    a.push_back(attr("label", e.label));
    a.push_back(attr("fontcolor", e.kind == "path" || e.kind == "attack-path" ? e.color : std::string("#555555")));
  }
  if (e.kind == "path" || e.kind == "attack-path") {
    a.push_back(attr("penwidth", "2"));
  } else if (e.kind == "peering") {
    a.push_back(attr("dir", "both"));
  } else if (e.kind == "secured-by" || e.kind == "routed-by") {
    a.push_back(attr("arrowhead", "odot"));
  }
  std::string line = dot_string(e.from) + " -> " + dot_string(e.to) + " [";
  for (std::size_t i = 0; i < a.size(); ++i) line += (i ? ", " : "") + a[i];
  return line + "];";
}

class DotWriter {
 public:
  DotWriter(std::ostream& out, const Diagram& d) : out_(out), d_(d) {
    for (const auto& c : d.clusters) children_[c.parent].push_back(&c);
    for (const auto& n : d.nodes) members_[n.cluster].push_back(&n);
  }

  void write() {
    out_ << "digraph \"exposim\" {\n"
            "  graph [rankdir=\"LR\", fontname=\"Helvetica\", fontsize=\"11\", nodesep=\"0.3\", ranksep=\"0.8\"];\n"
            "  node [fontname=\"Helvetica\", fontsize=\"10\"];\n"
            "  edge [fontname=\"Helvetica\", fontsize=\"9\"];\n";
    contents("", 1);
    legend();
    for (const auto& e : d_.edges) out_ << "  " << edge_line(e) << '\n';
    out_ << "}\n";
  }

 private:
  /// The legend: one node "legend" holding a table, a row per entry the diagram uses (cli/graph_legend.h): the
  /// sample (a line in its colour, a shape in words, a mark), then what it means.
  void legend() {
    const auto entries = legend_entries(d_);
    if (entries.empty()) return;
    out_ << "  \"legend\" [shape=\"plaintext\", fontsize=\"9\", label=<<TABLE BORDER=\"1\" COLOR=\"#bbbbbb\" "
            "CELLBORDER=\"0\" CELLSPACING=\"0\" CELLPADDING=\"2\">\n"
            "    <TR><TD COLSPAN=\"2\"><B>Legend</B></TD></TR>\n";
    for (const auto& e : entries) {
      std::string sample = html_text(e.sample);
      switch (e.kind) {
        case LegendEntry::Kind::kPath: sample = "<B>" + sample + "</B>"; [[fallthrough]];
        case LegendEntry::Kind::kEdge: sample = "<FONT COLOR=\"" + e.color + "\">" + sample + "</FONT>"; break;
        case LegendEntry::Kind::kNode:
        case LegendEntry::Kind::kNote: break;
      }
      const std::string bg =
          e.kind == LegendEntry::Kind::kNode && !e.color.empty() ? " BGCOLOR=\"" + e.color + "\"" : "";
      out_ << "    <TR><TD ALIGN=\"LEFT\"" << bg << ">" << sample << "</TD><TD ALIGN=\"LEFT\">" << html_text(e.text)
           << "</TD></TR>\n";
    }
    out_ << "  </TABLE>>];\n";
  }

  /// The clusters and nodes directly inside `cluster`, clusters first (each sorted by id).
  void contents(const std::string& cluster, int depth) {
    const std::string indent(static_cast<std::size_t>(depth) * 2, ' ');
    if (auto it = children_.find(cluster); it != children_.end()) {
      for (const auto* c : it->second) {
        const bool vnet = c->kind == "virtual-network";
        out_ << indent << "subgraph " << dot_string(c->id) << " {\n";
        out_ << indent << "  graph [" << attr("label", c->label) << ", "
             << attr("style", vnet ? "rounded,bold" : "rounded,dashed") << ", "
             << attr("color", vnet ? "#4a6fa5" : "#8c8c8c") << ", " << attr("fontcolor", vnet ? "#4a6fa5" : "#555555")
             << "];\n";
        contents(c->id, depth + 1);
        out_ << indent << "}\n";
      }
    }
    if (auto it = members_.find(cluster); it != members_.end()) {
      for (const auto* n : it->second) out_ << indent << node_line(*n) << '\n';
    }
  }

  std::ostream& out_;
  const Diagram& d_;
  std::map<std::string, std::vector<const DiagramCluster*>> children_;  // parent id -> clusters (sorted input)
  std::map<std::string, std::vector<const DiagramNode*>> members_;      // cluster id -> nodes (sorted input)
};

}  // namespace

std::string dot_string(std::string_view raw) {
  // Control characters, C1 controls, bidirectional overrides and bytes that are not UTF-8 (a resource id from the
  // input; labels are clean already) as visible escapes: Graphviz rejects text that is not UTF-8, and the DOT
  // text goes to the terminal when no -o is given.
  const std::string text = terminal_text(raw);
  std::string out = "\"";
  out.reserve(text.size() + 2);
  for (char c : text) {
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '&': out += "&amp;"; break;
      default: out += c;
    }
  }
  return out + "\"";
}

void write_dot(std::ostream& out, const Diagram& d) { DotWriter(out, d).write(); }

void write_graph_json(std::ostream& out, const Diagram& d) {
  ordered_json j;
  j["format"] = "exposim-graph";
  j["version"] = 1;
  ordered_json clusters = ordered_json::array();
  for (const auto& c : d.clusters) {
    clusters.push_back({{"id", c.id},
                        {"kind", c.kind},
                        {"name", c.name},
                        {"parent", c.parent.empty() ? ordered_json(nullptr) : ordered_json(c.parent)},
                        {"resource_id", c.resource_id}});
  }
  ordered_json nodes = ordered_json::array();
  for (const auto& n : d.nodes) {
    ordered_json o = {{"id", n.id},
                      {"kind", n.kind},
                      {"name", n.name},
                      {"label", n.label},
                      {"cluster", n.cluster.empty() ? ordered_json(nullptr) : ordered_json(n.cluster)},
                      {"resource_id", n.resource_id.empty() ? ordered_json(nullptr) : ordered_json(n.resource_id)},
                      {"exposed", n.exposed}};
    if (n.kind == "private-nics") o["count"] = n.count;
    nodes.push_back(std::move(o));
  }
  ordered_json edges = ordered_json::array();
  for (const auto& e : d.edges) {
    ordered_json o = {{"from", e.from},   {"to", e.to},       {"kind", e.kind},
                      {"label", e.label}, {"color", e.color}, {"style", e.style}};
    if (e.kind == "path") {
      o["path"] = e.path;
      o["paths"] = e.paths;
    }
    edges.push_back(std::move(o));
  }
  ordered_json paths = ordered_json::array();
  for (const auto& p : d.paths) {
    paths.push_back({{"class", p.path_class},
                     {"nodes", p.nodes},
                     {"ports", p.ports},
                     {"entry_ports", p.entry_ports.empty() ? ordered_json(nullptr) : ordered_json(p.entry_ports)},
                     {"color", p.color},
                     {"exposures", p.exposures}});
  }
  j["clusters"] = std::move(clusters);
  j["nodes"] = std::move(nodes);
  j["edges"] = std::move(edges);
  j["paths"] = std::move(paths);
  out << j.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) << '\n';
}

}  // namespace exposim::cli
