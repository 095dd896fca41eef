// exposim check: every assertion kind passing and failing on a small estate whose exposures are worked out
// by hand below; selectors; strict spec validation with exact messages; JUnit and SARIF checked against the
// required structure of their schemas; the command's exit codes; the example specs.
#include <catch2/catch.hpp>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>
#include <regex>
#include <sstream>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "check/evaluate.h"
#include "check/spec_parser.h"
#include "cli/check_report.h"
#include "cli/commands.h"
#include "cli/exit_codes.h"
#include "cli/explain_text.h"
#include "cli_support.h"
#include "importers/azure/resource_importer.h"
#include "model_builder.h"
#include "solver/exposure.h"

namespace exposim {
namespace {

namespace fs = std::filesystem;
using model::Protocol;
using model::Sku;
using namespace exposim::testing;

// The estate, and what the internet reaches in it (Azure semantics as docs/model.md describes them):
//   vnet-app 10.0.0.0/16
//     web    10.0.1.0/24  nsg-web: 100 allow tcp 443 from Internet; 110 allow tcp 22 from 52.233.10.0/24
//     db     10.0.2.0/24  nsg-db: no custom rule (DenyAllInBound 65500 stops the internet)
//     legacy 10.0.3.0/24  no NSG
//     AzureBastionSubnet 10.0.4.0/26  no NSG (exempt from every-subnet-has-nsg by default)
//   vm-web-1 10.0.1.4 pip-web-1 20.0.0.1 (Standard)  tags role=web, env=prod
//   vm-web-2 10.0.1.5 pip-web-2 20.0.0.2 (Standard)  tags role=web, env=test
//   vm-db    10.0.2.4 pip-db    20.0.0.3 (Standard)  tags role=db
//   vm-legacy 10.0.3.4 pip-legacy 20.0.0.4 (Basic: open without an NSG)
// So: vm-web-1 and vm-web-2 each get tcp 443 from any and tcp 22 from 52.233.10.0/24; vm-db nothing;
// vm-legacy every protocol on every port from any. Entry points: pip-web-1, pip-web-2, pip-legacy (3).
model::Model check_estate() {
  EstateBuilder b;
  b.vnet("vnet-app", {"10.0.0.0/16"})
      .subnet("vnet-app", "web", "10.0.1.0/24", "nsg-web")
      .subnet("vnet-app", "db", "10.0.2.0/24", "nsg-db")
      .subnet("vnet-app", "legacy", "10.0.3.0/24")
      .subnet("vnet-app", "AzureBastionSubnet", "10.0.4.0/26")
      .nsg("nsg-web", {{"allow-https", 100, kAllow, tcp(), {"Internet"}, {"443"}},
                       {"allow-ssh", 110, kAllow, tcp(), {"52.233.10.0/24"}, {"22"}}})
      .nsg("nsg-db", {})
      .public_ip("pip-web-1", "20.0.0.1", Sku::kStandard)
      .public_ip("pip-web-2", "20.0.0.2", Sku::kStandard)
      .public_ip("pip-db", "20.0.0.3", Sku::kStandard)
      .public_ip("pip-legacy", "20.0.0.4", Sku::kBasic)
      .vm("vm-web-1", "vnet-app", "web", "10.0.1.4", "pip-web-1")
      .vm("vm-web-2", "vnet-app", "web", "10.0.1.5", "pip-web-2")
      .vm("vm-db", "vnet-app", "db", "10.0.2.4", "pip-db")
      .vm("vm-legacy", "vnet-app", "legacy", "10.0.3.4", "pip-legacy");
  b.m.vms[0].tags = {{"env", "prod"}, {"role", "web"}};
  b.m.vms[1].tags = {{"env", "test"}, {"role", "web"}};
  b.m.vms[2].tags = {{"role", "db"}};
  model::Diagnostics diags;
  auto m = b.done(&diags);
  REQUIRE_FALSE(diags.has_errors());
  return m;
}

struct Checked {
  model::Model m;
  solver::Analysis a;
  check::Spec spec;
  std::vector<check::AssertionResult> results;
};

std::optional<check::Spec> parse(const std::string& text, model::Diagnostics& diags,
                                 const std::string& file = "spec.json") {
  return check::parse_spec(text, file, diags);
}

/// Parses one assertion (JSON object text) into a spec and evaluates it against the estate.
Checked run_one(const std::string& assertion) {
  model::Diagnostics diags;
  auto spec = parse(R"({"version": 1, "assertions": [)" + assertion + "]}", diags);
  for (const auto& d : diags.items()) INFO(model::to_string(d));
  REQUIRE(spec);
  Checked c{check_estate(), {}, std::move(*spec), {}};
  c.a = solver::analyze(c.m);
  c.results = check::evaluate(c.spec, c.m, c.a);
  REQUIRE(c.results.size() == 1);
  return c;
}

/// "vm-web-1 tcp 22 from 52.233.10.0/24" per exposure finding, sorted; "<name>: <reason>" otherwise.
std::vector<std::string> findings_of(const Checked& c) {
  std::vector<std::string> out;
  for (const auto& f : c.results[0].findings) {
    const auto* r = f.index >= 0 ? c.m.resource(model::GraphVertex{f.kind, f.index}) : nullptr;
    const std::string name = r != nullptr ? r->name : "-";
    if (f.exposure) {
      const auto& e = *f.exposure;
      std::string sources = e.any_source ? "any" : "";
      if (!e.any_source) {
        for (const auto& s : model::to_cidr_strings(e.sources)) sources += (sources.empty() ? "" : ",") + s;
      }
      out.push_back(fmt::format("{} {} {} from {} via {}", name, model::to_string(e.protocol),
                                model::has_ports(e.protocol) ? model::to_string(e.ports) : "-", sources,
                                solver::to_string(e.via)));
    } else {
      out.push_back(fmt::format("{}: {}", name, f.reason));
    }
  }
  std::sort(out.begin(), out.end());
  return out;
}

using Strings = std::vector<std::string>;

}  // namespace

TEST_CASE("not-exposed passes on a subnet the internet cannot reach and fails on one it can", "[check]") {
  auto pass = run_one(R"({"name": "db private", "kind": "not-exposed", "select": {"subnet": "db"}})");
  CHECK(pass.results[0].passed);
  CHECK(pass.results[0].selected == 1);
  CHECK(pass.results[0].summary == "no exposure of 1 target selected");

  auto fail = run_one(R"({"name": "web private", "kind": "not-exposed", "select": {"name": "vm-web-*"}})");
  CHECK_FALSE(fail.results[0].passed);
  CHECK(fail.results[0].selected == 2);
  CHECK(findings_of(fail) ==
        Strings{"vm-web-1 tcp 22 from 52.233.10.0/24 via public-ip", "vm-web-1 tcp 443 from any via public-ip",
                "vm-web-2 tcp 22 from 52.233.10.0/24 via public-ip", "vm-web-2 tcp 443 from any via public-ip"});
  CHECK(fail.results[0].summary == "4 exposures violate it");
}

TEST_CASE("not-exposed restricted to ports, protocols and sources narrows the evidence", "[check]") {
  auto ssh = run_one(R"({"name": "no ssh", "kind": "not-exposed", "select": {"tag": "role=web"}, "ports": [22]})");
  CHECK(findings_of(ssh) == Strings{"vm-web-1 tcp 22 from 52.233.10.0/24 via public-ip",
                                    "vm-web-2 tcp 22 from 52.233.10.0/24 via public-ip"});
  // SSH is open only to 52.233.10.0/24: another range sees nothing.
  auto other = run_one(R"({"name": "no ssh from elsewhere", "kind": "not-exposed", "select": {"tag": "role=web"},
                          "ports": [22], "sources": ["52.99.0.0/24"]})");
  CHECK(other.results[0].passed);
  // Part of the range: the evidence names only the overlap.
  auto part = run_one(R"({"name": "no ssh from half", "kind": "not-exposed", "select": {"name": "vm-web-1"},
                         "ports": "22", "sources": "52.233.10.128/25"})");
  CHECK(findings_of(part) == Strings{"vm-web-1 tcp 22 from 52.233.10.128/25 via public-ip"});
  // The legacy VM is open to everything; only its udp 53 is asked about.
  auto udp = run_one(R"({"name": "no dns", "kind": "not-exposed", "select": {"subnet": "legacy"},
                        "protocols": ["udp"], "ports": ["53"]})");
  CHECK(findings_of(udp) == Strings{"vm-legacy udp 53 from any via public-ip"});
  // allowed-via: public-ip exposures are then not violations.
  auto via = run_one(R"({"name": "only via pip", "kind": "not-exposed", "select": {"subnet": "web"},
                        "allowed-via": ["public-ip"]})");
  CHECK(via.results[0].passed);
}

