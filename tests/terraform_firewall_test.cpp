// Terraform plans and state with Azure Firewall (classic rule collections, a policy's rule collection group, IP
// groups) and Azure Bastion, read through importers/terraform into the Azure reader. The fixtures in
// tests/data/terraform/ are written in the shape `terraform show -json` prints; the expected exposures are worked
// out by hand from the resources they declare (docs/model.md, "Azure Firewall" and "Azure Bastion").
#include <catch2/catch.hpp>

#include <algorithm>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "cli/analyze_report.h"
#include "importers/inputs.h"
#include "model/validate.h"
#include "solver/analysis.h"
#include "terraform_support.h"
#include "tests/resource_json.h"

namespace {

using exposim::testing::resource_json::has_code;

using namespace exposim;
using Lines = std::vector<std::string>;

using terraform_support::run_terraform;
using terraform_support::terraform_data;
using terraform_support::TerraformRun;

/// The name of the DNAT rule a firewall exposure went through.
std::string dnat_rule(const model::Model& m, const solver::Exposure& e) {
  const auto& fw = m.firewalls[e.gateway];
  const auto& at = fw.order[e.gateway_rule];
  const auto& c = at.policy >= 0 ? m.firewall_policies[at.policy].groups[at.group].collections[at.collection]
                                 : fw.classic[at.collection];
  return c.rules[at.rule].name;
}

/// "target via protocol ports sources [DNAT rule]" for every exposure, sorted.
Lines firewall_plan_exposures(const TerraformRun& r) {
  Lines out;
  for (const auto& e : r.analysis.exposures) {
    std::string sources = e.any_source ? "any" : "";
    if (!e.any_source) {
      for (const auto& c : model::to_cidr_strings(e.sources)) sources += (sources.empty() ? "" : ",") + c;
    }
    std::string line = fmt::format("{} {} {} {} {}", cli::target_name(r.model, e), solver::to_string(e.via),
                                   model::to_string(e.protocol), model::to_string(e.ports), sources);
    if (e.via == solver::Via::kFirewallDnat) line += " " + dnat_rule(r.model, e);
    out.push_back(line);
  }
  std::sort(out.begin(), out.end());
  return out;
}

/// "code pointer: message" of the diagnostics of `severity` and above, sorted.
Lines firewall_plan_diagnostics(const model::Diagnostics& diags, model::Severity severity) {
  Lines out;
  for (const auto& d : diags.sorted()) {
    if (d.severity >= severity) out.push_back(fmt::format("{} {}: {}", d.code, d.where.pointer, d.message));
  }
  return out;
}

}  // namespace

TEST_CASE("a firewall's classic DNAT rule collection exposes the firewall and the translated VM", "[terraform]") {
  // firewall_classic.json (a state): fw in AzureFirewallSubnet 10.0.1.0/26 of vnet-hub (10.0.1.4, pip-fw
  // 20.1.1.1), vnet-hub peered both ways with vnet-spoke. vm (nic-vm 10.1.1.4, no public IP) is in spoke/work,
  // whose nsg-work allows 22 from VirtualNetwork (and AllowVnetInBound the rest from it). The separate
  // azurerm_firewall_nat_rule_collection `dnat` has two rules: ssh 2222 -> 10.1.1.4:22 from 81.2.69.0/24, rdp
  // 3389 -> 10.1.1.4:3389 from *. The firewall's public port is exposed to each rule's sources; the VM is reached
  // on the translated port from the same sources (the SNAT source, the hub's firewall subnet, is in the spoke's
  // VirtualNetwork tag through the peering).
  auto r = run_terraform("firewall_classic.json");
  CHECK(firewall_plan_diagnostics(r.diags, model::Severity::kWarning).empty());
  CHECK(firewall_plan_exposures(r) ==
        Lines{"fw firewall-dnat tcp 2222 81.2.69.0/24 ssh", "fw firewall-dnat tcp 3389 any rdp",
              "vm firewall-dnat tcp 22 81.2.69.0/24 ssh", "vm firewall-dnat tcp 3389 any rdp"});
  REQUIRE(r.model.firewalls.size() == 1);
  const auto& fw = r.model.firewalls[0];
  CHECK(fw.sku_name == "AZFW_VNet");
  // The three separate collections, each appended to its firewall's list of that kind, located at its own instance.
  REQUIRE(fw.classic.size() == 3);
  std::vector<std::string> names;
  for (const auto& c : fw.classic) names.push_back(c.name);
  std::sort(names.begin(), names.end());
  CHECK(names == std::vector<std::string>{"dnat", "egress", "sites"});
  for (const auto& c : fw.classic) {
    if (c.name != "dnat") continue;
    CHECK(c.kind == model::FirewallRuleKind::kNat);
    CHECK(c.priority == 100);
    CHECK(c.rules.size() == 2);
    CHECK(c.where.pointer == "/values/root_module/resources/9");
  }
}

