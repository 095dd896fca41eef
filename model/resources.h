// Vendor-neutral network resources: plain value types, filled by importers, read by the solver.
// References between resources are `Ref`s: a canonical id (lowercase) set by the importer and an index
// into the Model's vector of that kind, resolved by model::validate().
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "model/diagnostic.h"
#include "model/ip.h"

namespace exposim::model {

/// A reference by canonical id; `index` is -1 until resolved (or when the target is absent).
struct Ref {
  std::string id;  // canonical: lowercase, no trailing '/'
  int index{-1};
  /// For a reference to a child of a resource (a load balancer's frontend, backend pool or inbound NAT
  /// rule): `index` is the parent's and `child` the child's position within it; -1 otherwise.
  int child{-1};
  bool set() const { return !id.empty(); }
  bool resolved() const { return index >= 0; }
};

/// A resource's tags: (key, value) pairs sorted by key; keys keep their casing (Azure tag names are
/// case-insensitive, selectors compare them so). One list is shared by every resource with the same tags (the
/// importer interns them): a large estate repeats a few tag sets on hundreds of thousands of resources, and a
/// list per resource cost about 40 MB at 100k NICs.
class Tags {
 public:
  using List = std::vector<std::pair<std::string, std::string>>;
  Tags() = default;
  Tags(List list) : list_(list.empty() ? nullptr : std::make_shared<const List>(std::move(list))) {}
  Tags(std::initializer_list<std::pair<std::string, std::string>> list) : Tags(List(list)) {}
  explicit Tags(std::shared_ptr<const List> shared) : list_(std::move(shared)) {}

  const List& list() const {
    static const List kEmpty;
    return list_ ? *list_ : kEmpty;
  }
  List::const_iterator begin() const { return list().begin(); }
  List::const_iterator end() const { return list().end(); }
  bool empty() const { return list().empty(); }
  std::size_t size() const { return list().size(); }
  friend bool operator==(const Tags& a, const Tags& b) { return a.list() == b.list(); }
  friend bool operator==(const Tags& a, const List& b) { return a.list() == b; }

