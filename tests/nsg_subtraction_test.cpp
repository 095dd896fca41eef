// The NSG subtraction (evaluate_nsg_by_subtraction, and evaluate_nsg while the undecided rest stays a few cubes)
// against its definition written with the packet-set operations: each rule that meets the undecided rest takes
// rest.intersect(match) and leaves rest.subtract(match), match = source_match(rule). Not only the same packets: the
// same cubes in the same order, since how many cubes the rest holds decides when analyze turns to the cells
// (solver/nsg_cells.h), and so must not change with how the subtraction is computed.
#include <catch2/catch.hpp>

#include <algorithm>
#include <random>
#include <string>
#include <vector>

#include "model_builder.h"
#include "seeded_picks.h"
#include "solver/address_space.h"
#include "solver/nsg.h"
#include "solver/nsg_sources.h"
#include "test_scale.h"

namespace exposim {
namespace {

using model::IpSet;
using model::PortSet;
using solver::Cube;
using solver::PacketSet;
using namespace exposim::testing;

/// The decisions by the definition, with PacketSet's own operations; `largest`: the most cubes the undecided rest held.
std::vector<solver::RuleDecision> subtraction_by_definition(const model::NetworkSecurityGroup& nsg,
                                                            model::Direction direction, const PacketSet& arriving,
                                                            const solver::Destination& dst,
                                                            const solver::AddressSpace& space, std::size_t& largest) {
  std::vector<solver::RuleDecision> out;
  PacketSet remaining = arriving;
  for (std::size_t i = 0; i < nsg.rules.size() && !remaining.empty(); ++i) {
    const auto& rule = nsg.rules[i];
    if (rule.direction != direction || !solver::destination_matches(rule, dst, space)) continue;
    const PacketSet match = solver::source_match(rule, dst.subnet, space);
    if (!remaining.intersects(match)) continue;
    PacketSet taken = remaining.intersect(match);
    remaining = remaining.subtract(match);
    largest = std::max(largest, remaining.cubes().size());
    out.push_back(solver::RuleDecision{static_cast<int>(i), rule.access, std::move(taken)});
  }
  return out;
}

void subtraction_same_cubes(const std::vector<solver::RuleDecision>& got,
                            const std::vector<solver::RuleDecision>& want) {
  REQUIRE(got.size() == want.size());
  for (std::size_t i = 0; i < got.size(); ++i) {
    CHECK(got[i].rule == want[i].rule);
    CHECK(got[i].access == want[i].access);
    CHECK(got[i].packets.cubes() == want[i].packets.cubes());
  }
}

}  // namespace

TEST_CASE("nsg subtraction: each rule takes and leaves the cubes of the packet-set definition on random NSGs",
          "[solver][nsg][random]") {
  // Interleaved allow and deny rules over small public prefixes, every protocol choice (a `*` rule with ports is two
  // cubes, with every port one), source ports sometimes.
  const std::vector<std::string> sources{"*",           "Internet",    "VirtualNetwork", "20.0.0.0/22", "20.0.1.0/24",
                                         "20.0.2.0/25", "20.0.3.7",    "52.0.0.0/8",     "10.0.0.0/8",  "asg:a1",
                                         "2a00::/16",   "20.0.0.0/16", "AzureCloud"};
  const std::vector<std::vector<std::string>> port_choices{
      {"*"}, {"22"}, {"80-90"}, {"85"}, {"1024-65535"}, {"22", "3389"}, {"80", "443", "8080-8090"}};
  const std::vector<model::ProtocolMask> protocol_choices{
      tcp(),
      udp(),
      icmp(),
      any_protocol(),
      static_cast<model::ProtocolMask>(tcp() | udp()),
      static_cast<model::ProtocolMask>(icmp() | model::bit(model::Protocol::kEsp))};
  const std::vector<std::string> arriving_sources{"20.0.0.0/21", "20.0.1.128/25", "52.1.0.0/16", "0.0.0.0/1",
                                                  "2a00:1::/32"};
  std::size_t decisions = 0;
  std::size_t two_cube_rules = 0;
  const int kRounds = exposim::test::rounds(300);
  for (int round = 0; round < kRounds; ++round) {
    SeededPicks r(static_cast<std::uint32_t>(round) * 6007u + 5u);
    std::vector<RuleSpec> specs;
    const std::uint32_t n = 1 + r.below(40);
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
      if (r.below(6) == 0) s.source_ports = {"1000-2000"};
      specs.push_back(s);
    }
    EstateBuilder b;
    b.vnet("v", {"10.0.0.0/16"}).asg("a1").nsg("nsg", specs).subnet("v", "s", "10.0.1.0/24", "nsg");
    b.vm("vm", "v", "s", "10.0.1.4", "", "", {"a1"});
    const auto m = b.done();
    model::Diagnostics findings;
    const solver::AddressSpace space(m, findings);
    const auto& cfg = m.nics[0].ip_configurations[0];
    const solver::Destination dst{cfg.private_ip, 0, &cfg.asgs};
    for (const auto& rule : m.nsgs[0].rules) {
      two_cube_rules += solver::source_match(rule, 0, space).cubes().size() == 2 ? 1 : 0;
    }

    PacketSet arriving;
    const std::uint32_t cubes = 1 + r.below(4);
    for (std::uint32_t c = 0; c < cubes; ++c) {
      IpSet src = r.below(4) == 0 ? IpSet::all() : model::to_set(prefix(r.pick(arriving_sources)));
      const auto protocols = r.below(3) == 0 ? model::kAllProtocols : r.pick(protocol_choices);
      const PortSet sports = r.below(4) == 0 ? ports({"1500-3000"}) : PortSet::all();
      arriving = arriving.unite(PacketSet(Cube{src, IpSet::all(), protocols, sports, ports(r.pick(port_choices))}));
    }
    std::size_t largest = 0;
    const auto want = subtraction_by_definition(m.nsgs[0], model::Direction::kInbound, arriving, dst, space, largest);
    decisions += want.size();
    INFO("round " << round << ", " << n << " rules");
    subtraction_same_cubes(
        solver::evaluate_nsg_by_subtraction(m.nsgs[0], model::Direction::kInbound, arriving, dst, space), want);
    // With the rules' sources resolved beforehand (analyze's way), the same cubes; and evaluate_nsg's subtraction,
    // when the rest stays under its budget, is this one.
    const solver::RuleSources resolved = solver::resolve_rule_sources(m.nsgs[0], model::Direction::kInbound, 0, space);
    const auto chosen = solver::evaluate_nsg(m.nsgs[0], model::Direction::kInbound, arriving, dst, space, &resolved);
    if (largest <= 24) subtraction_same_cubes(chosen, want);  // nsg.cpp's kNsgSubtractionCubeBudget
  }
  // The rounds decide something, and rules of two cubes (a `*` protocol with ports) are among them.
  CHECK(decisions > static_cast<std::size_t>(kRounds) * 2);
  CHECK(two_cube_rules > static_cast<std::size_t>(kRounds));
}

}  // namespace exposim
