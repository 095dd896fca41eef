// PaaS public endpoints reached from inside the estate (solver/east_west.h, ReachOptions::paas; docs/model.md, "PaaS
// public endpoints from inside the estate"): scenario tests worked out by hand on a small estate written as Azure
// resource JSON.
#include <string>
#include <vector>

#include <fmt/format.h>
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "cli/explain_text.h"
#include "importers/azure/resource_importer.h"
#include "model/validate.h"
#include "solver/attack_path.h"
#include "solver/east_west.h"
#include "solver/explain.h"
#include "solver/exposure.h"

namespace {

using nlohmann::json;
namespace model = exposim::model;
namespace solver = exposim::solver;
using solver::HopKind;

const std::string kPaasRg = "/subscriptions/s/resourceGroups/rg/providers/";
const std::string kPaasVnet = kPaasRg + "Microsoft.Network/virtualNetworks/v";
const std::string kPaasWeb = kPaasVnet + "/subnets/web";

/// What the estate has: vnet v (10.0.0.0/16, westeurope) with subnet web (10.0.1.0/24) and AzureFirewallSubnet
/// (10.0.0.0/26, firewall fw at 10.0.0.4 with public IP 20.1.1.1); NIC web-nic at 10.0.1.4 in web, with public IP
/// pip-web 52.1.1.1 when `public_ip`; storage account st (StorageV2: 443 and 445) with defaultAction Deny and a
/// virtual network rule for web; SQL server sql (1433, 11000-11999) with one firewall rule for 52.1.1.1.
struct PaasEstate {
  bool endpoint{false};           // web has a Microsoft.Storage service endpoint
  bool endpoints_unknown{false};  // web's serviceEndpoints is a value only known at deployment
  bool public_ip{true};
  std::vector<std::string> st_ip_rules;
  std::string st_access{"Enabled"};
  std::string st_default{"Deny"};
  bool vnet_rule{true};
  json nsg_rules = json::array();  // outbound rules of web-nic's NSG (none: no NSG)
  bool udr_to_firewall{false};     // web's route table: 0.0.0.0/0 to the firewall
  json tag_route;                  // web's route table: this prefix (a service tag) to the firewall
  std::string mi_source;           // a SQL managed instance mi in subnet mi-subnet (10.0.2.0/24) with its public data
                                   // endpoint on, whose NSG admits 3342 from this address only (none: no instance)
  json fw_application = json::array();
  json fw_network = json::array();
  std::string sql_rule{"52.1.1.1"};  // the address SQL's firewall rule `web` admits
  std::string pip_sku{"Standard"};   // pip-web's SKU (Basic: open to the internet where no NSG applies)
  bool sql_endpoint{false};          // web has a Microsoft.Sql service endpoint
  std::string sql_vnet_rule;  // the subnet id of SQL's virtual network rule `web` (a separate resource); "": none
};

/// An outbound NSG rule: `access` to `destination` on TCP `ports` at `priority`.
json paas_out_rule(const std::string& name, int priority, const std::string& access, const std::string& destination,
                   const std::string& ports = "*") {
  return {{"name", name},
          {"properties",
           {{"priority", priority},
            {"direction", "Outbound"},
            {"access", access},
            {"protocol", "Tcp"},
            {"sourceAddressPrefix", "*"},
            {"sourcePortRange", "*"},
            {"destinationAddressPrefix", destination},
            {"destinationPortRange", ports}}}};
}

json paas_estate(const PaasEstate& e) {
  json web = {{"id", kPaasWeb}, {"name", "web"}, {"properties", {{"addressPrefix", "10.0.1.0/24"}}}};
  if (e.endpoint || e.sql_endpoint) web["properties"]["serviceEndpoints"] = json::array();
  if (e.endpoint) {
    web["properties"]["serviceEndpoints"].push_back({{"service", "Microsoft.Storage"}, {"locations", {"westeurope"}}});
  }
  if (e.sql_endpoint) {
    web["properties"]["serviceEndpoints"].push_back({{"service", "Microsoft.Sql"}, {"locations", {"westeurope"}}});
  }
  if (e.endpoints_unknown) web["properties"]["serviceEndpoints"] = "\x01unknown:parameter endpoints";
  const bool table = e.udr_to_firewall || !e.tag_route.is_null();
  if (table) web["properties"]["routeTable"] = {{"id", kPaasRg + "Microsoft.Network/routeTables/rt"}};
  json out = json::array();
  json subnets = {web,
                  {{"id", kPaasVnet + "/subnets/AzureFirewallSubnet"},
                   {"name", "AzureFirewallSubnet"},
                   {"properties", {{"addressPrefix", "10.0.0.0/26"}}}}};
  if (!e.mi_source.empty()) {
    subnets.push_back(
        {{"id", kPaasVnet + "/subnets/mi-subnet"},
         {"name", "mi-subnet"},
         {"properties",
          {{"addressPrefix", "10.0.2.0/24"},
           {"networkSecurityGroup", {{"id", kPaasRg + "Microsoft.Network/networkSecurityGroups/nsg-mi"}}}}}});
    json allow = paas_out_rule("allow-3342", 100, "Allow", "*", "3342");
    allow["properties"]["direction"] = "Inbound";
    allow["properties"]["sourceAddressPrefix"] = e.mi_source;
    out.push_back({{"id", kPaasRg + "Microsoft.Network/networkSecurityGroups/nsg-mi"},
                   {"name", "nsg-mi"},
                   {"type", "Microsoft.Network/networkSecurityGroups"},
                   {"location", "westeurope"},
                   {"properties", {{"securityRules", {allow}}}}});
    out.push_back(
        {{"id", kPaasRg + "Microsoft.Sql/managedInstances/mi"},
         {"name", "mi"},
         {"type", "Microsoft.Sql/managedInstances"},
         {"location", "westeurope"},
         {"properties", {{"subnetId", kPaasVnet + "/subnets/mi-subnet"}, {"publicDataEndpointEnabled", true}}}});
  }
  out.push_back({{"id", kPaasVnet},
                 {"name", "v"},
                 {"type", "Microsoft.Network/virtualNetworks"},
                 {"location", "westeurope"},
                 {"properties", {{"addressSpace", {{"addressPrefixes", {"10.0.0.0/16"}}}}, {"subnets", subnets}}}});
  json cfg = {{"name", "ipconfig1"},
              {"properties", {{"privateIPAddress", "10.0.1.4"}, {"subnet", {{"id", kPaasWeb}}}}}};
  if (e.public_ip) {
    cfg["properties"]["publicIPAddress"] = {{"id", kPaasRg + "Microsoft.Network/publicIPAddresses/pip-web"}};
    out.push_back({{"id", kPaasRg + "Microsoft.Network/publicIPAddresses/pip-web"},
                   {"name", "pip-web"},
                   {"type", "Microsoft.Network/publicIPAddresses"},
                   {"location", "westeurope"},
                   {"sku", {{"name", e.pip_sku}}},
                   {"properties", {{"ipAddress", "52.1.1.1"}, {"publicIPAllocationMethod", "Static"}}}});
  }
  json nic = {{"id", kPaasRg + "Microsoft.Network/networkInterfaces/web-nic"},
              {"name", "web-nic"},
              {"type", "Microsoft.Network/networkInterfaces"},
              {"location", "westeurope"},
              {"properties", {{"ipConfigurations", {cfg}}}}};
  if (!e.nsg_rules.empty()) {
    nic["properties"]["networkSecurityGroup"] = {{"id", kPaasRg + "Microsoft.Network/networkSecurityGroups/nsg"}};
    out.push_back({{"id", kPaasRg + "Microsoft.Network/networkSecurityGroups/nsg"},
                   {"name", "nsg"},
                   {"type", "Microsoft.Network/networkSecurityGroups"},
                   {"location", "westeurope"},
                   {"properties", {{"securityRules", e.nsg_rules}}}});
  }
  out.push_back(nic);
  if (table) {
    json routes = json::array();
    const auto to_fw = [](const std::string& name, const std::string& prefix) {
      return json{{"name", name},
                  {"properties",
                   {{"addressPrefix", prefix}, {"nextHopType", "VirtualAppliance"}, {"nextHopIpAddress", "10.0.0.4"}}}};
    };
    if (e.udr_to_firewall) routes.push_back(to_fw("default-to-fw", "0.0.0.0/0"));
    if (!e.tag_route.is_null()) routes.push_back(to_fw("tag-to-fw", e.tag_route.get<std::string>()));
    out.push_back({{"id", kPaasRg + "Microsoft.Network/routeTables/rt"},
                   {"name", "rt"},
                   {"type", "Microsoft.Network/routeTables"},
                   {"location", "westeurope"},
                   {"properties", {{"routes", routes}}}});
  }
  out.push_back({{"id", kPaasRg + "Microsoft.Network/publicIPAddresses/pip-fw"},
                 {"name", "pip-fw"},
                 {"type", "Microsoft.Network/publicIPAddresses"},
                 {"location", "westeurope"},
                 {"sku", {{"name", "Standard"}}},
                 {"properties", {{"ipAddress", "20.1.1.1"}, {"publicIPAllocationMethod", "Static"}}}});
  json fw_props = {{"ipConfigurations",
                    {{{"name", "c"},
                      {"properties",
                       {{"privateIPAddress", "10.0.0.4"},
                        {"subnet", {{"id", kPaasVnet + "/subnets/AzureFirewallSubnet"}}},
                        {"publicIPAddress", {{"id", kPaasRg + "Microsoft.Network/publicIPAddresses/pip-fw"}}}}}}}}};
  if (!e.fw_application.empty()) {
    fw_props["applicationRuleCollections"] = {
        {{"name", "app"},
         {"properties", {{"priority", 300}, {"action", {{"type", "Allow"}}}, {"rules", e.fw_application}}}}};
  }
  if (!e.fw_network.empty()) {
    fw_props["networkRuleCollections"] = {
        {{"name", "net"},
         {"properties", {{"priority", 200}, {"action", {{"type", "Allow"}}}, {"rules", e.fw_network}}}}};
  }
  out.push_back({{"id", kPaasRg + "Microsoft.Network/azureFirewalls/fw"},
                 {"name", "fw"},
                 {"type", "Microsoft.Network/azureFirewalls"},
                 {"location", "westeurope"},
                 {"properties", fw_props}});
  json acls = {{"defaultAction", e.st_default}, {"ipRules", json::array()}, {"virtualNetworkRules", json::array()}};
  for (const auto& ip : e.st_ip_rules) acls["ipRules"].push_back({{"value", ip}, {"action", "Allow"}});
  if (e.vnet_rule) acls["virtualNetworkRules"].push_back({{"id", kPaasWeb}, {"action", "Allow"}});
  out.push_back({{"id", kPaasRg + "Microsoft.Storage/storageAccounts/st"},
                 {"name", "st"},
                 {"type", "Microsoft.Storage/storageAccounts"},
                 {"location", "westeurope"},
                 {"kind", "StorageV2"},
                 {"properties",
                  {{"publicNetworkAccess", e.st_access},
                   {"networkAcls", acls},
                   {"primaryEndpoints", {{"blob", "https://st.blob.core.windows.net/"}}}}}});
  out.push_back(
      {{"id", kPaasRg + "Microsoft.Sql/servers/sql"},
       {"name", "sql"},
       {"type", "Microsoft.Sql/servers"},
       {"location", "westeurope"},
       {"properties", {{"publicNetworkAccess", "Enabled"}, {"fullyQualifiedDomainName", "sql.database.windows.net"}}}});
  out.push_back({{"id", kPaasRg + "Microsoft.Sql/servers/sql/firewallRules/web"},
                 {"name", "web"},
                 {"type", "Microsoft.Sql/servers/firewallRules"},
                 {"properties", {{"startIpAddress", e.sql_rule}, {"endIpAddress", e.sql_rule}}}});
  if (!e.sql_vnet_rule.empty()) {
    out.push_back({{"id", kPaasRg + "Microsoft.Sql/servers/sql/virtualNetworkRules/web"},
                   {"name", "web"},
                   {"type", "Microsoft.Sql/servers/virtualNetworkRules"},
                   {"properties", {{"virtualNetworkSubnetId", e.sql_vnet_rule}}}});
  }
  return out;
}

std::string paas_hop_text(const model::Model& m, const solver::Hop& h) {
  switch (h.kind) {
    case HopKind::kSource: return "from:" + m.nics[h.resource].name;
    case HopKind::kNsg:
      return fmt::format("nsg({}):{}", h.scope,
                         h.resource >= 0 && h.rule >= 0 ? m.nsgs[h.resource].rules[h.rule].name : std::string("?"));
    case HopKind::kNoNsg: return fmt::format("no-nsg({})", h.scope);
    case HopKind::kRoute:
      return fmt::format("route:{}", h.resource >= 0 ? m.route_tables[h.resource].routes[h.rule].name : h.note);
    case HopKind::kFirewall: {
      const auto& fw = m.firewalls[h.resource];
      const auto& at = fw.order[h.rule];
      return fmt::format("fw({}):{}", h.scope, fw.classic[at.collection].rules[at.rule].name);
    }
    case HopKind::kPaas: {
      const auto& s = m.paas_services[h.resource];
      if (h.rule < 0) return fmt::format("paas:{}", h.scope);
      const auto& r = s.ip_rules[h.rule];
      return fmt::format("paas:{}:{}", h.scope, r.name.empty() ? r.text : r.name);
    }
    case HopKind::kTarget: return "to:" + m.paas_services[h.resource].name;
    default: return "?";
  }
}

model::Model paas_model(const json& estate) {
  model::Model m;
  model::Diagnostics d;
  exposim::importers::azure::import_text(estate.dump(), "estate.json", m, d);
  REQUIRE_FALSE(d.has_errors());
  model::validate(m, d, {});
  REQUIRE_FALSE(d.has_errors());
  return m;
}

/// The PaaS flows from web-nic, one a line: service, ports, the path.
std::vector<std::string> paas_lines(const json& estate) {
  const model::Model m = paas_model(estate);
  solver::ReachSource from;
  from.kind = solver::ReachSource::Kind::kIpConfiguration;
  from.ip_configuration = model::IpConfigIndex{0, 0};
  REQUIRE(m.nics[0].name == "web-nic");
  solver::ReachOptions options;
  options.paas = true;
  const auto r = solver::reach(m, from, options);
  std::vector<std::string> out;
  for (const auto& f : r.flows) {
    if (f.target_kind != model::ResourceKind::kPaasService) continue;
    CHECK(f.protocol == model::Protocol::kTcp);
    CHECK(model::to_cidr_strings(f.sources) == std::vector<std::string>{"10.0.1.4/32"});
    std::string line = fmt::format("{} {} |", m.paas_services[f.target].name, model::to_string(f.ports));
    for (const auto& h : f.path) line += " " + paas_hop_text(m, h);
    out.push_back(line);
  }
  return out;
}

const std::string kPaasSqlLine =
    "sql 1433,11000-11999 | from:web-nic no-nsg(nic-outbound) no-nsg(subnet-outbound) route:default "
    "paas:firewall-rules:web to:sql";

}  // namespace

