// Terraform plans and state (`terraform show -json`): detection, the azurerm families read through the Azure reader,
// unknown values resolved from the configuration, modules, a destroyed rule, bad input. The fixtures in
// tests/data/terraform/ are written in the shape Terraform prints; the expected exposures are worked out by hand
// from the resources they declare.
#include <catch2/catch.hpp>

#include <algorithm>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "cli/analyze_report.h"
#include "cli_support.h"
#include "importers/inputs.h"
#include "importers/terraform/plan.h"
#include "model/validate.h"
#include "scenario_summary.h"
#include "solver/exposure.h"
#include "terraform_support.h"

namespace {

using terraform_support::terraform_data;

using namespace exposim;
using Lines = std::vector<std::string>;

struct PlanRun {
  model::Model model;
  model::Diagnostics diags;
  solver::Analysis analysis;
  std::vector<importers::InputReport> reports;
};

PlanRun run_plans(const std::vector<std::string>& names) {
  PlanRun r;
  std::vector<std::string> paths;
  for (const auto& n : names) paths.push_back(terraform_data(n));
  r.reports = importers::import_inputs(paths, {}, r.model, r.diags);
  model::validate(r.model, r.diags, model::ValidateOptions{true});
  r.analysis = solver::analyze(r.model);
  return r;
}

/// "vm tcp 22 any nsg/rule > none" for the VM side (PaaS endpoints left out), sorted.
Lines plan_vm_side(const PlanRun& r) {
  solver::Analysis vms = r.analysis;
  std::erase_if(vms.exposures, [](const solver::Exposure& e) { return e.nic < 0; });
  Lines out;
  for (auto& l : testing::scenario::summary(r.model, vms)) out.push_back(l);
  std::sort(out.begin(), out.end());
  return out;
}

/// "service ports sources" for every PaaS public endpoint, sorted.
Lines plan_paas_side(const PlanRun& r) {
  Lines out;
  for (const auto& e : r.analysis.exposures) {
    if (e.via != solver::Via::kPaasPublic) continue;
    std::string sources = e.any_source ? "any" : "";
    if (!e.any_source) {
      for (const auto& c : model::to_cidr_strings(e.sources)) sources += (sources.empty() ? "" : ",") + c;
    }
    out.push_back(fmt::format("{} {} {}", cli::target_name(r.model, e), model::to_string(e.ports), sources));
  }
  std::sort(out.begin(), out.end());
  return out;
}

/// "code pointer message" of the diagnostics of `severity` and above, sorted.
Lines plan_diagnostics(const PlanRun& r, model::Severity severity) {
  Lines out;
  for (const auto& d : r.diags.sorted()) {
    if (d.severity >= severity) out.push_back(fmt::format("{} {}: {}", d.code, d.where.pointer, d.message));
  }
  return out;
}

bool has_code(const PlanRun& r, std::string_view code) {
  return std::any_of(r.diags.items().begin(), r.diags.items().end(), [&](const auto& d) { return d.code == code; });
}

}  // namespace

TEST_CASE("a terraform show -json document is told from resource JSON and templates", "[terraform]") {
  using importers::terraform::looks_like_terraform;
  CHECK(looks_like_terraform(R"({"format_version":"1.2","terraform_version":"1.6.6","planned_values":{}})"));
  CHECK(looks_like_terraform("\n  {\"format_version\": \"1.0\", \"values\": {\"root_module\": {}}}"));
  CHECK_FALSE(looks_like_terraform(R"([{"id": "/subscriptions/x", "type": "Microsoft.Network/virtualNetworks"}])"));
  CHECK_FALSE(looks_like_terraform(R"({"value": [{"format_version": "x"}]})"));
  CHECK_FALSE(looks_like_terraform(R"({"format_version": "1.0"})"));
}

