// PaaS properties read for the recommendations (docs/recommendations.md, model/paas.h): each from resource JSON, an
// ARM template and a Terraform plan, with its value, absent or unknown, and its exact location. Expected values and
// defaults are Azure's documented ones: allowBlobPublicAccess has no value when absent, a container's publicAccess
// is None when absent, Key Vault soft delete is on when absent from API version 2019-09-01 (off before), a site is in
// an App Service Environment when `hostingEnvironmentProfile.id` is set.
#include <catch2/catch.hpp>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <string>
#include <vector>

#include "importers/azure/resource_importer.h"
#include "importers/inputs.h"
#include "model/validate.h"
#include "resource_json.h"
#include "terraform_fixture.h"

namespace {

using exposim::testing::resource_json::kRg;
using exposim::testing::resource_json::list;
using exposim::testing::resource_json::resource;

namespace az = exposim::importers::azure;
namespace model = exposim::model;

struct PaasPostureImport {
  model::Model model;
  std::vector<std::string> diags;
};

PaasPostureImport import_json(const std::string& text) {
  PaasPostureImport r;
  model::Diagnostics d;
  az::import_text(text, "t.json", r.model, d);
  model::validate(r.model, d);
  for (const auto& x : d.sorted()) r.diags.push_back(model::to_string(x));
  return r;
}

std::string container(const std::string& account, const std::string& name, const std::string& properties) {
  return fmt::format(R"({{"id": "{}/Microsoft.Storage/storageAccounts/{}/blobServices/default/containers/{}",
      "name": "{}", "type": "Microsoft.Storage/storageAccounts/blobServices/containers", "properties": {}}})",
                     kRg, account, name, name, properties);
}

const model::PaasService& service(const model::Model& m, const std::string& name) {
  for (const auto& s : m.paas_services) {
    if (s.name == name) return s;
  }
  FAIL("no service " << name);
  return m.paas_services.front();
}

/// "value@pointer", "unknown@pointer" or "absent@pointer" of a setting.
std::string setting(const model::Setting<bool>& s) {
  const std::string v = s.unknown ? "unknown" : s.value ? (*s.value ? "true" : "false") : "absent";
  return v + "@" + s.where.pointer;
}

/// "name access@pointer" of each container.
std::vector<std::string> containers(const model::PaasService& s) {
  std::vector<std::string> out;
  for (const auto& c : s.containers) {
    out.push_back(fmt::format("{} {}@{}", c.name, c.unknown ? "unknown" : c.public_access, c.where.pointer));
  }
  return out;
}

/// "name status@pointer" of each of the service's own private endpoint connections.
std::vector<std::string> connections(const model::PaasService& s) {
  std::vector<std::string> out;
  for (const auto& c : s.endpoint_connections)
    out.push_back(fmt::format("{} {}@{}", c.name, c.status, c.where.pointer));
  return out;
}

}  // namespace

// ---- resource JSON ----

TEST_CASE("paas posture: storage account properties and containers from resource JSON", "[azure][posture]") {
  auto r = import_json(list({
      resource("Microsoft.Storage/storageAccounts", "st1", R"({"publicNetworkAccess": "Disabled",
          "supportsHttpsTrafficOnly": true, "allowBlobPublicAccess": true,
          "networkAcls": {"defaultAction": "Deny", "bypass": "AzureServices"},
          "privateEndpointConnections": [
            {"name": "pe1", "properties": {"privateLinkServiceConnectionState": {"status": "Approved"}}},
            {"id": "/subscriptions/s/x/privateEndpointConnections/pe2",
             "properties": {"privateLinkServiceConnectionState": {"status": "Pending"}}}]})"),
      resource("Microsoft.Storage/storageAccounts", "st2", "{}"),
      container("st1", "c-blob", R"({"publicAccess": "Blob"})"),
      container("st1", "c-none", "{}"),
      container("st2", "c-cont", R"({"publicAccess": "container"})"),
  }));
  INFO(fmt::format("{}", fmt::join(r.diags, "\n")));
  CHECK(r.diags.empty());
  const auto& st1 = service(r.model, "st1");
  CHECK(st1.public_network_access_where.pointer == "/0/properties/publicNetworkAccess");
  CHECK(st1.default_action_where.pointer == "/0/properties/networkAcls/defaultAction");
  CHECK(st1.https_only_where.pointer == "/0/properties/supportsHttpsTrafficOnly");
  CHECK(setting(st1.allow_blob_public_access) == "true@/0/properties/allowBlobPublicAccess");
  CHECK(containers(st1) == std::vector<std::string>{"c-blob Blob@/2/properties/publicAccess", "c-none None@/3"});
  CHECK(connections(st1) == std::vector<std::string>{"pe1 Approved@/0/properties/privateEndpointConnections/0",
                                                     "pe2 Pending@/0/properties/privateEndpointConnections/1"});
  // Everything absent: the resource's object.
  const auto& st2 = service(r.model, "st2");
  CHECK(st2.public_network_access_where.pointer == "/1");
  CHECK(st2.default_action_where.pointer == "/1");
  CHECK(st2.https_only_where.pointer == "/1");
  CHECK(setting(st2.allow_blob_public_access) == "absent@/1");
  CHECK(containers(st2) == std::vector<std::string>{"c-cont Container@/4/properties/publicAccess"});
  CHECK(st2.endpoint_connections.empty());
}

