// Azure Firewall DNAT matching (docs/model.md#azure-firewall).
#include "solver/firewall.h"

#include <fmt/format.h>

namespace exposim::solver {

IpSet firewall_addresses(const model::Model& m, const model::FirewallAddresses& a, bool* unresolved) {
  if (a.any) return IpSet::all();
  IpSet out;
  bool guessed = !a.unresolved.empty();
  for (const auto& p : a.prefixes) out = out.unite(model::to_set(p));
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
  for (const auto& c : fw.ip_configurations) {
    if (side.subnet < 0 && c.subnet.resolved()) side.subnet = c.subnet.index;
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

std::string dnat_forward_blocks(const model::Model& m, const model::Firewall& fw, const FirewallSide& side,
                                const model::IpAddress& target, int target_subnet, RouteChoice& forward) {
  forward = choose_route(m, side.subnet, target);
  if (side.hub >= 0) {
    // The hub routes to the VNets connected to it (or to a hub of the same virtual WAN).
    const int vnet = target_subnet >= 0 ? m.subnets[target_subnet].vnet.index : -1;
    if (!model::reaches_through_hub(m, side.hub, vnet)) {
      return fmt::format(
          "firewall '{}' of virtual hub '{}' cannot reach {}: its virtual network is not connected to "
          "a hub of the virtual WAN",
          fw.name, m.virtual_hubs[side.hub].name, target.to_string());
    }
    if (!side.address) {
      return fmt::format(
          "firewall '{}' of virtual hub '{}': neither its private address nor the hub's prefix is in "
          "the input, so its path to the target is unknown",
          fw.name, m.virtual_hubs[side.hub].name);
    }
    forward = RouteChoice{};
    forward.next_hop = model::NextHopType::kVnetPeering;
    forward.system = "virtual-hub";
    forward.hub = side.hub;
    forward.hub_reason = "connected virtual network";
    forward.prefix = model::IpPrefix{target, target.family() == model::IpFamily::kV4 ? 32 : 128};
    return "";
  }
  if (!side.address) {
    return fmt::format("firewall '{}' has no subnet or private IP in the input: its path to the target is unknown",
                       fw.name);
  }
  const int fw_vnet = side.subnet >= 0 ? m.subnets[side.subnet].vnet.index : -1;
  const int vnet = target_subnet >= 0 ? m.subnets[target_subnet].vnet.index : -1;
  if (fw_vnet >= 0 && vnet >= 0) {
    const std::string why = peering_blocks(m, fw_vnet, vnet);
    if (!why.empty()) return fmt::format("firewall '{}' cannot reach {}: {}", fw.name, target.to_string(), why);
  }
  if (side.subnet >= 0 && forward.next_hop != model::NextHopType::kVnetLocal &&
      forward.next_hop != model::NextHopType::kVnetPeering) {
    return fmt::format("the firewall subnet sends {} by {}: the translated packet does not reach the target",
                       target.to_string(), describe(m, forward));
  }
  return "";
}

}  // namespace exposim::solver
