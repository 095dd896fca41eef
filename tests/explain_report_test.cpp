// The explain reports (cli/explain_report.cpp) for a trace that follows another entry than the target's own: the
// note before the flow, the entries not followed with the command that traces each, and the same in JSON.
#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "cli_support.h"

namespace exposim::testing {
namespace {

TEST_CASE("explain: a VM without a public IP is traced through the DNAT rule that reaches it, others listed", "[cli]") {
  const std::vector<std::string> files = {example("hub-and-spoke/firewall.json"), example("hub-and-spoke/hub.json"),
                                          example("hub-and-spoke/spokes.json")};
  std::vector<std::string> args = {"explain"};
  args.insert(args.end(), files.begin(), files.end());
  for (const char* a : {"--from", "52.99.0.1", "--to", "vm-jump", "--port", "22"}) args.emplace_back(a);
  auto r = run_exposim(args);
  REQUIRE(r.code == 0);
  // vm-jump (10.1.1.4) has no public IP; fw-hub's ssh-to-jump translates 20.50.60.70:2222 to its port 22.
  CHECK(r.out.rfind("note: 'vm-jump' has no public IP of its own, so no packet reaches it directly; analyze reaches "
                    "it with this packet through the entry traced below\n"
                    "flow: tcp 52.99.0.1:49152 -> vm-jump (20.50.60.70) port 2222\n",
                    0) == 0);
  std::string command = "exposim explain";
  for (const auto& f : files) command += " " + f;
  CHECK_THAT(r.out, Catch::EndsWith("other entries that reach it with this packet:\n"
                                    "  a session through Bastion 'bas-hub' at 20.50.60.80:443 (authenticated access)\n"
                                    "    " +
                                    command + " --from 52.99.0.1 --to vm-jump --port 22 --via bastion:bas-hub\n"));
  CHECK_THAT(r.out, Catch::Contains("\nverdict: allowed: "));

  args.emplace_back("--format");
  args.emplace_back("json");
  r = run_exposim(args);
  REQUIRE(r.code == 0);
  const auto j = nlohmann::json::parse(r.out);
  CHECK(j["redirected"]["from"] == "vm-jump");
  CHECK(j["redirected"]["direct"] ==
        "denied at entry: no internet entry: ip configuration 'ipconfig1' of NIC 'vm-jump-nic' (10.1.1.4) has no "
        "public IP");
  CHECK(j["flow"]["destination"] == "20.50.60.70");
  CHECK(j["flow"]["destination_port"] == 2222);
  CHECK(j["verdict"]["allowed"] == true);
  REQUIRE(j["other_entries"].size() == 1);
  CHECK(j["other_entries"][0]["via"] == "bastion");
  CHECK(j["other_entries"][0]["bastion"] == "bas-hub");
  CHECK(j["other_entries"][0]["backend"].is_null());
  CHECK(j["other_entries"][0]["port"] == 22);
}

TEST_CASE("explain: an ambiguous address lists the candidates and --backend chooses", "[cli]") {
  // Two VNets with the same space, one NIC at 10.0.0.4 in each.
  const auto dir = scratch_dir("explain-report");
  const std::string s = "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Network";
  nlohmann::json resources = nlohmann::json::array();
  for (const std::string v : {"a", "b"}) {
    resources.push_back({{"id", s + "/virtualNetworks/" + v},
                         {"name", v},
                         {"type", "Microsoft.Network/virtualNetworks"},
                         {"properties",
                          {{"addressSpace", {{"addressPrefixes", {"10.0.0.0/16"}}}},
                           {"subnets",
                            {{{"id", s + "/virtualNetworks/" + v + "/subnets/s"},
                              {"name", "s"},
                              {"properties", {{"addressPrefix", "10.0.0.0/24"}}}}}}}}});
    resources.push_back({{"id", s + "/networkInterfaces/nic-" + v},
                         {"name", "nic-" + v},
                         {"type", "Microsoft.Network/networkInterfaces"},
                         {"properties",
                          {{"ipConfigurations",
                            {{{"name", "ipconfig1"},
                              {"properties",
                               {{"privateIPAddress", "10.0.0.4"},
                                {"subnet", {{"id", s + "/virtualNetworks/" + v + "/subnets/s"}}}}}}}}}}});
  }
  const auto file = (dir / "twins.json").string();
  write_file(file, resources.dump());
  auto r = run_exposim({"explain", file, "--from", "52.1.2.3", "--to", "10.0.0.4", "--port", "22"});
  CHECK(r.code == 2);
  CHECK(r.out.empty());
  CHECK_THAT(r.err,
             Catch::EndsWith(
                 "exposim: error: ambiguous target '10.0.0.4': the address belongs to 2 ip configurations (a private "
                 "address used in two VNets, or a public IP referenced by two NICs); choose one with --backend (its VM "
                 "or NIC name or id) or give its ip configuration id as the target\n"
                 "exposim: note: candidate: " +
                 s +
                 "/networkInterfaces/nic-a/ipConfigurations/ipconfig1 (NIC 'nic-a', private 10.0.0.4)\n"
                 "exposim: note: candidate: " +
                 s + "/networkInterfaces/nic-b/ipConfigurations/ipconfig1 (NIC 'nic-b', private 10.0.0.4)\n"));
  r = run_exposim({"explain", file, "--from", "52.1.2.3", "--to", "10.0.0.4", "--port", "22", "--backend", "nic-b"});
  CHECK(r.code == 0);
  CHECK_THAT(r.out, Catch::StartsWith("flow: tcp 52.1.2.3:49152 -> nic-b (10.0.0.4) port 22\n"));
}

}  // namespace
}  // namespace exposim::testing
