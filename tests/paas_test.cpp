// PaaS public endpoints and private endpoints (docs/model.md#private-endpoints-and-paas-public-endpoints): importer
// cases with exact diagnostics, validation, and solver scenarios. Expected values are worked out by hand from Azure's
// documentation (docs/model.md#private-endpoints-and-paas-public-endpoints): public network access Disabled closes the
// public endpoint whatever the rules say; with defaultAction Deny only the IP rules admit; SQL admits only its firewall
// rules; App Service restrictions are first match by priority, then the default action.
#include <catch2/catch.hpp>

#include <fmt/format.h>

#include <string>
#include <vector>

#include "importers/azure/resource_importer.h"
#include "model/unknown.h"
#include "model/validate.h"
#include "resource_json.h"
#include "solver/exposure.h"
#include "solver/paas_hop.h"

namespace {

using exposim::testing::resource_json::kRg;
using exposim::testing::resource_json::list;
using exposim::testing::resource_json::printed;
using exposim::testing::resource_json::resource;
using exposim::testing::resource_json::show;

namespace az = exposim::importers::azure;
namespace model = exposim::model;
namespace solver = exposim::solver;
using model::Access;
using model::PaasKind;
using model::PublicNetworkAccess;

struct PaasImport {
  model::Model model;
  std::vector<std::string> diags;  // import and validation, sorted, as printed
};

PaasImport import_and_validate(std::string_view text, bool validate = true) {
  PaasImport r;
  model::Diagnostics d;
  az::import_text(text, "t.json", r.model, d);
  if (validate) model::validate(r.model, d);
  r.diags = printed(d);
  return r;
}

model::IpSet set_of(const std::vector<std::string>& cidrs) {
  model::IpSet s;
  for (const auto& c : cidrs) s = s.unite(model::to_set(*model::IpPrefix::parse(c)));
  return s;
}

model::PortSet tcp_ports(std::initializer_list<std::uint16_t> ports) {
  model::PortSet s;
  for (auto p : ports) s.add(p, p);
  return s;
}

}  // namespace

// ---- importer ----

TEST_CASE("paas: storage account fields", "[azure]") {
  auto r = import_and_validate(list({resource("Microsoft.Storage/storageAccounts", "st1",
                                              R"({"publicNetworkAccess": "enabled", "supportsHttpsTrafficOnly": false,
          "networkAcls": {"bypass": "AzureServices, Logging", "defaultAction": "Deny",
                          "ipRules": [{"value": "52.10.0.0/16", "action": "Allow"}, {"value": "52.11.1.7"}],
                          "virtualNetworkRules": [{"id": "/subscriptions/s/x/subnets/a", "action": "Allow"}]},
          "primaryEndpoints": {"blob": "https://st1.blob.core.windows.net/"}})",
                                              R"(, "kind": "StorageV2")")}));
  INFO(show(r.diags));
  CHECK(r.diags.empty());
  REQUIRE(r.model.paas_services.size() == 1);
  const auto& s = r.model.paas_services[0];
  CHECK(s.kind == PaasKind::kStorage);
  CHECK(s.public_network_access == PublicNetworkAccess::kEnabled);
  CHECK(s.default_action == Access::kDeny);
  CHECK(s.bypass == "AzureServices, Logging");
  CHECK_FALSE(s.https_only);
  CHECK(s.host_name == "st1.blob.core.windows.net");
  // 443, plus 80 without secure transfer, plus 445 (Azure Files over SMB) for a general-purpose account.
  CHECK(s.tcp_ports == tcp_ports({80, 443, 445}));
  REQUIRE(s.ip_rules.size() == 2);
  CHECK(s.ip_rules[0].addresses == set_of({"52.10.0.0/16"}));
  CHECK(s.ip_rules[0].text == "52.10.0.0/16");
  CHECK(s.ip_rules[1].addresses == set_of({"52.11.1.7/32"}));
  CHECK(s.ip_rules[1].action == Access::kAllow);
  REQUIRE(s.virtual_network_rules.size() == 1);
  CHECK(s.virtual_network_rules[0].id == "/subscriptions/s/x/subnets/a");
}

TEST_CASE("paas: the az CLI's flattened storage shape (networkRuleSet, ipAddressOrRange)", "[azure]") {
  auto r = import_and_validate(fmt::format(R"([{{"id": "{}/Microsoft.Storage/storageAccounts/st1", "name": "st1",
      "type": "Microsoft.Storage/storageAccounts", "kind": "StorageV2", "enableHttpsTrafficOnly": false,
      "publicNetworkAccess": null,
      "networkRuleSet": {{"defaultAction": "Deny", "bypass": "AzureServices",
                          "ipRules": [{{"action": "Allow", "ipAddressOrRange": "52.10.0.0/16"}}]}}}}])",
                                           kRg));
  INFO(show(r.diags));
  CHECK(r.diags.empty());
  REQUIRE(r.model.paas_services.size() == 1);
  const auto& s = r.model.paas_services[0];
  CHECK(s.flattened);
  CHECK(s.public_network_access == PublicNetworkAccess::kEnabled);  // null = absent
  CHECK(s.default_action == Access::kDeny);
  CHECK_FALSE(s.https_only);
  CHECK(s.tcp_ports == tcp_ports({80, 443, 445}));
  REQUIRE(s.ip_rules.size() == 1);
  CHECK(s.ip_rules[0].addresses == set_of({"52.10.0.0/16"}));
  CHECK(s.ip_rules[0].where.pointer == "/0/networkRuleSet/ipRules/0");
}

TEST_CASE("paas: assumptions are warnings (perimeter, Azure datacenters)", "[azure]") {
  auto r = import_and_validate(list({
      resource("Microsoft.KeyVault/vaults", "kv1", R"({"publicNetworkAccess": "SecuredByPerimeter"})"),
      resource("Microsoft.DocumentDB/databaseAccounts", "cos1",
               R"({"ipRules": [{"ipAddressOrRange": "0.0.0.0"}], "ipRangeFilter": "52.1.0.0/16, 0.0.0.0"})"),
  }));
  const std::string azure =
      "warning: '0.0.0.0' allows connections from Azure datacenters, other customers' "
      "resources included; Azure's ranges are not resolved: taken as the whole internet "
      "[unresolved-service-tag]";
  CHECK(r.diags == std::vector<std::string>{
                       "t.json: /0/properties/publicNetworkAccess: warning: 'kv1' is secured by a network security "
                       "perimeter, not modelled: its public endpoint is assumed to admit the whole internet "
                       "[unmodelled-feature]",
                       "t.json: /1/properties/ipRangeFilter: " + azure,
                       "t.json: /1/properties/ipRules/0/ipAddressOrRange: " + azure});
  REQUIRE(r.model.paas_services.size() == 2);
  CHECK(r.model.paas_services[0].public_network_access == PublicNetworkAccess::kSecuredByPerimeter);
  const auto& cos = r.model.paas_services[1];
  REQUIRE(cos.ip_rules.size() == 3);
  CHECK(cos.ip_rules[0].unresolved);
  CHECK(cos.ip_rules[1].addresses == set_of({"52.1.0.0/16"}));
  CHECK(cos.ip_rules[2].unresolved);
  CHECK(cos.default_action == Access::kDeny);
}

