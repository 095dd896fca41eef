// Subnets' service endpoints (model::ServiceEndpoint) read from Azure resource JSON, deployment templates and
// Terraform plans; unknown values are kept as unknown (docs/model.md, "PaaS public endpoints from inside the estate").
#include <filesystem>
#include <string>
#include <vector>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "cli_support.h"
#include "importers/azure/resource_importer.h"
#include "importers/inputs.h"
#include "model/validate.h"

namespace {

using nlohmann::json;
namespace model = exposim::model;

const std::string kSeRg = "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Network";

struct SeImport {
  model::Model m;
  model::Diagnostics diags;
};

SeImport se_import_file(const std::string& name, const std::string& text) {
  const auto dir = exposim::testing::scratch_dir("service-endpoints");
  exposim::testing::write_file(dir / name, text);
  SeImport r;
  exposim::importers::import_inputs({(dir / name).string()}, {}, r.m, r.diags);
  model::validate(r.m, r.diags, model::ValidateOptions{true});
  std::filesystem::remove_all(dir);
  return r;
}

const model::Subnet& se_subnet(const SeImport& r, const std::string& name) {
  for (const auto& s : r.m.subnets) {
    if (s.name == name) return s;
  }
  FAIL("no subnet " << name);
  return r.m.subnets.front();
}

std::vector<std::string> se_services(const model::Subnet& s) {
  std::vector<std::string> out;
  for (const auto& e : s.service_endpoints) out.push_back(e.unknown ? "?" : e.service);
  return out;
}

}  // namespace

TEST_CASE("service endpoints: Azure resource JSON inline and as a child resource", "[importer][service_endpoint]") {
  const json vnet = {
      {"id", kSeRg + "/virtualNetworks/v"},
      {"name", "v"},
      {"type", "Microsoft.Network/virtualNetworks"},
      {"location", "westeurope"},
      {"properties",
       {{"addressSpace", {{"addressPrefixes", {"10.0.0.0/16"}}}},
        {"subnets",
         {{{"id", kSeRg + "/virtualNetworks/v/subnets/web"},
           {"name", "web"},
           {"properties",
            {{"addressPrefix", "10.0.1.0/24"},
             {"serviceEndpoints",
              {{{"service", "Microsoft.Storage"}, {"locations", {"westeurope", "northeurope"}}},
               {{"provisioningState", "Succeeded"}, {"service", " Microsoft.Sql "}, {"locations", {"*"}}}}}}}}}}}}};
  const json child = {
      {"id", kSeRg + "/virtualNetworks/v/subnets/db"},
      {"name", "db"},
      {"type", "Microsoft.Network/virtualNetworks/subnets"},
      {"properties",
       {{"addressPrefix", "10.0.2.0/24"}, {"serviceEndpoints", {{{"service", "Microsoft.KeyVault"}}, nullptr}}}}};
  const auto r = se_import_file("estate.json", json::array({vnet, child}).dump());
  REQUIRE_FALSE(r.diags.has_errors());
  const auto& web = se_subnet(r, "web");
  CHECK(se_services(web) == std::vector<std::string>{"Microsoft.Storage", "Microsoft.Sql"});
  CHECK(web.service_endpoints[0].locations == std::vector<std::string>{"westeurope", "northeurope"});
  CHECK(web.service_endpoints[1].locations == std::vector<std::string>{"*"});
  CHECK(web.service_endpoints[1].where.pointer == "/0/properties/subnets/0/properties/serviceEndpoints/1");
  CHECK_FALSE(web.service_endpoints_unknown);
  const auto& db = se_subnet(r, "db");
  CHECK(se_services(db) == std::vector<std::string>{"Microsoft.KeyVault"});
  CHECK(db.service_endpoints[0].locations.empty());
}

