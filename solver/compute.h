// Compute (NICs, ip configurations, public IPs; docs/model.md#public-ips-and-reachability): the entry of an ip
// configuration's own public IP. Its entries in the analysis are in solver/compute.cpp; explain follows it in
// solver/explain/compute.cpp.
#pragma once

#include "model/model.h"

namespace exposim::solver {

/// The SKU of the public IP on ip configuration `cfg`, which decides whether the target is open where no NSG
/// applies: the public IP's own, or Basic when it is not in the input (assumed, so that it never hides an exposure).
model::Sku instance_public_ip_sku(const model::Model& m, const model::IpConfiguration& cfg);

}  // namespace exposim::solver
