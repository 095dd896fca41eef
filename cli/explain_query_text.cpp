// The words of explain about the query: other entries to the target, and the errors of a query that names nothing
// or several things.
#include "cli/explain_query_text.h"

#include <algorithm>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "cli/explain_text.h"
#include "model/suggest.h"
#include "solver/firewall.h"

namespace exposim::cli {

std::string other_entry_text(const model::Model& m, const solver::FlowQuery& q, const solver::OtherEntry& o) {
  using solver::Via;
  const std::string where = model::has_ports(q.protocol) ? fmt::format("{}:{}", o.target, o.port) : o.target;
  const auto g = static_cast<std::size_t>(o.gateway);
  switch (o.via) {
    case Via::kFirewallDnat: {
      const auto& fw = m.firewalls[g];
      std::string text =
          fmt::format("DNAT rule '{}' of firewall '{}' at {}",
                      solver::rule_at(m, fw, fw.order[static_cast<std::size_t>(o.gateway_rule)]).name, fw.name, where);
      if (o.load_balancer >= 0) {  // to an internal load balancer's frontend
        text += fmt::format(" through internal load balancer '{}'",
                            m.load_balancers[static_cast<std::size_t>(o.load_balancer)].name);
      }
      return text;
    }
    case Via::kLoadBalancer:
    case Via::kLoadBalancerNat:
      return fmt::format("{}load balancer '{}' at {}", o.via == Via::kLoadBalancerNat ? "an inbound NAT rule of " : "",
                         m.load_balancers[static_cast<std::size_t>(o.load_balancer)].name, where);
    case Via::kApplicationGateway:
      return fmt::format("listener '{}' of application gateway '{}' at {}",
                         m.application_gateways[g].listeners[static_cast<std::size_t>(o.gateway_rule)].name,
                         m.application_gateways[g].name, where);
    case Via::kBastion:
      return fmt::format("a session through Bastion '{}' at {}:443 (authenticated access)", m.bastion_hosts[g].name,
                         o.address.to_string());
    case Via::kAppliance:
      return fmt::format("network virtual appliance '{}' at {}, assumed to forward to {}", m.nics[g].name,
                         o.address.to_string(), where);
    case Via::kPublicIp:
    case Via::kPaasPublic: break;
  }
  return "";
}

namespace {

using solver::QueryCandidate;
using solver::QueryError;
using QE = solver::QueryErrorCode;

/// An ip configuration an ambiguous target fits: "<id> (VM 'vm', NIC 'nic', private 10.0.1.4, public 20.1.1.1)".
std::string query_ip_configuration_label(const model::Model& m, const QueryCandidate& c) {
  const auto& nic = m.nics[static_cast<std::size_t>(c.index)];
  const auto& cfg = nic.ip_configurations[static_cast<std::size_t>(c.child)];
  std::string label = model::ip_configuration_id(nic, cfg);
  const int vm = nic.virtual_machine.index;
  label += vm >= 0 ? fmt::format(" (VM '{}', NIC '{}', ", m.vms[static_cast<std::size_t>(vm)].name, nic.name)
                   : fmt::format(" (NIC '{}', ", nic.name);
  label += fmt::format("private {}", cfg.private_ip ? cfg.private_ip->to_string() : "unallocated");
  if (c.via_public && cfg.public_ip.resolved()) {
    const auto& pip = m.public_ips[static_cast<std::size_t>(cfg.public_ip.index)];
    label += fmt::format(", public {}", pip.address ? pip.address->to_string() : pip.name + " (unallocated)");
  }
  return label + ")";
}

/// A candidate by its id (a frontend's, a public IP's, ...), or a secured hub firewall's address.
std::string query_resource_label(const model::Model& m, const QueryCandidate& c) {
  const auto i = static_cast<std::size_t>(c.index);
  const auto child = static_cast<std::size_t>(c.child);
  switch (c.kind) {
    case model::ResourceKind::kLoadBalancer: return m.load_balancers[i].frontends[child].id;
    case model::ResourceKind::kApplicationGateway: return m.application_gateways[i].frontends[child].id;
    case model::ResourceKind::kPublicIp: return m.public_ips[i].id;
    case model::ResourceKind::kFirewall:
      return fmt::format("{} (firewall '{}')", c.address ? c.address->to_string() : "", m.firewalls[i].name);
    case model::ResourceKind::kBastionHost: return m.bastion_hosts[i].id;
    case model::ResourceKind::kPaasService: return m.paas_services[i].id;
    case model::ResourceKind::kPrivateEndpoint: return m.private_endpoints[i].id;
    default: break;
  }
  return "";
}

/// What kAmbiguousResources names, in the plural: "load balancer frontends", "Bastion hosts", ...
const char* query_resources_plural(model::ResourceKind kind) {
  switch (kind) {
    case model::ResourceKind::kLoadBalancer: return "load balancer frontends";
    case model::ResourceKind::kApplicationGateway: return "public application gateway frontends";
    case model::ResourceKind::kFirewall: return "firewall public IPs";
    case model::ResourceKind::kBastionHost: return "Bastion hosts";
    case model::ResourceKind::kPaasService: return "PaaS services";
    case model::ResourceKind::kPrivateEndpoint: return "private endpoints";
    default: break;
  }
  return "resources";
}

/// The packet of a load balancer's error: "tcp port 22", or the protocol alone.
std::string query_packet_text(const QueryError& e) {
  return model::has_ports(e.protocol) ? fmt::format("{} port {}", model::to_string(e.protocol), e.port)
                                      : std::string(model::to_string(e.protocol));
}

/// The pools of load-balancing rule `rule`: "pool 'a'", "pool 'a' and 'b'", "no backend pool".
std::string query_pools_text(const model::LoadBalancer& lb, const model::LbRule& rule) {
  std::vector<std::string> pools;
  for (const auto& pool : rule.backend_pools) {
    if (pool.child >= 0)
      pools.push_back(fmt::format("'{}'", lb.backend_pools[static_cast<std::size_t>(pool.child)].name));
  }
  std::string text = pools.empty() ? "no backend pool" : "pool " + pools.front();
  for (std::size_t i = 1; i < pools.size(); ++i) text += " and " + pools[i];
  return text;
}

std::string query_error_message(const model::Model& m, const QueryError& e) {
  const std::string& target = e.target;
  const std::string& backend = e.backend;
  switch (e.code) {
    case QE::kUnknownTarget:
      return fmt::format(
          "unknown target '{}': expected a public or private IP address, or the name or id of a "
          "public IP, network interface or virtual machine in the input",
          target);
    case QE::kUnknownSessionTarget:
      return fmt::format(
          "unknown target '{}': with --via bastion, expected the name or id of a network interface or "
          "virtual machine, or a private IP address, in the input",
          target);
    case QE::kPublicIpUnattached:
      return fmt::format("public IP '{}' is not attached to any ip configuration in the input",
                         m.public_ips[static_cast<std::size_t>(e.index)].name);
    case QE::kNoPublicFrontend:
      return fmt::format("application gateway '{}' has no public frontend: the internet does not reach it", target);
    case QE::kAmbiguousAddress:
      return fmt::format(
          "ambiguous target '{}': the address belongs to {} ip configurations (a private address "
          "used in two VNets, or a public IP referenced by two NICs); choose one with --backend "
          "(its VM or NIC name or id) or give its ip configuration id as the target",
          target, e.count);
    case QE::kAmbiguousName:
      return fmt::format(
          "ambiguous target '{}': it names {} ip configurations; choose one with --backend (its VM "
          "or NIC name or id, or its private IP) or give its ip configuration id as the target",
          target, e.count);
    case QE::kAmbiguousSessionAddress:
      return fmt::format(
          "ambiguous target '{}': the address belongs to {} ip configurations (a private address "
          "used in two VNets); give the ip configuration id of one as the target",
          target, e.count);
    case QE::kAmbiguousSessionName:
      return fmt::format(
          "ambiguous target '{}': it names {} ip configurations; give the private IP address or "
          "the ip configuration id of one as the target",
          target, e.count);
    case QE::kAmbiguousResources:
      return fmt::format("ambiguous target '{}': it names {} {}", target, e.count, query_resources_plural(e.kind));
    case QE::kBackendNotApplicable:
      switch (e.applies_to) {
        case solver::BackendAppliesTo::kLoadBalancer:
          return fmt::format("--backend '{}' applies only when the target is a load balancer frontend's public IP",
                             backend);
        case solver::BackendAppliesTo::kLoadBalancerOrGateway:
          return fmt::format(
              "--backend '{}' applies only when the target is a load balancer frontend's or an application "
              "gateway's public IP",
              backend);
        case solver::BackendAppliesTo::kLoadBalancerOrDnatToInternalLb:
          return fmt::format(
              "--backend '{}' applies only when the target is a load balancer frontend's public IP, or a firewall "
              "DNAT rule translates the packet to an internal load balancer's frontend",
              backend);
        case solver::BackendAppliesTo::kLoadBalancerGatewayOrAmbiguous:
          return fmt::format(
              "--backend '{}' applies only when the target is a load balancer frontend's public IP, an "
              "application gateway, or a target that fits several ip configurations",
              backend);
      }
      break;
    case QE::kBackendNamesNone:
      return fmt::format("--backend '{}' names none of the {} ip configurations that '{}' fits", backend, e.count,
                         target);
    case QE::kBackendFitsSeveral:
      return fmt::format(
          "--backend '{}' still fits {} of the ip configurations that '{}' fits: give an ip "
          "configuration id",
          backend, e.count, target);
    case QE::kBackendNotGatewayBackend: {
      const auto& g = m.application_gateways[static_cast<std::size_t>(e.index)];
      return fmt::format("--backend '{}' is not a backend of listener '{}' of application gateway '{}'", backend,
                         g.listeners[static_cast<std::size_t>(e.child)].name, g.name);
    }
    case QE::kBackendNatNone:
    case QE::kBackendNatOnly: {
      const auto& lb = m.load_balancers[static_cast<std::size_t>(e.index)];
      const auto rule = static_cast<std::size_t>(e.child);
      const std::string& name = e.nat_pool ? lb.nat_pools[rule].name : lb.nat_rules[rule].name;
      const char* what = e.nat_pool ? "pool" : "rule";
      if (e.code == QE::kBackendNatNone || e.candidates.empty()) {
        return fmt::format("--backend '{}': inbound NAT {} '{}' of '{}' forwards {} to no backend", backend, what, name,
                           lb.name, query_packet_text(e));
      }
      const auto& first = e.candidates.front();
      return fmt::format("--backend '{}': inbound NAT {} '{}' of '{}' forwards {} only to {}", backend, what, name,
                         lb.name, query_packet_text(e),
                         backend_member_text(m, model::IpConfigIndex{first.index, first.child}));
    }
    case QE::kBackendLbRuleNone: {
      const auto& lb = m.load_balancers[static_cast<std::size_t>(e.index)];
      return fmt::format("--backend '{}': load-balancing rule '{}' of '{}' has no backend", backend,
                         lb.rules[static_cast<std::size_t>(e.child)].name, lb.name);
    }
    case QE::kBackendNotMember: {
      const auto& lb = m.load_balancers[static_cast<std::size_t>(e.index)];
      const auto& rule = lb.rules[static_cast<std::size_t>(e.child)];
      return fmt::format("--backend '{}' is not a member of {} of load balancer '{}' (rule '{}')", backend,
                         query_pools_text(lb, rule), lb.name, rule.name);
    }
    case QE::kBastionUnknown:
      return fmt::format("--via bastion:{}: no Bastion host of that name, id or public IP in the input", e.via);
    case QE::kBastionSeveral: return fmt::format("--via bastion:{}: it names several Bastion hosts", e.via);
    case QE::kNoBastion: return "--via bastion: there is no Bastion host in the input";
    case QE::kBastionsReach:
      return fmt::format("--via bastion: {} Bastion hosts reach '{}'; choose one with --via bastion:NAME", e.count,
                         target);
    case QE::kApplianceUnknown:
      return fmt::format(
          "--via appliance:{}: no network virtual appliance (a NIC with IP forwarding and a public IP) of that NIC or "
          "VM name or id in the input",
          e.via);
    case QE::kApplianceSeveral:
      return fmt::format("--via appliance:{}: it names {} appliance ip configurations", e.via, e.count);
    case QE::kNoAppliance:
      return fmt::format(
          "--via appliance: no network virtual appliance is in front of '{}' (its subnet sends no internet-bound "
          "reply to an appliance's private IP){}",
          target, e.candidates.empty() ? "" : "; name one with --via appliance:NAME to see why");
    case QE::kAppliancesFront:
      return fmt::format("--via appliance: {} appliances are in front of '{}'; choose one with --via appliance:NAME",
                         e.count, target);
    case QE::kUnknownSource:
      return fmt::format(
          "unknown source '{}': expected an IP address, or the name or id of a network interface or virtual machine "
          "(or an ip configuration id) with a private address in the input",
          e.source);
    case QE::kAmbiguousSource:
      return fmt::format(
          "ambiguous source '{}': it stands for {} ip configurations; give the private IP address or the ip "
          "configuration id of one as --from",
          e.source, e.count);
    case QE::kEastWestTarget:
      return fmt::format(
          "target '{}' is not one an east-west flow from '{}' reaches: expected the private IP address, or the name "
          "or id, of a network interface, virtual machine or private endpoint, or a PaaS service by name, id or host "
          "name, in the input",
          target, e.source);
  }
  return "";
}

}  // namespace

std::string query_error_text(const model::Model& m, const solver::FlowTrace& t) {
  std::string message = query_error_message(m, t.error);
  if (t.status != solver::FlowTrace::Status::kUnknownTarget) return message;
  if (t.error.code == QE::kUnknownSource)
    return model::with_flow_target_suggestion(m, std::move(message), t.error.source, "");
  if (t.error.code == QE::kEastWestTarget) return message;
  return model::with_flow_target_suggestion(m, std::move(message), t.error.target, t.error.via);
}

std::vector<std::string> query_candidates_text(const model::Model& m, const solver::QueryError& e) {
  std::vector<std::string> out;
  bool sorted = true;
  for (const auto& c : e.candidates) {
    switch (e.code) {
      case QE::kAmbiguousAddress:
      case QE::kAmbiguousName:
      case QE::kAmbiguousSource:
        // an east-west target may be a private endpoint's address
        out.push_back(c.kind == model::ResourceKind::kPrivateEndpoint ? query_resource_label(m, c)
                                                                      : query_ip_configuration_label(m, c));
        break;
      case QE::kBackendNamesNone:
      case QE::kBackendFitsSeveral:
      case QE::kApplianceSeveral:
      case QE::kNoAppliance:
      case QE::kAppliancesFront: out.push_back(query_ip_configuration_label(m, c)); break;
      case QE::kAmbiguousSessionAddress:
      case QE::kAmbiguousSessionName: {
        const auto& nic = m.nics[static_cast<std::size_t>(c.index)];
        out.push_back(fmt::format(
            "{} ({})", model::ip_configuration_id(nic, nic.ip_configurations[static_cast<std::size_t>(c.child)]),
            backend_member_text(m, model::IpConfigIndex{c.index, c.child})));
        break;
      }
      case QE::kBackendNotGatewayBackend:
      case QE::kBackendNatOnly:
      case QE::kBackendNotMember:
        // the members in their documented order
        out.push_back(backend_member_text(m, model::IpConfigIndex{c.index, c.child}));
        sorted = false;
        break;
      case QE::kBastionSeveral:
        out.push_back(query_resource_label(m, c));
        sorted = false;
        break;
      default: out.push_back(query_resource_label(m, c)); break;
    }
  }
  if (sorted) std::sort(out.begin(), out.end());
  return out;
}

}  // namespace exposim::cli
