// `exposim check` east-west assertions (`reach`, `segmentation`) on examples/three-tier, whose segmentation matrix is
// worked out by hand in its README: web -> app TCP 8080 (firewall rule web-to-app, nsg-app/allow-8080-from-web),
// app -> db TCP 1433 (app-to-db, nsg-db/allow-sql-from-app), AzureFirewallSubnet -> web TCP 443
// (nsg-web/allow-https-from-firewall), nothing else between subnets; the firewall's mistake web-ssh-anywhere (TCP 22
// from the web subnet to the whole VNet) is masked by the tiers' deny-vnet-inbound rules.
#include <catch2/catch.hpp>

#include <sstream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "cli/check_report.h"
#include "tests/check_support.h"
#include "tests/cli_support.h"

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

const std::string kPaasEstate = std::string(EXPOSIM_SOURCE_DIR) + "/tests/data/reach/paas.json";

/// tests/data/reach/paas.json with Key Vault kv's public network access Enabled (and no network ACLs: every
/// source admitted), written to a scratch file.
std::string paas_estate_open_vault() {
  auto doc = nlohmann::json::parse(read_file(kPaasEstate));
  for (auto& r : doc) {
    if (r["name"] == "kv") r["properties"]["publicNetworkAccess"] = "Enabled";
  }
  const auto path = scratch_dir("check-east-west") / "paas-open-vault.json";
  write_file(path, doc.dump(1));
  return path.string();
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

// tests/data/reach/paas.json: web-nic (10.0.1.4) in subnet web (a Microsoft.Storage service endpoint); storage
// account st (StorageV2: TCP 443 and 445, docs/model.md) denies by default and admits web by a virtual network rule:
// reach lists one flow web-nic -> st on 443 and 445 (tests/reach_cli_test.cpp). Key Vault kv has public network
// access disabled: never reached.
TEST_CASE("check reach: a PaaS service chosen by 'to' is a target through its public endpoint", "[check][east-west]") {
  const auto c = check_estate(kPaasEstate, R"([
    {"name": "web never reaches storage", "kind": "reach", "from": {"name": "web-nic"}, "to": {"name": "st*"},
     "never": true},
    {"name": "storage on 443 only", "kind": "reach", "from": {"subnet": "web"}, "to": {"type": "storage"},
     "ports": [443]},
    {"name": "storage on its two ports", "kind": "reach", "from": {"subnet": "web"}, "to": {"type": "storage"},
     "protocols": "tcp", "ports": [443, 445]},
    {"name": "web never reaches the vault", "kind": "reach", "from": {"name": "web-nic"}, "to": {"name": "kv"},
     "never": true},
    {"name": "typo", "kind": "reach", "from": {"name": "web-nic"}, "to": {"name": "stt"}, "never": true}
  ])");
  REQUIRE(c.results.size() == 5);
  const auto& never = c.results[0];
  CHECK_FALSE(never.passed);
  CHECK(never.summary == "1 of 1 flow violates it");
  REQUIRE(never.findings.size() == 1);
  const auto& f = never.findings[0];
  CHECK(f.reason == "tcp ports 443,445 passes; nothing may");
  CHECK(f.kind == model::ResourceKind::kPaasService);
  CHECK(c.m.paas_services[f.index].name == "st");
  REQUIRE(f.flow);
  CHECK(f.flow->target_kind == model::ResourceKind::kPaasService);
  CHECK(f.flow->ports == model::PortSet::single(443).unite(model::PortSet::single(445)));
  CHECK(c.m.nics[f.flow->source.nic].name == "web-nic");
  CHECK(f.flow->destinations.empty());  // the public address is Azure's to choose

  // 445 passes too (SMB, served by a StorageV2 account): ports [443] fails on it alone; [443, 445] passes.
  const auto& only443 = c.results[1];
  CHECK_FALSE(only443.passed);
  REQUIRE(only443.findings.size() == 1);
  CHECK(only443.findings[0].reason == "tcp port 445 is not allowed");
  CHECK(only443.findings[0].flow->ports == model::PortSet::single(445));
  CHECK(c.results[2].passed);
  CHECK(c.results[2].summary == "1 flow from 1 source to 1 target: none passes more than allowed");

  // The vault is chosen but never reached: 0 flows, passed.
  CHECK(c.results[3].passed);
  CHECK(c.results[3].summary == "0 flows from 1 source to 1 target: none passes more than allowed");

  // A 'to' that chooses nothing names PaaS services among what it looked for.
  CHECK_FALSE(c.results[4].passed);
  CHECK(c.results[4].summary ==
        "the 'to' selector matches no ip configuration, private endpoint or PaaS service; name 'stt': did you mean "
        "'st'?");
}

