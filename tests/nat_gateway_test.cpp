// NAT gateways and public IP prefixes (docs/model.md, "NAT gateways and public IP prefixes"): the Azure resource JSON
// and Terraform shapes read into the model with exact values, bad fields with their diagnostic and JSON pointer, the
// references merged both ways, the effect on inbound reachability (none for a NAT gateway; a public IP taken from a
// prefix is a public IP like any other; a load balancer frontend on a prefix is outbound only), and the diagram.
// Expected values are worked out by hand from the REST reference (natGateways: `sku.name`, `publicIpAddresses`,
// `publicIpPrefixes`, `subnets`; publicIPPrefixes: `prefixLength`, `ipPrefix`, `publicIPAddressVersion`) and from
// Azure's statements quoted in docs/model.md.
#include <catch2/catch.hpp>

#include <map>
#include <set>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include <fmt/format.h>

#include "cli/graph_diagram.h"
#include "cli/graph_legend.h"
#include "importers/azure/resource_importer.h"
#include "model/validate.h"
#include "resource_json.h"
#include "scenario_summary.h"
#include "solver/exposure.h"
#include "terraform_support.h"

namespace {

using exposim::testing::resource_json::printed;

namespace az = exposim::importers::azure;
namespace model = exposim::model;
namespace cli = exposim::cli;
namespace solver = exposim::solver;
using Lines = std::vector<std::string>;

constexpr const char* kNatRg = "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Network";

struct NatImport {
  model::Model model;
  model::Diagnostics diags;
};

NatImport import_nat(const std::string& text) {
  NatImport r;
  az::import_text(text, "t.json", r.model, r.diags);
  model::validate(r.model, r.diags);
  return r;
}

std::string nat_id(const std::string& type_and_name) { return fmt::format("{}/{}", kNatRg, type_and_name); }

/// A virtual network 10.0.0.0/16 with subnet `app` 10.0.1.0/24 (NSG `nsg-app`, and `subnet_extra` in its
/// properties), the NSG allowing TCP 443 from Internet, and VM `vm` whose NIC (10.0.1.4) has `public_ip` (an id, or
/// "" for none); then `more` resources.
std::string nat_estate(const std::string& subnet_extra, const std::string& public_ip, const std::string& more) {
  const std::string pip = public_ip.empty() ? "" : fmt::format(R"(, "publicIPAddress": {{"id": "{}"}})", public_ip);
  return fmt::format(
      R"([
  {{"type": "Microsoft.Network/virtualNetworks", "name": "vnet", "id": "{vnet}",
    "properties": {{"addressSpace": {{"addressPrefixes": ["10.0.0.0/16"]}},
      "subnets": [{{"name": "app", "id": "{vnet}/subnets/app",
        "properties": {{"addressPrefix": "10.0.1.0/24", "networkSecurityGroup": {{"id": "{nsg}"}}{extra}}}}}]}}}},
  {{"type": "Microsoft.Network/networkSecurityGroups", "name": "nsg-app", "id": "{nsg}",
    "properties": {{"securityRules": [{{"name": "allow-https", "properties": {{"priority": 100,
      "direction": "Inbound", "access": "Allow", "protocol": "Tcp", "sourceAddressPrefix": "Internet",
      "sourcePortRange": "*", "destinationAddressPrefix": "*", "destinationPortRange": "443"}}}}]}}}},
  {{"type": "Microsoft.Network/networkInterfaces", "name": "vm-nic", "id": "{nic}",
    "properties": {{"ipConfigurations": [{{"name": "ipconfig1", "properties": {{"privateIPAddress": "10.0.1.4",
      "subnet": {{"id": "{vnet}/subnets/app"}}{pip}}}}}]}}}},
  {{"type": "Microsoft.Compute/virtualMachines", "name": "vm",
    "id": "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Compute/virtualMachines/vm",
    "properties": {{"networkProfile": {{"networkInterfaces": [{{"id": "{nic}"}}]}}}}}}{more}
])",
      fmt::arg("vnet", nat_id("virtualNetworks/vnet")), fmt::arg("nsg", nat_id("networkSecurityGroups/nsg-app")),
      fmt::arg("nic", nat_id("networkInterfaces/vm-nic")), fmt::arg("extra", subnet_extra), fmt::arg("pip", pip),
      fmt::arg("more", more));
}

