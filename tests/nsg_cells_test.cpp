// NSG evaluation over elementary cells (solver/nsg_cells.h): a hand-worked case of interleaved allow and deny
// rules, and a differential test against the definition (evaluate_nsg_by_subtraction) on random NSGs and random
// arriving packet sets.
#include <catch2/catch.hpp>

#include <random>
#include <string>
#include <vector>

#include "model_builder.h"
#include "seeded_picks.h"
#include "solver/address_space.h"
#include "solver/nsg.h"
#include "solver/nsg_cells.h"
#include "test_scale.h"

namespace exposim {
namespace {

using model::IpSet;
using model::PortSet;
using solver::Cube;
using solver::PacketSet;
using namespace exposim::testing;

IpSet cells_set(const std::string& cidr) { return model::to_set(prefix(cidr)); }

model::U128 cells_ip(const std::string& text) { return model::IpAddress::parse(text)->value; }

solver::Packet cells_packet(const std::string& src, model::Protocol p, std::uint16_t dport) {
  return solver::Packet{cells_ip(src), cells_ip("10.0.1.4"), p, 40000, dport};
}

/// The name of the rule each decision names, in order.
std::vector<std::string> cells_rule_names(const model::NetworkSecurityGroup& nsg,
                                          const std::vector<solver::RuleDecision>& ds) {
  std::vector<std::string> out;
  for (const auto& d : ds) out.push_back(nsg.rules[static_cast<std::size_t>(d.rule)].name);
  return out;
}

}  // namespace

TEST_CASE("nsg cells: interleaved allow and deny over /24s decide as first match", "[solver][nsg]") {
  // 100 deny 20.0.0.0/24 tcp 22; 200 allow 20.0.0.0/22 tcp 22,80; 300 deny 20.0.1.0/24 any; 400 allow * tcp *.
  EstateBuilder b;
  b.vnet("v", {"10.0.0.0/16"})
      .nsg("nsg", {{"deny-a", 100, kDeny, tcp(), {"20.0.0.0/24"}, {"22"}},
                   {"allow-b", 200, kAllow, tcp(), {"20.0.0.0/22"}, {"22", "80"}},
                   {"deny-c", 300, kDeny, any_protocol(), {"20.0.1.0/24"}, {"*"}},
                   {"allow-d", 400, kAllow, tcp(), {"*"}, {"*"}}})
      .subnet("v", "s", "10.0.1.0/24", "nsg");
  const auto m = b.done();
  model::Diagnostics findings;
  const solver::AddressSpace space(m, findings);
  const solver::Destination dst{model::IpAddress::parse("10.0.1.4"), 0, nullptr};
  // Arriving: 20.0.0.0/22, TCP and UDP, every port.
  const PacketSet arriving(Cube{cells_set("20.0.0.0/22"), IpSet::all(), static_cast<model::ProtocolMask>(tcp() | udp()),
                                PortSet::all(), PortSet::all()});
  const auto& nsg = m.nsgs[0];
  const auto ds = solver::evaluate_nsg_cells(nsg, model::Direction::kInbound, arriving, dst, space);
  // TCP 22 from 20.0.0.0/24 denied at 100; TCP 22 and 80 from the rest of the /22 allowed at 200; everything else
  // from 20.0.1.0/24 denied at 300; TCP from 20.0.0.0/24, 20.0.2.0/23 on other ports allowed at 400; UDP from
  // outside 20.0.1.0/24 falls to DenyAllInBound (the NSG's default rule).
  REQUIRE(cells_rule_names(nsg, ds) ==
          std::vector<std::string>{"deny-a", "allow-b", "deny-c", "allow-d", "DenyAllInBound"});
  using P = model::Protocol;
  CHECK(ds[0].packets.contains(cells_packet("20.0.0.9", P::kTcp, 22)));
  CHECK_FALSE(ds[0].packets.contains(cells_packet("20.0.1.9", P::kTcp, 22)));
  CHECK(ds[1].packets.contains(cells_packet("20.0.1.9", P::kTcp, 22)));
  CHECK(ds[1].packets.contains(cells_packet("20.0.0.9", P::kTcp, 80)));
  CHECK(ds[1].packets.contains(cells_packet("20.0.3.255", P::kTcp, 80)));
  CHECK_FALSE(ds[1].packets.contains(cells_packet("20.0.1.9", P::kTcp, 81)));
  CHECK(ds[2].packets.contains(cells_packet("20.0.1.9", P::kTcp, 81)));
  CHECK(ds[2].packets.contains(cells_packet("20.0.1.9", P::kUdp, 22)));
  CHECK(ds[3].packets.contains(cells_packet("20.0.0.9", P::kTcp, 81)));
  CHECK(ds[3].packets.contains(cells_packet("20.0.2.9", P::kTcp, 443)));
  CHECK_FALSE(ds[3].packets.contains(cells_packet("20.0.1.9", P::kTcp, 443)));
  CHECK(ds[4].packets.contains(cells_packet("20.0.0.9", P::kUdp, 53)));
  CHECK_FALSE(ds[4].packets.contains(cells_packet("20.0.1.9", P::kUdp, 53)));
  // The decisions partition the arriving packets.
  PacketSet all;
  for (const auto& d : ds) {
    CHECK_FALSE(all.intersects(d.packets));
    all = all.unite(d.packets);
  }
  CHECK(all.same_packets(arriving));
}

TEST_CASE("nsg cells: ports do not constrain ICMP, source ports constrain TCP", "[solver][nsg]") {
  RuleSpec sport_rule{"allow-sport", 110, kAllow, tcp(), {"*"}, {"443"}};
  sport_rule.source_ports = {"1000-2000"};
  EstateBuilder b;
  b.vnet("v", {"10.0.0.0/16"})
      .nsg("nsg", {{"allow-any-8080", 100, kAllow, any_protocol(), {"Internet"}, {"8080"}}, sport_rule})
      .subnet("v", "s", "10.0.1.0/24", "nsg");
  const auto m = b.done();
  model::Diagnostics findings;
  const solver::AddressSpace space(m, findings);
  const solver::Destination dst{model::IpAddress::parse("10.0.1.4"), 0, nullptr};
  const auto ds = solver::evaluate_nsg_cells(m.nsgs[0], model::Direction::kInbound, PacketSet::all(), dst, space);
  // AllowAzureLoadBalancerInBound decides nothing: its source, 168.63.129.16, is part of the VirtualNetwork tag,
  // so AllowVnetInBound (65000) takes it first (docs/model.md, "The VirtualNetwork tag").
  REQUIRE(cells_rule_names(m.nsgs[0], ds) ==
          std::vector<std::string>{"allow-any-8080", "allow-sport", "AllowVnetInBound", "DenyAllInBound"});
  using P = model::Protocol;
  CHECK(ds[0].packets.contains(cells_packet("20.1.2.3", P::kIcmp, 0)));
  CHECK(ds[0].packets.contains(cells_packet("20.1.2.3", P::kUdp, 8080)));
  CHECK_FALSE(ds[0].packets.contains(cells_packet("20.1.2.3", P::kUdp, 8081)));
  CHECK(ds[1].packets.contains(solver::Packet{cells_ip("20.1.2.3"), cells_ip("10.0.1.4"), P::kTcp, 1500, 443}));
  CHECK_FALSE(ds[1].packets.contains(solver::Packet{cells_ip("20.1.2.3"), cells_ip("10.0.1.4"), P::kTcp, 999, 443}));
}

TEST_CASE("nsg cells: the same decisions as subtraction on random NSGs and arriving sets", "[solver][nsg][random]") {
  const std::vector<std::string> sources{"*",           "Internet",      "VirtualNetwork", "AzureLoadBalancer",
                                         "asg:a1",      "asg:a2",        "20.0.0.0/22",    "20.0.1.0/24",
                                         "20.0.2.0/25", "20.0.2.128/26", "20.0.3.7",       "10.0.1.0/24",
                                         "10.0.0.0/8",  "2a00::/16",     "0.0.0.0/0",      "AzureCloud"};
  const std::vector<std::string> destinations{"*", "10.0.1.4", "10.0.2.0/24", "asg:a1", "asg:a2", "VirtualNetwork"};
  const std::vector<std::vector<std::string>> port_choices{
      {"*"}, {"22"}, {"80-90"}, {"85"}, {"0-1023"}, {"1024-65535"}, {"22", "3389"}, {"80", "443", "8080-8090"}};
  const std::vector<model::ProtocolMask> protocol_choices{tcp(),
                                                          udp(),
                                                          icmp(),
                                                          any_protocol(),
                                                          static_cast<model::ProtocolMask>(tcp() | udp()),
                                                          model::bit(model::Protocol::kEsp)};
  const std::vector<std::string> arriving_sources{"20.0.0.0/22", "20.0.1.128/25", "10.0.0.0/16",
                                                  "2a00:1::/32", "20.0.3.0/24",   "0.0.0.0/1"};
  const int kRounds = exposim::test::rounds(400);
  for (int round = 0; round < kRounds; ++round) {
    SeededPicks r(static_cast<std::uint32_t>(round) * 7919u + 17u);
    std::vector<RuleSpec> specs;
    const std::uint32_t n = 1 + r.below(round % 10 == 0 ? 90 : 25);  // sometimes more than 64 rules
    std::vector<bool> used(4097, false);
    for (std::uint32_t i = 0; i < n; ++i) {
      int priority = 0;
      do priority = static_cast<int>(100 + r.below(3997));
      while (used[static_cast<std::size_t>(priority)]);
      used[static_cast<std::size_t>(priority)] = true;
      RuleSpec s{"r" + std::to_string(i),  priority, r.below(5) < 3 ? kAllow : kDeny,
                 r.pick(protocol_choices), {},       r.pick(port_choices)};
      const std::uint32_t k = 1 + r.below(3);
      for (std::uint32_t j = 0; j < k; ++j) s.sources.push_back(r.pick(sources));
      s.destinations = {r.pick(destinations)};
      if (r.below(6) == 0) s.source_ports = {"1000-2000"};
      specs.push_back(s);
    }
    EstateBuilder b;
    b.vnet("v", {"10.0.0.0/16"}).asg("a1").asg("a2").nsg("nsg", specs).subnet("v", "s", "10.0.1.0/24", "nsg");
    for (std::size_t i = 0; i < specs.size(); ++i) {
      if (r.below(5) == 0) b.m.nsgs[0].rules[i].direction = model::Direction::kOutbound;
    }
    b.vm("vm", "v", "s", "10.0.1.4", "", "",
         r.below(2) == 0 ? std::vector<std::string>{"a1"} : std::vector<std::string>{});
    const auto m = b.done();
    model::Diagnostics findings;
    const solver::AddressSpace space(m, findings);
    const auto& cfg = m.nics[0].ip_configurations[0];
    const solver::Destination dst{cfg.private_ip, 0, &cfg.asgs};

    PacketSet arriving;
    const std::uint32_t cubes = 1 + r.below(3);
    for (std::uint32_t c = 0; c < cubes; ++c) {
      IpSet src = r.below(4) == 0 ? IpSet::all() : cells_set(r.pick(arriving_sources));
      if (r.below(2) == 0) src = src.unite(cells_set(r.pick(arriving_sources)));
      const auto protocols = r.below(3) == 0 ? model::kAllProtocols : r.pick(protocol_choices);
      const PortSet dports = ports(r.pick(port_choices));
      const PortSet sports = r.below(4) == 0 ? ports({"1500-3000"}) : PortSet::all();
      arriving = arriving.unite(PacketSet(Cube{src, IpSet::all(), protocols, sports, dports}));
    }
    for (const auto direction : {model::Direction::kInbound, model::Direction::kOutbound}) {
      const auto got = solver::evaluate_nsg_cells(m.nsgs[0], direction, arriving, dst, space);
      const auto want = solver::evaluate_nsg_by_subtraction(m.nsgs[0], direction, arriving, dst, space);
      const auto chosen = solver::evaluate_nsg(m.nsgs[0], direction, arriving, dst, space);  // either way
      INFO("round " << round << ", " << n << " rules, direction " << static_cast<int>(direction));
      REQUIRE(got.size() == want.size());
      for (std::size_t i = 0; i < got.size(); ++i) {
        CHECK(got[i].rule == want[i].rule);
        CHECK(got[i].access == want[i].access);
        CHECK(got[i].packets.same_packets(want[i].packets));
      }
      REQUIRE(chosen.size() == want.size());
      for (std::size_t i = 0; i < chosen.size(); ++i) {
        CHECK(chosen[i].rule == want[i].rule);
        CHECK(chosen[i].packets.same_packets(want[i].packets));
      }
    }
  }
}

TEST_CASE("nsg cells: an evaluation past its work budget throws before the work and the same decisions under it",
          "[solver][nsg][security]") {
  // The NSG of the first case, with the defaults AllowVnetInBound, AllowAzureLoadBalancerInBound, DenyAllInBound:
  // 7 rules, one word of rule bits. Arriving: 20.0.0.0/22, TCP and UDP, every port.
  EstateBuilder b;
  b.vnet("v", {"10.0.0.0/16"})
      .nsg("nsg", {{"deny-a", 100, kDeny, tcp(), {"20.0.0.0/24"}, {"22"}},
                   {"allow-b", 200, kAllow, tcp(), {"20.0.0.0/22"}, {"22", "80"}},
                   {"deny-c", 300, kDeny, any_protocol(), {"20.0.1.0/24"}, {"*"}},
                   {"allow-d", 400, kAllow, tcp(), {"*"}, {"*"}}})
      .subnet("v", "s", "10.0.1.0/24", "nsg");
  const auto m = b.done();
  model::Diagnostics findings;
  const solver::AddressSpace space(m, findings);
  const solver::Destination dst{model::IpAddress::parse("10.0.1.4"), 0, nullptr};
  const PacketSet arriving(Cube{cells_set("20.0.0.0/22"), IpSet::all(), static_cast<model::ProtocolMask>(tcp() | udp()),
                                PortSet::all(), PortSet::all()});
  // Worked out by hand. Source classes: 20.0.0.0/24 {a, b, d, DenyAll}, 20.0.1.0/24 {b, c, d, DenyAll},
  // 20.0.2.0/23 {b, d, DenyAll} (3 classes, 3 atoms); source ports: 1 class; destination ports: {22}, {80} and the
  // rest (3 classes). The cells: 2 ported protocols x 1 x 3 x 3 source classes x 1 word = 18 units. Their columns:
  // TCP 22 (a, b, b), TCP 80 (b, b, b), TCP other (d, c, d), UDP any port (DenyAll, c, DenyAll): 4 groups, each
  // placing the 3 source atoms, 12 units. 30 in all.
  const std::vector<const PacketSet*> arrivings{&arriving};
  const auto unbounded = solver::evaluate_nsg_cells_each(m.nsgs[0], model::Direction::kInbound, arrivings, dst, space);
  const auto at_budget =
      solver::evaluate_nsg_cells_each(m.nsgs[0], model::Direction::kInbound, arrivings, dst, space, nullptr, 30);
  REQUIRE(at_budget.size() == 1);
  REQUIRE(cells_rule_names(m.nsgs[0], at_budget[0]) ==
          std::vector<std::string>{"deny-a", "allow-b", "deny-c", "allow-d", "DenyAllInBound"});
  REQUIRE(at_budget[0].size() == unbounded[0].size());
  for (std::size_t i = 0; i < at_budget[0].size(); ++i) {
    CHECK(at_budget[0][i].rule == unbounded[0][i].rule);
    CHECK(at_budget[0][i].packets.cubes() == unbounded[0][i].packets.cubes());
  }
  CHECK_THROWS_MATCHES(
      solver::evaluate_nsg_cells_each(m.nsgs[0], model::Direction::kInbound, arrivings, dst, space, nullptr, 29),
      solver::WorkBudgetExceeded,
      Catch::Message("evaluating NSG 'nsg' for 10.0.1.4 needs more than 29 work units (its rules cut the packets "
                     "into too many cells); the evaluation is not done"));
  // 18 units are charged before the first cell is decided: a budget of 17 stops there.
  CHECK_THROWS_AS(
      solver::evaluate_nsg_cells_each(m.nsgs[0], model::Direction::kInbound, arrivings, dst, space, nullptr, 17),
      solver::WorkBudgetExceeded);
}

}  // namespace exposim

