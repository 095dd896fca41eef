// Virtual WAN hub routing and secured hubs: DNAT through a hub firewall (AZFW_Hub), routing intent for private
// traffic, and hub route tables deciding a spoke's default route. Every expectation is worked out by hand from
// docs/model.md#virtual-wan and docs/model.md#azure-firewall.
#include <catch2/catch.hpp>

#include <algorithm>
#include <string>
#include <vector>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "cli/broken_text.h"
#include "importers/azure/resource_importer.h"
#include "model/validate.h"
#include "solver/exposure.h"

namespace exposim {
namespace {

using nlohmann::json;
using solver::Via;

const std::string kN = "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Network";
json hub_id_ref(const std::string& id) { return {{"id", kN + id}}; }

/// An NSG allowing TCP `ports` from `source` (100), then denying everything (200).
json nsg(const std::string& name, const std::string& source, const std::string& ports) {
  auto rule = [](const char* rule_name, int priority, const char* access, const std::string& from,
                 const std::string& to) {
    return json{{"name", rule_name},
                {"properties",
                 {{"protocol", "Tcp"},
                  {"access", access},
                  {"priority", priority},
                  {"direction", "Inbound"},
                  {"sourceAddressPrefix", from},
                  {"sourcePortRange", "*"},
                  {"destinationAddressPrefix", "*"},
                  {"destinationPortRange", to}}}};
  };
  return {{"id", kN + "/networkSecurityGroups/" + name},
          {"name", name},
          {"type", "Microsoft.Network/networkSecurityGroups"},
          {"properties",
           {{"securityRules", {rule("allow", 100, "Allow", source, ports), rule("deny", 200, "Deny", "*", "*")}}}}};
}

json vnet(const std::string& name, const std::string& space, const std::string& subnet, const std::string& prefix,
          const std::string& nsg_name, const std::string& route_table = "") {
  json props = {{"addressPrefix", prefix}};
  if (!nsg_name.empty()) props["networkSecurityGroup"] = hub_id_ref("/networkSecurityGroups/" + nsg_name);
  if (!route_table.empty()) props["routeTable"] = hub_id_ref("/routeTables/" + route_table);
  return {
      {"id", kN + "/virtualNetworks/" + name},
      {"name", name},
      {"type", "Microsoft.Network/virtualNetworks"},
      {"properties",
       {{"addressSpace", {{"addressPrefixes", {space}}}}, {"subnets", {{{"name", subnet}, {"properties", props}}}}}}};
}

json nic(const std::string& name, const std::string& vnet_name, const std::string& subnet, const std::string& ip,
         const std::string& pip = "", const std::string& agw_pool = "") {
  json cfg = {{"privateIPAddress", ip}, {"subnet", hub_id_ref("/virtualNetworks/" + vnet_name + "/subnets/" + subnet)}};
  if (!pip.empty()) cfg["publicIPAddress"] = hub_id_ref("/publicIPAddresses/" + pip);
  if (!agw_pool.empty()) {
    cfg["applicationGatewayBackendAddressPools"] =
        json::array({hub_id_ref("/applicationGateways/agw/backendAddressPools/" + agw_pool)});
  }
  return {{"id", kN + "/networkInterfaces/" + name},
          {"name", name},
          {"type", "Microsoft.Network/networkInterfaces"},
          {"properties", {{"ipConfigurations", {{{"name", "c"}, {"properties", cfg}}}}}}};
}

json connection(const std::string& name, const std::string& vnet_name, bool internet_security = true,
                json routing = nullptr) {
  json props = {{"remoteVirtualNetwork", hub_id_ref("/virtualNetworks/" + vnet_name)},
                {"enableInternetSecurity", internet_security}};
  if (!routing.is_null()) props["routingConfiguration"] = std::move(routing);
  return {{"id", kN + "/virtualHubs/hub1/hubVirtualNetworkConnections/" + name},
          {"name", name},
          {"type", "Microsoft.Network/virtualHubs/hubVirtualNetworkConnections"},
          {"properties", props}};
}

json intent(const std::vector<std::string>& destinations) {
  json policies = json::array();
  for (const auto& d : destinations) {
    policies.push_back({{"name", d + "Policy"}, {"destinations", {d}}, {"nextHop", kN + "/azureFirewalls/fw-hub"}});
  }
  return {{"id", kN + "/virtualHubs/hub1/routingIntent/intent"},
          {"name", "intent"},
          {"type", "Microsoft.Network/virtualHubs/routingIntent"},
          {"properties", {{"routingPolicies", policies}}}};
}

json hub_route_table(const std::string& name, const std::string& destination) {
  json routes = json::array();
  if (!destination.empty()) {
    routes.push_back({{"name", "all"},
                      {"destinationType", "CIDR"},
                      {"destinations", {destination}},
                      {"nextHopType", "ResourceId"},
                      {"nextHop", kN + "/azureFirewalls/fw-hub"}});
  }
  return {{"id", kN + "/virtualHubs/hub1/hubRouteTables/" + name},
          {"name", name},
          {"type", "Microsoft.Network/virtualHubs/hubRouteTables"},
          {"properties", {{"routes", routes}}}};
}

/// WAN `wan1` with hub `hub1` (10.100.0.0/23) secured by `fw-hub` (AZFW_Hub, public address 20.50.0.1, private
/// 10.100.0.132, policy `policy-hub`). The policy's DNAT rule `ssh-vm1` sends TCP 2222 at 20.50.0.1 from anywhere to
/// 10.1.1.4:22; its network rule `agw-to-web` allows TCP 443 from 10.2.0.0/24 to 10.1.0.0/16.
json secured_hub() {
  json r = json::array();
  r.push_back({{"id", kN + "/virtualWans/wan1"},
               {"name", "wan1"},
               {"type", "Microsoft.Network/virtualWans"},
               {"properties", {{"type", "Standard"}}}});
  r.push_back({{"id", kN + "/virtualHubs/hub1"},
               {"name", "hub1"},
               {"type", "Microsoft.Network/virtualHubs"},
               {"properties",
                {{"virtualWan", hub_id_ref("/virtualWans/wan1")},
                 {"addressPrefix", "10.100.0.0/23"},
                 {"azureFirewall", hub_id_ref("/azureFirewalls/fw-hub")}}}});
  r.push_back({{"id", kN + "/azureFirewalls/fw-hub"},
               {"name", "fw-hub"},
               {"type", "Microsoft.Network/azureFirewalls"},
               {"properties",
                {{"sku", {{"name", "AZFW_Hub"}, {"tier", "Standard"}}},
                 {"virtualHub", hub_id_ref("/virtualHubs/hub1")},
                 {"firewallPolicy", hub_id_ref("/firewallPolicies/policy-hub")},
                 {"hubIPAddresses",
                  {{"publicIPs", {{"addresses", {{{"address", "20.50.0.1"}}}}, {"count", 1}}},
                   {"privateIPAddress", "10.100.0.132"}}}}}});
  r.push_back({{"id", kN + "/firewallPolicies/policy-hub"},
               {"name", "policy-hub"},
               {"type", "Microsoft.Network/firewallPolicies"},
               {"properties", json::object()}});
  r.push_back({{"id", kN + "/firewallPolicies/policy-hub/ruleCollectionGroups/rcg"},
               {"name", "rcg"},
               {"type", "Microsoft.Network/firewallPolicies/ruleCollectionGroups"},
               {"properties",
                {{"priority", 100},
                 {"ruleCollections",
                  {{{"ruleCollectionType", "FirewallPolicyNatRuleCollection"},
                    {"name", "dnat"},
                    {"priority", 100},
                    {"action", {{"type", "DNAT"}}},
                    {"rules",
                     {{{"ruleType", "NatRule"},
                       {"name", "ssh-vm1"},
                       {"ipProtocols", {"TCP"}},
                       {"sourceAddresses", {"*"}},
                       {"destinationAddresses", {"20.50.0.1"}},
                       {"destinationPorts", {"2222"}},
                       {"translatedAddress", "10.1.1.4"},
                       {"translatedPort", "22"}}}}},
                   {{"ruleCollectionType", "FirewallPolicyFilterRuleCollection"},
                    {"name", "east-west"},
                    {"priority", 200},
                    {"action", {{"type", "Allow"}}},
                    {"rules",
                     {{{"ruleType", "NetworkRule"},
                       {"name", "agw-to-web"},
                       {"ipProtocols", {"TCP"}},
                       {"sourceAddresses", {"10.2.0.0/24"}},
                       {"destinationAddresses", {"10.1.0.0/16"}},
                       {"destinationPorts", {"443"}}}}}}}}}}});
  return r;
}

struct HubRun {
  model::Model m;
  std::vector<std::string> diags;
  solver::Analysis a;
};

HubRun run_hub(const json& resources) {
  HubRun r;
  model::Diagnostics d;
  importers::azure::import_text(resources.dump(), "t.json", r.m, d);
  if (!d.has_errors()) model::validate(r.m, d);
  for (const auto& x : d.sorted()) r.diags.push_back(model::to_string(x));
  REQUIRE_FALSE(d.has_errors());
  r.a = solver::analyze(r.m);
  return r;
}

/// One exposure per line: target, via, entry address, entry ports -> protocol, ports, "any" or the sources.
std::vector<std::string> lines(const HubRun& r, const std::vector<solver::Exposure>& exposures) {
  std::vector<std::string> out;
  for (const auto& e : exposures) {
    const auto* res = e.nic >= 0 ? static_cast<const model::ResourceBase*>(&r.m.nics[e.nic])
                                 : r.m.resource(model::GraphVertex{e.target_kind, e.target});
    const std::string address = e.entry_address    ? e.entry_address->to_string()
                                : e.public_ip >= 0 ? r.m.public_ips[e.public_ip].address->to_string()
                                                   : "?";
    std::string sources = e.any_source ? "any" : "";
    for (const auto& c : model::to_cidr_strings(e.sources)) {
      if (!e.any_source) sources += (sources.empty() ? "" : ",") + c;
    }
    out.push_back(fmt::format("{} {} {}:{} -> {} {} from {}", res->name, solver::to_string(e.via), address,
                              model::to_string(e.entry_ports), model::to_string(e.protocol), model::to_string(e.ports),
                              sources));
  }
  return out;
}

/// secured_hub() plus spoke `spoke1` (10.1.0.0/16; subnet `vms` 10.1.1.0/24 with NSG `nsg-vm1` allowing TCP 22
/// from `nsg_source`; NIC `nic-vm1` 10.1.1.4, no public IP), connected to hub1 when `connected`.
json dnat_estate(const std::string& nsg_source, bool connected = true, const std::string& route_table = "") {
  json r = secured_hub();
  r.push_back(nsg("nsg-vm1", nsg_source, "22"));
  r.push_back(vnet("spoke1", "10.1.0.0/16", "vms", "10.1.1.0/24", "nsg-vm1", route_table));
  r.push_back(nic("nic-vm1", "spoke1", "vms", "10.1.1.4"));
  if (connected) r.push_back(connection("conn-spoke1", "spoke1"));
  return r;
}

TEST_CASE("secured hub: DNAT through the hub firewall's public address reaches a connected spoke",
          "[vwan][firewall][solver][scenario]") {
  SECTION("the spoke NSG admits the hub's prefix (the SNAT range): the firewall and the VM are exposed") {
    const auto r = run_hub(dnat_estate("10.100.0.0/23"));
    // The firewall itself on 2222 from anywhere, and nic-vm1 on 22 through it; the exposure's sources are the
    // internet clients the DNAT rule admits (any), not the SNAT addresses the NSG saw.
    CHECK(lines(r, r.a.exposures) == std::vector<std::string>{
                                         "fw-hub firewall-dnat 20.50.0.1:2222 -> tcp 2222 from any",
                                         "nic-vm1 firewall-dnat 20.50.0.1:2222 -> tcp 22 from any",
                                     });
    CHECK(r.a.broken.empty());
    const auto& path = r.a.exposures[1].path;
    REQUIRE(path.size() >= 3);
    CHECK(path[1].kind == solver::Hop::Kind::kEntry);
    CHECK(std::string(path[1].note) == "a secured virtual hub's public address (hubIPAddresses): not a resource");
    CHECK(path[2].kind == solver::Hop::Kind::kFirewall);
  }
  SECTION("VirtualNetwork includes the hub's prefix for a connected spoke") {
    const auto r = run_hub(dnat_estate("VirtualNetwork"));
    CHECK(lines(r, r.a.exposures).size() == 2);
  }
  SECTION("an NSG that admits only another range shuts the translated flow out") {
    const auto r = run_hub(dnat_estate("10.0.0.0/16"));
    CHECK(lines(r, r.a.exposures) ==
          std::vector<std::string>{"fw-hub firewall-dnat 20.50.0.1:2222 -> tcp 2222 from any"});
  }
  SECTION("a spoke not connected to the hub is not reached: broken") {
    const auto r = run_hub(dnat_estate("10.100.0.0/23", false));
    CHECK(r.a.exposures.size() == 1);
    REQUIRE(r.a.broken.size() == 1);
    REQUIRE(r.a.broken[0].broken);
    CHECK(
        cli::broken_text(r.m, *r.a.broken[0].broken) ==
        "firewall 'fw-hub' of virtual hub 'hub1' cannot reach 10.1.1.4: its virtual network is not connected to a hub "
        "of the virtual WAN");
  }
  SECTION("routing intent for internet and private traffic: replies to the SNAT address still go straight back") {
    json e = dnat_estate("10.100.0.0/23");
    e.push_back(intent({"Internet", "PrivateTraffic"}));
    const auto r = run_hub(e);
    CHECK(lines(r, r.a.exposures).size() == 2);
    CHECK(r.a.broken.empty());
  }
  SECTION("a spoke route sending the hub's prefix to an appliance breaks the return: asymmetric") {
    json e = dnat_estate("10.100.0.0/23", true, "rt-spoke");
    e.push_back({{"id", kN + "/routeTables/rt-spoke"},
                 {"name", "rt-spoke"},
                 {"type", "Microsoft.Network/routeTables"},
                 {"properties",
                  {{"routes",
                    {{{"name", "hub-via-nva"},
                      {"properties",
                       {{"addressPrefix", "10.100.0.0/23"},
                        {"nextHopType", "VirtualAppliance"},
                        {"nextHopIpAddress", "10.1.0.100"}}}}}}}}});
    const auto r = run_hub(e);
    CHECK(r.a.exposures.size() == 1);
    REQUIRE(r.a.broken.size() == 1);
    REQUIRE(r.a.broken[0].broken);
    CHECK(cli::broken_text(r.m, *r.a.broken[0].broken) ==
          "asymmetric routing: replies to the firewall's address 10.100.0.132 take route 'hub-via-nva' (10.100.0.0/23 "
          "-> VirtualAppliance 10.1.0.100) of route table 'rt-spoke', not the firewall instance directly, so the "
          "connection fails");
  }
}

TEST_CASE("secured hub: hub public addresses are read, a count above the listed addresses is a warning",
          "[vwan][firewall][azure]") {
  json e = dnat_estate("10.100.0.0/23");
  e[2]["properties"]["hubIPAddresses"]["publicIPs"]["count"] = 2;
  const auto r = run_hub(e);
  REQUIRE(r.m.firewalls.size() == 1);
  CHECK(r.m.firewalls[0].hub_public_addresses.size() == 1);
  CHECK(r.m.firewalls[0].hub_private_ip->to_string() == "10.100.0.132");
  CHECK(std::count(r.diags.begin(), r.diags.end(),
                   "t.json: /2/properties/hubIPAddresses/publicIPs/count: warning: firewall 'fw-hub' has 2 hub public "
                   "IPs but the input lists 1 of their addresses: DNAT through the others is not reported "
                   "[hub-addresses-unknown]") == 1);
}

std::vector<std::string> lines_via(const HubRun& r, const std::string& via);

/// spoke1 with a VM `nic-vm1` (10.1.1.4) with Standard public IP 20.2.2.2 whose NSG allows 22 from anywhere.
json public_vm_estate(json connection_resource) {
  json r = secured_hub();
  r.push_back(nsg("nsg-vm1", "*", "22"));
  r.push_back(vnet("spoke1", "10.1.0.0/16", "vms", "10.1.1.0/24", "nsg-vm1"));
  r.push_back({{"id", kN + "/publicIPAddresses/pip-vm1"},
               {"name", "pip-vm1"},
               {"type", "Microsoft.Network/publicIPAddresses"},
               {"sku", {{"name", "Standard"}}},
               {"properties", {{"ipAddress", "20.2.2.2"}}}});
  r.push_back(nic("nic-vm1", "spoke1", "vms", "10.1.1.4", "pip-vm1"));
  r.push_back(std::move(connection_resource));
  return r;
}

TEST_CASE("hub route tables: a static 0.0.0.0/0 of the associated route table is the spoke's default route",
          "[vwan][solver][scenario]") {
  SECTION("defaultRouteTable sends 0.0.0.0/0 to the hub firewall: the VM's replies go there, broken") {
    json e = public_vm_estate(connection("conn-spoke1", "spoke1"));
    e.push_back(hub_route_table("defaultRouteTable", "0.0.0.0/0"));
    const auto r = run_hub(e);
    // The hub firewall's DNAT to 10.1.1.4 still works (its replies go to the hub's address, not the internet).
    CHECK(lines(r, r.a.exposures) == std::vector<std::string>{
                                         "fw-hub firewall-dnat 20.50.0.1:2222 -> tcp 2222 from any",
                                         "nic-vm1 firewall-dnat 20.50.0.1:2222 -> tcp 22 from any",
                                     });
    REQUIRE(r.a.broken.size() == 1);
    REQUIRE(r.a.broken[0].broken);
    CHECK(cli::broken_text(r.m, *r.a.broken[0].broken) ==
          "asymmetric routing: replies to these clients take route 0.0.0.0/0 -> VirtualNetworkGateway 10.100.0.132 "
          "learned from virtual hub 'hub1' (static route 'all' of hub route table 'defaultRouteTable'), not the public "
          "IP, so the connection fails");
  }
  SECTION("the connection is associated with a table without 0.0.0.0/0: the system default route stays") {
    json e = public_vm_estate(
        connection("conn-spoke1", "spoke1", true,
                   {{"associatedRouteTable", hub_id_ref("/virtualHubs/hub1/hubRouteTables/rt-direct")}}));
    e.push_back(hub_route_table("defaultRouteTable", "0.0.0.0/0"));
    e.push_back(hub_route_table("rt-direct", ""));
    const auto r = run_hub(e);
    CHECK(lines_via(r, " public-ip ") == std::vector<std::string>{"nic-vm1 public-ip 20.2.2.2:22 -> tcp 22 from any"});
    CHECK(r.a.broken.empty());
  }
  SECTION("enableInternetSecurity false: the hub's default route is not propagated to the spoke") {
    json e = public_vm_estate(connection("conn-spoke1", "spoke1", false));
    e.push_back(hub_route_table("defaultRouteTable", "0.0.0.0/0"));
    const auto r = run_hub(e);
    CHECK(lines_via(r, " public-ip ") == std::vector<std::string>{"nic-vm1 public-ip 20.2.2.2:22 -> tcp 22 from any"});
  }
  SECTION("a static route for another prefix leaves the default route alone") {
    json e = public_vm_estate(connection("conn-spoke1", "spoke1"));
    e.push_back(hub_route_table("defaultRouteTable", "10.0.0.0/8"));
    const auto r = run_hub(e);
    CHECK(lines_via(r, " public-ip ") == std::vector<std::string>{"nic-vm1 public-ip 20.2.2.2:22 -> tcp 22 from any"});
  }
}

/// secured_hub() plus spoke1 (web server `nic-web` 10.1.1.4, no NSG) and spoke2 (10.2.0.0/16, application gateway
/// `agw` in 10.2.0.0/24 with public IP 20.60.0.1, listener 443 -> pool `pool` (nic-web) on `backend_port`), both
/// connected to hub1. No peering: the spokes reach each other only through the hub.
json gateway_estate(int backend_port) {
  const std::string gw = kN + "/applicationGateways/agw";
  json r = secured_hub();
  r.push_back(vnet("spoke1", "10.1.0.0/16", "web", "10.1.1.0/24", ""));
  r.push_back(vnet("spoke2", "10.2.0.0/16", "agw", "10.2.0.0/24", ""));
  r.push_back(nic("nic-web", "spoke1", "web", "10.1.1.4", "", "pool"));
  r.push_back(connection("conn-spoke1", "spoke1"));
  r.push_back(connection("conn-spoke2", "spoke2"));
  r.push_back({{"id", kN + "/publicIPAddresses/pip-agw"},
               {"name", "pip-agw"},
               {"type", "Microsoft.Network/publicIPAddresses"},
               {"sku", {{"name", "Standard"}}},
               {"properties", {{"ipAddress", "20.60.0.1"}}}});
  r.push_back(
      {{"id", gw},
       {"name", "agw"},
       {"type", "Microsoft.Network/applicationGateways"},
       {"properties",
        {{"sku", {{"name", "Standard_v2"}, {"tier", "Standard_v2"}}},
         {"gatewayIPConfigurations",
          {{{"name", "gwip"}, {"properties", {{"subnet", hub_id_ref("/virtualNetworks/spoke2/subnets/agw")}}}}}},
         {"frontendIPConfigurations",
          {{{"id", gw + "/frontendIPConfigurations/fe"},
            {"name", "fe"},
            {"properties", {{"publicIPAddress", hub_id_ref("/publicIPAddresses/pip-agw")}}}}}},
         {"frontendPorts", {{{"id", gw + "/frontendPorts/p443"}, {"name", "p443"}, {"properties", {{"port", 443}}}}}},
         {"httpListeners",
          {{{"id", gw + "/httpListeners/l"},
            {"name", "l"},
            {"properties",
             {{"frontendIPConfiguration", {{"id", gw + "/frontendIPConfigurations/fe"}}},
              {"frontendPort", {{"id", gw + "/frontendPorts/p443"}}},
              {"protocol", "Https"}}}}}},
         {"backendAddressPools",
          {{{"id", gw + "/backendAddressPools/pool"}, {"name", "pool"}, {"properties", json::object()}}}},
         {"backendHttpSettingsCollection",
          {{{"id", gw + "/backendHttpSettingsCollection/s"},
            {"name", "s"},
            {"properties", {{"port", backend_port}, {"protocol", "Https"}}}}}},
         {"requestRoutingRules",
          {{{"name", "r"},
            {"properties",
             {{"httpListener", {{"id", gw + "/httpListeners/l"}}},
              {"backendAddressPool", {{"id", gw + "/backendAddressPools/pool"}}},
              {"backendHttpSettings", {{"id", gw + "/backendHttpSettingsCollection/s"}}}}}}}}}}});
  return r;
}

/// The exposures of one kind of entry (" public-ip ", " application-gateway ").
std::vector<std::string> lines_via(const HubRun& r, const std::string& via) {
  std::vector<std::string> out;
  for (const auto& l : lines(r, r.a.exposures)) {
    if (l.find(via) != std::string::npos) out.push_back(l);
  }
  return out;
}

std::vector<std::string> gateway_lines(const HubRun& r) { return lines_via(r, " application-gateway "); }

TEST_CASE("routing intent for private traffic: spoke-to-spoke flows cross the hub firewall and meet its rules",
          "[vwan][firewall][application-gateway][solver][scenario]") {
  SECTION("without routing intent the hub's router carries the gateway's connection to the other spoke unfiltered") {
    const auto r = run_hub(gateway_estate(8443));
    CHECK(gateway_lines(r) ==
          std::vector<std::string>{"nic-web application-gateway 20.60.0.1:443 -> tcp 8443 from any"});
    for (const auto& x : r.a.exposures) {
      if (x.via != Via::kApplicationGateway) continue;
      CHECK(std::none_of(x.path.begin(), x.path.end(),
                         [](const solver::Hop& h) { return h.kind == solver::Hop::Kind::kFirewall; }));
    }
  }
  SECTION("with routing intent for private traffic, 443 is allowed by the network rule, the hop names it") {
    json e = gateway_estate(443);
    e.push_back(intent({"PrivateTraffic"}));
    const auto r = run_hub(e);
    CHECK(gateway_lines(r) ==
          std::vector<std::string>{"nic-web application-gateway 20.60.0.1:443 -> tcp 443 from any"});
    const solver::Exposure* web = nullptr;
    for (const auto& x : r.a.exposures) {
      if (x.via == Via::kApplicationGateway) web = &x;
    }
    REQUIRE(web != nullptr);
    auto fw = std::find_if(web->path.begin(), web->path.end(),
                           [](const solver::Hop& h) { return h.kind == solver::Hop::Kind::kFirewall; });
    REQUIRE(fw != web->path.end());
    CHECK(std::string(fw->scope) == "network");
    const auto& at = r.m.firewalls[fw->resource].order[fw->rule];
    CHECK(r.m.firewall_policies[at.policy].groups[at.group].collections[at.collection].rules[at.rule].name ==
          "agw-to-web");
  }
  SECTION("with routing intent for private traffic, 8443 matches no rule: denied by default") {
    json e = gateway_estate(8443);
    e.push_back(intent({"PrivateTraffic"}));
    const auto r = run_hub(e);
    CHECK(gateway_lines(r).empty());
    CHECK(r.a.broken.empty());
  }
}

}  // namespace
}  // namespace exposim

