// The brute-force reference for PaaS public endpoints reached from inside the estate, kept in the tests only: one TCP
// packet from a NIC's private address to a storage account, a Key Vault or a SQL server, decided from docs/model.md
// ("PaaS public endpoints from inside the estate", "Private endpoints and PaaS public endpoints") and Azure's
// documentation by walking the generated estate literally: the source VNet's outbound security admin rules, the NIC's
// and the subnet's outbound NSGs with the service's public address as destination, the subnet's route toward the
// service (a service endpoint, a user-defined route naming the service's tag, the route to the internet, a public
// prefix that may hold the service's address), an Azure Firewall's classic network then application rules, and the
// service's own firewall (public network access, default action, virtual network rules through a service endpoint,
// address rules on the egress address: the firewall's, the NAT gateway's, the NIC's public IP, or any when not
// known). It uses no packet-set algebra and no solver function to decide; it shares with the solver only the
// generated estate (written as Azure resource JSON and read by the importer) and the model built from it. Random
// estates from fixed seeds are cross-checked against solver::reach() with ReachOptions::paas: every (source, service,
// port) the reference allows is in reach's flows and every one reach lists is allowed; an estate is printed in full on
// any disagreement.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cstdint>
#include <set>
#include <string>
#include <tuple>
#include <vector>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "importers/azure/resource_importer.h"
#include "model_builder.h"
#include "reference_estates.h"
#include "solver/east_west.h"
#include "test_scale.h"

