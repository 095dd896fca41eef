// The command line in-process: exit codes, diagnostics on stderr, and output never half-written.
#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <sstream>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "cli/commands.h"
#include "cli/exit_codes.h"
#include "cli_support.h"

namespace {

namespace fs = std::filesystem;

using Result = exposim::testing::CliResult;
using exposim::testing::example;
using exposim::testing::read_file;
using exposim::testing::run_exposim;
using exposim::testing::write_file;

fs::path cli_scratch_dir() { return exposim::testing::scratch_dir("cli"); }

}  // namespace

TEST_CASE("usage errors exit 3 and say how to get help", "[cli]") {
  CHECK(run_exposim({}).code == exposim::cli::kExitUsage);
  auto r = run_exposim({"frobnicate"});
  CHECK(r.code == exposim::cli::kExitUsage);
  CHECK_THAT(r.err, Catch::Contains("exposim --help"));
  CHECK(run_exposim({"analyze"}).code == exposim::cli::kExitUsage);  // no input file
  CHECK(run_exposim({"analyze", example("restricted-admin/resource-graph.json"), "--format", "xml"}).code ==
        exposim::cli::kExitUsage);
}

TEST_CASE("help (--help) and version (--version) exit 0", "[cli]") {
  auto r = run_exposim({"--help"});
  CHECK(r.code == 0);
  CHECK_THAT(r.out, Catch::Contains("analyze"));
  r = run_exposim({"analyze", "--help"});
  CHECK(r.code == 0);
  CHECK_THAT(r.out, Catch::Contains("--allow-missing"));
  CHECK(run_exposim({"--version"}).out == "exposim 0.1.0\n");
}

TEST_CASE("an unreadable or invalid input exits 2 and names the file", "[cli]") {
  auto r = run_exposim({"analyze", "/nonexistent/estate.json"});
  CHECK(r.code == exposim::cli::kExitBadInput);
  CHECK_THAT(r.err, Catch::Contains("/nonexistent/estate.json"));
  CHECK(r.out.empty());

  const auto dir = cli_scratch_dir();
  write_file(dir / "broken.json", "[\n  {\"id\": \"/x\", \"type\": \"Microsoft.Network/networkSecurityGroups\",\n");
  r = run_exposim({"analyze", (dir / "broken.json").string()});
  CHECK(r.code == exposim::cli::kExitBadInput);
  CHECK_THAT(r.err, Catch::Contains("broken.json:"));
  CHECK_THAT(r.err, Catch::Contains("[json-syntax]"));
  fs::remove_all(dir);
}

TEST_CASE("bad input never overwrites the output file, good input replaces it whole", "[cli]") {
  const auto dir = cli_scratch_dir();
  const auto report = dir / "report.json";
  write_file(report, "previous report\n");
  write_file(dir / "empty.json", "");
  auto r = run_exposim({"analyze", (dir / "empty.json").string(), "-o", report.string()});
  CHECK(r.code == exposim::cli::kExitBadInput);
  CHECK(read_file(report) == "previous report\n");

  r = run_exposim({"analyze", example("restricted-admin/resource-graph.json"), "-f", "json", "-o", report.string()});
  CHECK(r.code == 0);
  CHECK(r.out.empty());
  CHECK(read_file(report).rfind("{\n  \"format\": \"exposim-analyze\"", 0) == 0);
  // No temporary files are left behind.
  std::size_t files = 0;
  for ([[maybe_unused]] const auto& e : fs::directory_iterator(dir)) ++files;
  CHECK(files == 2);
  fs::remove_all(dir);
}

TEST_CASE("an output path that cannot be written exits 4 and leaves nothing", "[cli]") {
  auto r = run_exposim({"analyze", example("restricted-admin/resource-graph.json"), "-o", "/nonexistent-dir/out.txt"});
  CHECK(r.code == exposim::cli::kExitOutputError);
  CHECK_THAT(r.err, Catch::Contains("/nonexistent-dir/out.txt"));
  CHECK_FALSE(fs::exists("/nonexistent-dir/out.txt"));
}

TEST_CASE("strict mode (--strict) turns assumptions into errors", "[cli]") {
  // Resources of a type not modelled that could change the answer (a VPN gateway): a warning, fatal with --strict.
  const auto dir = cli_scratch_dir();
  write_file(dir / "nat.json", R"([{"id": "/n1", "type": "Microsoft.Network/virtualNetworkGateways"}])");
  const std::string nat = (dir / "nat.json").string();
  auto r = run_exposim({"analyze", example("restricted-admin/resource-graph.json"), nat});
  CHECK(r.code == 0);
  CHECK_THAT(
      r.err,
      Catch::Contains("warning: skipped 1 resource of types not modelled yet: microsoft.network/virtualnetworkgateways "
                      "(1) [unmodelled-types]"));
  r = run_exposim({"analyze", example("restricted-admin/resource-graph.json"), nat, "--strict"});
  CHECK(r.code == exposim::cli::kExitBadInput);
  CHECK_THAT(r.err, Catch::Contains("error: skipped 1 resource"));
  CHECK(r.out.empty());
  fs::remove_all(dir);
}