/// A NAT gateway `natgw` with public IP `natgw-pip` (20.1.0.1) and prefix `natgw-prefix` (20.2.0.0/31); `more` is
/// added to its properties.
std::string nat_gateway_resources(const std::string& more = "") {
  return fmt::format(
      R"(,
  {{"type": "Microsoft.Network/natGateways", "name": "natgw", "id": "{gw}", "sku": {{"name": "Standard"}},
    "properties": {{"publicIpAddresses": [{{"id": "{pip}"}}], "publicIpPrefixes": [{{"id": "{prefix}"}}]{more}}}}},
  {{"type": "Microsoft.Network/publicIPAddresses", "name": "natgw-pip", "id": "{pip}", "sku": {{"name": "Standard"}},
    "properties": {{"publicIPAllocationMethod": "Static", "ipAddress": "20.1.0.1"}}}},
  {{"type": "Microsoft.Network/publicIPPrefixes", "name": "natgw-prefix", "id": "{prefix}",
    "sku": {{"name": "Standard"}}, "properties": {{"prefixLength": 31, "ipPrefix": "20.2.0.0/31"}}}})",
      fmt::arg("gw", nat_id("natGateways/natgw")), fmt::arg("pip", nat_id("publicIPAddresses/natgw-pip")),
      fmt::arg("prefix", nat_id("publicIPPrefixes/natgw-prefix")), fmt::arg("more", more));
}

/// The VM's Standard public IP `vm-pip` (20.3.0.5), taken from prefix `vm-prefix` (20.3.0.4/30) when `from_prefix`.
std::string nat_vm_public_ip(bool from_prefix) {
  const std::string prefix_ref =
      from_prefix ? fmt::format(R"(, "publicIPPrefix": {{"id": "{}"}})", nat_id("publicIPPrefixes/vm-prefix")) : "";
  std::string out = fmt::format(
      R"(,
  {{"type": "Microsoft.Network/publicIPAddresses", "name": "vm-pip", "id": "{pip}", "sku": {{"name": "Standard"}},
    "properties": {{"publicIPAllocationMethod": "Static", "ipAddress": "20.3.0.5"{prefix}}}}})",
      fmt::arg("pip", nat_id("publicIPAddresses/vm-pip")), fmt::arg("prefix", prefix_ref));
  if (from_prefix) {
    out += fmt::format(R"(,
  {{"type": "Microsoft.Network/publicIPPrefixes", "name": "vm-prefix", "id": "{}", "sku": {{"name": "Standard"}},
    "properties": {{"prefixLength": 30, "ipPrefix": "20.3.0.4/30", "publicIPAddressVersion": "IPv4"}}}})",
                       nat_id("publicIPPrefixes/vm-prefix"));
  }
  return out;
}

std::string nat_subnet_ref() { return fmt::format(R"(, "natGateway": {{"id": "{}"}})", nat_id("natGateways/natgw")); }

std::vector<std::string> nat_exposures(const NatImport& r) {
  return exposim::testing::scenario::summary(r.model, solver::analyze(r.model));
}

}  // namespace