TEST_CASE("paas: defaults when fields are absent", "[azure]") {
  auto r = import_and_validate(list({
      resource("Microsoft.Storage/storageAccounts", "st1", "{}", R"(, "kind": "BlockBlobStorage")"),
      resource("Microsoft.KeyVault/vaults", "kv1", R"({"vaultUri": "https://kv1.vault.azure.net/"})"),
      resource("Microsoft.Sql/servers", "sql1", R"({"fullyQualifiedDomainName": "sql1.database.windows.net"})"),
      resource("Microsoft.DocumentDB/databaseAccounts", "cos1",
               R"({"documentEndpoint": "https://cos1.documents.azure.com:443/"})"),
      resource("Microsoft.Web/sites", "app1", R"({"defaultHostName": "app1.azurewebsites.net"})"),
  }));
  INFO(show(r.diags));
  CHECK(r.diags.empty());
  REQUIRE(r.model.paas_services.size() == 5);
  const auto& st = r.model.paas_services[0];
  CHECK(st.public_network_access == PublicNetworkAccess::kEnabled);
  CHECK(st.default_action == Access::kAllow);
  CHECK(st.https_only);                     // secure transfer is on by default
  CHECK(st.tcp_ports == tcp_ports({443}));  // blob-only kind: no SMB
  CHECK(st.host_name.empty());
  const auto& kv = r.model.paas_services[1];
  CHECK(kv.kind == PaasKind::kKeyVault);
  CHECK(kv.host_name == "kv1.vault.azure.net");
  CHECK(kv.default_action == Access::kAllow);
  CHECK(kv.tcp_ports == tcp_ports({443}));
  const auto& sql = r.model.paas_services[2];
  CHECK(sql.kind == PaasKind::kSqlServer);
  CHECK(sql.default_action == Access::kDeny);  // only firewall rules admit
  // 1433, and 11000-11999: the Default connection policy redirects clients inside Azure to the database nodes.
  auto sql_ports = tcp_ports({1433});
  sql_ports.add(11000, 11999);
  CHECK(sql.tcp_ports == sql_ports);
  CHECK(sql.host_name == "sql1.database.windows.net");
  const auto& cos = r.model.paas_services[3];
  CHECK(cos.kind == PaasKind::kCosmosDb);
  CHECK(cos.default_action == Access::kAllow);  // no IP rules, no virtual network filter
  auto cos_ports = tcp_ports({443});
  cos_ports.add(10000, 20000);  // the NoSQL API's direct mode
  CHECK(cos.tcp_ports == cos_ports);
  CHECK(cos.host_name == "cos1.documents.azure.com");
  const auto& app = r.model.paas_services[4];
  CHECK(app.kind == PaasKind::kAppService);
  CHECK_FALSE(app.https_only);  // httpsOnly defaults to false
  CHECK(app.tcp_ports == tcp_ports({80, 443}));
  CHECK(app.default_action == Access::kAllow);  // no restrictions at all
}

TEST_CASE("paas: the ports each service answers on", "[azure]") {
  // Storage: HTTPS 443 always, SMB 445 for Azure Files (secure transfer does not close it), HTTP 80 only without
  // secure transfer. App Service: 443, and 80 unless httpsOnly (then 80 only redirects to 443). SQL: 1433,
  // plus 11000-11999 unless the connection policy is Proxy. Cosmos DB: 443, plus its API's own ports.
  const std::string sql = kRg + "/Microsoft.Sql/servers/";
  auto r = import_and_validate(list({
      resource("Microsoft.Storage/storageAccounts", "secure", R"({"supportsHttpsTrafficOnly": true})",
               R"(, "kind": "StorageV2")"),
      resource("Microsoft.Storage/storageAccounts", "files", "{}", R"(, "kind": "FileStorage")"),
      resource("Microsoft.Web/sites", "httpsonly", R"({"httpsOnly": true})"),
      resource("Microsoft.Sql/servers", "proxied", "{}"),
      resource("Microsoft.Sql/servers", "redirected", "{}"),
      fmt::format(R"({{"id": "{0}proxied/connectionPolicies/Default", "name": "proxied/Default",
                      "type": "Microsoft.Sql/servers/connectionPolicies", "properties": {{"connectionType": "Proxy"}}}})",
                  sql),
      fmt::format(R"({{"id": "{0}redirected/connectionPolicies/Default", "name": "redirected/Default",
                      "type": "Microsoft.Sql/servers/connectionPolicies",
                      "properties": {{"connectionType": "Redirect"}}}})",
                  sql),
      resource("Microsoft.DocumentDB/databaseAccounts", "mongo", "{}", R"(, "kind": "MongoDB")"),
      resource("Microsoft.DocumentDB/databaseAccounts", "cassandra",
               R"({"capabilities": [{"name": "EnableCassandra"}]})", R"(, "kind": "GlobalDocumentDB")"),
      resource("Microsoft.DocumentDB/databaseAccounts", "table", R"({"capabilities": [{"name": "EnableTable"}]})"),
  }));
  INFO(show(r.diags));
  CHECK(r.diags.empty());
  REQUIRE(r.model.paas_services.size() == 8);
  const auto& ps = r.model.paas_services;
  CHECK(ps[0].tcp_ports == tcp_ports({443, 445}));
  CHECK(ps[1].tcp_ports == tcp_ports({443, 445}));
  CHECK(ps[2].https_only);
  CHECK(ps[2].tcp_ports == tcp_ports({443}));  // HTTP is only redirected to HTTPS: no data on 80
  CHECK(ps[3].tcp_ports == tcp_ports({1433}));
  auto redirect = tcp_ports({1433});
  redirect.add(11000, 11999);
  CHECK(ps[4].tcp_ports == redirect);
  auto mongo = tcp_ports({443});
  mongo.add(10250, 10256);
  CHECK(ps[5].tcp_ports == mongo);
  CHECK(ps[6].tcp_ports == tcp_ports({443, 10350}));
  CHECK(ps[7].tcp_ports == tcp_ports({443}));
}

