// What compute reaches the network through: public IP addresses, network interfaces and their ip configurations,
// virtual machines.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "model/ip.h"
#include "model/resource_base.h"

namespace exposim::model {

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

/// An ip configuration of a NIC, by position: (index into Model::nics, index into its ip_configurations).
struct IpConfigIndex {
  int nic{-1};
  int ip_configuration{-1};
  auto operator<=>(const IpConfigIndex&) const = default;
};

}  // namespace exposim::model