TEST_CASE("paas posture: a container's bad public access or missing account is reported", "[azure][posture]") {
  auto r = import_json(list({
      resource("Microsoft.Storage/storageAccounts", "st1", "{}"),
      container("st1", "bad", R"({"publicAccess": "Public"})"),
      container("gone", "orphan", R"({"publicAccess": "Blob"})"),
  }));
  CHECK(r.diags ==
        std::vector<std::string>{
            "t.json: /1/properties/publicAccess: error: public access 'Public' is not None, Blob or Container "
            "[invalid-value]",
            fmt::format("t.json: /2/properties/publicAccess: error: blob container 'orphan' has no parent: storage "
                        "account '{}/Microsoft.Storage/storageAccounts/gone' is not in the input [dangling-parent]",
                        kRg)});
  CHECK(service(r.model, "st1").containers.empty());
}

TEST_CASE("paas posture: Key Vault purge protection and soft delete by API version and create mode",
          "[azure][posture]") {
  auto r = import_json(list({
      resource("Microsoft.KeyVault/vaults", "kv1",
               R"({"enablePurgeProtection": true, "enableSoftDelete": false, "createMode": "recover",
                   "networkAcls": {"defaultAction": "Allow"}})"),
      resource("Microsoft.KeyVault/vaults", "kv-2019", "{}", R"(, "apiVersion": "2019-09-01")"),
      resource("Microsoft.KeyVault/vaults", "kv-2018", "{}", R"(, "apiVersion": "2018-02-14")"),
      resource("Microsoft.KeyVault/vaults", "kv-export", R"({"privateEndpointConnections": [
          {"name": "pe", "properties": {"privateLinkServiceConnectionState": {"status": "Rejected"}}}]})"),
  }));
  INFO(fmt::format("{}", fmt::join(r.diags, "\n")));
  CHECK(r.diags.empty());
  const auto& kv1 = service(r.model, "kv1");
  CHECK(setting(kv1.enable_purge_protection) == "true@/0/properties/enablePurgeProtection");
  CHECK(setting(kv1.enable_soft_delete) == "false@/0/properties/enableSoftDelete");
  CHECK(kv1.create_mode == "recover");
  CHECK(kv1.default_action_where.pointer == "/0/properties/networkAcls/defaultAction");
  // Absent: on from API version 2019-09-01, off before; without an apiVersion (exports), today's default (on).
  CHECK(setting(service(r.model, "kv-2019").enable_soft_delete) == "true@/1");
  CHECK(setting(service(r.model, "kv-2018").enable_soft_delete) == "false@/2");
  const auto& exported = service(r.model, "kv-export");
  CHECK(setting(exported.enable_soft_delete) == "true@/3");
  CHECK(setting(exported.enable_purge_protection) == "absent@/3");
  CHECK(exported.create_mode.empty());
  CHECK(connections(exported) == std::vector<std::string>{"pe Rejected@/3/properties/privateEndpointConnections/0"});
}

TEST_CASE("paas posture: sites in an App Service Environment and their kind and HTTPS only", "[azure][posture]") {
  auto r = import_json(list({
      resource("Microsoft.Web/sites", "app1",
               R"({"httpsOnly": true, "publicNetworkAccess": "Enabled",
                   "hostingEnvironmentProfile": {"id": "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Web/hostingEnvironments/ase1"}})",
               R"(, "kind": "app")"),
      resource("Microsoft.Web/sites", "fn1", R"({"hostingEnvironmentProfile": null})",
               R"(, "kind": "functionapp,linux")"),
      resource("Microsoft.Sql/servers", "sql1", R"({"privateEndpointConnections": [
          {"name": "pe", "properties": {"privateLinkServiceConnectionState": {"status": "Approved"}}}]})"),
  }));
  INFO(fmt::format("{}", fmt::join(r.diags, "\n")));
  CHECK(r.diags.empty());
  const auto& app = service(r.model, "app1");
  CHECK(app.in_app_service_environment);
  CHECK(app.site_kind == "app");
  CHECK(app.https_only_where.pointer == "/0/properties/httpsOnly");
  CHECK(app.public_network_access_where.pointer == "/0/properties/publicNetworkAccess");
  const auto& fn = service(r.model, "fn1");
  CHECK_FALSE(fn.in_app_service_environment);
  CHECK(fn.site_kind == "functionapp,linux");
  CHECK(fn.https_only_where.pointer == "/1");
  CHECK(connections(service(r.model, "sql1")) ==
        std::vector<std::string>{"pe Approved@/2/properties/privateEndpointConnections/0"});
}