namespace exposim {
namespace {

TEST_CASE("azure: hub routes, connection routing configuration and their malformed parts name their pointer",
          "[vwan][azure]") {
  const std::string text = R"([
    {"id": "HUB/hubRouteTables/rt", "name": "rt", "type": "Microsoft.Network/virtualHubs/hubRouteTables",
     "properties": {"routes": [
       {"name": "r1", "destinationType": "CIDR", "destinations": ["10.0.0.0/8", "bad"], "nextHopType": "ResourceId",
        "nextHop": "NET/azureFirewalls/fw"},
       {"name": "r2", "destinationType": "ResourceId", "destinations": ["NET/virtualNetworks/v"],
        "nextHop": "NET/azureFirewalls/fw"},
       {"name": "nohop", "destinations": ["0.0.0.0/0"]},
       7]}},
    {"id": "HUB/hubVirtualNetworkConnections/c", "name": "c",
     "type": "Microsoft.Network/virtualHubs/hubVirtualNetworkConnections",
     "properties": {"remoteVirtualNetwork": {"id": "NET/virtualNetworks/v"}, "routingConfiguration": {
       "associatedRouteTable": {"id": "HUB/hubRouteTables/rt"},
       "propagatedRouteTables": {"ids": [{"id": "HUB/hubRouteTables/noneRouteTable"}], "labels": ["none"]},
       "vnetRoutes": {"staticRoutes": [
         {"name": "s", "addressPrefixes": ["10.9.0.0/16"], "nextHopIpAddress": "10.1.0.100"},
         {"name": "bad", "nextHopIpAddress": "x"}]}}}}
  ])";
  std::string resolved;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text.compare(i, 3, "HUB") == 0) {
      resolved += kN + "/virtualHubs/hub1";
      i += 2;
    } else if (text.compare(i, 3, "NET") == 0) {
      resolved += kN;
      i += 2;
    } else {
      resolved += text[i];
    }
  }
  model::Model m;
  model::Diagnostics d;
  importers::azure::import_text(resolved, "t.json", m, d);
  std::vector<std::string> got;
  for (const auto& x : d.sorted()) got.push_back(model::to_string(x));
  CHECK(got == std::vector<std::string>{
                   "t.json: /0/properties/routes/0/destinations/1: error: address prefix 'bad' is not an IP address or "
                   "CIDR prefix [invalid-value]",
                   "t.json: /0/properties/routes/2: error: hub route 'nohop' has no 'nextHop' [missing-field]",
                   "t.json: /0/properties/routes/3: error: hub route is an integer, expected an object [invalid-type]",
                   "t.json: /1/properties/routingConfiguration/vnetRoutes/staticRoutes/1/nextHopIpAddress: error: next "
                   "hop IP address 'x' is not an IP address [invalid-value]",
               });
  REQUIRE(m.hub_route_tables.size() == 1);
  const auto& routes = m.hub_route_tables[0].routes;
  REQUIRE(routes.size() == 3);
  CHECK(routes[0].destinations.size() == 1);  // the bad one is left out
  CHECK(routes[1].destinations.empty());
  CHECK(routes[1].other_destinations.size() == 1);
  REQUIRE(m.hub_connections.size() == 1);
  const auto& c = m.hub_connections[0];
  CHECK(c.associated_route_table.id == model::canonical_id(kN + "/virtualHubs/hub1/hubRouteTables/rt"));
  CHECK(c.propagated_route_tables.size() == 1);
  CHECK(c.propagated_labels == std::vector<std::string>{"none"});
  REQUIRE(c.static_routes.size() == 2);
  CHECK(c.static_routes[0].prefixes.size() == 1);
  CHECK(c.static_routes[0].next_hop_ip->to_string() == "10.1.0.100");
}

}  // namespace
}  // namespace exposim
