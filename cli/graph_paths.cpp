// Exposed paths grouped and drawn for `exposim graph` (cli/graph_paths.h).
#include "cli/graph_paths.h"

#include <algorithm>
#include <tuple>

#include <fmt/format.h>

#include "cli/graph_palette.h"
#include "solver/analysis.h"

namespace exposim::cli {
namespace {

using model::ResourceKind;
using solver::Exposure;
using solver::Hop;
using solver::HopKind;

std::vector<std::string> split_lines(const std::string& text) {
  std::vector<std::string> out;
  if (text.empty()) return out;
  for (std::size_t at = 0;;) {
    const auto next = text.find('\n', at);
    out.push_back(text.substr(at, next == std::string::npos ? std::string::npos : next - at));
    if (next == std::string::npos) return out;
    at = next + 1;
  }
}

/// How a shared first step names its class: "Bastion sessions -> 4 VMs", "any source -> 3 targets".
const char* path_summary(PathClass c) {
  switch (c) {
    case PathClass::kOpen: return "any source";
    case PathClass::kRestricted: return "restricted sources";
    case PathClass::kBastion: return "Bastion sessions";
    case PathClass::kJit: return "JIT";
    case PathClass::kBroken: return "broken";
  }
  return "";
}

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
      case HopKind::kAdminRule:
        // The deciding security admin rule (drawn as its collection's node); none when no admin rule matched.
        if (h.resource_kind == ResourceKind::kAdminRule) push(vx(ResourceKind::kAdminRule, h.resource));
        break;
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
  // An exposure is open when its sources are the whole internet, or when the exposures taking the same resources
  // to the same ports together are (two DNAT rules, one for a partner's ranges and one for the rest, are two
  // exposures that each come from part of the internet, and together from all of it).
  using Reach = std::tuple<std::vector<Vertex>, int, std::string>;  // resources, protocol, ports
  std::map<Reach, model::IpSet> sources;
  auto reach = [](const Exposure& e) {
    std::set<Vertex> ignored;
    return Reach{path_vertices(e, ignored), static_cast<int>(e.protocol), model::to_string(e.ports)};
  };
  for (const auto& e : a.exposures) {
    if (e.via == solver::Via::kBastion || e.jit || e.any_source) continue;
    auto& s = sources[reach(e)];
    s = s.unite(e.sources);
  }
  auto covers_internet = [&](const Exposure& e) {
    auto it = sources.find(reach(e));
    if (it == sources.end() || it->second.empty()) return false;
    const model::IpSet family = it->second.intersects(model::all_v4()) ? model::all_v4() : model::all_v6();
    return it->second.contains(a.internet.intersect(family));
  };
  PathGroups groups;
  for (const auto& e : a.exposures) {
    const bool any = e.any_source || (e.via != solver::Via::kBastion && !e.jit && covers_internet(e));
    PathClass cls = any ? PathClass::kOpen : PathClass::kRestricted;
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
  std::vector<DiagramPath> paths;
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
    p.color = path_colour(cls);
    p.exposures = g.exposures;
    paths.push_back(std::move(p));
  }
  return paths;
}

namespace {

/// The label of a path's last step: its ports, each with the entry port it was translated from.
std::string target_label(const DiagramPath& p) {
  std::vector<std::string> ports = split_lines(p.ports);
  const std::vector<std::string> entry = split_lines(p.entry_ports);
  // A Bastion session always enters at the Bastion's 443: only its ports at the target are shown.
  const bool bastion = p.path_class == to_string(PathClass::kBastion);
  for (std::size_t i = 0; !bastion && i < ports.size() && i < entry.size(); ++i) {
    if (ports[i] == entry[i]) continue;
    // "tcp 22" reached through "tcp 2222": "tcp 22 (entry 2222)".
    const auto space = entry[i].find(' ');
    ports[i] += fmt::format(" (entry {})", space == std::string::npos ? entry[i] : entry[i].substr(space + 1));
  }
  std::string out = path_label_prefix(p.path_class);
  for (std::size_t i = 0; i < ports.size(); ++i) out += (i ? "\n" : "") + ports[i];
  return out;
}

}  // namespace

void add_path_edges(Diagram& d) {
  // One edge per (from, to, class): the paths of a class that share a step share its edge.
  struct Merged {
    DiagramEdge edge;
    std::vector<std::string> labels;  // the ports of the paths ending here, in path order, each once
    std::set<std::string> targets;    // the targets of the paths through it
  };
  std::map<std::tuple<std::string, std::string, std::string>, std::size_t> at;
  std::vector<Merged> merged;
  for (std::size_t i = 0; i < d.paths.size(); ++i) {
    const auto& p = d.paths[i];
    for (std::size_t h = 0; h + 1 < p.nodes.size(); ++h) {
      auto [it, fresh] = at.try_emplace({p.nodes[h], p.nodes[h + 1], p.path_class}, merged.size());
      if (fresh) {
        Merged m;
        m.edge.from = p.nodes[h];
        m.edge.to = p.nodes[h + 1];
        m.edge.kind = "path";
        m.edge.color = p.color;
        m.edge.style = path_style(p.path_class);
        m.edge.path = static_cast<int>(i);
        merged.push_back(std::move(m));
      }
      Merged& m = merged[it->second];
      m.edge.paths.push_back(static_cast<int>(i));
      m.targets.insert(p.nodes.back());
      if (h + 2 == p.nodes.size()) {
        const std::string label = target_label(p);
        if (std::find(m.labels.begin(), m.labels.end(), label) == m.labels.end()) m.labels.push_back(label);
      }
    }
  }
  std::map<std::string, const DiagramNode*> nodes;
  for (const auto& n : d.nodes) nodes[n.id] = &n;
  for (auto& m : merged) {
    std::vector<std::string> lines;
    for (const auto& l : m.labels) lines.push_back(l);
    if (m.labels.empty() && m.targets.size() > 1 && m.edge.from == "internet") {
      // A step from the internet shared by paths to several targets: how many, and what they are.
      bool vms = true;
      for (const auto& t : m.targets) {
        auto it = nodes.find(t);
        vms = vms && it != nodes.end() && it->second->kind == "network-interface";
      }
      const auto cls = path_class(d.paths[static_cast<std::size_t>(m.edge.path)].path_class);
      lines.push_back(fmt::format("{} -> {} {}", path_summary(cls), m.targets.size(), vms ? "VMs" : "targets"));
    }
    m.edge.label = fmt::format("{}", fmt::join(lines, "\n"));
    d.edges.push_back(std::move(m.edge));
  }
}

}  // namespace exposim::cli
