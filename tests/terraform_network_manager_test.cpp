// Security admin rules of Azure Virtual Network Manager from Terraform plans: the azurerm_network_manager* resources
// translated by importers/terraform/network_manager.cpp and read by the Azure reader, then evaluated before the NSGs.
// The fixtures (tests/data/terraform/avnm*.json, plans that create everything but an existing public IP) share one
// estate: vnet-a in westeurope (10.0.0.0/16), subnet web (10.0.1.0/24) with nsg-web (allow-ssh: 100 Allow Internet
// tcp 22; deny-rdp: 200 Deny * tcp 3389), nic-vm (10.0.1.4) with the Standard public IP pip-vm (20.0.0.1). Without
// admin rules the internet reaches tcp 22 only. Network manager nm, group ng with the static member vnet-a, security
// admin configuration cfg whose collection rc applies to ng, and two inbound admin rules from the Internet tag:
// deny-ssh (Deny, 10, tcp 22) and always-rdp (AlwaysAllow, 20, tcp 3389). Every id but the public IP's is only known
// after apply and is resolved through the configuration's references. Expectations worked out by hand from
// docs/model.md, "Security admin rules": Deny drops whatever the NSGs say, AlwaysAllow admits and skips the NSGs.
#include <catch2/catch.hpp>

#include <filesystem>
#include <string>
#include <vector>

#include <fmt/format.h>

#include <nlohmann/json.hpp>

#include "cli_support.h"
#include "solver/exposure.h"
#include "terraform_support.h"

namespace {

using namespace exposim;
using terraform_support::run_terraform;
using terraform_support::TerraformRun;

/// One exposure a line: protocol, ports, sources, and the deciding hops (the admin rule or "admin:-" when none
/// matches, the NSG rules).
std::vector<std::string> tf_avnm_lines(const TerraformRun& r) {
  std::vector<std::string> out;
  for (const auto& e : r.analysis.exposures) {
    std::string s = fmt::format("{} {} {} |", model::to_string(e.protocol), model::to_string(e.ports),
                                e.any_source ? "any" : "some");
    for (const auto& h : e.path) {
      if (h.kind == solver::HopKind::kAdminRule) {
        s += " admin:" + (h.resource_kind == model::ResourceKind::kAdminRule ? r.model.admin_rules[h.resource].name
                                                                             : std::string("-"));
      } else if (h.kind == solver::HopKind::kNsg) {
        s += fmt::format(" nsg({}):{}", h.scope, h.rule >= 0 ? r.model.nsgs[h.resource].rules[h.rule].name : "-");
      } else if (h.kind == solver::HopKind::kNoNsg) {
        s += fmt::format(" no-nsg({})", h.scope);
      }
    }
    out.push_back(s);
  }
  return out;
}

/// "code pointer" of the warnings and errors, sorted.
std::vector<std::string> tf_avnm_warnings(const TerraformRun& r) {
  std::vector<std::string> out;
  for (const auto& d : r.diags.sorted()) {
    if (d.severity >= model::Severity::kWarning) out.push_back(d.code + " " + d.where.pointer);
  }
  return out;
}

const std::string kTfAvnmManager =
    "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg-avnm/providers/Microsoft.Network/"
    "networkManagers/nm";

}  // namespace

TEST_CASE("terraform admin rules: a Deny over an NSG allow closes it and an AlwaysAllow over an NSG deny opens it",
          "[terraform][network_manager]") {
  const auto r = run_terraform("avnm.json");
  CHECK(tf_avnm_warnings(r).empty());
  // The resources, their ids composed from the references (every id is only known after apply).
  REQUIRE(r.model.network_managers.size() == 1);
  CHECK(r.model.network_managers[0].id == kTfAvnmManager);
  REQUIRE(r.model.network_groups.size() == 1);
  CHECK(r.model.network_groups[0].member_type == "VirtualNetwork");
  REQUIRE(r.model.network_group_members.size() == 1);
  CHECK(r.model.network_group_members[0].id == kTfAvnmManager + "/networkGroups/ng/staticMembers/vnet-a");
  CHECK(r.model.network_group_members[0].vnet.index == 0);
  REQUIRE(r.model.security_admin_configurations.size() == 1);
  REQUIRE(r.model.admin_rule_collections.size() == 1);
  REQUIRE(r.model.admin_rule_collections[0].applies_to_groups.size() == 1);
  CHECK(r.model.admin_rule_collections[0].applies_to_groups[0].index == 0);
  REQUIRE(r.model.admin_rules.size() == 2);
  CHECK(r.model.admin_rules[0].access == model::AdminAccess::kDeny);
  CHECK(r.model.admin_rules[0].rule.priority == 10);
  CHECK(r.model.admin_rules[1].access == model::AdminAccess::kAlwaysAllow);
  CHECK(model::to_string(r.model.admin_rules[1].rule.destination_ports) == "3389");
  // The deployment is the commit of cfg to westeurope.
  REQUIRE(r.model.admin_deployments.size() == 1);
  const auto& d = r.model.admin_deployments[0];
  CHECK(d.region == "westeurope");
  CHECK(d.deployed);
  REQUIRE(d.configurations.size() == 1);
  CHECK(d.configurations[0].id == model::canonical_id(kTfAvnmManager + "/securityAdminConfigurations/cfg"));
  CHECK(d.where.pointer == "/planned_values/root_module/resources/14");  // located at its instance
  // Both rules apply to vnet-a: 22 is dropped by deny-ssh (nsg-web's allow-ssh is never evaluated), 3389 is admitted
  // by always-rdp (nsg-web's deny-rdp is skipped); nothing else passes nsg-web.
  CHECK(r.model.vnets[0].admin_rules == std::vector<int>{0, 1});
  CHECK(tf_avnm_lines(r) == std::vector<std::string>{"tcp 3389 any | admin:always-rdp"});
  // The rules carry their Terraform address.
  CHECK(r.model.source_addresses.at(model::canonical_id(r.model.admin_rules[0].id)).address ==
        "azurerm_network_manager_admin_rule.deny_ssh");
}

