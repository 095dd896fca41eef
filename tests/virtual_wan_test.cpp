// Virtual WAN: import of WANs, hubs, hub connections, routing intent and hub route tables; spokes connected
// to their hub in the graph; one warning per hub saying what is not modelled.
#include <catch2/catch.hpp>

#include <fmt/format.h>

#include <string>
#include <vector>

#include "cli/broken_text.h"
#include "importers/azure/resource_importer.h"
#include "model/topology.h"
#include "model/validate.h"
#include "resource_json.h"
#include "solver/exposure.h"

namespace exposim {
namespace {

using exposim::testing::resource_json::show;

namespace az = importers::azure;

/// `$N` -> the Microsoft.Network provider prefix.
std::string wan_ids(const std::string& text) {
  std::string out;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '$' && i + 1 < text.size() && text[i + 1] == 'N') {
      out += "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Network";
      ++i;
    } else {
      out += text[i];
    }
  }
  return out;
}

struct WanLoad {
  model::Model model;
  std::vector<std::string> diags;
};

WanLoad load_wan(const std::string& text, bool validate = true) {
  WanLoad l;
  model::Diagnostics d;
  az::import_text(wan_ids(text), "t.json", l.model, d);
  if (validate && !d.has_errors()) model::validate(l.model, d);
  for (const auto& x : d.sorted()) l.diags.push_back(model::to_string(x));
  return l;
}

const char* kHubEstate = R"([
  {"id": "$N/virtualWans/wan1", "name": "wan1", "type": "Microsoft.Network/virtualWans",
   "properties": {"type": "Standard"}},
  {"id": "$N/virtualHubs/hub1", "name": "hub1", "type": "Microsoft.Network/virtualHubs",
   "properties": {"virtualWan": {"id": "$N/virtualWans/wan1"}, "addressPrefix": "10.100.0.0/23",
     "azureFirewall": {"id": "$N/azureFirewalls/fw-hub"}}},
  {"id": "$N/virtualHubs/hub1/hubVirtualNetworkConnections/spoke1", "name": "spoke1",
   "type": "Microsoft.Network/virtualHubs/hubVirtualNetworkConnections",
   "properties": {"remoteVirtualNetwork": {"id": "$N/virtualNetworks/spoke1"}, "enableInternetSecurity": true}},
  {"id": "$N/virtualHubs/hub1/hubVirtualNetworkConnections/spoke2", "name": "spoke2",
   "type": "Microsoft.Network/virtualHubs/hubVirtualNetworkConnections",
   "properties": {"remoteVirtualNetwork": {"id": "$N/virtualNetworks/spoke-elsewhere"}, "enableInternetSecurity": false}},
  {"id": "$N/virtualHubs/hub1/routingIntent/intent", "name": "intent",
   "type": "Microsoft.Network/virtualHubs/routingIntent",
   "properties": {"routingPolicies": [
     {"name": "Internet", "destinations": ["Internet"], "nextHop": "$N/azureFirewalls/fw-hub"},
     {"name": "Private", "destinations": ["PrivateTraffic"], "nextHop": "$N/azureFirewalls/fw-hub"}]}},
  {"id": "$N/virtualHubs/hub1/hubRouteTables/defaultRouteTable", "name": "defaultRouteTable",
   "type": "Microsoft.Network/virtualHubs/hubRouteTables",
   "properties": {"routes": [{"name": "all", "destinationType": "CIDR", "destinations": ["0.0.0.0/0"],
     "nextHopType": "ResourceId", "nextHop": "$N/azureFirewalls/fw-hub"}]}},
  {"id": "$N/virtualNetworks/spoke1", "name": "spoke1", "type": "Microsoft.Network/virtualNetworks",
   "properties": {"addressSpace": {"addressPrefixes": ["10.1.0.0/16"]}}}
])";

