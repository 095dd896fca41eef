// `exposim whatif` on security admin rules (Azure Virtual Network Manager): add-admin-rule, remove-admin-rule and
// modify-admin-rule on examples/admin-rules, their diagnostics, and the incremental path (the VNets whose admin
// stage may change, their NICs and what reaches them), checked against a full analysis.
//
// The estate (examples/admin-rules/README.md): web-1 (web-1-nic 10.10.1.4, vnet-prod, public IP 51.105.0.10; NSG
// nsg-web allows TCP 22 and 443 from Internet) and dev-1 (dev-1-nic 10.20.1.4, vnet-dev, 51.105.0.20; nsg-dev
// allows TCP 22 from Internet). Network manager nm-corp: ng-prod holds vnet-prod (static member); ng-dev's members
// are not known. Configuration org-baseline (deployed to westeurope): collection high-risk-ports (ng-prod and
// ng-dev) with deny-ssh (Deny TCP 22 from Internet, 100); collection monitoring (ng-prod) with always-probe
// (AlwaysAllow TCP 8443 from 20.50.0.0/16, 50). Before any change, hand-worked: web-1 TCP 443 from any and TCP 8443
// from 20.50.0.0/16 (22 denied by deny-ssh); dev-1 TCP 22 from any (deny-ssh is not applied to vnet-dev, whose
// membership is undecided).
#include <algorithm>
#include <filesystem>
#include <string>
#include <vector>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "cli/exit_codes.h"
#include "cli/json_parts.h"
#include "cli_support.h"
#include "importers/azure/resource_importer.h"
#include "importers/change.h"
#include "model/validate.h"
#include "solver/exposure.h"
#include "solver/incremental.h"
#include "solver/whatif.h"
#include "tests/whatif_support.h"

namespace exposim::testing {
namespace {

const std::string kAdminEstate = std::string(EXPOSIM_SOURCE_DIR) + "/examples/admin-rules/estate.json";
const std::string kAdminWeb = "networkinterfaces/web-1-nic|";
const std::string kAdminDev = "networkinterfaces/dev-1-nic|";
const std::string kAdminCollectionId =
    "/subscriptions/00000000-0000-0000-0000-000000000001/resourceGroups/rg-network/providers/Microsoft.Network/"
    "networkManagers/nm-corp/securityAdminConfigurations/org-baseline/ruleCollections/monitoring";

/// An add-admin-rule operation into collection `collection` of org-baseline: `access` TCP `port` from `source`.
std::string add_admin(const std::string& collection, const std::string& name, const std::string& access, int priority,
                      const std::string& port, const std::string& source = "Internet",
                      const std::string& source_type = "ServiceTag") {
  return R"({"op": "add-admin-rule", "networkManager": "nm-corp", "securityAdminConfiguration": "org-baseline",
      "ruleCollection": ")" +
         collection + R"(", "rule": {"name": ")" + name + R"(", "kind": "Custom", "properties": {"access": ")" +
         access + R"(", "priority": )" + std::to_string(priority) +
         R"(, "direction": "Inbound", "protocol": "Tcp", "sources": [{"addressPrefix": ")" + source +
         R"(", "addressPrefixType": ")" + source_type +
         R"("}], "destinations": [{"addressPrefix": "*", "addressPrefixType": "IPPrefix"}],
      "sourcePortRanges": [], "destinationPortRanges": [")" +
         port + R"("]}}})";
}

/// The incremental update of `r` from its before model: it stays on the incremental path and equals a full
/// analysis of the after model (exposures and broken flows in their JSON form, path included; findings;
/// targets_evaluated), and the scoped diff equals the full diff.
void check_admin_incremental(const WhatifRun& r) {
  solver::IncrementalAnalysis inc(r.before);
  REQUIRE(inc.update(r.before, r.after, r.changed));
  const auto a = inc.snapshot();
  CHECK(a.targets_evaluated == r.a_after.targets_evaluated);
  CHECK(a.findings.items() == r.a_after.findings.items());
  REQUIRE(a.exposures.size() == r.a_after.exposures.size());
  for (std::size_t i = 0; i < a.exposures.size(); ++i) {
    CHECK(cli::exposure_json(r.after, a.exposures[i]).dump() ==
          cli::exposure_json(r.after, r.a_after.exposures[i]).dump());
  }
  REQUIRE(a.broken.size() == r.a_after.broken.size());
  REQUIRE(inc.last_scope().has_value());
  const auto scoped = solver::diff_scoped(r.before, r.a_before, r.after, a, *inc.last_scope());
  CHECK(scoped.grew == r.diff.grew);
  REQUIRE(scoped.deltas.size() == r.diff.deltas.size());
  for (std::size_t i = 0; i < scoped.deltas.size(); ++i) {
    CHECK(scoped.deltas[i].key == r.diff.deltas[i].key);
    CHECK(scoped.deltas[i].kind == r.diff.deltas[i].kind);
    CHECK(flows(scoped.deltas[i].opened) == flows(r.diff.deltas[i].opened));
    CHECK(flows(scoped.deltas[i].closed) == flows(r.diff.deltas[i].closed));
  }
}

