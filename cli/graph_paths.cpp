// Exposed paths grouped and drawn for `exposim graph` (cli/graph_paths.h).
#include "cli/graph_paths.h"

#include <fmt/format.h>

#include "cli/graph_palette.h"

namespace exposim::cli {
namespace {

using model::ResourceKind;
using solver::Exposure;
using solver::Hop;
using solver::HopKind;

/// One line per protocol present: "tcp 22,443", "udp all", "icmp".
std::string ports_label(const std::array<model::PortSet, model::kProtocolCount>& ports,
                        const std::array<bool, model::kProtocolCount>& present) {
  std::vector<std::string> lines;
  for (int p = 0; p < model::kProtocolCount; ++p) {
    if (!present[p]) continue;
    const auto proto = static_cast<model::Protocol>(p);
    if (!model::has_ports(proto)) {
      lines.emplace_back(model::to_string(proto));
    } else {
      lines.push_back(fmt::format("{} {}", model::to_string(proto),
                                  ports[p].is_all() ? std::string("all") : model::to_string(ports[p])));
    }
  }
  return fmt::format("{}", fmt::join(lines, "\n"));
}

/// The resources an exposure passes, from the internet to the target; every resource it touches into `touches`.
std::vector<Vertex> path_vertices(const Exposure& e, std::set<Vertex>& touches) {
  std::vector<Vertex> seq{vx(ResourceKind::kInternet, -1)};
  auto push = [&](Vertex v) {
    if (v.second < 0) return;
    touches.insert(v);
    if (seq.back() != v) seq.push_back(v);
  };
  if (e.public_ip >= 0) push(vx(ResourceKind::kPublicIp, e.public_ip));
  for (const auto& h : e.path) {
    switch (h.kind) {
      case HopKind::kEntry: push(vx(ResourceKind::kPublicIp, h.resource)); break;
      case HopKind::kLoadBalancer: push(vx(ResourceKind::kLoadBalancer, h.resource)); break;
      case HopKind::kFirewall: push(vx(ResourceKind::kFirewall, h.resource)); break;
      case HopKind::kApplicationGateway: push(vx(ResourceKind::kApplicationGateway, h.resource)); break;
      case HopKind::kBastion: push(vx(ResourceKind::kBastionHost, h.resource)); break;
      case HopKind::kAppliance: push(vx(ResourceKind::kNetworkInterface, h.resource)); break;
      case HopKind::kPaas: push(vx(ResourceKind::kPaasService, h.resource)); break;
      case HopKind::kNsg:
        if (h.resource >= 0) touches.insert(vx(ResourceKind::kNetworkSecurityGroup, h.resource));
        break;
      case HopKind::kRoute:
        if (h.resource >= 0) touches.insert(vx(ResourceKind::kRouteTable, h.resource));
        break;
      default: break;
    }
  }
  if (e.nic >= 0) {
    push(vx(ResourceKind::kNetworkInterface, e.nic));
  } else {
    push(vx(e.target_kind, e.target));
  }
  return seq;
}

void add_exposure(const Exposure& e, PathClass cls, PathGroups& groups) {
  std::set<Vertex> touches;
  auto seq = path_vertices(e, touches);
  auto& g = groups[{static_cast<int>(cls), std::move(seq)}];
  const int p = static_cast<int>(e.protocol);
  g.present[p] = true;
  g.ports[p] = g.ports[p].unite(e.ports);
  g.entry_ports[p] = g.entry_ports[p].unite(e.entry_ports);
  if (model::has_ports(e.protocol) && e.entry_ports != e.ports) g.translated = true;
  ++g.exposures;
  g.touches.insert(touches.begin(), touches.end());
}

}  // namespace

PathGroups collect_paths(const solver::Analysis& a, bool exposed_only) {
  PathGroups groups;
  for (const auto& e : a.exposures) {
    PathClass cls = PathClass::kOpen;
    if (e.via == solver::Via::kBastion) {
      cls = PathClass::kBastion;
    } else if (e.jit) {
      cls = PathClass::kJit;
    }
    add_exposure(e, cls, groups);
  }
  if (!exposed_only) {
    for (const auto& e : a.broken) add_exposure(e, PathClass::kBroken, groups);
  }
  return groups;
}

std::vector<DiagramPath> draw_paths(const std::vector<const PathGroups::value_type*>& groups,
                                    const std::function<std::string(const Vertex&)>& node_of) {
  // Colours by class in order; every path its own colour.
  std::vector<DiagramPath> paths;
  std::array<std::size_t, 4> next_colour{};
  std::set<std::string> used_colours;
  for (const auto* entry : groups) {
    const auto cls = static_cast<PathClass>(entry->first.first);
    const auto& g = entry->second;
    DiagramPath p;
    p.path_class = to_string(cls);
    for (const auto& v : entry->first.second) {
      const std::string n = node_of(v);
      if (!n.empty() && (p.nodes.empty() || p.nodes.back() != n)) p.nodes.push_back(n);
    }
    if (p.nodes.size() < 2) continue;
    p.ports = ports_label(g.ports, g.present);
    if (g.translated) p.entry_ports = ports_label(g.entry_ports, g.present);
    if (cls == PathClass::kBroken) {
      p.color = path_colour(cls, 0);
    } else {
      // Skip a generated colour that rounds to one already taken (bounded, so that an estate with more paths
      // than distinct colours in the band still draws).
      std::size_t& k = next_colour[entry->first.first];
      p.color = path_colour(cls, k++);
      for (int tries = 0; used_colours.count(p.color) && tries < 64; ++tries) p.color = path_colour(cls, k++);
      used_colours.insert(p.color);
    }
    p.exposures = g.exposures;
    paths.push_back(std::move(p));
  }
  return paths;
}

void add_path_edges(Diagram& d) {
  for (std::size_t i = 0; i < d.paths.size(); ++i) {
    const auto& p = d.paths[i];
    const char* style = path_style(p.path_class);
    const std::string prefix = path_label_prefix(p.path_class);
    for (std::size_t h = 0; h + 1 < p.nodes.size(); ++h) {
      DiagramEdge e;
      e.from = p.nodes[h];
      e.to = p.nodes[h + 1];
      e.kind = "path";
      e.color = p.color;
      e.style = style;
      e.path = static_cast<int>(i);
      if (h + 2 == p.nodes.size()) {
        e.label = prefix + p.ports;
      } else if (h == 0 && !p.entry_ports.empty()) {
        e.label = prefix + p.entry_ports;
      }
      d.edges.push_back(std::move(e));
    }
  }
}

}  // namespace exposim::cli