TEST_CASE("exposed-only passes within the allowed ports and fails with the ports outside them", "[check]") {
  auto pass = run_one(R"({"name": "web ports", "kind": "exposed-only", "select": {"tag": "role=web"},
                         "ports": [22, 443], "protocols": "tcp", "via": ["public-ip"]})");
  CHECK(pass.results[0].passed);
  CHECK(pass.results[0].selected == 2);

  auto fail = run_one(R"({"name": "web https only", "kind": "exposed-only", "select": {"tag": "role=web"},
                         "ports": [443], "protocols": ["tcp"]})");
  CHECK_FALSE(fail.results[0].passed);
  CHECK(findings_of(fail) == Strings{"vm-web-1 tcp 22 from 52.233.10.0/24 via public-ip",
                                     "vm-web-2 tcp 22 from 52.233.10.0/24 via public-ip"});
  CHECK(fail.results[0].findings[0].reason == "port 22 is not allowed (allowed: 443)");

  // Only through an application gateway: every exposure of the web VMs is a violation.
  auto via = run_one(R"({"name": "web via agw", "kind": "exposed-only", "select": {"subnet": "web"},
                        "via": "application-gateway"})");
  REQUIRE(via.results[0].findings.size() == 4);
  CHECK(via.results[0].findings[0].reason == "via public-ip is not allowed (allowed: application-gateway)");

  // The legacy VM: udp, icmp, esp, ah are not tcp; tcp has every port but 443.
  auto legacy = run_one(R"({"name": "legacy https", "kind": "exposed-only", "select": {"name": "vm-legacy"},
                           "ports": [443], "protocols": ["tcp"]})");
  CHECK(findings_of(legacy) ==
        Strings{"vm-legacy ah - from any via public-ip", "vm-legacy esp - from any via public-ip",
                "vm-legacy icmp - from any via public-ip", "vm-legacy tcp 0-442,444-65535 from any via public-ip",
                "vm-legacy udp 0-65535 from any via public-ip"});

  // Sources: SSH's 52.233.10.0/24 is outside 52.233.10.0/25 by 52.233.10.128/25; 443 is outside the ports
  // (the whole exposure) and, from any, outside the sources (every address but 52.233.10.0/25).
  auto sources = run_one(R"({"name": "web sources", "kind": "exposed-only", "select": {"name": "vm-web-1"},
                            "sources": ["52.233.10.0/25"], "ports": [22]})");
  const auto got = findings_of(sources);
  REQUIRE(got.size() == 3);
  CHECK(got[0] == "vm-web-1 tcp 22 from 52.233.10.128/25 via public-ip");
  CHECK(got[1].starts_with("vm-web-1 tcp 443 from 1.0.0.0/8,"));
  CHECK(got[2] == "vm-web-1 tcp 443 from any via public-ip");
}

TEST_CASE("exposed-only with required fails for a selected target nothing reaches", "[check]") {
  auto fail = run_one(R"({"name": "db served", "kind": "exposed-only", "select": {"name": "vm-db"}, "ports": [443],
                         "required": true})");
  CHECK(findings_of(fail) == Strings{"vm-db: required path missing: no exposure within what is allowed reaches it"});
  auto pass = run_one(R"({"name": "web served", "kind": "exposed-only", "select": {"tag": "role=web"},
                         "ports": [22, 443], "required": true})");
  CHECK(pass.results[0].passed);
}

