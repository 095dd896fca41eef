// The words of a broken flow: one sentence per solver::BrokenCode, from the indexes, addresses and route it carries.
#include "cli/broken_text.h"

#include <string>

#include <fmt/format.h>

#include "solver/firewall.h"
#include "solver/words.h"

namespace exposim::cli {
namespace {

/// The entry point that opens a forwarded flow: "Bastion 'b'", "application gateway 'agw'".
std::string broken_entry_point(const model::Model& m, const solver::Broken& b) {
  const auto i = static_cast<std::size_t>(b.entry);
  if (b.entry_kind == model::ResourceKind::kBastionHost) return fmt::format("Bastion '{}'", m.bastion_hosts[i].name);
  return fmt::format("application gateway '{}'", m.application_gateways[i].name);
}

std::string broken_address(const std::optional<model::IpAddress>& a) { return a ? a->to_string() : ""; }

/// What an east-west request crossed: "firewall 'fw'", "appliance 'nva-nic'", "no firewall or appliance".
std::string broken_crossing(const model::Model& m, const solver::Broken& b) {
  if (b.firewall >= 0) return fmt::format("firewall '{}'", m.firewalls[static_cast<std::size_t>(b.firewall)].name);
  if (b.appliance >= 0) return fmt::format("appliance '{}'", m.nics[static_cast<std::size_t>(b.appliance)].name);
  return "no firewall or appliance";
}

}  // namespace

std::string broken_text(const model::Model& m, const solver::Broken& b) {
  using C = solver::BrokenCode;
  using solver::route_text;
  switch (b.code) {
    case C::kEntryCannotReach:
      return fmt::format("{} cannot reach {}: {}", broken_entry_point(m, b),
                         m.nics[static_cast<std::size_t>(b.target.nic)].name,
                         solver::peering_text(m, solver::peering_gap(m, b.from_vnet, b.to_vnet)));
    case C::kForwardAsymmetric:
      return fmt::format(
          "asymmetric routing: requests from {} ({}) to {} take {}, but replies come straight back, "
          "so the connection fails",
          broken_entry_point(m, b), broken_address(b.from), broken_address(b.to), route_text(m, b.route));
    case C::kForwardLost:
      return fmt::format("requests from {} ({}) to {} take {} and do not reach it", broken_entry_point(m, b),
                         broken_address(b.from), broken_address(b.to), route_text(m, b.route));
    case C::kReplyAsymmetric:
      return fmt::format("asymmetric routing: replies to {} ({}) take {}, not the way the connection came, so it fails",
                         broken_entry_point(m, b), broken_address(b.from), route_text(m, b.route));
    case C::kRepliesDropped:
      return fmt::format("replies to these clients take {}: they are dropped, so the connection fails",
                         route_text(m, b.route));
    case C::kRepliesDiverted:
      return fmt::format("asymmetric routing: replies to these clients take {}, not {}, so the connection fails",
                         route_text(m, b.route),
                         b.via == solver::Via::kPublicIp ? "the public IP" : "the load balancer");
    case C::kApplianceCannotForward: {
      const auto& cfg = m.nics[static_cast<std::size_t>(b.target.nic)]
                            .ip_configurations[static_cast<std::size_t>(b.target.ip_configuration)];
      return fmt::format("appliance '{}' cannot forward to {}: {}", m.nics[static_cast<std::size_t>(b.appliance)].name,
                         cfg.private_ip ? cfg.private_ip->to_string() : cfg.name,
                         solver::peering_text(m, solver::peering_gap(m, b.from_vnet, b.to_vnet, b.forwarded)));
    }
    case C::kHubFirewallCannotReach:
    case C::kHubFirewallUnplaced:
    case C::kFirewallUnplaced:
    case C::kFirewallCannotReach:
    case C::kFirewallForwardLost:
      // Also a diagnostic's words (dnat-target-unreachable): written once, in solver/words.cpp.
      return solver::dnat_forward_text(m, b);
    case C::kFirewallReplyAsymmetric:
      return fmt::format(
          "asymmetric routing: replies to the firewall's address {} take {}, not the firewall instance "
          "directly, so the connection fails",
          broken_address(b.from), route_text(m, b.route));
    case C::kFirewallReplyLost:
      return fmt::format("replies to the firewall's address {} take {} and are lost", broken_address(b.from),
                         route_text(m, b.route));
    case C::kEastWestAsymmetric:
      return fmt::format(
          "asymmetric routing: requests from {} to {} cross {}, but replies take {}, so the connection fails",
          broken_address(b.from), broken_address(b.to), broken_crossing(m, b), route_text(m, b.route));
    case C::kEastWestReplyLost:
      return fmt::format("replies from {} to {} take {} and are lost", broken_address(b.to), broken_address(b.from),
                         route_text(m, b.route));
    case C::kEastWestReplyNotForwarded:
      return fmt::format("replies from {} to {} cross {} as the requests did, but it cannot forward them: {}",
                         broken_address(b.to), broken_address(b.from), broken_crossing(m, b),
                         solver::peering_text(m, solver::peering_gap(m, b.from_vnet, b.to_vnet, b.forwarded)));
  }
  return "";
}

}  // namespace exposim::cli
