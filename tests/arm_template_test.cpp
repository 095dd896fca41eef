// Deployment templates expanded into resource JSON (importers/arm/template.h) and imported end to end
// (importers/inputs.h). Expected values are worked out by hand from ARM's documented composition rules.
#include <algorithm>
#include <filesystem>
#include <fstream>
#include <string>

#include <fmt/format.h>
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "importers/arm/template.h"
#include "importers/inputs.h"
#include "importers/unknown_value.h"
#include "model/validate.h"
#include "solver/explain.h"
#include "solver/exposure.h"
#include "template_builder.h"

namespace exposim::testing {
namespace {

using nlohmann::json;
namespace fs = std::filesystem;

TEST_CASE("arm template: parameters from defaults, files and overrides, a required one without value",
          "[arm-template]") {
  const json tmpl = {{"$schema", kSchema},
                     {"parameters",
                      {{"prefix", {{"type", "string"}, {"defaultValue", "web"}}},
                       {"count", {{"type", "int"}, {"defaultValue", 1}}},
                       {"Region", {{"type", "string"}}}}},
                     {"resources",
                      {{{"type", "Microsoft.Network/networkSecurityGroups"},
                        {"name", "[concat(parameters('PREFIX'), '-', parameters('count'), '-', parameters('region'))]"},
                        {"properties", json::object()}}}}};
  REQUIRE(importers::arm::is_deployment_template(tmpl));
  auto e = expand(tmpl, {{"region", "westeurope"}, {"count", "3"}});  // "3" as --param gives it: coerced to int
  REQUIRE(e.resources.size() == 1);
  CHECK(e.resources[0].resource["name"] == "web-3-westeurope");
  CHECK(e.resources[0].resource["id"] ==
        "/subscriptions/sub/resourceGroups/rg/providers/Microsoft.Network/networkSecurityGroups/web-3-westeurope");
  CHECK(e.resources[0].pointer == "/resources/0");
  CHECK_FALSE(e.diags.has_errors());

  // --strict: today's error, and nothing is expanded.
  auto missing = expand(tmpl, json::object(), true);
  CHECK(missing.resources.empty());
  const auto* d = find(missing.diags, "missing-parameter");
  REQUIRE(d != nullptr);
  CHECK(d->severity == model::Severity::kError);
  CHECK(d->where.pointer == "/parameters/Region");
  CHECK(d->message ==
        "parameter 'Region' has no value and no default: give it in a parameter file or with --param "
        "Region=VALUE");

  auto unknown = expand(tmpl, {{"region", "x"}, {"colour", "blue"}});
  CHECK(find(unknown.diags, "unknown-parameter") != nullptr);

  // Without --strict, ARM would prompt for it: the string parameter takes the text <Region>, with a note.
  auto placeholder = expand(tmpl);
  CHECK_FALSE(placeholder.diags.has_errors());
  REQUIRE(placeholder.resources.size() == 1);
  CHECK(placeholder.resources[0].resource["name"] == "web-1-<Region>");
  d = find(placeholder.diags, "missing-parameter");
  REQUIRE(d != nullptr);
  CHECK(d->severity == model::Severity::kNote);
  CHECK(d->where.pointer == "/parameters/Region");
  CHECK(d->message == "parameter 'Region' has no value and no default: its text is the placeholder '<Region>'");
}

TEST_CASE("arm template: copy loops on resources and properties, conditions, nested children three deep",
          "[arm-template]") {
  const json tmpl = {
      {"$schema", kSchema},
      {"variables", {{"vnet", "vnet-a"}}},
      {"resources",
       {{{"type", "Microsoft.Network/virtualNetworks"},
         {"name", "[variables('vnet')]"},
         {"properties",
          {{"addressSpace", {{"addressPrefixes", {"10.0.0.0/16"}}}},
           {"copy",
            {{{"name", "subnets"},
              {"count", 2},
              {"input",
               {{"name", "[concat('s', copyIndex('subnets'))]"},
                {"properties", {{"addressPrefix", "[concat('10.0.', copyIndex('subnets'), '.0/24')]"}}}}}}}}}},
         {"resources",
          {{{"type", "subnets"},
            {"name", "extra"},
            {"properties", {{"addressPrefix", "10.0.9.0/24"}}},
            {"resources",
             {{{"type", "Microsoft.Example/virtualNetworks/subnets/things"},
               {"name", "[concat(variables('vnet'), '/extra/t1')]"},
               {"properties", json::object()}}}}}}}},
        {{"type", "Microsoft.Network/publicIPAddresses"},
         {"name", "[concat('pip-', copyIndex(1))]"},
         {"copy", {{"name", "pips"}, {"count", 3}}},
         {"condition", "[not(equals(copyIndex(), 1))]"},
         {"properties", json::object()}}}}};
  auto e = expand(tmpl);
  REQUIRE_FALSE(e.diags.has_errors());
  const std::string base = "/subscriptions/sub/resourceGroups/rg/providers/";
  CHECK(ids(e) == std::vector<std::string>{base + "Microsoft.Network/virtualNetworks/vnet-a",
                                           base + "Microsoft.Network/virtualNetworks/vnet-a/subnets/extra",
                                           base + "Microsoft.Example/virtualNetworks/vnet-a/subnets/extra/things/t1",
                                           base + "Microsoft.Network/publicIPAddresses/pip-1",
                                           base + "Microsoft.Network/publicIPAddresses/pip-3"});
  const json& subnets = e.resources[0].resource["properties"]["subnets"];
  REQUIRE(subnets.size() == 2);
  CHECK(subnets[1]["name"] == "s1");
  CHECK(subnets[1]["properties"]["addressPrefix"] == "10.0.1.0/24");
  CHECK(e.resources[1].resource["type"] == "Microsoft.Network/virtualNetworks/subnets");
  CHECK(e.resources[3].pointer == "/resources/1[0]");
  CHECK(e.resources[4].pointer == "/resources/1[2]");
  // Public IPs get placeholder addresses in declaration order.
  CHECK(e.resources[3].resource["properties"]["ipAddress"] == "240.0.0.1");
  CHECK(e.resources[4].resource["properties"]["ipAddress"] == "240.0.0.2");
}

TEST_CASE("arm template: nested deployments with inner and outer scope", "[arm-template]") {
  auto deployment = [](const std::string& scope, json parameters) {
    return json{{"type", "Microsoft.Resources/deployments"},
                {"name", "inner-" + scope},
                {"resourceGroup", "rg-inner"},
                {"properties",
                 {{"mode", "Incremental"},
                  {"expressionEvaluationOptions", {{"scope", scope}}},
                  {"parameters", std::move(parameters)},
                  {"template",
                   {{"$schema", kSchema},
                    {"parameters", {{"name", {{"type", "string"}, {"defaultValue", "inner-default"}}}}},
                    {"variables", {{"suffix", "-inner"}}},
                    {"resources",
                     {{{"type", "Microsoft.Network/routeTables"},
                       {"name", "[concat(parameters('name'), variables('suffix'))]"},
                       {"properties", json::object()}}}}}}}}};
  };
  const json tmpl = {{"$schema", kSchema},
                     {"parameters", {{"name", {{"type", "string"}, {"defaultValue", "outer"}}}}},
                     {"variables", {{"suffix", "-outer"}}},
                     {"resources",
                      {deployment("inner", {{"name", {{"value", "[concat(parameters('name'), '-given')]"}}}}),
                       deployment("outer", json::object())}}};
  auto e = expand(tmpl);
  REQUIRE_FALSE(e.diags.has_errors());
  // Inner scope: the nested template's own parameters (given by the parent) and variables.
  // Outer scope: the parent's parameters and variables. Both in the deployment's resource group.
  CHECK(ids(e) ==
        std::vector<std::string>{
            "/subscriptions/sub/resourceGroups/rg-inner/providers/Microsoft.Network/routeTables/outer-given-inner",
            "/subscriptions/sub/resourceGroups/rg-inner/providers/Microsoft.Network/routeTables/outer-outer"});
  CHECK(e.resources[0].pointer == "/resources/0/properties/template/resources/0");
}

TEST_CASE("arm template: bad templates are errors that name the place", "[arm-template]") {
  model::Diagnostics d;
  CHECK_FALSE(importers::arm::parse_arm_json("{\n  \"a\": 1,\n  \"b\" 2\n}", "bad.json", d).has_value());
  REQUIRE(d.items().size() == 1);
  CHECK(d.items()[0].code == "json-syntax");
  CHECK(d.items()[0].where.line == 3);
  // Comments and raw line breaks inside strings are ARM JSON.
  model::Diagnostics ok;
  auto doc = importers::arm::parse_arm_json("{ // comment\n \"a\": \"x\ny\", /* block */ \"b\": 2 }", "ok.json", ok);
  REQUIRE(doc.has_value());
  CHECK((*doc)["a"] == "x\ny");

  const json unbalanced = {
      {"$schema", kSchema},
      {"resources",
       {{{"type", "Microsoft.Network/routeTables"}, {"name", "[concat('a', 'b']"}, {"properties", json::object()}}}}};
  auto e = expand(unbalanced, json::object(), true);
  REQUIRE(e.diags.has_errors());
  CHECK(e.diags.items()[0].where.pointer == "/resources/0/name");
  const json circular = {
      {"$schema", kSchema},
      {"variables", {{"a", "[variables('b')]"}, {"b", "[variables('a')]"}}},
      {"resources",
       {{{"type", "Microsoft.Network/routeTables"}, {"name", "[variables('a')]"}, {"properties", json::object()}}}}};
  auto c = expand(circular, json::object(), true);
  REQUIRE(c.diags.has_errors());
  CHECK_THAT(c.diags.items()[0].message, Catch::Contains("circular"));
  const json arity = {
      {"$schema", kSchema},
      {"resources",
       {{{"type", "Microsoft.Network/routeTables"}, {"name", "[toLower()]"}, {"properties", json::object()}}}}};
  CHECK(expand(arity, json::object(), true).diags.has_errors());
  const json undefined = {{"$schema", kSchema},
                          {"resources",
                           {{{"type", "Microsoft.Network/routeTables"},
                             {"name", "[parameters('nope')]"},
                             {"properties", json::object()}}}}};
  CHECK(expand(undefined, json::object(), true).diags.has_errors());
  // Without --strict none of them is an error: the route tables are kept under placeholder names, with a warning.
  for (const json* t : {&unbalanced, &circular, &arity, &undefined}) {
    auto lenient = expand(*t);
    CHECK_FALSE(lenient.diags.has_errors());
    CHECK(ids(lenient) ==
          std::vector<std::string>{"/subscriptions/sub/resourceGroups/rg/providers/Microsoft.Network/routeTables/"
                                   "<unknown-name-1>"});
    const auto* w = find(lenient.diags, "placeholder-name");
    REQUIRE(w != nullptr);
    CHECK(w->severity == model::Severity::kWarning);
    CHECK(w->where.pointer == "/resources/0/name");
  }
}

/// Writes `text` to a fresh file in a temporary directory and returns its path.
std::string write_temp(const std::string& name, const std::string& text) {
  const fs::path dir = fs::temp_directory_path() / "exposim-arm-template-test";
  fs::create_directories(dir);
  const fs::path p = dir / name;
  std::ofstream(p) << text;
  return p.string();
}

TEST_CASE("arm template: a firewall DNAT to reference(pip).ipAddress and a dynamic NIC, end to end", "[arm-template]") {
  // The DNAT destination is the firewall's public IP by reference(); the VM's NIC is dynamic, first in its
  // subnet: 10.0.2.4 by the documented placeholder rule, which the rule translates to.
  const json tmpl = {
      {"$schema", kSchema},
      {"parameters", {{"port", {{"type", "int"}, {"defaultValue", 2222}}}}},
      {"resources",
       {{{"type", "Microsoft.Network/virtualNetworks"},
         {"name", "vnet"},
         {"properties",
          {{"addressSpace", {{"addressPrefixes", {"10.0.0.0/16"}}}},
           {"subnets",
            {{{"name", "AzureFirewallSubnet"}, {"properties", {{"addressPrefix", "10.0.1.0/26"}}}},
             {{"name", "work"}, {"properties", {{"addressPrefix", "10.0.2.0/24"}}}}}}}}},
        {{"type", "Microsoft.Network/publicIPAddresses"},
         {"name", "pip-fw"},
         {"sku", {{"name", "Standard"}}},
         {"properties", {{"publicIPAllocationMethod", "Static"}}}},
        {{"type", "Microsoft.Network/networkInterfaces"},
         {"name", "nic"},
         {"properties",
          {{"ipConfigurations",
            {{{"name", "ipc"},
              {"properties",
               {{"privateIPAllocationMethod", "Dynamic"},
                {"subnet",
                 {{"id", "[resourceId('Microsoft.Network/virtualNetworks/subnets', 'vnet', 'work')]"}}}}}}}}}}},
        {{"type", "Microsoft.Network/azureFirewalls"},
         {"name", "fw"},
         {"properties",
          {{"ipConfigurations",
            {{{"name", "ipc"},
              {"properties",
               {{"subnet",
                 {{"id", "[resourceId('Microsoft.Network/virtualNetworks/subnets', 'vnet', 'AzureFirewallSubnet')]"}}},
                {"publicIPAddress", {{"id", "[resourceId('Microsoft.Network/publicIPAddresses/', 'pip-fw')]"}}},
                {"privateIPAddress", "10.0.1.4"}}}}}},
           {"natRuleCollections",
            {{{"name", "dnat"},
              {"properties",
               {{"priority", 100},
                {"action", {{"type", "Dnat"}}},
                {"rules",
                 {{{"name", "ssh"},
                   {"protocols", {"TCP"}},
                   {"sourceAddresses", {"*"}},
                   {"destinationAddresses",
                    {"[reference(resourceId('Microsoft.Network/publicIPAddresses', 'pip-fw')).IpAddress]"}},
                   {"destinationPorts", {"[string(parameters('port'))]"}},
                   {"translatedAddress", "10.0.2.4"},
                   {"translatedPort", "22"}}}}}}}}}}}}}}};
  const std::string path = write_temp("dnat.json", tmpl.dump(2));
  const std::string params =
      write_temp("dnat.parameters.json",
                 json{{"$schema", kParametersSchema}, {"parameters", {{"port", {{"value", 2200}}}}}}.dump());
  model::Model m;
  model::Diagnostics d;
  importers::InputOptions o;
  o.parameter_files = {params};
  o.parameters = {"port=2201"};  // the command line wins over the file
  const auto reports = importers::import_inputs({path}, o, m, d);
  model::validate(m, d);
  REQUIRE_FALSE(d.has_errors());
  REQUIRE(reports.size() == 1);
  CHECK(reports[0].kind == "template");
  CHECK(reports[0].expanded == 4);
  REQUIRE(m.nics.size() == 1);
  CHECK(m.nics[0].ip_configurations[0].private_ip->to_string() == "10.0.2.4");
  const auto a = solver::analyze(m);
  std::vector<std::string> got;
  for (const auto& x : a.exposures) {
    got.push_back(fmt::format("{} {} {}->{}", x.nic >= 0 ? m.nics[x.nic].name : m.firewalls[x.target].name,
                              solver::to_string(x.via), model::to_string(x.entry_ports), model::to_string(x.ports)));
  }
  std::sort(got.begin(), got.end());
  CHECK(got == std::vector<std::string>{"fw firewall-dnat 2201->2201", "nic firewall-dnat 2201->22"});
  // The rule names pip-fw by reference(), which gives its placeholder: nothing is assumed (no dnat-address-unknown).
  CHECK(std::none_of(a.findings.items().begin(), a.findings.items().end(),
                     [](const auto& x) { return x.code == "dnat-address-unknown"; }));
  for (const auto& x : a.exposures) CHECK(std::string(x.path[1].note).empty());
  // A diagnostic about an expanded resource names the template's resource.
  for (const auto& x : d.items()) {
    if (x.where.file.str() == path && !x.where.pointer.empty() && x.code != "coerced-parameter") {
      CHECK(x.where.pointer.rfind("/resources/", 0) == 0);
    }
  }
}

TEST_CASE(
    "arm template: a DNAT rule to a literal address is taken to target the firewall's public IP the template "
    "creates",
    "[arm-template][unknown]") {
  // The template creates pip-fw: its address is only known at deployment (a placeholder from 240.0.0.0/4). The rule
  // ssh names 20.0.0.1:2222 -> 10.0.2.4:22 (a static NIC in `work`, no NSG): 20.0.0.1 is not a known public
  // address of the firewall, so it may be pip-fw's. The firewall's 2222 and the NIC's 22 are reported from every
  // internet source through pip-fw, with a warning naming the rule.
  const json tmpl = {
      {"$schema", kSchema},
      {"resources",
       {{{"type", "Microsoft.Network/virtualNetworks"},
         {"name", "vnet"},
         {"properties",
          {{"addressSpace", {{"addressPrefixes", {"10.0.0.0/16"}}}},
           {"subnets",
            {{{"name", "AzureFirewallSubnet"}, {"properties", {{"addressPrefix", "10.0.1.0/26"}}}},
             {{"name", "work"}, {"properties", {{"addressPrefix", "10.0.2.0/24"}}}}}}}}},
        {{"type", "Microsoft.Network/publicIPAddresses"},
         {"name", "pip-fw"},
         {"sku", {{"name", "Standard"}}},
         {"properties", {{"publicIPAllocationMethod", "Static"}}}},
        {{"type", "Microsoft.Network/networkInterfaces"},
         {"name", "nic"},
         {"properties",
          {{"ipConfigurations",
            {{{"name", "ipc"},
              {"properties",
               {{"privateIPAllocationMethod", "Static"},
                {"privateIPAddress", "10.0.2.4"},
                {"subnet",
                 {{"id", "[resourceId('Microsoft.Network/virtualNetworks/subnets', 'vnet', 'work')]"}}}}}}}}}}},
        {{"type", "Microsoft.Network/azureFirewalls"},
         {"name", "fw"},
         {"properties",
          {{"ipConfigurations",
            {{{"name", "ipc"},
              {"properties",
               {{"subnet",
                 {{"id", "[resourceId('Microsoft.Network/virtualNetworks/subnets', 'vnet', 'AzureFirewallSubnet')]"}}},
                {"publicIPAddress", {{"id", "[resourceId('Microsoft.Network/publicIPAddresses/', 'pip-fw')]"}}},
                {"privateIPAddress", "10.0.1.4"}}}}}},
           {"natRuleCollections",
            {{{"name", "dnat"},
              {"properties",
               {{"priority", 100},
                {"action", {{"type", "Dnat"}}},
                {"rules",
                 {{{"name", "ssh"},
                   {"protocols", {"TCP"}},
                   {"sourceAddresses", {"*"}},
                   {"destinationAddresses", {"20.0.0.1"}},
                   {"destinationPorts", {"2222"}},
                   {"translatedAddress", "10.0.2.4"},
                   {"translatedPort", "22"}}}}}}}}}}}}}}};
  const std::string path = write_temp("dnat-literal.json", tmpl.dump(2));
  model::Model m;
  model::Diagnostics d;
  importers::import_inputs({path}, {}, m, d);
  model::validate(m, d);
  REQUIRE_FALSE(d.has_errors());
  const auto a = solver::analyze(m);
  std::vector<std::string> got;
  for (const auto& x : a.exposures) {
    got.push_back(fmt::format("{} {} {}->{} {} {}", x.nic >= 0 ? m.nics[x.nic].name : m.firewalls[x.target].name,
                              solver::to_string(x.via), model::to_string(x.entry_ports), model::to_string(x.ports),
                              x.public_ip >= 0 ? m.public_ips[x.public_ip].name : "-", x.any_source ? "any" : "some"));
  }
  std::sort(got.begin(), got.end());
  CHECK(got ==
        std::vector<std::string>{"fw firewall-dnat 2222->2222 pip-fw any", "nic firewall-dnat 2222->22 pip-fw any"});
  const auto& items = a.findings.items();
  CHECK(std::count_if(items.begin(), items.end(), [](const auto& x) { return x.code == "dnat-address-unknown"; }) == 1);
  // explain --to pip-fw (one candidate, not ambiguous) follows the rule: 2222 reaches the NIC; 2223 no rule takes.
  solver::FlowQuery q;
  q.source = *model::IpAddress::parse("81.2.69.200");
  q.target = "pip-fw";
  q.protocol = model::Protocol::kTcp;
  q.destination_port = 2222;
  const auto t = solver::explain(m, q);
  CHECK(t.status == solver::FlowTrace::Status::kOk);
  CHECK(t.allowed);
  CHECK(t.firewall == 0);
  q.destination_port = 2223;
  CHECK_FALSE(solver::explain(m, q).allowed);
}

TEST_CASE("arm template: SQL virtual network rules nested in the server and at the top level", "[arm-template]") {
  // A rule nested in the server's `resources` (type `virtualNetworkRules`) and one at the top level
  // (`Microsoft.Sql/servers/virtualNetworkRules`, name `sql1/top`) whose subnet is a parameter without a value (only
  // known at deployment: kept unknown, it may admit any subnet); a third names a server not in the template
  // (`other`): a warning at that rule, and it is not analysed.
  const json tmpl = {
      {"$schema", kSchema},
      {"parameters", {{"subnetId", {{"type", "string"}}}}},
      {"resources",
       {{{"type", "Microsoft.Sql/servers"},
         {"name", "sql1"},
         {"properties", json::object()},
         {"resources",
          {{{"type", "virtualNetworkRules"},
            {"name", "nested"},
            {"dependsOn", {"sql1"}},
            {"properties",
             {{"virtualNetworkSubnetId", "[resourceId('Microsoft.Network/virtualNetworks/subnets', 'vnet', 'work')]"},
              {"ignoreMissingVnetServiceEndpoint", false}}}}}}},
        {{"type", "Microsoft.Sql/servers/virtualNetworkRules"},
         {"name", "sql1/top"},
         {"properties", {{"virtualNetworkSubnetId", "[parameters('subnetId')]"}}}},
        {{"type", "Microsoft.Sql/servers/virtualNetworkRules"},
         {"name", "other/orphan"},
         {"properties",
          {{"virtualNetworkSubnetId",
            "[resourceId('Microsoft.Network/virtualNetworks/subnets', 'vnet', 'work')]"}}}}}}};
  const std::string path = write_temp("sql-vnet-rules.json", tmpl.dump(2));
  model::Model m;
  model::Diagnostics d;
  const auto reports = importers::import_inputs({path}, importers::InputOptions{}, m, d);
  REQUIRE_FALSE(d.has_errors());
  REQUIRE(reports.size() == 1);
  CHECK(reports[0].expanded == 4);
  REQUIRE(m.paas_services.size() == 1);
  const auto& rules = m.paas_services[0].virtual_network_rules;
  REQUIRE(rules.size() == 2);
  CHECK(rules[0].id ==
        "/subscriptions/00000000-0000-0000-0000-000000000000/resourcegroups/resource-group/providers/"
        "microsoft.network/virtualnetworks/vnet/subnets/work");
  CHECK(model::is_unknown(rules[1]));
  const auto* orphan = find(d, "dangling-parent");
  REQUIRE(orphan != nullptr);
  CHECK(orphan->severity == model::Severity::kWarning);
  CHECK(orphan->where.pointer == "/resources/2");
  CHECK(orphan->message ==
        "virtual network rule 'orphan' has no parent in the input: SQL server "
        "'/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/resource-group/providers/Microsoft.Sql/"
        "servers/other' is not declared (an existing resource, or a name only known at deployment); the virtual "
        "network rule is not analysed");
  const auto* unknown = find(d, "unknown-value");
  REQUIRE(unknown != nullptr);
  CHECK(unknown->where.pointer == "/resources/1/properties/virtualNetworkSubnetId");
}

}  // namespace
}  // namespace exposim::testing

