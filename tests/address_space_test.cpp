// The VirtualNetwork tag's internet addresses (solver/address_space.h): one warning per route that puts them
// there, only where an NSG rule admits them through the tag and internet clients can be answered. Expected
// counts worked out by hand from Azure's rules: the tag holds the prefixes of the subnet's user-defined routes,
// NSGs are evaluated subnet then NIC with the first match deciding, a reply follows the route of its address.
#include <catch2/catch.hpp>

#include <algorithm>

#include "model_builder.h"
#include "solver/exposure.h"

namespace exposim {
namespace {

using model::NextHopType;
using model::Sku;
using namespace exposim::testing;

std::vector<std::string> tag_warnings(EstateBuilder& b) {
  model::Diagnostics diags;
  const model::Model m = b.done(&diags);
  REQUIRE_FALSE(diags.has_errors());
  const auto a = solver::analyze(m);
  std::vector<std::string> out;
  for (const auto& d : a.findings.items()) {
    if (d.code == "vnet-tag-includes-internet") {
      CHECK(d.severity == model::Severity::kWarning);
      out.push_back(d.message);
    }
  }
  return out;
}

}  // namespace

TEST_CASE("vnet-tag-includes-internet: one warning per route, listing the subnets whose rules rely on the tag",
          "[solver][address-space]") {
  // One route table with 0.0.0.0/0 -> Internet on five subnets. s1 and s2 have an NSG with only the default
  // rules: AllowVnetInBound admits every internet source there. AzureFirewallSubnet has the same NSG, but NSGs do
  // not filter there. s3 has no NSG: no rule relies on the tag. s4's NSG denies every source at 4000, before
  // AllowVnetInBound (65000) is reached.
  EstateBuilder b;
  b.vnet("v", {"10.0.0.0/16"})
      .nsg("nsg", {})
      .nsg("closed", {{"deny-all", 4000, kDeny, any_protocol(), {"*"}, {"*"}}})
      .route_table("rt", "0.0.0.0/0", NextHopType::kInternet)
      .subnet("v", "s1", "10.0.1.0/24", "nsg", "rt")
      .subnet("v", "s2", "10.0.2.0/24", "nsg", "rt")
      .subnet("v", "AzureFirewallSubnet", "10.0.3.0/26", "nsg", "rt")
      .subnet("v", "s3", "10.0.4.0/24", "", "rt")
      .subnet("v", "s4", "10.0.5.0/24", "closed", "rt")
      .public_ip("p1", "20.0.0.1", Sku::kStandard)
      .public_ip("p2", "20.0.0.2", Sku::kStandard)
      .vm("vm1", "v", "s1", "10.0.1.4", "p1")
      .vm("vm2", "v", "s2", "10.0.2.4", "p2")
      .vm("vm3", "v", "s3", "10.0.4.4")
      .vm("vm4", "v", "s4", "10.0.5.4");
  const auto w = tag_warnings(b);
  REQUIRE(w.size() == 1);
  CHECK_THAT(w[0],
             Catch::StartsWith("route 'route-0.0.0.0/0' (0.0.0.0/0 -> Internet) of route table 'rt' puts internet "
                               "addresses into the VirtualNetwork service tag of subnets 's1', 's2': rule "
                               "'AllowVnetInBound' of 'nsg' admits those internet sources"));
  CHECK_THAT(w[0], !Catch::Contains("AzureFirewallSubnet"));
  CHECK_THAT(w[0], !Catch::Contains("'s3'"));
  CHECK_THAT(w[0], !Catch::Contains("'s4'"));
}

TEST_CASE("vnet-tag-includes-internet: two routes are two causes, one warning each", "[solver][address-space]") {
  EstateBuilder b;
  b.vnet("v", {"10.0.0.0/16"})
      .nsg("nsg", {})
      .route_table("rt", "0.0.0.0/0", NextHopType::kInternet)
      .route("rt", "52.0.0.0/8", NextHopType::kVirtualNetworkGateway)
      .route("rt", "10.1.0.0/16", NextHopType::kVirtualNetworkGateway)  // private: adds no internet address
      .subnet("v", "s1", "10.0.1.0/24", "nsg", "rt")
      .subnet("v", "s2", "10.0.2.0/24", "nsg", "rt");
  const auto w = tag_warnings(b);
  REQUIRE(w.size() == 2);
  CHECK_THAT(w[0], Catch::Contains("(0.0.0.0/0 -> Internet)") && Catch::Contains("subnets 's1', 's2'"));
  CHECK_THAT(w[1], Catch::Contains("(52.0.0.0/8 -> VirtualNetworkGateway)") && Catch::Contains("subnets 's1', 's2'"));
}

TEST_CASE("vnet-tag-includes-internet: not when the route's next hop cannot answer internet clients",
          "[solver][address-space]") {
  // The usual spoke: 0.0.0.0/0 to the hub's Azure Firewall. The firewall SNATs DNAT traffic to its own subnet and
  // forwards no other unsolicited internet traffic, so no internet source reaches the spoke with its own address:
  // no warning, whether the firewall's address is stated (fw) or only inside AzureFirewallSubnet (10.0.0.5).
  // A route to None drops the replies. An appliance that is not a firewall (10.0.9.4) may forward internet
  // clients untranslated: that one warns.
  EstateBuilder b;
  b.vnet("hub", {"10.0.0.0/16"})
      .vnet("spoke", {"10.1.0.0/16"})
      .peer("hub", "spoke")
      .nsg("nsg", {})
      .subnet("hub", "AzureFirewallSubnet", "10.0.0.0/26")
      .subnet("hub", "nva", "10.0.9.0/24")
      .route_to_appliance("to-fw", "0.0.0.0/0", "10.0.0.4")
      .route_to_appliance("to-fw-subnet", "0.0.0.0/0", "10.0.0.5")
      .route_table("drop", "0.0.0.0/0", NextHopType::kNone)
      .route_to_appliance("to-nva", "0.0.0.0/0", "10.0.9.4")
      .subnet("spoke", "a", "10.1.1.0/24", "nsg", "to-fw")
      .subnet("spoke", "b", "10.1.2.0/24", "nsg", "to-fw-subnet")
      .subnet("spoke", "c", "10.1.3.0/24", "nsg", "drop")
      .subnet("spoke", "d", "10.1.4.0/24", "nsg", "to-nva");
  model::Firewall fw;
  fw.name = "fw";
  fw.id = "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Network/azureFirewalls/fw";
  fw.key = model::canonical_id(fw.id);
  model::FirewallIpConfiguration cfg;
  cfg.private_ip = model::IpAddress::parse("10.0.0.4");
  fw.ip_configurations.push_back(cfg);
  b.m.firewalls.push_back(fw);
  const auto w = tag_warnings(b);
  REQUIRE(w.size() == 1);
  CHECK_THAT(w[0], Catch::Contains("of route table 'to-nva'") && Catch::Contains("of subnet 'd':"));
}

TEST_CASE("vnet-tag-includes-internet: only rules that admit internet sources through the tag count",
          "[solver][address-space]") {
  // half: a deny for 0.0.0.0/1 at 100 leaves 128.0.0.0/1 to AllowVnetInBound: it relies on the tag, warn.
  // open: an allow from Internet at 100 admits every internet source already; AllowVnetInBound admits none of
  // them only through the tag: no warning. nic-closed: the subnet NSG's AllowVnetInBound admits them, but the NIC's
  // NSG denies everything: nothing gets through, no warning.
  EstateBuilder b;
  b.vnet("v", {"10.0.0.0/16"})
      .nsg("half", {{"deny-low", 100, kDeny, any_protocol(), {"0.0.0.0/1"}, {"*"}}})
      .nsg("open", {{"allow-internet", 100, kAllow, any_protocol(), {"Internet"}, {"*"}}})
      .nsg("plain", {})
      .nsg("deny-all", {{"deny-all", 100, kDeny, any_protocol(), {"*"}, {"*"}}})
      .route_table("rt", "0.0.0.0/0", NextHopType::kInternet)
      .subnet("v", "s-half", "10.0.1.0/24", "half", "rt")
      .subnet("v", "s-open", "10.0.2.0/24", "open", "rt")
      .subnet("v", "s-nic-closed", "10.0.3.0/24", "plain", "rt")
      .vm("vm-half", "v", "s-half", "10.0.1.4")
      .vm("vm-open", "v", "s-open", "10.0.2.4")
      .vm("vm-nic-closed", "v", "s-nic-closed", "10.0.3.4", "", "deny-all");
  const auto w = tag_warnings(b);
  REQUIRE(w.size() == 1);
  CHECK_THAT(w[0], Catch::Contains("of subnet 's-half': rule 'AllowVnetInBound' of 'half' admits"));
}

}  // namespace exposim
