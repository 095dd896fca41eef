// A peering with allowVirtualNetworkAccess false is not a traffic block (docs/model.md, "Routing and peering"):
// it only takes the peer's space out of the VirtualNetwork tag on that side. Bastion sessions, firewall DNAT and
// application gateway backends across such a peering, worked out by hand, with explain agreeing with analyze.
#include <catch2/catch.hpp>

#include <algorithm>
#include <string>
#include <tuple>
#include <vector>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "cli/broken_text.h"
#include "cli/explain_text.h"
#include "gateway_estate.h"
#include "solver/analysis.h"
#include "solver/explain.h"
#include "solver/whatif.h"

namespace {

using namespace exposim;
using namespace exposim::testing::gateway_estate;

/// A rule of one NSG in this file: priority 100, allow TCP from `source` to `ports`.
Rule allow_tcp(const std::string& name, const std::string& source, const std::string& ports) {
  return {name, 100, "Allow", source, ports, "Tcp"};
}

json dnat(const std::string& name, const std::string& port, const std::string& to) {
  return {{"name", name},
          {"protocols", {"TCP"}},
          {"sourceAddresses", {"*"}},
          {"destinationAddresses", {"20.0.0.30"}},
          {"destinationPorts", {port}},
          {"translatedAddress", to},
          {"translatedPort", "22"}};
}

/// hub 10.0.0.0/16: a Basic Bastion (AzureBastionSubnet 10.0.1.0/26, its NSG admits 443 from Internet, public IP
/// 20.0.0.10), an application gateway (subnet 10.0.2.0/24, no NSG, public IP 20.0.0.20, listener 80 -> the three
/// spoke NICs on 8080) and a firewall (10.0.3.4 in AzureFirewallSubnet 10.0.3.0/26, public IP 20.0.0.30, DNAT
/// 2201/2202/2203 -> port 22 of the three NICs). spoke 10.1.0.0/16, peered with the hub (both sides Connected):
/// `explicit` 10.1.1.0/24 (NSG: allow TCP from 10.0.0.0/16, the hub by prefix), `vnet` 10.1.2.0/24 (NSG: allow TCP
/// from VirtualNetwork), `open` 10.1.3.0/24 (no NSG); NICs nic-explicit 10.1.1.4, nic-vnet 10.1.2.4, nic-open
/// 10.1.3.4 (no NIC NSG). `spoke_access` and `hub_access`: allowVirtualNetworkAccess of each side's peering.
json peering_estate(bool spoke_access, bool hub_access) {
  Estate e;
  e.vnet("hub", "10.0.0.0/16",
         {{"AzureBastionSubnet", "10.0.1.0/26", "nsg-bastion"},
          {"agw", "10.0.2.0/24", ""},
          {"AzureFirewallSubnet", "10.0.3.0/26", ""}},
         {{"spoke", "Connected", hub_access}})
      .vnet("spoke", "10.1.0.0/16",
            {{"explicit", "10.1.1.0/24", "nsg-explicit"},
             {"vnet", "10.1.2.0/24", "nsg-vnet"},
             {"open", "10.1.3.0/24", ""}},
            {{"hub", "Connected", spoke_access}})
      .nsg("nsg-bastion", {allow_tcp("allow-https", "Internet", "443")})
      .nsg("nsg-explicit", {allow_tcp("allow-hub-prefix", "10.0.0.0/16", "*")})
      .nsg("nsg-vnet", {allow_tcp("allow-vnet", "VirtualNetwork", "*")})
      .pip("pip-bastion", "20.0.0.10")
      .pip("pip-agw", "20.0.0.20")
      .pip("pip-fw", "20.0.0.30")
      .nic("nic-explicit", "spoke", "explicit", "10.1.1.4")
      .nic("nic-vnet", "spoke", "vnet", "10.1.2.4")
      .nic("nic-open", "spoke", "open", "10.1.3.4")
      .bastion("Basic", "hub", "pip-bastion")
      .add({{"id", kS + "/azureFirewalls/fw"},
            {"name", "fw"},
            {"type", "Microsoft.Network/azureFirewalls"},
            {"properties",
             {{"sku", {{"name", "AZFW_VNet"}, {"tier", "Standard"}}},
              {"ipConfigurations",
               {{{"name", "ipc"},
                 {"properties",
                  {{"privateIPAddress", "10.0.3.4"},
                   {"subnet", id_ref(subnet_id("hub", "AzureFirewallSubnet"))},
                   {"publicIPAddress", id_ref(kS + "/publicIPAddresses/pip-fw")}}}}}},
              {"natRuleCollections",
               {{{"name", "dnat"},
                 {"properties",
                  {{"priority", 100},
                   {"action", {{"type", "Dnat"}}},
                   {"rules",
                    {dnat("to-explicit", "2201", "10.1.1.4"), dnat("to-vnet", "2202", "10.1.2.4"),
                     dnat("to-open", "2203", "10.1.3.4")}}}}}}}}}})
      .add(gateway("hub", "agw", "pip-agw", {{"l", 80}}, {{"pool", {"10.1.1.4", "10.1.2.4", "10.1.3.4"}}},
                   {{"s", 8080}}, {{"l", "pool", "s"}}, false));
  return e.resources;
}

/// The NIC exposures (or broken flows), one line each, sorted: "nic via ports rule-at-the-subnet-NSG".
std::vector<std::string> nic_lines(const Run& r, const std::vector<solver::Exposure>& list) {
  std::vector<std::string> out;
  for (const auto& e : list) {
    if (e.nic < 0) continue;
    std::string rule = "-";
    for (const auto& h : e.path) {
      if (h.kind == solver::Hop::Kind::kNsg && std::string(h.scope) == "subnet" && h.resource >= 0) {
        rule = r.m.nsgs[h.resource].rules[h.rule].name;
      }
      if (h.kind == solver::Hop::Kind::kNoNsg && std::string(h.scope) == "subnet") rule = "no-nsg";
    }
    out.push_back(
        fmt::format("{} {} {} {}", r.m.nics[e.nic].name, solver::to_string(e.via), model::to_string(e.ports), rule));
  }
  std::sort(out.begin(), out.end());
  return out;
}

solver::FlowQuery query(const std::string& to, std::uint16_t port) {
  solver::FlowQuery q;
  q.source = *model::IpAddress::parse("52.10.20.30");
  q.target = to;
  q.destination_port = port;
  return q;
}

/// explain's verdicts for the three DNAT rules, the gateway's three backends and Bastion sessions on 22.
std::vector<std::string> verdicts(const Run& r) {
  std::vector<std::string> out;
  for (const auto& [port, name] :
       std::vector<std::pair<int, std::string>>{{2201, "nic-explicit"}, {2202, "nic-vnet"}, {2203, "nic-open"}}) {
    const auto t = solver::explain(r.m, query("20.0.0.30", static_cast<std::uint16_t>(port)));
    REQUIRE(t.status == solver::FlowTrace::Status::kOk);
    out.push_back(fmt::format("dnat {} {}", name, t.allowed ? "allowed" : "denied"));
  }
  for (const std::string name : {"nic-explicit", "nic-vnet", "nic-open"}) {
    auto q = query("20.0.0.20", 80);
    q.backend = name;
    const auto t = solver::explain(r.m, q);
    REQUIRE(t.status == solver::FlowTrace::Status::kOk);
    out.push_back(fmt::format("agw {} {}", name, t.allowed ? "allowed" : "denied"));
  }
  for (const std::string name : {"nic-explicit", "nic-vnet", "nic-open"}) {
    auto q = query(name, 22);
    q.via_bastion = true;
    const auto t = solver::explain(r.m, q);
    REQUIRE(t.status == solver::FlowTrace::Status::kOk);
    out.push_back(fmt::format("bastion {} {}", name, t.allowed ? "allowed" : "denied"));
  }
  return out;
}

}  // namespace

