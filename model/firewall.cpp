// Azure Firewall: names of its enumerations, as printed in every output, and its part of validation (references,
// placeholder addresses, the order in which Azure processes the rules).
#include "model/firewall.h"

#include <algorithm>
#include <set>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "model/resolver.h"

namespace exposim::model {
namespace {

/// A firewall whose ip configurations state no private address (templates never do: Azure assigns it) gets
/// the fourth address of its subnet, the first that Azure hands out (x.x.x.4), as a placeholder, so that a
/// route to that address is a route to the firewall.
void place_firewall_address(Resolver& rs, Firewall& fw) {
  Model& m = rs.model;
  for (const auto& c : fw.ip_configurations) {
    if (c.private_ip) return;
  }
  for (auto& c : fw.ip_configurations) {
    if (!c.subnet.resolved()) continue;
    for (const auto& p : m.subnets[c.subnet.index].prefixes) {
      if (p.address.family() != model::IpFamily::kV4 || p.length > 29) continue;
      c.private_ip = model::IpAddress::v4(p.address.v4_bits() + 4);
      c.placeholder = true;
      rs.diags.add({Severity::kNote, "placeholder-address", c.where,
                    fmt::format("firewall '{}' has no private IP address in the input: taken as {}, the first address "
                                "Azure assigns in subnet '{}' ({})",
                                fw.name, c.private_ip->to_string(), m.subnets[c.subnet.index].name, p.to_string())});
      return;
    }
    return;
  }
}

/// The policy and its ancestors through `basePolicy`, root first; a cycle is an error and cuts the chain.
std::vector<int> policy_chain(Resolver& rs, const Firewall& fw) {
  Model& m = rs.model;
  std::vector<int> chain;
  std::set<int> seen;
  for (int p = fw.policy.index; p >= 0; p = m.firewall_policies[p].base_policy.index) {
    if (!seen.insert(p).second) {
      const auto& policy = m.firewall_policies[p];
      rs.diags.error("policy-cycle", policy.where,
                     fmt::format("firewall policy '{}' is its own ancestor through 'basePolicy'", policy.name));
      break;
    }
    chain.push_back(p);
  }
  std::reverse(chain.begin(), chain.end());
  return chain;
}

/// Azure's processing order: every DNAT rule, then network rules, then application rules; within a
/// type, a parent policy's groups before the child's, then group, collection and rule order.
void order_firewall(Resolver& rs, Firewall& fw) {
  Model& m = rs.model;
  fw.order.clear();
  const bool policy = fw.policy.resolved();
  if (policy && !fw.classic.empty()) {
    rs.diags.warning("firewall-classic-and-policy", fw.where,
                     fmt::format("firewall '{}' has both a firewall policy and classic rule collections; Azure uses "
                                 "the policy, and so does exposim",
                                 fw.name));
  }
  const std::vector<int> chain = policy ? policy_chain(rs, fw) : std::vector<int>{};
  auto by_priority = [](const auto& items) {
    std::vector<int> idx(items.size());
    for (std::size_t i = 0; i < idx.size(); ++i) idx[i] = static_cast<int>(i);
    std::stable_sort(idx.begin(), idx.end(), [&](int a, int b) { return items[a].priority < items[b].priority; });
    return idx;
  };
  for (auto kind : {FirewallRuleKind::kNat, FirewallRuleKind::kNetwork, FirewallRuleKind::kApplication}) {
    auto add = [&](int p, int g, const std::vector<FirewallRuleCollection>& collections) {
      for (int c : by_priority(collections)) {
        const auto& rules = collections[c].rules;
        for (std::size_t r = 0; r < rules.size(); ++r) {
          if (rules[r].kind == kind) fw.order.push_back(FirewallRulePosition{p, g, c, static_cast<int>(r)});
        }
      }
    };
    if (!policy) {
      add(-1, -1, fw.classic);
      continue;
    }
    for (int p : chain) {
      const auto& groups = m.firewall_policies[p].groups;
      for (int g : by_priority(groups)) add(p, g, groups[g].collections);
    }
  }
}

}  // namespace

const char* to_string(ThreatIntelMode m) {
  switch (m) {
    case ThreatIntelMode::kAlert: return "Alert";
    case ThreatIntelMode::kDeny: return "Deny";
    case ThreatIntelMode::kOff: return "Off";
  }
  return "?";
}

const char* to_string(FirewallRuleKind k) {
  switch (k) {
    case FirewallRuleKind::kNat: return "dnat";
    case FirewallRuleKind::kNetwork: return "network";
    case FirewallRuleKind::kApplication: return "application";
  }
  return "?";
}

const char* to_string(FirewallAction a) {
  switch (a) {
    case FirewallAction::kDnat: return "DNAT";
    case FirewallAction::kAllow: return "Allow";
    case FirewallAction::kDeny: return "Deny";
  }
  return "?";
}

void resolve_firewalls(Resolver& rs) {
  Model& m = rs.model;
  auto resolve_addresses = [&](FirewallAddresses& a, const SourceLocation& where) {
    for (auto& ref : a.ip_groups) rs.resolve(ref, ResourceKind::kIpGroup, where, true, "", false);
  };
  auto resolve_rules = [&](std::vector<FirewallRuleCollection>& collections) {
    for (auto& c : collections) {
      for (auto& r : c.rules) {
        resolve_addresses(r.sources, r.where);
        resolve_addresses(r.destinations, r.where);
      }
    }
  };
  for (auto& p : m.firewall_policies) {
    rs.resolve(p.base_policy, ResourceKind::kFirewallPolicy, p.where, p.flattened, "/basePolicy/id", false);
    std::set<std::string> present;
    for (auto& g : p.groups) {
      present.insert(g.key);
      resolve_rules(g.collections);
    }
    for (const auto& ref : p.listed_groups) {
      if (present.count(ref.id) == 0) {
        rs.diags.warning(
            "missing-reference", p.where,
            fmt::format("firewall policy '{}' lists rule collection group '{}', which is not in the input: "
                        "its rules are unknown and exposure through them is not reported",
                        p.name, ref.id));
      }
    }
  }
  for (auto& fw : m.firewalls) {
    for (auto& c : fw.ip_configurations) {
      rs.resolve(c.subnet, ResourceKind::kSubnet, c.where, c.flattened, "/subnet/id", false);
      rs.resolve(c.public_ip, ResourceKind::kPublicIp, c.where, c.flattened, "/publicIPAddress/id", false);
    }
    place_firewall_address(rs, fw);
    rs.resolve(fw.policy, ResourceKind::kFirewallPolicy, fw.where, fw.flattened, "/firewallPolicy/id", false);
    resolve_rules(fw.classic);
    order_firewall(rs, fw);
  }
}

}  // namespace exposim::model
