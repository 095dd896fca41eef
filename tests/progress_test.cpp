// The progress line (cli/progress.h) with a fake clock and a string stream, the solver's progress callback, and
// runs whose stderr is not a terminal printing none.
#include <catch2/catch.hpp>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include "cli/progress.h"
#include "cli_support.h"
#include "model_builder.h"
#include "solver/exposure.h"

namespace {

using namespace std::chrono_literals;
using exposim::cli::Progress;

using exposim::testing::hub_file;

/// A clock that moves only when the test says so.
struct FakeClock {
  Progress::TimePoint now{};
  Progress::Clock fn() {
    return [this] { return now; };
  }
};

}  // namespace

TEST_CASE("progress: nothing in the first second - then one line rewritten in place and erased", "[cli][progress]") {
  FakeClock clock;
  std::ostringstream err;
  {
    Progress p(err, true, clock.fn());
    p.update("importing a.json");
    clock.now += 999ms;
    p.update("importing a.json");
    CHECK(err.str().empty());  // a run shorter than a second shows nothing
    clock.now += 1ms;
    p.update("importing big.json");
    CHECK(err.str() == "\rexposim: importing big.json");
    clock.now += 50ms;
    p.update("solving: x");
    CHECK(err.str() == "\rexposim: importing big.json");  // not again within 100 ms
    clock.now += 50ms;
    p.update("solving: x");
    // "exposim: importing big.json" is 27 characters, "exposim: solving: x" 19: 8 spaces cover the rest.
    CHECK(err.str() == "\rexposim: importing big.json\rexposim: solving: x        ");
    err.str("");
    p.clear();
    // The last line's 19 characters are erased (the 8 after them are already blank).
    CHECK(err.str() == "\r" + std::string(19, ' ') + "\r");
    err.str("");
    p.clear();
    CHECK(err.str().empty());
  }
  CHECK(err.str().empty());  // nothing left to erase at the end
}

TEST_CASE("progress: erased when the object ends and never shown when disabled", "[cli][progress]") {
  FakeClock clock;
  std::ostringstream shown;
  {
    Progress p(shown, true, clock.fn());
    clock.now += 2s;
    p.update("solving: load balancers 1 of 2");
  }
  CHECK(shown.str() == "\rexposim: solving: load balancers 1 of 2\r" + std::string(39, ' ') + "\r");
  std::ostringstream quiet;
  {
    Progress p(quiet, false, clock.fn());
    clock.now += 10s;
    p.update("anything");
    CHECK_FALSE(p.enabled());
  }
  CHECK(quiet.str().empty());
}

TEST_CASE("progress: only on the process's stderr - a terminal - without --quiet", "[cli][progress]") {
  std::ostringstream err;
  CHECK_FALSE(exposim::cli::progress_wanted(err, false));       // not stderr
  CHECK_FALSE(exposim::cli::progress_wanted(std::cerr, true));  // --quiet
}

TEST_CASE("progress texts: the file - files and megabytes and the solver's stage and counts", "[cli][progress]") {
  CHECK(exposim::cli::import_progress_text("examples/hub-and-spoke/hub.json", 1, 3, 1'200'000, 4'000'000) ==
        "importing hub.json (2 of 3 files, 1.2 of 4.0 MB)");
  CHECK(exposim::cli::solve_progress_text("network interfaces", 1204, 30000) ==
        "solving: network interfaces 1,204 of 30,000");
  CHECK(exposim::cli::solve_progress_text("firewalls", 0, 1) == "solving: firewalls 0 of 1");
}

TEST_CASE("the solver reports its progress through the callback - one call per NIC - in order", "[solver][progress]") {
  using namespace exposim::testing;
  EstateBuilder b;
  b.vnet("v", {"10.0.0.0/16"})
      .nsg("nsg", {{"allow-ssh", 100, kAllow, tcp(), {"*"}, {"22"}}})
      .subnet("v", "s", "10.0.0.0/24", "nsg")
      .public_ip("pip1", "20.0.0.1", exposim::model::Sku::kStandard)
      .public_ip("pip2", "20.0.0.2", exposim::model::Sku::kStandard)
      .vm("vm1", "v", "s", "10.0.0.4", "pip1")
      .vm("vm2", "v", "s", "10.0.0.5", "pip2");
  exposim::model::Diagnostics diags;
  const auto m = b.done(&diags);
  REQUIRE_FALSE(diags.has_errors());
  std::vector<std::string> calls;
  exposim::solver::AnalyzeOptions options;
  options.progress = [&](std::string_view stage, std::size_t done, std::size_t total) {
    calls.push_back(std::string(stage) + " " + std::to_string(done) + "/" + std::to_string(total));
  };
  const auto with = exposim::solver::analyze(m, options);
  // Two NICs; no load balancer or firewall; the one distinct evaluation both share (same subnet, same NSG, every
  // rule's destination matching both), run before the appliances; then the gateways and the PaaS services (none).
  CHECK(calls == std::vector<std::string>{"network interfaces 0/2", "network interfaces 1/2",
                                          "distinct evaluations 1/1", "gateways 0/1", "PaaS services 0/0"});
  CHECK(with.exposures.size() == exposim::solver::analyze(m).exposures.size());
}

TEST_CASE("a run whose stderr is not a terminal prints no progress", "[cli][progress]") {
  // In-process: stderr is a string stream.
  const auto r = exposim::testing::run_exposim(
      {"analyze", hub_file("firewall.json"), hub_file("hub.json"), hub_file("spokes.json")});
  CHECK(r.err.find('\r') == std::string::npos);
  // whatif reads and solves two sides, with the same display.
  const auto w = exposim::testing::run_exposim({"whatif", hub_file("firewall.json"), hub_file("hub.json"),
                                                hub_file("spokes.json"), "--after", hub_file("firewall.json"),
                                                "--after", hub_file("hub.json"), "--after", hub_file("spokes.json")});
  CHECK(w.code == 0);
  CHECK(w.err.find('\r') == std::string::npos);
  // The program, stderr redirected to a file.
  const auto dir = exposim::testing::scratch_dir("progress");
  const std::string cmd = std::string("'") + EXPOSIM_BINARY + "' analyze '" + hub_file("firewall.json") + "' '" +
                          hub_file("hub.json") + "' '" + hub_file("spokes.json") + "' >/dev/null 2>'" +
                          (dir / "err.txt").string() + "'";
  CHECK(std::system(cmd.c_str()) == 0);
  const std::string err = exposim::testing::read_file(dir / "err.txt");
  CHECK_FALSE(err.empty());  // the example's warnings are printed
  CHECK(err.find('\r') == std::string::npos);
  std::filesystem::remove_all(dir);
}