TEST_CASE("a firewall policy's rule collection group: DNAT from IP groups, one filled by an IP group CIDR",
          "[terraform]") {
  // firewall_policy.json (a plan creating everything but pip-fw, which exists: 20.1.1.1): as
  // firewall_classic.json, but fw takes policy-fw through firewall_policy_id, and the separate rule collection
  // group `rcg` holds the DNAT rule ssh 2222 -> 10.1.1.4:22 to 20.1.1.1 from the IP groups ipg-partners
  // (52.10.0.0/16, 81.2.69.7) and ipg-office (no cidrs of its own; the azurerm_ip_group_cidr adds 81.2.70.0/24).
  // The groups' ids (so the rule's source_ip_groups: [null, null]), the policy's id and the firewall's private IP
  // are only known after apply: the ids come from the configuration's references, the firewall is at its
  // subnet's first usable address 10.0.1.4 (a note).
  auto r = run_terraform("firewall_policy.json");
  CHECK(firewall_plan_diagnostics(r.diags, model::Severity::kWarning).empty());
  const std::string sources = "52.10.0.0/16,81.2.69.7/32,81.2.70.0/24";
  CHECK(firewall_plan_exposures(r) ==
        Lines{"fw firewall-dnat tcp 2222 " + sources + " ssh", "vm firewall-dnat tcp 22 " + sources + " ssh"});
  REQUIRE(r.model.firewall_policies.size() == 1);
  const auto& policy = r.model.firewall_policies[0];
  REQUIRE(policy.groups.size() == 1);
  CHECK(policy.groups[0].priority == 100);
  REQUIRE(policy.groups[0].collections.size() == 2);  // the DNAT collection and the network (egress) one
  CHECK(policy.groups[0].collections[1].kind == model::FirewallRuleKind::kNetwork);
  REQUIRE(r.model.ip_groups.size() == 2);
  for (const auto& g : r.model.ip_groups) CHECK_FALSE(g.unknown);
  CHECK_FALSE(has_code(r.diags, "unmodelled-types"));
  // The model's locations point into the plan: the group at its instance, its DNAT rule at its block.
  CHECK(policy.groups[0].where.pointer == "/planned_values/root_module/resources/17");
  REQUIRE(policy.groups[0].collections[0].rules.size() == 1);
  CHECK(policy.groups[0].collections[0].rules[0].where.pointer ==
        "/planned_values/root_module/resources/17/values/nat_rule_collection/0/rule/0");
}

TEST_CASE("a DNAT rule's source only known after apply admits every source", "[terraform][unknown]") {
  // firewall_unknown_source.json: firewall_policy.json with the DNAT rule's sources the address of a public IP
  // created by the plan (source_addresses = [azurerm_public_ip.office.ip_address], no IP groups): whatever it
  // will be, the reading must report at least its exposure, so every internet source reaches 2222 and the VM's 22.
  auto r = run_terraform("firewall_unknown_source.json");
  CHECK_FALSE(r.diags.has_errors());
  CHECK(firewall_plan_exposures(r) == Lines{"fw firewall-dnat tcp 2222 any ssh", "vm firewall-dnat tcp 22 any ssh"});
  const auto warnings = firewall_plan_diagnostics(r.diags, model::Severity::kWarning);
  CHECK(std::count_if(warnings.begin(), warnings.end(), [](const std::string& w) {
          return w.find(
                     "'azurerm_firewall_policy_rule_collection_group.rcg.nat_rule_collection[0].rule[0]."
                     "source_addresses' is only known after apply") != std::string::npos;
        }) == 1);
}

