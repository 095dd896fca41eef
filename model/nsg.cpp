// Network security groups: names of the protocols, rule ids, Azure's default rules, and their part of validation
// (back-references to subnets and NICs, default rules, rule order and priorities).
#include "model/nsg.h"

#include <algorithm>
#include <tuple>

#include <fmt/format.h>

#include "model/resolver.h"
#include "model/unknown.h"

namespace exposim::model {
namespace {

SecurityRule make_default(std::string name, int priority, Direction dir, Access access, AddressMatch src,
                          AddressMatch dst) {
  SecurityRule r;
  r.name = std::move(name);
  r.priority = priority;
  r.direction = dir;
  r.access = access;
  r.protocols = kAllProtocols;
  r.source = std::move(src);
  r.destination = std::move(dst);
  r.source_ports = PortSet::all();
  r.destination_ports = PortSet::all();
  r.is_default = true;
  return r;
}

AddressMatch any() {
  AddressMatch m;
  m.any = true;
  return m;
}
AddressMatch tag(ServiceTag t) {
  AddressMatch m;
  m.tags.push_back(t);
  return m;
}

}  // namespace

const char* to_string(Protocol p) {
  switch (p) {
    case Protocol::kTcp: return "tcp";
    case Protocol::kUdp: return "udp";
    case Protocol::kIcmp: return "icmp";
    case Protocol::kEsp: return "esp";
    case Protocol::kAh: return "ah";
  }
  return "?";
}

std::string security_rule_id(const NetworkSecurityGroup& nsg, const SecurityRule& rule) {
  if (!rule.id.empty()) return rule.id;
  return nsg.id + (rule.is_default ? "/defaultSecurityRules/" : "/securityRules/") + rule.name;
}

std::vector<SecurityRule> default_security_rules() {
  using enum Direction;
  using enum Access;
  std::vector<SecurityRule> rules;
  rules.push_back(make_default("AllowVnetInBound", 65000, kInbound, kAllow, tag(ServiceTag::kVirtualNetwork),
                               tag(ServiceTag::kVirtualNetwork)));
  rules.push_back(make_default("AllowAzureLoadBalancerInBound", 65001, kInbound, kAllow,
                               tag(ServiceTag::kAzureLoadBalancer), any()));
  rules.push_back(make_default("DenyAllInBound", 65500, kInbound, kDeny, any(), any()));
  rules.push_back(make_default("AllowVnetOutBound", 65000, kOutbound, kAllow, tag(ServiceTag::kVirtualNetwork),
                               tag(ServiceTag::kVirtualNetwork)));
  rules.push_back(make_default("AllowInternetOutBound", 65001, kOutbound, kAllow, any(), tag(ServiceTag::kInternet)));
  rules.push_back(make_default("DenyAllOutBound", 65500, kOutbound, kDeny, any(), any()));
  return rules;
}

/// NSGs may name their subnets and NICs instead of the other way round.
void resolve_nsg_back_references(Resolver& rs) {
  Model& m = rs.model;
  for (std::size_t i = 0; i < m.nsgs.size(); ++i) {
    auto& nsg = m.nsgs[i];
    for (auto& ref : nsg.subnets) {
      auto v = m.find(ref.id);
      if (!v || v->kind != ResourceKind::kSubnet) continue;  // partial exports: the subnet may be elsewhere
      ref.index = v->index;
      rs.attach(m.subnets[v->index].nsg, nsg, i, m.subnets[v->index].where, "network security group");
    }
    for (auto& ref : nsg.network_interfaces) {
      auto v = m.find(ref.id);
      if (!v || v->kind != ResourceKind::kNetworkInterface) continue;
      ref.index = v->index;
      rs.attach(m.nics[v->index].nsg, nsg, i, m.nics[v->index].where, "network security group");
    }
  }
}

void finish_nsgs(Resolver& rs) {
  Model& m = rs.model;
  for (auto& nsg : m.nsgs) {
    for (auto& rule : nsg.rules) {
      if (!rule.id.empty() && !nsg.id.empty()) {
        std::string written = std::move(rule.id);
        rule.id = std::string();
        if (security_rule_id(nsg, rule) != written) rule.id = std::move(written);  // not derivable: kept
      }
      for (auto* side : {&rule.source, &rule.destination}) {
        for (std::size_t a = 0; a < side->asgs.size(); ++a) {
          rs.resolve(
              side->asgs[a], ResourceKind::kApplicationSecurityGroup, rule.where, rule.flattened,
              fmt::format("/{}ApplicationSecurityGroups/{}/id", side == &rule.source ? "source" : "destination", a));
        }
      }
    }
    const bool has_defaults = std::any_of(nsg.rules.begin(), nsg.rules.end(), [](auto& r) { return r.is_default; });
    if (!has_defaults) {
      for (auto& r : default_security_rules()) {
        r.where = nsg.where;
        nsg.rules.push_back(std::move(r));
      }
    }
    std::stable_sort(nsg.rules.begin(), nsg.rules.end(), [](const SecurityRule& a, const SecurityRule& b) {
      return std::tie(a.direction, a.priority) < std::tie(b.direction, b.priority);
    });
    for (std::size_t i = 1; i < nsg.rules.size(); ++i) {
      const auto& a = nsg.rules[i - 1];
      const auto& b = nsg.rules[i];
      if (a.direction == b.direction && a.priority == b.priority && b.priority != kUnknownAllowPriority) {
        // Each rule named as its input names it too, when that is not by id (a Terraform address).
        auto named = [&](const SecurityRule& r) {
          const SourceAddress* s = rs.model.source_address(canonical_id(security_rule_id(nsg, r)));
          return s == nullptr ? fmt::format("'{}'", r.name) : fmt::format("'{}' ({})", r.name, s->address);
        };
        rs.diags.error("duplicate-priority", b.where,
                       fmt::format("rules {} and {} of network security group '{}' share priority {} in the same "
                                   "direction",
                                   named(a), named(b), nsg.name, b.priority));
      }
    }
  }
}

}  // namespace exposim::model