TEST_CASE("types that cannot change the answer are a note, printed with --verbose only", "[cli]") {
  const auto dir = cli_scratch_dir();
  write_file(dir / "inert.json",
             R"([{"id": "/d1", "type": "Microsoft.Compute/disks"}, {"id": "/d2", "type": "Microsoft.Compute/disks"},
                 {"id": "/a", "type": "Microsoft.Compute/availabilitySets"},
                 {"id": "/w", "type": "Microsoft.OperationalInsights/workspaces"},
                 {"id": "/x", "type": "Microsoft.Network/virtualNetworkGateways"}])");
  const std::string inert = (dir / "inert.json").string();
  auto r = run_exposim({"analyze", example("restricted-admin/resource-graph.json"), inert});
  CHECK(r.code == 0);
  CHECK_THAT(r.err, Catch::Contains("inert.json: warning: skipped 1 resource of types not modelled yet: "
                                    "microsoft.network/virtualnetworkgateways (1) [unmodelled-types]"));
  CHECK_THAT(r.err, !Catch::Contains("disks"));
  CHECK_THAT(r.err, !Catch::Contains("[inert-types]"));
  r = run_exposim({"analyze", example("restricted-admin/resource-graph.json"), inert, "--verbose"});
  CHECK_THAT(r.err, Catch::Contains("inert.json: note: skipped 4 resources of types that cannot change what the "
                                    "internet reaches: microsoft.compute/availabilitysets (1), microsoft.compute/disks "
                                    "(2), microsoft.operationalinsights/workspaces (1) [inert-types]"));
  // --strict leaves notes alone; the warning still fails.
  r = run_exposim(
      {"analyze", example("restricted-admin/resource-graph.json"), inert, "--strict", "--ignore", "unmodelled-types"});
  CHECK(r.code == 0);
  fs::remove_all(dir);
}

TEST_CASE("a Front Door is named as an entry point with its backends' host names", "[cli]") {
  const auto dir = cli_scratch_dir();
  write_file(dir / "fd.json", R"([
    {"id": "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Network/frontDoors/fd-web", "name": "fd-web",
     "type": "Microsoft.Network/frontDoors",
     "properties": {"backendPools": [{"name": "pool", "properties": {"backends": [
       {"address": "web.azurewebsites.net"}, {"address": "agw.contoso.com"}]}}]}},
    {"id": "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Cdn/profiles/afd", "name": "afd",
     "type": "Microsoft.Cdn/profiles", "sku": {"name": "Premium_AzureFrontDoor"}},
    {"id": "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Cdn/profiles/afd/originGroups/g/origins/o1",
     "name": "o1", "type": "Microsoft.Cdn/profiles/originGroups/origins", "properties": {"hostName": "api.contoso.com"}},
    {"id": "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Cdn/profiles/afd/afdEndpoints/e",
     "name": "e", "type": "Microsoft.Cdn/profiles/afdEndpoints"}])");
  auto r = run_exposim({"analyze", example("restricted-admin/resource-graph.json"), (dir / "fd.json").string()});
  CHECK(r.code == 0);
  CHECK_THAT(r.err, Catch::Contains("fd.json: /0: warning: Front Door 'fd-web' is an internet entry point in front of "
                                    "backend host names 'agw.contoso.com', 'web.azurewebsites.net': exposim does not "
                                    "model it as an entry yet, so what it forwards to is not reported through it "
                                    "[unmodelled-entry-point]"));
  CHECK_THAT(r.err,
             Catch::Contains("fd.json: /1: warning: Azure Front Door profile 'afd' is an internet entry point in "
                             "front of backend host names 'api.contoso.com'"));
  // One warning per cause: the Front Door types are not listed again as unmodelled types.
  CHECK_THAT(r.err, !Catch::Contains("[unmodelled-types]"));
  fs::remove_all(dir);
}

