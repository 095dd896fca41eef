// Application gateways, end to end from resource JSON: the gateway's own exposure, the flows it forwards (via:
// application-gateway), alone or with a Bastion, through an Azure Firewall or a load balancer, and the importer's and
// validation's diagnostics. The Bastion's own cases are in bastion_test.cpp; the shared fixture in gateway_estate.h.
// Every expectation is worked out by hand from Azure's documented behaviour (docs/model.md).
#include <catch2/catch.hpp>

#include <algorithm>
#include <fstream>
#include <functional>
#include <random>
#include <sstream>
#include <string>
#include <tuple>
#include <vector>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "cli/analyze_report.h"
#include "cli/broken_text.h"
#include "cli/explain_report.h"
#include "cli/explain_text.h"
#include "importers/azure/resource_importer.h"
#include "importers/unknown_value.h"
#include "model/validate.h"
#include "solver/explain.h"
#include "solver/exposure.h"
#include "test_scale.h"
#include "tests/gateway_estate.h"
#include "tests/path_check.h"
#include "tests/path_estates.h"

using namespace exposim::testing::gateway_estate;

// ---- Application gateways ----

TEST_CASE("application gateway: listener 443 to backend NICs on 8080, seen from the gateway subnet",
          "[solver][application-gateway]") {
  Estate e;
  e.vnet("hub", "10.0.0.0/16", {{"agw", "10.0.2.0/24", ""}, {"web", "10.0.3.0/24", ""}})
      // Admits 8080 from the gateway subnet only.
      .nsg("nsg-from-gw", {{"allow-gw", 100, "Allow", "10.0.2.0/24", "8080"}, {"deny-8080", 200, "Deny", "*", "8080"}})
      // Admits 8080 from the internet only: the gateway's connections (from 10.0.2.0/24) are denied.
      .nsg("nsg-from-internet",
           {{"allow-internet", 100, "Allow", "Internet", "8080"}, {"deny-8080", 200, "Deny", "*", "8080"}})
      .pip("pip-agw", "20.0.0.20")
      .add(gateway("hub", "agw", "pip-agw", {{"l-https", 443}}, {{"pool", {"10.0.3.6"}}}, {{"s-8080", 8080}},
                   {{"l-https", "pool", "s-8080"}}))
      .nic("nic-1", "hub", "web", "10.0.3.4", "nsg-from-gw", {"pool"})
      .nic("nic-2", "hub", "web", "10.0.3.5", "nsg-from-internet", {"pool"})
      .nic("nic-3", "hub", "web", "10.0.3.6", "nsg-from-gw");  // a member by address
  const auto r = run(e.resources);
  REQUIRE_FALSE(r.diags.has_errors());
  CHECK(lines(r) ==
        std::vector<std::string>{
            "agw public-ip 443->tcp 443 any | internet pip:pip-agw no-nsg(subnet) agw(listener):l-https target",
            "nic-1 application-gateway 443->tcp 8080 any | internet pip:pip-agw no-nsg(gateway-subnet) "
            "agw(routing):l-https->8080 no-nsg(subnet) nsg(nic):nsg-from-gw/allow-gw target",
            "nic-3 application-gateway 443->tcp 8080 any | internet pip:pip-agw no-nsg(gateway-subnet) "
            "agw(routing):l-https->8080 no-nsg(subnet) nsg(nic):nsg-from-gw/allow-gw target",
        });
}

TEST_CASE("application gateway: a gateway subnet NSG that denies the listener port leaves nothing",
          "[solver][application-gateway]") {
  Estate e;
  e.vnet("hub", "10.0.0.0/16", {{"agw", "10.0.2.0/24", "nsg-agw"}, {"web", "10.0.3.0/24", ""}})
      // Denies 443 from everyone; GatewayManager's range is allowed, as Azure requires (not an exposure).
      .nsg("nsg-agw",
           {{"deny-https", 100, "Deny", "*", "443"}, {"allow-gwm", 110, "Allow", "GatewayManager", "65200-65535"}})
      .pip("pip-agw", "20.0.0.20")
      .add(gateway("hub", "agw", "pip-agw", {{"l-https", 443}}, {{"pool", {}}}, {{"s-8080", 8080}},
                   {{"l-https", "pool", "s-8080"}}))
      .nic("nic-1", "hub", "web", "10.0.3.4", "", {"pool"});
  const auto r = run(e.resources);
  REQUIRE_FALSE(r.diags.has_errors());
  CHECK(lines(r).empty());
}

TEST_CASE("application gateway: gateway subnet NSG rules naming a destination", "[solver][application-gateway]") {
  // Which instance address a client reaches is unknown: an allow rule applies when its destination meets the
  // subnet, a deny rule only when it covers the whole subnet.
  auto estate = [](const std::string& deny_destination) {
    Estate e;
    e.vnet("hub", "10.0.0.0/16", {{"agw", "10.0.2.0/24", "nsg-agw"}});
    e.add({{"id", kS + "/networkSecurityGroups/nsg-agw"},
           {"name", "nsg-agw"},
           {"type", "Microsoft.Network/networkSecurityGroups"},
           {"properties",
            {{"securityRules",
              {{{"name", "deny-part"},
                {"properties",
                 {{"priority", 100},
                  {"access", "Deny"},
                  {"direction", "Inbound"},
                  {"protocol", "Tcp"},
                  {"sourceAddressPrefix", "*"},
                  {"sourcePortRange", "*"},
                  {"destinationAddressPrefix", deny_destination},
                  {"destinationPortRange", "443"}}}},
               {{"name", "allow-to-one-address"},
                {"properties",
                 {{"priority", 200},
                  {"access", "Allow"},
                  {"direction", "Inbound"},
                  {"protocol", "Tcp"},
                  {"sourceAddressPrefix", "Internet"},
                  {"sourcePortRange", "*"},
                  {"destinationAddressPrefix", "10.0.2.7"},
                  {"destinationPortRange", "443"}}}}}}}}});
    e.pip("pip-agw", "20.0.0.20")
        .add(gateway("hub", "agw", "pip-agw", {{"l-https", 443}}, {{"pool", {}}}, {{"s", 80}},
                     {{"l-https", "pool", "s"}}));
    return run(e.resources);
  };
  // Denying half the subnet might miss the instance: the allow rule (one address in the subnet) decides.
  CHECK(lines(estate("10.0.2.0/25")) ==
        std::vector<std::string>{
            "agw public-ip 443->tcp 443 any | internet pip:pip-agw nsg(subnet):nsg-agw/allow-to-one-address "
            "agw(listener):l-https target"});
  // Denying the whole subnet surely applies.
  CHECK(lines(estate("10.0.2.0/24")).empty());
}

TEST_CASE("application gateway: path-based rules reach the default and every path's pool",
          "[solver][application-gateway]") {
  json g = gateway("hub", "agw", "pip-agw", {{"l-http", 80}}, {{"pool-web", {"10.0.3.4"}}, {"pool-api", {"10.0.3.5"}}},
                   {{"s-80", 80}, {"s-9000", 9000}}, {});
  auto& props = g["properties"];
  props["urlPathMaps"] = {
      {{"id", kGw + "/urlPathMaps/paths"},
       {"name", "paths"},
       {"properties",
        {{"defaultBackendAddressPool", id_ref(kGw + "/backendAddressPools/pool-web")},
         {"defaultBackendHttpSettings", id_ref(kGw + "/backendHttpSettingsCollection/s-80")},
         {"pathRules",
          {{{"name", "api"},
            {"properties",
             {{"paths", {"/api/*"}},
              {"backendAddressPool", id_ref(kGw + "/backendAddressPools/pool-api")},
              {"backendHttpSettings", id_ref(kGw + "/backendHttpSettingsCollection/s-9000")}}}}}}}}}};
  props["requestRoutingRules"] = {{{"name", "by-path"},
                                   {"properties",
                                    {{"ruleType", "PathBasedRouting"},
                                     {"httpListener", id_ref(kGw + "/httpListeners/l-http")},
                                     {"urlPathMap", id_ref(kGw + "/urlPathMaps/paths")}}}}};
  Estate e;
  e.vnet("hub", "10.0.0.0/16", {{"agw", "10.0.2.0/24", ""}, {"web", "10.0.3.0/24", ""}})
      .pip("pip-agw", "20.0.0.20")
      .add(g)
      .nic("nic-web", "hub", "web", "10.0.3.4")
      .nic("nic-api", "hub", "web", "10.0.3.5");
  const auto r = run(e.resources);
  REQUIRE_FALSE(r.diags.has_errors());
  CHECK(lines(r) ==
        std::vector<std::string>{
            "agw public-ip 80->tcp 80 any | internet pip:pip-agw no-nsg(subnet) agw(listener):l-http target",
            "nic-api application-gateway 80->tcp 9000 any | internet pip:pip-agw no-nsg(gateway-subnet) "
            "agw(routing):l-http->9000 no-nsg(subnet) no-nsg(nic) target",
            "nic-web application-gateway 80->tcp 80 any | internet pip:pip-agw no-nsg(gateway-subnet) "
            "agw(routing):l-http->80 no-nsg(subnet) no-nsg(nic) target",
        });
}

TEST_CASE("application gateway: backends by host name or unknown address are reported, private frontends are not",
          "[solver][application-gateway]") {
  json g = gateway("hub", "agw", "pip-agw", {{"l-http", 80}}, {{"pool", {"backend.contoso.com", "10.9.9.9"}}},
                   {{"s", 80}}, {{"l-http", "pool", "s"}});
  Estate e;
  e.vnet("hub", "10.0.0.0/16", {{"agw", "10.0.2.0/24", ""}}).pip("pip-agw", "20.0.0.20").add(g);
  auto r = run(e.resources);
  REQUIRE_FALSE(r.diags.has_errors());
  CHECK(lines(r).size() == 1);  // the listener itself
  CHECK(
      printed(r.a.findings) ==
      std::vector<std::string>{
          "t.json: /2/properties/backendAddressPools/0: warning: application gateway 'agw': backend pool 'pool' lists "
          "'backend.contoso.com', '10.9.9.9', not the address of any ip configuration or internal load balancer "
          "frontend in the input: exposure of those "
          "backends is not reported [unresolved-backend]"});

  // The same gateway with a private frontend: never reached from the internet.
  g["properties"]["frontendIPConfigurations"][0]["properties"] = {{"privateIPAddress", "10.0.2.10"},
                                                                  {"subnet", id_ref(subnet_id("hub", "agw"))}};
  Estate p;
  p.vnet("hub", "10.0.0.0/16", {{"agw", "10.0.2.0/24", ""}}).add(g);
  r = run(p.resources);
  REQUIRE_FALSE(r.diags.has_errors());
  CHECK(lines(r).empty());
}

