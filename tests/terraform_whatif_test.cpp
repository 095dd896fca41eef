// Terraform plans compared with what exists before them (`whatif --plan`: prior state against planned values), plans
// that could never apply (two instances of one Azure id, one priority twice in an NSG), the Terraform address in
// the reports, and the other commands on plans. The fixtures (tests/data/terraform/whatif_*.json, duplicates.json)
// are written in the shape `terraform show -json` prints, with a full prior state: the NSG's computed
// `security_rule` reads back every separate rule, as the provider's does.
#include <catch2/catch.hpp>

#include <algorithm>
#include <string>
#include <vector>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "cli/exit_codes.h"
#include "cli_support.h"
#include "importers/inputs.h"
#include "model/validate.h"
#include "scenario_summary.h"
#include "solver/exposure.h"
#include "terraform_support.h"

namespace {

using terraform_support::terraform_data;

using namespace exposim;
using exposim::testing::run_exposim;
using Lines = std::vector<std::string>;
using nlohmann::ordered_json;

struct Side {
  model::Model model;
  model::Diagnostics diags;
  solver::Analysis analysis;
};

/// One side of a plan, imported, validated and analysed as the CLI does.
Side side(const std::string& name, bool prior) {
  Side s;
  importers::InputOptions options;
  if (prior) options.prior_state = {terraform_data(name)};
  importers::import_inputs({terraform_data(name)}, options, s.model, s.diags);
  model::validate(s.model, s.diags, model::ValidateOptions{true});
  s.analysis = solver::analyze(s.model);
  return s;
}

Lines whatif_plan_vm_side(const Side& s) {
  Lines out = testing::scenario::summary(s.model, s.analysis);
  std::sort(out.begin(), out.end());
  return out;
}

/// "severity code message" of every diagnostic, in order.
Lines whatif_plan_diagnostics(const Side& s) {
  Lines out;
  for (const auto& d : s.diags.sorted()) {
    out.push_back(fmt::format("{} {} {}", model::to_string(d.severity), d.code, d.message));
  }
  return out;
}

/// The differences of a whatif JSON report as "change part target ports sources" (opened or closed packets; "any"
/// for every internet source).
Lines differences(const ordered_json& report) {
  Lines out;
  for (const auto& d : report.at("differences")) {
    for (const char* part : {"opened", "closed"}) {
      if (!d.contains(part)) continue;
      for (const auto& e : d.at(part)) {
        std::string sources = e.at("any_source") == true ? "any" : "";
        if (sources.empty()) {
          for (const auto& s : e.at("sources")) sources += (sources.empty() ? "" : ",") + s.get<std::string>();
        }
        out.push_back(fmt::format("{} {} {} {} {}", d.at("change").get<std::string>(), part,
                                  e.at("target").at("name").get<std::string>(), e.at("ports").dump(), sources));
      }
    }
  }
  return out;
}

}  // namespace

TEST_CASE("a plan's prior state is what exists before it, its planned values what exists after", "[terraform]") {
  // whatif_open.json: the state has rule https (443 from any); the plan adds rule ssh (22 from 52.10.20.0/24).
  const auto before = side("whatif_open.json", true);
  const auto after = side("whatif_open.json", false);
  CHECK(whatif_plan_diagnostics(before).empty());
  CHECK(whatif_plan_diagnostics(after).empty());
  CHECK(whatif_plan_vm_side(before) == Lines{"vm-app tcp 443 any nsg-app/https > none"});
  CHECK(whatif_plan_vm_side(after) ==
        Lines{"vm-app tcp 22 52.10.20.0/24 nsg-app/ssh > none", "vm-app tcp 443 any nsg-app/https > none"});
  // The model's locations point into the prior state on the before side.
  REQUIRE(before.model.nsgs.size() == 1);
  CHECK(before.model.nsgs[0].where.pointer.rfind("/prior_state/values/root_module/resources/", 0) == 0);
  CHECK(after.model.nsgs[0].where.pointer.rfind("/planned_values/root_module/resources/", 0) == 0);
}

TEST_CASE("a separate rule the plan destroys is gone although its NSG still reads it back", "[terraform]") {
  // whatif_close.json: both rules exist; the plan destroys ssh, whose copy is still in the NSG's planned
  // security_rule (computed: the read-back of Azure before apply).
  const auto before = side("whatif_close.json", true);
  const auto after = side("whatif_close.json", false);
  CHECK(whatif_plan_vm_side(before) ==
        Lines{"vm-app tcp 22 52.10.20.0/24 nsg-app/ssh > none", "vm-app tcp 443 any nsg-app/https > none"});
  CHECK(whatif_plan_vm_side(after) == Lines{"vm-app tcp 443 any nsg-app/https > none"});
  CHECK(whatif_plan_diagnostics(after).empty());
  // Each rule once in the NSG: the read-back copies gave way to the separate resources.
  REQUIRE(before.model.nsgs.size() == 1);
  std::size_t custom = 0;
  for (const auto& r : before.model.nsgs[0].rules) custom += r.is_default ? 0 : 1;
  CHECK(custom == 2);
}

