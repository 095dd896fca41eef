// Azure Firewall (docs/model.md#azure-firewall): import of classic and policy rules, Azure's processing order, and DNAT
// exposures with SNAT, peering and return routes. Expected values are worked out by hand from
// docs/model.md#azure-firewall and #routing-and-peering.
#include <algorithm>
#include <string>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "cli/broken_text.h"
#include "cli/explain_text.h"
#include "importers/azure/resource_importer.h"
#include "importers/unknown_value.h"
#include "model/validate.h"
#include "resource_json.h"
#include "solver/explain.h"
#include "solver/exposure.h"
#include "solver/firewall.h"

namespace exposim::testing {
namespace {

using exposim::testing::resource_json::has_code;

using nlohmann::json;
using solver::Exposure;
using solver::Via;

const std::string kFwSub = "/subscriptions/00000000-0000-0000-0000-000000000001/resourceGroups/rg/providers";
std::string fw_id(const std::string& type, const std::string& name) { return kFwSub + "/" + type + "/" + name; }
json fw_id_ref(const std::string& i) { return json{{"id", i}}; }
model::ProtocolMask tcp_udp() { return model::bit(model::Protocol::kTcp) | model::bit(model::Protocol::kUdp); }

const std::string kHub = fw_id("Microsoft.Network/virtualNetworks", "hub");
const std::string kSpoke = fw_id("Microsoft.Network/virtualNetworks", "spoke");
const std::string kFw = fw_id("Microsoft.Network/azureFirewalls", "fw");
const std::string kPolicy = fw_id("Microsoft.Network/firewallPolicies", "policy");
const std::string kBase = fw_id("Microsoft.Network/firewallPolicies", "base");

json peering(const std::string& name, const std::string& remote, bool connected = true) {
  return {{"name", name},
          {"properties",
           {{"remoteVirtualNetwork", fw_id_ref(remote)},
            {"allowVirtualNetworkAccess", true},
            {"allowForwardedTraffic", false},
            {"peeringState", connected ? "Connected" : "Disconnected"}}}};
}

json nat_rule(const std::string& name, json sources, const std::string& port, const std::string& to,
              const std::string& to_port) {
  return {{"ruleType", "NatRule"},
          {"name", name},
          {"ipProtocols", {"TCP"}},
          {"sourceAddresses", std::move(sources)},
          {"destinationAddresses", {"20.1.1.1"}},
          {"destinationPorts", {port}},
          {"translatedAddress", to},
          {"translatedPort", to_port}};
}

/// hub 10.0.0.0/16 (AzureFirewallSubnet 10.0.1.0/26, firewall 10.0.1.4, public IP 20.1.1.1) peered with
/// spoke 10.1.0.0/16 (subnet `work` 10.1.1.0/24 with NSG `nsg-work` and route table `rt-work`; VM `vm`
/// at 10.1.1.4). `nsg-work` allows 22 from VirtualNetwork; `rt-work` sends 0.0.0.0/0 to the firewall.
struct FirewallEstate {
  json resources = json::array();
  json nsg_rules = json::array({{{"name", "allow-ssh-vnet"},
                                 {"properties",
                                  {{"priority", 100},
                                   {"direction", "Inbound"},
                                   {"access", "Allow"},
                                   {"protocol", "Tcp"},
                                   {"sourceAddressPrefix", "VirtualNetwork"},
                                   {"sourcePortRange", "*"},
                                   {"destinationAddressPrefix", "*"},
                                   {"destinationPortRange", "22"}}}}});
  json routes = json::array(
      {{{"name", "default-to-fw"},
        {"properties",
         {{"addressPrefix", "0.0.0.0/0"}, {"nextHopType", "VirtualAppliance"}, {"nextHopIpAddress", "10.0.1.4"}}}}});
  json hub_peerings = json::array({peering("hub-to-spoke", kSpoke)});
  json spoke_peerings = json::array({peering("spoke-to-hub", kHub)});
  json firewall_props = {{"threatIntelMode", "Deny"}, {"firewallPolicy", fw_id_ref(kPolicy)}};
  json extra = json::array();
  bool firewall_private_ip = true;        // false: the firewall's ip configuration states no privateIPAddress
  bool pip_address = true;                // false: pip-fw states no ipAddress (only known at deployment)
  json firewall_configs = json::array();  // more ip configurations of the firewall