 private:
  std::shared_ptr<const List> list_;
};

/// What every resource has. `id` keeps the input's casing for output; `key` is the canonical id.
struct ResourceBase {
  std::string id;
  std::string key;
  std::string name;
  std::string location;
  Tags tags;              // string values only
  SourceLocation where;   // the resource's object in its input file
  bool flattened{false};  // its fields sit on the object itself, not under "properties" (az CLI output)
};

// ---- Network security groups ----

enum class Protocol : std::uint8_t { kTcp = 0, kUdp = 1, kIcmp = 2, kEsp = 3, kAh = 4 };
inline constexpr int kProtocolCount = 5;
/// Bit i set = Protocol(i) included.
using ProtocolMask = std::uint8_t;
inline constexpr ProtocolMask kAllProtocols = 0x1f;
inline constexpr ProtocolMask bit(Protocol p) { return static_cast<ProtocolMask>(1u << static_cast<int>(p)); }
/// "tcp", "udp", "icmp", "esp", "ah".
const char* to_string(Protocol p);
/// True for protocols whose packets carry ports (TCP, UDP).
inline constexpr bool has_ports(Protocol p) { return p == Protocol::kTcp || p == Protocol::kUdp; }

enum class Access { kAllow, kDeny };
enum class Direction { kInbound, kOutbound };

/// Service tags the solver resolves. Anything else is kOther with its text kept.
enum class ServiceTag { kInternet, kVirtualNetwork, kAzureLoadBalancer, kOther };

/// One side (source or destination) of an NSG rule: the union of everything listed.
struct AddressMatch {
  bool any{false};                      // "*", "Any", "0.0.0.0/0"+"::/0" are NOT folded here: only "*"/"Any"
  std::vector<IpPrefix> prefixes;       // IPs and CIDRs (singular and plural fields merged)
  std::vector<ServiceTag> tags;         // resolved tags
  std::vector<std::string> other_tags;  // tags the solver cannot resolve, as written (e.g. "AzureCloud")
  std::vector<Ref> asgs;                // application security groups
};

/// A security rule. Unsupported: augmented rules mixing more than one service tag are accepted as the union.
struct SecurityRule {
  std::string name;
  /// Empty after validation when it is the derivable one (the NSG's id + "/securityRules/" or
  /// "/defaultSecurityRules/" + name): a large estate has hundreds of thousands of rules. Read it with
  /// security_rule_id().
  std::string id;
  int priority{0};
  Direction direction{Direction::kInbound};
  Access access{Access::kDeny};
  ProtocolMask protocols{0};
  AddressMatch source;
  AddressMatch destination;
  PortSet source_ports;       // all() for "*"
  PortSet destination_ports;  // all() for "*"
  bool is_default{false};     // one of Azure's six default rules
  /// Written by Defender for Cloud just-in-time access ("SecurityCenter-JITRule..."); recorded for reports.
  bool is_jit{false};
  SourceLocation where;
  bool flattened{false};  // fields on the rule object itself, not under "properties"
};

struct NetworkSecurityGroup : ResourceBase {
  /// Custom and default rules together, sorted by (direction, priority) after validation.
  std::vector<SecurityRule> rules;
  /// Back-references the input may carry (`properties.subnets`, `properties.networkInterfaces`).
  std::vector<Ref> subnets;
  std::vector<Ref> network_interfaces;
};

/// A rule's resource id: as written in the input, or derived from its NSG's id and its name.
std::string security_rule_id(const NetworkSecurityGroup& nsg, const SecurityRule& rule);

struct ApplicationSecurityGroup : ResourceBase {};

// ---- Virtual networks ----

/// Next hops of routes. kVnetPeering is a system route only (a user-defined route cannot name it).
enum class NextHopType { kVirtualNetworkGateway, kVnetLocal, kInternet, kVirtualAppliance, kNone, kVnetPeering };
const char* to_string(NextHopType t);

struct Route {
  std::string name;
  std::optional<IpPrefix> prefix;  // absent when the route names a service tag
  std::string prefix_text;         // as written
  NextHopType next_hop{NextHopType::kNone};
  std::optional<IpAddress> next_hop_ip;
  SourceLocation where;
};

struct RouteTable : ResourceBase {
  std::vector<Route> routes;
  bool disable_bgp_route_propagation{false};
  std::vector<Ref> subnets;  // back-references, when the input carries them
};

struct Peering {
  std::string name;
  std::string id;
  Ref remote_vnet;
  std::vector<IpPrefix> remote_address_space;  // as recorded on the peering
  bool allow_virtual_network_access{true};
  bool allow_forwarded_traffic{false};
  bool allow_gateway_transit{false};
  bool use_remote_gateways{false};
  bool connected{false};  // peeringState == Connected
  SourceLocation where;
};

struct VirtualNetwork : ResourceBase {
  std::vector<IpPrefix> address_space;
  std::vector<Ref> subnets;  // resolved by validation
  std::vector<Peering> peerings;
};

enum class PrivateEndpointPolicy { kDisabled, kEnabled, kNsgOnly, kRouteTableOnly };

struct Subnet : ResourceBase {
  Ref vnet;  // derived from the id (…/virtualNetworks/v/subnets/s)
  std::vector<IpPrefix> prefixes;
  Ref nsg;
  Ref route_table;
  PrivateEndpointPolicy private_endpoint_policies{PrivateEndpointPolicy::kDisabled};
};

// ---- Compute-facing resources ----

enum class Sku { kBasic, kStandard };
const char* to_string(Sku s);

struct PublicIp : ResourceBase {
  Sku sku{Sku::kBasic};  // Azure's default when `sku` is absent
  IpFamily family{IpFamily::kV4};
  std::optional<IpAddress> address;  // absent until Azure allocates it (dynamic, not yet deployed)
  bool static_allocation{false};
  Ref attached_ip_configuration;  // back-reference `properties.ipConfiguration`, when present
};

struct IpConfiguration {
  std::string name;
  /// Empty after validation when it is the derivable one (the NIC's id + "/ipConfigurations/" + name).
  /// Read it with ip_configuration_id().
  std::string id;
  std::string key;
  IpFamily family{IpFamily::kV4};
  std::optional<IpAddress> private_ip;  // absent when dynamic and not yet allocated
  bool primary{false};
  Ref subnet;
  Ref public_ip;
  std::vector<Ref> asgs;
  std::vector<Ref> lb_backend_pools;      // child refs: index = load balancer, child = pool
  std::vector<Ref> lb_inbound_nat_rules;  // child refs: index = load balancer, child = NAT rule
  std::vector<Ref> lb_inbound_nat_pools;  // child refs: index = load balancer, child = NAT pool (scale sets)
  std::vector<Ref> ag_backend_pools;      // child refs: index = application gateway, child = backend pool
  SourceLocation where;
  bool flattened{false};  // fields on the object itself, not under "properties"
};

struct NetworkInterface : ResourceBase {
  std::vector<IpConfiguration> ip_configurations;
  Ref nsg;
  Ref virtual_machine;
  bool enable_ip_forwarding{false};
  /// A scale set instance's NIC (model/scale_set.h): the scale set (index into Model::scale_sets) and the
  /// instance number; -1 otherwise.
  int scale_set{-1};
  int scale_set_instance{-1};
};

/// An ip configuration's resource id: as written in the input, or derived from its NIC's id and its name.
std::string ip_configuration_id(const NetworkInterface& nic, const IpConfiguration& cfg);
/// Empties `cfg.id` when ip_configuration_id() gives it back.
void drop_derivable_id(const NetworkInterface& nic, IpConfiguration& cfg);

struct VirtualMachine : ResourceBase {
  std::vector<Ref> network_interfaces;
  /// `virtualMachineScaleSet`: the scale set of a Flexible-orchestration instance (not resolved: a key).
  Ref scale_set;
};

// ---- Load balancers (docs/model.md#load-balancers) ----
// Unsupported, and kept out with a warning `unmodelled-feature` by the importer: IP-address-based backend
// pools (`loadBalancerBackendAddresses`), outbound rules (outbound only).

/// An ip configuration of a NIC, by position: (index into Model::nics, index into its ip_configurations).
struct IpConfigIndex {
  int nic{-1};
  int ip_configuration{-1};
  auto operator<=>(const IpConfigIndex&) const = default;
};

struct LbFrontend {
  std::string name;
  std::string id;
  std::string key;
  Ref public_ip;                        // set: a public frontend
  std::optional<IpAddress> private_ip;  // set with `subnet`: an internal frontend
  Ref subnet;
  SourceLocation where;
  bool flattened{false};
};

struct LbBackendPool {
  std::string name;
  std::string id;
  std::string key;
  /// Filled by validation: the ip configurations listing this pool, sorted by NIC key, then ip configuration
  /// name (the order in which v2 inbound NAT rules hand out frontend ports).
  std::vector<IpConfigIndex> members;
  SourceLocation where;
};

struct LbRule {
  std::string name;
  std::string id;
  Ref frontend;                       // child ref
  std::vector<Ref> backend_pools;     // child refs (`backendAddressPool` and `backendAddressPools`, merged)
  bool backend_pool_singular{false};  // backend_pools[0] came from `backendAddressPool` (for messages)
  ProtocolMask protocols{0};          // Tcp, Udp, or All = tcp + udp
  std::uint16_t frontend_port{0};     // 0 with backend_port 0: HA ports (every port; internal LBs only)
  std::uint16_t backend_port{0};
  /// The port is only known at deployment: every port (docs/model.md, "Unknown values").
  bool frontend_port_unknown{false};
  bool backend_port_unknown{false};
  bool enable_floating_ip{false};
  SourceLocation where;
  bool flattened{false};
};

struct LbNatRule {
  std::string name;
  std::string id;
  std::string key;
  Ref frontend;  // child ref
  ProtocolMask protocols{0};
  std::uint16_t frontend_port{0};
  std::uint16_t backend_port{0};
  /// The port (or the v2 range) is only known at deployment: every port (docs/model.md, "Unknown values").
  bool frontend_port_unknown{false};
  bool backend_port_unknown{false};
  /// The v2 form: a frontend port range and a backend pool; the i-th pool member gets range_start + i.
  std::optional<std::uint16_t> frontend_port_range_start;
  std::optional<std::uint16_t> frontend_port_range_end;
  Ref backend_pool;  // child ref
  bool enable_floating_ip{false};
  /// Filled by validation: the ip configurations that list this rule (Azure allows one).
  std::vector<IpConfigIndex> targets;
  SourceLocation where;
  bool flattened{false};
};

/// A scale set instance reached through an inbound NAT pool: its ip configuration and instance number.
struct LbNatPoolMember {
  IpConfigIndex target;
  int instance{-1};
  auto operator<=>(const LbNatPoolMember&) const = default;
};

/// An inbound NAT pool (`inboundNatPools[]`, scale sets): instance i gets frontend port
/// frontend_port_range_start + i (while that is <= frontend_port_range_end) -> backend_port.
struct LbNatPool {
  std::string name;
  std::string id;
  std::string key;
  Ref frontend;  // child ref
  ProtocolMask protocols{0};
  std::uint16_t frontend_port_range_start{0};
  std::uint16_t frontend_port_range_end{0};
  std::uint16_t backend_port{0};
  /// The range or the port is only known at deployment: every port (docs/model.md, "Unknown values").
  bool frontend_port_unknown{false};
  bool backend_port_unknown{false};
  bool enable_floating_ip{false};
  /// Filled by validation: the instance ip configurations listing this pool, by instance, then NIC key.
  std::vector<LbNatPoolMember> members;
  SourceLocation where;
  bool flattened{false};
};

struct LoadBalancer : ResourceBase {
  Sku sku{Sku::kBasic};  // Azure's default when `sku` is absent
  std::vector<LbFrontend> frontends;
  std::vector<LbBackendPool> backend_pools;
  std::vector<LbRule> rules;
  std::vector<LbNatRule> nat_rules;
  std::vector<LbNatPool> nat_pools;
};

}  // namespace exposim::model
