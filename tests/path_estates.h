// Small estates whose flows take the path engine's less common stages (solver/path.h): an internal load balancer
// behind an application gateway, a firewall's DNAT rule to an internal load balancer's frontend or to an application
// gateway's private frontend, and a Bastion session whose replies a route sends through an Azure Firewall. Shared by
// tests/path_follow_test.cpp (hop by hop, worked out by hand) and tests/explain_test.cpp (the random cross-check of
// explain against analyze). Built on the resource JSON fixture of tests/gateway_fixture.h.
#pragma once

#include <string>
#include <tuple>
#include <vector>

#include <nlohmann/json.hpp>

#include "tests/gateway_fixture.h"

namespace exposim::testing::path_estates {

using gateway_estate::Estate;
using gateway_estate::id_ref;
using gateway_estate::kS;
using gateway_estate::subnet_id;
using nlohmann::json;

inline const std::string kIlb = kS + "/loadBalancers/ilb";
inline const std::string kPolicy = kS + "/firewallPolicies/policy";

/// Internal load balancer `ilb` (Standard) with frontend `fe` at `address` in hub/app, pool `be`, and one TCP
/// load-balancing rule per (name, frontend port, backend port).
inline json internal_load_balancer(const std::string& address,
                                   const std::vector<std::tuple<std::string, int, int>>& rules) {
  json rs = json::array();
  for (const auto& [name, frontend_port, backend_port] : rules) {
    rs.push_back({{"name", name},
                  {"properties",
                   {{"frontendIPConfiguration", id_ref(kIlb + "/frontendIPConfigurations/fe")},
                    {"backendAddressPool", id_ref(kIlb + "/backendAddressPools/be")},
                    {"protocol", "Tcp"},
                    {"frontendPort", frontend_port},
                    {"backendPort", backend_port}}}});
  }
  return {{"id", kIlb},
          {"name", "ilb"},
          {"type", "Microsoft.Network/loadBalancers"},
          {"sku", {{"name", "Standard"}}},
          {"properties",
           {{"frontendIPConfigurations",
             {{{"id", kIlb + "/frontendIPConfigurations/fe"},
               {"name", "fe"},
               {"properties", {{"privateIPAddress", address}, {"subnet", id_ref(subnet_id("hub", "app"))}}}}}},
            {"backendAddressPools", {{{"id", kIlb + "/backendAddressPools/be"}, {"name", "be"}}}},
            {"loadBalancingRules", rs}}}};
}

/// Puts the last NIC added to `e` into the internal load balancer's pool `be`.
inline void join_internal_pool(Estate& e) {
  e.resources.back()["properties"]["ipConfigurations"][0]["properties"]["loadBalancerBackendAddressPools"] = {
      id_ref(kIlb + "/backendAddressPools/be")};
}

/// Azure Firewall `fw` in hub's AzureFirewallSubnet (10.0.1.0/26; no private IP in the input, so its SNAT addresses
/// are the subnet), public IP `pip-fw` 20.1.1.1, policy `policy` with one DNAT collection of TCP rules from any
/// source (name, firewall port, translated address, translated port).
inline void firewall_with_dnat(
    Estate& e, const std::vector<std::tuple<std::string, std::string, std::string, std::string>>& rules) {
  json nat = json::array();
  for (const auto& [name, port, to, to_port] : rules) {
    nat.push_back({{"ruleType", "NatRule"},
                   {"name", name},
                   {"ipProtocols", {"TCP"}},
                   {"sourceAddresses", {"*"}},
                   {"destinationAddresses", {"20.1.1.1"}},
                   {"destinationPorts", {port}},
                   {"translatedAddress", to},
                   {"translatedPort", to_port}});
  }
  e.pip("pip-fw", "20.1.1.1");
  e.add({{"id", kPolicy},
         {"name", "policy"},
         {"type", "Microsoft.Network/firewallPolicies"},
         {"properties", json::object()}});
  e.add({{"id", kPolicy + "/ruleCollectionGroups/rcg"},
         {"name", "rcg"},
         {"type", "Microsoft.Network/firewallPolicies/ruleCollectionGroups"},
         {"properties",
          {{"priority", 100},
           {"ruleCollections",
            {{{"ruleCollectionType", "FirewallPolicyNatRuleCollection"},
              {"name", "dnat"},
              {"priority", 100},
              {"action", {{"type", "DNAT"}}},
              {"rules", nat}}}}}}});
  e.add({{"id", kS + "/azureFirewalls/fw"},
         {"name", "fw"},
         {"type", "Microsoft.Network/azureFirewalls"},
         {"properties",
          {{"firewallPolicy", id_ref(kPolicy)},
           {"ipConfigurations",
            {{{"name", "ipc"},
              {"properties",
               {{"subnet", id_ref(subnet_id("hub", "AzureFirewallSubnet"))},
                {"publicIPAddress", id_ref(kS + "/publicIPAddresses/pip-fw")}}}}}}}}});
}

/// internet -> pip-agw 20.0.0.20:443, listener l-https -> pool 10.0.4.100 on 8080, the frontend of internal load
/// balancer ilb, whose rule r-8080 forwards 8080 to 80 on nic-app (10.0.4.4) and nic-app-2 (10.0.4.5); r-9090 is a
/// rule the gateway never uses. nsg-app (on both NICs) admits 80 from the gateway subnet 10.0.2.0/24 only.
inline Estate gateway_to_internal_lb() {
  Estate e;
  e.vnet("hub", "10.0.0.0/16", {{"agw", "10.0.2.0/24", ""}, {"app", "10.0.4.0/24", ""}})
      .nsg("nsg-app", {{"allow-gw-80", 100, "Allow", "10.0.2.0/24", "80"}, {"deny-rest", 200, "Deny", "*", "*"}})
      .pip("pip-agw", "20.0.0.20")
      .add(gateway_estate::gateway("hub", "agw", "pip-agw", {{"l-https", 443}}, {{"pool", {"10.0.4.100"}}},
                                   {{"s-8080", 8080}}, {{"l-https", "pool", "s-8080"}}))
      .add(internal_load_balancer("10.0.4.100", {{"r-8080", 8080, 80}, {"r-9090", 9090, 9090}}));
  e.nic("nic-app", "hub", "app", "10.0.4.4", "nsg-app");
  join_internal_pool(e);
  e.nic("nic-app-2", "hub", "app", "10.0.4.5", "nsg-app");
  join_internal_pool(e);
  return e;
}

/// internet -> pip-fw 20.1.1.1:50000, DNAT rule rdp -> 10.0.4.100:3389, the frontend of internal load balancer ilb,
/// whose rule r-rdp forwards 3389 to 3389 on nic-app (10.0.4.4, nsg-app: 3389 from VirtualNetwork, which holds the
/// firewall's SNAT addresses) and nic-app-2 (10.0.4.5, nsg-closed: denies everything).
inline Estate dnat_to_internal_lb() {
  Estate e;
  e.vnet("hub", "10.0.0.0/16", {{"AzureFirewallSubnet", "10.0.1.0/26", ""}, {"app", "10.0.4.0/24", ""}})
      .nsg("nsg-app",
           {{"allow-vnet-rdp", 100, "Allow", "VirtualNetwork", "3389"}, {"deny-rest", 200, "Deny", "*", "*"}})
      .nsg("nsg-closed", {{"deny-all", 100, "Deny", "*", "*"}})
      .add(internal_load_balancer("10.0.4.100", {{"r-rdp", 3389, 3389}}));
  e.nic("nic-app", "hub", "app", "10.0.4.4", "nsg-app");
  join_internal_pool(e);
  e.nic("nic-app-2", "hub", "app", "10.0.4.5", "nsg-closed");
  join_internal_pool(e);
  firewall_with_dnat(e, {{"rdp", "50000", "10.0.4.100", "3389"}});
  return e;
}

/// internet -> pip-fw 20.1.1.1:443, DNAT rule to-agw -> 10.0.2.10:443, the private frontend of gateway agw, whose
/// subnet's nsg-agw admits 443 from the firewall's SNAT addresses (10.0.1.0/26) only; listener l-https -> pool
/// 10.0.4.4 on 80, nic-app, whose nsg-app admits 80 from the gateway subnet.
inline Estate dnat_to_gateway() {
  Estate e;
  e.vnet("hub", "10.0.0.0/16",
         {{"AzureFirewallSubnet", "10.0.1.0/26", ""}, {"agw", "10.0.2.0/24", "nsg-agw"}, {"app", "10.0.4.0/24", ""}})
      .nsg("nsg-agw", {{"allow-fw-443", 100, "Allow", "10.0.1.0/26", "443"}, {"deny-rest", 200, "Deny", "*", "443"}})
      .nsg("nsg-app", {{"allow-gw-80", 100, "Allow", "10.0.2.0/24", "80"}, {"deny-rest", 200, "Deny", "*", "*"}});
  json g = gateway_estate::gateway("hub", "agw", "unused", {{"l-https", 443}}, {{"pool", {"10.0.4.4"}}}, {{"s-80", 80}},
                                   {{"l-https", "pool", "s-80"}});
  g["properties"]["frontendIPConfigurations"][0]["properties"] = {{"privateIPAddress", "10.0.2.10"},
                                                                  {"subnet", id_ref(subnet_id("hub", "agw"))}};
  e.add(g).nic("nic-app", "hub", "app", "10.0.4.4", "nsg-app");
  firewall_with_dnat(e, {{"to-agw", "443", "10.0.2.10", "443"}});
  return e;
}

/// A Basic Bastion (pip-bastion 20.0.0.10, AzureBastionSubnet 10.0.1.0/26) and nic-app (10.0.4.4, no NSG) in hub,
/// whose subnet app routes the Bastion subnet (10.0.1.0/26, more specific than the VNet's own 10.0.0.0/16) to Azure
/// Firewall fw (10.0.3.4, AzureFirewallSubnet 10.0.3.0/26). Azure does not support routes on the AzureBastionSubnet,
/// so a session goes straight to nic-app while its replies take the route to the firewall: asymmetric, the session
/// fails (analyze's `broken`).
inline Estate bastion_reply_through_firewall() {
  Estate e;
  e.vnet("hub", "10.0.0.0/16",
         {{"AzureBastionSubnet", "10.0.1.0/26", ""},
          {"AzureFirewallSubnet", "10.0.3.0/26", ""},
          {"app", "10.0.4.0/24", ""}})
      .pip("pip-bastion", "20.0.0.10")
      .bastion("Basic", "hub", "pip-bastion")
      .nic("nic-app", "hub", "app", "10.0.4.4")
      .add(
          {{"id", kS + "/azureFirewalls/fw"},
           {"name", "fw"},
           {"type", "Microsoft.Network/azureFirewalls"},
           {"properties",
            {{"ipConfigurations",
              {{{"name", "ipc"},
                {"properties",
                 {{"privateIPAddress", "10.0.3.4"}, {"subnet", id_ref(subnet_id("hub", "AzureFirewallSubnet"))}}}}}}}}})
      .add({{"id", kS + "/routeTables/rt-app"},
            {"name", "rt-app"},
            {"type", "Microsoft.Network/routeTables"},
            {"properties",
             {{"routes",
               {{{"name", "bastion-via-fw"},
                 {"properties",
                  {{"addressPrefix", "10.0.1.0/26"},
                   {"nextHopType", "VirtualAppliance"},
                   {"nextHopIpAddress", "10.0.3.4"}}}}}}}}});
  e.resources[0]["properties"]["subnets"][2]["properties"]["routeTable"] = id_ref(kS + "/routeTables/rt-app");
  return e;
}

}  // namespace exposim::testing::path_estates