TEST_CASE("nat gateway: a gateway, its public IP, prefix and subnets are read with their values", "[azure][nat]") {
  // The subnet names the gateway (`natGateway`); the gateway also lists a second subnet `other` that names none
  // (Azure's read-only mirror): both are attached, in the Model's subnet order.
  const std::string other = fmt::format(
      R"(,
  {{"type": "Microsoft.Network/virtualNetworks/subnets", "name": "other", "id": "{}/subnets/other",
    "properties": {{"addressPrefix": "10.0.2.0/24"}}}})",
      nat_id("virtualNetworks/vnet"));
  const std::string listed =
      fmt::format(R"(, "subnets": [{{"id": "{}"}}])", nat_id("virtualNetworks/vnet/subnets/other"));
  const std::string text = nat_estate(nat_subnet_ref(), "", nat_gateway_resources(listed) + other);
  const auto r = import_nat(text);
  CHECK(printed(r.diags).empty());
  REQUIRE(r.model.nat_gateways.size() == 1);
  const auto& gw = r.model.nat_gateways[0];
  CHECK(gw.name == "natgw");
  CHECK(gw.sku == "Standard");
  CHECK(gw.where.pointer == "/4");
  REQUIRE(gw.public_ips.size() == 1);
  REQUIRE(gw.public_ips[0].resolved());
  CHECK(r.model.public_ips[gw.public_ips[0].index].name == "natgw-pip");
  REQUIRE(gw.public_ip_prefixes.size() == 1);
  REQUIRE(gw.public_ip_prefixes[0].resolved());
  CHECK(r.model.public_ip_prefixes[gw.public_ip_prefixes[0].index].name == "natgw-prefix");
  std::vector<std::string> subnets;
  for (const auto& s : gw.subnets) {
    REQUIRE(s.resolved());
    subnets.push_back(r.model.subnets[s.index].name);
  }
  CHECK(subnets == Lines{"app", "other"});
  for (const auto& s : r.model.subnets) {
    REQUIRE(s.nat_gateway.resolved());
    CHECK(s.nat_gateway.index == 0);
  }
  REQUIRE(r.model.public_ip_prefixes.size() == 1);
  const auto& prefix = r.model.public_ip_prefixes[0];
  CHECK(prefix.sku == model::Sku::kStandard);
  CHECK(prefix.family == model::IpFamily::kV4);
  CHECK(prefix.prefix_length == 31);
  REQUIRE(prefix.ip_prefix);
  CHECK(prefix.ip_prefix->to_string() == "20.2.0.0/31");
  CHECK(prefix.public_ips.empty());  // the gateway's own public IP is not taken from it
}

TEST_CASE("nat gateway: a listed subnet that names another gateway keeps its own", "[azure][nat]") {
  // The subnet names natgw; gateway other-gw lists it too: the subnet's own reference wins, with a warning at the
  // subnet, and other-gw has no subnet.
  const std::string other_gw = fmt::format(
      R"(,
  {{"type": "Microsoft.Network/natGateways", "name": "other-gw", "id": "{}",
    "properties": {{"subnets": [{{"id": "{}"}}]}}}})",
      nat_id("natGateways/other-gw"), nat_id("virtualNetworks/vnet/subnets/app"));
  const auto r = import_nat(nat_estate(nat_subnet_ref(), "", nat_gateway_resources() + other_gw));
  CHECK(printed(r.diags) == Lines{"t.json: /0/properties/subnets/0: warning: NAT gateway 'other-gw' lists this "
                                  "resource, but it references "
                                  "'/subscriptions/s/resourcegroups/rg/providers/microsoft.network/natgateways/natgw' "
                                  "[inconsistent-reference]"});
  REQUIRE(r.model.nat_gateways.size() == 2);
  REQUIRE(r.model.nat_gateways[0].subnets.size() == 1);
  CHECK(r.model.subnets[r.model.nat_gateways[0].subnets[0].index].name == "app");
  CHECK(r.model.nat_gateways[1].subnets.empty());
}

TEST_CASE("public IP prefix: the public IPs taken from it, IPv6 and an unallocated range", "[azure][nat]") {
  const auto r = import_nat(nat_estate("", nat_id("publicIPAddresses/vm-pip"),
                                       nat_vm_public_ip(true) + fmt::format(
                                                                    R"(,
  {{"type": "Microsoft.Network/publicIPPrefixes", "name": "v6", "id": "{}",
    "properties": {{"prefixLength": 124, "publicIPAddressVersion": "IPv6"}}}})",
                                                                    nat_id("publicIPPrefixes/v6"))));
  CHECK(printed(r.diags).empty());
  REQUIRE(r.model.public_ip_prefixes.size() == 2);
  const auto& v4 = r.model.public_ip_prefixes[0];
  CHECK(v4.name == "vm-prefix");
  CHECK(v4.prefix_length == 30);
  CHECK(v4.ip_prefix->to_string() == "20.3.0.4/30");
  REQUIRE(v4.public_ips.size() == 1);
  CHECK(r.model.public_ips[v4.public_ips[0]].name == "vm-pip");
  REQUIRE(r.model.public_ips[v4.public_ips[0]].prefix.resolved());
  // No `sku`: Standard (the only SKU Azure has for prefixes); IPv6, 16 addresses, not yet allocated.
  const auto& v6 = r.model.public_ip_prefixes[1];
  CHECK(v6.sku == model::Sku::kStandard);
  CHECK(v6.family == model::IpFamily::kV6);
  CHECK(v6.prefix_length == 124);
  CHECK_FALSE(v6.ip_prefix);
  CHECK(v6.public_ips.empty());
}