TEST_CASE("reach PaaS: a service endpoint and a virtual network rule admit the subnet", "[solver][east_west_paas]") {
  // defaultAction Deny; web is in the account's virtual network rules. Through the service endpoint the account
  // sees the subnet: 443 and 445 (StorageV2 serves Azure Files) pass by the virtual network rule. SQL has no service
  // endpoint on web: the internet route, where its firewall rule for 52.1.1.1 (web-nic's public IP) admits it.
  PaasEstate e;
  e.endpoint = true;
  CHECK(paas_lines(paas_estate(e)) ==
        std::vector<std::string>{"st 443,445 | from:web-nic no-nsg(nic-outbound) no-nsg(subnet-outbound) "
                                 "route:service-endpoint paas:virtual-network-rules to:st",
                                 kPaasSqlLine});
}

TEST_CASE("reach PaaS: without the service endpoint the account sees the public IP", "[solver][east_west_paas]") {
  PaasEstate e;
  SECTION("not in ipRules: not reached, the virtual network rule does not apply") {
    CHECK(paas_lines(paas_estate(e)) == std::vector<std::string>{kPaasSqlLine});
  }
  SECTION("in ipRules: reached by that rule") {
    e.st_ip_rules = {"52.1.1.0/24"};
    CHECK(paas_lines(paas_estate(e)) ==
          std::vector<std::string>{"st 443,445 | from:web-nic no-nsg(nic-outbound) no-nsg(subnet-outbound) "
                                   "route:default paas:ip-rules:52.1.1.0/24 to:st",
                                   kPaasSqlLine});
  }
  SECTION("no public IP: default outbound access, whose address is not known, may be in ipRules") {
    e.public_ip = false;
    e.st_ip_rules = {"52.1.1.0/24"};
    // SQL's firewall rule may hold it too: both read so that they never hide a path.
    CHECK(paas_lines(paas_estate(e)) ==
          std::vector<std::string>{"st 443,445 | from:web-nic no-nsg(nic-outbound) no-nsg(subnet-outbound) "
                                   "route:default paas:ip-rules:52.1.1.0/24 to:st",
                                   kPaasSqlLine});
  }
}

