// The text report's summary lines (cli/analyze_report.cpp): each true on its own, the one with exposures first, worked
// out by hand for an estate of entry points only, of ip configurations only, of both, and of nothing exposed.
#include <catch2/catch.hpp>

#include <sstream>
#include <string>
#include <vector>

#include "cli/analyze_report.h"
#include "cli_support.h"
#include "model_builder.h"
#include "solver/exposure.h"

namespace exposim::testing {
namespace {

/// The text after the header lines that open a table with exposures (cli/analyze_table.h), and their blank line.
std::string skip_header(const std::string& text) {
  if (text.rfind("management ports", 0) != 0) return text;
  const auto at = text.find("\n\n");
  return at == std::string::npos ? text : text.substr(at + 2);
}

/// The lines after the table (or all lines when there is none), up to the broken flows.
std::vector<std::string> report_summary(const model::Model& m) {
  std::ostringstream out;
  cli::write_table(out, m, solver::analyze(m));
  std::istringstream in(skip_header(out.str()));
  std::vector<std::string> lines;
  for (std::string line; std::getline(in, line);) {
    if (line.empty()) break;
    lines.push_back(line);
  }
  std::vector<std::string> tail;
  for (const auto& l : lines) {
    if (l.find("TARGET") != std::string::npos) continue;
    // Table rows hold several columns separated by two spaces; summary lines are prose.
    if (l.find("  ") != std::string::npos) continue;
    tail.push_back(l);
  }
  return tail;
}

std::vector<std::string> analyze_summary(const std::vector<std::string>& files) {
  std::vector<std::string> args = {"analyze"};
  args.insert(args.end(), files.begin(), files.end());
  const auto r = run_exposim(args);
  REQUIRE(r.code == 0);
  std::istringstream in(skip_header(r.out));
  std::vector<std::string> out;
  for (std::string line; std::getline(in, line);) {
    if (line.empty()) break;
    if (line.find("TARGET") != std::string::npos || line.find("  ") != std::string::npos) continue;
    out.push_back(line);
  }
  return out;
}

TEST_CASE("summary: an estate whose only exposures are entry points says so first", "[cli]") {
  // paas-private-link: six exposures of five PaaS services (app-shop twice: its site and its SCM site), and no
  // NIC with a public IP, a load balancer, a firewall, a gateway or a Bastion in front of it.
  CHECK(analyze_summary({example("paas-private-link/estate.json")}) ==
        std::vector<std::string>{
            "6 exposures of 5 entry points (5 PaaS services)",
            "no ip configuration has an internet entry (a public IP, a public load balancer, a firewall DNAT rule, an "
            "application gateway or a Bastion host reaching it)",
            "7 PaaS services evaluated, 2 with an approved private endpoint (which does not close the public endpoint)",
        });
}

TEST_CASE("summary: ip configurations and entry points, each counted on its own line", "[cli]") {
  // hub-and-spoke (README): 8 exposures on the 5 ip configurations that fw-hub and bas-hub reach, 6 of the
  // firewall's and the Bastion's own.
  CHECK(analyze_summary({example("hub-and-spoke/firewall.json"), example("hub-and-spoke/hub.json"),
                         example("hub-and-spoke/spokes.json")}) ==
        std::vector<std::string>{
            "8 exposures on 5 of 5 ip configurations with an internet entry",
            "6 exposures of 2 entry points (1 firewall, 1 Bastion host)",
        });
}

TEST_CASE("summary: nothing exposed, with and without an internet entry", "[cli]") {
  SECTION("a Standard public IP and no NSG: the entry exists, nothing passes") {
    EstateBuilder b;
    b.vnet("v", {"10.0.0.0/16"})
        .subnet("v", "s", "10.0.0.0/24")
        .public_ip("pip", "20.0.0.1", model::Sku::kStandard)
        .vm("vm", "v", "s", "10.0.0.4", "pip");
    CHECK(report_summary(b.done()) ==
          std::vector<std::string>{"no exposure on the 1 ip configuration with an internet entry"});
  }
  SECTION("no public IP at all") {
    EstateBuilder b;
    b.vnet("v", {"10.0.0.0/16"}).subnet("v", "s", "10.0.0.0/24").vm("vm", "v", "s", "10.0.0.4");
    CHECK(
        report_summary(b.done()) ==
        std::vector<std::string>{"no exposures: no ip configuration has an internet entry (a public IP, a public load "
                                 "balancer, a firewall DNAT rule, an application gateway or a Bastion host reaching "
                                 "it)"});
  }
  SECTION("a Basic public IP and no NSG: open") {
    EstateBuilder b;
    b.vnet("v", {"10.0.0.0/16"})
        .subnet("v", "s", "10.0.0.0/24")
        .public_ip("pip", "20.0.0.1", model::Sku::kBasic)
        .vm("vm", "v", "s", "10.0.0.4", "pip");
    // tcp, udp, icmp, esp, ah: one exposure each.
    CHECK(report_summary(b.done()) ==
          std::vector<std::string>{"5 exposures on 1 of 1 ip configuration with an internet entry"});
  }
}

}  // namespace
}  // namespace exposim::testing