TEST_CASE("a plan's references known only after apply are resolved from the configuration", "[terraform]") {
  // nsg.json creates everything: the NIC's subnet and public IP, the VM's NIC, the association's subnet and NSG
  // and the separate rule's NSG are all unknown in `after`, and named by the configuration's references.
  auto r = run_plans({"nsg.json"});
  CHECK(plan_diagnostics(r, model::Severity::kWarning).empty());
  CHECK(plan_vm_side(r) ==
        Lines{"vm-web tcp 22 any nsg-web/ssh > none", "vm-web tcp 443 20.30.40.0/24 nsg-web/https > none"});
  REQUIRE(r.reports.size() == 1);
  CHECK(r.reports[0].kind == "terraform");
  CHECK(r.reports[0].stats.detected_shape == "Terraform plan (format_version 1.2)");
  CHECK(r.reports[0].stats.resources == 9);
  // The model's locations point into the plan.
  REQUIRE(r.model.nsgs.size() == 1);
  CHECK(r.model.nsgs[0].where.pointer == "/planned_values/root_module/resources/3");
}

TEST_CASE("a state's inline subnets, NSG rules and known ids, and a Key Vault without network ACLs", "[terraform]") {
  auto r = run_plans({"state.json"});
  CHECK(plan_vm_side(r) ==
        Lines{"vm-app tcp 3389 81.2.69.0/24 nsg-app/rdp-office > none", "vm-app tcp 80,443 any nsg-app/web > none"});
  // kv-app's state has no network_acls and no public_network_access_enabled: Azure's defaults, public on 443
  // (an unread azurerm type is named by address: terraform_paas_test.cpp).
  CHECK(plan_paas_side(r) == Lines{"kv-app 443 any"});
  CHECK(plan_diagnostics(r, model::Severity::kNote) ==
        Lines{"assumed-default /values/root_module/resources/5/values: azurerm_key_vault.kv: no network ACLs are "
              "configured: Azure's default is assumed, the public endpoint admits every internet source (default "
              "action Allow)"});
  CHECK(r.reports[0].stats.detected_shape == "Terraform state (format_version 1.0)");
}

TEST_CASE("an NSG association to a subnet declared inline in its virtual network", "[terraform]") {
  // inline_subnet.json: state.json with the inline subnet's security_group "" and the NSG attached by a separate
  // azurerm_subnet_network_security_group_association (no key vault). The subnet's NSG admits RDP from the office
  // and web from anywhere; the NIC has none; its public IP is Standard (closed without an NSG): what the subnet
  // NSG allows is exposed, nothing else.
  auto r = run_plans({"inline_subnet.json"});
  CHECK(plan_diagnostics(r, model::Severity::kWarning).empty());
  CHECK(plan_vm_side(r) ==
        Lines{"vm-app tcp 3389 81.2.69.0/24 nsg-app/rdp-office > none", "vm-app tcp 80,443 any nsg-app/web > none"});
}