// Linked deployments (`templateLink`): relative paths read from disk, URIs and template specs warned.
namespace exposim::testing {
namespace {

/// A fresh directory for one test's files.
fs::path linked_dir(const std::string& name) {
  const fs::path dir = fs::temp_directory_path() / "exposim-arm-linked-test" / name;
  fs::remove_all(dir);
  fs::create_directories(dir);
  return dir;
}

void write_json(const fs::path& p, const json& doc) {
  fs::create_directories(p.parent_path());
  std::ofstream(p) << doc.dump(2);
}

json linked(const std::string& name, json link, json parameters = json::object()) {
  json props = {{"mode", "Incremental"}, {"templateLink", std::move(link)}};
  if (!parameters.empty()) props["parameters"] = std::move(parameters);
  return {{"type", "Microsoft.Resources/deployments"},
          {"apiVersion", "2022-09-01"},
          {"name", name},
          {"properties", std::move(props)}};
}

json nsg(const std::string& name) {
  return {{"type", "Microsoft.Network/networkSecurityGroups"}, {"name", name}, {"properties", json::object()}};
}

const std::string kTemplateRg = "/subscriptions/sub/resourceGroups/rg/providers/";

TEST_CASE("arm template: linked templates by relative path, their parameters and outputs", "[arm-template]") {
  // main.json links modules/network.json (parameters inline), which links ../shared/rt.json, resolved from
  // modules/ to shared/rt.json, with its parameters from ../shared/rt.parameters.json. main.json then uses
  // the network deployment's output by name and by resource id.
  const fs::path dir = linked_dir("outputs");
  write_json(dir / "shared/rt.json", {{"$schema", kSchema},
                                      {"parameters", {{"rtName", {{"type", "string"}}}}},
                                      {"resources",
                                       {{{"type", "Microsoft.Network/routeTables"},
                                         {"name", "[parameters('rtName')]"},
                                         {"properties", json::object()}}}}});
  write_json(dir / "shared/rt.parameters.json",
             {{"$schema", kParametersSchema}, {"parameters", {{"rtName", {{"value", "rt-shared"}}}}}});
  json rt = linked("rt", {{"relativePath", "../shared/rt.json"}});
  rt["properties"]["parametersLink"] = {{"relativePath", "../shared/rt.parameters.json"}};
  write_json(dir / "modules/network.json",
             {{"$schema", kSchema},
              {"parameters", {{"name", {{"type", "string"}}}, {"prefix", {{"type", "string"}}}}},
              {"resources",
               {{{"type", "Microsoft.Network/virtualNetworks"},
                 {"name", "[parameters('name')]"},
                 {"properties", {{"addressSpace", {{"addressPrefixes", {"[parameters('prefix')]"}}}}}}},
                rt}},
              {"outputs", {{"vnetName", {{"type", "string"}, {"value", "[parameters('name')]"}}}}}});
  write_json(dir / "main.json",
             {{"$schema", kSchema},
              {"parameters", {{"env", {{"type", "string"}, {"defaultValue", "prod"}}}}},
              {"resources",
               {linked("network", {{"relativePath", "modules/network.json"}},
                       {{"name", {{"value", "[concat(parameters('env'), '-vnet')]"}}},
                        {"prefix", {{"value", "10.20.0.0/16"}}}}),
                nsg("[concat('nsg-', reference('network').outputs.vnetName.value)]"),
                nsg("[concat('by-id-', reference(resourceId('Microsoft.Resources/deployments', 'network'), "
                    "'2022-09-01').outputs.vnetName.value)]")}}});
  const auto e = expand_file(dir / "main.json");
  INFO(e.diags.items().size());
  REQUIRE_FALSE(e.diags.has_errors());
  CHECK(ids(e) == std::vector<std::string>{kTemplateRg + "Microsoft.Network/virtualNetworks/prod-vnet",
                                           kTemplateRg + "Microsoft.Network/routeTables/rt-shared",
                                           kTemplateRg + "Microsoft.Network/networkSecurityGroups/nsg-prod-vnet",
                                           kTemplateRg + "Microsoft.Network/networkSecurityGroups/by-id-prod-vnet"});
  REQUIRE(e.resources.size() == 4);
  // Each resource names the file that declares it and its pointer there.
  CHECK(e.resources[0].file == (dir / "modules/network.json").string());
  CHECK(e.resources[0].pointer == "/resources/0");
  CHECK(e.resources[0].resource["properties"]["addressSpace"]["addressPrefixes"][0] == "10.20.0.0/16");
  CHECK(e.resources[1].file == (dir / "shared/rt.json").string());
  CHECK(e.resources[1].pointer == "/resources/0");
  CHECK(e.resources[2].file == (dir / "main.json").string());
  CHECK(e.resources[2].pointer == "/resources/1");
  CHECK(find(e.diags, "unresolved-expression") == nullptr);
}

TEST_CASE("arm template: linked templates by URI and template specs are skipped with a warning", "[arm-template]") {
  const fs::path dir = linked_dir("uri");
  // _artifactsLocation defaults to deployment().properties.templateLink.uri (the placeholder): a URI under it is
  // a file next to the template, SAS token dropped.
  write_json(dir / "nested/nsg.json", {{"$schema", kSchema}, {"resources", {nsg("from-artifacts")}}});
  write_json(
      dir / "main.json",
      {{"$schema", kSchema},
       {"parameters",
        {{"_artifactsLocation", {{"type", "string"}, {"defaultValue", "[deployment().properties.templateLink.uri]"}}},
         {"_artifactsLocationSasToken", {{"type", "securestring"}, {"defaultValue", ""}}}}},
       {"resources",
        {linked("remote", {{"uri", "https://example.com/templates/vnet.json"}}),
         linked("spec", {{"id",
                          "/subscriptions/sub/resourceGroups/specs/providers/Microsoft.Resources/"
                          "templateSpecs/fw/versions/1.0"}}),
         linked("artifacts", {{"uri",
                               "[uri(parameters('_artifactsLocation'), concat('nested/nsg.json', "
                               "parameters('_artifactsLocationSasToken')))]"}})}}});
  const auto e = expand_file(dir / "main.json");
  REQUIRE_FALSE(e.diags.has_errors());
  std::vector<std::string> skipped;
  for (const auto& d : e.diags.items()) {
    if (d.code == "linked-template-skipped") {
      skipped.push_back(d.where.pointer + ": " + model::to_string(d.severity) + ": " + d.message);
    }
  }
  // One warning per cause: the first skipped deployment of the file is the warning and counts the others, which
  // are notes (--verbose), each at its own place.
  CHECK(skipped ==
        std::vector<std::string>{
            "/resources/0/properties/templateLink/uri: warning: deployment 'remote' links its template by URI "
            "'https://example.com/templates/vnet.json': exposim does not fetch URIs (--template-dir DIR points links "
            "at local files); its resources are not analysed, so exposure they create is not reported (1 more "
            "deployments of this file are not analysed either; --verbose lists them)",
            "/resources/1/properties/templateLink/id: note: deployment 'spec' deploys the template spec "
            "'/subscriptions/sub/resourceGroups/specs/providers/Microsoft.Resources/templateSpecs/fw/versions/1.0': "
            "template specs are not read; its resources are not analysed, so exposure they create is not reported"});
  // Only the template next to main.json is expanded.
  CHECK(ids(e) == std::vector<std::string>{kTemplateRg + "Microsoft.Network/networkSecurityGroups/from-artifacts"});
  CHECK(e.resources[0].file == (dir / "nested/nsg.json").string());
}

TEST_CASE("arm template: linked template cycles, missing files and unknown outputs are reported", "[arm-template]") {
  const fs::path dir = linked_dir("cycle");
  write_json(dir / "a.json",
             {{"$schema", kSchema}, {"resources", {nsg("in-a"), linked("to-b", {{"relativePath", "b.json"}})}}});
  write_json(dir / "b.json",
             {{"$schema", kSchema}, {"resources", {nsg("in-b"), linked("back-to-a", {{"relativePath", "./a.json"}})}}});
  auto e = expand_file(dir / "a.json");
  const auto* d = find(e.diags, "linked-template-cycle");
  REQUIRE(d != nullptr);
  CHECK(d->severity == model::Severity::kError);
  CHECK(d->where.file.str() == (dir / "b.json").string());
  CHECK(d->where.pointer == "/resources/1/properties/templateLink");
  CHECK(d->message == fmt::format("deployment 'back-to-a' links '{}', which is already being expanded (a cycle of "
                                  "linked templates)",
                                  (dir / "a.json").string()));
  CHECK(ids(e) == std::vector<std::string>{kTemplateRg + "Microsoft.Network/networkSecurityGroups/in-a",
                                           kTemplateRg + "Microsoft.Network/networkSecurityGroups/in-b"});

  // A linked file the user did not supply: skipped with a warning naming the deployment (--strict: an error).
  write_json(dir / "missing.json",
             {{"$schema", kSchema}, {"resources", {linked("gone", {{"relativePath", "nope/x.json"}})}}});
  e = expand_file(dir / "missing.json");
  CHECK_FALSE(e.diags.has_errors());
  d = find(e.diags, "linked-template-skipped");
  REQUIRE(d != nullptr);
  CHECK(d->where.pointer == "/resources/0/properties/templateLink/relativePath");
  CHECK_THAT(d->message,
             Catch::StartsWith("deployment 'gone' links its template 'nope/x.json', which is not in the input"));
  e = expand_file(dir / "missing.json", json::object(), true);
  d = find(e.diags, "file-read");
  REQUIRE(d != nullptr);
  CHECK(d->where.file.str() == (dir / "nope/x.json").string());

  // A linked template that is not a deployment template, and an absolute path.
  write_json(dir / "params.json", {{"$schema", kParametersSchema}, {"parameters", json::object()}});
  write_json(
      dir / "wrong.json",
      {{"$schema", kSchema},
       {"resources",
        {linked("params", {{"relativePath", "params.json"}}), linked("abs", {{"relativePath", "/etc/x.json"}})}}});
  e = expand_file(dir / "wrong.json", json::object(), true);
  std::vector<std::string> got;
  for (const auto& x : e.diags.items()) {
    if (x.severity == model::Severity::kError) got.push_back(x.code + " " + x.where.pointer);
  }
  std::sort(got.begin(), got.end());
  CHECK(got == std::vector<std::string>{"invalid-value /resources/1/properties/templateLink/relativePath",
                                        "unexpected-shape /$schema"});
  // Without --strict the absolute path is a link the user did not supply; a parameter file linked as a template
  // stays an error (ARM rejects it).
  e = expand_file(dir / "wrong.json");
  got.clear();
  for (const auto& x : e.diags.items()) {
    if (x.severity != model::Severity::kNote) got.push_back(x.code + " " + x.where.pointer);
  }
  std::sort(got.begin(), got.end());
  CHECK(got == std::vector<std::string>{"linked-template-skipped /resources/1/properties/templateLink/relativePath",
                                        "unexpected-shape /$schema"});

  // An output only known at deployment: the reference stays unknown, with a warning where it is used.
  write_json(dir / "pip.json",
             {{"$schema", kSchema},
              {"resources", json::array()},
              {"outputs", {{"ip", {{"type", "string"}, {"value", "[reference('pip').ipAddress]"}}}}}});
  json user = {{"type", "Microsoft.Network/routeTables"},
               {"name", "rt"},
               {"properties",
                {{"routes",
                  {{{"name", "r"},
                    {"properties",
                     {{"addressPrefix", "0.0.0.0/0"},
                      {"nextHopType", "VirtualAppliance"},
                      {"nextHopIpAddress", "[reference('pipdep').outputs.ip.value]"}}}}}}}}};
  write_json(dir / "uses.json",
             {{"$schema", kSchema}, {"resources", {linked("pipdep", {{"relativePath", "pip.json"}}), user}}});
  e = expand_file(dir / "uses.json");
  CHECK_FALSE(e.diags.has_errors());
  d = find(e.diags, "unresolved-expression");
  REQUIRE(d != nullptr);
  CHECK(d->where.pointer == "/resources/1/properties/routes/0/properties/nextHopIpAddress");
}

}  // namespace
}  // namespace exposim::testing

