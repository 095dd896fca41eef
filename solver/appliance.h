// What analyze and explain decide alike about a network virtual appliance (docs/model.md#network-virtual-appliances);
// the analysis of appliances itself is Analyzer::appliances() (solver/appliance.cpp).
#pragma once

#include <memory>

#include "model/model.h"
#include "solver/broken.h"

namespace exposim::solver {

/// Why appliance NIC `appliance` in VNet `from_vnet` cannot forward internet clients' packets to `target` in VNet
/// `to_vnet` (either -1 when not in the input: nothing to check): the packets keep their internet sources, so a
/// peering between the two VNets must also allow forwarded traffic (peering_gap with `forwarded`). nullptr when
/// the leg works.
std::shared_ptr<const Broken> appliance_forward_blocks(const model::Model& m, int appliance, int from_vnet, int to_vnet,
                                                       const model::IpConfigIndex& target);

}  // namespace exposim::solver