TEST_CASE("service endpoints: a deployment template's values only known at deployment stay unknown",
          "[importer][service_endpoint]") {
  // `svc` and `regions` have no value: the first endpoint's service and the second's locations are unknown; the
  // third subnet's whole list is a parameter without a value.
  const json tmpl = {
      {"$schema", "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#"},
      {"contentVersion", "1.0.0.0"},
      {"parameters", {{"svc", {{"type", "string"}}}, {"regions", {{"type", "array"}}}, {"all", {{"type", "array"}}}}},
      {"resources",
       {{{"type", "Microsoft.Network/virtualNetworks"},
         {"apiVersion", "2023-09-01"},
         {"name", "v"},
         {"location", "westeurope"},
         {"properties",
          {{"addressSpace", {{"addressPrefixes", {"10.0.0.0/16"}}}},
           {"subnets",
            {{{"name", "web"},
              {"properties",
               {{"addressPrefix", "10.0.1.0/24"},
                {"serviceEndpoints",
                 {{{"service", "[parameters('svc')]"}},
                  {{"service", "Microsoft.Storage"}, {"locations", "[parameters('regions')]"}}}}}}},
             {{"name", "db"},
              {"properties", {{"addressPrefix", "10.0.2.0/24"}, {"serviceEndpoints", "[parameters('all')]"}}}}}}}}}}}};
  const auto r = se_import_file("template.json", tmpl.dump());
  REQUIRE_FALSE(r.diags.has_errors());
  const auto& web = se_subnet(r, "web");
  REQUIRE(web.service_endpoints.size() == 2);
  CHECK(web.service_endpoints[0].unknown);
  CHECK(web.service_endpoints[0].service.empty());
  CHECK_FALSE(web.service_endpoints[1].unknown);
  CHECK(web.service_endpoints[1].service == "Microsoft.Storage");
  CHECK(web.service_endpoints[1].locations_unknown);
  const auto& db = se_subnet(r, "db");
  CHECK(db.service_endpoints.empty());
  CHECK(db.service_endpoints_unknown);
}

TEST_CASE("service endpoints: Terraform azurerm_subnet and a virtual network's subnet block",
          "[importer][terraform][service_endpoint]") {
  const std::string sub = "/subscriptions/11111111-2222-3333-4444-555555555555/resourceGroups/rg";
  const json vnet = {{"address", "azurerm_virtual_network.v"},
                     {"mode", "managed"},
                     {"type", "azurerm_virtual_network"},
                     {"name", "v"},
                     {"values",
                      {{"id", sub + "/providers/Microsoft.Network/virtualNetworks/v"},
                       {"name", "v"},
                       {"location", "westeurope"},
                       {"resource_group_name", "rg"},
                       {"address_space", {"10.0.0.0/16"}},
                       {"subnet",
                        {{{"name", "web"},
                          {"address_prefixes", {"10.0.1.0/24"}},
                          {"service_endpoints", {"Microsoft.Storage", "Microsoft.Sql"}}}}}}}};
  const json db = {{"address", "azurerm_subnet.db"},
                   {"mode", "managed"},
                   {"type", "azurerm_subnet"},
                   {"name", "db"},
                   {"values",
                    {{"id", sub + "/providers/Microsoft.Network/virtualNetworks/v/subnets/db"},
                     {"name", "db"},
                     {"resource_group_name", "rg"},
                     {"virtual_network_name", "v"},
                     {"address_prefixes", {"10.0.2.0/24"}},
                     {"service_endpoints", {"Microsoft.KeyVault"}}}}};
  json app = db;
  app["address"] = "azurerm_subnet.app";
  app["name"] = "app";
  app["values"]["id"] = sub + "/providers/Microsoft.Network/virtualNetworks/v/subnets/app";
  app["values"]["name"] = "app";
  app["values"]["address_prefixes"] = {"10.0.3.0/24"};
  app["values"].erase("service_endpoints");
  json change = {{"address", "azurerm_subnet.app"},
                 {"mode", "managed"},
                 {"type", "azurerm_subnet"},
                 {"name", "app"},
                 {"change",
                  {{"actions", {"create"}},
                   {"before", nullptr},
                   {"after", app["values"]},
                   {"after_unknown", {{"id", true}, {"service_endpoints", true}}}}}};
  const json plan = {{"format_version", "1.2"},
                     {"terraform_version", "1.6.6"},
                     {"planned_values", {{"root_module", {{"resources", {vnet, db, app}}}}}},
                     {"resource_changes", {change}}};
  const auto r = se_import_file("plan.json", plan.dump());
  REQUIRE_FALSE(r.diags.has_errors());
  CHECK(se_services(se_subnet(r, "web")) == std::vector<std::string>{"Microsoft.Storage", "Microsoft.Sql"});
  CHECK(se_services(se_subnet(r, "db")) == std::vector<std::string>{"Microsoft.KeyVault"});
  CHECK_FALSE(se_subnet(r, "db").service_endpoints_unknown);
  CHECK(se_subnet(r, "app").service_endpoints.empty());
  CHECK(se_subnet(r, "app").service_endpoints_unknown);
}
