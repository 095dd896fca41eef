// The shared fixture of the Bastion, application gateway, peering and path tests: an estate as Azure resource JSON
// (VNets with subnets, NSGs, public IPs, NICs, peerings, a Bastion, route tables) and an application gateway builder.
// Its import, validation and analysis: tests/gateway_estate.h.
#pragma once

#include <catch2/catch.hpp>

#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "importers/azure/resource_importer.h"
#include "model/validate.h"
#include "tests/resource_json.h"

namespace exposim::testing::gateway_estate {

using namespace exposim;
using nlohmann::json;

inline const std::string kS = "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Network";
inline const std::string kGw = kS + "/applicationGateways/agw";

inline json id_ref(const std::string& id) { return {{"id", id}}; }
inline std::string subnet_id(const std::string& vnet, const std::string& subnet) {
  return kS + "/virtualNetworks/" + vnet + "/subnets/" + subnet;
}

struct Rule {
  std::string name;
  int priority;
  std::string access;
  std::string source;
  std::string ports;
  std::string protocol = "*";
};

struct Peer {
  std::string remote;
  std::string state = "Connected";
  bool access = true;
};

/// A small estate as a resource list; `run()` imports, validates and analyses it.
struct Estate {
  json resources = json::array();

  Estate& vnet(const std::string& name, const std::string& space,
               const std::vector<std::tuple<std::string, std::string, std::string>>& subnets,
               const std::vector<Peer>& peers = {}) {
    json subs = json::array();
    for (const auto& [sname, prefix, nsg] : subnets) {
      json props = {{"addressPrefix", prefix}};
      if (!nsg.empty()) props["networkSecurityGroup"] = id_ref(kS + "/networkSecurityGroups/" + nsg);
      subs.push_back({{"id", subnet_id(name, sname)}, {"name", sname}, {"properties", props}});
    }
    json peerings = json::array();
    for (const auto& p : peers) {
      peerings.push_back({{"name", name + "-to-" + p.remote},
                          {"properties",
                           {{"remoteVirtualNetwork", id_ref(kS + "/virtualNetworks/" + p.remote)},
                            {"allowVirtualNetworkAccess", p.access},
                            {"peeringState", p.state}}}});
    }
    resources.push_back({{"id", kS + "/virtualNetworks/" + name},
                         {"name", name},
                         {"type", "Microsoft.Network/virtualNetworks"},
                         {"properties",
                          {{"addressSpace", {{"addressPrefixes", {space}}}},
                           {"subnets", subs},
                           {"virtualNetworkPeerings", peerings}}}});
    return *this;
  }

  Estate& nsg(const std::string& name, const std::vector<Rule>& rules) {
    json rs = json::array();
    for (const auto& r : rules) {
      rs.push_back({{"name", r.name},
                    {"properties",
                     {{"priority", r.priority},
                      {"access", r.access},
                      {"direction", "Inbound"},
                      {"protocol", r.protocol},
                      {"sourceAddressPrefix", r.source},
                      {"sourcePortRange", "*"},
                      {"destinationAddressPrefix", "*"},
                      {"destinationPortRange", r.ports}}}});
    }
    resources.push_back({{"id", kS + "/networkSecurityGroups/" + name},
                         {"name", name},
                         {"type", "Microsoft.Network/networkSecurityGroups"},
                         {"properties", {{"securityRules", rs}}}});
    return *this;
  }

  Estate& pip(const std::string& name, const std::string& ip) {
    resources.push_back({{"id", kS + "/publicIPAddresses/" + name},
                         {"name", name},
                         {"type", "Microsoft.Network/publicIPAddresses"},
                         {"sku", {{"name", "Standard"}}},
                         {"properties", {{"ipAddress", ip}, {"publicIPAllocationMethod", "Static"}}}});
    return *this;
  }

  Estate& nic(const std::string& name, const std::string& vnet, const std::string& subnet, const std::string& ip,
              const std::string& nsg = "", const std::vector<std::string>& pools = {}) {
    json cfg = {{"privateIPAddress", ip}, {"subnet", id_ref(subnet_id(vnet, subnet))}};
    if (!pools.empty()) {
      json p = json::array();
      for (const auto& pool : pools) p.push_back(id_ref(kGw + "/backendAddressPools/" + pool));
      cfg["applicationGatewayBackendAddressPools"] = p;
    }
    json props = {{"ipConfigurations", {{{"name", "ipconfig1"}, {"properties", cfg}}}}};
    if (!nsg.empty()) props["networkSecurityGroup"] = id_ref(kS + "/networkSecurityGroups/" + nsg);
    resources.push_back({{"id", kS + "/networkInterfaces/" + name},
                         {"name", name},
                         {"type", "Microsoft.Network/networkInterfaces"},
                         {"properties", props}});
    return *this;
  }

