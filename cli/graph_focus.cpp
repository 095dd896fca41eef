// Resolving --focus and the neighbourhood drawn around it (cli/graph_focus.h).
#include "cli/graph_focus.h"

#include <algorithm>
#include <vector>

#include <fmt/format.h>

#include "model/suggest.h"
#include "model/topology.h"

namespace exposim::cli {

using model::ResourceKind;

std::optional<Focus> resolve_focus(const model::Model& m, const std::string& text, DiagramResult& result) {
  Focus focus;
  const auto& g = m.topology().graph;
  if (auto v = m.find(model::canonical_id(text)); v && v->kind != ResourceKind::kInternet) {
    focus.vertex = vx(v->kind, v->index);
  } else {
    std::vector<Vertex> exact;
    std::vector<Vertex> folded;
    const std::string want = model::canonical_id(text);
    for (auto [it, end] = boost::vertices(g); it != end; ++it) {
      const auto& gv = g[*it];
      const auto* r = m.resource(gv);
      if (r == nullptr) continue;
      if (r->name == text) {
        exact.push_back(vx(gv.kind, gv.index));
      } else if (model::canonical_id(r->name) == want) {
        folded.push_back(vx(gv.kind, gv.index));
      }
    }
    const auto& found = exact.empty() ? folded : exact;
    if (found.empty()) {
      result.error = model::with_suggestion(
          fmt::format("--focus: no resource is named '{}' and no resource has that id", clean_label(text)),
          clean_label(text), model::resource_names(m));
      return std::nullopt;
    }
    if (found.size() > 1) {
      result.error =
          fmt::format("--focus: '{}' names {} resources; give the id of one", clean_label(text), found.size());
      for (const auto& v : found) {
        const auto* r = m.resource({kind_of(v), v.second});
        result.candidates.push_back(fmt::format("{} ({})", clean_label(r->id), model::to_string(kind_of(v))));
      }
      std::sort(result.candidates.begin(), result.candidates.end());
      return std::nullopt;
    }
    focus.vertex = found.front();
  }
  // The NICs of a focused NIC, VM or scale set are drawn one by one, never collapsed.
  const auto k = kind_of(focus.vertex);
  if (k == ResourceKind::kNetworkInterface) focus.nics.insert(focus.vertex.second);
  if (k == ResourceKind::kVirtualMachine) {
    for (const auto& r : m.vms[focus.vertex.second].network_interfaces) {
      if (r.resolved()) focus.nics.insert(r.index);
    }
  }
  if (k == ResourceKind::kScaleSet) {
    for (int n : m.scale_sets[focus.vertex.second].instance_nics) focus.nics.insert(n);
  }
  return focus;
}

std::set<Vertex> focus_vertices(const model::Model& m, const Focus& focus,
                                const std::map<Vertex, std::string>& placement,
                                const std::function<std::string(const Vertex&)>& frame_of) {
  std::set<Vertex> out;
  const Vertex f = focus.vertex;
  out.insert(f);
  for (int n : focus.nics) out.insert(vx(ResourceKind::kNetworkInterface, n));
  std::set<std::string> containers;
  if (kind_of(f) == ResourceKind::kSubnet) containers.insert(frame_of(f));
  if (kind_of(f) == ResourceKind::kVirtualNetwork) {
    containers.insert(frame_of(f));
    for (std::size_t s = 0; s < m.subnets.size(); ++s) {
      if (m.subnets[s].vnet.index == f.second) {
        containers.insert(frame_of(vx(ResourceKind::kSubnet, static_cast<int>(s))));
        out.insert(vx(ResourceKind::kSubnet, static_cast<int>(s)));
      }
    }
  }
  if (containers.empty()) return out;
  for (const auto& [v, c] : placement) {
    if (containers.count(c)) out.insert(v);
  }
  return out;
}

std::set<std::string> focus_neighbourhood(const std::set<std::string>& core,
                                          const std::map<std::string, DiagramNode>& nodes,
                                          const std::map<std::string, DiagramCluster>& clusters,
                                          const EdgeLabels& edges) {
  std::set<std::string> keep = core;
  std::set<std::string> anchors;
  for (const auto& id : core) {
    const auto& c = nodes.at(id).cluster;
    if (c.rfind("cluster_", 0) == 0 && clusters.at(c).kind == "subnet") anchors.insert(c.substr(8));
  }
  for (const auto& [key, labels] : edges) {
    const auto& [from, to, kind] = key;
    if (core.count(from) || anchors.count(from)) keep.insert(to);
    if (core.count(to)) keep.insert(from);
  }
  keep.insert(anchors.begin(), anchors.end());
  return keep;
}

}  // namespace exposim::cli
