// The sentences the solver's own messages quote (solver/words.h).
#include "solver/words.h"

#include <fmt/format.h>

namespace exposim::solver {

std::string route_text(const model::Model& m, const RouteChoice& r) {
  const std::string hop = r.next_hop_ip ? fmt::format("{} {}", model::to_string(r.next_hop), r.next_hop_ip->to_string())
                                        : std::string(model::to_string(r.next_hop));
  if (r.user) {
    const auto& rt = m.route_tables[r.route_table];
    return fmt::format("route '{}' ({} -> {}) of route table '{}'", rt.routes[r.route].name, r.prefix.to_string(), hop,
                       rt.name);
  }
  if (r.hub >= 0) {
    return fmt::format("route {} -> {} learned from virtual hub '{}' ({})", r.prefix.to_string(), hop,
                       m.virtual_hubs[r.hub].name, r.hub_reason);
  }
  return fmt::format("system route {} -> {}", r.prefix.to_string(), hop);
}

std::string peering_text(const model::Model& m, const PeeringGap& g) {
  // The peering the gap names.
  auto peering = [&]() -> const model::Peering& { return m.vnets[g.vnet].peerings[g.peering]; };
  switch (g.block) {
    case PeeringBlock::kNone: return "";
    case PeeringBlock::kNotInInput: return "the virtual network is not in the input";
    case PeeringBlock::kNotPeered:
      return fmt::format("virtual networks '{}' and '{}' are not peered (peering is not transitive)",
                         m.vnets[g.from].name, m.vnets[g.to].name);
    case PeeringBlock::kOneSided:
      return fmt::format("only '{}' has a peering to '{}': both sides must exist", m.vnets[g.vnet].name,
                         m.vnets[g.vnet == g.from ? g.to : g.from].name);
    case PeeringBlock::kNotConnected: return fmt::format("peering '{}' is not Connected", peering().name);
    case PeeringBlock::kNotForwarded:
      return fmt::format("peering '{}' of '{}' does not allow forwarded traffic (allowForwardedTraffic is false)",
                         peering().name, m.vnets[g.vnet].name);
  }
  return "";
}

std::string dnat_forward_text(const model::Model& m, const Broken& b) {
  const std::string& fw = m.firewalls[static_cast<std::size_t>(b.firewall)].name;
  const std::string to = b.to ? b.to->to_string() : "";
  switch (b.code) {
    case BrokenCode::kHubFirewallCannotReach:
      return fmt::format(
          "firewall '{}' of virtual hub '{}' cannot reach {}: its virtual network is not connected to "
          "a hub of the virtual WAN",
          fw, m.virtual_hubs[static_cast<std::size_t>(b.hub)].name, to);
    case BrokenCode::kHubFirewallUnplaced:
      return fmt::format(
          "firewall '{}' of virtual hub '{}': neither its private address nor the hub's prefix is in "
          "the input, so its path to the target is unknown",
          fw, m.virtual_hubs[static_cast<std::size_t>(b.hub)].name);
    case BrokenCode::kFirewallUnplaced:
      return fmt::format("firewall '{}' has no subnet or private IP in the input: its path to the target is unknown",
                         fw);
    case BrokenCode::kFirewallCannotReach:
      return fmt::format("firewall '{}' cannot reach {}: {}", fw, to,
                         peering_text(m, peering_gap(m, b.from_vnet, b.to_vnet)));
    case BrokenCode::kFirewallForwardLost:
      return fmt::format("the firewall subnet sends {} by {}: the translated packet does not reach the target", to,
                         route_text(m, b.route));
    default: break;
  }
  return "";
}

}  // namespace exposim::solver