TEST_CASE("application gateway: WAF mode from the configuration, the gateway's policy, or a listener's policy",
          "[azure][application-gateway]") {
  json g = gateway("hub", "agw", "pip-agw", {{"l-a", 80}, {"l-b", 81}}, {{"pool", {}}}, {{"s", 80}}, {});
  auto policy = [](const std::string& name, const std::string& mode, const std::string& state) {
    return json{{"id", kS + "/ApplicationGatewayWebApplicationFirewallPolicies/" + name},
                {"name", name},
                {"type", "Microsoft.Network/ApplicationGatewayWebApplicationFirewallPolicies"},
                {"properties", {{"policySettings", {{"mode", mode}, {"state", state}}}}}};
  };
  auto modes = [](const json& resources) {
    const auto r = run(resources, true);  // the gateway alone: its subnet and public IP are elsewhere
    REQUIRE_FALSE(r.diags.has_errors());
    const auto& gw = r.m.application_gateways.at(0);
    return std::string(model::to_string(model::effective_waf_mode(gw, gw.listeners[0]))) + " " +
           model::to_string(model::effective_waf_mode(gw, gw.listeners[1]));
  };
  // webApplicationFirewallConfiguration: enabled, Prevention.
  CHECK(modes(json::array({g})) == "prevention prevention");
  // A gateway policy replaces it; absent from the input, its mode is unknown.
  g["properties"]["firewallPolicy"] = id_ref(kS + "/ApplicationGatewayWebApplicationFirewallPolicies/gw-policy");
  CHECK(modes(json::array({g})) == "unknown unknown");
  CHECK(modes(json::array({g, policy("gw-policy", "Detection", "Enabled")})) == "detection detection");
  CHECK(modes(json::array({policy("gw-policy", "Prevention", "Disabled"), g})) == "off off");
  // A listener's own policy overrides the gateway's for that listener.
  g["properties"]["httpListeners"][1]["properties"]["firewallPolicy"] =
      id_ref(kS + "/ApplicationGatewayWebApplicationFirewallPolicies/l-policy");
  CHECK(modes(json::array({g, policy("gw-policy", "Detection", "Enabled"),
                           policy("l-policy", "Prevention", "Enabled")})) == "detection prevention");
}

// ---- Importer and validation ----

TEST_CASE("azure: Bastion and application gateway fields", "[azure]") {
  Estate e;
  e.bastion("standard", "hub", "pip",
            {{"enableTunneling", true}, {"enableIpConnect", true}, {"enableShareableLink", false}});
  json g = gateway("hub", "agw", "pip", {{"l-https", 443}}, {{"pool", {"10.0.3.4", "app.contoso.com"}}}, {{"s", 8443}},
                   {{"l-https", "pool", "s"}});
  g["properties"]["sku"] = {{"name", "WAF_Medium"}, {"tier", "WAF"}};
  g["properties"]["httpListeners"][0]["properties"]["hostNames"] = {"a.contoso.com", "b.contoso.com"};
  e.add(g);
  model::Model m;
  model::Diagnostics d;
  importers::azure::import_text(e.resources.dump(), "t.json", m, d);
  CHECK(printed(d).empty());
  REQUIRE(m.bastion_hosts.size() == 1);
  const auto& b = m.bastion_hosts[0];
  CHECK(b.sku == model::BastionSku::kStandard);
  CHECK(b.enable_tunneling);
  CHECK(b.enable_ip_connect);
  CHECK_FALSE(b.enable_shareable_link);
  CHECK_FALSE(b.enable_private_only);
  REQUIRE(b.ip_configurations.size() == 1);
  CHECK(b.ip_configurations[0].subnet.id == model::canonical_id(subnet_id("hub", "AzureBastionSubnet")));
  REQUIRE(m.application_gateways.size() == 1);
  const auto& gw = m.application_gateways[0];
  CHECK_FALSE(gw.v2);
  CHECK(gw.sku_name == "WAF_Medium");
  CHECK(gw.waf_mode == model::WafMode::kPrevention);
  REQUIRE(gw.listeners.size() == 1);
  CHECK(gw.listeners[0].protocol == model::AgProtocol::kHttps);
  CHECK(gw.listeners[0].host_names == std::vector<std::string>{"a.contoso.com", "b.contoso.com"});
  REQUIRE(gw.frontend_ports.size() == 1);
  CHECK(gw.frontend_ports[0].port == 443);
  REQUIRE(gw.backend_pools.size() == 1);
  REQUIRE(gw.backend_pools[0].addresses.size() == 2);
  CHECK(gw.backend_pools[0].addresses[0].ip->to_string() == "10.0.3.4");
  CHECK(gw.backend_pools[0].addresses[1].fqdn == "app.contoso.com");
  REQUIRE(gw.backend_settings.size() == 1);
  CHECK(gw.backend_settings[0].port == 8443);
  REQUIRE(gw.rules.size() == 1);
}

TEST_CASE("azure: malformed Bastion and application gateway input", "[azure]") {
  struct Case {
    const char* what;
    std::function<void(json&)> edit;  // applied to the gateway (index 1); the Bastion is index 0
    std::string expected;
  };
  const std::string gw = "t.json: /1/properties/";
  const std::vector<Case> cases = {
      {"bastion SKU", [](json& r) { r[0]["sku"]["name"] = "Gold"; },
       "t.json: /0/sku/name: error: SKU 'Gold' is not Developer, Basic, Standard or Premium [invalid-value]"},
      {"bastion flag type", [](json& r) { r[0]["properties"]["enableTunneling"] = "yes"; },
       "t.json: /0/properties/enableTunneling: error: 'enableTunneling' is a string, expected a boolean "
       "[invalid-type]"},
      {"listener protocol", [](json& r) { r[1]["properties"]["httpListeners"][0]["properties"]["protocol"] = "Tcp"; },
       gw + "httpListeners/0/properties/protocol: error: protocol 'Tcp' is not Http or Https [invalid-value]"},
      {"listener without port",
       [](json& r) { r[1]["properties"]["httpListeners"][0]["properties"].erase("frontendPort"); },
       gw + "httpListeners/0: error: HTTP listener 'l' has no 'frontendPort' [missing-field]"},
      {"frontend port 0", [](json& r) { r[1]["properties"]["frontendPorts"][0]["properties"]["port"] = 0; },
       gw + "frontendPorts/0/properties/port: error: port 0 is below 1 [invalid-value]"},
      // A number written as a string is converted, as ARM converts it.
      {"frontend port as text", [](json& r) { r[1]["properties"]["frontendPorts"][0]["properties"]["port"] = "443"; },
       gw +
           "frontendPorts/0/properties/port: note: 'port' is the string '443', read as the number 443 [coerced-value]"},
      {"settings without port",
       [](json& r) { r[1]["properties"]["backendHttpSettingsCollection"][0]["properties"].erase("port"); },
       gw + "backendHttpSettingsCollection/0: error: backend HTTP settings 's' has no 'port' [missing-field]"},
      {"rule without listener",
       [](json& r) { r[1]["properties"]["requestRoutingRules"][0]["properties"].erase("httpListener"); },
       gw + "requestRoutingRules/0: error: request routing rule 'r-l' has no 'httpListener' [missing-field]"},
      {"listeners not an array", [](json& r) { r[1]["properties"]["httpListeners"] = json::object(); },
       gw + "httpListeners: error: 'httpListeners' is an object, expected an array [invalid-type]"},
      {"backend address not an object",
       [](json& r) { r[1]["properties"]["backendAddressPools"][0]["properties"]["backendAddresses"] = {"10.0.0.4"}; },
       gw + "backendAddressPools/0/properties/backendAddresses/0: error: backend address is a string, expected an "
            "object [invalid-type]"},
      {"backend address not an IP",
       [](json& r) {
         r[1]["properties"]["backendAddressPools"][0]["properties"]["backendAddresses"] = {
             {{"ipAddress", "10.0.0.300"}}};
       },
       gw + "backendAddressPools/0/properties/backendAddresses/0/ipAddress: error: backend IP address '10.0.0.300' is "
            "not an IP address [invalid-value]"},
      {"WAF mode", [](json& r) { r[1]["properties"]["webApplicationFirewallConfiguration"]["firewallMode"] = "Block"; },
       gw + "webApplicationFirewallConfiguration/firewallMode: error: WAF mode 'Block' is not Detection or Prevention "
            "[invalid-value]"},
      {"TCP listeners",
       [](json& r) {
         r[1]["properties"]["listeners"] = {{{"name", "tcp"}}};
       },
       gw + "listeners: warning: application gateway 'agw': 'listeners' (TCP/TLS proxy listeners) not modelled: "
            "exposure through it is not reported [unmodelled-feature]"},
  };
  for (const auto& c : cases) {
    INFO(c.what);
    Estate e;
    e.bastion("Basic", "hub", "pip");
    e.add(gateway("hub", "agw", "pip", {{"l", 80}}, {{"pool", {}}}, {{"s", 80}}, {{"l", "pool", "s"}}));
    c.edit(e.resources);
    model::Model m;
    model::Diagnostics d;
    importers::azure::import_text(e.resources.dump(), "t.json", m, d);
    CHECK(printed(d) == std::vector<std::string>{c.expected});
  }
}