TEST_CASE("paas: storage secure transfer defaults by API version", "[azure]") {
  // supportsHttpsTrafficOnly defaults to true only from API version 2019-04-01: an account deployed with an older
  // apiVersion and without the property accepts HTTP on 80. Without an apiVersion (exports), today's default.
  auto r = import_and_validate(list({
      resource("Microsoft.Storage/storageAccounts", "old", "{}",
               R"(, "kind": "StorageV2", "apiVersion": "2018-07-01")"),
      resource("Microsoft.Storage/storageAccounts", "old-secure", R"({"supportsHttpsTrafficOnly": true})",
               R"(, "kind": "StorageV2", "apiVersion": "2018-07-01")"),
      resource("Microsoft.Storage/storageAccounts", "since", "{}",
               R"(, "kind": "StorageV2", "apiVersion": "2019-04-01")"),
      resource("Microsoft.Storage/storageAccounts", "preview", "{}",
               R"(, "kind": "StorageV2", "apiVersion": "2018-03-01-preview")"),
      resource("Microsoft.Storage/storageAccounts", "export", "{}", R"(, "kind": "StorageV2")"),
  }));
  INFO(show(r.diags));
  CHECK(r.diags.empty());
  REQUIRE(r.model.paas_services.size() == 5);
  const auto& ps = r.model.paas_services;
  CHECK_FALSE(ps[0].https_only);
  CHECK(ps[0].tcp_ports == tcp_ports({80, 443, 445}));
  CHECK(ps[1].tcp_ports == tcp_ports({443, 445}));
  CHECK(ps[2].tcp_ports == tcp_ports({443, 445}));
  CHECK(ps[3].tcp_ports == tcp_ports({80, 443, 445}));
  CHECK(ps[4].tcp_ports == tcp_ports({443, 445}));
}

TEST_CASE("paas: a bad connection policy is reported", "[azure]") {
  const std::string sql = kRg + "/Microsoft.Sql/servers/";
  auto r = import_and_validate(list({
      resource("Microsoft.Sql/servers", "s1", "{}"),
      fmt::format(R"({{"id": "{0}s1/connectionPolicies/Default", "name": "s1/Default",
                      "type": "Microsoft.Sql/servers/connectionPolicies", "properties": {{"connectionType": "Fast"}}}})",
                  sql),
  }));
  CHECK(r.diags ==
        std::vector<std::string>{"t.json: /1/properties/connectionType: error: connection type 'Fast' is not "
                                 "Default, Redirect or Proxy [invalid-value]"});
}

TEST_CASE("paas: SQL firewall rules are child resources, in this file or another", "[azure]") {
  const std::string sql = kRg + "/Microsoft.Sql/servers/sql1";
  auto r = import_and_validate(list({
      fmt::format(R"({{"id": "{}/firewallRules/office", "type": "Microsoft.Sql/servers/firewallRules",
                      "properties": {{"startIpAddress": "52.20.1.0", "endIpAddress": "52.20.1.255"}}}})",
                  sql),
      resource("Microsoft.Sql/servers", "sql1", "{}"),
      fmt::format(R"({{"id": "{}/firewallRules/AllowAllWindowsAzureIps", "name": "AllowAllWindowsAzureIps",
                      "type": "Microsoft.Sql/servers/firewallRules",
                      "properties": {{"startIpAddress": "0.0.0.0", "endIpAddress": "0.0.0.0"}}}})",
                  sql),
  }));
  CHECK(r.diags == std::vector<std::string>{
                       "t.json: /2: warning: firewall rule 'AllowAllWindowsAzureIps' (0.0.0.0-0.0.0.0) allows all "
                       "Azure services, other customers' included; Azure's ranges are not resolved: taken as the whole "
                       "internet [unresolved-service-tag]"});
  REQUIRE(r.model.paas_services.size() == 1);
  const auto& rules = r.model.paas_services[0].ip_rules;
  REQUIRE(rules.size() == 2);
  CHECK(rules[0].name == "office");
  CHECK(rules[0].addresses == set_of({"52.20.1.0/24"}));
  CHECK_FALSE(rules[0].unresolved);
  CHECK(rules[1].name == "AllowAllWindowsAzureIps");
  CHECK(rules[1].unresolved);
  CHECK(rules[1].addresses.empty());
}

TEST_CASE("paas: SQL virtual network rules are child resources that admit their subnet", "[azure]") {
  // Microsoft.Sql/servers/virtualNetworkRules: `virtualNetworkSubnetId` joins the server's virtual network rules
  // (ids compared canonical, lowercase); the same subnet twice is kept once; a subnet only known at deployment is kept
  // unknown (it may be any subnet).
  const std::string sql = kRg + "/Microsoft.Sql/servers/sql1";
  const std::string subnet =
      "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Network/virtualNetworks/v/"
      "subnets/Web";
  auto r = import_and_validate(
      list({
          fmt::format(R"({{"id": "{}/virtualNetworkRules/web", "type": "Microsoft.Sql/servers/virtualNetworkRules",
                      "properties": {{"virtualNetworkSubnetId": "{}", "ignoreMissingVnetServiceEndpoint": true}}}})",
                      sql, subnet),
          resource("Microsoft.Sql/servers", "sql1", "{}"),
          fmt::format(R"({{"id": "{}/virtualNetworkRules/again", "type": "Microsoft.Sql/servers/virtualNetworkRules",
                      "properties": {{"virtualNetworkSubnetId": "{}"}}}})",
                      sql, model::canonical_id(subnet)),
          fmt::format(R"({{"id": "{}/virtualNetworkRules/later", "type": "Microsoft.Sql/servers/virtualNetworkRules",
                      "properties": {{"virtualNetworkSubnetId": "\u0001unknown:output of a linked deployment"}}}})",
                      sql),
      }),
      false);
  REQUIRE(r.model.paas_services.size() == 1);
  const auto& rules = r.model.paas_services[0].virtual_network_rules;
  REQUIRE(rules.size() == 2);
  CHECK(rules[0].id == "/subscriptions/s/resourcegroups/rg/providers/microsoft.network/virtualnetworks/v/subnets/web");
  CHECK_FALSE(model::is_unknown(rules[0]));
  CHECK(model::is_unknown(rules[1]));
  CHECK(r.model.paas_services[0].ip_rules.empty());
}

