// analyze's table (cli/analyze_table.h, cli/analyze_layout.h, cli/terminal.h): the layout at 80, 120 and 200
// columns on two hand-made rows, risk ordering, the header counts, collapsed rows, --summary, and colour against
// the marker. Expected values are worked out by hand from the examples' READMEs.
#include <catch2/catch.hpp>

#include <cstdlib>
#include <sstream>
#include <string>
#include <vector>

#include "cli/analyze_table.h"
#include "cli/exit_codes.h"
#include "cli/terminal.h"
#include "cli/text_table.h"
#include "cli_support.h"
#include "model_builder.h"
#include "solver/exposure.h"

namespace exposim::testing {
namespace {

using cli::LastColumn;
using cli::Risk;
using cli::RiskRow;

const std::vector<std::string> kHeader = {"TARGET", "IP", "ENTRY", "VIA", "PROTO", "PORTS", "SOURCES", "RULES"};

/// Two rows: SSH from any (43-character rules), and port 80 from five partner ranges (two hops, 80 characters).
std::vector<RiskRow> two_rows() {
  return {
      {{"vm-a", "10.0.0.4", "20.0.0.1", "public-ip", "tcp", "22", "any", "subnet: nsg-a/allow-ssh (100) > nic: no NSG"},
       Risk::kManagementFromAny},
      {{"vm-b", "10.0.0.5", "20.0.0.2", "public-ip", "tcp", "80", "52.1.0.0/16,52.2.0.0/16,52.3.0.0/16 +2 more",
        "subnet: nsg-b/allow-web-from-partners (200) > nic: nsg-b-nic/allow-all-web (300)"},
       Risk::kRestricted},
  };
}

std::string sp(std::size_t n) { return std::string(n, ' '); }

std::vector<std::string> lines_of(const std::string& text) {
  std::istringstream in(text);
  std::vector<std::string> out;
  for (std::string l; std::getline(in, l);) out.push_back(l);
  return out;
}

std::vector<std::string> hub() {
  return {example("hub-and-spoke/firewall.json"), example("hub-and-spoke/hub.json"),
          example("hub-and-spoke/spokes.json")};
}

CliResult analyze(std::vector<std::string> files, const std::vector<std::string>& extra = {}) {
  files.insert(files.begin(), "analyze");
  files.insert(files.end(), extra.begin(), extra.end());
  return run_exposim(files);
}

TEST_CASE("table layout: 200 columns hold every row on one line, as unlimited width does", "[cli]") {
  // Widths: TARGET 6, IP 8, ENTRY 8, VIA 9, PROTO 5, PORTS 5, SOURCES 43, two spaces apart after the marker and
  // its space: RULES starts at column 2 + 100 = 102, and the longest row is 102 + 80 = 182 <= 200.
  const std::vector<std::string> want = {
      "  TARGET  IP        ENTRY     VIA        PROTO  PORTS  SOURCES" + sp(38) + "RULES",
      "! vm-a    10.0.0.4  20.0.0.1  public-ip  tcp    22     any" + sp(42) +
          "subnet: nsg-a/allow-ssh (100) > nic: no NSG",
      "  vm-b    10.0.0.5  20.0.0.2  public-ip  tcp    80     52.1.0.0/16,52.2.0.0/16,52.3.0.0/16 +2 more  "
      "subnet: nsg-b/allow-web-from-partners (200) > nic: nsg-b-nic/allow-all-web (300)",
  };
  CHECK(cli::layout_table(kHeader, two_rows(), {200, false}, LastColumn::kRules) == want);
  CHECK(cli::layout_table(kHeader, two_rows(), {0, false}, LastColumn::kRules) == want);
}

TEST_CASE("table layout: 120 columns elide SOURCES and wrap RULES under its column between hops", "[cli]") {
  // SOURCES elided to 24: "52.1.0.0/16 +4 more" (19; two ranges would take 31). RULES starts at 2 + 74 = 76 and
  // keeps 44 columns: the 43-character subnet hop fits, the NIC hop continues on the next line under it.
  const std::vector<std::string> want = {
      "  TARGET  IP        ENTRY     VIA        PROTO  PORTS  SOURCES              RULES",
      "! vm-a    10.0.0.4  20.0.0.1  public-ip  tcp    22     any                  subnet: nsg-a/allow-ssh (100) > "
      "nic: "
      "no NSG",
      "  vm-b    10.0.0.5  20.0.0.2  public-ip  tcp    80     52.1.0.0/16 +4 more  subnet: "
      "nsg-b/allow-web-from-partners (200)",
      sp(76) + "> nic: nsg-b-nic/allow-all-web (300)",
  };
  const auto got = cli::layout_table(kHeader, two_rows(), {120, false}, LastColumn::kRules);
  CHECK(got == want);
  for (const auto& l : got) CHECK(l.size() <= 120);
}

TEST_CASE("table layout: 80 columns take two lines a row, the way in and the rules indented", "[cli]") {
  // 76 + 40 > 80: TARGET IP PROTO PORTS SOURCES, then VIA ENTRY > RULES indented 6 in 74 columns. vm-a's second
  // line is 64 characters; vm-b's would be 101, so its NIC hop goes to a third line.
  const std::vector<std::string> want = {
      "  TARGET  IP        PROTO  PORTS  SOURCES",
      "      VIA ENTRY > RULES",
      "! vm-a    10.0.0.4  tcp    22     any",
      "      public-ip 20.0.0.1 > subnet: nsg-a/allow-ssh (100) > nic: no NSG",
      "  vm-b    10.0.0.5  tcp    80     52.1.0.0/16 +4 more",
      "      public-ip 20.0.0.2 > subnet: nsg-b/allow-web-from-partners (200)",
      "      > nic: nsg-b-nic/allow-all-web (300)",
  };
  const auto got = cli::layout_table(kHeader, two_rows(), {80, false}, LastColumn::kRules);
  CHECK(got == want);
  for (const auto& l : got) CHECK(l.size() <= 80);
}

TEST_CASE("table layout: colour instead of the marker column, red for management ports from any", "[cli]") {
  const auto got = cli::layout_table(kHeader, two_rows(), {0, true}, LastColumn::kRules);
  REQUIRE(got.size() == 3);
  CHECK(got[0] == "TARGET  IP        ENTRY     VIA        PROTO  PORTS  SOURCES" + sp(38) + "RULES");
  CHECK(got[1] == "\x1b[31mvm-a    10.0.0.4  20.0.0.1  public-ip  tcp    22     any" + sp(42) +
                      "subnet: nsg-a/allow-ssh (100) > nic: no NSG\x1b[0m");
  CHECK(got[2].rfind("vm-b    10.0.0.5", 0) == 0);  // restricted: not coloured
  CHECK(cli::layout_table(kHeader, {{two_rows()[0].cells, Risk::kFromAny}}, {0, true}, LastColumn::kRules)[1].rfind(
            "\x1b[33mvm-a", 0) == 0);
}

TEST_CASE("table layout: a string stream or a file is not a terminal, and NO_COLOR turns colour off", "[cli]") {
  std::ostringstream s;
  const auto t = cli::detect_terminal(s);
  CHECK(t.columns == 0);
  CHECK_FALSE(t.colour);
  ::setenv("NO_COLOR", "1", 1);
  CHECK_FALSE(cli::colour_allowed());
  ::setenv("NO_COLOR", "", 1);  // https://no-color.org: only a non-empty value counts
  CHECK(cli::colour_allowed());
  ::unsetenv("NO_COLOR");
  CHECK(cli::colour_allowed());
  ::setenv("COLUMNS", "132", 1);
  CHECK(cli::terminal_columns(-1) == 132);
  ::setenv("COLUMNS", "wide", 1);
  CHECK(cli::terminal_columns(-1) == 80);  // not a number, and fd -1 has no window size
  ::unsetenv("COLUMNS");
}

TEST_CASE("table layout: long cells are elided, lists keep a count of what was left out", "[cli]") {
  CHECK(cli::elide_list("52.1.0.0/16,52.2.0.0/16,52.3.0.0/16 +2 more", 24) == "52.1.0.0/16 +4 more");
  CHECK(cli::elide_list("any except 52.1.0.0/16,52.2.0.0/16", 24) == "any except 52.1.0.0/16 +1 more");
  CHECK(cli::elide_list("any except 52.40.0.0/16", 24) == "any except 52.40.0.0/16");
  CHECK(cli::elide_end("stappdata.blob.core.windows.net", 24) == "stappdata.blob.core.w...");
  CHECK(cli::with_thousands(1204) == "1,204");
  CHECK(cli::with_thousands(253900) == "253,900");
  CHECK(cli::with_thousands(999) == "999");
}

TEST_CASE("analyze table: open-management's three exposures are all management ports from any", "[cli]") {
  // examples/open-management/README.md: WinRM 5985-5986 on app, SSH and RDP on jumpbox, each from any source
  // through its public IP.
  const auto r = analyze({example("open-management/nics.json"), example("open-management/nsgs.json"),
                          example("open-management/public-ips.json"), example("open-management/vms.json"),
                          example("open-management/vnets.json")});
  REQUIRE(r.code == 0);
  CHECK(lines_of(r.out) ==
        std::vector<std::string>{
            "management ports (22,3389,5985-5986) open to any source: 2 targets (app, jumpbox)",
            "internet entries: 2 (52.169.20.11, 52.169.20.12)",
            "exposures by via: public-ip 3",
            "",
            "  TARGET   IP         ENTRY         VIA        PROTO  PORTS      SOURCES  RULES",
            "! app      10.30.1.4  52.169.20.12  public-ip  tcp    5985-5986  any      subnet: nsg-apps/allow-winrm "
            "(110) "
            "> nic: nsg-app-nic/allow-rest (200)",
            "! jumpbox  10.30.0.4  52.169.20.11  public-ip  tcp    22         any      subnet: no NSG > nic: "
            "jumpboxNSG/default-allow-ssh (1000)",
            "! jumpbox  10.30.0.4  52.169.20.11  public-ip  tcp    3389       any      subnet: no NSG > nic: "
            "jumpboxNSG/allow-rdp (1010)",
            "3 exposures on 2 of 2 ip configurations with an internet entry",
        });
  CHECK(r.err.find("--summary") == std::string::npos);  // 3 rows: no hint
}

TEST_CASE("analyze table: hub-and-spoke ranked by risk, with the header's counts", "[cli]") {
  // README: 14 exposures. Management from any: only vm-jump's SSH through the DNAT rule ssh-to-jump (the Bastion
  // sessions are authenticated, fw-hub's 2222 and 3389 are DNAT frontends). From any (or any but 52.40.0.0/16):
  // bas-hub 443, fw-hub 2222, 443 and 8080, vm-app 8443, and the five Bastion session rows. Restricted: fw-hub 443
  // and 3389 from the partners, vm-app 8443 from 52.40.0.0/16. Entries: the firewall's 20.50.60.70 and the
  // Bastion's 20.50.60.80 (vm-web's 20.50.61.10 only carries broken flows).
  const auto r = analyze(hub());
  REQUIRE(r.code == 0);
  const auto lines = lines_of(r.out);
  REQUIRE(lines.size() > 18);
  CHECK(lines[0] == "management ports (22,3389,5985-5986) open to any source: 1 target (vm-jump)");
  CHECK(lines[1] == "internet entries: 2 (20.50.60.70, 20.50.60.80)");
  CHECK(lines[2] == "exposures by via: firewall-dnat 8, bastion 5, public-ip 1");
  std::string markers;
  std::vector<std::string> targets;
  for (std::size_t i = 5; i < 19; ++i) {
    markers += lines[i][0];
    targets.push_back(lines[i].substr(2, lines[i].find(' ', 2) - 2));
  }
  CHECK(markers == "!**********   ");
  CHECK(targets == std::vector<std::string>{"vm-jump", "bas-hub", "fw-hub", "fw-hub", "fw-hub", "vm-app", "vm-db",
                                            "vm-jump", "vm-jump", "vm-legacy", "vm-web", "fw-hub", "fw-hub", "vm-app"});
  CHECK(lines[5].find("tcp    22 ") != std::string::npos);
  CHECK(lines[11].find("all except 3389") != std::string::npos);  // vm-db: every port but RDP through Bastion
  CHECK(lines[19] == "8 exposures on 5 of 5 ip configurations with an internet entry");
  // --sort name: today's order, by target, markers kept.
  const auto by_name = lines_of(analyze(hub(), {"--sort", "name"}).out);
  std::string name_markers;
  for (std::size_t i = 5; i < 19; ++i) name_markers += by_name[i][0];
  CHECK(name_markers == "* ** * **!****");
}

TEST_CASE("analyze table: a VM's icmp, esp and ah are one row", "[cli]") {
  // A Basic public IP and no NSG: everything is open, five exposures (tcp, udp, icmp, esp, ah), three rows.
  EstateBuilder b;
  b.vnet("v", {"10.0.0.0/16"})
      .subnet("v", "s", "10.0.0.0/24")
      .public_ip("pip", "20.0.0.1", model::Sku::kBasic)
      .vm("vm", "v", "s", "10.0.0.4", "pip");
  const auto m = b.done();
  const auto a = solver::analyze(m);
  REQUIRE(a.exposures.size() == 5);
  const auto rows = cli::table_rows(m, a, cli::TableSort::kRisk);
  REQUIRE(rows.size() == 3);
  CHECK(rows[0].cells[4] == "tcp");  // all TCP ports from any: management ports included
  CHECK(rows[0].risk == Risk::kManagementFromAny);
  CHECK(rows[1].cells[4] == "udp");  // so is UDP 3389
  CHECK(rows[1].risk == Risk::kManagementFromAny);
  CHECK(rows[2].cells[4] == "icmp,esp,ah");
  CHECK(rows[2].cells[5] == "-");
  CHECK(rows[2].risk == Risk::kFromAny);
}

TEST_CASE("analyze --summary: hub-and-spoke by protocol, ports and sources", "[cli]") {
  // The rows of the risk test grouped: vm-legacy and vm-web share "tcp all from any" through Bastion (different
  // subnets), every other group holds one target; within a class most targets first, then by ports as text.
  const auto r = analyze(hub(), {"--summary"});
  REQUIRE(r.code == 0);
  const auto lines = lines_of(r.out);
  REQUIRE(lines.size() >= 18);
  CHECK(std::vector<std::string>(lines.begin() + 4, lines.begin() + 18) ==
        std::vector<std::string>{
            "! tcp/22 from any: 1 NIC in 1 subnet",
            "* tcp/all from any: 2 NICs in 2 subnets",
            "* tcp/22 from any: 1 NIC in 1 subnet",
            "* tcp/2222 from any: 1 firewall",
            "* tcp/443 from any: 1 Bastion host",
            "* tcp/443 from any except some sources: 1 firewall",
            "* tcp/8080 from any: 1 firewall",
            "* tcp/8443 from any except some sources: 1 NIC in 1 subnet",
            "* tcp/all except 22 from any: 1 NIC in 1 subnet",
            "* tcp/all except 3389 from any: 1 NIC in 1 subnet",
            "  tcp/3389 from restricted sources: 1 firewall",
            "  tcp/443 from restricted sources: 1 firewall",
            "  tcp/8443 from restricted sources: 1 NIC in 1 subnet",
            "",
        });
  CHECK(lines[18] == "8 exposures on 5 of 5 ip configurations with an internet entry");
}

TEST_CASE("analyze --max-sources: CIDRs per SOURCES cell - three by default - 0 for all", "[cli]") {
  // nsg-web admits port 80 from five partner /24s (not adjacent, so five CIDRs): by default the cell lists
  // three and "+2 more", --max-sources 1 one and "+4 more", 0 all five; the JSON keeps all five either way.
  EstateBuilder b;
  b.vnet("v", {"10.0.0.0/16"})
      .nsg("nsg-web", {{"allow-partners",
                        100,
                        kAllow,
                        tcp(),
                        {"52.1.0.0/24", "52.3.0.0/24", "52.5.0.0/24", "52.7.0.0/24", "52.9.0.0/24"},
                        {"80"}}})
      .subnet("v", "s", "10.0.0.0/24", "nsg-web")
      .public_ip("pip", "20.0.0.1", model::Sku::kStandard)
      .vm("vm", "v", "s", "10.0.0.4", "pip");
  model::Diagnostics diags;
  const auto m = b.done(&diags);
  REQUIRE_FALSE(diags.has_errors());
  const auto a = solver::analyze(m);
  const auto row = [&](std::size_t max_sources) {
    cli::TableOptions t;
    t.max_sources = max_sources;
    std::ostringstream out;
    cli::write_table(out, m, a, t);
    for (const auto& l : lines_of(out.str())) {
      if (l.rfind("  vm ", 0) == 0) return l;
    }
    return std::string();
  };
  CHECK_THAT(row(cli::kDefaultMaxSources), Catch::Contains("  52.1.0.0/24,52.3.0.0/24,52.5.0.0/24 +2 more  "));
  CHECK(cli::kDefaultMaxSources == 3);
  CHECK_THAT(row(1), Catch::Contains("  52.1.0.0/24 +4 more  "));
  CHECK_THAT(row(0), Catch::Contains("  52.1.0.0/24,52.3.0.0/24,52.5.0.0/24,52.7.0.0/24,52.9.0.0/24  "));
  CHECK_THAT(row(5), Catch::Contains("  52.1.0.0/24,52.3.0.0/24,52.5.0.0/24,52.7.0.0/24,52.9.0.0/24  "));
  CHECK_THAT(row(4), Catch::Contains(",52.7.0.0/24 +1 more  "));
}

TEST_CASE("analyze --max-sources from the command line: hub-and-spoke unchanged at 3 and whole at 0", "[cli]") {
  // The default is the documented three: the option at 3 writes the same bytes as without it.
  const auto plain = analyze(hub(), {});
  const auto three = analyze(hub(), {"--max-sources", "3"});
  REQUIRE(plain.code == 0);
  CHECK(three.out == plain.out);
  const auto all = analyze(hub(), {"--max-sources", "0"});
  REQUIRE(all.code == 0);
  CHECK(all.out.find(" more  ") == std::string::npos);
  CHECK(analyze(hub(), {"--max-sources", "-1"}).code == cli::kExitUsage);
}

}  // namespace
}  // namespace exposim::testing
