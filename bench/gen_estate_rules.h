// The NSG rules exposim_gen_estate writes: what a rule is (RuleSpec) and how the default and the fragmented profiles
// draw them (make_rule, make_fragmented_rule). Apart from bench/gen_estate.cpp, which writes them as JSON.
#pragma once

#include <algorithm>
#include <array>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include <fmt/format.h>

#include "bench/gen_estate_plan.h"

namespace exposim::bench {

/// One side of a rule: one prefix or tag goes to the singular field, several to the plural one.
struct RuleSide {
  std::vector<std::string> prefixes;
  std::vector<std::string> asgs;  // ids
};

struct RuleSpec {
  std::string name;
  bool inbound{true};
  bool allow{true};
  std::string_view protocol{"Tcp"};
  RuleSide source;
  RuleSide destination;
  std::vector<std::string> ports{"*"};  // destination ports; the source port is always "*"
};

/// Everything a rule may name, seen from the NSG's VNet.
class RuleContext {
 public:
  RuleContext(const Estate& e, std::uint32_t nsg) : e_(e), v_(e.nsg_owner[nsg]), vp_(e.vnets[v_]) {}

  std::string subnet_cidr(Rng& r) const {
    return e_.subnet_v4(vp_.first_subnet + r.below(std::max<std::uint32_t>(1, vp_.subnet_count)));
  }
  std::string subnet_v6(Rng& r) const { return e_.subnet_v6(vp_.first_subnet + r.below(vp_.subnet_count)); }
  std::string nic_ip(Rng& r) const { return e_.nic_v4(vp_.first_nic + r.below(vp_.nic_count)); }
  std::string asg(Rng& r) const { return e_.asg_id(v_, r.below(kAsgRoles.size())); }
  bool dual_stack() const { return vp_.dual_stack; }

  static std::string public_cidr(Rng& r) {
    static constexpr std::array<int, 5> kLengths{24, 27, 28, 29, 32};
    const int len = r.pick(kLengths);
    const std::uint32_t last = r.below(256) & (0xffu << (32 - len)) & 0xffu;
    return fmt::format("{}.{}.{}.{}/{}", r.pick(kPublicFirstOctets), r.below(256), r.below(256), last, len);
  }
  static std::string public_ip(Rng& r) {
    return fmt::format("{}.{}.{}.{}", r.pick(kPublicFirstOctets), r.below(256), r.below(256), 1 + r.below(254));
  }
  static std::string private_cidr(Rng& r) {
    switch (r.below(5)) {
      case 0: return "10.0.0.0/8";
      case 1: return "172.16.0.0/12";
      case 2: return "192.168.0.0/16";
      case 3: return fmt::format("10.{}.0.0/16", r.below(256));
      default: return fmt::format("192.168.{}.0/24", r.below(256));
    }
  }
  static std::vector<std::string> public_cidrs(Rng& r, std::uint32_t lo, std::uint32_t hi) {
    std::vector<std::string> out(lo + r.below(hi - lo + 1));
    for (auto& s : out) s = public_cidr(r);
    return out;
  }

 private:
  const Estate& e_;
  std::uint32_t v_;
  const VnetPlan& vp_;
};

/// A rule of NSG `ctx`'s default profile at `priority`.
RuleSpec make_rule(Rng& r, const RuleContext& c, int priority);

/// A rule of the fragmented profile (issue 18) at `priority`.
RuleSpec make_fragmented_rule(Rng& r, const Estate& e, int priority);

}  // namespace exposim::bench