/// The NICs a scope covers, by name.
std::vector<std::string> admin_scoped_nics(const model::Model& m, const solver::AnalysisScope& s) {
  std::vector<std::string> out;
  for (std::size_t n = 0; n < m.nics.size(); ++n) {
    if (s.nic(static_cast<int>(n))) out.push_back(m.nics[n].name);
  }
  std::sort(out.begin(), out.end());
  return out;
}

}  // namespace

TEST_CASE("whatif admin rules: the estate before any change", "[whatif][admin-rules]") {
  auto r = run_whatif(change_doc(R"({"op": "remove-admin-rule", "ruleCollection": "monitoring",
      "rule": "always-probe"})"),
                      kAdminEstate);
  REQUIRE(r.applied);
  std::vector<std::string> web, dev;
  for (const auto& e : r.a_before.exposures) {
    (r.before.nics[e.nic].name == "web-1-nic" ? web : dev).push_back(flow(e));
  }
  std::sort(web.begin(), web.end());
  CHECK(web == std::vector<std::string>{"tcp 443 any", "tcp 8443 20.50.0.0/16"});
  CHECK(dev == std::vector<std::string>{"tcp 22 any"});
}

TEST_CASE("whatif add-admin-rule: a Deny 443 in monitoring closes HTTPS on web-1 only", "[whatif][admin-rules]") {
  // monitoring applies to ng-prod (vnet-prod): web-1 loses 443 (and keeps 8443: a change of its exposure, not a
  // closure); dev-1 is not in the collection's groups.
  auto r = run_whatif(change_doc(add_admin("monitoring", "deny-https", "Deny", 60, "443")), kAdminEstate);
  REQUIRE(r.applied);
  CHECK_FALSE(r.diff.grew);
  REQUIRE(r.diff.deltas.size() == 1);
  CHECK(delta(r, kAdminWeb).kind == solver::WhatifDelta::Kind::kChanged);
  CHECK(delta(r, kAdminWeb).opened.empty());
  CHECK(flows(delta(r, kAdminWeb).closed) == std::vector<std::string>{"tcp 443 any"});
  REQUIRE(r.changed.size() == 1);
  CHECK(r.changed[0].kind == model::ResourceKind::kAdminRule);
  CHECK(r.changed[0].key == model::canonical_id(kAdminCollectionId + "/rules/deny-https"));
  check_admin_incremental(r);
  const auto scope = solver::scope_of_change(r.before, r.after, r.changed);
  REQUIRE(scope.has_value());
  CHECK(admin_scoped_nics(r.after, *scope) == std::vector<std::string>{"web-1-nic"});
}

TEST_CASE("whatif add-admin-rule: an AlwaysAllow in high-risk-ports opens 3389 on both VMs past their NSGs",
          "[whatif][admin-rules]") {
  // high-risk-ports applies to ng-prod and ng-dev: on vnet-dev the membership is undecided, and an AlwaysAllow
  // rule is applied there (it can never hide an exposure). Both NSGs would deny 3389; AlwaysAllow skips them.
  auto r = run_whatif(
      change_doc(add_admin("high-risk-ports", "always-rdp", "AlwaysAllow", 10, "3389", "52.1.0.0/16", "IPPrefix")),
      kAdminEstate);
  REQUIRE(r.applied);
  CHECK(r.diff.grew);
  CHECK(flows(delta(r, kAdminWeb).opened) == std::vector<std::string>{"tcp 3389 52.1.0.0/16"});
  CHECK(flows(delta(r, kAdminDev).opened) == std::vector<std::string>{"tcp 3389 52.1.0.0/16"});
  check_admin_incremental(r);
  const auto scope = solver::scope_of_change(r.before, r.after, r.changed);
  REQUIRE(scope.has_value());
  CHECK(admin_scoped_nics(r.after, *scope) == std::vector<std::string>{"dev-1-nic", "web-1-nic"});
}