TEST_CASE("public IP prefix and NAT gateway: bad fields are reported at their pointer", "[azure][nat]") {
  const auto r = import_nat(
      fmt::format(R"([
  {{"type": "Microsoft.Network/publicIPPrefixes", "name": "p1", "id": "{p1}",
    "properties": {{"prefixLength": 40, "ipPrefix": "20.3.0.0/33"}}}},
  {{"type": "Microsoft.Network/publicIPPrefixes", "name": "p2", "id": "{p2}", "sku": {{"name": "Premium"}},
    "properties": {{"prefixLength": 29, "ipPrefix": "20.3.0.8/30", "publicIPAddressVersion": "IPv5"}}}},
  {{"type": "Microsoft.Network/publicIPPrefixes", "name": "p3", "id": "{p3}",
    "properties": {{"ipPrefix": "2001:db8::/124", "publicIPAddressVersion": "IPv4"}}}},
  {{"type": "Microsoft.Network/natGateways", "name": "gw", "id": "{gw}",
    "properties": {{"publicIpAddresses": "pip", "publicIpPrefixes": [{{"name": "no-id"}}]}}}}
])",
                  fmt::arg("p1", nat_id("publicIPPrefixes/p1")), fmt::arg("p2", nat_id("publicIPPrefixes/p2")),
                  fmt::arg("p3", nat_id("publicIPPrefixes/p3")), fmt::arg("gw", nat_id("natGateways/gw"))));
  CHECK(printed(r.diags) ==
        Lines{
            "t.json: /0/properties/ipPrefix: error: address prefix '20.3.0.0/33' is not an IP address or CIDR prefix "
            "[invalid-value]",
            "t.json: /0/properties/prefixLength: error: prefix length 40 is above 32 [invalid-value]",
            "t.json: /1/properties/prefixLength: error: prefix length 29 is not the length of IP prefix "
            "'20.3.0.8/30' [invalid-value]",
            "t.json: /1/properties/publicIPAddressVersion: error: IP version 'IPv5' is not IPv4 or IPv6 "
            "[invalid-value]",
            "t.json: /1/sku/name: error: SKU 'Premium' is not Basic or Standard [invalid-value]",
            "t.json: /2/properties/ipPrefix: error: IP prefix '2001:db8::/124' is not IPv4 [invalid-value]",
            "t.json: /3/properties/publicIpAddresses: error: 'publicIpAddresses' is a string, expected an array "
            "[invalid-type]",
            "t.json: /3/properties/publicIpPrefixes/0: error: item 0 of 'publicIpPrefixes' has no 'id' "
            "[missing-field]",
        });
  // What is bad is left out; the rest of each resource is kept.
  REQUIRE(r.model.public_ip_prefixes.size() == 3);
  CHECK_FALSE(r.model.public_ip_prefixes[0].ip_prefix);
  CHECK_FALSE(r.model.public_ip_prefixes[0].prefix_length);
  CHECK(r.model.public_ip_prefixes[1].ip_prefix->to_string() == "20.3.0.8/30");
  CHECK(r.model.public_ip_prefixes[1].prefix_length == 30);  // a bad length gives way to the range's
  CHECK_FALSE(r.model.public_ip_prefixes[2].ip_prefix);
  REQUIRE(r.model.nat_gateways.size() == 1);
  CHECK(r.model.nat_gateways[0].public_ips.empty());
  CHECK(r.model.nat_gateways[0].public_ip_prefixes.empty());
}

