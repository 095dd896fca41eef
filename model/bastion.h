// Azure Bastion (docs/model.md#azure-bastion): a managed entry point that forwards internet clients to private
// addresses.
#pragma once

#include <string>
#include <vector>

#include "model/resource_base.h"

namespace exposim::model {

/// Azure's default when `sku` is absent is Basic.
enum class BastionSku { kDeveloper, kBasic, kStandard, kPremium };
/// "Developer", "Basic", "Standard", "Premium".
const char* to_string(BastionSku s);

struct BastionIpConfiguration {
  std::string name;
  Ref subnet;     // the AzureBastionSubnet
  Ref public_ip;  // absent for a private-only Bastion
  SourceLocation where;
  bool flattened{false};
};

/// A Bastion host. Not modelled: session recording, Kerberos, scale units (none changes which addresses and
/// ports a session reaches), and the IP-based connection's reach beyond NICs in the model (on-premises
/// addresses).
struct BastionHost : ResourceBase {
  BastionSku sku{BastionSku::kBasic};
  std::vector<BastionIpConfiguration> ip_configurations;
  Ref virtual_network;                // Developer SKU: `virtualNetwork` (no subnet, no public IP)
  bool enable_tunneling{false};       // native client (Standard, Premium)
  bool enable_ip_connect{false};      // connect by IP address (Standard, Premium)
  bool enable_shareable_link{false};  // links usable without an Azure account (Standard, Premium)
  bool enable_private_only{false};    // Premium: no public IP, reachable only from private networks
};

}  // namespace exposim::model
