// `exposim check` and security admin rules (Azure Virtual Network Manager): a flow assertion's `admin-rule` (the
// rule expected to decide the packet, or none), and the evidence of failing assertions naming the deciding admin
// rule in the text, JUnit and SARIF reports. On examples/admin-rules, worked out by hand in its README: deny-ssh
// (Deny TCP 22 from Internet, 100) drops SSH to web-1 (51.105.0.10) although nsg-web allows it; always-probe
// (AlwaysAllow TCP 8443 from 20.50.0.0/16, 50) admits the monitoring range past nsg-web; nothing applies to dev-1's
// VNet (51.105.0.20), whose network group membership is undecided (deny-ssh, a Deny rule, is not applied there).
#include <catch2/catch.hpp>

#include <sstream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "cli/check_report.h"
#include "tests/check_support.h"

namespace exposim::testing {
namespace {

const std::string kCheckAdminEstate = std::string(EXPOSIM_SOURCE_DIR) + "/examples/admin-rules/estate.json";

CheckedEstate check_admin(const std::string& assertions) { return check_estate(kCheckAdminEstate, assertions); }

std::string admin_flow(const std::string& name, const std::string& to, int port, const std::string& from,
                       const std::string& expect, const std::string& admin_rule) {
  return R"({"name": ")" + name + R"(", "kind": "flow", "from": ")" + from + R"(", "to": ")" + to + R"(", "port": )" +
         std::to_string(port) + R"(, "expect": ")" + expect + R"(", "admin-rule": ")" + admin_rule + R"("})";
}

}  // namespace

TEST_CASE("check flow admin-rule: the deciding admin rule, by name, id glob or none", "[check][admin-rules]") {
  const auto c = check_admin(
      "[" + admin_flow("deny-ssh decides", "51.105.0.10", 22, "52.99.0.1", "denied", "deny-ssh") + "," +
      admin_flow("by id glob", "51.105.0.10", 22, "52.99.0.1", "denied", "*/ruleCollections/high-risk-ports/rules/*") +
      "," + admin_flow("always-probe decides", "51.105.0.10", 8443, "20.50.1.1", "allowed", "always-probe") + "," +
      admin_flow("no admin rule matches 443", "51.105.0.10", 443, "52.99.0.1", "allowed", "none") + "," +
      admin_flow("none apply to dev-1", "51.105.0.20", 22, "52.99.0.1", "allowed", "none") + "]");
  REQUIRE(c.results.size() == 5);
  for (const auto& r : c.results) {
    INFO(r.assertion->name);
    CHECK(r.passed);
  }
}

TEST_CASE("check flow admin-rule: another rule or none deciding fails, with the reason and the trace",
          "[check][admin-rules]") {
  const auto c = check_admin(
      "[" + admin_flow("expects always-probe on 22", "51.105.0.10", 22, "52.99.0.1", "denied", "always-probe") + "," +
      admin_flow("expects deny-ssh on 443", "51.105.0.10", 443, "52.99.0.1", "allowed", "deny-ssh") + "," +
      admin_flow("expects deny-ssh on dev-1", "51.105.0.20", 22, "52.99.0.1", "allowed", "deny-ssh") + "," +
      admin_flow("expects none on 22", "51.105.0.10", 22, "52.99.0.1", "denied", "none") + "]");
  REQUIRE(c.results.size() == 4);
  for (const auto& r : c.results) {
    INFO(r.assertion->name);
    CHECK_FALSE(r.passed);
    REQUIRE(r.findings.size() == 1);
  }
  CHECK(c.results[0].findings[0].reason ==
        "expected security admin rule 'always-probe' to decide, but security admin rule 'deny-ssh' (Deny 100) decides");
  CHECK(c.results[1].findings[0].reason ==
        "expected security admin rule 'deny-ssh' to decide, but no admin rule of the target's virtual network "
        "matches the packet");
  CHECK(c.results[2].findings[0].reason ==
        "expected security admin rule 'deny-ssh' to decide, but no admin rule applies to the target's virtual "
        "network");
  CHECK(c.results[3].findings[0].reason ==
        "expected no admin rule to decide, but security admin rule 'deny-ssh' (Deny 100) decides");
  // Located at web-1 (its VM is not in the input: the NIC).
  CHECK(c.results[0].findings[0].kind == model::ResourceKind::kNetworkInterface);
  CHECK(c.m.nics[c.results[0].findings[0].index].name == "web-1-nic");

  // The reports: the reason, and the trace naming the deciding admin rule.
  const cli::CheckReport report{c.m, c.a, c.spec, c.results, {kCheckAdminEstate}};
  std::ostringstream text;
  cli::write_check_text(text, report);
  INFO(text.str());
  CHECK_THAT(text.str(), Catch::Contains("but security admin rule 'deny-ssh' (Deny 100) decides"));
  CHECK_THAT(text.str(), Catch::Contains("deny-ssh"));
  std::ostringstream junit;
  cli::write_check_junit(junit, report);
  CHECK_THAT(junit.str(), Catch::Contains("expected security admin rule &apos;always-probe&apos; to decide"));
  std::ostringstream sarif;
  cli::write_check_sarif(sarif, report);
  const auto log = nlohmann::json::parse(sarif.str());
  const auto& results = log.at("runs")[0].at("results");
  REQUIRE(results.size() == 4);
  CHECK_THAT(results[0].at("message").at("text").get<std::string>(),
             Catch::Contains("security admin rule 'deny-ssh' (Deny 100) decides"));
}

TEST_CASE("check evidence of an exposure names the deciding admin rule", "[check][admin-rules]") {
  // 8443 is not allowed by this assertion: the evidence is web-1's exposure, whose rules name always-probe (the
  // NSGs were not evaluated).
  const auto c = check_admin(
      R"([{"name": "web-1 https only", "kind": "exposed-only", "select": {"name": "web-1-nic"}, "ports": [443]}])");
  REQUIRE(c.results.size() == 1);
  CHECK_FALSE(c.results[0].passed);
  REQUIRE(c.results[0].findings.size() == 1);
  const cli::CheckReport report{c.m, c.a, c.spec, c.results, {kCheckAdminEstate}};
  std::ostringstream text;
  cli::write_check_text(text, report);
  INFO(text.str());
  CHECK_THAT(text.str(), Catch::Contains("tcp 8443 from 20.50.0.0/16"));
  CHECK_THAT(text.str(), Catch::Contains("always-probe"));
}

TEST_CASE("check flow admin-rule: the value must be a string", "[check][admin-rules]") {
  model::Diagnostics diags;
  auto spec = check::parse_spec(
      R"({"assertions": [{"name": "x", "kind": "flow", "from": "1.2.3.4", "to": "vm", "port": 22, "expect": "denied",
          "admin-rule": 3}]})",
      "spec.json", diags);
  CHECK_FALSE(spec);
  REQUIRE_FALSE(diags.items().empty());
  CHECK(diags.items()[0].where.pointer == "/assertions/0/admin-rule");
}

}  // namespace exposim::testing
