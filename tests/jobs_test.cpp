// --jobs (cli/input_options.h): every command that analyses gives the same bytes on 1, 2 and 7 workers for every
// example, and the option's bad values are usage errors.
#include <catch2/catch.hpp>

#include <algorithm>
#include <filesystem>
#include <sstream>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "cli/analyze_report.h"
#include "cli/exit_codes.h"
#include "cli_support.h"
#include "model_builder.h"
#include "solver/exposure.h"

namespace {

namespace fs = std::filesystem;

using exposim::testing::run_exposim;

/// The examples with reviewed outputs, each with its input files (sorted).
std::vector<std::pair<std::string, std::vector<std::string>>> jobs_test_examples() {
  const fs::path root = fs::path(EXPOSIM_SOURCE_DIR) / "examples";
  std::vector<std::pair<std::string, std::vector<std::string>>> out;
  for (const auto& d : fs::directory_iterator(root)) {
    if (!d.is_directory() || !fs::exists(d.path() / "expected")) continue;
    std::vector<std::string> files;
    for (const auto& f : fs::directory_iterator(d.path())) {
      if (f.is_regular_file() && f.path().extension() == ".json") files.push_back(f.path().string());
    }
    std::sort(files.begin(), files.end());
    out.emplace_back(d.path().filename().string(), files);
  }
  std::sort(out.begin(), out.end());
  return out;
}

}  // namespace

TEST_CASE("every command that analyses gives the same output on 1, 2 and 7 workers for every example", "[cli][jobs]") {
  const auto examples = jobs_test_examples();
  REQUIRE(examples.size() >= 5);
  const std::vector<std::vector<std::string>> commands = {
      {"analyze", "--format", "json"}, {"analyze", "--format", "table"},  {"analyze", "--format", "csv"},
      {"graph", "--format", "dot"},    {"recommend", "--format", "json"}, {"report"}};
  for (const auto& [name, files] : examples) {
    REQUIRE_FALSE(files.empty());
    for (const auto& command : commands) {
      CAPTURE(name, command[0], command.back());
      std::vector<std::string> args = {command[0]};
      args.insert(args.end(), files.begin(), files.end());
      args.insert(args.end(), command.begin() + 1, command.end());
      args.insert(args.end(), {"--quiet", "--jobs", "1"});
      const auto one = run_exposim(args);
      CHECK(one.code <= 1);  // 1: recommend's failing recommendations
      CHECK_FALSE(one.out.empty());
      for (const char* jobs : {"2", "7"}) {
        args.back() = jobs;
        const auto many = run_exposim(args);
        CHECK(many.code == one.code);
        CHECK(many.out == one.out);
        CHECK(many.err == one.err);
      }
    }
  }
}

TEST_CASE("whatif and check give the same output on 1, 2 and 7 workers", "[cli][jobs]") {
  const std::string dir = exposim::testing::example("open-management/");
  std::vector<std::string> files;
  for (const char* f : {"nics.json", "nsgs.json", "public-ips.json", "vms.json", "vnets.json"})
    files.push_back(dir + f);
  const std::string change = std::string(EXPOSIM_SOURCE_DIR) + "/tests/golden/inputs/open-management-change.json";
  for (const std::vector<std::string>& tail :
       {std::vector<std::string>{"whatif", "--change", change, "--full"},
        std::vector<std::string>{"check", "--spec", dir + "spec.yaml", "--format", "json"}}) {
    CAPTURE(tail[0]);
    std::vector<std::string> args = {tail[0]};
    args.insert(args.end(), files.begin(), files.end());
    args.insert(args.end(), tail.begin() + 1, tail.end());
    args.insert(args.end(), {"--quiet", "--jobs", "1"});
    const auto one = run_exposim(args);
    CHECK_FALSE(one.out.empty());
    for (const char* jobs : {"2", "7"}) {
      args.back() = jobs;
      const auto many = run_exposim(args);
      CHECK(many.code == one.code);
      CHECK(many.out == one.out);
    }
  }
}

TEST_CASE("the jobs option must be a whole number from 1", "[cli][jobs]") {
  const std::string file = exposim::testing::example("web-behind-lb/estate.json");
  for (const char* bad : {"0", "-1", "two", "1.5", ""}) {
    CAPTURE(bad);
    const auto r = run_exposim({"analyze", file, "--jobs", bad});
    CHECK(r.code == exposim::cli::kExitUsage);
    CHECK(r.out.empty());
    CHECK(r.err.find("--jobs") != std::string::npos);
  }
  const auto ok = run_exposim({"analyze", file, "-j", "3", "--format", "json"});
  CHECK(ok.code == exposim::cli::kExitOk);
  CHECK(ok.out.find("\"exposures\"") != std::string::npos);
}