TEST_CASE("reach PaaS: a default route to Azure Firewall, with and without the service endpoint",
          "[solver][east_west_paas]") {
  // The firewall's application rule allows HTTPS to *.blob.core.windows.net (st.blob.core.windows.net, st's host
  // name) and nothing else:
  // 443 passes, 445 does not; the firewall's SNAT gives the account 20.1.1.1, which its ipRules hold. SQL's host
  // name is not matched by the rule: denied by default at the firewall.
  PaasEstate e;
  e.udr_to_firewall = true;
  e.st_ip_rules = {"20.1.1.1"};
  e.fw_application = {{{"name", "blob"},
                       {"sourceAddresses", {"*"}},
                       {"protocols", {{{"protocolType", "Https"}, {"port", 443}}}},
                       {"targetFqdns", {"*.blob.core.windows.net"}}}};
  SECTION("without a service endpoint the firewall's rules decide") {
    CHECK(paas_lines(paas_estate(e)) ==
          std::vector<std::string>{"st 443 | from:web-nic no-nsg(nic-outbound) no-nsg(subnet-outbound) "
                                   "route:default-to-fw fw(application):blob paas:ip-rules:20.1.1.1 to:st"});
  }
  SECTION("the service endpoint's route wins over the default route: the firewall is bypassed") {
    e.endpoint = true;
    CHECK(paas_lines(paas_estate(e)) ==
          std::vector<std::string>{"st 443,445 | from:web-nic no-nsg(nic-outbound) no-nsg(subnet-outbound) "
                                   "route:service-endpoint paas:virtual-network-rules to:st"});
  }
  SECTION("an application rule whose targets exposim does not read (URLs, web categories) may name the account") {
    e.fw_application = {{{"name", "urls"},
                         {"sourceAddresses", {"*"}},
                         {"protocols", {{{"protocolType", "Https"}, {"port", 443}}}},
                         {"targetUrls", {"www.contoso.com/path"}}}};
    CHECK(paas_lines(paas_estate(e)) ==
          std::vector<std::string>{"st 443 | from:web-nic no-nsg(nic-outbound) no-nsg(subnet-outbound) "
                                   "route:default-to-fw fw(application):urls paas:ip-rules:20.1.1.1 to:st"});
  }
  SECTION("a network rule to the Sql tag admits SQL on 1433 only") {
    e.fw_network = {{{"name", "sql-tag"},
                     {"protocols", {"TCP"}},
                     {"sourceAddresses", {"10.0.1.0/24"}},
                     {"destinationAddresses", {"Sql"}},
                     {"destinationPorts", {"1433"}}}};
    e.st_ip_rules.clear();
    // SQL's firewall rule names 52.1.1.1 (web-nic's own address), not the firewall's 20.1.1.1: closed. The account's
    // ipRules are empty: closed too.
    CHECK(paas_lines(paas_estate(e)).empty());
    // With SQL's rule for the firewall's address, 1433 passes the network rule (11000-11999 is denied by default).
    e.sql_rule = "20.1.1.1";
    CHECK(paas_lines(paas_estate(e)) ==
          std::vector<std::string>{"sql 1433 | from:web-nic no-nsg(nic-outbound) no-nsg(subnet-outbound) "
                                   "route:default-to-fw fw(network):sql-tag paas:firewall-rules:web to:sql"});
  }
}

