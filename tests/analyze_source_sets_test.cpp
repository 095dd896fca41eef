// analyze's JSON version 2 (shared source sets, cli/analyze_source_sets.h) and JSON Lines (cli/analyze_jsonl.h):
// a hand-worked estate where two exposures share a source set and one does not, and on every example, version 2
// with its references expanded and its hops put back in version 1's shape, and the JSON Lines reassembled, give back
// version 1's document exactly.
#include <catch2/catch.hpp>

#include <algorithm>
#include <filesystem>
#include <sstream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "cli/analyze_jsonl.h"
#include "cli/analyze_report.h"
#include "cli/exit_codes.h"
#include "cli_support.h"
#include "model_builder.h"
#include "solver/exposure.h"

namespace exposim::testing {
namespace {

namespace fs = std::filesystem;
using nlohmann::ordered_json;

/// vm (10.0.0.4, public IP 20.0.0.1) behind nsg-web: SSH from `*`, HTTPS from 52.10.0.0/16, HTTP from `Internet`.
/// `*` and `Internet` both admit the whole internet: the exposures on 22 and 80 have the same sources, the one on
/// 443 its own.
model::Model shared_sources_estate() {
  EstateBuilder b;
  b.vnet("v", {"10.0.0.0/16"})
      .nsg("nsg-web", {{"allow-ssh", 100, kAllow, tcp(), {"*"}, {"22"}},
                       {"allow-https", 110, kAllow, tcp(), {"52.10.0.0/16"}, {"443"}},
                       {"allow-web", 120, kAllow, tcp(), {"Internet"}, {"80"}}})
      .subnet("v", "s", "10.0.0.0/24", "nsg-web")
      .public_ip("pip", "20.0.0.1", model::Sku::kStandard)
      .vm("vm", "v", "s", "10.0.0.4", "pip");
  model::Diagnostics diags;
  auto m = b.done(&diags);
  REQUIRE_FALSE(diags.has_errors());
  return m;
}

std::string json_of(const model::Model& m, const cli::JsonOptions& options) {
  std::ostringstream out;
  cli::write_json(out, m, solver::analyze(m), {}, options);
  return out.str();
}

/// The exposure of `doc` on `port`.
const ordered_json& on_port(const ordered_json& doc, int port) {
  for (const auto& e : doc["exposures"]) {
    if (e["ports"] == ordered_json::array({{port, port}})) return e;
  }
  FAIL("no exposure on port " << port);
  return doc;
}

/// A version 2 path hop (cli/hop_json.h) in version 1's shape (docs/output-format.md, "analyze's hops and explain's
/// hops"): the kinds as version 1 spells them, no `type` on the entry, no `scope` on load balancer and firewall hops
/// (a firewall's `rule` only when one decided), a system route `{ "name": "system" }`, a PaaS hop's unnamed rule `""`.
ordered_json source_sets_v1_hop(ordered_json h) {
  const std::string kind = h["hop"];
  if (kind == "source") h["hop"] = "internet";
  if (kind == "entry") {
    h["hop"] = "public-ip";
    h.erase("type");
  }
  if (kind == "load-balancer") h.erase("scope");
  if (kind == "firewall") {
    h.erase("scope");
    if (h["rule"].is_null()) h.erase("rule");
  }
  if (kind == "route" && h["route"].is_null()) h["route"] = {{"name", "system"}};
  if (kind == "paas") {
    h["hop"] = "paas-service";
    if (h.contains("rule") && h["rule"]["name"].is_null()) h["rule"]["name"] = "";
  }
  return h;
}

/// An exposure of version 2 with its `sources` reference replaced by its set's list and its hops in version 1's
/// shape.
void source_sets_v1_exposure(ordered_json& e, const std::vector<ordered_json>& sets) {
  if (e["sources"].is_number()) {
    const auto id = e["sources"].get<std::size_t>();
    REQUIRE(id < sets.size());
    REQUIRE(sets[id]["id"] == id);
    e["sources"] = sets[id]["sources"];
  }
  for (auto& h : e["path"]) h = source_sets_v1_hop(h);
}

/// A version 2 document with each `sources` reference replaced by its set's list, its hops in version 1's shape,
/// `source_sets` removed and `version` 1: what version 1 writes, if the contract holds.
ordered_json expanded(ordered_json doc) {
  const std::vector<ordered_json> sets = doc["source_sets"];
  for (const char* list : {"exposures", "broken"}) {
    if (!doc.contains(list)) continue;
    for (auto& e : doc[list]) source_sets_v1_exposure(e, sets);
  }
  doc.erase("source_sets");
  doc["version"] = 1;
  return doc;
}

/// JSON Lines put back into the JSON document: the header's fields, the exposures, the summary, the broken flows
/// (when any) and the diagnostics, in the document's order; source sets expanded into the records (version 2: and
/// the hops put back in version 1's shape).
ordered_json reassembled(const std::string& lines) {
  std::istringstream in(lines);
  std::string line;
  REQUIRE(std::getline(in, line));
  const auto header = ordered_json::parse(line).at("header");
  std::vector<ordered_json> sets;
  ordered_json exposures = ordered_json::array();
  ordered_json broken = ordered_json::array();
  ordered_json diagnostics = ordered_json::array();
  while (std::getline(in, line)) {
    auto record = ordered_json::parse(line);
    REQUIRE(record.size() == 1);
    const std::string kind = record.begin().key();
    auto value = record.begin().value();
    if (kind == "source_set") {
      REQUIRE(value["id"] == sets.size());  // written in id order, each once
      sets.push_back(value);
      continue;
    }
    if ((kind == "exposure" || kind == "broken") && header["version"] == 2) {
      source_sets_v1_exposure(value, sets);  // each set written before its first use
    }
    if (kind == "exposure") exposures.push_back(value);
    if (kind == "broken") broken.push_back(value);
    if (kind == "diagnostic") diagnostics.push_back(value);
  }
  ordered_json doc = {{"format", header["format"]}, {"version", 1}, {"exposures", exposures}};
  doc["summary"] = header["summary"];
  if (!broken.empty()) doc["broken"] = broken;
  doc["diagnostics"] = diagnostics;
  return doc;
}

std::vector<std::string> example_json_inputs(const fs::path& dir) {
  std::vector<std::string> files;
  for (const auto& e : fs::directory_iterator(dir)) {
    if (e.is_regular_file() && e.path().extension() == ".json") files.push_back(e.path().string());
  }
  std::sort(files.begin(), files.end());
  return files;
}

/// `exposim analyze FILES... EXTRA...`'s standard output.
std::string analyze_out(const std::vector<std::string>& files, const std::vector<std::string>& extra) {
  std::vector<std::string> args = {"analyze"};
  args.insert(args.end(), files.begin(), files.end());
  args.insert(args.end(), extra.begin(), extra.end());
  const auto r = run_exposim(args);
  INFO(r.err);
  REQUIRE(r.code == cli::kExitOk);
  return r.out;
}

TEST_CASE(
    "json version 2: two exposures from the whole internet share one source set - the restricted one has its "
    "own",
    "[cli][json]") {
  const auto m = shared_sources_estate();
  const auto v2 = ordered_json::parse(json_of(m, {2, false}));
  CHECK(v2["format"] == "exposim-analyze");
  CHECK(v2["version"] == 2);
  REQUIRE(v2["exposures"].size() == 3);
  REQUIRE(v2["source_sets"].size() == 2);
  const auto& ssh = on_port(v2, 22);
  const auto& https = on_port(v2, 443);
  const auto& web = on_port(v2, 80);
  CHECK(ssh["sources"].is_number_unsigned());
  CHECK(ssh["sources"] == web["sources"]);
  CHECK(https["sources"] != ssh["sources"]);
  CHECK(ssh["any_source"] == true);
  CHECK(https["any_source"] == false);
  // Ids follow first use: the first exposure refers to set 0.
  CHECK(v2["exposures"][0]["sources"] == 0);
  const auto& restricted = v2["source_sets"][https["sources"].get<std::size_t>()];
  CHECK(restricted.dump() ==
        R"({"id":)" + https["sources"].dump() + R"(,"sources":["52.10.0.0/16"],"cidr_count":1,"references":1})");
  const auto& internet = v2["source_sets"][ssh["sources"].get<std::size_t>()];
  CHECK(internet["references"] == 2);
  CHECK(internet["cidr_count"] == internet["sources"].size());
  // The whole internet of IPv4 and IPv6: public space, so neither 10.0.0.0/8 nor 52.10.0.0/16 alone.
  CHECK(internet["sources"].size() > 1);
  // Version 1 of the same estate lists the internet's CIDRs in both exposures.
  const auto v1 = ordered_json::parse(json_of(m, {}));
  CHECK(on_port(v1, 22)["sources"] == internet["sources"]);
  CHECK(on_port(v1, 80)["sources"] == internet["sources"]);
  CHECK(on_port(v1, 443)["sources"] == ordered_json::array({"52.10.0.0/16"}));
}

TEST_CASE("json version 1 is unchanged by the options: the default and version 1 write the same bytes", "[cli][json]") {
  const auto m = shared_sources_estate();
  std::ostringstream plain;
  cli::write_json(plain, m, solver::analyze(m), {});
  CHECK(json_of(m, {1, false}) == plain.str());
  CHECK(plain.str().rfind("{\n  \"format\": \"exposim-analyze\",\n  \"version\": 1,\n  \"exposures\": [\n    {", 0) ==
        0);
}

TEST_CASE("json lines: a header - each source set before its first use - one line per exposure", "[cli][jsonl]") {
  const auto m = shared_sources_estate();
  const auto a = solver::analyze(m);
  std::ostringstream out;
  cli::write_json_lines(out, m, a, {}, {2, false});
  std::vector<ordered_json> records;
  std::istringstream in(out.str());
  for (std::string line; std::getline(in, line);) records.push_back(ordered_json::parse(line));
  // header, set 0, exposure 0, then the second set before the first exposure that uses it, then the last one.
  REQUIRE(records.size() == 6);
  CHECK(records[0].dump() ==
        R"({"header":{"format":"exposim-analyze","version":2,"summary":{"exposures":3,"exposed_ip_configurations":1,)"
        R"("evaluated_ip_configurations":1}}})");
  CHECK(records[1]["source_set"]["id"] == 0);
  CHECK(records[2]["exposure"]["sources"] == 0);
  std::size_t sets = 0;
  for (const auto& r : records) sets += r.contains("source_set") ? 1 : 0;
  CHECK(sets == 2);
  // Each exposure line is the document's exposure, byte for byte.
  const auto v2 = ordered_json::parse(json_of(m, {2, false}));
  std::size_t i = 0;
  for (const auto& r : records) {
    if (r.contains("exposure")) CHECK(r["exposure"].dump() == v2["exposures"][i++].dump());
  }
  CHECK(i == 3);
}

TEST_CASE("every example: version 2 expanded - and json lines reassembled - give back version 1's document",
          "[cli][json][jsonl][golden]") {
  std::size_t examples = 0;
  std::size_t with_broken = 0;
  for (const auto& e : fs::directory_iterator(fs::path(EXPOSIM_SOURCE_DIR) / "examples")) {
    if (!e.is_directory()) continue;
    INFO(e.path().filename().string());
    const auto files = example_json_inputs(e.path());
    const auto v1 = ordered_json::parse(analyze_out(files, {"--format", "json"}));
    REQUIRE(v1["exposures"].size() > 0);
    with_broken += v1.contains("broken") ? 1 : 0;
    const auto v2 = ordered_json::parse(analyze_out(files, {"--format", "json", "--json-version", "2"}));
    CHECK(v2["source_sets"].size() <= v1["exposures"].size());
    CHECK(expanded(v2) == v1);
    CHECK(expanded(v2).dump() == v1.dump());  // the keys in the same order too
    CHECK(reassembled(analyze_out(files, {"--format", "jsonl"})).dump() == v1.dump());
    CHECK(reassembled(analyze_out(files, {"--format", "jsonl", "--json-version", "2"})).dump() == v1.dump());
    ++examples;
  }
  CHECK(examples >= 11);
  CHECK(with_broken >= 1);  // the broken list's references are exercised too
}

TEST_CASE("json lines: -o writes the same lines to the file - and --json-version is refused for the table",
          "[cli][jsonl]") {
  const auto dir = scratch_dir("jsonl");
  const std::string file = (dir / "report.jsonl").string();
  const auto inputs = example_json_inputs(example("hub-and-spoke"));
  const auto stdout_text = analyze_out(inputs, {"--format", "jsonl", "--json-version", "2"});
  analyze_out(inputs, {"--format", "jsonl", "--json-version", "2", "-o", file});
  CHECK(read_file(file) == stdout_text);
  CHECK(std::distance(fs::directory_iterator(dir), fs::directory_iterator()) == 1);  // no temporary left
  std::vector<std::string> args = {"analyze"};
  args.insert(args.end(), inputs.begin(), inputs.end());
  args.insert(args.end(), {"--json-version", "2"});
  const auto r = run_exposim(args);
  CHECK(r.code == cli::kExitUsage);
  CHECK(r.err == "exposim: --json-version applies to --format json and jsonl, not table\n");
  args.back() = "3";
  CHECK(run_exposim(args).code == cli::kExitUsage);
  fs::remove_all(dir);
}

}  // namespace
}  // namespace exposim::testing