TEST_CASE("cli: --fail-on and --ignore choose per code what fails the run", "[cli]") {
  const auto dir = cli_scratch_dir();
  write_file(dir / "nat.json", R"([{"id": "/n1", "type": "Microsoft.Network/virtualNetworkGateways"}])");
  const std::string estate = example("restricted-admin/resource-graph.json");
  const std::string nat = (dir / "nat.json").string();
  auto r = run_exposim({"analyze", estate, nat, "--fail-on", "unmodelled-types", "-o", (dir / "out.txt").string()});
  CHECK(r.code == exposim::cli::kExitBadInput);
  CHECK_THAT(r.err, Catch::Contains("nat.json: error: skipped 1 resource"));
  CHECK_FALSE(fs::exists(dir / "out.txt"));
  // Comma-separated and repeatable; an ignored code is neither printed nor fatal, even with --strict.
  r = run_exposim({"analyze", estate, nat, "--ignore", "placeholder-address,unmodelled-types", "--strict"});
  CHECK(r.code == 0);
  CHECK_THAT(r.err, !Catch::Contains("unmodelled-types"));
  r = run_exposim({"analyze", estate, nat, "--ignore", "unmodelled-types", "-f", "json"});
  CHECK(r.code == 0);
  CHECK_THAT(r.out, !Catch::Contains("unmodelled-types"));
  // Errors cannot be ignored.
  write_file(dir / "broken.json", "[\n  {\"id\": \"/x\",\n");
  r = run_exposim({"analyze", (dir / "broken.json").string(), "--ignore", "json-syntax"});
  CHECK(r.code == exposim::cli::kExitBadInput);
  CHECK_THAT(r.err, Catch::Contains("[json-syntax]"));
  // A finding of the solver can be made fatal too: the route puts the internet into VirtualNetwork where the
  // default AllowVnetInBound admits it.
  write_file(dir / "tag.json", R"([
    {"id": "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Network/virtualNetworks/v", "name": "v",
     "type": "Microsoft.Network/virtualNetworks", "properties": {"addressSpace": {"addressPrefixes": ["10.0.0.0/16"]},
      "subnets": [{"name": "s", "properties": {"addressPrefix": "10.0.0.0/24",
        "networkSecurityGroup": {"id": "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Network/networkSecurityGroups/nsg"},
        "routeTable": {"id": "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Network/routeTables/rt"}}}]}},
    {"id": "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Network/networkSecurityGroups/nsg", "name": "nsg",
     "type": "Microsoft.Network/networkSecurityGroups", "properties": {"securityRules": []}},
    {"id": "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Network/routeTables/rt", "name": "rt",
     "type": "Microsoft.Network/routeTables", "properties": {"routes": [{"name": "out",
      "properties": {"addressPrefix": "0.0.0.0/0", "nextHopType": "Internet"}}]}}])");
  const std::string tag = (dir / "tag.json").string();
  r = run_exposim({"analyze", tag});
  CHECK(r.code == 0);
  CHECK_THAT(r.err, Catch::Contains("warning: route 'out' (0.0.0.0/0 -> Internet) of route table 'rt'"));
  r = run_exposim({"analyze", tag, "--fail-on", "vnet-tag-includes-internet"});
  CHECK(r.code == exposim::cli::kExitBadInput);
  CHECK_THAT(r.err, Catch::Contains("error: route 'out' (0.0.0.0/0 -> Internet)"));
  CHECK(r.out.empty());
  // Unknown codes and contradictions are usage errors naming the code.
  r = run_exposim({"analyze", estate, "--fail-on", "unmodelled-types,no-such-code"});
  CHECK(r.code == exposim::cli::kExitUsage);
  CHECK_THAT(r.err, Catch::Contains("--fail-on: unknown diagnostic code 'no-such-code'"));
  r = run_exposim({"check", estate, "--spec", example("restricted-admin/spec.yaml"), "--ignore", "nope"});
  CHECK(r.code == exposim::cli::kExitUsage);
  CHECK_THAT(r.err, Catch::Contains("--ignore: unknown diagnostic code 'nope'"));
  r = run_exposim({"graph", estate, "--ignore", "unmodelled-types", "--fail-on", "unmodelled-types"});
  CHECK(r.code == exposim::cli::kExitUsage);
  CHECK_THAT(r.err, Catch::Contains("'unmodelled-types' is both failed on and ignored"));
  fs::remove_all(dir);
}

TEST_CASE("cli: --config reads fail-on and ignore from YAML or JSON, and a bad one is an error at its line", "[cli]") {
  const auto dir = cli_scratch_dir();
  write_file(dir / "nat.json", R"([{"id": "/n1", "type": "Microsoft.Network/virtualNetworkGateways"}])");
  const std::string estate = example("restricted-admin/resource-graph.json");
  const std::string nat = (dir / "nat.json").string();
  write_file(dir / "fail.yaml", "# CI\nfail-on:\n  - unmodelled-types\nignore: []\n");
  auto r = run_exposim({"analyze", estate, nat, "--config", (dir / "fail.yaml").string()});
  CHECK(r.code == exposim::cli::kExitBadInput);
  CHECK_THAT(r.err, Catch::Contains("error: skipped 1 resource"));
  write_file(dir / "quiet.json", R"({"ignore": ["unmodelled-types"]})");
  r = run_exposim({"analyze", estate, nat, "--config", (dir / "quiet.json").string(), "--strict"});
  CHECK(r.code == 0);
  CHECK_THAT(r.err, !Catch::Contains("unmodelled-types"));

  write_file(dir / "bad.yaml", "fail-on:\n  - nope\nignore: unmodelled-types\nfailon: []\n");
  r = run_exposim({"analyze", estate, "--config", (dir / "bad.yaml").string()});
  CHECK(r.code == exposim::cli::kExitBadInput);
  CHECK(r.out.empty());
  const std::string bad = (dir / "bad.yaml").string();
  CHECK_THAT(r.err,
             Catch::Contains(bad + ":2:5: /fail-on/0: error: unknown diagnostic code 'nope' (docs/diagnostics.md "
                                   "lists them) [config-invalid]"));
  CHECK_THAT(r.err, Catch::Contains(
                        bad + ":3:9: /ignore: error: 'ignore' is not a list of diagnostic codes [config-invalid]"));
  CHECK_THAT(r.err, Catch::Contains(bad + ":4:9: /failon: error: unknown key 'failon'; expected fail-on or ignore "
                                          "[config-invalid]"));
  write_file(dir / "bad.json", "{\"ignore\": [\"unmodelled-types\",\n  3]}");
  r = run_exposim({"analyze", estate, "--config", (dir / "bad.json").string()});
  CHECK(r.code == exposim::cli::kExitBadInput);
  CHECK_THAT(r.err, Catch::Contains((dir / "bad.json").string() + ":2:3: /ignore/1: error: a diagnostic code is not a "
                                                                  "string [config-invalid]"));
  r = run_exposim({"analyze", estate, "--config", (dir / "missing.yaml").string()});
  CHECK(r.code == exposim::cli::kExitBadInput);
  CHECK_THAT(r.err, Catch::Contains("missing.yaml: error: cannot open the file [document-read]"));
  fs::remove_all(dir);
}