TEST_CASE("whatif add-admin-rule: a Deny where membership is undecided changes nothing and scopes nothing",
          "[whatif][admin-rules]") {
  // A Deny rule in high-risk-ports on port 443: applied to vnet-prod (web-1 loses 443), not to vnet-dev (undecided):
  // dev-1 is out of the scope.
  auto r = run_whatif(change_doc(add_admin("high-risk-ports", "deny-https", "Deny", 200, "443")), kAdminEstate);
  REQUIRE(r.applied);
  CHECK(flows(delta(r, kAdminWeb).closed) == std::vector<std::string>{"tcp 443 any"});
  check_admin_incremental(r);
  const auto scope = solver::scope_of_change(r.before, r.after, r.changed);
  REQUIRE(scope.has_value());
  CHECK(admin_scoped_nics(r.after, *scope) == std::vector<std::string>{"web-1-nic"});
}

TEST_CASE("whatif remove-admin-rule: removing deny-ssh opens SSH on web-1", "[whatif][admin-rules]") {
  // deny-ssh goes: nsg-web's allow-ssh decides 22 again. The rules after it are renumbered (always-probe), which
  // the incremental path must follow.
  auto r = run_whatif(change_doc(R"({"op": "remove-admin-rule", "networkManager": "nm-corp",
      "securityAdminConfiguration": "org-baseline", "ruleCollection": "high-risk-ports", "rule": "deny-ssh"})"),
                      kAdminEstate);
  REQUIRE(r.applied);
  CHECK(r.diff.grew);
  REQUIRE(r.diff.deltas.size() == 1);
  CHECK(flows(delta(r, kAdminWeb).opened) == std::vector<std::string>{"tcp 22 any"});
  CHECK(r.after.admin_rules.size() + 1 == r.before.admin_rules.size());
  check_admin_incremental(r);
}

TEST_CASE("whatif modify-admin-rule: access, ports and sources", "[whatif][admin-rules]") {
  SECTION("always-probe becomes Deny: 8443 closes for the monitoring range") {
    // The admin stage's rule list and destinations are unchanged: only the access differs (the kept subnet
    // stages of vnet-prod must be forgotten).
    auto r = run_whatif(change_doc(R"({"op": "modify-admin-rule", "ruleCollection": "monitoring",
        "rule": "always-probe", "set": {"access": "Deny"}})"),
                        kAdminEstate);
    REQUIRE(r.applied);
    CHECK(flows(delta(r, kAdminWeb).closed) == std::vector<std::string>{"tcp 8443 20.50.0.0/16"});
    check_admin_incremental(r);
  }
  SECTION("a patch that changes nothing: the rule written back and read again is the same rule") {
    for (const auto& [collection, rule] : std::vector<std::pair<std::string, std::string>>{
             {"high-risk-ports", "deny-ssh"}, {"monitoring", "always-probe"}}) {
      INFO(rule);
      auto r = run_whatif(change_doc(R"({"op": "modify-admin-rule", "ruleCollection": ")" + collection +
                                     R"(", "rule": ")" + rule + R"(", "set": {"direction": "Inbound"}})"),
                          kAdminEstate);
      REQUIRE(r.applied);
      CHECK(r.diff.deltas.empty());
      REQUIRE(r.after.admin_rules.size() == r.before.admin_rules.size());
      for (std::size_t i = 0; i < r.after.admin_rules.size(); ++i) {
        const auto& x = r.before.admin_rules[i];
        const auto& y = r.after.admin_rules[i];
        CHECK(x.key == y.key);
        CHECK(x.access == y.access);
        CHECK(x.rule.priority == y.rule.priority);
        CHECK(x.rule.protocols == y.rule.protocols);
        CHECK(x.rule.source.any == y.rule.source.any);
        CHECK(x.rule.source.prefixes == y.rule.source.prefixes);
        CHECK(x.rule.source.tags == y.rule.source.tags);
        CHECK(x.rule.destination.any == y.rule.destination.any);
        CHECK(x.rule.destination_ports == y.rule.destination_ports);
        CHECK(x.rule.source_ports == y.rule.source_ports);
        CHECK(x.collection.id == y.collection.id);
      }
    }
  }
  SECTION("deny-ssh moved to 3389: SSH opens on web-1") {
    auto r = run_whatif(change_doc(R"({"op": "modify-admin-rule", "ruleCollection": "high-risk-ports",
        "rule": "deny-ssh", "set": {"destinationPortRanges": ["3389"]}})"),
                        kAdminEstate);
    REQUIRE(r.applied);
    CHECK(flows(delta(r, kAdminWeb).opened) == std::vector<std::string>{"tcp 22 any"});
    check_admin_incremental(r);
  }
  SECTION("always-probe from one /24 only: 8443 narrows") {
    auto r = run_whatif(
        change_doc(R"({"op": "modify-admin-rule", "ruleCollection": )" + nlohmann::json(kAdminCollectionId).dump() +
                   R"(, "rule": "always-probe", "set": {"sources":
        [{"addressPrefix": "20.50.1.0/24", "addressPrefixType": "IPPrefix"}]}})"),
        kAdminEstate);
    REQUIRE(r.applied);
    CHECK(delta(r, kAdminWeb).kind == solver::WhatifDelta::Kind::kChanged);
    CHECK(flows(delta(r, kAdminWeb).opened).empty());
    const auto closed = flows(delta(r, kAdminWeb).closed);
    REQUIRE(closed.size() == 1);
    CHECK(closed[0].rfind("tcp 8443 20.50.0.0/24,20.50.2.0/23,", 0) == 0);
    check_admin_incremental(r);
  }
}