  std::string text() const {
    json r = json::array();
    r.push_back({{"id", kHub},
                 {"name", "hub"},
                 {"type", "Microsoft.Network/virtualNetworks"},
                 {"properties",
                  {{"addressSpace", {{"addressPrefixes", {"10.0.0.0/16"}}}},
                   {"subnets", {{{"name", "AzureFirewallSubnet"}, {"properties", {{"addressPrefix", "10.0.1.0/26"}}}}}},
                   {"virtualNetworkPeerings", hub_peerings}}}});
    r.push_back(
        {{"id", kSpoke},
         {"name", "spoke"},
         {"type", "Microsoft.Network/virtualNetworks"},
         {"properties",
          {{"addressSpace", {{"addressPrefixes", {"10.1.0.0/16"}}}},
           {"subnets",
            {{{"name", "work"},
              {"properties",
               {{"addressPrefix", "10.1.1.0/24"},
                {"networkSecurityGroup", fw_id_ref(fw_id("Microsoft.Network/networkSecurityGroups", "nsg-work"))},
                {"routeTable", fw_id_ref(fw_id("Microsoft.Network/routeTables", "rt-work"))}}}}}},
           {"virtualNetworkPeerings", spoke_peerings}}}});
    r.push_back({{"id", fw_id("Microsoft.Network/networkSecurityGroups", "nsg-work")},
                 {"name", "nsg-work"},
                 {"type", "Microsoft.Network/networkSecurityGroups"},
                 {"properties", {{"securityRules", nsg_rules}}}});
    r.push_back({{"id", fw_id("Microsoft.Network/routeTables", "rt-work")},
                 {"name", "rt-work"},
                 {"type", "Microsoft.Network/routeTables"},
                 {"properties", {{"routes", routes}}}});
    r.push_back({{"id", fw_id("Microsoft.Network/networkInterfaces", "vm-nic")},
                 {"name", "vm-nic"},
                 {"type", "Microsoft.Network/networkInterfaces"},
                 {"properties",
                  {{"ipConfigurations",
                    {{{"name", "ipconfig1"},
                      {"properties",
                       {{"privateIPAddress", "10.1.1.4"}, {"subnet", fw_id_ref(kSpoke + "/subnets/work")}}}}}}}}});
    r.push_back({{"id", fw_id("Microsoft.Network/publicIPAddresses", "pip-fw")},
                 {"name", "pip-fw"},
                 {"type", "Microsoft.Network/publicIPAddresses"},
                 {"sku", {{"name", "Standard"}}},
                 {"properties", {{"ipAddress", "20.1.1.1"}, {"publicIPAllocationMethod", "Static"}}}});
    if (!pip_address) r.back()["properties"].erase("ipAddress");
    json fw = firewall_props;
    fw["ipConfigurations"] = {
        {{"name", "ipc"},
         {"properties",
          {{"privateIPAddress", "10.0.1.4"},
           {"subnet", fw_id_ref(kHub + "/subnets/AzureFirewallSubnet")},
           {"publicIPAddress", fw_id_ref(fw_id("Microsoft.Network/publicIPAddresses", "pip-fw"))}}}}};
    if (!firewall_private_ip) fw["ipConfigurations"][0]["properties"].erase("privateIPAddress");
    for (const auto& c : firewall_configs) fw["ipConfigurations"].push_back(c);
    r.push_back({{"id", kFw}, {"name", "fw"}, {"type", "Microsoft.Network/azureFirewalls"}, {"properties", fw}});
    for (const auto& e : extra) r.push_back(e);
    return json{{"value", r}}.dump();
  }
};

json policy(const std::string& pid, const std::string& name, json base = nullptr) {
  json props = {{"threatIntelMode", "Alert"}};
  if (!base.is_null()) props["basePolicy"] = std::move(base);
  return {{"id", pid}, {"name", name}, {"type", "Microsoft.Network/firewallPolicies"}, {"properties", props}};
}

json group(const std::string& pid, const std::string& name, int priority, json collections) {
  return {{"id", pid + "/ruleCollectionGroups/" + name},
          {"name", name},
          {"type", "Microsoft.Network/firewallPolicies/ruleCollectionGroups"},
          {"properties", {{"priority", priority}, {"ruleCollections", std::move(collections)}}}};
}

json nat_collection(const std::string& name, int priority, json rules) {
  return {{"ruleCollectionType", "FirewallPolicyNatRuleCollection"},
          {"name", name},
          {"priority", priority},
          {"action", {{"type", "DNAT"}}},
          {"rules", std::move(rules)}};
}

struct Result {
  model::Model model;
  model::Diagnostics diags;
  solver::Analysis analysis;
};

Result run_firewall(const std::string& text) {
  Result r;
  importers::azure::import_text(text, "estate.json", r.model, r.diags);
  model::validate(r.model, r.diags);
  r.analysis = solver::analyze(r.model);
  return r;
}

/// Exposures of the VM's NIC (`nic` >= 0) or of the firewall, by via.
std::vector<const Exposure*> of(const std::vector<Exposure>& all, bool firewall) {
  std::vector<const Exposure*> out;
  for (const auto& e : all) {
    if ((e.target_kind == model::ResourceKind::kFirewall) == firewall) out.push_back(&e);
  }
  return out;
}

std::string rule_name(const Result& r, const Exposure& e) {
  const auto& fw = r.model.firewalls[e.gateway];
  const auto& at = fw.order[e.gateway_rule];
  const auto& c = at.policy >= 0 ? r.model.firewall_policies[at.policy].groups[at.group].collections[at.collection]
                                 : fw.classic[at.collection];
  return c.rules[at.rule].name;
}

FirewallEstate with_policy(json nat_rules) {
  FirewallEstate e;
  e.extra.push_back(policy(kPolicy, "policy"));
  e.extra.push_back(group(kPolicy, "rcg", 100, json::array({nat_collection("dnat", 100, std::move(nat_rules))})));
  return e;
}

TEST_CASE("firewall: DNAT exposes the firewall port and the translated target, seen from the firewall subnet",
          "[firewall]") {
  // 20.1.1.1:2222 -> 10.1.1.4:22. The spoke's 0.0.0.0/0 to the firewall is the tutorial's design: replies
  // to the SNAT address 10.0.1.x take the peering route (10.0.0.0/16 is longer than 0.0.0.0/0).
  const auto r = run_firewall(with_policy(json::array({nat_rule("ssh", {"*"}, "2222", "10.1.1.4", "22")})).text());
  REQUIRE_FALSE(r.diags.has_errors());
  const auto fw = of(r.analysis.exposures, true);
  REQUIRE(fw.size() == 1);
  CHECK(fw[0]->via == Via::kFirewallDnat);
  CHECK(model::to_string(fw[0]->ports) == "2222");
  CHECK(fw[0]->any_source);
  CHECK(r.model.public_ips[fw[0]->public_ip].name == "pip-fw");
  const auto vm = of(r.analysis.exposures, false);
  REQUIRE(vm.size() == 1);
  CHECK(vm[0]->via == Via::kFirewallDnat);
  CHECK(model::to_string(vm[0]->ports) == "22");
  CHECK(model::to_string(vm[0]->entry_ports) == "2222");
  CHECK(vm[0]->any_source);  // the exposure is to the internet sources the rule admits, not the SNAT address
  CHECK(rule_name(r, *vm[0]) == "ssh");
  // internet, public IP, firewall (rule), return route (system, peering), subnet NSG rule, NIC (none), target.
  std::vector<std::string> hops;
  for (const auto& h : vm[0]->path) {
    hops.push_back(std::to_string(static_cast<int>(h.kind)) + (*h.note ? std::string(":") + h.note : ""));
  }
  REQUIRE(vm[0]->path.size() == 7);
  CHECK(vm[0]->path[2].kind == solver::Hop::Kind::kFirewall);
  CHECK(vm[0]->path[3].kind == solver::Hop::Kind::kRoute);
  CHECK(std::string(vm[0]->path[3].note) == "peering");
  CHECK(vm[0]->path[4].kind == solver::Hop::Kind::kNsg);
  CHECK(r.model.nsgs[vm[0]->path[4].resource].rules[vm[0]->path[4].rule].name == "allow-ssh-vnet");
  CHECK(r.analysis.broken.empty());
  CHECK(r.model.firewalls[0].threat_intel == model::ThreatIntelMode::kDeny);
}

/// A DNAT rule as nat_rule() with destination `to_address` instead of 20.1.1.1.
json nat_rule_to(const std::string& name, const std::string& to_address, const std::string& port, const std::string& to,
                 const std::string& to_port) {
  json r = nat_rule(name, {"*"}, port, to, to_port);
  r["destinationAddresses"] = {to_address};
  return r;
}

/// The public IP's name, protocol, ports and DNAT rule of every firewall-dnat exposure of the firewall (`firewall`)
/// or of the VM, sorted.
std::vector<std::string> dnat_lines(const Result& r, bool firewall) {
  std::vector<std::string> out;
  for (const auto* e : of(r.analysis.exposures, firewall)) {
    out.push_back(r.model.public_ips[e->public_ip].name + " " + model::to_string(e->protocol) + " " +
                  model::to_string(e->ports) + " " + rule_name(r, *e) + (e->any_source ? " any" : " some"));
  }
  std::sort(out.begin(), out.end());
  return out;
}

TEST_CASE("firewall: a DNAT rule to an address not the firewall's is taken to target its public IP of unknown address",
          "[firewall][unknown]") {
  // pip-fw has no ipAddress (only known at deployment). The rule ssh 20.0.0.1:2222 -> 10.1.1.4:22 names an
  // address that is not a known public address of the firewall, so it may be pip-fw's: the firewall's 2222 and,
  // through it, the VM's 22 (nsg-work admits VirtualNetwork, which holds the SNAT range 10.0.1.0/26 over the
  // peering) are reported from every internet source, the entry naming pip-fw, with a warning naming the rule.
  auto e = with_policy(json::array({nat_rule_to("ssh", "20.0.0.1", "2222", "10.1.1.4", "22")}));
  e.pip_address = false;
  const auto r = run_firewall(e.text());
  REQUIRE_FALSE(r.diags.has_errors());
  CHECK(dnat_lines(r, true) == std::vector<std::string>{"pip-fw tcp 2222 ssh any"});
  CHECK(dnat_lines(r, false) == std::vector<std::string>{"pip-fw tcp 22 ssh any"});
  const auto vm = of(r.analysis.exposures, false);
  REQUIRE(vm.size() == 1);
  CHECK(model::to_string(vm[0]->entry_ports) == "2222");
  CHECK(std::string(vm[0]->path[1].note).find("only known at deployment") != std::string::npos);
  const auto fw = of(r.analysis.exposures, true);
  REQUIRE(fw.size() == 1);
  CHECK(std::string(fw[0]->path[1].note).find("only known at deployment") != std::string::npos);
  CHECK(std::string(vm[0]->path[1].note).find("only known at deployment") != std::string::npos);
  CHECK(has_code(r.analysis.findings, "dnat-address-unknown"));
  // explain --to pip-fw follows the rule the same way: 81.2.69.200 -> pip-fw:2222 reaches the VM's 22; port 25 is
  // taken by no DNAT rule at any address pip-fw could have.
  solver::FlowQuery q;
  q.source = *model::IpAddress::parse("81.2.69.200");
  q.target = "pip-fw";
  q.protocol = model::Protocol::kTcp;
  q.destination_port = 2222;
  const auto allowed = solver::explain(r.model, q);
  CHECK(allowed.allowed);
  CHECK(cli::verdict_text(r.model, allowed) ==
        "allowed: tcp 81.2.69.200 -> (unknown address):2222 reaches ip configuration 'ipconfig1' of NIC 'vm-nic' "
        "(10.1.1.4) on port 22 through firewall 'fw' (DNAT rule 'ssh'), and replies return");
  q.destination_port = 25;
  const auto dropped = solver::explain(r.model, q);
  CHECK_FALSE(dropped.allowed);
  CHECK(dropped.verdict.why.code == solver::ReasonCode::kDnatNoRule);
  // With the address known (20.1.1.1), the same rule matches no address of the firewall: nothing is reported.
  auto known = with_policy(json::array({nat_rule_to("ssh", "20.0.0.1", "2222", "10.1.1.4", "22")}));
  const auto k = run_firewall(known.text());
  CHECK(k.analysis.exposures.empty());
  CHECK_FALSE(has_code(k.analysis.findings, "dnat-address-unknown"));
}

TEST_CASE("firewall: a DNAT rule to a known public address is not taken to target another of unknown address",
          "[firewall][unknown]") {
  // pip-fw is 20.1.1.1; pip-fw2 (a second ip configuration) has no address. ssh 20.1.1.1:2222 targets pip-fw
  // only; rdp 20.0.0.9:3389 -> 10.1.1.4:22 names no known address, so it is taken to target pip-fw2 only. A third
  // rule `any` to `*` port 4444 takes traffic to both.
  auto e = with_policy(json::array({nat_rule("ssh", {"*"}, "2222", "10.1.1.4", "22"),
                                    nat_rule_to("rdp", "20.0.0.9", "3389", "10.1.1.4", "22"),
                                    nat_rule_to("any", "*", "4444", "10.1.1.4", "22")}));
  const std::string pip2 = fw_id("Microsoft.Network/publicIPAddresses", "pip-fw2");
  e.extra.push_back({{"id", pip2},
                     {"name", "pip-fw2"},
                     {"type", "Microsoft.Network/publicIPAddresses"},
                     {"sku", {{"name", "Standard"}}},
                     {"properties", {{"publicIPAllocationMethod", "Static"}}}});
  e.firewall_configs.push_back({{"name", "ipc2"}, {"properties", {{"publicIPAddress", fw_id_ref(pip2)}}}});
  const auto r = run_firewall(e.text());
  REQUIRE_FALSE(r.diags.has_errors());
  CHECK(dnat_lines(r, true) == std::vector<std::string>{"pip-fw tcp 2222 ssh any", "pip-fw tcp 4444 any any",
                                                        "pip-fw2 tcp 3389 rdp any", "pip-fw2 tcp 4444 any any"});
  CHECK(dnat_lines(r, false) == std::vector<std::string>{"pip-fw tcp 22 any any", "pip-fw tcp 22 ssh any",
                                                         "pip-fw2 tcp 22 any any", "pip-fw2 tcp 22 rdp any"});
}

TEST_CASE("firewall: DNAT to a VM whose subnet NSG denies it exposes only the firewall", "[firewall]") {
  auto e = with_policy(json::array({nat_rule("ssh", {"*"}, "2222", "10.1.1.4", "22")}));
  e.nsg_rules[0]["properties"]["access"] = "Deny";
  const auto r = run_firewall(e.text());
  CHECK(of(r.analysis.exposures, true).size() == 1);
  CHECK(of(r.analysis.exposures, false).empty());
  CHECK(r.analysis.broken.empty());
}

TEST_CASE("firewall: an explicit route back to the firewall subnet makes the DNAT flow broken, not exposed",
          "[firewall]") {
  auto e = with_policy(json::array({nat_rule("ssh", {"*"}, "2222", "10.1.1.4", "22")}));
  e.routes.push_back(
      {{"name", "fw-subnet-via-fw"},
       {"properties",
        {{"addressPrefix", "10.0.1.0/26"}, {"nextHopType", "VirtualAppliance"}, {"nextHopIpAddress", "10.0.1.4"}}}});
  const auto r = run_firewall(e.text());
  CHECK(of(r.analysis.exposures, false).empty());
  REQUIRE(r.analysis.broken.size() == 1);
  REQUIRE(r.analysis.broken[0].broken);
  CHECK(cli::broken_text(r.model, *r.analysis.broken[0].broken) ==
        "asymmetric routing: replies to the firewall's address 10.0.1.4 take route 'fw-subnet-via-fw' (10.0.1.0/26 -> "
        "VirtualAppliance 10.0.1.4) of route table 'rt-work', not the firewall instance directly, so the connection "
        "fails");
  CHECK(model::to_string(r.analysis.broken[0].ports) == "22");
}

TEST_CASE("firewall: without a private address in the input, the firewall is at the subnet's fourth address",
          "[firewall]") {
  // AzureFirewallSubnet 10.0.1.0/26: Azure reserves .0-.3 and gives the firewall the first usable one, 10.0.1.4,
  // the address the spoke's route table names.
  auto e = with_policy(json::array({nat_rule("ssh", {"*"}, "2222", "10.1.1.4", "22")}));
  e.firewall_private_ip = false;
  auto r = run_firewall(e.text());
  REQUIRE_FALSE(r.diags.has_errors());
  const auto& ipc = r.model.firewalls[0].ip_configurations[0];
  REQUIRE(ipc.private_ip);
  CHECK(ipc.private_ip->to_string() == "10.0.1.4");
  CHECK(ipc.placeholder);
  const auto& items = r.diags.items();
  const auto note = std::find_if(items.begin(), items.end(),
                                 [](const model::Diagnostic& d) { return d.code == "placeholder-address"; });
  REQUIRE(note != items.end());
  CHECK(note->severity == model::Severity::kNote);
  CHECK(note->message ==
        "firewall 'fw' has no private IP address in the input: taken as 10.0.1.4, the first address Azure assigns in "
        "subnet 'AzureFirewallSubnet' (10.0.1.0/26)");
  // The spoke's route to 10.0.1.4 is a route to the firewall.
  CHECK(solver::firewall_at(r.model, *model::IpAddress::parse("10.0.1.4")) == 0);
  CHECK(solver::firewall_side(r.model, r.model.firewalls[0]).address == model::IpAddress::parse("10.0.1.4"));
  CHECK(of(r.analysis.exposures, false).size() == 1);
  // An explicit route back to the firewall subnet names the firewall's address, not the subnet's network address.
  e.routes.push_back(
      {{"name", "fw-subnet-via-fw"},
       {"properties",
        {{"addressPrefix", "10.0.1.0/26"}, {"nextHopType", "VirtualAppliance"}, {"nextHopIpAddress", "10.0.1.4"}}}});
  r = run_firewall(e.text());
  REQUIRE(r.analysis.broken.size() == 1);
  REQUIRE(r.analysis.broken[0].broken);
  CHECK(r.analysis.broken[0].broken->code == solver::BrokenCode::kFirewallReplyAsymmetric);
  CHECK(r.analysis.broken[0].broken->from == model::IpAddress::parse("10.0.1.4"));
  CHECK(r.analysis.broken[0].broken->route.user);
  CHECK(cli::broken_text(r.model, *r.analysis.broken[0].broken) ==
        "asymmetric routing: replies to the firewall's address 10.0.1.4 take route 'fw-subnet-via-fw' (10.0.1.0/26 -> "
        "VirtualAppliance 10.0.1.4) of route table 'rt-work', not the firewall instance directly, so the connection "
        "fails");
  // A stated address is kept as written, without a note.
  r = run_firewall(with_policy(json::array({nat_rule("ssh", {"*"}, "2222", "10.1.1.4", "22")})).text());
  CHECK_FALSE(r.model.firewalls[0].ip_configurations[0].placeholder);
  CHECK_FALSE(has_code(r.diags, "placeholder-address"));
}

TEST_CASE("firewall: a one-sided or disconnected peering breaks the DNAT path", "[firewall]") {
  auto e = with_policy(json::array({nat_rule("ssh", {"*"}, "2222", "10.1.1.4", "22")}));
  e.spoke_peerings = json::array();
  auto r = run_firewall(e.text());
  CHECK(of(r.analysis.exposures, false).empty());
  REQUIRE(r.analysis.broken.size() == 1);
  REQUIRE(r.analysis.broken[0].broken);
  // The data: the firewall, the translated address and the two VNets that are not connected.
  const solver::Broken& why = *r.analysis.broken[0].broken;
  CHECK(why.code == solver::BrokenCode::kFirewallCannotReach);
  CHECK(r.model.firewalls[static_cast<std::size_t>(why.firewall)].name == "fw");
  CHECK(why.to == model::IpAddress::parse("10.1.1.4"));
  CHECK(r.model.vnets[static_cast<std::size_t>(why.from_vnet)].name == "hub");
  CHECK(r.model.vnets[static_cast<std::size_t>(why.to_vnet)].name == "spoke");
  CHECK(cli::broken_text(r.model, why) ==
        "firewall 'fw' cannot reach 10.1.1.4: only 'hub' has a peering to 'spoke': both sides must exist");
  auto d = with_policy(json::array({nat_rule("ssh", {"*"}, "2222", "10.1.1.4", "22")}));
  d.hub_peerings = json::array({peering("hub-to-spoke", kSpoke, false)});
  r = run_firewall(d.text());
  REQUIRE(r.analysis.broken.size() == 1);
  REQUIRE(r.analysis.broken[0].broken);
  CHECK(cli::broken_text(r.model, *r.analysis.broken[0].broken) ==
        "firewall 'fw' cannot reach 10.1.1.4: peering 'hub-to-spoke' is not Connected");
}

TEST_CASE("firewall: first match over DNAT rules, parent policy groups first, type order absolute", "[firewall]") {
  // The child's group (priority 100) holds a network collection denying everything at priority 100 and a
  // DNAT rule for 443 from anywhere; the parent's group (priority 500) a DNAT rule for 443 from 52.40.0.0/16
  // to another port. Parent groups precede the child's, and DNAT precedes network rules: the parent's rule
  // takes 52.40.0.0/16, the child's the rest; the deny-all network rule changes nothing inbound.
  FirewallEstate e;
  e.extra.push_back(policy(kBase, "base"));
  e.extra.push_back(policy(kPolicy, "policy", fw_id_ref(kBase)));
  e.extra.push_back(group(
      kBase, "rcg-base", 500,
      json::array({nat_collection(
          "partner", 500, json::array({nat_rule("partner-web", {"52.40.0.0/16"}, "443", "10.1.1.4", "8443")}))})));
  json deny_all = {{"ruleCollectionType", "FirewallPolicyFilterRuleCollection"},
                   {"name", "deny-all"},
                   {"priority", 100},
                   {"action", {{"type", "Deny"}}},
                   {"rules",
                    {{{"ruleType", "NetworkRule"},
                      {"name", "all"},
                      {"ipProtocols", {"Any"}},
                      {"sourceAddresses", {"*"}},
                      {"destinationAddresses", {"*"}},
                      {"destinationPorts", {"*"}}}}}};
  e.extra.push_back(group(
      kPolicy, "rcg", 100,
      json::array(
          {deny_all, nat_collection("web", 200, json::array({nat_rule("web", {"*"}, "443", "10.1.1.4", "443")}))})));
  e.nsg_rules[0]["properties"]["destinationPortRange"] = "*";
  const auto r = run_firewall(e.text());
  REQUIRE_FALSE(r.diags.has_errors());
  const auto vm = of(r.analysis.exposures, false);
  REQUIRE(vm.size() == 2);
  const Exposure* partner = rule_name(r, *vm[0]) == "partner-web" ? vm[0] : vm[1];
  const Exposure* web = partner == vm[0] ? vm[1] : vm[0];
  CHECK(rule_name(r, *partner) == "partner-web");
  CHECK(model::to_cidr_strings(partner->sources) == std::vector<std::string>{"52.40.0.0/16"});
  CHECK(model::to_string(partner->ports) == "8443");
  CHECK(rule_name(r, *web) == "web");
  CHECK_FALSE(web->any_source);
  CHECK_FALSE(web->sources.intersects(partner->sources));
  CHECK(web->sources.unite(partner->sources) ==
        r.analysis.internet.intersect(model::to_set(*model::IpPrefix::parse("0.0.0.0/0"))));
  // The processing order: the two DNAT rules (parent first), then the network rule.
  const auto& order = r.model.firewalls[0].order;
  REQUIRE(order.size() == 3);
  CHECK(r.model.firewall_policies[order[0].policy].name == "base");
  CHECK(r.model.firewall_policies[order[1].policy].name == "policy");
  CHECK(r.model.firewall_policies[order[2].policy].groups[order[2].group].collections[order[2].collection].name ==
        "deny-all");
}

TEST_CASE("firewall: classic NAT collections and IP groups as sources", "[firewall]") {
  FirewallEstate e;
  e.firewall_props = {{"natRuleCollections",
                       {{{"name", "classic-dnat"},
                         {"properties",
                          {{"priority", 200},
                           {"action", {{"type", "Dnat"}}},
                           {"rules",
                            {{{"name", "ssh"},
                              {"protocols", {"TCP"}},
                              {"sourceIpGroups", {fw_id("Microsoft.Network/ipGroups", "partners")}},
                              {"destinationAddresses", {"20.1.1.1"}},
                              {"destinationPorts", {"2222"}},
                              {"translatedAddress", "10.1.1.4"},
                              {"translatedPort", "22"}}}}}}}}}};
  e.extra.push_back({{"id", fw_id("Microsoft.Network/ipGroups", "partners")},
                     {"name", "partners"},
                     {"type", "Microsoft.Network/ipGroups"},
                     {"properties", {{"ipAddresses", {"52.10.0.0/16", "81.2.69.1-81.2.69.2"}}}}});
  const auto r = run_firewall(e.text());
  REQUIRE_FALSE(r.diags.has_errors());
  const auto vm = of(r.analysis.exposures, false);
  REQUIRE(vm.size() == 1);
  CHECK(model::to_cidr_strings(vm[0]->sources) ==
        std::vector<std::string>{"52.10.0.0/16", "81.2.69.1/32", "81.2.69.2/32"});
  CHECK(rule_name(r, *vm[0]) == "ssh");
}

TEST_CASE("firewall: DNAT to an address that is not in the input keeps the firewall's own entry", "[firewall]") {
  const auto r = run_firewall(with_policy(json::array({nat_rule("ssh", {"*"}, "2222", "10.1.1.99", "22")})).text());
  CHECK(of(r.analysis.exposures, true).size() == 1);
  CHECK(of(r.analysis.exposures, false).empty());
  CHECK(has_code(r.analysis.findings, "dnat-target-unknown"));
}

TEST_CASE("firewall: malformed rules and policies are reported with their pointers", "[firewall]") {
  SECTION("a DNAT rule without a translated address") {
    json rule = nat_rule("ssh", {"*"}, "2222", "10.1.1.4", "22");
    rule.erase("translatedAddress");
    auto e = with_policy(json::array({rule}));
    const auto r = run_firewall(e.text());
    REQUIRE(r.diags.has_errors());
    const auto& d = r.diags.items();
    const auto it = std::find_if(d.begin(), d.end(), [](const auto& x) { return x.code == "missing-field"; });
    REQUIRE(it != d.end());
    CHECK(it->where.pointer == "/value/8/properties/ruleCollections/0/rules/0");
    CHECK(it->message == "DNAT rule 'ssh' has no 'translatedAddress' or 'translatedFqdn'");
  }
  SECTION("a collection priority out of range and a wrong action") {
    auto e = with_policy(json::array({nat_rule("ssh", {"*"}, "2222", "10.1.1.4", "22")}));
    e.extra[1]["properties"]["ruleCollections"][0]["priority"] = 50;
    auto r = run_firewall(e.text());
    const auto& d = r.diags.items();
    const auto it = std::find_if(d.begin(), d.end(), [](const auto& x) { return x.code == "invalid-value"; });
    REQUIRE(it != d.end());
    CHECK(it->where.pointer == "/value/8/properties/ruleCollections/0/priority");
    CHECK(it->message == "rule collection 'dnat': priority 50 is below 100");
    e.extra[1]["properties"]["ruleCollections"][0]["priority"] = 100;
    e.extra[1]["properties"]["ruleCollections"][0]["action"]["type"] = "Allow";
    r = run_firewall(e.text());
    CHECK(r.diags.has_errors());
    CHECK(of(r.analysis.exposures, true).empty());
  }
  SECTION("a basePolicy cycle") {
    FirewallEstate e;
    e.extra.push_back(policy(kPolicy, "policy", fw_id_ref(kBase)));
    e.extra.push_back(policy(kBase, "base", fw_id_ref(kPolicy)));
    const auto r = run_firewall(e.text());
    CHECK(has_code(r.diags, "policy-cycle"));
  }
  SECTION("a policy that lists a group not in the input") {
    FirewallEstate e;
    json p = policy(kPolicy, "policy");
    p["properties"]["ruleCollectionGroups"] = {fw_id_ref(kPolicy + "/ruleCollectionGroups/missing")};
    e.extra.push_back(p);
    const auto r = run_firewall(e.text());
    CHECK(has_code(r.diags, "missing-reference"));
    CHECK_FALSE(r.diags.has_errors());
  }
  SECTION("the firewall's policy is not in the input") {
    FirewallEstate e;
    const auto r = run_firewall(e.text());
    CHECK(has_code(r.analysis.findings, "firewall-rules-unknown"));
    CHECK(r.analysis.exposures.empty());
  }
  SECTION("wrong types never crash") {
    FirewallEstate e;
    e.firewall_props = {{"natRuleCollections", "nope"}, {"ipConfigurations", 7}, {"threatIntelMode", "Sometimes"}};
    const auto r = run_firewall(e.text());
    CHECK(r.diags.has_errors());
  }
}

}  // namespace
}  // namespace exposim::testing