TEST_CASE("virtual WAN: hubs, connections, routing intent and route tables are imported and connected",
          "[vwan][azure][model]") {
  auto l = load_wan(kHubEstate);
  // The firewall is not in the input: the hub's reference to it is a warning (it decides no exposure).
  CHECK(show(l.diags) ==
        show({"t.json: /1: warning: virtual hub 'hub1' (2 spoke connections, 1 in the input, secured by a firewall; "
              "routing intent sends internet traffic to "
              "'/subscriptions/s/resourcegroups/rg/providers/microsoft.network/azurefirewalls/fw-hub'; routing intent "
              "sends private traffic to "
              "'/subscriptions/s/resourcegroups/rg/providers/microsoft.network/azurefirewalls/fw-hub'): applied are "
              "the 0.0.0.0/0 that routing intent or a static route of the associated route table gives spokes with "
              "enableInternetSecurity, the routes to the hub and between spokes, routing intent for private traffic "
              "through the hub's Azure Firewall, and the hub firewall's DNAT; not modelled are route propagation "
              "(propagatedRouteTables, labels), static routes other than 0.0.0.0/0, the connections' static routes "
              "(vnetRoutes), branch (VPN, ExpressRoute) and BGP routes, and routing intent to appliances other than "
              "an Azure Firewall [unmodelled-feature]",
              "t.json: /1/properties/azureFirewall/id: note: referenced firewall "
              "'/subscriptions/s/resourcegroups/rg/providers/microsoft.network/azurefirewalls/fw-hub' is not in the "
              "input [missing-reference]"}));
  const auto& m = l.model;
  REQUIRE(m.virtual_wans.size() == 1);
  CHECK(m.virtual_wans[0].wan_type == "Standard");
  REQUIRE(m.virtual_hubs.size() == 1);
  const auto& hub = m.virtual_hubs[0];
  CHECK(hub.virtual_wan.index == 0);
  CHECK(hub.address_prefix->to_string() == "10.100.0.0/23");
  CHECK(hub.connections == std::vector<int>{0, 1});
  CHECK(hub.routing_intents == std::vector<int>{0});
  CHECK(hub.route_tables == std::vector<int>{0});
  CHECK(m.hub_connections[0].enable_internet_security);
  CHECK_FALSE(m.hub_connections[1].enable_internet_security);
  CHECK(m.hub_connections[0].remote_vnet.index == 0);
  CHECK(m.hub_connections[1].remote_vnet.index == -1);  // a spoke elsewhere is normal
  REQUIRE(m.hub_routing_intents[0].policies.size() == 2);
  CHECK(m.hub_routing_intents[0].policies[0].internet);
  CHECK_FALSE(m.hub_routing_intents[0].policies[0].private_traffic);
  CHECK(m.hub_routing_intents[0].policies[1].private_traffic);
  REQUIRE(m.hub_route_tables[0].routes.size() == 1);
  const auto& route = m.hub_route_tables[0].routes[0];
  CHECK(route.name == "all");
  CHECK(route.destinations.size() == 1);
  CHECK(route.destinations[0].to_string() == "0.0.0.0/0");
  CHECK(route.next_hop.id == "/subscriptions/s/resourcegroups/rg/providers/microsoft.network/azurefirewalls/fw-hub");

  // The graph: spoke1 -> hub1 (connected-to), wan1 -> hub1 (contains), hub1 -> each child (contains).
  const auto spoke = m.by_key.at(m.vnets[0].key);
  const auto hv = m.by_key.at(hub.key);
  std::vector<std::string> out_of_spoke;
  const auto& g = m.topology().graph;
  for (auto [e, end] = boost::out_edges(spoke, g); e != end; ++e) {
    out_of_spoke.push_back(
        fmt::format("{} {}", model::to_string(g[*e].kind), m.resource(g[boost::target(*e, g)])->name));
  }
  CHECK(out_of_spoke == std::vector<std::string>{"connected-to hub1"});
  CHECK(boost::in_degree(hv, g) == 2);   // the WAN and spoke1
  CHECK(boost::out_degree(hv, g) == 4);  // two connections, the routing intent, the route table
}

