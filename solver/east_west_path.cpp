// The east-west path (solver/east_west.h): the one list of the stages a packet from a source inside the estate meets
// on its way to a target, which reach() evaluates over packet sets and explain decides for one packet.
#include "solver/east_west.h"

#include <algorithm>
#include <string_view>

#include "model/ascii.h"
#include "model/virtual_wan.h"
#include "solver/east_west_internal.h"
#include "solver/firewall.h"
#include "solver/network.h"
#include "solver/network_manager.h"
#include "solver/path.h"

namespace exposim::solver {

using K = HopKind;
using RK = model::ResourceKind;

namespace east_west_internal {

namespace {

Stage ew_stage(K kind, RK resource_kind, int resource, const char* scope = "", const char* note = "") {
  Stage s;
  s.kind = kind;
  s.resource_kind = resource_kind;
  s.resource = resource;
  s.scope = scope;
  s.note = note;
  return s;
}

int ew_vnet_of(const model::Model& m, int subnet) { return subnet >= 0 ? m.subnets[subnet].vnet.index : -1; }

/// The stage list's end when the route to the target does not deliver the packet: the route stage says why.
const char* ew_lost_note(model::NextHopType hop) {
  switch (hop) {
    case model::NextHopType::kNone: return "next hop None: the packet is dropped";
    case model::NextHopType::kInternet:
      return "next hop Internet: a private destination is not delivered to the internet";
    case model::NextHopType::kVirtualNetworkGateway:
      return "next hop VirtualNetworkGateway: the packet leaves for on-premises, not to the target";
    default: return "the route does not lead to the target's virtual network";
  }
}

}  // namespace

bool admin_exempt_subnet(const model::Model& m, int subnet) {
  if (subnet < 0) return false;
  const std::string_view name = m.subnets[subnet].name;
  for (const std::string_view reserved : {"GatewaySubnet", "AzureFirewallSubnet", "AzureFirewallManagementSubnet",
                                          "AzureBastionSubnet", "RouteServerSubnet"}) {
    if (model::ascii::iequals(name, reserved)) return true;
  }
  return false;
}

bool is_gateway_subnet(const model::Model& m, int subnet) {
  if (subnet < 0) return false;
  return model::ascii::iequals(m.subnets[subnet].name, "GatewaySubnet");
}

DeviceIndex::DeviceIndex(const model::Model& m) {
  std::vector<model::IpAddress> candidates;
  for (std::size_t f = 0; f < m.firewalls.size(); ++f) {
    for (const auto& c : m.firewalls[f].ip_configurations) {
      if (c.private_ip) candidates.push_back(*c.private_ip);
    }
    if (auto hub = model::hub_firewall_address(m, static_cast<int>(f))) candidates.push_back(*hub);
    if (auto side = firewall_side(m, m.firewalls[f]).address) candidates.push_back(*side);
  }
  for (const auto& nic : m.nics) {
    if (!nic.enable_ip_forwarding) continue;
    for (const auto& c : nic.ip_configurations) {
      if (c.private_ip) candidates.push_back(*c.private_ip);
    }
  }
  for (const auto& a : candidates) {
    if (at_.count(a.value) != 0) continue;
    const Device d = device_at(m, a);
    if (d.kind != Device::Kind::kUnknown) at_.emplace(a.value, d);
  }
}

const Device* DeviceIndex::find(const model::IpAddress& address) const {
  auto it = at_.find(address.value);
  return it != at_.end() ? &it->second : nullptr;
}

Device device_at(const model::Model& m, const model::IpAddress& address, const DeviceIndex* index) {
  if (index != nullptr) {
    if (const Device* d = index->find(address)) return *d;
    Device unknown;
    unknown.kind = Device::Kind::kUnknown;
    unknown.address = address.value;
    return unknown;
  }
  Device d;
  d.address = address.value;
  if (const int fw = firewall_at(m, address); fw >= 0) {
    d.kind = Device::Kind::kFirewall;
    d.index = fw;
    return d;
  }
  for (std::size_t f = 0; f < m.firewalls.size(); ++f) {  // a firewall without a private IP in the input: x.x.x.4
    const FirewallSide side = firewall_side(m, m.firewalls[f]);
    if (side.hub < 0 && side.address && *side.address == address) {
      d.kind = Device::Kind::kFirewall;
      d.index = static_cast<int>(f);
      return d;
    }
  }
  for (std::size_t n = 0; n < m.nics.size(); ++n) {
    const auto& nic = m.nics[n];
    if (!nic.enable_ip_forwarding) continue;
    for (std::size_t c = 0; c < nic.ip_configurations.size(); ++c) {
      if (nic.ip_configurations[c].private_ip == address) {
        d.kind = Device::Kind::kAppliance;
        d.index = static_cast<int>(n);
        d.subnet = nic.ip_configurations[c].subnet.index;
        return d;
      }
    }
  }
  d.kind = Device::Kind::kUnknown;
  return d;
}

bool hub_transit(const RouteChoice& r) {
  return r.hub >= 0 && r.next_hop == model::NextHopType::kVirtualNetworkGateway && r.prefix.length > 0;
}

Device device_of(const model::Model& m, const RouteChoice& r, const DeviceIndex* index) {
  Device d;
  if (hub_transit(r)) {  // the hub's firewall (routing intent for private traffic), else its router: no device
    if (r.next_hop_ip) return device_at(m, *r.next_hop_ip, index);
    d.kind = Device::Kind::kNone;
    return d;
  }
  switch (r.next_hop) {
    case model::NextHopType::kVnetLocal:
    case model::NextHopType::kVnetPeering: d.kind = Device::Kind::kNone; return d;
    case model::NextHopType::kVirtualAppliance:
      if (r.next_hop_ip) return device_at(m, *r.next_hop_ip, index);
      d.kind = Device::Kind::kLost;
      return d;
    default: d.kind = Device::Kind::kLost; return d;
  }
}

RouteChoice forward_route(const model::Model& m, int subnet, const model::IpAddress& to, int endpoint) {
  RouteChoice r = choose_route(m, subnet, to);
  if (endpoint < 0 || subnet < 0) return r;
  const int host = to.family() == model::IpFamily::kV4 ? 32 : 128;
  if (r.prefix.length >= host) return r;  // a host route of its own (a user route wins at equal length)
  const int pe_subnet = m.private_endpoints[endpoint].subnet.index;
  const int pe_vnet = ew_vnet_of(m, pe_subnet);
  const int vnet = ew_vnet_of(m, subnet);
  if (pe_vnet < 0 || vnet < 0) return r;
  if (vnet != pe_vnet) {  // the /32 route reaches the peered VNets
    const model::Peering* there = find_peering(m, vnet, pe_vnet);
    const model::Peering* back = find_peering(m, pe_vnet, vnet);
    if (there == nullptr || back == nullptr || !there->connected || !back->connected) return r;
  }
  const auto policy = m.subnets[pe_subnet].private_endpoint_policies;
  if (r.user &&
      (policy == model::PrivateEndpointPolicy::kEnabled || policy == model::PrivateEndpointPolicy::kRouteTableOnly)) {
    int space = -1;  // the endpoint VNet's prefix holding it
    for (const auto& p : m.vnets[pe_vnet].address_space) {
      if (p.contains(to)) space = std::max(space, p.length);
    }
    if (space >= 0 && r.prefix.length >= space) return r;
  }
  RouteChoice pe;
  pe.next_hop = vnet == pe_vnet ? model::NextHopType::kVnetLocal : model::NextHopType::kVnetPeering;
  pe.system = "private-endpoint";
  pe.prefix = model::IpPrefix{to, host};
  pe.peer_vnet = vnet == pe_vnet ? -1 : pe_vnet;
  return pe;
}

bool reply_not_forwarded(const model::Model& m, const Device& request, int source_vnet, const model::IpAddress& target,
                         int& device_vnet) {
  device_vnet = -1;
  int subnet = -1;
  if (request.kind == Device::Kind::kFirewall) subnet = firewall_side(m, m.firewalls[request.index]).subnet;
  if (request.kind == Device::Kind::kAppliance) subnet = request.subnet;
  device_vnet = ew_vnet_of(m, subnet);
  if (device_vnet < 0 || source_vnet < 0 || device_vnet == source_vnet) return false;
  for (const auto& p : m.vnets[device_vnet].address_space) {
    if (p.contains(target)) return false;  // the reply comes from the device's own VNet: not forwarded traffic
  }
  return !peering_connects(m, device_vnet, source_vnet, true);
}

bool endpoint_user_routes(const model::Model& m, int endpoint) {
  if (endpoint < 0) return true;
  const int subnet = m.private_endpoints[endpoint].subnet.index;
  if (subnet < 0) return true;
  const auto policy = m.subnets[subnet].private_endpoint_policies;
  return policy == model::PrivateEndpointPolicy::kEnabled || policy == model::PrivateEndpointPolicy::kRouteTableOnly;
}

std::array<Stage, 2> target_nsg_stages(const model::Model& m, const EastWestEnds& ends, int& subnet) {
  if (ends.x.nic >= 0) {
    const auto nsgs = inbound_nsg_stages(m, ends.x);
    subnet = m.nics[ends.x.nic].ip_configurations[ends.x.ip_configuration].subnet.index;
    return {nsg_stage(nsgs[0].slot, nsgs[0].scope, nsgs[0].owner_kind, nsgs[0].owner, ""),
            nsg_stage(nsgs[1].slot, nsgs[1].scope, nsgs[1].owner_kind, nsgs[1].owner, "")};
  }
  // A private endpoint: its subnet's NSG only where the subnet's privateEndpointNetworkPolicies say so; no NIC NSG.
  const auto& pe = m.private_endpoints[ends.endpoint];
  subnet = pe.subnet.index;
  Stage subnet_stage;
  const auto policy =
      subnet >= 0 ? m.subnets[subnet].private_endpoint_policies : model::PrivateEndpointPolicy::kEnabled;
  if (policy == model::PrivateEndpointPolicy::kEnabled || policy == model::PrivateEndpointPolicy::kNsgOnly) {
    subnet_stage = nsg_stage(subnet_nsg_slot(m, pe.subnet), "subnet", RK::kSubnet, subnet, "");
  } else {
    subnet_stage = nsg_stage(NsgSlot{}, "subnet", RK::kSubnet, subnet, kEndpointPoliciesOffNote);
  }
  return {subnet_stage, nsg_stage(NsgSlot{}, "nic", RK::kPrivateEndpoint, ends.endpoint, kEndpointNoNicNsgNote)};
}

}  // namespace east_west_internal

std::vector<Stage> east_west_path(const model::Model& m, const EastWestEnds& ends) {
  return east_west_internal::east_west_stages(m, ends, nullptr);
}

std::vector<Stage> east_west_internal::east_west_stages(const model::Model& m, const EastWestEnds& ends,
                                                        const DeviceIndex* index) {
  std::vector<Stage> path;
  path.reserve(12);
  const bool from_nic = ends.from.nic >= 0;
  const int from_subnet =
      from_nic ? m.nics[ends.from.nic].ip_configurations[ends.from.ip_configuration].subnet.index : ends.from_subnet;
  const int from_vnet = ew_vnet_of(m, from_subnet);
  // The source and its outbound NSGs: the NIC's, then the subnet's. An on-premises address arriving through the
  // gateway subnet meets none (NSGs are not supported on the GatewaySubnet).
  if (from_nic) {
    path.push_back(ew_stage(K::kSource, RK::kNetworkInterface, ends.from.nic));
  } else {
    path.push_back(ew_stage(K::kSource, RK::kSubnet, from_subnet));
  }
  if (!from_nic && is_gateway_subnet(m, from_subnet)) {
    path.back().note = kGatewaySourceNote;
  } else {
    // The source VNet's outbound security admin rules, before its outbound NSGs (not on the subnets Azure exempts).
    if (const int vnet = admin_rules_outbound_vnet(m, from_subnet); vnet >= 0 && !admin_exempt_subnet(m, from_subnet)) {
      path.push_back(ew_stage(K::kAdminRule, RK::kVirtualNetwork, vnet, "outbound"));
    }
    for (const NsgStage& n : outbound_nsg_stages(m, ends.from, from_subnet)) {
      path.push_back(nsg_stage(n.slot, n.scope, n.owner_kind, n.owner, ""));
    }
  }
  int to_subnet = -1;
  const auto target_nsgs = target_nsg_stages(m, ends, to_subnet);
  const int to_vnet = ew_vnet_of(m, to_subnet);

  // The source subnet's route to the target.
  path.push_back(ew_stage(K::kRoute, RK::kSubnet, from_subnet, "forward"));
  const RouteChoice first = forward_route(m, from_subnet, ends.to, ends.endpoint);
  int leg_vnet = from_vnet;  // where the packet is when the last route delivers it
  bool forwarded = false;
  RouteChoice last = first;
  bool through_hub = false;
  if (hub_transit(first)) {
    // Virtual WAN: the hub carries the packet to the VNets connected to it or to another hub of its WAN; with routing
    // intent for private traffic, through the hub's firewall first (docs/model.md, "Virtual WAN").
    const std::size_t route_at = path.size() - 1;
    if (first.next_hop_ip) {
      const Device d = device_at(m, *first.next_hop_ip, index);
      if (d.kind == Device::Kind::kFirewall) {
        path.push_back(ew_stage(K::kFirewall, RK::kFirewall, d.index));
      } else {
        path.push_back(ew_stage(K::kAppliance, RK::kNetworkInterface, -1, "", kUnknownApplianceNote));
      }
    }
    if (to_vnet < 0 || !model::reaches_through_hub(m, first.hub, to_vnet)) {
      path.resize(route_at + 1);
      path.back().note = kHubNotConnectedNote;
      return path;
    }
    through_hub = true;
  } else if (first.next_hop == model::NextHopType::kVirtualAppliance) {
    const Device d = first.next_hop_ip ? device_at(m, *first.next_hop_ip, index) : Device{};
    int device_subnet = -1;
    int device_hub = -1;
    if (d.kind == Device::Kind::kFirewall) {
      const FirewallSide side = firewall_side(m, m.firewalls[d.index]);
      device_subnet = side.subnet;
      device_hub = side.hub;
      path.push_back(ew_stage(K::kFirewall, RK::kFirewall, d.index));
    } else if (d.kind == Device::Kind::kAppliance) {
      device_subnet = d.subnet;
      path.push_back(ew_stage(K::kAppliance, RK::kNetworkInterface, d.index, "", kApplianceForwardsNote));
    } else {
      // A next hop exposim does not know (not in the input): assumed to deliver to the target, which never hides
      // a flow.
      path.push_back(ew_stage(K::kAppliance, RK::kNetworkInterface, -1, "", kUnknownApplianceNote));
      device_subnet = -2;
    }
    if (device_hub >= 0) {
      // A secured hub's firewall named by a user route: the hub delivers to the VNets connected to it (or to another
      // hub of its WAN), as for routing intent.
      if (to_vnet < 0 || !model::reaches_through_hub(m, device_hub, to_vnet) ||
          !model::reaches_through_hub(m, device_hub, from_vnet)) {
        path.pop_back();
        path.back().note = kHubNotConnectedNote;
        return path;
      }
      through_hub = true;
    } else if (device_subnet >= -1) {
      // The source's VNet must reach the device's; then the device's subnet routes the packet on, which keeps its
      // source: a peering it crosses must accept forwarded traffic.
      const int device_vnet = ew_vnet_of(m, device_subnet);
      if (!peering_connects(m, from_vnet, device_vnet)) {
        path[path.size() - 2].note = kDeviceUnreachableNote;
        path.pop_back();
        return path;
      }
      path.push_back(ew_stage(K::kRoute, RK::kSubnet, device_subnet, "forward"));
      last = forward_route(m, device_subnet, ends.to, ends.endpoint);
      leg_vnet = device_vnet;
      forwarded = from_vnet != device_vnet || is_gateway_subnet(m, from_subnet);
      if (last.next_hop == model::NextHopType::kVirtualAppliance && last.next_hop_ip) {
        // The device's subnet sends the packet to a second device: an Azure Firewall's rules apply, an appliance is
        // assumed to forward; then the packet is assumed to reach the target (the second device's own route is not
        // followed), so that a chain never hides a flow. A device that sends the packet back to itself loops.
        const Device next = device_at(m, *last.next_hop_ip, index);
        if (!next.same(d)) {
          if (next.kind == Device::Kind::kFirewall) {
            path.push_back(ew_stage(K::kFirewall, RK::kFirewall, next.index, "", kChainedApplianceNote));
          } else {
            path.push_back(ew_stage(K::kAppliance, RK::kNetworkInterface,
                                    next.kind == Device::Kind::kAppliance ? next.index : -1, "",
                                    kChainedApplianceNote));
          }
          last.next_hop = model::NextHopType::kVnetLocal;
          leg_vnet = to_vnet;
        }
      }
    } else {
      last.next_hop = model::NextHopType::kVnetLocal;  // assumed delivered
      leg_vnet = to_vnet;
    }
  }
  const bool delivers =
      through_hub || (last.next_hop == model::NextHopType::kVnetLocal
                          ? leg_vnet == to_vnet
                          : last.next_hop == model::NextHopType::kVnetPeering && last.peer_vnet == to_vnet &&
                                peering_connects(m, leg_vnet, to_vnet, forwarded));
  if (!delivers) {
    Stage& route = path.back();
    route.note = last.next_hop == model::NextHopType::kVnetLocal || last.next_hop == model::NextHopType::kVnetPeering
                     ? kNotConnectedNote
                 : last.next_hop == model::NextHopType::kVirtualAppliance && last.next_hop_ip
                     ? kRoutingLoopNote
                     : ew_lost_note(last.next_hop);
    return path;
  }
  // The target's VNet's security admin rules, then its NSGs (subnet, NIC), the reply's route and the target.
  if (const int vnet = admin_rules_vnet(m, to_subnet); vnet >= 0) {
    path.push_back(ew_stage(K::kAdminRule, RK::kVirtualNetwork, vnet));
  }
  path.push_back(target_nsgs[0]);
  path.push_back(target_nsgs[1]);
  path.push_back(ew_stage(K::kRoute, RK::kSubnet, to_subnet, "return"));
  if (ends.x.nic >= 0) {
    path.push_back(ew_stage(K::kTarget, RK::kNetworkInterface, ends.x.nic));
  } else {
    path.push_back(ew_stage(K::kTarget, RK::kPrivateEndpoint, ends.endpoint));
  }
  return path;
}

}  // namespace exposim::solver
