// Azure Bastion and application gateways (docs/model.md#azure-bastion, #application-gateways): their own public entry
// points, and the flows they forward from inside the estate to ip configurations, which the analysis then evaluates at
// the targets' NSGs.
#pragma once

#include <memory>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "model/diagnostic.h"
#include "model/model.h"
#include "solver/address_space.h"
#include "solver/exposure.h"
#include "solver/nsg_eval.h"
#include "solver/routing.h"

namespace exposim::solver {

/// What the flows through one entry point share (one per Bastion or listener route and admitting rule): the
/// target's NSGs see `inner_sources` (the entry point's subnet) on `ports`; the exposure is reported with the
/// internet `sources` that the entry point admits, and `front` (internet -> ... -> the Bastion or gateway hop)
/// heads its path.
struct ForwardedEntry {
  Via via{Via::kBastion};
  int gateway{-1};       // the Bastion host or application gateway
  int gateway_rule{-1};  // application gateways: the listener
  int public_ip{-1};
  IpSet inner_sources;
  std::string inner_key;  // `inner_sources` as text, for memoisation
  IpSet sources;
  bool any_source{false};
  model::PortSet ports;        // TCP ports at the target
  model::PortSet entry_ports;  // TCP ports the client connects to
  std::vector<Hop> front;
};

/// A flow that a Bastion host or an application gateway forwards to one ip configuration.
struct ForwardedFlow {
  model::IpConfigIndex target;
  std::shared_ptr<const ForwardedEntry> entry;  // shared: a Bastion reaches every NIC of its VNets
  /// Set when the flow passes the entry point but cannot work (the request or the target's reply takes a route
  /// that the other direction does not, or the VNets are not connected): why, in one line (Analysis::broken),
  /// and that route (scope "forward" or "return").
  std::string broken;
  std::optional<Hop> reply;
};

struct GatewayFlows {
  std::vector<Exposure> own;  // the entry points themselves: Bastion 443, application gateway listeners
  std::vector<ForwardedFlow> forwarded;
};

/// Every Bastion and application gateway entry of a validated model. Backends that cannot be matched to an ip
/// configuration (host names, unknown addresses) are reported in `findings` (`unresolved-backend`).
GatewayFlows gateway_flows(const model::Model& m, const AddressSpace& space, model::Diagnostics& findings);

/// The ports a Bastion session reaches on a target: 22 and 3389 (Developer, Basic), every TCP port (Standard
/// and Premium: custom inbound ports, native client, IP-based connection).
model::PortSet bastion_ports(const model::BastionHost& b);

// The pieces of gateway_flows() that explain() follows one packet through (one definition for both).

/// How an entry point's subnet NSG decides `arriving` (TCP to the entry point): which instance address a client
/// reaches is not known, so an allow rule applies when its destination meets the subnet (or one of the
/// `frontends` addresses), a deny rule only when it covers the subnet. Rules keep their positions. The
/// decisions partition `arriving`; empty when `slot` is not present (no NSG, or one not in the input: the
/// caller admits everything).
std::vector<RuleDecision> entry_nsg_decisions(const model::Model& m, const AddressSpace& space, const NsgSlot& slot,
                                              int subnet, const IpSet& frontends, const PacketSet& arriving);

/// The address space of a subnet (index, -1: empty), and its first address, standing for the instances of an
/// entry point in it (whose addresses are not known); nullopt for an unknown subnet or one without a prefix.
IpSet subnet_space(const model::Model& m, int subnet);
std::optional<model::IpAddress> first_address(const model::Model& m, int subnet);

/// The ip configuration of a Bastion host its clients enter through: the first with a public IP, else the
/// first; nullptr when it has none.
const model::BastionIpConfiguration* bastion_entry(const model::BastionHost& b);
/// The VNets whose ip configurations a Bastion host's sessions reach: its own (a Developer SKU's
/// `virtualNetwork`) and, except for Developer, every VNet peered with it both ways (routing.h,
/// peering_blocks). Empty when its VNet is not in the input.
std::set<int> bastion_vnets(const model::Model& m, const model::BastionHost& b);
/// The ip configurations a Bastion host's sessions reach: every IPv4 ip configuration in `vnets`.
std::vector<model::IpConfigIndex> ip_configurations_in(const model::Model& m, const std::set<int>& vnets);

/// The subnet of an application gateway: that of its first gateway ip configuration naming one.
model::Ref gateway_subnet(const model::ApplicationGateway& g);
/// The addresses of an application gateway's frontends, private and public.
IpSet gateway_frontend_addresses(const model::Model& m, const model::ApplicationGateway& g);

/// What one backend pool of application gateway `g` reaches: its NIC members and the ip configurations (in
/// VNets connected to `gateway_vnet`) whose private IP is one of its addresses, sorted, no repeats; the
/// internal load balancer frontends among its addresses as (load balancer, frontend); and the addresses that
/// match neither (as written).
struct PoolBackends {
  std::vector<model::IpConfigIndex> configs;
  std::vector<std::pair<int, int>> balancers;
  /// App Service sites in the input named by a backend host name (`fqdn`, or a host name in `ipAddress`): the
  /// site's default host name, or `<site>.azurewebsites.net` when the input gives none (indices into
  /// Model::paas_services, ascending, no repeats).
  std::vector<int> sites;
  std::vector<std::string> unresolved;
};
PoolBackends pool_backends(const model::Model& m, const model::ApplicationGateway& g, int pool, int gateway_vnet);
/// The App Service site whose host name is `host` (case-insensitive; its default host name, or
/// `<name>.azurewebsites.net` when the input gives none), or -1.
int site_named(const model::Model& m, std::string_view host);

/// A load-balancing rule of internal load balancer `l` that carries an application gateway's TCP connection to
/// frontend `frontend` on `port` on to its pools' members (a member of two pools once).
struct InternalLbLeg {
  int rule{-1};
  int frontend_port{-1};  // -1: HA ports
  std::uint16_t backend_port{0};
  std::vector<model::IpConfigIndex> members;
};
std::vector<InternalLbLeg> internal_lb_legs(const model::Model& m, int l, int frontend, std::uint16_t port);
/// Every load-balancing rule of `l` on `frontend` (a gateway whose backend port is only known at deployment).
std::vector<InternalLbLeg> internal_lb_legs_any(const model::Model& m, int l, int frontend);

/// How a flow that entry point `what` (in VNet `from_vnet`, its subnet represented by `from_address`) opens to ip
/// configuration `x` (addressed as `to`: its own private IP unless an internal load balancer's frontend) is routed,
/// as analyze decides it. `broken`: why it cannot work, empty when it can: the VNets are not connected (and no
/// Virtual WAN hub joins them), or the request and the reply do not take the same way (asymmetric routing);
/// `breaking` is the route that breaks it (the request's or the reply's). `appliance`: both directions cross the
/// appliance at this address (the flow works as far as routing goes; when it is an Azure Firewall, firewall_at,
/// its network and application rules then filter the flow: filter_through_firewall). `forward_routes` false
/// ignores the entry subnet's routes (Azure does not support user-defined routes on the AzureBastionSubnet).
struct ForwardedLeg {
  std::string broken;
  std::optional<RouteChoice> breaking;
  std::optional<model::IpAddress> appliance;
};
ForwardedLeg forwarded_leg(const model::Model& m, const std::string& what, int from_vnet,
                           const std::optional<model::IpAddress>& from_address, const model::IpConfigIndex& x,
                           const std::optional<model::IpAddress>& to, bool forward_routes);

}  // namespace exposim::solver