// Linked deployments end to end: copy loops over a link, and diagnostics inside the linked file.
namespace exposim::testing {
namespace {

TEST_CASE("arm template: a copy loop over a linked deployment expands the linked template once per iteration",
          "[arm-template]") {
  // Three iterations of one link, each giving the linked template its own name: rt-0, rt-1, rt-2.
  const fs::path dir = linked_dir("copy");
  write_json(dir / "rt.json", {{"$schema", kSchema},
                               {"parameters", {{"rtName", {{"type", "string"}}}}},
                               {"resources",
                                {{{"type", "Microsoft.Network/routeTables"},
                                  {"name", "[parameters('rtName')]"},
                                  {"properties", json::object()}}}}});
  json loop = linked("[concat('rt', copyIndex())]", {{"relativePath", "rt.json"}},
                     {{"rtName", {{"value", "[concat('rt-', copyIndex())]"}}}});
  loop["copy"] = {{"name", "tables"}, {"count", 3}};
  write_json(dir / "main.json", {{"$schema", kSchema}, {"resources", {loop}}});
  const auto e = expand_file(dir / "main.json");
  REQUIRE_FALSE(e.diags.has_errors());
  CHECK(ids(e) == std::vector<std::string>{kTemplateRg + "Microsoft.Network/routeTables/rt-0",
                                           kTemplateRg + "Microsoft.Network/routeTables/rt-1",
                                           kTemplateRg + "Microsoft.Network/routeTables/rt-2"});
}

TEST_CASE("arm template: an error in a linked template names the linked file and its pointer", "[arm-template]") {
  const fs::path dir = linked_dir("errors");
  write_json(dir / "modules/nsg.json", {{"$schema", kSchema},
                                        {"resources",
                                         {{{"type", "Microsoft.Network/networkSecurityGroups"},
                                           {"name", "nsg"},
                                           {"properties",
                                            {{"securityRules",
                                              {{{"name", "ssh"},
                                                {"properties",
                                                 {{"priority", 5000},
                                                  {"direction", "Inbound"},
                                                  {"access", "Allow"},
                                                  {"protocol", "Tcp"},
                                                  {"sourceAddressPrefix", "*"},
                                                  {"sourcePortRange", "*"},
                                                  {"destinationAddressPrefix", "*"},
                                                  {"destinationPortRange", "22"}}}}}}}}}}}});
  write_json(dir / "main.json",
             {{"$schema", kSchema}, {"resources", {linked("nsg", {{"relativePath", "modules/nsg.json"}})}}});
  model::Model m;
  model::Diagnostics d;
  importers::import_inputs({(dir / "main.json").string()}, {}, m, d);
  // ARM would reject priority 5000 at deployment: in a template that is a warning, the value read as unknown.
  CHECK_FALSE(d.has_errors());
  const auto* x = find(d, "unknown-value");
  REQUIRE(x != nullptr);
  CHECK(x->severity == model::Severity::kWarning);
  CHECK_THAT(x->message, Catch::Contains("priority 5000 is above 4096"));
  CHECK(x->where.file.str() == (dir / "modules/nsg.json").string());
  CHECK(x->where.pointer == "/resources/0/properties/securityRules/0/properties/priority");
  // With --strict the same template is refused, at the same place.
  model::Model strict_model;
  model::Diagnostics strict_diags;
  importers::InputOptions strict;
  strict.strict = true;
  importers::import_inputs({(dir / "main.json").string()}, strict, strict_model, strict_diags);
  strict_diags.promote_warnings();
  CHECK(strict_diags.has_errors());
}

}  // namespace
}  // namespace exposim::testing

