// What the brute-force references of the tests share (tests/reference_solver_test.cpp for the internet,
// tests/reference_east_west_test.cpp for east-west): addresses as closed ranges decided without set algebra, the
// generated NSGs in a readable form, the literal reading of a rule's sides and ports, and a seeded random source.
// Nothing here calls the solver.
#pragma once

#include <algorithm>
#include <cstdint>
#include <random>
#include <string>
#include <vector>

#include <fmt/format.h>
#include <catch2/catch.hpp>

#include "model_builder.h"

namespace exposim::reference {

// ---------------------------------------------------------------------------------------------------------
// Addresses, decided without any set algebra: a block is one CIDR as a closed range of the unified space.

struct Block {
  bool v6{false};
  model::U128 lo{0};
  model::U128 hi{0};
  bool contains(const model::IpAddress& a) const {
    return (a.family() == model::IpFamily::kV6) == v6 && a.value >= lo && a.value <= hi;
  }
};

inline Block block_of(const std::string& text) {
  using model::U128;
  const auto p = model::IpPrefix::parse(text);
  REQUIRE(p.has_value());
  const int len = p->length;
  Block b;
  if (p->address.family() == model::IpFamily::kV4) {
    const std::uint32_t host = len == 0 ? 0xffffffffu : (len == 32 ? 0u : (0xffffffffu >> len));
    const std::uint32_t bits = p->address.v4_bits();
    b.lo = model::IpAddress::kV4Base | (bits & ~host);
    b.hi = model::IpAddress::kV4Base | (bits | host);
  } else {
    const U128 host = len == 0 ? ~U128{0} : (len == 128 ? U128{0} : (~U128{0} >> len));
    b.v6 = true;
    b.lo = p->address.value & ~host;
    b.hi = p->address.value | host;
  }
  return b;
}

inline model::IpAddress addr(const std::string& text) {
  const auto a = model::IpAddress::parse(text);
  REQUIRE(a.has_value());
  return *a;
}

/// Small deterministic picks (mt19937's output sequence is fixed by the standard; distributions are not).
struct Rng {
  std::mt19937 g;
  explicit Rng(std::uint32_t seed) : g(seed) {}
  int pick(int n) { return static_cast<int>(g() % static_cast<std::uint32_t>(n)); }
  bool chance(int one_in) { return pick(one_in) == 0; }
  template <typename T>
  const T& of(const std::vector<T>& v) {
    return v[pick(static_cast<int>(v.size()))];
  }
};

// ---------------------------------------------------------------------------------------------------------
// Generated NSGs, in the readable form the references interpret on their own. Address tokens: "*", a CIDR or an
// address, "Internet", "VirtualNetwork", "AzureLoadBalancer", "AzureCloud" (a tag whose ranges are not known) and
// "asg:<name>".

struct RuleGen {
  std::string name;
  int priority{0};
  model::Access access{model::Access::kDeny};
  model::ProtocolMask protocols{0};
  std::vector<std::string> sources, destinations, destination_ports, source_ports;
  model::Direction direction{model::Direction::kInbound};
};
struct NsgGen {
  std::string name;
  std::vector<RuleGen> rules;
};

inline const char* protocols_text(model::ProtocolMask p) {
  if (p == model::kAllProtocols) return "*";
  if (p == testing::tcp()) return "Tcp";
  if (p == testing::udp()) return "Udp";
  if (p == testing::icmp()) return "Icmp";
  return "?";
}

inline std::string reference_list(const std::vector<std::string>& v) {
  return "[" + fmt::format("{}", fmt::join(v, ",")) + "]";
}

inline std::string describe_rule(const RuleGen& r) {
  return fmt::format("{} {} prio {} {} {} src {} sport {} dst {} dport {}", r.name,
                     r.direction == model::Direction::kInbound ? "in" : "out", r.priority,
                     r.access == model::Access::kAllow ? "Allow" : "Deny", protocols_text(r.protocols),
                     reference_list(r.sources), reference_list(r.source_ports), reference_list(r.destinations),
                     reference_list(r.destination_ports));
}

/// Adds the generated NSGs to the builder (custom rules only: validation adds Azure's default rules).
inline void add_nsgs(testing::EstateBuilder& b, const std::vector<NsgGen>& nsgs) {
  for (const auto& g : nsgs) {
    std::vector<testing::RuleSpec> specs;
    for (const auto& r : g.rules) {
      testing::RuleSpec s{r.name, r.priority, r.access, r.protocols, r.sources, r.destination_ports};
      s.destinations = r.destinations;
      s.source_ports = r.source_ports;
      specs.push_back(s);
    }
    b.nsg(g.name, specs);
    for (std::size_t i = 0; i < g.rules.size(); ++i) b.m.nsgs.back().rules[i].direction = g.rules[i].direction;
  }
}

// ---------------------------------------------------------------------------------------------------------
// One side of a rule and its ports, read literally.

struct Side {
  bool any{false}, internet{false}, vnet{false}, platform{false}, unresolved{false};
  std::vector<Block> blocks;
  std::vector<std::string> asgs;
};

inline Side read_side(const std::vector<std::string>& tokens) {
  Side s;
  for (const auto& t : tokens) {
    if (t == "*")
      s.any = true;
    else if (t == "Internet")
      s.internet = true;
    else if (t == "VirtualNetwork")
      s.vnet = true;
    else if (t == "AzureLoadBalancer")
      s.platform = true;
    else if (t == "AzureCloud")
      s.unresolved = true;
    else if (t.rfind("asg:", 0) == 0)
      s.asgs.push_back(t.substr(4));
    else
      s.blocks.push_back(block_of(t));
  }
  return s;
}

struct PortRange {
  int lo, hi;
};

inline std::vector<PortRange> read_ports(const std::vector<std::string>& tokens) {
  std::vector<PortRange> out;
  for (const auto& t : tokens) {
    if (t == "*") return {{0, 65535}};
    const auto dash = t.find('-');
    if (dash == std::string::npos)
      out.push_back({std::stoi(t), std::stoi(t)});
    else
      out.push_back({std::stoi(t.substr(0, dash)), std::stoi(t.substr(dash + 1))});
  }
  return out;
}

inline bool in_ports(const std::vector<PortRange>& ranges, int port) {
  return std::any_of(ranges.begin(), ranges.end(), [port](const PortRange& r) { return port >= r.lo && port <= r.hi; });
}

}  // namespace exposim::reference