TEST_CASE("no-management-ports: 22, 3389, 5985 and 5986 over tcp and udp by default", "[check]") {
  auto fail = run_one(R"({"name": "no management", "kind": "no-management-ports"})");
  CHECK(findings_of(fail) == Strings{"vm-legacy tcp 22,3389,5985-5986 from any via public-ip",
                                     "vm-legacy udp 22,3389,5985-5986 from any via public-ip",
                                     "vm-web-1 tcp 22 from 52.233.10.0/24 via public-ip",
                                     "vm-web-2 tcp 22 from 52.233.10.0/24 via public-ip"});
  auto db = run_one(R"({"name": "db management", "kind": "no-management-ports", "select": {"subnet": "db"}})");
  CHECK(db.results[0].passed);
  auto rdp = run_one(R"({"name": "web rdp", "kind": "no-management-ports", "select": {"name": "vm-web-*"},
                        "ports": [3389]})");
  CHECK(rdp.results[0].passed);
  auto allowed = run_one(R"({"name": "web ssh via pip", "kind": "no-management-ports", "select": {"subnet": "web"},
                            "allowed-via": ["public-ip"]})");
  CHECK(allowed.results[0].passed);
}

TEST_CASE("max-entry-points counts distinct public addresses that admit internet traffic", "[check]") {
  auto pass = run_one(R"({"name": "three", "kind": "max-entry-points", "max": 3})");
  CHECK(pass.results[0].passed);
  CHECK(pass.results[0].summary == "3 entry points (at most 3)");
  auto fail = run_one(R"({"name": "two", "kind": "max-entry-points", "max": 2})");
  CHECK_FALSE(fail.results[0].passed);
  CHECK(findings_of(fail) == Strings{"pip-legacy: public IP admits internet traffic",
                                     "pip-web-1: public IP admits internet traffic",
                                     "pip-web-2: public IP admits internet traffic"});
  // pip-web-1 admits 443 and 22: two exposures through one entry point.
  REQUIRE(fail.results[0].findings.size() == 3);
  CHECK(fail.results[0].findings[1].entries.size() == 2);
  auto web = run_one(R"({"name": "web one", "kind": "max-entry-points", "max": 1, "select": {"tag": "env=prod"}})");
  CHECK(web.results[0].passed);
}

TEST_CASE("every-subnet-has-nsg with the default and explicit exemptions", "[check]") {
  auto fail = run_one(R"({"name": "nsgs", "kind": "every-subnet-has-nsg"})");
  CHECK(findings_of(fail) == Strings{"legacy: subnet has no NSG"});
  CHECK(fail.results[0].summary == "3 subnets checked, 1 exempt, 1 without an NSG");
  auto exempt = run_one(R"({"name": "nsgs but legacy", "kind": "every-subnet-has-nsg", "exempt": ["leg*"]})");
  CHECK(exempt.results[0].passed);
  auto strict = run_one(R"({"name": "all nsgs", "kind": "every-subnet-has-nsg", "default-exempt": false})");
  CHECK(findings_of(strict) == Strings{"AzureBastionSubnet: subnet has no NSG", "legacy: subnet has no NSG"});
  auto vnet = run_one(R"({"name": "other vnet", "kind": "every-subnet-has-nsg", "select": {"vnet": "vnet-other"}})");
  CHECK(findings_of(vnet) == Strings{"-: the selector matches no resource"});
}

TEST_CASE("flow assertions use explain: allowed and denied, passing and failing", "[check]") {
  auto allowed = run_one(R"({"name": "ssh from office", "kind": "flow", "from": "52.233.10.9", "to": "20.0.0.1",
                            "port": 22, "expect": "allowed"})");
  CHECK(allowed.results[0].passed);
  REQUIRE(allowed.results[0].trace);
  CHECK(allowed.results[0].trace->allowed);
  auto wrong = run_one(R"({"name": "ssh from anywhere", "kind": "flow", "from": "52.99.0.1", "to": "vm-web-1",
                          "port": 22, "protocol": "tcp", "expect": "allowed"})");
  CHECK_FALSE(wrong.results[0].passed);
  REQUIRE(wrong.results[0].findings.size() == 1);
  CHECK(wrong.results[0].findings[0].kind == model::ResourceKind::kVirtualMachine);
  // Data from check: which verdict was unexpected, no words (the report writes them from the trace).
  CHECK(wrong.results[0].findings[0].unexpected_verdict);
  CHECK(wrong.results[0].findings[0].reason.empty());
  CHECK(wrong.results[0].summary.empty());
  REQUIRE(wrong.results[0].trace);
  CHECK_FALSE(wrong.results[0].trace->allowed);
  {
    std::ostringstream text;
    cli::write_check_text(text, cli::CheckReport{wrong.m, wrong.a, wrong.spec, wrong.results, {}});
    const std::string verdict = cli::verdict_text(wrong.m, *wrong.results[0].trace);
    CHECK(verdict.starts_with("denied at "));
    CHECK_THAT(text.str(), Catch::StartsWith("FAIL  ssh from anywhere (flow): " + verdict + "\n"));
    CHECK_THAT(text.str(),
               Catch::Contains("      - vm-web-1 (virtual-machine): expected allowed, but " + verdict + "\n"));
  }
  auto denied = run_one(R"({"name": "db closed", "kind": "flow", "from": "52.99.0.1", "to": "20.0.0.3",
                           "port": 1433, "expect": "denied"})");
  CHECK(denied.results[0].passed);
  auto unknown = run_one(R"({"name": "nowhere", "kind": "flow", "from": "52.99.0.1", "to": "vm-nope", "port": 1,
                            "expect": "denied"})");
  CHECK_FALSE(unknown.results[0].passed);
  REQUIRE(unknown.results[0].findings.size() == 1);
  CHECK_FALSE(unknown.results[0].findings[0].unexpected_verdict);  // no verdict: the query's error is the reason
  // The error is data (the trace's QueryError); the report writes it as the summary and the finding's reason.
  CHECK(unknown.results[0].findings[0].query_error);
  REQUIRE(unknown.results[0].trace);
  CHECK(unknown.results[0].trace->error.option == solver::QueryOption::kTo);
  CHECK(unknown.results[0].trace->error.code == solver::QueryErrorCode::kUnknownTarget);
  CHECK(unknown.results[0].trace->error.target == "vm-nope");
  CHECK(unknown.results[0].summary.empty());
  CHECK(unknown.results[0].findings[0].reason.empty());
  std::ostringstream unknown_text;
  cli::write_check_text(unknown_text, cli::CheckReport{unknown.m, unknown.a, unknown.spec, unknown.results, {}});
  CHECK_THAT(unknown_text.str(), Catch::StartsWith("FAIL  nowhere (flow): unknown target 'vm-nope': expected "));
  CHECK_THAT(unknown_text.str(), Catch::Contains(": unknown target 'vm-nope': expected "));
}

