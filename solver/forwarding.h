// Entry points that forward (docs/model.md#azure-bastion, #application-gateways): a Bastion host or an application
// gateway is reached from the internet itself, and opens its own connections from inside the estate to ip
// configurations, which the analysis then evaluates at the targets' NSGs. What both families share, and explain()
// follows, lives here; the pass that builds their flows is solver/gateway_flows.h, each family's entries are in
// solver/bastion.cpp and solver/application_gateway.cpp.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "model/model.h"
#include "solver/broken.h"
#include "solver/hop.h"
#include "solver/nsg_stage.h"
#include "solver/packet_set.h"
#include "solver/route_choice.h"

namespace exposim::solver {

class AddressSpace;  // solver/address_space.h

/// What the flows through one entry point share (one per Bastion or listener route and admitting rule): the
/// target's NSGs see `inner_sources` (the entry point's subnet) on `ports`; the exposure is reported with the
/// internet `sources` that the entry point admits. Its path is its stages (solver/path.h: what the fields below
/// name), with `entry_nsg_rule` deciding the entry point's subnet NSG and `front` holding what forward() puts
/// between the entry point and the target (a firewall crossed both ways, decided).
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
  int entry_admin_rule{-1};    // application gateways: the deciding rule of the gateway's admin stage (-1: none)
  bool entry_skip_nsg{false};  // ... an AlwaysAllow rule there: the gateway subnet's NSG was not evaluated
  int entry_nsg_rule{-1};      // the deciding rule of its subnet's NSG (Bastion: on 443; -1: none)
  // Application gateways: the stages of the path (PathEntry) and what deciding them gave.
  int dnat_firewall{-1};      // a private frontend reached through this firewall's DNAT rule ...
  int dnat_rule{-1};          // ... at this position of its order
  const char* dnat_note{""};  // ... and the rule's note
  int routing_rule{-1};       // the request routing rule
  int routing_target{-1};     // ... and its (backend pool, settings) pair
  int backend_port{-1};       // the settings' port (-1: every port)
  int load_balancer{-1};      // an internal load balancer between the gateway and the backend
  int lb_rule{-1};            // ... its load-balancing rule
  int lb_frontend_port{-1};   // ... and its frontend port (-1: HA ports)
  int crossing_firewall{-1};  // an Azure Firewall crossed both ways (its decided hop is in `front`)
};

/// A flow that a Bastion host or an application gateway forwards to one ip configuration.
struct ForwardedFlow {
  model::IpConfigIndex target;
  std::shared_ptr<const ForwardedEntry> entry;  // shared: a Bastion reaches every NIC of its VNets
  /// Set when the flow passes the entry point but cannot work (the request or the target's reply takes a route
  /// that the other direction does not, or the VNets are not connected): why (Exposure::broken), and that route
  /// (scope "forward" or "return").
  std::shared_ptr<const Broken> broken;
  std::optional<Hop> reply;
};

// The pieces of gateway_flows() (solver/gateway_flows.h) that explain() follows one packet through, defined once.

/// How an entry point's subnet NSG decides `arriving` (TCP to the entry point): which instance address a client
/// reaches is not known, so an allow rule applies when its destination meets the subnet (or one of the
/// `frontends` addresses), a deny rule only when it covers the subnet. Rules keep their positions. The
/// decisions partition `arriving`; empty when `slot` is not present (no NSG, or one not in the input: the
/// caller admits everything).
/// `past`: what an NSG past its work budget does (analyze: PastBudget::kAdmitAll; explain, one packet: kThrow).
std::vector<RuleDecision> entry_nsg_decisions(const model::Model& m, const AddressSpace& space, const NsgSlot& slot,
                                              int subnet, const IpSet& frontends, const PacketSet& arriving,
                                              PastBudget past = PastBudget::kThrow);

/// The address space of a subnet (index, -1: empty), and its first address, standing for the instances of an
/// entry point in it (whose addresses are not known); nullopt for an unknown subnet or one without a prefix.
IpSet subnet_space(const model::Model& m, int subnet);
std::optional<model::IpAddress> first_address(const model::Model& m, int subnet);

/// How a flow that entry point `entry` of kind `entry_kind` (a Bastion host or an application gateway, in VNet
/// `from_vnet`, its subnet represented by `from_address`) opens to ip configuration `x` (addressed as `to`: its own
/// private IP unless an internal load balancer's frontend) is routed, as analyze decides it. `broken`: why it cannot
/// work, null when it can: the VNets are not connected (and no
/// Virtual WAN hub joins them), or the request and the reply do not take the same way (asymmetric routing);
/// `breaking` is the route that breaks it (the request's or the reply's). `appliance`: both directions cross the
/// appliance at this address (the flow works as far as routing goes; when it is an Azure Firewall, firewall_at,
/// its network and application rules then filter the flow: filter_through_firewall). `forward_routes` false
/// ignores the entry subnet's routes (Azure does not support user-defined routes on the AzureBastionSubnet).
struct ForwardedLeg {
  std::shared_ptr<const Broken> broken;
  std::optional<RouteChoice> breaking;
  std::optional<model::IpAddress> appliance;
};
ForwardedLeg forwarded_leg(const model::Model& m, model::ResourceKind entry_kind, int entry, int from_vnet,
                           const std::optional<model::IpAddress>& from_address, const model::IpConfigIndex& x,
                           const std::optional<model::IpAddress>& to, bool forward_routes);

namespace forwarding_internal {

// What the entries of Bastion hosts (solver/bastion.cpp) and application gateways (solver/application_gateway.cpp)
// share, private to the solver.

/// The port set {port}.
inline PortSet single(std::uint16_t port) {
  PortSet s;
  s.add(port, port);
  return s;
}

/// The VNet of the subnet `subnet` names, or -1.
inline int vnet_of(const model::Model& m, const model::Ref& subnet) {
  return subnet.resolved() ? m.subnets[subnet.index].vnet.index : -1;
}

/// The internet sources an entry point's subnet NSG admits on TCP `ports`, by deciding rule (-1: no NSG,
/// or an NSG referenced but absent from the input, assumed to admit everything).
struct Admitted {
  int rule{-1};
  IpSet sources;
};

std::vector<Admitted> admitted(const model::Model& m, const AddressSpace& space, const NsgSlot& slot, int subnet,
                               const IpSet& frontends, const IpSet& sources, const PortSet& ports);

/// The hop of an entry point's subnet NSG: the deciding rule, an NSG not in the input, or none.
Hop nsg_hop(const NsgSlot& slot, int rule, const char* scope, int subnet);

/// How a forwarded flow's request and reply are routed.
struct Leg {
  std::shared_ptr<const Broken> broken;       // why the flow cannot work (null: it can)
  std::optional<Hop> route;                   // the route that breaks it
  std::optional<RouteChoice> choice;          // ... as chosen (explain shows it)
  std::optional<model::IpAddress> appliance;  // both ways through the appliance (or firewall) at this address
};

/// Why a flow that entry point `entry` (of kind `entry_kind`) opens to ip configuration `x` cannot work
/// (forwarded_leg), with the route that breaks it as a hop.
Leg path_breaks(const model::Model& m, model::ResourceKind entry_kind, int entry, int from_vnet,
                const std::optional<model::IpAddress>& from_address, const model::IpConfigIndex& x,
                const std::optional<model::IpAddress>& to, bool forward_routes);

/// An address set as text, for memoisation keys.
std::string key_of(const IpSet& s);

}  // namespace forwarding_internal
}  // namespace exposim::solver
