// SARIF 2.1.0 (cli/sarif.h): the structure the schema requires, artifact URIs, and regions at the line of the input
// that causes a result, on fixtures whose lines are counted by hand: resource JSON, an ARM template (a subnet
// given by an expression is located at the expression) and a Terraform plan, through `check --sarif`.
#include <catch2/catch.hpp>

#include <sstream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "cli/exit_codes.h"
#include "cli/sarif.h"
#include "cli_support.h"
#include "recommend_fixture.h"

namespace {

using exposim::cli::artifact_uri;
using exposim::cli::SarifResult;
using exposim::cli::SarifRule;
using exposim::cli::write_sarif;
using namespace exposim::testing;
using recommend_support::require_sarif_structure;
using recommend_support::sarif_data;

/// `exposim check FILE --spec tests/data/sarif/spec.json --sarif OUT` (every subnet must have an NSG); the regions of
/// its results as "line:column", in result order.
std::vector<std::string> check_regions(const std::string& file) {
  const auto out = scratch_dir("sarif") / "check.sarif";
  const auto r = run_exposim({"check", sarif_data(file), "--spec", sarif_data("spec.json"), "--sarif", out.string()});
  CHECK(r.code == exposim::cli::kExitFindings);
  const auto log = nlohmann::json::parse(read_file(out));
  require_sarif_structure(log);
  std::vector<std::string> regions;
  for (const auto& result : log.at("runs")[0].at("results")) {
    const auto& phys = result.at("locations")[0].at("physicalLocation");
    CHECK_THAT(phys.at("artifactLocation").at("uri").get<std::string>(), Catch::EndsWith("tests/data/sarif/" + file));
    const auto& region = phys.at("region");
    regions.push_back(std::to_string(region.at("startLine").get<int>()) + ":" +
                      std::to_string(region.at("startColumn").get<int>()));
  }
  return regions;
}

}  // namespace

TEST_CASE("check SARIF locates a subnet of resource JSON at its object", "[cli][sarif]") {
  // resources.json: subnet web's object opens on line 10, db's on line 15, both at column 9.
  CHECK(check_regions("resources.json") == std::vector<std::string>{"10:9", "15:9"});
}

TEST_CASE("check SARIF locates a subnet of an ARM template at its element, an expression included", "[cli][sarif]") {
  // template.json: the subnets array of the vnet holds "[variables('webSubnet')]" on line 26 and db's object on line
  // 27, both at column 11: the web subnet came from the expression, which is where the template declares it.
  CHECK(check_regions("template.json") == std::vector<std::string>{"26:11", "27:11"});
}

TEST_CASE("check SARIF locates a resource of a Terraform plan at its planned value", "[cli][sarif]") {
  // plan.json: azurerm_subnet.web is the second resource of planned_values, its object opening on line 20, column 9.
  CHECK(check_regions("plan.json") == std::vector<std::string>{"20:9"});
}

TEST_CASE("artifact URIs are relative below the current directory and file URIs elsewhere", "[cli][sarif]") {
  CHECK(artifact_uri("infra/vnet.json", "/repo") == "infra/vnet.json");
  CHECK(artifact_uri("./infra/../main.json", "/repo") == "main.json");
  CHECK(artifact_uri("/repo/infra/web app.json", "/repo") == "infra/web%20app.json");
  CHECK(artifact_uri("/repo/infra/x.json", "/repo/") == "infra/x.json");
  CHECK(artifact_uri("/elsewhere/x.json", "/repo") == "file:///elsewhere/x.json");
  CHECK(artifact_uri("../sibling/x.json", "/repo/sub") == "file:///repo/sibling/x.json");
  CHECK(exposim::cli::file_uri("/tmp/a b.json") == "file:///tmp/a%20b.json");
}

TEST_CASE("write_sarif: rule indexes, kinds and levels, regions and their fallback", "[cli][sarif]") {
  std::vector<SarifRule> rules(2);
  rules[0].id = "R1";
  rules[0].name = "first";
  rules[0].short_description = "first rule";
  rules[0].help_uri = "https://example.org/r1";
  rules[0].level = "warning";
  rules[0].properties = {{"security-severity", "6.9"}};
  rules[1].id = "R2";
  rules[1].name = "second";
  rules[1].short_description = "second rule";

  std::vector<SarifResult> results(4);
  results[0].rule_id = "R2";
  results[0].message = "in the file";
  // A property the file has: "addressPrefix" of subnet db, line 18, column 44.
  results[0].where = {sarif_data("resources.json"), "/0/properties/subnets/1/properties/addressPrefix", 0, 0};
  results[0].resource_name = "db";
  results[0].resource_id = "/subscriptions/x/db";
  results[0].fingerprints = {{"exposimFinding/v1", "0123"}};
  results[1].rule_id = "R1";
  results[1].kind = "pass";
  results[1].level = "warning";
  results[1].message = "a property the file does not have\x01";
  // Absent from the file: the nearest value it has, vnet-app's `properties` on line 7, column 19.
  results[1].where = {sarif_data("resources.json"), "/0/properties/enableDdosProtection", 0, 0};
  results[2].rule_id = "R1";
  results[2].kind = "notApplicable";
  results[2].message = "a line already known";
  results[2].where = {sarif_data("resources.json"), "", 3, 5};
  results[3].rule_id = "R2";
  results[3].message = "a file that is not there";
  results[3].where = {sarif_data("no-such-file.json"), "/0", 0, 0};

  std::ostringstream out;
  write_sarif(out, "https://example.org", rules, results, EXPOSIM_SOURCE_DIR);
  const auto log = nlohmann::json::parse(out.str());
  require_sarif_structure(log);
  const auto& run = log.at("runs")[0];
  CHECK(run.at("tool").at("driver").at("rules")[0].at("defaultConfiguration").at("level") == "warning");
  CHECK(run.at("tool").at("driver").at("rules")[0].at("properties").at("security-severity") == "6.9");
  CHECK_FALSE(run.at("tool").at("driver").at("rules")[1].contains("helpUri"));
  const auto& r = run.at("results");
  REQUIRE(r.size() == 4);
  CHECK(r[0].at("ruleIndex") == 1);
  CHECK(r[0].at("level") == "error");
  CHECK_FALSE(r[0].contains("kind"));
  const auto& loc0 = r[0].at("locations")[0];
  CHECK(loc0.at("physicalLocation").at("artifactLocation").at("uri") == "tests/data/sarif/resources.json");
  CHECK(loc0.at("physicalLocation").at("region") == nlohmann::json{{"startLine", 18}, {"startColumn", 44}});
  CHECK(loc0.at("logicalLocations")[0].at("fullyQualifiedName") == "/subscriptions/x/db");
  CHECK(r[0].at("partialFingerprints").at("exposimFinding/v1") == "0123");
  CHECK(r[1].at("kind") == "pass");
  CHECK(r[1].at("level") == "none");
  CHECK(r[1].at("message").at("text") == "a property the file does not have ");
  CHECK(r[1].at("locations")[0].at("physicalLocation").at("region") ==
        nlohmann::json{{"startLine", 7}, {"startColumn", 19}});
  CHECK_FALSE(r[1].at("locations")[0].contains("logicalLocations"));
  CHECK(r[2].at("locations")[0].at("physicalLocation").at("region") ==
        nlohmann::json{{"startLine", 3}, {"startColumn", 5}});
  CHECK_FALSE(r[3].at("locations")[0].at("physicalLocation").contains("region"));
}