TEST_CASE("peering: allowVirtualNetworkAccess false on the target's side leaves explicit rules and no NSG open",
          "[solver][peering]") {
  // The spoke's peering denies access: the spoke's VirtualNetwork tag is 10.1.0.0/16 (and 168.63.129.16) without
  // the hub. The peering's routes stay, so the hub's Bastion, gateway and firewall still reach the spoke:
  // - nic-explicit: allow-hub-prefix names 10.0.0.0/16, which holds the Bastion subnet, the gateway subnet and
  //   the firewall's SNAT address: Bastion 22 and 3389 (Basic), gateway 8080 and DNAT 22 all pass;
  // - nic-vnet: allow-vnet (VirtualNetwork) and AllowVnetInBound no longer contain the hub: DenyAllInBound;
  // - nic-open: no NSG on the subnet or the NIC: nothing is filtered.
  const auto r = run(peering_estate(false, true));
  REQUIRE_FALSE(r.diags.has_errors());
  CHECK(nic_lines(r, r.a.exposures) == std::vector<std::string>{
                                           "nic-explicit application-gateway 8080 allow-hub-prefix",
                                           "nic-explicit bastion 22,3389 allow-hub-prefix",
                                           "nic-explicit firewall-dnat 22 allow-hub-prefix",
                                           "nic-open application-gateway 8080 no-nsg",
                                           "nic-open bastion 22,3389 no-nsg",
                                           "nic-open firewall-dnat 22 no-nsg",
                                       });
  CHECK(nic_lines(r, r.a.broken).empty());  // a denied flow is not broken: the path works, the NSG denies
  CHECK(verdicts(r) == std::vector<std::string>{
                           "dnat nic-explicit allowed",
                           "dnat nic-vnet denied",
                           "dnat nic-open allowed",
                           "agw nic-explicit allowed",
                           "agw nic-vnet denied",
                           "agw nic-open allowed",
                           "bastion nic-explicit allowed",
                           "bastion nic-vnet denied",
                           "bastion nic-open allowed",
                       });

  // explain says why nic-vnet is denied: DenyAllInBound, and the peering that keeps the hub out of the tag.
  const auto t = solver::explain(r.m, query("20.0.0.30", 2202));
  REQUIRE(t.stopped_at >= 0);
  const auto& stop = t.hops[static_cast<std::size_t>(t.stopped_at)];
  CHECK(stop.kind == solver::TraceHop::Kind::kNsg);
  CHECK(r.m.nsgs[stop.resource].rules[stop.rule].name == "DenyAllInBound");
  CHECK_THAT(cli::hop_text(r.m, stop),
             Catch::Contains("peering 'spoke-to-hub' of VNet 'spoke' has allowVirtualNetworkAccess false"));
  // The forward route is the peering's, as before.
  bool forward_by_peering = false;
  for (const auto& h : t.hops) {
    if (h.kind == solver::TraceHop::Kind::kRoute && std::string(h.scope) == "forward") {
      forward_by_peering = h.passes && h.next_hop == model::NextHopType::kVnetPeering;
    }
  }
  CHECK(forward_by_peering);
}

