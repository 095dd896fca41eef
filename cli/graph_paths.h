// The exposed paths of `exposim graph`: the analysis' exposures (and broken flows) merged per class and per
// sequence of resources, then drawn as coloured paths of the diagram.
#pragma once

#include <array>
#include <cstddef>
#include <functional>
#include <map>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "cli/graph_diagram.h"
#include "model/model.h"

namespace exposim::solver {
struct Analysis;  // solver/analysis.h
}  // namespace exposim::solver

namespace exposim::cli {

/// A model resource: (kind, index); the internet is (kInternet, -1). Ordered, so maps over it are stable.
using Vertex = std::pair<int, int>;
inline Vertex vx(model::ResourceKind k, int i) { return {static_cast<int>(k), i}; }
inline model::ResourceKind kind_of(const Vertex& v) { return static_cast<model::ResourceKind>(v.first); }

/// What the exposures of one path have in common, merged.
struct PathGroup {
  std::array<model::PortSet, model::kProtocolCount> ports;
  std::array<model::PortSet, model::kProtocolCount> entry_ports;
  std::array<bool, model::kProtocolCount> present{};
  bool translated{false};
  std::size_t exposures{0};
  std::set<Vertex> touches;  // every resource on the path, NSGs and route tables included
};

/// (path class, resources from the internet to the target) -> the exposures taking them, merged.
using PathGroups = std::map<std::pair<int, std::vector<Vertex>>, PathGroup>;

/// The exposures of `a` by path, each in its class (open, Bastion session, just-in-time); with its broken flows
/// unless `exposed_only`.
PathGroups collect_paths(const solver::Analysis& a, bool exposed_only);

/// The paths to draw, in the order of `groups`: each group's resources as node ids (`node_of` gives a resource's
/// node, "" when it is not drawn), its ports, and its class's colour. A group whose resources make fewer than two
/// nodes is left out.
std::vector<DiagramPath> draw_paths(const std::vector<const PathGroups::value_type*>& groups,
                                    const std::function<std::string(const Vertex&)>& node_of);

/// Appends the edges of `d.paths` (its nodes already in `d.nodes`): one per step and class, shared by the paths
/// of that class taking the step, in order of first use. A path's last step is labelled with its ports (and the
/// entry port each was translated from: "tcp 22 (entry 2222)"); an unlabelled step from the internet shared by
/// paths to several targets says how many ("Bastion sessions -> 4 VMs").
void add_path_edges(Diagram& d);

}  // namespace exposim::cli
