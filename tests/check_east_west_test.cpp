// `exposim check` east-west assertions (`reach`, `segmentation`) on examples/three-tier, whose segmentation matrix is
// worked out by hand in its README: web -> app TCP 8080 (firewall rule web-to-app, nsg-app/allow-8080-from-web),
// app -> db TCP 1433 (app-to-db, nsg-db/allow-sql-from-app), AzureFirewallSubnet -> web TCP 443
// (nsg-web/allow-https-from-firewall), nothing else between subnets; the firewall's mistake web-ssh-anywhere (TCP 22
// from the web subnet to the whole VNet) is masked by the tiers' deny-vnet-inbound rules.
#include <catch2/catch.hpp>

#include <sstream>
#include <string>
#include <vector>

#include "cli/check_report.h"
#include "tests/check_support.h"

namespace exposim::testing {
namespace {

const std::string kThreeTierEstate = std::string(EXPOSIM_SOURCE_DIR) + "/examples/three-tier/estate.json";

CheckedEstate check_three_tier(const std::string& assertions) { return check_estate(kThreeTierEstate, assertions); }

/// The errors parsing `assertions` gives, one line each.
std::vector<std::string> east_west_spec_errors(const std::string& assertions) {
  model::Diagnostics diags;
  const auto spec = check::parse_spec(R"({"assertions": )" + assertions + "}", "spec.json", diags);
  CHECK_FALSE(spec);
  std::vector<std::string> out;
  for (const auto& d : diags.items()) out.push_back(model::to_string(d));
  return out;
}

}  // namespace

TEST_CASE("check reach and segmentation: the three-tier example's matrix holds", "[check][east-west]") {
  const auto c = check_three_tier(R"([
    {"name": "web never reaches db", "kind": "reach", "from": {"subnet": "snet-web"}, "to": {"subnet": "snet-db"},
     "never": true},
    {"name": "db only on sql", "kind": "reach", "from": {"vnet": "vnet-app"}, "to": {"tag": "criticality=high"},
     "protocols": "tcp", "ports": 1433},
    {"name": "web reaches app on 8080 only", "kind": "reach", "from": {"tag": "tier=web"},
     "to": {"name": "vm-app-1"}, "ports": 8080},
    {"name": "tiers", "kind": "segmentation", "allow": [
      {"from": "snet-web", "to": "snet-app", "protocols": "tcp", "ports": 8080},
      {"from": "snet-app", "to": "snet-db", "protocols": "tcp", "ports": 1433},
      {"from": "AzureFirewallSubnet", "to": "snet-web", "protocols": "tcp", "ports": 443}]},
    {"name": "within judged", "kind": "segmentation", "within-group": "judged", "allow": [
      {"from": "snet-web", "to": "snet-app", "ports": 8080},
      {"from": "snet-app", "to": "snet-db", "ports": 1433},
      {"from": "AzureFirewallSubnet", "to": "snet-web", "ports": 443}]},
    {"name": "by vnet", "kind": "segmentation", "by": "vnet", "allow": [
      {"from": "vnet-hub", "to": "vnet-app", "protocols": "tcp", "ports": 443}]}
  ])");
  REQUIRE(c.results.size() == 6);
  for (const auto& r : c.results) {
    INFO(r.assertion->name << ": " << r.summary);
    for (const auto& f : r.findings) INFO(f.reason);
    CHECK(r.passed);
  }
  // Two web VMs are the sources of the third assertion; vm-app-1 is reached on 8080 by both.
  CHECK(c.results[2].selected == 2);
  CHECK(c.results[2].summary == "2 flows from 2 sources to 1 target: none passes more than allowed");
}

TEST_CASE("check reach: a flow beyond what is allowed is a violation at the target with its witness",
          "[check][east-west]") {
  const auto c = check_three_tier(R"([
    {"name": "web never reaches app", "kind": "reach", "from": {"name": "vm-web-1"}, "to": {"subnet": "snet-app"},
     "never": true},
    {"name": "app reaches db on 5432 only", "kind": "reach", "from": {"subnet": "snet-app"},
     "to": {"subnet": "snet-db"}, "protocols": "tcp", "ports": 5432},
    {"name": "typo", "kind": "reach", "from": {"subnet": "snet-wbe"}, "to": {"subnet": "snet-db"}, "never": true}
  ])");
  REQUIRE(c.results.size() == 3);
  const auto& never = c.results[0];
  CHECK_FALSE(never.passed);
  REQUIRE(never.findings.size() == 1);
  const auto& f = never.findings[0];
  CHECK(f.reason == "tcp port 8080 passes; nothing may");
  CHECK(f.kind == model::ResourceKind::kVirtualMachine);
  CHECK(c.m.vms[f.index].name == "vm-app-1");
  REQUIRE(f.flow);
  CHECK(f.flow->ports == model::PortSet::single(8080));
  CHECK(c.m.nics[f.flow->source.nic].name == "vm-web-1-nic");
  // The witness names the firewall's network rule and the NSG rule that admit it.
  bool firewall_rule = false;
  bool nsg_rule = false;
  for (const auto& h : f.flow->path) {
    if (h.kind == solver::HopKind::kFirewall && h.rule >= 0) firewall_rule = true;
    if (h.kind == solver::HopKind::kNsg && h.resource >= 0 && h.rule >= 0 &&
        c.m.nsgs[h.resource].rules[h.rule].name == "allow-8080-from-web") {
      nsg_rule = true;
    }
  }
  CHECK(firewall_rule);
  CHECK(nsg_rule);

  const auto& sql = c.results[1];
  CHECK_FALSE(sql.passed);
  REQUIRE(sql.findings.size() == 1);
  CHECK(sql.findings[0].reason == "tcp port 1433 is not allowed");
  CHECK(c.m.vms[sql.findings[0].index].name == "vm-db-1");

  const auto& typo = c.results[2];
  CHECK_FALSE(typo.passed);
  CHECK(typo.summary ==
        "the 'from' selector matches no ip configuration; subnet 'snet-wbe': did you mean 'snet-web' or 'snet-db'?");
}

