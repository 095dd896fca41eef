// `exposim graph --focus`: the resource it names, what the resource stands for, and the neighbourhood drawn
// around it.
#pragma once

#include <functional>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <tuple>

#include "cli/graph_diagram.h"
#include "cli/graph_paths.h"
#include "model/model.h"

namespace exposim::cli {

/// The resource --focus names, and the NICs drawn one by one for it: the NIC itself, a VM's, a scale set's.
struct Focus {
  Vertex vertex;
  std::set<int> nics;
};

/// The resource `text` names: the one with that id, else the one with that name (exactly, else ignoring case).
/// nullopt with `result.error` set when none or several do (`result.candidates`: the ids of an ambiguous name).
std::optional<Focus> resolve_focus(const model::Model& m, const std::string& text, DiagramResult& result);

/// The resources the focus stands for: itself, its NICs, and for a subnet or VNet every resource placed in its
/// frames. `placement` maps a resource to its frame's id, `frame_of` gives the id of a subnet's or VNet's frame.
std::set<Vertex> focus_vertices(const model::Model& m, const Focus& focus,
                                const std::map<Vertex, std::string>& placement,
                                const std::function<std::string(const Vertex&)>& frame_of);

/// Structural edges: (from, to, kind) -> their labels.
using EdgeLabels = std::map<std::tuple<std::string, std::string, std::string>, std::set<std::string>>;

/// The nodes drawn around the focus's nodes `core`: themselves, their structural neighbours (NSGs, route tables,
/// public IPs, peers, backends), and each one's subnet with the subnet's own NSG and route table.
std::set<std::string> focus_neighbourhood(const std::set<std::string>& core,
                                          const std::map<std::string, DiagramNode>& nodes,
                                          const std::map<std::string, DiagramCluster>& clusters,
                                          const EdgeLabels& edges);

}  // namespace exposim::cli
