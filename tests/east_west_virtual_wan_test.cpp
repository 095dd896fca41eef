// East-west reachability across a Virtual WAN hub (docs/model.md, "Virtual WAN" and "East-west reachability"), end to
// end on the two Virtual WAN examples, worked out by hand from their READMEs:
// - examples/vwan-routing-intent: vnet-spoke1 (nic-vm1 10.1.1.4, nsg-spoke1) and vnet-spoke2 (nic-vm2 10.2.1.4,
//   nsg-spoke2: allow-443 TCP 443 from *) connected to hub-weu; routing intent's private-traffic next hop fw-hub is not
//   in the input, so the hub's router carries spoke-to-spoke traffic unfiltered. VirtualNetwork seen from spoke2 holds
//   spoke1's space (a connected spoke's), so AllowVnetInBound admits the rest.
// - examples/vwan-secured-hub-dnat: the same shape secured by fw-hub (10.100.0.132) with policy-hub, whose only rules
//   are DNAT: routing intent for private traffic sends spoke-to-spoke traffic to fw-hub, which denies what no network
//   or application rule allows; vnet-spoke3 (nic-vm3 10.3.1.4) is connected to no hub.
// Before hub routes were followed east-west, every one of these flows ended at the route ("VirtualNetworkGateway: not
// followed"), and reach said "nothing reachable": a path the tests below would have missed.
#include <catch2/catch.hpp>

#include <filesystem>
#include <string>

#include <nlohmann/json.hpp>

#include "cli/exit_codes.h"
#include "cli_support.h"

namespace {

using exposim::testing::example;
using exposim::testing::run_exposim;

/// examples/vwan-secured-hub-dnat with one more rule collection group in policy-hub: `east-west` (300), collection
/// `spokes` (100, Allow), network rule `spoke1-to-spoke2-https`: TCP from 10.1.0.0/16 to 10.2.0.0/16 port 443.
std::string ewvw_secured_with_rule(const std::filesystem::path& dir) {
  auto doc = nlohmann::ordered_json::parse(exposim::testing::read_file(example("vwan-secured-hub-dnat/estate.json")));
  doc["value"].push_back(nlohmann::ordered_json::parse(R"({
    "id": "/subscriptions/00000000-0000-0000-0000-000000000001/resourceGroups/rg-vwan/providers/Microsoft.Network/firewallPolicies/policy-hub/ruleCollectionGroups/east-west",
    "name": "east-west", "type": "Microsoft.Network/firewallPolicies/ruleCollectionGroups",
    "properties": {"priority": 300, "ruleCollections": [{"ruleCollectionType": "FirewallPolicyFilterRuleCollection",
      "name": "spokes", "priority": 100, "action": {"type": "Allow"},
      "rules": [{"ruleType": "NetworkRule", "name": "spoke1-to-spoke2-https", "ipProtocols": ["TCP"],
        "sourceAddresses": ["10.1.0.0/16"], "destinationAddresses": ["10.2.0.0/16"], "destinationPorts": ["443"]}]}]}})"));
  const auto path = dir / "estate.json";
  exposim::testing::write_file(path, doc.dump(1));
  return path.string();
}

/// ewvw_secured_with_rule()'s estate without routing intent, spoke1's subnet sending 10.2.0.0/16 to the hub firewall's
/// address 10.100.0.132 by a user route instead (route table rt-spoke1, route to-hub-fw): the classic secured hub.
std::string ewvw_secured_by_user_route(const std::filesystem::path& dir) {
  auto doc = nlohmann::ordered_json::parse(exposim::testing::read_file(ewvw_secured_with_rule(dir)));
  const std::string base =
      "/subscriptions/00000000-0000-0000-0000-000000000001/resourceGroups/rg-vwan/providers/"
      "Microsoft.Network/";
  auto& list = doc["value"];
  nlohmann::ordered_json kept = nlohmann::ordered_json::array();
  for (auto& r : list) {
    if (r["type"] == "Microsoft.Network/virtualHubs/routingIntent") continue;
    if (r["type"] == "Microsoft.Network/virtualNetworks" && r["name"] == "vnet-spoke1") {
      r["properties"]["subnets"][0]["properties"]["routeTable"] = {{"id", base + "routeTables/rt-spoke1"}};
    }
    kept.push_back(r);
  }
  kept.push_back(nlohmann::ordered_json::parse(R"({"id": ")" + base + R"(routeTables/rt-spoke1", "name": "rt-spoke1",
    "type": "Microsoft.Network/routeTables", "location": "westeurope", "properties": {"routes": [{"name": "to-hub-fw",
    "properties": {"addressPrefix": "10.2.0.0/16", "nextHopType": "VirtualAppliance",
    "nextHopIpAddress": "10.100.0.132"}}]}})"));
  doc["value"] = kept;
  const auto path = dir / "user-route.json";
  exposim::testing::write_file(path, doc.dump(1));
  return path.string();
}

}  // namespace