TEST_CASE("reach PaaS: outbound NSG rules read with the service's public address as destination",
          "[solver][east_west_paas]") {
  PaasEstate e;
  e.endpoint = true;
  SECTION("a deny to the Storage tag blocks the account, not SQL") {
    e.nsg_rules = {paas_out_rule("deny-storage", 100, "Deny", "Storage")};
    CHECK(paas_lines(paas_estate(e)) ==
          std::vector<std::string>{"sql 1433,11000-11999 | from:web-nic nsg(nic-outbound):AllowInternetOutBound "
                                   "no-nsg(subnet-outbound) route:default paas:firewall-rules:web to:sql"});
  }
  SECTION("a deny to Storage.westeurope blocks it too; Storage.northeurope does not") {
    e.nsg_rules = {paas_out_rule("deny-we", 100, "Deny", "Storage.WestEurope"),
                   paas_out_rule("deny-ne", 110, "Deny", "Storage.northeurope")};
    const auto lines = paas_lines(paas_estate(e));
    REQUIRE(lines.size() == 1);
    CHECK(lines[0].rfind("sql ", 0) == 0);
  }
  SECTION("a deny to Internet blocks both") {
    e.nsg_rules = {paas_out_rule("deny-internet", 100, "Deny", "Internet")};
    CHECK(paas_lines(paas_estate(e)).empty());
  }
  SECTION("an allow to Sql before a deny to Internet admits SQL, not storage") {
    e.nsg_rules = {paas_out_rule("allow-sql", 100, "Allow", "Sql", "1433"),
                   paas_out_rule("deny-internet", 200, "Deny", "Internet")};
    CHECK(paas_lines(paas_estate(e)) ==
          std::vector<std::string>{"sql 1433 | from:web-nic nsg(nic-outbound):allow-sql no-nsg(subnet-outbound) "
                                   "route:default paas:firewall-rules:web to:sql"});
  }
  SECTION("a deny to a private prefix does not name the service; a deny to a public prefix may not either") {
    e.nsg_rules = {paas_out_rule("deny-private", 100, "Deny", "10.0.0.0/8"),
                   paas_out_rule("deny-public", 110, "Deny", "52.0.0.0/8")};
    CHECK(paas_lines(paas_estate(e)).size() == 2);
  }
}

