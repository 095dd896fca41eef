// What the east-west path (solver/east_west_path.cpp) and its evaluation (solver/east_west.cpp) share: the device a
// route's next hop stands for, the target's NSG stages and the notes of the path's stages. Internal to the solver.
#pragma once

#include <array>
#include <cstdint>
#include <map>
#include <vector>

#include "model/model.h"
#include "solver/address_space.h"
#include "solver/path.h"
#include "solver/route_choice.h"

namespace exposim::solver {

struct EastWestEnds;

namespace east_west_internal {

/// What a route sends packets through: nothing (VnetLocal, VNetPeering), an Azure Firewall, an appliance NIC with IP
/// forwarding, a VirtualAppliance next hop exposim does not know, or nowhere (None, Internet, gateway).
struct Device {
  enum class Kind : std::uint8_t { kNone, kFirewall, kAppliance, kUnknown, kLost } kind{Kind::kLost};
  int index{-1};           // the firewall, or the appliance's NIC
  int subnet{-1};          // the appliance's subnet
  model::U128 address{0};  // kUnknown: the next hop's address
  bool same(const Device& o) const {
    if (kind != o.kind) return false;
    if (kind == Kind::kNone || kind == Kind::kLost) return true;
    if (kind == Kind::kUnknown) return address == o.address;
    return index == o.index;
  }
};

/// The devices of a model by address, for reach(), which looks up one per (source, target): device_at() of every
/// address a firewall or an appliance holds, computed once.
class DeviceIndex {
 public:
  explicit DeviceIndex(const model::Model& m);
  /// The device at `address`, or nullptr when there is none (an address exposim does not know).
  const Device* find(const model::IpAddress& address) const;