TEST_CASE("whatif prints a diagnostic that both sides have once", "[cli]") {
  // The same estate before and after (two copies: two file names), with a type not modelled: one warning, not two.
  const auto dir = cli_scratch_dir();
  fs::create_directories(dir / "before");
  fs::create_directories(dir / "after");
  const std::string estate = read_file(example("web-https-only/estate.json"));
  const std::string nat = R"([{"id": "/n1", "type": "Microsoft.Network/virtualNetworkGateways"}])";
  for (const char* side : {"before", "after"}) {
    write_file(dir / side / "estate.json", estate);
    write_file(dir / side / "nat.json", nat);
  }
  auto r = run_exposim({"whatif", (dir / "before" / "estate.json").string(), (dir / "before" / "nat.json").string(),
                        "--after", (dir / "after" / "estate.json").string(), (dir / "after" / "nat.json").string()});
  CHECK(r.code == 0);
  std::size_t n = 0;
  for (auto at = r.err.find("[unmodelled-types]"); at != std::string::npos;
       at = r.err.find("[unmodelled-types]", at + 1))
    ++n;
  CHECK(n == 1);
  // The shared input options: --verbose says what each file of both sides is, --fail-on works as for analyze.
  r = run_exposim({"whatif", (dir / "before" / "estate.json").string(), "--after",
                   (dir / "after" / "estate.json").string(), "--verbose"});
  CHECK_THAT(r.err, Catch::Contains("before/estate.json: detected value shape (an ARM REST list response)"));
  CHECK_THAT(r.err, Catch::Contains("after/estate.json: detected value shape (an ARM REST list response)"));
  r = run_exposim({"whatif", (dir / "before" / "estate.json").string(), (dir / "before" / "nat.json").string(),
                   "--after", (dir / "after" / "estate.json").string(), "--fail-on", "unmodelled-types"});
  CHECK(r.code == exposim::cli::kExitBadInput);
  fs::remove_all(dir);
}

TEST_CASE("whatif stops on an input that does not import as analyze does", "[cli]") {
  // bad.json does not parse (an error); nat.json holds a type not modelled (a warning). whatif used to print the
  // before side's diagnostics without --ignore, --fail-on and --strict, and to validate an after side that did
  // not import (six dangling-reference errors about the NICs whose subnets and NSGs were in no readable file).
  const auto dir = cli_scratch_dir();
  const std::string bad = (dir / "bad.json").string();
  const std::string nat = (dir / "nat.json").string();
  write_file(bad, "[{\"id\": \n");
  write_file(nat, R"([{"id": "/n1", "type": "Microsoft.Network/virtualNetworkGateways"}])");
  const std::string estate = example("web-https-only/estate.json");
  const std::string syntax = "bad.json:2:1: error: unexpected end of file: '{' at 1:2 is not closed [json-syntax]";
  const std::string skipped =
      "nat.json: {}: skipped 1 resource of types not modelled yet: "
      "microsoft.network/virtualnetworkgateways (1) [unmodelled-types]";
  auto line = [&](const char* severity) { return fmt::format(fmt::runtime(skipped), severity); };

  auto r = run_exposim({"whatif", bad, nat, "--after", estate});
  CHECK(r.code == exposim::cli::kExitBadInput);
  CHECK(r.err ==
        "exposim: " + dir.string() + "/" + syntax + "\nexposim: " + dir.string() + "/" + line("warning") + "\n");
  r = run_exposim({"whatif", bad, nat, "--after", estate, "--ignore", "unmodelled-types"});
  CHECK(r.code == exposim::cli::kExitBadInput);
  CHECK(r.err == "exposim: " + dir.string() + "/" + syntax + "\n");
  r = run_exposim({"whatif", bad, nat, "--after", estate, "--strict"});
  CHECK(r.code == exposim::cli::kExitBadInput);
  CHECK(r.err == "exposim: " + dir.string() + "/" + syntax + "\nexposim: " + dir.string() + "/" + line("error") + "\n");
  r = run_exposim({"whatif", bad, nat, "--after", estate, "--fail-on", "unmodelled-types"});
  CHECK(r.code == exposim::cli::kExitBadInput);
  CHECK_THAT(r.err, Catch::Contains(line("error")));
  // The same lines as analyze of the same inputs with the same options.
  const std::vector<std::vector<std::string>> option_sets = {
      {}, {"--ignore", "unmodelled-types"}, {"--strict"}, {"--fail-on", "unmodelled-types"}};
  for (const auto& options : option_sets) {
    std::vector<std::string> whatif = {"whatif", bad, nat, "--after", estate};
    std::vector<std::string> analyze = {"analyze", bad, nat};
    whatif.insert(whatif.end(), options.begin(), options.end());
    analyze.insert(analyze.end(), options.begin(), options.end());
    CHECK(run_exposim(whatif).err == run_exposim(analyze).err);
  }

  // The after side does not import: its syntax error, and nothing about what the unreadable file would have held.
  const std::string nics = example("open-management/nics.json");
  r = run_exposim({"whatif", estate, "--after", bad, nics});
  CHECK(r.code == exposim::cli::kExitBadInput);
  CHECK(r.err == "exposim: " + dir.string() + "/" + syntax + "\n");
  CHECK(r.err == run_exposim({"analyze", bad, nics}).err);
  fs::remove_all(dir);
}

