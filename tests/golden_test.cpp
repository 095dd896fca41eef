// Golden tests: every design in examples/ is analysed (and checked against its spec) by the real binary and
// compared byte for byte with examples/<name>/expected/; check's three output formats for a failing spec are
// compared with tests/data/check/expected/; explain, whatif and the diagnostics of bad input are compared with
// tests/golden/expected/ (the cases of tests/golden/cases.txt). The expected files were checked by hand against
// Azure's rules (see each example's README and the spec's comments, and the hand-worked values below);
// scripts/refresh-golden regenerates them for review.
#include <catch2/catch.hpp>

#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "cli_support.h"

namespace {

namespace fs = std::filesystem;

using exposim::testing::read_file;

/// Runs a shell command from the source directory; returns stdout and sets the exit status.
std::string run_golden_command(const std::string& command, int& status) {
  const std::string full = "cd '" EXPOSIM_SOURCE_DIR "' && " + command;
  FILE* pipe = ::popen(full.c_str(), "r");
  REQUIRE(pipe != nullptr);
  std::string out;
  std::array<char, 4096> buf{};
  std::size_t n = 0;
  while ((n = std::fread(buf.data(), 1, buf.size(), pipe)) > 0) out.append(buf.data(), n);
  status = ::pclose(pipe);
  return out;
}

/// One line of tests/golden/cases.txt: NAME EXIT ARGS...
struct GoldenCase {
  std::string name;
  int status{0};
  std::string args;
};

std::vector<GoldenCase> golden_cases() {
  std::istringstream in(read_file(fs::path(EXPOSIM_SOURCE_DIR) / "tests" / "golden" / "cases.txt"));
  std::vector<GoldenCase> out;
  for (std::string line; std::getline(in, line);) {
    if (line.empty() || line[0] == '#') continue;
    std::istringstream words(line);
    GoldenCase c;
    words >> c.name >> c.status >> std::ws;
    std::getline(words, c.args);
    out.push_back(c);
  }
  return out;
}

std::vector<std::string> inputs_of(const fs::path& dir) {
  std::vector<std::string> files;
  for (const auto& e : fs::directory_iterator(dir)) {
    if (e.is_regular_file() && e.path().extension() == ".json") {
      files.push_back((fs::path("examples") / dir.filename() / e.path().filename()).string());
    }
  }
  std::sort(files.begin(), files.end());
  return files;
}

}  // namespace

TEST_CASE("every example's analyze output matches its reviewed golden files", "[golden]") {
  const fs::path examples = fs::path(EXPOSIM_SOURCE_DIR) / "examples";
  std::vector<fs::path> dirs;
  for (const auto& e : fs::directory_iterator(examples)) {
    if (e.is_directory() && fs::exists(e.path() / "expected")) dirs.push_back(e.path());
  }
  std::sort(dirs.begin(), dirs.end());
  REQUIRE(dirs.size() >= 3);
  for (const auto& dir : dirs) {
    const auto inputs = inputs_of(dir);
    REQUIRE_FALSE(inputs.empty());
    std::string args;
    for (const auto& f : inputs) args += " '" + f + "'";
    for (const auto& [format, file] :
         {std::pair{"table", "analyze.txt"}, std::pair{"json", "analyze.json"}, std::pair{"csv", "analyze.csv"}}) {
      INFO(dir.filename().string() << " --format " << format);
      int status = -1;
      const std::string got = run_golden_command(
          std::string("'") + EXPOSIM_BINARY + "' analyze" + args + " --format " + format + " 2>/dev/null", status);
      CHECK(status == 0);
      CHECK(got == read_file(dir / "expected" / file));
    }
  }
}

TEST_CASE("the same input gives the same bytes whatever the order of the files", "[golden]") {
  int s1 = -1, s2 = -1;
  const std::string bin = std::string("'") + EXPOSIM_BINARY + "'";
  const std::string a =
      run_golden_command(bin +
                             " analyze examples/open-management/nics.json examples/open-management/nsgs.json "
                             "examples/open-management/public-ips.json examples/open-management/vms.json "
                             "examples/open-management/vnets.json -f json 2>/dev/null",
                         s1);
  const std::string b =
      run_golden_command(bin +
                             " analyze examples/open-management/vnets.json examples/open-management/vms.json "
                             "examples/open-management/public-ips.json examples/open-management/nsgs.json "
                             "examples/open-management/nics.json -f json 2>/dev/null",
                         s2);
  CHECK(s1 == 0);
  CHECK(s2 == 0);
  CHECK(a == b);
}