TEST_CASE("azure: WAF policy state", "[azure]") {
  model::Model m;
  model::Diagnostics d;
  importers::azure::import_text(
      R"([{"id": "/p/ApplicationGatewayWebApplicationFirewallPolicies/w", "type": "Microsoft.Network/ApplicationGatewayWebApplicationFirewallPolicies",
           "properties": {"policySettings": {"state": "Off"}}}])",
      "t.json", m, d);
  CHECK(printed(d) == std::vector<std::string>{"t.json: /0/properties/policySettings/state: error: WAF policy state "
                                               "'Off' is not Enabled or Disabled [invalid-value]"});
}

TEST_CASE("validation: references between a gateway's children, and from NICs to its pools",
          "[model][application-gateway]") {
  auto diagnostics = [](const std::function<void(json&)>& edit) {
    Estate e;
    e.vnet("hub", "10.0.0.0/16", {{"agw", "10.0.2.0/24", ""}, {"web", "10.0.3.0/24", ""}})
        .pip("pip", "20.0.0.20")
        .add(gateway("hub", "agw", "pip", {{"l", 80}}, {{"pool", {}}}, {{"s", 80}}, {{"l", "pool", "s"}}))
        .nic("nic", "hub", "web", "10.0.3.4", "", {"pool"});
    edit(e.resources);
    model::Model m;
    model::Diagnostics d;
    importers::azure::import_text(e.resources.dump(), "t.json", m, d);
    model::validate(m, d, {});
    return printed(d);
  };
  CHECK(diagnostics([](json&) {}).empty());
  CHECK(diagnostics([](json& r) {
          r[2]["properties"]["httpListeners"][0]["properties"]["frontendPort"] = id_ref(kGw + "/frontendPorts/nope");
        }) == std::vector<std::string>{"t.json: /2/properties/httpListeners/0/properties/frontendPort/id: error: "
                                       "referenced frontend port '" +
                                       model::canonical_id(kGw + "/frontendPorts/nope") +
                                       "' is not in application gateway 'agw' [dangling-reference]"});
  CHECK(diagnostics([](json& r) {
          r[2]["properties"]["requestRoutingRules"][0]["properties"]["backendHttpSettings"] =
              id_ref(kS + "/applicationGateways/other/backendHttpSettingsCollection/s");
        }) == std::vector<std::string>{
                  "t.json: /2/properties/requestRoutingRules/0/properties/backendHttpSettings/id: "
                  "error: referenced backend HTTP settings '" +
                  model::canonical_id(kS + "/applicationGateways/other/backendHttpSettingsCollection/s") +
                  "' is not in application gateway 'agw' [dangling-reference]"});
  CHECK(diagnostics([](json& r) {
          r[3]["properties"]["ipConfigurations"][0]["properties"]["applicationGatewayBackendAddressPools"][0] =
              id_ref(kGw + "/backendAddressPools/gone");
        }) == std::vector<std::string>{"t.json: /3/properties/ipConfigurations/0/properties/"
                                       "applicationGatewayBackendAddressPools/0/id: error: referenced application "
                                       "gateway backend address pool '" +
                                       model::canonical_id(kGw + "/backendAddressPools/gone") +
                                       "' is not in the input [dangling-reference]"});
}

namespace {

/// A hub with a Basic Bastion (AzureBastionSubnet 10.0.1.0/26) and a gateway `agw` (10.0.2.0/24, listener
/// 80 to pool `pool` on 80), peered with a spoke whose NIC `nic-app` (10.1.0.4) is the pool's member.
Estate gateway_and_bastion_to_spoke() {
  Estate e;
  e.vnet("hub", "10.0.0.0/16", {{"AzureBastionSubnet", "10.0.1.0/26", ""}, {"agw", "10.0.2.0/24", ""}}, {{"spoke"}})
      .vnet("spoke", "10.1.0.0/16", {{"apps", "10.1.0.0/24", ""}}, {{"hub"}})
      .pip("pip-bastion", "20.0.0.10")
      .pip("pip-agw", "20.0.0.20")
      .bastion("Basic", "hub", "pip-bastion")
      .add(gateway("hub", "agw", "pip-agw", {{"l", 80}}, {{"pool", {}}}, {{"s", 80}}, {{"l", "pool", "s"}}))
      .nic("nic-app", "spoke", "apps", "10.1.0.4", "", {"pool"});
  return e;
}

/// Gives subnet `subnet` of the `vnet`-th resource a route table `table` with one route `route`: `prefix` to
/// the appliance 10.1.0.100.
void route_to_nva(Estate& e, std::size_t vnet, std::size_t subnet, const std::string& table, const std::string& route,
                  const std::string& prefix) {
  e.resources[vnet]["properties"]["subnets"][subnet]["properties"]["routeTable"] = id_ref(kS + "/routeTables/" + table);
  e.add({{"id", kS + "/routeTables/" + table},
         {"name", table},
         {"type", "Microsoft.Network/routeTables"},
         {"properties",
          {{"routes",
            {{{"name", route},
              {"properties",
               {{"addressPrefix", prefix},
                {"nextHopType", "VirtualAppliance"},
                {"nextHopIpAddress", "10.1.0.100"}}}}}}}}});
}

}  // namespace

TEST_CASE("bastion and gateway flows whose replies take another route are broken, not exposures",
          "[solver][bastion][application-gateway]") {
  // The spoke's subnet sends the hub (10.0.0.0/16) to an appliance: a user route of the same length as the
  // system peering route wins, so replies to the Bastion (10.0.1.0) and gateway (10.0.2.0) subnets go to the
  // appliance, not straight back: both connections fail.
  Estate e = gateway_and_bastion_to_spoke();
  route_to_nva(e, 1, 0, "rt-apps", "hub-via-nva", "10.0.0.0/16");
  const auto r = run(e.resources);
  REQUIRE_FALSE(r.diags.has_errors());
  // Only the entry points themselves are exposed.
  CHECK(lines(r) ==
        std::vector<std::string>{
            "agw public-ip 80->tcp 80 any | internet pip:pip-agw no-nsg(subnet) agw(listener):l target",
            "bastion public-ip 443->tcp 443 any | internet pip:pip-bastion no-nsg(subnet) bastion(host) target",
        });
  REQUIRE(r.a.broken.size() == 2);
  std::vector<std::string> why;
  for (const auto& b : r.a.broken) {
    REQUIRE(b.broken);
    why.push_back(cli::broken_text(r.m, *b.broken));
    CHECK(b.path[b.path.size() - 4].kind == Hop::Kind::kRoute);  // the reply's route, before the NSG hops
  }
  std::sort(why.begin(), why.end());
  CHECK(why ==
        std::vector<std::string>{
            "asymmetric routing: replies to Bastion 'bastion' (10.0.1.0) take route 'hub-via-nva' (10.0.0.0/16 -> "
            "VirtualAppliance 10.1.0.100) of route table 'rt-apps', not the way the connection came, so it fails",
            "asymmetric routing: replies to application gateway 'agw' (10.0.2.0) take route 'hub-via-nva' "
            "(10.0.0.0/16 -> VirtualAppliance 10.1.0.100) of route table 'rt-apps', not the way the connection "
            "came, so it fails",
        });
}

TEST_CASE("application gateway: through one appliance both ways, the backend is reached (symmetric routing)",
          "[solver][application-gateway]") {
  // As the test above, but the gateway subnet also sends the spoke (10.1.0.0/16) to the appliance 10.1.0.100:
  // requests and replies both cross it, so the connection works; Bastion's subnet takes no routes, so its
  // sessions stay broken.
  Estate e = gateway_and_bastion_to_spoke();
  route_to_nva(e, 1, 0, "rt-apps", "via-nva", "10.0.0.0/16");
  route_to_nva(e, 0, 1, "rt-agw", "via-nva", "10.1.0.0/16");
  const auto r = run(e.resources);
  REQUIRE_FALSE(r.diags.has_errors());
  int gateway_flows = 0;
  for (const auto& x : r.a.exposures) gateway_flows += x.via == solver::Via::kApplicationGateway ? 1 : 0;
  CHECK(gateway_flows == 1);
  REQUIRE(r.a.broken.size() == 1);
  REQUIRE(r.a.broken[0].broken);
  CHECK_THAT(cli::broken_text(r.m, *r.a.broken[0].broken),
             Catch::StartsWith("asymmetric routing: replies to Bastion 'bastion'"));
}

TEST_CASE("application gateway: a pool member in a VNet not peered with the gateway's is broken",
          "[solver][application-gateway]") {
  Estate e;
  e.vnet("hub", "10.0.0.0/16", {{"agw", "10.0.2.0/24", ""}})
      .vnet("other", "10.5.0.0/16", {{"apps", "10.5.0.0/24", ""}})
      .pip("pip-agw", "20.0.0.20")
      .add(gateway("hub", "agw", "pip-agw", {{"l", 80}}, {{"pool", {}}}, {{"s", 80}}, {{"l", "pool", "s"}}))
      .nic("nic-far", "other", "apps", "10.5.0.4", "", {"pool"});
  const auto r = run(e.resources);
  REQUIRE_FALSE(r.diags.has_errors());
  CHECK(lines(r).size() == 1);  // the listener
  REQUIRE(r.a.broken.size() == 1);
  REQUIRE(r.a.broken[0].broken);
  // The data: the gateway opens the flow from its VNet (hub) to the target's (other), which are not connected.
  const solver::Broken& why = *r.a.broken[0].broken;
  CHECK(why.code == solver::BrokenCode::kEntryCannotReach);
  CHECK(why.entry_kind == model::ResourceKind::kApplicationGateway);
  CHECK(r.m.application_gateways[static_cast<std::size_t>(why.entry)].name == "agw");
  CHECK(r.m.nics[static_cast<std::size_t>(why.target.nic)].name == "nic-far");
  CHECK(r.m.vnets[static_cast<std::size_t>(why.from_vnet)].name == "hub");
  CHECK(r.m.vnets[static_cast<std::size_t>(why.to_vnet)].name == "other");
  CHECK(cli::broken_text(r.m, why) ==
        "application gateway 'agw' cannot reach nic-far: virtual networks 'hub' and 'other' are not peered (peering is "
        "not transitive)");
}