// ---- ARM template ----

TEST_CASE("paas posture: from an ARM template with nested containers and unknown values", "[arm-template][posture]") {
  model::Model m;
  model::Diagnostics d;
  exposim::importers::import_inputs({std::string(EXPOSIM_SOURCE_DIR) + "/tests/data/paas_posture_template.json"}, {}, m,
                                    d);
  model::validate(m, d, model::ValidateOptions{true});
  const auto& st = service(m, "sttmpl");
  CHECK(setting(st.allow_blob_public_access) == "false@/resources/0/properties/allowBlobPublicAccess");
  CHECK(st.https_only_where.pointer == "/resources/0/properties/supportsHttpsTrafficOnly");
  CHECK(st.default_action_where.pointer == "/resources/0/properties/networkAcls/defaultAction");
  CHECK(st.public_network_access_where.pointer == "/resources/0");
  // The nested container (flattened by the expander) and a separate one.
  CHECK(containers(st) == std::vector<std::string>{"public Container@/resources/0/resources/0/properties/publicAccess",
                                                   "private None@/resources/1"});
  const auto& unknown = service(m, "stunknown");
  CHECK(setting(unknown.allow_blob_public_access) == "unknown@/resources/2/properties/allowBlobPublicAccess");
  REQUIRE(unknown.containers.size() == 1);
  CHECK(unknown.containers[0].unknown);
  CHECK(unknown.containers[0].public_access.empty());
  const auto& kv = service(m, "kvtmpl");
  CHECK(setting(kv.enable_purge_protection) == "unknown@/resources/4/properties/enablePurgeProtection");
  CHECK(setting(kv.enable_soft_delete) == "true@/resources/4");  // API version 2019-09-01
  CHECK(kv.create_mode == "recover");
  CHECK(setting(service(m, "kvold").enable_soft_delete) == "false@/resources/5");  // API version 2018-02-14
  const auto& fn = service(m, "fntmpl");
  CHECK(fn.in_app_service_environment);
  CHECK(fn.site_kind == "functionapp");
  CHECK(fn.https_only_where.pointer == "/resources/6/properties/httpsOnly");
}

// ---- Terraform plan ----

TEST_CASE("paas posture: from a Terraform plan", "[terraform][posture]") {
  const auto r = terraform_support::import_terraform("paas_posture.json");
  const std::string at = "/planned_values/root_module/resources/";
  const auto& st = service(r.model, "stposture");
  CHECK(setting(st.allow_blob_public_access) == "false@" + at + "0/values/allow_nested_items_to_be_public");
  CHECK(st.https_only_where.pointer == at + "0/values/https_traffic_only_enabled");
  CHECK(st.public_network_access_where.pointer == at + "0/values/public_network_access_enabled");
  CHECK(containers(st) == std::vector<std::string>{
                              "c-blob Blob@" + at + "3/values/container_access_type",
                              "c-private None@" + at + "4/values/container_access_type",
                              "c-unknown unknown@" + at + "5/values/container_access_type",
                          });
  CHECK(setting(service(r.model, "stlegacy").allow_blob_public_access) ==
        "true@" + at + "1/values/allow_blob_public_access");
  CHECK(setting(service(r.model, "stunknown").allow_blob_public_access) ==
        "unknown@" + at + "2/values/allow_nested_items_to_be_public");
  const auto& kv = service(r.model, "kvposture");
  CHECK(setting(kv.enable_purge_protection) == "true@" + at + "6/values/purge_protection_enabled");
  // azurerm 3 and later always enable soft delete: absent from the plan, on.
  CHECK(kv.enable_soft_delete.is(true));
  CHECK(setting(service(r.model, "kvunknown").enable_purge_protection) ==
        "unknown@" + at + "7/values/purge_protection_enabled");
  CHECK(service(r.model, "fnposture").site_kind == "functionapp");
  CHECK(service(r.model, "webposture").site_kind == "app");
  CHECK(service(r.model, "webposture").https_only_where.pointer == at + "9/values/https_only");
}