namespace exposim::testing {
namespace {

TEST_CASE("firewall: traffic crossing the firewall by a route meets network rules, then application rules",
          "[firewall]") {
  // Network collections: deny TCP 22 to the spokes (100), allow TCP 443 and 8443 from the gateway subnet
  // 10.0.3.0/24 to 10.1.1.0/24 (200). Application collection: allow HTTPS 443 (FQDN) from 10.0.3.0/24, and
  // HTTP 8080 from the same. Arriving: TCP and UDP on every port from 10.0.3.0/24 to 10.1.1.4.
  auto net = [](const std::string& name, int priority, const std::string& action, json rules) {
    return json{{"ruleCollectionType", "FirewallPolicyFilterRuleCollection"},
                {"name", name},
                {"priority", priority},
                {"action", {{"type", action}}},
                {"rules", std::move(rules)}};
  };
  FirewallEstate e;
  e.extra.push_back(policy(kPolicy, "policy"));
  e.extra.push_back(group(
      kPolicy, "rcg", 100,
      json::array({net("deny-ssh", 100, "Deny",
                       {{{"ruleType", "NetworkRule"},
                         {"name", "ssh"},
                         {"ipProtocols", {"TCP"}},
                         {"sourceAddresses", {"*"}},
                         {"destinationAddresses", {"10.1.0.0/16"}},
                         {"destinationPorts", {"22"}}}}),
                   net("allow-web", 200, "Allow",
                       {{{"ruleType", "NetworkRule"},
                         {"name", "web"},
                         {"ipProtocols", {"TCP"}},
                         {"sourceAddresses", {"10.0.3.0/24"}},
                         {"destinationAddresses", {"10.1.1.0/24"}},
                         {"destinationPorts", {"443", "8443"}}}}),
                   net("apps", 300, "Allow",
                       {{{"ruleType", "ApplicationRule"},
                         {"name", "site"},
                         {"sourceAddresses", {"10.0.3.0/24"}},
                         {"protocols",
                          {{{"protocolType", "Https"}, {"port", 443}}, {{"protocolType", "Http"}, {"port", 8080}}}},
                         {"targetFqdns", {"app.contoso.com"}}}})})));
  const auto r = run_firewall(e.text());
  REQUIRE_FALSE(r.diags.has_errors());
  const auto& fw = r.model.firewalls[0];
  REQUIRE(solver::firewall_at(r.model, *model::IpAddress::parse("10.0.1.4")) == 0);
  CHECK(solver::firewall_at(r.model, *model::IpAddress::parse("10.0.1.5")) == -1);
  const solver::PacketSet arriving(solver::Cube{model::to_set(*model::IpPrefix::parse("10.0.3.0/24")),
                                                model::to_set(*model::IpAddress::parse("10.1.1.4")), tcp_udp(),
                                                model::PortSet::all(), model::PortSet::all()});
  const auto decisions = solver::filter_through_firewall(r.model, fw, arriving);
  std::vector<std::string> got;
  for (const auto& d : decisions) {
    const std::string name = d.position >= 0 ? solver::rule_at(r.model, fw, fw.order[d.position]).name : "default";
    got.push_back(name + (d.allow ? " allow " : " deny ") + model::to_string(d.packets.destination_ports()) +
                  (d.assumed ? " assumed" : ""));
  }
  // 443 goes to the network rule (network rules first); the application rule takes 8080 only, by assumption.
  CHECK(got == std::vector<std::string>{"ssh deny 22", "web allow 443,8443", "site allow 8080 assumed",
                                        "default deny 0-65535"});
}

}  // namespace
}  // namespace exposim::testing

