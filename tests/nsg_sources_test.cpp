// The shared NSG work of analyze (solver/nsg_sources.h and the subnet stages of solver/exposure.cpp): rule sources
// resolved once per (NSG, VirtualNetwork context), and the same exposures, byte for byte, with and without the
// sharing on random estates of the fragmented shape (interleaved allow and deny rules over lists of public /24s,
// ASGs, port lists, NIC NSGs, peered VNets).
#include <catch2/catch.hpp>

#include <random>
#include <sstream>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "cli/analyze_report.h"
#include "model_builder.h"
#include "seeded_picks.h"
#include "solver/address_space.h"
#include "solver/exposure.h"
#include "solver/nsg.h"
#include "solver/nsg_sources.h"
#include "test_scale.h"

namespace exposim {
namespace {

using namespace exposim::testing;

/// A random estate of the fragmented shape: `vnets` VNets 10.<v>.0.0/16 peered in a chain, each with three subnets
/// whose NSGs come from a pool, NICs with public IPs (Standard or Basic), ASGs and sometimes NSGs of their own.
model::Model sources_fragmented_estate(std::uint32_t seed, model::Diagnostics& diags) {
  SeededPicks r(seed);
  const std::vector<std::vector<std::string>> port_choices{{"22"},
                                                           {"3389"},
                                                           {"80"},
                                                           {"443"},
                                                           {"8080-8090"},
                                                           {"1024-65535"},
                                                           {"*"},
                                                           {"5985-5986"},
                                                           {"53"},
                                                           {"1433"},
                                                           {"22", "3389"},
                                                           {"80", "443", "8080-8090"},
                                                           {"53", "1433", "3306", "6379"}};
  const std::vector<model::ProtocolMask> protocol_choices{tcp(), udp(), any_protocol()};
  EstateBuilder b;
  const int vnets = 2 + static_cast<int>(r.below(2));
  const int asgs = 3;
  for (int a = 0; a < asgs; ++a) b.asg(fmt::format("asg{}", a));
  const int pool = 3 + static_cast<int>(r.below(4));
  for (int n = 0; n < pool; ++n) {
    std::vector<RuleSpec> specs;
    std::vector<bool> used(4097, false);
    const std::uint32_t count = 8 + r.below(24);
    for (std::uint32_t i = 0; i < count; ++i) {
      int priority = 0;
      do priority = static_cast<int>(100 + r.below(3997));
      while (used[static_cast<std::size_t>(priority)]);
      used[static_cast<std::size_t>(priority)] = true;
      RuleSpec s{fmt::format("r{}", i),    priority, r.below(5) < 3 ? kAllow : kDeny,
                 r.pick(protocol_choices), {},       r.pick(port_choices)};
      const std::uint32_t kind = r.below(20);
      if (kind < 3) {
        s.sources = {r.below(2) == 0 ? "*" : "Internet"};
      } else if (kind < 6) {
        s.sources = {"VirtualNetwork"};
      } else if (kind < 12) {  // a list of random public /24s, within a few /16s so that rules overlap
        const std::uint32_t k = 1 + r.below(5);
        for (std::uint32_t j = 0; j < k; ++j) {
          s.sources.push_back(
              fmt::format("{}.{}.{}.0/24", r.pick(std::vector<int>{20, 52, 104}), r.below(3), r.below(8)));
        }
      } else if (kind < 16) {
        s.sources = {fmt::format("10.{}.{}.0/24", r.below(4), r.below(4))};
      } else {
        s.sources = {fmt::format("asg:asg{}", r.below(asgs))};
      }
      if (r.below(5) == 0) s.destinations = {fmt::format("asg:asg{}", r.below(asgs))};
      specs.push_back(s);
    }
    b.nsg(fmt::format("nsg{}", n), specs);
  }
  int nic = 0;
  for (int v = 0; v < vnets; ++v) {
    const std::string vnet = fmt::format("v{}", v);
    b.vnet(vnet, {fmt::format("10.{}.0.0/16", v)});
    if (v > 0) b.peer(fmt::format("v{}", v - 1), vnet);
    for (int s = 0; s < 3; ++s) {
      const std::string subnet = fmt::format("s{}", s);
      b.subnet(vnet, subnet, fmt::format("10.{}.{}.0/24", v, s),
               r.below(6) == 0 ? "" : fmt::format("nsg{}", r.below(static_cast<std::uint32_t>(pool))));
      const int nics = 2 + static_cast<int>(r.below(5));
      for (int k = 0; k < nics; ++k, ++nic) {
        const std::string pip = fmt::format("pip{}", nic);
        b.public_ip(pip, fmt::format("40.0.{}.{}", nic / 200, 1 + nic % 200),
                    r.below(10) < 7 ? model::Sku::kStandard : model::Sku::kBasic);
        std::vector<std::string> member;
        if (r.below(3) == 0) member.push_back(fmt::format("asg{}", r.below(asgs)));
        b.vm(fmt::format("vm{}", nic), vnet, subnet, fmt::format("10.{}.{}.{}", v, s, 4 + k), pip,
             r.below(4) == 0 ? fmt::format("nsg{}", r.below(static_cast<std::uint32_t>(pool))) : "", member);
      }
    }
  }
  return b.done(&diags);
}

std::string sources_analysis_json(const model::Model& m, bool share, int jobs, std::size_t* exposures = nullptr,
                                  std::size_t* evaluations = nullptr) {
  solver::AnalyzeOptions options;
  options.share_nsg_work = share;
  options.jobs = jobs;
  const solver::Analysis a = solver::analyze(m, options);
  if (exposures != nullptr) *exposures += a.exposures.size();
  if (evaluations != nullptr) *evaluations += a.distinct_evaluations;
  std::ostringstream json;
  cli::write_json(json, m, a, a.findings.sorted());
  return json.str();
}

}  // namespace

TEST_CASE("nsg sources: each rule's sources as resolve_addresses gives them, shared by the subnets of a VNet",
          "[solver][nsg]") {
  // v0 10.0.0.0/16 peered with v1 10.1.0.0/16: the VirtualNetwork tag of both is 10.0.0.0/15 (and the platform
  // address); v2 10.2.0.0/16, alone, sees 10.2.0.0/16.
  EstateBuilder b;
  b.vnet("v0", {"10.0.0.0/16"})
      .vnet("v1", {"10.1.0.0/16"})
      .vnet("v2", {"10.2.0.0/16"})
      .peer("v0", "v1")
      .asg("a1")
      .nsg("nsg", {{"vnet", 100, kAllow, tcp(), {"VirtualNetwork"}, {"22"}},
                   {"list", 200, kDeny, tcp(), {"20.0.0.0/24", "20.0.2.0/24"}, {"*"}},
                   {"asg", 300, kAllow, tcp(), {"asg:a1"}, {"80"}},
                   {"asg-in", 400, kDeny, tcp(), {"asg:a1"}, {"443"}},
                   {"internet", 500, kAllow, udp(), {"Internet"}, {"53"}}})
      .subnet("v0", "s0", "10.0.0.0/24", "nsg")
      .subnet("v0", "s1", "10.0.1.0/24", "nsg")
      .subnet("v1", "s0", "10.1.0.0/24", "nsg")
      .subnet("v2", "s0", "10.2.0.0/24", "nsg")
      .vm("vm", "v0", "s1", "10.0.1.4", "", "", {"a1"});
  b.m.nsgs[0].rules[2].direction = model::Direction::kOutbound;
  const auto m = b.done();
  model::Diagnostics findings;
  const solver::AddressSpace space(m, findings);
  solver::NsgSourceCache cache(m, space);
  CHECK(cache.find(0, 0) == nullptr);
  // A subnet's class of equal tags is found when a prepare() first wants the subnet: until then its NSGs' sources
  // are not found, though another subnet of its class has them.
  cache.prepare({{0, 0}}, 1);
  const std::size_t one = cache.intervals();
  CHECK(cache.find(0, 0) != nullptr);
  CHECK(cache.find(0, 1) == nullptr);
  cache.prepare({{0, 0}, {0, 1}, {0, 2}, {0, 3}, {0, 0}}, 2);
  const solver::RuleSources* s0 = cache.find(0, 0);
  REQUIRE(s0 != nullptr);
  CHECK(cache.find(0, 1) == s0);  // the same VNet, the same tag
  CHECK(cache.find(0, 2) == s0);  // the peer sees the same tag (both spaces)
  const solver::RuleSources* v2 = cache.find(0, 3);
  REQUIRE(v2 != nullptr);
  CHECK(v2 != s0);
  REQUIRE(s0->size() == 11);  // five custom rules and the six defaults that validation adds (it sorts them)
  const auto at = [&m](const char* name) {
    std::size_t i = 0;
    while (i < m.nsgs[0].rules.size() && m.nsgs[0].rules[i].name != name) ++i;
    REQUIRE(i < m.nsgs[0].rules.size());
    return i;
  };
  const auto ip = [](const char* text) { return model::IpAddress::parse(text)->value; };
  CHECK((*s0)[at("vnet")].contains(ip("10.1.200.1")));
  CHECK_FALSE((*s0)[at("vnet")].contains(ip("10.2.0.1")));
  CHECK((*v2)[at("vnet")].contains(ip("10.2.0.1")));
  CHECK_FALSE((*v2)[at("vnet")].contains(ip("10.0.0.1")));
  CHECK((*s0)[at("list")] == model::to_set(prefix("20.0.0.0/24")).unite(model::to_set(prefix("20.0.2.0/24"))));
  CHECK((*s0)[at("asg")].empty());  // outbound: not resolved for inbound evaluations
  // One ASG alone, the Internet tag alone: the address space's own sets, not copies.
  CHECK(&(*s0)[at("asg-in")] == &space.asg_members(0));
  CHECK((*s0)[at("asg-in")].contains(ip("10.0.1.4")));
  CHECK(&(*s0)[at("internet")] == &space.internet());
  for (int subnet = 0; subnet < 4; ++subnet) {
    const auto* got = cache.find(0, subnet);
    for (std::size_t i = 0; i < m.nsgs[0].rules.size(); ++i) {
      const auto& rule = m.nsgs[0].rules[i];
      if (rule.direction != model::Direction::kInbound) continue;
      CHECK((*got)[i] == solver::resolve_addresses(rule.source, rule.access, subnet, space));
    }
  }
  // Copies, in each of the two contexts: rule 1's two /24s (two intervals), and the defaults
  // AllowAzureLoadBalancerInBound (168.63.129.16) and DenyAllInBound (everything), one interval each. The
  // VirtualNetwork tag alone (rule 0, AllowVnetInBound) is the address space's set.
  CHECK(&(*s0)[at("vnet")] == &space.virtual_network(0));
  CHECK(cache.intervals() == 8);
  CHECK(one == 4);  // v0's context alone: subnets 1 and 2 resolved nothing again
  cache.clear();
  CHECK(cache.find(0, 0) == nullptr);
  CHECK(cache.intervals() == 0);
}

TEST_CASE("nsg sources: the same analysis with and without shared NSG work on random fragmented estates",
          "[solver][nsg][random]") {
  std::size_t exposures = 0;
  std::size_t evaluations = 0;
  const int kRounds = exposim::test::rounds(60);
  for (int round = 0; round < kRounds; ++round) {
    const std::uint32_t seed = static_cast<std::uint32_t>(round) * 104729u + 11u;
    CAPTURE(seed);
    model::Diagnostics diags;
    const model::Model m = sources_fragmented_estate(seed, diags);
    REQUIRE_FALSE(diags.has_errors());
    const std::string alone = sources_analysis_json(m, false, 1, &exposures, &evaluations);
    CHECK(sources_analysis_json(m, true, 1) == alone);
    CHECK(sources_analysis_json(m, true, 2) == alone);
  }
  // The estates must expose something and share work: several evaluations per round.
  CHECK(exposures > static_cast<std::size_t>(kRounds) * 5);
  CHECK(evaluations > static_cast<std::size_t>(kRounds) * 5);
}

}  // namespace exposim