TEST_CASE("structural mutations of the gateway example never crash", "[azure][robustness][application-gateway]") {
  // Values replaced by other types, out-of-range numbers, removed keys and references to other children:
  // import, validation and analysis must report, never throw or crash (the CI runs this under sanitizers).
  std::ifstream in(std::string(EXPOSIM_SOURCE_DIR) + "/examples/app-gateway-waf/estate.json");
  const json original = json::parse(in);
  std::vector<json::json_pointer> pointers;
  std::vector<std::string> ids;
  const json flat = original.flatten();
  for (const auto& [key, value] : flat.items()) {
    pointers.emplace_back(key);
    if (value.is_string() && value.get<std::string>().rfind("/subscriptions/", 0) == 0) ids.push_back(value);
  }
  const std::vector<json> replacements = {nullptr,       0,    -1,         70000,   "", "x", json::object(),
                                          json::array(), true, "10.0.3.5", "Https", 3.5};
  std::mt19937 rng(20261122);
  int accepted = 0;
  for (int round = 0; round < test::rounds(1000); ++round) {
    json doc = original;
    for (int edit = 0; edit < 3; ++edit) {
      auto at = pointers[rng() % pointers.size()];
      // Sometimes act on an enclosing object or array instead of the leaf.
      for (int up = static_cast<int>(rng() % 4); up > 0 && !at.empty(); --up) at = at.parent_pointer();
      if (at.empty() || !doc.contains(at)) continue;
      switch (rng() % 3) {
        case 0: doc[at] = replacements[rng() % replacements.size()]; break;
        case 1: doc[at] = ids[rng() % ids.size()]; break;  // another resource's or child's id
        case 2: {
          auto& parent = doc[at.parent_pointer()];
          if (parent.is_object()) parent.erase(at.back());
          break;
        }
      }
    }
    for (bool allow_missing : {false, true}) {
      Run r;
      importers::azure::import_text(doc.dump(), "t.json", r.m, r.diags);
      if (r.diags.has_errors()) {
        CHECK_FALSE(printed(r.diags).empty());
        continue;
      }
      model::validate(r.m, r.diags, {allow_missing});
      if (r.diags.has_errors()) continue;
      r.a = solver::analyze(r.m);
      std::ostringstream out;  // the writers follow every hop and entry back into the model
      cli::write_table(out, r.m, r.a);
      cli::write_json(out, r.m, r.a, r.diags.sorted());
      cli::write_csv(out, r.m, r.a);
      CHECK_FALSE(out.str().empty());
      ++accepted;
    }
  }
  CHECK(accepted > 0);
}

TEST_CASE("explain follows a Bastion's or gateway's public IP to the entry point itself", "[solver][bastion]") {
  Estate e;
  e.vnet("hub", "10.0.0.0/16", {{"AzureBastionSubnet", "10.0.1.0/26", ""}, {"agw", "10.0.2.0/24", ""}})
      .pip("pip-bastion", "20.0.0.10")
      .pip("pip-agw", "20.0.0.20")
      .bastion("Basic", "hub", "pip-bastion")
      .add(gateway("hub", "agw", "pip-agw", {{"l", 80}}, {{"pool", {}}}, {{"s", 80}}, {{"l", "pool", "s"}}));
  const auto r = run(e.resources);
  REQUIRE_FALSE(r.diags.has_errors());
  solver::FlowQuery q;
  q.source = *model::IpAddress::parse("52.1.1.1");
  q.destination_port = 443;
  q.target = "20.0.0.10";
  auto t = solver::explain(r.m, q);
  REQUIRE(t.status == solver::FlowTrace::Status::kOk);
  CHECK(t.allowed);  // no NSG on AzureBastionSubnet: 443 is open
  CHECK(t.bastion == 0);
  CHECK(t.hops.back().kind == solver::TraceHop::Kind::kBastion);
  // The gateway's only listener is on 80; its pool is empty, so nothing behind the listener is traced.
  q.target = "pip-agw";
  t = solver::explain(r.m, q);
  CHECK_FALSE(t.allowed);
  CHECK(cli::hop_text(r.m, t.hops.back()) ==
        "no listener of application gateway 'agw' on frontend 'fe' port 443: the gateway "
        "accepts nothing there");
  q.destination_port = 80;
  t = solver::explain(r.m, q);
  CHECK(t.allowed);
  CHECK(t.nic == -1);
  CHECK(cli::verdict_text(r.m, t) ==
        "allowed: tcp 52.1.1.1:49152 -> 20.0.0.20:80 reaches listener 'l' of application gateway 'agw'; "
        "nothing behind it is traced");
}

TEST_CASE("application gateway: two listeners to one pool give the backend one exposure per listener",
          "[solver][application-gateway]") {
  Estate e;
  e.vnet("hub", "10.0.0.0/16", {{"agw", "10.0.2.0/24", ""}, {"web", "10.0.3.0/24", ""}})
      .pip("pip-agw", "20.0.0.20")
      .add(gateway("hub", "agw", "pip-agw", {{"l-http", 80}, {"l-https", 443}}, {{"pool", {}}}, {{"s", 8080}},
                   {{"l-http", "pool", "s"}, {"l-https", "pool", "s"}}))
      .nic("nic-web", "hub", "web", "10.0.3.4", "", {"pool"});
  const auto r = run(e.resources);
  REQUIRE_FALSE(r.diags.has_errors());
  // Same backend port, different entries: the client may come in on 80 or on 443.
  CHECK(lines(r) ==
        std::vector<std::string>{
            "agw public-ip 80->tcp 80 any | internet pip:pip-agw no-nsg(subnet) agw(listener):l-http target",
            "agw public-ip 443->tcp 443 any | internet pip:pip-agw no-nsg(subnet) agw(listener):l-https target",
            "nic-web application-gateway 80->tcp 8080 any | internet pip:pip-agw no-nsg(gateway-subnet) "
            "agw(routing):l-http->8080 no-nsg(subnet) no-nsg(nic) target",
            "nic-web application-gateway 443->tcp 8080 any | internet pip:pip-agw no-nsg(gateway-subnet) "
            "agw(routing):l-https->8080 no-nsg(subnet) no-nsg(nic) target",
        });
  for (const auto& x : r.a.exposures) {
    CHECK(x.gateway == 0);
    CHECK(x.gateway_rule == (x.entry_ports.contains(80) ? 0 : 1));
  }
}

TEST_CASE("application gateway: a pool address that is an internal load balancer's frontend is followed through it",
          "[solver][application-gateway]") {
  const std::string lb_id = kS + "/loadBalancers/ilb";
  auto lb_rule = [&](const std::string& name, int frontend_port, int backend_port) {
    return json{{"name", name},
                {"properties",
                 {{"frontendIPConfiguration", id_ref(lb_id + "/frontendIPConfigurations/fe")},
                  {"backendAddressPool", id_ref(lb_id + "/backendAddressPools/be")},
                  {"protocol", "Tcp"},
                  {"frontendPort", frontend_port},
                  {"backendPort", backend_port}}}};
  };
  Estate e;
  e.vnet("hub", "10.0.0.0/16", {{"agw", "10.0.2.0/24", ""}, {"app", "10.0.4.0/24", ""}})
      // The backends admit 80 from the gateway subnet only.
      .nsg("nsg-app", {{"allow-gw-80", 100, "Allow", "10.0.2.0/24", "80"}, {"deny-rest", 200, "Deny", "*", "*"}})
      .pip("pip-agw", "20.0.0.20")
      .add(gateway("hub", "agw", "pip-agw", {{"l-https", 443}}, {{"pool", {"10.0.4.100"}}}, {{"s-8080", 8080}},
                   {{"l-https", "pool", "s-8080"}}))
      .add({{"id", lb_id},
            {"name", "ilb"},
            {"type", "Microsoft.Network/loadBalancers"},
            {"sku", {{"name", "Standard"}}},
            {"properties",
             {{"frontendIPConfigurations",
               {{{"id", lb_id + "/frontendIPConfigurations/fe"},
                 {"name", "fe"},
                 {"properties", {{"privateIPAddress", "10.0.4.100"}, {"subnet", id_ref(subnet_id("hub", "app"))}}}}}},
              {"backendAddressPools", {{{"id", lb_id + "/backendAddressPools/be"}, {"name", "be"}}}},
              // 8080 -> 80 carries the gateway's connections; 9090 is another service the gateway never uses.
              {"loadBalancingRules", {lb_rule("r-8080", 8080, 80), lb_rule("r-9090", 9090, 9090)}}}}});
  e.nic("nic-app", "hub", "app", "10.0.4.4", "nsg-app");
  e.resources.back()["properties"]["ipConfigurations"][0]["properties"]["loadBalancerBackendAddressPools"] = {
      id_ref(lb_id + "/backendAddressPools/be")};
  const auto r = run(e.resources);
  REQUIRE_FALSE(r.diags.has_errors());
  CHECK(printed(r.a.findings).empty());    // 10.0.4.100 is resolved: no unresolved-backend
  exposim::testing::path_check::Counts n;  // the internal load balancer is a stage of the backend's path
  exposim::testing::path_check::check_paths(r.m, r.a, n);
  CHECK(n.explained["application-gateway"] == 1);
  CHECK(lines(r) ==
        std::vector<std::string>{
            "agw public-ip 443->tcp 443 any | internet pip:pip-agw no-nsg(subnet) agw(listener):l-https target",
            "nic-app application-gateway 443->tcp 80 any | internet pip:pip-agw no-nsg(gateway-subnet) "
            "agw(routing):l-https->8080 lb:ilb/r-8080 no-nsg(subnet) nsg(nic):nsg-app/allow-gw-80 target",
        });
}