TEST_CASE("a separate rule the plan updates is read with its planned values, not its NSG's read-back copy",
          "[terraform]") {
  // whatif_update.json: ssh's source goes from 52.10.20.0/24 to *; the NSG (no-op) still lists the old rule.
  CHECK(whatif_plan_vm_side(side("whatif_update.json", true)) ==
        Lines{"vm-app tcp 22 52.10.20.0/24 nsg-app/ssh > none", "vm-app tcp 443 any nsg-app/https > none"});
  CHECK(whatif_plan_vm_side(side("whatif_update.json", false)) ==
        Lines{"vm-app tcp 22 any nsg-app/ssh > none", "vm-app tcp 443 any nsg-app/https > none"});
  auto r = run_exposim({"whatif", "--plan", terraform_data("whatif_update.json")});
  CHECK(r.code == cli::kExitFindings);
  CHECK_THAT(r.out, Catch::Contains("+ more  vm-app  10.1.1.4  20.61.15.7  public-ip  tcp    22     any except "
                                    "52.10.20.0/24  subnet: nsg-app/ssh (110) > nic: no NSG"));
}

TEST_CASE("whatif --plan: an added rule opening 22 grows the exposure and exits 1", "[terraform][cli]") {
  auto r = run_exposim({"whatif", "--plan", terraform_data("whatif_open.json"), "--format", "json"});
  CHECK(r.code == cli::kExitFindings);
  const ordered_json report = ordered_json::parse(r.out);
  CHECK(report.at("summary").at("grew") == true);
  // One exposure key (vm-app through its public IP) had 443 and now has 22 from the range too.
  CHECK(report.at("summary").at("changed") == 1);
  CHECK(differences(report) == Lines{"changed opened vm-app [[22,22]] 52.10.20.0/24"});
  CHECK(report.at("changed_resources").empty());
  // The table ends with the same verdict.
  r = run_exposim({"whatif", "--plan", terraform_data("whatif_open.json")});
  CHECK(r.code == cli::kExitFindings);
  CHECK_THAT(r.out, Catch::EndsWith("exposure GREW\n"));
}

TEST_CASE("whatif --plan: a destroyed rule closes its port and exits 0", "[terraform][cli]") {
  auto r = run_exposim({"whatif", "--plan", terraform_data("whatif_close.json"), "--format", "json"});
  CHECK(r.code == cli::kExitOk);
  const ordered_json report = ordered_json::parse(r.out);
  CHECK(report.at("summary").at("grew") == false);
  CHECK(differences(report) == Lines{"changed closed vm-app [[22,22]] 52.10.20.0/24"});
  CHECK(r.err.empty());
}

TEST_CASE("whatif --plan: a plan that only creates is compared with an empty estate", "[terraform][cli]") {
  // nsg.json creates everything and has no prior_state: both of vm-web's exposures are new.
  auto r = run_exposim({"whatif", "--plan", terraform_data("nsg.json"), "--format", "json"});
  CHECK(r.code == cli::kExitFindings);
  const ordered_json report = ordered_json::parse(r.out);
  CHECK(report.at("summary").at("exposures_before") == 0);
  CHECK(report.at("summary").at("opened") == 1);
  CHECK(differences(report) ==
        Lines{"opened opened vm-web [[22,22]] any", "opened opened vm-web [[443,443]] 20.30.40.0/24"});
}

TEST_CASE("whatif --plan: the positional inputs are on both sides", "[terraform][cli]") {
  // An exported estate beside the plan: its exposures are the same before and after, only the plan's differ.
  const std::string estate = testing::example("web-https-only/estate.json");
  auto r = run_exposim({"whatif", estate, "--plan", terraform_data("whatif_open.json"), "--format", "json"});
  CHECK(r.code == cli::kExitFindings);
  const ordered_json report = ordered_json::parse(r.out);
  CHECK(differences(report) == Lines{"changed opened vm-app [[22,22]] 52.10.20.0/24"});
  const auto alone = ordered_json::parse(run_exposim({"analyze", estate, "--format", "json"}).out);
  CHECK(report.at("summary").at("exposures_before") == alone.at("exposures").size() + 1);
}