TEST_CASE("a dangling reference is an error unless --allow-missing, which assumes the worst", "[cli]") {
  // Only the NICs and public IPs of the open-management example: the NSGs and subnets are missing.
  const std::vector<std::string> partial = {example("open-management/nics.json"),
                                            example("open-management/public-ips.json")};
  auto args = std::vector<std::string>{"analyze"};
  args.insert(args.end(), partial.begin(), partial.end());
  auto r = run_exposim(args);
  CHECK(r.code == exposim::cli::kExitBadInput);
  CHECK_THAT(r.err, Catch::Contains("[dangling-reference]"));
  // The az CLI prints flattened resources: the pointer has no "/properties" step.
  CHECK_THAT(r.err, Catch::Contains("nics.json: /0/ipConfigurations/0/subnet/id: error: referenced subnet"));
  CHECK_THAT(r.err, Catch::Contains("nics.json: /1/networkSecurityGroup/id: error: referenced network-security-group"));

  args.push_back("--allow-missing");
  args.push_back("-f");
  args.push_back("csv");
  r = run_exposim(args);
  CHECK(r.code == 0);
  // Unknown NSGs are assumed to admit everything: both VMs' NICs are open on every protocol.
  CHECK_THAT(r.out, Catch::Contains("appVMNic,network-interface,"));
  CHECK_THAT(r.out, Catch::Contains(",tcp,0-65535,"));
  CHECK_THAT(r.err, Catch::Contains("assuming it admits everything"));
}

TEST_CASE("verbose mode (--verbose) says what shape each file has", "[cli]") {
  auto r = run_exposim(
      {"analyze", example("restricted-admin/resource-graph.json"), example("web-https-only/estate.json"), "--verbose"});
  CHECK(r.code == 0);
  CHECK_THAT(r.err, Catch::Contains("resource-graph.json: detected data shape (Resource Graph results), 7 resources"));
  CHECK_THAT(r.err, Catch::Contains("estate.json: detected value shape (an ARM REST list response)"));
}

TEST_CASE("explain prints one line per hop, then the verdict, exit 0 whatever the verdict", "[cli]") {
  const std::vector<std::string> inputs = {example("open-management/nics.json"), example("open-management/nsgs.json"),
                                           example("open-management/public-ips.json"),
                                           example("open-management/vms.json"), example("open-management/vnets.json")};
  auto args = [&](std::vector<std::string> extra) {
    std::vector<std::string> a = {"explain"};
    a.insert(a.end(), inputs.begin(), inputs.end());
    a.insert(a.end(), extra.begin(), extra.end());
    return a;
  };
  auto r = run_exposim(args({"--from", "52.10.20.30", "--to", "app", "--port", "3389"}));
  CHECK(r.code == 0);
  CHECK(
      r.out ==
      "flow: tcp 52.10.20.30:49152 -> app (52.169.20.12) port 3389\n"
      "HOP           RESULT        AT            WHY\n"
      "source        pass          52.10.20.30   52.10.20.30 is an internet address\n"
      "entry         pass          appPublicIP   public IP 'appPublicIP' 52.169.20.12 (Standard) maps to ip "
      "configuration 'ipconfigapp' of NIC 'appVMNic' (10.30.1.4)\n"
      "nsg (subnet)  pass          nsg-apps      allow-rdp-from-internet (100, allow): source tag 'Internet' "
      "contains 52.10.20.30, port 3389 in '3389', protocol tcp\n"
      "nsg (nic)     stop          nsg-app-nic   deny-rdp (100, deny): source '*', port 3389 in '3389', protocol tcp\n"
      "route         (would pass)  system route  the reply to 52.10.20.30 takes the system default route "
      "(0.0.0.0/0 -> Internet): replies leave through the public IP and reach the client\n"
      "verdict: denied at nsg (nic): deny-rdp (100, deny): source '*', port 3389 in '3389', protocol tcp\n");

  r = run_exposim(args({"--from", "52.10.20.30", "--to", "JUMPBOX", "--port", "22", "--format", "json"}));
  CHECK(r.code == 0);
  const auto j = nlohmann::json::parse(r.out);
  CHECK(j["format"] == "exposim-explain");
  CHECK(j["verdict"]["allowed"] == true);
  CHECK(j["verdict"]["stopped_at"].is_null());
  CHECK(j["flow"]["destination"] == "52.169.20.11");
  CHECK(j["target"]["name"] == "jumpbox");
  REQUIRE(j["hops"].size() == 5);
  CHECK(j["hops"][2]["hop"] == "no-nsg");
  CHECK(j["hops"][3]["rule"]["name"] == "default-allow-ssh");
  CHECK(j["hops"][3]["rule"]["priority"] == 1000);
  CHECK(j["hops"][4]["next_hop"] == "Internet");

  // A documentation address is not internet traffic: still exit 0, the verdict says so.
  r = run_exposim(args({"--from", "203.0.113.9", "--to", "10.30.0.4", "--port", "22", "-f", "json"}));
  CHECK(r.code == 0);
  const auto k = nlohmann::json::parse(r.out);
  CHECK(k["verdict"]["allowed"] == false);
  CHECK(k["verdict"]["internet_source"] == false);
  CHECK(k["verdict"]["hop"] == "source");
  CHECK(k["hops"][1]["via"].is_null());
  CHECK(k["hops"][3]["rule"]["name"] == "default-allow-ssh");

  // Usage errors exit 3; unknown targets exit 2 and say what was expected.
  // --from takes a NIC or VM name too (an east-west source): a name in no input is bad input, and a name with --via
  // a usage error.
  r = run_exposim(args({"--from", "not-an-ip", "--to", "app", "--port", "22"}));
  CHECK(r.code == exposim::cli::kExitBadInput);
  CHECK_THAT(r.err, Catch::Contains("error: unknown source 'not-an-ip'"));
  CHECK(run_exposim(args({"--from", "jumpbox", "--to", "app", "--port", "22", "--via", "bastion"})).code ==
        exposim::cli::kExitUsage);
  CHECK(run_exposim(args({"--from", "52.10.20.30", "--to", "app", "--port", "70000"})).code ==
        exposim::cli::kExitUsage);
  CHECK(run_exposim(args({"--from", "52.10.20.30", "--to", "app", "--port", "22", "--protocol", "gre"})).code ==
        exposim::cli::kExitUsage);
  CHECK(run_exposim(args({"--from", "52.10.20.30", "--to", "app"})).code == exposim::cli::kExitUsage);
  CHECK(run_exposim(args({"--from", "52.10.20.30", "--to", "app", "--protocol", "ICMP"})).code == 0);
  r = run_exposim(args({"--from", "52.10.20.30", "--to", "nope", "--port", "22"}));
  CHECK(r.code == exposim::cli::kExitBadInput);
  CHECK_THAT(r.err, Catch::Contains("error: unknown target 'nope'"));
  CHECK(r.out.empty());
}