TEST_CASE("terraform admin rules: without a deployment the commit is undecided: Deny not applied and a warning",
          "[terraform][network_manager]") {
  // avnm.json without azurerm_network_manager_deployment: the plan does not commit cfg, and nothing says whether
  // it is deployed to westeurope already. deny-ssh is not applied (ssh passes allow-ssh), always-rdp is.
  const auto r = run_terraform("avnm_undeployed.json");
  CHECK(r.model.admin_deployments.empty());
  CHECK(tf_avnm_warnings(r) ==
        std::vector<std::string>{"admin-rules-undecided /planned_values/root_module/resources/1"});
  std::string message;
  for (const auto& w : r.diags.items()) {
    if (w.code == "admin-rules-undecided") message = w.message;
  }
  CHECK(message.find("security admin configuration 'cfg' is deployed") != std::string::npos);
  CHECK(message.find("virtual network 'vnet-a'") != std::string::npos);
  CHECK(tf_avnm_lines(r) == std::vector<std::string>{"tcp 22 any | admin:- nsg(subnet):allow-ssh no-nsg(nic)",
                                                     "tcp 3389 any | admin:always-rdp"});
}

TEST_CASE("terraform admin rules: values only known after apply are read so that they never hide an exposure",
          "[terraform][network_manager]") {
  // avnm_unknown.json: deny-ssh's source blocks come from a variable only known after apply (a dynamic block), so
  // whom it denies is not known and the Deny is left out; always-rdp's destination_port_ranges likewise, so it
  // admits every TCP port; the deployment's configuration_ids too, so the commit is not read and cfg is undecided
  // (its AlwaysAllow rule applied). Every TCP port is then admitted by always-rdp before the NSGs.
  const auto r = run_terraform("avnm_unknown.json");
  CHECK(r.model.admin_deployments.empty());
  REQUIRE(r.model.admin_rules.size() == 1);
  CHECK(r.model.admin_rules[0].name == "always-rdp");
  CHECK(model::to_string(r.model.admin_rules[0].rule.destination_ports) == "0-65535");
  CHECK(tf_avnm_warnings(r) ==
        std::vector<std::string>{
            "admin-rules-undecided /planned_values/root_module/resources/1",
            "unknown-value /planned_values/root_module/resources/12/values/source",
            "unknown-value /planned_values/root_module/resources/13/values/destination_port_ranges",
            "unknown-value /planned_values/root_module/resources/14/values/configuration_ids",
        });
  CHECK(tf_avnm_lines(r) == std::vector<std::string>{"tcp 0-65535 any | admin:always-rdp"});
}

TEST_CASE("terraform admin rules: a subnet delegated to a service with network intent policies is read",
          "[terraform][network_manager]") {
  // avnm.json with subnet web delegated to Microsoft.Databricks/workspaces (a `delegation` block). Azure does not
  // apply admin rules by default to a virtual network holding such a service (cfg leaves
  // applyOnNetworkIntentPolicyBasedServices unset: None); exposim does not read Databricks workspaces, so whether
  // the service is there is not known, and the reading that hides nothing applies always-rdp (AlwaysAllow) and not
  // deny-ssh (Deny), with a warning: tcp 22 through the NSG's allow-ssh, tcp 3389 through always-rdp. Before the
  // delegation was translated, deny-ssh applied and closed 22: an exposure Azure has was hidden.
  nlohmann::json plan =
      nlohmann::json::parse(exposim::testing::read_file(terraform_support::terraform_data("avnm.json")));
  int delegated = 0;
  for (auto& res : plan["planned_values"]["root_module"]["resources"]) {
    if (res["type"] != "azurerm_subnet") continue;
    res["values"]["delegation"] = nlohmann::json::array(
        {{{"name", "dbx"},
          {"service_delegation", nlohmann::json::array({{{"name", "Microsoft.Databricks/workspaces"},
                                                         {"actions", nlohmann::json::array()}}})}}});
    ++delegated;
  }
  REQUIRE(delegated == 1);
  const auto dir = exposim::testing::scratch_dir("tf-avnm-delegation");
  exposim::testing::write_file(dir / "plan.json", plan.dump());
  TerraformRun r;
  exposim::importers::import_inputs({(dir / "plan.json").string()}, {}, r.model, r.diags);
  exposim::model::validate(r.model, r.diags, exposim::model::ValidateOptions{true});
  r.analysis = exposim::solver::analyze(r.model);
  std::filesystem::remove_all(dir);
  REQUIRE(r.model.subnets.size() == 1);
  CHECK(r.model.subnets[0].delegations == std::vector<std::string>{"Microsoft.Databricks/workspaces"});
  CHECK(tf_avnm_warnings(r) ==
        std::vector<std::string>{"admin-rules-undecided /planned_values/root_module/resources/1"});
  CHECK(tf_avnm_lines(r) == std::vector<std::string>{"tcp 22 any | admin:- nsg(subnet):allow-ssh no-nsg(nic)",
                                                     "tcp 3389 any | admin:always-rdp"});
}