TEST_CASE("whatif admin rules: add then modify then remove is no change, and YAML documents work",
          "[whatif][admin-rules]") {
  const std::string yaml = R"(changes:
  - op: add-admin-rule
    ruleCollection: monitoring
    rule:
      name: deny-https
      properties:
        access: Deny
        priority: 60
        direction: Inbound
        protocol: Tcp
        sources: [{addressPrefix: Internet, addressPrefixType: ServiceTag}]
        destinations: []
        destinationPortRanges: ["443"]
  - op: modify-admin-rule
    ruleCollection: monitoring
    rule: deny-https
    set: {priority: 61}
  - op: remove-admin-rule
    ruleCollection: monitoring
    rule: deny-https
)";
  auto r = run_whatif(yaml, kAdminEstate);
  REQUIRE(r.applied);
  CHECK(r.diff.deltas.empty());
  check_admin_incremental(r);
}

TEST_CASE("whatif admin rules: bad changes are errors at their pointer", "[whatif][admin-rules]") {
  struct Case {
    std::string change;
    std::string code;
    std::string pointer;
    std::string message_part;
  };
  const std::vector<Case> cases = {
      {change_doc(R"({"op": "remove-admin-rule", "ruleCollection": "monitorin", "rule": "x"})"),
       "change-target-unknown", "/changes/0/ruleCollection",
       "no security admin rule collection named 'monitorin' in the inputs (give its name or resource id); did you "
       "mean 'monitoring'?"},
      {change_doc(R"({"op": "remove-admin-rule", "networkManager": "nm-other", "ruleCollection": "monitoring",
          "rule": "x"})"),
       "change-target-unknown", "/changes/0/ruleCollection", "no security admin rule collection named 'monitoring'"},
      {change_doc(R"({"op": "remove-admin-rule", "ruleCollection": "monitoring", "rule": "always-prob"})"),
       "change-target-unknown", "/changes/0", "security admin rule collection 'monitoring' has no rule named"},
      {change_doc(R"({"op": "modify-admin-rule", "ruleCollection": "monitoring", "rule": "nope",
          "set": {"priority": 1}})"),
       "change-target-unknown", "/changes/0/rule", "has no rule named 'nope'"},
      {change_doc(add_admin("monitoring", "always-probe", "Deny", 70, "22")), "change-invalid", "/changes/0",
       "already has a rule named 'always-probe' (use modify-admin-rule)"},
      {change_doc(add_admin("monitoring", "r", "Deny", 5000, "22")), "invalid-value",
       "/changes/0/rule/properties/priority", "priority 5000 is above 4096"},
      {change_doc(R"({"op": "modify-admin-rule", "ruleCollection": "monitoring", "rule": "always-probe",
          "set": {"access": "Maybe"}})"),
       "invalid-value", "/changes/0/set/access", "access 'Maybe' is not Allow, Deny or AlwaysAllow"},
      {change_doc(R"({"op": "add-admin-rule", "ruleCollection": "monitoring", "rule": {"properties": {}}})"),
       "change-invalid", "/changes/0/rule", "the admin rule has no 'name'"},
      {change_doc(R"({"op": "add-admin-rule", "ruleCollection": "monitoring", "rule": {"name": "d",
          "kind": "Default", "properties": {}}})"),
       "change-invalid", "/changes/0/rule", "the admin rule could not be read"},
      {change_doc(R"({"op": "remove-admin-rule", "ruleCollection": "monitoring", "rule": "always-probe",
          "nsg": "x"})"),
       "change-invalid", "/changes/0/nsg", "'remove-admin-rule' operation has no field 'nsg'"},
  };
  for (const auto& c : cases) {
    INFO(c.change);
    auto r = run_whatif(c.change, kAdminEstate);
    REQUIRE_FALSE(r.applied);
    const auto& items = r.diags.items();
    const auto it = std::find_if(items.begin(), items.end(),
                                 [](const model::Diagnostic& d) { return d.severity == model::Severity::kError; });
    REQUIRE(it != items.end());
    CHECK(it->code == c.code);
    CHECK(it->where.pointer == c.pointer);
    CHECK_THAT(it->message, Catch::Contains(c.message_part));
  }
}