TEST_CASE("nat gateway: references to resources not in the input are notes, never errors", "[azure][nat]") {
  // A NAT gateway and its addresses decide nothing inbound: a missing one is a note (--verbose), and the run is good.
  const auto r = import_nat(nat_estate(nat_subnet_ref(), nat_id("publicIPAddresses/vm-pip"), nat_vm_public_ip(false)));
  CHECK_FALSE(r.diags.has_errors());
  Lines notes;
  for (const auto& d : r.diags.items()) {
    CHECK(d.severity == model::Severity::kNote);
    notes.push_back(d.where.pointer + " " + d.code);
  }
  CHECK(notes == Lines{"/0/properties/subnets/0/properties/natGateway/id missing-reference"});
  CHECK(nat_exposures(r) == Lines{"vm tcp 443 any nsg-app/allow-https > none"});
}

TEST_CASE("nat gateway: a VM without a public IP in a NAT gateway's subnet is not exposed", "[solver][scenario][nat]") {
  // Azure: "Unsolicited inbound connections from the internet aren't permitted through a NAT gateway". The NSG
  // allows 443 from Internet, but nothing public reaches the NIC.
  const auto r = import_nat(nat_estate(nat_subnet_ref(), "", nat_gateway_resources()));
  CHECK(printed(r.diags).empty());
  CHECK(nat_exposures(r).empty());
}

TEST_CASE("public IP prefix: a Standard public IP from a prefix is exposed as any public IP",
          "[solver][scenario][nat]") {
  // The same VM and NSG (TCP 443 from Internet): with an ordinary Standard public IP, with one taken from a prefix,
  // and with one taken from a prefix in a subnet with a NAT gateway (inbound flows reply the way they came), the
  // exposure is TCP 443 from any source, decided by allow-https on the subnet's NSG and no NSG on the NIC.
  const Lines want{"vm tcp 443 any nsg-app/allow-https > none"};
  const auto plain = import_nat(nat_estate("", nat_id("publicIPAddresses/vm-pip"), nat_vm_public_ip(false)));
  CHECK(printed(plain.diags).empty());
  CHECK(nat_exposures(plain) == want);
  const auto from_prefix = import_nat(nat_estate("", nat_id("publicIPAddresses/vm-pip"), nat_vm_public_ip(true)));
  CHECK(printed(from_prefix.diags).empty());
  CHECK(nat_exposures(from_prefix) == want);
  const auto behind_nat = import_nat(nat_estate(nat_subnet_ref(), nat_id("publicIPAddresses/vm-pip"),
                                                nat_vm_public_ip(true) + nat_gateway_resources()));
  CHECK(printed(behind_nat.diags).empty());
  CHECK(nat_exposures(behind_nat) == want);
  const auto a = solver::analyze(behind_nat.model);
  REQUIRE(a.exposures.size() == 1);
  CHECK(a.broken.empty());
  // The entry is the VM's own public IP, never the gateway's.
  CHECK(behind_nat.model.public_ips[a.exposures[0].public_ip].name == "vm-pip");
}