TEST_CASE("application gateway: an IPv6 frontend reaches IPv4 backends for IPv6 clients",
          "[solver][application-gateway]") {
  Estate e;
  e.vnet("hub", "10.0.0.0/16", {{"agw", "10.0.2.0/24", ""}, {"web", "10.0.3.0/24", ""}})
      .pip("pip-agw-v6", "2603:1020::10")
      .add(
          gateway("hub", "agw", "pip-agw-v6", {{"l", 80}}, {{"pool", {"10.0.3.4"}}}, {{"s", 80}}, {{"l", "pool", "s"}}))
      .nic("nic-web", "hub", "web", "10.0.3.4");
  const auto r = run(e.resources);
  REQUIRE_FALSE(r.diags.has_errors());
  REQUIRE(lines(r).size() == 2);  // the gateway connects to the backend itself: no family check on the backend
  for (const auto& x : r.a.exposures) {
    CHECK(x.any_source);
    CHECK(model::to_cidr_strings(x.sources).front().find(':') != std::string::npos);  // IPv6 clients only
  }
}

// ---- Through an Azure Firewall by user-defined routes ----

namespace {

const std::string kFwPolicy = kS + "/firewallPolicies/policy";

/// A network rule collection (`action` Allow or Deny) of TCP rules (name, sources, destinations, ports).
json network_collection(
    const std::string& name, int priority, const std::string& action,
    const std::vector<std::tuple<std::string, std::string, std::string, std::vector<std::string>>>& rules) {
  json rs = json::array();
  for (const auto& [rule, source, destination, ports] : rules) {
    rs.push_back({{"ruleType", "NetworkRule"},
                  {"name", rule},
                  {"ipProtocols", {"TCP"}},
                  {"sourceAddresses", {source}},
                  {"destinationAddresses", {destination}},
                  {"destinationPorts", ports}});
  }
  return {{"ruleCollectionType", "FirewallPolicyFilterRuleCollection"},
          {"name", name},
          {"priority", priority},
          {"action", {{"type", action}}},
          {"rules", rs}};
}

/// Gives subnet `subnet` of the `vnet`-th resource a route table `table` sending `prefix` to `next_hop`.
void route_via(Estate& e, std::size_t vnet, std::size_t subnet, const std::string& table, const std::string& prefix,
               const std::string& next_hop) {
  e.resources[vnet]["properties"]["subnets"][subnet]["properties"]["routeTable"] = id_ref(kS + "/routeTables/" + table);
  e.add({{"id", kS + "/routeTables/" + table},
         {"name", table},
         {"type", "Microsoft.Network/routeTables"},
         {"properties",
          {{"routes",
            {{{"name", "via-" + next_hop},
              {"properties",
               {{"addressPrefix", prefix}, {"nextHopType", "VirtualAppliance"}, {"nextHopIpAddress", next_hop}}}}}}}}});
}

/// hub 10.0.0.0/16 (AzureBastionSubnet 10.0.1.0/26 with a Basic Bastion, gateway subnet `agw` 10.0.2.0/24,
/// AzureFirewallSubnet 10.0.3.0/26 with firewall `fw` at 10.0.3.4 and policy `policy` holding `collections`)
/// peered with spoke 10.1.0.0/16 (`apps` 10.1.0.0/24: `nic-app` 10.1.0.4 and `nic-2` 10.1.0.5, both members of
/// pool `pool`). The gateway has listener `l` (80) -> `pool` on 8080 and listener `l-443` (443) -> `pool` on 8443.
/// Routes: the gateway subnet sends the spoke (10.1.0.0/16), and `apps` sends the hub (10.0.0.0/16), to the
/// firewall: both directions of the gateway's connections cross it.
Estate gateway_through_firewall(json collections, const std::string& nsg_2 = "") {
  Estate e;
  e.vnet("hub", "10.0.0.0/16",
         {{"AzureBastionSubnet", "10.0.1.0/26", ""},
          {"agw", "10.0.2.0/24", ""},
          {"AzureFirewallSubnet", "10.0.3.0/26", ""}},
         {{"spoke"}})
      .vnet("spoke", "10.1.0.0/16", {{"apps", "10.1.0.0/24", ""}}, {{"hub"}})
      .pip("pip-bastion", "20.0.0.10")
      .pip("pip-agw", "20.0.0.20")
      .bastion("Basic", "hub", "pip-bastion")
      .add(gateway("hub", "agw", "pip-agw", {{"l", 80}, {"l-443", 443}}, {{"pool", {}}},
                   {{"s", 8080}, {"s-8443", 8443}}, {{"l", "pool", "s"}, {"l-443", "pool", "s-8443"}}))
      .nic("nic-app", "spoke", "apps", "10.1.0.4", "", {"pool"})
      .nic("nic-2", "spoke", "apps", "10.1.0.5", nsg_2, {"pool"})
      .add(
          {{"id", kS + "/azureFirewalls/fw"},
           {"name", "fw"},
           {"type", "Microsoft.Network/azureFirewalls"},
           {"properties",
            {{"sku", {{"name", "AZFW_VNet"}, {"tier", "Standard"}}},
             {"firewallPolicy", id_ref(kFwPolicy)},
             {"ipConfigurations",
              {{{"name", "ipc"},
                {"properties",
                 {{"privateIPAddress", "10.0.3.4"}, {"subnet", id_ref(subnet_id("hub", "AzureFirewallSubnet"))}}}}}}}}})
      .add({{"id", kFwPolicy},
            {"name", "policy"},
            {"type", "Microsoft.Network/firewallPolicies"},
            {"properties", json::object()}})
      .add({{"id", kFwPolicy + "/ruleCollectionGroups/rcg"},
            {"name", "rcg"},
            {"type", "Microsoft.Network/firewallPolicies/ruleCollectionGroups"},
            {"properties", {{"priority", 200}, {"ruleCollections", std::move(collections)}}}});
  route_via(e, 0, 1, "rt-agw", "10.1.0.0/16", "10.0.3.4");
  route_via(e, 1, 0, "rt-apps", "10.0.0.0/16", "10.0.3.4");
  return e;
}

/// The exposures of the gateway's backends (not the entry points' own, nor Bastion sessions).
std::vector<std::string> backend_lines(const Run& r) {
  std::vector<std::string> out;
  for (const auto& l : lines(r)) {
    if (l.find(" application-gateway ") != std::string::npos) out.push_back(l);
  }
  return out;
}

}  // namespace

TEST_CASE("application gateway: a backend reached through an Azure Firewall both ways is filtered by its rules",
          "[solver][application-gateway][firewall]") {
  SECTION("a network rule allows 8080 from the gateway subnet: kept, the firewall hop names the rule") {
    // 80 -> 8080 is allowed by allow-agw/agw-8080; 443 -> 8443 matches no rule: denied by default.
    const auto r = run(gateway_through_firewall(
                           json::array({network_collection("allow-agw", 200, "Allow",
                                                           {{"agw-8080", "10.0.2.0/24", "10.1.0.0/24", {"8080"}}})}))
                           .resources);
    REQUIRE_FALSE(r.diags.has_errors());
    exposim::testing::path_check::Counts n;  // the firewall crossed both ways is a stage of the backends' paths
    exposim::testing::path_check::check_paths(r.m, r.a, n);
    CHECK(n.explained["application-gateway"] == 2);
    CHECK(backend_lines(r) ==
          std::vector<std::string>{
              "nic-2 application-gateway 80->tcp 8080 any | internet pip:pip-agw no-nsg(gateway-subnet) "
              "agw(routing):l->8080 fw(network):allow-agw/agw-8080 no-nsg(subnet) no-nsg(nic) target",
              "nic-app application-gateway 80->tcp 8080 any | internet pip:pip-agw no-nsg(gateway-subnet) "
              "agw(routing):l->8080 fw(network):allow-agw/agw-8080 no-nsg(subnet) no-nsg(nic) target",
          });
    // The Bastion subnet takes no routes (Azure does not support them there): its sessions go straight to the
    // spoke, whose replies to 10.0.1.0 take the route to the firewall: broken, for both NICs.
    REQUIRE(r.a.broken.size() == 2);
    for (const auto& b : r.a.broken) {
      CHECK(b.via == solver::Via::kBastion);
      REQUIRE(b.broken);
      // The data: the Bastion's sessions come from its subnet's first address; the target's reply takes the user
      // route to the firewall.
      const solver::Broken& why = *b.broken;
      CHECK(why.code == solver::BrokenCode::kReplyAsymmetric);
      CHECK(why.entry_kind == model::ResourceKind::kBastionHost);
      CHECK(r.m.bastion_hosts[static_cast<std::size_t>(why.entry)].name == "bastion");
      CHECK(why.target.nic == b.nic);
      CHECK(why.target.ip_configuration == b.ip_configuration);
      CHECK(why.from == model::IpAddress::parse("10.0.1.0"));
      CHECK(why.route.user);
      CHECK(r.m.route_tables[static_cast<std::size_t>(why.route.route_table)].name == "rt-apps");
      CHECK(why.route.next_hop_ip == model::IpAddress::parse("10.0.3.4"));
      CHECK(cli::broken_text(r.m, why) ==
            "asymmetric routing: replies to Bastion 'bastion' (10.0.1.0) take route 'via-10.0.3.4' (10.0.0.0/16 -> "
            "VirtualAppliance 10.0.3.4) of route table 'rt-apps', not the way the connection came, so it fails");
    }
  }
  SECTION("no rule matches: denied by default, no backend exposure and no broken flow") {
    const auto r = run(
        gateway_through_firewall(json::array({network_collection("allow-other", 200, "Allow",
                                                                 {{"web", "10.0.2.0/24", "10.1.0.0/24", {"443"}}})}))
            .resources);
    REQUIRE_FALSE(r.diags.has_errors());
    CHECK(backend_lines(r).empty());
    CHECK(lines(r).size() == 3);  // the Bastion's 443 and the gateway's two listeners
    for (const auto& b : r.a.broken) CHECK(b.via == solver::Via::kBastion);
  }
  SECTION("a deny network rule before the allow takes its share; the rest passes") {
    // deny-app (100) denies 8080 to 10.1.0.4; allow-all (200) allows 8080 and 8443 to the subnet.
    const auto r =
        run(gateway_through_firewall(
                json::array({network_collection("deny-app", 100, "Deny", {{"no-app", "*", "10.1.0.4", {"8080"}}}),
                             network_collection("allow-all", 200, "Allow",
                                                {{"agw", "10.0.2.0/24", "10.1.0.0/24", {"8080", "8443"}}})}))
                .resources);
    REQUIRE_FALSE(r.diags.has_errors());
    CHECK(backend_lines(r) ==
          std::vector<std::string>{
              "nic-2 application-gateway 80->tcp 8080 any | internet pip:pip-agw no-nsg(gateway-subnet) "
              "agw(routing):l->8080 fw(network):allow-all/agw no-nsg(subnet) no-nsg(nic) target",
              "nic-2 application-gateway 443->tcp 8443 any | internet pip:pip-agw no-nsg(gateway-subnet) "
              "agw(routing):l-443->8443 fw(network):allow-all/agw no-nsg(subnet) no-nsg(nic) target",
              "nic-app application-gateway 443->tcp 8443 any | internet pip:pip-agw no-nsg(gateway-subnet) "
              "agw(routing):l-443->8443 fw(network):allow-all/agw no-nsg(subnet) no-nsg(nic) target",
          });
  }
  SECTION("an application rule allows by its port, with the FQDN assumption on the hop") {
    json app = {{"ruleCollectionType", "FirewallPolicyFilterRuleCollection"},
                {"name", "apps"},
                {"priority", 300},
                {"action", {{"type", "Allow"}}},
                {"rules",
                 {{{"ruleType", "ApplicationRule"},
                   {"name", "site"},
                   {"sourceAddresses", {"10.0.2.0/24"}},
                   {"protocols", {{{"protocolType", "Https"}, {"port", 8443}}}},
                   {"targetFqdns", {"app.contoso.com"}}}}}};
    const auto r = run(gateway_through_firewall(json::array({app})).resources);
    REQUIRE_FALSE(r.diags.has_errors());
    CHECK(backend_lines(r) ==
          std::vector<std::string>{
              "nic-2 application-gateway 443->tcp 8443 any | internet pip:pip-agw no-nsg(gateway-subnet) "
              "agw(routing):l-443->8443 fw(application):apps/site no-nsg(subnet) no-nsg(nic) target",
              "nic-app application-gateway 443->tcp 8443 any | internet pip:pip-agw no-nsg(gateway-subnet) "
              "agw(routing):l-443->8443 fw(application):apps/site no-nsg(subnet) no-nsg(nic) target",
          });
    const auto& hop = r.a.exposures.back().path[4];
    REQUIRE(hop.kind == Hop::Kind::kFirewall);
    CHECK(std::string(hop.note).find("assumed to match") != std::string::npos);
  }
}