TEST_CASE("selectors: name and id globs, tags, subnet, vnet, type, fields combine with AND", "[check]") {
  const auto m = check_estate();
  auto count = [&](const std::string& select) {
    model::Diagnostics diags;
    auto spec = parse(R"({"assertions": [{"name": "s", "kind": "not-exposed", "select": )" + select + "}]}", diags);
    for (const auto& d : diags.items()) INFO(model::to_string(d));
    REQUIRE(spec);
    std::vector<std::string> names;
    for (std::size_t n = 0; n < m.nics.size(); ++n) {
      if (check::matches(m, spec->assertions[0].select,
                         {model::ResourceKind::kNetworkInterface, static_cast<int>(n), 0})) {
        names.push_back(m.nics[n].name);
      }
    }
    return names;
  };
  CHECK(count(R"({"name": "vm-web-?"})") == Strings{"vm-web-1-nic", "vm-web-2-nic"});
  CHECK(count(R"({"name": "VM-DB"})") == Strings{"vm-db-nic"});  // case-insensitive
  CHECK(count(R"({"name": "*-nic"})").size() == 4);              // NIC names match too
  CHECK(count(R"({"name": ["vm-db", "vm-legacy"]})") == Strings{"vm-db-nic", "vm-legacy-nic"});
  CHECK(count(R"({"id": "*/virtualMachines/vm-web-2"})") == Strings{"vm-web-2-nic"});
  CHECK(count(R"({"tag": "role=web"})") == Strings{"vm-web-1-nic", "vm-web-2-nic"});
  CHECK(count(R"({"tag": ["role=web", "env=prod"]})") == Strings{"vm-web-1-nic"});  // every tag must match
  CHECK(count(R"({"tag": "env"})") == Strings{"vm-web-1-nic", "vm-web-2-nic"});     // key only: present
  CHECK(count(R"({"tag": "ROLE=d*"})") == Strings{"vm-db-nic"});
  CHECK(count(R"({"subnet": "db"})") == Strings{"vm-db-nic"});
  CHECK(count(R"({"subnet": "/subscriptions/*/subnets/legacy"})") == Strings{"vm-legacy-nic"});
  CHECK(count(R"({"vnet": "vnet-*"})").size() == 4);
  CHECK(count(R"({"type": "virtual-machine"})").size() == 4);
  CHECK(count(R"({"type": "firewall"})").empty());
  CHECK(count(R"({"subnet": "web", "name": "*-2"})") == Strings{"vm-web-2-nic"});  // AND
  CHECK(count(R"({"subnet": "db", "tag": "role=web"})").empty());

  CHECK(check::glob_match("a*b?c", "AxxxBzc"));
  CHECK_FALSE(check::glob_match("a*b?c", "abc"));
  CHECK(check::glob_match("*", ""));
  CHECK_FALSE(check::glob_match("", "x"));
  CHECK(check::glob_match("*a*a*a*a*a*b", "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaab"));
}

TEST_CASE("resource tags are imported for selectors, a tag that is not a string is a warning", "[check]") {
  model::Model m;
  model::Diagnostics diags;
  importers::azure::import_text(
      R"([{"id": "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Network/networkSecurityGroups/nsg",
           "name": "nsg", "type": "Microsoft.Network/networkSecurityGroups",
           "tags": {"Role": "web", "cost": 12, "env": "prod"}, "properties": {"securityRules": []}}])",
      "tags.json", m, diags);
  REQUIRE(m.nsgs.size() == 1);
  using Tags = std::vector<std::pair<std::string, std::string>>;
  CHECK(m.nsgs[0].tags == Tags{{"Role", "web"}, {"env", "prod"}});
  REQUIRE(diags.size() == 1);
  CHECK(model::to_string(diags.items()[0]) ==
        "tags.json: /0/tags/cost: warning: tag 'cost' is an integer, expected a string; tag ignored [invalid-type]");
}

TEST_CASE("a selector that matches nothing fails the assertion", "[check]") {
  auto r = run_one(R"({"name": "typo", "kind": "not-exposed", "select": {"subnet": "dbb"}})");
  CHECK_FALSE(r.results[0].passed);
  // The typo is one letter from the subnet db (and two from web): the message says which was meant.
  CHECK(r.results[0].summary == "the selector matches no resource; subnet 'dbb': did you mean 'db'?");
}

TEST_CASE("bad specs are rejected with the file, the JSON pointer and what was expected", "[check]") {
  struct Case {
    std::string text;
    std::string error;
  };
  const std::vector<Case> cases = {
      {R"({"assertions": [{"name": "a", "kind": "not-exposd"}]})",
       "spec.json: /assertions/0/kind: error: unknown assertion kind 'not-exposd'; expected one of not-exposed, "
       "exposed-only, no-management-ports, max-entry-points, every-subnet-has-nsg, flow, recommendation, reach, "
       "segmentation "
       "[spec-unknown-kind]"},
      {R"({"assertions": [{"name": "a", "kind": "not-exposed", "selector": {}}]})",
       "spec.json: /assertions/0/selector: error: unknown key 'selector' for a not-exposed assertion; expected select, "
       "protocols, ports, entry-ports, sources, allowed-via [spec-unknown-key]"},
      {R"({"assertions": [{"name": "a", "kind": "not-exposed", "select": {"nmae": "x"}}]})",
       "spec.json: /assertions/0/select/nmae: error: unknown selector key 'nmae'; expected name, id, tag, subnet, "
       "vnet, "
       "type [spec-unknown-key]"},
      {R"({"assertions": [{"name": "a", "kind": "not-exposed", "select": {"type": "vm"}}]})",
       "spec.json: /assertions/0/select/type: error: unknown resource type 'vm'; expected one of virtual-machine, "
       "network-interface, scale-set, firewall, bastion-host, application-gateway, paas-service, storage, key-vault, "
       "sql-server, cosmos-db, app-service, sql-managed-instance [spec-invalid-value]"},
      {R"({"assertions": [{"name": "a", "kind": "not-exposed", "select": {"tag": "=web"}}]})",
       "spec.json: /assertions/0/select/tag: error: tag selector '=web' has no key, expected 'key' or 'key=value' "
       "[spec-invalid-value]"},
      {R"({"assertions": [{"name": "a", "kind": "not-exposed", "select": {"name": 7}}]})",
       "spec.json: /assertions/0/select/name: error: 'name' is an integer, expected a string [spec-shape]"},
      {R"({"assertions": [{"name": "a", "kind": "not-exposed", "ports": [22, 70000]}]})",
       "spec.json: /assertions/0/ports/1: error: port 70000 not in 0..65535 [spec-invalid-value]"},
      {R"({"assertions": [{"name": "a", "kind": "not-exposed", "ports": ["22-x"]}]})",
       "spec.json: /assertions/0/ports/0: error: '22-x' is not a port or port range, expected e.g. 443 or '8000-8080' "
       "[spec-invalid-value]"},
      {R"({"assertions": [{"name": "a", "kind": "not-exposed", "protocols": ["tcp", "sctp"]}]})",
       "spec.json: /assertions/0/protocols/1: error: unknown protocol 'sctp'; expected tcp, udp, icmp, esp, ah or '*' "
       "[spec-invalid-value]"},
      {R"({"assertions": [{"name": "a", "kind": "not-exposed", "sources": ["10.0.0.0/33"]}]})",
       "spec.json: /assertions/0/sources/0: error: '10.0.0.0/33' is not an IP address or CIDR prefix "
       "[spec-invalid-value]"},
      {R"({"assertions": [{"name": "a", "kind": "exposed-only", "via": ["vpn"]}]})",
       "spec.json: /assertions/0/via/0: error: unknown via 'vpn'; expected one of public-ip, load-balancer, "
       "load-balancer-nat, firewall-dnat, application-gateway, bastion, paas-public, appliance [spec-invalid-value]"},
      {R"({"assertions": [{"name": "a", "kind": "exposed-only", "select": {"name": "x"}}]})",
       "spec.json: /assertions/0: error: exposed-only assertion 'a' allows everything; give at least one of protocols, "
       "ports, entry-ports, sources, via [spec-missing-key]"},
      {R"({"assertions": [{"name": "a", "kind": "max-entry-points"}]})",
       "spec.json: /assertions/0: error: max-entry-points assertion 'a' has no 'max' [spec-missing-key]"},
      {R"({"assertions": [{"name": "a", "kind": "max-entry-points", "max": -1}]})",
       "spec.json: /assertions/0/max: error: 'max' is -1, expected an integer >= 0 [spec-invalid-value]"},
      {R"({"assertions": [{"name": "a", "kind": "every-subnet-has-nsg", "select": {"tag": "x"}}]})",
       "spec.json: /assertions/0/select/tag: error: selector key 'tag' does not apply to subnets; expected name, id, "
       "vnet [spec-unknown-key]"},
      {R"({"assertions": [{"name": "a", "kind": "flow", "from": "internet", "to": "vm", "port": 22, "expect": "allowed"}]})",
       "spec.json: /assertions/0/from: error: 'from' is 'internet', expected an IP address [spec-invalid-value]"},
      {R"({"assertions": [{"name": "a", "kind": "flow", "from": "1.2.3.4", "to": "vm", "expect": "allowed"}]})",
       "spec.json: /assertions/0: error: flow assertion 'a' has no 'port' [spec-missing-key]"},
      {R"({"assertions": [{"name": "a", "kind": "flow", "from": "1.2.3.4", "to": "vm", "port": 22, "expect": "yes"}]})",
       "spec.json: /assertions/0/expect: error: 'expect' is 'yes', expected allowed or denied [spec-invalid-value]"},
      {R"({"assertions": [{"kind": "not-exposed"}]})",
       "spec.json: /assertions/0: error: assertion has no 'name' [spec-missing-key]"},
      {R"({"assertions": [{"name": "a", "kind": "not-exposed"}, {"name": "A", "kind": "not-exposed"}]})",
       "spec.json: /assertions/1/name: error: duplicate assertion name 'A' [spec-invalid-value]"},
      {R"({"assertions": []})",
       "spec.json: /assertions: error: 'assertions' is empty, expected at least one assertion "
       "[spec-invalid-value]"},
      {R"({"version": 2, "assertions": [{"name": "a", "kind": "not-exposed"}]})",
       "spec.json: /version: error: version 2 is not supported, expected 1 [spec-invalid-value]"},
      {R"({"checks": [], "assertions": [{"name": "a", "kind": "not-exposed"}]})",
       "spec.json: /checks: error: unknown key 'checks'; expected version, description, assertions [spec-unknown-key]"},
      {R"([1])", "spec.json: error: the spec is an array, expected an object with 'assertions' [spec-shape]"},
  };
  for (const auto& c : cases) {
    INFO(c.text);
    model::Diagnostics diags;
    CHECK_FALSE(parse(c.text, diags));
    REQUIRE(diags.size() >= 1);
    CHECK(model::to_string(diags.sorted()[0]) == c.error);
  }
}

TEST_CASE("YAML specs: errors name the line as well as the pointer", "[check]") {
  model::Diagnostics diags;
  const auto spec = parse(
      "version: 1\n"
      "assertions:\n"
      "  - name: db private\n"
      "    kind: not-exposed\n"
      "    select:\n"
      "      subnet: db\n"
      "  - name: bad\n"
      "    kind: nope\n",
      diags, "spec.yaml");
  CHECK_FALSE(spec);
  REQUIRE(diags.size() == 1);
  CHECK(model::to_string(diags.items()[0]) ==
        "spec.yaml:8:11: /assertions/1/kind: error: unknown assertion kind 'nope'; expected one of not-exposed, "
        "exposed-only, no-management-ports, max-entry-points, every-subnet-has-nsg, flow, recommendation, reach, "
        "segmentation "
        "[spec-unknown-kind]");

  model::Diagnostics ok_diags;
  const auto ok = parse("assertions:\n  - name: web\n    kind: exposed-only\n    ports: [443, '8000-8080']\n", ok_diags,
                        "spec.yaml");
  REQUIRE(ok);
  REQUIRE(ok->assertions[0].filter.ports);
  CHECK(*ok->assertions[0].filter.ports == model::PortSet{{443, 443}, {8000, 8080}});
}

namespace {

/// A minimal XML reader for the tests: elements with attributes and text, the five predefined entities;
/// fails (REQUIRE) on anything not well formed.
struct XmlElement {
  std::string name;
  std::map<std::string, std::string> attributes;
  std::vector<XmlElement> children;
  std::string text;
};

std::string xml_unescape(const std::string& s) {
  std::string out;
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] != '&') {
      REQUIRE(s[i] != '<');
      out += s[i];
      continue;
    }
    const auto end = s.find(';', i);
    REQUIRE(end != std::string::npos);
    const std::string entity = s.substr(i, end - i + 1);
    static const std::map<std::string, char> kEntities = {
        {"&amp;", '&'}, {"&lt;", '<'}, {"&gt;", '>'}, {"&quot;", '"'}, {"&apos;", '\''}};
    REQUIRE(kEntities.contains(entity));
    out += kEntities.at(entity);
    i = end;
  }
  return out;
}

XmlElement parse_xml(const std::string& doc) {
  std::size_t pos = 0;
  REQUIRE(doc.rfind("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n", 0) == 0);
  pos = doc.find('\n') + 1;
  std::vector<XmlElement> stack;
  std::optional<XmlElement> root;
  const std::regex attr(R"re(\s+([A-Za-z_:][-A-Za-z0-9_:.]*)="([^"<]*)")re");
  while (pos < doc.size()) {
    const auto lt = doc.find('<', pos);
    if (lt == std::string::npos) {
      REQUIRE(doc.substr(pos).find_first_not_of(" \n") == std::string::npos);
      break;
    }
    if (!stack.empty()) stack.back().text += xml_unescape(doc.substr(pos, lt - pos));
    const auto gt = doc.find('>', lt);
    REQUIRE(gt != std::string::npos);
    std::string tag = doc.substr(lt + 1, gt - lt - 1);
    pos = gt + 1;
    if (tag.starts_with('/')) {
      REQUIRE(!stack.empty());
      REQUIRE(stack.back().name == tag.substr(1));
      XmlElement done = std::move(stack.back());
      stack.pop_back();
      if (stack.empty())
        root = std::move(done);
      else
        stack.back().children.push_back(std::move(done));
      continue;
    }
    const bool self_closing = tag.ends_with('/');
    if (self_closing) tag.pop_back();
    XmlElement e;
    const auto name_end = tag.find_first_of(" \n");
    e.name = tag.substr(0, name_end);
    std::string rest = name_end == std::string::npos ? "" : tag.substr(name_end);
    std::smatch m;
    while (std::regex_search(rest, m, attr)) {
      REQUIRE(m.prefix().str().find_first_not_of(" \n") == std::string::npos);
      e.attributes[m[1]] = xml_unescape(m[2]);
      rest = m.suffix();
    }
    REQUIRE(rest.find_first_not_of(" \n") == std::string::npos);
    if (self_closing) {
      if (stack.empty())
        root = std::move(e);
      else
        stack.back().children.push_back(std::move(e));
    } else {
      stack.push_back(std::move(e));
    }
  }
  REQUIRE(stack.empty());
  REQUIRE(root);
  return *root;
}

Checked run_spec(const std::string& text) {
  model::Diagnostics diags;
  auto spec = parse(text, diags, "specs/web <&> \"check\".json");
  REQUIRE(spec);
  Checked c{check_estate(), {}, std::move(*spec), {}};
  c.a = solver::analyze(c.m);
  c.results = check::evaluate(c.spec, c.m, c.a);
  return c;
}

const char* kMixedSpec = R"({"assertions": [
  {"name": "db <private> & \"quiet\"", "kind": "not-exposed", "select": {"subnet": "db"}},
  {"name": "web https only", "kind": "exposed-only", "select": {"tag": "role=web"}, "ports": [443]},
  {"name": "no typo", "kind": "not-exposed", "select": {"subnet": "nope"}},
  {"name": "nsgs", "kind": "every-subnet-has-nsg"}
]})";

}  // namespace

TEST_CASE("JUnit XML has the structure of the JUnit schema and escapes names", "[check]") {
  const auto c = run_spec(kMixedSpec);
  std::ostringstream out;
  cli::write_check_junit(out, {c.m, c.a, c.spec, c.results, {"estate.json"}});
  const auto root = parse_xml(out.str());
  CHECK(root.name == "testsuites");
  CHECK(root.attributes.at("tests") == "4");
  CHECK(root.attributes.at("failures") == "3");
  REQUIRE(root.children.size() == 1);
  const auto& suite = root.children[0];
  CHECK(suite.name == "testsuite");
  CHECK(suite.attributes.at("name") == "specs/web <&> \"check\".json");
  CHECK(suite.attributes.at("tests") == "4");
  CHECK(suite.attributes.at("failures") == "3");
  CHECK(suite.attributes.at("errors") == "0");
  REQUIRE(suite.children.size() == 4);
  for (const auto& tc : suite.children) {
    CHECK(tc.name == "testcase");
    CHECK(tc.attributes.contains("name"));
    CHECK(tc.attributes.contains("classname"));
  }
  CHECK(suite.children[0].attributes.at("name") == "db <private> & \"quiet\"");
  CHECK(suite.children[0].attributes.at("classname") == "exposim.check.not-exposed");
  CHECK(suite.children[0].children.empty());
  const auto& failure = suite.children[1].children.at(0);
  CHECK(failure.name == "failure");
  CHECK(failure.attributes.at("type") == "exposed-only");
  CHECK(failure.attributes.at("message") == "2 findings against it");
  CHECK_THAT(failure.text, Catch::Contains("vm-web-1 (10.0.1.4): port 22 is not allowed (allowed: 443)"));
  CHECK_THAT(failure.text, Catch::Contains("nsg-web/allow-ssh (110)"));
  CHECK(suite.children[2].children.at(0).attributes.at("message") == "the selector matches no resource");

  CHECK(cli::xml_escape("a<b>&\"'\x01") == "a&lt;b&gt;&amp;&quot;&apos;?");
}

TEST_CASE("SARIF has the required properties of SARIF 2.1.0 and locates findings at the resource", "[check]") {
  const auto c = run_spec(kMixedSpec);
  std::ostringstream out;
  cli::write_check_sarif(out, {c.m, c.a, c.spec, c.results, {"estate.json"}});
  const auto log = nlohmann::json::parse(out.str());
  REQUIRE(log.is_object());
  CHECK(log.at("version") == "2.1.0");
  CHECK(log.at("$schema").is_string());
  REQUIRE(log.at("runs").is_array());
  REQUIRE(log.at("runs").size() == 1);
  const auto& run = log.at("runs")[0];
  const auto& driver = run.at("tool").at("driver");
  CHECK(driver.at("name") == "exposim");
  CHECK(driver.at("version").is_string());
  const auto& rules = driver.at("rules");
  REQUIRE(rules.is_array());
  REQUIRE(rules.size() == 4);
  std::vector<std::string> rule_ids;
  for (const auto& r : rules) {
    REQUIRE(r.at("id").is_string());
    rule_ids.push_back(r.at("id"));
    CHECK(r.at("shortDescription").at("text").is_string());
  }
  const auto& results = run.at("results");
  REQUIRE(results.is_array());
  // exposed-only: 2 (vm-web-1 and vm-web-2 port 22); no typo: 1; nsgs: 1 (legacy).
  REQUIRE(results.size() == 4);
  for (const auto& r : results) {
    REQUIRE(r.at("ruleId").is_string());
    const auto index = r.at("ruleIndex").get<std::size_t>();
    REQUIRE(index < rule_ids.size());
    CHECK(rule_ids[index] == r.at("ruleId"));
    CHECK(r.at("level") == "error");
    CHECK(r.at("message").at("text").is_string());
    REQUIRE(r.at("locations").is_array());
    const auto& loc = r.at("locations")[0];
    CHECK(loc.at("physicalLocation").at("artifactLocation").at("uri").is_string());
  }
  const auto& web = results[0];
  CHECK(web.at("ruleId") == "web https only");
  CHECK(web.at("locations")[0].at("logicalLocations")[0].at("fullyQualifiedName") ==
        rid("Microsoft.Compute/virtualMachines", "vm-web-1"));
  CHECK(web.at("locations")[0].at("logicalLocations")[0].at("name") == "vm-web-1");
  // No resource: located at the spec (its path percent-encoded as a URI reference).
  const auto& typo = results[2];
  CHECK(typo.at("ruleId") == "no typo");
  CHECK(typo.at("locations")[0].at("physicalLocation").at("artifactLocation").at("uri") ==
        "specs/web%20%3C%26%3E%20%22check%22.json");
  CHECK_FALSE(typo.at("locations")[0].contains("logicalLocations"));
  CHECK(results[3].at("locations")[0].at("logicalLocations")[0].at("name") == "legacy");

  CHECK(cli::file_uri("/tmp/a b.json") == "file:///tmp/a%20b.json");
}

namespace {

fs::path scratch() { return scratch_dir("check"); }

std::vector<std::string> example_inputs(const fs::path& dir) {
  std::vector<std::string> files;
  for (const auto& e : fs::directory_iterator(dir)) {
    if (e.is_regular_file() && e.path().extension() == ".json") files.push_back(e.path().string());
  }
  std::sort(files.begin(), files.end());
  return files;
}

}  // namespace

TEST_CASE("check exit codes: 0 all pass, 1 a failure, 2 bad spec or input, 3 usage, 4 output error", "[check][cli]") {
  const auto dir = scratch();
  const std::string input = example("open-management/vms.json");
  const auto inputs = example_inputs(example("open-management"));
  auto args = [&](std::vector<std::string> extra) {
    std::vector<std::string> a = {"check"};
    a.insert(a.end(), inputs.begin(), inputs.end());
    a.insert(a.end(), extra.begin(), extra.end());
    return a;
  };
  write_file(dir / "pass.json", R"({"assertions": [{"name": "at most 2", "kind": "max-entry-points", "max": 2}]})");
  write_file(dir / "fail.yaml", "assertions:\n  - name: no management\n    kind: no-management-ports\n");
  write_file(dir / "bad.json", R"({"assertions": [{"name": "x", "kind": "nope"}]})");

  auto pass = run_exposim(args({"--spec", (dir / "pass.json").string()}));
  CHECK(pass.code == cli::kExitOk);
  CHECK(pass.out ==
        "PASS  at most 2 (max-entry-points): 2 entry points (at most 2)\n"
        "1 assertion: 1 passed, 0 failed\n");

  // open-management: jumpbox 22 and 3389, app 5985-5986, all from any over public IPs (examples/open-management).
  auto fail = run_exposim(args({"--spec", (dir / "fail.yaml").string(), "--junit", (dir / "out.xml").string(),
                                "--sarif", (dir / "out.sarif").string()}));
  CHECK(fail.code == cli::kExitFindings);
  CHECK_THAT(fail.out, Catch::StartsWith("FAIL  no management (no-management-ports): 3 exposures violate it\n"));
  CHECK_THAT(fail.out,
             Catch::Contains("jumpbox (10.30.0.4): management port 22 reachable from the internet via public-ip"));
  CHECK_THAT(fail.out, Catch::Contains("tcp 22 from any via public-ip at 52.169.20.11; rules: subnet: no NSG > nic: "
                                       "jumpboxNSG/default-allow-ssh (1000)"));
  CHECK_THAT(fail.out, Catch::Contains("app (10.30.1.4): management ports 5985-5986 reachable"));
  CHECK_THAT(fail.out, Catch::EndsWith("1 assertion: 0 passed, 1 failed\n"));
  CHECK(parse_xml(read_file(dir / "out.xml")).children.at(0).attributes.at("failures") == "1");
  const auto sarif = nlohmann::json::parse(read_file(dir / "out.sarif"));
  CHECK(sarif.at("runs")[0].at("results").size() == 3);
  const auto uri = sarif.at("runs")[0]
                       .at("results")[0]
                       .at("locations")[0]
                       .at("physicalLocation")
                       .at("artifactLocation")
                       .at("uri")
                       .get<std::string>();
  CHECK_THAT(uri, Catch::EndsWith("examples/open-management/vms.json"));

  auto json = run_exposim(args({"--spec", (dir / "fail.yaml").string(), "--format", "json"}));
  CHECK(json.code == cli::kExitFindings);
  const auto doc = nlohmann::json::parse(json.out);
  CHECK(doc.at("format") == "exposim-check");
  CHECK(doc.at("summary") == nlohmann::json{{"assertions", 1}, {"passed", 0}, {"failed", 1}});
  CHECK(doc.at("assertions")[0].at("findings").size() == 3);
  CHECK(doc.at("assertions")[0].at("findings")[0].at("exposure").at("protocol") == "tcp");

  auto bad = run_exposim(args({"--spec", (dir / "bad.json").string(), "--junit", (dir / "bad.xml").string()}));
  CHECK(bad.code == cli::kExitBadInput);
  CHECK_THAT(bad.err, Catch::Contains("bad.json: /assertions/0/kind: error: unknown assertion kind 'nope'"));
  CHECK_FALSE(fs::exists(dir / "bad.xml"));
  CHECK(run_exposim(args({"--spec", (dir / "missing.json").string()})).code == cli::kExitBadInput);
  CHECK(run_exposim({"check", example("open-management/nope.json"), "--spec", (dir / "pass.json").string()}).code ==
        cli::kExitBadInput);

  CHECK(run_exposim(args({})).code == cli::kExitUsage);  // no --spec
  CHECK(run_exposim(args({"--spec", (dir / "pass.json").string(), "--format", "xml"})).code == cli::kExitUsage);

  auto out_err =
      run_exposim(args({"--spec", (dir / "pass.json").string(), "--sarif", (dir / "no/such/dir/x.sarif").string()}));
  CHECK(out_err.code == cli::kExitOutputError);
  CHECK_THAT(out_err.err, Catch::Contains("x.sarif"));
  fs::remove_all(dir);
}

TEST_CASE("every example has a spec that holds for it, and a failing assertion fails", "[check][golden]") {
  std::size_t specs = 0;
  for (const auto& e : fs::directory_iterator(fs::path(EXPOSIM_SOURCE_DIR) / "examples")) {
    if (!e.is_directory()) continue;
    INFO(e.path().filename().string());
    REQUIRE(fs::exists(e.path() / "spec.yaml"));
    std::vector<std::string> args = {"check"};
    for (const auto& f : example_inputs(e.path())) args.push_back(f);
    args.push_back("--spec");
    args.push_back((e.path() / "spec.yaml").string());
    auto r = run_exposim(args);
    INFO(r.out + r.err);
    CHECK(r.code == cli::kExitOk);
    CHECK_THAT(r.out, Catch::Contains(" failed\n") && Catch::Contains(", 0 failed\n"));
    ++specs;
  }
  CHECK(specs >= 9);

  // hub-and-spoke: vm-jump takes SSH from any through the firewall's DNAT rule ssh-to-jump (2222 -> 22), which
  // no-management-ports (allowed via: bastion) rejects.
  const auto dir = scratch();
  write_file(dir / "hub.yaml",
             "assertions:\n  - name: management only through bastion\n    kind: no-management-ports\n"
             "    select: {name: vm-jump}\n");
  std::vector<std::string> args = {"check"};
  for (const auto& f : example_inputs(example("hub-and-spoke"))) args.push_back(f);
  args.push_back("--spec");
  args.push_back((dir / "hub.yaml").string());
  auto r = run_exposim(args);
  CHECK(r.code == cli::kExitFindings);
  CHECK_THAT(r.out,
             Catch::Contains("vm-jump (10.1.1.4): management port 22 reachable from the internet via firewall-dnat"));
  CHECK_THAT(r.out, Catch::Contains("fw: fw-hub/inbound-dnat/ssh-to-jump (100)"));
  fs::remove_all(dir);
}

}  // namespace exposim

namespace exposim::testing {
namespace {

TEST_CASE("flow: a VM without a public IP that a DNAT rule reaches fails 'expect: denied'", "[check]") {
  // hub-and-spoke: vm-jump has no public IP, but fw-hub's ssh-to-jump (20.50.60.70:2222 -> 10.1.1.4:22) admits
  // every internet client and nsg-jump allows 22 from VirtualNetwork (the firewall's SNAT address). The flow is
  // traced through the DNAT rule (docs/check-spec.md, "flow"), so the assertion fails with analyze's verdict.
  const auto dir = scratch_dir("check-redirect");
  write_file(dir / "spec.json",
             R"({"assertions": [{"name": "no ssh to the jump host", "kind": "flow", "from": "52.99.0.1",
                 "to": "vm-jump", "port": 22, "expect": "denied"}]})");
  const auto r = run_exposim({"check", example("hub-and-spoke/firewall.json"), example("hub-and-spoke/hub.json"),
                              example("hub-and-spoke/spokes.json"), "--spec", (dir / "spec.json").string()});
  CHECK(r.code == cli::kExitFindings);
  CHECK_THAT(r.out, Catch::Contains("FAIL  no ssh to the jump host (flow): allowed: tcp 52.99.0.1 -> 20.50.60.70:2222 "
                                    "reaches ip configuration 'ipconfig1' of NIC 'vm-jump-nic' (10.1.1.4) on port 22 "
                                    "through firewall 'fw-hub' (DNAT rule 'ssh-to-jump'), and replies return"));
}

}  // namespace
}  // namespace exposim::testing