TEST_CASE("east-west through a Virtual WAN hub's router: spoke to spoke, the target's NSG decides",
          "[cli][east-west][virtual-wan]") {
  const auto r = run_exposim({"reach", example("vwan-routing-intent/estate.json"), "--from", "nic-vm1"});
  INFO(r.err);
  REQUIRE(r.code == exposim::cli::kExitOk);
  const std::string head = "  nic-vm1  nic-vm2  10.2.1.4  ";
  const std::string out =
      "10.1.1.4/32  nic-outbound: no NSG > subnet-outbound: nsg-spoke1/AllowVnetOutBound (65000) > ";
  CHECK(r.out ==
        "from nic-vm1 (10.1.1.4)\n\n"
        "  SOURCE   TARGET   IP        PROTO        PORTS            SOURCES      RULES\n" +
            head + "tcp          443              " + out + "subnet: nsg-spoke2/allow-443 (100) > nic: no NSG\n" +
            head + "tcp          0-442,444-65535  " + out +
            "subnet: nsg-spoke2/AllowVnetInBound (65000) > nic: no NSG\n" + head + "udp          all              " +
            out + "subnet: nsg-spoke2/AllowVnetInBound (65000) > nic: no NSG\n" + head +
            "icmp,esp,ah  -                " + out +
            "subnet: nsg-spoke2/AllowVnetInBound (65000) > nic: no NSG\n"
            "6 flows to 1 target\n");
  const auto e = run_exposim({"explain", example("vwan-routing-intent/estate.json"), "--from", "10.1.1.4", "--to",
                              "10.2.1.4", "--port", "443", "--protocol", "tcp"});
  CHECK(e.code == exposim::cli::kExitOk);
  CHECK_THAT(e.out,
             Catch::Contains("subnet 'workload' sends 10.2.1.4 by route 10.2.0.0/16 -> VirtualNetworkGateway "
                             "learned from virtual hub 'hub-weu' (connected virtual network) (the longest prefix "
                             "that holds it): through virtual hub 'hub-weu' to VNet 'vnet-spoke2'\n"));
  CHECK_THAT(e.out, Catch::Contains("the reply to 10.1.1.4 takes route 10.1.0.0/16 -> VirtualNetworkGateway learned "
                                    "from virtual hub 'hub-weu' (connected virtual network): it returns the way the "
                                    "request came\n"));
  CHECK_THAT(e.out, Catch::Contains("verdict: allowed: tcp 10.1.1.4:49152 -> 10.2.1.4:443 from nic-vm1 (10.1.1.4)"));
}