TEST_CASE("a DNAT rule's translated address only known after apply keeps the firewall's entry, named by address",
          "[terraform][unknown]") {
  // firewall_unknown_target.json: firewall_policy.json with the NIC's address dynamic and the DNAT rule's
  // translated_address = azurerm_network_interface.vm.private_ip_address (only known after apply). The firewall's
  // own entry on 2222 is still reported from the rule's sources; what lies behind is unknown (a finding names the
  // rule), and the unknown-value warning names the Terraform address and points at the attribute in the plan.
  auto r = run_terraform("firewall_unknown_target.json");
  CHECK_FALSE(r.diags.has_errors());
  CHECK(firewall_plan_exposures(r) == Lines{"fw firewall-dnat tcp 2222 52.10.0.0/16,81.2.69.7/32,81.2.70.0/24 ssh"});
  CHECK(has_code(r.analysis.findings, "dnat-target-unknown"));
  const auto warnings = firewall_plan_diagnostics(r.diags, model::Severity::kWarning);
  const std::string expected =
      "unknown-value /planned_values/root_module/resources/17/values/nat_rule_collection/0/rule/0/translated_address: "
      "'azurerm_firewall_policy_rule_collection_group.rcg.nat_rule_collection[0].rule[0].translated_address' is only "
      "known after apply";
  CHECK(std::count_if(warnings.begin(), warnings.end(),
                      [&](const std::string& w) { return w.rfind(expected, 0) == 0; }) == 1);
}

TEST_CASE("a Bastion host's own 443 and its sessions to the VMs of its network", "[terraform]") {
  // bastion.json (a plan): bas (Standard, tunnelling on) in AzureBastionSubnet 10.2.0.0/26 of vnet-bastion, whose
  // nsg-bastion allows 443 from Internet; pip-bastion's address is only known after apply. jump (nic-jump
  // 10.2.1.4) is in `vms`, without NSGs and without a public IP. The Bastion's 443 is exposed to every internet
  // source; Standard sessions reach every TCP port of jump, from those who can reach the Bastion.
  auto r = run_terraform("bastion.json");
  CHECK_FALSE(r.diags.has_errors());
  CHECK(firewall_plan_exposures(r) == Lines{"bas public-ip tcp 443 any", "jump bastion tcp 0-65535 any"});
  REQUIRE(r.model.bastion_hosts.size() == 1);
  const auto& b = r.model.bastion_hosts[0];
  CHECK(b.sku == model::BastionSku::kStandard);
  CHECK(b.enable_tunneling);
  CHECK_FALSE(b.enable_ip_connect);
  REQUIRE(b.ip_configurations.size() == 1);
  CHECK(b.where.pointer == "/planned_values/root_module/resources/7");
}

TEST_CASE("a rule collection block only known after apply is a DNAT of everything to an unknown target",
          "[terraform][unknown]") {
  // firewall_unknown_collection.json: firewall_policy.json with the group's nat_rule_collection configured but
  // only known after apply. Whatever its rules will be, the reading must report at least their exposure: one DNAT
  // rule of every protocol, source and port to an unknown address, last (priority 65000). The firewall's public
  // IP is then exposed on every TCP and UDP port to every source; what lies behind is unknown.
  auto r = run_terraform("firewall_unknown_collection.json");
  CHECK_FALSE(r.diags.has_errors());
  CHECK(firewall_plan_exposures(r) ==
        Lines{"fw firewall-dnat tcp 0-65535 any unknown-rules", "fw firewall-dnat udp 0-65535 any unknown-rules"});
  CHECK(has_code(r.analysis.findings, "dnat-target-unknown"));
}