TEST_CASE("route tables with inline and separate routes, a route table association, peerings", "[terraform]") {
  // routes.json (a state): vm-web in snet-web (inline in vnet-spoke) behind nsg-web (allow-ssh: 22 from any),
  // a Standard public IP, no NIC NSG. rt-web, associated with snet-web by azurerm_subnet_route_table_association,
  // has the inline route 0.0.0.0/0 -> VirtualAppliance 10.0.0.4 and the separate azurerm_route partner
  // 81.2.69.0/24 -> Internet. Replies to 81.2.69.0/24 take `partner` (longest prefix) back to the internet; to
  // every other source, the appliance: those flows are broken, not exposures. Both routes' prefixes join the
  // VirtualNetwork tag of the subnet, so AllowVnetInBound admits 81.2.69.0/24 on everything (docs/model.md).
  auto r = run_plans({"routes.json"});
  CHECK_FALSE(r.diags.has_errors());
  CHECK(plan_vm_side(r) == Lines{"vm-web ah - 81.2.69.0/24 nsg-web/AllowVnetInBound > none",
                                 "vm-web esp - 81.2.69.0/24 nsg-web/AllowVnetInBound > none",
                                 "vm-web icmp - 81.2.69.0/24 nsg-web/AllowVnetInBound > none",
                                 "vm-web tcp 0-21,23-65535 81.2.69.0/24 nsg-web/AllowVnetInBound > none",
                                 "vm-web tcp 22 81.2.69.0/24 nsg-web/allow-ssh > none",
                                 "vm-web udp 0-65535 81.2.69.0/24 nsg-web/AllowVnetInBound > none"});
  CHECK(r.analysis.broken.size() == 6);
  // Both peerings, attached to their virtual networks, with the provider's values.
  REQUIRE(r.model.vnets.size() == 2);
  for (const auto& v : r.model.vnets) {
    REQUIRE(v.peerings.size() == 1);
    const std::string remote = v.name == "vnet-hub" ? "vnet-spoke" : "vnet-hub";
    CHECK(v.peerings[0].remote_vnet.id.substr(v.peerings[0].remote_vnet.id.size() - remote.size()) == remote);
    CHECK(v.peerings[0].allow_virtual_network_access);
    CHECK(v.peerings[0].allow_forwarded_traffic == (v.name == "vnet-spoke"));
  }
  REQUIRE(r.model.route_tables.size() == 1);
  const auto& routes = r.model.route_tables[0].routes;
  REQUIRE(routes.size() == 2);
  // bgp_route_propagation_enabled = false (azurerm 4.x) is Azure's disableBgpRoutePropagation = true.
  CHECK(r.model.route_tables[0].disable_bgp_route_propagation);
  // The routes' locations (which diagnostics such as vnet-tag-includes-internet name) point into the plan.
  CHECK(routes[0].where.pointer == "/values/root_module/resources/5/values/route/0");
  CHECK(routes[1].where.pointer == "/values/root_module/resources/6");
}

TEST_CASE("application security groups: a NIC association and rules naming groups", "[terraform]") {
  // asg.json (a state): nsg-app on snet-app admits 443 from any to asg-web (inline rule) and 22 from any to
  // asg-admin (a separate rule). nic-web joins asg-web through
  // azurerm_network_interface_application_security_group_association; nic-db and asg-admin have no members.
  // Both NICs have a Standard public IP and no NIC NSG: only vm-web's 443 is exposed.
  auto r = run_plans({"asg.json"});
  CHECK(plan_diagnostics(r, model::Severity::kWarning).empty());
  CHECK(plan_vm_side(r) == Lines{"vm-web tcp 443 any nsg-app/https-to-web > none"});
  for (const auto& nic : r.model.nics) {
    REQUIRE(nic.ip_configurations.size() == 1);
    CHECK(nic.ip_configurations[0].asgs.size() == (nic.name == "nic-web" ? 1u : 0u));
  }
}

TEST_CASE("a public load balancer: a rule to a pool and a NAT rule to 3389, behind no NSG", "[terraform]") {
  // lb.json (a state): lb-web (Basic) on pip-lb (Basic, 20.3.0.1); rule http 80 -> 8080 to web-pool (a separate
  // azurerm_lb_backend_address_pool), NAT rule rdp-vm1 50001 -> 3389. nic-vm1 (no public IP, snet-lb without an
  // NSG) joins the pool and the NAT rule through the two NIC associations. A Basic load balancer with no NSG on the
  // path is open: both are exposed to any source.
  auto r = run_plans({"lb.json"});
  CHECK(plan_diagnostics(r, model::Severity::kWarning).empty());
  Lines entries;
  for (const auto& e : r.analysis.exposures) {
    entries.push_back(fmt::format("{} {} {}", cli::target_name(r.model, e), model::to_string(e.ports),
                                  e.any_source ? "any" : "some"));
  }
  std::sort(entries.begin(), entries.end());
  CHECK(entries == Lines{"vm1 3389 any", "vm1 8080 any"});
  REQUIRE(r.model.load_balancers.size() == 1);
  const auto& lb = r.model.load_balancers[0];
  CHECK(lb.where.pointer == "/values/root_module/resources/2");
  REQUIRE(lb.rules.size() == 1);
  CHECK(lb.rules[0].where.pointer == "/values/root_module/resources/4");
  REQUIRE(lb.nat_rules.size() == 1);
  CHECK(lb.nat_rules[0].where.pointer == "/values/root_module/resources/5");
}