TEST_CASE("reach PaaS: public network access Disabled is never reached", "[solver][east_west_paas]") {
  PaasEstate e;
  e.endpoint = true;
  e.st_access = "Disabled";
  e.st_default = "Allow";
  e.st_ip_rules = {"52.1.1.1"};
  CHECK(paas_lines(paas_estate(e)) == std::vector<std::string>{kPaasSqlLine});
  e.endpoint = false;
  CHECK(paas_lines(paas_estate(e)) == std::vector<std::string>{kPaasSqlLine});
}

TEST_CASE("reach PaaS: default action Allow admits every way in", "[solver][east_west_paas]") {
  PaasEstate e;
  e.st_default = "Allow";
  e.vnet_rule = false;
  CHECK(paas_lines(paas_estate(e)) ==
        std::vector<std::string>{"st 443,445 | from:web-nic no-nsg(nic-outbound) no-nsg(subnet-outbound) "
                                 "route:default paas:default-action to:st",
                                 kPaasSqlLine});
}

TEST_CASE("attack paths: an internet-exposed VM that reaches a storage account and a SQL server",
          "[solver][east_west_paas][attack_path]") {
  // pip-web is Basic and no NSG applies: web-nic is exposed to the whole internet. From it, the storage account
  // through the service endpoint and its virtual network rule (rank storage), and the SQL server through the
  // internet by its firewall rule for 52.1.1.1 (rank database), each a first step, database first.
  PaasEstate e;
  e.endpoint = true;
  e.pip_sku = "Basic";
  const model::Model m = paas_model(paas_estate(e));
  const auto a = solver::analyze(m);
  const auto paths = solver::attack_paths(m, a);
  std::vector<std::string> got;
  for (const auto& p : paths.paths) {
    REQUIRE(p.steps.size() == 1);
    const auto& f = p.steps.front().flows.front();
    if (f.target_kind != model::ResourceKind::kPaasService) continue;
    model::PortSet ports;
    for (const auto& g : p.steps.front().flows) ports = ports.unite(g.ports);
    got.push_back(fmt::format("{}: {} -> {} (tcp {})", solver::to_string(p.rank), m.nics[p.entry.nic].name,
                              m.paas_services[f.target].name, model::to_string(ports)));
  }
  CHECK(got == std::vector<std::string>{"database: web-nic -> sql (tcp 1433,11000-11999)",
                                        "storage: web-nic -> st (tcp 443,445)"});
  // Without the public IP's exposure (Standard, no NSG: closed) there is no entry, hence no path.
  e.pip_sku = "Standard";
  const model::Model closed = paas_model(paas_estate(e));
  CHECK(solver::attack_paths(closed, solver::analyze(closed)).paths.empty());
}

TEST_CASE("reach PaaS: service endpoints only known at deployment are read both ways", "[solver][east_west_paas]") {
  // web's serviceEndpoints is unknown: with an endpoint the account admits web by its virtual network rule; without
  // one it sees 52.1.1.1, which its ipRules hold. Both ways are listed, so that neither reading hides a path. SQL
  // has no service endpoint of its own to lose: Microsoft.Sql may be in the list too, and through it SQL's firewall
  // rules for public addresses do not match (no virtual network rules are read for SQL): only the internet way.
  PaasEstate e;
  e.endpoints_unknown = true;
  e.st_ip_rules = {"52.1.1.1"};
  CHECK(paas_lines(paas_estate(e)) ==
        std::vector<std::string>{"st 443,445 | from:web-nic no-nsg(nic-outbound) no-nsg(subnet-outbound) "
                                 "route:service-endpoint paas:virtual-network-rules to:st",
                                 "st 443,445 | from:web-nic no-nsg(nic-outbound) no-nsg(subnet-outbound) "
                                 "route:default paas:ip-rules:52.1.1.1 to:st",
                                 kPaasSqlLine});
}