TEST_CASE("a secured hub's firewall: its hub public address takes the DNAT", "[terraform]") {
  // firewall_hub.json (a state): fw-hub (AZFW_Hub) in hub-weu (not in the input) with one hub public address
  // 20.9.9.9 and the private address 10.100.0.132; policy-hub's group `dnat` takes ssh 2222 from 81.2.69.0/24 to
  // 10.20.1.4:22, which is no ip configuration of the input: the firewall's own entry at its hub address is
  // reported, and a finding says the target is not in the input.
  auto r = run_terraform("firewall_hub.json");
  CHECK_FALSE(r.diags.has_errors());
  CHECK(firewall_plan_exposures(r) == Lines{"fw-hub firewall-dnat tcp 2222 81.2.69.0/24 ssh"});
  REQUIRE(r.model.firewalls.size() == 1);
  const auto& fw = r.model.firewalls[0];
  CHECK(fw.sku_name == "AZFW_Hub");
  REQUIRE(fw.hub_public_addresses.size() == 1);
  CHECK(fw.hub_public_addresses[0].to_string() == "20.9.9.9");
  REQUIRE(fw.hub_private_ip);
  CHECK(fw.hub_private_ip->to_string() == "10.100.0.132");
  CHECK(fw.virtual_hub.id.size() > 7);
  CHECK(fw.virtual_hub.id.substr(fw.virtual_hub.id.size() - 7) == "hub-weu");
  CHECK(has_code(r.analysis.findings, "dnat-target-unknown"));
}

TEST_CASE("classic collections left out are warnings that name their Terraform address", "[terraform]") {
  // firewall_classic_orphans.json (a state): fw with an SNAT collection `snat` (it admits nothing inbound) and a
  // network collection `orphan` of the firewall fw-gone, which is not in the state. Each is left out with a
  // warning at its attribute in the file, the message starting with the collection's address.
  auto r = run_terraform("firewall_classic_orphans.json");
  CHECK_FALSE(r.diags.has_errors());
  CHECK(firewall_plan_diagnostics(r.diags, model::Severity::kWarning) ==
        Lines{"unmodelled-feature /values/root_module/resources/1/values/action: azurerm_firewall_nat_rule_collection."
              "snat: an SNAT rule collection does not admit inbound traffic: ignored",
              "missing-reference /values/root_module/resources/2/values/azure_firewall_name: "
              "azurerm_firewall_network_rule_collection.orphan: firewall '/subscriptions/11111111-2222-3333-4444-"
              "555555555555/resourceGroups/rg-fw/providers/Microsoft.Network/azureFirewalls/fw-gone' is not in the "
              "plan: the rule collection is not analysed"});
  REQUIRE(r.model.firewalls.size() == 1);
  CHECK(r.model.firewalls[0].classic.empty());
  // The line of the attribute in the file, beside its pointer.
  for (const auto& d : r.diags.items()) {
    if (d.code == "unmodelled-feature") CHECK(d.where.line == 46);
  }
}

TEST_CASE("a firewall whose public IP the plan creates reports DNAT through it", "[terraform][unknown]") {
  // firewall_new_pip.json: firewall_policy.json with pip-fw created by the plan, so its address (and the DNAT
  // rule's destination_address) is only known after apply. The rule's destination is not a known public address
  // of the firewall, so it is taken to target pip-fw (docs/model.md "Unknown values"): as in firewall_policy.json,
  // the firewall's 2222 and the VM's 22 from the IP groups' sources, through pip-fw, with a warning naming the rule.
  auto r = run_terraform("firewall_new_pip.json");
  CHECK_FALSE(r.diags.has_errors());
  const std::string sources = "52.10.0.0/16,81.2.69.7/32,81.2.70.0/24";
  CHECK(firewall_plan_exposures(r) ==
        Lines{"fw firewall-dnat tcp 2222 " + sources + " ssh", "vm firewall-dnat tcp 22 " + sources + " ssh"});
  for (const auto& e : r.analysis.exposures) {
    REQUIRE(e.public_ip >= 0);
    CHECK(r.model.public_ips[e.public_ip].name == "pip-fw");
  }
  const auto warnings = firewall_plan_diagnostics(r.analysis.findings, model::Severity::kWarning);
  CHECK(std::count(warnings.begin(), warnings.end(),
                   "dnat-address-unknown /planned_values/root_module/resources/17/values/nat_rule_collection/0/rule/0: "
                   "firewall 'fw': the address of public IP 'pip-fw' is only known at deployment: DNAT rule 'ssh', "
                   "whose destination is not one of the firewall's known public addresses, is assumed to take "
                   "traffic to it") == 1);
}
