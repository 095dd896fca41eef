// The words of reach's query (cli/reach_query_text.h).
#include "cli/reach_query_text.h"

#include <fmt/format.h>

#include "model/ascii.h"
#include "model/suggest.h"

namespace exposim::cli {

using solver::ReachErrorCode;
using solver::ReachOption;
using solver::ReachQueryError;
using RK = model::ResourceKind;

namespace {

const char* reach_option_name(ReachOption o) {
  switch (o) {
    case ReachOption::kFrom: return "--from";
    case ReachOption::kTo: return "--to";
    case ReachOption::kGateway: return "--gateway";
  }
  return "";
}

/// What the option accepts, as the unknown and empty errors say it.
const char* reach_accepted(ReachOption o) {
  switch (o) {
    case ReachOption::kFrom:
      return "a private IP address, an address prefix outside every virtual network (on-premises), the name or id "
             "of a network interface or virtual machine, subnet:NAME, subnet:VNET/NAME, vnet:NAME, or a subnet's or "
             "virtual network's id";
    case ReachOption::kTo:
      return "a private IP address, the name or id of a network interface, virtual machine, private endpoint or "
             "PaaS service, a PaaS service's host name, subnet:NAME, subnet:VNET/NAME, vnet:NAME, or a subnet's or "
             "virtual network's id";
    case ReachOption::kGateway: return "the name or id of a virtual network with a GatewaySubnet";
  }
  return "";
}

/// "vnet-front/web".
std::string reach_subnet_path(const model::Model& m, int s) {
  const auto& subnet = m.subnets[static_cast<std::size_t>(s)];
  if (!subnet.vnet.resolved()) return subnet.name;
  return m.vnets[static_cast<std::size_t>(subnet.vnet.index)].name + "/" + subnet.name;
}

/// "subnet:vnet-front/web" and "vnet:vnet-front", the forms that name them.
std::string reach_network_form(const model::Model& m, const solver::ReachCandidate& c) {
  if (c.kind == RK::kSubnet) return "subnet:" + reach_subnet_path(m, c.index);
  return "vnet:" + m.vnets[static_cast<std::size_t>(c.index)].name;
}

std::string reach_candidate_line(const model::Model& m, const solver::ReachCandidate& c) {
  const auto i = static_cast<std::size_t>(c.index);
  switch (c.kind) {
    case RK::kNetworkInterface: {
      const auto& nic = m.nics[i];
      if (c.child < 0) return fmt::format("{} (network interface '{}')", nic.id, nic.name);
      const auto& cfg = nic.ip_configurations[static_cast<std::size_t>(c.child)];
      std::string label = model::ip_configuration_id(nic, cfg);
      const int vm = nic.virtual_machine.index;
      label += vm >= 0 ? fmt::format(" (VM '{}', NIC '{}', ", m.vms[static_cast<std::size_t>(vm)].name, nic.name)
                       : fmt::format(" (NIC '{}', ", nic.name);
      return label + fmt::format("private {})", cfg.private_ip ? cfg.private_ip->to_string() : "unallocated");
    }
    case RK::kVirtualMachine: return fmt::format("{} (virtual machine '{}')", m.vms[i].id, m.vms[i].name);
    case RK::kPrivateEndpoint:
      return fmt::format("{} (private endpoint '{}')", m.private_endpoints[i].id, m.private_endpoints[i].name);
    case RK::kSubnet: return fmt::format("{} ({})", reach_network_form(m, c), m.subnets[i].id);
    case RK::kVirtualNetwork: return fmt::format("{} ({})", reach_network_form(m, c), m.vnets[i].id);
    default: break;
  }
  return "";
}

/// The "did you mean" of an unknown name: the `subnet:`/`vnet:` forms of the subnets and VNets of exactly that
/// name first, else the nearest names.
std::string reach_unknown_text(const model::Model& m, const ReachQueryError& e, std::string message) {
  std::vector<std::string> names = e.suggestions;
  if (!e.candidates.empty()) {
    names.clear();
    for (const auto& c : e.candidates) names.push_back(reach_network_form(m, c));
  }
  if (names.empty()) return message;
  // "did you mean 'a'?", "'a' or 'b'?", "'a', 'b' or 'c'?", as model::did_you_mean() words its own.
  message += "; did you mean ";
  for (std::size_t i = 0; i < names.size(); ++i) {
    if (i > 0) message += i + 1 == names.size() ? " or " : ", ";
    message += "'" + names[i] + "'";
  }
  return message + "?";
}

}  // namespace

std::string reach_error_text(const model::Model& m, const ReachQueryError& e) {
  const char* option = reach_option_name(e.option);
  const std::string& text = e.text;
  switch (e.code) {
    case ReachErrorCode::kEmpty:
      return fmt::format("{}: '{}' names nothing: expected {}", option, text, reach_accepted(e.option));
    case ReachErrorCode::kUnknown: {
      const bool subnet = text.size() >= 7 && model::ascii::iequals(std::string_view(text).substr(0, 7), "subnet:");
      const bool vnet = text.size() >= 5 && model::ascii::iequals(std::string_view(text).substr(0, 5), "vnet:");
      if (subnet)
        return reach_unknown_text(m, e, fmt::format("{}: no subnet '{}' in the inputs", option, text.substr(7)));
      if (vnet || e.option == ReachOption::kGateway) {
        return reach_unknown_text(
            m, e, fmt::format("{}: no virtual network '{}' in the inputs", option, vnet ? text.substr(5) : text));
      }
      return reach_unknown_text(
          m, e,
          fmt::format("{}: unknown {} '{}': expected {}", option, e.option == ReachOption::kTo ? "target" : "source",
                      text, reach_accepted(e.option)));
    }
    case ReachErrorCode::kAmbiguous:
      return fmt::format("{}: '{}' names {} resources; give one of them by its id{}", option, text, e.candidates.size(),
                         e.candidates.front().kind == RK::kSubnet ? ", or as subnet:VNET/NAME" : "");
    case ReachErrorCode::kAmbiguousAddress:
      return fmt::format(
          "{}: address {} is held by {} {}; give the one meant by its id", option, text, e.candidates.size(),
          e.option == ReachOption::kTo ? "ip configurations and private endpoints" : "ip configurations");
    case ReachErrorCode::kUnheldAddress:
      return fmt::format(
          "{}: no ip configuration holds {} in subnet '{}'; --from subnet:{} reaches from the whole subnet", option,
          text, reach_subnet_path(m, e.subnet), reach_subnet_path(m, e.subnet));
    case ReachErrorCode::kAddressOutsideSubnets:
      return fmt::format("{}: {} is in the address space of virtual network '{}' but in none of its subnets", option,
                         text, m.vnets[static_cast<std::size_t>(e.vnet)].name);
    case ReachErrorCode::kPrefixInVnet:
      return fmt::format(
          "{}: prefix {} overlaps the address space of virtual network '{}': an on-premises prefix lies outside every "
          "virtual network (subnet:NAME and vnet:NAME name sources inside one)",
          option, text, m.vnets[static_cast<std::size_t>(e.vnet)].name);
    case ReachErrorCode::kNoGatewaySubnet:
      return fmt::format(
          "{}: {} is outside every virtual network (on-premises), and no virtual network has a GatewaySubnet for it "
          "to arrive through",
          option, text);
    case ReachErrorCode::kSeveralGatewaySubnets:
      return fmt::format(
          "{}: {} is outside every virtual network (on-premises), and {} virtual networks have a GatewaySubnet it "
          "may arrive through; --gateway VNET chooses",
          option, text, e.candidates.size());
    case ReachErrorCode::kGatewayWithoutSubnet:
      return fmt::format("{}: virtual network '{}' has no GatewaySubnet", option,
                         m.vnets[static_cast<std::size_t>(e.vnet)].name);
    case ReachErrorCode::kGatewayNotApplicable:
      return fmt::format(
          "{} applies only to an on-premises --from (an address or prefix outside every virtual network)", option);
  }
  return "";
}

std::vector<std::string> reach_candidates_text(const model::Model& m, const ReachQueryError& e) {
  std::vector<std::string> out;
  if (e.code == ReachErrorCode::kUnknown) return out;  // its candidates are in the message's "did you mean"
  for (const auto& c : e.candidates) out.push_back(reach_candidate_line(m, c));
  return out;
}

std::string reach_source_text(const model::Model& m, const solver::ReachSource& s) {
  using K = solver::ReachSource::Kind;
  switch (s.kind) {
    case K::kIpConfiguration: {
      const auto& nic = m.nics[static_cast<std::size_t>(s.ip_configuration.nic)];
      const auto& cfg = nic.ip_configurations[static_cast<std::size_t>(s.ip_configuration.ip_configuration)];
      const int vm = nic.virtual_machine.index;
      const std::string& name = vm >= 0 ? m.vms[static_cast<std::size_t>(vm)].name : nic.name;
      return fmt::format("{} ({})", name, cfg.private_ip ? cfg.private_ip->to_string() : "unallocated");
    }
    case K::kSubnet: return "subnet " + reach_subnet_path(m, s.subnet);
    case K::kVirtualNetwork: return "vnet " + m.vnets[static_cast<std::size_t>(s.vnet)].name;
    case K::kPrefix: {
      std::string prefixes;
      for (const auto& p : model::to_cidr_strings(s.prefix)) prefixes += (prefixes.empty() ? "" : ",") + p;
      return fmt::format(
          "on-premises {} through {}", prefixes,
          s.subnet >= 0 ? reach_subnet_path(m, s.subnet) : m.vnets[static_cast<std::size_t>(s.vnet)].name);
    }
  }
  return "";
}

}  // namespace exposim::cli