// Legacy firewall policy rule groups (`firewallPolicies/ruleGroups`, apiVersion 2019-06-01 to 2020-04-01):
// each legacy rule is a collection (priority, action), its conditions are rules.
namespace exposim::testing {
namespace {

json rule_group(const std::string& pid, const std::string& name, int priority, json rules) {
  return {{"id", pid + "/ruleGroups/" + name},
          {"name", name},
          {"type", "Microsoft.Network/firewallPolicies/ruleGroups"},
          {"properties", {{"priority", priority}, {"rules", std::move(rules)}}}};
}

json legacy_nat(const std::string& name, int priority, json sources, const std::string& port, const std::string& to,
                const std::string& to_port) {
  return {{"name", name},
          {"priority", priority},
          {"ruleType", "FirewallPolicyNatRule"},
          {"action", {{"type", "Dnat"}}},
          {"ruleCondition",
           {{"name", "DNATRule"},
            {"ruleConditionType", "NetworkRuleCondition"},
            {"ipProtocols", {"TCP"}},
            {"sourceAddresses", std::move(sources)},
            {"destinationAddresses", {"20.1.1.1"}},
            {"destinationPorts", {port}}}},
          {"translatedAddress", to},
          {"translatedPort", to_port}};
}

json legacy_filter(const std::string& name, int priority, const std::string& action, json conditions) {
  return {{"name", name},
          {"priority", priority},
          {"ruleType", "FirewallPolicyFilterRule"},
          {"action", {{"type", action}}},
          {"ruleConditions", std::move(conditions)}};
}

FirewallEstate with_legacy(json rules) {
  FirewallEstate e;
  e.extra.push_back(policy(kPolicy, "policy"));
  e.extra.push_back(rule_group(kPolicy, "legacy", 200, std::move(rules)));
  return e;
}

TEST_CASE("firewall: legacy rule groups, DNAT in group then rule priority order", "[firewall]") {
  // Group `legacy` (priority 200): `ssh-partner` (rule priority 300, 52.40.0.0/16, 2222 -> 10.1.1.4:22) declared
  // before `ssh-all` (priority 100, *, 2222 -> 10.1.1.4:2200). Group `early` (priority 100) holds `early-ssh`
  // (rule priority 65000, 81.2.69.0/24, 2222 -> 10.1.1.4:2201). Groups go by their priority, then rules by
  // theirs: early-ssh takes 81.2.69.0/24, ssh-all the rest of the internet, ssh-partner nothing.
  FirewallEstate e =
      with_legacy(json::array({legacy_nat("ssh-partner", 300, {"52.40.0.0/16"}, "2222", "10.1.1.4", "22"),
                               legacy_nat("ssh-all", 100, {"*"}, "2222", "10.1.1.4", "2200")}));
  e.extra.push_back(
      rule_group(kPolicy, "early", 100,
                 json::array({legacy_nat("early-ssh", 65000, {"81.2.69.0/24"}, "2222", "10.1.1.4", "2201")})));
  e.nsg_rules[0]["properties"]["destinationPortRange"] = "*";
  const auto r = run_firewall(e.text());
  REQUIRE_FALSE(r.diags.has_errors());
  const auto& groups = r.model.firewall_policies[0].groups;
  REQUIRE(groups.size() == 2);
  CHECK(groups[0].collections.size() == 2);
  CHECK(groups[0].collections[0].kind == model::FirewallRuleKind::kNat);
  CHECK(groups[0].collections[0].action == model::FirewallAction::kDnat);
  CHECK(groups[0].collections[0].rules[0].translated_port == 22);
  auto vm = of(r.analysis.exposures, false);
  REQUIRE(vm.size() == 2);
  std::sort(vm.begin(), vm.end(),
            [&](const Exposure* a, const Exposure* b) { return rule_name(r, *a) < rule_name(r, *b); });
  CHECK(rule_name(r, *vm[0]) == "early-ssh");
  CHECK(model::to_cidr_strings(vm[0]->sources) == std::vector<std::string>{"81.2.69.0/24"});
  CHECK(model::to_string(vm[0]->entry_ports) == "2222");
  CHECK(model::to_string(vm[0]->ports) == "2201");
  CHECK(rule_name(r, *vm[1]) == "ssh-all");
  CHECK(model::to_string(vm[1]->ports) == "2200");
  CHECK_FALSE(vm[1]->sources.intersects(vm[0]->sources));
  CHECK(vm[1]->sources.unite(vm[0]->sources) ==
        r.analysis.internet.intersect(model::to_set(*model::IpPrefix::parse("0.0.0.0/0"))));
}

TEST_CASE("firewall: legacy filter rules, network conditions before application conditions", "[firewall]") {
  // `apps` (priority 100, Allow): an application condition, HTTP 8000 from 10.0.3.0/24. `web` (200, Allow):
  // TCP 22 and 443 from 10.0.3.0/24 to 10.1.1.0/24. `deny-ssh` (150, Deny): TCP 22 from anywhere to
  // 10.1.0.0/16. Network rules go first whatever the priorities, and among them deny-ssh (150) before web
  // (200): 22 is denied, 443 allowed, then 8000 by the application rule (assumed: FQDNs), the rest denied.
  json app = {{"name", "site"},
              {"ruleConditionType", "ApplicationRuleCondition"},
              {"sourceAddresses", {"10.0.3.0/24"}},
              {"protocols", {{{"protocolType", "Http"}, {"port", 8000}}}},
              {"targetFqdns", {"app.contoso.com"}}};
  auto net = [](const std::string& name, json sources, const std::string& to, json ports) {
    return json{{"name", name},
                {"ruleConditionType", "NetworkRuleCondition"},
                {"ipProtocols", {"TCP"}},
                {"sourceAddresses", std::move(sources)},
                {"destinationAddresses", {to}},
                {"destinationPorts", std::move(ports)}};
  };
  FirewallEstate e = with_legacy(json::array(
      {legacy_filter("apps", 100, "Allow", json::array({app})),
       legacy_filter("web", 200, "Allow", json::array({net("web", {"10.0.3.0/24"}, "10.1.1.0/24", {"22", "443"})})),
       legacy_filter("deny-ssh", 150, "Deny", json::array({net("ssh", {"*"}, "10.1.0.0/16", {"22"})}))}));
  const auto r = run_firewall(e.text());
  REQUIRE_FALSE(r.diags.has_errors());
  const auto& fw = r.model.firewalls[0];
  const solver::PacketSet arriving(solver::Cube{model::to_set(*model::IpPrefix::parse("10.0.3.0/24")),
                                                model::to_set(*model::IpAddress::parse("10.1.1.4")), tcp_udp(),
                                                model::PortSet::all(), model::PortSet::all()});
  std::vector<std::string> got;
  for (const auto& d : solver::filter_through_firewall(r.model, fw, arriving)) {
    const std::string name = d.position >= 0 ? solver::rule_at(r.model, fw, fw.order[d.position]).name : "default";
    got.push_back(name + (d.allow ? " allow " : " deny ") + model::to_string(d.packets.destination_ports()) +
                  (d.assumed ? " assumed" : ""));
  }
  CHECK(got ==
        std::vector<std::string>{"ssh deny 22", "web allow 443", "site allow 8000 assumed", "default deny 0-65535"});
  // No DNAT rule: nothing reaches the VM from the internet through the firewall.
  CHECK(of(r.analysis.exposures, false).empty());
}

TEST_CASE("firewall: malformed legacy rule groups are reported with their pointers", "[firewall]") {
  auto first = [](const model::Diagnostics& d, const std::string& code) -> const model::Diagnostic* {
    for (const auto& x : d.items()) {
      if (x.code == code) return &x;
    }
    return nullptr;
  };
  json ok = legacy_nat("ssh", 100, {"*"}, "2222", "10.1.1.4", "22");
  SECTION("a NAT rule without a translated address") {
    json rule = ok;
    rule.erase("translatedAddress");
    const auto r = run_firewall(with_legacy(json::array({rule})).text());
    const auto* d = first(r.diags, "missing-field");
    REQUIRE(d != nullptr);
    CHECK(d->where.pointer == "/value/8/properties/rules/0");
    CHECK(d->message == "DNAT rule 'ssh' has no 'translatedAddress' or 'translatedFqdn'");
  }
  SECTION("a NAT rule with an application condition") {
    json rule = ok;
    rule["ruleCondition"]["ruleConditionType"] = "ApplicationRuleCondition";
    const auto r = run_firewall(with_legacy(json::array({rule})).text());
    const auto* d = first(r.diags, "invalid-value");
    REQUIRE(d != nullptr);
    CHECK(d->where.pointer == "/value/8/properties/rules/0/ruleCondition/ruleConditionType");
    CHECK(d->message ==
          "rule condition type 'ApplicationRuleCondition' is not NetworkRuleCondition (a NAT rule's condition)");
  }
  SECTION("a NAT rule without its condition") {
    json rule = ok;
    rule.erase("ruleCondition");
    const auto r = run_firewall(with_legacy(json::array({rule})).text());
    const auto* d = first(r.diags, "missing-field");
    REQUIRE(d != nullptr);
    CHECK(d->where.pointer == "/value/8/properties/rules/0");
    CHECK(d->message == "NAT rule 'ssh' has no 'ruleCondition'");
  }
  SECTION("a rule type of today's schema") {
    json rule = ok;
    rule["ruleType"] = "NatRule";
    const auto r = run_firewall(with_legacy(json::array({rule})).text());
    const auto* d = first(r.diags, "invalid-value");
    REQUIRE(d != nullptr);
    CHECK(d->where.pointer == "/value/8/properties/rules/0/ruleType");
    CHECK(d->message == "rule type 'NatRule' is not FirewallPolicyNatRule or FirewallPolicyFilterRule");
  }
  SECTION("a rule priority out of range") {
    json rule = ok;
    rule["priority"] = 99;
    const auto r = run_firewall(with_legacy(json::array({rule})).text());
    const auto* d = first(r.diags, "invalid-value");
    REQUIRE(d != nullptr);
    CHECK(d->where.pointer == "/value/8/properties/rules/0/priority");
    CHECK(d->message == "firewall policy rule 'ssh': priority 99 is below 100");
  }
  SECTION("a group without a priority") {
    FirewallEstate e = with_legacy(json::array({ok}));
    e.extra[1]["properties"].erase("priority");
    const auto r = run_firewall(e.text());
    const auto* d = first(r.diags, "missing-field");
    REQUIRE(d != nullptr);
    CHECK(d->where.pointer == "/value/8/properties");
    CHECK(d->message == "rule group 'legacy' has no 'priority'");
  }
  SECTION("a filter condition without its type, and a wrong filter action") {
    json rule = legacy_filter("web", 200, "Allow", json::array({json{{"name", "c"}, {"ipProtocols", {"TCP"}}}}));
    auto r = run_firewall(with_legacy(json::array({rule})).text());
    const auto* d = first(r.diags, "missing-field");
    REQUIRE(d != nullptr);
    CHECK(d->where.pointer == "/value/8/properties/rules/0/ruleConditions/0");
    CHECK(d->message == "rule condition has no 'ruleConditionType'");
    rule["action"]["type"] = "Dnat";
    r = run_firewall(with_legacy(json::array({rule})).text());
    d = first(r.diags, "invalid-value");
    REQUIRE(d != nullptr);
    CHECK(d->where.pointer == "/value/8/properties/rules/0");
    CHECK(d->message == "filter rule 'web': action 'Dnat' is not Allow, Deny or Alert");
  }
  SECTION("SNAT and Alert are warnings; Alert counts as Allow") {
    json snat = ok;
    snat["action"]["type"] = "SNAT";
    json alert = legacy_filter("watch", 300, "Alert ", json::array());
    const auto r = run_firewall(with_legacy(json::array({snat, alert})).text());
    CHECK_FALSE(r.diags.has_errors());
    std::vector<std::string> got;
    for (const auto& x : r.diags.items()) {
      if (x.code == "unmodelled-feature") got.push_back(x.where.pointer);
    }
    CHECK(got == std::vector<std::string>{"/value/8/properties/rules/0", "/value/8/properties/rules/1"});
    REQUIRE(r.model.firewall_policies[0].groups.size() == 1);
    REQUIRE(r.model.firewall_policies[0].groups[0].collections.size() == 1);
    CHECK(r.model.firewall_policies[0].groups[0].collections[0].action == model::FirewallAction::kAllow);
    CHECK(of(r.analysis.exposures, false).empty());
  }
  SECTION("wrong types never crash") {
    json rule = ok;
    rule["ruleCondition"] = json::array({1, 2});
    json bad = legacy_filter("f", 100, "Allow", "nope");
    const auto r = run_firewall(with_legacy(json::array({rule, bad, 7, nullptr})).text());
    CHECK(r.diags.has_errors());
  }
}

}  // namespace
}  // namespace exposim::testing