TEST_CASE("application gateway: the firewall restricts a backend to the ports and gateway addresses it allows",
          "[solver][application-gateway][firewall]") {
  // The rule allows 8443 only, and only from the lower half of the gateway subnet (10.0.2.0/25): 80 -> 8080 is
  // denied by default. nic-2's NSG admits 8080 and 8443 from the upper half (10.0.2.128/25) only, so no address
  // the firewall lets through is admitted: nic-2 is not exposed (without the firewall it would be, on both).
  Estate e = gateway_through_firewall(
      json::array({network_collection("half", 200, "Allow", {{"low-half", "10.0.2.0/25", "10.1.0.0/24", {"8443"}}})}),
      "nsg-upper");
  e.nsg("nsg-upper", {{"upper", 100, "Allow", "10.0.2.128/25", "8080-8443"}, {"deny", 200, "Deny", "*", "*"}});
  const auto r = run(e.resources);
  REQUIRE_FALSE(r.diags.has_errors());
  CHECK(backend_lines(r) == std::vector<std::string>{
                                "nic-app application-gateway 443->tcp 8443 any | internet pip:pip-agw "
                                "no-nsg(gateway-subnet) agw(routing):l-443->8443 fw(network):half/low-half "
                                "no-nsg(subnet) no-nsg(nic) target",
                            });
  SECTION("without the firewall on the path, nic-2 is exposed on both ports") {
    Estate direct = gateway_through_firewall(json::array(), "nsg-upper");
    direct.nsg("nsg-upper", {{"upper", 100, "Allow", "10.0.2.128/25", "8080-8443"}, {"deny", 200, "Deny", "*", "*"}});
    for (auto& res : direct.resources) {  // drop both route tables' associations
      if (res["type"] == "Microsoft.Network/virtualNetworks") {
        for (auto& sub : res["properties"]["subnets"]) sub["properties"].erase("routeTable");
      }
    }
    const auto d = run(direct.resources);
    REQUIRE_FALSE(d.diags.has_errors());
    int nic2 = 0;
    for (const auto& l : backend_lines(d)) nic2 += l.rfind("nic-2 ", 0) == 0 ? 1 : 0;
    CHECK(nic2 == 2);
  }
}

TEST_CASE("application gateway: through a firewall one way only, the backend is broken (asymmetric)",
          "[solver][application-gateway][firewall]") {
  SECTION("requests cross the firewall, replies come straight back") {
    Estate e =
        gateway_through_firewall(json::array({network_collection("allow", 200, "Allow", {{"any", "*", "*", {"*"}}})}));
    e.resources[1]["properties"]["subnets"][0]["properties"].erase("routeTable");  // the spoke answers directly
    const auto r = run(e.resources);
    REQUIRE_FALSE(r.diags.has_errors());
    CHECK(backend_lines(r).empty());
    std::vector<std::string> why;
    for (const auto& b : r.a.broken) {
      CHECK(b.via == solver::Via::kApplicationGateway);
      REQUIRE(b.broken);
      CHECK(b.broken->code == solver::BrokenCode::kForwardAsymmetric);
      CHECK(b.broken->entry_kind == model::ResourceKind::kApplicationGateway);
      CHECK(b.broken->from == model::IpAddress::parse("10.0.2.0"));
      CHECK(b.broken->to == r.m.nics[static_cast<std::size_t>(b.nic)]
                                .ip_configurations[static_cast<std::size_t>(b.ip_configuration)]
                                .private_ip);
      CHECK(b.broken->route.user);
      why.push_back(cli::broken_text(r.m, *b.broken));
    }
    std::sort(why.begin(), why.end());
    why.erase(std::unique(why.begin(), why.end()), why.end());
    CHECK(why == std::vector<std::string>{
                     "asymmetric routing: requests from application gateway 'agw' (10.0.2.0) to 10.1.0.4 take route "
                     "'via-10.0.3.4' (10.1.0.0/16 -> VirtualAppliance 10.0.3.4) of route table 'rt-agw', but replies "
                     "come straight back, so the connection fails",
                     "asymmetric routing: requests from application gateway 'agw' (10.0.2.0) to 10.1.0.5 take route "
                     "'via-10.0.3.4' (10.1.0.0/16 -> VirtualAppliance 10.0.3.4) of route table 'rt-agw', but replies "
                     "come straight back, so the connection fails",
                 });
    REQUIRE_FALSE(r.a.broken.empty());
    CHECK(hop_text(r.m, r.a.broken[0].path[4]) == "route(forward):via-10.0.3.4");
  }
  SECTION("replies cross the firewall, requests go straight") {
    Estate e =
        gateway_through_firewall(json::array({network_collection("allow", 200, "Allow", {{"any", "*", "*", {"*"}}})}));
    e.resources[0]["properties"]["subnets"][1]["properties"].erase("routeTable");  // the gateway sends directly
    const auto r = run(e.resources);
    REQUIRE_FALSE(r.diags.has_errors());
    CHECK(backend_lines(r).empty());
    int gateway_broken = 0;
    for (const auto& b : r.a.broken) {
      if (b.via != solver::Via::kApplicationGateway) continue;
      ++gateway_broken;
      REQUIRE(b.broken);
      CHECK(b.broken->code == solver::BrokenCode::kReplyAsymmetric);
      CHECK_THAT(cli::broken_text(r.m, *b.broken),
                 Catch::StartsWith("asymmetric routing: replies to application gateway 'agw' (10.0.2.0) take "
                                   "route 'via-10.0.3.4' (10.0.0.0/16 -> VirtualAppliance 10.0.3.4)"));
    }
    CHECK(gateway_broken == 4);  // two NICs, two listeners
  }
}

// ---- explain through an Azure Firewall between the gateway and its backends ----

namespace {

solver::FlowTrace explain_gateway(const model::Model& m, std::uint16_t port, const std::string& backend) {
  solver::FlowQuery q;
  q.source = *model::IpAddress::parse("52.1.1.1");
  q.target = "pip-agw";
  q.destination_port = port;
  q.backend = backend;
  return solver::explain(m, q);
}

/// A trace hop, briefly: kind(scope) pass|stop and the firewall rule, NSG rule or route that decided.
std::vector<std::string> trace_text(const model::Model& m, const solver::FlowTrace& t) {
  using TK = solver::TraceHop::Kind;
  std::vector<std::string> out;
  for (const auto& h : t.hops) {
    std::string s = std::string(solver::to_string(h.kind)) + (*h.scope ? std::string("(") + h.scope + ")" : "") +
                    (h.passes ? " pass" : " stop");
    if (h.kind == TK::kFirewall) {
      s += " " + m.firewalls[h.resource].name;
      if (h.rule >= 0) {
        const auto& at = m.firewalls[h.resource].order[h.rule];
        const auto& c = m.firewall_policies[at.policy].groups[at.group].collections[at.collection];
        s += "/" + c.name + "/" + c.rules[at.rule].name;
      }
    } else if (h.kind == TK::kNsg && h.resource >= 0) {
      s += " " + m.nsgs[h.resource].name + "/" + m.nsgs[h.resource].rules[h.rule].name;
    } else if (h.kind == TK::kRoute) {
      s += h.route_table >= 0 ? " " + m.route_tables[h.route_table].routes[h.route].name : " system";
    }
    out.push_back(s);
  }
  return out;
}

}  // namespace