TEST_CASE("explain through a load balancer: --backend, the load-balancer hop in JSON, a bad --backend", "[cli]") {
  auto args = [&](std::vector<std::string> extra) {
    std::vector<std::string> a = {"explain",   example("web-behind-lb/estate.json"), "--from", "52.10.20.30", "--to",
                                  "20.71.8.10"};
    a.insert(a.end(), extra.begin(), extra.end());
    return a;
  };
  auto r = run_exposim(args({"--port", "443", "--backend", "VM-WEB-2", "-f", "json"}));
  CHECK(r.code == 0);
  const auto j = nlohmann::json::parse(r.out);
  CHECK(j["verdict"]["allowed"] == true);
  CHECK(j["target"]["name"] == "vm-web-2");
  CHECK(j["flow"]["destination"] == "20.71.8.10");
  CHECK(j["flow"]["destination_port"] == 443);
  CHECK(j["hops"][1]["via"] == "load-balancer");
  const auto& lb = j["hops"][2];
  CHECK(lb["hop"] == "load-balancer");
  CHECK(lb["name"] == "lb-web");
  CHECK(lb["rule"]["name"] == "https");
  CHECK(lb["rule"]["kind"] == "load-balancing");
  CHECK(lb["rule"]["frontend_port"] == 443);
  CHECK(lb["rule"]["backend_port"] == 8443);
  REQUIRE(lb["backends"].size() == 2);
  CHECK(lb["backends"][0]["name"] == "vm-web-1");
  CHECK(lb["backends"][1]["ip"] == "10.50.1.5");
  CHECK(j["hops"][3]["rule"]["name"] == "allow-app");

  r = run_exposim(args({"--port", "81", "-f", "json"}));
  CHECK(r.code == 0);
  const auto k = nlohmann::json::parse(r.out);
  CHECK(k["target"].is_null());
  CHECK(k["hops"].size() == 3);
  CHECK(k["hops"][2]["rule"].is_null());
  CHECK(k["verdict"]["hop"] == "load-balancer");

  r = run_exposim(args({"--port", "443", "--backend", "10.50.2.4"}));
  CHECK(r.code == exposim::cli::kExitBadInput);
  CHECK(r.out.empty());
  CHECK_THAT(r.err, Catch::Contains("error: --backend '10.50.2.4' is not a member of pool 'pool-web'"));
  CHECK_THAT(r.err, Catch::Contains("note: member: vm-web-1 (10.50.1.4)"));
  CHECK_THAT(r.err, Catch::Contains("note: member: vm-web-2 (10.50.1.5)"));
}