// Issue 13: what ARM deploys is expanded. Parameters without values, values only known at deployment,
// expressions ARM would reject, $schema spellings, ARM JSON, apiVersion, IPv6 placeholders, --template-dir.
namespace exposim::testing {
namespace {

using importers::is_unknown_value;
using importers::unknown_reason;
using importers::unknown_value;

TEST_CASE("arm template: $schema in every historic spelling", "[arm-template]") {
  for (const char* schema :
       {"https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#",
        "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json",
        "http://schema.management.azure.com/schemas/2015-01-01/deploymentTemplate.json#",
        "http://schema.management.azure.com/schemas/2015-01-01/deploymentTemplate.json",
        "HTTPS://SCHEMA.MANAGEMENT.AZURE.COM/SCHEMAS/2019-04-01/DEPLOYMENTTEMPLATE.JSON#",
        "https://schema.management.azure.com/schemas/2018-05-01/subscriptionDeploymentTemplate.json#"}) {
    INFO(schema);
    CHECK(importers::arm::is_deployment_template(json{{"$schema", schema}}));
    CHECK_FALSE(importers::arm::is_parameters_file(json{{"$schema", schema}}));
  }
  for (const char* schema : {"https://schema.management.azure.com/schemas/2019-04-01/deploymentParameters.json#",
                             "http://schema.management.azure.com/schemas/2015-01-01/deploymentParameters.json",
                             "https://schema.management.azure.com/schemas/2015-01-01/DeploymentParameters.json#"}) {
    INFO(schema);
    CHECK(importers::arm::is_parameters_file(json{{"$schema", schema}}));
    CHECK_FALSE(importers::arm::is_deployment_template(json{{"$schema", schema}}));
  }
  CHECK_FALSE(
      importers::arm::is_deployment_template(json{{"$schema", "https://example.com/deploymentTemplate.json.bak"}}));
  CHECK_FALSE(importers::arm::is_deployment_template(json{{"resources", json::array()}}));

  // End to end: an http:// template without '#' and its http:// parameter file without '#' are detected as such.
  const fs::path dir = linked_dir("schema");
  write_json(dir / "t.json",
             {{"$schema", "http://schema.management.azure.com/schemas/2015-01-01/deploymentTemplate.json"},
              {"parameters", {{"name", {{"type", "string"}}}}},
              {"resources", {nsg("[parameters('name')]")}}});
  write_json(dir / "p.json",
             {{"$schema", "http://schema.management.azure.com/schemas/2015-01-01/deploymentParameters.json"},
              {"parameters", {{"name", {{"value", "nsg-from-file"}}}}}});
  model::Model m;
  model::Diagnostics d;
  const auto reports = importers::import_inputs({(dir / "t.json").string(), (dir / "p.json").string()}, {}, m, d);
  CHECK_FALSE(d.has_errors());
  REQUIRE(reports.size() == 2);
  CHECK(reports[0].kind == "template");
  CHECK(reports[1].kind == "parameters");
  REQUIRE(m.nsgs.size() == 1);
  CHECK(m.nsgs[0].name == "nsg-from-file");
}

TEST_CASE("arm template: JSON as Newtonsoft reads it: trailing commas, comments, multi-line strings, a BOM",
          "[arm-template]") {
  model::Diagnostics d;
  const std::string text =
      "\xef\xbb\xbf{\n"
      "  \"a\": [1, 2, /* two */ ],\n"
      "  \"b\": { \"c\": \"x, ]\", // a comma inside a string stays\n"
      "         \"d\": \"line one\nline two\", },\n"
      "  \"e\": [ [ ], { }, ],\n"
      "}\n";
  const auto doc = importers::arm::parse_arm_json(text, "t.json", d);
  REQUIRE(doc.has_value());
  CHECK(d.items().empty());
  CHECK((*doc)["a"] == json::array({1, 2}));
  CHECK((*doc)["b"]["c"] == "x, ]");
  CHECK((*doc)["b"]["d"] == "line one\nline two");
  CHECK((*doc)["e"] == json::array({json::array(), json::object()}));
  // Two commas in a row are still a syntax error, at the second one.
  model::Diagnostics bad;
  CHECK_FALSE(importers::arm::parse_arm_json("{\n \"a\": [1,, 2]\n}", "bad.json", bad).has_value());
  REQUIRE(bad.items().size() == 1);
  CHECK(bad.items()[0].code == "json-syntax");
  CHECK(bad.items()[0].where.line == 2);

  // A template, its parameter file and a linked template with trailing commas, end to end.
  const fs::path dir = linked_dir("newtonsoft");
  const std::string schema = kSchema;
  std::ofstream(dir / "t.json")
      << "{ \"$schema\": \"" << schema << "\",\n"
      << "  \"parameters\": { \"name\": { \"type\": \"string\", }, },\n"
      << "  \"resources\": [\n"
      << "    { \"type\": \"Microsoft.Network/networkSecurityGroups\", \"apiVersion\": "
         "\"2023-09-01\", \"name\": \"[parameters('name')]\", \"properties\": {}, },\n"
      << "    { \"type\": \"Microsoft.Resources/deployments\", \"apiVersion\": \"2022-09-01\", "
         "\"name\": \"linked\", \"properties\": { \"mode\": \"Incremental\", "
         "\"templateLink\": { \"relativePath\": \"linked.json\", }, }, },\n"
      << "  ],\n}\n";
  std::ofstream(dir / "p.json")
      << "{ \"$schema\": "
         "\"https://schema.management.azure.com/schemas/2019-04-01/deploymentParameters.json#\",\n"
      << "  \"parameters\": { \"name\": { \"value\": \"nsg-a\", }, },\n}\n";
  std::ofstream(dir / "linked.json")
      << "{ \"$schema\": \"" << schema << "\", \"resources\": [ { \"type\": "
      << "\"Microsoft.Network/routeTables\", \"name\": \"rt\", \"properties\": {}, }, ], }";
  model::Model m;
  model::Diagnostics diags;
  importers::InputOptions o;
  o.parameter_files = {(dir / "p.json").string()};
  importers::import_inputs({(dir / "t.json").string()}, o, m, diags);
  CHECK_FALSE(diags.has_errors());
  REQUIRE(m.nsgs.size() == 1);
  CHECK(m.nsgs[0].name == "nsg-a");
  CHECK(m.route_tables.size() == 1);
}

TEST_CASE("arm template: parameters without a value are placeholders or unknown, each with one note",
          "[arm-template]") {
  const json tmpl = {
      {"$schema", kSchema},
      {"parameters",
       {{"vnetName", {{"type", "string"}}},
        {"adminPassword", {{"type", "securestring"}}},
        {"location", {{"type", "string"}}},
        {"sshPort", {{"type", "int"}}},
        {"enabled", {{"type", "bool"}}},
        {"prefixes", {{"type", "array"}}},
        {"settings", {{"type", "object"}}},
        {"secrets", {{"type", "secureObject"}}},
        {"given", {{"type", "int"}}}}},
      {"resources",
       {{{"type", "Microsoft.Network/virtualNetworks"},
         {"apiVersion", "2023-09-01"},
         {"name", "[parameters('vnetName')]"},
         {"location", "[parameters('location')]"},
         {"properties",
          {{"addressSpace", {{"addressPrefixes", "[parameters('prefixes')]"}}},
           {"enableDdosProtection", "[parameters('enabled')]"},
           {"subnets", {{{"name", "s"}, {"properties", {{"addressPrefix", "10.0.0.0/24"}}}}}}}}},
        {{"type", "Microsoft.Network/networkInterfaces"},
         {"name", "nic"},
         {"properties",
          {{"ipConfigurations",
            {{{"name", "ipc"},
              {"properties",
               {{"privateIPAddress", "10.0.0.10"},
                {"subnet",
                 {{"id",
                   "[resourceId('Microsoft.Network/virtualNetworks/subnets', parameters('vnetName'), 's')]"}}}}}}}},
           {"port", "[add(parameters('sshPort'), parameters('given'))]"},
           {"password", "[parameters('adminPassword')]"}}}}}}};
  // "given" is a string for an int, as a parameter file may give it: converted.
  auto o = template_options({{"given", "80"}});
  model::Diagnostics d;
  std::vector<std::string> valueless = {"fromAnotherTemplate"};
  const auto out = importers::arm::expand_template(tmpl, "t.json", o, d, &valueless);
  CHECK_FALSE(d.has_errors());
  // Declaration order of the template (nlohmann keeps keys sorted: alphabetical), after the names given.
  CHECK(valueless == std::vector<std::string>{"fromAnotherTemplate", "adminPassword", "enabled", "location", "prefixes",
                                              "secrets", "settings", "sshPort", "vnetName"});
  REQUIRE(out.size() == 2);
  const json& vnet = out[0].resource;
  CHECK(vnet["name"] == "<vnetName>");
  CHECK(vnet["location"] == "location");  // the placeholder region
  CHECK(vnet["properties"]["addressSpace"]["addressPrefixes"] == unknown_value("parameters('prefixes')"));
  CHECK(vnet["properties"]["enableDdosProtection"] == unknown_value("parameters('enabled')"));
  const json& nic = out[1].resource["properties"];
  // The subnet id built from the placeholder is the id of the subnet the template declares.
  CHECK(nic["ipConfigurations"][0]["properties"]["subnet"]["id"] ==
        "/subscriptions/sub/resourceGroups/rg/providers/Microsoft.Network/virtualNetworks/<vnetName>/subnets/s");
  CHECK(vnet["id"] == "/subscriptions/sub/resourceGroups/rg/providers/Microsoft.Network/virtualNetworks/<vnetName>");
  CHECK(nic["port"] == unknown_value("parameters('sshPort')"));
  CHECK(nic["password"] == "<adminPassword>");

  auto note = [&](const std::string& name) -> std::string {
    const auto* x = find_at(d, "missing-parameter", "/parameters/" + name);
    if (x == nullptr) return "(none)";
    CHECK(x->severity == model::Severity::kNote);
    return x->message;
  };
  CHECK(note("vnetName") ==
        "parameter 'vnetName' has no value and no default: its text is the placeholder '<vnetName>'");
  CHECK(note("adminPassword") ==
        "parameter 'adminPassword' has no value and no default: its text is the placeholder '<adminPassword>'");
  CHECK(note("location") ==
        "parameter 'location' has no value and no default: the placeholder region 'location' is used");
  CHECK(note("sshPort") ==
        "parameter 'sshPort' of type 'int' has no value and no default: its value is unknown (parameters('sshPort'))");
  CHECK(note("secrets") ==
        "parameter 'secrets' of type 'secureobject' has no value and no default: its value is unknown "
        "(parameters('secrets'))");
  CHECK(note("given") == "(none)");
  std::size_t notes = 0;
  for (const auto& x : d.items()) notes += x.code == "missing-parameter" ? 1 : 0;
  CHECK(notes == 8);  // one per parameter without a value
  const auto* coerced = find_at(d, "coerced-parameter", "/parameters/given");
  REQUIRE(coerced != nullptr);
  CHECK(coerced->severity == model::Severity::kNote);

  // --strict: today's error for each required parameter (secure ones keep their placeholder, with a warning).
  o.strict = true;
  model::Diagnostics strict;
  CHECK(importers::arm::expand_template(tmpl, "t.json", o, strict).empty());
  std::vector<std::string> errors;
  for (const auto& x : strict.items()) {
    if (x.severity == model::Severity::kError) errors.push_back(x.where.pointer);
  }
  CHECK(errors == std::vector<std::string>{"/parameters/enabled", "/parameters/location", "/parameters/prefixes",
                                           "/parameters/settings", "/parameters/sshPort", "/parameters/vnetName"});
}

TEST_CASE("arm template: an error only a placeholder causes is an unknown value, not the template's error",
          "[arm-template]") {
  // With a real size such as Standard_D2s_v3, split(..., '_')[1] is "D2s"; the placeholder <vmSize> has no '_'.
  const json tmpl = {{"$schema", kSchema},
                     {"parameters",
                      {{"vmSize", {{"type", "string"}}},
                       {"location", {{"type", "string"}, {"defaultValue", "[resourceGroup().location]"}}}}},
                     {"variables",
                      {{"tier", "[toLower(split(parameters('vmSize'), '_')[1])]"},
                       {"insightsRegion", {{"westeurope", "westeurope"}, {"eastus2", "eastus"}}}}},
                     {"resources",
                      {{{"type", "Microsoft.Network/routeTables"},
                        {"name", "rt"},
                        {"properties",
                         {{"tier", "[variables('tier')]"},
                          {"region", "[variables('insightsRegion')[parameters('location')]]"},
                          {"undefined", "[variables('nope')]"}}}}}}};
  auto e = expand(tmpl);
  CHECK_FALSE(e.diags.has_errors());
  REQUIRE(e.resources.size() == 1);
  const json& p = e.resources[0].resource["properties"];
  CHECK(p["tier"] == unknown_value("parameters('vmSize')"));
  const auto* n = find_at(e.diags, "unresolved-expression", "/resources/0/properties/tier");
  REQUIRE(n != nullptr);
  CHECK(n->severity == model::Severity::kNote);
  CHECK(find_at(e.diags, "expression-error", "/resources/0/properties/tier") == nullptr);
  // The placeholder region is no key of the map: unknown too.
  CHECK(p["region"] == unknown_value("parameters('location')"));
  CHECK(find_at(e.diags, "expression-error", "/resources/0/properties/region") == nullptr);
  // An error of the template itself stays a warning.
  CHECK(find_at(e.diags, "expression-error", "/resources/0/properties/undefined") != nullptr);
  CHECK(unknown_reason(p["undefined"].get<std::string>()).substr(0, 7) == "error: ");
}

TEST_CASE("arm template: a nested deployment's parameter given a value known only at deployment is unknown inside",
          "[arm-template]") {
  const json tmpl = {
      {"$schema", kSchema},
      {"resources",
       {{{"type", "Microsoft.Resources/deployments"},
         {"name", "inner"},
         {"properties",
          {{"expressionEvaluationOptions", {{"scope", "inner"}}},
           {"parameters", {{"subnetId", {{"value", "[reference('vnetDeployment').outputs.subnetId.value]"}}}}},
           {"template",
            {{"$schema", kSchema},
             {"parameters", {{"subnetId", {{"type", "string"}}}}},
             {"resources",
              {{{"type", "Microsoft.Network/networkInterfaces"},
                {"name", "nic"},
                {"properties",
                 {{"ipConfigurations",
                   {{{"name", "ipc"},
                     {"properties",
                      {{"privateIPAddress", "10.0.0.4"},
                       {"subnet", {{"id", "[concat(parameters('subnetId'), '')]"}}}}}}}}}}}}}}}}}}}}};
  auto e = expand(tmpl);
  CHECK_FALSE(e.diags.has_errors());
  REQUIRE(e.resources.size() == 1);
  // The whole field is unknown with the reason of the value given, not a string that merely contains it.
  CHECK(e.resources[0].resource["properties"]["ipConfigurations"][0]["properties"]["subnet"]["id"] ==
        unknown_value("reference('vnetDeployment')"));
  CHECK(find(e.diags, "missing-parameter") == nullptr);
}

TEST_CASE("arm template: parameter file strings for int and bool parameters are converted as ARM converts them",
          "[arm-template]") {
  const json tmpl = {{"$schema", kSchema},
                     {"parameters",
                      {{"port", {{"type", "int"}}},
                       {"on", {{"type", "bool"}}},
                       {"off", {{"type", "bool"}}},
                       {"name", {{"type", "string"}}}}},
                     {"resources",
                      {{{"type", "Microsoft.Network/routeTables"},
                        {"name", "rt"},
                        {"properties",
                         {{"port", "[add(parameters('port'), 1)]"},
                          {"on", "[parameters('on')]"},
                          {"off", "[parameters('off')]"},
                          {"name", "[parameters('name')]"}}}}}}};
  auto e = expand(tmpl, {{"port", " 80 "}, {"on", "True"}, {"off", "false"}, {"name", "80"}});
  CHECK_FALSE(e.diags.has_errors());
  REQUIRE(e.resources.size() == 1);
  const json& p = e.resources[0].resource["properties"];
  CHECK(p["port"] == 81);
  CHECK(p["on"] == true);
  CHECK(p["off"] == false);
  CHECK(p["name"] == "80");  // a string parameter stays a string
}

TEST_CASE("arm template: values known only at deployment and expressions ARM would reject are unknown fields",
          "[arm-template]") {
  // The second resource is 201-list-storage-keys-windows-vm's VM reduced: its OS disk name uses a variable the
  // template does not define. ARM rejects that at deployment ("The template variable 'vmName' is not found");
  // without --strict it is a warning naming the place, and the field is unknown.
  const json tmpl = {
      {"$schema", kSchema},
      {"variables", {{"nicName", "nic"}}},
      {"resources",
       {{{"type", "Microsoft.Network/networkInterfaces"},
         {"apiVersion", "2023-09-01"},
         {"name", "[variables('nicName')]"},
         {"properties",
          {{"ipConfigurations",
            {{{"name", "ipc"},
              {"properties",
               {{"subnet", {{"id", "[reference('vnetDeployment').outputs.subnetId.value]"}}},
                {"privateIPAddress", "10.0.0.5"}}}}}}}}},
        {{"type", "Microsoft.Compute/virtualMachines"},
         {"apiVersion", "2017-03-30"},
         {"name", "vm"},
         {"properties", {{"storageProfile", {{"osDisk", {{"name", "[concat(variables('vmName'),'_OSDisk')]"}}}}}}}}}}};
  importers::arm::TemplateOptions o;
  o.modelled_type = [](std::string_view t) { return t == "microsoft.network/networkinterfaces"; };
  model::Diagnostics d;
  const auto out = importers::arm::expand_template(tmpl, "t.json", o, d);
  CHECK_FALSE(d.has_errors());
  REQUIRE(out.size() == 2);
  // apiVersion is kept, under that spelling.
  CHECK(out[0].resource["apiVersion"] == "2023-09-01");
  CHECK(out[1].resource["apiVersion"] == "2017-03-30");
  const json& subnet = out[0].resource["properties"]["ipConfigurations"][0]["properties"]["subnet"]["id"];
  REQUIRE(subnet.is_string());
  CHECK(is_unknown_value(subnet.get<std::string>()));
  CHECK(unknown_reason(subnet.get<std::string>()) == "reference('vnetDeployment')");
  const auto* unresolved =
      find_at(d, "unresolved-expression", "/resources/0/properties/ipConfigurations/0/properties/subnet/id");
  REQUIRE(unresolved != nullptr);
  CHECK(unresolved->severity == model::Severity::kNote);

  const json& disk = out[1].resource["properties"]["storageProfile"]["osDisk"]["name"];
  REQUIRE(disk.is_string());
  CHECK(unknown_reason(disk.get<std::string>()) ==
        "error: offset 8 in '[concat(variables('vmName'),'_OSDisk')]': variables: variable 'vmName' is not defined");
  const auto* rejected = find_at(d, "expression-error", "/resources/1/properties/storageProfile/osDisk/name");
  REQUIRE(rejected != nullptr);
  // A VM is not modelled: a note. The same expression in a modelled resource is a warning.
  CHECK(rejected->severity == model::Severity::kNote);
  json modelled = tmpl;
  modelled["resources"][0]["properties"]["name"] = "[variables('vmName')]";
  model::Diagnostics d2;
  importers::arm::expand_template(modelled, "t.json", o, d2);
  const auto* w = find_at(d2, "expression-error", "/resources/0/properties/name");
  REQUIRE(w != nullptr);
  CHECK(w->severity == model::Severity::kWarning);
  CHECK_THAT(w->message, Catch::EndsWith("ARM would reject this at deployment; the value is read as unknown"));

  // --strict: the errors of before (the VM, not modelled, is left out with a warning).
  o.strict = true;
  model::Diagnostics strict;
  const auto strict_out = importers::arm::expand_template(modelled, "t.json", o, strict);
  CHECK(strict.has_errors());
  REQUIRE(strict_out.size() == 1);
  CHECK(strict_out[0].resource["type"] == "Microsoft.Network/networkInterfaces");
  CHECK_FALSE(strict_out[0].resource["properties"].contains("name"));
}

TEST_CASE("arm template: a copy count known only at deployment expands one instance, with a warning",
          "[arm-template]") {
  const json tmpl = {{"$schema", kSchema},
                     {"parameters", {{"count", {{"type", "int"}}}}},
                     {"resources",
                      {{{"type", "Microsoft.Network/publicIPAddresses"},
                        {"name", "[concat('pip-', copyIndex())]"},
                        {"copy", {{"name", "pips"}, {"count", "[parameters('count')]"}}},
                        {"properties", {{"publicIPAllocationMethod", "Static"}}}},
                       {{"type", "Microsoft.Network/virtualNetworks"},
                        {"name", "vnet"},
                        {"properties",
                         {{"copy",
                           {{{"name", "subnets"},
                             {"count", "[length(reference('x').subnets)]"},
                             {"input", {{"name", "[concat('s', copyIndex('subnets'))]"}}}}}}}}}}}};
  auto e = expand(tmpl);
  CHECK_FALSE(e.diags.has_errors());
  CHECK(ids(e) == std::vector<std::string>{
                      "/subscriptions/sub/resourceGroups/rg/providers/Microsoft.Network/publicIPAddresses/pip-0",
                      "/subscriptions/sub/resourceGroups/rg/providers/Microsoft.Network/virtualNetworks/vnet"});
  REQUIRE(e.resources.size() == 2);
  CHECK(e.resources[1].resource["properties"]["subnets"] == json::array({{{"name", "s0"}}}));
  const auto* w = find_at(e.diags, "copy-count-unknown", "/resources/0/copy/count");
  REQUIRE(w != nullptr);
  CHECK(w->severity == model::Severity::kWarning);
  CHECK(w->message ==
        "copy count is only known at deployment (parameters('count')): one instance is expanded, where "
        "Azure would deploy the real count");
  CHECK(find_at(e.diags, "copy-count-unknown", "/resources/1/properties/copy/0/count") != nullptr);
  // --strict: an error, as before.
  CHECK(expand(tmpl, {{"count", nullptr}}, true).diags.has_errors());
}

TEST_CASE("arm template: an unknown resource name is a placeholder: a warning when modelled, a note otherwise",
          "[arm-template]") {
  const json tmpl = {{"$schema", kSchema},
                     {"resources",
                      {{{"type", "Microsoft.Network/networkSecurityGroups"},
                        {"name", "[reference('x').nsgName]"},
                        {"properties", json::object()}},
                       {{"type", "Microsoft.Insights/workbooks"},
                        {"name", "[createArray('not', 'a', 'string')]"},
                        {"properties", json::object()}},
                       {{"type", "Microsoft.Network/virtualNetworks/subnets"},
                        {"name", "[reference('y').name]"},
                        {"properties", {{"addressPrefix", "10.0.0.0/24"}}}}}}};
  importers::arm::TemplateOptions o;
  o.modelled_type = [](std::string_view t) { return t.rfind("microsoft.network/", 0) == 0; };
  model::Diagnostics d;
  const auto out = importers::arm::expand_template(tmpl, "t.json", o, d);
  CHECK_FALSE(d.has_errors());
  REQUIRE(out.size() == 3);
  CHECK(out[0].resource["name"] == "<unknown-name-1>");
  CHECK(out[1].resource["name"] == "<unknown-name-2>");
  // A child type takes one placeholder per segment of its name.
  CHECK(out[2].resource["id"] ==
        "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/resource-group/"
        "providers/Microsoft.Network/virtualNetworks/<unknown-name-3>/subnets/<unknown-name-4>");
  const auto* nsg_name = find_at(d, "placeholder-name", "/resources/0/name");
  REQUIRE(nsg_name != nullptr);
  CHECK(nsg_name->severity == model::Severity::kWarning);
  CHECK(nsg_name->message ==
        "the resource's name is only known at deployment (reference('x')): the placeholder '<unknown-name-1>' is used");
  const auto* workbook = find_at(d, "placeholder-name", "/resources/1/name");
  REQUIRE(workbook != nullptr);
  CHECK(workbook->severity == model::Severity::kNote);
  CHECK(
      workbook->message ==
      "the resource's name is not a string but [\"not\",\"a\",\"string\"]: the placeholder '<unknown-name-2>' is used");
}

TEST_CASE("arm template: languageVersion 2.0 symbolic names, and 'existing' resources are not deployed",
          "[arm-template]") {
  const json tmpl = {
      {"$schema", kSchema},
      {"languageVersion", "2.0"},
      {"resources",
       {{"hub", {{"type", "Microsoft.Network/virtualNetworks"}, {"existing", true}, {"name", "hub-vnet"}}},
        {"nsg",
         {{"type", "Microsoft.Network/networkSecurityGroups"},
          {"apiVersion", "2023-09-01"},
          {"name", "nsg-a"},
          {"properties", json::object()}}}}}};
  auto e = expand(tmpl);
  CHECK_FALSE(e.diags.has_errors());
  CHECK(ids(e) == std::vector<std::string>{
                      "/subscriptions/sub/resourceGroups/rg/providers/Microsoft.Network/networkSecurityGroups/nsg-a"});
  REQUIRE(e.resources.size() == 1);
  CHECK(e.resources[0].pointer == "/resources/nsg");
}

TEST_CASE("arm template: dynamic IPv6 ip configurations take placeholders from the subnet's IPv6 prefix",
          "[arm-template]") {
  auto config = [](const std::string& name, const std::string& version) {
    json props = {{"privateIPAllocationMethod", "Dynamic"},
                  {"subnet", {{"id", "[resourceId('Microsoft.Network/virtualNetworks/subnets', 'vnet', 'dual')]"}}}};
    if (!version.empty()) props["privateIPAddressVersion"] = version;
    return json{{"name", name}, {"properties", props}};
  };
  const json tmpl = {
      {"$schema", kSchema},
      {"resources",
       {{{"type", "Microsoft.Network/virtualNetworks"},
         {"name", "vnet"},
         {"properties",
          {{"addressSpace", {{"addressPrefixes", {"10.0.0.0/16", "fd00:db8:deca::/48"}}}},
           {"subnets",
            {{{"name", "dual"}, {"properties", {{"addressPrefixes", {"10.0.1.0/24", "fd00:db8:deca:1::/64"}}}}},
             {{"name", "v4only"}, {"properties", {{"addressPrefix", "10.0.2.0/24"}}}}}}}}},
        {{"type", "Microsoft.Network/networkInterfaces"},
         {"name", "nic1"},
         {"properties", {{"ipConfigurations", {config("v4", ""), config("v6", "IPv6")}}}}},
        {{"type", "Microsoft.Network/networkInterfaces"},
         {"name", "nic2"},
         {"properties", {{"ipConfigurations", {config("v6", "IPv6"), config("v4", "IPv4")}}}}},
        {{"type", "Microsoft.Network/networkInterfaces"},
         {"name", "nic3"},
         {"properties",
          {{"ipConfigurations",
            {{{"name", "v6"},
              {"properties",
               {{"privateIPAddressVersion", "IPv6"},
                {"subnet",
                 {{"id", "[resourceId('Microsoft.Network/virtualNetworks/subnets', 'vnet', 'v4only')]"}}}}}}}}}}}}}};
  auto e = expand(tmpl);
  CHECK_FALSE(e.diags.has_errors());
  REQUIRE(e.resources.size() == 4);
  auto address = [&](std::size_t nic, std::size_t config) {
    const json& p = e.resources[nic].resource["properties"]["ipConfigurations"][config]["properties"];
    return p.contains("privateIPAddress") ? p["privateIPAddress"].get<std::string>() : std::string("(none)");
  };
  // Each family counts from its own fourth address, in declaration order.
  CHECK(address(1, 0) == "10.0.1.4");
  CHECK(address(1, 1) == "fd00:db8:deca:1::4");
  CHECK(address(2, 0) == "fd00:db8:deca:1::5");
  CHECK(address(2, 1) == "10.0.1.5");
  // A subnet without an IPv6 prefix gives an IPv6 configuration no address (never an IPv4 one).
  CHECK(address(3, 0) == "(none)");
}

TEST_CASE("arm template: --template-dir resolves linked templates by URI, never outside the directory",
          "[arm-template]") {
  const fs::path dir = linked_dir("template-dir");
  const fs::path local = dir / "quickstart";
  write_json(local / "nested/vnet.json", {{"$schema", kSchema},
                                          {"parameters", {{"name", {{"type", "string"}}}}},
                                          {"resources", {nsg("[parameters('name')]")}}});
  write_json(local / "nested/vnet.parameters.json",
             {{"$schema", kParametersSchema}, {"parameters", {{"name", {{"value", "from-parameters-link"}}}}}});
  write_json(local / "rt.json", {{"$schema", kSchema}, {"resources", {nsg("by-file-name")}}});
  write_json(local / "nested/microsoft.network/nsg.json", {{"$schema", kSchema}, {"resources", {nsg("three-deep")}}});
  write_json(dir / "secret.json", {{"$schema", kSchema}, {"resources", {nsg("outside")}}});
  fs::create_symlink(dir / "secret.json", local / "link.json");
  const std::string raw = "https://raw.githubusercontent.com/Azure/azure-quickstart-templates/master/quickstarts/x/";
  json with_params = linked("vnet", {{"uri", raw + "nested/vnet.json?sv=token"}});
  with_params["properties"]["parametersLink"] = {{"uri", raw + "nested/vnet.parameters.json"}};
  write_json(dir / "main.json", {{"$schema", kSchema},
                                 {"resources",
                                  {with_params, linked("rt", {{"uri", raw + "linked/rt.json"}}),
                                   linked("deep", {{"uri", raw + "nested/microsoft.network/nsg.json"}}),
                                   linked("escape", {{"uri", raw + "../secret.json"}}),
                                   linked("symlink", {{"uri", raw + "link.json"}})}}});
  const auto e = expand_file(dir / "main.json", json::object(), false, {local.string()});
  CHECK_FALSE(e.diags.has_errors());
  // nested/vnet.json by its last two segments (SAS token dropped), with its parameters by URI too; rt.json by its
  // file name (there is no linked/ folder); ../secret.json and a symbolic link out of the directory are not read.
  // nested/microsoft.network/nsg.json by its last three segments.
  CHECK(ids(e) == std::vector<std::string>{kTemplateRg + "Microsoft.Network/networkSecurityGroups/from-parameters-link",
                                           kTemplateRg + "Microsoft.Network/networkSecurityGroups/by-file-name",
                                           kTemplateRg + "Microsoft.Network/networkSecurityGroups/three-deep"});
  REQUIRE(e.resources.size() == 3);
  CHECK(e.resources[0].file == (local / "nested/vnet.json").string());
  std::vector<std::string> skipped;
  for (const auto& x : e.diags.items()) {
    if (x.code == "linked-template-skipped") skipped.push_back(x.where.pointer);
  }
  CHECK(skipped == std::vector<std::string>{"/resources/3/properties/templateLink/uri",
                                            "/resources/4/properties/templateLink/uri"});
  const auto* w = find_at(e.diags, "linked-template-skipped", "/resources/4/properties/templateLink/uri");
  REQUIRE(w != nullptr);
  CHECK(w->severity == model::Severity::kNote);  // the second of the file: the first is the warning
  CHECK(find_at(e.diags, "linked-template-skipped", "/resources/3/properties/templateLink/uri")->severity ==
        model::Severity::kWarning);
  CHECK_THAT(w->message, Catch::StartsWith("deployment 'symlink' links its template by URI '" + raw +
                                           "link.json': exposim does not fetch URIs and no --template-dir holds it"));
  // Without --template-dir every one of them is skipped, each naming its deployment.
  const auto none = expand_file(dir / "main.json");
  CHECK(none.resources.empty());
  std::size_t n = 0;
  for (const auto& x : none.diags.items()) n += x.code == "linked-template-skipped" ? 1 : 0;
  CHECK(n == 5);
}

TEST_CASE("arm template: an output that cannot be evaluated is an expression-error, a documented code",
          "[arm-template]") {
  // resourceId with a type and no name is rejected by the evaluator (its internal code invalid-argument); the
  // warning must carry a code of docs/diagnostics.md, so that --ignore and --fail-on can name it.
  const json inner = {
      {"$schema", kSchema},
      {"resources", json::array()},
      {"outputs",
       {{"nsg", {{"type", "string"}, {"value", "[resourceId('Microsoft.Network/networkSecurityGroups')]"}}}}}};
  const json tmpl = {
      {"$schema", kSchema},
      {"resources",
       {{{"type", "Microsoft.Resources/deployments"},
         {"apiVersion", "2021-04-01"},
         {"name", "inner"},
         {"properties",
          {{"mode", "Incremental"}, {"expressionEvaluationOptions", {{"scope", "inner"}}}, {"template", inner}}}}}}};
  auto e = expand(tmpl);
  const model::Diagnostic* d = nullptr;
  for (const auto& x : e.diags.items()) {
    if (x.where.pointer == "/resources/0/properties/template/outputs/nsg/value") d = &x;
  }
  REQUIRE(d != nullptr);
  CHECK(d->code == "expression-error");
  CHECK(d->severity == model::Severity::kWarning);
  CHECK_THAT(d->message, Catch::StartsWith("output 'nsg' of deployment 'inner' cannot be evaluated"));
  CHECK(find(e.diags, "invalid-argument") == nullptr);
}

}  // namespace
}  // namespace exposim::testing
