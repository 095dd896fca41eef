// check's `recommendation` assertion kind: the spec's keys validated with exact messages, and the verdicts over
// findings built by hand (tests/recommend_support.h): ids, severity, status and selectors, each violation naming
// the id, the resource and the evidence, its SARIF result located at the finding's source.
#include <catch2/catch.hpp>

#include <sstream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "check/evaluate.h"
#include "check/spec_parser.h"
#include "cli/check_report.h"
#include "cli/exit_codes.h"
#include "cli_support.h"
#include "recommend_support.h"

namespace {

using exposim::model::ResourceKind;
using namespace exposim::testing;
using recommend_support::catalog;
using recommend_support::sarif_data;

exposim::check::Spec parse(const std::string& text) {
  exposim::model::Diagnostics diags;
  auto spec = exposim::check::parse_spec(text, "spec.json", diags, catalog());
  INFO((diags.items().empty() ? std::string() : exposim::model::to_string(diags.items()[0])));
  REQUIRE(spec);
  return *spec;
}

std::vector<std::string> errors(const std::string& text) {
  exposim::model::Diagnostics diags;
  CHECK_FALSE(exposim::check::parse_spec(text, "spec.json", diags, catalog()));
  std::vector<std::string> out;
  for (const auto& d : diags.sorted()) out.push_back(exposim::model::to_string(d));
  return out;
}

struct Judged {
  recommend_support::Estate e;
  exposim::solver::Recommendations recs;
  exposim::check::Spec spec;
  exposim::check::AssertionResult result;
};

Judged judge(const std::string& assertion) {
  Judged j{recommend_support::estate({sarif_data("resources.json")}),
           {},
           parse(R"({"assertions": [)" + assertion + "]}"),
           {}};
  j.recs = recommend_support::findings(j.e.model);
  j.result = exposim::check::evaluate_recommendation(j.spec.assertions[0], j.e.model, j.recs);
  return j;
}

}  // namespace

TEST_CASE("recommendation assertions parse ids, severity, status and ports", "[check][recommend]") {
  const auto spec = parse(R"({"assertions": [
    {"name": "all", "kind": "recommendation"},
    {"name": "net", "kind": "recommendation", "ids": ["EXP-NET-00?", "exp-net-013"], "severity": "Medium",
     "status": ["healthy", "not-applicable"], "management-ports": [22, "5985-5986"], "risky-ports": 445,
     "select": {"type": "virtual-network", "name": "vnet-*"}}]})");
  const auto& all = spec.assertions[0];
  CHECK(all.kind == exposim::check::AssertionKind::kRecommendation);
  CHECK(all.recommendation_ids.empty());
  CHECK(all.min_severity == exposim::solver::RecommendationSeverity::kLow);
  CHECK(all.allowed_statuses.empty());
  CHECK(all.recommend_options.management_ports == exposim::model::PortSet{{22, 22}, {3389, 3389}, {5985, 5986}});
  const auto& net = spec.assertions[1];
  CHECK(net.recommendation_ids == std::vector<std::string>{"EXP-NET-00?", "exp-net-013"});
  CHECK(net.min_severity == exposim::solver::RecommendationSeverity::kMedium);
  CHECK(net.allowed_statuses ==
        std::vector<exposim::solver::FindingStatus>{exposim::solver::FindingStatus::kHealthy,
                                                    exposim::solver::FindingStatus::kNotApplicable});
  CHECK(net.recommend_options.management_ports == exposim::model::PortSet{{22, 22}, {5985, 5986}});
  CHECK(net.recommend_options.risky_ports == exposim::model::PortSet{{445, 445}});
  CHECK(net.select.types == std::vector<std::string>{"virtual-network"});
}

TEST_CASE("recommendation assertions reject unknown ids, severities, statuses and keys", "[check][recommend]") {
  CHECK(errors(R"({"assertions": [{"name": "a", "kind": "recommendation", "ids": ["EXP-NET-*", "EXP-STO-*"]}]})") ==
        std::vector<std::string>{"spec.json: /assertions/0/ids/1: error: 'EXP-STO-*' matches no recommendation id; "
                                 "expected ids such as EXP-NET-001 or globs such as EXP-NET-* [spec-invalid-value]"});
  CHECK(errors(R"({"assertions": [{"name": "a", "kind": "recommendation", "severity": "critical"}]})") ==
        std::vector<std::string>{"spec.json: /assertions/0/severity: error: 'severity' is 'critical', expected high, "
                                 "medium or low [spec-invalid-value]"});
  CHECK(errors(R"({"assertions": [{"name": "a", "kind": "recommendation", "status": "passing"}]})") ==
        std::vector<std::string>{"spec.json: /assertions/0/status: error: unknown status 'passing'; expected healthy, "
                                 "unhealthy, not-applicable or undecidable [spec-invalid-value]"});
  CHECK(errors(R"({"assertions": [{"name": "a", "kind": "recommendation", "ports": [22]}]})") ==
        std::vector<std::string>{"spec.json: /assertions/0/ports: error: unknown key 'ports' for a recommendation "
                                 "assertion; expected select, ids, severity, status, management-ports, risky-ports "
                                 "[spec-unknown-key]"});
  CHECK(errors(R"({"assertions": [{"name": "a", "kind": "recommendation", "select": {"type": "vm"}}]})").size() == 1);
}