TEST_CASE("an azurerm 2.x load balancing rule names its one pool in backend_address_pool_id", "[terraform]") {
  // lb_azurerm2.json: lb.json as azurerm 2.x wrote it (backend_address_pool_id, enable_floating_ip): the same
  // exposures; read without the singular pool, the rule would forward nowhere and 8080 would be hidden.
  auto r = run_plans({"lb_azurerm2.json"});
  CHECK(plan_diagnostics(r, model::Severity::kWarning).empty());
  Lines entries;
  for (const auto& e : r.analysis.exposures) {
    entries.push_back(fmt::format("{} {} {}", cli::target_name(r.model, e), model::to_string(e.ports),
                                  e.any_source ? "any" : "some"));
  }
  std::sort(entries.begin(), entries.end());
  CHECK(entries == Lines{"vm1 3389 any", "vm1 8080 any"});
}

TEST_CASE("a NIC's NSG association, a legacy virtual machine, and a plan mixed with Azure resource JSON",
          "[terraform]") {
  // The subnet exists already (a data source): alone, it is missing and assumed to allow.
  auto alone = run_plans({"compute.json"});
  CHECK(plan_vm_side(alone) == Lines{"vm-legacy tcp 80 any missing > nsg-nic/http"});
  CHECK(has_code(alone, "missing-reference"));
  // With the exported subnet and its NSG, the subnet's rule narrows the sources.
  auto mixed = run_plans({"existing_subnet.json", "compute.json"});
  CHECK(plan_vm_side(mixed) == Lines{"vm-legacy tcp 80 81.2.69.0/24 nsg-subnet/http-from-partner > nsg-nic/http"});
  CHECK_FALSE(mixed.diags.has_errors());
}

TEST_CASE("a destroyed security rule is gone after apply", "[terraform]") {
  // delete.json: the `ssh` rule's change is a delete; planned values no longer list it.
  auto r = run_plans({"delete.json"});
  CHECK(plan_vm_side(r) == Lines{"nic-vm tcp 443 any none > nsg-web/https"});
}

TEST_CASE("a module called with for_each and a resource with count", "[terraform]") {
  // Each module instance's NIC takes its own public IP; b's NIC says "" (a known none) and is not exposed.
  auto r = run_plans({"modules.json"});
  CHECK(plan_vm_side(r) ==
        Lines{"vm-a tcp 22 any nsg-web/allow-22 > none", "vm-a tcp 8080 any nsg-web/allow-8080 > none"});
  CHECK_FALSE(r.diags.has_errors());
}

TEST_CASE("storage accounts: network rules inline, separate, unconfigured (assumed), HTTP", "[terraform]") {
  auto r = run_plans({"storage.json"});
  CHECK(plan_paas_side(r) == Lines{"sthttp 80,443 any", "stlocked 443,445 81.2.69.7/32", "stopen 443,445 any",
                                   "stseparate 443,445 20.30.40.9/32"});
  CHECK(plan_diagnostics(r, model::Severity::kNote) ==
        Lines{"assumed-default /planned_values/root_module/resources/1/values: azurerm_storage_account.open: no "
              "network rules are configured: Azure's default is assumed, the public endpoint admits every internet "
              "source (default action Allow)"});
}

