// Defender for Cloud plans (`Microsoft.Security/pricings`, docs/model.md): the REST, az CLI, deployment template
// (subscription scope) and Terraform (azurerm_security_center_subscription_pricing) shapes, and bad input with the
// exact diagnostic. Expected values are worked out by hand from the REST reference (Pricings, api-version
// 2024-01-01: the resource's name is the plan, `properties.pricingTier` is Free or Standard, `properties.subPlan`
// the plan's sub-plan) and the azurerm documentation (`tier`, `resource_type` defaulting to VirtualMachines,
// `subplan`).
#include <catch2/catch.hpp>

#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "importers/azure/resource_importer.h"
#include "importers/inputs.h"
#include "model/validate.h"
#include "resource_json.h"
#include "terraform_fixture.h"

namespace {

using exposim::testing::resource_json::printed;

namespace az = exposim::importers::azure;
namespace model = exposim::model;
namespace fs = std::filesystem;
using Lines = std::vector<std::string>;

struct PlanImport {
  model::Model model;
  model::Diagnostics diags;
};

PlanImport import_plans(const std::string& text) {
  PlanImport r;
  az::import_text(text, "t.json", r.model, r.diags);
  model::validate(r.model, r.diags);
  return r;
}

std::string pricing(const std::string& name, const std::string& properties) {
  return fmt::format(R"({{"id": "/subscriptions/s/providers/Microsoft.Security/pricings/{}", "name": "{}",
      "type": "Microsoft.Security/pricings", "properties": {}}})",
                     name, name, properties);
}

}  // namespace

TEST_CASE("defender plan: the REST list shape gives each plan its tier and sub-plan", "[azure][defender]") {
  // GET .../providers/Microsoft.Security/pricings: {"value": [...]}; "standard" is read as Standard.
  auto r = import_plans(fmt::format(R"({{"value": [{}, {}, {}]}})",
                                    pricing("VirtualMachines", R"({"pricingTier": "Standard", "subPlan": "P2",
                                                             "freeTrialRemainingTime": "PT0S"})"),
                                    pricing("SqlServers", R"({"pricingTier": "free"})"), pricing("KeyVaults", "{}")));
  CHECK(r.diags.items().empty());
  REQUIRE(r.model.defender_plans.size() == 3);
  const auto& servers = r.model.defender_plans[0];
  CHECK(servers.name == "VirtualMachines");
  CHECK(servers.key == "/subscriptions/s/providers/microsoft.security/pricings/virtualmachines");
  CHECK(servers.pricing_tier == "Standard");
  CHECK(servers.sub_plan == "P2");
  CHECK(servers.where.pointer == "/value/0");
  CHECK(servers.pricing_tier_where.pointer == "/value/0/properties/pricingTier");
  const auto& sql = r.model.defender_plans[1];
  CHECK(sql.name == "SqlServers");
  CHECK(sql.pricing_tier == "Free");
  CHECK(sql.sub_plan.empty());
  CHECK(sql.pricing_tier_where.pointer == "/value/1/properties/pricingTier");
  // No tier: nothing is known of the plan; its place is the resource's object.
  const auto& vaults = r.model.defender_plans[2];
  CHECK(vaults.pricing_tier.empty());
  CHECK(vaults.pricing_tier_where.pointer == "/value/2");
}

TEST_CASE("defender plan: the az CLI shape has no properties object", "[azure][defender]") {
  // `az security pricing list` prints each plan's fields on the object itself.
  auto r = import_plans(R"([{"id": "/subscriptions/s/providers/Microsoft.Security/pricings/VirtualMachines",
      "name": "VirtualMachines", "type": "Microsoft.Security/pricings", "pricingTier": "Standard", "subPlan": "P1",
      "deprecated": null, "enablementTime": "2024-01-01T00:00:00Z", "extensions": []}])");
  CHECK(r.diags.items().empty());
  REQUIRE(r.model.defender_plans.size() == 1);
  CHECK(r.model.defender_plans[0].flattened);
  CHECK(r.model.defender_plans[0].pricing_tier == "Standard");
  CHECK(r.model.defender_plans[0].sub_plan == "P1");
  CHECK(r.model.defender_plans[0].pricing_tier_where.pointer == "/0/pricingTier");
}

TEST_CASE("defender plan: a tier that is not Free or Standard is rejected at its pointer", "[azure][defender]") {
  auto bad = import_plans(fmt::format("[{}]", pricing("VirtualMachines", R"({"pricingTier": "Premium"})")));
  CHECK(printed(bad.diags) ==
        Lines{"t.json: /0/properties/pricingTier: error: pricing tier 'Premium' is not Standard or Free "
              "[invalid-value]"});
  REQUIRE(bad.model.defender_plans.size() == 1);
  CHECK(bad.model.defender_plans[0].pricing_tier.empty());
  auto typed = import_plans(fmt::format("[{}]", pricing("VirtualMachines", R"({"pricingTier": 1})")));
  CHECK(
      printed(typed.diags) ==
      Lines{"t.json: /0/properties/pricingTier: error: 'pricingTier' is an integer, expected a string [invalid-type]"});
}