// Unknown values in firewall rules and IP groups (docs/model.md, "Unknown values"): the conservative reading reports
// at least what every concrete value would.
namespace exposim::testing {
namespace {

Result run_firewall_template(const std::string& text) {
  Result r;
  importers::azure::ImportOptions options;
  options.from_template = true;
  importers::azure::import_text(text, "estate.json", r.model, r.diags, options);
  model::validate(r.model, r.diags);
  r.analysis = solver::analyze(r.model);
  return r;
}

/// The firewall's own DNAT exposures and the VM's, merged: (ports at the firewall, sources) and (ports at the VM).
struct DnatReach {
  model::PortSet firewall_ports;
  model::IpSet firewall_sources;
  model::PortSet vm_ports;
  model::IpSet vm_sources;
};
DnatReach dnat_reach(const Result& r) {
  DnatReach out;
  for (const auto& e : r.analysis.exposures) {
    if (e.target_kind == model::ResourceKind::kFirewall) {
      out.firewall_ports = out.firewall_ports.unite(e.ports);
      out.firewall_sources = out.firewall_sources.unite(e.sources);
    } else {
      out.vm_ports = out.vm_ports.unite(e.ports);
      out.vm_sources = out.vm_sources.unite(e.sources);
    }
  }
  return out;
}

bool dnat_covers(const Result& wide, const Result& narrow) {
  const auto w = dnat_reach(wide), n = dnat_reach(narrow);
  return w.firewall_ports.contains(n.firewall_ports) && w.firewall_sources.contains(n.firewall_sources) &&
         w.vm_ports.contains(n.vm_ports) && w.vm_sources.contains(n.vm_sources);
}

TEST_CASE("firewall: unknown DNAT fields are read conservatively", "[firewall][unknown]") {
  const std::string unknown = importers::unknown_value("parameters('x')");
  auto estate = [&](json sources, json port, json to) {
    auto rule = nat_rule("ssh", std::move(sources), "2222", "10.1.1.4", "22");
    rule["destinationPorts"] = std::move(port);
    rule["translatedAddress"] = std::move(to);
    return with_policy(json::array({rule})).text();
  };
  // Unknown destination port: every port at the firewall.
  const auto port = run_firewall_template(estate({"*"}, {unknown}, "10.1.1.4"));
  REQUIRE_FALSE(port.diags.has_errors());
  CHECK(model::to_string(dnat_reach(port).firewall_ports) == "0-65535");
  for (const char* p : {"22", "2222", "65000"})
    CHECK(dnat_covers(port, run_firewall_template(estate({"*"}, {p}, "10.1.1.4"))));
  // The list itself unknown (an array parameter with no value): the same.
  CHECK(dnat_covers(run_firewall_template(estate({"*"}, unknown, "10.1.1.4")),
                    run_firewall_template(estate({"*"}, {"2222"}, "10.1.1.4"))));
  // Unknown source: every source.
  const auto source = run_firewall_template(estate({unknown}, {"2222"}, "10.1.1.4"));
  REQUIRE_FALSE(source.diags.has_errors());
  for (const char* s : {"1.2.3.4", "52.0.0.0/8", "*"})
    CHECK(dnat_covers(source, run_firewall_template(estate({s}, {"2222"}, "10.1.1.4"))));
  // Unknown translated address: the firewall's own entry is still reported, with a warning naming the rule.
  const auto to = run_firewall_template(estate({"*"}, {"2222"}, unknown));
  REQUIRE_FALSE(to.diags.has_errors());
  const auto own = of(to.analysis.exposures, true);
  REQUIRE(own.size() == 1);
  CHECK(model::to_string(own[0]->ports) == "2222");
  CHECK(own[0]->any_source);
  CHECK(of(to.analysis.exposures, false).empty());  // what lies behind is unknown
  const auto& items = to.analysis.findings.items();
  REQUIRE(std::count_if(items.begin(), items.end(), [](const auto& d) { return d.code == "dnat-target-unknown"; }) ==
          1);
  CHECK(std::find_if(items.begin(), items.end(), [](const auto& d) { return d.code == "dnat-target-unknown"; })
            ->message ==
        "firewall 'fw': DNAT rule 'ssh' translates to an address only known at deployment: the firewall's own entry is "
        "reported, its target is unknown");
  // Against a concrete target, the firewall's own entry is the same.
  const auto concrete = dnat_reach(run_firewall_template(estate({"*"}, {"2222"}, "10.1.1.4")));
  CHECK(dnat_reach(to).firewall_ports == concrete.firewall_ports);
  CHECK(dnat_reach(to).firewall_sources == concrete.firewall_sources);
}

/// What a firewall lets through of TCP/UDP from 10.0.3.0/24 to 10.1.1.4, every port, given its filter rules.
/// True when `wide` holds every packet of `narrow`.
bool holds(const solver::PacketSet& wide, const solver::PacketSet& narrow) { return narrow.subtract(wide).empty(); }

solver::PacketSet allowed(const Result& r) {
  const auto& fw = r.model.firewalls[0];
  const solver::PacketSet arriving(solver::Cube{model::to_set(*model::IpPrefix::parse("10.0.3.0/24")),
                                                model::to_set(*model::IpAddress::parse("10.1.1.4")), tcp_udp(),
                                                model::PortSet::all(), model::PortSet::all()});
  solver::PacketSet out;
  for (const auto& d : solver::filter_through_firewall(r.model, fw, arriving)) {
    if (d.allow) out = out.unite(d.packets);
  }
  return out;
}

TEST_CASE("firewall: an unknown field widens an allow rule and empties a deny rule, and IP groups alike",
          "[firewall][unknown]") {
  const std::string unknown = importers::unknown_value("parameters('x')");
  const std::string kGroup = fw_id("Microsoft.Network/ipGroups", "office");
  // Collections: `first` (priority 100, `action`) with one network rule built from the arguments, then an allow of
  // TCP 443 from anywhere (200).
  auto estate = [&](const std::string& action, json rule, json group_addresses) {
    FirewallEstate e;
    e.extra.push_back(policy(kPolicy, "policy"));
    json base = {{"ruleType", "NetworkRule"},     {"name", "r"},
                 {"ipProtocols", {"TCP"}},        {"sourceAddresses", {"*"}},
                 {"destinationAddresses", {"*"}}, {"destinationPorts", {"*"}}};
    base.update(rule);
    auto collection = [](const std::string& name, int priority, const std::string& a, json rules) {
      return json{{"ruleCollectionType", "FirewallPolicyFilterRuleCollection"},
                  {"name", name},
                  {"priority", priority},
                  {"action", {{"type", a}}},
                  {"rules", std::move(rules)}};
    };
    e.extra.push_back(group(kPolicy, "rcg", 100,
                            json::array({collection("first", 100, action, json::array({base})),
                                         collection("web", 200, "Allow",
                                                    {{{"ruleType", "NetworkRule"},
                                                      {"name", "web"},
                                                      {"ipProtocols", {"TCP"}},
                                                      {"sourceAddresses", {"*"}},
                                                      {"destinationAddresses", {"*"}},
                                                      {"destinationPorts", {"443"}}}})})));
    e.extra.push_back({{"id", kGroup},
                       {"name", "office"},
                       {"type", "Microsoft.Network/ipGroups"},
                       {"properties", {{"ipAddresses", std::move(group_addresses)}}}});
    return run_firewall_template(e.text());
  };
  const json office = json::array({"10.0.3.7"});
  struct Case {
    const char* what;
    json unknown_rule;
    std::vector<json> concrete;
  };
  const std::vector<Case> cases = {
      {"destination port",
       {{"destinationPorts", {unknown}}},
       {{{"destinationPorts", {"22"}}}, {{"destinationPorts", {"8080"}}}}},
      {"source",
       {{"sourceAddresses", {unknown}}},
       {{{"sourceAddresses", {"10.0.3.7"}}}, {{"sourceAddresses", {"10.0.3.0/25"}}}, {{"sourceAddresses", {"*"}}}}},
      {"destination",
       {{"destinationAddresses", {unknown}}},
       {{{"destinationAddresses", {"10.1.1.4"}}}, {{"destinationAddresses", {"10.9.0.0/16"}}}}},
      {"protocol", {{"ipProtocols", {unknown}}}, {{{"ipProtocols", {"UDP"}}}, {{"ipProtocols", {"TCP"}}}}},
  };
  for (const auto& c : cases) {
    for (const char* action : {"Allow", "Deny"}) {
      INFO(c.what << " in a rule that says " << action);
      const auto wide = allowed(estate(action, c.unknown_rule, office));
      for (const auto& v : c.concrete) {
        const auto r = estate(action, v, office);
        REQUIRE_FALSE(r.diags.has_errors());
        CHECK(holds(wide, allowed(r)));
      }
    }
  }
  // The unknown deny rule matches nothing: exactly what the allow after it lets through; the unknown allow rule
  // lets every port through.
  CHECK(model::to_string(allowed(estate("Deny", {{"destinationPorts", {unknown}}}, office)).destination_ports()) ==
        "443");
  CHECK(model::to_string(allowed(estate("Allow", {{"destinationPorts", {unknown}}}, office)).destination_ports()) ==
        "0-65535");
  // IP groups with a placeholder address (`xx.xx.xx.xx`): every address in an allow, none in a deny.
  const json with_group = {{"sourceAddresses", json::array()}, {"sourceIpGroups", {kGroup}}};
  for (const char* action : {"Allow", "Deny"}) {
    INFO("IP group in a rule that says " << action);
    const auto placeholder = estate(action, with_group, json::array({"10.0.3.7", "xx.xx.xx.xx"}));
    REQUIRE_FALSE(placeholder.diags.has_errors());
    CHECK(placeholder.model.ip_groups[0].unknown);
    const auto wide = allowed(placeholder);
    for (const json& addresses :
         {json::array({"10.0.3.7"}), json::array({"10.0.3.0/24"}), json::array({"192.0.2.1"})}) {
      CHECK(holds(wide, allowed(estate(action, with_group, addresses))));
    }
  }
}

}  // namespace
}  // namespace exposim::testing
