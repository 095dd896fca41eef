// Azure Firewall (docs/model.md#azure-firewall): DNAT matching, and the analysis of DNAT entries: the firewall's own
// exposure and the ip configurations (or internal load balancer pools) its DNAT rules translate to.
#include "solver/firewall.h"

#include <algorithm>
#include <memory>
#include <optional>
#include <set>
#include <string>

#include <fmt/format.h>

#include "model/service_tags.h"
#include "solver/analysis.h"
#include "solver/analyzer.h"
#include "solver/incremental.h"
#include "solver/network.h"
#include "solver/path.h"
#include "solver/ports_and_sources.h"

namespace exposim::solver {

IpSet firewall_addresses(const model::Model& m, const model::FirewallAddresses& a, bool* unresolved) {
  if (a.any) return IpSet::all();
  IpSet out;
  bool guessed = false;
  for (const auto& p : a.prefixes) out = out.unite(model::to_set(p));
  // A service tag the published table has (--service-tags) is its prefixes; anything else left as written (a tag
  // without the table, an FQDN) is not resolved.
  for (const auto& text : a.unresolved) {
    if (const IpSet* tag = model::service_tag_addresses(m.service_tags.get(), text)) {
      out = out.unite(*tag);
    } else {
      guessed = true;
    }
  }
  for (const auto& ref : a.ip_groups) {
    if (!ref.resolved()) {
      guessed = true;
      continue;
    }
    const auto& group = m.ip_groups[ref.index];
    if (group.unknown) guessed = true;  // an address only known at deployment, or a placeholder
    for (const auto& p : group.prefixes) out = out.unite(model::to_set(p));
  }
  if (unresolved != nullptr) *unresolved = guessed;
  return guessed ? IpSet::all() : out;
}

std::vector<std::pair<int, model::IpAddress>> firewall_public_ips(const model::Model& m, const model::Firewall& fw) {
  std::vector<std::pair<int, model::IpAddress>> out;
  for (const auto& c : fw.ip_configurations) {
    if (!c.public_ip.resolved()) continue;
    const auto& pip = m.public_ips[c.public_ip.index];
    if (pip.address) out.emplace_back(c.public_ip.index, *pip.address);
  }
  for (const auto& a : fw.hub_public_addresses) out.emplace_back(-1, a);  // a secured hub's: not resources
  return out;
}

bool public_ip_address_unknown(const model::PublicIp& pip) {
  static const model::IpPrefix kPlaceholders = *model::IpPrefix::parse("240.0.0.0/4");
  return !pip.address || kPlaceholders.contains(*pip.address);
}

std::vector<int> firewall_unknown_public_ips(const model::Model& m, const model::Firewall& fw) {
  std::vector<int> out;
  for (const auto& c : fw.ip_configurations) {
    if (c.public_ip.resolved() && public_ip_address_unknown(m.public_ips[c.public_ip.index])) {
      out.push_back(c.public_ip.index);
    }
  }
  return out;
}

IpSet unknown_public_ip_addresses(const model::Model& m, const model::Firewall& fw, int pip) {
  IpSet out = m.public_ips[pip].family == model::IpFamily::kV4 ? model::all_v4() : model::all_v6();
  for (const auto& [p, address] : firewall_public_ips(m, fw)) {
    if (p != pip) out = out.subtract(model::to_set(address));
  }
  return out;
}

const model::FirewallRuleCollection& collection_at(const model::Model& m, const model::Firewall& fw,
                                                   const model::FirewallRulePosition& at) {
  if (at.policy < 0) return fw.classic[at.collection];
  return m.firewall_policies[at.policy].groups[at.group].collections[at.collection];
}

const model::FirewallRule& rule_at(const model::Model& m, const model::Firewall& fw,
                                   const model::FirewallRulePosition& at) {
  return collection_at(m, fw, at).rules[at.rule];
}

std::vector<DnatMatch> dnat_matches(const model::Model& m, const model::Firewall& fw, const IpSet& internet) {
  IpSet own;
  for (const auto& [pip, address] : firewall_public_ips(m, fw)) own.add(address.value, address.value);
  for (const int pip : firewall_unknown_public_ips(m, fw)) own = own.unite(unknown_public_ip_addresses(m, fw, pip));
  std::vector<DnatMatch> out;
  if (own.empty()) return out;
  PacketSet taken;
  for (std::size_t i = 0; i < fw.order.size(); ++i) {
    const auto& rule = rule_at(m, fw, fw.order[i]);
    if (rule.kind != model::FirewallRuleKind::kNat) continue;
    bool unresolved = false;
    const IpSet sources = firewall_addresses(m, rule.sources, &unresolved).intersect(internet);
    const IpSet destinations = firewall_addresses(m, rule.destinations).intersect(own);
    const model::ProtocolMask protocols =
        rule.protocols & (model::bit(model::Protocol::kTcp) | model::bit(model::Protocol::kUdp));
    Cube c{sources, destinations, protocols, model::PortSet::all(), rule.destination_ports};
    if (c.empty()) continue;
    PacketSet share = PacketSet(c).subtract(taken);
    taken = taken.unite(share);
    if (share.empty()) continue;
    out.push_back(DnatMatch{static_cast<int>(i), std::move(share), unresolved});
  }
  return out;
}

std::vector<FirewallDecision> filter_through_firewall(const model::Model& m, const model::Firewall& fw,
                                                      const PacketSet& arriving) {
  std::vector<FirewallDecision> out;
  PacketSet left = arriving;
  for (std::size_t i = 0; i < fw.order.size() && !left.empty(); ++i) {
    const auto& at = fw.order[i];
    const auto& rule = rule_at(m, fw, at);
    if (rule.kind == model::FirewallRuleKind::kNat) continue;
    const bool allow = collection_at(m, fw, at).action == model::FirewallAction::kAllow;
    // A field the solver cannot resolve (a service tag, an FQDN, an IP group not in the input or holding an
    // unknown address, a value only known at deployment) widens an allow rule and empties a deny rule.
    if (rule.unknown && !allow) continue;
    bool unresolved_source = false;
    const IpSet sources = firewall_addresses(m, rule.sources, &unresolved_source);
    if (unresolved_source && !allow) continue;
    IpSet destinations = IpSet::all();
    bool assumed = false;
    model::ProtocolMask protocols = rule.protocols;
    if (rule.kind == model::FirewallRuleKind::kNetwork) {
      // Destination FQDNs and unresolved entries count as everything in allow rules, nothing in deny rules.
      bool unresolved = false;
      destinations = firewall_addresses(m, rule.destinations, &unresolved);
      if (!rule.destination_fqdns.empty() && rule.destinations.empty()) unresolved = true;
      if (unresolved && !allow) continue;
      if (unresolved) destinations = IpSet::all();
    } else {
      if (!allow) continue;  // an FQDN deny never hides an exposure by being assumed to match
      protocols = model::bit(model::Protocol::kTcp);
      assumed = true;
    }
    const model::PortSet ports = rule.destination_ports.empty() ? model::PortSet::all() : rule.destination_ports;
    PacketSet match = left.intersect(PacketSet(Cube{sources, destinations, protocols, model::PortSet::all(), ports}));
    // Ports constrain TCP and UDP only; ICMP matches whatever the ports say.
    if (protocols & model::bit(model::Protocol::kIcmp)) {
      match = match.unite(left.intersect(PacketSet(Cube{sources, destinations, model::bit(model::Protocol::kIcmp),
                                                        model::PortSet::all(), model::PortSet::all()})));
    }
    if (match.empty()) continue;
    left = left.subtract(match);
    out.push_back(FirewallDecision{static_cast<int>(i), allow, std::move(match), assumed});
  }
  if (!left.empty()) out.push_back(FirewallDecision{-1, false, std::move(left), false});
  return out;
}

int firewall_at(const model::Model& m, const model::IpAddress& address) {
  for (std::size_t f = 0; f < m.firewalls.size(); ++f) {
    for (const auto& c : m.firewalls[f].ip_configurations) {
      if (c.private_ip == address) return static_cast<int>(f);
    }
    if (model::hub_of_firewall(m, static_cast<int>(f)) >= 0 &&
        model::hub_firewall_address(m, static_cast<int>(f)) == address) {
      return static_cast<int>(f);
    }
  }
  return -1;
}

int firewall_subnet(const model::Firewall& fw) {
  for (const auto& c : fw.ip_configurations) {
    if (c.subnet.resolved()) return c.subnet.index;
  }
  return -1;
}

FirewallSide firewall_side(const model::Model& m, const model::Firewall& fw) {
  FirewallSide side;
  const bool in_model =
      !m.firewalls.empty() && &fw >= m.firewalls.data() && &fw < m.firewalls.data() + m.firewalls.size();
  const int index = in_model ? static_cast<int>(&fw - m.firewalls.data()) : -1;
  if (const int hub = model::hub_of_firewall(m, index); hub >= 0 && fw.ip_configurations.empty()) {
    // A secured hub's firewall: translated packets come from the hub's address prefix (docs/model.md).
    side.hub = hub;
    side.address = model::hub_firewall_address(m, index);
    if (m.virtual_hubs[hub].address_prefix) {
      side.snat = model::to_set(*m.virtual_hubs[hub].address_prefix);
    } else if (side.address) {
      side.snat = model::to_set(*side.address);
    }
    return side;
  }
  side.subnet = firewall_subnet(fw);
  for (const auto& c : fw.ip_configurations) {
    if (!side.address && c.private_ip) side.address = c.private_ip;
  }
  if (side.subnet >= 0) {
    for (const auto& p : m.subnets[side.subnet].prefixes) side.snat = side.snat.unite(model::to_set(p));
    for (const auto& p : m.subnets[side.subnet].prefixes) {
      // Validation normally places it; the first address Azure assigns, x.x.x.4 (docs/model.md).
      if (side.address || p.address.family() != model::IpFamily::kV4 || p.length > 29) continue;
      side.address = model::IpAddress::v4(p.address.v4_bits() + 4);
    }
  } else if (side.address) {
    side.snat = model::to_set(*side.address);
  }
  return side;
}

std::shared_ptr<const Broken> dnat_forward_blocks(const model::Model& m, const model::Firewall& fw,
                                                  const FirewallSide& side, const model::IpAddress& target,
                                                  int target_subnet, RouteChoice& forward) {
  forward = choose_route(m, side.subnet, target);
  const int vnet = target_subnet >= 0 ? m.subnets[target_subnet].vnet.index : -1;
  auto broken = [&](BrokenCode code) {
    auto b = std::make_shared<Broken>();
    b->code = code;
    b->firewall = static_cast<int>(&fw - m.firewalls.data());
    b->hub = side.hub;
    b->subnet = target_subnet;
    b->to_vnet = vnet;
    b->to = target;
    return b;
  };
  if (side.hub >= 0) {
    // The hub routes to the VNets connected to it (or to a hub of the same virtual WAN).
    if (!model::reaches_through_hub(m, side.hub, vnet)) return broken(BrokenCode::kHubFirewallCannotReach);
    if (!side.address) return broken(BrokenCode::kHubFirewallUnplaced);
    forward = RouteChoice{};
    forward.next_hop = model::NextHopType::kVnetPeering;
    forward.system = "virtual-hub";
    forward.hub = side.hub;
    forward.hub_reason = "connected virtual network";
    forward.prefix = model::IpPrefix{target, target.family() == model::IpFamily::kV4 ? 32 : 128};
    return nullptr;
  }
  if (!side.address) return broken(BrokenCode::kFirewallUnplaced);
  const int fw_vnet = side.subnet >= 0 ? m.subnets[side.subnet].vnet.index : -1;
  if (fw_vnet >= 0 && vnet >= 0 && !peering_connects(m, fw_vnet, vnet)) {
    auto b = broken(BrokenCode::kFirewallCannotReach);
    b->from_vnet = fw_vnet;
    return b;
  }
  if (side.subnet >= 0 && forward.next_hop != model::NextHopType::kVnetLocal &&
      forward.next_hop != model::NextHopType::kVnetPeering) {
    auto b = broken(BrokenCode::kFirewallForwardLost);
    b->route = forward;
    return b;
  }
  return nullptr;
}

namespace analysis_internal {
namespace {

using model::Protocol;

/// The entry of a firewall DNAT flow of one protocol through public IP `pip` (or, -1, the secured hub address
/// `address`), with no target port yet: the caller adds the translated port.
Entry dnat_entry(int pip, const model::IpAddress& address, model::Protocol protocol) {
  Entry entry;
  entry.via = Via::kFirewallDnat;
  entry.public_ip = pip;
  if (pip < 0) entry.entry_address = address;
  entry.sku = model::Sku::kBasic;  // no NSG on the path: the translated traffic is not filtered
  entry.protocols = model::bit(protocol);
  entry.ports = PortSet{};
  return entry;
}

}  // namespace

using model::Access;
using model::Direction;
using model::Protocol;

std::optional<model::IpConfigIndex> Analyzer::config_with_ip(const model::IpAddress& a) {
  if (by_private_ip_.empty()) {
    for (std::size_t n = 0; n < m_.nics.size(); ++n) {
      const auto& cfgs = m_.nics[n].ip_configurations;
      for (std::size_t c = 0; c < cfgs.size(); ++c) {
        if (cfgs[c].private_ip) {
          by_private_ip_.try_emplace(cfgs[c].private_ip->value,
                                     model::IpConfigIndex{static_cast<int>(n), static_cast<int>(c)});
        }
      }
    }
    by_private_ip_.try_emplace(0, model::IpConfigIndex{});  // built
  }
  auto it = by_private_ip_.find(a.value);
  if (it == by_private_ip_.end() || it->second.nic < 0) return std::nullopt;
  return it->second;
}

std::shared_ptr<const Broken> Analyzer::dnat_path_breaks(const model::Firewall& fw, const FirewallSide& side,
                                                         const model::IpConfigIndex& x,
                                                         std::optional<RouteChoice>& reply) {
  const auto& cfg = m_.nics[x.nic].ip_configurations[x.ip_configuration];
  const int subnet = cfg.subnet.index;
  RouteChoice forward;
  if (auto why = dnat_forward_blocks(m_, fw, side, *cfg.private_ip, subnet, forward)) return why;
  const model::IpAddress& snat = *side.address;
  reply = choose_route(m_, subnet, snat);
  if (reply->next_hop == model::NextHopType::kVnetLocal || reply->next_hop == model::NextHopType::kVnetPeering) {
    return nullptr;
  }
  auto b = std::make_shared<Broken>();
  b->code = reply->user ? BrokenCode::kFirewallReplyAsymmetric : BrokenCode::kFirewallReplyLost;
  b->firewall = static_cast<int>(&fw - m_.firewalls.data());
  b->target = x;
  b->subnet = subnet;
  b->from = snat;
  b->route = *reply;
  return b;
}

bool Analyzer::gateway_frontend_at(const model::IpAddress& a) const {
  for (const auto& g : m_.application_gateways) {
    for (const auto& fe : g.frontends) {
      if (!fe.public_ip.set() && fe.private_ip == a) return true;
    }
  }
  return false;
}

std::vector<std::pair<int, int>> Analyzer::internal_frontends_at(const model::IpAddress& a) const {
  std::vector<std::pair<int, int>> out;
  for (std::size_t l = 0; l < m_.load_balancers.size(); ++l) {
    const auto& fes = m_.load_balancers[l].frontends;
    for (std::size_t f = 0; f < fes.size(); ++f) {
      if (!fes[f].public_ip.set() && fes[f].private_ip == a) out.emplace_back(static_cast<int>(l), static_cast<int>(f));
    }
  }
  return out;
}

void Analyzer::dnat_through_balancer(int f, const model::Firewall& fw, const FirewallSide& side, const IpSet& snat_set,
                                     int position, const model::FirewallRule& rule, int pip,
                                     const model::IpAddress& address, bool assumed, Protocol protocol,
                                     const PortsAndSources& flows, int l, int fe) {
  if (protocol != Protocol::kTcp && protocol != Protocol::kUdp) return;
  std::vector<std::uint16_t> ports;
  if (rule.translated_port != 0) {
    ports.push_back(rule.translated_port);
  } else {
    for (const auto& iv : flows.ports.intervals()) {
      for (std::uint32_t p = iv.lo; p <= iv.hi && ports.size() < 64; ++p)
        ports.push_back(static_cast<std::uint16_t>(p));
    }
  }
  const auto& lb = m_.load_balancers[l];
  for (const std::uint16_t port : ports) {
    for (std::size_t lr = 0; lr < lb.rules.size(); ++lr) {
      const auto& lbr = lb.rules[lr];
      if (lbr.frontend.child != fe || !(lbr.protocols & model::bit(protocol))) continue;
      const bool ha = lbr.frontend_port == 0;
      if (!ha && lbr.frontend_port != port) continue;
      std::set<model::IpConfigIndex> done;
      for (const auto& pool_ref : lbr.backend_pools) {
        if (pool_ref.child < 0) continue;
        for (const auto& x : lb.backend_pools[pool_ref.child].members) {
          if (!done.insert(x).second) continue;
          Entry entry = dnat_entry(pip, address, protocol);
          entry.assumed_address = assumed;
          const std::uint16_t backend = ha ? port : lbr.backend_port;
          entry.ports.add(backend, backend);
          entry.entry_ports = rule.translated_port != 0 ? flows.ports : single_port(port);
          entry.gateway = f;
          entry.gateway_rule = position;
          entry.load_balancer = l;
          entry.frontend = fe;
          entry.rule = static_cast<int>(lr);
          entry.frontend_port = ha ? -1 : port;
          entry.snat_sources = &snat_set;
          entry.client_sources = flows.sources;
          std::optional<RouteChoice> reply;
          entry.broken = dnat_path_breaks(fw, side, x, reply);
          entry.return_route = reply;
          target(x.nic, x.ip_configuration, entry);
        }
      }
    }
  }
}

PortSet Analyzer::single_port(std::uint16_t p) {
  PortSet s;
  s.add(p, p);
  return s;
}

void Analyzer::firewall(int f) {
  const auto& fw = m_.firewalls[f];
  if (fw.policy.set() && !fw.policy.resolved()) {
    out_.findings.warning(
        "firewall-rules-unknown", fw.where,
        fmt::format("firewall '{}': its policy is not in the input, so its DNAT rules are unknown and "
                    "exposure through them is not reported",
                    fw.name));
    return;
  }
  const FirewallSide side = firewall_side(m_, fw);
  const IpSet& snat_set = snat_sets_.emplace_back(side.snat);
  // Each public address the DNAT rules are matched at: the known ones, then every public IP whose address is only
  // known at deployment, at every address it could have (`guessed`; `assumed`: those but its placeholder, which
  // rules naming the public IP by reference() hold).
  struct At {
    int pip;
    model::IpAddress address;
    IpSet dst;
    bool guessed;
    IpSet assumed;
  };
  std::vector<At> entries;
  const auto unknown = firewall_unknown_public_ips(m_, fw);
  for (const auto& [pip, address] : firewall_public_ips(m_, fw)) {
    if (std::find(unknown.begin(), unknown.end(), pip) != unknown.end()) continue;
    entries.push_back(At{pip, address, model::to_set(address), false, IpSet{}});
  }
  for (const int pip : unknown) {
    IpSet dst = unknown_public_ip_addresses(m_, fw, pip);
    IpSet assumed = m_.public_ips[pip].address ? dst.subtract(model::to_set(*m_.public_ips[pip].address)) : dst;
    entries.push_back(At{pip, model::IpAddress{}, std::move(dst), true, std::move(assumed)});
  }
  std::set<std::pair<int, int>> assumed;  // (public IP, rule position) already warned about
  for (const auto& match : dnat_matches(m_, fw, space_.internet())) {
    const auto& rule = rule_at(m_, fw, fw.order[match.position]);
    std::optional<model::IpConfigIndex> target_cfg;
    if (rule.translated_address) target_cfg = config_with_ip(*rule.translated_address);
    if (!rule.translated_address && rule.translated_unknown) {
      out_.findings.warning("dnat-target-unknown", rule.where,
                            fmt::format("firewall '{}': DNAT rule '{}' translates to an address only known at "
                                        "deployment: the firewall's own entry is reported, its target is unknown",
                                        fw.name, rule.name));
    } else if (!rule.translated_address) {
      out_.findings.warning("dnat-target-unknown", rule.where,
                            fmt::format("firewall '{}': DNAT rule '{}' translates to FQDN '{}', which is not resolved: "
                                        "only the firewall's own entry is reported",
                                        fw.name, rule.name, rule.translated_fqdn));
    } else if (!target_cfg && gateway_frontend_at(*rule.translated_address)) {
      // An application gateway's private frontend: its listeners carry the flow on (solver/gateways.cpp).
    } else if (!target_cfg && !internal_frontends_at(*rule.translated_address).empty()) {
      // An internal load balancer's frontend: its rules carry the flow on to their pools (below).
    } else if (!target_cfg) {
      out_.findings.warning(
          "dnat-target-unknown", rule.where,
          fmt::format("firewall '{}': DNAT rule '{}' translates to {}, which is no ip configuration in "
                      "the input: only the firewall's own entry is reported",
                      fw.name, rule.name, rule.translated_address->to_string()));
    }
    std::shared_ptr<const Broken> broken;
    std::optional<RouteChoice> reply;
    if (target_cfg) broken = dnat_path_breaks(fw, side, *target_cfg, reply);
    const auto balancers = rule.translated_address && !target_cfg ? internal_frontends_at(*rule.translated_address)
                                                                  : std::vector<std::pair<int, int>>{};
    for (const auto& [pip, address, dst, guessed, elsewhere] : entries) {
      // Only clients of the address's own IP version reach it.
      const model::IpFamily family = guessed ? m_.public_ips[pip].family : address.family();
      const PacketSet to_pip = match.packets.intersect(
          PacketSet(Cube{space_.internet(family), dst, model::kAllProtocols, PortSet::all(), PortSet::all()}));
      // The rule is assumed to take traffic to the public IP when it takes some at an address but its placeholder.
      const bool assumed_here =
          guessed && !match.packets
                          .intersect(PacketSet(Cube{space_.internet(family), elsewhere, model::kAllProtocols,
                                                    PortSet::all(), PortSet::all()}))
                          .empty();
      if (assumed_here && assumed.insert({pip, match.position}).second) {
        out_.findings.warning(
            "dnat-address-unknown", rule.where,
            fmt::format("firewall '{}': the address of public IP '{}' is only known at deployment: DNAT rule '{}', "
                        "whose destination is not one of the firewall's known public addresses, is assumed to "
                        "take traffic to it",
                        fw.name, m_.public_ips[pip].name, rule.name));
      }
      for (int p = 0; p < model::kProtocolCount; ++p) {
        const auto protocol = static_cast<Protocol>(p);
        for (auto& flows : split_by_ports(to_pip, protocol)) {
          Exposure e;
          e.target_kind = model::ResourceKind::kFirewall;
          e.target = f;
          e.public_ip = pip;
          if (pip < 0) e.entry_address = address;
          e.via = Via::kFirewallDnat;
          e.gateway = f;
          e.gateway_rule = match.position;
          e.protocol = protocol;
          e.ports = flows.ports;
          e.entry_ports = flows.ports;
          e.source_ports = flows.source_ports;
          e.sources = flows.sources;
          e.any_source = flows.sources == space_.internet(family);
          // The firewall's own entry (solver/path.h), its DNAT rule's note decided.
          PathEntry how;
          how.via = Via::kFirewallDnat;
          how.public_ip = pip;
          how.hub_address = pip < 0;
          how.assumed_address = assumed_here;
          how.gateway = f;
          how.gateway_rule = match.position;
          for (const Stage& s : entry_point_path(m_, model::ResourceKind::kFirewall, how)) {
            Hop h = hop_of(s);
            if (s.kind == HopKind::kFirewall) h.note = match.unresolved_source ? kUnresolvedSourceNote : "";
            e.path.edit().push_back(h);
          }
          if (scope_ == nullptr || scope_->firewall(f)) out_.exposures.push_back(e);
          for (const auto& [l, fe] : balancers) {
            dnat_through_balancer(f, fw, side, snat_set, match.position, rule, pip, address, assumed_here, protocol,
                                  flows, l, fe);
          }
          if (!target_cfg) continue;
          Entry entry = dnat_entry(pip, address, protocol);
          entry.assumed_address = assumed_here;
          if (rule.translated_port != 0) {
            entry.ports.add(rule.translated_port, rule.translated_port);
          } else {
            entry.ports = flows.ports;
          }
          entry.entry_ports = flows.ports;
          entry.gateway = f;
          entry.gateway_rule = match.position;
          entry.snat_sources = &snat_set;
          entry.client_sources = flows.sources;
          entry.return_route = reply;
          entry.broken = broken;
          target(target_cfg->nic, target_cfg->ip_configuration, entry);
        }
      }
    }
  }
}

}  // namespace analysis_internal
}  // namespace exposim::solver
