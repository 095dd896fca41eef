// East-west assertions of a check spec (docs/check-spec.md, "reach" and "segmentation"): judged over the flows
// solver::reach() finds from sources inside the estate, with the offending flows as evidence.
#pragma once

#include "check/evaluate.h"
#include "check/spec.h"
#include "model/model.h"

namespace exposim::check {

/// A reach assertion: every flow from an ip configuration `from` selects to an ip configuration, private endpoint or
/// PaaS service (its public endpoint: reach() with ReachOptions::paas, only when `to` chooses one) `to` selects
/// passes only what the assertion allows (its protocols and ports; nothing with `never`). A violation is a flow
/// narrowed to the ports it should not pass, located at the target (its VM, else its NIC, else the private endpoint
/// or PaaS service). Flows that cannot complete (solver::Reach::broken) carry no traffic and are not judged.
AssertionResult evaluate_reach(const Assertion& as, const model::Model& m);

/// A segmentation assertion: the estate grouped by subnet or VNet, every source subnet's flows to every target;
/// what passes from one group to another must be allowed by a pair of `allow` (within a group only when
/// `judge_within`). One violation per (from group, to group, protocol), with the ports that should not pass and the
/// first flow that passes them as the witness, located at the target group; an allowed pair whose from or to names
/// no group is a violation too (a typo must not pass silently). With `paas`, every PaaS service's public endpoint is
/// a group too, a target only (solver::Grouping::paas_service_group), named by the service's name or id.
AssertionResult evaluate_segmentation(const Assertion& as, const model::Model& m);

}  // namespace exposim::check
