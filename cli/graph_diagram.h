// The estate as a diagram for `exposim graph`: which clusters, nodes and edges exist, how exposed paths are
// grouped and coloured. Writers (cli/graph_report.h) turn a Diagram into DOT or JSON.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "model/model.h"

namespace exposim::solver {
struct Analysis;     // solver/analysis.h
struct AttackPaths;  // solver/attack_path.h
}  // namespace exposim::solver

namespace exposim::cli {

/// A virtual network or a subnet drawn as a frame. `id` starts with "cluster_" (Graphviz draws only such
/// subgraphs as frames); `parent` is the enclosing cluster's id ("" at the top level).
struct DiagramCluster {
  std::string id;
  std::string kind;  // "virtual-network" or "subnet"
  std::string name;
  std::string label;
  std::string parent;
  std::string resource_id;  // the input's id
};

/// One box. Ids are stable: derived from the resource's canonical id (characters outside a safe set
/// percent-encoded), or "internet", "<subnet id>#private-nics", "next-hop:<ip>". `label` lines are separated
/// by '\n' and are raw text (names come from the input: writers escape them).
struct DiagramNode {
  std::string id;
  std::string kind;  // a model::ResourceKind name, or "internet", "private-nics", "next-hop"
  std::string name;
  std::string label;
  std::string cluster;      // "" at the top level
  std::string resource_id;  // the input's id ("" for the internet and synthetic nodes)
  std::string shape;        // a Graphviz shape
  bool anchor{false};       // a frame's anchor node (NodeForm::kFrame): its label is the frame's address space
  bool exposed{false};      // on an exposed (not broken) path
  int count{0};             // "private-nics": how many NICs the node stands for
};

/// One arrow. `kind` is "path" for exposed paths and broken flows, else structural: "secured-by",
/// "routed-by", "route", "peering", "attached", "management" (a firewall's management public IP), "balances-to",
/// "private-link", "connected-to", "admin-rules" (a security admin rule collection to a VNet where its rules apply,
/// labelled with their names), "attack-path" (graph --attack-paths: an exposed ip configuration's node, or an
/// intermediate's, to what it reaches east-west, labelled with the protocols and ports; after the path edges).
struct DiagramEdge {
  std::string from;
  std::string to;
  std::string kind;
  std::string label;
  std::string color;
  std::string style;       // Graphviz style: "solid", "dashed", "dotted"
  int path{-1};            // kind "path": index into Diagram::paths of the first path taking this step
  std::vector<int> paths;  // kind "path": every path of the class taking this step (merged into one edge)
};

/// Exposures that take the same nodes in the same class, merged: one colour, one label.
struct DiagramPath {
  std::string path_class;          // "open" (any source), "restricted", "bastion" (Bastion session), "jit", "broken"
  std::vector<std::string> nodes;  // node ids from the internet to the target
  std::string ports;               // at the target: "tcp 22,443", one protocol per line
  std::string entry_ports;         // at the entry when a load balancer or DNAT translates; else ""
  std::string color;
  std::size_t exposures{0};
};

struct Diagram {
  std::vector<DiagramCluster> clusters;  // sorted by id
  std::vector<DiagramNode> nodes;        // sorted by id
  std::vector<DiagramEdge> edges;        // structural edges sorted, then path edges in path order
  std::vector<DiagramPath> paths;        // sorted by class, then nodes
};

struct DiagramOptions {
  std::string focus;         // a resource name or id; "" draws everything
  bool exposed_only{false};  // only what lies on exposed paths (no broken flows, no structure)
  bool expand_all{false};    // never collapse private NICs
  /// graph --attack-paths: the chains drawn as "attack-path" edges (their NICs never collapsed); nullptr: none.
  const solver::AttackPaths* attack_paths{nullptr};
};

/// A diagram, or why it could not be drawn (an unknown or ambiguous --focus; `candidates` lists the ids of an
/// ambiguous name).
struct DiagramResult {
  Diagram diagram;
  std::string error;
  std::vector<std::string> candidates;
};

/// Builds the diagram of a validated model and its analysis. Deterministic: the same model and analysis give
/// the same diagram, whatever the order of hash maps.
DiagramResult build_diagram(const model::Model& m, const solver::Analysis& a, const DiagramOptions& options);

/// A resource's node id: its canonical id with every byte outside [A-Za-z0-9/._:()@+=~-] percent-encoded.
std::string diagram_id(std::string_view key);

/// A name as it can be shown in a label: control characters become visible escapes ("\n" as a backslash and an
/// n), so that the only line breaks in a label are the diagram's own; the rest as terminal_text() escapes it
/// (C1 controls, bidirectional overrides, bytes that are not UTF-8).
std::string clean_label(std::string_view s);

}  // namespace exposim::cli
