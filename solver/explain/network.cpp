// explain()'s route hops: the route of the reply to an internet client, and the forward and return routes between an
// entry point (Bastion host, application gateway) and its target. Data only: cli/explain_text.cpp writes the words.
#include <algorithm>
#include <optional>
#include <set>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include "solver/explain/internal.h"
#include "solver/forwarding.h"
#include "solver/network.h"

namespace exposim::solver::explain_internal {

using model::Access;
using model::Direction;
using model::IpAddress;
using model::Protocol;
using K = HopKind;
using RK = model::ResourceKind;

void take_route(TraceHop& h, const RouteChoice& r) {
  h.next_hop = r.next_hop;
  if (r.user) {
    h.route_table = r.route_table;
    h.route = r.route;
  }
}

/// `through`: what the replies must leave through; kNothing when the target has no public IP at all (nothing it
/// sends can answer an internet client).
TraceHop route_hop(const model::Model& m, int subnet, const IpAddress& client, RepliesThrough through) {
  TraceHop h;
  h.kind = HopKind::kRoute;
  h.resource_kind = model::ResourceKind::kSubnet;
  h.resource = subnet;
  const RouteChoice r = reply_route(m, subnet, client);
  take_route(h, r);
  h.why.code = ReasonCode::kReplyRoute;
  h.why.route = r;
  h.why.subnet = subnet;
  h.why.address = client;
  h.why.replies_through = through;
  // No public IP: an internet client has no address to send to, and nothing the target sends is an answer.
  h.passes = through != RepliesThrough::kNothing && h.next_hop == model::NextHopType::kInternet;
  h.breaks = true;  // analyze reports such sources as broken (diverted replies)
  return h;
}

/// The route hops between an entry point (`what`, in VNet `from_vnet`, its subnet `from_subnet`) and target `x`
/// (addressed as `to`: its private IP unless an internal load balancer's frontend): "forward" (the VNets connected;
/// the entry's route to the target, shown) goes before the NSG hops, "return" (the target's reply to the entry
/// point's subnet) after them. Decided by forwarded_leg, as analyze; `appliance` receives the address of the
/// appliance both directions cross (an Azure Firewall there filters the flow). `unreachable_breaks`: a stop at
/// "forward" makes the flow broken (application gateways) rather than denied; it also applies the entry subnet's
/// routes (the AzureBastionSubnet takes none).
std::pair<TraceHop, TraceHop> forwarded_route_hops(const model::Model& m, const EntryPoint& what, int from_vnet,
                                                   int from_subnet, const model::IpConfigIndex& x,
                                                   bool unreachable_breaks, const std::optional<IpAddress>& to,
                                                   std::optional<IpAddress>* appliance) {
  const auto& cfg = m.nics[x.nic].ip_configurations[x.ip_configuration];
  const std::optional<IpAddress> from = first_address(m, from_subnet);
  // forwarded_leg (solver/forwarding.cpp, shared with analyze) says why a leg does not work.
  ForwardedLeg leg = forwarded_leg(m, what.kind, what.index, from_vnet, from, x, to, unreachable_breaks);
  const std::shared_ptr<const Broken>& breaks = leg.broken;
  const std::optional<RouteChoice>& reply = leg.breaking;
  if (appliance != nullptr) *appliance = leg.appliance;
  const int vnet = vnet_of(m, cfg.subnet);
  // Not connected: not peered both ways, and no Virtual WAN hub joins the VNets (as forwarded_leg decides).
  const bool connected =
      from_vnet < 0 || vnet < 0 || peering_connects(m, from_vnet, vnet) || model::hub_between(m, from_vnet, vnet) >= 0;
  TraceHop forward;
  forward.kind = K::kRoute;
  forward.scope = "forward";
  forward.resource_kind = RK::kSubnet;
  forward.resource = from_subnet;
  forward.breaks = unreachable_breaks;
  forward.passes = connected;
  const std::optional<IpAddress> address = to ? to : cfg.private_ip;
  forward.why.entry = what;
  forward.why.address = address;
  if (!forward.passes) {
    forward.why.code = ReasonCode::kForwardedLeg;
    forward.why.broken = breaks;
  } else if (from_subnet >= 0 && address) {
    const RouteChoice r = choose_route(m, from_subnet, *address);
    take_route(forward, r);
    forward.why.code = ReasonCode::kForwardRoute;
    forward.why.route = r;
  } else {
    forward.next_hop = model::NextHopType::kVnetLocal;
    forward.why.code = ReasonCode::kForwardInVnet;
  }
  TraceHop back;
  back.kind = K::kRoute;
  back.scope = "return";
  back.resource_kind = RK::kSubnet;
  back.resource = cfg.subnet.index;
  back.breaks = true;
  back.passes = breaks == nullptr || !connected;
  back.why.entry = what;
  if (!connected) {
    back.why.code = ReasonCode::kReturnNotEvaluated;
  } else if (breaks) {
    take_route(back, *reply);
    back.why.code = ReasonCode::kForwardedLeg;
    back.why.broken = breaks;
  } else if (from && cfg.subnet.resolved()) {
    const RouteChoice r = choose_route(m, cfg.subnet.index, *from);
    take_route(back, r);
    back.why.code = ReasonCode::kReturnRoute;
    back.why.route = r;
    back.why.address = from;
  } else {
    back.next_hop = model::NextHopType::kVnetLocal;
    back.why.code = ReasonCode::kReturnInEstate;
  }
  return {forward, back};
}

}  // namespace exposim::solver::explain_internal