TEST_CASE("whatif --plan prints a warning of a resource on both sides once", "[terraform][cli]") {
  // A type exposim does not read, in the state and in the plan: one warning at two pointers with one message.
  ordered_json plan = ordered_json::parse(testing::read_file(terraform_data("whatif_open.json")));
  const ordered_json workspace = {{"address", "azurerm_log_analytics_workspace.main"},
                                  {"mode", "managed"},
                                  {"type", "azurerm_log_analytics_workspace"},
                                  {"name", "main"},
                                  {"provider_name", "registry.terraform.io/hashicorp/azurerm"},
                                  {"schema_version", 3},
                                  {"values", {{"name", "log-app"}, {"resource_group_name", "rg-app"}}},
                                  {"sensitive_values", ordered_json::object()}};
  plan["prior_state"]["values"]["root_module"]["resources"].push_back(workspace);
  plan["planned_values"]["root_module"]["resources"].push_back(workspace);
  const auto dir = testing::scratch_dir("terraform-whatif-once");
  testing::write_file(dir / "plan.json", plan.dump());
  auto r = run_exposim({"whatif", "--plan", (dir / "plan.json").string()});
  CHECK(r.code == cli::kExitFindings);
  std::size_t n = 0;
  for (auto at = r.err.find("[unmodelled-types]"); at != std::string::npos;
       at = r.err.find("[unmodelled-types]", at + 1))
    ++n;
  CHECK(n == 1);
  CHECK_THAT(r.err, Catch::Contains("/prior_state/values/root_module: warning: 1 resource of an azurerm type exposim "
                                    "does not read yet is left out: azurerm_log_analytics_workspace.main"));
  std::filesystem::remove_all(dir);
}

TEST_CASE("whatif --plan: usage and input errors", "[terraform][cli]") {
  const std::string plan = terraform_data("whatif_open.json");
  // One mode at a time; --write only with --change.
  auto r = run_exposim({"whatif", "--plan", plan, "--after", plan});
  CHECK(r.code == cli::kExitUsage);
  CHECK_THAT(r.err, Catch::Contains("one of --change CHANGE (repeatable), --after FILE... or --plan PLAN"));
  r = run_exposim({"whatif", "--plan", plan, "--write", "out.json"});
  CHECK(r.code == cli::kExitUsage);
  CHECK_THAT(r.err, Catch::Contains("with --plan there is nothing to write"));
  r = run_exposim({"whatif", "--after", plan});
  CHECK(r.code == cli::kExitUsage);
  // A state, or Azure resource JSON, is not a plan.
  r = run_exposim({"whatif", "--plan", terraform_data("state.json")});
  CHECK(r.code == cli::kExitBadInput);
  CHECK_THAT(r.err, Catch::Contains("state.json: --plan takes a Terraform plan (terraform show -json tfplan), not a "
                                    "state"));
  r = run_exposim({"whatif", "--plan", testing::example("web-https-only/estate.json")});
  CHECK(r.code == cli::kExitBadInput);
  CHECK_THAT(r.err, Catch::Contains("not Azure resource JSON"));
  r = run_exposim({"whatif", "--plan", terraform_data("truncated.json")});
  CHECK(r.code == cli::kExitBadInput);
  CHECK_THAT(r.err, Catch::Contains("[json-syntax]"));
  // The workspace's own state beside its plan: every resource twice, which would hide what the plan does.
  const auto dir = testing::scratch_dir("terraform-whatif-state");
  const auto state = dir / "state.json";
  testing::write_file(state, ordered_json::parse(testing::read_file(plan)).at("prior_state").dump());
  r = run_exposim({"whatif", state.string(), "--plan", plan});
  CHECK(r.code == cli::kExitBadInput);
  CHECK_THAT(r.err, Catch::Contains("the plan's resources must not be given again by the other inputs"));
  CHECK(r.out.empty());
  std::filesystem::remove_all(dir);
}

TEST_CASE("check and graph read plans as analyze does", "[terraform][cli]") {
  // nsg.json: vm-web is reachable on 22 from anywhere, which no-management-ports forbids.
  const auto dir = testing::scratch_dir("terraform-whatif");
  const auto spec = dir / "spec.yaml";
  testing::write_file(spec, "version: 1\nassertions:\n  - name: no management ports\n    kind: no-management-ports\n");
  auto r = run_exposim({"check", terraform_data("nsg.json"), "--spec", spec.string()});
  CHECK(r.code == cli::kExitFindings);
  CHECK_THAT(r.out, Catch::Contains("vm-web"));
  testing::write_file(spec, "version: 1\nassertions:\n  - name: no management ports\n    kind: no-management-ports\n");
  r = run_exposim({"check", terraform_data("whatif_close.json"), "--spec", spec.string()});
  CHECK(r.code == cli::kExitOk);  // the plan destroys the rule that admitted 22
  r = run_exposim({"graph", terraform_data("nsg.json"), "--format", "dot"});
  CHECK(r.code == cli::kExitOk);
  CHECK_THAT(r.out, Catch::Contains("vm-web"));
  CHECK_THAT(r.out, Catch::Contains("nsg-web"));
  std::filesystem::remove_all(dir);
}

