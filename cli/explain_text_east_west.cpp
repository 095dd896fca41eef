// The words of an east-west trace (solver/explain/east_west.cpp): the source inside the estate, the route each
// subnet chooses and where it leads, a firewall crossed by routing, an appliance's assumption and the reply's route.
// The NSG hops are written as the internet traces' (cli/explain_text.cpp), outbound rules naming both sides.
#include <string>

#include <fmt/format.h>

#include "cli/explain_text.h"
#include "cli/explain_words.h"
#include "cli/reach_report.h"
#include "solver/firewall.h"
#include "solver/words.h"

namespace exposim::cli::explain_words {

namespace {

using solver::EastWestLeg;
using solver::Reason;
using solver::ReasonCode;

std::string explain_ew_vnet_name(const model::Model& m, int v) {
  return v >= 0 ? fmt::format("VNet '{}'", m.vnets[static_cast<std::size_t>(v)].name) : "a VNet not in the input";
}

std::string explain_ew_subnet_name(const model::Model& m, int s) {
  return s >= 0 ? fmt::format("subnet '{}'", m.subnets[static_cast<std::size_t>(s)].name)
                : std::string("a subnet not in the input");
}

/// The source as the allowed verdict names it: "vm-web (10.1.2.4)", or "10.1.2.9 in subnet 'snet-web'".
std::string explain_ew_source_name(const model::Model& m, const Reason& r) {
  if (r.source.nic >= 0) return member_text(m, r.source);
  return fmt::format("{} in {}", r.flow.source.to_string(), explain_ew_subnet_name(m, r.subnet));
}

/// The source hop: which ip configuration (or subnet) holds the address the packet leaves from.
std::string explain_ew_source_text(const model::Model& m, const Reason& r) {
  const std::string address = r.flow.source.to_string();
  if (r.source.nic >= 0) {
    const auto& nic = m.nics[static_cast<std::size_t>(r.source.nic)];
    const auto& cfg = nic.ip_configurations[static_cast<std::size_t>(r.source.ip_configuration)];
    const int vm = nic.virtual_machine.index;
    const int subnet = cfg.subnet.index;
    return fmt::format(
        "{} is ip configuration '{}' of NIC '{}'{} in {} of {}: the packet leaves through its NIC's and "
        "subnet's outbound rules",
        address, cfg.name, nic.name, vm >= 0 ? fmt::format(" (VM '{}')", m.vms[static_cast<std::size_t>(vm)].name) : "",
        explain_ew_subnet_name(m, subnet), explain_ew_vnet_name(m, subnet >= 0 ? m.subnets[subnet].vnet.index : -1));
  }
  if (*r.note) {  // an on-premises address arriving through the gateway subnet
    return fmt::format(
        "{} arrives through {} of {}: {}", address, explain_ew_subnet_name(m, r.subnet),
        explain_ew_vnet_name(m, r.subnet >= 0 ? m.subnets[static_cast<std::size_t>(r.subnet)].vnet.index : -1), r.note);
  }
  return fmt::format(
      "{} is in {} of {}, held by no ip configuration in the input: the packet leaves through the subnet's outbound "
      "rules only",
      address, explain_ew_subnet_name(m, r.subnet),
      explain_ew_vnet_name(m, r.subnet >= 0 ? m.subnets[static_cast<std::size_t>(r.subnet)].vnet.index : -1));
}

/// Why two VNets are not connected, for a route that leaves the packet's VNet: "; virtual networks 'a' and 'b' are not
/// peered (peering is not transitive)"; empty when they are, or the same.
std::string explain_ew_peering_note(const model::Model& m, const Reason& r) {
  if (r.vnet < 0 || r.other_vnet < 0 || r.vnet == r.other_vnet) return "";
  const std::string why = solver::peering_text(m, solver::peering_gap(m, r.vnet, r.other_vnet, r.forwarded));
  return why.empty() ? "" : "; " + why;
}

std::string explain_ew_route_text(const model::Model& m, const Reason& r) {
  const std::string to = r.address ? r.address->to_string() : "";
  const std::string head = fmt::format("{} sends {} by {} (the longest prefix that holds it)",
                                       explain_ew_subnet_name(m, r.subnet), to, solver::route_text(m, r.route));
  const std::string next = r.route.next_hop_ip ? r.route.next_hop_ip->to_string() : "its next hop";
  switch (r.leg) {
    case EastWestLeg::kInVnet: return fmt::format("{}: within {}", head, explain_ew_vnet_name(m, r.vnet));
    case EastWestLeg::kPeered:
      return fmt::format("{}: {} is peered with {}{}", head, explain_ew_vnet_name(m, r.vnet),
                         explain_ew_vnet_name(m, r.other_vnet), r.forwarded ? ", which accepts forwarded traffic" : "");
    case EastWestLeg::kThroughHub:
      return fmt::format("{}: through virtual hub '{}' to {}", head,
                         m.virtual_hubs[static_cast<std::size_t>(r.route.hub)].name,
                         explain_ew_vnet_name(m, r.other_vnet));
    case EastWestLeg::kToFirewall:
      return fmt::format("{}: to firewall '{}'", head, m.firewalls[static_cast<std::size_t>(r.firewall)].name);
    case EastWestLeg::kToAppliance:
      return fmt::format("{}: to {}, a NIC with IP forwarding", head, entry_point_text(m, r.entry));
    case EastWestLeg::kUnknownDevice:
      return fmt::format("{}: to {}, which is not in the input: assumed to forward the packet to the target", head,
                         next);
    case EastWestLeg::kDropped:
      return fmt::format("{}: next hop None drops the packet{}", head, explain_ew_peering_note(m, r));
    case EastWestLeg::kToInternet:
      return fmt::format("{}: the packet leaves for the internet and never reaches the private address {}{}", head, to,
                         explain_ew_peering_note(m, r));
    case EastWestLeg::kNotConnected: {
      std::string why = r.vnet >= 0 && r.other_vnet >= 0 && r.vnet != r.other_vnet
                            ? solver::peering_text(m, solver::peering_gap(m, r.vnet, r.other_vnet, r.forwarded))
                            : std::string();
      if (why.empty()) why = *r.note ? r.note : "the virtual networks are not connected";
      return fmt::format("{}, but {}", head, why);
    }
    case EastWestLeg::kRoutingLoop:
      return fmt::format("{}: back to the device at {}, which sent it: a routing loop drops the packet", head, next);
    case EastWestLeg::kNoDevice: return fmt::format("{}, without a next hop address: the packet is lost", head);
    case EastWestLeg::kGateway:
      return fmt::format("{}: towards a virtual network gateway, which east-west flows do not follow", head);
    default: break;
  }
  return head;
}

/// The device the request crossed, as the reply's route names it: "firewall 'fw-hub'", "appliance 'nva-nic'", the
/// address of a next hop not in the input.
std::string explain_ew_device_text(const model::Model& m, const Reason& r) {
  if (r.firewall >= 0) return fmt::format("firewall '{}'", m.firewalls[static_cast<std::size_t>(r.firewall)].name);
  if (r.entry.index >= 0) return entry_point_text(m, r.entry);
  if (r.destination) return fmt::format("the next hop {}", r.destination->to_string());
  return "";
}

std::string explain_ew_return_text(const model::Model& m, const Reason& r) {
  const std::string head = fmt::format("the reply to {}{} takes {}", r.address ? r.address->to_string() : "",
                                       r.forwarded ? " (the firewall's own address: its application rule translated "
                                                     "the source)"
                                                   : "",
                                       solver::route_text(m, r.route));
  const std::string device = r.forwarded ? std::string() : explain_ew_device_text(m, r);
  const bool to_device = r.route.next_hop == model::NextHopType::kVirtualAppliance;
  const std::string next = r.route.next_hop_ip ? r.route.next_hop_ip->to_string() : "a next hop";
  switch (r.leg) {
    case EastWestLeg::kReturns:
      return device.empty() ? head + ": it returns the way the request came"
                            : fmt::format("{}: back through {}, which the request crossed", head, device);
    case EastWestLeg::kAsymmetric:
      if (!device.empty() && !to_device) {
        return fmt::format(
            "{}: asymmetric routing: the request crossed {} but the reply does not, so the connection fails", head,
            device);
      }
      if (device.empty()) {
        return fmt::format(
            "{}: asymmetric routing: the reply goes to {}, which the request did not cross, so the connection fails",
            head, next);
      }
      return fmt::format(
          "{}: asymmetric routing: the reply goes to {}, not to {} which the request crossed, so the connection fails",
          head, next, device);
    case EastWestLeg::kNotForwarded:
      return fmt::format("{}: back through {}, which the request crossed, but it cannot forward the reply: {}", head,
                         device, solver::peering_text(m, solver::peering_gap(m, r.vnet, r.other_vnet, true)));
    case EastWestLeg::kDropped: return head + ": next hop None drops the reply";
    case EastWestLeg::kToInternet: return head + ": the reply leaves for the internet and is lost";
    case EastWestLeg::kNoDevice: return head + ", without a next hop address: the reply is lost";
    case EastWestLeg::kGateway: return head + ": the reply heads for a virtual network gateway and does not return";
    default: break;
  }
  return head;
}

std::string explain_ew_firewall_text(const model::Model& m, const Reason& r) {
  const auto& fw = m.firewalls[static_cast<std::size_t>(r.firewall)];
  const std::string flow = flow_text(r.flow, r.address ? r.address->to_string() : "");
  if (r.rule < 0) {
    return fmt::format("no rule matched: default deny (no network or application rule of firewall '{}' takes {})",
                       fw.name, flow);
  }
  return fmt::format(
      "{} {} {}{}{}", firewall_rule_text(m, fw, fw.order[static_cast<std::size_t>(r.rule)]),
      r.passes ? "allows" : "denies", flow, r.assumed ? fmt::format(" ({})", solver::kAssumedFqdnNote) : "",
      r.sources.empty() ? ""
                        : fmt::format("; the source becomes the firewall's own address (SNAT, {})", cidrs(r.sources)));
}

std::string explain_ew_target_text(const model::Model& m, const Reason& r) {
  if (r.private_endpoint >= 0) {
    return fmt::format("private endpoint '{}' ({})",
                       m.private_endpoints[static_cast<std::size_t>(r.private_endpoint)].name,
                       r.address ? r.address->to_string() : "");
  }
  return ip_configuration_text(m, r.target);
}

/// A stage toward a PaaS public endpoint: reach()'s RULES words for it, and what it does to the packet.
std::string explain_ew_paas_text(const model::Model& m, const Reason& r) {
  const solver::Hop& h = r.hop;
  const std::string_view note = h.note;
  const char* verdict = r.passes ? "admits the packet" : "stops the packet";
  if (h.kind == solver::HopKind::kRoute && note == solver::kPaasNoRouteNote) {
    return "route: the subnet's routes carry nothing toward the service (a route to None, on-premises or within the "
           "virtual network): stops the packet";
  }
  std::string words = reach_hop_words(m, model::ResourceKind::kPaasService, r.paas_service, h);
  if (h.kind == solver::HopKind::kNsg && h.resource >= 0 && h.rule < 0) {
    words += " (no outbound rule matches)";
  } else if (h.kind == solver::HopKind::kFirewall && h.rule < 0) {
    words += " (no rule matches: default deny)";
  } else if (h.kind != solver::HopKind::kRoute && !note.empty()) {
    words += fmt::format(" ({})", note);
  }
  return fmt::format("{}: {}", words, verdict);
}

}  // namespace

std::string east_west_text(const model::Model& m, const Reason& r) {
  switch (r.code) {
    case ReasonCode::kEastWestSource: return explain_ew_source_text(m, r);
    case ReasonCode::kEastWestRoute: return explain_ew_route_text(m, r);
    case ReasonCode::kEastWestFirewall: return explain_ew_firewall_text(m, r);
    case ReasonCode::kEastWestAppliance: {
      const std::string flow = flow_text(r.flow, r.address ? r.address->to_string() : "");
      if (r.entry.index < 0) {
        return fmt::format("assumed: the next hop {}, which is not in the input, forwards {} unchanged to the target",
                           r.destination ? r.destination->to_string() : "", flow);
      }
      return fmt::format(
          "assumed: {} forwards {} unchanged, keeping the source address; its own filtering and address translation "
          "are unknown",
          entry_point_text(m, r.entry), flow);
    }
    case ReasonCode::kEastWestReturn: return explain_ew_return_text(m, r);
    case ReasonCode::kAllowedEastWest:
      return fmt::format("allowed: {} from {} reaches {}, and replies return",
                         flow_text(r.flow, r.address ? r.address->to_string() : ""), explain_ew_source_name(m, r),
                         explain_ew_target_text(m, r));
    case ReasonCode::kEastWestPaas: return explain_ew_paas_text(m, r);
    case ReasonCode::kAllowedEastWestPaas: {
      const auto& s = m.paas_services[static_cast<std::size_t>(r.paas_service)];
      const std::string& host = r.scm ? s.scm_host_name : s.host_name;
      return fmt::format("allowed: {} from {} reaches the {} of {} '{}'",
                         flow_text(r.flow, host.empty() ? s.name : host), explain_ew_source_name(m, r),
                         r.scm ? "SCM site" : "public endpoint", model::to_string(s.kind), s.name);
    }
    default: break;
  }
  return r.text;
}

}  // namespace exposim::cli::explain_words
