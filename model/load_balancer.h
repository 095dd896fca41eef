// Load balancers (docs/model.md#load-balancers): frontends, backend pools, load-balancing rules, inbound NAT rules
// and pools. Unsupported, and kept out with a warning `unmodelled-feature` by the importer: IP-address-based backend
// pools (`loadBalancerBackendAddresses`). Outbound rules are not read (outbound only).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "model/compute.h"
#include "model/ip.h"
#include "model/nsg.h"
#include "model/resource_base.h"

namespace exposim::model {

struct LbFrontend {
  std::string name;
  std::string id;
  std::string key;
  Ref public_ip;  // set: a public frontend
  /// `publicIPPrefix`: a frontend of every address of a public IP prefix, which Azure uses for outbound rules only
  /// (docs/model.md, "NAT gateways and public IP prefixes").
  Ref public_ip_prefix;
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