TEST_CASE("recommendation assertion: by default no finding may be unhealthy", "[check][recommend]") {
  const auto j = judge(R"({"name": "clean", "kind": "recommendation"})");
  CHECK_FALSE(j.result.passed);
  CHECK(j.result.summary == "1 of 3 results violate it");
  REQUIRE(j.result.findings.size() == 1);
  const auto& f = j.result.findings[0];
  CHECK(f.kind == ResourceKind::kSubnet);
  CHECK(j.e.model.subnets[f.index].name == "web");
  CHECK(f.reason == "EXP-NET-006 (low) unhealthy: properties.networkSecurityGroup.id = absent");
  REQUIRE(f.where);
  CHECK(f.where->pointer == "/0/properties/subnets/0/properties/networkSecurityGroup");

  // Its SARIF result is located at the finding's source: the subnet's `properties`, line 13 column 25.
  const std::vector<exposim::check::AssertionResult> results = {j.result};
  std::ostringstream out;
  exposim::cli::write_check_sarif(out, {j.e.model, j.e.analysis, j.spec, results, {}});
  const auto log = nlohmann::json::parse(out.str());
  recommend_support::require_sarif_structure(log);
  const auto& result = log.at("runs")[0].at("results")[0];
  CHECK(result.at("message").at("text") ==
        "clean: web (subnet): EXP-NET-006 (low) unhealthy: properties.networkSecurityGroup.id = absent");
  CHECK(result.at("locations")[0].at("physicalLocation").at("region") ==
        nlohmann::json{{"startLine", 13}, {"startColumn", 25}});
}

TEST_CASE("recommendation assertion: severity judges only findings at or above it", "[check][recommend]") {
  // Only EXP-NET-013 (high) is judged, and undecidable is not unhealthy.
  const auto high = judge(R"({"name": "no high", "kind": "recommendation", "severity": "high"})");
  CHECK(high.result.passed);
  CHECK(high.result.summary == "1 result checked, none unhealthy");
  // Required to be healthy, the undecidable one fails: "not checked" is not "checked and fine".
  const auto decided = judge(R"({"name": "decided", "kind": "recommendation", "severity": "high",
                                 "status": "healthy"})");
  CHECK_FALSE(decided.result.passed);
  REQUIRE(decided.result.findings.size() == 1);
  CHECK(decided.result.findings[0].reason ==
        "EXP-NET-013 (high) undecidable: learned from traffic: not decidable before deployment");
  CHECK(decided.result.findings[0].kind == ResourceKind::kVirtualNetwork);
}

TEST_CASE("recommendation assertion: ids and selectors choose the findings judged", "[check][recommend]") {
  const auto db = judge(R"({"name": "db", "kind": "recommendation", "ids": "EXP-NET-006", "status": "healthy",
                            "select": {"name": "db"}})");
  CHECK(db.result.passed);
  CHECK(db.result.selected == 1);
  const auto web = judge(R"({"name": "web", "kind": "recommendation", "ids": "EXP-NET-0*", "status": "healthy",
                             "select": {"vnet": "vnet-app", "type": "subnet", "name": "w*"}})");
  CHECK_FALSE(web.result.passed);
  CHECK(web.result.findings.size() == 1);
  const auto none = judge(R"({"name": "typo", "kind": "recommendation", "select": {"name": "wbe"}})");
  CHECK_FALSE(none.result.passed);
  // wbe is the subnet web with two letters swapped: the message says so.
  CHECK(none.result.summary ==
        "the selector matches no resource with a recommendation; name 'wbe': did you mean 'web'?");
}

TEST_CASE("a recommendation assertion selects a VM by the subnet of its NICs", "[check][recommend]") {
  // open-management: jumpbox's NIC is in subnet mgmt, app's in apps (examples/open-management/vnets.json).
  const auto e =
      recommend_support::estate({example("open-management/nics.json"), example("open-management/nsgs.json"),
                                 example("open-management/public-ips.json"), example("open-management/vms.json"),
                                 example("open-management/vnets.json")});
  exposim::check::Selector sel;
  sel.subnets = {"mgmt"};
  const int jumpbox = recommend_support::index_of(e.model, ResourceKind::kVirtualMachine, "jumpbox");
  const int app = recommend_support::index_of(e.model, ResourceKind::kVirtualMachine, "app");
  CHECK(exposim::check::matches(e.model, sel, {ResourceKind::kVirtualMachine, jumpbox, -1}));
  CHECK_FALSE(exposim::check::matches(e.model, sel, {ResourceKind::kVirtualMachine, app, -1}));
}

TEST_CASE("check runs recommendation assertions end to end", "[check][recommend][cli]") {
  const auto dir = scratch_dir("check-recommendation");
  write_file(dir / "spec.yaml", "assertions:\n  - name: no high\n    kind: recommendation\n    severity: high\n");
  const auto r = run_exposim({"check", sarif_data("resources.json"), "--spec", (dir / "spec.yaml").string()});
  CHECK(r.code == exposim::cli::kExitOk);
  CHECK_THAT(r.out, Catch::StartsWith("PASS  no high (recommendation): "));
}
