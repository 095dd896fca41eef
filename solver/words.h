// The few sentences the solver's own messages quote: a route, why two VNets are not connected, why a firewall's
// translated packets cannot reach their target. The solver's functions return these as data (RouteChoice,
// PeeringGap, Broken) and cli/ writes every other reason; these three stay in the solver, the lowest layer that may
// hold them, because a diagnostic of the analysis (`dnat-target-unreachable`) and the recommendations
// (solver/recommendations/) quote them. cli/ uses the same functions for the same reasons, so that a broken flow, an
// explained hop and the diagnostic say the same thing.
#pragma once

#include <string>

#include "model/model.h"
#include "solver/broken.h"
#include "solver/network.h"
#include "solver/route_choice.h"

namespace exposim::solver {

/// One line: "route 'to-fw' (0.0.0.0/0 -> VirtualAppliance 10.0.1.4) of route table 'rt'", "system route
/// 10.1.0.0/16 -> VNetPeering", "route 0.0.0.0/0 -> VirtualAppliance 10.100.0.132 learned from virtual hub 'hub'
/// (routing intent)".
std::string route_text(const model::Model& m, const RouteChoice& r);

/// Why two VNets are not connected: "virtual networks 'a' and 'b' are not peered (peering is not transitive)";
/// empty when they are (PeeringBlock::kNone).
std::string peering_text(const model::Model& m, const PeeringGap& g);

/// Why a firewall's DNAT-translated packets cannot reach their target (the BrokenCodes dnat_forward_blocks()
/// returns, kHubFirewallCannotReach ... kFirewallForwardLost), one line; empty for any other code.
std::string dnat_forward_text(const model::Model& m, const Broken& b);

}  // namespace exposim::solver