TEST_CASE("paas: a SQL virtual network rule without its server or its subnet is reported", "[azure]") {
  const std::string sql = kRg + "/Microsoft.Sql/servers/sql1";
  SECTION("no server: dangling, at the rule") {
    auto r = import_and_validate(list({
        resource("Microsoft.Storage/storageAccounts", "st1", "{}"),
        fmt::format(R"({{"id": "{}/virtualNetworkRules/web", "type": "Microsoft.Sql/servers/virtualNetworkRules",
                      "properties": {{"virtualNetworkSubnetId": "/subscriptions/s/x/subnets/y"}}}})",
                    sql),
    }));
    CHECK(r.diags ==
          std::vector<std::string>{"t.json: /1: error: virtual network rule 'web' has no parent: SQL server '" + sql +
                                   "' is not in the input [dangling-parent]"});
  }
  SECTION("no subnet: missing field, and the rule is left out") {
    auto r = import_and_validate(list({
        resource("Microsoft.Sql/servers", "sql1", "{}"),
        fmt::format(R"({{"id": "{}/virtualNetworkRules/web", "type": "Microsoft.Sql/servers/virtualNetworkRules",
                      "properties": {{"ignoreMissingVnetServiceEndpoint": false}}}})",
                    sql),
    }));
    CHECK(r.diags ==
          std::vector<std::string>{
              "t.json: /1: error: virtual network rule 'web' has no 'virtualNetworkSubnetId' [missing-field]"});
    REQUIRE(r.model.paas_services.size() == 1);
    CHECK(r.model.paas_services[0].virtual_network_rules.empty());
  }
}

TEST_CASE("paas: App Service restrictions are sorted by priority, implicit deny when any exist", "[azure]") {
  auto r = import_and_validate(list({resource("Microsoft.Web/sites", "app1", R"({"httpsOnly": true,
      "siteConfig": {"ipSecurityRestrictions": [
        {"ipAddress": "52.40.0.0/16", "action": "Allow", "priority": 200, "name": "b"},
        {"ipAddress": "52.40.1.0/24,52.41.0.0/16", "action": "Deny", "priority": 100, "name": "a"},
        {"ipAddress": "AzureFrontDoor.Backend", "tag": "ServiceTag", "action": "Allow", "priority": 300, "name": "fd"},
        {"vnetSubnetResourceId": "/subscriptions/s/x/subnets/y", "action": "Allow", "priority": 150, "name": "sub"}]}})")}));
  CHECK(r.diags == std::vector<std::string>{
                       "t.json: /0/properties/siteConfig/ipSecurityRestrictions/2/ipAddress: warning: service tag "
                       "'AzureFrontDoor.Backend' is not resolved to addresses: allow rules treat it as the whole "
                       "internet, deny rules as nothing (--service-tags FILE resolves it to its published prefixes) "
                       "[unresolved-service-tag]"});
  REQUIRE(r.model.paas_services.size() == 1);
  const auto& s = r.model.paas_services[0];
  CHECK(s.tcp_ports == tcp_ports({443}));
  CHECK(s.default_action == Access::kDeny);
  REQUIRE(s.ip_rules.size() == 4);
  CHECK(s.ip_rules[0].name == "a");
  CHECK(s.ip_rules[0].action == Access::kDeny);
  CHECK(s.ip_rules[0].addresses == set_of({"52.40.1.0/24", "52.41.0.0/16"}));
  CHECK(s.ip_rules[1].name == "sub");
  CHECK(s.ip_rules[1].subnet_only);
  CHECK(s.ip_rules[2].name == "b");
  CHECK(s.ip_rules[3].name == "fd");
  CHECK(s.ip_rules[3].unresolved);
}

TEST_CASE("paas: the separate config/web resource replaces a site's access restrictions", "[azure]") {
  const std::string site = kRg + "/Microsoft.Web/sites/app1";
  auto r = import_and_validate(list({
      fmt::format(R"({{"id": "{}/config/web", "name": "web", "type": "Microsoft.Web/sites/config",
                      "properties": {{"ipSecurityRestrictionsDefaultAction": "Allow", "ipSecurityRestrictions": [
                        {{"ipAddress": "52.9.0.0/16", "action": "Deny", "priority": 100, "name": "block"}}]}}}})",
                  site),
      fmt::format(R"({{"id": "{}/config/appsettings", "name": "appsettings", "type": "Microsoft.Web/sites/config",
                      "properties": {{"KEY": "value"}}}})",
                  site),
      resource("Microsoft.Web/sites", "app1", R"({"siteConfig": {"ipSecurityRestrictions": null}})"),
      fmt::format(
          R"({{"id": "{}/Microsoft.Web/sites/gone/config/web", "name": "web", "type": "Microsoft.Web/sites/config",
                      "properties": {{"ipSecurityRestrictions": []}}}})",
          kRg),
  }));
  CHECK(r.diags == std::vector<std::string>{"t.json: /3: error: site configuration 'web' has no parent: App Service "
                                            "site '" +
                                            kRg +
                                            "/Microsoft.Web/sites/gone' is not in the input "
                                            "[dangling-parent]"});
  REQUIRE(r.model.paas_services.size() == 1);
  const auto& s = r.model.paas_services[0];
  CHECK(s.default_action == Access::kAllow);
  REQUIRE(s.ip_rules.size() == 1);
  CHECK(s.ip_rules[0].name == "block");
  CHECK(s.ip_rules[0].action == Access::kDeny);
}

TEST_CASE("paas: private endpoint fields and validation", "[azure]") {
  const std::string vnet = kRg + "/Microsoft.Network/virtualNetworks/v1";
  const std::string subnet = vnet + "/subnets/pe";
  const std::string nic = kRg + "/Microsoft.Network/networkInterfaces/pe1.nic";
  auto r = import_and_validate(list({
      fmt::format(R"({{"id": "{}", "type": "Microsoft.Network/virtualNetworks", "properties": {{
          "addressSpace": {{"addressPrefixes": ["10.60.0.0/16"]}},
          "subnets": [{{"name": "pe", "properties": {{"addressPrefix": "10.60.1.0/24"}}}}]}}}})",
                  vnet),
      fmt::format(R"({{"id": "{}", "type": "Microsoft.Network/networkInterfaces", "properties": {{"ipConfigurations": [
          {{"name": "c", "properties": {{"privateIPAddress": "10.60.1.4", "subnet": {{"id": "{}"}}}}}}]}}}})",
                  nic, subnet),
      resource("Microsoft.Storage/storageAccounts", "st1", R"({"publicNetworkAccess": "Disabled"})"),
      resource("Microsoft.Network/privateEndpoints", "pe1",
               fmt::format(R"({{"subnet": {{"id": "{}"}},
          "networkInterfaces": [{{"id": "{}"}}],
          "privateLinkServiceConnections": [{{"name": "c1", "properties": {{
              "privateLinkServiceId": "{}/Microsoft.Storage/storageAccounts/ST1", "groupIds": ["blob"],
              "privateLinkServiceConnectionState": {{"status": "Approved"}}}}}}],
          "manualPrivateLinkServiceConnections": [{{"name": "c2", "properties": {{
              "privateLinkServiceId": "{}/Microsoft.Storage/storageAccounts/st1", "groupIds": ["file"]}}}}],
          "ipConfigurations": [{{"name": "x", "properties": {{"privateIPAddress": "10.60.1.5"}}}}],
          "customDnsConfigs": [{{"fqdn": "st1.blob.core.windows.net", "ipAddresses": ["10.60.1.4"]}}]}})",
                           subnet, nic, kRg, kRg)),
  }));
  INFO(show(r.diags));
  CHECK(r.diags.empty());
  REQUIRE(r.model.private_endpoints.size() == 1);
  const auto& pe = r.model.private_endpoints[0];
  CHECK(pe.subnet.resolved());
  // 10.60.1.4 twice (DNS configuration and the NIC), 10.60.1.5 from ipConfigurations: sorted, unique.
  CHECK(pe.private_ips ==
        std::vector<model::IpAddress>{*model::IpAddress::parse("10.60.1.4"), *model::IpAddress::parse("10.60.1.5")});
  REQUIRE(pe.connections.size() == 2);
  CHECK(pe.connections[0].name == "c1");
  CHECK(pe.connections[0].status == model::ConnectionStatus::kApproved);
  CHECK(pe.connections[0].group_ids == std::vector<std::string>{"blob"});
  CHECK(pe.connections[0].target.index == 0);  // ids are case-insensitive
  CHECK(pe.connections[1].manual);
  CHECK(pe.connections[1].status == model::ConnectionStatus::kPending);  // manual, no state yet
  CHECK(r.model.paas_services[0].private_endpoints == std::vector<int>{0});
}