TEST_CASE("explain: a gateway backend leg through an Azure Firewall shows the rule that decides it",
          "[solver][explain][application-gateway][firewall]") {
  // Worked out by hand: the gateway subnet routes the spoke (10.1.0.0/16) to 10.0.3.4 and `apps` routes the hub
  // (10.0.0.0/16) to 10.0.3.4, so the connection and its replies cross firewall `fw` (symmetric). Its only
  // collection allows 8080 from the gateway subnet to `apps`: listener l (80 -> 8080) passes by agw-8080;
  // listener l-443 (443 -> 8443) matches no network or application rule: default deny.
  const auto r = run(
      gateway_through_firewall(json::array({network_collection(
                                   "allow-agw", 200, "Allow", {{"agw-8080", "10.0.2.0/24", "10.1.0.0/24", {"8080"}}})}))
          .resources);
  REQUIRE_FALSE(r.diags.has_errors());
  const std::string crossing = "the routes send the connection and its replies through firewall 'fw' (10.0.3.4)";

  auto t = explain_gateway(r.m, 80, "nic-app");
  REQUIRE(t.status == solver::FlowTrace::Status::kOk);
  CHECK(trace_text(r.m, t) == std::vector<std::string>{
                                  "source pass",
                                  "entry pass",
                                  "no-nsg(gateway-subnet) pass",
                                  "application-gateway(listener) pass",
                                  "application-gateway(routing) pass",
                                  "route(forward) pass via-10.0.3.4",
                                  "firewall(network) pass fw/allow-agw/agw-8080",
                                  "no-nsg(subnet) pass",
                                  "no-nsg(nic) pass",
                                  "route(return) pass via-10.0.3.4",
                              });
  CHECK(cli::hop_text(r.m, t.hops[6]) ==
        "network rule 'agw-8080', collection 'allow-agw' (priority 200) of group 'rcg' in policy "
        "'policy' allows tcp from 10.0.2.0/24 to 10.1.0.4 port 8080; " +
            crossing);
  CHECK(cli::hop_text(r.m, t.hops[5]) ==
        "application gateway 'agw' reaches 10.1.0.4 by route 'via-10.0.3.4' (10.1.0.0/16 -> "
        "VirtualAppliance 10.0.3.4) of route table 'rt-agw'");
  CHECK(t.allowed);
  CHECK(cli::verdict_text(r.m, t) ==
        "allowed: tcp 52.1.1.1:49152 -> 20.0.0.20:80 passes listener 'l' of application gateway 'agw', "
        "which connects to nic-app (10.1.0.4) on port 8080 (rule 'r-l', pool 'pool') through firewall "
        "'fw' (network rule 'agw-8080'), and replies return");

  std::ostringstream out;
  cli::write_explain_json(out, r.m, t, {});
  auto j = json::parse(out.str());
  CHECK(j["hops"][6]["hop"] == "firewall");
  CHECK(j["hops"][6]["scope"] == "network");
  CHECK(j["hops"][6]["name"] == "fw");
  CHECK(j["hops"][6]["rule"]["name"] == "agw-8080");
  CHECK(j["hops"][6]["rule"]["collection"] == "allow-agw");

  t = explain_gateway(r.m, 443, "nic-app");
  REQUIRE(t.status == solver::FlowTrace::Status::kOk);
  CHECK(trace_text(r.m, t)[6] == "firewall(default) stop fw");
  out.str("");
  cli::write_explain_json(out, r.m, t, {});
  j = json::parse(out.str());
  CHECK(j["hops"][6]["scope"] == "default");
  CHECK(j["hops"][6]["rule"].is_null());
  CHECK(j["verdict"]["hop"] == "firewall");
  CHECK(j["verdict"]["scope"] == "default");
  CHECK_FALSE(t.allowed);
  CHECK_FALSE(t.broken);
  CHECK(t.stopped_at == 6);
  CHECK(cli::verdict_text(r.m, t) ==
        "denied at firewall (default): no rule matched: default deny (no network or application rule of "
        "firewall 'fw' takes tcp from 10.0.2.0/24 to 10.1.0.4 port 8443); " +
            crossing);
  // The hops after the stop are still evaluated: no NSG on the backend, and the routes are symmetric.
  CHECK(trace_text(r.m, t)[9] == "route(return) pass via-10.0.3.4");

  SECTION("a deny rule before the allow decides its share") {
    const auto d =
        run(gateway_through_firewall(
                json::array({network_collection("deny-app", 100, "Deny", {{"no-app", "*", "10.1.0.4", {"8080"}}}),
                             network_collection("allow-all", 200, "Allow",
                                                {{"agw", "10.0.2.0/24", "10.1.0.0/24", {"8080", "8443"}}})}))
                .resources);
    REQUIRE_FALSE(d.diags.has_errors());
    auto u = explain_gateway(d.m, 80, "nic-app");
    CHECK(trace_text(d.m, u)[6] == "firewall(network) stop fw/deny-app/no-app");
    CHECK(cli::verdict_text(d.m, u) ==
          "denied at firewall (network): network rule 'no-app', collection 'deny-app' (priority 100) of "
          "group 'rcg' in policy 'policy' denies tcp from 10.0.2.0/24 to 10.1.0.4 port 8080; " +
              crossing);
    u = explain_gateway(d.m, 80, "nic-2");  // 10.1.0.5: deny-app does not name it
    CHECK(trace_text(d.m, u)[6] == "firewall(network) pass fw/allow-all/agw");
    CHECK(u.allowed);
  }
}

TEST_CASE("explain: the backend's NSGs see only the gateway addresses the firewall lets through",
          "[solver][explain][application-gateway][firewall]") {
  // As in "the firewall restricts a backend ...": the firewall allows 8443 from 10.0.2.0/25 only; nic-2's NSG
  // admits the upper half 10.0.2.128/25 only, then denies everything: nic-2 is not reached, nic-app is.
  Estate e = gateway_through_firewall(
      json::array({network_collection("half", 200, "Allow", {{"low-half", "10.0.2.0/25", "10.1.0.0/24", {"8443"}}})}),
      "nsg-upper");
  e.nsg("nsg-upper", {{"upper", 100, "Allow", "10.0.2.128/25", "8080-8443"}, {"deny", 200, "Deny", "*", "*"}});
  const auto r = run(e.resources);
  REQUIRE_FALSE(r.diags.has_errors());
  auto t = explain_gateway(r.m, 443, "nic-2");
  REQUIRE(t.status == solver::FlowTrace::Status::kOk);
  CHECK(trace_text(r.m, t) == std::vector<std::string>{
                                  "source pass",
                                  "entry pass",
                                  "no-nsg(gateway-subnet) pass",
                                  "application-gateway(listener) pass",
                                  "application-gateway(routing) pass",
                                  "route(forward) pass via-10.0.3.4",
                                  "firewall(network) pass fw/half/low-half",
                                  "no-nsg(subnet) pass",
                                  "nsg(nic) stop nsg-upper/deny",
                                  "route(return) pass via-10.0.3.4",
                              });
  CHECK(cli::hop_text(r.m, t.hops[6]) ==
        "network rule 'low-half', collection 'half' (priority 200) of group 'rcg' in policy "
        "'policy' allows tcp from 10.0.2.0/25 to 10.1.0.5 port 8443; the routes send the connection "
        "and its replies through firewall 'fw' (10.0.3.4)");
  CHECK(cli::verdict_text(r.m, t) ==
        "denied at nsg (nic): deny (200, deny): source '*' matches 10.0.2.0/25 (the gateway subnet's "
        "addresses the firewall lets through, 10.0.2.0/25), port 8443 in '*', protocol '*' covers tcp");
  t = explain_gateway(r.m, 443, "nic-app");
  CHECK(t.allowed);
  // 80 -> 8080: no rule, default deny, for both backends.
  t = explain_gateway(r.m, 80, "nic-2");
  CHECK(trace_text(r.m, t)[6] == "firewall(default) stop fw");
}

// ---- firewall DNAT to a managed frontend, App Service backends ----

namespace {

/// `gateway()` with its frontend made private at `address` (no public IP).
json private_gateway(json g, const std::string& address) {
  g["properties"]["frontendIPConfigurations"][0]["properties"] = {{"privateIPAddress", address},
                                                                  {"subnet", id_ref(subnet_id("hub", "agw"))}};
  return g;
}

std::vector<std::string> sorted_lines(const Run& r) {
  auto out = lines(r);
  std::sort(out.begin(), out.end());
  return out;
}

std::vector<std::string> codes(const model::Diagnostics& d) {
  std::vector<std::string> out;
  for (const auto& x : d.sorted()) out.push_back(x.code);
  return out;
}

}  // namespace