TEST_CASE("every example's check output matches its reviewed golden file", "[golden][check]") {
  const fs::path examples = fs::path(EXPOSIM_SOURCE_DIR) / "examples";
  int checked = 0;
  for (const auto& e : fs::directory_iterator(examples)) {
    const fs::path dir = e.path();
    if (!e.is_directory() || !fs::exists(dir / "spec.yaml")) continue;
    INFO(dir.filename().string());
    REQUIRE(fs::exists(dir / "expected" / "check.txt"));
    std::string args;
    for (const auto& f : inputs_of(dir)) args += " '" + f + "'";
    int status = -1;
    const std::string got =
        run_golden_command(std::string("'") + EXPOSIM_BINARY + "' check" + args + " --spec 'examples/" +
                               dir.filename().string() + "/spec.yaml' 2>/dev/null",
                           status);
    CHECK(WEXITSTATUS(status) == 0);  // every example's spec holds for it
    CHECK(got == read_file(dir / "expected" / "check.txt"));
    ++checked;
  }
  CHECK(checked >= 10);
}

TEST_CASE("check's text, JUnit and SARIF outputs for a failing spec match their reviewed golden files",
          "[golden][check]") {
  // tests/data/check/hub-and-spoke-failing.yaml says, assertion by assertion, what fails and why.
  const fs::path dir = fs::path(EXPOSIM_SOURCE_DIR) / "tests" / "data" / "check";
  const fs::path out = fs::temp_directory_path() / ("exposim-golden-check-" + std::to_string(::getpid()));
  fs::create_directories(out);
  std::string args;
  for (const auto& f : inputs_of(fs::path(EXPOSIM_SOURCE_DIR) / "examples" / "hub-and-spoke")) args += " '" + f + "'";
  int status = -1;
  const std::string got = run_golden_command(std::string("'") + EXPOSIM_BINARY + "' check" + args +
                                                 " --spec tests/data/check/hub-and-spoke-failing.yaml --junit '" +
                                                 (out / "junit.xml").string() + "' --sarif '" +
                                                 (out / "sarif.json").string() + "' 2>/dev/null",
                                             status);
  CHECK(WEXITSTATUS(status) == 1);  // findings
  CHECK(got == read_file(dir / "expected" / "hub-and-spoke-failing.txt"));
  CHECK(read_file(out / "junit.xml") == read_file(dir / "expected" / "hub-and-spoke-failing.junit.xml"));
  CHECK(read_file(out / "sarif.json") == read_file(dir / "expected" / "hub-and-spoke-failing.sarif.json"));
  // What the spec's comments work out by hand, so that a refreshed golden file cannot silently drift.
  CHECK_THAT(got, Catch::Contains("FAIL  no management port from the internet (no-management-ports): 1 exposure"));
  CHECK_THAT(got, Catch::Contains("vm-jump (10.1.1.4): management port 22 reachable from the internet via "
                                  "firewall-dnat"));
  CHECK_THAT(got, Catch::Contains("FAIL  a single public entry point (max-entry-points): 2 entry points (at most 1)"));
  CHECK_THAT(got, Catch::Contains("- snet-legacy (subnet): subnet has no NSG"));
  CHECK_THAT(got, Catch::Contains("FAIL  the partner reaches the database over RDP (flow): denied at firewall"));
  CHECK_THAT(got, Catch::Contains("PASS  the database is reached only through Bastion"));
  CHECK_THAT(got, Catch::EndsWith("5 assertions: 1 passed, 4 failed\n"));
  fs::remove_all(out);
}