TEST_CASE("whatif admin rules: a collection name in two configurations is ambiguous until narrowed",
          "[whatif][admin-rules]") {
  // A second configuration, org-extra, with a collection also named monitoring (and one rule, probe-2).
  auto estate = nlohmann::json::parse(read_file(kAdminEstate));
  const std::string config =
      "/subscriptions/00000000-0000-0000-0000-000000000001/resourceGroups/rg-network/providers/Microsoft.Network/"
      "networkManagers/nm-corp/securityAdminConfigurations/org-extra";
  estate.push_back({{"id", config},
                    {"name", "org-extra"},
                    {"type", "Microsoft.Network/networkManagers/securityAdminConfigurations"},
                    {"properties", nlohmann::json::object()}});
  estate.push_back({{"id", config + "/ruleCollections/monitoring"},
                    {"name", "monitoring"},
                    {"type", "Microsoft.Network/networkManagers/securityAdminConfigurations/ruleCollections"},
                    {"properties", {{"appliesToGroups", nlohmann::json::array()}}}});
  const auto dir = scratch_dir("whatif-admin-ambiguous");
  write_file(dir / "estate.json", estate.dump());
  model::Model m;
  model::Diagnostics diags;
  importers::azure::import_file((dir / "estate.json").string(), m, diags);
  REQUIRE_FALSE(diags.has_errors());
  std::vector<model::Changed> changed;
  auto copy = m;
  CHECK_FALSE(importers::apply_change_text(
      change_doc(R"({"op": "remove-admin-rule", "ruleCollection": "monitoring", "rule": "always-probe"})"),
      "change.json", copy, diags, changed));
  REQUIRE(diags.has_errors());
  CHECK(diags.items().back().code == "change-ambiguous");
  CHECK(diags.items().back().where.pointer == "/changes/0/ruleCollection");
  CHECK_THAT(diags.items().back().message,
             Catch::Contains("2 security admin rule collection resources are named 'monitoring'"));
  model::Diagnostics ok;
  copy = m;
  CHECK(importers::apply_change_text(
      change_doc(R"({"op": "remove-admin-rule", "securityAdminConfiguration": "org-baseline",
          "ruleCollection": "monitoring", "rule": "always-probe"})"),
      "change.json", copy, ok, changed));
  CHECK(copy.admin_rules.size() + 1 == m.admin_rules.size());
  std::filesystem::remove_all(dir);
}