TEST_CASE("several templates expanded on 1, 2 and 7 workers give the same report and diagnostics", "[cli][jobs]") {
  const std::string data = std::string(EXPOSIM_SOURCE_DIR) + "/tests/data/";
  std::vector<std::string> args = {"analyze",
                                   data + "posture/vm_template.json",
                                   data + "exports/group-export.json",
                                   data + "sarif/template.json",
                                   data + "paas_posture_template.json",
                                   "--format",
                                   "json",
                                   "--verbose",
                                   "--quiet",
                                   "--jobs",
                                   "1"};
  const auto one = run_exposim(args);
  CHECK(one.code == exposim::cli::kExitOk);
  CHECK_FALSE(one.err.empty());  // --verbose: what was detected, and the templates' notes
  for (const char* jobs : {"2", "7"}) {
    args.back() = jobs;
    const auto many = run_exposim(args);
    CHECK(many.code == one.code);
    CHECK(many.out == one.out);
    CHECK(many.err == one.err);
  }
}

TEST_CASE("an estate of more targets than one batch of placements gives the same analysis on 1, 2 and 7 workers",
          "[solver][jobs]") {
  // 4,500 VMs with Standard public IPs (more than Analyzer::kPlacementBatch, 4,096: the queue is flushed during the
  // walk too). Even VMs in subnet s0, whose NSG allows tcp 22 from anywhere; odd VMs in s1, whose NSG allows tcp 443
  // from anywhere. Every third VM also has a NIC NSG allowing only tcp 22 from 52.0.0.0/8 (then the NSG defaults,
  // which admit no internet source). So: s0 without NIC NSG: 22 from the internet; s0 with it: 22 from 52/8; s1
  // without: 443 from the internet; s1 with it: nothing (the subnet admits 443 only, the NIC 22 only).
  using namespace exposim::testing;
  EstateBuilder b;
  b.vnet("v", {"10.0.0.0/16"})
      .nsg("nsg-s0", {{"allow-ssh", 100, kAllow, tcp(), {"*"}, {"22"}}})
      .nsg("nsg-s1", {{"allow-https", 100, kAllow, tcp(), {"*"}, {"443"}}})
      .nsg("nsg-nic", {{"allow-ssh-52", 100, kAllow, tcp(), {"52.0.0.0/8"}, {"22"}}})
      .subnet("v", "s0", "10.0.0.0/19", "nsg-s0")
      .subnet("v", "s1", "10.0.32.0/19", "nsg-s1");
  constexpr int kVms = 4500;
  for (int i = 0; i < kVms; ++i) {
    const int k = i / 2;
    const std::string ip = fmt::format("10.0.{}.{}", (i % 2 == 0 ? 0 : 32) + k / 250, k % 250 + 4);
    const std::string pip = fmt::format("pip{}", i);
    b.public_ip(pip, fmt::format("20.0.{}.{}", i / 250, i % 250 + 1), exposim::model::Sku::kStandard);
    b.vm(fmt::format("vm{}", i), "v", i % 2 == 0 ? "s0" : "s1", ip, pip, i % 3 == 0 ? "nsg-nic" : "");
  }
  exposim::model::Diagnostics diags;
  const auto m = b.done(&diags);
  REQUIRE_FALSE(diags.has_errors());
  std::string first;
  for (const int jobs : {1, 2, 7}) {
    CAPTURE(jobs);
    exposim::solver::AnalyzeOptions options;
    options.jobs = jobs;
    const auto a = exposim::solver::analyze(m, options);
    // s0: 2,250 VMs, one exposure each; s1: 2,250 VMs, of which the 750 with i % 6 == 3 have a NIC NSG: 1,500.
    CHECK(a.exposures.size() == 3750);
    CHECK(a.targets_evaluated == 4500);
    CHECK(a.distinct_evaluations == 4);
    std::ostringstream json;
    exposim::cli::write_json(json, m, a, a.findings.sorted());
    if (jobs == 1) {
      first = json.str();
      continue;
    }
    CHECK(json.str() == first);
  }
}