TEST_CASE("paas: a private endpoint's missing subnet or target is a note (it changes no answer)", "[azure]") {
  auto r = import_and_validate(list({resource("Microsoft.Network/privateEndpoints", "pe1",
                                              fmt::format(R"({{
      "subnet": {{"id": "{}/Microsoft.Network/virtualNetworks/v/subnets/gone"}},
      "privateLinkServiceConnections": [{{"name": "c1", "properties": {{
          "privateLinkServiceId": "{}/Microsoft.Storage/storageAccounts/gone", "groupIds": ["blob"]}}}}]}})",
                                                          kRg, kRg))}));
  const std::string p = "t.json: /0/properties";
  CHECK(r.diags ==
        std::vector<std::string>{
            p + "/privateLinkServiceConnections/0/properties/privateLinkServiceId: note: referenced "
                "paas-service '/subscriptions/s/resourcegroups/rg/providers/microsoft.storage/storageaccounts/"
                "gone' is not in the input [missing-reference]",
            p + "/subnet/id: note: referenced subnet '/subscriptions/s/resourcegroups/rg/providers/"
                "microsoft.network/virtualnetworks/v/subnets/gone' is not in the input; this does not change the "
                "analysis (add the file that declares it to the input to include it) [missing-reference]"});
}

TEST_CASE("paas: a private endpoint to a Private Link service is unmodelled, not missing", "[azure]") {
  // The service is in the input, but as a type exposim does not model: the warning says that, not that the
  // service is absent or a PaaS service.
  auto r = import_and_validate(list({
      resource("Microsoft.Network/privateLinkServices", "pls1", "{}"),
      resource("Microsoft.Network/privateEndpoints", "pe1",
               fmt::format(R"({{
          "privateLinkServiceConnections": [{{"name": "c1", "properties": {{
              "privateLinkServiceId": "{}/Microsoft.Network/privateLinkServices/PLS1"}}}}]}})",
                           kRg)),
  }));
  CHECK(r.diags ==
        std::vector<std::string>{
            "t.json: warning: skipped 1 resource of types not modelled yet: "
            "microsoft.network/privatelinkservices (1) [unmodelled-types]",
            "t.json: /1/properties/privateLinkServiceConnections/0/properties/privateLinkServiceId: note: "
            "private endpoint 'pe1' connects to Private Link service '/subscriptions/s/resourcegroups/rg/"
            "providers/microsoft.network/privatelinkservices/pls1', which is not modelled; a private endpoint "
            "adds no internet exposure [unmodelled-feature]"});
  REQUIRE(r.model.private_endpoints.size() == 1);
  CHECK_FALSE(r.model.private_endpoints[0].connections[0].target.resolved());
}

struct PaasBadCase {
  std::string resources;
  std::vector<std::string> diags;
};