TEST_CASE("bad plans are located errors, never a crash", "[terraform]") {
  SECTION("truncated") {
    auto r = run_plans({"truncated.json"});
    REQUIRE(r.diags.has_errors());
    const auto sorted = r.diags.sorted();
    const auto& d = sorted.front();
    CHECK(d.code == "json-syntax");
    CHECK(d.where.line > 1);
    CHECK(d.where.column > 0);
  }
  SECTION("a number past a double's range") {
    // nlohmann_json throws out_of_range for it, which was reported as an internal error of the import.
    model::Model m;
    model::Diagnostics diags;
    importers::terraform::import_plan("{\"format_version\": \"1.2\",\n  \"planned_values\": 1e999}", "big.json", {}, m,
                                      diags);
    CHECK(diags.size() == 1);
    CHECK(model::to_string(diags.items().front()) ==
          "big.json:2:21: error: number '1e999' is out of range [json-syntax]");
  }
  SECTION("an attribute of the wrong type") {
    auto r = run_plans({"wrong_type.json"});
    REQUIRE(r.diags.has_errors());
    const auto errors = plan_diagnostics(r, model::Severity::kError);
    CHECK(std::find(errors.begin(), errors.end(),
                    "invalid-type /planned_values/root_module/resources/4/values/priority: "
                    "azurerm_network_security_rule.https: 'priority' is a string, expected a number") != errors.end());
    // The line and column of the value in the file, beside the pointer.
    for (const auto& d : r.diags.items()) {
      if (d.code != "invalid-type") continue;
      CHECK(d.where.line == 131);
      CHECK(d.where.column == 25);
    }
  }
  SECTION("an unknown format_version: a warning, and what is readable is read") {
    auto r = run_plans({"future_version.json"});
    CHECK_FALSE(r.diags.has_errors());
    CHECK(plan_diagnostics(r, model::Severity::kWarning) ==
          Lines{"unknown-format-version /format_version: format_version '2.0' is not 0.x or 1.x: what has the known "
                "shape is read"});
    CHECK(plan_vm_side(r).size() == 2);
  }
  SECTION("the command line exits 2") {
    CHECK(testing::run_exposim({"analyze", terraform_data("truncated.json")}).code == 2);
    CHECK(testing::run_exposim({"analyze", terraform_data("wrong_type.json")}).code == 2);
    CHECK(testing::run_exposim({"analyze", terraform_data("future_version.json")}).code == 0);
  }
}

TEST_CASE("what no reference resolves stays unknown, and is read so that it can only add exposure", "[terraform]") {
  // unresolved.json: nsg.json with the association's NSG and the https rule's source given by module variables
  // (not followed): the subnet's NSG is unknown (assumed to allow everything).
  auto r = run_plans({"unresolved.json"});
  CHECK_FALSE(r.diags.has_errors());
  CHECK(plan_vm_side(r) == Lines{"vm-web ah - any missing > none", "vm-web esp - any missing > none",
                                 "vm-web icmp - any missing > none", "vm-web tcp 0-65535 any missing > none",
                                 "vm-web udp 0-65535 any missing > none"});
  const auto warnings = plan_diagnostics(r, model::Severity::kWarning);
  CHECK(std::count_if(warnings.begin(), warnings.end(), [](const std::string& w) {
          return w.rfind(
                     "unknown-value /planned_values/root_module/resources/5/values/network_security_group_id: "
                     "'azurerm_subnet_network_security_group_association.web.network_security_group_id' is only "
                     "known after apply",
                     0) == 0;
        }) == 1);
}

TEST_CASE("module variables lead to the module call's argument, and 0.13 references name resources only",
          "[terraform]") {
  // module_vars.json: module.vm has count 2; each NIC's subnet_id is var.subnet_id, which the call sets to
  // azurerm_subnet.app[count.index].id. Only snet-0 has the NSG (allowing 443); both VMs have a Standard public
  // IP. vm-1, in snet-1 without an NSG, is closed (a Standard public IP admits nothing without an NSG).
  auto r = run_plans({"module_vars.json"});
  CHECK(plan_diagnostics(r, model::Severity::kWarning).empty());
  CHECK(plan_vm_side(r) == Lines{"vm-0 tcp 443 any nsg-mod/https > none"});
  for (const auto& nic : r.model.nics) {
    REQUIRE(nic.ip_configurations.size() == 1);
    const std::string subnet = nic.name == "vm-0-nic" ? "snet-0" : "snet-1";
    CHECK(nic.ip_configurations[0].subnet.id.size() > subnet.size());
    CHECK(nic.ip_configurations[0].subnet.id.substr(nic.ip_configurations[0].subnet.id.size() - subnet.size()) ==
          subnet);
  }
}

