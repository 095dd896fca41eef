// Defender for Cloud plans (`Microsoft.Security/pricings`): whether Defender for Servers is on for the
// subscription. Read by the recommendations (EXP-NET-014); absent from a design means "not known".
#pragma once

#include <string>

#include "model/resource_base.h"

namespace exposim::model {

/// `name` is the plan ("VirtualMachines" is Defender for Servers); `pricing_tier` "Standard" or "Free".
struct DefenderPlan : ResourceBase {
  std::string pricing_tier;
  std::string sub_plan;  // `subPlan`: "P1", "P2", or empty
  SourceLocation pricing_tier_where;
};

}  // namespace exposim::model
