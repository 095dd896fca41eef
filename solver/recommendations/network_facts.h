// What the network recommendations (solver/recommendations/network*.cpp) share: the exposures of each VM and NIC, the
// words for an exposure's entry, whether an ip configuration has an internet ingress path when filters are ignored,
// and whether a subnet's default route leads to an Azure Firewall. Internal to those files.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <vector>

#include "model/model.h"
#include "solver/route_choice.h"

namespace exposim::solver {
struct Analysis;  // solver/analysis.h
struct Exposure;
}  // namespace exposim::solver

namespace exposim::solver::recommendations {

/// A name in single quotes, as the network recommendations' messages write it: 'nsg-web'.
inline std::string quoted(const std::string& name) { return "'" + name + "'"; }

struct Context;

/// Facts computed once per evaluation from a validated model and its analysis.
class NetworkFacts {
 public:
  NetworkFacts(const model::Model& m, const Analysis& a);

  /// The NICs of VM `vm` (its `networkProfile`, and NICs naming it), in index order.
  const std::vector<int>& vm_nics(int vm) const { return vm_nics_[vm]; }
  /// The exposures (indices into Analysis::exposures) that reach an ip configuration of VM `vm` / NIC `nic` by any
  /// entry but a Bastion session (authenticated proxy hops are never exposure).
  const std::vector<std::size_t>& vm_exposures(int vm) const { return vm_exposures_[vm]; }
  const std::vector<std::size_t>& nic_exposures(int nic) const { return nic_exposures_[nic]; }
  /// VM `vm` is reached through a Bastion session.
  bool bastion_reaches(int vm) const { return vm_bastion_[vm]; }
  /// Why ip configuration `x` has an internet ingress path when every filter (NSG, firewall rule) is ignored,
  /// empty when it has none (ingress_reason()).
  const std::string& ingress(const model::IpConfigIndex& x) const;

 private:
  std::vector<std::vector<int>> vm_nics_;
  std::vector<std::vector<std::size_t>> vm_exposures_;
  std::vector<std::vector<std::size_t>> nic_exposures_;
  std::vector<bool> vm_bastion_;
  std::vector<std::vector<std::string>> ingress_;  // by NIC, then ip configuration
};

/// The structural internet ingress paths of every ip configuration, filters ignored: a public IP on it; a public
/// load balancer frontend whose load-balancing rule, inbound NAT rule or NAT pool leads to it (lb_targets); a
/// backend pool of an application gateway with a public frontend that lists it or its private address; an Azure
/// Firewall DNAT rule that translates to its private address. By NIC, then ip configuration: the first reason in
/// words ("public IP 'pip-web' (Basic SKU)"), empty when there is none. Appliances (a network virtual appliance that
/// forwards to it) are not structural: their exposures say so.
std::vector<std::vector<std::string>> ingress_reasons(const model::Model& m);

/// "TCP", "UDP", "ICMP", ...
std::string protocol_name(model::Protocol p);
/// How exposure `e` enters, in words: "public IP 'pip-web'", "load balancer 'lb-web' inbound NAT rule 'rdp-vm1'
/// (frontend port 50001)", "firewall 'fw' DNAT rule 'ssh' (public port 2222)", "application gateway 'ag' listener
/// 'http'", "network virtual appliance 'nva-nic'".
std::string describe_entry(const model::Model& m, const Exposure& e);
/// Who reaches it: "the internet", or the first source ranges ("81.2.69.0/24, ... (5 ranges)").
std::string describe_sources(const Exposure& e);
/// One line: "TCP 3389 reachable from the internet through load balancer 'lb-web' inbound NAT rule 'rdp-vm1'
/// (frontend port 50001)"; `ports` the ports concerned (the exposure's own when empty).
std::string describe_exposure(const model::Model& m, const Exposure& e, const model::PortSet& ports = {});
/// The NSG allow rules on the path of `e` that admit it: "rule 'allow-ssh' of NSG 'web-nsg'", one per NSG; an
/// NSG-free hop says "no NSG on the subnet".
std::vector<std::string> deciding_rules(const model::Model& m, const Exposure& e);
/// Joins at most `limit` lines with "; ", adding "and N more" when there are more.
std::string join_limited(const std::vector<std::string>& lines, std::size_t limit = 3);

/// The route subnet `subnet` takes to the internet (its effective 0.0.0.0/0: the route chosen for a public
/// address), and the Azure Firewall it leads to (-1: none): a user route to a firewall's private address in the
/// same VNet or a peered one, or a secured virtual hub's route to its firewall.
struct DefaultRoute {
  RouteChoice route;
  int firewall{-1};
  std::string text;  // route_text(route)
};
DefaultRoute default_route(const model::Model& m, int subnet);

/// `where`, or `fallback` (the resource's object) when `where` is not set: an importer that does not locate a property.
inline model::SourceLocation located(const model::SourceLocation& where, const model::SourceLocation& fallback) {
  return where == model::SourceLocation{} ? fallback : where;
}

/// Subnets that Azure reserves for its own services (GatewaySubnet, AzureFirewallSubnet,
/// AzureFirewallManagementSubnet, AzureBastionSubnet, RouteServerSubnet): exempt from the subnet recommendations.
bool reserved_subnet(const model::Subnet& s);

/// The VNet that holds exposure `e`'s entry public IP (-1: none or not in a VNet: a PaaS endpoint, a secured
/// hub's address): the NIC's for an instance public IP, the backends' for a load balancer frontend, the firewall's,
/// the application gateway's, the appliance's. `appgw`: the entry is an application gateway's public IP.
int entry_vnet(const model::Model& m, const Exposure& e, bool& appgw);

// The evaluations (network_exposure.cpp, network_posture.cpp).
void evaluate_management_ports(Context& ctx, const NetworkFacts& facts);  // EXP-NET-001, 002, 010
void evaluate_open_sources(Context& ctx, const NetworkFacts& facts);      // EXP-NET-005
void evaluate_nsg_presence(Context& ctx, const NetworkFacts& facts);      // EXP-NET-003, 004, 006
void evaluate_posture(Context& ctx, const NetworkFacts& facts);           // EXP-NET-007, 008, 009, 011, 012, 013, 014

}  // namespace exposim::solver::recommendations