 private:
  std::map<model::U128, Device> at_;
};

/// The device at a VirtualAppliance next hop `address` (through `index` when given, else by a scan of the model).
Device device_at(const model::Model& m, const model::IpAddress& address, const DeviceIndex* index = nullptr);
/// Whether route `r` carries the packet through a Virtual WAN hub to another VNet connected to it (or to another hub
/// of its WAN): a route the hub gives for a connected VNet's space, or routing intent's private prefixes
/// (docs/model.md, "Virtual WAN"); not the hub's 0.0.0.0/0.
bool hub_transit(const RouteChoice& r);
/// The device route `r` sends packets through: a hub transit route's is the hub's firewall (routing intent for private
/// traffic) or none (the hub's router).
Device device_of(const model::Model& m, const RouteChoice& r, const DeviceIndex* index = nullptr);
/// east_west_path(), with devices looked up in `index` (nullptr: by a scan of the model).
std::vector<Stage> east_west_stages(const model::Model& m, const EastWestEnds& ends, const DeviceIndex* index);
/// The route subnet `subnet` takes to `to`, an address of private endpoint `endpoint` (-1: of an ip configuration):
/// choose_route(), except that a private endpoint's /32 system route (system "private-endpoint"), which Azure adds to
/// its VNet and to the peered VNets, beats a less specific route, unless the endpoint's subnet enables route tables
/// in its network policies and the route is a user-defined one whose prefix length is at least that of the endpoint
/// VNet's space holding it (Azure: "equal to or larger than the virtual network address space prefix length").
RouteChoice forward_route(const model::Model& m, int subnet, const model::IpAddress& to, int endpoint);
/// Whether the firewall or appliance `request` (the device the request crossed, which the reply crosses too) cannot
/// forward the reply from target address `target` into the source's VNet `source_vnet`: the reply keeps the
/// target's address, so when that lies outside the device's VNet it is forwarded traffic, which the source VNet's
/// peering with the device's must accept (allowForwardedTraffic). Sets `device_vnet` to the device's VNet.
bool reply_not_forwarded(const model::Model& m, const Device& request, int source_vnet, const model::IpAddress& target,
                         int& device_vnet);
/// Whether its subnet's user-defined routes apply to private endpoint `endpoint`'s own traffic (its replies): only
/// when the subnet's privateEndpointNetworkPolicies enable route tables (`Enabled`, `RouteTableEnabled`); true for
/// -1 (an ip configuration).
bool endpoint_user_routes(const model::Model& m, int endpoint);
/// Whether subnet `subnet` is one Azure does not apply security admin rules to: the subnets of Azure Firewall, Azure
/// Bastion, Route Server and the virtual network gateways
/// (https://learn.microsoft.com/azure/virtual-network-manager/concept-security-admins, non-application at subnet
/// level). Only a source with no ip configuration (the subnet's prefix) can be in one.
bool admin_exempt_subnet(const model::Model& m, int subnet);
/// Whether subnet `subnet` is a virtual network gateway's subnet (named GatewaySubnet, any case).
bool is_gateway_subnet(const model::Model& m, int subnet);
/// The target's NSG stages (the subnet's, then the NIC's; a private endpoint's subnet NSG only when its network
/// policies apply, and no NIC NSG), and its subnet (`subnet`).
std::array<Stage, 2> target_nsg_stages(const model::Model& m, const EastWestEnds& ends, int& subnet);

inline constexpr const char* kGatewaySourceNote =
    "on-premises addresses arriving through the virtual network gateway: no outbound NSG applies (NSGs are not "
    "supported on the GatewaySubnet); the gateway subnet's routes are used";
inline constexpr const char* kApplianceForwardsNote =
    "assumed: the appliance forwards every packet unchanged (its own filtering and address translation are unknown)";
inline constexpr const char* kUnknownApplianceNote =
    "next hop not in the input: assumed to forward every packet unchanged to the target";
inline constexpr const char* kDeviceUnreachableNote =
    "the next hop's virtual network is not connected to the source's (peering is not transitive)";
inline constexpr const char* kHubNotConnectedNote =
    "the virtual hub does not connect the target's virtual network (not connected to it, nor to another hub of its "
    "virtual WAN)";
inline constexpr const char* kNotConnectedNote =
    "the virtual networks are not connected: not peered (peering is not transitive), peered on one side only, not "
    "Connected, or the receiving side does not allow forwarded traffic";
inline constexpr const char* kChainedApplianceNote =
    "a second device on the way: an Azure Firewall's rules apply, an appliance is assumed to forward; then the packet "
    "is assumed to reach the target (the second device's own route is not followed)";
inline constexpr const char* kRoutingLoopNote = "the next hop sends the packet back to the device: a routing loop";
inline constexpr const char* kEndpointPoliciesOffNote =
    "private endpoint network policies are disabled on the subnet: its NSG does not apply to the private endpoint";
inline constexpr const char* kEndpointNoNicNsgNote = "a private endpoint has no NIC NSG";
inline constexpr const char* kPaasPerimeterNote =
    "secured by a network security perimeter, whose rules are not modelled: assumed to admit the source";
inline constexpr const char* kPaasUnknownVnetRuleNote =
    "a virtual network rule only known at deployment: assumed to admit the source subnet";
inline constexpr const char* kPaasUnresolvedThroughEndpointNote =
    "an address rule the solver cannot resolve: taken as admitting every source, the subnet's too";
/// One stage of a PaaS public endpoint's path decided for one packet (explain): the hop as reach() writes it, and
/// whether the packet goes on after it.
struct PaasStep {
  Hop hop;
  bool passes{false};
  model::NextHopType next_hop{model::NextHopType::kInternet};  // a route's (a service endpoint's: kInternet)
};

/// The stages of one TCP packet from `source` (source port `source_port`) of ip configuration `x` (nic -1: an address
/// of subnet `subnet`) to the public endpoint of PaaS service `service` on `port`: the stages reach() evaluates over
/// packet sets (ReachOptions::paas; the one list of solver/east_west_paas.cpp: the outbound admin rules and NSGs with
/// the service as destination, the subnet's route toward it, a firewall's rules or an appliance, the service's
/// firewall as it sees the source), each decided by the same function for a set of one packet: one list per way
/// reach() follows (each route alternative toward the service), up to the stage that stops the packet. reach() lists
/// the port iff one list ends with a step that passes. One list of one failing step when the subnet's routes carry
/// nothing toward the service. `scm`: toward an App Service's SCM (Kudu) site (its host name, its restrictions).
std::vector<std::vector<PaasStep>> paas_packet_paths(const model::Model& m, const AddressSpace& space,
                                                     const DeviceIndex& devices, const model::IpConfigIndex& x,
                                                     int subnet, const model::IpAddress& source, int source_port,
                                                     int port, int service, bool scm = false);

inline constexpr const char* kApplicationSnatNote =
    "application rule: the firewall translates the source to its own address (SNAT); the target's NSGs see the "
    "firewall subnet";

}  // namespace east_west_internal
}  // namespace exposim::solver