TEST_CASE("check segmentation: pairs passing more than allowed, and a pair that names no group", "[check][east-west]") {
  const auto c = check_three_tier(R"([
    {"name": "tiers", "kind": "segmentation", "allow": [
      {"from": "snet-web", "to": "snet-app", "protocols": "tcp", "ports": 80},
      {"from": "snet-app", "to": "snet-bd", "protocols": "tcp", "ports": 1433},
      {"from": "AzureFirewallSubnet", "to": "snet-*"}]}
  ])");
  REQUIRE(c.results.size() == 1);
  const auto& r = c.results[0];
  CHECK_FALSE(r.passed);
  std::vector<std::string> reasons;
  for (const auto& f : r.findings) reasons.push_back(f.reason);
  // The typo first (located at the pair in the spec), then by (from, to, protocol): web -> app 8080 (80 is allowed,
  // 8080 passes), app -> db 1433 (the pair naming it has a typo).
  const std::vector<std::string> expected = {
      "allowed pair to 'snet-bd' names no subnet: did you mean 'snet-db'?",
      "tcp port 8080 passes from subnet 'snet-web' to subnet 'snet-app'; no allowed pair admits it",
      "tcp port 1433 passes from subnet 'snet-app' to subnet 'snet-db'; no allowed pair admits it",
  };
  CHECK(reasons == expected);
  REQUIRE(r.findings.size() == 3);
  CHECK(r.findings[0].where);
  CHECK(r.findings[1].kind == model::ResourceKind::kSubnet);
  CHECK(c.m.subnets[r.findings[1].index].name == "snet-app");
  REQUIRE(r.findings[1].flow);
  CHECK(r.findings[1].flow->ports == model::PortSet::single(8080));
  CHECK(r.summary == "3 findings violate it (2 group pairs passing more than allowed)");
}

TEST_CASE("check reach and segmentation specs: bad keys and values are errors at their pointers",
          "[check][east-west]") {
  CHECK(east_west_spec_errors(R"([{"name": "a", "kind": "reach", "from": {"subnet": "x"}, "to": {"subnet": "y"}}])") ==
        std::vector<std::string>{"spec.json: /assertions/0: error: reach assertion 'a' allows everything; give "
                                 "protocols or ports that may pass, or never: true [spec-missing-key]"});
  CHECK(east_west_spec_errors(R"([{"name": "a", "kind": "reach", "from": {"subnet": "x"}, "to": {"subnet": "y"},
        "never": true, "ports": 22}])") ==
        std::vector<std::string>{"spec.json: /assertions/0: error: reach assertion 'a' says never and also allows "
                                 "protocols or ports; give one [spec-invalid-value]"});
  CHECK(east_west_spec_errors(R"([{"name": "a", "kind": "reach", "from": "vm-web", "to": {"subnet": "y"},
        "never": true}])") ==
        std::vector<std::string>{
            "spec.json: /assertions/0/from: error: 'from' is a string, expected an object [spec-shape]"});
  CHECK(east_west_spec_errors(R"([{"name": "a", "kind": "reach", "to": {"subnet": "y"}, "never": true}])") ==
        std::vector<std::string>{
            "spec.json: /assertions/0: error: reach assertion 'a' has no 'from' [spec-missing-key]"});
  CHECK(east_west_spec_errors(R"([{"name": "a", "kind": "segmentation"}])") ==
        std::vector<std::string>{
            "spec.json: /assertions/0: error: segmentation assertion 'a' has no 'allow' [spec-missing-key]"});
  CHECK(east_west_spec_errors(R"([{"name": "a", "kind": "segmentation", "by": "asg", "within-group": "no",
        "allow": [{"from": "x", "ports": "abc", "proto": "tcp"}, 3]}])") ==
        std::vector<std::string>{
            "spec.json: /assertions/0/allow/0/ports: error: 'abc' is not a port or port range, expected e.g. 443 or "
            "'8000-8080' [spec-invalid-value]",
            "spec.json: /assertions/0/allow/0/proto: error: unknown key 'proto' in an allowed pair; expected from, "
            "to, protocols, ports [spec-unknown-key]",
            "spec.json: /assertions/0/allow/0: error: allowed pair has no 'to' [spec-missing-key]",
            "spec.json: /assertions/0/allow/1: error: allowed pair is an integer, expected an object with from and to "
            "[spec-shape]",
            "spec.json: /assertions/0/by: error: 'by' is 'asg', expected subnet or vnet [spec-invalid-value]",
            "spec.json: /assertions/0/within-group: error: 'within-group' is 'no', expected allowed or judged "
            "[spec-invalid-value]"});
}

}  // namespace exposim::testing
