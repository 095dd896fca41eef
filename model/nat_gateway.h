// The estate's outbound addressing: NAT gateways (`Microsoft.Network/natGateways`) and public IP prefixes
// (`Microsoft.Network/publicIPPrefixes`). Neither admits anything inbound (docs/model.md, "NAT gateways and public IP
// prefixes"): a NAT gateway translates flows its subnets start, and a prefix is a range that public IPs and outbound
// frontends take their addresses from. They are read, resolved and drawn; the solver has no part for them.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "model/compute.h"
#include "model/ip.h"
#include "model/resource_base.h"

namespace exposim::model {

/// A public IP prefix: a range of public addresses reserved in a region. A public IP created from it (its `prefix`)
/// is a public IP like any other; a load balancer frontend or a NAT gateway that names it uses it for outbound flows
/// only.
struct PublicIpPrefix : ResourceBase {
  Sku sku{Sku::kStandard};            // `sku.name`: Azure has Standard prefixes only (absent: Standard)
  IpFamily family{IpFamily::kV4};     // `publicIPAddressVersion` (absent: IPv4)
  std::optional<int> prefix_length;   // `prefixLength`: 28..31 (IPv4) or 124..127 (IPv6); larger for BYOIP
  std::optional<IpPrefix> ip_prefix;  // `ipPrefix`: absent until Azure allocates the range
  /// Filled by validation: the public IPs taken from it (those whose `prefix` names it), in Model::public_ips order.
  std::vector<int> public_ips;
};

/// A NAT gateway: the outbound translation of the subnets attached to it, through its public IPs and prefixes.
struct NatGateway : ResourceBase {
  std::string sku{"Standard"};          // `sku.name`: "Standard" or "StandardV2" (absent: Standard)
  std::vector<Ref> public_ips;          // `publicIpAddresses` (and `publicIpAddressesV6`)
  std::vector<Ref> public_ip_prefixes;  // `publicIpPrefixes` (and `publicIpPrefixesV6`)
  /// `subnets`, the read-only list Azure shows; after validation, every subnet attached to it: those whose
  /// `natGateway` names it and those it lists (a listed subnet not in the input stays unresolved).
  std::vector<Ref> subnets;
};

}  // namespace exposim::model
