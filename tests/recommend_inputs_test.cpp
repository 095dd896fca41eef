// `exposim recommend` end to end on the three kinds of input (resource JSON, a deployment template, a Terraform
// plan): the property recommendations decided from what each input says, located at the line of the property (or
// of the resource when the property is absent). Expected statuses and lines are read from the fixtures by hand.
#include <catch2/catch.hpp>

#include <map>
#include <string>
#include <tuple>
#include <vector>

#include <nlohmann/json.hpp>

#include "cli/exit_codes.h"
#include "cli_support.h"
#include "recommend_fixture.h"

using namespace exposim::testing;

namespace {

/// (id, resource name) -> (status, line of the finding's property evidence).
using Results = std::map<std::pair<std::string, std::string>, std::pair<std::string, int>>;

Results recommend_json(const std::string& input, const std::vector<std::string>& ids) {
  const auto r = run_exposim({"recommend", input, "--all", "--format", "json"});
  INFO(r.err);
  REQUIRE(r.code == exposim::cli::kExitOk);
  Results out;
  const auto doc = nlohmann::json::parse(r.out);
  for (const auto& f : doc.at("findings")) {
    const auto id = f.at("id").get<std::string>();
    bool wanted = false;
    for (const auto& w : ids) wanted = wanted || w == id;
    if (!wanted) continue;
    int line = 0;
    const auto& props = f.at("evidence").at("properties");
    if (!props.empty() && props[0].contains("line")) line = props[0].at("line").get<int>();
    const auto name = f.at("resource").at("name").get<std::string>();
    out[{id, name}] = {f.at("status").get<std::string>(), line};
  }
  return out;
}

}  // namespace

TEST_CASE("recommend inputs: encryption at host from a deployment template", "[cli][recommend]") {
  const auto r = recommend_json(recommend_support::sarif_data("../posture/vm_template.json"), {"EXP-VM-001"});
  // tmpl-vm: "[parameters('encryptionAtHost')]" with no value (line 49): only known at deployment, never healthy.
  CHECK(r.at({"EXP-VM-001", "tmpl-vm"}) == std::pair<std::string, int>{"undecidable", 49});
  // tmpl-bare: no securityProfile: absent, located at the resource's object (line 91).
  CHECK(r.at({"EXP-VM-001", "tmpl-bare"}) == std::pair<std::string, int>{"unhealthy", 91});
  // tmpl-unknowns: "encryptionAtHost": false on line 122.
  CHECK(r.at({"EXP-VM-001", "tmpl-unknowns"}) == std::pair<std::string, int>{"unhealthy", 122});
}

TEST_CASE("recommend inputs: encryption at host and SSH passwords from a Terraform plan", "[cli][recommend]") {
  const std::string plan = recommend_support::sarif_data("../terraform/machine_posture.json");
  const auto r = recommend_json(plan, {"EXP-VM-001", "EXP-VM-004"});
  // azurerm_linux_virtual_machine.linux: encryption_at_host_enabled true, disable_password_authentication false
  // (line 25 of planned_values).
  CHECK(r.at({"EXP-VM-001", "vm-linux"}).first == "healthy");
  CHECK(r.at({"EXP-VM-004", "vm-linux"}) == std::pair<std::string, int>{"unhealthy", 25});
  // azurerm_windows_virtual_machine.win: encryption_at_host_enabled null, known after apply.
  CHECK(r.at({"EXP-VM-001", "vm-win"}).first == "undecidable");
  CHECK(r.at({"EXP-VM-004", "vm-win"}).first == "not-applicable");
  // The scale set: encryption_at_host_enabled false on line 133; passwords disabled.
  CHECK(r.at({"EXP-VM-001", "ss-linux"}) == std::pair<std::string, int>{"unhealthy", 133});
  CHECK(r.at({"EXP-VM-004", "ss-linux"}).first == "healthy");
  // The legacy azurerm_virtual_machine has no encryption-at-host attribute: absent, at the resource (line 226).
  CHECK(r.at({"EXP-VM-001", "vm-legacy"}) == std::pair<std::string, int>{"unhealthy", 226});

  // SARIF locates the same findings at those lines.
  const auto s = run_exposim({"recommend", plan, "--format", "sarif"});
  REQUIRE(s.code == exposim::cli::kExitOk);
  const auto doc = nlohmann::json::parse(s.out);
  recommend_support::require_sarif_structure(doc);
  std::map<std::string, int> lines;
  for (const auto& res : doc.at("runs")[0].at("results")) {
    const std::string key = res.at("ruleId").get<std::string>() + " " +
                            res.at("locations")[0].at("logicalLocations")[0].at("name").get<std::string>();
    lines[key] = res.at("locations")[0].at("physicalLocation").at("region").at("startLine");
  }
  CHECK(lines.at("EXP-VM-004 vm-linux") == 25);
  CHECK(lines.at("EXP-VM-001 ss-linux") == 133);
}

TEST_CASE("recommend inputs: machine posture from resource JSON", "[cli][recommend]") {
  const auto r =
      recommend_json(recommend_support::sarif_data("../posture/vm_resources.json"), {"EXP-VM-001", "EXP-VM-004"});
  // ss: "encryptionAtHost": false (line 82) and password authentication allowed (line 83).
  CHECK(r.at({"EXP-VM-001", "ss"}) == std::pair<std::string, int>{"unhealthy", 82});
  CHECK(r.at({"EXP-VM-004", "ss"}) == std::pair<std::string, int>{"unhealthy", 83});
  // bare-vm: no security profile: absent, at the resource (line 48).
  CHECK(r.at({"EXP-VM-001", "bare-vm"}) == std::pair<std::string, int>{"unhealthy", 48});
}
