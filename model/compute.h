// What compute reaches the network through: public IP addresses, network interfaces and their ip configurations,
// virtual machines.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "model/ip.h"
#include "model/resource_base.h"
#include "model/setting.h"

namespace exposim::model {

enum class Sku { kBasic, kStandard };
const char* to_string(Sku s);

struct PublicIp : ResourceBase {
  Sku sku{Sku::kBasic};  // Azure's default when `sku` is absent
  IpFamily family{IpFamily::kV4};
  std::optional<IpAddress> address;  // absent until Azure allocates it (dynamic, not yet deployed)
  bool static_allocation{false};
  Ref attached_ip_configuration;  // back-reference `properties.ipConfiguration`, when present
  Ref prefix;                     // `publicIPPrefix`: the public IP prefix its address is taken from
  /// `ddosSettings.protectionMode` ("Enabled", "Disabled", "VirtualNetworkInherited"; absent: inherited).
  Setting<std::string> ddos_protection_mode;
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
  SourceLocation enable_ip_forwarding_where;  // `enableIPForwarding`; the NIC's object when absent
  /// A scale set instance's NIC (model/scale_set.h): the scale set (index into Model::scale_sets) and the
  /// instance number; -1 otherwise.
  int scale_set{-1};
  int scale_set_instance{-1};
};

/// An ip configuration's resource id: as written in the input, or derived from its NIC's id and its name.
std::string ip_configuration_id(const NetworkInterface& nic, const IpConfiguration& cfg);
/// Empties `cfg.id` when ip_configuration_id() gives it back.
void drop_derivable_id(const NetworkInterface& nic, IpConfiguration& cfg);

/// The operating system family, as the recommendations decide it: `storageProfile.osDisk.osType`, else
/// `osProfile.linuxConfiguration`/`windowsConfiguration`, else the image publisher (docs/recommendations.md).
enum class OsType { kUnknown, kLinux, kWindows };
/// "unknown", "linux", "windows".
const char* to_string(OsType t);

/// A VM extension: a child resource (`Microsoft.Compute/virtualMachines/extensions`, also inline in a
/// template's or an export's `resources`) or an entry of a scale set's `extensionProfile.extensions`.
struct VmExtension {
  std::string name;
  std::string publisher;  // "Microsoft.Azure.Security", "Microsoft.GuestConfiguration", ...
  std::string type;       // "AzureDiskEncryptionForLinux", "ConfigurationForLinux", "AADSSHLoginForLinux", ...
  SourceLocation where;
};

/// `storageProfile.imageReference` (empty strings when absent or given by id only).
struct ImageReference {
  std::string publisher;
  std::string offer;
  std::string sku;
  SourceLocation where;
};

/// What a virtual machine (or a scale set's `virtualMachineProfile`) says about its own security: read for the
/// VM recommendations (docs/recommendations.md), never by the reachability solver.
struct MachinePosture {
  OsType os{OsType::kUnknown};
  SourceLocation os_where;  // what decided `os`
  ImageReference image;
  Setting<bool> encryption_at_host;               // securityProfile.encryptionAtHost
  Setting<std::string> security_type;             // securityProfile.securityType: TrustedLaunch, ConfidentialVM
  Setting<bool> secure_boot;                      // securityProfile.uefiSettings.secureBootEnabled
  Setting<bool> vtpm;                             // securityProfile.uefiSettings.vTpmEnabled
  Setting<bool> disable_password_authentication;  // osProfile.linuxConfiguration.disablePasswordAuthentication
  Setting<std::string> identity_type;             // identity.type ("SystemAssigned, UserAssigned", "None")
  std::vector<VmExtension> extensions;
};

struct VirtualMachine : ResourceBase {
  std::vector<Ref> network_interfaces;
  /// `virtualMachineScaleSet`: the scale set of a Flexible-orchestration instance (not resolved: a key).
  Ref scale_set;
  MachinePosture posture;
};

/// An ip configuration of a NIC, by position: (index into Model::nics, index into its ip_configurations).
struct IpConfigIndex {
  int nic{-1};
  int ip_configuration{-1};
  auto operator<=>(const IpConfigIndex&) const = default;
};

}  // namespace exposim::model