TEST_CASE("virtual WAN: malformed children name their pointer", "[vwan][azure]") {
  auto l = load_wan(R"([
    {"id": "$N/virtualHubs/hub1", "name": "hub1", "type": "Microsoft.Network/virtualHubs",
     "properties": {"addressPrefix": "10.100.0.0/33", "virtualNetworkConnections": [
       {"name": "inline", "properties": {"remoteVirtualNetwork": {"id": "$N/virtualNetworks/v"}, "enableInternetSecurity": "yes"}},
       {"name": "nothing", "properties": {}}]}},
    {"id": "$N/virtualHubs/hub1/connections/orphan", "type": "Microsoft.Network/virtualHubs/hubVirtualNetworkConnections",
     "properties": {}},
    {"id": "$N/virtualHubs/hub1/routingIntent/ri", "type": "Microsoft.Network/virtualHubs/routingIntent",
     "properties": {"routingPolicies": [
       {"name": "odd", "destinations": ["Everything"], "nextHop": "$N/azureFirewalls/fw"},
       {"name": "nohop", "destinations": ["Internet"]},
       "text",
       {"name": "ok", "destinations": ["internet", "privatetraffic"], "nextHop": "$N/azureFirewalls/fw"}]}}
  ])",
                    false);
  CHECK(show(l.diags) ==
        show({"t.json: /0/properties/addressPrefix: error: address prefix '10.100.0.0/33' is not an IP address or "
              "CIDR prefix [invalid-value]",
              "t.json: /0/properties/virtualNetworkConnections/0/properties/enableInternetSecurity: error: "
              "'enableInternetSecurity' is a string, expected a boolean [invalid-type]",
              "t.json: /0/properties/virtualNetworkConnections/1/properties: warning: hub virtual network connection "
              "'nothing' has no 'remoteVirtualNetwork'; it connects nothing [missing-reference]",
              "t.json: /1: error: hub virtual network connection id "
              "'/subscriptions/s/resourceGroups/rg/providers/Microsoft.Network/virtualHubs/hub1/connections/orphan' "
              "has no 'hubvirtualnetworkconnections' segment naming its parent [invalid-value]",
              "t.json: /2/properties/routingPolicies/0/destinations/0: error: routing policy destination 'Everything' "
              "is not Internet or PrivateTraffic [invalid-value]",
              "t.json: /2/properties/routingPolicies/1: error: routing policy 'nohop' has no 'nextHop' "
              "[missing-field]",
              "t.json: /2/properties/routingPolicies/2: error: routing policy is a string, expected an object "
              "[invalid-type]"}));
  REQUIRE(l.model.hub_connections.size() == 2);
  CHECK(l.model.hub_connections[0].hub.id ==
        "/subscriptions/s/resourcegroups/rg/providers/microsoft.network/virtualhubs/hub1");
  CHECK(l.model.hub_connections[0].enable_internet_security);  // the bad value leaves Azure's default
  REQUIRE(l.model.hub_routing_intents.size() == 1);
  REQUIRE(l.model.hub_routing_intents[0].policies.size() == 1);  // policies with errors are left out
  CHECK(l.model.hub_routing_intents[0].policies[0].name == "ok");
  CHECK(l.model.hub_routing_intents[0].policies[0].internet);
  CHECK(l.model.hub_routing_intents[0].policies[0].private_traffic);
}

TEST_CASE("virtual WAN: children of a hub not in the input are warnings", "[vwan][model]") {
  auto l = load_wan(R"([
    {"id": "$N/virtualHubs/gone/hubVirtualNetworkConnections/c", "name": "c",
     "type": "Microsoft.Network/virtualHubs/hubVirtualNetworkConnections",
     "properties": {"remoteVirtualNetwork": {"id": "$N/virtualNetworks/v"}}}])");
  CHECK(show(l.diags) ==
        show({"t.json: /0: warning: hub virtual network connection 'c' belongs to virtual hub "
              "'/subscriptions/s/resourcegroups/rg/providers/microsoft.network/virtualhubs/gone', which is not in the "
              "input [missing-reference]"}));
}