TEST_CASE("defender plan: a subscription deployment template is read", "[azure][defender][arm]") {
  // Microsoft.Security/pricings is deployed at subscription scope (subscriptionDeploymentTemplate.json). The tier
  // is a parameter: "Standard" by default; with no value it is only known at deployment and stays empty (never
  // Standard).
  const fs::path dir = fs::temp_directory_path() / fmt::format("exposim-defender-{}", ::getpid());
  fs::create_directories(dir);
  const fs::path file = dir / "defender.json";
  std::ofstream(file) << R"({
  "$schema": "https://schema.management.azure.com/schemas/2018-05-01/subscriptionDeploymentTemplate.json#",
  "contentVersion": "1.0.0.0",
  "parameters": {"serversTier": {"type": "string", "defaultValue": "Standard"}, "sqlTier": {"type": "string"}},
  "resources": [
    {"type": "Microsoft.Security/pricings", "apiVersion": "2024-01-01", "name": "VirtualMachines",
     "properties": {"pricingTier": "[parameters('serversTier')]", "subPlan": "P2"}},
    {"type": "Microsoft.Security/pricings", "apiVersion": "2024-01-01", "name": "SqlServers",
     "properties": {"pricingTier": "[parameters('sqlTier')]"}}
  ]
})";
  model::Model m;
  model::Diagnostics d;
  exposim::importers::import_inputs({file.string()}, {}, m, d);
  model::validate(m, d, model::ValidateOptions{true});
  fs::remove_all(dir);
  CHECK_FALSE(d.has_errors());
  REQUIRE(m.defender_plans.size() == 2);
  CHECK(m.defender_plans[0].name == "VirtualMachines");
  CHECK(m.defender_plans[0].pricing_tier == "Standard");
  CHECK(m.defender_plans[0].sub_plan == "P2");
  CHECK(m.defender_plans[0].where.pointer == "/resources/0");
  CHECK(m.defender_plans[0].pricing_tier_where.pointer == "/resources/0/properties/pricingTier");
  CHECK(m.defender_plans[1].name == "SqlServers");
  CHECK(m.defender_plans[1].pricing_tier.empty());
  CHECK(m.defender_plans[1].pricing_tier_where.pointer == "/resources/1/properties/pricingTier");
}

TEST_CASE("defender plan: azurerm_security_center_subscription_pricing", "[terraform][defender]") {
  // defender_plan.json: servers (tier Standard, resource_type VirtualMachines, subplan P2), sql (tier Free,
  // resource_type SqlServers), storage (tier only known after apply, resource_type StorageAccounts) and pending
  // (resource_type, the plan's name, only known after apply: not analysed). A plan's id is only known after apply:
  // it is composed as Azure's, in the placeholder subscription.
  auto r = terraform_support::import_terraform("defender_plan.json");
  REQUIRE(r.model.defender_plans.size() == 3);
  auto at = [](int k, const std::string& attr) {
    return fmt::format("/planned_values/root_module/resources/{}/values/{}", k, attr);
  };
  const auto& servers = r.model.defender_plans[0];
  CHECK(servers.name == "VirtualMachines");
  CHECK(servers.id ==
        "/subscriptions/00000000-0000-0000-0000-000000000000/providers/Microsoft.Security/pricings/VirtualMachines");
  CHECK(servers.pricing_tier == "Standard");
  CHECK(servers.sub_plan == "P2");
  CHECK(servers.where.pointer == "/planned_values/root_module/resources/0");
  CHECK(servers.pricing_tier_where.pointer == at(0, "tier"));
  CHECK(r.model.defender_plans[1].name == "SqlServers");
  CHECK(r.model.defender_plans[1].pricing_tier == "Free");
  CHECK(r.model.defender_plans[1].sub_plan.empty());
  // Unknown: no tier, which never reads as Standard; its place is the attribute.
  CHECK(r.model.defender_plans[2].name == "StorageAccounts");
  CHECK(r.model.defender_plans[2].pricing_tier.empty());
  CHECK(r.model.defender_plans[2].pricing_tier_where.pointer == at(2, "tier"));
  bool pending = false;
  for (const auto& x : r.diags.items()) {
    if (x.code == "unknown-value" && x.where.pointer == at(3, "resource_type")) {
      pending = x.message ==
                "azurerm_security_center_subscription_pricing.pending: its resource_type is only known "
                "after apply: the plan is not analysed";
    }
  }
  CHECK(pending);
}
