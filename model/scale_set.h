// Virtual machine scale sets (`Microsoft.Compute/virtualMachineScaleSets`): the network profile every
// instance is built from, and the expansion into per-instance NICs that the solver analyses like any other.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "model/compute.h"
#include "model/diagnostic.h"
#include "model/ip.h"
#include "model/resource_base.h"

namespace exposim::model {

/// Instances synthesised per scale set at most; a larger `sku.capacity` is capped with a warning
/// (`scale-set-capacity-capped`), so hostile input cannot make the analysis unbounded.
inline constexpr int kMaxScaleSetInstances = 1000;
/// Instance ip configurations synthesised over all scale sets at most (instances x ip configurations per
/// instance); scale sets past the budget get fewer instances, with the same warning.
inline constexpr std::size_t kMaxSynthesisedIpConfigurations = 200000;

/// `publicIPAddressConfiguration` of a scale set ip configuration: every instance gets its own public IP,
/// whose address Azure allocates at deployment (unknown here).
struct ScaleSetPublicIpConfig {
  std::string name;
  Sku sku{Sku::kBasic};  // Azure's default when `sku` is absent
  SourceLocation where;
};

/// One ip configuration of a NIC configuration. Unsupported: `applicationGatewayBackendAddressPools` is
/// recorded (for reports) but application gateways do not reach instances through it.
struct ScaleSetIpConfig {
  std::string name;
  bool primary{false};
  IpFamily family{IpFamily::kV4};
  Ref subnet;
  std::optional<ScaleSetPublicIpConfig> public_ip;
  std::vector<Ref> asgs;
  std::vector<Ref> lb_backend_pools;      // child refs, as a NIC's
  std::vector<Ref> lb_inbound_nat_pools;  // child refs: index = load balancer, child = NAT pool
  std::vector<Ref> appgw_backend_pools;   // recorded only
  SourceLocation where;
  bool flattened{false};
};

/// One entry of `virtualMachineProfile.networkProfile.networkInterfaceConfigurations`.
struct ScaleSetNicConfig {
  std::string name;
  bool primary{false};
  bool enable_ip_forwarding{false};
  Ref nsg;
  std::vector<ScaleSetIpConfig> ip_configurations;
  SourceLocation where;
  bool flattened{false};
};

struct ScaleSet : ResourceBase {
  int capacity{0};  // `sku.capacity` (1, with a warning, when absent)
  /// `sku.capacity` is only known at deployment (a template parameter with no value): as many instances are
  /// synthesised as the longest frontend port range of the inbound NAT pools its profile names allows (at least
  /// one, capped as any capacity), so that every port such a pool can hand out is reported.
  bool capacity_unknown{false};
  bool flexible{false};  // orchestrationMode Flexible: instances are ordinary VMs naming the scale set
  std::vector<ScaleSetNicConfig> nic_configurations;
  /// Filled by expand_scale_sets(): the NICs (indices into Model::nics) standing for the instances, and
  /// whether they were synthesised from the profile (false: instance NICs were in the input).
  std::vector<int> instance_nics;
  bool synthesised{false};
  MachinePosture posture;  // of `virtualMachineProfile` (its `identity` is the scale set's)
};

struct Model;

/// Turns every scale set into instance NICs, before validation resolves references:
/// - When the input holds NICs of the scale set's instances (ids `<scale set id>/virtualMachines/<i>/
///   networkInterfaces/<name>`, as `az vmss nic list` prints them), those are the instances: nothing is
///   synthesised (no double counting); each such NIC records its scale set and instance number, and the
///   instance's VM (`<scale set id>/virtualMachines/<i>`, named `<scale set name>_<i>`) is added when the
///   input lacks it.
/// - Likewise when virtual machines in the input name the scale set (`virtualMachineScaleSet`, Flexible
///   orchestration): their NICs are the instances, with no instance number.
/// - Otherwise instances 0..N-1 (N = capacity, capped at kMaxScaleSetInstances) are synthesised: a virtual
///   machine `<scale set name>_<i>` (id `<scale set id>/virtualMachines/<i>`) with one NIC per NIC
///   configuration (id `<vm id>/networkInterfaces/<config name>`), whose ip configurations copy the
///   profile's subnet, application security groups and backend pools and have no private address; a
///   public IP configuration becomes a public IP resource (id `<ip configuration id>/publicIPAddresses/
///   <name>`) of the configuration's SKU with no address.
/// Idempotent: running it again on its own output synthesises nothing more.
void expand_scale_sets(Model& m, Diagnostics& diags);

}  // namespace exposim::model