TEST_CASE("application gateway: a firewall DNAT to its private frontend reaches the listener and its backends",
          "[solver][application-gateway][firewall]") {
  // internet -> 20.1.1.1:443 (firewall DNAT) -> 10.0.2.10:443, the gateway's private listener -> pool 10.0.4.4:80.
  // The gateway subnet's NSG sees the firewall's SNAT addresses (10.0.1.0/26), which it admits on 443.
  Estate e;
  e.vnet("hub", "10.0.0.0/16",
         {{"AzureFirewallSubnet", "10.0.1.0/26", ""}, {"agw", "10.0.2.0/24", "nsg-agw"}, {"app", "10.0.4.0/24", ""}})
      .nsg("nsg-agw", {{"allow-fw-443", 100, "Allow", "10.0.1.0/26", "443"}, {"deny-rest", 200, "Deny", "*", "443"}})
      .nsg("nsg-app", {{"allow-gw-80", 100, "Allow", "10.0.2.0/24", "80"}, {"deny-rest", 200, "Deny", "*", "*"}})
      .add(private_gateway(gateway("hub", "agw", "unused", {{"l-https", 443}}, {{"pool", {"10.0.4.4"}}}, {{"s-80", 80}},
                                   {{"l-https", "pool", "s-80"}}),
                           "10.0.2.10"))
      .nic("nic-app", "hub", "app", "10.0.4.4", "nsg-app");
  testing::path_estates::firewall_with_dnat(e, {{"to-agw", "443", "10.0.2.10", "443"}});
  auto r = run(e.resources);
  REQUIRE_FALSE(r.diags.has_errors());
  // No dnat-target-unknown: the translated address is the gateway's frontend.
  CHECK(codes(r.a.findings).empty());
  exposim::testing::path_check::Counts n;  // the DNAT rule is a stage of the listener's and the backend's paths
  exposim::testing::path_check::check_paths(r.m, r.a, n);
  CHECK(n.analyzed["application-gateway"] == 1);
  CHECK(n.analyzed["own:application-gateway"] == 1);
  CHECK(n.analyzed["own:firewall"] == 1);
  CHECK(
      sorted_lines(r) ==
      std::vector<std::string>{
          "agw public-ip 443->tcp 443 any | internet pip:pip-fw fw(dnat):dnat/to-agw nsg(subnet):nsg-agw/allow-fw-443 "
          "agw(listener):l-https target",
          "fw firewall-dnat 443->tcp 443 any | internet pip:pip-fw fw(dnat):dnat/to-agw target",
          "nic-app application-gateway 443->tcp 80 any | internet pip:pip-fw fw(dnat):dnat/to-agw "
          "nsg(gateway-subnet):nsg-agw/allow-fw-443 agw(routing):l-https->80 no-nsg(subnet) "
          "nsg(nic):nsg-app/allow-gw-80 "
          "target",
      });

  // A gateway subnet NSG that admits only the Internet tag refuses the firewall's addresses: the firewall's own
  // entry is all that is left, and still no "no ip configuration" warning.
  e.resources[1]["properties"]["securityRules"][0]["properties"]["sourceAddressPrefix"] = "Internet";
  r = run(e.resources);
  REQUIRE_FALSE(r.diags.has_errors());
  CHECK(codes(r.a.findings).empty());
  CHECK(sorted_lines(r) == std::vector<std::string>{
                               "fw firewall-dnat 443->tcp 443 any | internet pip:pip-fw fw(dnat):dnat/to-agw target"});

  // A DNAT to another port of the frontend reaches no listener.
  Estate other = e;
  other.resources[1]["properties"]["securityRules"][0]["properties"]["sourceAddressPrefix"] = "10.0.1.0/26";
  other.resources.back()["properties"]["firewallPolicy"] = id_ref(kFwPolicy);
  other.resources[other.resources.size() - 2]["properties"]["ruleCollections"][0]["rules"][0]["translatedPort"] =
      "8443";
  r = run(other.resources);
  CHECK(sorted_lines(r) == std::vector<std::string>{
                               "fw firewall-dnat 443->tcp 443 any | internet pip:pip-fw fw(dnat):dnat/to-agw target"});
}

TEST_CASE("firewall: a DNAT to an internal load balancer's frontend reaches the rule's backends",
          "[solver][firewall]") {
  // internet -> 20.1.1.1:50000 (DNAT) -> 10.0.4.100:3389, the load balancer's frontend -> rule r-rdp -> pool member
  // 10.0.4.4:3389, whose NSG admits 3389 from VirtualNetwork (the firewall's SNAT address is in it).
  const std::string lb_id = kS + "/loadBalancers/ilb";
  Estate e;
  e.vnet("hub", "10.0.0.0/16", {{"AzureFirewallSubnet", "10.0.1.0/26", ""}, {"app", "10.0.4.0/24", ""}})
      .nsg("nsg-app",
           {{"allow-vnet-rdp", 100, "Allow", "VirtualNetwork", "3389"}, {"deny-rest", 200, "Deny", "*", "*"}})
      .add({{"id", lb_id},
            {"name", "ilb"},
            {"type", "Microsoft.Network/loadBalancers"},
            {"sku", {{"name", "Standard"}}},
            {"properties",
             {{"frontendIPConfigurations",
               {{{"id", lb_id + "/frontendIPConfigurations/fe"},
                 {"name", "fe"},
                 {"properties", {{"privateIPAddress", "10.0.4.100"}, {"subnet", id_ref(subnet_id("hub", "app"))}}}}}},
              {"backendAddressPools", {{{"id", lb_id + "/backendAddressPools/be"}, {"name", "be"}}}},
              {"loadBalancingRules",
               {{{"name", "r-rdp"},
                 {"properties",
                  {{"frontendIPConfiguration", id_ref(lb_id + "/frontendIPConfigurations/fe")},
                   {"backendAddressPool", id_ref(lb_id + "/backendAddressPools/be")},
                   {"protocol", "Tcp"},
                   {"frontendPort", 3389},
                   {"backendPort", 3389}}}}}}}}})
      .nic("nic-app", "hub", "app", "10.0.4.4", "nsg-app");
  e.resources.back()["properties"]["ipConfigurations"][0]["properties"]["loadBalancerBackendAddressPools"] = {
      id_ref(lb_id + "/backendAddressPools/be")};
  testing::path_estates::firewall_with_dnat(e, {{"rdp", "50000", "10.0.4.100", "3389"}});
  const auto r = run(e.resources);
  REQUIRE_FALSE(r.diags.has_errors());
  CHECK(codes(r.a.findings).empty());
  CHECK(sorted_lines(r) ==
        std::vector<std::string>{
            "fw firewall-dnat 50000->tcp 50000 any | internet pip:pip-fw fw(dnat):dnat/rdp target",
            "nic-app firewall-dnat 50000->tcp 3389 any | internet pip:pip-fw fw(dnat):dnat/rdp lb:ilb/r-rdp "
            "route(return):system no-nsg(subnet) nsg(nic):nsg-app/allow-vnet-rdp target",
        });
}

TEST_CASE("application gateway: an App Service backend is linked to its site, and a site open directly is a WAF bypass",
          "[solver][application-gateway]") {
  const std::string web = "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Web/sites/";
  auto site = [&](const std::string& name, json config) {
    json props = {{"defaultHostName", name + ".azurewebsites.net"}};
    if (!config.is_null()) props["siteConfig"] = std::move(config);
    return json{{"id", web + name}, {"name", name}, {"type", "Microsoft.Web/sites"}, {"properties", props}};
  };
  auto estate = [&](json site_resource, const std::string& backend) {
    Estate e;
    e.vnet("hub", "10.0.0.0/16", {{"agw", "10.0.2.0/24", ""}})
        .pip("pip-agw", "20.0.0.20")
        .add(gateway("hub", "agw", "pip-agw", {{"l-https", 443}}, {{"apps", {backend}}}, {{"s-443", 443}},
                     {{"l-https", "apps", "s-443"}}))
        .add(std::move(site_resource));
    return e;
  };
  // A site without access restrictions admits everyone: clients can go around the gateway.
  auto r = run(estate(site("app1", nullptr), "app1.azurewebsites.net").resources);
  REQUIRE_FALSE(r.diags.has_errors());
  CHECK(
      printed(r.a.findings) ==
      std::vector<std::string>{
          "t.json: /2/properties/backendAddressPools/0: note: application gateway 'agw': backend pool 'apps' names App "
          "Service 'app1' (app1.azurewebsites.net): the site is the gateway's backend [gateway-backend-site]",
          "t.json: /2/properties/backendAddressPools/0: warning: application gateway 'agw' sends backend pool 'apps' "
          "to "
          "App Service 'app1' (app1.azurewebsites.net), whose public endpoint also admits internet clients directly: "
          "they can bypass the gateway and its web application firewall; restrict the site's access to the gateway "
          "[waf-bypass]"});
  // The same host name in `ipAddress` (older API versions), in another case: the same site.
  auto legacy = estate(site("app1", nullptr), "APP1.azurewebsites.net");
  legacy.resources[2]["properties"]["backendAddressPools"][0]["properties"]["backendAddresses"][0] = {
      {"ipAddress", "APP1.azurewebsites.net"}};
  r = run(legacy.resources);
  REQUIRE_FALSE(r.diags.has_errors());
  CHECK(codes(r.a.findings) == std::vector<std::string>{"gateway-backend-site", "waf-bypass"});
  // A site that admits only the gateway's public address is behind it: linked, no bypass.
  json only_gateway = {{"ipSecurityRestrictions",
                        {{{"name", "agw"}, {"ipAddress", "20.0.0.20/32"}, {"action", "Allow"}, {"priority", 100}}}}};
  r = run(estate(site("app1", only_gateway), "app1.azurewebsites.net").resources);
  CHECK(codes(r.a.findings) == std::vector<std::string>{"gateway-backend-site"});
  // ... and so is one with public network access disabled.
  auto closed = estate(site("app1", nullptr), "app1.azurewebsites.net");
  closed.resources.back()["properties"]["publicNetworkAccess"] = "Disabled";
  r = run(closed.resources);
  CHECK(codes(r.a.findings) == std::vector<std::string>{"gateway-backend-site"});
  // A host name only known at deployment, `reference('app1').defaultHostName` (the quickstarts' pattern): the
  // site named in the reference.
  auto deployed = estate(site("app1", nullptr), "x");
  deployed.resources.back()["properties"].erase("defaultHostName");  // a template's site states none
  deployed.resources[2]["properties"]["backendAddressPools"][0]["properties"]["backendAddresses"][0] = {
      {"fqdn", importers::unknown_value("reference('app1')")}};
  r = run(deployed.resources);
  REQUIRE_FALSE(r.diags.has_errors());
  CHECK(codes(r.a.findings) == std::vector<std::string>{"gateway-backend-site", "waf-bypass"});
  // A site that is not in the input is an external backend, as before.
  r = run(estate(site("app1", nullptr), "other.azurewebsites.net").resources);
  CHECK(codes(r.a.findings) == std::vector<std::string>{"unresolved-backend"});
}