TEST_CASE("reach PaaS: a user-defined route to the service's tag wins over its service endpoint",
          "[solver][east_west_paas]") {
  // web has the storage service endpoint, and a route `Storage` to the firewall: the route names exactly the
  // endpoint's prefixes and a user-defined route wins at an equal prefix, so storage goes through the firewall,
  // whose application rule admits 443 to the blob host, SNAT to 20.1.1.1, which the account's ipRules hold (its
  // virtual network rule no longer applies). SQL is not in the tag: the system default route, as before.
  PaasEstate e;
  e.endpoint = true;
  e.tag_route = "Storage";
  e.st_ip_rules = {"20.1.1.1"};
  e.fw_application = {{{"name", "blob"},
                       {"sourceAddresses", {"*"}},
                       {"protocols", {{{"protocolType", "Https"}, {"port", 443}}}},
                       {"targetFqdns", {"*.blob.core.windows.net"}}}};
  CHECK(paas_lines(paas_estate(e)) ==
        std::vector<std::string>{"st 443 | from:web-nic no-nsg(nic-outbound) no-nsg(subnet-outbound) "
                                 "route:tag-to-fw fw(application):blob paas:ip-rules:20.1.1.1 to:st",
                                 kPaasSqlLine});
  SECTION("a route for a public prefix may hold the service's address: followed beside the service endpoint") {
    e.tag_route = "52.0.0.0/8";
    CHECK(paas_lines(paas_estate(e)) ==
          std::vector<std::string>{"st 443,445 | from:web-nic no-nsg(nic-outbound) no-nsg(subnet-outbound) "
                                   "route:service-endpoint paas:virtual-network-rules to:st",
                                   "st 443 | from:web-nic no-nsg(nic-outbound) no-nsg(subnet-outbound) "
                                   "route:tag-to-fw fw(application):blob paas:ip-rules:20.1.1.1 to:st",
                                   kPaasSqlLine});
  }
}

TEST_CASE("reach PaaS: a SQL managed instance's public data endpoint is decided by its subnet's NSG on the egress",
          "[solver][east_west_paas]") {
  // mi's public data endpoint (3342) meets nsg-mi, which admits 3342 from one address. From web-nic by the internet
  // route, the instance sees pip-web's 52.1.1.1: admitted by allow-3342 when it names that address, else denied.
  // (The instance comes first in the input, so first among the targets.)
  PaasEstate e;
  e.mi_source = "52.1.1.1";
  CHECK(paas_lines(paas_estate(e)) ==
        std::vector<std::string>{"mi 3342 | from:web-nic no-nsg(nic-outbound) no-nsg(subnet-outbound) "
                                 "route:default nsg(subnet):allow-3342 to:mi",
                                 kPaasSqlLine});
  e.mi_source = "52.9.9.9";
  CHECK(paas_lines(paas_estate(e)) == std::vector<std::string>{kPaasSqlLine});
}

TEST_CASE("reach PaaS: a SQL server admits a subnet through its service endpoint by a virtual network rule",
          "[solver][east_west_paas]") {
  // web has a Microsoft.Sql service endpoint; SQL's only firewall rule admits 52.9.9.9, not web-nic's public IP
  // 52.1.1.1. Through the endpoint the server sees the subnet: its virtual network rule (a separate
  // Microsoft.Sql/servers/virtualNetworkRules resource) for web admits 1433 and the redirect ports 11000-11999; without
  // the rule, or with the rule and no endpoint (the server then sees 52.1.1.1), nothing admits the VM.
  // The storage account (no Microsoft.Storage endpoint, no ipRules) is not reached either way.
  PaasEstate e;
  e.sql_rule = "52.9.9.9";
  const std::string reached =
      "sql 1433,11000-11999 | from:web-nic no-nsg(nic-outbound) no-nsg(subnet-outbound) route:service-endpoint "
      "paas:virtual-network-rules to:sql";
  SECTION("the endpoint and a rule for web: reached") {
    e.sql_endpoint = true;
    e.sql_vnet_rule = kPaasWeb;
    CHECK(paas_lines(paas_estate(e)) == std::vector<std::string>{reached});
  }
  SECTION("the rule's subnet id in another casing: the same subnet") {
    e.sql_endpoint = true;
    e.sql_vnet_rule = kPaasRg + "Microsoft.Network/virtualNetworks/V/subnets/WEB";
    CHECK(paas_lines(paas_estate(e)) == std::vector<std::string>{reached});
  }
  SECTION("a subnet only known at deployment: may be web, reached") {
    e.sql_endpoint = true;
    e.sql_vnet_rule = "\x01unknown:output subnetId";
    CHECK(paas_lines(paas_estate(e)) == std::vector<std::string>{reached});
  }
  SECTION("the endpoint and no rule: not reached") {
    e.sql_endpoint = true;
    CHECK(paas_lines(paas_estate(e)).empty());
  }
  SECTION("the endpoint and a rule for another subnet: not reached") {
    e.sql_endpoint = true;
    e.sql_vnet_rule = kPaasVnet + "/subnets/AzureFirewallSubnet";
    CHECK(paas_lines(paas_estate(e)).empty());
  }
  SECTION("the rule and no endpoint: the server sees the public IP, not in its firewall rules: not reached") {
    e.sql_vnet_rule = kPaasWeb;
    CHECK(paas_lines(paas_estate(e)).empty());
  }
}

namespace {

/// explain() of TCP `port` from web-nic (by name) to `to`.
solver::FlowTrace paas_explain(const model::Model& m, const std::string& to, int port,
                               const std::string& from = "web-nic") {
  solver::FlowQuery q;
  if (const auto a = model::IpAddress::parse(from)) {
    q.source = *a;
  } else {
    q.source_name = from;
  }
  q.target = to;
  q.protocol = model::Protocol::kTcp;
  q.source_port = 50000;
  q.destination_port = static_cast<std::uint16_t>(port);
  return solver::explain(m, q);
}

/// The trace's hops, one word each ("paas(endpoint)+", "nsg(nic-outbound)-": passes or stops), then its verdict.
std::string paas_trace_text(const model::Model& m, const solver::FlowTrace& t) {
  std::string out;
  for (const auto& h : t.hops) {
    out += fmt::format("{}({}){} ", solver::to_string(h.kind), h.scope, h.passes ? "+" : "-");
  }
  return out + exposim::cli::verdict_text(m, t);
}

}  // namespace

