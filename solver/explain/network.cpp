// explain()'s route hops: the route of the reply to an internet client, and the forward and return routes between an
// entry point (Bastion host, application gateway) and its target.
#include <algorithm>
#include <optional>
#include <set>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include <fmt/format.h>

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

/// `through`: what the replies must leave through ("the public IP", "the load balancer"); nullptr when the target
/// has no public IP at all (nothing it sends can answer an internet client).
TraceHop route_hop(const model::Model& m, int subnet, const IpAddress& client, const char* through) {
  TraceHop h;
  h.kind = HopKind::kRoute;
  h.resource_kind = model::ResourceKind::kSubnet;
  h.resource = subnet;
  const RouteChoice r = reply_route(m, subnet, client);
  h.next_hop = r.next_hop;
  const std::string to = client.to_string();
  if (r.user) {
    h.route_table = r.route_table;
    h.route = r.route;
    h.reason = fmt::format("the reply to {} takes {}", to, describe(m, r));
  } else if (r.hub >= 0) {
    h.reason =
        fmt::format("the reply to {} takes route {} -> {} learned from virtual hub '{}' ({})", to, r.prefix.to_string(),
                    model::to_string(r.next_hop), m.virtual_hubs[r.hub].name, r.hub_reason);
  } else {
    h.reason = fmt::format("the reply to {} takes the system default route ({} -> Internet)", to, r.prefix.to_string());
    if (subnet < 0) h.reason += " (the subnet is not in the input)";
  }
  h.passes = h.next_hop == model::NextHopType::kInternet;
  h.breaks = true;  // analyze reports such sources as broken (diverted replies)
  if (through == nullptr) {
    // No public IP: an internet client has no address to send to, and nothing the target sends is an answer.
    h.passes = false;
    h.reason += h.next_hop == model::NextHopType::kInternet
                    ? ", but the target has no public IP: what it sends to the internet leaves, if at all, through "
                      "outbound SNAT (a NAT gateway, a load balancer's outbound rule or default outbound access) from "
                      "another address, which answers no connection from the client"
                    : ": the reply does not even head for the internet, and the target has no public IP to answer from";
    return h;
  }
  h.reason += h.passes ? fmt::format(": replies leave through {} and reach the client", through)
                       : fmt::format(": replies do not leave through {}, so the client never gets an answer", through);
  return h;
}

/// The route hops between an entry point (`what`, in VNet `from_vnet`, its subnet `from_subnet`) and target `x`
/// (addressed as `to`: its private IP unless an internal load balancer's frontend): "forward" (the VNets connected;
/// the entry's route to the target, shown) goes before the NSG hops, "return" (the target's reply to the entry
/// point's subnet) after them. Decided by forwarded_leg, as analyze; `appliance` receives the address of the
/// appliance both directions cross (an Azure Firewall there filters the flow). `unreachable_breaks`: a stop at
/// "forward" makes the flow broken (application gateways) rather than denied; it also applies the entry subnet's
/// routes (the AzureBastionSubnet takes none).
std::pair<TraceHop, TraceHop> forwarded_route_hops(const model::Model& m, const std::string& what, int from_vnet,
                                                   int from_subnet, const model::IpConfigIndex& x,
                                                   bool unreachable_breaks, const std::optional<IpAddress>& to,
                                                   std::optional<IpAddress>* appliance) {
  const auto& cfg = m.nics[x.nic].ip_configurations[x.ip_configuration];
  const std::optional<IpAddress> from = first_address(m, from_subnet);
  ForwardedLeg leg = forwarded_leg(m, what, from_vnet, from, x, to, unreachable_breaks);
  const std::string& breaks = leg.broken;
  const std::optional<RouteChoice>& reply = leg.breaking;
  if (appliance != nullptr) *appliance = leg.appliance;
  const int vnet = vnet_of(m, cfg.subnet);
  // Not connected: not peered both ways, and no Virtual WAN hub joins the VNets (as forwarded_leg decides).
  std::string peering = from_vnet >= 0 && vnet >= 0 ? peering_blocks(m, from_vnet, vnet) : "";
  if (!peering.empty() && model::hub_between(m, from_vnet, vnet) >= 0) peering.clear();
  TraceHop forward;
  forward.kind = K::kRoute;
  forward.scope = "forward";
  forward.resource_kind = RK::kSubnet;
  forward.resource = from_subnet;
  forward.breaks = unreachable_breaks;
  forward.passes = peering.empty();
  const std::optional<IpAddress> address = to ? to : cfg.private_ip;
  const std::string to_text = address ? address->to_string() : "an unallocated address";
  if (!forward.passes) {
    forward.reason = breaks;
  } else if (from_subnet >= 0 && address) {
    const RouteChoice r = choose_route(m, from_subnet, *address);
    forward.next_hop = r.next_hop;
    if (r.user) {
      forward.route_table = r.route_table;
      forward.route = r.route;
    }
    forward.reason = fmt::format("{} reaches {} by {}", what, to_text, describe(m, r));
  } else {
    forward.next_hop = model::NextHopType::kVnetLocal;
    forward.reason = fmt::format("{} reaches {} in its VNet", what, to_text);
  }
  TraceHop back;
  back.kind = K::kRoute;
  back.scope = "return";
  back.resource_kind = RK::kSubnet;
  back.resource = cfg.subnet.index;
  back.breaks = true;
  back.passes = breaks.empty() || !peering.empty();
  if (!peering.empty()) {
    back.reason = "not evaluated: the VNets are not connected";
  } else if (!breaks.empty()) {
    back.next_hop = reply->next_hop;
    if (reply->user) {
      back.route_table = reply->route_table;
      back.route = reply->route;
    }
    back.reason = breaks;
  } else if (from && cfg.subnet.resolved()) {
    const RouteChoice r = choose_route(m, cfg.subnet.index, *from);
    back.next_hop = r.next_hop;
    if (r.user) {
      back.route_table = r.route_table;
      back.route = r.route;
    }
    back.reason = fmt::format("the reply to the subnet of {} ({}) takes {}: it returns the way the connection came",
                              what, from->to_string(), describe(m, r));
  } else {
    back.next_hop = model::NextHopType::kVnetLocal;
    back.reason = fmt::format("the reply returns to {} within the estate", what);
  }
  return {forward, back};
}

}  // namespace exposim::solver::explain_internal