TEST_CASE("templates: a missing parameter and a bad expression (--strict) and a syntax error exit 2 naming the place",
          "[cli]") {
  const auto dir = cli_scratch_dir();
  const std::string schema = "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#";
  const std::string tmpl = R"({
  "$schema": ")" + schema + R"(",
  // ARM JSON allows comments
  "parameters": { "rdpPort": { "type": "int" } },
  "resources": [ {
    "type": "Microsoft.Network/networkSecurityGroups", "name": "nsg",
    "properties": { "securityRules": [ { "name": "rdp", "properties": {
      "priority": 100, "direction": "Inbound", "access": "Allow", "protocol": "Tcp",
      "sourceAddressPrefix": "*", "sourcePortRange": "*", "destinationAddressPrefix": "*",
      "destinationPortRange": "[string(parameters('rdpPort'))]" } } ] } } ]
})";
  write_file(dir / "t.json", tmpl);
  // --strict: a parameter without a value is an error, as ARM would prompt for it.
  auto r = run_exposim({"analyze", (dir / "t.json").string(), "--strict", "-o", (dir / "out.txt").string()});
  CHECK(r.code == exposim::cli::kExitBadInput);
  CHECK_THAT(r.err, Catch::Contains("t.json: /parameters/rdpPort: error: parameter 'rdpPort' has no value"));
  CHECK_FALSE(fs::exists(dir / "out.txt"));  // nothing written on bad input
  // Otherwise its value is unknown, with a note naming it (what the resource importer makes of the unknown
  // port is its own business).
  r = run_exposim({"analyze", (dir / "t.json").string(), "--verbose"});
  CHECK_THAT(r.err,
             Catch::Contains("t.json: /parameters/rdpPort: note: parameter 'rdpPort' of type 'int' has no value "
                             "and no default: its value is unknown (parameters('rdpPort')) [missing-parameter]"));

  r = run_exposim({"analyze", (dir / "t.json").string(), "--param", "rdpPort=3389", "--verbose"});
  CHECK(r.code == 0);
  CHECK_THAT(r.err, Catch::Contains("detected a deployment template, 1 resources after expansion, 1 modelled"));

  std::string bad = tmpl;
  bad.replace(bad.find("[string(parameters('rdpPort'))]"), std::string("[string(parameters('rdpPort'))]").size(),
              "[string(parameters('rdpPort')]");
  write_file(dir / "bad-expr.json", bad);
  r = run_exposim({"analyze", (dir / "bad-expr.json").string(), "--param", "rdpPort=3389", "--strict"});
  CHECK(r.code == exposim::cli::kExitBadInput);
  CHECK_THAT(r.err,
             Catch::Contains("bad-expr.json: /resources/0/properties/securityRules/0/properties/destinationPortRange: "
                             "error:"));
  // Without --strict an expression ARM would reject is a warning naming the place.
  r = run_exposim({"analyze", (dir / "bad-expr.json").string(), "--param", "rdpPort=3389"});
  CHECK_THAT(r.err,
             Catch::Contains("bad-expr.json: /resources/0/properties/securityRules/0/properties/destinationPortRange: "
                             "warning: offset "));

  write_file(dir / "syntax.json", "{\n  \"$schema\": \"" + schema + "\",\n  \"resources\": [ }\n");
  r = run_exposim({"analyze", (dir / "syntax.json").string()});
  CHECK(r.code == exposim::cli::kExitBadInput);
  CHECK_THAT(r.err, Catch::Contains("syntax.json:3:"));
  CHECK_THAT(r.err, Catch::Contains("[json-syntax]"));
  fs::remove_all(dir);
}

TEST_CASE("templates: resources a template references but does not declare are accepted unless --strict", "[cli]") {
  // A NIC in a subnet of an existing VNet: normal for a template, so --allow-missing is the default for the run.
  const auto dir = cli_scratch_dir();
  write_file(dir / "t.json", R"({
  "$schema": "http://schema.management.azure.com/schemas/2015-01-01/deploymentTemplate.json",
  "resources": [ {
    "type": "Microsoft.Network/networkInterfaces", "apiVersion": "2023-09-01", "name": "nic",
    "properties": { "ipConfigurations": [ { "name": "ipc", "properties": {
      "privateIPAllocationMethod": "Static", "privateIPAddress": "10.9.0.4",
      "subnet": { "id": "[resourceId('Microsoft.Network/virtualNetworks/subnets', 'existing-vnet', 'default')]" }
    } } ] } } ]
})");
  const std::string t = (dir / "t.json").string();
  for (const char* command : {"analyze", "graph", "check"}) {
    INFO(command);
    std::vector<std::string> args = {command, t};
    if (std::string(command) == "check") {
      write_file(dir / "spec.yaml",
                 "assertions:\n  - name: management only through Bastion\n    kind: no-management-ports\n");
      args.push_back("--spec");
      args.push_back((dir / "spec.yaml").string());
    }
    auto r = run_exposim(args);
    CHECK_THAT(r.err, !Catch::Contains("[dangling-reference]"));
    args.push_back("--strict");
    r = run_exposim(args);
    CHECK(r.code == exposim::cli::kExitBadInput);
    CHECK_THAT(r.err, Catch::Contains("[dangling-reference]"));
  }
  auto r = run_exposim({"analyze", t});
  CHECK(r.code == 0);
  r = run_exposim({"whatif", t, "--after", t});
  CHECK(r.code == 0);
  r = run_exposim({"whatif", t, "--after", t, "--strict"});
  CHECK(r.code == exposim::cli::kExitBadInput);
  r = run_exposim({"explain", t, "--from", "81.2.69.200", "--to", "nic", "--port", "22"});
  CHECK_THAT(r.err, !Catch::Contains("[dangling-reference]"));
  fs::remove_all(dir);
}

TEST_CASE("explain: an unknown --to still prints the inputs' warnings before its error (exit 2)", "[cli]") {
  // The warning that a resource was not read is often why a target is unknown: the user must see it.
  const auto dir = cli_scratch_dir();
  write_file(dir / "e.json", R"([
  { "type": "Microsoft.Network/virtualNetworkGateways", "name": "vpngw", "location": "westeurope",
    "id": "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Network/virtualNetworkGateways/vpngw", "properties": {} } ])");
  const auto r =
      run_exposim({"explain", (dir / "e.json").string(), "--from", "81.2.69.200", "--to", "vpngw", "--port", "22"});
  CHECK(r.code == exposim::cli::kExitBadInput);
  const auto warning = r.err.find("[unmodelled-types]");
  const auto error = r.err.find("exposim: error:");
  REQUIRE(warning != std::string::npos);
  REQUIRE(error != std::string::npos);
  CHECK(warning < error);
  fs::remove_all(dir);
}