TEST_CASE("a module output leads to the resource its expression references, in the child module", "[terraform]") {
  // module_outputs.json: module_vars.json with the subnet (snet-0, one instance) moved into module.network, whose
  // output subnet_id is azurerm_subnet.app.id. The NSG association and the vm module call both take
  // module.network.subnet_id, only known after apply. Followed through the output, both VMs are in snet-0 behind
  // nsg-mod (443 only); not followed, the association is dropped and every port is open (unknown-value warnings).
  auto r = run_plans({"module_outputs.json"});
  CHECK(plan_diagnostics(r, model::Severity::kWarning).empty());
  CHECK(plan_vm_side(r) == Lines{"vm-0 tcp 443 any nsg-mod/https > none", "vm-1 tcp 443 any nsg-mod/https > none"});
  for (const auto& nic : r.model.nics) {
    REQUIRE(nic.ip_configurations.size() == 1);
    const std::string& id = nic.ip_configurations[0].subnet.id;
    CHECK(id.size() > 7);
    CHECK(id.substr(id.size() - 7) == "/snet-0");
  }
}

TEST_CASE("configured blocks only known after apply admit everything", "[terraform]") {
  // unknown_rules.json: nsg.json with the NSG's security_rule set by the configuration but only known after apply;
  // an unknown list of rules must not read as no rules (the NSG would deny what it may allow).
  auto rules = run_plans({"unknown_rules.json"});
  CHECK(plan_vm_side(rules) ==
        Lines{"vm-web ah - any nsg-web/unknown-rules > none", "vm-web esp - any nsg-web/unknown-rules > none",
              "vm-web icmp - any nsg-web/unknown-rules > none", "vm-web tcp 0-65535 any nsg-web/unknown-rules > none",
              "vm-web udp 0-65535 any nsg-web/unknown-rules > none"});
  // unknown_network_rules.json: storage.json with stlocked's network_rules only known after apply.
  auto acls = run_plans({"unknown_network_rules.json"});
  CHECK(plan_paas_side(acls) ==
        Lines{"sthttp 80,443 any", "stlocked 443,445 any", "stopen 443,445 any", "stseparate 443,445 20.30.40.9/32"});
  CHECK_FALSE(acls.diags.has_errors());
}

TEST_CASE("a resource whose name is only known after apply is analysed under its address", "[terraform]") {
  // unknown_names.json: nsg.json with the NSG's and the NIC's names from a random_pet (only known after apply),
  // and the separate rule's network_security_group_name referencing the NSG's name.
  auto r = run_plans({"unknown_names.json"});
  CHECK_FALSE(r.diags.has_errors());
  CHECK(plan_vm_side(r) == Lines{"vm-web tcp 22 any azurerm_network_security_group.web/ssh > none",
                                 "vm-web tcp 443 20.30.40.0/24 azurerm_network_security_group.web/https > none"});
  CHECK(plan_diagnostics(r, model::Severity::kWarning) ==
        Lines{"unknown-value /planned_values/root_module/resources/3/values/name: azurerm_network_security_group.web: "
              "its name is only known after apply: it is analysed under the name 'azurerm_network_security_group.web'",
              "unknown-value /planned_values/root_module/resources/7/values/name: azurerm_network_interface.vm: its "
              "name is only known after apply: it is analysed under the name 'azurerm_network_interface.vm'"});
}