/// A spoke VM `vm1` (10.1.1.4, Standard public IP 20.2.2.2) whose subnet NSG allows 22 from anywhere, in a
/// spoke connected to hub1 whose routing intent sends internet traffic to the hub firewall.
std::string spoke_estate(bool internet_security, bool user_default_route) {
  const std::string route_table = user_default_route ? R"(, "routeTable": {"id": "$N/routeTables/rt-direct"})" : "";
  return fmt::format(R"([
  {{"id": "$N/virtualHubs/hub1", "name": "hub1", "type": "Microsoft.Network/virtualHubs",
   "properties": {{"addressPrefix": "10.100.0.0/23"}}}},
  {{"id": "$N/virtualHubs/hub1/hubVirtualNetworkConnections/spoke1", "name": "spoke1",
   "type": "Microsoft.Network/virtualHubs/hubVirtualNetworkConnections",
   "properties": {{"remoteVirtualNetwork": {{"id": "$N/virtualNetworks/spoke1"}}, "enableInternetSecurity": {0}}}}},
  {{"id": "$N/virtualHubs/hub1/routingIntent/intent", "name": "intent", "type": "Microsoft.Network/virtualHubs/routingIntent",
   "properties": {{"routingPolicies": [{{"name": "Internet", "destinations": ["Internet"], "nextHop": "$N/azureFirewalls/fw-hub"}}]}}}},
  {{"id": "$N/routeTables/rt-direct", "name": "rt-direct", "type": "Microsoft.Network/routeTables",
   "properties": {{"routes": [{{"name": "office", "properties": {{"addressPrefix": "52.233.10.0/24", "nextHopType": "Internet"}}}}]}}}},
  {{"id": "$N/networkSecurityGroups/nsg-vm", "name": "nsg-vm", "type": "Microsoft.Network/networkSecurityGroups",
   "properties": {{"securityRules": [{{"name": "allow-ssh", "properties": {{"protocol": "Tcp", "access": "Allow",
     "priority": 100, "direction": "Inbound", "sourceAddressPrefix": "*", "sourcePortRange": "*",
     "destinationAddressPrefix": "*", "destinationPortRange": "22"}}}}]}}}},
  {{"id": "$N/virtualNetworks/spoke1", "name": "spoke1", "type": "Microsoft.Network/virtualNetworks",
   "properties": {{"addressSpace": {{"addressPrefixes": ["10.1.0.0/16"]}}, "subnets": [{{"name": "vms",
     "properties": {{"addressPrefix": "10.1.1.0/24", "networkSecurityGroup": {{"id": "$N/networkSecurityGroups/nsg-vm"}}{1}}}}}]}}}},
  {{"id": "$N/publicIPAddresses/pip-vm", "name": "pip-vm", "type": "Microsoft.Network/publicIPAddresses",
   "sku": {{"name": "Standard"}}, "properties": {{"ipAddress": "20.2.2.2"}}}},
  {{"id": "$N/networkInterfaces/nic-vm", "name": "nic-vm", "type": "Microsoft.Network/networkInterfaces",
   "properties": {{"ipConfigurations": [{{"name": "c", "properties": {{"privateIPAddress": "10.1.1.4",
     "subnet": {{"id": "$N/virtualNetworks/spoke1/subnets/vms"}}, "publicIPAddress": {{"id": "$N/publicIPAddresses/pip-vm"}}}}}}]}}}}
])",
                     internet_security ? "true" : "false", route_table);
}

TEST_CASE("routing intent for internet traffic: a spoke VM's public IP answers nobody", "[vwan][solver][scenario]") {
  SECTION("enableInternetSecurity: the hub's 0.0.0.0/0 takes the replies, the flow is broken") {
    auto l = load_wan(spoke_estate(true, false));
    const auto a = solver::analyze(l.model);
    CHECK(a.exposures.empty());
    REQUIRE(a.broken.size() == 1);
    CHECK(a.broken[0].protocol == model::Protocol::kTcp);
    CHECK(a.broken[0].ports == model::PortSet::single(22));
    REQUIRE(a.broken[0].broken);
    CHECK(cli::broken_text(l.model, *a.broken[0].broken) ==
          "asymmetric routing: replies to these clients take route 0.0.0.0/0 -> VirtualNetworkGateway learned from "
          "virtual hub 'hub1' (routing intent), not the public IP, so the connection fails");
  }
  SECTION("without enableInternetSecurity the spoke keeps the system default route: 22 is exposed") {
    auto l = load_wan(spoke_estate(false, false));
    const auto a = solver::analyze(l.model);
    REQUIRE(a.exposures.size() == 1);
    CHECK(a.exposures[0].ports == model::PortSet::single(22));
    CHECK(a.exposures[0].any_source);
    CHECK(a.broken.empty());
  }
  SECTION("a user-defined route to Internet beats the hub's 0.0.0.0/0 for its prefix") {
    // Only clients in 52.233.10.0/24 get answers. A user route's prefix also joins the VirtualNetwork tag, so
    // AllowVnetInBound admits them on everything: 22 through allow-ssh, the rest of TCP, UDP, ICMP, ESP and AH
    // through AllowVnetInBound (6 exposures); the rest of the internet reaches 22 but is never answered.
    auto l = load_wan(spoke_estate(true, true));
    const auto a = solver::analyze(l.model);
    REQUIRE(a.exposures.size() == 6);
    for (const auto& e : a.exposures) {
      CHECK(model::to_cidr_strings(e.sources) == std::vector<std::string>{"52.233.10.0/24"});
    }
    REQUIRE(a.broken.size() == 1);
    CHECK(a.broken[0].ports == model::PortSet::single(22));
    CHECK_FALSE(a.broken[0].sources.contains(model::IpAddress::parse("52.233.10.1")->value));
    CHECK(a.broken[0].sources.contains(model::IpAddress::parse("8.8.8.8")->value));
  }
}

}  // namespace
}  // namespace exposim