TEST_CASE("peering: allowVirtualNetworkAccess false only on the entry point's side changes nothing inbound",
          "[solver][peering]") {
  // The hub's side denies access: the hub's tag loses the spoke, the spoke's keeps the hub. Inbound NSGs of the
  // spoke decide, so nic-vnet is reached as with access allowed (the hub's outbound rules are not modelled:
  // docs/model.md). With access allowed on both sides the answer is the same.
  for (const bool hub_access : {false, true}) {
    const auto r = run(peering_estate(true, hub_access));
    REQUIRE_FALSE(r.diags.has_errors());
    CHECK(nic_lines(r, r.a.exposures) == std::vector<std::string>{
                                             "nic-explicit application-gateway 8080 allow-hub-prefix",
                                             "nic-explicit bastion 22,3389 allow-hub-prefix",
                                             "nic-explicit firewall-dnat 22 allow-hub-prefix",
                                             "nic-open application-gateway 8080 no-nsg",
                                             "nic-open bastion 22,3389 no-nsg",
                                             "nic-open firewall-dnat 22 no-nsg",
                                             "nic-vnet application-gateway 8080 allow-vnet",
                                             "nic-vnet bastion 22,3389 allow-vnet",
                                             "nic-vnet firewall-dnat 22 allow-vnet",
                                         });
    CHECK(verdicts(r) == std::vector<std::string>{
                             "dnat nic-explicit allowed",
                             "dnat nic-vnet allowed",
                             "dnat nic-open allowed",
                             "agw nic-explicit allowed",
                             "agw nic-vnet allowed",
                             "agw nic-open allowed",
                             "bastion nic-explicit allowed",
                             "bastion nic-vnet allowed",
                             "bastion nic-open allowed",
                         });
  }
}

TEST_CASE("peering: whatif clearing allowVirtualNetworkAccess on the spoke closes only what VirtualNetwork admitted",
          "[solver][peering][whatif]") {
  // Before: access allowed both ways, nic-vnet reached through allow-vnet. After: the spoke's peering denies
  // access. Only nic-vnet's three flows close; nic-explicit (by prefix) and nic-open (no NSG) keep theirs.
  const auto before = run(peering_estate(true, true));
  const auto after = run(peering_estate(false, true));
  REQUIRE_FALSE(before.diags.has_errors());
  REQUIRE_FALSE(after.diags.has_errors());
  const auto diff = solver::diff_analyses(before.m, before.a, after.m, after.a);
  CHECK_FALSE(diff.grew);
  std::vector<std::string> closed;
  for (const auto& d : diff.deltas) {
    REQUIRE(d.kind == solver::WhatifDelta::Kind::kClosed);
    for (const auto& e : d.closed) closed.push_back(before.m.nics[e.nic].name + " " + solver::to_string(e.via));
  }
  std::sort(closed.begin(), closed.end());
  CHECK(closed ==
        std::vector<std::string>{"nic-vnet application-gateway", "nic-vnet bastion", "nic-vnet firewall-dnat"});
  CHECK(diff.before_exposures == diff.after_exposures + 3);
}