TEST_CASE("public IP prefix: a load balancer frontend on a prefix admits nothing inbound", "[azure][solver][nat]") {
  // Azure: a prefix on a load balancer frontend "can't be used for inbound connections, only outbound". A
  // load-balancing rule on it reaches nothing, with a warning at the rule; the outbound rule is not read.
  const std::string lb = fmt::format(
      R"(,
  {{"type": "Microsoft.Network/loadBalancers", "name": "lb", "id": "{lb}", "sku": {{"name": "Standard"}},
    "properties": {{
      "frontendIPConfigurations": [{{"name": "out", "id": "{lb}/frontendIPConfigurations/out",
        "properties": {{"publicIPPrefix": {{"id": "{prefix}"}}}}}}],
      "backendAddressPools": [{{"name": "pool", "id": "{lb}/backendAddressPools/pool"}}],
      "loadBalancingRules": [{{"name": "https", "properties": {{
        "frontendIPConfiguration": {{"id": "{lb}/frontendIPConfigurations/out"}},
        "backendAddressPool": {{"id": "{lb}/backendAddressPools/pool"}},
        "protocol": "Tcp", "frontendPort": 443, "backendPort": 443}}}}],
      "outboundRules": [{{"name": "egress", "properties": {{
        "frontendIPConfigurations": [{{"id": "{lb}/frontendIPConfigurations/out"}}],
        "backendAddressPool": {{"id": "{lb}/backendAddressPools/pool"}}, "protocol": "All"}}}}]}}}},
  {{"type": "Microsoft.Network/publicIPPrefixes", "name": "lb-prefix", "id": "{prefix}",
    "properties": {{"prefixLength": 31, "ipPrefix": "20.4.0.0/31"}}}})",
      fmt::arg("lb", nat_id("loadBalancers/lb")), fmt::arg("prefix", nat_id("publicIPPrefixes/lb-prefix")));
  std::string text = nat_estate("", "", lb);
  const std::string subnet_ref = fmt::format(R"("subnet": {{"id": "{}/subnets/app"}})", nat_id("virtualNetworks/vnet"));
  const auto at = text.find(subnet_ref + "}}]");
  REQUIRE(at != std::string::npos);
  text.insert(at + subnet_ref.size(), fmt::format(R"(, "loadBalancerBackendAddressPools": [{{"id": "{}"}}])",
                                                  nat_id("loadBalancers/lb/backendAddressPools/pool")));
  const auto r = import_nat(text);
  CHECK(printed(r.diags) ==
        Lines{"t.json: /4/properties/loadBalancingRules/0: warning: load balancer 'lb': load-balancing rule 'https' "
              "uses frontend 'out', which takes its addresses from public IP prefix 'lb-prefix': Azure uses a prefix "
              "for outbound rules only, so nothing inbound is reported through it [outbound-only-frontend]"});
  REQUIRE(r.model.load_balancers.size() == 1);
  REQUIRE(r.model.load_balancers[0].frontends[0].public_ip_prefix.resolved());
  CHECK(nat_exposures(r).empty());
  // The diagram draws the prefix attached to the load balancer.
  const auto built = cli::build_diagram(r.model, solver::analyze(r.model), {});
  REQUIRE(built.error.empty());
  const std::string prefix = cli::diagram_id(model::canonical_id(nat_id("publicIPPrefixes/lb-prefix")));
  const std::string lb_node = cli::diagram_id(model::canonical_id(nat_id("loadBalancers/lb")));
  bool attached = false;
  for (const auto& e : built.diagram.edges)
    attached = attached || (e.from == prefix && e.to == lb_node && e.kind == "attached");
  CHECK(attached);
}

TEST_CASE("nat gateway: azurerm NAT gateway, its associations and public IP prefixes", "[terraform][nat]") {
  // nat_gateway.json (a state), worked out by hand: subnet app (10.0.1.0/24) associated with natgw (sku_name
  // Standard) by azurerm_subnet_nat_gateway_association; natgw gets public IP natgw-pip (20.1.0.1) and prefix
  // natgw-prefix (/31, `ip_prefix` null: not allocated) by their associations; public IP vm (20.3.0.5, Standard) names
  // prefix vm (20.3.0.4/30) by public_ip_prefix_id and is on the NIC of VM vm; the NSG allows TCP 443 from Internet.
  auto r = terraform_support::run_terraform("nat_gateway.json");
  CHECK_FALSE(r.diags.has_errors());
  REQUIRE(r.model.nat_gateways.size() == 1);
  const auto& gw = r.model.nat_gateways[0];
  CHECK(gw.name == "natgw");
  CHECK(gw.sku == "Standard");
  REQUIRE(gw.public_ips.size() == 1);
  REQUIRE(gw.public_ips[0].resolved());
  CHECK(r.model.public_ips[gw.public_ips[0].index].name == "natgw-pip");
  REQUIRE(gw.public_ip_prefixes.size() == 1);
  REQUIRE(gw.public_ip_prefixes[0].resolved());
  CHECK(r.model.public_ip_prefixes[gw.public_ip_prefixes[0].index].name == "natgw-prefix");
  REQUIRE(gw.subnets.size() == 1);
  REQUIRE(gw.subnets[0].resolved());
  CHECK(r.model.subnets[gw.subnets[0].index].name == "app");
  REQUIRE(r.model.public_ip_prefixes.size() == 2);
  const auto& nat_prefix = r.model.public_ip_prefixes[0];
  CHECK(nat_prefix.name == "natgw-prefix");
  CHECK(nat_prefix.prefix_length == 31);
  CHECK_FALSE(nat_prefix.ip_prefix);
  const auto& vm_prefix = r.model.public_ip_prefixes[1];
  CHECK(vm_prefix.name == "vm-prefix");
  CHECK(vm_prefix.prefix_length == 30);
  CHECK(vm_prefix.ip_prefix->to_string() == "20.3.0.4/30");
  REQUIRE(vm_prefix.public_ips.size() == 1);
  CHECK(r.model.public_ips[vm_prefix.public_ips[0]].name == "vm-pip");
  CHECK(exposim::testing::scenario::summary(r.model, r.analysis) == Lines{"vm tcp 443 any nsg-app/allow-https > none"});
}