TEST_CASE("whatif admin rules: adding a Deny 22 admin rule closes SSH on web-1, named in the report",
          "[whatif][admin-rules][cli]") {
  // Base: deny-ssh removed, so nsg-web's allow-ssh admits TCP 22 from any to web-1 (the admin stage matches no
  // rule on vnet-prod for 22). The change adds block-ssh (Deny TCP 22 from Internet) to monitoring (ng-prod):
  // web-1's SSH closes, dev-1 (not in ng-prod) keeps it.
  const std::string base = change_doc(R"({"op": "remove-admin-rule", "ruleCollection": "high-risk-ports",
      "rule": "deny-ssh"})");
  const std::string change = change_doc(add_admin("monitoring", "block-ssh", "Deny", 100, "22"));
  auto r = run_whatif(change, kAdminEstate, base);
  REQUIRE(r.applied);
  CHECK_FALSE(r.diff.grew);
  REQUIRE(r.diff.deltas.size() == 1);
  // web-1 keeps 443 and 8443: its exposure changed, with SSH its closed part.
  CHECK(delta(r, kAdminWeb).kind == solver::WhatifDelta::Kind::kChanged);
  CHECK(delta(r, kAdminWeb).opened.empty());
  CHECK(flows(delta(r, kAdminWeb).closed) == std::vector<std::string>{"tcp 22 any"});
  check_admin_incremental(r);

  // The CLI on an estate where SSH is all web-1 exposes: deny-ssh and always-probe not in the export, nsg-web
  // without allow-https. Adding block-ssh closes web-1 (its only exposure goes), and the report names the rule.
  const auto dir = scratch_dir("whatif-admin");
  auto estate = nlohmann::json::parse(read_file(kAdminEstate));
  estate.erase(std::remove_if(estate.begin(), estate.end(),
                              [](const nlohmann::json& x) {
                                const auto name = x.value("name", "");
                                return name == "deny-ssh" || name == "always-probe";
                              }),
               estate.end());
  for (auto& x : estate) {
    if (x.value("name", "") != "nsg-web") continue;
    auto& rules = x["properties"]["securityRules"];
    rules.erase(std::remove_if(rules.begin(), rules.end(),
                               [](const nlohmann::json& rule) { return rule.value("name", "") == "allow-https"; }),
                rules.end());
  }
  write_file(dir / "estate.json", estate.dump(2));
  write_file(dir / "change.json", change);
  const auto text = run_exposim({"whatif", (dir / "estate.json").string(), "--change", (dir / "change.json").string()});
  INFO(text.out);
  CHECK(text.code == cli::kExitOk);
  CHECK_THAT(text.out, Catch::Contains("0 newly exposed, 1 closed, 0 changed"));
  CHECK_THAT(text.out, Catch::Contains("changed resources: admin-rule 'block-ssh'"));
  // The SSH exposure that closed, with the path it had before (no admin rule applied to vnet-prod: nsg-web decided).
  CHECK_THAT(text.out, Catch::Contains("- closed  web-1-nic  10.10.1.4  51.105.0.10  public-ip  tcp    22     any"));
  CHECK_THAT(text.out, Catch::Contains("subnet: nsg-web/allow-ssh (100) > nic: no NSG"));
  const auto json = run_exposim(
      {"whatif", (dir / "estate.json").string(), "--change", (dir / "change.json").string(), "--format", "json"});
  REQUIRE(json.code == cli::kExitOk);
  const auto j = nlohmann::json::parse(json.out);
  REQUIRE(j["differences"].size() == 1);
  CHECK(j["differences"][0]["change"] == "closed");
  CHECK(j["differences"][0]["closed"][0]["ports"] == nlohmann::json::parse("[[22, 22]]"));
  REQUIRE(j["changed_resources"].size() == 1);
  CHECK(j["changed_resources"][0]["kind"] == "admin-rule");
  CHECK(j["changed_resources"][0]["name"] == "block-ssh");
  // A removed admin rule is named from the estate before the change.
  write_file(dir / "remove.json", change_doc(R"({"op": "remove-admin-rule", "ruleCollection": "monitoring",
      "rule": "always-probe"})"));
  const auto removed = run_exposim({"whatif", kAdminEstate, "--change", (dir / "remove.json").string()});
  CHECK_THAT(removed.out, Catch::Contains("changed resources: admin-rule 'always-probe'"));
  // --write: the added rule as an Azure resource, which imports back to the same rule.
  const auto written = dir / "written.json";
  REQUIRE(run_exposim({"whatif", (dir / "estate.json").string(), "--change", (dir / "change.json").string(), "--write",
                       written.string()})
              .code == cli::kExitOk);
  const auto w = nlohmann::json::parse(read_file(written));
  REQUIRE(w.size() == 1);
  CHECK(w[0]["type"] == "Microsoft.Network/networkManagers/securityAdminConfigurations/ruleCollections/rules");
  CHECK(w[0]["kind"] == "Custom");
  CHECK(w[0]["properties"]["access"] == "Deny");
  CHECK(w[0]["properties"]["destinationPortRanges"] == nlohmann::json::parse(R"(["22"])"));
  CHECK(w[0]["properties"]["sources"] ==
        nlohmann::json::parse(R"([{"addressPrefix": "Internet", "addressPrefixType": "ServiceTag"}])"));
  std::filesystem::remove_all(dir);
}

}  // namespace exposim::testing