TEST_CASE("explain PaaS from inside: a service endpoint and a virtual network rule admit the packet",
          "[solver][explain][east_west_paas]") {
  PaasEstate e;
  e.endpoint = true;
  const model::Model m = paas_model(paas_estate(e));
  // By the NIC's name, by its address, and the account by its host name and its id: one trace.
  for (const auto& [from, to] : std::vector<std::pair<std::string, std::string>>{
           {"web-nic", "st"},
           {"10.0.1.4", "st.blob.core.windows.net"},
           {"web-nic", kPaasRg + "Microsoft.Storage/storageAccounts/st"}}) {
    const solver::FlowTrace t = paas_explain(m, to, 443, from);
    REQUIRE(t.status == solver::FlowTrace::Status::kOk);
    CHECK(t.east_west);
    CHECK(t.paas_service == 0);
    CHECK(t.allowed);
    CHECK(paas_trace_text(m, t) ==
          "source()+ paas(endpoint)+ no-nsg(nic-outbound)+ no-nsg(subnet-outbound)+ route(forward)+ "
          "paas(virtual-network-rules)+ allowed: tcp 10.0.1.4:50000 -> st.blob.core.windows.net:443 from web-nic "
          "(10.0.1.4) reaches the public endpoint of storage 'st'");
  }
  const solver::FlowTrace t = paas_explain(m, "st", 443);
  // Each stage in reach()'s RULES words.
  CHECK(exposim::cli::hop_text(m, t.hops[2]) == "nic-outbound: no NSG: admits the packet");
  CHECK(exposim::cli::hop_text(m, t.hops[4]) == "route: service-endpoint: admits the packet");
  CHECK(exposim::cli::hop_text(m, t.hops[5]) == "service: st/virtual-network-rules: admits the packet");
  SECTION("a port the account does not serve") {
    const solver::FlowTrace n = paas_explain(m, "st", 80);
    CHECK_FALSE(n.allowed);
    CHECK(n.stopped_at == 1);
    CHECK(exposim::cli::verdict_text(m, n) ==
          "denied at paas (endpoint): st.blob.core.windows.net (storage 'st') serves TCP 443,445: tcp port 80 "
          "is not served");
  }
}

TEST_CASE("explain PaaS from inside: the account's default action denies the egress address outside its ipRules",
          "[solver][explain][east_west_paas]") {
  // No service endpoint: the internet route; the account sees pip-web's 52.1.1.1, which no ipRule holds (the virtual
  // network rule does not apply): its default action Deny decides.
  PaasEstate e;
  const model::Model m = paas_model(paas_estate(e));
  const solver::FlowTrace t = paas_explain(m, "st", 443);
  REQUIRE(t.status == solver::FlowTrace::Status::kOk);
  CHECK_FALSE(t.allowed);
  CHECK(
      paas_trace_text(m, t) ==
      "source()+ paas(endpoint)+ no-nsg(nic-outbound)+ no-nsg(subnet-outbound)+ route(forward)+ paas(default-action)- "
      "denied at paas (default-action): service: st/default-action: stops the packet");
  CHECK(exposim::cli::hop_text(m, t.hops[4]) == "route: default: admits the packet");
  // SQL's firewall rule `web` names 52.1.1.1: admitted.
  const solver::FlowTrace sql = paas_explain(m, "sql", 1433);
  CHECK(sql.allowed);
  CHECK(exposim::cli::hop_text(m, sql.hops.back()) == "service: sql/web 52.1.1.1-52.1.1.1: admits the packet");
}

TEST_CASE("explain PaaS from inside: an outbound NSG deny to the Storage tag stops the packet at the NIC",
          "[solver][explain][east_west_paas]") {
  PaasEstate e;
  e.endpoint = true;
  e.nsg_rules = {paas_out_rule("deny-storage", 100, "Deny", "Storage")};
  const model::Model m = paas_model(paas_estate(e));
  const solver::FlowTrace t = paas_explain(m, "st", 443);
  REQUIRE(t.status == solver::FlowTrace::Status::kOk);
  CHECK_FALSE(t.allowed);
  CHECK(t.stopped_at == 2);
  CHECK(m.nsgs[0].rules[t.hops[2].rule].name == "deny-storage");
  CHECK(paas_trace_text(m, t) ==
        "source()+ paas(endpoint)+ nsg(nic-outbound)- denied at nsg (nic-outbound): nic-outbound: "
        "nsg/deny-storage (100): stops the packet");
  // SQL is not in the tag: AllowInternetOutBound (a default rule) admits it.
  const solver::FlowTrace sql = paas_explain(m, "sql", 1433);
  CHECK(sql.allowed);
  CHECK(exposim::cli::hop_text(m, sql.hops[2]) == "nic-outbound: nsg/AllowInternetOutBound (65001): admits the packet");
}