  /// A Bastion in `vnet`'s AzureBastionSubnet with public IP `pip` (none when empty); `extra` properties.
  Estate& bastion(const std::string& sku, const std::string& vnet, const std::string& pip,
                  json extra = json::object()) {
    json cfg = {{"subnet", id_ref(subnet_id(vnet, "AzureBastionSubnet"))}};
    if (!pip.empty()) cfg["publicIPAddress"] = id_ref(kS + "/publicIPAddresses/" + pip);
    json props = {{"ipConfigurations", {{{"name", "IpConf"}, {"properties", cfg}}}}};
    props.update(extra);
    resources.push_back({{"id", kS + "/bastionHosts/bastion"},
                         {"name", "bastion"},
                         {"type", "Microsoft.Network/bastionHosts"},
                         {"sku", {{"name", sku}}},
                         {"properties", props}});
    return *this;
  }

  Estate& add(json resource) {
    resources.push_back(std::move(resource));
    return *this;
  }
};

/// An application gateway `agw` in `vnet`/`subnet`, public frontend `pip`, one listener per (name, port), and
/// basic rules listener -> (pool, settings). Pools: name -> addresses; settings: name -> port. `waf`: the WAF_v2 SKU
/// with its firewall in prevention mode, else the Standard_v2 SKU.
inline json gateway(const std::string& vnet, const std::string& subnet, const std::string& pip,
                    const std::vector<std::pair<std::string, int>>& listeners,
                    const std::vector<std::pair<std::string, std::vector<std::string>>>& pools,
                    const std::vector<std::pair<std::string, int>>& settings,
                    const std::vector<std::tuple<std::string, std::string, std::string>>& rules, bool waf = true) {
  json ports = json::array(), ls = json::array(), ps = json::array(), ss = json::array(), rs = json::array();
  for (const auto& [name, port] : listeners) {
    ports.push_back(
        {{"id", kGw + "/frontendPorts/p-" + name}, {"name", "p-" + name}, {"properties", {{"port", port}}}});
    ls.push_back({{"id", kGw + "/httpListeners/" + name},
                  {"name", name},
                  {"properties",
                   {{"frontendIPConfiguration", id_ref(kGw + "/frontendIPConfigurations/fe")},
                    {"frontendPort", id_ref(kGw + "/frontendPorts/p-" + name)},
                    {"protocol", port == 443 ? "Https" : "Http"}}}});
  }
  for (const auto& [name, addresses] : pools) {
    json a = json::array();
    for (const auto& x : addresses)
      a.push_back(x.find('.') != std::string::npos && isdigit(x[0]) ? json{{"ipAddress", x}} : json{{"fqdn", x}});
    ps.push_back(
        {{"id", kGw + "/backendAddressPools/" + name}, {"name", name}, {"properties", {{"backendAddresses", a}}}});
  }
  for (const auto& [name, port] : settings) {
    ss.push_back({{"id", kGw + "/backendHttpSettingsCollection/" + name},
                  {"name", name},
                  {"properties", {{"port", port}, {"protocol", "Http"}}}});
  }
  for (const auto& [listener, pool, setting] : rules) {
    rs.push_back({{"name", "r-" + listener},
                  {"properties",
                   {{"httpListener", id_ref(kGw + "/httpListeners/" + listener)},
                    {"backendAddressPool", id_ref(kGw + "/backendAddressPools/" + pool)},
                    {"backendHttpSettings", id_ref(kGw + "/backendHttpSettingsCollection/" + setting)}}}});
  }
  const char* sku = waf ? "WAF_v2" : "Standard_v2";
  json props = {
      {"sku", {{"name", sku}, {"tier", sku}}},
      {"gatewayIPConfigurations", {{{"name", "gwip"}, {"properties", {{"subnet", id_ref(subnet_id(vnet, subnet))}}}}}},
      {"frontendIPConfigurations",
       {{{"id", kGw + "/frontendIPConfigurations/fe"},
         {"name", "fe"},
         {"properties", {{"publicIPAddress", id_ref(kS + "/publicIPAddresses/" + pip)}}}}}},
      {"frontendPorts", ports},
      {"httpListeners", ls},
      {"backendAddressPools", ps},
      {"backendHttpSettingsCollection", ss},
      {"requestRoutingRules", rs}};
  if (waf) props["webApplicationFirewallConfiguration"] = {{"enabled", true}, {"firewallMode", "Prevention"}};
  return {{"id", kGw}, {"name", "agw"}, {"type", "Microsoft.Network/applicationGateways"}, {"properties", props}};
}

using resource_json::printed;  // one copy for every test

}  // namespace exposim::testing::gateway_estate
