// Entry points that forward: what Bastion hosts and application gateways share. Their own subnet's NSG filters
// clients; which instance address a client reaches is not known, so an NSG rule's destination is matched against
// the whole subnet: an allow rule applies when its destination meets the subnet (or a frontend address), a deny rule
// only when it covers the subnet. Neither choice hides an exposure.
#include "solver/address_space.h"
#include "solver/analysis.h"
#include "solver/gateway_flows.h"
#include "solver/ports_and_sources.h"

#include <memory>
#include <optional>
#include <string>

#include "solver/firewall.h"
#include "solver/network.h"
#include "solver/nsg.h"

namespace exposim::solver {
namespace {

using model::Protocol;
using RK = model::ResourceKind;
using K = HopKind;

/// The NSG as it applies to an entry point somewhere in `subnet_space` (see the file comment): rules keep
/// their positions; a rule that does not apply gets a source matching nothing.
model::NetworkSecurityGroup entry_view(const model::NetworkSecurityGroup& nsg, const IpSet& subnet_space,
                                       const IpSet& frontends) {
  model::NetworkSecurityGroup view = nsg;
  for (auto& r : view.rules) {
    if (r.direction != model::Direction::kInbound) continue;
    if (rule_reaches_entry(r, subnet_space, frontends)) {
      r.destination = model::AddressMatch{};
      r.destination.any = true;
    } else {
      r.source = model::AddressMatch{};  // matches nothing
    }
  }
  return view;
}

/// The route hop of a broken flow's path: the route that breaks it, scope "forward" (the request's) or "return"
/// (the reply's).
Hop route_hop(const RouteChoice& r, const char* scope) {
  return Hop{K::kRoute, RK::kRouteTable,       r.user ? r.route_table : -1,
             scope,     r.user ? r.route : -1, r.user ? "" : r.system};
}

/// A route that delivers without crossing an appliance: the VNet's, a peering's, or a Virtual WAN hub's route to
/// another spoke without routing intent for private traffic (the hub's router forwards both ways).
bool direct(const RouteChoice& r) {
  if (r.next_hop == model::NextHopType::kVnetLocal || r.next_hop == model::NextHopType::kVnetPeering) return true;
  return r.next_hop == model::NextHopType::kVirtualNetworkGateway && r.hub >= 0 && !r.next_hop_ip &&
         r.prefix.length > 0;
}

/// A route to an appliance at a known address: a user route to VirtualAppliance, or a hub's route to its firewall.
bool to_appliance(const RouteChoice& r) {
  return r.next_hop_ip && (r.next_hop == model::NextHopType::kVirtualAppliance ||
                           (r.next_hop == model::NextHopType::kVirtualNetworkGateway && r.hub >= 0));
}

}  // namespace

namespace forwarding_internal {

using model::Protocol;
using RK = model::ResourceKind;
using K = HopKind;

std::vector<Admitted> admitted(const model::Model& m, const AddressSpace& space, const NsgSlot& slot, int subnet,
                               const IpSet& frontends, const IpSet& sources, const PortSet& ports) {
  if (sources.empty()) return {};
  if (slot.state != NsgSlot::State::kPresent) return {Admitted{-1, sources}};
  const PacketSet arriving(Cube{sources, IpSet::all(), model::bit(Protocol::kTcp), PortSet::all(), ports});
  std::vector<Admitted> out;
  for (auto& d : entry_nsg_decisions(m, space, slot, subnet, frontends, arriving, PastBudget::kAdmitAll)) {
    if (d.access != model::Access::kAllow) continue;
    IpSet s;
    for (const auto& f : split_by_ports(d.packets, Protocol::kTcp)) s = s.unite(f.sources);
    if (!s.empty()) out.push_back(Admitted{d.rule, std::move(s)});
  }
  return out;
}

Hop nsg_hop(const NsgSlot& slot, int rule, const char* scope, int subnet) {
  switch (slot.state) {
    case NsgSlot::State::kPresent: {
      const char* note = rule == kNsgOverApproximated ? kNsgOverApproximatedNote : "";
      return Hop{K::kNsg, RK::kNetworkSecurityGroup, slot.index, scope, rule, note};
    }
    case NsgSlot::State::kMissing:
      return Hop{K::kNsg, RK::kNetworkSecurityGroup, -1, scope, -1, "not in the input: assumed to admit everything"};
    case NsgSlot::State::kNone: break;
  }
  return Hop{K::kNoNsg, RK::kSubnet, subnet, scope, -1, ""};
}

Exposure own_exposure(RK kind, int index, int public_ip, const PortSet& ports, const Admitted& a, const IpSet& internet,
                      std::vector<Hop> path) {
  Exposure e;
  e.target_kind = kind;
  e.target = index;
  e.public_ip = public_ip;
  e.via = Via::kPublicIp;
  e.gateway = index;
  e.protocol = Protocol::kTcp;
  e.ports = ports;
  e.entry_ports = ports;
  e.source_ports = PortSet::all();
  e.sources = a.sources;
  e.any_source = a.sources == internet;
  e.path = std::move(path);
  return e;
}

/// Why a flow that entry point `entry` (of kind `entry_kind`) opens to ip configuration `x` (addressed as `to`, its
/// own private IP unless an internal load balancer's frontend) cannot work, null when it can: the VNets are not
/// connected, or the request and the reply do not take the same way (asymmetric routing), with the route that breaks
/// it. When both directions cross the same appliance the flow works and `appliance` is its address. `forward_routes`
/// false ignores the entry subnet's routes (Azure does not support user-defined routes on the AzureBastionSubnet).
Leg path_breaks(const model::Model& m, RK entry_kind, int entry, int from_vnet,
                const std::optional<model::IpAddress>& from_address, const model::IpConfigIndex& x,
                const std::optional<model::IpAddress>& to, bool forward_routes) {
  Leg leg;
  const auto& cfg = m.nics[x.nic].ip_configurations[x.ip_configuration];
  const int vnet = vnet_of(m, cfg.subnet);
  auto broken = [&](BrokenCode code) {
    auto b = std::make_shared<Broken>();
    b->code = code;
    b->entry_kind = entry_kind;
    b->entry = entry;
    b->target = x;
    b->from_vnet = from_vnet;
    b->to_vnet = vnet;
    b->from = from_address;
    return b;
  };
  if (from_vnet >= 0 && vnet >= 0) {
    if (!peering_connects(m, from_vnet, vnet) && model::hub_between(m, from_vnet, vnet) < 0) {
      leg.broken = broken(BrokenCode::kEntryCannotReach);
      return leg;
    }
  }
  if (!from_address || !cfg.subnet.resolved()) return leg;
  std::optional<RouteChoice> forward;
  const std::optional<model::IpAddress> destination = to ? to : cfg.private_ip;
  if (forward_routes && destination) {
    const int from_subnet = subnet_containing(m, *from_address);
    if (from_subnet >= 0) forward = choose_route(m, from_subnet, *destination);
  }
  const RouteChoice reply = choose_route(m, cfg.subnet.index, *from_address);
  const bool forward_direct = !forward || direct(*forward);
  if (direct(reply) && forward_direct) return leg;
  // Through the same appliance both ways (the entry's subnet routes the target to the next hop the target's
  // replies take) the connection is symmetric and works as far as routing goes; an Azure Firewall there then
  // filters it (the caller applies its rules).
  if (!forward_direct && to_appliance(*forward) && to_appliance(reply) && reply.next_hop_ip == forward->next_hop_ip) {
    leg.appliance = forward->next_hop_ip;
    return leg;
  }
  if (direct(reply)) {
    leg.route = route_hop(*forward, "forward");
    leg.choice = forward;
    auto b = broken(to_appliance(*forward) ? BrokenCode::kForwardAsymmetric : BrokenCode::kForwardLost);
    b->to = destination;
    b->route = *forward;
    leg.broken = std::move(b);
    return leg;
  }
  leg.route = route_hop(reply, "return");
  leg.choice = reply;
  auto b = broken(BrokenCode::kReplyAsymmetric);
  b->route = reply;
  leg.broken = std::move(b);
  return leg;
}

/// An address set as text, for memoisation keys.
std::string key_of(const IpSet& s) {
  std::string out;
  for (const auto& cidr : model::to_cidr_strings(s)) out += cidr + ' ';
  return out;
}

GatewayFlows Builder::run() {
  for (std::size_t b = 0; b < m_.bastion_hosts.size(); ++b) bastion(static_cast<int>(b));
  for (std::size_t g = 0; g < m_.application_gateways.size(); ++g) application_gateway(static_cast<int>(g));
  return std::move(out_);
}

void Builder::forward(const std::shared_ptr<const ForwardedEntry>& entry, const model::IpConfigIndex& x, Leg leg,
                      const std::optional<model::IpAddress>& to, int to_port) {
  const int fw = leg.appliance ? firewall_at(m_, *leg.appliance) : -1;
  if (fw < 0) {
    ForwardedFlow f;
    f.target = x;
    f.entry = entry;
    f.broken = std::move(leg.broken);
    f.reply = std::move(leg.route);
    out_.forwarded.push_back(std::move(f));
    return;
  }
  const auto& firewall = m_.firewalls[fw];
  if (firewall.policy.set() && !firewall.policy.resolved()) {
    // Its rules are unknown (the analysis warns `firewall-rules-unknown`): assumed to allow, never hiding a flow.
    auto through = std::make_shared<ForwardedEntry>(*entry);
    through->crossing_firewall = fw;
    through->front.push_back(Hop{K::kFirewall, RK::kFirewall, fw, "network", -1,
                                 "the firewall's policy is not in the input: assumed to allow"});
    out_.forwarded.push_back(ForwardedFlow{x, std::move(through), nullptr, std::nullopt});
    return;
  }
  const auto& cfg = m_.nics[x.nic].ip_configurations[x.ip_configuration];
  const std::optional<model::IpAddress> destination = to ? to : cfg.private_ip;
  if (!destination) return;  // an address not allocated: no route and no rule can be decided
  // Through a load balancer the firewall sees its frontend and port; the backend port then follows from the rule.
  const PortSet ports = to_port >= 0 ? single(static_cast<std::uint16_t>(to_port)) : entry->ports;
  const PacketSet arriving(
      Cube{entry->inner_sources, model::to_set(*destination), model::bit(Protocol::kTcp), PortSet::all(), ports});
  for (const auto& d : filter_through_firewall(m_, firewall, arriving)) {
    if (!d.allow) continue;
    const bool network = rule_at(m_, firewall, firewall.order[d.position]).kind == model::FirewallRuleKind::kNetwork;
    for (const auto& share : split_by_ports(d.packets, Protocol::kTcp)) {
      auto through = std::make_shared<ForwardedEntry>(*entry);
      through->crossing_firewall = fw;
      through->inner_sources = share.sources;
      through->inner_key = key_of(share.sources);
      if (to_port < 0) through->ports = share.ports;
      through->front.push_back(Hop{K::kFirewall, RK::kFirewall, fw, network ? "network" : "application", d.position,
                                   d.assumed ? kAssumedFqdnNote : ""});
      out_.forwarded.push_back(ForwardedFlow{x, std::move(through), nullptr, std::nullopt});
    }
  }
}

}  // namespace forwarding_internal

std::vector<RuleDecision> entry_nsg_decisions(const model::Model& m, const AddressSpace& space, const NsgSlot& slot,
                                              int subnet, const IpSet& frontends, const PacketSet& arriving,
                                              PastBudget past) {
  if (slot.state != NsgSlot::State::kPresent) return {};
  const auto view = entry_view(m.nsgs[slot.index], subnet_space(m, subnet), frontends);
  return evaluate_nsg(view, model::Direction::kInbound, arriving, Destination{std::nullopt, subnet, nullptr}, space,
                      nullptr, past);
}

IpSet subnet_space(const model::Model& m, int subnet) {
  return subnet >= 0 ? model::to_set(m.subnets[subnet].prefixes) : IpSet{};
}

std::optional<model::IpAddress> first_address(const model::Model& m, int subnet) {
  if (subnet < 0 || m.subnets[subnet].prefixes.empty()) return std::nullopt;
  return m.subnets[subnet].prefixes.front().address;
}

ForwardedLeg forwarded_leg(const model::Model& m, model::ResourceKind entry_kind, int entry, int from_vnet,
                           const std::optional<model::IpAddress>& from_address, const model::IpConfigIndex& x,
                           const std::optional<model::IpAddress>& to, bool forward_routes) {
  forwarding_internal::Leg leg =
      forwarding_internal::path_breaks(m, entry_kind, entry, from_vnet, from_address, x, to, forward_routes);
  return ForwardedLeg{std::move(leg.broken), std::move(leg.choice), leg.appliance};
}

GatewayFlows gateway_flows(const model::Model& m, const AddressSpace& space, model::Diagnostics& findings) {
  return forwarding_internal::Builder(m, space, findings).run();
}

}  // namespace exposim::solver