TEST_CASE("paas: malformed fields give diagnostics with pointers", "[azure]") {
  const std::string sql = kRg + "/Microsoft.Sql/servers/sql1";
  const PaasBadCase cases[] = {
      {resource("Microsoft.Storage/storageAccounts", "st1", R"({"publicNetworkAccess": "Sometimes"})"),
       {"t.json: /0/properties/publicNetworkAccess: error: public network access 'Sometimes' is not Enabled, "
        "Disabled or SecuredByPerimeter [invalid-value]"}},
      {resource("Microsoft.KeyVault/vaults", "kv1", R"({"networkAcls": {"defaultAction": "Maybe"}})"),
       {"t.json: /0/properties/networkAcls/defaultAction: error: default action 'Maybe' is not Allow or Deny "
        "[invalid-value]"}},
      {resource("Microsoft.KeyVault/vaults", "kv1",
                R"({"networkAcls": {"ipRules": [{"value": "52.1.2.300"}, {}, 7]}})"),
       {"t.json: /0/properties/networkAcls/ipRules/0/value: error: address prefix '52.1.2.300' is not an IP address "
        "or CIDR prefix [invalid-value]",
        "t.json: /0/properties/networkAcls/ipRules/1: error: IP rule has no 'value' [missing-field]",
        "t.json: /0/properties/networkAcls/ipRules/2: error: IP rule is an integer, expected an object "
        "[invalid-type]"}},
      {resource("Microsoft.Storage/storageAccounts", "st1", R"({"supportsHttpsTrafficOnly": "yes"})"),
       {"t.json: /0/properties/supportsHttpsTrafficOnly: error: 'supportsHttpsTrafficOnly' is a string, expected a "
        "boolean [invalid-type]"}},
      {resource("Microsoft.DocumentDB/databaseAccounts", "c1", R"({"ipRules": [{"ipAddressOrRange": 5}]})"),
       {"t.json: /0/properties/ipRules/0/ipAddressOrRange: error: 'ipAddressOrRange' is an integer, expected a "
        "string [invalid-type]"}},
      {fmt::format(R"({{"id": "{}/firewallRules/r1", "type": "Microsoft.Sql/servers/firewallRules",
                       "properties": {{"startIpAddress": "52.20.1.9", "endIpAddress": "52.20.1.0"}}}})",
                   sql),
       {"t.json: /0: error: firewall rule 'r1': range 52.20.1.9-52.20.1.0 is empty (start after end) "
        "[invalid-value]"}},
      {fmt::format(R"({{"id": "{}/firewallRules/r1", "type": "Microsoft.Sql/servers/firewallRules",
                       "properties": {{"startIpAddress": "2001:db8::1"}}}})",
                   sql),
       {"t.json: /0: error: firewall rule 'r1' has no 'endIpAddress' [missing-field]",
        "t.json: /0/properties/startIpAddress: error: startIpAddress '2001:db8::1' is not an IPv4 address "
        "[invalid-value]"}},
      {fmt::format(R"({{"id": "{}/firewallRules/r1", "type": "Microsoft.Sql/servers/firewallRules",
                       "properties": {{"startIpAddress": "52.20.1.0", "endIpAddress": "52.20.1.9"}}}})",
                   sql),
       {"t.json: /0: error: firewall rule 'r1' has no parent: SQL server '" + sql +
        "' is not in the input [dangling-parent]"}},
      {resource("Microsoft.Web/sites", "app1", R"({"siteConfig": {"ipSecurityRestrictions": [
           {"ipAddress": "52.1.0.0/16", "action": "Permit", "priority": 100},
           {"ipAddress": "52.2.0.0/16", "action": "Allow", "priority": -4, "name": "n"},
           {"name": "empty"}], "ipSecurityRestrictionsDefaultAction": "Open"}})"),
       {"t.json: /0/properties/siteConfig/ipSecurityRestrictions/0/action: error: action 'Permit' is not Allow or "
        "Deny [invalid-value]",
        "t.json: /0/properties/siteConfig/ipSecurityRestrictions/1/priority: error: priority -4 not in "
        "0..2147483647 [invalid-value]",
        "t.json: /0/properties/siteConfig/ipSecurityRestrictions/2: error: access restriction 'empty' has no "
        "'ipAddress' or 'vnetSubnetResourceId' [missing-field]",
        "t.json: /0/properties/siteConfig/ipSecurityRestrictionsDefaultAction: error: default action 'Open' is not "
        "Allow or Deny [invalid-value]"}},
      {resource("Microsoft.Network/privateEndpoints", "pe1", R"({
           "privateLinkServiceConnections": [{"name": "c1", "properties": {"groupIds": ["blob"],
               "privateLinkServiceConnectionState": {"status": "Sleeping"}}}],
           "customDnsConfigs": [{"ipAddresses": ["10.1.1.300"]}]})"),
       {"t.json: /0/properties/customDnsConfigs/0/ipAddresses/0: error: IP address '10.1.1.300' is not an IP address "
        "[invalid-value]",
        "t.json: /0/properties/privateLinkServiceConnections/0: error: private link connection 'c1' has no "
        "'privateLinkServiceId' [missing-field]",
        "t.json: /0/properties/privateLinkServiceConnections/0/properties/privateLinkServiceConnectionState/status: "
        "error: connection status 'Sleeping' is not Approved, Pending, Rejected or Disconnected [invalid-value]"}},
  };
  for (const auto& c : cases) {
    INFO(c.resources);
    auto r = import_and_validate(list({c.resources}), false);
    CHECK(r.diags == c.diags);
  }
}

// ---- solver ----

namespace {

std::string paas_rid(const std::string& type, const std::string& name) { return kRg + "/" + type + "/" + name; }

model::PaasService service(PaasKind kind, const std::string& name, std::initializer_list<std::uint16_t> ports) {
  model::PaasService s;
  s.id = paas_rid("Microsoft.Test/services", name);
  s.key = model::canonical_id(s.id);
  s.name = name;
  s.kind = kind;
  s.host_name = name + ".example.net";
  s.tcp_ports = tcp_ports(ports);
  return s;
}

model::PaasIpRule rule(const std::string& text, Access action = Access::kAllow, int priority = 0,
                       const std::string& name = "") {
  model::PaasIpRule r;
  r.name = name;
  r.text = text;
  r.action = action;
  r.priority = priority;
  if (text == "Any") {
    r.addresses = model::all_v4().unite(model::all_v6());
  } else {
    r.addresses = model::to_set(*model::IpPrefix::parse(text));
  }
  return r;
}

/// "name tcp 443 <sources> scope#rule": one line per exposure, in the solver's order.
std::vector<std::string> paas_summary(const model::Model& m, const solver::Analysis& a) {
  std::vector<std::string> out;
  for (const auto& e : a.exposures) {
    REQUIRE(e.target_kind == model::ResourceKind::kPaasService);
    REQUIRE(e.nic == -1);
    REQUIRE(e.public_ip == -1);
    REQUIRE(e.via == solver::Via::kPaasPublic);
    REQUIRE(e.path.size() == 3);
    const auto& hop = e.path[1];
    REQUIRE(hop.kind == solver::Hop::Kind::kPaas);
    std::string sources;
    if (e.any_source) {
      sources = "any";
    } else {
      for (const auto& c : model::to_cidr_strings(e.sources)) sources += (sources.empty() ? "" : ",") + c;
    }
    out.push_back(fmt::format("{} {} {} {} {}#{}", m.paas_services[e.target].name, model::to_string(e.protocol),
                              model::to_string(e.ports), sources, hop.scope, hop.rule));
  }
  return out;
}

struct Solved {
  model::Model model;
  solver::Analysis analysis;
  std::vector<std::string> lines;
};

Solved solve(model::Model m) {
  model::Diagnostics d;
  model::validate(m, d);
  REQUIRE_FALSE(d.has_errors());
  Solved s;
  s.model = std::move(m);
  s.analysis = solver::analyze(s.model);
  s.lines = paas_summary(s.model, s.analysis);
  return s;
}

}  // namespace

TEST_CASE("paas solver: storage with public access disabled and a private endpoint is not exposed", "[solver]") {
  model::Model m;
  auto st = service(PaasKind::kStorage, "stdata", {443, 445});
  st.public_network_access = PublicNetworkAccess::kDisabled;
  st.ip_rules.push_back(rule("52.10.0.0/16"));  // ignored: Disabled overrides the firewall
  m.paas_services.push_back(st);
  model::PrivateEndpoint pe;
  pe.id = paas_rid("Microsoft.Network/privateEndpoints", "pe1");
  pe.key = model::canonical_id(pe.id);
  pe.name = "pe1";
  pe.private_ips.push_back(*model::IpAddress::parse("10.60.1.4"));
  model::PrivateLinkConnection c;
  c.name = "c";
  c.target.id = st.key;
  c.group_ids = {"blob"};
  pe.connections.push_back(c);
  m.private_endpoints.push_back(pe);
  const auto s = solve(m);
  CHECK(s.lines.empty());
  CHECK(s.analysis.paas_services_evaluated == 1);
  CHECK(s.model.paas_services[0].private_endpoints == std::vector<int>{0});
  CHECK(s.analysis.findings.sorted().empty());
}

