// Defender for Cloud plans (`Microsoft.Security/pricings`): the plan's pricing tier and sub-plan.
#include <string>
#include <string_view>
#include <utility>

#include "importers/azure/azure_keys.h"
#include "importers/azure/family_readers.h"
#include "importers/azure/posture_setting.h"
#include "importers/azure/reader_context.h"

namespace exposim::importers::azure {

bool read_defender_plan(ReaderContext& ctx, Resource& resource) {
  static constexpr std::string_view kTiers[] = {"Standard", "Free"};
  model::DefenderPlan plan;
  static_cast<model::ResourceBase&>(plan) = std::move(resource.base);
  // The tier decides; one only known at deployment is left empty, which never reads as Standard.
  auto tier = read_enum_setting(ctx, resource.props, keys::kPricingTier, kTiers, "pricing tier", plan.where);
  if (tier.value) plan.pricing_tier = std::move(*tier.value);
  plan.pricing_tier_where = std::move(tier.where);
  if (auto sub = ctx.get_string(resource.props, keys::kSubPlan)) plan.sub_plan = trim(*sub);
  ctx.model.defender_plans.push_back(std::move(plan));
  return true;
}

}  // namespace exposim::importers::azure
