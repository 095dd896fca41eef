// azurerm_security_center_subscription_pricing: a Defender for Cloud plan of the subscription, as Azure's
// `Microsoft.Security/pricings` resource named after the plan (`resource_type`).
#include <fmt/format.h>

#include "importers/terraform/families.h"

namespace exposim::importers::terraform {

void translate_defender_plan(Context& ctx, const Instance& i, std::vector<Synthesized>& out) {
  const Block b = Context::top(i);
  // The plan is the resource's name; azurerm's default is Defender for Servers.
  std::string plan = "VirtualMachines";
  std::string plan_pointer = i.pointer + "/type";
  switch (ctx.state(b, "resource_type")) {
    case State::kKnown:
      if (auto t = ctx.string(b, "resource_type"); t && !t->empty()) {
        plan = *t;
        plan_pointer = b.attr_pointer("resource_type");
      }
      break;
    case State::kUnknown:
      ctx.report(model::Severity::kWarning, i, b.attr_pointer("resource_type"), "unknown-value",
                 "its resource_type is only known after apply: the plan is not analysed");
      return;
    case State::kAbsent: break;
  }
  Synthesized s;
  s.instance = &i;
  std::string id = fmt::format("/subscriptions/{}/providers/Microsoft.Security/pricings/{}", kSubscription, plan);
  if (ctx.state(b, "id") == State::kKnown) {
    if (auto known = ctx.string(b, "id"); known && !known->empty()) id = *known;
  }
  s.set("/id", id, ctx.state(b, "id") == State::kKnown ? b.attr_pointer("id") : plan_pointer);
  s.set("/name", plan, plan_pointer);
  s.set("/type", "Microsoft.Security/pricings", i.pointer + "/type");
  s.doc["properties"] = json::object();
  ctx.copy_string(b, "tier", s, "/properties/pricingTier");
  ctx.copy_string(b, "subplan", s, "/properties/subPlan");
  out.push_back(std::move(s));
}

}  // namespace exposim::importers::terraform