TEST_CASE("explain, whatif and bad input match their reviewed golden files", "[golden]") {
  // Each case's stdout, stderr and exit code, byte for byte (stderr names the inputs by their relative paths).
  const fs::path expected = fs::path(EXPOSIM_SOURCE_DIR) / "tests" / "golden" / "expected";
  const fs::path err_file = fs::temp_directory_path() / ("exposim-golden-err-" + std::to_string(::getpid()));
  const auto cases = golden_cases();
  REQUIRE(cases.size() >= 25);
  std::map<std::string, std::string> out_of;
  for (const auto& c : cases) {
    INFO("tests/golden/cases.txt: " << c.name << ": exposim " << c.args);
    int status = -1;
    const std::string out = run_golden_command(
        std::string("'") + EXPOSIM_BINARY + "' " + c.args + " 2>'" + err_file.string() + "'", status);
    CHECK(WIFEXITED(status));
    CHECK(WEXITSTATUS(status) == c.status);
    const fs::path out_path = expected / (c.name + ".out");
    const fs::path err_path = expected / (c.name + ".err");
    CHECK(out == (fs::exists(out_path) ? read_file(out_path) : std::string()));
    CHECK(read_file(err_file) == (fs::exists(err_path) ? read_file(err_path) : std::string()));
    out_of[c.name] = out + read_file(err_file);
  }
  fs::remove(err_file);

  // What was worked out by hand from the examples' READMEs and docs/model.md, so that a refreshed golden file
  // cannot silently drift: the deciding rule or translation of each flow, its verdict, and the diagnostics.
  const std::vector<std::pair<std::string, std::vector<std::string>>> by_hand = {
      // open-management: jumpbox's subnet has no NSG, its NIC NSG allows 22 from '*'; a Basic public IP.
      {"explain-public-ip",
       {"public IP 'jumpboxPublicIP' 52.169.20.11 (Basic)", "nsg (subnet)  pass    no NSG",
        "default-allow-ssh (1000, allow)", "verdict: allowed"}},
      // app: the subnet allows 3389 from Internet, the NIC NSG denies it: both must allow.
      {"explain-denied",
       {"allow-rdp-from-internet (100, allow)", "nsg (nic)     stop",
        "verdict: denied at nsg (nic): deny-rdp (100, deny)"}},
      // web-behind-lb: rule https 443 -> 8443; the NSG sees the backend port 8443 (allow-app, protocol '*').
      {"explain-lb-rule",
       {"load-balancing rule 'https' (443 -> 8443)", "first in the documented order", "vm-web-1 (10.50.1.4)",
        "allow-app (100, allow)", "port 8443 in '8443'", "verdict: allowed"}},
      {"explain-lb-backend-note", {"note: 'vm-web-2' has no public IP of its own", "traced vm-web-2 (10.50.1.5)"}},
      // NAT rule ssh-web-1 50001 -> 22 to vm-web-1; allow-ssh-office admits 52.233.10.0/24.
      {"explain-lb-nat-rule",
       {"inbound NAT rule 'ssh-web-1' (50001 -> 22)", "allow-ssh-office (110, allow)", "verdict: allowed"}},
      // hub-and-spoke: ssh-to-jump 2222 -> 10.1.1.4:22; the SNAT source 10.0.1.4 is in the spoke's VirtualNetwork
      // (peered); the reply to 10.0.1.4 takes the peering route 10.0.0.0/16.
      {"explain-firewall-dnat",
       {"DNAT rule 'ssh-to-jump'", "translates 20.50.60.70:2222 to 10.1.1.4:22", "allow-ssh-from-vnet (100, allow)",
        "system route 10.0.0.0/16 -> VNetPeering", "verdict: allowed"}},
      // legacy-web 8080 -> 10.2.3.4:80; rt-legacy sends the reply to 10.0.1.0/26 through the appliance: asymmetric.
      {"explain-firewall-broken",
       {"DNAT rule 'legacy-web'", "route (return)   stop", "rt-legacy", "verdict: broken at route (return)"}},
      // A Standard Bastion reaches any TCP port; nsg-db admits 22 by AllowVnetInBound, denies 3389 at 200.
      {"explain-bastion", {"AllowHttpsInbound (120, allow)", "AllowVnetInBound (65000, allow", "verdict: allowed"}},
      {"explain-bastion-denied", {"verdict: denied at nsg (subnet): deny-rdp-from-vnet (200, deny)"}},
      // app-gateway-waf: listener l-https, rule r-https to web-pool with http-8080; vm-web-1 10.0.3.4 first;
      // nsg-web allows 8080 from the gateway subnet 10.0.2.0/24.
      {"explain-app-gateway",
       {"allow-https (100, allow)", "listener 'l-https' (Https, port 443", "WAF prevention", "settings 'http-8080'",
        "vm-web-1 (10.0.3.4)", "allow-agw-8080 (100, allow)", "verdict: allowed"}},
      // paas-private-link: stlogs is Enabled with default Deny, IP rule 52.10.0.0/16.
      {"explain-paas", {"serves TCP 443,445", "IP rule '52.10.0.0/16' admits 52.10.1.1", "verdict: allowed"}},
      // vwan-routing-intent: spoke1 has internet security on, so replies take the hub's 0.0.0.0/0: broken.
      {"explain-routing-intent-broken", {"allow-22 (100, allow)", "routing intent", "verdict: broken at route"}},
      // east-west-hub (tests/explain_east_west_test.cpp): vm-web 10.1.1.4 to vm-db 10.2.1.4 crosses fw-hub by
      // rt-spoke1's to-spoke2; web-to-sql allows 1433, nothing allows 22 (default deny); nsg-web-nic's deny-rdp-out
      // stops 3389 at the source; spoke3 is peered with the hub only, so 10.0.0.0/8 -> None drops its packet.
      {"explain-east-west-firewall",
       {"flow: tcp 10.1.1.4:49152 (vm-web) -> vm-db (10.2.1.4) port 1433", "nsg (nic-outbound)     pass",
        "firewall (network)     pass    fw-hub        network rule 'web-to-sql'", "allow-sql-from-spoke1 (100, allow)",
        "back through firewall 'fw-hub', which the request crossed", "verdict: allowed"}},
      {"explain-east-west-default-deny",
       {"verdict: denied at firewall (default): no rule matched: default deny (no network or application rule of "
        "firewall 'fw-hub' takes tcp 10.1.1.4:49152 -> 10.2.1.4:22)"}},
      {"explain-east-west-nic-outbound",
       {"verdict: denied at NSG 'nsg-web-nic' (outbound, NIC): deny-rdp-out (100, deny): destination tag "
        "'VirtualNetwork' (as seen from the source's subnet) contains 10.2.1.4"}},
      {"explain-east-west-not-peered",
       {"route (forward)        stop", "10.0.0.0/8 -> None", "'vnet-spoke3' and 'vnet-spoke2' are not peered"}},
      {"explain-east-west-firewall.v2.json", {"\"scope\": \"nic-outbound\"", "\"scope\": \"network\""}},
      {"bad-explain-source", {"unknown source 'vm-wbe'", "did you mean 'vm-web'"}},
      // JSON version 2: the rule https (443 -> 8443) of lb-web is the same object in both documents, with its list
      // as `scope`; the entry is flat with its `type`; explain's decision fields come after the hop's own.
      {"explain-lb-rule.v2.json",
       {"\"version\": 2", "\"hop\": \"entry\",\n      \"passes\": true,\n      \"reached\": true,",
        "\"type\": \"public-ip\"", "\"scope\": \"load-balancing\"",
        "\"frontend_port\": 443,\n        \"backend_port\": 8443", "\"via\": \"load-balancer\""}},
      {"analyze-web-behind-lb.v2.json",
       {"\"version\": 2", "{\"hop\":\"source\"}",
        "\"scope\":\"load-balancing\",\"id\":", "\"frontend_port\":443,\"backend_port\":8443"}},
      // app-gateway-waf: the routing hop names listener l-https as an object and rule r-https with pool web-pool and
      // settings http-8080 (port 8080) in both documents.
      {"explain-app-gateway.v2.json", {"\"backend_pool\": \"web-pool\"", "\"backend_settings\": \"http-8080\""}},
      {"analyze-app-gateway.v2.json", {"\"backend_pool\":\"web-pool\",\"backend_settings\":\"http-8080\""}},
      // The change removes default-allow-ssh (22 closes), turns deny-rdp into an allow (app 3389 opens from the
      // whole internet through allow-rdp-from-internet) and narrows allow-rdp to 52.10.20.0/24: exposure grew.
      {"whatif-change",
       {"+ more  app", "- less  jumpbox  10.30.0.4  52.169.20.11  public-ip  tcp    22 ", "any except 52.10.20.0/24",
        "0 newly exposed, 0 closed, 2 changed, 0 rerouted", "exposure GREW"}},
      // The after version drops allow-rdp from jumpboxNSG and narrows allow-winrm to 52.10.0.0/16.
      {"whatif-after", {"5985-5986  any except 52.10.0.0/16", "(3 exposures before, 2 after): exposure did not grow"}},
      // The trailing comma of line 10 makes the '}' at line 11, column 7 a syntax error.
      {"bad-json-syntax", {"bad-syntax.json:11:7: error: ", "[json-syntax]"}},
      {"bad-field",
       {"/value/0/properties/securityRules/0/properties/priority: error: priority 5000 is above 4096 [invalid-value]",
        "/securityRules/1/properties/destinationPortRange: error: port range '80-70'",
        "/securityRules/1/properties/sourceAddressPrefix: error: address prefix '10.0.0.300'"}},
      // Change documents stop at the first operation in error.
      {"bad-change", {"bad-change.json: /changes/0/sett: error: ", "[change-invalid]", "nothing was written"}},
      {"bad-change-target", {"bad-change-target.yaml:4:5: /changes/0: error: ", "[change-target-unknown]"}},
      {"bad-explain-target", {"unknown target 'no-such-vm'"}},
      // open-management's NSGs are jumpboxNSG, nsg-apps and nsg-app-nic: nsg-app is one letter from nsg-apps (and
      // four from nsg-app-nic); jumpbx is one from the VM jumpbox.
      {"bad-change-typo",
       {"no network security group named 'nsg-app' in the inputs (give its name or resource id); "
        "did you mean 'nsg-apps'? [change-target-unknown]"}},
      {"bad-explain-typo", {"unknown target 'jumpbx'", "in the input; did you mean 'jumpbox'?"}},
  };
  for (const auto& [name, needles] : by_hand) {
    INFO(name);
    REQUIRE(out_of.count(name) == 1);
    for (const auto& needle : needles) CHECK_THAT(out_of[name], Catch::Contains(needle));
  }
}