TEST_CASE("paas solver: storage restricted to an IP range is exposed from exactly that range", "[solver]") {
  model::Model m;
  auto st = service(PaasKind::kStorage, "stlogs", {443, 445});
  st.default_action = Access::kDeny;
  st.ip_rules.push_back(rule("52.10.0.0/16"));
  st.ip_rules.push_back(rule("203.0.113.0/24"));  // documentation range: not internet (docs/model.md)
  m.paas_services.push_back(st);
  CHECK(solve(m).lines == std::vector<std::string>{"stlogs tcp 443,445 52.10.0.0/16 ip-rules#0"});
}

TEST_CASE("paas solver: overlapping allow rules attribute each source to the first rule", "[solver]") {
  model::Model m;
  auto kv = service(PaasKind::kKeyVault, "kv", {443});
  kv.default_action = Access::kDeny;
  kv.ip_rules.push_back(rule("52.10.0.0/17"));
  kv.ip_rules.push_back(rule("52.10.0.0/16"));
  m.paas_services.push_back(kv);
  CHECK(solve(m).lines ==
        std::vector<std::string>{"kv tcp 443 52.10.0.0/17 ip-rules#0", "kv tcp 443 52.10.128.0/17 ip-rules#1"});
}

TEST_CASE("paas solver: public access enabled with default action Allow is the whole internet", "[solver]") {
  model::Model m;
  auto st = service(PaasKind::kStorage, "stpublic", {443});
  st.ip_rules.push_back(rule("52.10.0.0/16"));  // rules do not matter when the default is Allow
  m.paas_services.push_back(st);
  const auto s = solve(m);
  CHECK(s.lines == std::vector<std::string>{"stpublic tcp 443 any default-action#-1"});
  REQUIRE(s.analysis.exposures.size() == 1);
  // The IPv4 internet: public IPv4 space, IPv6 not (public endpoints are modelled as IPv4 only).
  CHECK(s.analysis.exposures[0].sources.contains(model::IpAddress::parse("8.8.8.8")->value));
  CHECK_FALSE(s.analysis.exposures[0].sources.contains(model::IpAddress::parse("10.1.2.3")->value));
  CHECK_FALSE(s.analysis.exposures[0].sources.contains(model::IpAddress::parse("2a01:111::1")->value));
}

TEST_CASE("paas solver: Key Vault with public access disabled overrides its rules", "[solver]") {
  model::Model m;
  auto kv = service(PaasKind::kKeyVault, "kv", {443});
  kv.public_network_access = PublicNetworkAccess::kDisabled;
  kv.default_action = Access::kAllow;
  kv.ip_rules.push_back(rule("52.12.0.0/16"));
  m.paas_services.push_back(kv);
  auto kv2 = service(PaasKind::kKeyVault, "kv2", {443});
  kv2.default_action = Access::kDeny;  // enabled, Deny, no rules: closed too
  m.paas_services.push_back(kv2);
  const auto s = solve(m);
  CHECK(s.lines.empty());
  CHECK(s.analysis.paas_services_evaluated == 2);
}

TEST_CASE("paas solver: secured by perimeter is assumed to admit the internet, with a note", "[solver]") {
  model::Model m;
  auto st = service(PaasKind::kStorage, "st", {443});
  st.public_network_access = PublicNetworkAccess::kSecuredByPerimeter;
  st.default_action = Access::kDeny;
  m.paas_services.push_back(st);
  const auto s = solve(m);
  CHECK(s.lines == std::vector<std::string>{"st tcp 443 any public-network-access#-1"});
  CHECK(std::string(s.analysis.exposures[0].path[1].note).find("not modelled") != std::string::npos);
}

TEST_CASE("paas solver: SQL firewall rule range, and allow Azure services taken as the internet", "[solver]") {
  model::Model m;
  auto sql = service(PaasKind::kSqlServer, "sql", {1433});
  sql.default_action = Access::kDeny;
  model::PaasIpRule office;
  office.name = "office";
  office.addresses.add(model::IpAddress::parse("52.20.1.0")->value, model::IpAddress::parse("52.20.1.255")->value);
  sql.ip_rules.push_back(office);
  m.paas_services.push_back(sql);
  CHECK(solve(m).lines == std::vector<std::string>{"sql tcp 1433 52.20.1.0/24 firewall-rules#0"});

  model::PaasIpRule azure;
  azure.name = "AllowAllWindowsAzureIps";
  azure.unresolved = true;
  m.paas_services[0].ip_rules.insert(m.paas_services[0].ip_rules.begin(), azure);
  const auto s = solve(m);
  // The Azure rule comes first and admits everything (Azure's ranges are not resolved); the office rule
  // is left with nothing new.
  CHECK(s.lines == std::vector<std::string>{"sql tcp 1433 any firewall-rules#0"});
  CHECK(std::string(s.analysis.exposures[0].path[1].note).find("Azure services") != std::string::npos);
}

TEST_CASE("paas solver: SQL server without firewall rules is closed, with a note", "[solver]") {
  model::Model m;
  auto sql = service(PaasKind::kSqlServer, "sql", {1433});
  sql.default_action = Access::kDeny;
  m.paas_services.push_back(sql);
  const auto s = solve(m);
  CHECK(s.lines.empty());
  REQUIRE(s.analysis.findings.sorted().size() == 1);
  CHECK(s.analysis.findings.sorted()[0].code == "paas-rules-unknown");
}

TEST_CASE("paas solver: App Service restrictions are first match by priority", "[solver]") {
  model::Model m;
  auto app = service(PaasKind::kAppService, "app", {443});
  app.default_action = Access::kDeny;
  // As the importer leaves them: sorted by priority.
  app.ip_rules.push_back(rule("52.40.1.0/24", Access::kDeny, 100, "block-lab"));
  app.ip_rules.push_back(rule("52.40.0.0/16", Access::kAllow, 200, "partner"));
  app.ip_rules.push_back(rule("52.40.1.128/25", Access::kAllow, 300, "too-late"));  // shadowed by the deny
  m.paas_services.push_back(app);
  CHECK(solve(m).lines ==
        std::vector<std::string>{"app tcp 443 52.40.0.0/24,52.40.2.0/23,52.40.4.0/22,52.40.8.0/21,52.40.16.0/20,"
                                 "52.40.32.0/19,52.40.64.0/18,52.40.128.0/17 access-restrictions#1"});

  // Default action Allow: everything the rules do not decide is admitted too, except the denied range.
  // Exposures of one target sort by the rule indices on their path: the default action (-1) first.
  m.paas_services[0].default_action = Access::kAllow;
  const auto s = solve(m);
  REQUIRE(s.lines.size() == 2);
  CHECK(s.lines[1] ==
        "app tcp 443 52.40.0.0/24,52.40.2.0/23,52.40.4.0/22,52.40.8.0/21,52.40.16.0/20,52.40.32.0/19,"
        "52.40.64.0/18,52.40.128.0/17 access-restrictions#1");
  const auto& rest = s.analysis.exposures[0];
  CHECK(std::string(rest.path[1].scope) == "default-action");
  CHECK_FALSE(rest.sources.contains(model::IpAddress::parse("52.40.1.10")->value));
  CHECK_FALSE(rest.sources.contains(model::IpAddress::parse("52.40.7.10")->value));  // decided by "partner"
  CHECK(rest.sources.contains(model::IpAddress::parse("52.41.0.1")->value));
}

