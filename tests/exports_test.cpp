// Exports of live estates read together in one run: `az group export` (a template with parameters for names),
// `az resource list` output (an array), Resource Graph results as the REST API and as `az graph query` give
// them. Fixtures: tests/data/exports/. Expected exposures worked out by hand from each NSG
// (docs/model.md#network-security-groups).
#include <algorithm>
#include <sstream>
#include <string>
#include <vector>

#include <fmt/format.h>
#include <catch2/catch.hpp>

#include "cli/commands.h"
#include "importers/inputs.h"
#include "model/validate.h"
#include "solver/exposure.h"

namespace exposim::testing {
namespace {

const std::string kExports = std::string(EXPOSIM_SOURCE_DIR) + "/tests/data/exports/";
const std::vector<std::string> kFiles = {kExports + "group-export.json", kExports + "resource-list.json",
                                         kExports + "graph-rest.json", kExports + "graph-cli.json"};

TEST_CASE("exports: group export, resource list and Resource Graph results mixed in one run", "[exports]") {
  model::Model m;
  model::Diagnostics d;
  const auto reports = importers::import_inputs(kFiles, {}, m, d);
  model::validate(m, d);
  std::string errors;
  for (const auto& x : d.items()) {
    if (x.severity == model::Severity::kError) errors += model::to_string(x) + "\n";
  }
  REQUIRE(errors.empty());
  REQUIRE(reports.size() == 4);
  // The export: NSG with one rule inline and one nested child, the same rule again as a top-level child,
  // public IP, VNet with its subnet inline and again top-level, NIC, VM: 8 resources, children kept once.
  CHECK(reports[0].kind == "template");
  CHECK(reports[0].expanded == 8);
  CHECK(reports[0].stats.resources == 8);
  CHECK(reports[1].kind == "resources");
  CHECK(reports[1].stats.detected_shape == "array");
  CHECK(reports[1].stats.resources == 4);
  CHECK(reports[2].stats.detected_shape == "data");  // {"totalRecords", "count", "data", "facets", ...}
  CHECK(reports[2].stats.resources == 4);
  CHECK(reports[3].stats.detected_shape == "data");  // {"count", "data", "skip_token", "total_records"}
  CHECK(reports[3].stats.resources == 4);
  REQUIRE(m.nsgs.size() == 4);
  const auto web = std::find_if(m.nsgs.begin(), m.nsgs.end(), [](const auto& n) { return n.name == "web-nsg"; });
  REQUIRE(web != m.nsgs.end());
  std::size_t custom = 0;
  for (const auto& r : web->rules) custom += r.is_default ? 0 : 1;
  CHECK(custom == 2);  // allow-https (inline and top-level: once) and allow-ssh-office (nested child)
  CHECK(m.subnets.size() == 4);

  const auto a = solver::analyze(m);
  std::vector<std::string> got;
  for (const auto& e : a.exposures) {
    const std::string target = e.vm >= 0 ? m.vms[e.vm].name : e.nic >= 0 ? m.nics[e.nic].name : "?";
    const std::string sources =
        e.any_source ? "internet" : fmt::format("{}", fmt::join(model::to_cidr_strings(e.sources), ","));
    got.push_back(fmt::format("{} {} {} {} from {}", target, solver::to_string(e.via), model::to_string(e.protocol),
                              model::to_string(e.ports), sources));
  }
  std::sort(got.begin(), got.end());
  // web-vm: subnet NSG web-nsg admits 443 from Internet and 22 from 81.2.69.0/24 (no NIC NSG).
  // db-nic: NIC NSG db-nsg admits 5432 from 52.174.12.0/24 (no subnet NSG).
  // ops-nic: subnet NSG admits 3389 from Internet. jump-nic: NIC NSG admits 22 from '*'.
  CHECK(got == std::vector<std::string>{
                   "db-nic public-ip tcp 5432 from 52.174.12.0/24", "jump-nic public-ip tcp 22 from internet",
                   "ops-nic public-ip tcp 3389 from internet", "web-vm public-ip tcp 22 from 81.2.69.0/24",
                   "web-vm public-ip tcp 443 from internet"});
}

TEST_CASE("exports: --verbose says what each file was detected as", "[exports]") {
  std::vector<std::string> args = {"analyze"};
  args.insert(args.end(), kFiles.begin(), kFiles.end());
  args.push_back("--verbose");
  std::ostringstream out, err;
  const int code = cli::run(args, out, err);
  INFO(err.str());
  CHECK(code == 0);
  const std::string e = err.str();
  CHECK_THAT(
      e, Catch::Contains("group-export.json: detected a deployment template, 8 resources after expansion, 8 modelled"));
  CHECK_THAT(e, Catch::Contains("resource-list.json: detected array shape (a resource list: az resource list, az CLI "
                                "output), 4 resources"));
  CHECK_THAT(e, Catch::Contains("graph-rest.json: detected data shape (Resource Graph results), 4 resources"));
  CHECK_THAT(e, Catch::Contains("graph-cli.json: detected data shape (Resource Graph results), 4 resources"));
}

}  // namespace
}  // namespace exposim::testing