namespace exposim {
namespace {

/// 40 rules, allow and deny alternating: rule i from 20.0.i.0/24 and 20.0.(i+1).0/24 to TCP ports 10i+1 to 10i+50, so
/// that sources and port windows overlap their neighbours' and subtracting rule by rule fragments what is left.
model::Model cells_staggered_estate() {
  std::vector<RuleSpec> specs;
  for (int i = 0; i < 40; ++i) {
    specs.push_back(RuleSpec{"r" + std::to_string(i),
                             100 + i,
                             i % 2 == 0 ? kAllow : kDeny,
                             tcp(),
                             {"20.0." + std::to_string(i) + ".0/24", "20.0." + std::to_string(i + 1) + ".0/24"},
                             {std::to_string(10 * i + 1) + "-" + std::to_string(10 * i + 50)}});
  }
  EstateBuilder b;
  b.vnet("v", {"10.0.0.0/16"}).nsg("nsg", specs).subnet("v", "s", "10.0.1.0/24", "nsg");
  return b.done();
}

PacketSet cells_allowed(const std::vector<solver::RuleDecision>& ds) {
  PacketSet out;
  for (const auto& d : ds) {
    if (d.access == model::Access::kAllow) out = out.unite(d.packets);
  }
  return out;
}

}  // namespace

TEST_CASE("nsg cells: past its work budget analyze's evaluation admits every arriving packet and explain's throws",
          "[solver][nsg][security]") {
  const auto m = cells_staggered_estate();
  model::Diagnostics findings;
  const solver::AddressSpace space(m, findings);
  const solver::Destination dst{model::IpAddress::parse("10.0.1.4"), 0, nullptr};
  const auto& nsg = m.nsgs[0];
  const auto in = model::Direction::kInbound;
  const PacketSet arriving(Cube{cells_set("20.0.0.0/16"), IpSet::all(), static_cast<model::ProtocolMask>(tcp() | udp()),
                                PortSet::all(), PortSet::all()});
  // Exact under the default budget, either way.
  const auto exact = solver::evaluate_nsg(nsg, in, arriving, dst, space);
  const auto bounded = solver::evaluate_nsg(nsg, in, arriving, dst, space, nullptr, solver::PastBudget::kAdmitAll);
  const auto reference = solver::evaluate_nsg_by_subtraction(nsg, in, arriving, dst, space);
  REQUIRE(bounded.size() == reference.size());
  for (std::size_t i = 0; i < bounded.size(); ++i) {
    CHECK(bounded[i].rule == reference[i].rule);
    CHECK(bounded[i].packets.same_packets(reference[i].packets));
  }
  // A budget of one unit: the subtraction gave up (more than 24 cubes left), so the cells are charged and refused.
  CHECK_THROWS_AS(solver::evaluate_nsg(nsg, in, arriving, dst, space, nullptr, solver::PastBudget::kThrow, 1),
                  solver::WorkBudgetExceeded);
  const auto over = solver::evaluate_nsg(nsg, in, arriving, dst, space, nullptr, solver::PastBudget::kAdmitAll, 1);
  REQUIRE(over.size() == 1);
  CHECK(over[0].rule == solver::kNsgOverApproximated);
  CHECK(over[0].access == model::Access::kAllow);
  CHECK(over[0].packets.same_packets(arriving));
  // The over-approximation holds the exact answer, and more. From 20.0.1.7 (in the sources of r0 and r1): TCP 11 is
  // admitted by r0 (ports 1-50) before r1 (11-60) denies it; TCP 60 is denied by r1, and UDP, which no rule names,
  // by DenyAllInBound; the over-approximation admits both.
  const PacketSet allowed = cells_allowed(exact);
  CHECK(over[0].packets.intersect(allowed).same_packets(allowed));
  CHECK(allowed.contains(cells_packet("20.0.1.7", model::Protocol::kTcp, 11)));
  CHECK_FALSE(allowed.contains(cells_packet("20.0.1.7", model::Protocol::kTcp, 60)));
  CHECK(over[0].packets.contains(cells_packet("20.0.1.7", model::Protocol::kTcp, 60)));
  CHECK_FALSE(allowed.contains(cells_packet("20.0.1.7", model::Protocol::kUdp, 11)));
  CHECK(over[0].packets.contains(cells_packet("20.0.1.7", model::Protocol::kUdp, 11)));

  // Several arriving sets at once (the NIC's NSG after the subnet's shares): the one that fragments is admitted
  // whole, one packet (never fragmented: decided by subtraction) exactly.
  const PacketSet one(Cube{cells_set("20.0.1.7/32"), IpSet::all(), tcp(), PortSet::all(), ports({"60"})});
  const solver::NsgSlot slot{solver::NsgSlot::State::kPresent, 0};
  const auto each = solver::decide_inbound_each(m, slot, {&arriving, &one}, dst, space, nullptr, 1);
  REQUIRE(each.size() == 2);
  REQUIRE(each[0].size() == 1);
  CHECK(each[0][0].rule == solver::kNsgOverApproximated);
  CHECK(each[0][0].packets.same_packets(arriving));
  CHECK(cells_rule_names(nsg, each[1]) == std::vector<std::string>{"r1"});
  CHECK(each[1][0].access == model::Access::kDeny);
  // Under the default budget, both exactly.
  const auto both = solver::decide_inbound_each(m, slot, {&arriving, &one}, dst, space);
  REQUIRE(both[0].size() == reference.size());
  for (std::size_t i = 0; i < both[0].size(); ++i) CHECK(both[0][i].packets.same_packets(reference[i].packets));
}

}  // namespace exposim

