// The difference between two analyses (solver/whatif.h).
#include "solver/whatif.h"

#include <map>
#include <set>

#include <fmt/format.h>

#include "solver/firewall.h"
#include "solver/incremental.h"
#include "solver/paas.h"

namespace exposim::solver {

const char* to_string(WhatifDelta::Kind k) {
  switch (k) {
    case WhatifDelta::Kind::kOpened: return "opened";
    case WhatifDelta::Kind::kClosed: return "closed";
    case WhatifDelta::Kind::kChanged: return "changed";
    case WhatifDelta::Kind::kRerouted: return "rerouted";
  }
  return "?";
}

namespace {

std::string key_of(const model::Model& m, model::ResourceKind kind, int index) {
  if (index < 0) return "-";
  const auto* r = m.resource(model::GraphVertex{kind, index});
  return r != nullptr ? r->key : "-";
}

}  // namespace

std::string exposure_key(const model::Model& m, const Exposure& e) {
  using model::ResourceKind;
  std::string key =
      fmt::format("{}|{}", model::to_string(e.target_kind), key_of(m, e.target_kind, e.nic >= 0 ? e.nic : e.target));
  key += '|';
  if (e.nic >= 0) key += m.nics[e.nic].ip_configurations[e.ip_configuration].name;
  key += fmt::format("|{}|{}", to_string(e.via), key_of(m, ResourceKind::kPublicIp, e.public_ip));
  if (e.load_balancer >= 0) {
    key += fmt::format("|lb:{}/{}", m.load_balancers[e.load_balancer].key,
                       e.frontend >= 0 ? m.load_balancers[e.load_balancer].frontends[e.frontend].name : "");
  }
  if (e.gateway >= 0) {
    switch (e.via) {
      case Via::kFirewallDnat: key += "|fw:" + key_of(m, ResourceKind::kFirewall, e.gateway); break;
      case Via::kApplicationGateway: key += "|agw:" + key_of(m, ResourceKind::kApplicationGateway, e.gateway); break;
      case Via::kBastion: key += "|bastion:" + key_of(m, ResourceKind::kBastionHost, e.gateway); break;
      case Via::kAppliance: key += "|nva:" + key_of(m, ResourceKind::kNetworkInterface, e.gateway); break;
      default: break;
    }
  }
  if (e.via == Via::kPaasPublic && e.target >= 0) key += "|host:" + entry_host(m.paas_services[e.target], e);
  return key;
}

PacketSet exposure_packets(const Exposure& e) {
  const bool ports = model::has_ports(e.protocol);
  return PacketSet(Cube{e.sources, IpSet::all(), model::bit(e.protocol), ports ? e.source_ports : PortSet::all(),
                        ports ? e.ports : PortSet::all()});
}

std::string path_signature(const model::Model& m, const Exposure& e) {
  std::string s = fmt::format("{}|{}", to_string(e.via), model::to_string(e.protocol));
  for (const auto& h : e.path) {
    s += fmt::format("|{}:{}:{}:", static_cast<int>(h.kind), key_of(m, h.resource_kind, h.resource), h.scope);
    if (h.kind == HopKind::kNsg && h.resource >= 0 && h.rule >= 0) {
      s += m.nsgs[h.resource].rules[h.rule].name;
    } else if (h.kind == HopKind::kFirewall && h.resource >= 0 && h.rule >= 0) {
      const auto& fw = m.firewalls[h.resource];
      s += rule_at(m, fw, fw.order[h.rule]).name;
    } else if (h.kind == HopKind::kRoute && h.resource >= 0 && h.rule >= 0) {
      s += m.route_tables[h.resource].routes[h.rule].name;
    } else {
      s += std::to_string(h.rule);
    }
    s += fmt::format(":{}", h.port);
  }
  return s;
}

namespace {

struct Group {
  std::vector<const Exposure*> before;
  std::vector<const Exposure*> after;
  PacketSet before_packets;
  PacketSet after_packets;
};

/// The parts of `exposures` whose packets lie in `keep`, each with its own path; any_source against `internet`.
std::vector<Exposure> restrict(const std::vector<const Exposure*>& exposures, const PacketSet& keep,
                               const IpSet& internet) {
  std::vector<Exposure> out;
  for (const Exposure* e : exposures) {
    const PacketSet part = exposure_packets(*e).intersect(keep);
    if (part.empty()) continue;
    for (auto& piece : split_by_ports(part, e->protocol)) {
      Exposure x = *e;
      const bool same_entry = x.entry_ports == x.ports;
      x.ports = model::has_ports(e->protocol) ? piece.ports : e->ports;
      x.source_ports = model::has_ports(e->protocol) ? piece.source_ports : e->source_ports;
      if (same_entry) x.entry_ports = x.ports;
      x.sources = piece.sources;
      const IpSet family = x.sources.empty() ? IpSet{}
                           : model::IpAddress{x.sources.intervals().front().lo}.family() == model::IpFamily::kV4
                               ? internet.intersect(model::all_v4())
                               : internet.intersect(model::all_v6());
      x.any_source = !x.sources.empty() && x.sources == family;
      out.push_back(std::move(x));
    }
  }
  return out;
}

}  // namespace

namespace {

/// The diff of the exposures of `before` and `after` for which `compared` holds (all others are taken as
/// equal on both sides).
template <typename Compared>
WhatifDiff diff_where(const model::Model& mb, const Analysis& before, const model::Model& ma, const Analysis& after,
                      Compared compared) {
  std::map<std::string, Group> groups;
  for (const auto& e : before.exposures) {
    if (!compared(e)) continue;
    auto& g = groups[exposure_key(mb, e)];
    g.before.push_back(&e);
    g.before_packets = g.before_packets.unite(exposure_packets(e));
  }
  for (const auto& e : after.exposures) {
    if (!compared(e)) continue;
    auto& g = groups[exposure_key(ma, e)];
    g.after.push_back(&e);
    g.after_packets = g.after_packets.unite(exposure_packets(e));
  }
  WhatifDiff out;
  out.before_exposures = before.exposures.size();
  out.after_exposures = after.exposures.size();
  for (auto& [key, g] : groups) {
    const PacketSet added = g.after_packets.subtract(g.before_packets);
    const PacketSet removed = g.before_packets.subtract(g.after_packets);
    WhatifDelta d;
    d.key = key;
    if (!added.empty() || !removed.empty()) {
      d.kind = g.before.empty()  ? WhatifDelta::Kind::kOpened
               : g.after.empty() ? WhatifDelta::Kind::kClosed
                                 : WhatifDelta::Kind::kChanged;
      if (!added.empty()) {
        d.opened = restrict(g.after, added, after.internet);
        out.grew = true;
      }
      if (!removed.empty()) d.closed = restrict(g.before, removed, before.internet);
      out.deltas.push_back(std::move(d));
      continue;
    }
    std::multiset<std::string> sb;
    std::multiset<std::string> sa;
    for (const Exposure* e : g.before) sb.insert(path_signature(mb, *e));
    for (const Exposure* e : g.after) sa.insert(path_signature(ma, *e));
    if (std::set<std::string>(sb.begin(), sb.end()) == std::set<std::string>(sa.begin(), sa.end())) continue;
    d.kind = WhatifDelta::Kind::kRerouted;
    for (const Exposure* e : g.before) d.before.push_back(*e);
    for (const Exposure* e : g.after) d.after.push_back(*e);
    out.deltas.push_back(std::move(d));
  }
  return out;
}

}  // namespace

WhatifDiff diff_analyses(const model::Model& mb, const Analysis& before, const model::Model& ma,
                         const Analysis& after) {
  return diff_where(mb, before, ma, after, [](const Exposure&) { return true; });
}

WhatifDiff diff_scoped(const model::Model& mb, const Analysis& before, const model::Model& ma, const Analysis& after,
                       const AnalysisScope& scope) {
  return diff_where(mb, before, ma, after, [&](const Exposure& e) { return scope.covers(e); });
}

}  // namespace exposim::solver
