// The east-west difference of two models (solver/whatif_east_west.h).
#include "solver/whatif_east_west.h"

#include <map>
#include <set>
#include <utility>

#include <fmt/format.h>

#include "solver/paas_hop.h"
#include "solver/ports_and_sources.h"

namespace exposim::solver {

namespace {

/// The canonical id of a resource, "-" when there is none.
std::string whatif_ew_key_of(const model::Model& m, model::ResourceKind kind, int index) {
  if (index < 0) return "-";
  const auto* r = m.resource(model::GraphVertex{kind, index});
  return r != nullptr ? r->key : "-";
}

std::string whatif_ew_ip_configuration(const model::Model& m, int nic, int cfg) {
  const auto& n = m.nics[static_cast<std::size_t>(nic)];
  return n.key + "|" + n.ip_configurations[static_cast<std::size_t>(cfg)].name;
}

}  // namespace

std::string reach_flow_key(const model::Model& m, const ReachFlow& f) {
  using model::ResourceKind;
  std::string key = f.source.nic >= 0
                        ? "ip-configuration|" + whatif_ew_ip_configuration(m, f.source.nic, f.source.ip_configuration)
                        : "subnet|" + whatif_ew_key_of(m, ResourceKind::kSubnet, f.source_subnet);
  key += " > ";
  if (f.target_kind == ResourceKind::kPrivateEndpoint) {
    key += "private-endpoint|" + whatif_ew_key_of(m, ResourceKind::kPrivateEndpoint, f.target);
  } else if (f.target_kind == ResourceKind::kPaasService) {
    key += "paas-service|" + whatif_ew_key_of(m, ResourceKind::kPaasService, f.target);
    if (scm_path(f.path)) key += "|scm";  // an App Service's SCM (Kudu) site: an endpoint of its own
  } else {
    key += "ip-configuration|" + whatif_ew_ip_configuration(m, f.nic, f.ip_configuration);
  }
  return key + " | " + model::to_string(f.protocol);
}

PacketSet reach_flow_packets(const ReachFlow& f) {
  const bool ports = model::has_ports(f.protocol);
  return PacketSet(Cube{f.sources, IpSet::all(), model::bit(f.protocol), ports ? f.source_ports : PortSet::all(),
                        ports ? f.ports : PortSet::all()});
}

std::string reach_path_signature(const model::Model& m, const ReachFlow& f) {
  std::string s = model::to_string(f.protocol);
  for (const auto& h : f.path) {
    if (h.kind == HopKind::kSource) continue;
    if (h.kind == HopKind::kNoNsg) {
      s += fmt::format("|no-nsg:{}", h.scope);
      continue;
    }
    s += '|';
    s += hop_signature(m, h);
    if (h.kind == HopKind::kRoute && h.resource < 0) s += std::string(":") + h.note;
  }
  return s;
}

namespace {

struct WhatifEwGroup {
  std::vector<const ReachFlow*> before;
  std::vector<const ReachFlow*> after;
  PacketSet before_packets;
  PacketSet after_packets;
};

/// The parts of `flows` whose packets lie in `keep`, each with its own path, split so that each is a product of
/// sources, source ports and ports.
std::vector<ReachFlow> whatif_ew_restrict(const std::vector<const ReachFlow*>& flows, const PacketSet& keep) {
  std::vector<ReachFlow> out;
  for (const ReachFlow* f : flows) {
    const PacketSet part = reach_flow_packets(*f).intersect(keep);
    if (part.empty()) continue;
    for (auto& piece : split_by_ports(part, f->protocol)) {
      ReachFlow x = *f;
      if (model::has_ports(f->protocol)) {
        x.ports = piece.ports;
        x.source_ports = piece.source_ports;
      }
      x.sources = std::move(piece.sources);
      out.push_back(std::move(x));
    }
  }
  return out;
}

/// The pieces of a rerouted key whose path changed: for every before flow and after flow with other paths, the
/// packets they share, each piece with both paths.
std::vector<EastWestReroute> whatif_ew_reroutes(const model::Model& mb, const std::vector<const ReachFlow*>& before,
                                                const model::Model& ma, const std::vector<const ReachFlow*>& after) {
  std::vector<std::string> after_signatures;
  std::vector<PacketSet> after_packets;
  for (const ReachFlow* a : after) {
    after_signatures.push_back(reach_path_signature(ma, *a));
    after_packets.push_back(reach_flow_packets(*a));
  }
  std::vector<EastWestReroute> out;
  for (const ReachFlow* b : before) {
    const std::string sb = reach_path_signature(mb, *b);
    for (std::size_t k = 0; k < after.size(); ++k) {
      if (after_signatures[k] == sb) continue;
      for (auto& piece : whatif_ew_restrict({b}, after_packets[k])) {
        ReachFlow now = *after[k];
        now.ports = piece.ports;
        now.source_ports = piece.source_ports;
        now.sources = piece.sources;
        out.push_back(EastWestReroute{std::move(piece), std::move(now)});
      }
    }
  }
  return out;
}

}  // namespace

EastWestDiff diff_reach(const model::Model& mb, const std::vector<ReachFlow>& before, const model::Model& ma,
                        const std::vector<ReachFlow>& after) {
  std::map<std::string, WhatifEwGroup> groups;
  for (const auto& f : before) {
    auto& g = groups[reach_flow_key(mb, f)];
    g.before.push_back(&f);
    g.before_packets = g.before_packets.unite(reach_flow_packets(f));
  }
  for (const auto& f : after) {
    auto& g = groups[reach_flow_key(ma, f)];
    g.after.push_back(&f);
    g.after_packets = g.after_packets.unite(reach_flow_packets(f));
  }
  EastWestDiff out;
  out.before_flows = before.size();
  out.after_flows = after.size();
  for (auto& [key, g] : groups) {
    const PacketSet added = g.after_packets.subtract(g.before_packets);
    const PacketSet removed = g.before_packets.subtract(g.after_packets);
    EastWestDelta d;
    d.key = key;
    if (!added.empty() || !removed.empty()) {
      d.kind = g.before.empty()  ? WhatifDelta::Kind::kOpened
               : g.after.empty() ? WhatifDelta::Kind::kClosed
                                 : WhatifDelta::Kind::kChanged;
      if (!added.empty()) {
        d.opened = whatif_ew_restrict(g.after, added);
        out.grew = true;
      }
      if (!removed.empty()) d.closed = whatif_ew_restrict(g.before, removed);
      out.deltas.push_back(std::move(d));
      continue;
    }
    std::set<std::string> sb;
    std::set<std::string> sa;
    for (const ReachFlow* f : g.before) sb.insert(reach_path_signature(mb, *f));
    for (const ReachFlow* f : g.after) sa.insert(reach_path_signature(ma, *f));
    if (sb == sa) continue;
    d.kind = WhatifDelta::Kind::kRerouted;
    for (const ReachFlow* f : g.before) d.before.push_back(*f);
    for (const ReachFlow* f : g.after) d.after.push_back(*f);
    d.reroutes = whatif_ew_reroutes(mb, g.before, ma, g.after);
    out.deltas.push_back(std::move(d));
  }
  return out;
}

}  // namespace exposim::solver