TEST_CASE("paas solver: App Service subnet rules and header rules", "[solver]") {
  model::Model m;
  auto app = service(PaasKind::kAppService, "app", {443});
  app.default_action = Access::kDeny;
  auto subnet = rule("52.50.0.0/16", Access::kAllow, 100, "subnet");
  subnet.subnet_only = true;  // service endpoint traffic: never internet
  auto deny_fd = rule("52.51.0.0/16", Access::kDeny, 110, "deny-with-header");
  deny_fd.has_headers = true;  // denies only some requests: taken as denying none
  auto allow = rule("52.51.0.0/16", Access::kAllow, 120, "allow");
  app.ip_rules = {subnet, deny_fd, allow};
  m.paas_services.push_back(app);
  CHECK(solve(m).lines == std::vector<std::string>{"app tcp 443 52.51.0.0/16 access-restrictions#2"});
}

TEST_CASE("paas solver: a private endpoint beside an open public endpoint gives a note, no exposure of its own",
          "[solver]") {
  model::Model m;
  auto st = service(PaasKind::kStorage, "st", {443});
  m.paas_services.push_back(st);
  model::PrivateEndpoint pe;
  pe.id = paas_rid("Microsoft.Network/privateEndpoints", "pe1");
  pe.key = model::canonical_id(pe.id);
  pe.name = "pe1";
  model::PrivateLinkConnection c;
  c.target.id = st.key;
  pe.connections.push_back(c);
  m.private_endpoints.push_back(pe);
  const auto s = solve(m);
  CHECK(s.lines == std::vector<std::string>{"st tcp 443 any default-action#-1"});
  REQUIRE(s.analysis.findings.sorted().size() == 1);
  CHECK(s.analysis.findings.sorted()[0].code == "public-beside-private-endpoint");
}

TEST_CASE("paas end to end: imported services, analysed", "[azure][solver]") {
  const std::string sql = kRg + "/Microsoft.Sql/servers/sql1";
  auto r = import_and_validate(list({
      // Restrictions without an explicit default action: Azure's implicit "deny all" follows them.
      resource("Microsoft.Web/sites", "app1", R"({"httpsOnly": false, "defaultHostName": "app1.azurewebsites.net",
          "siteConfig": {"ipSecurityRestrictions": [{"ipAddress": "52.40.0.0/16", "action": "Allow", "priority": 100}]}})"),
      // A firewall rule spanning every IPv4 address admits the whole internet (not the Azure-services rule).
      resource("Microsoft.Sql/servers", "sql1", R"({"publicNetworkAccess": "Enabled"})"),
      fmt::format(R"({{"id": "{}/firewallRules/all", "type": "Microsoft.Sql/servers/firewallRules",
                      "properties": {{"startIpAddress": "0.0.0.0", "endIpAddress": "255.255.255.255"}}}})",
                  sql),
      // Cosmos DB with only the virtual network filter on: closed to the internet.
      resource("Microsoft.DocumentDB/databaseAccounts", "cos1", R"({"isVirtualNetworkFilterEnabled": true,
          "virtualNetworkRules": [{"id": "/subscriptions/s/x/subnets/a"}]})"),
      // Key Vault without networkAcls: open.
      resource("Microsoft.KeyVault/vaults", "kv1", R"({"vaultUri": "https://kv1.vault.azure.net/"})"),
  }));
  INFO(show(r.diags));
  REQUIRE(r.diags.empty());
  const auto a = solver::analyze(r.model);
  CHECK(a.paas_services_evaluated == 4);
  // The site's SCM (Kudu) site has no restrictions of its own and does not use the main site's: open.
  CHECK(paas_summary(r.model, a) == std::vector<std::string>{"app1 tcp 80,443 any scm-default-action#-1",
                                                             "app1 tcp 80,443 52.40.0.0/16 access-restrictions#0",
                                                             "kv1 tcp 443 any default-action#-1",
                                                             "sql1 tcp 1433,11000-11999 any firewall-rules#0"});
  CHECK(a.findings.sorted().empty());
}

TEST_CASE("paas end to end: the App Service SCM (Kudu) site", "[azure][solver]") {
  auto r = import_and_validate(list({
      // Own SCM restrictions: first match by priority, implicit deny after them.
      resource("Microsoft.Web/sites", "own", R"({"httpsOnly": true, "defaultHostName": "own.azurewebsites.net",
          "siteConfig": {"ipSecurityRestrictions": [{"ipAddress": "52.40.0.0/16", "action": "Allow", "priority": 100}],
                         "scmIpSecurityRestrictions": [{"ipAddress": "52.41.0.0/16", "action": "Allow", "priority": 100,
                                                        "name": "ops"}]}})"),
      // The SCM site uses the main site's restrictions.
      resource("Microsoft.Web/sites", "main", R"({"httpsOnly": true, "defaultHostName": "main.azurewebsites.net",
          "siteConfig": {"scmIpSecurityRestrictionsUseMain": true, "ipSecurityRestrictionsDefaultAction": "Deny",
                         "ipSecurityRestrictions": [{"ipAddress": "52.42.0.0/16", "action": "Allow", "priority": 100}]}})"),
      // Public network access Disabled closes the SCM site too.
      resource("Microsoft.Web/sites", "off", R"({"publicNetworkAccess": "Disabled", "httpsOnly": true})"),
  }));
  INFO(show(r.diags));
  REQUIRE(r.diags.empty());
  REQUIRE(r.model.paas_services.size() == 3);
  CHECK(r.model.paas_services[0].scm_host_name == "own.scm.azurewebsites.net");
  const auto a = solver::analyze(r.model);
  CHECK(paas_summary(r.model, a) == std::vector<std::string>{"main tcp 443 52.42.0.0/16 access-restrictions#0",
                                                             "main tcp 443 52.42.0.0/16 scm-access-restrictions#0",
                                                             "own tcp 443 52.40.0.0/16 access-restrictions#0",
                                                             "own tcp 443 52.41.0.0/16 scm-access-restrictions#0"});
  for (const auto& e : a.exposures) {
    const auto& s = r.model.paas_services[e.target];
    const bool scm = solver::is_scm(e.path[1]);
    CHECK(solver::entry_host(s, e) == (scm ? s.scm_host_name : s.host_name));
    CHECK(solver::hop_rules(s, e.path[1]).size() == 1);
  }
}
