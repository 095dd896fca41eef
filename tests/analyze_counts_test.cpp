// analyze --summary for JSON and JSON Lines (cli/analyze_counts.h): exposures and distinct targets counted by
// severity (the table's risk classes), by via and by port, worked out by hand on a small estate and an example.
#include <catch2/catch.hpp>

#include <algorithm>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "cli/analyze_counts.h"
#include "cli/analyze_jsonl.h"
#include "cli/analyze_report.h"
#include "cli/exposure_cells.h"
#include "cli_support.h"
#include "model_builder.h"
#include "solver/exposure.h"

namespace exposim::testing {
namespace {

using nlohmann::ordered_json;

/// Two VMs in subnet s behind nsg-web (SSH from `*`, HTTPS from 52.10.0.0/16, HTTP from `Internet`); vm-b's NIC
/// NSG also lets RDP in from `*` and denies HTTP.
model::Model two_vm_estate() {
  EstateBuilder b;
  b.vnet("v", {"10.0.0.0/16"})
      .nsg("nsg-web", {{"allow-ssh", 100, kAllow, tcp(), {"*"}, {"22"}},
                       {"allow-https", 110, kAllow, tcp(), {"52.10.0.0/16"}, {"443"}},
                       {"allow-web", 120, kAllow, tcp(), {"Internet"}, {"80"}},
                       {"allow-rdp", 130, kAllow, tcp(), {"*"}, {"3389"}}})
      .nsg("nsg-b", {{"deny-web", 100, kDeny, tcp(), {"*"}, {"80"}}, {"allow-all", 200, kAllow, tcp(), {"*"}, {"*"}}})
      .subnet("v", "s", "10.0.0.0/24", "nsg-web")
      .public_ip("pip-a", "20.0.0.1", model::Sku::kStandard)
      .public_ip("pip-b", "20.0.0.2", model::Sku::kStandard)
      .vm("vm-a", "v", "s", "10.0.0.4", "pip-a")
      .vm("vm-b", "v", "s", "10.0.0.5", "pip-b", "nsg-b");
  model::Diagnostics diags;
  auto m = b.done(&diags);
  REQUIRE_FALSE(diags.has_errors());
  return m;
}

/// One VM (10.0.0.4, Standard public IP 20.0.0.1) in subnet s of VNet v, whose NSG has `rules`.
model::Model one_vm_estate(const std::vector<RuleSpec>& rules) {
  EstateBuilder b;
  b.vnet("v", {"10.0.0.0/16"})
      .nsg("nsg", rules)
      .subnet("v", "s", "10.0.0.0/24", "nsg")
      .public_ip("pip", "20.0.0.1", model::Sku::kStandard)
      .vm("vm", "v", "s", "10.0.0.4", "pip");
  model::Diagnostics diags;
  auto m = b.done(&diags);
  REQUIRE_FALSE(diags.has_errors());
  return m;
}

TEST_CASE("json summary: counts by severity - via and port - for two VMs worked out by hand", "[cli][json]") {
  // vm-a: 22 from any (management), 443 from 52.10.0.0/16 (restricted), 80 from any, 3389 from any (management):
  // 4 exposures. vm-b: the same but 80, which its NIC NSG denies: 3.
  // The subnet NSG's RDP rule and SSH rule differ, so 22 and 3389 are separate exposures on each VM.
  const auto m = two_vm_estate();
  const auto a = solver::analyze(m);
  REQUIRE(a.exposures.size() == 7);
  const auto counts = cli::summary_counts_json(a);
  CHECK(counts["by_severity"].dump() == R"([{"severity":"management-from-any","exposures":4,"targets":2},)"
                                        R"({"severity":"from-any","exposures":1,"targets":1},)"
                                        R"({"severity":"restricted","exposures":2,"targets":2}])");
  CHECK(counts["by_via"].dump() == R"([{"via":"public-ip","exposures":7,"targets":2}])");
  // Ties (two exposures each) in protocol and numeric port order: 22, 443, 3389; then 80 with one.
  CHECK(counts["by_port"].dump() == R"([{"protocol":"tcp","ports":[[22,22]],"exposures":2,"targets":2},)"
                                    R"({"protocol":"tcp","ports":[[443,443]],"exposures":2,"targets":2},)"
                                    R"({"protocol":"tcp","ports":[[3389,3389]],"exposures":2,"targets":2},)"
                                    R"({"protocol":"tcp","ports":[[80,80]],"exposures":1,"targets":1}])");
}

TEST_CASE("json summary: sources that are the internet less a few prefixes count as from any", "[cli][json]") {
  // One VM behind an NSG: SSH denied from 203.0.113.0/24 and then allowed from `*` (the sources are the internet less
  // one /24: the table writes "any except 203.0.113.0/24", a management port from any); HTTPS from two /16s
  // (restricted); 8080 from the internet less two /24s (from any).
  const auto a =
      solver::analyze(one_vm_estate({{"deny-ssh-doc", 100, kDeny, tcp(), {"203.0.113.0/24"}, {"22"}},
                                     {"allow-ssh", 110, kAllow, tcp(), {"*"}, {"22"}},
                                     {"allow-https", 120, kAllow, tcp(), {"52.10.0.0/16", "52.20.0.0/16"}, {"443"}},
                                     {"deny-alt", 130, kDeny, tcp(), {"198.51.100.0/24", "192.0.2.0/24"}, {"8080"}},
                                     {"allow-alt", 140, kAllow, tcp(), {"Internet"}, {"8080"}}}));
  REQUIRE(a.exposures.size() == 3);
  for (const auto& e : a.exposures) {
    INFO(cli::sources_text(e, a.internet));
    CHECK(cli::sources_text_is_any(e, a.internet) == (cli::sources_text(e, a.internet).rfind("any", 0) == 0));
  }
  const auto counts = cli::summary_counts_json(a);
  CHECK(counts["by_severity"].dump() == R"([{"severity":"management-from-any","exposures":1,"targets":1},)"
                                        R"({"severity":"from-any","exposures":1,"targets":1},)"
                                        R"({"severity":"restricted","exposures":1,"targets":1}])");
}

TEST_CASE("sources_text_is_any agrees with the SOURCES cell on random source sets", "[cli]") {
  // The internet of an analysis, less or holding random prefixes of both families: whether the cell begins with
  // "any" (the internet less a few prefixes) or lists CIDRs, the test and the text agree.
  const auto a = solver::analyze(two_vm_estate());
  std::mt19937_64 rng(1808);
  solver::Exposure e;
  for (int round = 0; round < 400; ++round) {
    model::IpSet picked;
    for (int n = static_cast<int>(rng() % 40); n > 0; --n) {
      const bool v6 = rng() % 4 == 0;
      const int length = static_cast<int>(rng() % 17) + (v6 ? 16 : 8);
      const auto text = v6 ? fmt::format("2{:03x}:{:x}::/{}", rng() % 0x1000, rng() % 0x10000, length)
                           : fmt::format("{}.{}.{}.0/{}", 1 + rng() % 223, rng() % 256, rng() % 256, length);
      const auto p = model::IpPrefix::parse(text);
      REQUIRE(p);
      picked = picked.unite(model::to_set(*p));  // host bits cleared by parse
    }
    // Mostly one family (the cell's "any except" is within the family of the set's first address), sometimes both.
    const int family = static_cast<int>(rng() % 3);
    const model::IpSet within = family == 0   ? a.internet.intersect(model::all_v4())
                                : family == 1 ? a.internet.intersect(model::all_v6())
                                              : a.internet;
    e.sources = rng() % 2 ? within.subtract(picked) : within.intersect(picked);
    e.any_source = false;
    const std::string cell = cli::sources_text(e, a.internet);
    INFO("round " << round << ": " << cell);
    CHECK(cli::sources_text_is_any(e, a.internet) == (cell.rfind("any", 0) == 0));
  }
}

TEST_CASE("json summary: the document has no exposure records - json lines give it as the header", "[cli][json]") {
  const auto m = two_vm_estate();
  const auto a = solver::analyze(m);
  std::ostringstream doc;
  cli::write_json(doc, m, a, {}, {1, true});
  const auto j = ordered_json::parse(doc.str());
  std::vector<std::string> keys;
  for (const auto& [k, v] : j.items()) keys.push_back(k);
  CHECK(keys ==
        std::vector<std::string>{"format", "version", "summary", "by_severity", "by_via", "by_port", "diagnostics"});
  CHECK(j["format"] == "exposim-analyze-summary");
  CHECK(j["summary"].dump() == R"({"exposures":7,"exposed_ip_configurations":2,"evaluated_ip_configurations":2})");
  CHECK(doc.str().find("\"path\"") == std::string::npos);
  std::ostringstream lines;
  cli::write_json_lines(lines, m, a, {}, {2, true});
  const std::string text = lines.str();
  REQUIRE(std::count(text.begin(), text.end(), '\n') == 1);
  const auto header = ordered_json::parse(text)["header"];
  CHECK(header["format"] == "exposim-analyze-summary");
  CHECK(header["by_port"] == j["by_port"]);
  CHECK(header["by_severity"] == j["by_severity"]);
}

TEST_CASE("json summary: hub-and-spoke counted by via from the command line", "[cli][json]") {
  // examples/hub-and-spoke/README.md: 14 exposures; the firewall's DNAT rules, the Bastion's sessions and its own
  // 443: by_via sums to the exposures.
  const auto r = run_exposim({"analyze", example("hub-and-spoke/firewall.json"), example("hub-and-spoke/hub.json"),
                              example("hub-and-spoke/spokes.json"), "--format", "json", "--summary"});
  REQUIRE(r.code == 0);
  const auto j = ordered_json::parse(r.out);
  std::size_t by_via = 0;
  for (const auto& v : j["by_via"]) by_via += v["exposures"].get<std::size_t>();
  std::size_t by_severity = 0;
  for (const auto& v : j["by_severity"]) by_severity += v["exposures"].get<std::size_t>();
  CHECK(by_via == j["summary"]["exposures"]);
  CHECK(by_severity == j["summary"]["exposures"]);
  CHECK(j["summary"]["exposures"] == 14);
}

TEST_CASE("json summary: by_port lists 50 port sets - the rest are counted in by_port_others", "[cli][json]") {
  // 51 rules, each admitting one port (1000 to 1050) from any source: 51 exposures, each its own port set, one
  // exposure each; ties in numeric order, so 1000 to 1049 are listed and 1050 is the one counted apart.
  std::vector<RuleSpec> rules;
  for (int i = 0; i <= 50; ++i) {
    rules.push_back({"allow-" + std::to_string(1000 + i), 100 + i, kAllow, tcp(), {"*"}, {std::to_string(1000 + i)}});
  }
  const auto a = solver::analyze(one_vm_estate(rules));
  REQUIRE(a.exposures.size() == 51);
  const auto counts = cli::summary_counts_json(a);
  REQUIRE(counts["by_port"].size() == 50);
  CHECK(counts["by_port"][0].dump() == R"({"protocol":"tcp","ports":[[1000,1000]],"exposures":1,"targets":1})");
  CHECK(counts["by_port"][49]["ports"].dump() == "[[1049,1049]]");
  CHECK(counts["by_port_others"].dump() == R"({"port_sets":1,"exposures":1,"targets":1})");
  std::vector<std::string> keys;
  for (const auto& [k, v] : counts.items()) keys.push_back(k);
  CHECK(keys == std::vector<std::string>{"by_severity", "by_via", "by_port", "by_port_others"});
  // Fewer than 51 sets: no by_port_others.
  CHECK_FALSE(cli::summary_counts_json(solver::analyze(two_vm_estate())).contains("by_port_others"));
}

}  // namespace
}  // namespace exposim::testing