TEST_CASE("explain through an application gateway, a Bastion session and a PaaS endpoint", "[cli]") {
  const std::string estate = example("app-gateway-waf/estate.json");
  auto r = run_exposim({"explain", estate, "--from", "81.2.69.200", "--to", "agw-edge", "--port", "443", "-f", "json"});
  CHECK(r.code == 0);
  auto j = nlohmann::json::parse(r.out);
  CHECK(j["verdict"]["allowed"] == true);
  CHECK(j["verdict"]["broken"] == false);
  CHECK(j["application_gateway"]["name"] == "agw-edge");
  CHECK(j["target"]["name"] == "vm-web-1");
  CHECK(j["hops"][1]["via"] == "application-gateway");
  CHECK(j["hops"][3]["listener"]["name"] == "l-https");
  CHECK(j["hops"][3]["listener"]["waf_mode"] == "prevention");
  CHECK(j["hops"][4]["rule"]["pool"] == "web-pool");
  CHECK(j["hops"][4]["rule"]["backend_port"] == 8080);
  CHECK(j["hops"][4]["backends"].size() == 2);

  // No listener on 22 (and nsg-appgw denies it): the trace ends at the gateway, whose target object names it.
  r = run_exposim({"explain", estate, "--from", "81.2.69.200", "--to", "20.50.0.20", "--port", "22", "-f", "json"});
  j = nlohmann::json::parse(r.out);
  CHECK(j["target"]["type"] == "application-gateway");
  CHECK(j["hops"][3]["listener"].is_null());

  r = run_exposim({"explain", estate, "--from", "81.2.69.200", "--to", "vm-web-1", "--port", "22", "--via", "bastion"});
  CHECK(r.code == 0);
  CHECK_THAT(r.out, Catch::StartsWith("flow: tcp 81.2.69.200:49152 -> vm-web-1 (10.0.3.4) port 22 through Bastion "
                                      "'bastion-hub' (20.50.0.10:443)\n"));
  CHECK_THAT(r.out, Catch::Contains("bastion (session)"));
  CHECK_THAT(r.out, Catch::EndsWith("and replies return\n"));
  r = run_exposim({"explain", estate, "--from", "81.2.69.200", "--to", "vm-web-1", "--port", "22", "--via",
                   "bastion:bastion-hub", "-f", "json"});
  j = nlohmann::json::parse(r.out);
  CHECK(j["flow"]["via"]["name"] == "bastion-hub");
  CHECK(j["flow"]["destination"] == "20.50.0.10");
  CHECK(j["hops"][3]["hop"] == "bastion");
  CHECK(j["hops"][3]["sku"] == "Basic");
  CHECK(run_exposim({"explain", estate, "--from", "81.2.69.200", "--to", "vm-web-1", "--port", "22", "--via", "nat"})
            .code == exposim::cli::kExitUsage);
  r = run_exposim(
      {"explain", estate, "--from", "81.2.69.200", "--to", "vm-web-1", "--port", "22", "--via", "bastion:nope"});
  CHECK(r.code == exposim::cli::kExitBadInput);

  r = run_exposim({"explain", example("paas-private-link/estate.json"), "--from", "52.20.1.7", "--to", "sql-orders",
                   "--port", "1433", "-f", "json"});
  CHECK(r.code == 0);
  j = nlohmann::json::parse(r.out);
  CHECK(j["verdict"]["allowed"] == true);
  CHECK(j["target"]["type"] == "paas-service");
  CHECK(j["flow"]["destination"] == "sql-orders.database.windows.net");
  CHECK(j["hops"][3]["scope"] == "firewall-rules");
  CHECK(j["hops"][3]["rule"]["name"] == "office");
}

TEST_CASE("explain through a secured virtual hub firewall's public address", "[cli]") {
  const std::string estate = example("vwan-secured-hub-dnat/estate.json");
  auto r = run_exposim({"explain", estate, "--from", "52.10.1.1", "--to", "fw-hub", "--port", "2222", "-f", "json"});
  REQUIRE(r.code == 0);
  auto j = nlohmann::json::parse(r.out);
  CHECK(j["flow"]["destination"] == "20.50.0.1");
  CHECK(j["verdict"]["allowed"] == true);
  CHECK(j["hops"][1]["via"] == "firewall-dnat");
  CHECK(j["hops"][1]["public_ip"] == nlohmann::json{{"ip", "20.50.0.1"}});  // not a resource: no id, name, SKU
  CHECK(j["hops"][2]["hop"] == "firewall");
  CHECK(j["hops"][2]["rule"]["name"] == "ssh-vm1");
  CHECK_FALSE(j["hops"][2].contains("scope"));
  CHECK(j["target"]["name"] == "nic-vm1");
  r = run_exposim({"explain", estate, "--from", "52.10.1.1", "--to", "20.50.0.1", "--port", "80"});
  REQUIRE(r.code == 0);
  CHECK_THAT(r.out, Catch::StartsWith("flow: tcp 52.10.1.1:49152 -> fw-hub (20.50.0.1) port 80\n"));
  CHECK_THAT(r.out, Catch::Contains("\nentry     pass    20.50.0.1"));
  CHECK_THAT(r.out, Catch::Contains("verdict: denied at firewall: no DNAT rule of firewall 'fw-hub' takes tcp "
                                    "52.10.1.1 port 80"));
}