namespace exposim::reference::paas_east_west {
namespace {

using nlohmann::json;

// ---------------------------------------------------------------------------------------------------------
// The generated estate: VNet v (10.0.0.0/16, westeurope) with subnets s0..s2 (10.0.1.0/24 ...), each with an
// optional NSG, service endpoints, a route table and a NAT gateway; one or two NICs per subnet with an optional NSG
// and public IP; an optional Azure Firewall (AzureFirewallSubnet 10.0.0.0/26, 10.0.0.4, public IP 20.1.1.1) with
// classic network and application rule collections; outbound security admin rules on v; and the services: storage
// accounts st0 (westeurope) and st1 (northeurope), Key Vault kv0 (westeurope) and SQL server sql0 (westeurope).

struct PrNsgRule {
  std::string name;
  int priority{0};
  bool allow{true};
  std::string protocol;  // "Tcp", "Udp", "*"
  std::string source;    // "*", a CIDR, "VirtualNetwork"
  std::string destination;
  std::string ports;  // "*", "443", "80-1500"
};
struct PrNsg {
  std::string name;
  std::vector<PrNsgRule> rules;
};
struct PrServiceEndpoint {
  std::string service;                 // "Microsoft.Storage", "Microsoft.Storage.Global", "Microsoft.Sql", ...
  std::vector<std::string> locations;  // empty: absent
};
struct PrRoute {
  std::string name;
  std::string prefix;  // a CIDR or a service tag
  std::string hop;     // "VirtualAppliance" (to the firewall), "Internet", "None", "VnetLocal"
};
struct PrSubnet {
  std::string name;
  std::string cidr;
  int nsg{-1};
  std::vector<PrServiceEndpoint> endpoints;
  std::vector<PrRoute> routes;
  std::string nat_ip;  // the NAT gateway's public address; "": none
};
struct PrNic {
  std::string name;
  int subnet{0};
  std::string ip;
  int nsg{-1};
  std::string public_ip;  // "": none
};
struct PrFwRule {
  std::string name;
  std::string protocol;                        // network: "TCP", "UDP", "Any"; application: "Https", "Mssql"
  int app_port{0};                             // application: the protocol's port
  std::vector<std::string> sources;            // "*", CIDRs
  std::vector<std::string> destinations;       // network: "*", CIDRs, service tags
  std::vector<std::string> destination_ports;  // network
  std::vector<std::string> fqdns;              // application: target FQDNs
};
struct PrFwCollection {
  std::string name;
  int priority{0};
  bool allow{true};
  bool application{false};
  std::vector<PrFwRule> rules;
};
struct PrAdmin {
  std::string name;
  int priority{0};
  model::AdminAccess access{model::AdminAccess::kDeny};
  std::string protocol;  // "Tcp", "Udp", "*"
  std::string source, destination;
  std::string ports;
};
enum class PrKind : std::uint8_t { kStorage, kKeyVault, kSql };
struct PrService {
  std::string name;
  PrKind kind{PrKind::kStorage};
  std::string location;
  bool disabled{false};  // publicNetworkAccess Disabled
  bool default_allow{false};
  std::vector<std::string> ip_rules;  // storage, Key Vault: CIDRs or addresses; SQL: "start-end"
  std::vector<int> vnet_rules;        // subnets
};
struct PrEstate {
  std::uint32_t seed{0};
  std::vector<PrNsg> nsgs;
  std::vector<PrSubnet> subnets;
  std::vector<PrNic> nics;
  bool firewall{false};
  std::vector<PrFwCollection> collections;
  std::vector<PrAdmin> admins;
  std::vector<PrService> services;
};

const char* pr_kind_text(PrKind k) {
  switch (k) {
    case PrKind::kStorage: return "storage";
    case PrKind::kKeyVault: return "key-vault";
    case PrKind::kSql: return "sql";
  }
  return "?";
}

std::string pr_describe(const PrEstate& e) {
  std::string s = fmt::format("PaaS east-west estate seed {}: vnet v 10.0.0.0/16 westeurope\n", e.seed);
  for (const auto& g : e.nsgs) {
    s += fmt::format("  nsg {}\n", g.name);
    for (const auto& r : g.rules) {
      s += fmt::format("    {} prio {} {} {} src {} dst {} dport {}\n", r.name, r.priority, r.allow ? "Allow" : "Deny",
                       r.protocol, r.source, r.destination, r.ports);
    }
  }
  for (const auto& sn : e.subnets) {
    std::vector<std::string> eps;
    for (const auto& ep : sn.endpoints) eps.push_back(ep.service + reference_list(ep.locations));
    std::vector<std::string> routes;
    for (const auto& r : sn.routes) routes.push_back(r.name + ":" + r.prefix + "->" + r.hop);
    s += fmt::format("  subnet {} {} nsg={} endpoints {} routes {} nat={}\n", sn.name, sn.cidr,
                     sn.nsg < 0 ? "-" : e.nsgs[sn.nsg].name, reference_list(eps), reference_list(routes),
                     sn.nat_ip.empty() ? "-" : sn.nat_ip);
  }
  for (const auto& n : e.nics) {
    s += fmt::format("  nic {} {} subnet {} nsg={} public-ip={}\n", n.name, n.ip, e.subnets[n.subnet].name,
                     n.nsg < 0 ? "-" : e.nsgs[n.nsg].name, n.public_ip.empty() ? "-" : n.public_ip);
  }
  if (e.firewall) s += "  azure firewall 10.0.0.4 public 20.1.1.1 (classic rules)\n";
  for (const auto& c : e.collections) {
    s += fmt::format("    {} collection {} priority {} {}\n", c.application ? "application" : "network", c.name,
                     c.priority, c.allow ? "Allow" : "Deny");
    for (const auto& r : c.rules) {
      s += fmt::format("      {} {}{} src {} dst {} dport {} fqdns {}\n", r.name, r.protocol,
                       c.application ? fmt::format(":{}", r.app_port) : std::string(), reference_list(r.sources),
                       reference_list(r.destinations), reference_list(r.destination_ports), reference_list(r.fqdns));
    }
  }
  for (const auto& a : e.admins) {
    s += fmt::format("  admin rule {} out {} priority {} {} from {} to {} ports {}\n", a.name,
                     model::to_string(a.access), a.priority, a.protocol, a.source, a.destination, a.ports);
  }
  for (const auto& sv : e.services) {
    std::vector<std::string> vnet_rules;
    for (const int sn : sv.vnet_rules) vnet_rules.push_back(e.subnets[sn].name);
    s += fmt::format("  {} {} {} publicNetworkAccess={} defaultAction={} ip-rules {} vnet-rules {}\n",
                     pr_kind_text(sv.kind), sv.name, sv.location, sv.disabled ? "Disabled" : "Enabled",
                     sv.default_allow ? "Allow" : "Deny", reference_list(sv.ip_rules), reference_list(vnet_rules));
  }
  return s;
}

constexpr int kPrEstates = test::rounds(120);
constexpr std::uint32_t kPrBaseSeed = 20261208;

/// Destinations an outbound rule may name: ones that name the services' public addresses, ones that do not, and a
/// public prefix that may hold them.
const std::vector<std::string>& pr_destinations() {
  static const std::vector<std::string> v = {
      "*",          "Internet",       "Storage",    "Sql",        "AzureKeyVault",
      "AzureCloud", "VirtualNetwork", "10.0.0.0/8", "52.0.0.0/8", "Storage"};
  return v;
}

PrNsgRule pr_nsg_rule(Rng& r, int i, const std::vector<std::string>& sources) {
  static const std::vector<std::string> protocols = {"Tcp", "Tcp", "*", "Udp"};
  static const std::vector<std::string> ports = {"*", "443", "1433", "445", "80-1500", "11000-11999"};
  static const std::vector<std::string> regional = {"Storage.WestEurope", "Storage.NorthEurope", "Sql.WestEurope",
                                                    "AzureCloud.WestEurope"};
  PrNsgRule x;
  x.name = fmt::format("r{}", i);
  x.priority = 100 + 10 * i;
  x.allow = r.chance(2);
  x.protocol = r.of(protocols);
  x.source = r.of(sources);
  x.destination = r.chance(5) ? r.of(regional) : r.of(pr_destinations());
  x.ports = r.of(ports);
  return x;
}

PrFwRule pr_fw_rule(Rng& r, bool application, int i) {
  static const std::vector<std::string> sources = {"*", "10.0.0.0/16", "10.0.1.0/24", "10.0.2.0/24", "10.0.3.0/24"};
  PrFwRule x;
  x.name = fmt::format("{}{}", application ? "app" : "net", i);
  x.sources.push_back(r.of(sources));
  if (application) {
    static const std::vector<std::string> fqdns = {"*.blob.core.windows.net", "st0.blob.core.windows.net",
                                                   "*.vault.azure.net",       "sql0.database.windows.net",
                                                   "*.database.windows.net",  "*",
                                                   "other.example.com"};
    const bool sql = r.chance(3);
    x.protocol = sql ? "Mssql" : "Https";
    x.app_port = sql ? 1433 : 443;
    x.fqdns.push_back(r.of(fqdns));
    if (r.chance(3)) x.fqdns.push_back(r.of(fqdns));
  } else {
    static const std::vector<std::string> protocols = {"TCP", "TCP", "Any", "UDP"};
    static const std::vector<std::string> destinations = {
        "*", "Storage", "Sql", "AzureKeyVault", "AzureCloud", "Storage.NorthEurope", "10.0.0.0/8", "52.0.0.0/8"};
    static const std::vector<std::string> ports = {"*", "443", "1433", "445", "11000-11999", "80-1500"};
    x.protocol = r.of(protocols);
    x.destinations.push_back(r.of(destinations));
    x.destination_ports.push_back(r.of(ports));
  }
  return x;
}

PrEstate pr_generate(std::uint32_t seed) {
  Rng r(seed);
  PrEstate e;
  e.seed = seed;
  e.firewall = !r.chance(3);
  const int subnets = 2 + r.pick(2);
  std::vector<std::string> sources = {"*", "VirtualNetwork", "10.0.0.0/16"};
  for (int i = 0; i < subnets; ++i) sources.push_back(fmt::format("10.0.{}.0/24", i + 1));
  const int nsgs = 1 + r.pick(3);
  for (int g = 0; g < nsgs; ++g) {
    PrNsg n;
    n.name = fmt::format("nsg{}", g);
    const int rules = r.pick(4);
    for (int i = 0; i < rules; ++i) n.rules.push_back(pr_nsg_rule(r, i, sources));
    e.nsgs.push_back(n);
  }
  static const std::vector<std::string> endpoint_services = {"Microsoft.Storage", "Microsoft.Storage.Global",
                                                             "Microsoft.Sql", "Microsoft.KeyVault"};
  static const std::vector<std::vector<std::string>> endpoint_locations = {
      {}, {}, {"westeurope"}, {"northeurope"}, {"*"}, {"westeurope", "northeurope"}};
  static const std::vector<std::string> tag_prefixes = {"Storage",
                                                        "Sql",
                                                        "AzureKeyVault",
                                                        "AzureCloud",
                                                        "Storage.WestEurope",
                                                        "Storage.NorthEurope",
                                                        "AzureCloud.WestEurope"};
  for (int i = 0; i < subnets; ++i) {
    PrSubnet sn;
    sn.name = fmt::format("s{}", i);
    sn.cidr = fmt::format("10.0.{}.0/24", i + 1);
    sn.nsg = r.chance(2) ? r.pick(nsgs) : -1;
    const int endpoints = r.pick(3);
    for (int k = 0; k < endpoints; ++k) {
      PrServiceEndpoint ep{r.of(endpoint_services), r.of(endpoint_locations)};
      const bool again = std::any_of(sn.endpoints.begin(), sn.endpoints.end(),
                                     [&](const PrServiceEndpoint& x) { return x.service == ep.service; });
      if (!again) sn.endpoints.push_back(ep);
    }
    const std::vector<std::string> hops =
        e.firewall ? std::vector<std::string>{"VirtualAppliance", "VirtualAppliance", "Internet", "None", "VnetLocal"}
                   : std::vector<std::string>{"Internet", "None", "VnetLocal"};
    // With a firewall, half the subnets send their default route to it (the hub-and-spoke design).
    if (e.firewall && r.chance(2)) {
      sn.routes.push_back({"default", "0.0.0.0/0", "VirtualAppliance"});
    } else if (r.chance(3)) {
      sn.routes.push_back({"default", "0.0.0.0/0", r.of(hops)});
    }
    if (r.chance(3)) sn.routes.push_back({"tag", r.of(tag_prefixes), r.of(hops)});
    if (r.chance(4)) sn.routes.push_back({"tag2", r.of(tag_prefixes), r.of(hops)});
    if (r.chance(5)) sn.routes.push_back({"public", "52.0.0.0/8", r.of(hops)});
    if (r.chance(6)) sn.routes.push_back({"private", "10.0.0.0/8", r.of(hops)});
    if (r.chance(3)) sn.nat_ip = fmt::format("40.1.1.{}", i + 1);
    e.subnets.push_back(sn);
  }
  for (int i = 0; i < subnets; ++i) {
    const int nics = 1 + r.pick(2);
    for (int k = 0; k < nics; ++k) {
      PrNic n;
      n.name = fmt::format("vm{}{}", i, k);
      n.subnet = i;
      n.ip = fmt::format("10.0.{}.{}", i + 1, 4 + k);
      n.nsg = r.chance(2) ? r.pick(nsgs) : -1;
      if (r.chance(2)) n.public_ip = fmt::format("51.1.{}.{}", i + 1, 4 + k);
      e.nics.push_back(n);
    }
  }
  if (e.firewall) {
    const int collections = 1 + r.pick(3);
    for (int c = 0; c < collections; ++c) {
      PrFwCollection col;
      col.application = r.chance(2);
      col.name = fmt::format("c{}", c);
      col.priority = 100 + 100 * r.pick(4) + c;
      col.allow = !r.chance(4);
      const int rules = 1 + r.pick(2);
      for (int i = 0; i < rules; ++i) col.rules.push_back(pr_fw_rule(r, col.application, i));
      e.collections.push_back(col);
    }
  }
  const int admins = r.chance(2) ? 0 : 1 + r.pick(2);
  static const std::vector<model::AdminAccess> accesses = {model::AdminAccess::kDeny, model::AdminAccess::kAllow,
                                                           model::AdminAccess::kAlwaysAllow};
  static const std::vector<std::string> admin_destinations = {
      "*", "Internet", "Storage", "Sql", "AzureKeyVault", "VirtualNetwork", "52.0.0.0/8", "10.0.0.0/8"};
  static const std::vector<std::string> admin_ports = {"*", "443", "1433", "445"};
  static const std::vector<std::string> admin_protocols = {"Tcp", "*", "Udp"};
  for (int i = 0; i < admins; ++i) {
    PrAdmin a;
    a.name = fmt::format("admin{}", i);
    a.priority = 10 + i;
    a.access = r.of(accesses);
    a.protocol = r.of(admin_protocols);
    a.source = r.chance(2) ? "*" : fmt::format("10.0.{}.0/24", 1 + r.pick(subnets));
    a.destination = r.of(admin_destinations);
    a.ports = r.of(admin_ports);
    e.admins.push_back(a);
  }
  // The services. Address rules name the egress addresses of the estate (the firewall's, the NAT gateways', the NICs'
  // public IPs) or a wider public range.
  static const std::vector<std::string> storage_rules = {"20.1.1.1",    "40.1.1.0/24", "51.1.1.4",
                                                         "51.1.0.0/16", "40.1.1.2",    "8.8.8.0/24"};
  static const std::vector<std::string> sql_rules = {"20.1.1.1-20.1.1.1", "40.1.1.1-40.1.1.3", "51.1.2.4-51.1.2.5",
                                                     "8.8.8.8-8.8.8.8"};
  const auto service = [&](const std::string& name, PrKind kind, const std::string& location) {
    PrService s;
    s.name = name;
    s.kind = kind;
    s.location = location;
    s.disabled = r.chance(8);
    s.default_allow = kind != PrKind::kSql && r.chance(4);
    const int rules = r.pick(3);
    for (int i = 0; i < rules; ++i) s.ip_rules.push_back(kind == PrKind::kSql ? r.of(sql_rules) : r.of(storage_rules));
    if (e.firewall && r.chance(3)) s.ip_rules.push_back(kind == PrKind::kSql ? "20.1.1.0-20.1.1.9" : "20.1.1.0/24");
    for (int i = 0; i < subnets; ++i) {
      if (r.chance(2)) s.vnet_rules.push_back(i);
    }
    e.services.push_back(s);
  };
  service("st0", PrKind::kStorage, "westeurope");
  service("st1", PrKind::kStorage, "northeurope");
  service("kv0", PrKind::kKeyVault, "westeurope");
  service("sql0", PrKind::kSql, "westeurope");
  return e;
}

// ---------------------------------------------------------------------------------------------------------
// The estate as Azure resource JSON (read by the importer), with the admin rules added to the model.

std::string pr_id(const std::string& type, const std::string& name) { return testing::rid(type, name); }
std::string pr_subnet_id(const std::string& name) {
  return pr_id("Microsoft.Network/virtualNetworks", "v") + "/subnets/" + name;
}

json pr_resource(const std::string& type, const std::string& name, json properties) {
  return {{"id", pr_id(type, name)},
          {"name", name},
          {"type", type},
          {"location", "westeurope"},
          {"properties", std::move(properties)}};
}

json pr_public_ip(const std::string& name, const std::string& address) {
  json pip = pr_resource("Microsoft.Network/publicIPAddresses", name,
                         {{"ipAddress", address}, {"publicIPAllocationMethod", "Static"}});
  pip["sku"] = {{"name", "Standard"}};
  return pip;
}

json pr_json(const PrEstate& e) {
  json out = json::array();
  for (const auto& g : e.nsgs) {
    json rules = json::array();
    for (const auto& r : g.rules) {
      rules.push_back({{"name", r.name},
                       {"properties",
                        {{"priority", r.priority},
                         {"direction", "Outbound"},
                         {"access", r.allow ? "Allow" : "Deny"},
                         {"protocol", r.protocol},
                         {"sourceAddressPrefix", r.source},
                         {"sourcePortRange", "*"},
                         {"destinationAddressPrefix", r.destination},
                         {"destinationPortRange", r.ports}}}});
    }
    out.push_back(pr_resource("Microsoft.Network/networkSecurityGroups", g.name, {{"securityRules", rules}}));
  }
  json subnets = json::array();
  if (e.firewall) {
    subnets.push_back({{"id", pr_subnet_id("AzureFirewallSubnet")},
                       {"name", "AzureFirewallSubnet"},
                       {"properties", {{"addressPrefix", "10.0.0.0/26"}}}});
  }
  for (const auto& sn : e.subnets) {
    json p = {{"addressPrefix", sn.cidr}};
    if (sn.nsg >= 0)
      p["networkSecurityGroup"] = {{"id", pr_id("Microsoft.Network/networkSecurityGroups", e.nsgs[sn.nsg].name)}};
    if (!sn.endpoints.empty()) {
      p["serviceEndpoints"] = json::array();
      for (const auto& ep : sn.endpoints) {
        json x = {{"service", ep.service}};
        if (!ep.locations.empty()) x["locations"] = ep.locations;
        p["serviceEndpoints"].push_back(x);
      }
    }
    if (!sn.routes.empty()) {
      p["routeTable"] = {{"id", pr_id("Microsoft.Network/routeTables", "rt-" + sn.name)}};
      json routes = json::array();
      for (const auto& r : sn.routes) {
        json rp = {{"addressPrefix", r.prefix}, {"nextHopType", r.hop}};
        if (r.hop == "VirtualAppliance") rp["nextHopIpAddress"] = "10.0.0.4";
        routes.push_back({{"name", r.name}, {"properties", rp}});
      }
      out.push_back(pr_resource("Microsoft.Network/routeTables", "rt-" + sn.name, {{"routes", routes}}));
    }
    if (!sn.nat_ip.empty()) {
      p["natGateway"] = {{"id", pr_id("Microsoft.Network/natGateways", "nat-" + sn.name)}};
      out.push_back(pr_public_ip("pip-nat-" + sn.name, sn.nat_ip));
      json nat = pr_resource(
          "Microsoft.Network/natGateways", "nat-" + sn.name,
          {{"publicIpAddresses", {{{"id", pr_id("Microsoft.Network/publicIPAddresses", "pip-nat-" + sn.name)}}}}});
      nat["sku"] = {{"name", "Standard"}};
      out.push_back(nat);
    }
    subnets.push_back({{"id", pr_subnet_id(sn.name)}, {"name", sn.name}, {"properties", p}});
  }
  out.push_back(pr_resource("Microsoft.Network/virtualNetworks", "v",
                            {{"addressSpace", {{"addressPrefixes", {"10.0.0.0/16"}}}}, {"subnets", subnets}}));
  for (const auto& n : e.nics) {
    json cfg = {
        {"name", "ipconfig1"},
        {"properties", {{"privateIPAddress", n.ip}, {"subnet", {{"id", pr_subnet_id(e.subnets[n.subnet].name)}}}}}};
    if (!n.public_ip.empty()) {
      cfg["properties"]["publicIPAddress"] = {{"id", pr_id("Microsoft.Network/publicIPAddresses", "pip-" + n.name)}};
      out.push_back(pr_public_ip("pip-" + n.name, n.public_ip));
    }
    json nic = pr_resource("Microsoft.Network/networkInterfaces", n.name + "-nic", {{"ipConfigurations", {cfg}}});
    if (n.nsg >= 0) {
      nic["properties"]["networkSecurityGroup"] = {
          {"id", pr_id("Microsoft.Network/networkSecurityGroups", e.nsgs[n.nsg].name)}};
    }
    out.push_back(nic);
  }
  if (e.firewall) {
    out.push_back(pr_public_ip("pip-fw", "20.1.1.1"));
    json props = {{"ipConfigurations",
                   {{{"name", "c"},
                     {"properties",
                      {{"privateIPAddress", "10.0.0.4"},
                       {"subnet", {{"id", pr_subnet_id("AzureFirewallSubnet")}}},
                       {"publicIPAddress", {{"id", pr_id("Microsoft.Network/publicIPAddresses", "pip-fw")}}}}}}}}};
    json network = json::array();
    json application = json::array();
    for (const auto& c : e.collections) {
      json rules = json::array();
      for (const auto& r : c.rules) {
        if (c.application) {
          rules.push_back({{"name", r.name},
                           {"sourceAddresses", r.sources},
                           {"protocols", {{{"protocolType", r.protocol}, {"port", r.app_port}}}},
                           {"targetFqdns", r.fqdns}});
        } else {
          rules.push_back({{"name", r.name},
                           {"protocols", {r.protocol}},
                           {"sourceAddresses", r.sources},
                           {"destinationAddresses", r.destinations},
                           {"destinationPorts", r.destination_ports}});
        }
      }
      json col = {{"name", c.name},
                  {"properties",
                   {{"priority", c.priority}, {"action", {{"type", c.allow ? "Allow" : "Deny"}}}, {"rules", rules}}}};
      (c.application ? application : network).push_back(col);
    }
    if (!network.empty()) props["networkRuleCollections"] = network;
    if (!application.empty()) props["applicationRuleCollections"] = application;
    out.push_back(pr_resource("Microsoft.Network/azureFirewalls", "fw", props));
  }
  for (const auto& s : e.services) {
    const char* access = s.disabled ? "Disabled" : "Enabled";
    if (s.kind == PrKind::kSql) {
      out.push_back(pr_resource(
          "Microsoft.Sql/servers", s.name,
          {{"publicNetworkAccess", access}, {"fullyQualifiedDomainName", s.name + ".database.windows.net"}}));
      for (std::size_t i = 0; i < s.ip_rules.size(); ++i) {
        const auto dash = s.ip_rules[i].find('-');
        out.push_back(
            {{"id", fmt::format("{}/firewallRules/r{}", pr_id("Microsoft.Sql/servers", s.name), i)},
             {"name", fmt::format("r{}", i)},
             {"type", "Microsoft.Sql/servers/firewallRules"},
             {"properties",
              {{"startIpAddress", s.ip_rules[i].substr(0, dash)}, {"endIpAddress", s.ip_rules[i].substr(dash + 1)}}}});
      }
      for (const int sn : s.vnet_rules) {
        out.push_back({{"id", pr_id("Microsoft.Sql/servers", s.name) + "/virtualNetworkRules/" + e.subnets[sn].name},
                       {"name", e.subnets[sn].name},
                       {"type", "Microsoft.Sql/servers/virtualNetworkRules"},
                       {"properties", {{"virtualNetworkSubnetId", pr_subnet_id(e.subnets[sn].name)}}}});
      }
      continue;
    }
    json acls = {{"defaultAction", s.default_allow ? "Allow" : "Deny"},
                 {"ipRules", json::array()},
                 {"virtualNetworkRules", json::array()}};
    for (const auto& ip : s.ip_rules) acls["ipRules"].push_back({{"value", ip}, {"action", "Allow"}});
    for (const int sn : s.vnet_rules) {
      acls["virtualNetworkRules"].push_back({{"id", pr_subnet_id(e.subnets[sn].name)}, {"action", "Allow"}});
    }
    if (s.kind == PrKind::kStorage) {
      json st = pr_resource("Microsoft.Storage/storageAccounts", s.name,
                            {{"publicNetworkAccess", access},
                             {"networkAcls", acls},
                             {"primaryEndpoints", {{"blob", "https://" + s.name + ".blob.core.windows.net/"}}}});
      st["kind"] = "StorageV2";
      st["location"] = s.location;
      out.push_back(st);
    } else {
      json kv = pr_resource("Microsoft.KeyVault/vaults", s.name,
                            {{"publicNetworkAccess", access},
                             {"networkAcls", acls},
                             {"vaultUri", "https://" + s.name + ".vault.azure.net/"}});
      kv["location"] = s.location;
      out.push_back(kv);
    }
  }
  return out;
}

model::Model pr_build(const PrEstate& e) {
  testing::EstateBuilder b;
  model::Diagnostics d;
  importers::azure::import_text(pr_json(e).dump(), "estate.json", b.m, d);
  REQUIRE_FALSE(d.has_errors());
  for (const auto& a : e.admins) {
    const model::ProtocolMask protocols = a.protocol == "Tcp"   ? testing::tcp()
                                          : a.protocol == "Udp" ? testing::udp()
                                                                : model::kAllProtocols;
    b.admin_rule("v", a.name, a.priority, a.access, model::Direction::kOutbound, protocols, {a.source}, {a.destination},
                 {a.ports});
  }
  model::Diagnostics v;
  model::Model m = b.done(&v);
  REQUIRE_FALSE(v.has_errors());
  return m;
}

// ---------------------------------------------------------------------------------------------------------
// The oracle: one TCP packet at a time.

/// Whether an address side names the service's public address: yes, no, or maybe (a public prefix may hold it: the
/// address is only known at deployment).
enum class PrNames : std::uint8_t { kYes, kNo, kMaybe };

std::string pr_lower(std::string s) {
  for (auto& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

const char* pr_tag(PrKind k) {
  switch (k) {
    case PrKind::kStorage: return "Storage";
    case PrKind::kKeyVault: return "AzureKeyVault";
    case PrKind::kSql: return "Sql";
  }
  return "";
}

/// A service tag (with or without a region) names the service when it is the service's own tag or AzureCloud, in the
/// service's region.
bool pr_tag_names(const std::string& token, const PrService& s) {
  const auto dot = token.find('.');
  const std::string base = token.substr(0, dot);
  if (base != pr_tag(s.kind) && base != "AzureCloud") return false;
  return dot == std::string::npos || pr_lower(token.substr(dot + 1)) == pr_lower(s.location);
}

bool pr_private(const std::string& cidr) {
  const Block b = block_of(cidr);
  for (const char* p : {"10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16"}) {
    const Block x = block_of(p);
    if (b.lo >= x.lo && b.hi <= x.hi) return true;
  }
  return false;
}

PrNames pr_names(const std::string& token, const PrService& s) {
  if (token == "*" || token == "Internet") return PrNames::kYes;
  if (token == "VirtualNetwork") return PrNames::kNo;
  if (token.find('/') != std::string::npos) return pr_private(token) ? PrNames::kNo : PrNames::kMaybe;
  return pr_tag_names(token, s) ? PrNames::kYes : PrNames::kNo;
}

/// Whether a rule whose destination reads `names` applies to the packet: a possible match only for a rule that lets
/// it on (never hiding a path).
bool pr_applies(PrNames names, bool allows) { return names == PrNames::kYes || (names == PrNames::kMaybe && allows); }

bool pr_in_cidr(const std::string& cidr, const model::IpAddress& a) { return block_of(cidr).contains(a); }

bool pr_source(const std::string& token, const model::IpAddress& a) {
  if (token == "*") return true;
  if (token == "VirtualNetwork") return pr_in_cidr("10.0.0.0/16", a);  // one VNet, no peering
  return pr_in_cidr(token, a);
}

bool pr_protocol_tcp(const std::string& p) { return p == "Tcp" || p == "*" || p == "TCP" || p == "Any"; }

bool pr_port(const std::string& ports, int port) { return in_ports(read_ports({ports}), port); }

std::vector<int> pr_service_ports(const PrService& s) {
  switch (s.kind) {
    case PrKind::kStorage: return {443, 445};  // StorageV2, secure transfer on by default: 443, and 445 (SMB)
    case PrKind::kKeyVault: return {443};
    case PrKind::kSql: {
      std::vector<int> out = {1433};  // the gateway, then the nodes (no connection policy: Default)
      for (int p = 11000; p <= 11999; ++p) out.push_back(p);
      return out;
    }
  }
  return {};
}

/// The outbound NSG `g`'s verdict for the packet: its rules by priority, then Azure's default outbound rules
/// (AllowVnetOutBound: VirtualNetwork to VirtualNetwork, AllowInternetOutBound: to Internet, DenyAllOutBound).
bool pr_nsg_allows(const PrNsg& g, const model::IpAddress& src, int port, const PrService& s) {
  std::vector<PrNsgRule> rules = g.rules;
  rules.push_back({"AllowVnetOutBound", 65000, true, "*", "VirtualNetwork", "VirtualNetwork", "*"});
  rules.push_back({"AllowInternetOutBound", 65001, true, "*", "*", "Internet", "*"});
  rules.push_back({"DenyAllOutBound", 65500, false, "*", "*", "*", "*"});
  std::stable_sort(rules.begin(), rules.end(),
                   [](const PrNsgRule& a, const PrNsgRule& b) { return a.priority < b.priority; });
  for (const auto& r : rules) {
    if (!pr_protocol_tcp(r.protocol) || !pr_port(r.ports, port) || !pr_source(r.source, src)) continue;
    if (!pr_applies(pr_names(r.destination, s), r.allow)) continue;
    return r.allow;
  }
  return false;
}

/// Whether the subnet's service endpoints carry traffic to `s`: its service's endpoint (Microsoft.Storage.Global:
/// storage in every region) for the regions its `locations` list (`*`: every one). Without `locations` an endpoint
/// serves the VNet's region (westeurope), and for storage also its paired region, which the model does not know
/// (docs/model.md): for a service in another region, maybe (both ways are followed).
PrNames pr_endpoint(const PrSubnet& sn, const PrService& s) {
  PrNames out = PrNames::kNo;
  for (const auto& ep : sn.endpoints) {
    const bool serves = (s.kind == PrKind::kStorage &&
                         (ep.service == "Microsoft.Storage" || ep.service == "Microsoft.Storage.Global")) ||
                        (s.kind == PrKind::kSql && ep.service == "Microsoft.Sql") ||
                        (s.kind == PrKind::kKeyVault && ep.service == "Microsoft.KeyVault");
    if (!serves) continue;
    if (ep.service == "Microsoft.Storage.Global") return PrNames::kYes;
    if (ep.locations.empty()) {
      if (s.location == "westeurope") return PrNames::kYes;
      out = PrNames::kMaybe;
    }
    for (const auto& l : ep.locations) {
      if (l == "*" || l == s.location) return PrNames::kYes;
    }
  }
  return out;
}

/// The firewall's verdict for the packet (classic rules: network collections by priority, then application
/// collections by priority; first match; deny by default).
bool pr_firewall_allows(const PrEstate& e, const model::IpAddress& src, int port, const PrService& s) {
  std::vector<const PrFwCollection*> order;
  for (const auto& c : e.collections) order.push_back(&c);
  std::stable_sort(order.begin(), order.end(), [](const PrFwCollection* a, const PrFwCollection* b) {
    return std::make_tuple(a->application, a->priority) < std::make_tuple(b->application, b->priority);
  });
  const std::string host = pr_lower(s.name + (s.kind == PrKind::kStorage    ? ".blob.core.windows.net"
                                              : s.kind == PrKind::kKeyVault ? ".vault.azure.net"
                                                                            : ".database.windows.net"));
  for (const PrFwCollection* c : order) {
    for (const auto& r : c->rules) {
      const bool from =
          std::any_of(r.sources.begin(), r.sources.end(), [&](const std::string& t) { return pr_source(t, src); });
      if (!from) continue;
      if (c->application) {
        if (r.app_port != port) continue;
        bool named = false;
        for (const auto& f : r.fqdns) {
          const std::string pattern = pr_lower(f);
          if (pattern == "*" || pattern == host) named = true;
          if (pattern.rfind("*.", 0) == 0) {
            const std::string suffix = pattern.substr(1);
            named = named || (host.size() > suffix.size() && host.substr(host.size() - suffix.size()) == suffix);
          }
        }
        if (!named) continue;
      } else {
        if (!pr_protocol_tcp(r.protocol)) continue;
        if (!std::any_of(r.destination_ports.begin(), r.destination_ports.end(),
                         [&](const std::string& p) { return pr_port(p, port); })) {
          continue;
        }
        const bool named = std::any_of(r.destinations.begin(), r.destinations.end(),
                                       [&](const std::string& t) { return pr_applies(pr_names(t, s), c->allow); });
        if (!named) continue;
      }
      return c->allow;
    }
  }
  return false;
}

/// Whether the service admits the source: through a service endpoint it sees subnet `subnet` (and a private
/// address, which no address rule matches); otherwise `egress` (empty: an address exposim does not know, any).
bool pr_service_admits(const PrService& s, bool endpoint, int subnet, const std::string& egress) {
  if (s.default_allow) return true;  // SQL servers: never (their firewall always denies by default)
  if (endpoint) return std::find(s.vnet_rules.begin(), s.vnet_rules.end(), subnet) != s.vnet_rules.end();
  if (egress.empty()) return !s.ip_rules.empty();  // some public address is admitted: this one may be it
  const model::IpAddress a = addr(egress);
  for (const auto& rule : s.ip_rules) {
    if (s.kind == PrKind::kSql) {
      const auto dash = rule.find('-');
      const model::IpAddress lo = addr(rule.substr(0, dash));
      const model::IpAddress hi = addr(rule.substr(dash + 1));
      if (a.value >= lo.value && a.value <= hi.value) return true;
    } else if (pr_in_cidr(rule.find('/') == std::string::npos ? rule + "/32" : rule, a)) {
      return true;
    }
  }
  return false;
}

/// Whether the packet from NIC `n` to service `s` on TCP `port` reaches it.
bool pr_reaches(const PrEstate& e, const PrNic& n, const PrService& s, int port) {
  const auto served = pr_service_ports(s);
  if (std::find(served.begin(), served.end(), port) == served.end()) return false;
  if (s.disabled) return false;
  const model::IpAddress src = addr(n.ip);
  const PrSubnet& sn = e.subnets[n.subnet];
  // The VNet's outbound security admin rules, by priority: Deny drops, AlwaysAllow skips the NSGs, Allow goes on.
  bool skip_nsgs = false;
  std::vector<PrAdmin> admins = e.admins;
  std::stable_sort(admins.begin(), admins.end(),
                   [](const PrAdmin& a, const PrAdmin& b) { return a.priority < b.priority; });
  for (const auto& a : admins) {
    const bool allows = a.access != model::AdminAccess::kDeny;
    if (!pr_protocol_tcp(a.protocol) || !pr_port(a.ports, port) || !pr_source(a.source, src)) continue;
    if (!pr_applies(pr_names(a.destination, s), allows)) continue;
    if (!allows) return false;
    skip_nsgs = a.access == model::AdminAccess::kAlwaysAllow;
    break;
  }
  // The NIC's NSG, then the subnet's.
  if (!skip_nsgs) {
    if (n.nsg >= 0 && !pr_nsg_allows(e.nsgs[n.nsg], src, port, s)) return false;
    if (sn.nsg >= 0 && !pr_nsg_allows(e.nsgs[sn.nsg], src, port, s)) return false;
  }
  // The ways the subnet's routes may take toward the service: a user-defined route naming its tag (the most
  // specific: regional own tag, own tag, regional AzureCloud, AzureCloud; the first listed among equals) beats the
  // service endpoint; else the service endpoint; else the route to the internet (a user-defined 0.0.0.0/0, else the
  // system route to Internet). A user-defined route for a public prefix may hold the service's address: one more way.
  std::vector<std::string> ways;  // next hop types; "Endpoint": the service endpoint
  const PrRoute* tag = nullptr;
  int tag_rank = 99;
  const PrRoute* default_route = nullptr;
  std::vector<std::string> maybe;
  for (const auto& r : sn.routes) {
    if (r.prefix.find('/') != std::string::npos) {
      if (r.prefix == "0.0.0.0/0") {
        if (default_route == nullptr) default_route = &r;
      } else if (!pr_private(r.prefix)) {
        maybe.push_back(r.hop);
      }
      continue;
    }
    if (!pr_tag_names(r.prefix, s)) continue;
    const bool regional = r.prefix.find('.') != std::string::npos;
    const bool cloud = r.prefix.rfind("AzureCloud", 0) == 0;
    const int rank = (cloud ? 2 : 0) + (regional ? 0 : 1);
    if (rank < tag_rank) {
      tag_rank = rank;
      tag = &r;
    }
  }
  if (tag != nullptr) {
    ways.push_back(tag->hop);
  } else {
    const PrNames endpoint = pr_endpoint(sn, s);
    if (endpoint != PrNames::kNo) ways.push_back("Endpoint");
    if (endpoint != PrNames::kYes) ways.push_back(default_route != nullptr ? default_route->hop : "Internet");
  }
  ways.insert(ways.end(), maybe.begin(), maybe.end());
  for (const auto& way : ways) {
    if (way == "Endpoint") {
      if (pr_service_admits(s, true, n.subnet, "")) return true;
    } else if (way == "Internet") {
      // The egress address: the subnet's NAT gateway's, else the NIC's public IP, else not known.
      const std::string egress = !sn.nat_ip.empty() ? sn.nat_ip : n.public_ip;
      if (pr_service_admits(s, false, n.subnet, egress)) return true;
    } else if (way == "VirtualAppliance") {
      // The firewall (in the source's VNet): its rules, then it translates the source to its public address.
      if (pr_firewall_allows(e, src, port, s) && pr_service_admits(s, false, n.subnet, "20.1.1.1")) return true;
    }
    // None drops; VnetLocal keeps the packet in the VNet.
  }
  return false;
}

// ---------------------------------------------------------------------------------------------------------
// The cross-check.

const std::vector<int>& pr_probe_ports() {
  static const std::vector<int> v = {22, 80, 443, 445, 1433, 3342, 10999, 11000, 11500, 11999, 12000};
  return v;
}

struct PrTotals {
  std::size_t allowed{0}, denied{0}, endpoint{0}, firewall{0};
};

/// The disagreements between the reference and reach() on estate `e`, one a line, then the estate; empty when they
/// agree.
std::string pr_cross_check(const PrEstate& e, PrTotals& totals) {
  const model::Model m = pr_build(e);
  std::string bad;
  for (const auto& n : e.nics) {
    int nic = -1;
    for (std::size_t i = 0; i < m.nics.size(); ++i) {
      if (m.nics[i].name == n.name + "-nic") nic = static_cast<int>(i);
    }
    REQUIRE(nic >= 0);
    solver::ReachSource from;
    from.kind = solver::ReachSource::Kind::kIpConfiguration;
    from.ip_configuration = model::IpConfigIndex{nic, 0};
    solver::ReachOptions options;
    options.paas = true;
    const solver::Reach r = solver::reach(m, from, options);
    const model::IpAddress src = addr(n.ip);
    for (std::size_t si = 0; si < m.paas_services.size(); ++si) {
      const auto& ms = m.paas_services[si];
      const auto it =
          std::find_if(e.services.begin(), e.services.end(), [&](const PrService& s) { return s.name == ms.name; });
      REQUIRE(it != e.services.end());
      for (const int port : pr_probe_ports()) {
        bool listed = false;
        for (const auto& f : r.flows) {
          if (f.target_kind != model::ResourceKind::kPaasService || f.target != static_cast<int>(si)) continue;
          if (f.protocol != model::Protocol::kTcp || !f.ports.contains(port) || !f.sources.contains(src.value))
            continue;
          listed = true;
          for (const auto& h : f.path) {
            if (h.kind == solver::HopKind::kRoute && std::string(h.note) == solver::kPaasServiceEndpointRoute) {
              ++totals.endpoint;
            }
            if (h.kind == solver::HopKind::kFirewall) ++totals.firewall;
          }
        }
        const bool expected = pr_reaches(e, n, *it, port);
        (expected ? totals.allowed : totals.denied) += 1;
        if (expected != listed) {
          bad += fmt::format("{} -> {} tcp/{}: reference {}, reach {}\n", n.name, ms.name, port,
                             expected ? "allows" : "denies", listed ? "lists it" : "does not");
        }
      }
    }
  }
  if (!bad.empty()) bad += pr_describe(e);
  return bad;
}

}  // namespace

TEST_CASE("reference PaaS east-west: hand-worked verdicts of the reference", "[solver][reference]") {
  // One subnet s0 (10.0.1.0/24) with vm00 (10.0.1.4, public IP 51.1.1.4), no NSG, no route table: the packet to st0
  // leaves from 51.1.1.4 by the system route to the internet; st0 denies by default and admits 51.1.1.4 by its
  // address rule. With a Microsoft.Storage service endpoint (the VNet's region, st0's), the account sees the subnet
  // instead, which only a virtual network rule admits. A Deny to Storage in the subnet's NSG closes it; a route
  // naming Storage to None drops it whatever the endpoint.
  PrEstate e;
  e.subnets.push_back(PrSubnet{"s0", "10.0.1.0/24", -1, {}, {}, ""});
  e.nics.push_back(PrNic{"vm00", 0, "10.0.1.4", -1, "51.1.1.4"});
  PrService st;
  st.name = "st0";
  st.location = "westeurope";
  st.ip_rules = {"51.1.1.4"};
  e.services.push_back(st);
  CHECK(pr_reaches(e, e.nics[0], e.services[0], 443));
  CHECK(pr_reaches(e, e.nics[0], e.services[0], 445));
  CHECK_FALSE(pr_reaches(e, e.nics[0], e.services[0], 1433));  // not served
  e.subnets[0].endpoints.push_back({"Microsoft.Storage", {}});
  CHECK_FALSE(pr_reaches(e, e.nics[0], e.services[0], 443));  // the subnet, without a virtual network rule
  e.services[0].vnet_rules = {0};
  CHECK(pr_reaches(e, e.nics[0], e.services[0], 443));
  e.nsgs.push_back(PrNsg{"nsg0", {{"deny-storage", 100, false, "Tcp", "*", "Storage", "443"}}});
  e.subnets[0].nsg = 0;
  CHECK_FALSE(pr_reaches(e, e.nics[0], e.services[0], 443));
  CHECK(pr_reaches(e, e.nics[0], e.services[0], 445));
  e.subnets[0].nsg = -1;
  e.subnets[0].routes.push_back({"tag", "Storage", "None"});
  CHECK_FALSE(pr_reaches(e, e.nics[0], e.services[0], 443));
  // The same estate through reach(): both agree (the routes' None drop, every port).
  PrTotals totals;
  CHECK(pr_cross_check(e, totals).empty());
}

TEST_CASE("reference PaaS east-west: random estates agree with reach on every source service and port",
          "[solver][reference]") {
  PrTotals totals;
  int bad_estates = 0;
  for (int i = 0; i < kPrEstates; ++i) {
    const PrEstate e = pr_generate(kPrBaseSeed + static_cast<std::uint32_t>(i));
    const std::string report = pr_cross_check(e, totals);
    if (!report.empty()) {
      ++bad_estates;
      FAIL_CHECK(report);
    }
    if (bad_estates >= 3) break;  // enough to read
  }
  CHECK(bad_estates == 0);
  // The estates exercise both verdicts, the service endpoints and the firewall (the check would prove little else).
  INFO("allowed " << totals.allowed << ", denied " << totals.denied << ", endpoint flows " << totals.endpoint
                  << ", firewall flows " << totals.firewall);
  CHECK(totals.allowed >= static_cast<std::size_t>(kPrEstates));
  CHECK(totals.denied >= static_cast<std::size_t>(kPrEstates) * 10);
  CHECK(totals.endpoint > 0);
  CHECK(totals.firewall > 0);
}

}  // namespace exposim::reference::paas_east_west