namespace {

/// hub 10.0.0.0/16 with an appliance nva (10.0.4.4, IP forwarding, Standard public IP 20.0.0.40, its NIC's NSG
/// admitting TCP 443 from Internet), peered with spoke 10.1.0.0/16 whose subnet `apps` (no NSG) sends 0.0.0.0/0
/// to 10.0.4.4 and holds nic-app 10.1.0.4. The spoke's peering denies virtual network access; `forwarded` is its
/// allowForwardedTraffic.
json peering_appliance_estate(bool forwarded) {
  Estate e;
  e.vnet("hub", "10.0.0.0/16", {{"nva", "10.0.4.0/24", ""}}, {{"spoke", "Connected", true}})
      .vnet("spoke", "10.1.0.0/16", {{"apps", "10.1.0.0/24", ""}}, {{"hub", "Connected", false}});
  json& spoke = e.resources.back();
  spoke["properties"]["virtualNetworkPeerings"][0]["properties"]["allowForwardedTraffic"] = forwarded;
  spoke["properties"]["subnets"][0]["properties"]["routeTable"] = id_ref(kS + "/routeTables/rt-apps");
  e.add({{"id", kS + "/routeTables/rt-apps"},
         {"name", "rt-apps"},
         {"type", "Microsoft.Network/routeTables"},
         {"properties",
          {{"routes",
            {{{"name", "default-to-nva"},
              {"properties",
               {{"addressPrefix", "0.0.0.0/0"},
                {"nextHopType", "VirtualAppliance"},
                {"nextHopIpAddress", "10.0.4.4"}}}}}}}}})
      .nsg("nsg-nva", {allow_tcp("allow-https", "Internet", "443")})
      .pip("pip-nva", "20.0.0.40")
      .add({{"id", kS + "/networkInterfaces/nva"},
            {"name", "nva"},
            {"type", "Microsoft.Network/networkInterfaces"},
            {"properties",
             {{"enableIPForwarding", true},
              {"networkSecurityGroup", id_ref(kS + "/networkSecurityGroups/nsg-nva")},
              {"ipConfigurations",
               {{{"name", "ipconfig1"},
                 {"properties",
                  {{"privateIPAddress", "10.0.4.4"},
                   {"subnet", id_ref(subnet_id("hub", "nva"))},
                   {"publicIPAddress", id_ref(kS + "/publicIPAddresses/pip-nva")}}}}}}}}})
      .nic("nic-app", "spoke", "apps", "10.1.0.4");
  return e.resources;
}

}  // namespace

TEST_CASE("peering: an appliance forwards across a peering without virtual network access when forwarding is allowed",
          "[solver][peering]") {
  // The appliance keeps the internet clients' addresses, so the spoke's VirtualNetwork tag is beside the point;
  // only allowForwardedTraffic on the spoke's side decides whether the forwarded packets are accepted. nic-app
  // has no NSG: every port of every protocol is reached from the clients the appliance admits (443's sources).
  auto run_via = [](bool forwarded) {
    const auto r = run(peering_appliance_estate(forwarded));
    REQUIRE_FALSE(r.diags.has_errors());
    std::vector<std::string> out;
    for (const auto* list : {&r.a.exposures, &r.a.broken}) {
      for (const auto& e : *list) {
        if (e.nic >= 0 && r.m.nics[e.nic].name == "nic-app") {
          out.push_back(fmt::format("{} {} {}", list == &r.a.broken ? "broken" : "exposed", solver::to_string(e.via),
                                    e.broken ? cli::broken_text(r.m, *e.broken) : ""));
        }
      }
    }
    std::sort(out.begin(), out.end());
    out.erase(std::unique(out.begin(), out.end()), out.end());
    return out;
  };
  CHECK(run_via(true) == std::vector<std::string>{"exposed appliance "});
  CHECK(run_via(false) == std::vector<std::string>{
                              "broken appliance appliance 'nva' cannot forward to 10.1.0.4: peering 'spoke-to-hub' of "
                              "'spoke' does not allow forwarded traffic (allowForwardedTraffic is false)"});
}