namespace exposim {

// [scale]: Release only. Under the sanitizers this one case took 40 s of CI's sanitized run; the cells code it drives
// is the same as the random NSGs' above, which the sanitized run keeps (tests/CMakeLists.txt).
TEST_CASE("nsg cells: 1000 rules with 4000 sources of their own are decided exactly within the work budget",
          "[solver][nsg][security][scale]") {
  // Azure's maxima: 1,000 rules, 4,000 source prefixes per NSG. Rule i: allow when i is even, any protocol, from four
  // /24s of its own (20.0.0.0/24 on: /24 number 4i to 4i+3), source ports i+1024 to i+3023, destination ports i+1 to
  // i+1000. The windows overlap in steps of one port: the whole product would test about 4,000 source classes x
  // 2,000 x 2,000 port classes x 2 ported protocols x 16 words, 5 x 10^11 units. Each source class is in one rule and
  // DenyAllInBound, so class by class its cells are 3 x 3 per ported protocol.
  std::vector<RuleSpec> specs;
  auto slash24 = [](int k) { return "20." + std::to_string(k / 256) + "." + std::to_string(k % 256) + ".0/24"; };
  for (int i = 0; i < 1000; ++i) {
    RuleSpec s{"r" + std::to_string(i),
               100 + i,
               i % 2 == 0 ? kAllow : kDeny,
               any_protocol(),
               {slash24(4 * i), slash24(4 * i + 1), slash24(4 * i + 2), slash24(4 * i + 3)},
               {std::to_string(i + 1) + "-" + std::to_string(i + 1000)}};
    s.source_ports = {std::to_string(i + 1024) + "-" + std::to_string(i + 3023)};
    specs.push_back(std::move(s));
  }
  EstateBuilder b;
  b.vnet("v", {"10.0.0.0/16"}).nsg("nsg", specs).subnet("v", "s", "10.0.1.0/24", "nsg");
  const auto m = b.done();
  model::Diagnostics findings;
  const solver::AddressSpace space(m, findings);
  const solver::Destination dst{model::IpAddress::parse("10.0.1.4"), 0, nullptr};
  const PacketSet arriving(
      Cube{cells_set("20.0.0.0/8"), IpSet::all(), model::kAllProtocols, PortSet::all(), PortSet::all()});
  std::uint64_t spent = 0;
  const auto got = solver::evaluate_nsg_cells_each(m.nsgs[0], model::Direction::kInbound, {&arriving}, dst, space,
                                                   nullptr, solver::kNsgWorkBudget, &spent);
  INFO("work units spent: " << spent);
  // Per class at most 2 ported protocols x 3 x 3 cells and 4 unported x 1, plus its 2 rules and its groups: a few
  // tens of units for each of the 4,001 classes (the /24s and the rest of 20.0.0.0/8).
  CHECK(spent < 1'000'000);
  REQUIRE(got.size() == 1);
  // Sampled packets, decided by hand: from a /24 of rule i, a packet is rule i's when its ports are in rule i's
  // windows (or it has no ports), else DenyAllInBound's.
  auto decided_by = [&](const solver::Packet& p) {
    for (const auto& d : got[0]) {
      if (d.packets.contains(p)) return m.nsgs[0].rules[static_cast<std::size_t>(d.rule)].name;
    }
    return std::string("undecided");
  };
  for (const int i : {0, 1, 2, 377, 998, 999}) {
    const std::string own = "r" + std::to_string(i);
    const model::U128 src = cells_ip("20.0.0.7") + static_cast<model::U128>(256 * (4 * i + i % 4));
    auto packet = [&](model::Protocol p, int sport, int dport) {
      return solver::Packet{src, cells_ip("10.0.1.4"), p, static_cast<std::uint16_t>(sport),
                            static_cast<std::uint16_t>(dport)};
    };
    INFO("rule " << i);
    CHECK(decided_by(packet(model::Protocol::kTcp, i + 1024, i + 1)) == own);
    CHECK(decided_by(packet(model::Protocol::kUdp, i + 3023, i + 1000)) == own);
    CHECK(decided_by(packet(model::Protocol::kIcmp, 0, 0)) == own);
    CHECK(decided_by(packet(model::Protocol::kTcp, i + 1023, i + 1)) == "DenyAllInBound");
    CHECK(decided_by(packet(model::Protocol::kTcp, i + 1024, i + 1001)) == "DenyAllInBound");
    CHECK(decided_by(packet(model::Protocol::kUdp, i + 3024, i + 500)) == "DenyAllInBound");
  }
  // Outside every rule's sources: DenyAllInBound.
  CHECK(decided_by(cells_packet("20.200.0.1", model::Protocol::kTcp, 80)) == "DenyAllInBound");
  // The decisions partition the arriving packets.
  PacketSet all;
  for (const auto& d : got[0]) all = all.unite(d.packets);
  CHECK(all.same_packets(arriving));
}

}  // namespace exposim