TEST_CASE("check reach: a Key Vault reached on 443 only passes ports 443 and fails never", "[check][east-west]") {
  // kv's public network access Enabled without network ACLs: every source admitted, on 443 (Key Vault's port).
  const auto c = check_estate(paas_estate_open_vault(), R"([
    {"name": "vault on https", "kind": "reach", "from": {"name": "web-nic"}, "to": {"type": "key-vault"},
     "protocols": "tcp", "ports": [443]},
    {"name": "vault never", "kind": "reach", "from": {"name": "web-nic"}, "to": {"type": "key-vault"}, "never": true}
  ])");
  REQUIRE(c.results.size() == 2);
  CHECK(c.results[0].passed);
  CHECK(c.results[0].summary == "1 flow from 1 source to 1 target: none passes more than allowed");
  CHECK_FALSE(c.results[1].passed);
  REQUIRE(c.results[1].findings.size() == 1);
  CHECK(c.results[1].findings[0].reason == "tcp port 443 passes; nothing may");
  CHECK(c.m.paas_services[c.results[1].findings[0].index].name == "kv");
}

TEST_CASE("check reach to a PaaS service: the evidence names the service and its host name in text JUnit and SARIF",
          "[check][east-west][cli]") {
  const auto dir = scratch_dir("check-east-west");
  const auto spec = dir / "paas-spec.yaml";
  write_file(spec,
             "version: 1\nassertions:\n"
             "  - name: web never reaches storage\n    kind: reach\n    from: {name: web-nic}\n"
             "    to: {type: storage}\n    never: true\n");
  const auto junit = dir / "paas.junit.xml";
  const auto sarif = dir / "paas.sarif";
  const auto r = run_exposim(
      {"check", kPaasEstate, "--spec", spec.string(), "--junit", junit.string(), "--sarif", sarif.string()});
  CHECK(r.code == 1);
  const std::string evidence =
      "tcp 443,445 from web-nic (10.0.1.4/32) to st (st.blob.core.windows.net); rules: nic-outbound: no NSG > "
      "subnet-outbound: no NSG > route: service-endpoint > service: st/virtual-network-rules";
  CHECK(r.out ==
        "FAIL  web never reaches storage (reach): 1 of 1 flow violates it\n"
        "      - st (paas-service): tcp ports 443,445 passes; nothing may\n"
        "          " +
            evidence +
            "\n"
            "1 assertion: 0 passed, 1 failed\n");
  CHECK(read_file(junit).find(cli::xml_escape("- st (paas-service): tcp ports 443,445 passes; nothing may\n    " +
                                              evidence)) != std::string::npos);
  const auto s = nlohmann::json::parse(read_file(sarif));
  const auto& result = s["runs"][0]["results"][0];
  CHECK(result["message"]["text"] ==
        "web never reaches storage: st (paas-service): tcp ports 443,445 passes; "
        "nothing may\n  " +
            evidence);
  CHECK(result["locations"][0]["logicalLocations"][0]["fullyQualifiedName"] ==
        "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Storage/storageAccounts/st");
  const auto j =
      nlohmann::json::parse(run_exposim({"check", kPaasEstate, "--spec", spec.string(), "--format", "json"}).out);
  const auto& finding = j["assertions"][0]["findings"][0];
  CHECK(finding["resource"]["type"] == "paas-service");
  CHECK(finding["flow"]["target"]["host"] == "st.blob.core.windows.net");
  CHECK(finding["flow"]["destinations"] == nlohmann::json::array());
}

TEST_CASE("check segmentation with paas: a PaaS service is a target group named by the service", "[check][east-west]") {
  // One subnet (web) and its one NIC: nothing between subnets; with paas, web -> st on 443 and 445 (the service
  // endpoint and the virtual network rule), kv (public network access disabled) never.
  const auto c = check_estate(kPaasEstate, R"([
    {"name": "no paas", "kind": "segmentation", "allow": []},
    {"name": "paas denied", "kind": "segmentation", "paas": true, "allow": []},
    {"name": "paas allowed", "kind": "segmentation", "paas": true, "allow": [
      {"from": "web", "to": "st", "protocols": "tcp", "ports": [443, 445]}]},
    {"name": "paas typo", "kind": "segmentation", "paas": true, "allow": [{"from": "web", "to": "sst"}]}
  ])");
  REQUIRE(c.results.size() == 4);
  CHECK(c.results[0].passed);
  CHECK(c.results[0].summary == "0 flows between 1 subnet: all allowed");
  const auto& denied = c.results[1];
  CHECK_FALSE(denied.passed);
  REQUIRE(denied.findings.size() == 1);
  CHECK(denied.findings[0].reason ==
        "tcp ports 443,445 passes from subnet 'web' to PaaS service 'st'; no allowed pair admits it");
  CHECK(denied.findings[0].kind == model::ResourceKind::kPaasService);
  CHECK(c.m.paas_services[denied.findings[0].index].name == "st");
  REQUIRE(denied.findings[0].flow);
  CHECK(denied.findings[0].flow->target_kind == model::ResourceKind::kPaasService);
  CHECK(c.results[2].passed);
  CHECK(c.results[2].summary == "1 flow between 1 subnet and 2 PaaS services: all allowed");
  CHECK_FALSE(c.results[3].passed);
  CHECK(c.results[3].findings[0].reason == "allowed pair to 'sst' names no subnet or PaaS service: did you mean 'st'?");
}

}  // namespace exposim::testing