TEST_CASE("graph: a NAT gateway with its subnet, public IP and prefix, and a public IP from a prefix",
          "[cli][graph][nat]") {
  const auto r = import_nat(nat_estate(nat_subnet_ref(), nat_id("publicIPAddresses/vm-pip"),
                                       nat_vm_public_ip(true) + nat_gateway_resources()));
  REQUIRE_FALSE(r.diags.has_errors());
  const auto a = solver::analyze(r.model);
  const auto built = cli::build_diagram(r.model, a, {});
  REQUIRE(built.error.empty());
  const auto& d = built.diagram;
  auto node_id = [](const std::string& type_and_name) {
    return cli::diagram_id(model::canonical_id(nat_id(type_and_name)));
  };
  const std::string gw = node_id("natGateways/natgw");
  const std::string subnet = node_id("virtualNetworks/vnet/subnets/app");
  const std::string nat_pip = node_id("publicIPAddresses/natgw-pip");
  const std::string nat_prefix = node_id("publicIPPrefixes/natgw-prefix");
  const std::string vm_pip = node_id("publicIPAddresses/vm-pip");
  const std::string vm_prefix = node_id("publicIPPrefixes/vm-prefix");
  std::map<std::string, std::pair<std::string, std::string>> nodes;  // id -> (shape, label)
  for (const auto& n : d.nodes) nodes[n.id] = {n.shape, n.label};
  CHECK(nodes[gw] == std::make_pair(std::string("cds"), std::string("natgw\nNAT gateway Standard (outbound only)")));
  CHECK(nodes[nat_prefix] == std::make_pair(std::string("parallelogram"), std::string("natgw-prefix\n20.2.0.0/31")));
  CHECK(nodes[vm_prefix] == std::make_pair(std::string("parallelogram"), std::string("vm-prefix\n20.3.0.4/30")));
  std::set<std::tuple<std::string, std::string, std::string>> edges;
  for (const auto& e : d.edges) edges.insert({e.from, e.to, e.kind});
  CHECK(edges.count({nat_pip, gw, "attached"}) == 1);
  CHECK(edges.count({nat_prefix, gw, "attached"}) == 1);
  CHECK(edges.count({gw, subnet, "outbound"}) == 1);
  CHECK(edges.count({vm_prefix, vm_pip, "allocated"}) == 1);
  // The legend names the new edges and shapes.
  std::set<std::string> legend;
  for (const auto& e : cli::legend_entries(d)) legend.insert(e.key + ": " + e.text);
  CHECK(legend.count("outbound: NAT gateway of a subnet (outbound only)") == 1);
  CHECK(legend.count("allocated: public IP taken from a prefix") == 1);
  CHECK(legend.count("nat-gateway: NAT gateway (outbound only)") == 1);
  CHECK(legend.count("public-ip-prefix: public IP prefix") == 1);
  // The only path is the VM's own public IP; nothing enters through the gateway or its addresses.
  REQUIRE(d.paths.size() == 1);
  CHECK(d.paths[0].nodes[1] == vm_pip);
  for (const auto& p : d.paths) {
    for (const auto& n : p.nodes) {
      CHECK(n != gw);
      CHECK(n != nat_pip);
    }
  }
}