TEST_CASE("explain PaaS from inside: through a firewall's application rule", "[solver][explain][east_west_paas]") {
  // As reach's: the default route to fw, whose application rule `blob` admits HTTPS to *.blob.core.windows.net; the
  // account sees the firewall's 20.1.1.1, which its ipRules hold. 445 meets no rule: the firewall's default deny.
  PaasEstate e;
  e.udr_to_firewall = true;
  e.st_ip_rules = {"20.1.1.1"};
  e.fw_application = {{{"name", "blob"},
                       {"sourceAddresses", {"*"}},
                       {"protocols", {{{"protocolType", "Https"}, {"port", 443}}}},
                       {"targetFqdns", {"*.blob.core.windows.net"}}}};
  const model::Model m = paas_model(paas_estate(e));
  const solver::FlowTrace t = paas_explain(m, "st", 443);
  REQUIRE(t.status == solver::FlowTrace::Status::kOk);
  CHECK(t.allowed);
  CHECK(
      paas_trace_text(m, t) ==
      "source()+ paas(endpoint)+ no-nsg(nic-outbound)+ no-nsg(subnet-outbound)+ route(forward)+ firewall(application)+ "
      "paas(ip-rules)+ allowed: tcp 10.0.1.4:50000 -> st.blob.core.windows.net:443 from web-nic (10.0.1.4) reaches "
      "the public endpoint of storage 'st'");
  CHECK(exposim::cli::hop_text(m, t.hops[4]) == "route: rt/default-to-fw: admits the packet");
  CHECK(exposim::cli::hop_text(m, t.hops[5]) == "fw: fw/app/blob (300): admits the packet");
  CHECK(exposim::cli::hop_text(m, t.hops[6]) == "service: st/20.1.1.1: admits the packet");
  const solver::FlowTrace f = paas_explain(m, "st", 445);
  CHECK_FALSE(f.allowed);
  CHECK(exposim::cli::verdict_text(m, f) ==
        "denied at firewall (default): fw: fw (no rule matches: default deny): stops the packet");
}

TEST_CASE("explain PaaS from inside agrees with reach on every source service and port",
          "[solver][explain][east_west_paas]") {
  // For each estate of the reach tests above: explain's verdict for (web-nic, service, port) is whether reach()
  // lists that port from web-nic to the service.
  std::vector<PaasEstate> estates;
  const auto add = [&](auto change) {
    PaasEstate e;
    change(e);
    estates.push_back(e);
  };
  const json blob = {{{"name", "blob"},
                      {"sourceAddresses", {"*"}},
                      {"protocols", {{{"protocolType", "Https"}, {"port", 443}}}},
                      {"targetFqdns", {"*.blob.core.windows.net"}}}};
  add([](PaasEstate&) {});
  add([](PaasEstate& e) { e.endpoint = true; });
  add([](PaasEstate& e) { e.st_ip_rules = {"52.1.1.0/24"}; });
  add([](PaasEstate& e) {
    e.public_ip = false;
    e.st_ip_rules = {"52.1.1.0/24"};
  });
  add([&](PaasEstate& e) {
    e.udr_to_firewall = true;
    e.st_ip_rules = {"20.1.1.1"};
    e.fw_application = blob;
  });
  add([&](PaasEstate& e) {
    e.udr_to_firewall = true;
    e.endpoint = true;
    e.fw_application = blob;
  });
  add([](PaasEstate& e) {
    e.udr_to_firewall = true;
    e.sql_rule = "20.1.1.1";
    e.fw_network = {{{"name", "sql-tag"},
                     {"protocols", {"TCP"}},
                     {"sourceAddresses", {"10.0.1.0/24"}},
                     {"destinationAddresses", {"Sql"}},
                     {"destinationPorts", {"1433"}}}};
  });
  add([](PaasEstate& e) {
    e.endpoint = true;
    e.nsg_rules = {paas_out_rule("deny-storage", 100, "Deny", "Storage")};
  });
  add([](PaasEstate& e) {
    e.nsg_rules = {paas_out_rule("allow-sql", 100, "Allow", "Sql", "1433"),
                   paas_out_rule("deny-internet", 200, "Deny", "Internet")};
  });
  add([](PaasEstate& e) {
    e.endpoint = true;
    e.st_access = "Disabled";
    e.st_default = "Allow";
  });
  add([](PaasEstate& e) { e.endpoints_unknown = true; });
  add([&](PaasEstate& e) {
    e.endpoint = true;
    e.tag_route = "Storage";
    e.st_ip_rules = {"20.1.1.1"};
    e.fw_application = blob;
  });
  add([&](PaasEstate& e) {
    e.endpoint = true;
    e.tag_route = "52.0.0.0/8";
    e.fw_application = blob;
  });
  add([](PaasEstate& e) { e.mi_source = "52.1.1.1"; });
  add([](PaasEstate& e) { e.mi_source = "52.9.9.9"; });
  const std::vector<int> ports = {22, 80, 443, 445, 1433, 3342, 11000, 11999};
  std::size_t allowed = 0;
  std::size_t denied = 0;
  for (std::size_t i = 0; i < estates.size(); ++i) {
    const model::Model m = paas_model(paas_estate(estates[i]));
    solver::ReachSource from;
    from.kind = solver::ReachSource::Kind::kIpConfiguration;
    from.ip_configuration = model::IpConfigIndex{0, 0};
    solver::ReachOptions options;
    options.paas = true;
    const auto r = solver::reach(m, from, options);
    for (std::size_t s = 0; s < m.paas_services.size(); ++s) {
      for (const int port : ports) {
        bool listed = false;
        for (const auto& f : r.flows) {
          listed = listed || (f.target_kind == model::ResourceKind::kPaasService && f.target == static_cast<int>(s) &&
                              f.ports.contains(port));
        }
        const solver::FlowTrace t = paas_explain(m, m.paas_services[s].id, port);
        INFO("estate " << i << ", " << m.paas_services[s].name << ", port " << port << ": " << paas_trace_text(m, t));
        REQUIRE(t.status == solver::FlowTrace::Status::kOk);
        CHECK(t.allowed == listed);
        (listed ? allowed : denied) += 1;
      }
    }
  }
  // Both verdicts occur (the loop would prove nothing otherwise).
  CHECK(allowed >= 20);
  CHECK(denied >= 100);
}
