// The difference between two analyses (solver/whatif.h).
#include "solver/whatif.h"
#include "solver/analysis.h"
#include "solver/nsg.h"
#include "solver/ports_and_sources.h"

#include <algorithm>
#include <map>
#include <set>
#include <tuple>

#include <fmt/format.h>

#include "model/service_tags.h"
#include "solver/firewall.h"
#include "solver/incremental.h"
#include "solver/paas_hop.h"

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

std::string hop_signature(const model::Model& m, const Hop& h) {
  std::string s = fmt::format("{}:{}:{}:", static_cast<int>(h.kind), key_of(m, h.resource_kind, h.resource), h.scope);
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
  return s + fmt::format(":{}", h.port);
}

std::string path_signature(const model::Model& m, const Exposure& e) {
  std::string s = fmt::format("{}|{}", to_string(e.via), model::to_string(e.protocol));
  for (const auto& h : e.path) {
    s += '|';
    s += hop_signature(m, h);
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

/// The pieces of a rerouted group whose path changed: for every before exposure and after exposure with other
/// paths, the packets they share, each piece with both paths.
std::vector<Reroute> reroutes(const model::Model& mb, const std::vector<const Exposure*>& before, const IpSet& internet,
                              const model::Model& ma, const std::vector<const Exposure*>& after) {
  std::vector<std::string> after_signatures;
  std::vector<PacketSet> after_packets;
  for (const Exposure* a : after) {
    after_signatures.push_back(path_signature(ma, *a));
    after_packets.push_back(exposure_packets(*a));
  }
  std::vector<Reroute> out;
  for (const Exposure* b : before) {
    const std::string sb = path_signature(mb, *b);
    for (std::size_t k = 0; k < after.size(); ++k) {
      if (after_signatures[k] == sb) continue;
      for (auto& piece : restrict({b}, after_packets[k], internet)) {
        Exposure now = *after[k];
        if (now.entry_ports == now.ports) now.entry_ports = piece.ports;
        now.ports = piece.ports;
        now.source_ports = piece.source_ports;
        now.sources = piece.sources;
        now.any_source = piece.any_source;
        out.push_back(Reroute{std::move(piece), std::move(now)});
      }
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
    d.reroutes = reroutes(mb, g.before, before.internet, ma, g.after);
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

const char* to_string(LatentRule::Change c) { return c == LatentRule::Change::kAdded ? "added" : "widened"; }

namespace {

bool same_addresses(const model::AddressMatch& a, const model::AddressMatch& b) {
  if (a.any != b.any || a.prefixes != b.prefixes || a.tags != b.tags || a.other_tags != b.other_tags) return false;
  if (a.asgs.size() != b.asgs.size()) return false;
  for (std::size_t i = 0; i < a.asgs.size(); ++i) {
    if (a.asgs[i].id != b.asgs[i].id) return false;
  }
  return true;
}

/// What decides which packets an NSG rule admits (its priority aside).
bool same_match(const model::SecurityRule& a, const model::SecurityRule& b) {
  return a.access == b.access && a.direction == b.direction && a.protocols == b.protocols &&
         a.source_ports == b.source_ports && a.destination_ports == b.destination_ports &&
         same_addresses(a.source, b.source) && same_addresses(a.destination, b.destination);
}

bool same_addresses(const model::FirewallAddresses& a, const model::FirewallAddresses& b) {
  if (a.any != b.any || a.prefixes != b.prefixes || a.unresolved != b.unresolved) return false;
  if (a.ip_groups.size() != b.ip_groups.size()) return false;
  for (std::size_t i = 0; i < a.ip_groups.size(); ++i) {
    if (a.ip_groups[i].id != b.ip_groups[i].id) return false;
  }
  return true;
}

bool same_match(const model::FirewallRule& a, model::FirewallAction aa, const model::FirewallRule& b,
                model::FirewallAction ba) {
  return aa == ba && a.kind == b.kind && a.protocols == b.protocols && a.destination_ports == b.destination_ports &&
         same_addresses(a.sources, b.sources) && same_addresses(a.destinations, b.destinations) &&
         a.destination_fqdns == b.destination_fqdns && a.unknown == b.unknown;
}

/// Sources x protocols x ports, the ports constraining TCP and UDP only.
PacketSet admitted(const IpSet& sources, model::ProtocolMask protocols, const PortSet& ports) {
  if (sources.empty()) return {};
  constexpr model::ProtocolMask kPorted = model::bit(model::Protocol::kTcp) | model::bit(model::Protocol::kUdp);
  PacketSet out;
  const auto ported = static_cast<model::ProtocolMask>(protocols & kPorted);
  const auto portless = static_cast<model::ProtocolMask>(protocols & ~kPorted);
  if (ported) out = PacketSet(Cube{sources, IpSet::all(), ported, PortSet::all(), ports});
  if (portless) out = out.unite(PacketSet(Cube{sources, IpSet::all(), portless, PortSet::all(), PortSet::all()}));
  return out;
}

/// The internet addresses one side of an NSG rule stands for, as resolve_addresses() resolves them in an allow rule
/// (an unresolved service tag is the whole internet); VirtualNetwork, AzureLoadBalancer and ASGs are not internet.
IpSet internet_part(const model::AddressMatch& m, const IpSet& internet, const model::ServiceTagTable* table) {
  if (m.any) return internet;
  if (std::find(m.tags.begin(), m.tags.end(), model::ServiceTag::kInternet) != m.tags.end()) return internet;
  IpSet s;
  for (const auto& p : m.prefixes) s = s.unite(model::to_set(p));
  for (const auto& tag : m.other_tags) {  // a tag the published table resolves is its prefixes, else the internet
    const IpSet* published = model::service_tag_addresses(table, tag);
    if (published == nullptr) return internet;
    s = s.unite(*published);
  }
  return s.intersect(internet);
}

/// The internet packets an inbound NSG rule admits (none for a deny or outbound rule).
PacketSet nsg_admits(const model::SecurityRule& r, const IpSet& internet, const model::ServiceTagTable* table) {
  if (r.access != model::Access::kAllow || r.direction != model::Direction::kInbound) return {};
  return admitted(internet_part(r.source, internet, table), r.protocols, r.destination_ports);
}

/// The internet packets a firewall rule admits (none for a rule of a deny collection).
PacketSet firewall_admits(const model::Model& m, const model::FirewallRule& r, model::FirewallAction action,
                          const IpSet& internet) {
  if (action == model::FirewallAction::kDeny) return {};
  return admitted(firewall_addresses(m, r.sources).intersect(internet), r.protocols, r.destination_ports);
}

/// A firewall rule's place, the same in two models of one estate: its policy (or "classic"), rule collection
/// group, rule collection and name.
std::string firewall_rule_place(const model::Model& m, const model::Firewall& fw,
                                const model::FirewallRulePosition& at) {
  std::string place = "classic";
  if (at.policy >= 0) {
    const auto& p = m.firewall_policies[at.policy];
    place = p.key + "|" + p.groups[at.group].name;
  }
  return place + "|" + collection_at(m, fw, at).name + "|" + rule_at(m, fw, at).name;
}

}  // namespace

std::vector<LatentRule> latent_rules(const model::Model& mb, const Analysis& before, const model::Model& ma,
                                     const Analysis& after, const std::vector<model::Changed>* changed) {
  using model::ResourceKind;
  std::set<std::string> touched;  // with `changed`: the keys of what the change documents changed
  if (changed != nullptr) {
    for (const auto& c : *changed) touched.insert(c.key);
  }
  auto compared = [&](const std::string& key) { return changed == nullptr || touched.count(key) != 0; };
  std::vector<LatentRule> candidates;
  for (std::size_t n = 0; n < ma.nsgs.size(); ++n) {
    const auto& nsg = ma.nsgs[n];
    if (!compared(nsg.key)) continue;
    const auto found = mb.find(nsg.key);
    const model::NetworkSecurityGroup* was =
        found && found->kind == ResourceKind::kNetworkSecurityGroup ? &mb.nsgs[found->index] : nullptr;
    for (std::size_t i = 0; i < nsg.rules.size(); ++i) {
      const auto& r = nsg.rules[i];
      if (r.is_default || r.access != model::Access::kAllow || r.direction != model::Direction::kInbound) continue;
      const model::SecurityRule* old = nullptr;
      if (was != nullptr) {
        for (const auto& o : was->rules) {
          if (!o.is_default && o.name == r.name) old = &o;
        }
      }
      if (old != nullptr && same_match(*old, r)) continue;
      PacketSet p = nsg_admits(r, after.internet, ma.service_tags.get());
      if (old != nullptr && !p.empty()) p = p.subtract(nsg_admits(*old, before.internet, mb.service_tags.get()));
      if (p.empty()) continue;
      candidates.push_back(LatentRule{old != nullptr ? LatentRule::Change::kWidened : LatentRule::Change::kAdded,
                                      ResourceKind::kNetworkSecurityGroup,
                                      static_cast<int>(n),
                                      static_cast<int>(i),
                                      std::move(p),
                                      {}});
    }
  }
  for (std::size_t f = 0; f < ma.firewalls.size(); ++f) {
    const auto& fw = ma.firewalls[f];
    bool in_change = compared(fw.key);
    for (std::size_t k = 0; k < fw.order.size() && !in_change; ++k) {
      const int p = fw.order[k].policy;
      in_change = p >= 0 && compared(ma.firewall_policies[p].key);
    }
    if (!in_change) continue;
    const auto found = mb.find(fw.key);
    std::map<std::string, model::FirewallRulePosition> old_places;
    const model::Firewall* was =
        found && found->kind == ResourceKind::kFirewall ? &mb.firewalls[found->index] : nullptr;
    if (was != nullptr) {
      for (const auto& at : was->order) old_places.emplace(firewall_rule_place(mb, *was, at), at);
    }
    for (std::size_t k = 0; k < fw.order.size(); ++k) {
      const auto& at = fw.order[k];
      const auto& r = rule_at(ma, fw, at);
      const auto action = collection_at(ma, fw, at).action;
      if (action == model::FirewallAction::kDeny) continue;
      const auto it = was != nullptr ? old_places.find(firewall_rule_place(ma, fw, at)) : old_places.end();
      const model::FirewallRule* old = it != old_places.end() ? &rule_at(mb, *was, it->second) : nullptr;
      const auto old_action = old != nullptr ? collection_at(mb, *was, it->second).action : action;
      if (old != nullptr && same_match(*old, old_action, r, action)) continue;
      PacketSet p = firewall_admits(ma, r, action, after.internet);
      if (old != nullptr && !p.empty()) p = p.subtract(firewall_admits(mb, *old, old_action, before.internet));
      if (p.empty()) continue;
      candidates.push_back(LatentRule{old != nullptr ? LatentRule::Change::kWidened : LatentRule::Change::kAdded,
                                      ResourceKind::kFirewall,
                                      static_cast<int>(f),
                                      static_cast<int>(k),
                                      std::move(p),
                                      {model::GraphVertex{ResourceKind::kFirewall, static_cast<int>(f)}}});
    }
  }
  if (candidates.empty()) return candidates;
  // A candidate that decides some exposure (or broken flow) with packets it newly admits is not latent: the
  // exposure is reported as opened, changed or rerouted.
  std::map<std::tuple<int, int, int>, std::size_t> index;
  for (std::size_t c = 0; c < candidates.size(); ++c) {
    const auto& x = candidates[c];
    index[{static_cast<int>(x.kind), x.resource, x.rule}] = c;
  }
  std::vector<bool> reached(candidates.size(), false);
  for (const auto* list : {&after.exposures, &after.broken}) {
    for (const auto& e : *list) {
      for (const auto& h : e.path) {
        if (h.resource < 0 || h.rule < 0 || (h.kind != HopKind::kNsg && h.kind != HopKind::kFirewall)) continue;
        const auto kind = h.kind == HopKind::kNsg ? ResourceKind::kNetworkSecurityGroup : ResourceKind::kFirewall;
        const auto it = index.find({static_cast<int>(kind), h.resource, h.rule});
        if (it == index.end() || reached[it->second]) continue;
        if (exposure_packets(e).intersects(candidates[it->second].packets)) reached[it->second] = true;
      }
    }
  }
  std::vector<LatentRule> out;
  for (std::size_t c = 0; c < candidates.size(); ++c) {
    if (reached[c]) continue;
    auto x = std::move(candidates[c]);
    if (x.kind == ResourceKind::kNetworkSecurityGroup) {
      for (std::size_t s = 0; s < ma.subnets.size(); ++s) {
        if (ma.subnets[s].nsg.index == x.resource) x.applies_to.push_back({ResourceKind::kSubnet, static_cast<int>(s)});
      }
      for (std::size_t n = 0; n < ma.nics.size(); ++n) {
        if (ma.nics[n].nsg.index == x.resource) {
          x.applies_to.push_back({ResourceKind::kNetworkInterface, static_cast<int>(n)});
        }
      }
    }
    out.push_back(std::move(x));
  }
  return out;
}

}  // namespace exposim::solver