TEST_CASE("east-west through a secured hub: routing intent sends spoke to spoke through the hub firewall",
          "[cli][east-west][virtual-wan]") {
  const std::string estate = example("vwan-secured-hub-dnat/estate.json");
  // policy-hub has DNAT rules only: the firewall denies every spoke-to-spoke packet.
  const auto none = run_exposim({"reach", estate, "--from", "subnet:vnet-spoke1/workload"});
  CHECK(none.code == exposim::cli::kExitOk);
  CHECK(none.out == "from subnet vnet-spoke1/workload\n\nnothing reachable\n");
  const auto denied =
      run_exposim({"explain", estate, "--from", "10.1.1.4", "--to", "10.2.1.4", "--port", "443", "--protocol", "tcp"});
  CHECK_THAT(denied.out, Catch::Contains("verdict: denied at firewall (default): no rule matched: default deny (no "
                                         "network or application rule of firewall 'fw-hub' takes tcp "
                                         "10.1.1.4:49152 -> 10.2.1.4:443)"));

  // With a network rule for spoke1 -> spoke2 on TCP 443: that port alone, the firewall's rule in the path; the reply
  // returns through the same firewall (spoke2's route to spoke1 is routing intent's too). Nothing the other way.
  const auto dir = exposim::testing::scratch_dir("east-west-virtual-wan");
  const std::string ruled = ewvw_secured_with_rule(dir);
  const auto one = run_exposim({"reach", ruled, "--from", "nic-vm1"});
  const auto back = run_exposim({"reach", ruled, "--from", "nic-vm2"});
  const auto spoke3 =
      run_exposim({"explain", ruled, "--from", "10.1.1.4", "--to", "10.3.1.4", "--port", "3389", "--protocol", "tcp"});
  const auto allowed =
      run_exposim({"explain", ruled, "--from", "10.1.1.4", "--to", "10.2.1.4", "--port", "443", "--protocol", "tcp"});
  std::filesystem::remove_all(dir);
  INFO(one.err);
  CHECK(one.out ==
        "from nic-vm1 (10.1.1.4)\n\n"
        "  SOURCE   TARGET   IP        PROTO  PORTS  SOURCES      RULES\n"
        "  nic-vm1  nic-vm2  10.2.1.4  tcp    443    10.1.1.4/32  nic-outbound: no NSG > subnet-outbound: "
        "nsg-spoke1/AllowVnetOutBound (65000) > fw: fw-hub/spokes/spoke1-to-spoke2-https (100) > subnet: "
        "nsg-spoke2/allow-https (100) > nic: no NSG\n"
        "1 flow to 1 target\n");
  CHECK(back.out == "from nic-vm2 (10.2.1.4)\n\nnothing reachable\n");
  CHECK_THAT(allowed.out, Catch::Contains("VirtualNetworkGateway 10.100.0.132 learned from virtual hub 'hub-weu' "
                                          "(routing intent for private traffic) (the longest prefix that holds it): to "
                                          "firewall 'fw-hub'\n"));
  CHECK_THAT(allowed.out, Catch::Contains("back through firewall 'fw-hub', which the request crossed"));
  // vnet-spoke3 is connected to no hub: routing intent's 10.0.0.0/8 takes the packet to the hub, which cannot deliver
  // it (and nsg-spoke1 denies it first: spoke3 is outside spoke1's VirtualNetwork).
  CHECK_THAT(spoke3.out,
             Catch::Contains("by route 10.0.0.0/8 -> VirtualNetworkGateway 10.100.0.132 learned from virtual "
                             "hub 'hub-weu' (routing intent for private traffic) (the longest prefix that "
                             "holds it), but the virtual hub does not connect the target's virtual network "
                             "(not connected to it, nor to another hub of its virtual WAN)\n"));
}

TEST_CASE("east-west to a secured hub's firewall by a user route: the hub delivers and the reply is judged",
          "[cli][east-west][virtual-wan]") {
  // Without routing intent spoke2's reply to spoke1 takes the hub's route for a connected VNet (its router, not the
  // firewall): the request crossed fw-hub (its network rule admits TCP 443), the reply does not, so the connection
  // fails: one broken flow, nothing reachable.
  const auto dir = exposim::testing::scratch_dir("east-west-virtual-wan-udr");
  const auto r = run_exposim({"reach", ewvw_secured_by_user_route(dir), "--from", "nic-vm1"});
  std::filesystem::remove_all(dir);
  INFO(r.err);
  CHECK(r.code == exposim::cli::kExitOk);
  CHECK(r.out ==
        "from nic-vm1 (10.1.1.4)\n\nnothing reachable\n\n"
        "1 broken flow: it passes every filter but the reply cannot return (not reachable)\n"
        "  SOURCE   TARGET   IP        PROTO  PORTS  SOURCES      WHY\n"
        "  nic-vm1  nic-vm2  10.2.1.4  tcp    443    10.1.1.4/32  asymmetric routing: requests from 10.1.1.4 to "
        "10.2.1.4 cross firewall 'fw-hub', but replies take route 10.1.0.0/16 -> VirtualNetworkGateway learned from "
        "virtual hub 'hub-weu' (connected virtual network), so the connection fails\n");
}