TEST_CASE("plans that could never apply: one Azure id twice, one priority twice, a rule inline and separate",
          "[terraform]") {
  const auto s = side("duplicates.json", false);
  const Lines got = whatif_plan_diagnostics(s);
  // Two separate rules named allow-ssh in nsg-names: one id; the second is left out, never merged.
  CHECK(std::count(got.begin(), got.end(),
                   "error terraform-duplicate-id azurerm_network_security_rule.ssh_again: "
                   "azurerm_network_security_rule.ssh and azurerm_network_security_rule.ssh_again are one Azure "
                   "resource ('/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg-dup/providers/"
                   "Microsoft.Network/networkSecurityGroups/nsg-names/securityRules/allow-ssh'): the provider will "
                   "not create a resource that exists, so the apply fails; only azurerm_network_security_rule.ssh "
                   "is analysed") == 1);
  // An inline rule and a separate one at priority 100 in nsg-priorities: Azure's validation, with both addresses.
  CHECK(std::count(got.begin(), got.end(),
                   "error duplicate-priority azurerm_network_security_rule.rdp: rules 'https' "
                   "(azurerm_network_security_group.priorities) and "
                   "'allow-rdp' (azurerm_network_security_rule.rdp) of network security group 'nsg-priorities' "
                   "share priority 100 in the same direction") == 1);
  // Rule web inline and separate in nsg-both: a warning; the separate one (8443) is what is analysed.
  CHECK(std::count(got.begin(), got.end(),
                   "warning terraform-rule-conflict azurerm_network_security_rule.web: "
                   "azurerm_network_security_group.both declares 'web' in its security_rule block too: the provider "
                   "does not support a child declared both inline and as a separate resource (each apply overwrites "
                   "the other); this resource, applied after azurerm_network_security_group.both, is analysed") == 1);
  CHECK(got.size() == 3);
  for (const auto& n : s.model.nsgs) {
    std::size_t custom = 0;
    for (const auto& r : n.rules) {
      if (r.is_default) continue;
      ++custom;
      if (n.name == "nsg-names") CHECK(r.destination_ports == model::PortSet::single(22));
      if (n.name == "nsg-both") CHECK(r.destination_ports == model::PortSet::single(8443));
    }
    CHECK(custom == (n.name == "nsg-priorities" ? 2u : 1u));
  }
  // The CLI stops (exit 2) and names the place in the plan.
  auto r = run_exposim({"analyze", terraform_data("duplicates.json")});
  CHECK(r.code == cli::kExitBadInput);
  CHECK_THAT(r.err, Catch::Contains("duplicates.json:"));
  CHECK_THAT(r.err, Catch::Contains("[terraform-duplicate-id]"));
}

TEST_CASE("analyze's JSON names the Terraform address beside the Azure name", "[terraform][cli]") {
  auto r = run_exposim({"analyze", terraform_data("whatif_open.json"), "--format", "json"});
  REQUIRE(r.code == cli::kExitOk);
  const ordered_json report = ordered_json::parse(r.out);
  REQUIRE(report.at("exposures").size() == 2);
  for (const auto& e : report.at("exposures")) {
    CHECK(e.at("target").at("terraform_address") == "azurerm_linux_virtual_machine.app");
    CHECK(e.at("target").at("nic").at("terraform_address") == "azurerm_network_interface.vm");
    CHECK(e.at("entry").at("terraform_address") == "azurerm_public_ip.vm");
    // Beside the name, in the documented order.
    std::vector<std::string> keys;
    for (auto it = e.at("target").begin(); it != e.at("target").end(); ++it) keys.push_back(it.key());
    CHECK(keys == std::vector<std::string>{"id", "name", "terraform_address", "type", "ip", "nic", "ip_configuration"});
  }
  // Azure resource JSON has no such field.
  r = run_exposim({"analyze", testing::example("web-https-only/estate.json"), "--format", "json"});
  CHECK(r.out.find("terraform_address") == std::string::npos);
}
