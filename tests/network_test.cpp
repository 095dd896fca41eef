// The network family (VNets, subnets, peerings, routes). Route selection (longest prefix, user before system, reserved
// ranges) and peering reachability (docs/model.md#routing-and-peering), with expectations worked out from Azure's
// routing overview.
#include <catch2/catch.hpp>

#include "solver/address_space.h"
#include "solver/network.h"
#include "solver/words.h"
#include "tests/model_builder.h"

namespace exposim::testing {
namespace {

using model::NextHopType;
using namespace solver;

model::IpAddress ip(const char* text) { return *model::IpAddress::parse(text); }

int subnet_index(const model::Model& m, const std::string& name) {
  for (std::size_t i = 0; i < m.subnets.size(); ++i) {
    if (m.subnets[i].name == name) return static_cast<int>(i);
  }
  return -1;
}

/// hub 10.0.0.0/16 peered with spoke1 10.1.0.0/16; spoke2 10.2.0.0/16 peered with the hub only.
EstateBuilder hub_and_spokes() {
  EstateBuilder b;
  b.vnet("hub", {"10.0.0.0/16"})
      .vnet("spoke1", {"10.1.0.0/16"})
      .vnet("spoke2", {"10.2.0.0/16"})
      .subnet("hub", "AzureFirewallSubnet", "10.0.1.0/26")
      .subnet("spoke1", "workload", "10.1.1.0/24", "", "rt-spoke1")
      .subnet("spoke2", "workload", "10.2.1.0/24")
      .route_to_appliance("rt-spoke1", "0.0.0.0/0", "10.0.1.4")
      .peer("hub", "spoke1")
      .peer("hub", "spoke2");
  return b;
}

TEST_CASE("routing: longest prefix over system and user routes", "[routing]") {
  auto b = hub_and_spokes();
  const auto m = b.done();
  const int s1 = 1;  // spoke1/workload
  REQUIRE(m.subnets[s1].vnet.index == 1);

  SECTION("an internet address takes the user 0.0.0.0/0 (equal prefix: user beats system)") {
    const auto r = choose_route(m, s1, ip("52.1.2.3"));
    CHECK(r.user);
    CHECK(r.next_hop == NextHopType::kVirtualAppliance);
    CHECK(r.next_hop_ip->to_string() == "10.0.1.4");
    CHECK(route_text(m, r) ==
          "route 'route-0.0.0.0/0' (0.0.0.0/0 -> VirtualAppliance 10.0.1.4) of route table 'rt-spoke1'");
  }
  SECTION("the hub's space is reached over the peering (/16 beats the user /0)") {
    const auto r = choose_route(m, s1, ip("10.0.1.4"));
    CHECK_FALSE(r.user);
    CHECK(r.next_hop == NextHopType::kVnetPeering);
    CHECK(r.peer_vnet == 0);
    CHECK(route_text(m, r) == "system route 10.0.0.0/16 -> VNetPeering");
  }
  SECTION("the VNet's own space is local") {
    CHECK(choose_route(m, s1, ip("10.1.200.9")).next_hop == NextHopType::kVnetLocal);
  }
  SECTION("peering is not transitive: spoke2 from spoke1 falls to the reserved 10.0.0.0/8 -> None") {
    // spoke1 has a 0.0.0.0/0 user route, but 10.0.0.0/8 (system, None) is longer.
    const auto r = choose_route(m, s1, ip("10.2.1.4"));
    CHECK(r.next_hop == NextHopType::kNone);
    CHECK(std::string(r.system) == "reserved");
  }
  SECTION("without a route table the default route leads to the internet") {
    const int s2 = subnet_index(m, "workload") == s1 ? 2 : subnet_index(m, "workload");
    const auto r = choose_route(m, s2, ip("52.1.2.3"));
    CHECK(r.next_hop == NextHopType::kInternet);
    CHECK(std::string(r.system) == "default");
  }
  SECTION("an unknown subnet has the default route only") {
    CHECK(choose_route(m, -1, ip("10.0.1.4")).next_hop == NextHopType::kInternet);
  }
}

TEST_CASE("routing: a user route for the firewall subnet beats the peering route at equal or longer prefix",
          "[routing]") {
  auto b = hub_and_spokes();
  b.route_to_appliance("rt-spoke1", "10.0.1.0/26", "10.0.1.4");
  const auto m = b.done();
  const auto r = choose_route(m, 1, ip("10.0.1.10"));
  CHECK(r.user);
  CHECK(r.prefix.to_string() == "10.0.1.0/26");
  // A user route of the same length as the peered space also wins the tie.
  auto b2 = hub_and_spokes();
  b2.route("rt-spoke1", "10.0.0.0/16", NextHopType::kNone);
  const auto m2 = b2.done();
  const auto r2 = choose_route(m2, 1, ip("10.0.0.5"));
  CHECK(r2.user);
  CHECK(r2.next_hop == NextHopType::kNone);
}

TEST_CASE("routing: a user route for the VNet's space applies inside one subnet, which has no route of its own",
          "[routing]") {
  // Azure's table of a subnet's routes has the VNet's address ranges, not the subnet's prefix ("Virtual network
  // traffic routing", default routes): a user route 10.1.0.0/16 -> appliance ties with the VNet's system route and
  // wins, for the subnet's own addresses too; a route for the subnet's prefix to VnetLocal keeps them local.
  auto b = hub_and_spokes();
  b.route_to_appliance("rt-spoke1", "10.1.0.0/16", "10.0.1.4");
  const auto m = b.done();
  const auto inside = choose_route(m, 1, ip("10.1.1.5"));
  CHECK(inside.user);
  CHECK(inside.next_hop == NextHopType::kVirtualAppliance);
  CHECK(inside.prefix.to_string() == "10.1.0.0/16");

  auto b2 = hub_and_spokes();
  b2.route_to_appliance("rt-spoke1", "10.1.0.0/16", "10.0.1.4")
      .route("rt-spoke1", "10.1.1.0/24", NextHopType::kVnetLocal);
  const auto m2 = b2.done();
  const auto local = choose_route(m2, 1, ip("10.1.1.5"));
  CHECK(local.user);
  CHECK(local.next_hop == NextHopType::kVnetLocal);
  CHECK(choose_route(m2, 1, ip("10.1.2.5")).next_hop == NextHopType::kVirtualAppliance);

  // Without a user route the VNet's range keeps the subnet's traffic local.
  const auto plain = hub_and_spokes().done();
  const auto r = choose_route(plain, 1, ip("10.1.1.5"));
  CHECK_FALSE(r.user);
  CHECK(r.next_hop == NextHopType::kVnetLocal);
  CHECK(r.prefix.to_string() == "10.1.0.0/16");
}

TEST_CASE("routing: 172.16.0.0/12 is among the reserved ranges routed to None", "[routing]") {
  const auto m = hub_and_spokes().done();
  const auto r = choose_route(m, 2, ip("172.20.0.4"));  // spoke2/workload, no route table
  CHECK(r.next_hop == NextHopType::kNone);
  CHECK(std::string(r.system) == "reserved");
  CHECK(r.prefix.to_string() == "172.16.0.0/12");
}

TEST_CASE("routing: a VNet whose space is inside a reserved range keeps its own route", "[routing]") {
  EstateBuilder b;
  b.vnet("big", {"10.0.0.0/8"}).subnet("big", "s", "10.5.0.0/24");
  const auto m = b.done();
  CHECK(choose_route(m, 0, ip("10.200.0.1")).next_hop == NextHopType::kVnetLocal);
  CHECK(choose_route(m, 0, ip("192.168.0.1")).next_hop == NextHopType::kNone);
}

TEST_CASE(
    "peering: both sides and Connected, allowVirtualNetworkAccess does not block, forwarded traffic needs its "
    "own flag",
    "[routing]") {
  // The gap's words (solver/words.h), from the data peering_gap() returns.
  auto gap_text = [](const model::Model& m, int from, int to, bool forwarded = false) {
    return peering_text(m, peering_gap(m, from, to, forwarded));
  };
  SECTION("two-sided and connected") {
    auto m = hub_and_spokes().done();
    CHECK(peering_gap(m, 0, 1).block == PeeringBlock::kNone);
    CHECK(peering_gap(m, 1, 2).block == PeeringBlock::kNotPeered);
    CHECK(peering_gap(m, -1, 1).block == PeeringBlock::kNotInInput);
    CHECK(gap_text(m, -1, 1) == "the virtual network is not in the input");
    // Forwarded traffic: spoke1's side of the peering (spoke1-to-hub) must allow it.
    const PeeringGap forwarded = peering_gap(m, 0, 1, true);
    CHECK(forwarded.block == PeeringBlock::kNotForwarded);
    CHECK(forwarded.vnet == 1);
    CHECK(m.vnets[1].peerings[forwarded.peering].name == "spoke1-to-hub");
    CHECK(gap_text(m, 0, 1).empty());
    CHECK(gap_text(m, 1, 0).empty());
    CHECK(gap_text(m, 1, 1).empty());
    CHECK(gap_text(m, 1, 2) == "virtual networks 'spoke1' and 'spoke2' are not peered (peering is not transitive)");
    CHECK(gap_text(m, 0, 1, true) ==
          "peering 'spoke1-to-hub' of 'spoke1' does not allow forwarded traffic (allowForwardedTraffic is false)");
    // The boolean form says the same without the text.
    CHECK(peering_connects(m, 0, 1));
    CHECK(peering_connects(m, 1, 1));
    CHECK_FALSE(peering_connects(m, 1, 2));
    CHECK_FALSE(peering_connects(m, 0, 1, true));
    CHECK_FALSE(peering_connects(m, -1, 1));
  }
  SECTION("one side only") {
    EstateBuilder b;
    b.vnet("a", {"10.10.0.0/16"}).vnet("b", {"10.20.0.0/16"}).peering("a", "b", {});
    auto m = b.done();
    CHECK(gap_text(m, 0, 1) == "only 'a' has a peering to 'b': both sides must exist");
    CHECK(gap_text(m, 1, 0) == "only 'a' has a peering to 'b': both sides must exist");
    const PeeringGap gap = peering_gap(m, 1, 0);
    CHECK(gap.block == PeeringBlock::kOneSided);
    CHECK(gap.vnet == 0);  // a: the side that has its peering
    CHECK(m.vnets[0].peerings[gap.peering].name == "a-to-b");
    CHECK_FALSE(peering_connects(m, 0, 1));
    CHECK_FALSE(peering_connects(m, 1, 0));
  }
  SECTION("not connected") {
    EstateBuilder b;
    b.vnet("a", {"10.10.0.0/16"})
        .vnet("b", {"10.20.0.0/16"})
        .peering("a", "b", {})
        .peering("b", "a", {false, true, false});
    auto m = b.done();
    CHECK(gap_text(m, 0, 1) == "peering 'b-to-a' is not Connected");
    CHECK(peering_gap(m, 0, 1).block == PeeringBlock::kNotConnected);
    CHECK(peering_gap(m, 0, 1).vnet == 1);
    CHECK_FALSE(peering_connects(m, 0, 1));
  }
  SECTION("access not allowed: traffic still passes, the route stays, only the VirtualNetwork tag shrinks") {
    // Azure: "Traffic might still flow if explicitly allowed through a network security group rule". a's side
    // denies access: a's VirtualNetwork tag loses b's space, b's keeps a's; both keep the peering route.
    EstateBuilder c;
    c.vnet("a", {"10.10.0.0/16"})
        .vnet("b", {"10.20.0.0/16"})
        .subnet("a", "sa", "10.10.1.0/24")
        .subnet("b", "sb", "10.20.1.0/24")
        .peering("a", "b", {true, false, false})
        .peering("b", "a", {});
    auto m2 = c.done();
    CHECK(gap_text(m2, 1, 0).empty());
    CHECK(gap_text(m2, 0, 1).empty());
    CHECK(peering_connects(m2, 0, 1));
    const int sa = subnet_index(m2, "sa");
    const int sb = subnet_index(m2, "sb");
    CHECK(choose_route(m2, sa, ip("10.20.1.4")).next_hop == NextHopType::kVnetPeering);
    CHECK(choose_route(m2, sb, ip("10.10.1.4")).next_hop == NextHopType::kVnetPeering);
    model::Diagnostics findings;
    const AddressSpace space(m2, findings);
    CHECK_FALSE(space.virtual_network(sa).contains(ip("10.20.1.4").value));
    CHECK(space.virtual_network(sa).contains(ip("10.10.200.1").value));
    CHECK(space.virtual_network(sb).contains(ip("10.10.1.4").value));
  }
  SECTION("forwarded traffic allowed") {
    EstateBuilder b;
    b.vnet("hub", {"10.0.0.0/16"}).vnet("spoke", {"10.1.0.0/16"}).peer("hub", "spoke", {true, true, true});
    auto m = b.done();
    CHECK(gap_text(m, 0, 1, true).empty());
    CHECK(peering_connects(m, 0, 1, true));
  }
}

TEST_CASE("subnet_containing picks the longest matching prefix", "[routing]") {
  auto m = hub_and_spokes().done();
  CHECK(subnet_containing(m, ip("10.0.1.4")) == 0);
  CHECK(subnet_containing(m, ip("10.2.1.77")) == 2);
  CHECK(subnet_containing(m, ip("10.0.200.1")) == -1);
}

}  // namespace
}  // namespace exposim::testing
